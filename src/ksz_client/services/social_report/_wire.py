"""ElectronicSocialReport V1 on the wire: the report and its registration <-> XML, both ways.

Children are unqualified (WS-Consult conventions). The client writes the
report and reads the registration; the sandbox does the reverse.
"""

from __future__ import annotations

import datetime as _dt

from ksz_client import _xml
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client.services.social_report.models import FileInfo, Gpmi, SocialReport
from ksz_client.ssin import Ssin
from ksz_client.types import Period

__all__ = ["read_registration", "read_report", "write_registration", "write_report"]


def write_report(payload: _xml.Element, report: SocialReport) -> None:
    el = _xml.sub(payload, "socialReport")
    _xml.sub(el, "ssin", str(report.ssin))
    _xml.sub(el, "recipient", report.recipient)
    file = _xml.sub(el, "file")
    _xml.sub(file, "fileNumber", report.file.file_number)
    _xml.sub(file, "openedOn", report.file.opened_on.isoformat())
    if report.file.closed_on is not None:
        _xml.sub(file, "closedOn", report.file.closed_on.isoformat())
    if report.gpmi is not None:
        gpmi = _xml.sub(el, "gpmi")
        _xml.sub(gpmi, "signedOn", report.gpmi.signed_on.isoformat())
        _xml.sub(gpmi, "startDate", report.gpmi.period.start.isoformat())
        if report.gpmi.period.end is not None:
            _xml.sub(gpmi, "endDate", report.gpmi.period.end.isoformat())
    if report.summary is not None:
        _xml.sub(el, "summary", report.summary.strip())


def _date(el: _xml.Element | None, name: str) -> _dt.date | None:
    try:
        return _xml.opt_date(el, name)
    except ResponseError:
        raise ValidationError(f"{name} is not a date") from None


def read_report(payload: _xml.Element) -> SocialReport:
    """The report of a request (the sandbox's side); bad values raise ValidationError."""
    el = payload.find("socialReport")
    file = None if el is None else el.find("file")
    opened = _date(file, "openedOn")
    if el is None or file is None or opened is None:
        raise ValidationError("the request lacks the report or its file")
    gpmi = None
    gpmi_el = el.find("gpmi")
    if gpmi_el is not None:
        signed, start = _date(gpmi_el, "signedOn"), _date(gpmi_el, "startDate")
        if signed is None or start is None:
            raise ValidationError("the GPMI lacks its dates")
        gpmi = Gpmi(signed, Period(start, _date(gpmi_el, "endDate")))
    return SocialReport(
        ssin=Ssin(_xml.opt_text(el, "ssin") or "", allow_test=True),
        recipient=_xml.opt_text(el, "recipient") or "",
        file=FileInfo(_xml.opt_text(file, "fileNumber") or "", opened, _date(file, "closedOn")),
        gpmi=gpmi,
        summary=_xml.opt_text(el, "summary"),
    )


def write_registration(result: _xml.Element, report_id: str, day: _dt.date) -> None:
    _xml.sub(result, "reportId", report_id)
    _xml.sub(result, "registrationDate", day.isoformat())


def read_registration(payload: _xml.Element) -> tuple[str, _dt.date]:
    """The report id and registration date of an answer; missing ones are ResponseErrors."""
    result = _xml.req(payload, "result")
    day = _xml.opt_date(result, "registrationDate")
    if day is None:
        raise ResponseError("the answer lacks the required element result/registrationDate")
    return _xml.req_text(result, "reportId"), day
