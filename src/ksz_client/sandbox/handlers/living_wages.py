"""Sandbox handlers of LivingWages V1 (POD MI): leefloon periods and amounts.

Answers from the multifunctional attests in force (the population's leefloon
attests overlaid with the A036 calls stored in the state, see
`multifunctional_attest.attests_of`), so an attest sent with A036 shows here.
Modelled rules:

- periods are clipped to the range asked; ``getLivingWagePeriods`` merges
  overlapping or adjacent periods of the same benefit and category whatever
  the OCMW, ``...PerPCSA`` does so per OCMW;
- the Flanders variants keep the OCMWs of the Flemish region only: in the
  sandbox its own OCMW (`FLEMISH_OCMWS`), not the second one;
- ``getLivingWages``: per month, OCMW, benefit and category, the days of
  right and the monthly amount of the category (`LEEFLOON_MONTHLY_CENTS`) in
  proportion to the days of the month (whole cents, rounded down);
- statuses: DATA_FOUND MSG00000; NO_DATA_FOUND MSG00100 without any period in
  the range; NO_RESULT MSG00005 (unknown SSIN), MSG00006 (replaced,
  ``newSSIN``), MSG00008 (a range the service cannot read).
"""

from __future__ import annotations

import calendar
import datetime as _dt
from collections.abc import Callable, Iterable
from typing import Final

from ksz_client import _xml
from ksz_client.sandbox.facts import LEEFLOON_MONTHLY_CENTS
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.sandbox.handlers.multifunctional_attest import attests_of
from ksz_client.sandbox.organisations import SANDBOX_CBE_NUMBER
from ksz_client.services.living_wages import _wire
from ksz_client.services.living_wages.models import LivingWage, LivingWagePeriod, PcsaPeriods
from ksz_client.services.multifunctional_attest.models import A036Attest
from ksz_client.types import Money, Month, Period

__all__ = [
    "FLEMISH_OCMWS",
    "amounts",
    "living_wage_periods",
    "living_wage_periods_flanders",
    "living_wage_periods_per_pcsa",
    "living_wage_periods_per_pcsa_flanders",
    "living_wages",
    "merged",
]

FLEMISH_OCMWS: Final = frozenset({SANDBOX_CBE_NUMBER})
"""The sandbox's OCMWs of the Flemish region (the Flanders variants answer these only)."""

_DAY = _dt.timedelta(days=1)
Item = tuple[str, LivingWagePeriod]
"""An OCMW and one of its (clipped) periods of right."""


def _clip(period: Period, within: Period) -> Period | None:
    assert within.end is not None
    end = within.end if period.end is None else min(period.end, within.end)
    start = max(period.start, within.start)
    return Period(start, end) if start <= end else None


def _items(ctx: HandlerContext, ssin: str, within: Period, *, flanders: bool) -> list[Item]:
    out: list[Item] = []
    attest: A036Attest
    for attest in attests_of(ctx, ssin):
        if not attest.in_force or (flanders and attest.ocmw not in FLEMISH_OCMWS):
            continue
        a = attest.attestation
        clipped = _clip(a.validity, within)
        if clipped is not None:
            out.append((attest.ocmw, LivingWagePeriod(clipped, a.benefit, a.category)))
    return out


def merged(periods: Iterable[LivingWagePeriod]) -> list[LivingWagePeriod]:
    """Overlapping or adjacent periods of the same benefit and category as one, in order."""
    out: list[LivingWagePeriod] = []
    for p in sorted(periods, key=lambda p: (p.period.start, p.benefit, p.category)):
        same = [i for i, o in enumerate(out) if (o.benefit, o.category) == (p.benefit, p.category)
                and o.period.end is not None and p.period.start <= o.period.end + _DAY]
        if same:
            o = out[same[-1]]
            assert o.period.end is not None and p.period.end is not None
            out[same[-1]] = LivingWagePeriod(Period(o.period.start,
                                                    max(o.period.end, p.period.end)),
                                             o.benefit, o.category)
        else:
            out.append(p)
    return out


