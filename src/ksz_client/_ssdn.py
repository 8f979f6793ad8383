"""The legacy SSDN wire format (SPEC §4), hidden behind the same results as WS-Consult.

An `SSDNRequest` document (RequestContext/AuthorizedUser + Message + ServiceRequest
with the service's payload) travels *as a string* in the ``xmlString`` element
of the WebServiceConnector ``sendXML`` operation; the answer is an `SSDNReply`
string in the same element. Its ``ResultSummary`` (ReturnCode 0 OK, 1 warning,
10000 error; ``@ok`` YES/WARNING/NO) maps to typed results: warnings are
returned, errors raised as the same exceptions WS-Consult answers give.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from lxml import etree

from ksz_client import _xml
from ksz_client._config import Organisation
from ksz_client._exceptions import (
    ConfigError,
    FaultDetail,
    InvalidData,
    KszBusinessError,
    NoResult,
    ResponseError,
    SsinReplaced,
)
from ksz_client._redact import mask_ssins

__all__ = [
    "CONNECTOR_NS",
    "REASONS",
    "SSDN_COMMON_NS",
    "SSDN_NS",
    "ResultSummary",
    "ServiceReply",
    "SsdnReply",
    "build_request",
    "parse_reply",
    "raise_for_summary",
    "time_request",
    "unwrap",
    "wrap",
]

SSDN_NS: Final = "http://www.ksz-bcss.fgov.be/XSD/SSDN/Service"
SSDN_COMMON_NS: Final = "http://www.ksz-bcss.fgov.be/XSD/SSDN/Common"
CONNECTOR_NS: Final = "http://ksz-bcss.fgov.be/connectors/WebServiceConnector"
_S = f"{{{SSDN_NS}}}"
_C = f"{{{SSDN_COMMON_NS}}}"

RETURN_OK: Final = 0
RETURN_WARNING: Final = 1
RETURN_ERROR: Final = 10000


def time_request(moment: _dt.datetime) -> str:
    """``YYYYMMDDTHHMMSS`` in UTC (SSDN ``t_DateTimeUTC``)."""
    return moment.astimezone(_dt.UTC).strftime("%Y%m%dT%H%M%S")


def _parse_time(text: str | None) -> _dt.datetime | None:
    if not text:
        return None
    try:
        return _dt.datetime.strptime(text, "%Y%m%dT%H%M%S").replace(tzinfo=_dt.UTC)
    except ValueError:
        raise ResponseError("an SSDN time is not YYYYMMDDTHHMMSS") from None


def build_request(
    *,
    organisation: Organisation,
    reference: str,
    sent_at: _dt.datetime,
    service_id: str,
    version: str,
    payload: _xml.Element,
) -> bytes:
    """Serialise an ``SSDNRequest`` carrying one service payload.

    ``reference`` is the call's UUID ticket (Message/Reference); the
    AuthorizedUser comes from the organisation's configuration.
    """
    if not organisation.user_id:
        raise ConfigError("SSDN services need the AuthorizedUser UserID",
                          key="organisation.user_id")
    if not organisation.email:
        raise ConfigError("SSDN services need the AuthorizedUser Email", key="organisation.email")
    if len(version) != 8:
        raise ValueError("an SSDN service version has 8 characters (YYYYMMDD)")
    root = etree.Element(f"{_S}SSDNRequest", nsmap={"ssdn": SSDN_NS})
    context = etree.SubElement(root, f"{_S}RequestContext")
    user = etree.SubElement(context, f"{_S}AuthorizedUser")
    etree.SubElement(user, f"{_S}UserID").text = organisation.user_id
    etree.SubElement(user, f"{_S}Email").text = organisation.email
    if organisation.cbe_number:
        etree.SubElement(user, f"{_S}OrgUnit").text = organisation.cbe_number
    etree.SubElement(user, f"{_S}MatrixID").text = str(organisation.matrix_id)
    etree.SubElement(user, f"{_S}MatrixSubID").text = str(organisation.matrix_sub_id)
    message = etree.SubElement(context, f"{_S}Message")
    etree.SubElement(message, f"{_S}Reference").text = reference
    etree.SubElement(message, f"{_S}TimeRequest").text = time_request(sent_at)
    service = etree.SubElement(root, f"{_S}ServiceRequest")
    etree.SubElement(service, f"{_S}ServiceId").text = service_id
    etree.SubElement(service, f"{_S}Version").text = version
    service.append(payload)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def wrap(document: bytes) -> _xml.Element:
    """The ``sendXML`` body: ``<xmlString>`` holding the SSDN document as text."""
    element = etree.Element(f"{{{CONNECTOR_NS}}}xmlString", nsmap={"ws": CONNECTOR_NS})
    element.text = document.decode("utf-8")
    return element


def unwrap(element: _xml.Element, *, max_bytes: int = _xml.DEFAULT_MAX_BYTES) -> _xml.Element:
    """The SSDN document inside an ``xmlString`` element, parsed with the hardened parser."""
    if element.tag != f"{{{CONNECTOR_NS}}}xmlString":
        raise ResponseError("the answer is not a WebServiceConnector xmlString")
    text = element.text or ""
    # The string's XML declaration may name an encoding; the text is already decoded.
    if text.startswith("<?xml"):
        text = text[text.index("?>") + 2:]
    return _xml.parse(text.encode("utf-8"), max_bytes=max_bytes, what="SSDN document")


@dataclass(frozen=True)
class ResultSummary:
    """``ResultSummary``: ``ok`` (YES/WARNING/NO), ``return_code`` (0/1/10000), details."""

    ok: str
    return_code: int
    details: tuple[FaultDetail, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.ok == "NO" or self.return_code >= RETURN_ERROR

    @property
    def warnings(self) -> tuple[FaultDetail, ...]:
        return tuple(d for d in self.details if d.severity in ("WARNING", "INFORMATION"))


@dataclass(frozen=True)
class ServiceReply:
    """One ``ServiceReply``: its own summary, service id/version and payload element."""

    summary: ResultSummary
    service_id: str
    version: str
    payload: _xml.Element | None


@dataclass(frozen=True)
class SsdnReply:
    """A parsed ``SSDNReply``."""

    summary: ResultSummary
    reference: str | None
    ticket: str | None
    time_request: _dt.datetime | None
    time_receive: _dt.datetime | None
    time_response: _dt.datetime | None
    service_replies: tuple[ServiceReply, ...]


def _summary(element: _xml.Element) -> ResultSummary:
    ok = element.get("ok")
    if ok not in ("YES", "NO", "WARNING"):
        raise ResponseError("ResultSummary/@ok is not YES, NO or WARNING")
    code_text = _xml.req_text(element, f"{_C}ReturnCode")
    try:
        code = int(code_text)
    except ValueError:
        raise ResponseError("ResultSummary/ReturnCode is not a number") from None
    details = tuple(
        FaultDetail(
            severity=_xml.req_text(d, f"{_C}Severity"),
            reason_code=_xml.opt_text(d, f"{_C}ReasonCode") or "",
            diagnostic=_xml.opt_text(d, f"{_C}Diagnostic") or "",
            author_codes=tuple((_xml.opt_text(d, f"{_C}AuthorCodeList") or "").split()),
            information=tuple(
                (_xml.opt_text(i, f"{_C}FieldName") or "", _xml.opt_text(i, f"{_C}FieldValue")
                 or "")
                for i in d.iterfind(f"{_C}Information")
            ),
        )
        for d in element.iterfind(f"{_C}Detail")
    )
    return ResultSummary(ok=ok, return_code=code, details=details)


def parse_reply(document: _xml.Element) -> SsdnReply:
    """Read an ``SSDNReply`` (unknown extra elements are ignored)."""
    if document.tag != f"{_S}SSDNReply":
        raise ResponseError("the SSDN document is not an SSDNReply")
    context = _xml.req(document, f"{_S}ReplyContext")
    message = context.find(f"{_S}Message")
    replies = []
    for reply in document.iterfind(f"{_S}ServiceReply"):
        payload = next(
            (c for c in reply if isinstance(c.tag, str) and c.tag not in (
                f"{_C}ResultSummary", f"{_S}ServiceId", f"{_S}Version")),
            None,
        )
        replies.append(ServiceReply(
            summary=_summary(_xml.req(reply, f"{_C}ResultSummary")),
            service_id=_xml.req_text(reply, f"{_S}ServiceId"),
            version=_xml.req_text(reply, f"{_S}Version"),
            payload=payload,
        ))
    return SsdnReply(
        summary=_summary(_xml.req(context, f"{_C}ResultSummary")),
        reference=_xml.opt_text(message, f"{_S}Reference"),
        ticket=_xml.opt_text(message, f"{_S}Ticket"),
        time_request=_parse_time(_xml.opt_text(message, f"{_S}TimeRequest")),
        time_receive=_parse_time(_xml.opt_text(message, f"{_S}TimeReceive")),
        time_response=_parse_time(_xml.opt_text(message, f"{_S}TimeResponse")),
        service_replies=tuple(replies),
    )


# SSDN reason codes with a typed meaning (only those SPEC §4 documents; a
# service module may pass more); others raise the generic NoResult.
REASONS: Final[Mapping[str, type[NoResult]]] = {
    "31000007": InvalidData,  # mandatory argument missing
}


def raise_for_summary(
    summary: ResultSummary,
    *,
    ticket: str,
    ticket_cbss: str | None,
    reasons: Mapping[str, type[NoResult]] = REASONS,
) -> tuple[FaultDetail, ...]:
    """Return the warnings of a successful summary; raise the typed error of a failed one."""
    if not summary.is_error:
        return summary.warnings
    errors = [d for d in summary.details if d.severity == "ERROR"] or list(summary.details)
    first = errors[0] if errors else FaultDetail(severity="ERROR", reason_code="")
    # SSDN reason codes first; the KSZ also answers SSDN refusals with the
    # WS-Consult codes (MSG000xx), which map to the same exceptions there.
    from ksz_client._soap import NO_RESULT_CODES

    cls: type[KszBusinessError] = reasons.get(first.reason_code) or NO_RESULT_CODES.get(
        first.reason_code, (NoResult, ""))[0]
    text = mask_ssins(first.diagnostic) or "the KSZ refused the request"
    if cls is SsinReplaced:
        new = dict(first.information).get("newSSIN") or dict(first.information).get("newSsin")
        raise SsinReplaced(
            f"SSDN {first.reason_code}: {text} (ticketCBSS {ticket_cbss})",
            new_ssin=new or None, value="NO_RESULT", code=first.reason_code, ticket=ticket,
            ticket_cbss=ticket_cbss, details=summary.details,
        )
    raise cls(
        f"SSDN {first.reason_code or summary.return_code}: {text} (ticketCBSS {ticket_cbss})",
        value="NO_RESULT",
        code=first.reason_code or str(summary.return_code),
        ticket=ticket,
        ticket_cbss=ticket_cbss,
        details=summary.details,
    )
