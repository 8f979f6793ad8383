"""SOAP 1.1 envelopes, the WS-Consult common blocks, and status/fault mapping.

`raise_for_status` is the one place where a KSZ status becomes a result or an
exception; `fault_error` the one place where a SOAP fault becomes `KszFault`.
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
    FaultDetail,
    InvalidData,
    InvalidSsinStructure,
    KszBusinessError,
    KszFault,
    NoResult,
    NotAuthorized,
    NotIntegrated,
    ResponseError,
    SsinReplaced,
    UnknownSsin,
)
from ksz_client._redact import mask_ssins
from ksz_client.types import Information, Receipt, Status, StatusValue

__all__ = [
    "COMMON_NS",
    "SOAP_ENV_NS",
    "SoapMessage",
    "envelope",
    "fault_error",
    "new_request",
    "raise_for_status",
    "read_receipt",
    "read_status",
    "split",
]

SOAP_ENV_NS: Final = "http://schemas.xmlsoap.org/soap/envelope/"
COMMON_NS: Final = "http://kszbcss.fgov.be/types/common/v3"
_ENV = f"{{{SOAP_ENV_NS}}}"


def envelope(payload: _xml.Element) -> _xml.Element:
    """Wrap a payload element in a SOAP 1.1 envelope with an empty Header."""
    env = etree.Element(f"{_ENV}Envelope", nsmap={"soapenv": SOAP_ENV_NS})
    etree.SubElement(env, f"{_ENV}Header")
    body = etree.SubElement(env, f"{_ENV}Body")
    body.append(payload)
    return env


def timestamp(moment: _dt.datetime) -> str:
    """An xs:dateTime in UTC with milliseconds."""
    return moment.astimezone(_dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_request(
    element: str,
    namespace: str,
    *,
    ticket: str,
    sent_at: _dt.datetime,
    organisation: Organisation,
    legal_context: str,
) -> _xml.Element:
    """A WS-Consult request: ``<op>Request`` with informationCustomer and legalContext.

    The caller appends the service's own criteria. Only the root element is
    namespace-qualified (``elementFormDefault="unqualified"``).
    """
    root = etree.Element(f"{{{namespace}}}{element}", nsmap={"ns": namespace})
    customer = _xml.sub(root, "informationCustomer")
    _xml.sub(customer, "ticket", ticket)
    _xml.sub(customer, "timestampSent", timestamp(sent_at))
    ident = _xml.sub(customer, "customerIdentification")
    if organisation.cbe_number:
        _xml.sub(ident, "cbeNumber", organisation.cbe_number)
    else:
        _xml.sub(ident, "sector", str(organisation.sector))
        _xml.sub(ident, "institution", str(organisation.institution))
    _xml.sub(root, "legalContext", legal_context)
    return root


@dataclass(frozen=True)
class SoapMessage:
    """A parsed envelope: its Header (if any), Body, and the Body's one payload."""

    envelope: _xml.Element
    header: _xml.Element | None
    body: _xml.Element
    payload: _xml.Element

    @property
    def is_fault(self) -> bool:
        return self.payload.tag == f"{_ENV}Fault"


def split(root: _xml.Element) -> SoapMessage:
    """Check the envelope shape and find Header, Body and payload."""
    if root.tag != f"{_ENV}Envelope":
        raise ResponseError("the answer is not a SOAP 1.1 envelope")
    header = root.find(f"{_ENV}Header")
    body = root.find(f"{_ENV}Body")
    if body is None:
        raise ResponseError("the SOAP envelope has no Body")
    payload = next((c for c in body if isinstance(c.tag, str)), None)
    if payload is None:
        raise ResponseError("the SOAP Body is empty")
    return SoapMessage(envelope=root, header=header, body=body, payload=payload)


def read_status(payload: _xml.Element) -> Status:
    """The ``status`` block of a WS-Consult response (required)."""
    status = _xml.req(payload, "status")
    return Status(
        value=_xml.req_text(status, "value"),
        code=_xml.req_text(status, "code"),
        description=_xml.opt_text(status, "description"),
        information=_information(status),
    )


def _information(parent: _xml.Element) -> tuple[Information, ...]:
    return tuple(
        Information(name=_xml.req_text(i, "fieldName"), value=_xml.opt_text(i, "fieldValue"))
        for i in _xml.children(parent, "information")
    )


def read_receipt(payload: _xml.Element, *, ticket: str, sent_at: _dt.datetime) -> Receipt:
    """Our ticket and the KSZ's ``informationCBSS`` of a response or fault."""
    cbss = payload.find("informationCBSS")
    return Receipt(
        ticket=ticket,
        ticket_cbss=_xml.opt_text(cbss, "ticketCBSS"),
        timestamp_sent=sent_at,
        timestamp_receive=_xml.opt_datetime(cbss, "timestampReceive"),
        timestamp_reply=_xml.opt_datetime(cbss, "timestampReply"),
    )


