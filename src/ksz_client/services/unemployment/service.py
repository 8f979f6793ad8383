"""UnemploymentDataService V3: ``client.unemployment.<operation>(ssin, ...)``."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

from ksz_client import _xml, catalogue
from ksz_client._exceptions import ValidationError
from ksz_client._inputs import optional_date_arg
from ksz_client.services._registry import operation
from ksz_client.services.unemployment import _wire
from ksz_client.services.unemployment.models import (
    MAX_MONTHS,
    ActivationPaidSumsResult,
    BenefitPaymentsResult,
    BenefitRightsResult,
    NoEarningCapacityResult,
    PaidSumsResult,
    ScheduledPaymentResult,
    UnemploymentHistoryResult,
)
from ksz_client.types import CallContext, Month, Period, Quarter

if TYPE_CHECKING:
    from ksz_client._client import KszClient, Reply

__all__ = ["UnemploymentService"]

MonthLike = Month | _dt.date | str
DateLike = _dt.date | str


def _months(start: MonthLike | None, end: MonthLike | None,
            today: _dt.date) -> tuple[Month, Month]:
    """The month period of a paid-sums request: in order and at most MAX_MONTHS long."""
    last = Month.parse(end) if end is not None else Month.parse(today)
    if start is None:
        first_index = last.year * 12 + last.month - 1 - 11
        first = Month(first_index // 12, first_index % 12 + 1)
    else:
        first = Month.parse(start)
    if last < first:
        raise ValidationError("the end month comes before the start month")
    if first.months_until(last) + 1 > MAX_MONTHS:
        raise ValidationError(f"the period covers at most {MAX_MONTHS} months")
    return first, last


def _history_period(start: DateLike | None, end: DateLike | None) -> Period | None:
    first, last = optional_date_arg(start, "start"), optional_date_arg(end, "end")
    if first is None:
        if last is not None:
            raise ValidationError("a history period with an end needs a start")
        return None
    return Period(first, last)


class UnemploymentService:
    """UnemploymentDataService V3 (KSZ; source: RVA / ONEM).

    Unemployment benefits: sums paid per month, activation allowances,
    payments, the state of the right, scheduled payments, and the histories
    of exemptions, sanctions, scale codes, work disability, availability
    decisions for young people, no earning capacity and lawsuits with the
    mutuality. Needs a covering integration. Default legal context
    ``SOCIAL_INVESTIGATION_OF_PCSA``. Contract: modelled on the WS-Consult
    conventions (no public contract). No data: status NO_DATA_FOUND with
    code UDS0001 (no unemployment file) or UDS0002 (nothing for the
    criteria); every method is safe to call from several threads.
    """

    service = catalogue.get("UnemploymentDataService")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    def _send(self, op: str, criteria: _wire.Criteria, context: CallContext | None) -> Reply:
        subject = criteria.ssin
        return self._client._call(
            self.service, op, lambda payload: _wire.write_criteria(payload, criteria),
            context=context, subjects=(subject,),
        )

    def _items(self, reply: Reply, tag: str) -> list[_xml.Element]:
        result = reply.payload.find("result")
        return list(result.iterfind(tag)) if result is not None else []

    # --- monthly sums --------------------------------------------------------------------------

    @operation("consultPaidSums")
    def paid_sums(
        self,
        ssin: str,
        *,
        start_month: MonthLike | None = None,
        end_month: MonthLike | None = None,
        context: CallContext | None = None,
    ) -> PaidSumsResult:
        """Sums paid per month (``consultPaidSums``), at most 48 months.

        Args:
            ssin: the person's SSIN, in any written form
            start_month: first month, YYYY-MM (default: 11 months before the end month)
            end_month: last month, YYYY-MM (default: this month)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        first, last = _months(start_month, end_month, self._client._today())
        reply = self._send("consultPaidSums", _wire.Criteria(
            str(subject), start_month=first, end_month=last), context)
        return PaidSumsResult(
            status=reply.status, receipt=reply.receipt,
            paid_sums=tuple(_wire.read_paid_sum(e) for e in self._items(reply, "paidSum")),
            start_month=first, end_month=last,
        )

    @operation("consultActivationPaidSums")
    def activation_paid_sums(
        self,
        ssin: str,
        *,
        start_month: MonthLike | None = None,
        end_month: MonthLike | None = None,
        context: CallContext | None = None,
    ) -> ActivationPaidSumsResult:
        """Activation allowances paid per month (``consultActivationPaidSums``), at most 48 months.

        Args:
            ssin: the person's SSIN, in any written form
            start_month: first month, YYYY-MM (default: 11 months before the end month)
            end_month: last month, YYYY-MM (default: this month)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        first, last = _months(start_month, end_month, self._client._today())
        reply = self._send("consultActivationPaidSums", _wire.Criteria(
            str(subject), start_month=first, end_month=last), context)
        return ActivationPaidSumsResult(
            status=reply.status, receipt=reply.receipt,
            paid_sums=tuple(_wire.read_activation_paid_sum(e)
                            for e in self._items(reply, "activationPaidSum")),
            start_month=first, end_month=last,
        )

    # --- at a date ------------------------------------------------------------------------------

    @operation("consultPayments")
    def payments(
        self,
        ssin: str,
        *,
        date: DateLike | None = None,
        context: CallContext | None = None,
    ) -> BenefitPaymentsResult:
        """The payments for the month of a date (``consultPayments``).

        Args:
            ssin: the person's SSIN, in any written form
            date: a day of the month asked, YYYY-MM-DD (default: the latest month paid)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        day = optional_date_arg(date, "date")
        reply = self._send("consultPayments", _wire.Criteria(str(subject), date=day), context)
        return BenefitPaymentsResult(
            status=reply.status, receipt=reply.receipt,
            payments=tuple(_wire.read_payment(e) for e in self._items(reply, "payment")),
            date=day,
        )

    @operation("consultRights")
    def rights(
        self,
        ssin: str,
        *,
        date: DateLike | None = None,
        context: CallContext | None = None,
    ) -> BenefitRightsResult:
        """The state of the right to benefits at a date (``consultRights``).

        Args:
            ssin: the person's SSIN, in any written form
            date: the date, YYYY-MM-DD (default: the latest state)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        day = optional_date_arg(date, "date")
        reply = self._send("consultRights", _wire.Criteria(str(subject), date=day), context)
        return BenefitRightsResult(
            status=reply.status, receipt=reply.receipt,
            rights=tuple(_wire.read_right(e) for e in self._items(reply, "right")),
            date=day,
        )

    @operation("consultScheduledPayment")
    def scheduled_payment(
        self,
        ssin: str,
        *,
        quarter: Quarter | str | None = None,
        context: CallContext | None = None,
    ) -> ScheduledPaymentResult:
        """The payments planned for the months of a quarter (``consultScheduledPayment``).

        Args:
            ssin: the person's SSIN, in any written form
            quarter: the quarter, YYYYQn (default: this quarter)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        asked = Quarter.parse(quarter) if quarter is not None else Quarter.of(self._client._today())
        reply = self._send("consultScheduledPayment",
                           _wire.Criteria(str(subject), quarter=asked), context)
        return ScheduledPaymentResult(
            status=reply.status, receipt=reply.receipt,
            payments=tuple(_wire.read_scheduled_payment(e)
                           for e in self._items(reply, "scheduledPayment")),
            quarter=asked,
        )

    # --- histories ------------------------------------------------------------------------------

    def _history(self, op: str, ssin: str, start: DateLike | None, end: DateLike | None,
                 context: CallContext | None) -> UnemploymentHistoryResult:
        subject = self._client._validate_ssin(ssin)
        period = _history_period(start, end)
        reply = self._send(op, _wire.Criteria(str(subject), period=period), context)
        return UnemploymentHistoryResult(
            status=reply.status, receipt=reply.receipt,
            entries=tuple(_wire.read_history_entry(e)
                          for e in self._items(reply, _wire.HISTORY_ITEMS[op])),
            period=period,
        )

    @operation("consultExemptionHistory")
    def exemption_history(
        self,
        ssin: str,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        context: CallContext | None = None,
    ) -> UnemploymentHistoryResult:
        """History of exemptions (studies, training, ...) (``consultExemptionHistory``).

        Args:
            ssin: the person's SSIN, in any written form
            start: first day of the period, YYYY-MM-DD (default: the whole history)
            end: last day of the period, YYYY-MM-DD (default: open)
            context: the call context, when not bound with `acting_for`
        """
        return self._history("consultExemptionHistory", ssin, start, end, context)

    @operation("consultSanctionHistory")
    def sanction_history(
        self,
        ssin: str,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        context: CallContext | None = None,
    ) -> UnemploymentHistoryResult:
        """History of sanctions (``consultSanctionHistory``).

        Args:
            ssin: the person's SSIN, in any written form
            start: first day of the period, YYYY-MM-DD (default: the whole history)
            end: last day of the period, YYYY-MM-DD (default: open)
            context: the call context, when not bound with `acting_for`
        """
        return self._history("consultSanctionHistory", ssin, start, end, context)

    @operation("consultScaleCodeHistory")
    def scale_code_history(
        self,
        ssin: str,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        context: CallContext | None = None,
    ) -> UnemploymentHistoryResult:
        """History of scale codes (family category and phase) (``consultScaleCodeHistory``).

        Args:
            ssin: the person's SSIN, in any written form
            start: first day of the period, YYYY-MM-DD (default: the whole history)
            end: last day of the period, YYYY-MM-DD (default: open)
            context: the call context, when not bound with `acting_for`
        """
        return self._history("consultScaleCodeHistory", ssin, start, end, context)

    @operation("consultWorkDisabilityHistory")
    def work_disability_history(
        self,
        ssin: str,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        context: CallContext | None = None,
    ) -> UnemploymentHistoryResult:
        """History of work disability during unemployment (``consultWorkDisabilityHistory``).

        Args:
            ssin: the person's SSIN, in any written form
            start: first day of the period, YYYY-MM-DD (default: the whole history)
            end: last day of the period, YYYY-MM-DD (default: open)
            context: the call context, when not bound with `acting_for`
        """
        return self._history("consultWorkDisabilityHistory", ssin, start, end, context)

    @operation("consultYoungAvailabilityDecisionHistory")
    def young_availability_decision_history(
        self,
        ssin: str,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        context: CallContext | None = None,
    ) -> UnemploymentHistoryResult:
        """Availability decisions for young people (``consultYoungAvailabilityDecisionHistory``).

        Args:
            ssin: the person's SSIN, in any written form
            start: first day of the period, YYYY-MM-DD (default: the whole history)
            end: last day of the period, YYYY-MM-DD (default: open)
            context: the call context, when not bound with `acting_for`
        """
        return self._history("consultYoungAvailabilityDecisionHistory", ssin, start, end,
                             context)

    @operation("consultNoEarningCapacityAndLawsuitMutuality")
    def no_earning_capacity(
        self,
        ssin: str,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        context: CallContext | None = None,
    ) -> NoEarningCapacityResult:
        """No earning capacity and lawsuits with the mutuality (``consultNoEarningCapacity...``).

        Args:
            ssin: the person's SSIN, in any written form
            start: first day of the period, YYYY-MM-DD (default: the whole history)
            end: last day of the period, YYYY-MM-DD (default: open)
            context: the call context, when not bound with `acting_for`
        """
        op = "consultNoEarningCapacityAndLawsuitMutuality"
        subject = self._client._validate_ssin(ssin)
        period = _history_period(start, end)
        reply = self._send(op, _wire.Criteria(str(subject), period=period), context)
        return NoEarningCapacityResult(
            status=reply.status, receipt=reply.receipt,
            no_earning_capacity=tuple(_wire.read_history_entry(e)
                                      for e in self._items(reply, "noEarningCapacity")),
            lawsuits=tuple(_wire.read_history_entry(e)
                           for e in self._items(reply, "lawsuitMutuality")),
            period=period,
        )
