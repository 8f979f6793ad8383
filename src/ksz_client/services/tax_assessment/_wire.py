"""TaxAssessmentData V2 on the wire: criteria and the assessment, both directions.

Amounts travel in euro with two decimals and become `Money` without a float.
"""

from __future__ import annotations

from dataclasses import dataclass

from ksz_client import _xml
from ksz_client._exceptions import InvalidSsin, ResponseError, ValidationError
from ksz_client.services.tax_assessment.models import (
    DerivedYear,
    FiscalElement,
    FiscalGroup,
    TaxAssessmentData,
)
from ksz_client.ssin import Ssin
from ksz_client.types import Money

__all__ = ["Criteria", "read_assessment", "read_criteria", "write_assessment", "write_criteria"]


@dataclass(frozen=True)
class Criteria:
    """Whose assessment, which reference year (a year or a derived one), which data."""

    ssin: str
    year: int | None = None
    derived: DerivedYear | None = None
    elements: tuple[FiscalElement, ...] = ()
    groups: tuple[FiscalGroup, ...] = ()


def write_criteria(payload: _xml.Element, c: Criteria) -> None:
    el = _xml.sub(payload, "criteria")
    _xml.sub(el, "ssin", c.ssin)
    reference = _xml.sub(el, "referenceYear")
    if c.year is not None:
        _xml.sub(reference, "year", str(c.year))
    else:
        _xml.sub(reference, "derivedYear", (c.derived or DerivedYear.MOST_RECENT).value)
    if c.elements or c.groups:
        selection = _xml.sub(el, "fiscalDataSelection")
        if c.elements:
            elements = _xml.sub(selection, "elements")
            for element in c.elements:
                _xml.sub(elements, "element", element.value)
        if c.groups:
            groups = _xml.sub(selection, "groups")
            for group in c.groups:
                _xml.sub(groups, "group", group.value)


def read_criteria(payload: _xml.Element) -> Criteria:
    """The criteria of a request (the sandbox's side); unknown codes raise ValidationError."""
    el = _xml.req(payload, "criteria")
    derived = _xml.opt_text(el, "referenceYear/derivedYear")
    try:
        return Criteria(
            ssin=_xml.req_text(el, "ssin"),
            year=_xml.opt_int(el, "referenceYear/year"),
            derived=DerivedYear(derived) if derived else None,
            elements=tuple(FiscalElement((e.text or "").strip())
                           for e in el.iterfind("fiscalDataSelection/elements/element")),
            groups=tuple(FiscalGroup((g.text or "").strip())
                         for g in el.iterfind("fiscalDataSelection/groups/group")),
        )
    except ValueError:
        raise ValidationError("unknown fiscal data code") from None


_AMOUNTS = (
    ("globalTaxableIncome", "global_taxable_income"),
    ("grossIncome", "gross_income"),
    ("foreignRealEstateIncome", "foreign_real_estate_income"),
    ("distinctlyTaxableIncome", "distinctly_taxable_income"),
    ("globalTaxableIncomeFiscalFamily", "fiscal_family_global_taxable_income"),
)


def _money(el: _xml.Element, path: str) -> Money | None:
    text = _xml.opt_text(el, path)
    if text is None:
        return None
    try:
        return Money.parse(text)
    except ValidationError:
        raise ResponseError(f"{path} is not an amount in euro") from None


def _year(el: _xml.Element, path: str) -> int:
    year = _xml.opt_int(el, path)
    if year is None:
        raise ResponseError(f"the tax assessment has no {path}")
    return year


def read_assessment(el: _xml.Element) -> TaxAssessmentData:
    """A `TaxAssessmentData` from a ``taxAssessment`` element."""
    partner = _xml.opt_text(el, "partner/ssin")
    try:
        partner_ssin = Ssin(partner, allow_test=True) if partner else None
    except InvalidSsin:
        raise ResponseError("the answer carries a malformed SSIN") from None
    amounts = {attr: _money(el, tag) for tag, attr in _AMOUNTS}
    return TaxAssessmentData(
        income_year=_year(el, "incomeYear"),
        assessment_year=_year(el, "assessmentYear"),
        partner_ssin=partner_ssin,
        children_dependent=_xml.opt_int(el, "childrenDependent/number"),
        children_dependent_handicapped=_xml.opt_int(el, "childrenDependent/numberHandicapped"),
        other_dependents=_xml.opt_int(el, "otherDependents"),
        **amounts,
    )


def write_assessment(parent: _xml.Element, data: TaxAssessmentData) -> _xml.Element:
    """Append a ``taxAssessment`` element (schema order)."""
    el = _xml.sub(parent, "taxAssessment")
    _xml.sub(el, "incomeYear", str(data.income_year))
    _xml.sub(el, "assessmentYear", str(data.assessment_year))
    if data.partner_ssin is not None:
        _xml.sub(_xml.sub(el, "partner"), "ssin", str(data.partner_ssin))
    for tag, attr in _AMOUNTS:
        amount: Money | None = getattr(data, attr)
        if amount is not None:
            _xml.sub(el, tag, str(amount))
    if data.children_dependent is not None or data.children_dependent_handicapped is not None:
        children = _xml.sub(el, "childrenDependent")
        if data.children_dependent is not None:
            _xml.sub(children, "number", str(data.children_dependent))
        if data.children_dependent_handicapped is not None:
            _xml.sub(children, "numberHandicapped", str(data.children_dependent_handicapped))
    if data.other_dependents is not None:
        _xml.sub(el, "otherDependents", str(data.other_dependents))
    return el
