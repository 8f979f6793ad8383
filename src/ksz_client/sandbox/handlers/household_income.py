"""Sandbox handler of OCMWCPASHouseholdIncome V1: the household income from the facts.

MODELLED. The household is the one the person lives in (the population's
households); per member the taxable income of the income year (the tax
assessment, absent when the member was not assessed) and the monthly
benefits running today: pensions, unemployment (daily allowance times 26)
and disability allowances. Without an income year asked, the last one
assessed for a member is used. Statuses: DATA_FOUND; NO_DATA_FOUND MSG00100
without any assessment of the year and without benefits (MSG00009 for a
deceased person); NO_RESULT MSG00005 unknown SSIN, MSG00006 replaced
(``newSSIN``).
"""

from __future__ import annotations

from typing import Final

from ksz_client import _xml
from ksz_client._exceptions import ValidationError
from ksz_client.sandbox.facts import Facts
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.services.household_income import _wire
from ksz_client.services.household_income.models import (
    HouseholdIncome,
    MemberIncome,
    Relationship,
)
from ksz_client.types import Money

__all__ = ["BENEFIT_DAYS", "consult_household_income", "monthly_benefits_cents"]

BENEFIT_DAYS: Final = 26
"""Unemployment allowance days in a month (the six-day week)."""


def monthly_benefits_cents(facts: Facts, ctx: HandlerContext) -> int:
    """The monthly social benefits running on the day of the answer, in cents."""
    day = ctx.today
    total = sum(p.monthly_gross_cents for p in facts.pensions if p.period.contains(day))
    total += sum(u.daily_allowance_cents * BENEFIT_DAYS for u in facts.unemployment
                 if u.period.contains(day))
    if facts.disability is not None:
        total += (facts.disability.income_replacement_monthly_cents
                  + facts.disability.integration_monthly_cents)
    return total


@handles("OCMWCPASHouseholdIncome", "consultHouseholdIncome")
def consult_household_income(ctx: HandlerContext, request: _xml.Element) -> Answer:
    """The household income of the person of the request."""
    try:
        number, year = _wire.read_criteria(request)
    except ValidationError:
        return Answer(status("NO_RESULT", "MSG00008"))
    population = ctx.population
    index = population.index_of(number)
    if index is None:
        return Answer(status("NO_RESULT", "MSG00005"))
    replaced_by = population.replaced_by(index)
    if replaced_by is not None:
        return Answer(status("NO_RESULT", "MSG00006",
                             newSSIN=str(population.ssin_of(replaced_by))))
    if population.is_deceased(index):
        return Answer(status("NO_DATA_FOUND", "MSG00009"))
    members = population.household(index).members
    facts = {m.index: population.facts(m.index) for m in members}
    if year is None:
        years = [t.income_year for f in facts.values() for t in f.taxes]
        year = max(years, default=ctx.today.year - 1)
    incomes = []
    for member in members:
        assessed = [t.taxable_income_cents for t in facts[member.index].taxes
                    if t.income_year == year]
        incomes.append(MemberIncome(
            member.ssin,
            Relationship(member.relationship),
            Money.from_cents(assessed[0]) if assessed else None,
            Money.from_cents(monthly_benefits_cents(facts[member.index], ctx)),
        ))
    if all(m.taxable_income is None and m.monthly_benefits.cents == 0 for m in incomes):
        return Answer(status("NO_DATA_FOUND", "MSG00100"))
    income = HouseholdIncome(year, tuple(incomes))

    def fill(result: _xml.Element) -> None:
        _wire.write_income(result, income)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)
