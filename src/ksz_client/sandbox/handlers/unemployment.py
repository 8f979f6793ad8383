"""Sandbox handlers of UnemploymentDataService V3 (all eleven operations).

The person's unemployment file is derived from the facts: the
`UnemploymentPeriod` facts (benefits; open periods run until today), the
household (family category: head of household with children, single alone,
cohabitant otherwise), the `IncapacityPeriod` facts (work disability, no
earning capacity for invalidity) and the `Employment` facts (activation).
What no fact says is drawn from a generator seeded by the person, so it is
the same in every run:

- paid sums: 26 daily allowances for a full month (in proportion for a part),
  at the facts' daily allowance; months before this one are paid (COMPLETED,
  the last one with the facts' dossier status), this month is NOT_STARTED;
- activation: half of the current employments that began in 2020 or later
  (not with a public employer) carry an ACTIVA allowance for their first 24
  months, with mean working hours 38, 30.4 or 19 a week;
- payments: for the month of the date (default the latest month paid), paid
  on the 5th of the next month (next Monday if that is a weekend) by CAPAC/HVW
  or a union; scheduled payments likewise for the months of the quarter up to
  the end of this quarter;
- rights: the benefit periods (at the date, or the latest);
- scale codes: family category 01/02/03 and phase 1-3, one phase a year;
  exemptions (training) for one file in five, sanctions for one in eight,
  availability decisions every six months for who was under 25 at the start,
  lawsuits with the mutuality for one in twenty.

No file (no benefit period; for activation: neither benefits nor activation):
NO_DATA_FOUND UDS0001. Nothing for the criteria: NO_DATA_FOUND UDS0002.
Unknown SSIN MSG00005; replaced MSG00006.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, TypeVar

from ksz_client import _xml
from ksz_client.sandbox.facts import Employment, Facts, UnemploymentPeriod
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.services.unemployment import _wire
from ksz_client.services.unemployment.models import (
    NO_DATA,
    NO_FILE,
    ActivationPaidSum,
    DossierStatus,
    HistoryEntry,
    PaidSum,
    Payment,
    Right,
    ScheduledPayment,
)
from ksz_client.types import EmployerRef, Money, Month, Period, Quarter, Status

T = TypeVar("T")

_SERVICE: Final = "UnemploymentDataService"
_PER_MONTH: Final = 26
_ACTIVATION_SINCE: Final = _dt.date(2020, 1, 1)
_ORGANISATIONS: Final = ("CAPAC / HVW", "ACV-CSC", "ABVV-FGTB", "ACLVB-CGSLB")
_CATEGORIES: Final = {"HEAD_OF_HOUSEHOLD": "01", "SINGLE": "02", "COHABITANT": "03"}
_NO_FILE: Final = Status("NO_DATA_FOUND", NO_FILE, "No unemployment file at the RVA/ONEM")
_NO_DATA: Final = Status("NO_DATA_FOUND", NO_DATA, "No data for these criteria")


# --- calendar helpers ---------------------------------------------------------------------------


def _first(month: Month) -> _dt.date:
    return _dt.date(month.year, month.month, 1)


def _last(month: Month) -> _dt.date:
    return _dt.date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])


def _shift(month: Month, n: int) -> Month:
    index = month.year * 12 + month.month - 1 + n
    return Month(index // 12, index % 12 + 1)


def _plus_months(day: _dt.date, n: int) -> _dt.date:
    month = _shift(Month.parse(day), n)
    return _dt.date(month.year, month.month, min(day.day, _last(month).day))


def _months(first: Month, last: Month) -> list[Month]:
    return [_shift(first, k) for k in range(first.months_until(last) + 1)]


def _payday(month: Month) -> _dt.date:
    """The 5th of the next month, or the Monday after when that is a weekend."""
    day = _first(_shift(month, 1)) + _dt.timedelta(days=4)
    return day + _dt.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def _overlap(period: Period, start: _dt.date, end: _dt.date) -> int:
    first = max(period.start, start)
    last = min(period.end, end) if period.end is not None else end
    return (last - first).days + 1 if first <= last else 0


def _allowances(period: Period, month: Month) -> int:
    days = _overlap(period, _first(month), _last(month))
    if not days:
        return 0
    return max(1, round(_PER_MONTH * days / _last(month).day))


def _overlaps(entry: Period, asked: Period | None) -> bool:
    if asked is None:
        return True
    end = asked.end or _dt.date.max
    return entry.start <= end and (entry.end is None or entry.end >= asked.start)


# --- the file ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Activation:
    employment: Employment
    daily_cents: int
    hours: Decimal
    months: tuple[Month, ...]


@dataclass(frozen=True)
class _File:
    """A person's unemployment file as the sandbox derives it."""

    periods: tuple[UnemploymentPeriod, ...]
    category: str
    organisation: str
    activations: tuple[_Activation, ...]
    exemptions: tuple[HistoryEntry, ...]
    sanctions: tuple[HistoryEntry, ...]
    scale_codes: tuple[HistoryEntry, ...]
    work_disability: tuple[HistoryEntry, ...]
    no_earning_capacity: tuple[HistoryEntry, ...]
    lawsuits: tuple[HistoryEntry, ...]
    availability: tuple[HistoryEntry, ...]
    today: _dt.date

    @property
    def current(self) -> Month:
        return Month.parse(self.today)


