"""A deterministic synthetic population, generated lazily from a seed.

Every person is a pure function of (seed, index): nothing is stored, so a
population of 100,000 costs nothing until a person is asked for, and the
same seed always gives the same people. SSINs are *test numbers* (birth
month + 60, SPEC §6): valid mod 97 and impossible for a real person.

An SSIN maps back to its index without a search: the birth day and the
counter encode it (``index = round * DAYS + day_slot``, counter ``2 * round + 1 + gender bit``).

Who is special is decided by the index alone, so that listing and filtering
stay cheap: every 50th person (index 7 mod 50) has an SSIN replaced by the
next one (MSG00006), every 40th (3 mod 40) is deceased, every 25th (11 mod 25)
is in the BIS register, and the last persons of a population of 44 or more
each carry one sandbox fault (`fault_of`). Households are formed inside
blocks of six consecutive persons: the members share an address, the oldest
is the head (relationship 01), a partner of about the same age is 02, the
members at least 16 years younger are children (03).
"""

from __future__ import annotations

import datetime as _dt
import random
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Final

from ksz_client import ssin as _ssin
from ksz_client.sandbox import facts as _facts
from ksz_client.sandbox.faults import Fault, FaultKind
from ksz_client.services.person.models import (
    Administrator,
    Anomaly,
    Birth,
    CivilState,
    DataGroup,
    DataGroupStatus,
    DataGroupStatusValue,
    DataSource,
    Decease,
    LegalCohabitation,
    Nationality,
    Person,
    Register,
)
from ksz_client.ssin import Gender, Ssin, SsinKind
from ksz_client.types import Address, AddressKind, PartialDate, PersonName, Place

__all__ = [
    "FAULT_PERSONS",
    "Household",
    "HouseholdMember",
    "Population",
    "Profile",
    "phonetic_key",
    "street_code",
    "streets_of",
]

_ROUNDS: Final = 498  # counters 1..996 per birth day: two per round (odd men, even women)
_FIRST_DAY: Final = _dt.date(1935, 1, 1)
_DAYS: Final = 25_567  # up to 2004-12-31: every person is an adult
_STRIDE: Final = 7_919  # prime, coprime with _DAYS: a bijection that scatters birth days
_BLOCK: Final = 6  # households are formed inside blocks of this many consecutive persons
_LATEST_MOVE: Final = _dt.date(2025, 6, 30)

FAULT_PERSONS: Final = tuple(FaultKind)
"""The faults carried by reserved persons: the last person of the population carries the
first kind, the one before it the second, and so on (populations of 44 persons or more)."""


# (municipality, NIS code, postal code, language; "bxl" for the bilingual capital)
_MUNICIPALITIES: Final = (
    ("Brussel", "21004", "1000", "bxl"),
    ("Bruxelles", "21004", "1000", "bxl"),
    ("Antwerpen", "11002", "2000", "nl"),
    ("Gent", "44021", "9000", "nl"),
    ("Leuven", "24062", "3000", "nl"),
    ("Brugge", "31005", "8000", "nl"),
    ("Hasselt", "71022", "3500", "nl"),
    ("Liège", "62063", "4000", "fr"),
    ("Namur", "92094", "5000", "fr"),
    ("Charleroi", "52011", "6000", "fr"),
    ("Mons", "53053", "7000", "fr"),
    ("Eupen", "63023", "4700", "de"),
    ("Sankt Vith", "63067", "4780", "de"),
)
_LAST: Final = {
    "nl": ("Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
           "Wouters", "De Smet", "Vermeulen", "Van den Broeck", "Hermans", "Aerts", "Pauwels"),
    "fr": ("Dubois", "Lambert", "Dupont", "Martin", "Simon", "Laurent", "Leclercq", "Lejeune",
           "Renard", "Lefèvre", "Mathieu", "François", "Denis", "Gilson", "Collard"),
    "de": ("Schmitz", "Müller", "Meyer", "Schröder", "Kessler", "Heinen", "Krings", "Lentz",
           "Thelen", "Cremer"),
}
_GIVEN: Final = {
    ("nl", Gender.MALE): ("Jan", "Pieter", "Luc", "Wouter", "Bart", "Tom", "Koen", "Jens"),
    ("nl", Gender.FEMALE): ("An", "Els", "Sofie", "Lotte", "Marie", "Griet", "Leen", "Emma"),
    ("fr", Gender.MALE): ("Jean", "Pierre", "Luc", "Michel", "Éric", "Olivier", "Hugo", "Noé"),
    ("fr", Gender.FEMALE): ("Marie", "Sophie", "Chloé", "Julie", "Anne", "Léa", "Camille"),
    ("de", Gender.MALE): ("Jürgen", "Stefan", "Klaus", "Lukas", "Jonas", "Matthias"),
    ("de", Gender.FEMALE): ("Anna", "Sabine", "Monika", "Lena", "Julia", "Ursula"),
}
_STREETS: Final = {
    "nl": ("Kerkstraat", "Stationsstraat", "Dorpsstraat", "Molenstraat", "Nieuwstraat"),
    "fr": ("Rue de la Station", "Rue de l'Église", "Chaussée de Namur", "Rue Haute"),
    "de": ("Kirchstraße", "Bahnhofstraße", "Hauptstraße", "Aachener Straße"),
    "bxl": ("Wetstraat / Rue de la Loi", "Zuidlaan / Boulevard du Midi",
            "Naamsestraat / Rue de Namur"),
}
_NATIONALITIES: Final = ("150", "150", "150", "150", "150", "150", "129", "111", "139", "173")
# National-register street codes of the sandbox streets: deterministic, one per street name
# (the real codes are per municipality; the sandbox's street names never repeat across them).
_STREET_CODES: Final = {
    street: f"{1010 + 10 * position:04d}"
    for position, street in enumerate(
        street for language in ("nl", "fr", "de", "bxl") for street in _STREETS[language]
    )
}


