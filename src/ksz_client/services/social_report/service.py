"""ElectronicSocialReport V1: ``client.social_report.send(ssin, recipient=..., ...)``."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

from ksz_client import catalogue
from ksz_client._exceptions import ValidationError
from ksz_client._inputs import date_arg, optional_date_arg
from ksz_client.audit import organisation_id
from ksz_client.services._registry import operation
from ksz_client.services.social_report import _wire
from ksz_client.services.social_report.models import (
    FileInfo,
    Gpmi,
    ReportResult,
    SocialReport,
    check_cbe_number,
)
from ksz_client.types import CallContext, Period

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["SocialReportService"]


class SocialReportService:
    """ElectronicSocialReport V1 (KSZ; source: POD MI / SPP IS, between OCMWs).

    The electronic social report one OCMW sends another, e.g. when a person
    moves: the file information and the GPMI (PIIS). A MUTATION: a report is
    sent once; a lost answer raises `InDoubtError` and is never sent again.
    No consultation of sent reports exists: resolve an in-doubt call by hand
    (``ksz audit resolve``) after checking with the receiving OCMW. Needs a
    covering integration (finality). Contract: modelled, minimal.
    """

    service = catalogue.get("ElectronicSocialReport")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("sendSocialReport")
    def send(
        self,
        ssin: str,
        *,
        recipient: str,
        file_number: str,
        opened_on: _dt.date | str,
        closed_on: _dt.date | str | None = None,
        gpmi_signed_on: _dt.date | str | None = None,
        gpmi_start: _dt.date | str | None = None,
        gpmi_end: _dt.date | str | None = None,
        summary: str | None = None,
        context: CallContext | None = None,
    ) -> ReportResult:
        """Send the social report of a person to another OCMW (``sendSocialReport``).

        ElectronicSocialReport V1, source POD MI / SPP IS. Returns the
        registration of the report. A malformed recipient, a report to
        oneself, dates out of order, half a GPMI or dates in the future raise
        `ValidationError` before sending.

        Args:
            ssin: the person's SSIN, in any written form
            recipient: the KBO/BCE number of the receiving OCMW
            file_number: the number of the social file at this OCMW
            opened_on: the day the file was opened, YYYY-MM-DD
            closed_on: the day the file was closed, if it was
            gpmi_signed_on: the day the GPMI (PIIS) was signed, if there is one
            gpmi_start: the first day of the GPMI (with gpmi_signed_on)
            gpmi_end: the last day of the GPMI, if it has one
            summary: the social worker's summary (at most 4000 characters)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        to = check_cbe_number(recipient)
        if to == organisation_id(self._client.config.organisation):
            raise ValidationError("a social report goes to another OCMW")
        today = self._client._today()
        opened = date_arg(opened_on, "opened_on")
        closed = optional_date_arg(closed_on, "closed_on")
        signed = optional_date_arg(gpmi_signed_on, "gpmi_signed_on")
        start = optional_date_arg(gpmi_start, "gpmi_start")
        if (signed is None) != (start is None):
            raise ValidationError("a GPMI needs both gpmi_signed_on and gpmi_start")
        if gpmi_end is not None and signed is None:
            raise ValidationError("gpmi_end goes with a GPMI")
        if max(d for d in (opened, closed, signed) if d is not None) > today:
            raise ValidationError("a file or GPMI date lies in the future")
        gpmi = None
        if signed is not None and start is not None:
            gpmi = Gpmi(signed, Period(start, optional_date_arg(gpmi_end, "gpmi_end")))
        report = SocialReport(subject, to, FileInfo(file_number.strip(), opened, closed),
                              gpmi, summary)
        reply = self._client._call(
            self.service,
            "sendSocialReport",
            lambda payload: _wire.write_report(payload, report),
            context=context,
            subjects=(subject,),
        )
        report_id, day = _wire.read_registration(reply.payload)
        return ReportResult(report=report, report_id=report_id, registered_on=day,
                            status=reply.status, receipt=reply.receipt)
