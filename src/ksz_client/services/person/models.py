"""Typed models of PersonService V4 (legal data from the national and BIS registers)."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from enum import StrEnum

from ksz_client.ssin import Gender, Ssin
from ksz_client.types import Address, AddressKind, PartialDate, PersonName, Place, Receipt, Status

__all__ = [
    "Birth",
    "CivilState",
    "Decease",
    "GivenNameMatching",
    "Nationality",
    "Person",
    "PersonResult",
    "PersonSearchResult",
    "Register",
    "SearchCriteria",
]


class Register(StrEnum):
    """The register that holds the person."""

    NR = "NR"  # national register
    BIS = "BIS"  # KSZ BIS register
    RAD = "RAD"  # register of radiated persons
    RAN = "RAN"  # waiting register (formerly RR)


class GivenNameMatching(StrEnum):
    """How given names are compared in a phonetic search."""

    FIRST_LETTER_FIRST_GIVENNAME = "FIRST_LETTER_FIRST_GIVENNAME"
    COMPLETE_FIRST_GIVENNAME = "COMPLETE_FIRST_GIVENNAME"
    ALL_GIVENNAME = "ALL_GIVENNAME"
    IGNORE_GIVENNAME = "IGNORE_GIVENNAME"


@dataclass(frozen=True)
class Nationality:
    """A nationality by national-register country code (150 = Belgian)."""

    code: str
    since: _dt.date | None = None


@dataclass(frozen=True)
class Birth:
    date: PartialDate
    place: Place | None = None


@dataclass(frozen=True)
class Decease:
    date: PartialDate
    place: Place | None = None


@dataclass(frozen=True)
class CivilState:
    """A civil state (NR code: 10 single, 20 married, 30 widowed, 40 separated, 50 divorced...).

    The partner is given by SSIN or, when unknown to the registers, by a
    fictional reference.
    """

    code: str
    partner_ssin: Ssin | None = None
    partner_reference: str | None = None
    place: Place | None = None
    since: PartialDate | None = None


@dataclass(frozen=True)
class Person:
    """A person's legal data as PersonService V4 returns it."""

    ssin: Ssin
    register: Register
    name: PersonName
    gender: Gender | None = None
    birth: Birth | None = None
    decease: Decease | None = None
    nationalities: tuple[Nationality, ...] = ()
    civil_states: tuple[CivilState, ...] = ()
    addresses: tuple[Address, ...] = ()
    nobility_title: str | None = None
    register_since: _dt.date | None = None
    canceled: bool = False
    replaces: Ssin | None = None

    @property
    def deceased(self) -> bool:
        return self.decease is not None

    @property
    def residential_address(self) -> Address | None:
        return next((a for a in self.addresses if a.kind is AddressKind.RESIDENTIAL), None)


@dataclass(frozen=True)
class PersonResult:
    """The answer to `PersonService.get`: the person, or None with the status saying why."""

    person: Person | None
    status: Status
    receipt: Receipt

    @property
    def found(self) -> bool:
        return self.person is not None


@dataclass(frozen=True)
class PersonSearchResult:
    """The answer to `PersonService.search`: the matching persons (possibly none)."""

    persons: tuple[Person, ...]
    status: Status
    receipt: Receipt


@dataclass(frozen=True)
class SearchCriteria:
    """Criteria of a phonetic search; validated on construction (before anything is sent)."""

    last_name: str
    given_names: tuple[str, ...] = ()
    given_name_matching: GivenNameMatching | None = None
    birth_date: PartialDate | None = None
    tolerance: int = 0
    gender: Gender | None = None
    country_code: str | None = None
    municipality_code: str | None = None
    max_results: int = 10

    def __post_init__(self) -> None:
        from ksz_client._exceptions import ValidationError

        if not self.last_name or not self.last_name.strip():
            raise ValidationError("a phonetic search needs a last name")
        if len(self.last_name) > 100 or any(len(g) > 100 for g in self.given_names):
            raise ValidationError("names have at most 100 characters")
        if len(self.given_names) > 3:
            raise ValidationError("a phonetic search takes at most 3 given names")
        if any(not g.strip() for g in self.given_names):
            raise ValidationError("a given name cannot be empty")
        if not 0 <= self.tolerance <= 10:
            raise ValidationError("the birth-year tolerance is 0 to 10 years")
        if self.tolerance and self.birth_date is None:
            raise ValidationError("a birth-year tolerance needs a birth date")
        if not 1 <= self.max_results <= 100:
            raise ValidationError("max_results is 1 to 100")
        if self.country_code is not None and not (
            len(self.country_code) == 3 and self.country_code.isdigit()
        ):
            raise ValidationError("a country code has 3 digits (national-register code)")
        if self.municipality_code is not None and not (
            len(self.municipality_code) == 5 and self.municipality_code.isdigit()
        ):
            raise ValidationError("a municipality code has 5 digits (NIS code)")
