"""Typed models of OCMWCPASHouseholdIncome V1: the household income for the heating allowance."""

from __future__ import annotations

from dataclasses import dataclass

from ksz_client._exceptions import ValidationError
from ksz_client.ssin import Ssin
from ksz_client.types import Money, Receipt, Relationship, Status

__all__ = ["HouseholdIncome", "HouseholdIncomeResult", "MemberIncome", "Relationship",
           "check_year"]

_FIRST_YEAR = 1900
_LAST_YEAR = 2999


def check_year(year: object) -> int:
    """An income year (four digits); anything else raises ValidationError."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValidationError("an income year is a whole number (e.g. 2024)")
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise ValidationError("an income year has four digits (1900 to 2999)")
    return year



@dataclass(frozen=True)
class MemberIncome:
    """The income of one member of the household."""

    ssin: Ssin
    relationship: Relationship
    taxable_income: Money | None
    """The taxable income of the income year; None when the member was not assessed."""
    monthly_benefits: Money
    """Social benefits running on the day of the answer (pensions, unemployment, disability)."""


@dataclass(frozen=True)
class HouseholdIncome:
    """The income of the household an SSIN lives in, for one income year."""

    income_year: int
    members: tuple[MemberIncome, ...]

    @property
    def taxable_income(self) -> Money:
        """The household's taxable income: the sum over the members assessed."""
        return Money(sum(m.taxable_income.cents for m in self.members
                         if m.taxable_income is not None))

    @property
    def monthly_benefits(self) -> Money:
        return Money(sum(m.monthly_benefits.cents for m in self.members))


@dataclass(frozen=True)
class HouseholdIncomeResult:
    """The answer to `HouseholdIncomeService.get`: the household income, or none found."""

    income: HouseholdIncome | None
    status: Status
    receipt: Receipt

    @property
    def found(self) -> bool:
        return self.income is not None
