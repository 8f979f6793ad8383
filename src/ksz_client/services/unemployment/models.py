"""Typed models of UnemploymentDataService V3 (RVA / ONEM).

Eleven operations share a few structures: a monthly paid sum (paid sums and,
with the employment it activates, activation paid sums), a payment, a right,
a scheduled payment and a dated history entry (exemptions, sanctions, scale
codes, work disability, availability decisions, no earning capacity and
lawsuits with the mutuality). Amounts are integer cents on the wire and
`Money` here; ``meanWorkingHours`` (hours x 100 on the wire) is a `Decimal`
of hours.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from ksz_client.types import EmployerRef, Money, Month, Period, Quarter, Receipt, Status

__all__ = [
    "MAX_MONTHS",
    "NO_DATA",
    "NO_FILE",
    "ActivationPaidSum",
    "ActivationPaidSumsResult",
    "BenefitPaymentsResult",
    "BenefitRightsResult",
    "DossierStatus",
    "HistoryEntry",
    "NoEarningCapacityResult",
    "PaidSum",
    "PaidSumsResult",
    "Payment",
    "Right",
    "ScheduledPayment",
    "ScheduledPaymentResult",
    "UnemploymentHistoryResult",
]

MAX_MONTHS: Final = 48
"""The longest period (in months, both ends included) the paid-sums operations take."""

NO_FILE: Final = "UDS0001"
"""NO_DATA_FOUND: the RVA has no unemployment file for the person."""
NO_DATA: Final = "UDS0002"
"""NO_DATA_FOUND: the file has no data for the period, date or quarter asked."""


class DossierStatus(StrEnum):
    """How far the payment file of a month is."""

    COMPLETED = "COMPLETED"
    PROVISIONAL = "PROVISIONAL"
    NOT_STARTED = "NOT_STARTED"


@dataclass(frozen=True)
class PaidSum:
    """What was paid for one month (``consultPaidSums``)."""

    related_month: Month
    dossier_status: DossierStatus
    paid: Money
    allowances: int
    """nbrOfAllowances: daily allowances paid for the month."""
    accepted: Money | None = None


@dataclass(frozen=True)
class ActivationPaidSum:
    """An activation allowance paid for one month, with the employment it supports."""

    related_month: Month
    dossier_status: DossierStatus
    paid: Money
    allowances: int
    activation_type: str
    """e.g. ACTIVA, WORK_RESUMPTION (RVA activation measures)."""
    accepted: Money | None = None
    employer: EmployerRef | None = None
    entry_into_employment: _dt.date | None = None
    mean_working_hours: Decimal | None = None
    """Weekly working hours of the employment (hours; the wire says hours x 100)."""


@dataclass(frozen=True)
class Payment:
    """A payment made for a month (``consultPayments``)."""

    payment_date: _dt.date
    related_month: Month
    paid: Money
    allowances: int
    paying_organisation: str | None = None
    """The payment institution: CAPAC/HVW or a trade union's."""


@dataclass(frozen=True)
class Right:
    """The state of the right to unemployment benefits over a period (``consultRights``)."""

    period: Period
    kind: str
    """FULL_UNEMPLOYMENT, TEMPORARY_UNEMPLOYMENT, ..."""
    theoretical_daily_allowance: Money
    """theoricDailyAllowanceAmount."""
    family_category: str | None = None
    """HEAD_OF_HOUSEHOLD, SINGLE or COHABITANT."""
    dossier_status: DossierStatus | None = None


@dataclass(frozen=True)
class ScheduledPayment:
    """A payment planned for a month of the quarter asked (``consultScheduledPayment``)."""

    related_month: Month
    planned_date: _dt.date
    amount: Money
    allowances: int


@dataclass(frozen=True)
class HistoryEntry:
    """One dated entry of a history (exemption, sanction, scale code, ...)."""

    period: Period
    code: str
    description: str | None = None
    decision_date: _dt.date | None = None


@dataclass(frozen=True)
class _Answer:
    status: Status
    receipt: Receipt

    @property
    def found(self) -> bool:
        return self.status.found

    @property
    def no_file(self) -> bool:
        """True when the RVA has no unemployment file for the person (UDS0001)."""
        return self.status.code == NO_FILE


@dataclass(frozen=True)
class PaidSumsResult(_Answer):
    """Sums paid per month over ``start_month``..``end_month``."""

    paid_sums: tuple[PaidSum, ...]
    start_month: Month
    end_month: Month

    @property
    def total_paid(self) -> Money:
        return Money(sum(s.paid.cents for s in self.paid_sums))


@dataclass(frozen=True)
class ActivationPaidSumsResult(_Answer):
    """Activation allowances paid per month over ``start_month``..``end_month``."""

    paid_sums: tuple[ActivationPaidSum, ...]
    start_month: Month
    end_month: Month

    @property
    def total_paid(self) -> Money:
        return Money(sum(s.paid.cents for s in self.paid_sums))


@dataclass(frozen=True)
class BenefitPaymentsResult(_Answer):
    """The payments for the month of ``date`` (None: the latest month paid)."""

    payments: tuple[Payment, ...]
    date: _dt.date | None


@dataclass(frozen=True)
class BenefitRightsResult(_Answer):
    """The rights at ``date`` (None: the latest state)."""

    rights: tuple[Right, ...]
    date: _dt.date | None

    def at(self, day: _dt.date) -> Right | None:
        return next((r for r in self.rights if r.period.contains(day)), None)


@dataclass(frozen=True)
class ScheduledPaymentResult(_Answer):
    """The payments planned for the months of ``quarter``."""

    payments: tuple[ScheduledPayment, ...]
    quarter: Quarter


@dataclass(frozen=True)
class UnemploymentHistoryResult(_Answer):
    """The entries of one history over ``period`` (None: the whole history)."""

    entries: tuple[HistoryEntry, ...]
    period: Period | None


@dataclass(frozen=True)
class NoEarningCapacityResult(_Answer):
    """Periods without earning capacity and lawsuits with the mutuality, over ``period``."""

    no_earning_capacity: tuple[HistoryEntry, ...]
    lawsuits: tuple[HistoryEntry, ...]
    period: Period | None
