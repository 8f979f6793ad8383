"""HealthCareInsurance V1 on the wire: the criterion and the insurability, both directions.

The client reads with `read_insurability`; the sandbox writes with
`write_insurability`, so one mapping serves both.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from ksz_client import _xml
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client.services.health_insurance.models import (
    CodedPeriod,
    ComplementaryInsurance,
    HolderCodes,
    Insurability,
    InsuranceData,
    InsuringOrganization,
    MaximumCharge,
    MedicalHouse,
)
from ksz_client.types import Money, Period

__all__ = ["Criterion", "read_criterion", "read_insurability", "write_criterion",
           "write_insurability"]


@dataclass(frozen=True)
class Criterion:
    """A request's criterion: whose insurability, at which date (None: today), which groups."""

    ssin: str
    date: _dt.date | None
    data: tuple[InsuranceData, ...]


# --- request ----------------------------------------------------------------------------


def write_criterion(payload: _xml.Element, criterion: Criterion) -> None:
    el = _xml.sub(payload, "criterion")
    _xml.sub(el, "ssin", criterion.ssin)
    temporal = _xml.sub(el, "temporalCriteria")
    if criterion.date is None:
        _xml.sub(temporal, "today")
    else:
        _xml.sub(temporal, "date", criterion.date.isoformat())
    desired = _xml.sub(el, "desiredData")
    # The schema fixes the order of the flags: the enumeration's order.
    for group in InsuranceData:
        if group in criterion.data:
            _xml.sub(desired, group.value, "true")


def read_criterion(payload: _xml.Element) -> Criterion:
    """The criterion of a request (the sandbox's side)."""
    el = _xml.req(payload, "criterion")
    desired = el.find("desiredData")
    data = tuple(
        group for group in InsuranceData
        if _xml.opt_text(desired, group.value) in ("true", "1")
    )
    return Criterion(
        ssin=_xml.req_text(el, "ssin"),
        date=_xml.opt_date(el, "temporalCriteria/date"),
        data=data,
    )


# --- the insurability ---------------------------------------------------------------------


def _period(el: _xml.Element) -> Period:
    period = _xml.req(el, "period")
    start = _xml.opt_date(period, "beginDate")
    if start is None:
        raise ResponseError("a period of the answer has no beginDate")
    try:
        return Period(start, _xml.opt_date(period, "endDate"))
    except ValidationError:
        raise ResponseError("a period of the answer ends before it starts") from None


def _write_period(parent: _xml.Element, period: Period) -> None:
    el = _xml.sub(parent, "period")
    _xml.sub(el, "beginDate", period.start.isoformat())
    if period.end is not None:
        _xml.sub(el, "endDate", period.end.isoformat())


def _bool(el: _xml.Element, path: str) -> bool:
    text = _xml.req_text(el, path)
    value = _xml.opt_bool(text)
    assert value is not None
    return value


def _money(el: _xml.Element, path: str) -> Money | None:
    text = _xml.opt_text(el, path)
    if text is None:
        return None
    try:
        return Money.parse(text)
    except ValidationError:
        raise ResponseError(f"{path} is not an amount in euro") from None


def read_insurability(result: _xml.Element) -> Insurability:
    """The groups of a ``result`` element; unknown elements are ignored."""
    return Insurability(
        insuring_organizations=tuple(
            InsuringOrganization(code=_xml.req_text(o, "code"), period=_period(o),
                                 name=_xml.opt_text(o, "name"))
            for o in result.iterfind("insuringOrganization")
        ),
        reimbursement_rights=tuple(_period(r) for r in result.iterfind("reimbursementRight")),
        holder_codes=tuple(
            HolderCodes(ct1=_xml.req_text(c, "ct1"), ct2=_xml.req_text(c, "ct2"),
                        period=_period(c))
            for c in result.iterfind("ct1ct2")
        ),
        paying_third_party=tuple(_period(p) for p in result.iterfind("payingThirdParty")),
        maximum_charges=tuple(
            MaximumCharge(year=_year(m), reached=_bool(m, "reached"),
                          ceiling=_money(m, "ceiling"))
            for m in result.iterfind("maximumCharge")
        ),
        medical_houses=tuple(
            MedicalHouse(
                period=_period(m),
                identification=_xml.opt_text(m, "identification"),
                name=_xml.opt_text(m, "name"),
                disciplines=tuple(d.text.strip() for d in m.iterfind("discipline")
                                  if d.text and d.text.strip()),
            )
            for m in result.iterfind("medicalHouse")
        ),
        increased_intervention=tuple(
            _period(i) for i in result.iterfind("increasedIntervention")
        ),
        complementary_insurance=tuple(
            ComplementaryInsurance(period=_period(c), in_order=_bool(c, "inOrder"))
            for c in result.iterfind("statusComplementaryInsurance")
        ),
        global_medical_file=tuple(_period(g) for g in result.iterfind("globalMedicalFile")),
        sfdf_l891=tuple(
            CodedPeriod(code=_xml.req_text(s, "code"), period=_period(s))
            for s in result.iterfind("sfdfL891")
        ),
    )


def _year(el: _xml.Element) -> int:
    year = _xml.opt_int(el, "year")
    if year is None:
        raise ResponseError("maximumCharge has no year")
    return year


def write_insurability(result: _xml.Element, data: Insurability) -> None:
    """Append the groups of `data` to ``result``, in the schema's order."""
    for o in data.insuring_organizations:
        el = _xml.sub(result, "insuringOrganization")
        _xml.sub(el, "code", o.code)
        if o.name:
            _xml.sub(el, "name", o.name)
        _write_period(el, o.period)
    for period in data.reimbursement_rights:
        _write_period(_xml.sub(result, "reimbursementRight"), period)
    for h in data.holder_codes:
        el = _xml.sub(result, "ct1ct2")
        _xml.sub(el, "ct1", h.ct1)
        _xml.sub(el, "ct2", h.ct2)
        _write_period(el, h.period)
    for period in data.paying_third_party:
        _write_period(_xml.sub(result, "payingThirdParty"), period)
    for m in data.maximum_charges:
        el = _xml.sub(result, "maximumCharge")
        _xml.sub(el, "year", str(m.year))
        _xml.sub(el, "reached", "true" if m.reached else "false")
        if m.ceiling is not None:
            _xml.sub(el, "ceiling", str(m.ceiling))
    for house in data.medical_houses:
        el = _xml.sub(result, "medicalHouse")
        _write_period(el, house.period)
        if house.identification:
            _xml.sub(el, "identification", house.identification)
        if house.name:
            _xml.sub(el, "name", house.name)
        for discipline in house.disciplines:
            _xml.sub(el, "discipline", discipline)
    for period in data.increased_intervention:
        _write_period(_xml.sub(result, "increasedIntervention"), period)
    for c in data.complementary_insurance:
        el = _xml.sub(result, "statusComplementaryInsurance")
        _write_period(el, c.period)
        _xml.sub(el, "inOrder", "true" if c.in_order else "false")
    for period in data.global_medical_file:
        _write_period(_xml.sub(result, "globalMedicalFile"), period)
    for s in data.sfdf_l891:
        el = _xml.sub(result, "sfdfL891")
        _xml.sub(el, "code", s.code)
        _write_period(el, s.period)
