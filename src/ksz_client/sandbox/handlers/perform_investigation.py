"""Sandbox handler of OCMWCPASPerformInvestigation (SSDN 20080604): the social inquiry.

Answers from the synthetic population: the household (`Population.household`:
members, relationship 01/02/03/15, entry date), each member's legal data as a
``person:Citizen`` (the current civil state and nationality, the legal
address and the managing municipality), the address history
(`Population.address_history`, most recent first) and, for the persons
`in_wait_register`, a waiting-register record generated from the seed.
With the family composition asked, the other groups come for every member.

A waiting-register group asked for someone not in it gives no record and an
INFORMATION detail ``SBX00021`` (a sandbox code: the real text is not public).
The register codes of ``InscriptionRegister`` are the sandbox's: 1 population
register, 2 foreigners register, 3 waiting register.

Refusals: the payload against ``wsdl/ssdn/PerformInvestigation.xsd``
(30000001), the SSIN (MSG00011, MSG00005, MSG00006 with newSSIN); the engine
has already refused (MSG00012) a caller that has not integrated the person.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import random
from typing import Final

from ksz_client import _xml, catalogue
from ksz_client.sandbox.handlers import HandlerContext, SsdnAnswer, SsdnDetail, handles_ssdn
from ksz_client.sandbox.handlers._legacy_ssdn import Refused, check_contract, person_index
from ksz_client.sandbox.population import Population
from ksz_client.services.identify_person._wire import origin_of
from ksz_client.services.investigation import _wire
from ksz_client.services.investigation.models import (
    AddressHistory,
    CitizenData,
    DatedAddress,
    FamilyComposition,
    FamilyMember,
    ManagerLocation,
    RefugeeAdministrativeFile,
    RefugeeAlias,
    RefugeeDocument,
    RefugeeInstitution,
    RefugeeLocation,
    RefugeeSituation,
    Relationship,
    WaitRegisterRecord,
)
from ksz_client.services.person.models import Birth, Decease, Person, Register
from ksz_client.types import AddressKind, PartialDate

__all__ = [
    "NOT_IN_WAIT_REGISTER",
    "address_history_of",
    "citizen_of",
    "family_of",
    "in_wait_register",
    "perform_investigation",
    "wait_record_of",
]

_SERVICE: Final = catalogue.get("OCMWCPASPerformInvestigation")
_OP: Final = "performInvestigation"
NOT_IN_WAIT_REGISTER: Final = "SBX00021"
"""Sandbox information: the person is not in the waiting register."""
_WIRE_ADDRESSES: Final = (AddressKind.RESIDENTIAL, AddressKind.DIPLOMATIC_POST,
                          AddressKind.TEMPORARY, AddressKind.POSTAL)


def in_wait_register(population: Population, index: int) -> bool:
    """Whether the sandbox person is in the waiting register: some living foreigners."""
    if (index % 3 != 1 or population.register_of(index) is not Register.NR
            or population.is_deceased(index) or population.replaced_by(index) is not None
            or population.fault_of(index) is not None):
        return False
    nationalities = population.person(index).nationalities
    return bool(nationalities) and nationalities[0].code != "150"


def _wire_person(person: Person) -> Person:
    """The person as a Citizen carries it: the current civil state (partner by SSIN) and
    nationality, the addresses AddressInformation knows; nothing else."""
    civil = tuple(dataclasses.replace(c, partner_reference=None)
                  for c in person.civil_states[:1])
    return Person(
        ssin=person.ssin,
        register=person.register,
        name=person.name,
        gender=person.gender,
        birth=Birth(person.birth.date, person.birth.place) if person.birth else None,
        decease=Decease(person.decease.date, person.decease.place) if person.decease else None,
        nationalities=person.nationalities[:1],
        civil_states=civil,
        addresses=tuple(a for a in person.addresses if a.kind in _WIRE_ADDRESSES),
        register_since=person.register_since,
    )


def citizen_of(population: Population, index: int) -> CitizenData:
    person = population.person(index)
    home = population.household(index).address
    foreign = bool(person.nationalities) and person.nationalities[0].code != "150"
    register = 3 if in_wait_register(population, index) else 2 if foreign else 1
    origin = origin_of(person.register)
    member = population.household(index).member(index)
    return CitizenData(
        person=_wire_person(person),
        origin=origin,
        inscription_register=register,
        manager=ManagerLocation(code=home.municipality_code, name=home.municipality,
                                since=PartialDate.of(member.since), origin=origin),
    )


def family_of(population: Population, index: int) -> FamilyComposition:
    household = population.household(index)
    return FamilyComposition(
        members=tuple(FamilyMember(m.ssin, Relationship(m.relationship), m.since)
                      for m in household.members),
        origin=origin_of(population.register_of(index)),
    )


def address_history_of(population: Population, index: int) -> AddressHistory:
    addresses = population.address_history(index)
    origin = origin_of(population.register_of(index))
    legal = tuple(
        dataclasses.replace(d, origin=origin)
        for d in _wire.dated_history(
            (a, PartialDate.of(a.since) if a.since else None) for a in addresses)
    )
    managers: list[ManagerLocation] = []
    for item in legal:
        address = item.address
        if managers and managers[-1].code == address.municipality_code:
            managers[-1] = dataclasses.replace(managers[-1], since=item.since)
            continue
        managers.append(ManagerLocation(code=address.municipality_code,
                                        name=address.municipality, since=item.since,
                                        origin=origin))
    declared: tuple[DatedAddress, ...] = ()
    if in_wait_register(population, index):
        declared = (DatedAddress(legal[0].address, since=legal[0].since, origin=origin),)
    return AddressHistory(ssin=population.ssin_of(index), legal=legal,
                          managers=tuple(managers), declared=declared)


def _some_day(rng: random.Random, after: _dt.date, span: int) -> PartialDate:
    return PartialDate.of(min(after + _dt.timedelta(days=rng.randint(0, span)),
                              _dt.date(2025, 12, 31)))


def wait_record_of(population: Population, index: int) -> WaitRegisterRecord:
    """The waiting-register record of a person `in_wait_register` (generated from the seed)."""
    rng = random.Random(f"{population.seed}:{index}:wait-register")  # noqa: S311 - synthetic
    person = population.person(index)
    home = population.household(index).address
    arrived = population.household(index).member(index).since - _dt.timedelta(
        days=rng.randint(30, 400))
    asked = _some_day(rng, arrived, 20)
    decided = _some_day(rng, arrived, 600)
    nis = int(home.municipality_code or "21004")
    return WaitRegisterRecord(
        ssin=person.ssin,
        situations=(RefugeeSituation(demand_date=asked, quality_code=rng.choice((1, 2, 3))),),
        administrative_files=(RefugeeAdministrativeFile(
            structure_type=rng.choice(("OPEN", "CLOSED")),
            administrative_situation_date=decided,
            administrative_situation_code=rng.choice((10, 20, 30)),
            organism=1, reference=f"WR{index:08d}", number_of_days=rng.randint(30, 900),
            open_closed_code=rng.choice((1, 2)), nis_code=nis,
            municipality_or_aid_center=nis, municipality_description=home.municipality,
            declaration_date=asked,
        ),),
        institutions=(RefugeeInstitution(
            inscription_date=asked, type_of_aid=rng.choice((1, 2)),
            municipality_description=home.municipality, cpas_code=nis,
        ),),
        documents=(RefugeeDocument(inscription_date=asked,
                                   document_type_code=rng.choice((1, 5, 9))),),
        locations=(RefugeeLocation(inscription_date=asked, code=nis,
                                   description=home.municipality),),
        aliases=(RefugeeAlias(date=asked, alias_type_code="A",
                              nationality_code=int(person.nationalities[0].code),
                              birth_date=person.birth.date if person.birth else None,
                              last_name=person.name.last_name.upper(),
                              first_name=person.name.given_names[0].upper()
                              if person.name.given_names else None),),
    )


@handles_ssdn("OCMWCPASPerformInvestigation")
def perform_investigation(ctx: HandlerContext, request: _xml.Element) -> SsdnAnswer:
    """PerformInvestigationRequest -> PerformInvestigationReply."""
    try:
        return _investigate(ctx, request)
    except Refused as refused:
        return refused.answer


def _investigate(ctx: HandlerContext, request: _xml.Element) -> SsdnAnswer:
    check_contract(_SERVICE, request, _OP)
    ssin, groups = _wire.read_request(request)
    index = person_index(ctx, ssin, _OP)
    population = ctx.population
    family = family_of(population, index) if "family" in groups else None
    # With the family composition, the other groups are about every member.
    indexes = ([population.index_of(str(m.ssin)) for m in family.members]
               if family is not None else [index])
    people = [i for i in indexes if i is not None]
    details: tuple[SsdnDetail, ...] = ()
    waiting: tuple[WaitRegisterRecord, ...] = ()
    if "wait_register" in groups:
        waiting = tuple(wait_record_of(population, i) for i in people
                        if in_wait_register(population, i))
        if not in_wait_register(population, index):
            details = (SsdnDetail("INFORMATION", NOT_IN_WAIT_REGISTER,
                                  "the person is not in the waiting register"),)
    reply = _wire.Reply(
        ssin=population.ssin_of(index),
        family=family,
        citizens=tuple(citizen_of(population, i) for i in people)
        if "citizen" in groups else (),
        address_histories=tuple(address_history_of(population, i) for i in people)
        if "address_history" in groups else (),
        wait_register=waiting,
    )
    return SsdnAnswer(details=details, payload=_wire.write_reply(reply), operation=_OP)
