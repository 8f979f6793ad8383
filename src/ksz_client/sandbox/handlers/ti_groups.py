"""Sandbox handlers of RetrieveTIGroups V2 and V5: the national-register record.

The record is built from the population (identity, names, birth, nationality,
civil states, household, decease) and its residential history (the one
FamilyComposition uses), with the register's labels in the language asked for;
the TI groups the SDK does not map are written too (occupations from the
person's facts, identity cards, update dates), so that the record is realistic
and, with history, big: a mobile person's record is about 100 KB.
BIS persons (of the population, or registered in the sandbox) are not in the national
register: NO_DATA_FOUND MSG00100.

Codes and labels are the sandbox's own data (modelled), except where a public
source shows the register's: 10/20/30 civil states, family roles 01-03, register
9 (waiting register).
"""

from __future__ import annotations

import copy
import datetime as _dt
import itertools
import random
import zlib
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Final

from lxml import etree

from ksz_client import _xml
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.sandbox.handlers.bis import stored_person
from ksz_client.sandbox.handlers.family import residential_history
from ksz_client.sandbox.population import Population
from ksz_client.services.person.models import Register
from ksz_client.services.ti_groups import _wire
from ksz_client.services.ti_groups.models import (
    BirthRecord,
    CivilStateRecord,
    Code,
    DeceaseRecord,
    HouseholdLink,
    Language,
    LegalCohabitation,
    MainAddress,
    NationalRegisterRecord,
    RegisteredName,
    RegisteredNationality,
    RegistrationRegister,
    RelatedPerson,
    Residence,
)
from ksz_client.types import Address, PartialDate

__all__ = ["current_only", "national_register_record"]

_DAY = _dt.timedelta(days=1)
_R = f"{{{_wire.RN}}}"

# code -> (fr, nl, de)
_CIVIL_STATES: Final[Mapping[str, tuple[str, str, str]]] = {
    "10": ("Célibataire", "Ongehuwd", "Ledig"),
    "20": ("Marié(e)", "Gehuwd", "Verheiratet"),
    "30": ("Veuf/Veuve", "Weduwnaar/Weduwe", "Verwitwet"),
    "40": ("Séparé(e) de corps", "Gescheiden van tafel en bed", "Von Tisch und Bett getrennt"),
    "50": ("Divorcé(e)", "Uit de echt gescheiden", "Geschieden"),
}
_ROLES: Final[Mapping[str, tuple[str, str, str]]] = {
    "01": ("Personne de référence", "Referentiepersoon", "Bezugsperson"),
    "02": ("Conjoint(e)", "Echtgeno(o)t(e)", "Ehepartner(in)"),
    "03": ("Fils/Fille", "Zoon/Dochter", "Sohn/Tochter"),
    "15": ("Autre membre du ménage", "Ander gezinslid", "Anderes Haushaltsmitglied"),
}
_REGISTERS: Final[Mapping[str, tuple[str, str, str]]] = {
    "1": ("Registre de population", "Bevolkingsregister", "Bevölkerungsregister"),
    "2": ("Registre des étrangers", "Vreemdelingenregister", "Fremdenregister"),
    "9": ("Registre d'attente", "Wachtregister", "Warteregister"),
}
_CESSATIONS: Final[Mapping[str, tuple[str, str, str]]] = {
    "2": ("Mariage des cohabitants", "Huwelijk van de samenwonenden", "Heirat der Partner"),
}
_BELGIAN = ("Belge", "Belg", "Belgier(in)")
_LANGUAGE_INDEX: Final = {Language.FR: 0, Language.NL: 1, Language.DE: 2}
_FILE_LANGUAGE: Final = {"fr": "1", "nl": "2", "de": "2", "bxl": "1"}


def _label(table: Mapping[str, tuple[str, str, str]], code: str, language: Language) -> Code:
    labels = table.get(code)
    return Code(code, labels[_LANGUAGE_INDEX[language]] if labels else code)


def _nationality(code: str, language: Language) -> Code:
    if code == "150":
        return Code(code, _BELGIAN[_LANGUAGE_INDEX[language]])
    foreign = ("Étranger (code {})", "Vreemdeling (code {})", "Ausländer (Kode {})")
    return Code(code, foreign[_LANGUAGE_INDEX[language]].format(code))


def _partial(day: _dt.date | None) -> PartialDate | None:
    return PartialDate.of(day) if day is not None else None


def _related(population: Population, index: int) -> RelatedPerson:
    person = population.person(index)
    return RelatedPerson(ssin=person.ssin, name=person.name,
                         birth_date=person.birth.date if person.birth else None,
                         gender=person.gender)