# --- status mapping ---------------------------------------------------------------

# NO_RESULT codes with their exception and a message of our own (the KSZ's
# description may quote the request, so it is kept out of str(exc)).
NO_RESULT_CODES: Final[Mapping[str, tuple[type[NoResult], str]]] = {
    "MSG00005": (UnknownSsin, "the SSIN does not exist"),
    "MSG00006": (SsinReplaced, "the SSIN was replaced by another one"),
    "MSG00007": (NoResult, "the SSIN was cancelled"),
    "MSG00008": (InvalidData, "the KSZ found the request data invalid"),
    "MSG00011": (InvalidSsinStructure, "the KSZ found the SSIN structurally invalid"),
    "MSG00012": (NotIntegrated, "the SSIN is not sufficiently integrated for this organisation"),
    "MSG00013": (NotAuthorized, "operation not allowed for this legal context and credentials"),
    "MSG00021": (NotIntegrated, "the SSIN is not sufficiently integrated for the data provider"),
}
# PARTIAL_RESULT (some data, a source missing) and RESPONSE_IN_BATCH (the answer
# comes by file transfer) are DmfaConsultation's: results, not refusals.
_FOUND: Final = frozenset(
    {StatusValue.DATA_FOUND, StatusValue.NO_DATA_FOUND, StatusValue.INCOMPLETE_DATA,
     StatusValue.PARTIAL_RESULT, StatusValue.RESPONSE_IN_BATCH}
)


def raise_for_status(status: Status, receipt: Receipt) -> None:
    """Return for an answer with data (or none found); raise the typed refusal otherwise.

    DATA_FOUND, NO_DATA_FOUND (including MSG00009, person deceased),
    INCOMPLETE_DATA, PARTIAL_RESULT and RESPONSE_IN_BATCH (DmfaConsultation) are
    results; NO_RESULT raises by its code; any other value is a `ResponseError`.
    """
    if status.value in _FOUND:
        return
    tickets = {"ticket": receipt.ticket, "ticket_cbss": receipt.ticket_cbss}
    if status.value == StatusValue.NO_RESULT:
        cls, text = NO_RESULT_CODES.get(status.code, (NoResult, "the KSZ gave no result"))
        message = f"{status.code}: {text} (ticketCBSS {receipt.ticket_cbss})"
        details = (
            FaultDetail(
                severity="INFORMATION",
                reason_code=status.code,
                diagnostic=status.description or "",
                information=tuple((i.name, i.value or "") for i in status.information),
            ),
        )
        if cls is SsinReplaced:
            raise SsinReplaced(
                message,
                new_ssin=status.info("newSSIN") or status.info("newSsin"),
                value=status.value,
                code=status.code,
                details=details,
                **tickets,
            )
        raise cls(message, value=status.value, code=status.code, details=details, **tickets)
    raise ResponseError("the answer carries an unknown status value")


def fault_error(
    fault: _xml.Element, *, ticket: str, verified: bool, http_status: int | None = None
) -> KszBusinessError:
    """A `KszFault` from a SOAP 1.1 Fault element and its CBSSFaultType detail."""
    faultcode = _xml.opt_text(fault, "faultcode") or ""
    faultstring = _xml.opt_text(fault, "faultstring") or ""
    detail = fault.find("detail")
    cbss: _xml.Element | None = None
    if detail is not None:
        cbss = next((c for c in detail if isinstance(c.tag, str)), None)
    details = tuple(
        FaultDetail(
            severity=_xml.opt_text(d, "severity") or "",
            reason_code=_xml.opt_text(d, "reasonCode") or "",
            diagnostic=_xml.opt_text(d, "diagnostic") or "",
            author_codes=tuple(
                t for t in (_xml.opt_text(a, "") for a in d.iterfind("authorCode")) if t
            ),
            information=tuple(
                (i.name, i.value or "") for i in _information(d)
            ),
        )
        for d in _xml.children(cbss, "detail")
    )
    ticket_cbss = _xml.opt_text(cbss.find("informationCBSS") if cbss is not None else None,
                                "ticketCBSS")
    code = details[0].reason_code if details else faultcode
    prefix = "" if verified else "unverified "
    # The diagnostic is the server's free text and may quote the request.
    reason = mask_ssins(details[0].diagnostic if details else faultstring)
    message = f"{prefix}SOAP fault {code or '(no code)'}: {reason or 'no diagnostic'}"
    if ticket_cbss:
        message += f" (ticketCBSS {ticket_cbss})"
    return KszFault(
        message,
        faultcode=faultcode,
        verified=verified,
        value="FAULT",
        code=code,
        ticket=ticket,
        ticket_cbss=ticket_cbss,
        details=details,
    )
