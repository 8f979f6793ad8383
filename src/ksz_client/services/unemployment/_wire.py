"""UnemploymentDataService V3 on the wire: search criteria and results, both directions.

Every request carries ``searchCriteria{ssin, ...}``: a month period for the
paid sums, an optional date for payments and rights, a quarter for the
scheduled payment, an optional date period for the histories. Amounts are
integer cents; ``meanWorkingHours`` is hours x 100.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from ksz_client import _xml
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client.services.unemployment.models import (
    ActivationPaidSum,
    DossierStatus,
    HistoryEntry,
    PaidSum,
    Payment,
    Right,
    ScheduledPayment,
)
from ksz_client.types import EmployerRef, Money, Month, Period, Quarter

__all__ = [
    "HISTORY_ITEMS",
    "Criteria",
    "read_activation_paid_sum",
    "read_criteria",
    "read_history_entry",
    "read_paid_sum",
    "read_payment",
    "read_right",
    "read_scheduled_payment",
    "write_activation_paid_sum",
    "write_criteria",
    "write_history_entry",
    "write_paid_sum",
    "write_payment",
    "write_right",
    "write_scheduled_payment",
]

HISTORY_ITEMS: Final = {
    "consultExemptionHistory": "exemption",
    "consultSanctionHistory": "sanction",
    "consultScaleCodeHistory": "scaleCode",
    "consultWorkDisabilityHistory": "workDisability",
    "consultYoungAvailabilityDecisionHistory": "availabilityDecision",
}
"""The result item element of each history operation."""


@dataclass(frozen=True)
class Criteria:
    """The search criteria of any operation; the fields the operation does not take stay None."""

    ssin: str
    start_month: Month | None = None
    end_month: Month | None = None
    date: _dt.date | None = None
    quarter: Quarter | None = None
    period: Period | None = None


# --- criteria -------------------------------------------------------------------------------


def write_criteria(payload: _xml.Element, c: Criteria) -> None:
    el = _xml.sub(payload, "searchCriteria")
    _xml.sub(el, "ssin", c.ssin)
    if c.start_month is not None and c.end_month is not None:
        period = _xml.sub(el, "period")
        _xml.sub(period, "startMonth", str(c.start_month))
        _xml.sub(period, "endMonth", str(c.end_month))
    elif c.period is not None:
        period = _xml.sub(el, "period")
        _xml.sub(period, "startDate", c.period.start.isoformat())
        if c.period.end is not None:
            _xml.sub(period, "endDate", c.period.end.isoformat())
    if c.date is not None:
        _xml.sub(el, "date", c.date.isoformat())
    if c.quarter is not None:
        quarter = _xml.sub(el, "quarterCriteria")
        _xml.sub(quarter, "quarter", str(c.quarter.quarter))
        _xml.sub(quarter, "year", str(c.quarter.year))


def read_criteria(payload: _xml.Element) -> Criteria:
    """The criteria of a request (the sandbox's side); invalid values raise ValidationError."""
    el = _xml.req(payload, "searchCriteria")
    start_month = _xml.opt_text(el, "period/startMonth")
    end_month = _xml.opt_text(el, "period/endMonth")
    start = _xml.opt_date(el, "period/startDate")
    quarter = el.find("quarterCriteria")
    return Criteria(
        ssin=_xml.req_text(el, "ssin"),
        start_month=Month.parse(start_month) if start_month else None,
        end_month=Month.parse(end_month) if end_month else None,
        date=_xml.opt_date(el, "date"),
        quarter=Quarter(_xml.opt_int(quarter, "year") or 0, _xml.opt_int(quarter, "quarter") or 0)
        if quarter is not None else None,
        period=Period(start, _xml.opt_date(el, "period/endDate")) if start else None,
    )


# --- shared readers and writers ----------------------------------------------------------------


def _month(el: _xml.Element, path: str) -> Month:
    try:
        return Month.parse(_xml.req_text(el, path))
    except ValidationError:
        raise ResponseError(f"{path} is not a month (YYYY-MM)") from None


def _cents(el: _xml.Element, path: str) -> Money:
    value = _xml.opt_int(el, path)
    if value is None:
        raise ResponseError(f"the answer lacks {path}")
    return Money(value)


def _opt_cents(el: _xml.Element, path: str) -> Money | None:
    value = _xml.opt_int(el, path)
    return Money(value) if value is not None else None


def _int(el: _xml.Element, path: str) -> int:
    value = _xml.opt_int(el, path)
    if value is None:
        raise ResponseError(f"the answer lacks {path}")
    return value


def _date(el: _xml.Element, path: str) -> _dt.date:
    value = _xml.opt_date(el, path)
    if value is None:
        raise ResponseError(f"the answer lacks {path}")
    return value


def _status(el: _xml.Element, path: str = "dossierStatus") -> DossierStatus:
    text = _xml.req_text(el, path)
    try:
        return DossierStatus(text)
    except ValueError:
        raise ResponseError("unknown dossierStatus in the answer") from None


def _period(el: _xml.Element) -> Period:
    start = _date(el, "period/startDate")
    try:
        return Period(start, _xml.opt_date(el, "period/endDate"))
    except ValidationError:
        raise ResponseError("a period of the answer ends before it starts") from None


def _write_period(parent: _xml.Element, period: Period) -> None:
    el = _xml.sub(parent, "period")
    _xml.sub(el, "startDate", period.start.isoformat())
    if period.end is not None:
        _xml.sub(el, "endDate", period.end.isoformat())


def _hours(el: _xml.Element, path: str) -> Decimal | None:
    value = _xml.opt_int(el, path)
    return Decimal(value).scaleb(-2) if value is not None else None


def _write_hours(hours: Decimal) -> str:
    return str(int((hours * 100).to_integral_value()))


# --- paid sums ---------------------------------------------------------------------------------


def read_paid_sum(el: _xml.Element) -> PaidSum:
    return PaidSum(
        related_month=_month(el, "relatedMonth"),
        dossier_status=_status(el),
        paid=_cents(el, "paidAmount"),
        accepted=_opt_cents(el, "acceptedAmount"),
        allowances=_int(el, "nbrOfAllowances"),
    )


def write_paid_sum(parent: _xml.Element, s: PaidSum) -> None:
    el = _xml.sub(parent, "paidSum")
    _xml.sub(el, "relatedMonth", str(s.related_month))
    _xml.sub(el, "dossierStatus", s.dossier_status.value)
    _xml.sub(el, "paidAmount", str(s.paid.cents))
    if s.accepted is not None:
        _xml.sub(el, "acceptedAmount", str(s.accepted.cents))
    _xml.sub(el, "nbrOfAllowances", str(s.allowances))


def read_activation_paid_sum(el: _xml.Element) -> ActivationPaidSum:
    employer = el.find("employer")
    try:
        ref = EmployerRef(
            name=_xml.opt_text(employer, "name"),
            cbe_number=_xml.opt_text(employer, "cbeNumber"),
            noss_number=_xml.opt_text(employer, "nossRegistrationNumber"),
        ) if employer is not None else None
    except ValidationError:
        raise ResponseError("the employer of an activation carries a malformed number") from None
    return ActivationPaidSum(
        related_month=_month(el, "relatedMonth"),
        dossier_status=_status(el),
        paid=_cents(el, "paidAmount"),
        accepted=_opt_cents(el, "acceptedAmount"),
        allowances=_int(el, "nbrOfAllowances"),
        activation_type=_xml.req_text(el, "activationType"),
        employer=ref,
        entry_into_employment=_xml.opt_date(el, "entryIntoEmploymentDate"),
        mean_working_hours=_hours(el, "meanWorkingHours"),
    )


def write_activation_paid_sum(parent: _xml.Element, s: ActivationPaidSum) -> None:
    el = _xml.sub(parent, "activationPaidSum")
    _xml.sub(el, "relatedMonth", str(s.related_month))
    _xml.sub(el, "dossierStatus", s.dossier_status.value)
    _xml.sub(el, "paidAmount", str(s.paid.cents))
    if s.accepted is not None:
        _xml.sub(el, "acceptedAmount", str(s.accepted.cents))
    _xml.sub(el, "nbrOfAllowances", str(s.allowances))
    _xml.sub(el, "activationType", s.activation_type)
    if s.employer is not None:
        employer = _xml.sub(el, "employer")
        for tag, value in (("name", s.employer.name), ("cbeNumber", s.employer.cbe_number),
                           ("nossRegistrationNumber", s.employer.noss_number)):
            if value:
                _xml.sub(employer, tag, value)
    if s.entry_into_employment is not None:
        _xml.sub(el, "entryIntoEmploymentDate", s.entry_into_employment.isoformat())
    if s.mean_working_hours is not None:
        _xml.sub(el, "meanWorkingHours", _write_hours(s.mean_working_hours))


# --- payments, rights, scheduled payments --------------------------------------------------------


def read_payment(el: _xml.Element) -> Payment:
    return Payment(
        payment_date=_date(el, "paymentDate"),
        related_month=_month(el, "relatedMonth"),
        paid=_cents(el, "paidAmount"),
        allowances=_int(el, "nbrOfAllowances"),
        paying_organisation=_xml.opt_text(el, "payingOrganisation"),
    )


def write_payment(parent: _xml.Element, p: Payment) -> None:
    el = _xml.sub(parent, "payment")
    _xml.sub(el, "paymentDate", p.payment_date.isoformat())
    _xml.sub(el, "relatedMonth", str(p.related_month))
    _xml.sub(el, "paidAmount", str(p.paid.cents))
    _xml.sub(el, "nbrOfAllowances", str(p.allowances))
    if p.paying_organisation:
        _xml.sub(el, "payingOrganisation", p.paying_organisation)


def read_right(el: _xml.Element) -> Right:
    status = _xml.opt_text(el, "dossierStatus")
    return Right(
        period=_period(el),
        kind=_xml.req_text(el, "rightType"),
        family_category=_xml.opt_text(el, "familyCategory"),
        theoretical_daily_allowance=_cents(el, "theoricDailyAllowanceAmount"),
        dossier_status=_status(el) if status is not None else None,
    )


def write_right(parent: _xml.Element, r: Right) -> None:
    el = _xml.sub(parent, "right")
    _write_period(el, r.period)
    _xml.sub(el, "rightType", r.kind)
    if r.family_category:
        _xml.sub(el, "familyCategory", r.family_category)
    _xml.sub(el, "theoricDailyAllowanceAmount", str(r.theoretical_daily_allowance.cents))
    if r.dossier_status is not None:
        _xml.sub(el, "dossierStatus", r.dossier_status.value)


def read_scheduled_payment(el: _xml.Element) -> ScheduledPayment:
    return ScheduledPayment(
        related_month=_month(el, "relatedMonth"),
        planned_date=_date(el, "plannedPaymentDate"),
        amount=_cents(el, "scheduledAmount"),
        allowances=_int(el, "nbrOfAllowances"),
    )


def write_scheduled_payment(parent: _xml.Element, p: ScheduledPayment) -> None:
    el = _xml.sub(parent, "scheduledPayment")
    _xml.sub(el, "relatedMonth", str(p.related_month))
    _xml.sub(el, "plannedPaymentDate", p.planned_date.isoformat())
    _xml.sub(el, "scheduledAmount", str(p.amount.cents))
    _xml.sub(el, "nbrOfAllowances", str(p.allowances))


# --- histories -----------------------------------------------------------------------------------


def read_history_entry(el: _xml.Element) -> HistoryEntry:
    return HistoryEntry(
        period=_period(el),
        code=_xml.req_text(el, "code"),
        description=_xml.opt_text(el, "description"),
        decision_date=_xml.opt_date(el, "decisionDate"),
    )


def write_history_entry(parent: _xml.Element, tag: str, e: HistoryEntry) -> None:
    el = _xml.sub(parent, tag)
    _write_period(el, e.period)
    _xml.sub(el, "code", e.code)
    if e.description:
        _xml.sub(el, "description", e.description)
    if e.decision_date is not None:
        _xml.sub(el, "decisionDate", e.decision_date.isoformat())
