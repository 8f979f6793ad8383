"""JobSeeker V1: `client.job_seeker.contact_and_inscription(ssin)`."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ksz_client import catalogue
from ksz_client._exceptions import ValidationError
from ksz_client._inputs import optional_date_arg
from ksz_client.services._registry import operation
from ksz_client.services.job_seeker import _wire
from ksz_client.services.job_seeker.models import JobSeekerResult, PublicEmploymentService
from ksz_client.types import CallContext, Period

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["JobSeekerService"]


def _services(
    value: Sequence[PublicEmploymentService | str] | PublicEmploymentService | str,
) -> tuple[PublicEmploymentService, ...]:
    # A lone str (or a PublicEmploymentService, which is one) names one service.
    items = (value,) if isinstance(value, str) else tuple(value)
    out: list[PublicEmploymentService] = []
    for item in items:
        try:
            service = PublicEmploymentService(str(item).strip().upper())
        except ValueError:
            raise ValidationError(
                "a public employment service is ACTIRIS, VDAB, FOREM or ADG") from None
        if service not in out:
            out.append(service)
    return tuple(out)


class JobSeekerService:
    """JobSeeker V1 (KSZ; sources: the regional public employment services FOREM, ACTIRIS,
    VDAB and ADG).

    Registration as a job seeker (inscriptions and their categories) and the
    contact details each service keeps. Needs a covering integration.
    Contract: official (set-b JobSeekerV1.wsdl).
    """

    service = catalogue.get("JobSeeker")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("consultContactAndInscription", aliases={"services": ("--service",)})
    def contact_and_inscription(
        self,
        ssin: str,
        *,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        services: tuple[PublicEmploymentService | str, ...] | list[PublicEmploymentService | str]
        | PublicEmploymentService | str = (),
        context: CallContext | None = None,
    ) -> JobSeekerResult:
        """Job-seeker inscriptions and contact (``consultContactAndInscription``).

        One part per public employment service asked. When a service cannot be
        reached the status is INCOMPLETE_DATA (a result, not an error): see
        ``result.complete`` and ``result.unavailable_services``. Invalid input
        raises `ValidationError` before anything is sent.

        Args:
            ssin: the person's SSIN, in any written form
            start: first day of the period of interest (YYYY-MM-DD)
            end: last day of the period of interest (needs a start)
            services: ACTIRIS, VDAB, FOREM and/or ADG (default: all of them)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        first, last = optional_date_arg(start, "start"), optional_date_arg(end, "end")
        if last is not None and first is None:
            raise ValidationError("a period end needs a period start")
        period = Period(first, last) if first is not None else None
        asked = _services(services)
        reply = self._client._call(
            self.service,
            "consultContactAndInscription",
            lambda payload: _wire.write_criteria(payload, subject, period, asked),
            context=context,
            subjects=(subject,),
        )
        return JobSeekerResult(
            services=_wire.read_services(reply.payload),
            status=reply.status,
            receipt=reply.receipt,
            ssin=_wire.read_answered_ssin(reply.payload),
            data_filters=_wire.read_data_filters(reply.payload),
        )
