"""Typed models of PersonService V4 (legal data from the national and BIS registers)."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from enum import StrEnum

from ksz_client.ssin import Gender, Ssin
from ksz_client.types import Address, AddressKind, PartialDate, PersonName, Place, Receipt, Status

__all__ = [
    "Administrator",
    "Anomaly",
    "Birth",
    "CivilState",
    "DataGroup",
    "DataGroupStatus",
    "DataGroupStatusValue",
    "DataSource",
    "Decease",
    "GivenNameMatching",
    "LegalCohabitation",
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


class DataGroup(StrEnum):
    """The data groups of a person, by their element name (see `Person.data_groups`)."""

    NAME = "name"
    NATIONALITIES = "nationalities"
    BIRTH = "birth"
    DECEASE = "decease"
    GENDER = "gender"
    CIVIL_STATES = "civilStates"
    ADDRESSES = "addresses"
    LEGAL_COHABITATIONS = "legalCohabitations"
    ADMINISTRATORS = "administrators"


class DataGroupStatusValue(StrEnum):
    """Whether the registers hold a data group for the person."""

    DATA_FOUND = "DATA_FOUND"
    NO_DATA_FOUND = "NO_DATA_FOUND"
    NOT_SUPPORTED = "NOT_SUPPORTED"
    """The register that holds the person does not keep this group (e.g. BIS and legal
    cohabitation)."""


class DataSource(StrEnum):
    """Which register a data group comes from."""

    NR = "NR"  # national register
    CBSS = "CBSS"  # KSZ BIS register
    BOTH = "BOTH"


@dataclass(frozen=True)
class DataGroupStatus:
    """The status of one data group: found or not, and from which register.

    ``group`` is the group's element name (`DataGroup` lists the known ones; a newer
    one is kept as it came).
    """

    group: str
    status: DataGroupStatusValue
    source: DataSource | None = None


@dataclass(frozen=True)
class Birth:
    """Date and place of birth; ``act_type`` is the kind of birth certificate, when given."""

    date: PartialDate
    place: Place | None = None
    act_type: str | None = None


@dataclass(frozen=True)
class Decease:
    date: PartialDate
    place: Place | None = None


@dataclass(frozen=True)
class CivilState:
    """A civil state (NR code: 10 single, 20 married, 30 widowed, ...; kept as it came).

    The partner is given by SSIN or, when unknown to the registers, by a
    fictional reference.
    """

    code: str
    partner_ssin: Ssin | None = None
    partner_reference: str | None = None
    place: Place | None = None
    since: PartialDate | None = None


@dataclass(frozen=True)
class LegalCohabitation:
    """A declaration of legal cohabitation (wettelijke samenwoning / cohabitation légale).

    The partner is given by SSIN or, when unknown to the registers, by a fictional
    reference; ``until`` is set once the cohabitation ended (e.g. by a marriage).
    """

    partner_ssin: Ssin | None = None
    partner_reference: str | None = None
    place: Place | None = None
    since: PartialDate | None = None
    until: PartialDate | None = None


@dataclass(frozen=True)
class Administrator:
    """A court-appointed administrator (bewindvoerder / administrateur) of the person.

    ``kind`` is the register's code of what is administered (the sandbox uses PERSON,
    PROPERTY, PERSON_AND_PROPERTY); the administrator is given by SSIN and/or name.
    """

    kind: str
    ssin: Ssin | None = None
    name: PersonName | None = None
    since: _dt.date | None = None
    until: _dt.date | None = None


@dataclass(frozen=True)
class Anomaly:
    """A datum the registers flag, e.g. national-register code 042 "address to verify"."""

    code: str
    description: str | None = None


@dataclass(frozen=True)
class Person:
    """A person's legal data as PersonService V4 returns it.

    ``register`` is the register that holds the person and ``subregister`` the part of
    it (e.g. POPULATION or FOREIGNERS in the national register: the registers' code,
    kept as it came). ``data_groups`` says, per data group, whether it was found and
    from which register (NR, CBSS or both).
    """

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
    name_since: _dt.date | None = None
    legal_cohabitations: tuple[LegalCohabitation, ...] = ()
    administrators: tuple[Administrator, ...] = ()
    subregister: str | None = None
    anomalies: tuple[Anomaly, ...] = ()
    data_groups: tuple[DataGroupStatus, ...] = ()

    @property
    def deceased(self) -> bool:
        return self.decease is not None

    @property
    def legal_cohabitation(self) -> LegalCohabitation | None:
        """The current legal cohabitation, if any."""
        return next((c for c in self.legal_cohabitations if c.until is None), None)

    def group_status(self, group: DataGroup | str) -> DataGroupStatus | None:
        """The status the answer gives for one data group, or None when it gives none."""
        return next((g for g in self.data_groups if g.group == group), None)

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
