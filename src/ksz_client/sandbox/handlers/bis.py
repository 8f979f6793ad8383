"""Sandbox handlers of the KSZ BIS register: BisPersonService ``registerPerson``, the
legacy ManagePerson ``createKSZCitizen`` and CBSSPersonService ``updatePerson``.

What they create or change is kept in the sandbox state as records of kind
``bis-person`` (key: the SSIN; data: the person as a PersonService ``PersonType``
document), so that PersonService (by SSIN and phonetically) and
SSINInformationService see it; the population's own BIS persons get such a
record once updated. Every update request also leaves a ``bis-update`` record.

Sandbox conventions (modelled; the real rules are the KSZ's):

- **Numbers.** The sandbox never mints a number that could be a real person's:
  a new BIS number is a *test number* (month + 60, SPEC §6) that the population
  never uses. With a known birth date it is that date and a counter of
  997-999 (997 and 999 for men, 998 for women); once those are taken, or when
  the day or month is unknown, the day (and month) become 00 and the counter is
  the next free one of the right parity. The population only has full dates and
  counters up to 996, so the two never meet. (A real BIS number has month + 20 or
  + 40; test numbers have no such variant, so an unknown gender gets a counter
  of either parity.)
- **Duplicates.** ``registerPerson`` answers ``existingPersons`` (at most 50,
  nothing registered) when a current person of the population or of the BIS
  records has the same last and first given name (case and accents ignored),
  a compatible birth date (the parts both know are equal) and, when both know
  it, the same gender.
- **Updates.** Only BIS persons can be updated; a national-register person
  gets NOK ``NOT_BIS`` for every group. Per data group: the same data as now is
  NO_UPDATE; a change of name, birth or gender is DEFERRED (it waits for a check
  by the KSZ that the sandbox never performs, so it is not applied); a decease
  before the birth is NOK ``INCONSISTENT``; everything else is OK and applied.
"""

from __future__ import annotations

import datetime as _dt
import unicodedata
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Final

from lxml import etree

from ksz_client import _xml
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.sandbox.population import Population, phonetic_key
from ksz_client.sandbox.state import Record, RecordValue, SandboxState
from ksz_client.services.bis import _wire
from ksz_client.services.bis.models import (
    BisDeclaration,
    DataGroup,
    DataGroupUpdate,
    PersonChanges,
    UpdateOutcome,
)
from ksz_client.services.person import _wire as _person_wire
from ksz_client.services.person.models import (
    Birth,
    Nationality,
    Person,
    Register,
    SearchCriteria,
)
from ksz_client.ssin import Gender, Ssin
from ksz_client.types import Address, AddressKind, PartialDate

__all__ = [
    "PERSON_KIND",
    "UPDATE_KIND",
    "mint",
    "registered",
    "stored_person",
    "with_registered",
]

PERSON_KIND: Final = "bis-person"
"""Record kind of a BIS person the sandbox registered or updated (key: the SSIN)."""
UPDATE_KIND: Final = "bis-update"
"""Record kind of one ``updatePerson`` request, with its outcome per data group."""

_MAX_CANDIDATES: Final = 50
_FIRST_COUNTERS: Final = {Gender.MALE: (997, 999), Gender.FEMALE: (998,), None: (997, 998, 999)}
_TWO_THOUSAND: Final = 2_000_000_000


# --- the store of BIS persons (read by PersonService and SSINInformationService too) ---------


def _to_text(person: Person) -> str:
    return etree.tostring(_person_wire.write_person(etree.Element("result"), person),
                          encoding="unicode")


def _from_text(text: str) -> Person:
    return _person_wire.read_person(_xml.parse(text.encode(), what="request"))


def stored_person(state: SandboxState | None, ssin: str) -> Person | None:
    """The BIS person the sandbox registered or updated under `ssin`, if any."""
    if state is None:
        return None
    found = state.records(PERSON_KIND, key=ssin)
    return _from_text(str(found[0].data["person"])) if found else None


def registered(state: SandboxState | None) -> Iterator[Person]:
    """Every BIS person in the sandbox state, in registration order."""
    if state is None:
        return
    for record in state.records(PERSON_KIND):
        yield _from_text(str(record.data["person"]))


