"""Typed models of OCMWCPASPerformInvestigation (SSDN 20080604): the OCMW's social inquiry.

Legal data map onto PersonService's `Person` (as for IdentifyPerson): the
register comes from ``@origin``; first and middle name are the given names;
the civil state, nationality and birth place are the current ones only; the
partner of a civil state is kept by SSIN (a partner known only by name,
birth date and gender has no place in `CivilState`); a BIS person's contact
address has no place in ``AddressInformation``. Addresses are the shared
`Address`; the history adds the period each one was the legal address.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from ksz_client._exceptions import FaultDetail
from ksz_client.services.identify_person.models import Origin
from ksz_client.services.person.models import Person
from ksz_client.ssin import Ssin
from ksz_client.types import Address, PartialDate, Period, Receipt, Relationship, Status

__all__ = [
    "AddressHistory",
    "CitizenData",
    "DatedAddress",
    "FamilyComposition",
    "FamilyMember",
    "Investigation",
    "ManagerLocation",
    "RefugeeAdministrativeFile",
    "RefugeeAlias",
    "RefugeeDocument",
    "RefugeeInstitution",
    "RefugeeLocation",
    "RefugeeSituation",
    "Relationship",
    "WaitRegisterRecord",
]



@dataclass(frozen=True)
class FamilyMember:
    """A member of the household (``FamilyMember``)."""

    ssin: Ssin
    relationship: Relationship
    entry_date: _dt.date | None = None
    """The day the person entered the household."""


@dataclass(frozen=True)
class FamilyComposition:
    """The household the person belongs to, head first."""

    members: tuple[FamilyMember, ...]
    origin: Origin | None = None

    @property
    def head(self) -> FamilyMember | None:
        return next((m for m in self.members if m.relationship is Relationship.HEAD), None)


@dataclass(frozen=True)
class ManagerLocation:
    """The municipality (NIS code and name) that manages the person's file, and since when."""

    code: str | None
    name: str | None = None
    linguistic_regime: str | None = None
    since: PartialDate | None = None
    origin: Origin | None = None


@dataclass(frozen=True)
class CitizenData:
    """A ``person:Citizen``: the legal data as a `Person`, and what `Person` has no place for."""

    person: Person
    origin: Origin | None = None
    inscription_register: int | None = None
    """The register code as the KSZ gives it (the sandbox: 1 population, 2 foreigners,
    3 waiting register)."""
    manager: ManagerLocation | None = None


@dataclass(frozen=True)
class DatedAddress:
    """An address of the history and the period it was the person's (None when unknown)."""

    address: Address
    period: Period | None = None
    since: PartialDate | None = None
    """The date the registers give (``modificationDate``), possibly partial."""
    street_code: str | None = None
    origin: Origin | None = None


@dataclass(frozen=True)
class AddressHistory:
    """A person's address history: legal addresses most recent first, managing municipalities,
    and declared addresses (for persons in the waiting register)."""

    ssin: Ssin
    legal: tuple[DatedAddress, ...] = ()
    managers: tuple[ManagerLocation, ...] = ()
    declared: tuple[DatedAddress, ...] = ()

    @property
    def current(self) -> DatedAddress | None:
        return self.legal[0] if self.legal else None


@dataclass(frozen=True)
class RefugeeSituation:
    """H205: an asylum request."""

    demand_date: PartialDate | None = None
    quality_code: int | None = None


@dataclass(frozen=True)
class RefugeeAdministrativeFile:
    """H206: the administrative file of an asylum seeker."""

    structure_type: str | None = None
    administrative_situation_date: PartialDate | None = None
    administrative_situation_code: int | None = None
    organism: int | None = None
    comment: str | None = None
    code_k2: int | None = None
    municipality_or_aid_center: int | None = None
    municipality_description: str | None = None
    municipality_description_bilingual: str | None = None
    reference: str | None = None
    number_of_days: int | None = None
    open_closed_code: int | None = None
    nis_code: int | None = None
    declaration_date: PartialDate | None = None
    certificate_date: PartialDate | None = None
    delay_date: PartialDate | None = None
    original_organism: int | None = None


@dataclass(frozen=True)
class RefugeeInstitution:
    """H207: an institution (reception centre, OCMW) the person is known to."""

    inscription_date: PartialDate | None = None
    remove_date: PartialDate | None = None
    type_of_aid: int | None = None
    municipality_description: str | None = None
    municipality_description_bilingual: str | None = None
    cpas_code: int | None = None


@dataclass(frozen=True)
class RefugeeDocument:
    """H211: a document handed in at registration."""

    inscription_date: PartialDate | None = None
    document_type_code: int | None = None


@dataclass(frozen=True)
class RefugeeLocation:
    """H212: where the person resides."""

    inscription_date: PartialDate | None = None
    code: int | None = None
    description: str | None = None


@dataclass(frozen=True)
class RefugeeAlias:
    """H213: one block of additional (alias) data."""

    date: PartialDate | None = None
    alias_type_code: str | None = None
    nationality_code: int | None = None
    birth_date: PartialDate | None = None
    last_name: str | None = None
    first_name: str | None = None
    first_name_indicator: int | None = None
    birth_place: str | None = None


@dataclass(frozen=True)
class WaitRegisterRecord:
    """What the waiting register holds about a person (national register screens H205-H213)."""

    ssin: Ssin
    situations: tuple[RefugeeSituation, ...] = ()
    administrative_files: tuple[RefugeeAdministrativeFile, ...] = ()
    institutions: tuple[RefugeeInstitution, ...] = ()
    documents: tuple[RefugeeDocument, ...] = ()
    locations: tuple[RefugeeLocation, ...] = ()
    alias_full: str | None = None
    aliases: tuple[RefugeeAlias, ...] = ()


@dataclass(frozen=True)
class Investigation:
    """The answer to `InvestigationService.perform`: the data groups asked for.

    With the family composition, the other groups come for every member of
    the household; `citizen` and `address_history` pick one person's. A
    data group not asked for is empty (``None`` for the family). Warnings
    are the SSDN informations and warnings (e.g. not in the waiting register).
    """

    ssin: Ssin
    family: FamilyComposition | None
    citizens: tuple[CitizenData, ...]
    address_histories: tuple[AddressHistory, ...]
    wait_register: tuple[WaitRegisterRecord, ...]
    warnings: tuple[FaultDetail, ...]
    status: Status
    receipt: Receipt

    def citizen(self, ssin: str | None = None) -> CitizenData | None:
        """The legal data of `ssin` (default: the person the inquiry is about)."""
        wanted = ssin or self.ssin
        return next((c for c in self.citizens if c.person.ssin == wanted), None)

    def address_history(self, ssin: str | None = None) -> AddressHistory | None:
        wanted = ssin or self.ssin
        return next((h for h in self.address_histories if h.ssin == wanted), None)

    @property
    def person(self) -> Person | None:
        """The legal data of the person the inquiry is about, when asked for."""
        found = self.citizen()
        return found.person if found is not None else None
