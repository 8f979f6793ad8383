"""OCMWCPASPensionRegisterConsult on the wire: the Penskad payloads <-> models, both directions.

SSDN payloads are namespace-qualified throughout (``elementFormDefault="qualified"``);
the period's StartDate and EndDate are in the PensionRegister namespace too.
Amounts travel as whole euro cents. The client writes the request and reads
items; the sandbox reads the request and writes items with the same code.
"""

from __future__ import annotations

import datetime as _dt
from typing import Final, TypeVar

from ksz_client import _xml, catalogue
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client.services.pension_register.models import (
    Focus,
    PensionItem,
    PensionKind,
    PensionQuery,
    Pillar,
    RequestedInformation,
)
from ksz_client.types import Money, Period

__all__ = [
    "NS",
    "REPLY",
    "q",
    "read_item",
    "read_items",
    "read_request",
    "write_item",
    "write_request",
]

_E = TypeVar("_E", Pillar, PensionKind)

NS: Final = catalogue.get("OCMWCPASPensionRegisterConsult").namespace
REPLY: Final = "Penskad_OpenPK_ConsultReply"


def q(name: str) -> str:
    """The qualified tag of a PensionRegister element."""
    return f"{{{NS}}}{name}"


def _path(*names: str) -> str:
    return "/".join(q(n) for n in names)


# --- request ------------------------------------------------------------------------


def write_request(payload: _xml.Element, ssin: str, query: PensionQuery) -> None:
    """Fill ``Penskad_OpenPK_ConsultRequest`` (the payload root the pipeline made)."""
    assert query.period.end is not None  # PensionQuery refuses an open period
    _xml.sub(payload, q("TargetSSIN"), ssin)
    period = _xml.sub(payload, q("Period"))
    _xml.sub(period, q("StartDate"), query.period.start.isoformat())
    _xml.sub(period, q("EndDate"), query.period.end.isoformat())
    data = _xml.sub(payload, q("RequestedData"))
    _xml.sub(data, q("Pillar"), query.pillar.value)
    _xml.sub(data, q("RequestedInformation"), query.information.value)
    _xml.sub(data, q("Focus"), query.focus.value)
    _xml.sub(payload, q("Language"), query.language)


def read_request(payload: _xml.Element) -> tuple[str, PensionQuery]:
    """The SSIN and query of a request (the sandbox's side); bad values raise ValidationError."""
    def text(*names: str) -> str:
        value = _xml.opt_text(payload, _path(*names))
        if value is None:
            raise ValidationError(f"mandatory argument missing: {'/'.join(names)}")
        return value

    ssin = text("TargetSSIN")
    try:
        start = _dt.date.fromisoformat(text("Period", "StartDate"))
        end = _dt.date.fromisoformat(text("Period", "EndDate"))
        query = PensionQuery(
            period=Period(start, end),
            pillar=Pillar(text("RequestedData", "Pillar")),
            information=RequestedInformation(text("RequestedData", "RequestedInformation")),
            focus=Focus(text("RequestedData", "Focus")),
            language=text("Language"),
        )
    except ValidationError:
        raise
    except ValueError as exc:
        raise ValidationError(f"a value of the request cannot be read ({exc})") from None
    return ssin, query


# --- items --------------------------------------------------------------------------


def _enum_value(cls: type[_E], el: _xml.Element, name: str) -> _E:
    try:
        return cls(_xml.req_text(el, q(name)))
    except ValueError:
        raise ResponseError(f"unknown {name} code in the answer") from None


def read_item(el: _xml.Element) -> PensionItem:
    """A PensionItem element; unknown extra elements are ignored."""
    period_el = _xml.req(el, q("Period"))
    start = _xml.opt_date(period_el, q("StartDate"))
    if start is None:
        raise ResponseError("a pension period of the answer has no StartDate")
    amount = _xml.opt_int(el, q("GrossMonthlyAmount"))
    if amount is None:
        raise ResponseError("the answer lacks the required element PensionItem/GrossMonthlyAmount")
    pillar = _enum_value(Pillar, el, "Pillar")
    if pillar is Pillar.FIRST_SECOND:
        raise ResponseError("a pension item is of the first or the second pillar")
    try:
        period = Period(start, _xml.opt_date(period_el, q("EndDate")))
    except ValidationError:
        raise ResponseError("a pension period of the answer ends before it starts") from None
    return PensionItem(
        pillar=pillar,
        kind=_enum_value(PensionKind, el, "PensionKind"),
        period=period,
        monthly_gross=Money.from_cents(amount),
        institution=_xml.opt_text(el, q("Institution")),
    )


def read_items(reply: _xml.Element) -> tuple[PensionItem, ...]:
    """The items of a ``Penskad_OpenPK_ConsultReply``."""
    return tuple(read_item(i) for i in reply.iterfind(q("PensionItem")))


def write_item(reply: _xml.Element, item: PensionItem) -> _xml.Element:
    """Append a ``PensionItem`` to a ``Penskad_OpenPK_ConsultReply``."""
    el = _xml.sub(reply, q("PensionItem"))
    _xml.sub(el, q("Pillar"), item.pillar.value)
    _xml.sub(el, q("PensionKind"), item.kind.value)
    if item.institution:
        _xml.sub(el, q("Institution"), item.institution)
    period = _xml.sub(el, q("Period"))
    _xml.sub(period, q("StartDate"), item.period.start.isoformat())
    if item.period.end is not None:
        _xml.sub(period, q("EndDate"), item.period.end.isoformat())
    _xml.sub(el, q("GrossMonthlyAmount"), str(item.monthly_gross.cents))
    return el
