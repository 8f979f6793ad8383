"""Typed models of LivingWages V1 (POD MI): leefloon periods and amounts of a person."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from ksz_client._exceptions import ValidationError
from ksz_client.services.multifunctional_attest.models import BenefitType, Category
from ksz_client.types import Money, Month, Period, Receipt, Status

__all__ = [
    "LivingWage",
    "LivingWagePeriod",
    "LivingWagePeriodsResult",
    "LivingWagesResult",
    "PcsaPeriods",
    "PerPcsaResult",
    "check_range",
]

_EARLIEST = _dt.date(1900, 1, 1)
_LATEST = _dt.date(2999, 12, 31)


def check_range(period: Period) -> Period:
    """A date range the service takes: closed, between 1900 and 2999."""
    if period.end is None:
        raise ValidationError("a LivingWages date range has an end")
    if period.start < _EARLIEST or period.end > _LATEST:
        raise ValidationError("a LivingWages date range lies between 1900 and 2999")
    return period


@dataclass(frozen=True)
class LivingWagePeriod:
    """A period of right to leefloon or equivalent leefloon (clipped to the range asked)."""

    period: Period
    """Clipped to the range asked."""
    benefit: BenefitType
    category: Category


@dataclass(frozen=True)
class PcsaPeriods:
    """The periods of right granted by one OCMW (PCSA: CPAS/OCMW)."""

    cbe_number: str
    periods: tuple[LivingWagePeriod, ...]


@dataclass(frozen=True)
class LivingWage:
    """What one OCMW grants for one month: the days of right and the amount."""

    month: Month
    cbe_number: str
    benefit: BenefitType
    category: Category
    days: int
    amount: Money


@dataclass(frozen=True)
class LivingWagePeriodsResult:
    """The person's periods of right, whatever the OCMW (getLivingWagePeriods[Flanders])."""

    periods: tuple[LivingWagePeriod, ...]
    status: Status
    receipt: Receipt

    @property
    def found(self) -> bool:
        return bool(self.periods)

    def on(self, day: _dt.date) -> tuple[LivingWagePeriod, ...]:
        """The periods that cover `day`."""
        return tuple(p for p in self.periods if p.period.contains(day))


@dataclass(frozen=True)
class PerPcsaResult:
    """The person's periods of right per OCMW (getLivingWagePeriodsPerPCSA[Flanders])."""

    pcsas: tuple[PcsaPeriods, ...]
    status: Status
    receipt: Receipt

    @property
    def found(self) -> bool:
        return bool(self.pcsas)

    def of(self, cbe_number: str) -> tuple[LivingWagePeriod, ...]:
        """The periods granted by one OCMW."""
        return next((p.periods for p in self.pcsas if p.cbe_number == cbe_number), ())


@dataclass(frozen=True)
class LivingWagesResult:
    """The amounts granted, per month and OCMW (getLivingWages)."""

    amounts: tuple[LivingWage, ...]
    status: Status
    receipt: Receipt

    @property
    def found(self) -> bool:
        return bool(self.amounts)

    @property
    def total(self) -> Money:
        """The sum of every amount listed."""
        return Money.from_cents(sum(a.amount.cents for a in self.amounts))

    def in_month(self, month: Month | str) -> tuple[LivingWage, ...]:
        """The amounts of one month."""
        wanted = Month.parse(month)
        return tuple(a for a in self.amounts if a.month == wanted)
