"""VESTA's home-care episodes on the wire: requests and answers <-> models, both ways.

The client writes requests and reads answers; the sandbox reads requests and
writes answers with the same functions, so one mapping serves both. Unknown
elements are ignored. In an answer, a missing required element or a bad value
is a `ResponseError`; in a request (the sandbox's side) it is a
`ValidationError`, which the sandbox answers as NO_RESULT MSG00008.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from ksz_client import _xml
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client.services.vesta.models import CareType, HomeCareEpisode
from ksz_client.types import Period

__all__ = [
    "Registration",
    "Stop",
    "read_episode",
    "read_episodes",
    "read_reference",
    "read_registration",
    "read_ssin",
    "read_stop",
    "write_consult",
    "write_episode",
    "write_reference",
    "write_registration",
    "write_stop",
]


@dataclass(frozen=True)
class Registration:
    """What a registerHomeCare request carries."""

    ssin: str
    care_type: CareType
    provider: str
    start: _dt.date

    def __repr__(self) -> str:  # the SSIN stays out of reprs
        return f"Registration(care_type={self.care_type.value}, start={self.start})"


@dataclass(frozen=True)
class Stop:
    """What a stopHomeCare request carries."""

    ssin: str
    reference: str
    end: _dt.date

    def __repr__(self) -> str:
        return f"Stop(reference={self.reference}, end={self.end})"


# --- requests -------------------------------------------------------------------------


def write_consult(payload: _xml.Element, ssin: str) -> None:
    _xml.sub(_xml.sub(payload, "criteria"), "ssin", ssin)


def write_registration(payload: _xml.Element, r: Registration) -> None:
    criteria = _xml.sub(payload, "criteria")
    _xml.sub(criteria, "ssin", r.ssin)
    _xml.sub(criteria, "careType", r.care_type.value)
    _xml.sub(criteria, "provider", r.provider)
    _xml.sub(criteria, "startDate", r.start.isoformat())


def write_stop(payload: _xml.Element, s: Stop) -> None:
    criteria = _xml.sub(payload, "criteria")
    _xml.sub(criteria, "ssin", s.ssin)
    _xml.sub(criteria, "reference", s.reference)
    _xml.sub(criteria, "endDate", s.end.isoformat())


def _criteria_text(payload: _xml.Element, name: str) -> str:
    value = _xml.opt_text(payload.find("criteria"), name)
    if value is None:
        raise ValidationError(f"the request lacks criteria/{name}")
    return value


def _criteria_date(payload: _xml.Element, name: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(_criteria_text(payload, name)[:10])
    except ValueError:
        raise ValidationError(f"{name} is not a date") from None


def read_ssin(payload: _xml.Element) -> str:
    """The SSIN of any of the three requests (the sandbox's side)."""
    return _criteria_text(payload, "ssin")


def read_registration(payload: _xml.Element) -> Registration:
    """A registerHomeCare request (the sandbox's side)."""
    try:
        care_type = CareType(_criteria_text(payload, "careType"))
    except ValueError:
        raise ValidationError("unknown care type") from None
    return Registration(read_ssin(payload), care_type, _criteria_text(payload, "provider"),
                        _criteria_date(payload, "startDate"))


def read_stop(payload: _xml.Element) -> Stop:
    """A stopHomeCare request (the sandbox's side)."""
    return Stop(read_ssin(payload), _criteria_text(payload, "reference"),
                _criteria_date(payload, "endDate"))


# --- answers --------------------------------------------------------------------------


def write_episode(parent: _xml.Element, e: HomeCareEpisode) -> _xml.Element:
    el = _xml.sub(parent, "homeCare")
    _xml.sub(el, "reference", e.reference)
    _xml.sub(el, "careType", e.care_type.value)
    _xml.sub(el, "provider", e.provider)
    _xml.sub(el, "startDate", e.period.start.isoformat())
    if e.period.end is not None:
        _xml.sub(el, "endDate", e.period.end.isoformat())
    return el


def read_episode(el: _xml.Element) -> HomeCareEpisode:
    try:
        care_type = CareType(_xml.req_text(el, "careType"))
    except ValueError:
        raise ResponseError("unknown care type in the answer") from None
    start = _xml.opt_date(el, "startDate")
    if start is None:
        raise ResponseError("the answer lacks the required element startDate")
    try:
        period = Period(start, _xml.opt_date(el, "endDate"))
    except ValidationError:
        raise ResponseError("a home-care episode in the answer ends before it starts") from None
    return HomeCareEpisode(reference=_xml.req_text(el, "reference"), care_type=care_type,
                           provider=_xml.req_text(el, "provider"), period=period)


def read_episodes(payload: _xml.Element) -> tuple[HomeCareEpisode, ...]:
    return tuple(read_episode(e) for e in _xml.children(payload.find("result"), "homeCare"))


def write_reference(result: _xml.Element, reference: str) -> None:
    _xml.sub(result, "reference", reference)


def read_reference(payload: _xml.Element) -> str:
    """The episode reference of a register or stop answer."""
    return _xml.req_text(_xml.req(payload, "result"), "reference")
