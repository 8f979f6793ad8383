"""ManageCarmed V1 on the wire: requests and decisions <-> XML, both directions.

One request shape serves every operation (``ssin``, ``carmedNumber``,
``validityPeriod``, ``content``, ``endDate``; each optional but the SSIN). The
client writes requests and reads decisions; the sandbox reads requests and
writes decisions with the same code. Amounts travel as whole euro cents.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from ksz_client import _xml
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client.services.mediprima.models import (
    CareType,
    Content,
    Cover,
    Decision,
    DecisionState,
    Refund,
    Support,
)
from ksz_client.types import Money, Period

__all__ = [
    "CarmedRequest",
    "read_content",
    "read_decision",
    "read_decisions",
    "read_request",
    "write_content",
    "write_decision",
    "write_request",
]


@dataclass(frozen=True)
class CarmedRequest:
    """What a ManageCarmed request carries."""

    ssin: str
    carmed_number: str | None = None
    period: Period | None = None
    content: Content | None = None
    end_date: _dt.date | None = None

    def __repr__(self) -> str:
        return f"CarmedRequest(carmed_number={self.carmed_number!r})"


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _write_period(parent: _xml.Element, tag: str, period: Period) -> None:
    el = _xml.sub(parent, tag)
    _xml.sub(el, "beginDate", period.start.isoformat())
    assert period.end is not None  # decisions and covers always end (checked before)
    _xml.sub(el, "endDate", period.end.isoformat())


def _read_period(parent: _xml.Element, tag: str) -> Period:
    el = _xml.req(parent, tag)
    start = _xml.opt_date(el, "beginDate")
    end = _xml.opt_date(el, "endDate")
    if start is None or end is None:
        raise ResponseError(f"{tag} lacks its beginDate or endDate")
    try:
        return Period(start, end)
    except ValidationError:
        raise ResponseError(f"{tag} ends before it starts") from None


def _read_bool(parent: _xml.Element, tag: str) -> bool:
    value = _xml.opt_bool(_xml.req_text(parent, tag))
    assert value is not None
    return value


def _cents(parent: _xml.Element, tag: str) -> Money | None:
    value = _xml.opt_int(parent, tag)
    if value is None:
        return None
    try:
        return Money.from_cents(value)
    except ValidationError:
        raise ResponseError(f"{tag} is not a valid amount") from None


def write_content(parent: _xml.Element, content: Content, tag: str = "content") -> None:
    """Append a ``content`` element (schema order)."""
    el = _xml.sub(parent, tag)
    if content.covers:
        medical = _xml.sub(el, "medicalCover")
        for cover in content.covers:
            item = _xml.sub(medical, "cover")
            _xml.sub(item, "careType", cover.care_type.value)
            _write_period(item, "validityPeriod", cover.period)
            support = _xml.sub(item, "support")
            _xml.sub(support, "healthInsurancePart", _bool(cover.support.health_insurance_part))
            _xml.sub(support, "patientPart", _bool(cover.support.patient_part))
            _xml.sub(support, "supplement", _bool(cover.support.supplement))
            if cover.maximum_patient_part is not None:
                _xml.sub(item, "maximumPatientPart", str(cover.maximum_patient_part.cents))
            _xml.sub(item, "allowedSupplements", _bool(cover.allowed_supplements))
    refund = content.refund
    if refund is not None:
        item = _xml.sub(el, "refundPodmiSppis")
        _xml.sub(item, "refundCode", refund.refund_code)
        _xml.sub(item, "affiliatedMutuality", _bool(refund.affiliated_mutuality))
        _xml.sub(item, "beneficiaryStatus", refund.beneficiary_status)
        for justification in refund.justifications:
            _xml.sub(item, "justification", justification)
        _xml.sub(item, "podmiPart", str(refund.podmi_part.cents))
        _xml.sub(item, "medicalUrgency", _bool(refund.medical_urgency))


def read_content(el: _xml.Element) -> Content:
    """A `Content` from a ``content`` element; unknown care types are a ResponseError."""
    covers = []
    for item in el.iterfind("medicalCover/cover"):
        try:
            care = CareType(_xml.req_text(item, "careType"))
        except ValueError:
            raise ResponseError("unknown careType in the answer") from None
        support = _xml.req(item, "support")
        try:
            covers.append(Cover(
                care_type=care,
                period=_read_period(item, "validityPeriod"),
                support=Support(
                    health_insurance_part=_read_bool(support, "healthInsurancePart"),
                    patient_part=_read_bool(support, "patientPart"),
                    supplement=_read_bool(support, "supplement"),
                ),
                maximum_patient_part=_cents(item, "maximumPatientPart"),
                allowed_supplements=_read_bool(item, "allowedSupplements"),
            ))
        except ValidationError:
            raise ResponseError("a medical cover in the answer is malformed") from None
    refund = None
    found = el.find("refundPodmiSppis")
    if found is not None:
        item = found
        part = _cents(item, "podmiPart")
        if part is None:
            raise ResponseError("refundPodmiSppis lacks its podmiPart")
        refund = Refund(
            refund_code=_xml.req_text(item, "refundCode"),
            affiliated_mutuality=_read_bool(item, "affiliatedMutuality"),
            beneficiary_status=_xml.req_text(item, "beneficiaryStatus"),
            podmi_part=part,
            medical_urgency=_read_bool(item, "medicalUrgency"),
            justifications=tuple(j.text.strip() for j in item.iterfind("justification")
                                 if j.text and j.text.strip()),
        )
    return Content(covers=tuple(covers), refund=refund)


def write_request(payload: _xml.Element, request: CarmedRequest) -> None:
    """Fill an empty ``<op>Request`` (schema order)."""
    _xml.sub(payload, "ssin", request.ssin)
    if request.carmed_number is not None:
        _xml.sub(payload, "carmedNumber", request.carmed_number)
    if request.period is not None:
        _write_period(payload, "validityPeriod", request.period)
    if request.content is not None:
        write_content(payload, request.content)
    if request.end_date is not None:
        _xml.sub(payload, "endDate", request.end_date.isoformat())


def read_request(payload: _xml.Element) -> CarmedRequest:
    """The sandbox's side; the engine validated the payload against the contract first."""
    period_el = payload.find("validityPeriod")
    content_el = payload.find("content")
    return CarmedRequest(
        ssin=_xml.req_text(payload, "ssin"),
        carmed_number=_xml.opt_text(payload, "carmedNumber"),
        period=_read_period(payload, "validityPeriod") if period_el is not None else None,
        content=read_content(content_el) if content_el is not None else None,
        end_date=_xml.opt_date(payload, "endDate"),
    )


