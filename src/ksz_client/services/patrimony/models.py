"""Typed models of PatrimonyService V1 (Cadnet ConsultPatrimonyCPAS: real estate in Belgium)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from ksz_client._exceptions import ValidationError
from ksz_client.ssin import Ssin
from ksz_client.types import Money, Receipt, Status

__all__ = [
    "CadastralParcel",
    "NaturePerson",
    "PatrimonyOutcome",
    "PatrimonyResult",
    "Property",
    "PropertyRight",
    "RightKind",
    "Share",
]


class NaturePerson(StrEnum):
    """Why the OCMW asks about the person (``naturePerson`` 1, 2 or 3)."""

    APPLICANT = "APPLICANT"
    COHABITANT = "COHABITANT"
    MAINTENANCE_DEBTOR = "MAINTENANCE_DEBTOR"

    @property
    def code(self) -> str:
        """The wire code: 1 applicant, 2 cohabitant, 3 maintenance debtor."""
        return str(list(NaturePerson).index(self) + 1)

    @classmethod
    def from_code(cls, code: str) -> NaturePerson:
        members = list(cls)
        if code not in ("1", "2", "3"):
            raise ValidationError("naturePerson is 1, 2 or 3")
        return members[int(code) - 1]


class PatrimonyOutcome(StrEnum):
    """The Cadnet status codes, and what the SDK makes of each.

    Results (returned): the four PERSON_WITH(OUT)_... codes and
    PERSON_UNKNOWN_FODFIN (FOD Financien does not know the person: no
    patrimony known). Refusals (raised, see `PatrimonyService.properties`):
    the others.
    """

    PERSON_WITH_PROPERTIES_AND_PARTNER = "PERSON_WITH_PROPERTIES_AND_PARTNER"
    PERSON_WITHOUT_PARTNER_WITH_PROPERTIES = "PERSON_WITHOUT_PARTNER_WITH_PROPERTIES"
    PERSON_WITHOUT_PARTNER_AND_PROPERTIES = "PERSON_WITHOUT_PARTNER_AND_PROPERTIES"
    PERSON_WITH_PARTNER_WITHOUT_PROPERTIES = "PERSON_WITH_PARTNER_WITHOUT_PROPERTIES"
    PERSON_UNKNOWN_FODFIN = "PERSON_UNKNOWN_FODFIN"
    INVALID_RESPONSE_FODFIN = "INVALID_RESPONSE_FODFIN"
    ERROR_FODFIN = "ERROR_FODFIN"
    VALIDATION_ERROR = "VALIDATION_ERROR"
    INSZ_UNKNOW_IN_LEGAL_CONTEXT_CBSS = "INSZ_UNKNOW_IN_LEGAL_CONTEXT_CBSS"
    INSZ_UNKNOW_IN_LEGAL_CONTEXT_PPSSI = "INSZ_UNKNOW_IN_LEGAL_CONTEXT_PPSSI"
    SSIN_PROBLEM = "SSIN_PROBLEM"


class RightKind(StrEnum):
    """The real right a person holds on a property."""

    FULL_OWNERSHIP = "FULL_OWNERSHIP"
    BARE_OWNERSHIP = "BARE_OWNERSHIP"
    USUFRUCT = "USUFRUCT"
    LONG_LEASE = "LONG_LEASE"
    """Emphyteusis (erfpacht / emphyteose)."""
    BUILDING_RIGHT = "BUILDING_RIGHT"
    """Right of superficies (opstal / superficie)."""
    OTHER = "OTHER"


@dataclass(frozen=True)
class Share:
    """A share of a right, as a fraction (1/2 of the full ownership, ...)."""

    numerator: int
    denominator: int

    def __post_init__(self) -> None:
        if self.denominator <= 0 or not 0 < self.numerator <= self.denominator:
            raise ValidationError("a share is a fraction between 0 (excluded) and 1")

    @classmethod
    def per_mille(cls, value: int) -> Share:
        divisor = math.gcd(value, 1000)
        return cls(value // divisor, 1000 // divisor)

    def of(self, amount: Money) -> Money:
        """This share of `amount`, rounded down to the cent."""
        return Money(amount.cents * self.numerator // self.denominator)

    def __str__(self) -> str:
        return f"{self.numerator}/{self.denominator}"


@dataclass(frozen=True)
class PropertyRight:
    kind: RightKind
    share: Share


@dataclass(frozen=True)
class CadastralParcel:
    """A cadastral parcel: division code, section letter and parcel number."""

    division: str
    section: str
    number: str

    def __str__(self) -> str:
        return f"{self.division} {self.section} {self.number}"


@dataclass(frozen=True)
class Property:
    """A property in Belgium, the person's right on it and its cadastral income."""

    parcel: CadastralParcel
    municipality_code: str
    """NIS/INS code of the municipality where it lies."""
    nature: str
    """Cadnet nature code, e.g. HOUSE, APARTMENT, LAND."""
    cadastral_income: Money
    right: PropertyRight
    municipality: str | None = None
    street: str | None = None
    house_number: str | None = None
    nature_description: str | None = None
    """The nature in the language asked."""

    @property
    def cadastral_income_share(self) -> Money:
        """The cadastral income in proportion to the person's share."""
        return self.right.share.of(self.cadastral_income)


@dataclass(frozen=True)
class PatrimonyResult:
    """The answer to `PatrimonyService.properties`: the properties and the partner's SSIN.

    ``outcome`` is the Cadnet status code of the answer (a
    `PatrimonyOutcome` for the codes the SDK knows, the text otherwise).
    """

    outcome: str
    partner_ssin: Ssin | None
    properties: tuple[Property, ...]
    status: Status
    receipt: Receipt

    @property
    def found(self) -> bool:
        return bool(self.properties)

    @property
    def known_to_fodfin(self) -> bool:
        """False when FOD Financien does not know the person (PERSON_UNKNOWN_FODFIN)."""
        return self.outcome != PatrimonyOutcome.PERSON_UNKNOWN_FODFIN

    @property
    def total_cadastral_income(self) -> Money:
        """The sum of the person's shares of the cadastral incomes."""
        return Money(sum(p.cadastral_income_share.cents for p in self.properties))
