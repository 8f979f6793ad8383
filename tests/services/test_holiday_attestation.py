"""HolidayAttestationService V1: mapping (unit), end to end against the sandbox, contract, CLI."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _contracts, _xml, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import (
    InvalidSsin,
    ResponseError,
    SsinReplaced,
    UnknownSsin,
    ValidationError,
)
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK
from ksz_client.sandbox import Sandbox
from ksz_client.sandbox.facts import EMPLOYERS, DmfaQuarter, HolidayPay
from ksz_client.sandbox.handlers.holiday_attestation import split_by_employer
from ksz_client.services.holiday_attestation import (
    HolidayAttestation,
    HolidayPayResult,
    HolidayYears,
    _wire,
)
from ksz_client.ssin import SsinKind, make
from ksz_client.types import EmployerRef, Money, Receipt, Status

from .official_helpers import (
    assert_wsdl_agrees,
    ours_with_official_common,
)
from .sandbox_world import (  # noqa: F401 - fixtures
    assert_finality_checked,
    cli_setup,
    command,
    exchanged,
    index_from,
    integrate,
    social_worker,
)

SERVICE = catalogue.get("HolidayAttestationService")
NS = SERVICE.namespace
D = dt.date
BASE = 250  # this module integrates persons from here on, in the shared sandbox


# --- helpers --------------------------------------------------------------------------


def _index(sandbox: Sandbox, predicate, start: int = 0) -> int:  # type: ignore[no-untyped-def]
    """The first person from BASE + start that fits (persons below BASE are left to others)."""
    return index_from(sandbox, BASE + start, predicate)


def _with_pay(sandbox: Sandbox, start: int = 0) -> int:
    population = sandbox.population
    return _index(sandbox, lambda i: not population.is_deceased(i)
                  and bool(population.facts(i).holiday_pay), start)


def _without_pay(sandbox: Sandbox, start: int = 0, *, deceased: bool = False) -> int:
    population = sandbox.population
    return _index(sandbox, lambda i: population.is_deceased(i) == deceased
                  and not population.facts(i).holiday_pay, start)


def _years(sandbox: Sandbox, index: int) -> dict[str, int]:
    year = sandbox.population.facts(index).holiday_pay[0].year
    return {"first_year": year - 1, "last_year": year}


# --- mapping (unit) -------------------------------------------------------------------


def _attestation(**changes: object) -> HolidayAttestation:
    attestation = HolidayAttestation(
        holiday_year=2025, reference_year=2024, days=20,
        single_pay=Money.parse("2978.40"), double_pay=Money.from_cents(274_757),
        employer=EmployerRef("Bakkerij Peeters BV", "0411120143", "0411120100"))
    return dataclasses.replace(attestation, **changes)  # type: ignore[arg-type]


def test_attestations_round_trip_through_the_wire_mapping() -> None:
    for attestation in (_attestation(), _attestation(employer=None, days=0),
                        _attestation(employer=EmployerRef(noss_number="041112010"))):
        result = etree.Element("result")
        _wire.write_attestation(result, attestation)
        assert _wire.read_attestation(result[0]) == attestation


def test_reading_ignores_unknown_elements_and_requires_known_ones() -> None:
    result = etree.Element("result")
    el = _wire.write_attestation(result, _attestation())
    etree.SubElement(el, "{urn:future}paymentDate").text = "2025-05-30"
    etree.SubElement(el.find("employer"), "sector").text = "private"
    assert _wire.read_attestation(el) == _attestation()
    el.remove(el.find("singleHolidayPay"))
    with pytest.raises(ResponseError, match="singleHolidayPay"):
        _wire.read_attestation(el)


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [
        ("employer/cbeNumber", "123", "employer number"),
        ("doubleHolidayPay", "2747.57", "whole number"),
        ("holidayYear", "MMXXV", "whole number"),
    ],
)
def test_reading_rejects_bad_values(path: str, text: str, message: str) -> None:
    el = _wire.write_attestation(etree.Element("result"), _attestation())
    el.find(path).text = text
    with pytest.raises(ResponseError, match=message):
        _wire.read_attestation(el)


def test_criteria_are_written_and_read_back() -> None:
    payload = etree.Element("req")
    _wire.write_criteria(payload, "85073003328", HolidayYears(2023, 2025))
    assert _wire.read_criteria(payload) == ("85073003328", HolidayYears(2023, 2025))
    payload.find("criteria").remove(payload.find("criteria/endYear"))
    with pytest.raises(ValidationError, match="endYear"):
        _wire.read_criteria(payload)


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [(2025, 2024, "before the first"), (899, 2024, "four digits"),
     (2024, 3000, "four digits"), (True, 2024, "whole number")],
)
def test_holiday_years_are_validated(first: int, last: int, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        HolidayYears(first, last)


def test_result_helpers() -> None:
    receipt = Receipt("t", "c", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    other = _attestation(single_pay=Money(100), double_pay=Money(1), employer=None)
    older = _attestation(holiday_year=2024, reference_year=2023)
    result = HolidayPayResult((_attestation(), other, older), Status("DATA_FOUND", "MSG00000"),
                              receipt)
    assert result.found and result.of_year(2025) == (_attestation(), other)
    assert result.total(2025) == Money(297_840 + 274_757 + 101)
    assert result.total() == Money(2 * (297_840 + 274_757) + 101)
    assert _attestation().total.euro == Money.parse("5725.97").euro


def test_the_sandbox_splits_the_pay_over_the_employers_exactly() -> None:
    first, second = EMPLOYERS[0], EMPLOYERS[3]
    dmfa = (
        DmfaQuarter(first, 2024, 1, 15, 1_000_001, 60, 1000),
        DmfaQuarter(second, 2024, 2, 15, 2_000_003, 60, 1000),
        DmfaQuarter(first, 2024, 3, 15, 1_000_001, 60, 1000),
        DmfaQuarter(second, 2024, 4, 495, 9_999_999, 60, 1000),  # white collar: not the RJV's
        DmfaQuarter(first, 2023, 4, 15, 9_999_999, 60, 1000),  # another reference year
    )
    pay = HolidayPay(2025, 123_457, 113_891, 19)
    attestations = split_by_employer(pay, dmfa)
    assert [a.employer.noss_number for a in attestations] == [  # type: ignore[union-attr]
        first.noss_number, second.noss_number]
    assert sum(a.single_pay.cents for a in attestations) == pay.single_cents
    assert sum(a.double_pay.cents for a in attestations) == pay.double_cents
    assert sum(a.days for a in attestations) == pay.days
    assert attestations[0].single_pay.cents == 123_457 // 2
    assert split_by_employer(pay, ())[0].employer is None


def test_bad_years_raise_before_any_io(sandbox_config: KszConfig) -> None:
    class Refuse:
        def handle(self, request):  # type: ignore[no-untyped-def]
            raise AssertionError("nothing may be sent")

        def close(self) -> None:
            pass

    client = KszClient(sandbox_config, transport=Refuse()).acting_for(
        user="u", legal_context="PCSA:SOCIAL_INQUIRY")
    ssin = "85073003328"
    this_year = dt.date.today().year
    with pytest.raises(ValidationError, match="after next year"):
        client.holiday_pay.get(ssin, last_year=this_year + 2)
    with pytest.raises(ValidationError, match="before the first"):
        client.holiday_pay.get(ssin, first_year=2025, last_year=2024)
    with pytest.raises(ValidationError, match="before the first"):
        client.holiday_pay.get(ssin, first_year=this_year + 1)
    with pytest.raises(InvalidSsin):
        client.holiday_pay.get("85073003329")


# --- end to end over HTTP ---------------------------------------------------------------


@pytest.mark.e2e
def test_holiday_pay_of_a_blue_collar_worker(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = _with_pay(sandbox)
    ssin = population.ssin_of(index)
    integrate(sandbox, client, ssin)
    facts = population.facts(index)
    (pay,) = facts.holiday_pay
    result = client.holiday_pay.get(ssin.formatted, **_years(sandbox, index))
    assert (result.status.value, result.status.code) == ("DATA_FOUND", "MSG00000")
    assert result.receipt.ticket_cbss
    assert result.attestations == tuple(split_by_employer(pay, facts.dmfa))
    assert result.total(pay.year) == Money(pay.single_cents + pay.double_cents)
    employers = {q.employer.noss_number for q in facts.dmfa
                 if q.worker_code == 15 and q.year == pay.year - 1}
    assert {a.employer.noss_number for a in result.attestations  # type: ignore[union-attr]
            } == employers
    # Years without holiday pay: nothing found.
    before = client.holiday_pay.get(ssin, first_year=2000, last_year=2001)
    assert (before.status.value, before.status.code) == ("NO_DATA_FOUND", "MSG00100")
    assert before.attestations == () and not before.found


@pytest.mark.e2e
def test_no_holiday_pay_from_the_rjv(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    living = population.ssin_of(_without_pay(sandbox))
    dead = population.ssin_of(_without_pay(sandbox, deceased=True))
    for ssin, code in ((living, "MSG00100"), (dead, "MSG00009")):
        integrate(sandbox, client, ssin)
        result = client.holiday_pay.get(ssin, first_year=2020, last_year=2026)
        assert (result.status.value, result.status.code) == ("NO_DATA_FOUND", code)


@pytest.mark.e2e
def test_replaced_and_unknown_ssins(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = next(i for i in range(BASE, population.size) if population.replaced_by(i) is not None)
    old = population.ssin_of(index)
    integrate(sandbox, client, old)
    with pytest.raises(SsinReplaced) as caught:
        client.holiday_pay.get(old)
    assert caught.value.new_ssin == population.ssin_of(index + 1)
    unknown = make(D(2004, 12, 30), 995, kind=SsinKind.TEST)
    integrate(sandbox, client, unknown)
    with pytest.raises(UnknownSsin):
        client.holiday_pay.get(unknown)


@pytest.mark.e2e
def test_finality_is_checked_before_sending_and_by_the_ksz(
    client: KszClient, sandbox_config: KszConfig, sandbox: Sandbox
) -> None:
    ssin = sandbox.population.ssin_of(_with_pay(sandbox, 100))
    assert_finality_checked(client, sandbox_config, ssin, lambda c: c.holiday_pay.get)


@pytest.mark.e2e
def test_calls_for_several_persons_run_concurrently(client: KszClient, sandbox: Sandbox) -> None:
    from concurrent.futures import ThreadPoolExecutor

    population = sandbox.population
    indexes = [_with_pay(sandbox, start) for start in (0, 40, 80, 120)]
    for index in indexes:
        integrate(sandbox, client, population.ssin_of(index))
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(
            lambda i: client.holiday_pay.get(population.ssin_of(i), **_years(sandbox, i)),
            indexes))
    assert [r.total().cents for r in results] == [
        population.facts(i).holiday_pay[0].single_cents
        + population.facts(i).holiday_pay[0].double_cents for i in indexes]


# --- contract -----------------------------------------------------------------------------


@pytest.fixture
def payloads(sandbox_config: KszConfig, sandbox: Sandbox) -> list[_xml.Element]:
    """Requests and responses of a call with attestations and one without."""
    population = sandbox.population
    ssins = [population.ssin_of(i) for i in (_with_pay(sandbox, 50), _without_pay(sandbox, 50))]

    def exercise(client: KszClient) -> None:
        for ssin in ssins:
            client.holiday_pay.get(ssin, first_year=2023, last_year=2026)

    return exchanged(sandbox_config, sandbox, exercise, 4, *ssins)


@pytest.mark.e2e
def test_requests_and_responses_validate_against_our_contract(
    payloads: list[_xml.Element],
) -> None:
    schema = _contracts.schema("HolidayAttestationService")
    assert schema is not None
    for payload in payloads:
        assert schema.validate(payload), schema.error_log
    for element in payloads[0].iterdescendants():
        assert etree.QName(element).namespace is None, element.tag
    assert payloads[1].find("result/holidayAttestation/employer/cbeNumber") is not None


@pytest.mark.contracts
@pytest.mark.e2e
def test_messages_validate_with_the_official_commonv3(
    payloads: list[_xml.Element], official_contracts: Path
) -> None:
    schema = ours_with_official_common(official_contracts, "HolidayAttestationService")
    for payload in payloads:
        assert schema.validate(payload), schema.error_log
    broken = copy.deepcopy(payloads[0])
    broken.find("informationCustomer/customerIdentification/cbeNumber").text = "12345"
    assert not schema.validate(broken)


def test_zeep_loads_our_wsdl_and_it_agrees_with_the_catalogue() -> None:
    assert_wsdl_agrees(SERVICE, "HolidayAttestationService/HolidayAttestationV1.wsdl",
                       "HolidayAttestationService", "HolidayAttestationServicePort")


# --- command line ---------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_generated_command(
    sandbox: Sandbox, sandbox_config_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    population = sandbox.population
    index = _with_pay(sandbox, 150)
    worker, other = population.ssin_of(index), population.ssin_of(_without_pay(sandbox, 150))
    config = cli_setup(sandbox, sandbox_config_path, tmp_path, monkeypatch, worker, other)
    year = str(population.facts(index).holiday_pay[0].year)
    run = command(config, "holiday_pay")
    assert run("get", worker.formatted, "--first-year", year, "--last-year", year,
               "--json") == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["attestations"][0]["holiday_year"] == int(year)
    assert isinstance(data["attestations"][0]["single_pay"]["cents"], int)
    assert run("consult-holiday-attestations", str(worker), "--first-year", year,
               "--last-year", year) == EXIT_OK
    assert "double" in capsys.readouterr().out
    assert run("get", str(other)) == EXIT_BUSINESS
    assert "no holiday pay" in capsys.readouterr().out