def _file(ctx: HandlerContext, index: int) -> _File:
    population = ctx.population
    facts: Facts = population.facts(index)
    today = ctx.today
    rng = random.Random(f"{population.seed}:{index}:unemployment")  # noqa: S311 - synthetic
    household = population.household(index)
    member = household.member(index)
    if member.relationship in ("01", "02") and any(m.relationship == "03"
                                                   for m in household.members):
        category = "HEAD_OF_HOUSEHOLD"
    elif len(household.members) == 1:
        category = "SINGLE"
    else:
        category = "COHABITANT"
    organisation = rng.choice(_ORGANISATIONS)
    current = Month.parse(today)

    activations = []
    for employment in facts.employments:
        chance, daily, hours = rng.random(), rng.randint(1_000, 1_900), rng.choice(
            (Decimal("38.00"), Decimal("30.40"), Decimal("19.00")))
        if (employment.current and employment.period.start >= _ACTIVATION_SINCE
                and not employment.employer.public and chance < 0.5):
            first_month = Month.parse(employment.period.start)
            last_month = min(_shift(first_month, 23), _shift(current, -1))
            if first_month <= last_month:
                activations.append(_Activation(employment, daily, hours,
                                               tuple(_months(first_month, last_month))))

    exemptions, sanctions, scales, lawsuits, availability = [], [], [], [], []
    birth = population.birth_date(index)
    for p in facts.unemployment:
        runs_until = p.period.end or today
        if rng.random() < 0.2:
            start = p.period.start + _dt.timedelta(days=rng.randint(60, 240))
            if start <= runs_until:
                exemptions.append(HistoryEntry(
                    Period(start, start + _dt.timedelta(days=rng.randint(90, 180))),
                    "TRAINING", "Exemption for vocational training",
                    start - _dt.timedelta(days=14)))
        if rng.random() < 0.125:
            start = p.period.start + _dt.timedelta(days=rng.randint(30, 400))
            weeks = rng.randint(4, 13)
            if start <= runs_until:
                sanctions.append(HistoryEntry(
                    Period(start, start + _dt.timedelta(days=7 * weeks - 1)), "SUSPENSION",
                    f"Suspension of the allowances for {weeks} weeks",
                    start - _dt.timedelta(days=21)))
        if rng.random() < 0.05:
            start = p.period.start + _dt.timedelta(days=100)
            if start <= runs_until:
                lawsuits.append(HistoryEntry(
                    Period(start, start + _dt.timedelta(days=200)), "LAWSUIT",
                    "Lawsuit with the mutuality about the incapacity for work"))
        code = _CATEGORIES[category]
        for phase in range(3):
            start = _plus_months(p.period.start, 12 * phase)
            if start > runs_until:
                break
            following = _plus_months(p.period.start, 12 * (phase + 1))
            end = p.period.end if phase == 2 or (p.period.end is not None
                                                 and p.period.end < following) else \
                following - _dt.timedelta(days=1)
            scales.append(HistoryEntry(
                Period(start, end), f"{code}{phase + 1}",
                f"{category.lower().replace('_', ' ')}, phase {phase + 1}"))
            if end == p.period.end:
                break
        if (p.period.start - birth).days < 25 * 365:
            evaluation = _plus_months(p.period.start, 6)
            while evaluation <= runs_until:
                following = _plus_months(evaluation, 6)
                availability.append(HistoryEntry(
                    Period(evaluation, following - _dt.timedelta(days=1)),
                    "POSITIVE" if rng.random() < 0.85 else "NEGATIVE",
                    "Evaluation of the active search for work", evaluation))
                evaluation = following

    during = [i for i in facts.incapacity
              if any(_overlaps(i.period, u.period) for u in facts.unemployment)]
    return _File(
        periods=facts.unemployment,
        category=category,
        organisation=organisation,
        activations=tuple(activations),
        exemptions=tuple(exemptions),
        sanctions=tuple(sanctions),
        scale_codes=tuple(scales),
        work_disability=tuple(
            HistoryEntry(i.period, i.kind, "Incapacity for work recognised by the mutuality")
            for i in during),
        no_earning_capacity=tuple(
            HistoryEntry(i.period, "NO_EARNING_CAPACITY", "Invalidity: no earning capacity")
            for i in during if i.kind == "INVALIDITY"),
        lawsuits=tuple(lawsuits),
        availability=tuple(availability),
        today=today,
    )


