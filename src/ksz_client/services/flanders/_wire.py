"""The Flemish services on the wire: criteria, certificates, trajectories <-> XML, both ways.

The client reads with the ``read_*`` functions; the sandbox writes with the
``write_*`` ones, so one mapping serves both. Unknown elements are ignored; a
missing required one or a bad value is a `ResponseError`.
"""

from __future__ import annotations

import datetime as _dt

from ksz_client import _xml
from ksz_client._exceptions import ResponseError
from ksz_client.services.flanders.models import (
    Certificate,
    CertificateKind,
    Trajectory,
    TrajectoryStatus,
)

__all__ = [
    "read_certificate",
    "read_certificates",
    "read_criteria",
    "read_trajectories",
    "read_trajectory",
    "write_certificate",
    "write_criteria",
    "write_trajectory",
]


def write_criteria(payload: _xml.Element, ssin: str) -> None:
    _xml.sub(_xml.sub(payload, "criteria"), "ssin", ssin)


def read_criteria(payload: _xml.Element) -> str:
    """The SSIN of a request (the sandbox's side)."""
    return _xml.req_text(_xml.req(payload, "criteria"), "ssin")


def _date(el: _xml.Element, path: str) -> _dt.date:
    value = _xml.opt_date(el, path)
    if value is None:
        raise ResponseError(f"the answer lacks the required element {path}")
    return value


def read_certificate(el: _xml.Element) -> Certificate:
    try:
        kind = CertificateKind(_xml.req_text(el, "kind"))
    except ValueError:
        raise ResponseError("unknown certificate kind in the answer") from None
    level = _xml.opt_int(el, "level")
    if level is not None and not 1 <= level <= 8:
        raise ResponseError("a qualification level is out of 1..8")
    return Certificate(
        identifier=_xml.req_text(el, "identifier"),
        kind=kind,
        title=_xml.req_text(el, "title"),
        issued=_date(el, "issueDate"),
        level=level,
        institution=_xml.opt_text(el, "institution"),
    )


def read_certificates(payload: _xml.Element) -> tuple[Certificate, ...]:
    return tuple(read_certificate(c) for c in _xml.children(payload.find("result"), "certificate"))


def write_certificate(parent: _xml.Element, c: Certificate) -> _xml.Element:
    el = _xml.sub(parent, "certificate")
    _xml.sub(el, "identifier", c.identifier)
    _xml.sub(el, "kind", c.kind.value)
    _xml.sub(el, "title", c.title)
    if c.level is not None:
        _xml.sub(el, "level", str(c.level))
    if c.institution:
        _xml.sub(el, "institution", c.institution)
    _xml.sub(el, "issueDate", c.issued.isoformat())
    return el


def read_trajectory(el: _xml.Element) -> Trajectory:
    obliged = _xml.opt_bool(_xml.req_text(el, "obliged"))
    if obliged is None:
        raise ResponseError("obliged is not a boolean")
    try:
        status = TrajectoryStatus(_xml.req_text(el, "trajectoryStatus"))
    except ValueError:
        raise ResponseError("unknown trajectory status in the answer") from None
    return Trajectory(
        obliged=obliged,
        status=status,
        start=_date(el, "startDate"),
        end=_xml.opt_date(el, "endDate"),
        certificate_date=_xml.opt_date(el, "certificateDate"),
        office=_xml.opt_text(el, "office"),
    )


def read_trajectories(payload: _xml.Element) -> tuple[Trajectory, ...]:
    return tuple(read_trajectory(t) for t in _xml.children(payload.find("result"), "trajectory"))


def write_trajectory(parent: _xml.Element, t: Trajectory) -> _xml.Element:
    el = _xml.sub(parent, "trajectory")
    _xml.sub(el, "obliged", "true" if t.obliged else "false")
    _xml.sub(el, "trajectoryStatus", t.status.value)
    _xml.sub(el, "startDate", t.start.isoformat())
    if t.end is not None:
        _xml.sub(el, "endDate", t.end.isoformat())
    if t.certificate_date is not None:
        _xml.sub(el, "certificateDate", t.certificate_date.isoformat())
    if t.office:
        _xml.sub(el, "office", t.office)
    return el
