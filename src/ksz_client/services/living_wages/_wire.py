"""LivingWages V1 on the wire: criteria, periods and amounts <-> XML, both directions.

WS-Consult conventions: unqualified children. Amounts travel as whole euro
cents, months as ``YYYY-MM``. The client reads, the sandbox writes with the
same code.
"""

from __future__ import annotations

from typing import TypeVar

from ksz_client import _xml
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client.services.living_wages.models import (
    LivingWage,
    LivingWagePeriod,
    PcsaPeriods,
    check_range,
)
from ksz_client.services.multifunctional_attest.models import BenefitType, Category
from ksz_client.types import Money, Month, Period

__all__ = [
    "read_amounts",
    "read_criteria",
    "read_pcsas",
    "read_periods",
    "write_amount",
    "write_criteria",
    "write_pcsa",
    "write_period",
]

_E = TypeVar("_E", BenefitType, Category)


def write_criteria(payload: _xml.Element, ssin: str, period: Period) -> None:
    assert period.end is not None  # check_range refuses an open range
    criteria = _xml.sub(payload, "criteria")
    _xml.sub(criteria, "ssin", ssin)
    el = _xml.sub(criteria, "period")
    _xml.sub(el, "beginDate", period.start.isoformat())
    _xml.sub(el, "endDate", period.end.isoformat())


def read_criteria(payload: _xml.Element) -> tuple[str, Period]:
    """The SSIN and range of a request (the sandbox's side); bad values raise ValidationError."""
    criteria = _xml.req(payload, "criteria")
    try:
        begin = _xml.opt_date(criteria, "period/beginDate")
        end = _xml.opt_date(criteria, "period/endDate")
    except ResponseError:
        raise ValidationError("the period cannot be read") from None
    if begin is None or end is None:
        raise ValidationError("the criteria need a period with a beginDate and an endDate")
    return _xml.req_text(criteria, "ssin"), check_range(Period(begin, end))


def _enum(cls: type[_E], el: _xml.Element, name: str) -> _E:
    try:
        return cls(_xml.req_text(el, name))
    except ValueError:
        raise ResponseError(f"unknown {name} code in the answer") from None


def _period(el: _xml.Element) -> Period:
    begin = _xml.opt_date(el, "period/beginDate")
    if begin is None:
        raise ResponseError("a period of the answer has no beginDate")
    try:
        return Period(begin, _xml.opt_date(el, "period/endDate"))
    except ValidationError:
        raise ResponseError("a period of the answer ends before it starts") from None


def read_period(el: _xml.Element) -> LivingWagePeriod:
    """A livingWagePeriod element; unknown extra elements are ignored."""
    return LivingWagePeriod(_period(el), _enum(BenefitType, el, "benefit"),
                            _enum(Category, el, "category"))


def write_period(parent: _xml.Element, item: LivingWagePeriod) -> _xml.Element:
    el = _xml.sub(parent, "livingWagePeriod")
    period = _xml.sub(el, "period")
    _xml.sub(period, "beginDate", item.period.start.isoformat())
    if item.period.end is not None:
        _xml.sub(period, "endDate", item.period.end.isoformat())
    _xml.sub(el, "benefit", item.benefit.value)
    _xml.sub(el, "category", item.category.value)
    return el


def read_periods(payload: _xml.Element) -> tuple[LivingWagePeriod, ...]:
    return tuple(read_period(el) for el in payload.iterfind("result/livingWagePeriod"))


def write_pcsa(parent: _xml.Element, pcsa: PcsaPeriods) -> _xml.Element:
    el = _xml.sub(parent, "pcsa")
    _xml.sub(el, "cbeNumber", pcsa.cbe_number)
    for item in pcsa.periods:
        write_period(el, item)
    return el


def read_pcsas(payload: _xml.Element) -> tuple[PcsaPeriods, ...]:
    return tuple(
        PcsaPeriods(_xml.req_text(el, "cbeNumber"),
                    tuple(read_period(p) for p in el.iterfind("livingWagePeriod")))
        for el in payload.iterfind("result/pcsa")
    )


def write_amount(parent: _xml.Element, item: LivingWage) -> _xml.Element:
    el = _xml.sub(parent, "livingWage")
    _xml.sub(el, "month", str(item.month))
    _xml.sub(el, "cbeNumber", item.cbe_number)
    _xml.sub(el, "benefit", item.benefit.value)
    _xml.sub(el, "category", item.category.value)
    _xml.sub(el, "days", str(item.days))
    _xml.sub(el, "amount", str(item.amount.cents))
    return el


def _int(el: _xml.Element, name: str) -> int:
    value = _xml.opt_int(el, name)
    if value is None:
        raise ResponseError(f"the answer lacks the required element livingWage/{name}")
    return value


def read_amount(el: _xml.Element) -> LivingWage:
    """A livingWage element; unknown extra elements are ignored."""
    try:
        month = Month.parse(_xml.req_text(el, "month"))
    except ValidationError:
        raise ResponseError("a month of the answer is not YYYY-MM") from None
    return LivingWage(
        month=month,
        cbe_number=_xml.req_text(el, "cbeNumber"),
        benefit=_enum(BenefitType, el, "benefit"),
        category=_enum(Category, el, "category"),
        days=_int(el, "days"),
        amount=Money.from_cents(_int(el, "amount")),
    )


def read_amounts(payload: _xml.Element) -> tuple[LivingWage, ...]:
    return tuple(read_amount(el) for el in payload.iterfind("result/livingWage"))

