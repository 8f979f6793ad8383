"""SelfEmployed V2 on the wire: criteria, career and contributions <-> XML, both directions.

The client reads with the ``read_*`` functions, the sandbox writes with the
``write_*`` ones: one mapping serves both, and a round-trip test keeps them
honest. Element names and order are those of the official contract.
"""

from __future__ import annotations

from ksz_client import _xml
from ksz_client._exceptions import InvalidSsin, ResponseError, ValidationError
from ksz_client.services.self_employed.models import (
    Affiliation,
    Career,
    CareerSegment,
    Coded,
    Description,
    QuarterContribution,
    SocialInsuranceFund,
)
from ksz_client.ssin import Ssin
from ksz_client.types import AnsweredSsin, Period, Quarter

__all__ = [
    "read_answered_ssin",
    "read_career",
    "read_career_criteria",
    "read_contributions",
    "read_contributions_criteria",
    "read_data_filters",
    "write_answered_ssin",
    "write_career",
    "write_career_criteria",
    "write_contributions",
    "write_contributions_criteria",
]


# --- requests ------------------------------------------------------------------


def write_career_criteria(payload: _xml.Element, ssin: str, period: Period | None) -> None:
    criteria = _xml.sub(payload, "criteria")
    _xml.sub(criteria, "ssin", ssin)
    if period is not None:
        _write_period(criteria, "period", period)


def read_career_criteria(payload: _xml.Element) -> tuple[str, Period | None]:
    """The criteria of a consultCareer request (the sandbox's side)."""
    criteria = _xml.req(payload, "criteria")
    period = criteria.find("period")
    return _xml.req_text(criteria, "ssin"), _read_period(period) if period is not None else None


def write_contributions_criteria(
    payload: _xml.Element, ssin: str, start: Quarter, end: Quarter | None
) -> None:
    criteria = _xml.sub(payload, "criteria")
    _xml.sub(criteria, "ssin", ssin)
    period = _xml.sub(criteria, "period")
    _xml.sub(period, "beginQuarter", str(start))
    if end is not None:
        _xml.sub(period, "endQuarter", str(end))


def read_contributions_criteria(payload: _xml.Element) -> tuple[str, Quarter, Quarter | None]:
    """The criteria of a consultContributions request; a bad quarter is a ValidationError."""
    criteria = _xml.req(payload, "criteria")
    period = _xml.req(criteria, "period")
    end = _xml.opt_text(period, "endQuarter")
    return (
        _xml.req_text(criteria, "ssin"),
        Quarter.parse(_xml.req_text(period, "beginQuarter")),
        Quarter.parse(end) if end else None,
    )


# --- the SSIN the answer is about -----------------------------------------------------


def _ssin(text: str) -> Ssin:
    try:
        # Numbers that come from the KSZ are taken as they are, test numbers included.
        return Ssin(text, allow_test=True)
    except InvalidSsin:
        raise ResponseError("the answer carries a malformed SSIN") from None


def read_answered_ssin(payload: _xml.Element) -> AnsweredSsin | None:
    """The response's ``ssin`` (SsinWithCanceledAndReplacesStatusType), if present."""
    el = payload.find("ssin")
    if el is None or not (el.text or "").strip():
        return None
    replaces = el.get("replaces")
    return AnsweredSsin(
        ssin=_ssin((el.text or "").strip()),
        canceled=_xml.opt_bool(el.get("canceled")) or False,
        replaces=_ssin(replaces) if replaces else None,
    )


def write_answered_ssin(parent: _xml.Element, answered: AnsweredSsin) -> None:
    el = _xml.sub(parent, "ssin", str(answered.ssin))
    if answered.canceled:
        el.set("canceled", "true")
    if answered.replaces is not None:
        el.set("replaces", str(answered.replaces))


def read_data_filters(payload: _xml.Element) -> tuple[str, ...]:
    return tuple(t for t in (_xml.opt_text(f, "") for f in
                             payload.iterfind("dataFilters/filteredElement")) if t)


# --- career -------------------------------------------------------------------------


def _read_coded(el: _xml.Element | None) -> Coded | None:
    if el is None:
        return None
    return Coded(
        code=_xml.req_text(el, "code"),
        descriptions=tuple(
            Description(language=d.get("language") or "", text=(d.text or "").strip())
            for d in el.iterfind("description")
        ),
    )


def _req_coded(parent: _xml.Element, tag: str) -> Coded:
    coded = _read_coded(_xml.req(parent, tag))
    assert coded is not None
    return coded


def _write_coded(parent: _xml.Element, tag: str, coded: Coded | None) -> None:
    if coded is None:
        return
    el = _xml.sub(parent, tag)
    _xml.sub(el, "code", coded.code)
    for item in coded.descriptions[:3]:
        _xml.sub(el, "description", item.text).set("language", item.language)


