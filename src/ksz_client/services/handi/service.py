"""HandiService V2: `client.handi.files_by_date`, `.files_by_period` and `.payments`."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from ksz_client import catalogue
from ksz_client._exceptions import ValidationError
from ksz_client._inputs import optional_date_arg
from ksz_client.services._registry import operation
from ksz_client.services.handi import _wire
from ksz_client.services.handi.models import (
    PAYMENT_SOURCES,
    FilePart,
    FilesResult,
    HandiSource,
    PaymentsResult,
)
from ksz_client.types import CallContext, Month, Period

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["MAX_PAYMENT_MONTHS", "HandiService"]

MAX_PAYMENT_MONTHS: Final = 24
"""The most monthly payments a source gives in one answer (PaymentsType)."""

_Many = tuple[str, ...] | list[str] | str


def _items(value: Sequence[str] | str) -> tuple[str, ...]:
    # A lone str (a HandiSource or FilePart is one) names one item.
    return (value,) if isinstance(value, str) else tuple(value)


def _sources(value: Sequence[str] | str, allowed: tuple[HandiSource, ...],
             what: str) -> tuple[HandiSource, ...]:
    out: list[HandiSource] = []
    for item in _items(value):
        source = HandiSource.parse(item)
        if source not in allowed:
            raise ValidationError(f"{source.value} is not a source of {what}")
        if source not in out:
            out.append(source)
    return tuple(out) or allowed


def _parts(value: Sequence[str] | str) -> tuple[FilePart, ...]:
    by_name = {p.value.casefold(): p for p in FilePart}
    out: list[FilePart] = []
    for item in _items(value):
        part = by_name.get(str(item).strip().casefold())
        if part is None:
            raise ValidationError("a part is one of " + ", ".join(p.value for p in FilePart))
        if part not in out:
            out.append(part)
    return tuple(out) or tuple(FilePart)


class HandiService:
    """HandiService V2 (KSZ; sources: the federal DG Persons with disabilities and the
    regional agencies VSB, Kind en Gezin, Iriscare, NIC/CIN, AVIQ, DSL and MDG).

    Disability files (request, recognitions, rights to allowances, social
    cards) at a date or over a period, and the allowance payments. Each
    source answers with its own status; when one cannot be reached the answer
    is INCOMPLETE_DATA (HAN20200), a result that says which sources are
    missing (``result.complete``, ``result.unavailable_sources``). Needs a
    covering integration. Contract: official (set-b HandiV2.wsdl).
    """

    service = catalogue.get("HandiService")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    def _files(self, ssin: str, operation: str, criteria: _wire.FilesCriteria,
               context: CallContext | None) -> FilesResult:
        reply = self._client._call(
            self.service,
            operation,
            lambda payload: _wire.write_files_criteria(payload, criteria),
            context=context,
            subjects=(ssin,),
        )
        return FilesResult(
            sources=_wire.read_files(reply.payload),
            status=reply.status,
            receipt=reply.receipt,
            ssin=_wire.read_answered_ssin(reply.payload),
            data_filters=_wire.read_data_filters(reply.payload),
        )

    @operation("consultFilesByDate",
               aliases={"sources": ("--source",), "parts": ("--part",)})
    def files_by_date(
        self,
        ssin: str,
        *,
        date: _dt.date | str | None = None,
        sources: _Many = (),
        parts: _Many = (),
        decision_status: bool = False,
        enriched_recognition: bool = False,
        context: CallContext | None = None,
    ) -> FilesResult:
        """Disability files as they stood at a date (``consultFilesByDate``).

        Args:
            ssin: the person's SSIN, in any written form
            date: the reference date, YYYY-MM-DD (default: today; not in the future)
            sources: DGPH, VSB, KindEnGezin, IrisCare, NicCin, AVIQ, DSL, MDG (default: all)
            parts: evolutionOfRequest, handicapRecognitions, rights, socialCards (default: all)
            decision_status: also ask DGPH, VSB and Kind en Gezin for the decision status
            enriched_recognition: also ask DGPH and Kind en Gezin for the legislation
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        today = self._client._today()
        day = optional_date_arg(date, "date") or today
        if day > today:
            raise ValidationError("the reference date is in the future")
        criteria = _wire.FilesCriteria(
            ssin=subject, sources=_sources(sources, tuple(HandiSource), "files"),
            parts=_parts(parts), date=day, decision_status=decision_status,
            enriched_recognition=enriched_recognition,
        )
        return self._files(subject, "consultFilesByDate", criteria, context)

    @operation("consultFilesByPeriod",
               aliases={"sources": ("--source",), "parts": ("--part",)})
    def files_by_period(
        self,
        ssin: str,
        *,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        sources: _Many = (),
        parts: _Many = (),
        context: CallContext | None = None,
    ) -> FilesResult:
        """Disability files over a period (``consultFilesByPeriod``): every recognition,
        right and card of the period.

        Args:
            ssin: the person's SSIN, in any written form
            start: first day, YYYY-MM-DD (default: a year before the end; not in the future)
            end: last day, YYYY-MM-DD (default: today)
            sources: DGPH, VSB, KindEnGezin, IrisCare, NicCin, AVIQ, DSL, MDG (default: all)
            parts: evolutionOfRequest, handicapRecognitions, rights, socialCards (default: all)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        period = _period(optional_date_arg(start, "start"), optional_date_arg(end, "end"),
                         days=365, today=self._client._today())
        criteria = _wire.FilesCriteria(
            ssin=subject, sources=_sources(sources, tuple(HandiSource), "files"),
            parts=_parts(parts), period=period,
        )
        return self._files(subject, "consultFilesByPeriod", criteria, context)

    @operation("consultPayments", aliases={"sources": ("--source",)})
    def payments(
        self,
        ssin: str,
        *,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        sources: _Many = (),
        context: CallContext | None = None,
    ) -> PaymentsResult:
        """Allowance payments, month by month (``consultPayments``).

        At most 24 months at a time (what a source answers in one go); the
        sources that pay are DGPH, VSB, IrisCare, NicCin and MDG.

        Args:
            ssin: the person's SSIN, in any written form
            start: first day, YYYY-MM-DD (default: the first day of the month 11 months ago)
            end: last day, YYYY-MM-DD (default: today)
            sources: DGPH, VSB, IrisCare, NicCin, MDG (default: all five)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        first, last = optional_date_arg(start, "start"), optional_date_arg(end, "end")
        today = self._client._today()
        if first is None:
            anchor = Month.parse(last or today)
            back = anchor.year * 12 + anchor.month - 1 - 11
            first = _dt.date(back // 12, back % 12 + 1, 1)
        period = _period(first, last, days=0, today=today)
        assert period.end is not None
        if Month.parse(period.start).months_until(Month.parse(period.end)) + 1 \
                > MAX_PAYMENT_MONTHS:
            raise ValidationError(f"ask at most {MAX_PAYMENT_MONTHS} months of payments at a time")
        criteria = _wire.PaymentsCriteria(
            ssin=subject, sources=_sources(sources, PAYMENT_SOURCES, "payments"), period=period)
        reply = self._client._call(
            self.service,
            "consultPayments",
            lambda payload: _wire.write_payments_criteria(payload, criteria),
            context=context,
            subjects=(subject,),
        )
        return PaymentsResult(
            sources=_wire.read_payments(reply.payload),
            status=reply.status,
            receipt=reply.receipt,
            ssin=_wire.read_answered_ssin(reply.payload),
        )


def _period(start: _dt.date | None, end: _dt.date | None, *, days: int,
            today: _dt.date) -> Period:
    """A closed period; the end defaults to today and the start to `days` before the end."""
    last = end or today
    first = start or last - _dt.timedelta(days=days)
    if first > today:
        raise ValidationError("the period starts in the future")
    return Period(first, last)
