"""Sandbox handlers of HandiService V2 (official contract in set-b), from the person's facts.

The federal source DGPH answers from `facts.DisabilityFile`: the request
(90 days before the recognition), the recognition (decided a week before it
starts; adult assessment points from the integration-allowance category),
the right to the income replacement and integration allowances (ending at
death), a social card for some, and one payment a month. VSB, the Flemish
source, answers for the Flemish residents with a disability file: a care
budget of 300 euro a month from three months after the recognition. The
other regional sources have no data (NO_DATA_FOUND). The DGPH gives its
decision status only when ``decisionStatus`` is asked, and the legislation
of its recognitions only with ``enrichedRecognition``, as the real one does.

**Outage**: for every person whose index is 3 modulo 7 (`unavailable_source`),
the regional source of the person's region (VSB in Flanders, AVIQ in
Wallonia, Iriscare in Brussels, DSL in the German-speaking Community) is
unreachable: its part is TECHNICAL_ERROR MSG00002 and the answer
INCOMPLETE_DATA HAN20200, with the other sources' data.

A replaced SSIN is answered for the current one, the answer's ``ssin``
naming the SSIN asked for with ``canceled`` and ``replacedBy``; an SSIN the
sandbox does not know is NO_RESULT MSG00005; criteria the service refuses
(no source, no part, a date in the future, more than 24 months of
payments) are NO_RESULT MSG00008.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Final

from ksz_client import _xml
from ksz_client._exceptions import ValidationError
from ksz_client.sandbox.facts import DisabilityFile as DisabilityFact
from ksz_client.sandbox.handlers import Answer, HandlerContext, describe, handles, status
from ksz_client.sandbox.population import Population
from ksz_client.services.handi import _wire
from ksz_client.services.handi.models import (
    AdultAssessment,
    CardCategory,
    DisabilityFile,
    FilePart,
    HandicappedPerson,
    HandiSource,
    IncomeReplacementCategory,
    Payment,
    Recognition,
    RecognitionDetails,
    RecognitionStatus,
    RequestEvolution,
    Right,
    SocialCard,
    SourceFile,
    SourcePayments,
    SourceStatus,
    SourceStatusValue,
)
from ksz_client.types import (
    AnsweredSsin,
    Information,
    Money,
    Month,
    Period,
    PersonName,
    Status,
)

SERVICE: Final = "HandiService"
INCOMPLETE: Final = "HAN20200"
VSB_CARE_BUDGET_CENTS: Final = 30_000
_REGIONAL: Final = {"nl": HandiSource.VSB, "fr": HandiSource.AVIQ,
                    "bxl": HandiSource.IRISCARE, "de": HandiSource.DSL}
_GERMAN: Final = frozenset({"63001", "63012", "63013", "63023", "63040", "63048", "63061",
                            "63067", "63087"})
_POINTS: Final = {1: 7, 2: 9, 3: 12, 4: 15, 5: 17}



def region_of(population: Population, index: int) -> str:
    """``nl``, ``fr``, ``bxl`` or ``de``: where the person lives, from the NIS code."""
    address = population.person(index).residential_address
    nis = (address.municipality_code if address is not None else None) or ""
    if nis.startswith("21"):
        return "bxl"
    if nis in _GERMAN:
        return "de"
    if nis[:1] in ("1", "3", "4", "7") or nis[:2] in ("23", "24"):
        return "nl"
    return "fr" if nis else "nl"


def unavailable_source(population: Population, index: int) -> HandiSource | None:
    """The regional source that is unreachable for person `index`, if any (see above)."""
    return _REGIONAL[region_of(population, index)] if index % 7 == 3 else None


@dataclass(frozen=True)
class _Person:
    population: Population
    index: int
    fact: DisabilityFact | None

    @property
    def death(self) -> _dt.date | None:
        return self.population.death_date(self.index)

    @property
    def request_date(self) -> _dt.date:
        assert self.fact is not None
        return self.fact.recognised_since - _dt.timedelta(days=90)

    @property
    def decided(self) -> _dt.date:
        assert self.fact is not None
        return self.fact.recognised_since - _dt.timedelta(days=7)

    def right(self, decision: bool) -> Right:
        assert self.fact is not None
        household = self.population.household(self.index)
        category = (IncomeReplacementCategory.B if len(household.members) == 1 else
                    IncomeReplacementCategory.C if any(m.relationship == "03"
                                                       for m in household.members)
                    else IncomeReplacementCategory.A)
        total = Money(self.fact.income_replacement_monthly_cents
                      + self.fact.integration_monthly_cents)
        return Right(Period(self.fact.recognised_since, self.death), 3, total, total, category,
                     self.fact.category, False, "DEFINITIVE" if decision else None)

    def recognition(self, decision: bool, enriched: bool) -> Recognition:
        assert self.fact is not None
        total = _POINTS[self.fact.category]
        points = [min(3, max(0, total - 3 * k)) for k in range(6)]
        return Recognition(
            status=RecognitionStatus(self.decided, Period(self.fact.recognised_since)),
            legislation=1 if enriched else None,
            details=RecognitionDetails(False, False, False, False),
            adult=AdultAssessment(
                mobility=points[0], nourishment=points[1], hygiene=points[2],
                household=points[3], supervision=points[4], social_skills=points[5],
                total_points=total, reduced_earning_capacity=True),
            decision_status="DEFINITIVE" if decision else None,
        )

    def card(self) -> SocialCard | None:
        assert self.fact is not None
        if not self.fact.social_card:
            return None
        category = (CardCategory.PARKINGCARD if self.fact.category >= 3
                    else CardCategory.REDUCTIONCARD)
        return SocialCard(self.fact.recognised_since + _dt.timedelta(days=20),
                          f"{self.index % 10**10:010d}", category)

    def person(self) -> HandicappedPerson:
        person = self.population.person(self.index)
        # The DGPH keeps one first name.
        name = PersonName(person.name.last_name, person.name.given_names[:1])
        return HandicappedPerson(name, person.residential_address)

    def dgph(self, criteria: _wire.FilesCriteria) -> DisabilityFile | None:
        if self.fact is None:
            return None
        first, last = _span(criteria)
        if last < self.request_date:
            return None
        parts = set(criteria.parts)
        right = self.right(criteria.decision_status)
        card = self.card()
        return DisabilityFile(
            person=self.person(),
            evolution=RequestEvolution(
                legislation=1, appeal=False, request_date=self.request_date,
                administrative_pending=False, recognition_pending=last < self.decided,
                file_completion_date=self.fact.recognised_since - _dt.timedelta(days=30),
            ) if FilePart.EVOLUTION_OF_REQUEST in parts else None,
            recognitions=(self.recognition(criteria.decision_status,
                                           criteria.enriched_recognition),)
            if FilePart.HANDICAP_RECOGNITIONS in parts and self.decided <= last else (),
            rights=(right,) if FilePart.RIGHTS in parts and _overlaps(right.period, first, last)
            else (),
            social_cards=(card,) if FilePart.SOCIAL_CARDS in parts and card is not None
            and card.delivered <= last else (),
        )

    @property
    def flemish_care_budget(self) -> Right | None:
        if self.fact is None or region_of(self.population, self.index) != "nl":
            return None
        return Right(Period(self.fact.recognised_since + _dt.timedelta(days=90), self.death), 4,
                     Money(VSB_CARE_BUDGET_CENTS))

    def vsb(self, criteria: _wire.FilesCriteria) -> DisabilityFile | None:
        right = self.flemish_care_budget
        if right is None or self.fact is None:
            return None
        first, last = _span(criteria)
        requested = self.fact.recognised_since + _dt.timedelta(days=30)
        if last < requested:
            return None
        parts = set(criteria.parts)
        if criteria.decision_status:
            right = Right(right.period, right.legislation, right.total_monthly,
                          decision_status="DEFINITIVE")
        return DisabilityFile(
            evolution=RequestEvolution(legislation=2, appeal=False, request_date=requested,
                                       administrative_pending=last < right.period.start)
            if FilePart.EVOLUTION_OF_REQUEST in parts else None,
            rights=(right,) if FilePart.RIGHTS in parts and _overlaps(right.period, first, last)
            else (),
        )

    def payments(self, source: HandiSource, period: Period, today: _dt.date
                 ) -> tuple[Payment, ...]:
        right = (self.right(False) if source is HandiSource.DGPH and self.fact is not None
                 else self.flemish_care_budget if source is HandiSource.VSB else None)
        if right is None:
            return ()
        assert period.end is not None
        month, last = Month.parse(max(period.start, right.period.start)), Month.parse(
            min(period.end, today, right.period.end or period.end))
        out: list[Payment] = []
        while month <= last and len(out) < 24:
            out.append(Payment(month, right.monthly or right.total_monthly))
            month = Month(month.year + month.month // 12, month.month % 12 + 1)
        return tuple(out)


def _span(criteria: _wire.FilesCriteria) -> tuple[_dt.date, _dt.date]:
    if criteria.date is not None:
        return criteria.date, criteria.date
    assert criteria.period is not None and criteria.period.end is not None
    return criteria.period.start, criteria.period.end


def _overlaps(period: Period, first: _dt.date, last: _dt.date) -> bool:
    return period.start <= last and (period.end is None or period.end >= first)


def _source_status(value: SourceStatusValue) -> SourceStatus:
    code = {SourceStatusValue.DATA_FOUND: "MSG00000", SourceStatusValue.NO_DATA_FOUND: "MSG00100",
            SourceStatusValue.TECHNICAL_ERROR: "MSG00002"}[value]
    return SourceStatus(value, code, describe(code) or "Supplier unreachable")


def _global(parts: list[SourceFile] | list[SourcePayments]) -> Status:
    missing = [p.source for p in parts if p.status.value is SourceStatusValue.TECHNICAL_ERROR]
    if missing:
        return Status("INCOMPLETE_DATA", INCOMPLETE, "Some authentic sources are unavailable",
                      tuple(Information("unavailableSource", s.value) for s in missing))
    if any(p.status.value is SourceStatusValue.DATA_FOUND for p in parts):
        return status("DATA_FOUND", "MSG00000")
    return status("NO_DATA_FOUND", "MSG00100")


def _subject(ctx: HandlerContext, ssin: str) -> tuple[_Person, AnsweredSsin] | Answer:
    index = ctx.population.index_of(ssin)
    if index is None:
        return Answer(status("NO_RESULT", "MSG00005"))
    answered = AnsweredSsin(ctx.population.ssin_of(index))
    new = ctx.population.replaced_by(index)
    if new is not None:
        answered = AnsweredSsin(answered.ssin, canceled=True,
                                replaced_by=ctx.population.ssin_of(new))
        index = new
    return _Person(ctx.population, index, ctx.population.facts(index).disability), answered


def _files(ctx: HandlerContext, request: _xml.Element, *, by_period: bool) -> Answer:
    criteria = _wire.read_files_criteria(request)
    if not criteria.sources or not criteria.parts:
        raise ValidationError("no source or no part asked")
    if criteria.date is not None and criteria.date > ctx.today:
        raise ValidationError("the reference date is in the future")
    found = _subject(ctx, criteria.ssin)
    if isinstance(found, Answer):
        return found
    person, answered = found
    outage = unavailable_source(ctx.population, person.index)
    parts: list[SourceFile] = []
    for source in criteria.sources:
        if source is outage:
            parts.append(SourceFile(source, _source_status(SourceStatusValue.TECHNICAL_ERROR)))
            continue
        file = (person.dgph(criteria) if source is HandiSource.DGPH else
                person.vsb(criteria) if source is HandiSource.VSB else None)
        parts.append(SourceFile(source, _source_status(
            SourceStatusValue.DATA_FOUND if file is not None else
            SourceStatusValue.NO_DATA_FOUND), file))

    def write(root: _xml.Element) -> None:
        _wire.write_answered_ssin(root, answered)
        _wire.write_files(root, tuple(parts), by_period=by_period)

    return Answer(_global(parts), write, wrapper=None)


@handles(SERVICE, "consultFilesByDate")
def consult_files_by_date(ctx: HandlerContext, request: _xml.Element) -> Answer:
    return _files(ctx, request, by_period=False)


@handles(SERVICE, "consultFilesByPeriod")
def consult_files_by_period(ctx: HandlerContext, request: _xml.Element) -> Answer:
    return _files(ctx, request, by_period=True)


@handles(SERVICE, "consultPayments")
def consult_payments(ctx: HandlerContext, request: _xml.Element) -> Answer:
    criteria = _wire.read_payments_criteria(request)
    assert criteria.period.end is not None
    if not criteria.sources:
        raise ValidationError("no source asked")
    if Month.parse(criteria.period.start).months_until(Month.parse(criteria.period.end)) >= 24:
        raise ValidationError("more than 24 months of payments")
    found = _subject(ctx, criteria.ssin)
    if isinstance(found, Answer):
        return found
    person, answered = found
    outage = unavailable_source(ctx.population, person.index)
    parts: list[SourcePayments] = []
    for source in criteria.sources:
        if source is outage:
            parts.append(SourcePayments(source,
                                        _source_status(SourceStatusValue.TECHNICAL_ERROR)))
            continue
        payments = person.payments(source, criteria.period, ctx.today)
        parts.append(SourcePayments(source, _source_status(
            SourceStatusValue.DATA_FOUND if payments else SourceStatusValue.NO_DATA_FOUND),
            payments))

    def write(root: _xml.Element) -> None:
        _wire.write_answered_ssin(root, answered)
        _wire.write_payments(root, tuple(parts))

    return Answer(_global(parts), write, wrapper=None)
