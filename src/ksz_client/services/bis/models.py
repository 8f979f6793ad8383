"""Typed models of the KSZ BIS register services.

`BisDeclaration` is what BisPersonService ``registerPerson`` (and the older
ManagePerson ``createKSZCitizen``) send; `PersonChanges` what
CBSSPersonService ``updatePerson`` sends. Both reuse the person value types of
PersonService V4 (`Birth`, `Decease`, `CivilState`, `Person`) and the shared
`PersonName`, `Address`, `Place` and `PartialDate`. Both validate on
construction, so bad input raises `ValidationError` before anything is sent.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import Final

from ksz_client._exceptions import ValidationError
from ksz_client.services.person.models import Birth, CivilState, Decease, Person
from ksz_client.ssin import Gender, Ssin
from ksz_client.types import Address, AddressKind, PartialDate, PersonName, Place, Receipt, Status

__all__ = [
    "BELGIUM",
    "BisDeclaration",
    "BisRegistration",
    "DataGroup",
    "DataGroupUpdate",
    "DeclaredNationality",
    "PersonChanges",
    "PersonUpdateResult",
    "RegistrationOutcome",
    "UpdateOutcome",
]

BELGIUM: Final = "150"
"""National-register country code of Belgium."""

_NAME_MAX: Final = 100


@dataclass(frozen=True)
class DeclaredNationality:
    """A nationality as declared to the BIS register: NR country code and validity."""

    code: str
    since: _dt.date | None = None
    until: _dt.date | None = None
    """Expiry date (inclusive); None while valid."""

    def __post_init__(self) -> None:
        _country(self.code, "a nationality")
        if self.since is not None and self.until is not None and self.until < self.since:
            raise ValidationError("a nationality cannot expire before it starts")

    def valid_on(self, day: _dt.date) -> bool:
        """Whether the nationality holds on `day`."""
        return (self.since is None or self.since <= day) and (self.until is None
                                                              or day <= self.until)


def _country(code: str | None, what: str) -> None:
    if code is not None and not (len(code) == 3 and code.isascii() and code.isdigit()):
        raise ValidationError(f"the country code of {what} has 3 digits (national-register code)")


def _check_name(name: PersonName) -> None:
    if not name.last_name or not name.last_name.strip():
        raise ValidationError("a BIS person needs a last name")
    if any(not g.strip() for g in name.given_names):
        raise ValidationError("a given name cannot be empty")
    if len(name.last_name) > _NAME_MAX or any(len(g) > _NAME_MAX for g in name.given_names):
        raise ValidationError("names have at most 100 characters")


def _check_place(place: Place | None, what: str) -> None:
    if place is None:
        return
    _country(place.country_code, what)
    code = place.municipality_code
    if code is not None and not (len(code) == 5 and code.isascii() and code.isdigit()):
        raise ValidationError(f"the municipality code of {what} has 5 digits (NIS code)")


def _check_birth(date: PartialDate, today: _dt.date) -> None:
    # An SSIN encodes birth years 1900-2099; the BIS register gives no number otherwise.
    if date.year < 1900:
        raise ValidationError("a birth year before 1900 cannot be registered")
    if (date.year, date.month or 1, date.day or 1) > (today.year, today.month, today.day):
        raise ValidationError("a birth date cannot be in the future")


def _check_address(address: Address | None, what: str) -> None:
    if address is None:
        return
    _country(address.country_code, what)
    code = address.municipality_code
    if code is not None and not (len(code) == 5 and code.isascii() and code.isdigit()):
        raise ValidationError(f"the municipality code of {what} has 5 digits (NIS code)")
    for value in (address.street, address.municipality):
        if value is not None and len(value) > _NAME_MAX:
            raise ValidationError(f"the street and municipality of {what} have at most "
                                  "100 characters")
    for value in (address.house_number, address.box, address.postal_code):
        if value is not None and len(value) > 16:
            raise ValidationError(f"house number, box and postal code of {what} have at most "
                                  "16 characters")


def _before(a: PartialDate, b: PartialDate) -> bool:
    """Whether `a` certainly lies before `b` (unknown parts give each the benefit of doubt)."""
    return (a.year, a.month or 12, a.day or 31) < (b.year, b.month or 1, b.day or 1)


def _is_foreign(address: Address | None) -> bool:
    return (address is not None and address.country_code is not None
            and address.country_code != BELGIUM)


def _is_belgian_contact(address: Address | None) -> bool:
    return (address is not None and address.country_code in (None, BELGIUM)
            and bool(address.street) and bool(address.municipality)
            and address.postal_code is not None and len(address.postal_code) == 4
            and address.postal_code.isdigit())


@dataclass(frozen=True)
class BisDeclaration:
    """The declaration of a person to register in the KSZ BIS register.

    Besides the name, the KSZ needs one of (checked here, before sending):

    * a full birth date, the birthplace and the gender;
    * a (partial) birth date and a foreign residence (`residential_address`
      with a country code other than 150);
    * a (partial) birth date and a Belgian contact address (`contact_address`
      with street, 4-digit postal code and municipality).

    `residential_address` and `contact_address` are given the address kind
    their field names say.
    """

    name: PersonName
    birth_date: PartialDate | None = None
    birth_place: Place | None = None
    gender: Gender | None = None
    nationalities: tuple[DeclaredNationality, ...] = ()
    decease: Decease | None = None
    civil_states: tuple[CivilState, ...] = ()
    residential_address: Address | None = None
    contact_address: Address | None = None

    def __post_init__(self) -> None:
        if self.residential_address is not None and \
                self.residential_address.kind is not AddressKind.RESIDENTIAL:
            object.__setattr__(self, "residential_address",
                               replace(self.residential_address, kind=AddressKind.RESIDENTIAL))
        if self.contact_address is not None and \
                self.contact_address.kind is not AddressKind.CONTACT:
            object.__setattr__(self, "contact_address",
                               replace(self.contact_address, kind=AddressKind.CONTACT))
        _check_name(self.name)
        today = _dt.date.today()
        if self.birth_date is not None:
            _check_birth(self.birth_date, today)
        _check_place(self.birth_place, "the birthplace")
        _check_address(self.residential_address, "the residential address")
        _check_address(self.contact_address, "the contact address")
        if self.contact_address is not None and not _is_belgian_contact(self.contact_address):
            raise ValidationError("a contact address is a Belgian address with street, "
                                  "4-digit postal code and municipality")
        if len(self.nationalities) > 10:
            raise ValidationError("at most 10 nationalities")
        if self.decease is not None and self.birth_date is not None \
                and _before(self.decease.date, self.birth_date):
            raise ValidationError("a person cannot die before being born")
        for state in self.civil_states:
            _check_place(state.place, "a civil state")
        missing = self.missing()
        if missing:
            raise ValidationError("a BIS registration needs more data; missing: "
                                  + "; ".join(missing))

    def missing(self) -> tuple[str, ...]:
        """What the KSZ's minimum data for a registration still lacks (empty when enough)."""
        if self.birth_date is None:
            return ("birth date (at least the year)",)
        if _is_foreign(self.residential_address) or _is_belgian_contact(self.contact_address):
            return ()
        lacking = []
        if not self.birth_date.is_complete:
            lacking.append("the full birth date")
        place = self.birth_place
        if place is None or not (place.municipality_code or place.name):
            lacking.append("birthplace")
        if self.gender is None:
            lacking.append("gender")
        if not lacking:
            return ()
        return (", ".join(lacking) + " (or a foreign residence, or a Belgian contact address)",)

    @property
    def addresses(self) -> tuple[Address, ...]:
        """The residential and contact addresses given, in that order."""
        return tuple(a for a in (self.residential_address, self.contact_address) if a is not None)