# --- the operations ------------------------------------------------------------------------------


Respond = Callable[[_File, _wire.Criteria], Answer]


def _serve(operation: str, *, activation: bool = False) -> Callable[[Respond], Respond]:
    """Register `respond` for `operation`, after the checks every operation shares."""

    def register(respond: Respond) -> Respond:
        def handler(ctx: HandlerContext, request: _xml.Element) -> Answer:
            criteria = _wire.read_criteria(request)
            population = ctx.population
            index = population.index_of(criteria.ssin)
            if index is None:
                return Answer(status("NO_RESULT", "MSG00005"))
            replaced_by = population.replaced_by(index)
            if replaced_by is not None:
                return Answer(status("NO_RESULT", "MSG00006",
                                     newSSIN=str(population.ssin_of(replaced_by))))
            file = _file(ctx, index)
            if not file.periods and not (activation and file.activations):
                return Answer(_NO_FILE)
            return respond(file, criteria)

        handles(_SERVICE, operation)(handler)
        return respond

    return register


def _answer(items: Sequence[T], write: Callable[[_xml.Element, T], None]) -> Answer:
    if not items:
        return Answer(_NO_DATA)

    def fill(result: _xml.Element) -> None:
        for item in items:
            write(result, item)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)


def _paid(file: _File, p: UnemploymentPeriod, month: Month) -> PaidSum | None:
    if month > file.current or not _overlap(p.period, _first(month), _last(month)):
        return None
    if month == file.current:
        return PaidSum(month, DossierStatus.NOT_STARTED, Money(0), 0)
    allowances = _allowances(p.period, month)
    paid = Money(allowances * p.daily_allowance_cents)
    last_paid = month == _shift(file.current, -1) and p.period.end is None
    state = DossierStatus(p.dossier_status) if last_paid else DossierStatus.COMPLETED
    return PaidSum(month, state, paid, allowances,
                   accepted=paid if state is DossierStatus.COMPLETED else None)


@_serve("consultPaidSums")
def paid_sums(file: _File, c: _wire.Criteria) -> Answer:
    assert c.start_month is not None and c.end_month is not None
    items = [s for month in _months(c.start_month, c.end_month) for p in file.periods
             if (s := _paid(file, p, month)) is not None]
    return _answer(items, _wire.write_paid_sum)


