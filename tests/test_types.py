"""Shared value types: dates with unknown parts, periods, months, quarters, money, employers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ksz_client._exceptions import ValidationError
from ksz_client.types import EmployerRef, Money, Month, PartialDate, Period, Quarter


def test_partial_dates() -> None:
    assert PartialDate.parse("1985-07-00") == PartialDate(1985, 7)
    assert PartialDate.parse("1985") == PartialDate(1985)
    assert PartialDate(1985, 7).to_date() is None
    assert PartialDate.of(dt.date(1985, 7, 30)).isoformat() == "1985-07-30"
    for bad in ("85-07-30", "1985-13-00", "1985-02-30", "x"):
        with pytest.raises(ValidationError):
            PartialDate.parse(bad)
    with pytest.raises(ValidationError, match="day must have a month"):
        PartialDate(1985, None, 3)


def test_periods() -> None:
    period = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert period.contains(dt.date(2026, 6, 1)) and not period.contains(dt.date(2027, 1, 1))
    assert Period(dt.date(2026, 1, 1)).contains(dt.date(2099, 1, 1))
    with pytest.raises(ValidationError, match="end before it starts"):
        Period(dt.date(2026, 1, 2), dt.date(2026, 1, 1))


def test_months() -> None:
    assert Month.parse("2024-05") == Month(2024, 5) and str(Month(2024, 5)) == "2024-05"
    assert Month.parse(dt.date(2024, 5, 17)) == Month(2024, 5)
    assert Month(2023, 11).months_until(Month(2024, 2)) == 3
    for bad in ("2024-13", "24-05", "2024/05"):
        with pytest.raises(ValidationError):
            Month.parse(bad)


def test_quarters() -> None:
    q = Quarter.parse("2024Q4")
    assert q == Quarter.parse("2024-q4") and str(q) == "2024Q4"
    assert q.next() == Quarter(2025, 1) and q.start == dt.date(2024, 10, 1)
    assert q.end == dt.date(2024, 12, 31) and Quarter(2024, 1).end == dt.date(2024, 3, 31)
    assert Quarter.of(dt.date(2024, 5, 1)) == Quarter(2024, 2)
    assert Quarter(2023, 3).quarters_until(Quarter(2024, 2)) == 3
    for bad in ("2024Q5", "2024", "Q1 2024"):
        with pytest.raises(ValidationError):
            Quarter.parse(bad)


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_money_round_trips_through_its_text(cents: int) -> None:
    money = Money.from_cents(cents)
    assert Money.parse(str(money)) == money
    assert money.euro == Decimal(cents) / 100


def test_money_never_takes_a_float() -> None:
    assert Money.parse("1234.56").cents == 123456 and Money.parse("12,5").cents == 1250
    assert Money.parse(Decimal("0.10")).cents == 10 and Money.parse(12).cents == 1200
    with pytest.raises(ValidationError, match="float"):
        Money.parse(12.5)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="float"):
        Money(12.5)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="two decimals"):
        Money.parse("1.234")
    with pytest.raises(ValidationError):
        Money.parse("abc")
    assert str(Money(-5)) == "-0.05"


def test_employer_references() -> None:
    assert str(EmployerRef("Acme", cbe_number="0123456749")) == "Acme (0123456749)"
    with pytest.raises(ValidationError, match="10 digits"):
        EmployerRef(cbe_number="123")
    with pytest.raises(ValidationError, match="RSZ"):
        EmployerRef(noss_number="12")


def test_answered_ssin_names_the_current_number_and_masks_its_repr() -> None:
    from ksz_client.ssin import SsinKind, make
    from ksz_client.types import AnsweredSsin

    old = make(dt.date(1980, 1, 1), 1, kind=SsinKind.TEST)
    new = make(dt.date(1980, 1, 1), 3, kind=SsinKind.TEST)
    assert AnsweredSsin(old).current == old
    assert AnsweredSsin(old, canceled=True, replaced_by=new).current == new
    assert AnsweredSsin(new, replaces=old).current == new
    text = repr(AnsweredSsin(old, canceled=True, replaced_by=new))
    assert str(old) not in text and str(new) not in text


def test_household_relationships_are_defined_once_and_keep_every_code() -> None:
    from ksz_client.services.family import Relationship as FamilyRelationship
    from ksz_client.services.household_income.models import Relationship as IncomeRelationship
    from ksz_client.services.investigation import Relationship as InvestigationRelationship
    from ksz_client.types import HOUSEHOLD_RELATIONSHIPS, Relationship

    assert FamilyRelationship is IncomeRelationship is InvestigationRelationship is Relationship
    assert Relationship.PARTNER is Relationship.SPOUSE and Relationship("2") is Relationship.SPOUSE
    other = Relationship("07")
    assert other.value == "07" and other.name == "CODE_07"
    assert other.description == "relationship code 07"
    assert Relationship.CHILD.description == HOUSEHOLD_RELATIONSHIPS["03"]
    with pytest.raises(ValueError):
        Relationship("x1")
