"""Typed models of OCMWCPASIdentifyPerson (SSDN 20050930), on PersonService's `Person`.

The legacy service answers with a flat "limited legal data" record. It is
mapped onto the same `Person` model as PersonService V4 wherever it fits, so
that an application reads both the same way. What does not fit is kept beside
it in `IdentifiedPerson` (or said here):

- the register comes from the record's ``@origin`` (RN_RR: national register,
  BCSS_KSZ: BIS register); RAD and RAN cannot be told apart on this wire;
- the first name and the middle name become the person's given names, in
  that order (given names after the first travel in the middle name,
  separated by spaces: a given name with a space in it is split);
- the civil state is a bare code (no partner, place or date); the nationality
  a bare code (no date); addresses carry no date; the birth place is a NIS
  code (a five-digit one is a Belgian municipality) and a name;
- ``InscriptionRegister``, the street's NIS code and the diplomatic post's NIS
  code have no place in `Person`: they are fields of `IdentifiedPerson`;
- the Extended data (civil state, birth place, decease, nationality,
  register) come only when the identity was verified (`verified`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ksz_client._exceptions import FaultDetail, ValidationError
from ksz_client.services.person.models import Person
from ksz_client.ssin import Gender
from ksz_client.types import PartialDate, Receipt, Status

__all__ = [
    "IdentifiedPerson",
    "IdentifyPersonResult",
    "Origin",
    "PhoneticCriteria",
    "VerificationData",
]


class Origin(StrEnum):
    """Where an SSDN person record comes from (``person:OriginType``)."""

    BCSS_KSZ = "BCSS_KSZ"
    """The KSZ's BIS register."""
    RN_RR = "RN_RR"
    """The national register."""


@dataclass(frozen=True)
class IdentifiedPerson:
    """One ``LimitedLegalData`` record: the person, and what `Person` has no place for."""

    person: Person
    origin: Origin | None = None
    verified: bool = False
    """True when the Extended data came (the verification data matched)."""
    inscription_register: str | None = None
    street_code: str | None = None
    """NIS code of the street of the legal address."""
    diplomatic_post: str | None = None
    """NIS code of the diplomatic post the person is registered with."""


@dataclass(frozen=True)
class IdentifyPersonResult:
    """The answer to `IdentifyPersonService.get` or `.search`.

    `status` is NO_DATA_FOUND when no person matched; `warnings` are the SSDN
    warnings (e.g. the identity could not be verified).
    """

    persons: tuple[IdentifiedPerson, ...]
    warnings: tuple[FaultDetail, ...]
    status: Status
    receipt: Receipt

    @property
    def person(self) -> IdentifiedPerson | None:
        """The first (for a search by SSIN: the only) person found."""
        return self.persons[0] if self.persons else None

    @property
    def found(self) -> bool:
        return bool(self.persons)


def _name(value: str | None, what: str) -> None:
    if value is not None and (not value.strip() or len(value) > 100):
        raise ValidationError(f"the {what} has 1 to 100 characters")


@dataclass(frozen=True)
class PhoneticCriteria:
    """``PhoneticCriteria``, validated on construction (before anything is sent).

    `tolerance` is counted in the unit of the birth date's precision: days
    for a full date, months for ``YYYY-MM-00``, years for ``YYYY-00-00``; an
    incomplete birth date needs one.
    """

    last_name: str
    birth_date: PartialDate
    first_name: str | None = None
    middle_name: str | None = None
    gender: Gender | None = None
    tolerance: int | None = None
    maximum: int | None = None

    def __post_init__(self) -> None:
        if not self.last_name or not self.last_name.strip():
            raise ValidationError("a phonetic search needs a last name")
        _name(self.last_name, "last name")
        _name(self.first_name, "first name")
        _name(self.middle_name, "middle name")
        if self.middle_name is not None and self.first_name is None:
            raise ValidationError("a middle name needs the first name")
        limit = 365 if self.birth_date.day else 24 if self.birth_date.month else 10
        unit = "days" if self.birth_date.day else "months" if self.birth_date.month else "years"
        if self.tolerance is None and not self.birth_date.is_complete:
            raise ValidationError("an incomplete birth date needs a tolerance")
        if self.tolerance is not None and not 0 <= self.tolerance <= limit:
            raise ValidationError(f"the tolerance for this birth date is 0 to {limit} {unit}")
        if self.maximum is not None and not 1 <= self.maximum <= 80:
            raise ValidationError("the maximum number of results is 1 to 80")


@dataclass(frozen=True)
class VerificationData:
    """``VerificationData``: what the identity is checked against (one match suffices).

    The person's data (last name and birth date, matched exactly; first and
    middle name when given), the SIS card number (10 digits) or the identity
    card number (12 digits). Validated on construction.
    """

    last_name: str | None = None
    birth_date: PartialDate | None = None
    first_name: str | None = None
    middle_name: str | None = None
    sis_card_number: str | None = None
    identity_card_number: str | None = None

    def __post_init__(self) -> None:
        _name(self.last_name, "last name")
        _name(self.first_name, "first name")
        _name(self.middle_name, "middle name")
        if (self.last_name is None) != (self.birth_date is None):
            raise ValidationError("verification by person data needs both the last name and "
                                  "the birth date")
        if self.last_name is None and (self.first_name or self.middle_name):
            raise ValidationError("a first or middle name needs the last name and birth date")
        for value, length, what in ((self.sis_card_number, 10, "SIS card number"),
                                    (self.identity_card_number, 12, "identity card number")):
            if value is not None and (len(value) != length or not value.isdigit()):
                raise ValidationError(f"a {what} has {length} digits")
        if (self.last_name is None and self.sis_card_number is None
                and self.identity_card_number is None):
            raise ValidationError("verification data need the person's data or a card number")

    def __repr__(self) -> str:
        return "VerificationData(<hidden>)"