class RegistrationOutcome(StrEnum):
    """How a BIS registration ended."""

    REGISTERED = "REGISTERED"
    """The KSZ registered the person: `BisRegistration.person` carries the new BIS number."""
    EXISTING_PERSONS = "EXISTING_PERSONS"
    """The KSZ answered ``existingPersons``: possible duplicates, nothing was registered."""
    POSSIBLE_DUPLICATES = "POSSIBLE_DUPLICATES"
    """The SDK's phonetic check (PersonService) found candidates: nothing was sent to the
    BIS register; confirm with ``create_anyway=True`` if none of them is the person."""


@dataclass(frozen=True)
class BisRegistration:
    """The answer to a BIS registration (``registerPerson`` / ``createKSZCitizen``).

    `status` and `receipt` are those of the registration call, or, for
    POSSIBLE_DUPLICATES, of the PersonService search that found the candidates.
    """

    outcome: RegistrationOutcome
    person: Person | None
    """The person as registered (REGISTERED only)."""
    candidates: tuple[Person, ...]
    """Who the person may already be (EXISTING_PERSONS, POSSIBLE_DUPLICATES)."""
    status: Status
    receipt: Receipt

    @property
    def registered(self) -> bool:
        """True when the KSZ registered the person (a new BIS number)."""
        return self.outcome is RegistrationOutcome.REGISTERED

    @property
    def ssin(self) -> Ssin | None:
        """The new BIS number, when the person was registered."""
        return self.person.ssin if self.person is not None else None