def street_code(street: str) -> str | None:
    """The national-register street code (4 digits) of a sandbox street; None for others."""
    return _STREET_CODES.get(street)


def streets_of(postal_code: str) -> dict[str, str]:
    """The streets of the sandbox municipality with `postal_code`, by street code."""
    languages = {language for _name, _nis, postal, language in _MUNICIPALITIES
                 if postal == postal_code}
    return {_STREET_CODES[street]: street
            for language in sorted(languages) for street in _STREETS[language]}
# Household sizes inside one block of six (consecutive eligible members).
_PATTERNS: Final = ((1, 1, 1, 1, 1, 1), (2, 1, 1, 2), (4, 2), (3, 3), (2, 2, 2), (1, 3, 2),
                    (5, 1), (2, 4), (1, 1, 2, 2), (3, 1, 2))


@dataclass(frozen=True)
class HouseholdMember:
    """A member of a household: who, how related to the head, since when."""

    index: int
    ssin: Ssin
    relationship: str
    """``01`` head, ``02`` spouse or partner, ``03`` child, ``15`` other member."""
    since: _dt.date

    def __repr__(self) -> str:
        return f"HouseholdMember(index={self.index}, relationship={self.relationship!r})"


@dataclass(frozen=True)
class Household:
    """A household: its members sharing one residential address."""

    members: tuple[HouseholdMember, ...]
    address: Address
    since: _dt.date

    @property
    def head(self) -> HouseholdMember:
        return self.members[0]

    def member(self, index: int) -> HouseholdMember:
        return next(m for m in self.members if m.index == index)


@dataclass(frozen=True)
class Profile:
    """A one-line description of a sandbox person, for picking test cases.

    ``integrated`` is filled in by a running sandbox (its repertory); a bare
    population says False.
    """

    ssin: Ssin
    name: str
    gender: str
    birth_date: str
    register: str
    deceased: bool
    replaced_by: Ssin | None
    language: str
    fault: str | None = None
    household_size: int = 1
    relationship: str = "01"
    has_employment: bool = False
    self_employed: bool = False
    insured: bool = False
    unemployed: bool = False
    pensioned: bool = False
    job_seeker: bool = False
    incapacitated: bool = False
    has_disability: bool = False
    has_child_benefits: bool = False
    social_tariff: bool = False
    has_real_estate: bool = False
    has_holiday_pay: bool = False
    leefloon: bool = False
    mediprima: bool = False
    posted_worker: bool = False
    integrated: bool = False

    @property
    def replaced(self) -> bool:
        return self.replaced_by is not None

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            data[name] = str(value) if isinstance(value, Ssin) else value
        data["replaced"] = self.replaced
        return data

    def matches(self, where: Mapping[str, str]) -> bool:
        """Whether every ``key=value`` of `where` holds (booleans as true/false/yes/no/1/0)."""
        data = self.as_json()
        for key, wanted in where.items():
            if key not in data:
                raise KeyError(f"unknown profile field {key!r}; known: {', '.join(data)}")
            if not _same(data[key], wanted):
                return False
        return True


