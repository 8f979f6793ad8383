"""LivingWages V1 (POD MI): ``client.living_wages.periods / periods_per_pcsa / amounts``."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

from ksz_client import catalogue
from ksz_client._inputs import optional_date_arg
from ksz_client.services._registry import operation
from ksz_client.services.living_wages import _wire
from ksz_client.services.living_wages.models import (
    LivingWagePeriodsResult,
    LivingWagesResult,
    PerPcsaResult,
    check_range,
)
from ksz_client.ssin import Ssin
from ksz_client.types import CallContext, Period

if TYPE_CHECKING:
    from ksz_client._client import KszClient, Reply

__all__ = ["LivingWagesService"]


class LivingWagesService:
    """LivingWages V1 (KSZ; source: POD MI / SPP IS, from the OCMWs' attests).

    The leefloon (integration income) and equivalent leefloon a person
    received from the OCMWs over a date range: the periods of right (overall
    or per OCMW, federal or Flemish variant: the Flemish one answers the
    OCMWs of the Flemish region only) and the amounts per month. Needs a
    covering integration (finality). Contract: modelled (not public).
    """

    service = catalogue.get("LivingWages")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    def _range(self, start: _dt.date | str | None, end: _dt.date | str | None) -> Period:
        last = optional_date_arg(end, "end") or self._client._today()
        first = optional_date_arg(start, "start") or last.replace(month=1, day=1)
        return check_range(Period(first, last))

    def _ask(self, op: str, ssin: str, start: _dt.date | str | None,
             end: _dt.date | str | None, context: CallContext | None) -> Reply:
        subject: Ssin = self._client._validate_ssin(ssin)
        period = self._range(start, end)
        return self._client._call(
            self.service, op,
            lambda payload: _wire.write_criteria(payload, str(subject), period),
            context=context, subjects=(str(subject),),
        )

    def _periods(self, op: str, ssin: str, start: _dt.date | str | None,
                 end: _dt.date | str | None, context: CallContext | None
                 ) -> LivingWagePeriodsResult:
        reply = self._ask(op, ssin, start, end, context)
        return LivingWagePeriodsResult(_wire.read_periods(reply.payload), reply.status,
                                       reply.receipt)

    def _per_pcsa(self, op: str, ssin: str, start: _dt.date | str | None,
                  end: _dt.date | str | None, context: CallContext | None) -> PerPcsaResult:
        reply = self._ask(op, ssin, start, end, context)
        return PerPcsaResult(_wire.read_pcsas(reply.payload), reply.status, reply.receipt)

    @operation("getLivingWagePeriods")
    def periods(
        self,
        ssin: str,
        *,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        context: CallContext | None = None,
    ) -> LivingWagePeriodsResult:
        """Periods of right to (equivalent) leefloon, whatever the OCMW (``getLivingWagePeriods``).

        LivingWages V1, source POD MI. Adjacent periods of the same benefit and
        category are merged; periods are clipped to the range. Status
        DATA_FOUND, or NO_DATA_FOUND (MSG00100) when there is none. A range
        that ends before it starts raises `ValidationError` before sending.

        Args:
            ssin: the person's SSIN, in any written form
            start: first day of the range, YYYY-MM-DD (default: 1 January of the end's year)
            end: last day of the range, YYYY-MM-DD (default: today)
            context: the call context, when not bound with `acting_for`
        """
        return self._periods("getLivingWagePeriods", ssin, start, end, context)

    @operation("getLivingWagePeriodsFlanders")
    def periods_flanders(
        self,
        ssin: str,
        *,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        context: CallContext | None = None,
    ) -> LivingWagePeriodsResult:
        """Periods of right granted by Flemish OCMWs (``getLivingWagePeriodsFlanders``).

        LivingWages V1, source POD MI: as `periods`, for the OCMWs of the
        Flemish region only.

        Args:
            ssin: the person's SSIN, in any written form
            start: first day of the range, YYYY-MM-DD (default: 1 January of the end's year)
            end: last day of the range, YYYY-MM-DD (default: today)
            context: the call context, when not bound with `acting_for`
        """
        return self._periods("getLivingWagePeriodsFlanders", ssin, start, end, context)

    @operation("getLivingWagePeriodsPerPCSA")
    def periods_per_pcsa(
        self,
        ssin: str,
        *,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        context: CallContext | None = None,
    ) -> PerPcsaResult:
        """Periods of right per OCMW (``getLivingWagePeriodsPerPCSA``).

        LivingWages V1, source POD MI. One entry per OCMW (KBO/BCE number)
        that granted (equivalent) leefloon in the range.

        Args:
            ssin: the person's SSIN, in any written form
            start: first day of the range, YYYY-MM-DD (default: 1 January of the end's year)
            end: last day of the range, YYYY-MM-DD (default: today)
            context: the call context, when not bound with `acting_for`
        """
        return self._per_pcsa("getLivingWagePeriodsPerPCSA", ssin, start, end, context)

    @operation("getLivingWagePeriodsPerPCSAFlanders")
    def periods_per_pcsa_flanders(
        self,
        ssin: str,
        *,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        context: CallContext | None = None,
    ) -> PerPcsaResult:
        """Periods of right per Flemish OCMW (``getLivingWagePeriodsPerPCSAFlanders``).

        LivingWages V1, source POD MI: as `periods_per_pcsa`, for the OCMWs
        of the Flemish region only.

        Args:
            ssin: the person's SSIN, in any written form
            start: first day of the range, YYYY-MM-DD (default: 1 January of the end's year)
            end: last day of the range, YYYY-MM-DD (default: today)
            context: the call context, when not bound with `acting_for`
        """
        return self._per_pcsa("getLivingWagePeriodsPerPCSAFlanders", ssin, start, end,
                              context)

    @operation("getLivingWages")
    def amounts(
        self,
        ssin: str,
        *,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        context: CallContext | None = None,
    ) -> LivingWagesResult:
        """The amounts granted per month and OCMW (``getLivingWages``).

        LivingWages V1, source POD MI. Per month of the range: the OCMW, the
        benefit and category, the days of right in that month and the amount
        (the monthly amount in proportion to the days, whole cents).

        Args:
            ssin: the person's SSIN, in any written form
            start: first day of the range, YYYY-MM-DD (default: 1 January of the end's year)
            end: last day of the range, YYYY-MM-DD (default: today)
            context: the call context, when not bound with `acting_for`
        """
        reply = self._ask("getLivingWages", ssin, start, end, context)
        return LivingWagesResult(_wire.read_amounts(reply.payload), reply.status, reply.receipt)