def write_decision(parent: _xml.Element, decision: Decision) -> _xml.Element:
    """Append a ``decision`` element."""
    el = _xml.sub(parent, "decision")
    ident = _xml.sub(el, "identifier")
    _xml.sub(ident, "carmedNumber", decision.carmed_number)
    _xml.sub(ident, "versionNumber", str(decision.version))
    _xml.sub(ident, "beneficiary", decision.beneficiary)
    _write_period(ident, "validityPeriod", decision.period)
    _xml.sub(ident, "pswc", decision.pswc)
    _xml.sub(el, "decisionState", decision.state.value)
    write_content(el, decision.content)
    return el


def read_decision(el: _xml.Element) -> Decision:
    """A `Decision` from a ``decision`` element; unknown extra elements are ignored."""
    ident = _xml.req(el, "identifier")
    version = _xml.opt_int(ident, "versionNumber")
    if version is None or version < 1:
        raise ResponseError("a decision lacks a valid versionNumber")
    try:
        state = DecisionState(_xml.req_text(el, "decisionState"))
    except ValueError:
        raise ResponseError("unknown decisionState in the answer") from None
    return Decision(
        carmed_number=_xml.req_text(ident, "carmedNumber"),
        version=version,
        beneficiary=_xml.req_text(ident, "beneficiary"),
        period=_read_period(ident, "validityPeriod"),
        pswc=_xml.req_text(ident, "pswc"),
        state=state,
        content=read_content(_xml.req(el, "content")),
    )


def read_decisions(payload: _xml.Element) -> tuple[Decision, ...]:
    """The decisions of a response (``result/decision``)."""
    return tuple(read_decision(d) for d in payload.iterfind("result/decision"))
