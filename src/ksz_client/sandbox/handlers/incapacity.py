"""Sandbox handlers of HdiIndemnityAllowance V1 (official contract in set-b), from the facts.

For the asked quarter, every incapacity period of the person
(`facts.IncapacityPeriod`) that overlaps it becomes an allowance: INCAPACITY
and INVALIDITY a general incapacity for work (INVALIDITY with an invalidity
that began on the period's start, the primary incapacity a year earlier),
PREGNANCY a general maternity protection. The mutuality pays per month, six
days a week (Sundays excepted), the daily indemnity of the facts. A closed
quarter has a definitive attest (a stable id, version 0, CREATION); the
current quarter a temporary one. A quarter in the future is NO_RESULT
MSG00008; a quarter without incapacity NO_DATA_FOUND MSG00100.

A replaced SSIN is answered for the current one, the answer's ``ssin``
naming the SSIN asked for with ``canceled`` and ``replacedBy``; an SSIN the
sandbox does not know is NO_RESULT MSG00005.
"""

from __future__ import annotations

import datetime as _dt
import uuid
from typing import Final

from ksz_client import _xml
from ksz_client._exceptions import ValidationError
from ksz_client.sandbox.facts import IncapacityPeriod
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.services.incapacity import _wire
from ksz_client.services.incapacity.models import (
    ActivityCode,
    Allowance,
    AllowanceCategory,
    Attest,
    AttestationStatus,
    AttestIdentification,
    DocumentType,
    ExitCode,
    FamilySituation,
    IncapacityCategory,
    IndemnityPayment,
    IndemnityPeriod,
    Invalidity,
    InvalidityCategory,
    RiskDetail,
    SocialRiskCategory,
    SocialStatus,
)
from ksz_client.types import AnsweredSsin, Money, Period, Quarter

SERVICE: Final = "HdiIndemnityAllowance"
_DOCUMENTS: Final = {"INCAPACITY": DocumentType.C21, "INVALIDITY": DocumentType.PI0,
                     "PREGNANCY": DocumentType.C23}



def _working_days(start: _dt.date, end: _dt.date) -> int:
    return sum(1 for n in range((end - start).days + 1)
               if (start + _dt.timedelta(days=n)).weekday() != 6)


def _months(span: Period) -> list[Period]:
    assert span.end is not None
    out = []
    day = span.start
    while day <= span.end:
        following = _dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        out.append(Period(day, min(span.end, following - _dt.timedelta(days=1))))
        day = following
    return out