def _read_period(el: _xml.Element) -> Period:
    start = _xml.opt_date(el, "beginDate")
    if start is None:
        raise ResponseError("a period lacks its beginDate")
    try:
        return Period(start, _xml.opt_date(el, "endDate"))
    except ValidationError:
        raise ResponseError("a period ends before it starts") from None


def _write_period(parent: _xml.Element, tag: str, period: Period) -> None:
    el = _xml.sub(parent, tag)
    _xml.sub(el, "beginDate", period.start.isoformat())
    if period.end is not None:
        _xml.sub(el, "endDate", period.end.isoformat())


def _read_fund(el: _xml.Element) -> SocialInsuranceFund:
    return SocialInsuranceFund(code=_xml.req_text(el, "code"),
                               cbe_number=_xml.opt_text(el, "enterpriseNumber"))


def _write_fund(parent: _xml.Element, fund: SocialInsuranceFund) -> None:
    el = _xml.sub(parent, "socialInsuranceFund")
    if fund.cbe_number:
        _xml.sub(el, "enterpriseNumber", fund.cbe_number)
    _xml.sub(el, "code", fund.code)


def read_career(el: _xml.Element) -> Career:
    """A Career from a CareerType element; unknown extra elements are ignored."""
    return Career(
        nisse_reference=_xml.req_text(el, "nisseReference"),
        enterprise_number=_xml.opt_text(el, "selfEmployedEnterpriseNumber"),
        occupation=_read_coded(el.find("occupation")),
        affiliations=tuple(
            Affiliation(
                fund=_read_fund(_xml.req(a, "socialInsuranceFund")),
                signature_date=_xml.opt_date(a, "signatureDate"),
                segments=tuple(
                    CareerSegment(
                        period=_read_period(_xml.req(s, "period")),
                        quality=_req_coded(s, "selfEmployedQuality"),
                        contribution=_req_coded(s, "contribution"),
                        equality=_read_coded(s.find("equality")),
                    )
                    for s in a.iterfind("careerSegments/careerSegment")
                ),
            )
            for a in _xml.req(el, "affiliations").iterfind("affiliation")
        ),
    )


def write_career(parent: _xml.Element, career: Career) -> _xml.Element:
    """Append a ``career`` element (CareerType)."""
    el = _xml.sub(parent, "career")
    _xml.sub(el, "nisseReference", career.nisse_reference)
    if career.enterprise_number:
        _xml.sub(el, "selfEmployedEnterpriseNumber", career.enterprise_number)
    _write_coded(el, "occupation", career.occupation)
    affiliations = _xml.sub(el, "affiliations")
    for affiliation in career.affiliations:
        item = _xml.sub(affiliations, "affiliation")
        _write_fund(item, affiliation.fund)
        if affiliation.signature_date is not None:
            _xml.sub(item, "signatureDate", affiliation.signature_date.isoformat())
        segments = _xml.sub(item, "careerSegments")
        for segment in affiliation.segments:
            seg = _xml.sub(segments, "careerSegment")
            _write_period(seg, "period", segment.period)
            _write_coded(seg, "selfEmployedQuality", segment.quality)
            _write_coded(seg, "contribution", segment.contribution)
            _write_coded(seg, "equality", segment.equality)
    return el


# --- contributions ---------------------------------------------------------------------


def read_contributions(payload: _xml.Element) -> tuple[QuarterContribution, ...]:
    """The quarters of a consultContributions response (none when absent)."""
    out = []
    for el in payload.iterfind("contributions/contribution"):
        try:
            quarter = Quarter.parse(_xml.req_text(el, "quarter"))
        except ValidationError:
            raise ResponseError("a contribution quarter is not YYYYQn") from None
        out.append(QuarterContribution(
            quarter=quarter,
            fund=_read_fund(_xml.req(el, "socialInsuranceFund")),
            situation=_req_coded(el, "contributionSituation"),
            ziv=_read_coded(el.find("ziv")),
        ))
    return tuple(out)


def write_contributions(parent: _xml.Element,
                        contributions: tuple[QuarterContribution, ...]) -> None:
    """Append ``contributions`` (ContributionsType: 1 to 40 quarters); nothing when empty."""
    if not contributions:
        return
    el = _xml.sub(parent, "contributions")
    for contribution in contributions[:40]:
        item = _xml.sub(el, "contribution")
        _xml.sub(item, "quarter", str(contribution.quarter))
        _write_fund(item, contribution.fund)
        _write_coded(item, "contributionSituation", contribution.situation)
        _write_coded(item, "ziv", contribution.ziv)
