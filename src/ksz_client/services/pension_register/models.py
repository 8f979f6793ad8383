"""Typed models of OCMWCPASPensionRegisterConsult (SSDN 20090706): the pension cadastre."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from enum import StrEnum

from ksz_client._exceptions import FaultDetail, ValidationError
from ksz_client.types import Money, Period, Receipt, Status

__all__ = [
    "LANGUAGES",
    "Focus",
    "PensionItem",
    "PensionKind",
    "PensionQuery",
    "PensionResult",
    "Pillar",
    "RequestedInformation",
]

LANGUAGES = ("NL", "FR", "DE")
"""Languages the pension cadastre answers in."""

_EARLIEST = _dt.date(1900, 1, 1)
_LATEST = _dt.date(2999, 12, 31)


class Pillar(StrEnum):
    """Pension pillar: the first (legal pensions), the second (supplementary), or both."""

    FIRST = "First"
    SECOND = "Second"
    FIRST_SECOND = "FirstSecond"
    """Both pillars (asked only; an item is of one pillar)."""


class RequestedInformation(StrEnum):
    """What to give about the pensions (the value seen in public use)."""

    RIGHTS_MAXIMUM_PAYMENTS = "RightsMaximumPayments"
    """The rights and the maximum amounts paid in the period."""


class Focus(StrEnum):
    """Which rights the answer focuses on (the value seen in public use)."""

    REFERENCE_PERIOD = "ReferencePeriod"
    """The rights that run in the period asked."""


class PensionKind(StrEnum):
    """The kind of pension right (modelled codes)."""

    RETIREMENT = "RETIREMENT"
    SURVIVAL = "SURVIVAL"
    GRAPA = "GRAPA"
    """Income guarantee for the elderly (IGO / GRAPA)."""


@dataclass(frozen=True)
class PensionQuery:
    """What to ask the pension cadastre; validated on construction (before sending)."""

    period: Period
    pillar: Pillar = Pillar.FIRST_SECOND
    information: RequestedInformation = RequestedInformation.RIGHTS_MAXIMUM_PAYMENTS
    focus: Focus = Focus.REFERENCE_PERIOD
    language: str = "NL"

    def __post_init__(self) -> None:
        if self.period.end is None:
            raise ValidationError("the pension cadastre is asked for a period with an end")
        if self.period.start < _EARLIEST or self.period.end > _LATEST:
            raise ValidationError("a pension period lies between 1900 and 2999")
        if self.language not in LANGUAGES:
            raise ValidationError("language is NL, FR or DE")


@dataclass(frozen=True)
class PensionItem:
    """A pension right in the cadastre: pillar, kind, period and gross monthly amount."""

    pillar: Pillar
    kind: PensionKind
    period: Period
    monthly_gross: Money
    institution: str | None = None
    """The institution that pays the pension."""

    def runs_on(self, day: _dt.date) -> bool:
        return self.period.contains(day)


@dataclass(frozen=True)
class PensionResult:
    """The answer to `PensionRegisterService.get`: the pension items of the period.

    The SSDN wire has no NO_DATA_FOUND: an answer without items is reported
    with status NO_DATA_FOUND (code the SSDN ReturnCode) so that results read
    alike across services. ``warnings`` are the SSDN details of severity
    WARNING or INFORMATION.
    """

    items: tuple[PensionItem, ...]
    status: Status
    receipt: Receipt
    warnings: tuple[FaultDetail, ...] = ()

    @property
    def found(self) -> bool:
        return bool(self.items)

    def on(self, day: _dt.date) -> tuple[PensionItem, ...]:
        """The pension rights that run on `day`."""
        return tuple(i for i in self.items if i.runs_on(day))

    def monthly_gross_on(self, day: _dt.date) -> Money:
        """The gross monthly amount of every pension running on `day`."""
        return Money(sum(i.monthly_gross.cents for i in self.on(day)))
