"""Typed models of HolidayAttestationService V1 (RJV / ONVA: holiday pay of blue-collar work)."""

from __future__ import annotations

from dataclasses import dataclass

from ksz_client._exceptions import ValidationError
from ksz_client.types import EmployerRef, Money, Receipt, Status

__all__ = ["HolidayAttestation", "HolidayPayResult", "HolidayYears"]

_FIRST_YEAR = 1900
_LAST_YEAR = 2999


@dataclass(frozen=True)
class HolidayYears:
    """A range of holiday years, both included; validated on construction (before sending)."""

    first: int
    last: int

    def __post_init__(self) -> None:
        for year in (self.first, self.last):
            if isinstance(year, bool) or not isinstance(year, int):
                raise ValidationError("a holiday year is a whole number (e.g. 2025)")
            if not _FIRST_YEAR <= year <= _LAST_YEAR:
                raise ValidationError("a holiday year has four digits (1900 to 2999)")
        if self.last < self.first:
            raise ValidationError("the last holiday year comes before the first")

    def __contains__(self, year: object) -> bool:
        return isinstance(year, int) and self.first <= year <= self.last


@dataclass(frozen=True)
class HolidayAttestation:
    """The holiday pay of one holiday year, for the work with one employer in the year before.

    The RJV pays blue-collar workers their holiday pay (``single_pay``, the
    pay of the holiday days) and double holiday pay (``double_pay``) in the
    holiday year, computed on the wages of the reference year (the year before).
    """

    holiday_year: int
    reference_year: int
    days: int
    """Holiday days the pay stands for."""
    single_pay: Money
    double_pay: Money
    employer: EmployerRef | None = None

    @property
    def total(self) -> Money:
        return Money(self.single_pay.cents + self.double_pay.cents)


@dataclass(frozen=True)
class HolidayPayResult:
    """The answer to `HolidayAttestationService.get`: the attestations (possibly none)."""

    attestations: tuple[HolidayAttestation, ...]
    status: Status
    receipt: Receipt

    @property
    def found(self) -> bool:
        return bool(self.attestations)

    def of_year(self, holiday_year: int) -> tuple[HolidayAttestation, ...]:
        """The attestations of one holiday year (one per employer)."""
        return tuple(a for a in self.attestations if a.holiday_year == holiday_year)

    def total(self, holiday_year: int | None = None) -> Money:
        """Holiday pay plus double holiday pay, of one holiday year or of all."""
        chosen = self.attestations if holiday_year is None else self.of_year(holiday_year)
        return Money(sum(a.total.cents for a in chosen))