def _data(person: Person, origin: str) -> dict[str, RecordValue]:
    # The phonetic key lets searches skip the records of other names without parsing them.
    return {"person": _to_text(person), "origin": origin,
            "last_key": phonetic_key(person.name.last_name)}


def _of_name(state: SandboxState | None, last_name: str) -> list[Record]:
    if state is None:
        return []
    key = phonetic_key(last_name)
    return [r for r in state.records(PERSON_KIND) if r.data.get("last_key") == key]


def _store(state: SandboxState, person: Person, *, ctx: HandlerContext, origin: str) -> None:
    data = _data(person, origin)
    if state.records(PERSON_KIND, key=person.ssin):
        state.update_record(PERSON_KIND, person.ssin, data, ticket=ctx.ticket, at=ctx.now)
    else:
        state.add_record(PERSON_KIND, data, ticket=ctx.ticket, at=ctx.now, ssin=person.ssin,
                         organisation=ctx.organisation, key=person.ssin)


def _birth_matches(actual: PartialDate, wanted: PartialDate, tolerance: int) -> bool:
    if abs(actual.year - wanted.year) > tolerance:
        return False
    if tolerance:
        return True
    return all(w is None or a is None or a == w
               for a, w in ((actual.month, wanted.month), (actual.day, wanted.day)))


def with_registered(state: SandboxState | None, persons: list[Person],
                    criteria: SearchCriteria) -> list[Person]:
    """A phonetic search's answer with the sandbox's BIS persons: stored versions replace
    the population's, and registered persons matching `criteria` join (PersonService)."""
    if state is None:
        return persons
    out = [stored_person(state, p.ssin) or p for p in persons]
    seen = {p.ssin for p in out}
    want_given = phonetic_key(criteria.given_names[0]) if criteria.given_names else None
    for record in _of_name(state, criteria.last_name):
        if record.key in seen:
            continue
        person = _from_text(str(record.data["person"]))
        if want_given and not any(phonetic_key(g) == want_given for g in person.name.given_names):
            continue
        if criteria.birth_date is not None and (person.birth is None or not _birth_matches(
                person.birth.date, criteria.birth_date, criteria.tolerance)):
            continue
        if criteria.gender is not None and person.gender is not criteria.gender:
            continue
        out.append(person)
    return out[:criteria.max_results]


# --- numbers -----------------------------------------------------------------------------


def _test_number(year: int, month: int, day: int, counter: int) -> Ssin:
    base = f"{year % 100:02d}{month + 60:02d}{day:02d}{counter:03d}"
    check = 97 - (int(base) + (_TWO_THOUSAND if year >= 2000 else 0)) % 97
    return Ssin(f"{base}{check:02d}", allow_test=True)


def _numbers(birth: PartialDate, gender: Gender | None) -> Iterator[Ssin]:
    if birth.is_complete:
        assert birth.month is not None and birth.day is not None
        for counter in _FIRST_COUNTERS[gender]:
            yield _test_number(birth.year, birth.month, birth.day, counter)
    first = {Gender.MALE: 1, Gender.FEMALE: 2, None: 1}[gender]
    step = 1 if gender is None else 2
    for counter in range(first, 1000, step):
        yield _test_number(birth.year, birth.month or 0, 0, counter)
    for counter in range(first, 1000, step):
        yield _test_number(birth.year, 0, 0, counter)


def mint(population: Population, state: SandboxState, birth: PartialDate,
         gender: Gender | None) -> Iterator[Ssin]:
    """Candidate BIS numbers for a person born on `birth` that nobody uses yet, in the
    order of the sandbox convention (see the module docstring)."""
    for number in _numbers(birth, gender):
        if population.index_of(number) is None and not state.records(PERSON_KIND, key=number):
            yield number


# --- registerPerson / createKSZCitizen ----------------------------------------------------------


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum()).casefold()


def _same_birth(a: PartialDate | None, b: PartialDate | None) -> bool:
    if a is None or b is None:
        return True
    return a.year == b.year and all(x is None or y is None or x == y
                                    for x, y in ((a.month, b.month), (a.day, b.day)))


