"""ChildBenefits V1 on the wire: the criteria and the files, both directions."""

from __future__ import annotations

from dataclasses import dataclass

from ksz_client import _xml
from ksz_client._exceptions import InvalidSsin, ResponseError, ValidationError
from ksz_client.services.child_benefits.models import (
    AuthenticSource,
    BenefitRole,
    ChildBenefitFile,
    FileMember,
)
from ksz_client.ssin import Ssin
from ksz_client.types import Month

__all__ = ["Criteria", "read_criteria", "read_file", "write_criteria", "write_file"]


@dataclass(frozen=True)
class Criteria:
    """Whose files, over which months, at which source (one source per call)."""

    ssin: str
    begin_month: Month
    end_month: Month
    source: AuthenticSource


def write_criteria(payload: _xml.Element, c: Criteria) -> None:
    el = _xml.sub(payload, "criteria")
    _xml.sub(el, "ssin", c.ssin)
    period = _xml.sub(el, "period")
    _xml.sub(period, "beginMonth", str(c.begin_month))
    _xml.sub(period, "endMonth", str(c.end_month))
    _xml.sub(_xml.sub(el, "authenticSources"), "authenticSource", c.source.value)


def read_criteria(payload: _xml.Element) -> Criteria:
    """The criteria of a request (the sandbox's side); invalid values raise ValidationError."""
    el = _xml.req(payload, "criteria")
    return Criteria(
        ssin=_xml.req_text(el, "ssin"),
        begin_month=Month.parse(_xml.req_text(el, "period/beginMonth")),
        end_month=Month.parse(_xml.req_text(el, "period/endMonth")),
        source=AuthenticSource.parse(_xml.req_text(el, "authenticSources/authenticSource")),
    )


def _month(el: _xml.Element, path: str) -> Month | None:
    text = _xml.opt_text(el, path)
    if text is None:
        return None
    try:
        return Month.parse(text)
    except ValidationError:
        raise ResponseError(f"{path} is not a month (YYYY-MM)") from None


def _enum_role(text: str) -> BenefitRole:
    try:
        return BenefitRole(text)
    except ValueError:
        raise ResponseError("unknown role in the answer") from None


def read_file(el: _xml.Element) -> ChildBenefitFile:
    start = _month(el, "period/beginMonth")
    if start is None:
        raise ResponseError("a child-benefit file has no beginMonth")
    source = _xml.req_text(el, "authenticSource")
    try:
        members = tuple(
            FileMember(
                ssin=Ssin(_xml.req_text(m, "ssin"), allow_test=True),
                role=_enum_role(_xml.req_text(m, "role")),
                since=_month(m, "beginMonth"),
            )
            for m in el.iterfind("familyComposition/member")
        )
    except InvalidSsin:
        raise ResponseError("the answer carries a malformed SSIN") from None
    try:
        authentic = AuthenticSource(source)
    except ValueError:
        raise ResponseError("unknown authentic source in the answer") from None
    return ChildBenefitFile(
        source=authentic,
        file_number=_xml.req_text(el, "fileIdentifier"),
        role=_enum_role(_xml.req_text(el, "role")),
        start_month=start,
        end_month=_month(el, "period/endMonth"),
        payment_fund=_xml.opt_text(el, "paymentFund"),
        members=members,
    )


def write_file(parent: _xml.Element, f: ChildBenefitFile) -> None:
    el = _xml.sub(parent, "file")
    _xml.sub(el, "fileIdentifier", f.file_number)
    _xml.sub(el, "authenticSource", f.source.value)
    _xml.sub(el, "role", f.role.value)
    period = _xml.sub(el, "period")
    _xml.sub(period, "beginMonth", str(f.start_month))
    if f.end_month is not None:
        _xml.sub(period, "endMonth", str(f.end_month))
    if f.payment_fund:
        _xml.sub(el, "paymentFund", f.payment_fund)
    if f.members:
        composition = _xml.sub(el, "familyComposition")
        for m in f.members:
            member = _xml.sub(composition, "member")
            _xml.sub(member, "ssin", str(m.ssin))
            _xml.sub(member, "role", m.role.value)
            if m.since is not None:
                _xml.sub(member, "beginMonth", str(m.since))
