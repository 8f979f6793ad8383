"""HdiIndemnityAllowance V1: `client.incapacity.attest(ssin)` and `.indemnity_periods(ssin)`."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

from ksz_client import catalogue
from ksz_client._exceptions import ValidationError
from ksz_client.services._registry import operation
from ksz_client.services.incapacity import _wire
from ksz_client.services.incapacity.models import AttestResult, IndemnityPeriodsResult
from ksz_client.types import CallContext, Quarter

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["IncapacityService"]


def _quarter(value: Quarter | str | None, today: _dt.date) -> Quarter:
    current = Quarter.of(today)
    quarter = Quarter.parse(value) if value is not None else current
    if quarter > current:
        raise ValidationError("the quarter is in the future")
    return quarter


class IncapacityService:
    """HdiIndemnityAllowance V1 (KSZ; sources: RIZIV/INAMI and the mutualities through NIC/CIN).

    Incapacity for work, maternity and related social risks, quarter by
    quarter: the attest with its allowances and payments, or the indemnity
    periods. Needs a covering integration. Contract: official (set-b
    HdiIndemnityAllowanceV1.wsdl).
    """

    service = catalogue.get("HdiIndemnityAllowance")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("consultAttest")
    def attest(
        self,
        ssin: str,
        *,
        quarter: Quarter | str | None = None,
        context: CallContext | None = None,
    ) -> AttestResult:
        """The incapacity attest of one quarter (``consultAttest``).

        A closed quarter has a definitive attest (id, version, status); the
        current one a temporary attest. ``attest`` is None with NO_DATA_FOUND
        when the mutuality paid nothing that quarter. A quarter in the future
        raises `ValidationError` before anything is sent.

        Args:
            ssin: the person's SSIN, in any written form
            quarter: the quarter, YYYYQn (default: the current quarter)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        asked = _quarter(quarter, self._client._today())
        reply = self._client._call(
            self.service,
            "consultAttest",
            lambda payload: _wire.write_criteria(payload, subject, asked),
            context=context,
            subjects=(subject,),
        )
        attest = reply.payload.find("attest")
        return AttestResult(
            attest=_wire.read_attest(attest) if attest is not None else None,
            status=reply.status,
            receipt=reply.receipt,
            ssin=_wire.read_answered_ssin(reply.payload),
            data_filters=_wire.read_data_filters(reply.payload),
        )

    @operation("consultIndemnityPeriods")
    def indemnity_periods(
        self,
        ssin: str,
        *,
        quarter: Quarter | str | None = None,
        context: CallContext | None = None,
    ) -> IndemnityPeriodsResult:
        """The periods of indemnity in one quarter (``consultIndemnityPeriods``).

        Each period with its first day of incapacity, invalidity start, exit
        code and payments; a period still running has no end. Empty with
        NO_DATA_FOUND when there is none.

        Args:
            ssin: the person's SSIN, in any written form
            quarter: the quarter, YYYYQn (default: the current quarter)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        asked = _quarter(quarter, self._client._today())
        reply = self._client._call(
            self.service,
            "consultIndemnityPeriods",
            lambda payload: _wire.write_criteria(payload, subject, asked),
            context=context,
            subjects=(subject,),
        )
        attest = reply.payload.find("attest")
        identification, periods = _wire.read_periods(attest) if attest is not None else (None, ())
        return IndemnityPeriodsResult(
            identification=identification,
            periods=periods,
            status=reply.status,
            receipt=reply.receipt,
            ssin=_wire.read_answered_ssin(reply.payload),
            data_filters=_wire.read_data_filters(reply.payload),
        )