def amounts(items: Iterable[Item]) -> list[LivingWage]:
    """Per month, OCMW, benefit and category: days of right and the prorated amount."""
    found: dict[tuple[Month, str, str, str], LivingWage] = {}
    for ocmw, item in items:
        assert item.period.end is not None
        month = Month.parse(item.period.start)
        last = Month.parse(item.period.end)
        while month.months_until(last) >= 0:
            length = calendar.monthrange(month.year, month.month)[1]
            first_day = _dt.date(month.year, month.month, 1)
            last_day = _dt.date(month.year, month.month, length)
            days = (min(item.period.end, last_day) - max(item.period.start, first_day)).days + 1
            cents = LEEFLOON_MONTHLY_CENTS[item.category.value] * days // length
            key = (month, ocmw, item.benefit.value, item.category.value)
            before = found.get(key)
            if before is not None:
                days += before.days
                cents += before.amount.cents
            found[key] = LivingWage(month, ocmw, item.benefit, item.category, days,
                                    Money.from_cents(cents))
            month = Month(month.year + month.month // 12, month.month % 12 + 1)
    return sorted(found.values(), key=lambda w: (w.month.year, w.month.month, w.cbe_number,
                                                  w.benefit.value, w.category.value))


def _answer(ctx: HandlerContext, request: _xml.Element,
            make: Callable[[list[Item]], Callable[[_xml.Element], None] | None],
            *, flanders: bool = False) -> Answer:
    number, within = _wire.read_criteria(request)
    population = ctx.population
    index = population.index_of(number)
    if index is None:
        return Answer(status("NO_RESULT", "MSG00005"))
    replaced_by = population.replaced_by(index)
    if replaced_by is not None:
        return Answer(status("NO_RESULT", "MSG00006", newSSIN=str(population.ssin_of(replaced_by))))
    fill = make(_items(ctx, number, within, flanders=flanders))
    if fill is None:
        return Answer(status("NO_DATA_FOUND", "MSG00100"))
    return Answer(status("DATA_FOUND", "MSG00000"), fill)


def _overall(items: list[Item]) -> Callable[[_xml.Element], None] | None:
    periods = merged(p for _, p in items)
    if not periods:
        return None

    def fill(result: _xml.Element) -> None:
        for p in periods:
            _wire.write_period(result, p)

    return fill


def _per_pcsa(items: list[Item]) -> Callable[[_xml.Element], None] | None:
    pcsas = [PcsaPeriods(ocmw, tuple(merged(p for o, p in items if o == ocmw)))
             for ocmw in sorted({o for o, _ in items})]
    if not pcsas:
        return None

    def fill(result: _xml.Element) -> None:
        for pcsa in pcsas:
            _wire.write_pcsa(result, pcsa)

    return fill


def _amounts(items: list[Item]) -> Callable[[_xml.Element], None] | None:
    found = amounts(items)
    if not found:
        return None

    def fill(result: _xml.Element) -> None:
        for wage in found:
            _wire.write_amount(result, wage)

    return fill


@handles("LivingWages", "getLivingWagePeriods")
def living_wage_periods(ctx: HandlerContext, request: _xml.Element) -> Answer:
    """Periods of right whatever the OCMW."""
    return _answer(ctx, request, _overall)


@handles("LivingWages", "getLivingWagePeriodsFlanders")
def living_wage_periods_flanders(ctx: HandlerContext, request: _xml.Element) -> Answer:
    """Periods of right of the Flemish OCMWs."""
    return _answer(ctx, request, _overall, flanders=True)


@handles("LivingWages", "getLivingWagePeriodsPerPCSA")
def living_wage_periods_per_pcsa(ctx: HandlerContext, request: _xml.Element) -> Answer:
    """Periods of right per OCMW."""
    return _answer(ctx, request, _per_pcsa)


@handles("LivingWages", "getLivingWagePeriodsPerPCSAFlanders")
def living_wage_periods_per_pcsa_flanders(ctx: HandlerContext, request: _xml.Element) -> Answer:
    """Periods of right per Flemish OCMW."""
    return _answer(ctx, request, _per_pcsa, flanders=True)


@handles("LivingWages", "getLivingWages")
def living_wages(ctx: HandlerContext, request: _xml.Element) -> Answer:
    """Amounts per month and OCMW."""
    return _answer(ctx, request, _amounts)
