"""OCMWCPASHouseholdIncome V1: mapping (unit), end to end against the sandbox, contract, CLI."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _contracts, _xml, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import (
    ResponseError,
    SsinReplaced,
    UnknownSsin,
    ValidationError,
)
from ksz_client.audit._guard import belgian_today
from ksz_client.cli import EXIT_OK
from ksz_client.hooks import Exchange
from ksz_client.sandbox import Sandbox
from ksz_client.sandbox.handlers.household_income import BENEFIT_DAYS
from ksz_client.services.household_income import (
    HouseholdIncome,
    MemberIncome,
    Relationship,
    _wire,
)
from ksz_client.ssin import Ssin, SsinKind, make
from ksz_client.types import Money

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
    own_sandbox,
    own_sandbox_config_path,
    social_worker,
)

SERVICE = catalogue.get("OCMWCPASHouseholdIncome")
NS = SERVICE.namespace
D = dt.date
# The KSZ counts days in Belgium; the client does too (KszClient._today).
TODAY = belgian_today(dt.datetime.now(dt.UTC))
BASE = 470  # where this module starts looking for persons
A, B = Ssin("85073003328"), make(D(1990, 1, 1), 13)


def _index(sandbox: Sandbox, predicate: Callable[[int], bool], start: int = 0) -> int:
    return index_from(sandbox, BASE + start, predicate, living=True)


def _income() -> HouseholdIncome:
    return HouseholdIncome(2024, (
        MemberIncome(A, Relationship.HEAD, Money(2_500_000), Money(0)),
        MemberIncome(B, Relationship.PARTNER, None, Money(123_456)),
    ))


# --- mapping (unit) -------------------------------------------------------------------


def test_the_income_round_trips_and_adds_up() -> None:
    result = etree.Element("result")
    _wire.write_income(result, _income())
    payload = etree.Element("response")
    payload.append(result)
    assert _wire.read_income(payload) == _income()
    assert _income().taxable_income == Money(2_500_000)
    assert _income().monthly_benefits == Money(123_456)
    etree.SubElement(result.find("member"), "{urn:future}extra").text = "ignored"
    assert _wire.read_income(payload) == _income()
    assert _wire.read_income(etree.Element("response")) is None


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [
        ("result/incomeYear", None, "incomeYear"),
        ("result/member/monthlyBenefits", None, "monthlyBenefits"),
        ("result/member/monthlyBenefits", "-1", "negative"),
        ("result/member/taxableIncome", "lots", "whole number"),
        ("result/member/relationship", "H1", "malformed"),  # 00-99 are all register codes
        ("result/member/ssin", "12345678901", "malformed"),
    ],
)
def test_reading_rejects_bad_answers(path: str, text: str | None, message: str) -> None:
    payload = etree.Element("response")
    _wire.write_income(etree.SubElement(payload, "result"), _income())
    element = payload.find(path)
    assert element is not None
    if text is None:
        element.getparent().remove(element)
    else:
        element.text = text
    with pytest.raises(ResponseError, match=message):
        _wire.read_income(payload)


def test_a_household_without_members_is_a_response_error() -> None:
    payload = etree.Element("response")
    _xml.sub(_xml.sub(payload, "result"), "incomeYear", "2024")
    with pytest.raises(ResponseError, match="no member"):
        _wire.read_income(payload)


def test_criteria_are_written_and_read_back() -> None:
    for year in (2023, None):
        payload = etree.Element("request")
        _wire.write_criteria(payload, str(A), year)
        assert _wire.read_criteria(payload) == (str(A), year)
    payload = etree.Element("request")
    _wire.write_criteria(payload, str(A), 2023)
    payload.find("criteria/incomeYear").text = "soon"
    with pytest.raises(ValidationError):
        _wire.read_criteria(payload)


@pytest.mark.parametrize("year", [True, 1899, 3000, "2024", TODAY.year, TODAY.year + 1])
def test_bad_income_years_raise_before_any_io(sandbox_config: KszConfig, year: object) -> None:
    sent: list[Exchange] = []

    class Spy:
        def before_send(self, exchange: Exchange) -> None:
            sent.append(exchange)

    with KszClient(sandbox_config, observers=[Spy()]) as plain:
        client = plain.acting_for(user="u", legal_context="PCSA:SOCIAL_INQUIRY")
        with pytest.raises(ValidationError):
            client.household_income.get(str(A), income_year=year)  # type: ignore[arg-type]
    assert sent == []


# --- end to end -----------------------------------------------------------------------


def _expected_benefits(sandbox: Sandbox, index: int) -> int:
    facts = sandbox.population.facts(index)
    total = sum(p.monthly_gross_cents for p in facts.pensions if p.period.contains(TODAY))
    total += sum(u.daily_allowance_cents * BENEFIT_DAYS for u in facts.unemployment
                 if u.period.contains(TODAY))
    if facts.disability is not None:
        total += (facts.disability.income_replacement_monthly_cents
                  + facts.disability.integration_monthly_cents)
    return total


@pytest.mark.e2e
def test_the_income_of_a_household(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = _index(sandbox, lambda i: len(population.household(i).members) > 1
                   and any(population.facts(m.index).taxes
                           for m in population.household(i).members))
    ssin = population.ssin_of(index)
    integrate(sandbox, client, ssin)
    result = client.household_income.get(ssin.formatted)
    assert result.found and result.status.value == "DATA_FOUND" and result.receipt.ticket_cbss
    income = result.income
    assert income is not None
    household = population.household(index)
    assert [m.ssin for m in income.members] == [m.ssin for m in household.members]
    years = [t.income_year for m in household.members for t in population.facts(m.index).taxes]
    assert income.income_year == max(years)
    for member, got in zip(household.members, income.members, strict=True):
        assessed = [t.taxable_income_cents for t in population.facts(member.index).taxes
                    if t.income_year == income.income_year]
        assert got.taxable_income == (Money(assessed[0]) if assessed else None)
        assert got.monthly_benefits == Money(_expected_benefits(sandbox, member.index))
        assert got.relationship.value == member.relationship
    # An earlier year asked is the year answered.
    earlier = client.household_income.get(ssin, income_year=income.income_year - 1)
    assert earlier.income is None or earlier.income.income_year == income.income_year - 1


@pytest.mark.e2e
def test_no_income_known_is_no_data_found(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = _index(sandbox, lambda i: not any(
        _expected_benefits(sandbox, m.index) for m in population.household(i).members), 3)
    ssin = population.ssin_of(index)
    integrate(sandbox, client, ssin)
    result = client.household_income.get(ssin, income_year=1950)
    assert not result.found and result.income is None
    assert (result.status.value, result.status.code) == ("NO_DATA_FOUND", "MSG00100")
    dead = next(i for i in range(population.size) if population.is_deceased(i)
                and population.fault_of(i) is None and population.replaced_by(i) is None)
    integrate(sandbox, client, population.ssin_of(dead))
    result = client.household_income.get(population.ssin_of(dead))
    assert (result.status.value, result.status.code) == ("NO_DATA_FOUND", "MSG00009")


@pytest.mark.e2e
def test_replaced_and_unknown_ssins(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = next(i for i in range(population.size) if population.replaced_by(i) is not None)
    old = population.ssin_of(index)
    integrate(sandbox, client, old)
    with pytest.raises(SsinReplaced) as caught:
        client.household_income.get(old)
    assert caught.value.new_ssin == population.ssin_of(population.replaced_by(index))
    unknown = make(D(2004, 12, 30), 993, kind=SsinKind.TEST)
    integrate(sandbox, client, unknown)
    with pytest.raises(UnknownSsin):
        client.household_income.get(unknown)


@pytest.mark.e2e
def test_finality_is_checked_before_sending_and_by_the_ksz(
    client: KszClient, sandbox_config: KszConfig, sandbox: Sandbox
) -> None:
    ssin = sandbox.population.ssin_of(_index(sandbox, lambda i: True, 6))
    assert_finality_checked(client, sandbox_config, ssin, lambda c: c.household_income.get)


# --- contract -----------------------------------------------------------------------------


@pytest.fixture
def payloads(sandbox_config: KszConfig, sandbox: Sandbox) -> list[_xml.Element]:
    ssin = sandbox.population.ssin_of(_index(sandbox, lambda i: True, 9))
    return exchanged(sandbox_config, sandbox, lambda c: c.household_income.get(ssin), 2, ssin)


@pytest.mark.e2e
def test_requests_and_responses_validate_against_our_contract(
    payloads: list[_xml.Element],
) -> None:
    schema = _contracts.schema("OCMWCPASHouseholdIncome")
    assert schema is not None
    for payload in payloads:
        assert schema.validate(payload), schema.error_log
    assert payloads[1].find("result/member/monthlyBenefits") is not None
    broken = copy.deepcopy(payloads[1])
    broken.find("result/member/relationship").text = "1"
    assert not schema.validate(broken)


@pytest.mark.contracts
@pytest.mark.e2e
def test_messages_validate_with_the_official_commonv3(
    payloads: list[_xml.Element], official_contracts: Path
) -> None:
    schema = ours_with_official_common(official_contracts, "OCMWCPASHouseholdIncome")
    for payload in payloads:
        assert schema.validate(payload), schema.error_log


def test_zeep_loads_our_wsdl_and_it_agrees_with_the_catalogue() -> None:
    assert_wsdl_agrees(SERVICE, "OCMWCPASHouseholdIncomeService/HouseholdIncomeV1.wsdl",
                       "OCMWCPASHouseholdIncomeService", "OCMWCPASHouseholdIncomeServicePort")


# --- command line ---------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_generated_command(
    sandbox: Sandbox, sandbox_config_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    ssin = sandbox.population.ssin_of(_index(sandbox, lambda i: True, 12))
    config = cli_setup(sandbox, sandbox_config_path, tmp_path, monkeypatch, ssin)
    run = command(config, "household_income")
    assert run("get", ssin.formatted, "--json") == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data["income"]["members"][0]["monthly_benefits"]["cents"], int)
    assert run("get", str(ssin)) == EXIT_OK
    assert "members" in capsys.readouterr().out