def _residences_and_addresses(history: tuple[Address, ...], today: _dt.date
                              ) -> tuple[tuple[Residence, ...], tuple[MainAddress, ...]]:
    addresses: list[MainAddress] = []
    residences: list[Residence] = []
    newer: _dt.date | None = None
    for address in history:  # most recent first
        since = address.since or today
        until = newer - _DAY if newer is not None else None
        code = Code(address.municipality_code or "00000", address.municipality)
        language = _FILE_LANGUAGE.get(_region(address), "2")
        street = zlib.crc32((address.street or "").encode()) % 10000
        street_code = f"{address.postal_code or '0000'}{street:04d}"
        addresses.append(MainAddress(
            address=replace(address, since=since, country_code="150"),
            street_code=street_code, since=_partial(since), until=_partial(until)))
        if residences and residences[-1].municipality == code:
            # The same municipality: one residence item, which started earlier.
            residences[-1] = replace(residences[-1], since=_partial(since))
        else:
            residences.append(Residence(code, language, _partial(since), _partial(until)))
        newer = since
    return tuple(residences), tuple(addresses)


def _region(address: Address) -> str:
    postal = int(address.postal_code or "0")
    if 1000 <= postal < 1300:
        return "bxl"
    if 1300 <= postal < 1500 or 4000 <= postal < 8000:
        return "de" if 4700 <= postal < 4800 else "fr"
    return "nl"


def national_register_record(population: Population, index: int, language: Language,
                             today: _dt.date) -> NationalRegisterRecord:
    """The full record (history included) of a national-register person of the population."""
    person = population.person(index)
    assert person.birth is not None
    born = person.birth.date
    history = residential_history(population, index)
    residences, addresses = _residences_and_addresses(history, today)
    household = population.household(index)
    own = household.member(index)
    role = _label(_ROLES, own.relationship, language)
    head_role = _label(_ROLES, "01", language)
    # Past households of one at the earlier addresses, then the current household.
    past = tuple(HouseholdLink(head_role, None, Code("00"), since=a.since, until=a.until)
                 for a in addresses[1:])
    members: tuple[HouseholdLink, ...] = ()
    heads: tuple[HouseholdLink, ...] = ()
    if own.relationship == "01":
        members = (
            *(HouseholdLink(_label(_ROLES, m.relationship, language),
                            _related(population, m.index), since=_partial(m.since))
              for m in reversed(household.members[1:])),
            HouseholdLink(head_role, None, Code("00"), since=_partial(own.since)),
            *past,
        )
    else:
        heads = (HouseholdLink(role, _related(population, household.head.index),
                               since=_partial(own.since)),)
        members = past
    died = population.death_date(index)
    if died is not None:
        # The register closes a deceased person's household at the death.
        gone = _partial(died)
        members = tuple(replace(link, until=link.until or gone) for link in members
                        if link.since is None or gone is None or link.since <= gone)
        heads = tuple(replace(link, until=link.until or gone) for link in heads
                      if link.since is None or gone is None or link.since <= gone)
    states: list[CivilStateRecord] = []
    newer: PartialDate | None = None
    for state in person.civil_states:  # most recent first
        ended = newer.to_date() if newer is not None else None
        until = _partial(ended - _DAY) if ended is not None else None
        spouse = None
        if state.partner_ssin is not None:
            partner = population.index_of(state.partner_ssin)
            spouse = (_related(population, partner) if partner is not None
                      else RelatedPerson(state.partner_ssin))
        states.append(CivilStateRecord(
            state=_label(_CIVIL_STATES, state.code, language),
            spouse=spouse,
            place=Code(state.place.municipality_code, state.place.name)
            if state.place is not None and state.place.municipality_code else None,
            act_number=f"{index % 9000 + 1000}" if state.code != "10" else None,
            since=state.since, until=until,
        ))
        newer = state.since
    cohabitations: tuple[LegalCohabitation, ...] = ()
    together = population.legal_cohabitation(index)
    if together is not None:
        partner_index, start, end = together
        place = Code(household.address.municipality_code or "00000",
                     household.address.municipality)
        cohabitations = (
            LegalCohabitation(_related(population, partner_index), place=place,
                              cessation=_label(_CESSATIONS, "2", language),
                              since=_partial(end)),
            LegalCohabitation(_related(population, partner_index), registered=_partial(start),
                              place=place, since=_partial(start), until=_partial(end)),
        )
    decease = None
    if person.decease is not None:
        where = person.decease.place
        decease = DeceaseRecord(
            person.decease.date,
            place=Code(where.municipality_code, where.name)
            if where is not None and where.municipality_code else None,
            act_number=f"{index % 9000 + 1000}")
    nationality = person.nationalities[0].code if person.nationalities else "150"
    birth_place = person.birth.place
    return NationalRegisterRecord(
        ssin=person.ssin,
        birth_date=born,
        gender=person.gender,
        residences=residences,
        names=(RegisteredName(person.name, since=born),),
        addresses=addresses,
        nationalities=tuple(
            RegisteredNationality(_nationality(n.code, language), since=_partial(n.since))
            for n in person.nationalities),
        birth=BirthRecord(
            born,
            place=Code(birth_place.municipality_code, birth_place.name)
            if birth_place is not None and birth_place.municipality_code else None,
            act_number=f"{index % 900 + 100}"),
        civil_states=tuple(states),
        legal_cohabitations=cohabitations,
        household_members=members,
        heads_of_household=heads,
        decease=decease,
        registers=(RegistrationRegister(
            _label(_REGISTERS, "1" if nationality == "150" else "2", language), since=born),),
    )


