"""PCSASocialInquiry V1 on the wire: criteria, inquiry and residence simulation <-> XML.

Children are unqualified (WS-Consult conventions). The client reads; the
sandbox writes with the same code.
"""

from __future__ import annotations

from ksz_client import _xml
from ksz_client._exceptions import ResponseError
from ksz_client.services.social_inquiry.models import (
    InquirySource,
    ResidenceStatus,
    SocialInquiry,
    SocialRight,
)

__all__ = ["read_criteria", "read_inquiry", "read_residence", "write_criteria",
           "write_inquiry", "write_residence"]


def write_criteria(payload: _xml.Element, ssin: str) -> None:
    _xml.sub(_xml.sub(payload, "criteria"), "ssin", ssin)


def read_criteria(payload: _xml.Element) -> str:
    return _xml.req_text(payload, "criteria/ssin")


def write_inquiry(result: _xml.Element, inquiry: SocialInquiry) -> None:
    _xml.sub(result, "householdSize", str(inquiry.household_size))
    for source, found in inquiry.sources:
        el = _xml.sub(result, "source")
        _xml.sub(el, "name", source.value)
        _xml.sub(el, "found", "true" if found else "false")


def read_inquiry(payload: _xml.Element) -> SocialInquiry | None:
    """The inquiry of a response, or None without a result; unknown sources are ignored."""
    result = payload.find("result")
    if result is None:
        return None
    size = _xml.opt_int(result, "householdSize")
    if size is None or size < 1:
        raise ResponseError("the answer lacks a valid result/householdSize")
    sources = []
    for el in result.iterfind("source"):
        found = _xml.opt_bool(_xml.opt_text(el, "found"))
        if found is None:
            raise ResponseError("a source of the answer has no valid found flag")
        try:
            sources.append((InquirySource(_xml.req_text(el, "name")), found))
        except ValueError:
            continue  # a source this SDK version does not know yet
    return SocialInquiry(size, tuple(sources))


def write_residence(result: _xml.Element, status: ResidenceStatus, right: SocialRight) -> None:
    _xml.sub(result, "residenceStatus", status.value)
    _xml.sub(result, "right", right.value)


def read_residence(payload: _xml.Element) -> tuple[ResidenceStatus, SocialRight] | None:
    result = payload.find("result")
    if result is None:
        return None
    try:
        return (ResidenceStatus(_xml.req_text(result, "residenceStatus")),
                SocialRight(_xml.req_text(result, "right")))
    except ValueError:
        raise ResponseError("unknown residence status or right in the answer") from None
