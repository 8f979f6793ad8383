"""OCMWCPASHouseholdIncome V1 on the wire: criteria and household income <-> XML.

Children are unqualified (WS-Consult conventions); amounts are whole euro
cents. The client reads with `read_income`; the sandbox writes with
`write_income`, so one mapping serves both.
"""

from __future__ import annotations

from ksz_client import _xml
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client.services.household_income.models import (
    HouseholdIncome,
    MemberIncome,
    Relationship,
    check_year,
)
from ksz_client.ssin import Ssin
from ksz_client.types import Money

__all__ = ["read_criteria", "read_income", "write_criteria", "write_income"]


def write_criteria(payload: _xml.Element, ssin: str, income_year: int | None) -> None:
    criteria = _xml.sub(payload, "criteria")
    _xml.sub(criteria, "ssin", ssin)
    if income_year is not None:
        _xml.sub(criteria, "incomeYear", str(income_year))


def read_criteria(payload: _xml.Element) -> tuple[str, int | None]:
    """The SSIN and income year of a request (the sandbox's side)."""
    criteria = _xml.req(payload, "criteria")
    try:
        year = _xml.opt_int(criteria, "incomeYear")
    except ResponseError:
        raise ValidationError("the income year is not a number") from None
    return _xml.req_text(criteria, "ssin"), None if year is None else check_year(year)


def _cents(el: _xml.Element, name: str) -> int | None:
    value = _xml.opt_int(el, name)
    if value is not None and value < 0:
        raise ResponseError(f"the answer carries a negative {name}")
    return value


def read_member(el: _xml.Element) -> MemberIncome:
    """A member element; unknown elements are ignored."""
    try:
        ssin = Ssin(_xml.req_text(el, "ssin"), allow_test=True)
        relationship = Relationship(_xml.req_text(el, "relationship"))
    except ValueError:
        raise ResponseError("a household member of the answer is malformed") from None
    taxable = _cents(el, "taxableIncome")
    benefits = _cents(el, "monthlyBenefits")
    if benefits is None:
        raise ResponseError("the answer lacks the required element member/monthlyBenefits")
    return MemberIncome(ssin, relationship,
                        None if taxable is None else Money.from_cents(taxable),
                        Money.from_cents(benefits))


def read_income(payload: _xml.Element) -> HouseholdIncome | None:
    """The household income of a response, or None without a result."""
    result = payload.find("result")
    if result is None:
        return None
    year = _xml.opt_int(result, "incomeYear")
    if year is None:
        raise ResponseError("the answer lacks the required element result/incomeYear")
    members = tuple(read_member(m) for m in result.iterfind("member"))
    if not members:
        raise ResponseError("the household of the answer has no member")
    return HouseholdIncome(year, members)


def write_income(result: _xml.Element, income: HouseholdIncome) -> None:
    """Fill a ``result`` element with `income`."""
    _xml.sub(result, "incomeYear", str(income.income_year))
    for member in income.members:
        el = _xml.sub(result, "member")
        _xml.sub(el, "ssin", str(member.ssin))
        _xml.sub(el, "relationship", member.relationship.value)
        if member.taxable_income is not None:
            _xml.sub(el, "taxableIncome", str(member.taxable_income.cents))
        _xml.sub(el, "monthlyBenefits", str(member.monthly_benefits.cents))