def current_only(record: NationalRegisterRecord) -> NationalRegisterRecord:
    """The record as the register sends it without history: current items only."""
    return replace(
        record,
        residences=tuple(i for i in record.residences if i.current),
        names=tuple(i for i in record.names if i.current),
        addresses=tuple(i for i in record.addresses if i.current),
        nationalities=tuple(i for i in record.nationalities if i.current),
        civil_states=tuple(i for i in record.civil_states if i.current),
        legal_cohabitations=tuple(i for i in record.legal_cohabitations if i.current),
        household_members=tuple(i for i in record.household_members if i.current),
        heads_of_household=tuple(i for i in record.heads_of_household if i.current),
        registers=tuple(i for i in record.registers if i.current),
    )


# --- the TI groups the SDK does not map -------------------------------------------------


def _sub(parent: _xml.Element, name: str, text: str | None = None) -> _xml.Element:
    child = etree.SubElement(parent, _R + name)
    if text is not None:
        child.text = text
    return child


def _ti(parent: _xml.Element, name: str, ti: str, since: _dt.date,
        until: _dt.date | None) -> _xml.Element:
    item = _sub(parent, name)
    item.set("Type", ti)
    item.set("Structure", "A1")
    _wire.write_date(item, "Date", PartialDate.of(since))
    if until is not None:
        _wire.write_date(item, "DelDate", PartialDate.of(until))
    return item


def _coded(parent: _xml.Element, name: str, code: str, label: str) -> None:
    el = _sub(parent, name)
    _sub(el, "Code", code)
    _sub(el, "Label", label)