class Quarterly:
    """What the sources know of one person's incapacity in one quarter."""

    def __init__(self, seed: int, index: int, quarter: Quarter, today: _dt.date,
                 periods: tuple[IncapacityPeriod, ...], *, single: bool,
                 death: _dt.date | None) -> None:
        self.seed, self.index, self.quarter, self.today = seed, index, quarter, today
        self.current = quarter == Quarter.of(today)
        self.single = single
        self.death = death
        last = min(quarter.end, today) if self.current else quarter.end
        self.spans: list[tuple[IncapacityPeriod, Period]] = []
        for fact in periods:
            start = max(fact.period.start, quarter.start)
            end = min(fact.period.end or last, last)
            if start <= end:
                self.spans.append((fact, Period(start, end)))

    @property
    def identification(self) -> AttestIdentification:
        if self.current:
            return AttestIdentification(self.quarter, self.today)
        # The same attest id in every run of the same seed.
        ident = uuid.uuid5(uuid.NAMESPACE_URL, f"ksz-sandbox:{self.seed}:{self.index}:"
                                               f"{self.quarter}")
        return AttestIdentification(
            self.quarter, min(self.quarter.end + _dt.timedelta(days=15), self.today),
            str(ident), 0, AttestationStatus.CREATION)

    def _exit(self, fact: IncapacityPeriod, span: Period) -> ExitCode:
        if fact.period.end is None or fact.period.end != span.end:
            return ExitCode.NO_EXIT
        if fact.period.end == self.death:
            return ExitCode.DECEASE
        return (ExitCode.MATERNITY_ENDED_OTHERWISE if fact.kind == "PREGNANCY"
                else ExitCode.RETURN_TO_WORK_OR_UNEMPLOYMENT)

    def _initial(self, fact: IncapacityPeriod) -> _dt.date:
        if fact.kind == "INVALIDITY":
            return fact.period.start - _dt.timedelta(days=365)
        return fact.period.start

    def _payments(self, fact: IncapacityPeriod, span: Period) -> tuple[IndemnityPayment, ...]:
        out = []
        for month in _months(span):
            assert month.end is not None
            days = _working_days(month.start, month.end)
            out.append(IndemnityPayment(
                period=month, amount=Money(days * fact.daily_indemnity_cents), days=days,
                document=_DOCUMENTS.get(fact.kind, DocumentType.C21),
                incapacity_category=IncapacityCategory.REGULAR_EMPLOYEE,
                family_situation=FamilySituation.SINGLE if self.single
                else FamilySituation.COHABITANT,
                allowance_category=AllowanceCategory.ORDINARY, allowance_code="00",
            ))
        return tuple(out)

    def attest(self) -> Attest:
        allowances = []
        for fact, span in self.spans:
            status_ = SocialStatus.BLUE_COLLAR if self.index % 2 else SocialStatus.WHITE_COLLAR
            if fact.kind == "PREGNANCY":
                due = fact.period.start + _dt.timedelta(weeks=6)
                risk = SocialRiskCategory.GENERAL_PREGNANCY
                detail = RiskDetail(
                    social_status=status_, period=span, exit_code=self._exit(fact, span),
                    initial_start=fact.period.start, activity=ActivityCode.ACTIVE,
                    delivery_date=due if due <= self.today else None,
                    supposed_delivery_date=due,
                )
            else:
                risk = SocialRiskCategory.GENERAL_INCAPACITY
                detail = RiskDetail(
                    social_status=status_, period=span, exit_code=self._exit(fact, span),
                    invalidity=Invalidity(InvalidityCategory.NORMAL, fact.period.start)
                    if fact.kind == "INVALIDITY" else None,
                    initial_start=self._initial(fact), activity=ActivityCode.ACTIVE,
                )
            allowances.append(Allowance(risk, detail, self._payments(fact, span)))
        return Attest(self.identification, tuple(allowances))

    def periods(self) -> tuple[IndemnityPeriod, ...]:
        out = []
        for fact, span in self.spans:
            ended = fact.period.end is not None and fact.period.end <= self.quarter.end
            exit_code = self._exit(fact, span)
            out.append(IndemnityPeriod(
                period=Period(span.start, fact.period.end if ended else None),
                initial_start=self._initial(fact),
                invalidity_start=fact.period.start if fact.kind == "INVALIDITY" else None,
                exit_code=exit_code if ended else None,
                payments=self._payments(fact, span),
            ))
        return tuple(out)


def _quarterly(ctx: HandlerContext,
               request: _xml.Element) -> tuple[Quarterly, AnsweredSsin] | Answer:
    ssin, quarter = _wire.read_criteria(request)
    if quarter > Quarter.of(ctx.today):
        raise ValidationError("the quarter is in the future")
    index = ctx.population.index_of(ssin)
    if index is None:
        return Answer(status("NO_RESULT", "MSG00005"))
    answered = AnsweredSsin(ctx.population.ssin_of(index))
    new = ctx.population.replaced_by(index)
    if new is not None:
        # The KSZ passes the old SSIN on and annotates the answer with the new one.
        answered = AnsweredSsin(answered.ssin, canceled=True,
                                replaced_by=ctx.population.ssin_of(new))
        index = new
    population = ctx.population
    single = len(population.household(index).members) == 1
    return Quarterly(population.seed, index, quarter, ctx.today,
                     population.facts(index).incapacity, single=single,
                     death=population.death_date(index)), answered


@handles(SERVICE, "consultAttest")
def consult_attest(ctx: HandlerContext, request: _xml.Element) -> Answer:
    found = _quarterly(ctx, request)
    if isinstance(found, Answer):
        return found
    quarterly, answered = found
    if not quarterly.spans:
        return Answer(status("NO_DATA_FOUND", "MSG00100"),
                      lambda root: _wire.write_answered_ssin(root, answered),
                      wrapper=None)
    attest = quarterly.attest()

    def write(root: _xml.Element) -> None:
        _wire.write_answered_ssin(root, answered)
        _wire.write_attest(root, attest)

    return Answer(status("DATA_FOUND", "MSG00000"), write, wrapper=None)


@handles(SERVICE, "consultIndemnityPeriods")
def consult_indemnity_periods(ctx: HandlerContext, request: _xml.Element) -> Answer:
    found = _quarterly(ctx, request)
    if isinstance(found, Answer):
        return found
    quarterly, answered = found
    if not quarterly.spans:
        return Answer(status("NO_DATA_FOUND", "MSG00100"),
                      lambda root: _wire.write_answered_ssin(root, answered),
                      wrapper=None)
    identification, periods = quarterly.identification, quarterly.periods()

    def write(root: _xml.Element) -> None:
        _wire.write_answered_ssin(root, answered)
        _wire.write_periods(root, identification, periods)

    return Answer(status("DATA_FOUND", "MSG00000"), write, wrapper=None)