@_serve("consultActivationPaidSums", activation=True)
def activation_paid_sums(file: _File, c: _wire.Criteria) -> Answer:
    assert c.start_month is not None and c.end_month is not None
    asked = set(_months(c.start_month, c.end_month))
    items = []
    for a in file.activations:
        employer = a.employment.employer
        for month in a.months:
            if month not in asked:
                continue
            allowances = _allowances(a.employment.period, month)
            paid = Money(allowances * a.daily_cents)
            items.append(ActivationPaidSum(
                month, DossierStatus.COMPLETED, paid, allowances, "ACTIVA", accepted=paid,
                employer=EmployerRef(employer.name, employer.cbe_number, employer.noss_number),
                entry_into_employment=a.employment.period.start, mean_working_hours=a.hours))
    return _answer(items, _wire.write_activation_paid_sum)


@_serve("consultPayments")
def payments(file: _File, c: _wire.Criteria) -> Answer:
    if c.date is not None:
        month = Month.parse(c.date)
    else:
        paid = [Month.parse(min(p.period.end or file.today, _last(_shift(file.current, -1))))
                for p in file.periods]
        month = max(paid)
    items = []
    for p in file.periods:
        s = _paid(file, p, month)
        if s is not None and s.dossier_status is not DossierStatus.NOT_STARTED:
            items.append(Payment(_payday(month), month, s.paid, s.allowances, file.organisation))
    return _answer(items, _wire.write_payment)


@_serve("consultRights")
def rights(file: _File, c: _wire.Criteria) -> Answer:
    if c.date is not None:
        periods = [p for p in file.periods if p.period.contains(c.date)]
    else:
        periods = [max(file.periods, key=lambda p: p.period.start)]
    items = [
        Right(p.period, "FULL_UNEMPLOYMENT" if p.kind == "FULL" else "TEMPORARY_UNEMPLOYMENT",
              Money(p.daily_allowance_cents), file.category, DossierStatus(p.dossier_status))
        for p in periods
    ]
    return _answer(items, _wire.write_right)


@_serve("consultScheduledPayment")
def scheduled_payment(file: _File, c: _wire.Criteria) -> Answer:
    assert c.quarter is not None
    horizon = Quarter.of(file.today).end
    items = []
    for month in _months(Month.parse(c.quarter.start), Month.parse(c.quarter.end)):
        if _first(month) > horizon:
            continue
        for p in file.periods:
            allowances = _allowances(p.period, month)
            if allowances:
                items.append(ScheduledPayment(month, _payday(month),
                                              Money(allowances * p.daily_allowance_cents),
                                              allowances))
    return _answer(items, _wire.write_scheduled_payment)


def _history(operation: str, pick: Callable[[_File], tuple[HistoryEntry, ...]]) -> None:
    tag = _wire.HISTORY_ITEMS[operation]

    def respond(file: _File, c: _wire.Criteria) -> Answer:
        items = [e for e in pick(file) if _overlaps(e.period, c.period)]
        return _answer(items, lambda parent, e: _wire.write_history_entry(parent, tag, e))

    _serve(operation)(respond)


_history("consultExemptionHistory", lambda f: f.exemptions)
_history("consultSanctionHistory", lambda f: f.sanctions)
_history("consultScaleCodeHistory", lambda f: f.scale_codes)
_history("consultWorkDisabilityHistory", lambda f: f.work_disability)
_history("consultYoungAvailabilityDecisionHistory", lambda f: f.availability)


@_serve("consultNoEarningCapacityAndLawsuitMutuality")
def no_earning_capacity(file: _File, c: _wire.Criteria) -> Answer:
    capacity = [e for e in file.no_earning_capacity if _overlaps(e.period, c.period)]
    lawsuits = [e for e in file.lawsuits if _overlaps(e.period, c.period)]
    if not capacity and not lawsuits:
        return Answer(_NO_DATA)

    def fill(result: _xml.Element) -> None:
        for entry in capacity:
            _wire.write_history_entry(result, "noEarningCapacity", entry)
        for entry in lawsuits:
            _wire.write_history_entry(result, "lawsuitMutuality", entry)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)