def _write_other_groups(root: _xml.Element, population: Population, index: int, *,
                        language: Language, history: bool, today: _dt.date) -> None:
    facts = population.facts(index)
    lang = _LANGUAGE_INDEX[language]
    # TI 070, occupations, from what the sources know of the person's working life.
    jobs: list[tuple[_dt.date, _dt.date | None, str, str, str]] = []
    for job in facts.employments:
        label = (("Employé(e)", "Bediende", "Angestellte(r)") if job.white_collar
                 else ("Ouvrier/Ouvrière", "Arbeider", "Arbeiter(in)"))[lang]
        jobs.append((job.period.start, job.period.end, "41000" if job.white_collar else "71000",
                     label, "3"))
    for work in facts.self_employment:
        jobs.append((work.period.start, work.period.end, "12000",
                     ("Indépendant(e)", "Zelfstandige", "Selbständige(r)")[lang], "2"))
    for pension in facts.pensions:
        jobs.append((pension.period.start, pension.period.end, "00006",
                     ("Pensionné(e)", "Gepensioneerde", "Rentner(in)")[lang], "9"))
    jobs.sort(key=lambda j: j[0], reverse=True)
    shown = [j for j in jobs if history or j[1] is None]
    if shown:
        group = _sub(root, "Occupations")
        for start, end, code, label, category in shown:
            item = _ti(group, "Occupation", "070", start, end)
            _coded(item, "Occupation", code, label)
            _coded(item, "SocialCategory", category,
                   {"2": "(Indép.)", "3": "(Salar.)"}.get(category, "-"))
    # TI 195, identity cards: one every ten years from the age of twelve.
    rng = random.Random(f"{population.seed}:{index}:cards")  # noqa: S311 - synthetic data
    born = population.birth_date(index)
    died = population.death_date(index)
    cards: list[tuple[_dt.date, _dt.date | None]] = []
    issued = _dt.date(born.year + 12, born.month, min(born.day, 28))
    while issued <= min(today, died or today):
        renewed = issued + _dt.timedelta(days=3650)
        cards.append((issued, renewed - _DAY if renewed <= today else None))
        issued = renewed
    cards.reverse()
    shown_cards = [c for c in cards if history or c[1] is None]
    if shown_cards:
        group = _sub(root, "IdentityCards")
        for start, end in shown_cards:
            item = _ti(group, "IdentityCard", "195", start, end)
            _coded(item, "TypeOfCard", "0001", ("Carte d'identité électronique",
                                                "Elektronische identiteitskaart",
                                                "Elektronischer Personalausweis")[lang])
            _sub(item, "CardNumber", f"{rng.randint(100, 999)}-{rng.randint(10**6, 10**7 - 1)}"
                                     f"-{rng.randint(10, 99)}")
    # TI 005, the declared moves (where from, where to); TI 251, the dates the residence was
    # last updated; TI 253/254, the file's creation and last update.
    history_ = residential_history(population, index)
    pairs = list(itertools.pairwise(history_))
    if pairs:
        group = _sub(root, "AddressChangeIntention")
        for new, old in pairs if history else pairs[:1]:
            moved_on = new.since or today
            for tag, address in (("DestinationPlace", new), ("OriginPlace", old)):
                item = _ti(group, "Address", "005", moved_on, None)
                _coded(item, tag, address.municipality_code or "00000",
                       address.municipality or "")
    moves = [a.since for a in history_ if a.since is not None]
    shown_moves = moves if history else moves[:1]
    if shown_moves:
        group = _sub(root, "ResidenceUpdateDates")
        for moved in shown_moves:
            _ti(group, "ResidenceUpdateDate", "251", moved, None)
    _ti(root, "CreationDate", "253", born, None)
    _ti(root, "LastUpdateDate", "254", max(moves[0] if moves else born, born), None)


# --- the handlers ---------------------------------------------------------------------


def _retrieve(ctx: HandlerContext, request: _xml.Element, *, status_first: bool) -> Answer:
    ssin, language, history = _wire.read_search(request)
    search = request.find("searchInformation")
    assert search is not None  # read_search required it

    def place(extra: Callable[[_xml.Element], None] | None) -> Callable[[_xml.Element], None]:
        # This contract has no `result` (the fill gets the response itself, wrapper=None):
        # searchInformation goes beside the status (V2 before it, V5 after it), the
        # record at the end.
        def fill(root: _xml.Element) -> None:
            status_el = root.find("status")
            assert status_el is not None
            echo = copy.deepcopy(search)
            if status_first:
                status_el.addnext(echo)
            else:
                status_el.addprevious(echo)
            if extra is not None:
                extra(root)
        return fill

    population = ctx.population
    index = population.index_of(ssin)
    if index is None:
        if stored_person(ctx.state, ssin) is not None:
            # A BIS person the sandbox registered is not in the national register either.
            return Answer(status("NO_DATA_FOUND", "MSG00100"), place(None), wrapper=None)
        return Answer(status("NO_RESULT", "MSG00005"), place(None), wrapper=None)
    replaced_by = population.replaced_by(index)
    if replaced_by is not None:
        return Answer(status("NO_RESULT", "MSG00006",
                             newSSIN=str(population.ssin_of(replaced_by))),
                      place(None), wrapper=None)
    if population.register_of(index) is Register.BIS:
        # A BIS number is not in the national register.
        return Answer(status("NO_DATA_FOUND", "MSG00100"), place(None), wrapper=None)
    record = national_register_record(population, index, language, ctx.today)
    if not history:
        record = current_only(record)

    def write(root: _xml.Element) -> None:
        element = _wire.write_record(root, record)
        _write_other_groups(element, population, index, language=language, history=history,
                            today=ctx.today)

    return Answer(status("DATA_FOUND", "MSG00000"), place(write), wrapper=None)


@handles("RetrieveTIGroups", "retrieveTI")
def retrieve_v2(ctx: HandlerContext, request: _xml.Element) -> Answer:
    return _retrieve(ctx, request, status_first=False)


@handles("RetrieveTIGroupsV5", "retrieveTI")
def retrieve_v5(ctx: HandlerContext, request: _xml.Element) -> Answer:
    return _retrieve(ctx, request, status_first=True)