class DataGroup(StrEnum):
    """The data groups of a BIS person that ``updatePerson`` changes one by one."""

    NAME = "NAME"
    NATIONALITIES = "NATIONALITIES"
    BIRTH = "BIRTH"
    DECEASE = "DECEASE"
    GENDER = "GENDER"
    CIVIL_STATES = "CIVIL_STATES"
    RESIDENTIAL_ADDRESS = "RESIDENTIAL_ADDRESS"
    CONTACT_ADDRESS = "CONTACT_ADDRESS"


class UpdateOutcome(StrEnum):
    """What the KSZ did with one data group of an update."""

    OK = "OK"
    """Applied."""
    NOK = "NOK"
    """Refused (see the reason)."""
    NO_UPDATE = "NO_UPDATE"
    """Nothing to change: the register already holds that."""
    DEFERRED = "DEFERRED"
    """Accepted, applied after a check by the KSZ (not visible yet)."""


@dataclass(frozen=True)
class DataGroupUpdate:
    """The outcome of one data group of an update."""

    group: DataGroup
    outcome: UpdateOutcome
    reason_code: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class PersonChanges:
    """The data groups to change on a BIS person; the groups left None are not touched.

    A group given replaces what the register holds for it (``nationalities``
    and ``civil_states`` as a whole list). At least one group is required.
    """

    name: PersonName | None = None
    nationalities: tuple[DeclaredNationality, ...] | None = None
    birth: Birth | None = None
    decease: Decease | None = None
    gender: Gender | None = None
    civil_states: tuple[CivilState, ...] | None = None
    residential_address: Address | None = None
    contact_address: Address | None = None

    def __post_init__(self) -> None:
        if all(getattr(self, f.name) is None for f in fields(self)):
            raise ValidationError("an update names at least one data group to change")
        if self.residential_address is not None and \
                self.residential_address.kind is not AddressKind.RESIDENTIAL:
            object.__setattr__(self, "residential_address",
                               replace(self.residential_address, kind=AddressKind.RESIDENTIAL))
        if self.contact_address is not None and \
                self.contact_address.kind is not AddressKind.CONTACT:
            object.__setattr__(self, "contact_address",
                               replace(self.contact_address, kind=AddressKind.CONTACT))
        if self.name is not None:
            _check_name(self.name)
        if self.birth is not None:
            _check_birth(self.birth.date, _dt.date.today())
            _check_place(self.birth.place, "the birthplace")
        if self.decease is not None:
            _check_place(self.decease.place, "the place of decease")
        if self.birth is not None and self.decease is not None \
                and _before(self.decease.date, self.birth.date):
            raise ValidationError("a person cannot die before being born")
        if self.nationalities is not None and not 1 <= len(self.nationalities) <= 10:
            raise ValidationError("1 to 10 nationalities")
        if self.civil_states is not None and not self.civil_states:
            raise ValidationError("civil states, when changed, are at least one")
        for state in self.civil_states or ():
            _check_place(state.place, "a civil state")
        _check_address(self.residential_address, "the residential address")
        _check_address(self.contact_address, "the contact address")
        if self.contact_address is not None and not _is_belgian_contact(self.contact_address):
            raise ValidationError("a contact address is a Belgian address with street, "
                                  "4-digit postal code and municipality")

    @property
    def groups(self) -> tuple[DataGroup, ...]:
        """The data groups this change touches, in wire order."""
        present = {
            DataGroup.NAME: self.name,
            DataGroup.NATIONALITIES: self.nationalities,
            DataGroup.BIRTH: self.birth,
            DataGroup.DECEASE: self.decease,
            DataGroup.GENDER: self.gender,
            DataGroup.CIVIL_STATES: self.civil_states,
            DataGroup.RESIDENTIAL_ADDRESS: self.residential_address,
            DataGroup.CONTACT_ADDRESS: self.contact_address,
        }
        return tuple(group for group, value in present.items() if value is not None)


@dataclass(frozen=True)
class PersonUpdateResult:
    """The answer to `CBSSPersonService.update`: per data group, and the person now."""

    updates: tuple[DataGroupUpdate, ...]
    person: Person | None
    status: Status
    receipt: Receipt

    def outcome(self, group: DataGroup) -> UpdateOutcome | None:
        """The outcome of one data group, None when it was not part of the update."""
        return next((u.outcome for u in self.updates if u.group is group), None)

    @property
    def refused(self) -> tuple[DataGroupUpdate, ...]:
        """The data groups the KSZ refused (NOK)."""
        return tuple(u for u in self.updates if u.outcome is UpdateOutcome.NOK)
