"""OCMWCPASPensionRegisterConsult (SSDN 20090706): ``client.pensions.get(ssin, ...)``."""

from __future__ import annotations

import dataclasses
import datetime as _dt
from typing import TYPE_CHECKING, TypeVar

from ksz_client import catalogue
from ksz_client._exceptions import ValidationError
from ksz_client._inputs import optional_date_arg
from ksz_client.services._registry import operation
from ksz_client.services.pension_register import _wire
from ksz_client.services.pension_register.models import (
    Focus,
    PensionQuery,
    PensionResult,
    Pillar,
    RequestedInformation,
)
from ksz_client.types import CallContext, Period, StatusValue

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["PensionRegisterService"]

_E = TypeVar("_E", Pillar, RequestedInformation, Focus)


def _choice(cls: type[_E], value: _E | str, name: str) -> _E:
    try:
        return cls(value)
    except ValueError:
        raise ValidationError(f"{name} is one of {', '.join(m.value for m in cls)}") from None


def _year_before(day: _dt.date) -> _dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


class PensionRegisterService:
    """OCMWCPASPensionRegisterConsult, SSDN 20090706 (KSZ; source: the pension cadastre).

    Pension rights and amounts of a person for a period (Penskad "OpenPK"):
    first pillar (legal pensions, income guarantee) and second pillar
    (supplementary pensions). Needs a covering integration (finality). Travels
    on the legacy SSDN wire; the legal context is recorded in the audit log,
    not sent. Contract: modelled (the official XSD is not public).
    """

    service = catalogue.get("OCMWCPASPensionRegisterConsult")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("consultPensionRegister")
    def get(
        self,
        ssin: str,
        *,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        pillar: Pillar | str = Pillar.FIRST_SECOND,
        information: RequestedInformation | str = RequestedInformation.RIGHTS_MAXIMUM_PAYMENTS,
        focus: Focus | str = Focus.REFERENCE_PERIOD,
        language: str = "NL",
        context: CallContext | None = None,
    ) -> PensionResult:
        """Pension rights and amounts of a period (``Penskad_OpenPK_ConsultRequest``).

        OCMWCPASPensionRegisterConsult, SSDN version 20090706, source the
        pension cadastre. Returns the pension items that run in the period
        (status DATA_FOUND), or none (status NO_DATA_FOUND). A period that
        ends before it starts, or a value the service does not know, raises
        `ValidationError` before sending; an SSDN refusal raises the typed
        `NoResult` with the KSZ reason code.

        Args:
            ssin: the person's SSIN, in any written form
            start: first day of the period, YYYY-MM-DD (default: a year before the end)
            end: last day of the period, YYYY-MM-DD (default: today)
            pillar: First (legal pensions), Second (supplementary) or FirstSecond
            information: what to give about the rights (RightsMaximumPayments)
            focus: which rights (ReferencePeriod: those running in the period)
            language: NL, FR or DE
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        last = optional_date_arg(end, "end") or self._client._today()
        first = optional_date_arg(start, "start") or _year_before(last)
        query = PensionQuery(
            period=Period(first, last),
            pillar=_choice(Pillar, pillar, "pillar"),
            information=_choice(RequestedInformation, information, "information"),
            focus=_choice(Focus, focus, "focus"),
            language=language.upper(),
        )
        reply = self._client._call(
            self.service,
            "consultPensionRegister",
            lambda payload: _wire.write_request(payload, subject, query),
            context=context,
            subjects=(subject,),
        )
        items = _wire.read_items(reply.payload)
        status = reply.status
        if not items:
            status = dataclasses.replace(status, value=StatusValue.NO_DATA_FOUND,
                                         description="no pension item in the period")
        return PensionResult(items=items, status=status, receipt=reply.receipt,
                             warnings=reply.warnings)
