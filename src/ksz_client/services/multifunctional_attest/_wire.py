"""OCMWCPASL036 / OCMWCPASA036 on the wire: the L036 namespace payloads <-> models.

Both services share the namespace ``…/XSD/SSDN/OCMW_CPAS/L036``; every element
is qualified. The request element is also the reply element
(``L036RequestReply``, ``A036RequestReply``): the answer repeats the request
and adds what the KSZ found. The client writes requests and reads answers; the
sandbox reads requests and writes answers with the same code.
"""

from __future__ import annotations

import datetime as _dt
from typing import Final, TypeVar

from ksz_client import _xml, catalogue
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client.services.multifunctional_attest.models import (
    A036Attest,
    A036Request,
    Attestation,
    AttestationStatus,
    BenefitType,
    Category,
    L036Query,
    ProcessType,
)
from ksz_client.types import Period

__all__ = [
    "A036",
    "L036",
    "NS",
    "q",
    "read_a036",
    "read_consult",
    "read_page",
    "read_send",
    "read_sent",
    "write_a036",
    "write_consult",
    "write_page",
    "write_send",
]

NS: Final = catalogue.get("OCMWCPASL036").namespace
L036: Final = "L036RequestReply"
A036: Final = "A036RequestReply"

_E = TypeVar("_E", AttestationStatus, BenefitType, Category)


def q(name: str) -> str:
    """The qualified tag of an L036-namespace element."""
    return f"{{{NS}}}{name}"


def _path(*names: str) -> str:
    return "/".join(q(n) for n in names)


def _write_period(parent: _xml.Element, period: Period) -> None:
    el = _xml.sub(parent, q("ValidityPeriod" if parent.tag != q("L036") else "Period"))
    _xml.sub(el, q("BeginDate"), period.start.isoformat())
    if period.end is not None:
        _xml.sub(el, q("EndDate"), period.end.isoformat())


class _Reader:
    """Reads a request for the sandbox: a missing or unreadable value is a ValidationError."""

    def __init__(self, root: _xml.Element) -> None:
        self.root = root

    def text(self, *names: str) -> str:
        value = _xml.opt_text(self.root, _path(*names))
        if value is None:
            raise ValidationError(f"mandatory argument missing: {'/'.join(names)}")
        return value

    def date(self, *names: str) -> _dt.date:
        value = self.text(*names)
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationError(f"{names[-1]} is not a date") from None

    def period(self, *names: str) -> Period:
        begin = self.date(*names, "BeginDate")
        end = _xml.opt_text(self.root, _path(*names, "EndDate"))
        try:
            return Period(begin, _dt.date.fromisoformat(end) if end else None)
        except ValueError as exc:  # ValidationError is a ValueError too
            raise ValidationError(f"the period cannot be read ({exc})") from None


# --- L036: consultation ---------------------------------------------------------------


def write_consult(payload: _xml.Element, ssin: str, query: L036Query,
                  ticket: str | None = None) -> None:
    """Fill ``L036RequestReply`` (the payload root the pipeline made) with one page's request.

    The UniqueReference is the query's (a following page repeats its
    listing's), else `ticket`: the first page's own SSDN Reference.
    """
    assert query.period.end is not None  # L036Query refuses an open period
    unique = query.unique_reference or ticket
    if not unique:
        raise ValidationError("an L036 request carries its unique reference")
    l036 = _xml.sub(payload, q("L036"))
    l036.set("processType", "L")
    _xml.sub(l036, q("UniqueReference"), unique)
    _xml.sub(l036, q("INSS"), ssin)
    _write_period(l036, query.period)
    if query.next_reference:
        _xml.sub(l036, q("NextAnswerReference"), query.next_reference)


def read_consult(payload: _xml.Element) -> tuple[str, L036Query]:
    """The SSIN and query of an L036 request (the sandbox's side)."""
    reader = _Reader(payload)
    l036 = payload.find(q("L036"))
    if l036 is None:
        raise ValidationError("mandatory argument missing: L036")
    if l036.get("processType") != "L":
        raise ValidationError("an L036 has processType L")
    period = reader.period("L036", "Period")
    if period.end is None:
        raise ValidationError("mandatory argument missing: L036/Period/EndDate")
    query = L036Query(
        period=period,
        unique_reference=reader.text("L036", "UniqueReference"),
        next_reference=_xml.opt_text(l036, q("NextAnswerReference")),
    )
    return reader.text("L036", "INSS"), query


def write_page(reply: _xml.Element, attests: list[A036Attest], next_reference: str | None) -> None:
    """Add the attests of a page and where the next starts to an ``L036RequestReply``."""
    for attest in attests:
        write_a036(reply, attest)
    if next_reference:
        _xml.sub(reply, q("NextAnswerReference"), next_reference)


def read_page(reply: _xml.Element) -> tuple[tuple[A036Attest, ...], str | None]:
    """The attests of an ``L036RequestReply`` and its NextAnswerReference (None when empty)."""
    attests = tuple(read_a036(el) for el in reply.iterfind(q("A036")))
    return attests, _xml.opt_text(reply, q("NextAnswerReference"))


