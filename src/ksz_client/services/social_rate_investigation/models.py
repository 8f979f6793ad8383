"""Typed models of SocialRateInvestigation V1 (FOD Economie: the social energy tariff)."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from enum import StrEnum

from ksz_client.ssin import Ssin
from ksz_client.types import Address, Period, PersonName, Receipt, Status

__all__ = [
    "EnergyProduct",
    "HouseholdMember",
    "HouseholdRoles",
    "ReferenceDates",
    "SocialTariffHousehold",
    "SocialTariffResult",
    "SourceStatus",
    "SupplierMatch",
]


class EnergyProduct(StrEnum):
    """The energy a supplier's contract is for."""

    ELECTRICITY = "E"
    GAS = "G"


class SourceStatus(StrEnum):
    """What the social-tariff database says about the person when it has no data for them."""

    SSIN_NOT_FOUND = "SSIN_NOT_FOUND"
    """The SSIN is unknown to the social-tariff database (not in the national register)."""


@dataclass(frozen=True)
class HouseholdRoles:
    """What the person is in the household, for the social tariff."""

    final_customer: bool
    """Has an energy contract in their own name."""
    household_head: bool
    protected_person: bool
    """Has the right through an OCMW/CPAS, the pension service or DG Persons with disabilities."""


@dataclass(frozen=True)
class ReferenceDates:
    """The days on which the KSZ, the national register and the suppliers' data were taken."""

    cbss: _dt.date | None = None
    national_register: _dt.date | None = None
    supplier: _dt.date | None = None


@dataclass(frozen=True)
class HouseholdMember:
    """A member of the household, as the national register gives it."""

    ssin: Ssin
    name: PersonName


@dataclass(frozen=True)
class SupplierMatch:
    """An energy supplier's contract matched with the household.

    ``eligible`` None means the eligibility is not determined yet;
    ``social_tariff`` is the period the social tariff applies (None: not applied).
    """

    supplier: str
    ean: str
    """The EAN code of the connection point (18 digits)."""
    product: EnergyProduct
    customer: PersonName | None = None
    customer_number: str | None = None
    eligible: bool | None = None
    social_tariff: Period | None = None
    supplier_informed: _dt.date | None = None
    """The day the supplier was told to apply the social tariff."""
    contract: Period | None = None

    def applies_on(self, day: _dt.date) -> bool:
        """True when the social tariff is granted (eligible) and runs on `day`."""
        return bool(self.eligible) and self.social_tariff is not None \
            and self.social_tariff.contains(day)


@dataclass(frozen=True)
class SocialTariffHousehold:
    """One household of the person, with the suppliers' contracts matched with it.

    ``source_status`` is set when the social-tariff database has no data for
    the person (`SourceStatus.SSIN_NOT_FOUND`); the other fields are then empty.
    """

    roles: HouseholdRoles
    reference_dates: ReferenceDates | None = None
    address: Address | None = None
    members: tuple[HouseholdMember, ...] = ()
    matches: tuple[SupplierMatch, ...] = ()
    source_status: SourceStatus | None = None


@dataclass(frozen=True)
class SocialTariffResult:
    """The answer to `SocialRateInvestigationService.get`.

    ``households`` is empty when the KSZ found no data (status NO_DATA_FOUND).
    """

    households: tuple[SocialTariffHousehold, ...]
    status: Status
    receipt: Receipt

    @property
    def found(self) -> bool:
        return bool(self.households) and not self.ssin_not_found

    @property
    def ssin_not_found(self) -> bool:
        """True when the social-tariff database does not know the SSIN."""
        return any(h.source_status is SourceStatus.SSIN_NOT_FOUND for h in self.households)

    @property
    def protected_person(self) -> bool:
        """True when the person is a protected person (has the right in their own name)."""
        return any(h.roles.protected_person for h in self.households)

    def tariffs_on(self, day: _dt.date) -> tuple[SupplierMatch, ...]:
        """The contracts of the person's households with the social tariff on `day`."""
        return tuple(m for h in self.households for m in h.matches if m.applies_on(day))

    def products_on(self, day: _dt.date) -> frozenset[EnergyProduct]:
        """The energies (electricity, gas) the household gets at the social tariff on `day`."""
        return frozenset(m.product for m in self.tariffs_on(day))
