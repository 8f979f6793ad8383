"""Sandbox handler of TaxAssessmentData V2 (``consultTaxAssessmentData``).

Answers from the person's `TaxAssessment` facts (income years before
`REFERENCE_DATE`, which is also the "current" year of the three-year window,
so that answers do not change with the calendar):

- an income year without taxable income and without dependants counts as a
  year without a tax return;
- ``year``: that income year, or NO_DATA_FOUND MSG00100;
- ``MOST_RECENT``: the most recent year with a return among the three income
  years before the reference year, or NO_DATA_FOUND TAXA0007;
- ``MOST_RECENT_UNLIMITED``: the most recent year with a return, or MSG00100;
- a married person is assessed jointly with the partner of the household
  (``partner``); the fiscal family's income adds the partner's;
- gross income is the taxable income before the sandbox's flat 14 % of costs;
  distinctly taxable income is zero; dependants are all children, none
  handicapped.

Only the elements asked for (directly or through their group) are returned;
no selection returns everything. Unknown SSIN MSG00005; replaced MSG00006.
"""

from __future__ import annotations

from ksz_client import _xml
from ksz_client.sandbox.facts import REFERENCE_DATE, TaxAssessment
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.services.tax_assessment import _wire
from ksz_client.services.tax_assessment.models import (
    GROUP_ELEMENTS,
    NO_RECENT_RETURN,
    DerivedYear,
    FiscalElement,
    TaxAssessmentData,
)
from ksz_client.types import Money, Status

_NO_RECENT = Status("NO_DATA_FOUND", NO_RECENT_RETURN, "No tax return in the last 3 years")


def _filed(taxes: tuple[TaxAssessment, ...]) -> dict[int, TaxAssessment]:
    return {t.income_year: t for t in taxes if t.taxable_income_cents > 0 or t.dependants > 0}


@handles("TaxAssessment", "consultTaxAssessmentData")
def assessment(ctx: HandlerContext, request: _xml.Element) -> Answer:
    criteria = _wire.read_criteria(request)
    population = ctx.population
    index = population.index_of(criteria.ssin)
    if index is None:
        return Answer(status("NO_RESULT", "MSG00005"))
    replaced_by = population.replaced_by(index)
    if replaced_by is not None:
        return Answer(status("NO_RESULT", "MSG00006", newSSIN=str(population.ssin_of(replaced_by))))
    filed = _filed(population.facts(index).taxes)
    current = REFERENCE_DATE.year
    if criteria.year is not None:
        years = [criteria.year] if criteria.year in filed else []
    elif criteria.derived is DerivedYear.MOST_RECENT:
        years = [y for y in filed if current - 3 <= y < current]
        if not years:
            return Answer(_NO_RECENT)
    else:
        years = list(filed)
    if not years:
        return Answer(status("NO_DATA_FOUND", "MSG00100"))
    tax = filed[max(years)]
    partner = next((c.partner_ssin for c in population.person(index).civil_states
                    if c.code == "20" and c.partner_ssin is not None), None)
    family = tax.taxable_income_cents
    if partner is not None:
        partner_index = population.index_of(partner)
        if partner_index is not None:
            theirs = _filed(population.facts(partner_index).taxes).get(tax.income_year)
            family += theirs.taxable_income_cents if theirs is not None else 0
    wanted = set(criteria.elements)
    for group in criteria.groups:
        wanted.update(GROUP_ELEMENTS[group])
    if not wanted:
        wanted = set(FiscalElement)

    def pick(element: FiscalElement, value: int) -> Money | None:
        return Money(value) if element in wanted else None

    def count(element: FiscalElement, value: int) -> int | None:
        return value if element in wanted else None

    data = TaxAssessmentData(
        income_year=tax.income_year,
        assessment_year=tax.income_year + 1,
        partner_ssin=partner,
        global_taxable_income=pick(FiscalElement.GLOBAL_TAXABLE_INCOME, tax.taxable_income_cents),
        gross_income=pick(FiscalElement.GROSS_INCOME, tax.taxable_income_cents * 100 // 86),
        foreign_real_estate_income=pick(FiscalElement.FOREIGN_REAL_ESTATE_INCOME,
                                        tax.foreign_real_estate_income_cents),
        distinctly_taxable_income=pick(FiscalElement.DISTINCTLY_TAXABLE_INCOME, 0),
        fiscal_family_global_taxable_income=pick(
            FiscalElement.GLOBAL_TAXABLE_INCOME_FISCAL_FAMILY, family),
        children_dependent=count(FiscalElement.CHILDREN_DEPENDENT, tax.dependants),
        children_dependent_handicapped=count(FiscalElement.CHILDREN_DEPENDENT_HANDICAP, 0),
        other_dependents=count(FiscalElement.OTHER_DEPENDENT, 0),
    )

    def fill(result: _xml.Element) -> None:
        _wire.write_assessment(result, data)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)
