"""The one parser of date arguments (`ksz_client._inputs`), and every service using it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.services.official_helpers import offline

from ksz_client._client import KszClient
from ksz_client._exceptions import ValidationError
from ksz_client._inputs import date_arg, optional_date_arg
from ksz_client.audit._guard import belgian_today
from ksz_client.sandbox import SECOND_OCMW_CBE_NUMBER
from ksz_client.ssin import SsinKind, make

DAY = dt.date(2024, 1, 31)


# --- the parser ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2024-01-31", " 2024-01-31\n", "\t2024-01-31 ", DAY])
def test_a_date_or_its_text_is_the_day(value: object) -> None:
    assert date_arg(value, "the start") == DAY
    assert optional_date_arg(value, "the start") == DAY
    assert type(date_arg(value, "the start")) is dt.date


def test_a_date_is_returned_as_given() -> None:
    assert date_arg(DAY, "the start") is DAY


def test_none_is_required_or_left_out() -> None:
    assert optional_date_arg(None, "the end") is None
    with pytest.raises(ValidationError, match=r"^the end is required$"):
        date_arg(None, "the end")


@pytest.mark.parametrize("text", [
    "31/01/2024", "2024/01/31", "2024-1-31", "24-01-31", "tomorrow", "", "   ",
    "2025-02-30", "2024-13-01", "2024-00-10", "2024-01-00",
    # What date.fromisoformat would also take, but is not YYYY-MM-DD.
    "20240131", "2024-W05-3", "2024W053", "2024-031", "2024-01-31T00:00:00",
    # Digits other than ASCII ones (Arabic-Indic) look alike but are not the format.
    "\u0662\u0660\u0662\u0664-01-31",
    "2024-01-31 2024-02-01",
])
def test_text_other_than_a_real_day_as_yyyy_mm_dd_is_refused(text: str) -> None:
    for parse in (date_arg, optional_date_arg):
        with pytest.raises(ValidationError, match=r"^the start is a date as YYYY-MM-DD$"):
            parse(text, "the start")


@pytest.mark.parametrize("value", [
    20240131, 2024.0131, True, b"2024-01-31", bytearray(b"2024-01-31"),
    ["2024-01-31"], ("2024", "01", "31"), {"year": 2024}, object(),
])
def test_a_value_of_another_type_is_a_validation_error(value: object) -> None:
    # Before: AttributeError ('int' object has no attribute 'strip') in all but one service.
    for parse in (date_arg, optional_date_arg):
        with pytest.raises(ValidationError, match=r"^decision_date is a date as YYYY-MM-DD$"):
            parse(value, "decision_date")


@pytest.mark.parametrize("value", [
    dt.datetime(2024, 1, 31),
    dt.datetime(2024, 1, 31, 23, 30, tzinfo=dt.UTC),  # 1 February in Brussels
])
def test_a_date_and_time_is_refused_with_a_hint(value: dt.datetime) -> None:
    for parse in (date_arg, optional_date_arg):
        with pytest.raises(ValidationError, match=r"not a date and time.*\.date\(\)"):
            parse(value, "the start")
    assert date_arg(value.date(), "the start") == value.date()


def test_a_date_subclass_other_than_datetime_is_a_date() -> None:
    class Day(dt.date):
        pass

    assert date_arg(Day(2024, 1, 31), "the start") == DAY


def test_the_message_never_holds_the_value() -> None:
    ssin = "85073003328"  # an argument put in the wrong place may be an SSIN
    for value in (ssin, int(ssin), ssin.encode()):
        with pytest.raises(ValidationError) as caught:
            date_arg(value, "the start")
        assert ssin not in str(caught.value) and "850730" not in str(caught.value)


# --- every service refuses a bad date before sending anything ------------------------------

SSIN = str(make(dt.date(1980, 1, 1), 1, kind=SsinKind.TEST))
# The KSZ counts days in Belgium; the client does too (KszClient._today).
TODAY = belgian_today(dt.datetime.now(dt.UTC))

Call = Callable[[KszClient, Any], object]

# One call per service module whose date arguments go through `_inputs`, with every other
# argument valid, so the date is what is refused.
CALLS: dict[str, Call] = {
    "dolsis": lambda c, x: c.dolsis.find_employers(SSIN, scope="mutations", start=x),
    "dolsis_posted": lambda c, x: c.dolsis.find_posted_workers("Peeters", birth_date=x),
    "family": lambda c, x: c.family.get(SSIN, at=x),
    "handi": lambda c, x: c.handi.files_by_date(SSIN, date=x),
    "health_insurance": lambda c, x: c.health_insurance.insurability(SSIN, date=x),
    "heating": lambda c, x: c.heating.compute(
        SSIN, category="1", amount="100.00", quantity="500", housing_number="1",
        delivery_date=x),
    "job_seeker": lambda c, x: c.job_seeker.contact_and_inscription(SSIN, start=x),
    "leefloon_refund": lambda c, x: c.stop_attest.stop(SSIN, reference="D-1", end=x,
                                                       quality_code=2),
    "leefloon_refund_past": lambda c, x: c.refund_attest.register(
        SSIN, reference="D-1", start=TODAY, monthly_amount="100.00", decision_date=x,
        quality_code=2),
    "living_wages": lambda c, x: c.living_wages.periods(SSIN, end=x),
    "manage_access": lambda c, x: c.access.register(SSIN, quality_code=2, start=x,
                                                    last_name="X", birth_date="1985-07-30"),
    "mediprima": lambda c, x: c.mediprima.stop(SSIN, carmed_number="202600000001",
                                               last_day=x),
    "multifunctional_attest": lambda c, x: c.a036.create(
        SSIN, decision_date=x, start=TODAY, category="ISOLATED"),
    "multifunctional_attest_l036": lambda c, x: c.l036.page(SSIN, end=x),
    "pension_register": lambda c, x: c.pensions.get(SSIN, start=x),
    "reference_manager": lambda c, x: c.references.other_sectors(SSIN, quality_code=2,
                                                                 integrated_start=x),
    "self_employed": lambda c, x: c.self_employed.career(SSIN, start=x),
    "social_report": lambda c, x: c.social_report.send(
        SSIN, recipient=SECOND_OCMW_CBE_NUMBER, file_number="SD/2026-17", opened_on=x),
    "unemployment": lambda c, x: c.unemployment.payments(SSIN, date=x),
    "vesta": lambda c, x: c.vesta.stop(SSIN, reference="VST1", end=x),
    "wet65": lambda c, x: c.wet65_c.cancel(SSIN, file_id="DOS00000001",
                                           attest_id="A" * 15, decision_date=x,
                                           nature="A", reason="01"),
}


@pytest.mark.parametrize("service", sorted(CALLS))
def test_every_service_refuses_a_bad_date_before_sending(sandbox_config_path: Path,
                                                         service: str) -> None:
    client, transport = offline(sandbox_config_path)
    call = CALLS[service]
    with pytest.raises(ValidationError, match=r"is a date as YYYY-MM-DD$"):
        call(client, 20240131)
    with pytest.raises(ValidationError, match="not a date and time"):
        call(client, dt.datetime(2024, 1, 31, 9, 0))
    with pytest.raises(ValidationError, match=r"is a date as YYYY-MM-DD$"):
        call(client, "31/01/2024")
    assert transport.sent == []
