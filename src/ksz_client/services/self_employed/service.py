"""SelfEmployed V2: `client.self_employed.career(ssin)` and `.contributions(ssin)`."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Final

from ksz_client import catalogue
from ksz_client._exceptions import ValidationError
from ksz_client._inputs import optional_date_arg
from ksz_client.services._registry import operation
from ksz_client.services.self_employed import _wire
from ksz_client.services.self_employed.models import CareerResult, ContributionsResult
from ksz_client.types import CallContext, Period, Quarter

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["MAX_QUARTERS", "SelfEmployedService"]

MAX_QUARTERS: Final = 40
"""The most quarters one consultContributions answer holds (ContributionsType)."""


class SelfEmployedService:
    """SelfEmployed V2 (KSZ; source: RSVZ/INASTI, the social insurance for the self-employed).

    The self-employed career (affiliations, quality, contribution category)
    and, quarter by quarter, whether the social contributions were paid.
    Needs a covering integration. Contract: official (set-b SelfEmployedV2.wsdl).
    """

    service = catalogue.get("SelfEmployed")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("consultCareer")
    def career(
        self,
        ssin: str,
        *,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        context: CallContext | None = None,
    ) -> CareerResult:
        """Self-employed career (``consultCareer``), whole or within a period.

        Returns the career (DATA_FOUND) or ``career=None`` (NO_DATA_FOUND: the
        RSVZ knows no self-employed activity). Invalid input raises
        `ValidationError` before anything is sent; no covering integration
        raises `NotIntegrated` before sending.

        Args:
            ssin: the person's SSIN, in any written form
            start: first day of the period of interest (YYYY-MM-DD); none: the whole career
            end: last day of the period of interest (needs a start)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        first, last = optional_date_arg(start, "start"), optional_date_arg(end, "end")
        if last is not None and first is None:
            raise ValidationError("a period end needs a period start")
        period = Period(first, last) if first is not None else None
        reply = self._client._call(
            self.service,
            "consultCareer",
            lambda payload: _wire.write_career_criteria(payload, subject, period),
            context=context,
            subjects=(subject,),
        )
        career = reply.payload.find("career")
        return CareerResult(
            career=_wire.read_career(career) if career is not None else None,
            status=reply.status,
            receipt=reply.receipt,
            ssin=_wire.read_answered_ssin(reply.payload),
            data_filters=_wire.read_data_filters(reply.payload),
        )

    @operation("consultContributions")
    def contributions(
        self,
        ssin: str,
        *,
        start: Quarter | str | None = None,
        end: Quarter | str | None = None,
        context: CallContext | None = None,
    ) -> ContributionsResult:
        """Regularity of the social contributions, quarter by quarter (``consultContributions``).

        Without ``start`` the last four quarters (the current one included)
        are asked. The range is checked before sending: start not after end,
        not in the future, at most 40 quarters.

        Args:
            ssin: the person's SSIN, in any written form
            start: first quarter, YYYYQn (default: three quarters before the current one)
            end: last quarter, YYYYQn (default: open, up to the latest known)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        current = Quarter.of(self._client._today())
        first = Quarter.parse(start) if start is not None else _back(current, 3)
        last = Quarter.parse(end) if end is not None else None
        if first > current:
            raise ValidationError("the first quarter is in the future")
        if last is not None and last < first:
            raise ValidationError("the last quarter comes before the first one")
        if first.quarters_until(last or current) + 1 > MAX_QUARTERS:
            raise ValidationError(f"ask at most {MAX_QUARTERS} quarters at a time")
        reply = self._client._call(
            self.service,
            "consultContributions",
            lambda payload: _wire.write_contributions_criteria(payload, subject, first, last),
            context=context,
            subjects=(subject,),
        )
        return ContributionsResult(
            contributions=_wire.read_contributions(reply.payload),
            status=reply.status,
            receipt=reply.receipt,
            ssin=_wire.read_answered_ssin(reply.payload),
        )


def _back(quarter: Quarter, count: int) -> Quarter:
    index = quarter.year * 4 + quarter.quarter - 1 - count
    return Quarter(index // 4, index % 4 + 1)