# --- A036 ----------------------------------------------------------------------------


def _enum(cls: type[_E], el: _xml.Element, name: str) -> _E:
    try:
        return cls(_xml.req_text(el, q(name)))
    except ValueError:
        raise ResponseError(f"unknown {name} code in the answer") from None


def write_a036(parent: _xml.Element, attest: A036Attest) -> _xml.Element:
    """Append an ``A036`` (an attest as the KSZ holds it) to `parent`."""
    el = _xml.sub(parent, q("A036"))
    _xml.sub(el, q("RecentAnswer"), "true" if attest.recent else "false")
    _xml.sub(el, q("OcmwCpas"), attest.ocmw)
    a = attest.attestation
    att = _xml.sub(el, q("Attestation"))
    _xml.sub(att, q("AttestationStatus"), a.status.value)
    _xml.sub(att, q("AttestationID"), a.attestation_id)
    if a.update_attestation_id:
        _xml.sub(att, q("UpdateAttestationID"), a.update_attestation_id)
    _xml.sub(att, q("CreationDate"), a.creation_date.isoformat())
    _write_period(att, a.validity)
    _xml.sub(att, q("CategoryCode"), a.category.value)
    _xml.sub(att, q("BenefitType"), a.benefit.value)
    return el


def read_a036(el: _xml.Element) -> A036Attest:
    """An ``A036`` element of an answer; unknown extra elements are ignored."""
    recent = _xml.opt_bool(_xml.req_text(el, q("RecentAnswer")))
    att = _xml.req(el, q("Attestation"))
    period_el = _xml.req(att, q("ValidityPeriod"))
    begin = _xml.opt_date(period_el, q("BeginDate"))
    created = _xml.opt_date(att, q("CreationDate"))
    if begin is None or created is None:
        raise ResponseError("an attest of the answer lacks its BeginDate or CreationDate")
    try:
        validity = Period(begin, _xml.opt_date(period_el, q("EndDate")))
    except ValidationError:
        raise ResponseError("a period of right of the answer ends before it starts") from None
    return A036Attest(
        recent=bool(recent),
        ocmw=_xml.req_text(el, q("OcmwCpas")),
        attestation=Attestation(
            status=_enum(AttestationStatus, att, "AttestationStatus"),
            attestation_id=_xml.req_text(att, q("AttestationID")),
            creation_date=created,
            validity=validity,
            category=_enum(Category, att, "CategoryCode"),
            benefit=_enum(BenefitType, att, "BenefitType"),
            update_attestation_id=_xml.opt_text(att, q("UpdateAttestationID")),
        ),
    )


def write_send(payload: _xml.Element, ssin: str, unique_reference: str,
               request: A036Request) -> None:
    """Fill ``A036RequestReply`` (the payload root the pipeline made)."""
    el = _xml.sub(payload, q("A036Request"))
    el.set("processType", request.process.value)
    _xml.sub(el, q("UniqueReference"), unique_reference)
    _xml.sub(el, q("INSS"), ssin)
    _xml.sub(el, q("OcmwCpas"), request.ocmw)
    _xml.sub(el, q("DecisionDate"), request.decision_date.isoformat())
    att = _xml.sub(el, q("Attestation"))
    if request.attestation_id:
        _xml.sub(att, q("AttestationID"), request.attestation_id)
    _xml.sub(att, q("BenefitType"), request.benefit.value)
    _write_period(att, request.validity)
    _xml.sub(att, q("CategoryCode"), request.category.value)


def read_send(payload: _xml.Element) -> tuple[str, str, A036Request]:
    """The SSIN, unique reference and request of an A036 (the sandbox's side)."""
    reader = _Reader(payload)
    el = payload.find(q("A036Request"))
    if el is None:
        raise ValidationError("mandatory argument missing: A036Request")
    try:
        process = ProcessType(el.get("processType", ""))
        benefit = BenefitType(reader.text("A036Request", "Attestation", "BenefitType"))
        category = Category(reader.text("A036Request", "Attestation", "CategoryCode"))
    except ValueError:
        raise ValidationError("a code of the request is unknown") from None
    request = A036Request(
        process=process,
        ocmw=reader.text("A036Request", "OcmwCpas"),
        decision_date=reader.date("A036Request", "DecisionDate"),
        benefit=benefit,
        validity=reader.period("A036Request", "Attestation", "ValidityPeriod"),
        category=category,
        attestation_id=_xml.opt_text(el, _path("Attestation", "AttestationID")),
    )
    return (reader.text("A036Request", "INSS"), reader.text("A036Request", "UniqueReference"),
            request)


def read_sent(reply: _xml.Element) -> A036Attest:
    """The attest of an ``A036RequestReply`` answer (required)."""
    el = reply.find(q("A036"))
    if el is None:
        raise ResponseError("the answer lacks the required element A036RequestReply/A036")
    return read_a036(el)