def _is_duplicate(person: Person, declaration: BisDeclaration) -> bool:
    if person.canceled or _plain(person.name.last_name) != _plain(declaration.name.last_name):
        return False
    mine, theirs = declaration.name.given_names, person.name.given_names
    if mine and theirs and _plain(mine[0]) != _plain(theirs[0]):
        return False
    if declaration.gender is not None and person.gender is not None \
            and person.gender is not declaration.gender:
        return False
    return _same_birth(person.birth.date if person.birth else None, declaration.birth_date)


def _duplicates(ctx: HandlerContext, declaration: BisDeclaration) -> list[Person]:
    assert declaration.birth_date is not None  # the declaration's minimum data
    stored: dict[str, Person | None] = {
        r.key: _from_text(str(r.data["person"]))
        for r in _of_name(ctx.state, declaration.name.last_name)
    }
    found = ctx.population.search(
        last_name=declaration.name.last_name,
        birth=PartialDate(declaration.birth_date.year),
        gender=declaration.gender,
        limit=ctx.population.size,
    )
    candidates = [stored.pop(p.ssin, None) or stored_person(ctx.state, p.ssin) or p
                  for p in found]
    candidates += (p for p in stored.values() if p is not None)
    return [p for p in candidates if _is_duplicate(p, declaration)][:_MAX_CANDIDATES]


def _new_person(number: Ssin, declaration: BisDeclaration, today: _dt.date) -> Person:
    assert declaration.birth_date is not None
    return Person(
        ssin=number,
        register=Register.BIS,
        name=declaration.name,
        gender=declaration.gender,
        birth=Birth(declaration.birth_date, declaration.birth_place),
        decease=declaration.decease,
        # The register shows the nationalities valid today.
        nationalities=tuple(Nationality(n.code, n.since) for n in declaration.nationalities
                            if n.valid_on(today)),
        civil_states=declaration.civil_states,
        addresses=declaration.addresses,
        register_since=today,
    )


def _register(ctx: HandlerContext, request: _xml.Element, origin: str) -> Answer:
    declaration = _wire.read_declaration(request)
    duplicates = _duplicates(ctx, declaration)
    if duplicates:
        return Answer(status("DATA_FOUND", "MSG00000"),
                      lambda result: _wire.write_registration(result, candidates=duplicates))
    assert ctx.state is not None and declaration.birth_date is not None
    person = None
    for number in mint(ctx.population, ctx.state, declaration.birth_date, declaration.gender):
        candidate = _new_person(number, declaration, ctx.today)
        try:
            ctx.state.add_record(PERSON_KIND, _data(candidate, origin), ticket=ctx.ticket,
                                 at=ctx.now, ssin=number, organisation=ctx.organisation,
                                 key=number)
        except ValueError:
            continue  # taken by a concurrent registration: the next number
        person = candidate
        break
    if person is None:
        raise RuntimeError("the sandbox has no free BIS number left for that birth date")
    registered_person = person
    return Answer(status("DATA_FOUND", "MSG00000"),
                  lambda result: _wire.write_registration(result, person=registered_person))


@handles("BisPersonService", "registerPerson")
def register_person(ctx: HandlerContext, request: _xml.Element) -> Answer:
    return _register(ctx, request, "registerPerson")


@handles("ManagePerson", "createKSZCitizen")
def create_ksz_citizen(ctx: HandlerContext, request: _xml.Element) -> Answer:
    return _register(ctx, request, "createKSZCitizen")


# --- updatePerson ---------------------------------------------------------------------------


_DEFERRED: Final = ("VALIDATION", "applied after a check of the supporting documents by the KSZ")


def _address(person: Person, kind: AddressKind) -> Address | None:
    return next((a for a in person.addresses if a.kind is kind), None)


def _same_address(a: Address | None, b: Address) -> bool:
    return a is not None and replace(a, since=None) == replace(b, since=None)