_TRUE: Final = frozenset({"true", "yes", "1", "y"})
_FALSE: Final = frozenset({"false", "no", "0", "n"})


def _same(value: object, wanted: str) -> bool:
    text = wanted.strip().casefold()
    if isinstance(value, bool):
        return value if text in _TRUE else (not value if text in _FALSE else False)
    if value is None:
        return text in ("", "none", "null")
    if isinstance(value, str) and len(text) == 11 and text.isdigit():
        return value == text
    return str(value).casefold() == text or (text == "any" and bool(value))


class Population:
    """``size`` persons derived from ``seed``; look-ups by index or SSIN are O(1)."""

    def __init__(self, *, seed: int = 1, size: int = 1000) -> None:
        if size < 1 or size > _DAYS * _ROUNDS:
            raise ValueError("population size out of range")
        self.seed = seed
        self.size = size
        self._first_fault = size - len(FAULT_PERSONS) if size >= 4 * len(FAULT_PERSONS) else size
        # Per instance, so that a population's cache goes with it.
        self._households_of_block = lru_cache(maxsize=256)(self._block_households)

    # --- identity -----------------------------------------------------------------

    def _offset(self) -> int:
        return (self.seed * 104_729) % _DAYS

    def _gender_bit(self, index: int) -> int:
        return (index * 2_654_435_761 + self.seed) >> 7 & 1

    def ssin_of(self, index: int) -> Ssin:
        # Consecutive indexes get scattered birth days; the counter (odd men,
        # even women) carries the rest of the index and a pseudo-random gender.
        round_ = index // _DAYS
        return _ssin.make(self.birth_date(index), 2 * round_ + 1 + self._gender_bit(index),
                          kind=SsinKind.TEST)

    def birth_date(self, index: int) -> _dt.date:
        day_slot = index % _DAYS
        return _FIRST_DAY + _dt.timedelta(days=(day_slot * _STRIDE + self._offset()) % _DAYS)

    def index_of(self, value: str) -> int | None:
        """The index of a sandbox SSIN, or None when it is not one of ours."""
        if not _ssin.is_valid(value, allow_test=True):
            return None
        number = Ssin(value, allow_test=True)
        birth = number.birth_date
        if number.kind is not SsinKind.TEST or birth is None:
            return None
        offset = (birth - _FIRST_DAY).days
        if not 0 <= offset < _DAYS:
            return None
        day_slot = ((offset - self._offset()) * pow(_STRIDE, -1, _DAYS)) % _DAYS
        round_, bit = divmod(int(number[6:9]) - 1, 2)
        index = round_ * _DAYS + day_slot
        if index >= self.size or bit != self._gender_bit(index):
            return None
        return index

    # --- who is special (decided by the index alone) ------------------------------------

    def fault_of(self, index: int) -> Fault | None:
        """The fault a reserved person triggers, or None for everyone else."""
        if index < self._first_fault or index >= self.size:
            return None
        return Fault(FAULT_PERSONS[self.size - 1 - index])

    def fault_person(self, kind: FaultKind | str) -> Ssin:
        """The reserved SSIN that triggers `kind`. KeyError when the population is too small."""
        position = FAULT_PERSONS.index(FaultKind(kind))
        index = self.size - 1 - position
        if index < self._first_fault:
            raise KeyError("populations under 44 persons have no fault persons")
        return self.ssin_of(index)

    def replaced_by(self, index: int) -> int | None:
        """Index of the person whose SSIN replaced this one (MSG00006), if any."""
        if index % 50 == 7 and index + 1 < self._first_fault:
            return index + 1
        return None

    def replaces(self, index: int) -> int | None:
        """Index of the person whose (cancelled) SSIN this one replaced, if any."""
        return index - 1 if index >= 1 and self.replaced_by(index - 1) == index else None

    def is_deceased(self, index: int) -> bool:
        return index % 40 == 3 and self.fault_of(index) is None

    def register_of(self, index: int) -> Register:
        return Register.BIS if index % 25 == 11 else Register.NR

    def _in_households(self, index: int) -> bool:
        # Only living national-register persons with a current SSIN share a household.
        return (not self.is_deceased(index) and self.replaced_by(index) is None
                and self.fault_of(index) is None and self.register_of(index) is Register.NR)

    # --- streams of a person ---------------------------------------------------------

    def _rng(self, index: int, stream: str = "person") -> random.Random:
        return random.Random(f"{self.seed}:{index}:{stream}")  # noqa: S311 - synthetic data

    def _name(self, index: int) -> tuple[str, str, tuple[str, ...]]:
        """(language, last name, given names)."""
        rng = self._rng(index, "name")
        language = rng.choice(("nl", "nl", "fr", "fr", "de"))
        gender = Gender.MALE if self._gender_bit(index) == 0 else Gender.FEMALE
        last = rng.choice(_LAST[language])
        givens = tuple(dict.fromkeys(rng.choice(_GIVEN[(language, gender)])
                                     for _ in range(rng.randint(1, 3))))
        return language, last, givens

    def last_name(self, index: int) -> str:
        household = self.household(index)
        if household.member(index).relationship == "03":
            # Children carry the name of the head of household.
            return self._name(household.head.index)[1]
        return self._name(index)[1]

    def death_date(self, index: int) -> _dt.date | None:
        if not self.is_deceased(index):
            return None
        rng = self._rng(index, "death")
        died = self.birth_date(index) + _dt.timedelta(days=rng.randint(18 * 365, 80 * 365))
        return min(died, _dt.date(2025, 12, 31))

    def _adult(self, index: int) -> _dt.date:
        return self.birth_date(index) + _dt.timedelta(days=18 * 365)

    def _address(self, rng: random.Random, kind: AddressKind, since: _dt.date) -> Address:
        municipality, nis, postal, language = rng.choice(_MUNICIPALITIES)
        return Address(
            kind=kind,
            street=rng.choice(_STREETS[language]),
            house_number=str(rng.randint(1, 250)),
            box=str(rng.randint(1, 12)) if rng.random() < 0.2 else None,
            postal_code=postal,
            municipality=municipality,
            municipality_code=nis,
            country_code="150",
            since=since,
        )

    # --- households -------------------------------------------------------------------

    def household(self, index: int) -> Household:
        """The household the person lives in (a household of one for most special persons)."""
        if not 0 <= index < self.size:
            raise IndexError(index)
        if not self._in_households(index):
            return self._single(index)
        return self._households_of_block(index // _BLOCK)[index]

    def _single(self, index: int) -> Household:
        since = self._moved_in(index, (index,))
        address = self._address(self._rng(index, "home"), AddressKind.RESIDENTIAL, since)
        return Household((HouseholdMember(index, self.ssin_of(index), "01", since),),
                         address, since)

    def _moved_in(self, key: int, members: tuple[int, ...]) -> _dt.date:
        rng = self._rng(key, "moved-in")
        start = max(self._adult(m) for m in members[:2])
        return min(start + _dt.timedelta(days=rng.randint(0, 12_000)), _LATEST_MOVE)

    def _block_households(self, block: int) -> dict[int, Household]:
        eligible = [i for i in range(block * _BLOCK, min((block + 1) * _BLOCK, self.size))
                    if self._in_households(i)]
        pattern = random.Random(f"{self.seed}:{block}:household").choice(_PATTERNS)  # noqa: S311
        out: dict[int, Household] = {}
        position = 0
        for size in pattern:
            group = eligible[position:position + size]
            position += size
            if group:
                household = self._form(tuple(group))
                out.update((m.index, household) for m in household.members)
        for index in eligible[position:]:
            out[index] = self._single(index)
        return out

    def _form(self, group: tuple[int, ...]) -> Household:
        ordered = sorted(group, key=lambda i: (self.birth_date(i), i))
        head = ordered[0]
        since = self._moved_in(head, tuple(ordered))
        members = [HouseholdMember(head, self.ssin_of(head), "01", since)]
        head_birth = self.birth_date(head)
        has_partner = False
        for index in ordered[1:]:
            born = self.birth_date(index)
            gap = (born - head_birth).days / 365.25
            if gap >= 16:
                relationship = "03"
            elif not has_partner and gap <= 15:
                relationship, has_partner = "02", True
            else:
                relationship = "15"
            members.append(HouseholdMember(index, self.ssin_of(index), relationship,
                                           max(since, born)))
        address = self._address(self._rng(head, "home"), AddressKind.RESIDENTIAL, since)
        return Household(tuple(members), address, since)

    def address_history(self, index: int) -> tuple[Address, ...]:
        """The person's residential addresses, most recent first (the first is current)."""
        household = self.household(index)
        current = household.address
        member = household.member(index)
        if member.since != current.since:
            current = replace(current, since=member.since)
        rng = self._rng(index, "addresses")
        history = [current]
        moved = member.since
        for _ in range(rng.randint(0, 3)):
            earlier = moved - _dt.timedelta(days=rng.randint(200, 3000))
            if earlier <= self._adult(index):
                break
            history.append(self._address(rng, AddressKind.RESIDENTIAL, earlier))
            moved = earlier
        return tuple(history)

    # --- persons --------------------------------------------------------------------

    def person(self, index: int) -> Person:
        if not 0 <= index < self.size:
            raise IndexError(index)
        rng = self._rng(index)
        number = self.ssin_of(index)
        birth_date = self.birth_date(index)
        household = self.household(index)
        member = household.member(index)
        _language, _last, givens = self._name(index)
        last = self.last_name(index)
        birth_place = rng.choice(_MUNICIPALITIES)
        home = household.address
        decease = None
        died = self.death_date(index)
        if died is not None:
            decease = Decease(
                date=PartialDate.of(died),
                place=Place(country_code="150", municipality_code=home.municipality_code,
                            name=home.municipality),
            )
        civil_states = self._civil_states(index, household, rng)
        register = self.register_of(index)
        address = replace(home, since=member.since)
        if register is Register.BIS:
            # The BIS register holds a contact address, not a national-register residence.
            address = replace(address, kind=AddressKind.CONTACT)
        replaces = self.replaces(index)
        person = Person(
            ssin=number,
            register=register,
            name=PersonName(last_name=last, given_names=givens),
            gender=number.gender,
            birth=Birth(
                date=PartialDate.of(birth_date),
                place=Place(country_code="150", municipality_code=birth_place[1],
                            name=birth_place[0]),
            ),
            decease=decease,
            nationalities=(Nationality(code=rng.choice(_NATIONALITIES), since=birth_date),),
            civil_states=civil_states,
            addresses=(address,),
            register_since=birth_date,
            canceled=self.replaced_by(index) is not None,
            replaces=self.ssin_of(replaces) if replaces is not None else None,
        )
        return self._with_registry_data(index, person, household)

    # --- registry data groups (PersonService V4, RetrieveTIGroups, FamilyComposition) ------

    def legal_cohabitation(self, index: int) -> tuple[int, _dt.date, _dt.date] | None:
        """(partner's index, start, end) of the legal cohabitation that preceded a marriage.

        Most married couples (three in five) declared a legal cohabitation one to four
        years before they married; the marriage ended it on the wedding day (the day
        the household formed).
        """
        household = self.household(index)
        me = household.member(index)
        spouse = next((m for m in household.members if m.relationship == "02"), None)
        head = household.head
        if spouse is None or me.relationship not in ("01", "02"):
            return None
        rng = self._rng(head.index, "cohabitation")
        if rng.random() >= 0.6:
            return None
        partner = spouse.index if me.relationship == "01" else head.index
        start = household.since - _dt.timedelta(days=rng.randint(365, 1500))
        if start <= max(self._adult(i) for i in (index, partner)):
            return None
        return partner, start, household.since

    def _with_registry_data(self, index: int, person: Person, household: Household) -> Person:
        """The data groups that depend on the register: legal cohabitation, administrator,
        anomalies, subregister, and the status (and source) of every data group.

        Every 37th person (21 mod 37) has a court-appointed administrator, every 33rd
        (5 mod 33) an address flagged "to verify" (national-register code 042). The BIS
        register keeps no legal cohabitation and no administrator: NOT_SUPPORTED.
        """
        bis = person.register is Register.BIS
        home = household.address
        cohabitations: tuple[LegalCohabitation, ...] = ()
        together = None if bis else self.legal_cohabitation(index)
        if together is not None:
            partner, start, end = together
            cohabitations = (LegalCohabitation(
                partner_ssin=self.ssin_of(partner),
                place=Place(country_code="150", municipality_code=home.municipality_code,
                            name=home.municipality),
                since=PartialDate.of(start), until=PartialDate.of(end)),)
        administrators: tuple[Administrator, ...] = ()
        if not bis and index % 37 == 21:
            rng = self._rng(index, "administrator")
            appointed = min(self._adult(index) + _dt.timedelta(days=rng.randint(0, 15_000)),
                            _LATEST_MOVE)
            administrators = (Administrator(
                kind=rng.choice(("PERSON", "PROPERTY", "PERSON_AND_PROPERTY")),
                name=PersonName(rng.choice(_LAST["nl"]),
                                (rng.choice(_GIVEN[("nl", Gender.FEMALE)]),)),
                since=appointed),)
        anomalies = (Anomaly("042", "address to verify"),) if index % 33 == 5 else ()
        nationality = person.nationalities[0].code if person.nationalities else None
        subregister = None if bis else ("POPULATION" if nationality == "150" else "FOREIGNERS")
        source = DataSource.CBSS if bis else DataSource.NR

        def group(name: DataGroup, found: bool, *, kept: bool = True) -> DataGroupStatus:
            if not kept:
                return DataGroupStatus(name.value, DataGroupStatusValue.NOT_SUPPORTED)
            value = DataGroupStatusValue.DATA_FOUND if found else DataGroupStatusValue.NO_DATA_FOUND
            return DataGroupStatus(name.value, value, source)

        return replace(
            person,
            legal_cohabitations=cohabitations,
            administrators=administrators,
            anomalies=anomalies,
            subregister=subregister,
            data_groups=(
                group(DataGroup.NAME, True),
                group(DataGroup.NATIONALITIES, bool(person.nationalities)),
                group(DataGroup.BIRTH, person.birth is not None),
                group(DataGroup.DECEASE, person.decease is not None),
                group(DataGroup.GENDER, person.gender is not None),
                group(DataGroup.CIVIL_STATES, bool(person.civil_states)),
                group(DataGroup.ADDRESSES, bool(person.addresses)),
                group(DataGroup.LEGAL_COHABITATIONS, bool(cohabitations), kept=not bis),
                group(DataGroup.ADMINISTRATORS, bool(administrators), kept=not bis),
            ),
        )

    def _civil_states(self, index: int, household: Household,
                      rng: random.Random) -> tuple[CivilState, ...]:
        born = PartialDate.of(self.birth_date(index))
        single = CivilState(code="10", since=born)
        home = household.address
        place = Place(country_code="150", municipality_code=home.municipality_code,
                      name=home.municipality)
        member = household.member(index)
        partner = None
        if member.relationship == "02":
            partner = household.head
        elif member.relationship == "01":
            partner = next((m for m in household.members if m.relationship == "02"), None)
        if partner is not None:
            married = CivilState(code="20", partner_ssin=partner.ssin, place=place,
                                 since=PartialDate.of(household.since))
            return married, single
        if rng.random() < 0.25:
            wed = self._adult(index) + _dt.timedelta(days=rng.randint(0, 4000))
            divorced = wed + _dt.timedelta(days=rng.randint(400, 4000))
            return (
                CivilState(code="50", since=PartialDate.of(min(divorced, _LATEST_MOVE))),
                CivilState(code="20", partner_reference=f"FICT{index:08d}", place=place,
                           since=PartialDate.of(min(wed, _LATEST_MOVE))),
                single,
            )
        return (single,)

    def facts(self, index: int) -> _facts.Facts:
        """What the authentic sources know about the person (see `ksz_client.sandbox.facts`)."""
        if not 0 <= index < self.size:
            raise IndexError(index)
        household = self.household(index)
        language = next((lang for name, _n, _p, lang in _MUNICIPALITIES
                         if name == household.address.municipality), "nl")
        member = household.member(index)
        return _facts.generate(
            seed=self.seed,
            index=index,
            birth=self.birth_date(index),
            death=self.death_date(index),
            region=language,
            household_size=len(household.members),
            has_children=member.relationship in ("01", "02")
            and any(m.relationship == "03" for m in household.members),
            # Foreign workers posted to Belgium get a BIS number: Limosa knows them.
            posted_worker=self.register_of(index) is Register.BIS,
        )

    def profile(self, index: int) -> Profile:
        person = self.person(index)
        replaced = self.replaced_by(index)
        household = self.household(index)
        facts = self.facts(index)
        fault = self.fault_of(index)
        assert person.birth is not None
        return Profile(
            ssin=person.ssin,
            name=str(person.name),
            gender=person.gender.value if person.gender else "",
            birth_date=person.birth.date.isoformat(),
            register=person.register.value,
            deceased=person.deceased,
            replaced_by=self.ssin_of(replaced) if replaced is not None else None,
            language=_language_of(person),
            fault=fault.kind.value if fault is not None else None,
            household_size=len(household.members),
            relationship=household.member(index).relationship,
            has_employment=facts.has_employment,
            self_employed=facts.self_employed,
            insured=facts.insured,
            unemployed=facts.unemployed,
            pensioned=facts.pensioned,
            job_seeker=facts.job_seeking,
            incapacitated=facts.incapacitated,
            has_disability=facts.disability is not None,
            has_child_benefits=bool(facts.child_benefits),
            social_tariff=bool(facts.social_tariffs),
            has_real_estate=bool(facts.real_estate),
            has_holiday_pay=bool(facts.holiday_pay),
            leefloon=facts.on_leefloon,
            mediprima=facts.on_mediprima,
            posted_worker=facts.posted,
        )

    def select(self, where: Mapping[str, str] | None = None, *, limit: int | None = None,
               start: int = 0) -> Iterator[Profile]:
        """Profiles matching every ``key=value`` of `where`, in index order, at most `limit`.

        Keys decided by the index alone (fault, deceased, replaced, register)
        are checked before a person is generated, so that even a large
        population answers ``fault=reset`` at once.
        """
        where = dict(where or {})
        cheap = {k: where.pop(k) for k in ("fault", "deceased", "replaced", "register")
                 if k in where}
        found = 0
        indexes: Iterator[int] = iter(range(start, self.size))
        if "fault" in cheap and cheap["fault"].strip().casefold() not in ("", "none", "null"):
            indexes = iter(range(max(start, self._first_fault), self.size))
        for index in indexes:
            if limit is not None and found >= limit:
                return
            fault = self.fault_of(index)
            quick = {
                "fault": fault.kind.value if fault is not None else None,
                "deceased": self.is_deceased(index),
                "replaced": self.replaced_by(index) is not None,
                "register": self.register_of(index).value,
            }
            if not all(_same(quick[k], v) for k, v in cheap.items()):
                continue
            profile = self.profile(index)
            if profile.matches(where):
                found += 1
                yield profile

    def __iter__(self) -> Iterator[Person]:
        return (self.person(i) for i in range(self.size))

    def search(
        self,
        *,
        last_name: str,
        given_names: tuple[str, ...] = (),
        birth: PartialDate | None = None,
        tolerance: int = 0,
        gender: Gender | None = None,
        limit: int = 10,
    ) -> list[Person]:
        """Phonetic search: names compared by a Soundex-like key, birth year +/- tolerance."""
        want_last = phonetic_key(last_name)
        want_given = phonetic_key(given_names[0]) if given_names else None
        found: list[Person] = []
        for index in range(self.size):
            if birth is not None and not _birth_matches(
                PartialDate.of(self.birth_date(index)), birth, tolerance
            ):
                continue
            if gender is not None and self.ssin_of(index).gender is not gender:
                continue
            _language, _last, givens = self._name(index)
            if want_given and not any(phonetic_key(g) == want_given for g in givens):
                continue
            if phonetic_key(self.last_name(index)) != want_last:
                continue
            found.append(self.person(index))
            if len(found) >= limit:
                break
        return found


def _birth_matches(actual: PartialDate, wanted: PartialDate, tolerance: int) -> bool:
    if abs(actual.year - wanted.year) > tolerance:
        return False
    if tolerance == 0 and wanted.month is not None and actual.month != wanted.month:
        return False
    return not (tolerance == 0 and wanted.day is not None and actual.day != wanted.day)


def _language_of(person: Person) -> str:
    address = person.addresses[0] if person.addresses else None
    for name, _nis, _postal, language in _MUNICIPALITIES:
        if address is not None and address.municipality == name:
            return language
    return "nl"


_SOUNDEX: Final = str.maketrans(
    "bfpvcgjkqsxzdtlmnr", "111122222222334556"
)


def phonetic_key(name: str) -> str:
    """A Soundex-like key, accent- and case-insensitive ("Lefèvre" ~ "Lefevre" ~ "Lefebvre")."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    letters = [c for c in plain if c.isalpha()]
    if not letters:
        return ""
    coded = "".join(c.translate(_SOUNDEX) if c in "bfpvcgjkqsxzdtlmnr" else "0" for c in letters)
    key = letters[0]
    previous = coded[0]
    for code in coded[1:]:
        if code not in (previous, "0"):
            key += code
        previous = code
    return (key + "000")[:4]