def _apply(person: Person, changes: PersonChanges,
           today: _dt.date) -> tuple[Person, list[DataGroupUpdate]]:
    updates: list[DataGroupUpdate] = []

    def outcome(group: DataGroup, result: UpdateOutcome, reason: tuple[str, str] | None = None,
                ) -> None:
        updates.append(DataGroupUpdate(group, result, *(reason or (None, None))))

    if changes.name is not None:
        if changes.name == person.name:
            outcome(DataGroup.NAME, UpdateOutcome.NO_UPDATE)
        else:
            outcome(DataGroup.NAME, UpdateOutcome.DEFERRED, _DEFERRED)
    if changes.nationalities is not None:
        wanted = tuple(Nationality(n.code, n.since) for n in changes.nationalities
                       if n.valid_on(today))
        same = wanted == person.nationalities
        outcome(DataGroup.NATIONALITIES, UpdateOutcome.NO_UPDATE if same else UpdateOutcome.OK)
        person = replace(person, nationalities=wanted)
    if changes.birth is not None:
        decease = changes.decease or person.decease
        if decease is not None and _before(decease.date, changes.birth.date):
            outcome(DataGroup.BIRTH, UpdateOutcome.NOK,
                    ("INCONSISTENT", "the birth would follow the decease"))
        elif changes.birth == person.birth:
            outcome(DataGroup.BIRTH, UpdateOutcome.NO_UPDATE)
        else:
            outcome(DataGroup.BIRTH, UpdateOutcome.DEFERRED, _DEFERRED)
    if changes.decease is not None:
        if person.birth is not None and _before(changes.decease.date, person.birth.date):
            outcome(DataGroup.DECEASE, UpdateOutcome.NOK,
                    ("INCONSISTENT", "the decease would precede the birth"))
        else:
            same = changes.decease == person.decease
            outcome(DataGroup.DECEASE, UpdateOutcome.NO_UPDATE if same else UpdateOutcome.OK)
            person = replace(person, decease=changes.decease)
    if changes.gender is not None:
        if changes.gender is person.gender:
            outcome(DataGroup.GENDER, UpdateOutcome.NO_UPDATE)
        else:
            outcome(DataGroup.GENDER, UpdateOutcome.DEFERRED, _DEFERRED)
    if changes.civil_states is not None:
        same = changes.civil_states == person.civil_states
        outcome(DataGroup.CIVIL_STATES, UpdateOutcome.NO_UPDATE if same else UpdateOutcome.OK)
        person = replace(person, civil_states=changes.civil_states)
    for group, new in ((DataGroup.RESIDENTIAL_ADDRESS, changes.residential_address),
                       (DataGroup.CONTACT_ADDRESS, changes.contact_address)):
        if new is None:
            continue
        if _same_address(_address(person, new.kind), new):
            outcome(group, UpdateOutcome.NO_UPDATE)
            continue
        moved = new if new.since is not None else replace(new, since=today)
        person = replace(person, addresses=tuple(
            sorted((*(a for a in person.addresses if a.kind is not new.kind), moved),
                   key=lambda a: list(AddressKind).index(a.kind))))
        outcome(group, UpdateOutcome.OK)
    return person, updates


def _before(a: PartialDate, b: PartialDate) -> bool:
    return (a.year, a.month or 12, a.day or 31) < (b.year, b.month or 1, b.day or 1)


def _summary(updates: Iterable[DataGroupUpdate]) -> str:
    return ",".join(f"{u.group.value}:{u.outcome.value}" for u in updates)


@handles("CBSSPersonService", "updatePerson")
def update_person(ctx: HandlerContext, request: _xml.Element) -> Answer:
    ssin, changes = _wire.read_changes(request)
    assert ctx.state is not None
    current = stored_person(ctx.state, ssin)
    if current is None:
        index = ctx.population.index_of(ssin)
        if index is None:
            return Answer(status("NO_RESULT", "MSG00005"))
        replaced_by = ctx.population.replaced_by(index)
        if replaced_by is not None:
            return Answer(status("NO_RESULT", "MSG00006",
                                 newSSIN=str(ctx.population.ssin_of(replaced_by))))
        current = ctx.population.person(index)
    if current.register is not Register.BIS:
        updates = [DataGroupUpdate(group, UpdateOutcome.NOK, "NOT_BIS",
                                   "the national register manages this person's data")
                   for group in changes.groups]
        person = current
    else:
        person, updates = _apply(current, changes, ctx.today)
        if person != current:
            _store(ctx.state, person, ctx=ctx, origin="updatePerson")
    ctx.state.add_record(UPDATE_KIND, {"groups": _summary(updates)}, ticket=ctx.ticket,
                         at=ctx.now, ssin=ssin, organisation=ctx.organisation,
                         key=str(uuid.uuid4()))

    def fill(result: _xml.Element) -> None:
        _wire.write_update(result, updates, person)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)

