"""OCMWCPASHouseholdIncome V1: mapping (unit), end to end against the sandbox, contract, CLI."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import zeep
from lxml import etree

from ksz_client import _contracts, _xml, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import (
    NotIntegrated,
    ResponseError,
    SsinReplaced,
    UnknownSsin,
    ValidationError,
)
from ksz_client.audit import Integration
from ksz_client.cli import EXIT_OK, main
from ksz_client.hooks import Exchange, Outcome
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, SECOND_OCMW_CBE_NUMBER, Sandbox
from ksz_client.sandbox.handlers.household_income import BENEFIT_DAYS
from ksz_client.services.household_income import (
    HouseholdIncome,
    MemberIncome,
    Relationship,
    _wire,
)
from ksz_client.ssin import Ssin, SsinKind, make
from ksz_client.types import Money

from .official_helpers import OfficialCommonV3 as _OfficialCommon

SERVICE = catalogue.get("OCMWCPASHouseholdIncome")
NS = SERVICE.namespace
D = dt.date
TODAY = dt.date.today()
BASE = 470  # where this module starts looking for persons
A, B = Ssin("85073003328"), make(D(1990, 1, 1), 13)


def _integrate(sandbox: Sandbox, client: KszClient, ssin: object) -> None:
    sandbox.integrate(str(ssin))
    client.integrations.add(Integration(organisation=SANDBOX_CBE_NUMBER, ssin=str(ssin),
                                        quality_code=2, start=D(2020, 1, 1)))


def _index(sandbox: Sandbox, predicate: Callable[[int], bool], start: int = 0) -> int:
    population = sandbox.population
    return next(i for i in range(BASE + start, population.size)
                if population.fault_of(i) is None and population.replaced_by(i) is None
                and not population.is_deceased(i) and predicate(i))


# This module's own sandbox: the session's one is shared with modules that need persons
# nobody integrated, and these tests integrate persons and register mutations.
@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=1, persons=500) as running:
        yield running


@pytest.fixture(scope="module")
def sandbox_config_path(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sandbox.write_config(tmp_path_factory.mktemp("sandbox") / "ksz.toml")


@pytest.fixture
def client(sandbox_config: KszConfig) -> Iterator[KszClient]:
    with KszClient(sandbox_config) as plain:
        yield plain.acting_for(user="test-social-worker", legal_context="PCSA:SOCIAL_INQUIRY")


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
    _integrate(sandbox, client, ssin)
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
    _integrate(sandbox, client, ssin)
    result = client.household_income.get(ssin, income_year=1950)
    assert not result.found and result.income is None
    assert (result.status.value, result.status.code) == ("NO_DATA_FOUND", "MSG00100")
    dead = next(i for i in range(population.size) if population.is_deceased(i)
                and population.fault_of(i) is None and population.replaced_by(i) is None)
    _integrate(sandbox, client, population.ssin_of(dead))
    result = client.household_income.get(population.ssin_of(dead))
    assert (result.status.value, result.status.code) == ("NO_DATA_FOUND", "MSG00009")


@pytest.mark.e2e
def test_replaced_and_unknown_ssins(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = next(i for i in range(population.size) if population.replaced_by(i) is not None)
    old = population.ssin_of(index)
    _integrate(sandbox, client, old)
    with pytest.raises(SsinReplaced) as caught:
        client.household_income.get(old)
    assert caught.value.new_ssin == population.ssin_of(population.replaced_by(index))
    unknown = make(D(2004, 12, 30), 993, kind=SsinKind.TEST)
    _integrate(sandbox, client, unknown)
    with pytest.raises(UnknownSsin):
        client.household_income.get(unknown)


@pytest.mark.e2e
def test_finality_is_checked_before_sending_and_by_the_ksz(
    client: KszClient, sandbox_config: KszConfig, sandbox: Sandbox
) -> None:
    ssin = sandbox.population.ssin_of(_index(sandbox, lambda i: True, 6))
    with pytest.raises(NotIntegrated) as local:
        client.household_income.get(ssin)
    assert local.value.ticket_cbss is None
    second = sandbox_config.with_overrides(organisation=dataclasses.replace(
        sandbox_config.organisation, cbe_number=SECOND_OCMW_CBE_NUMBER))
    with KszClient(second) as plain:
        other = plain.acting_for(user="u", legal_context="PCSA:SOCIAL_INQUIRY")
        other.integrations.add(Integration(organisation=SECOND_OCMW_CBE_NUMBER, ssin=str(ssin),
                                           quality_code=2, start=D(2020, 1, 1)))
        with pytest.raises(NotIntegrated) as remote:
            other.household_income.get(ssin)
    assert remote.value.code == "MSG00012" and remote.value.ticket_cbss


# --- contract -----------------------------------------------------------------------------


class _Capture:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    def before_send(self, exchange: Exchange) -> None:
        self.messages.append(exchange.request)

    def after_receive(self, exchange: Exchange, outcome: Outcome) -> None:
        if outcome.response is not None:
            self.messages.append(outcome.response)




@pytest.fixture
def payloads(sandbox_config: KszConfig, sandbox: Sandbox) -> list[_xml.Element]:
    population = sandbox.population
    capture = _Capture()
    with KszClient(sandbox_config, observers=[capture]) as plain:
        client = plain.acting_for(user="u", legal_context="PCSA:SOCIAL_INQUIRY")
        ssin = population.ssin_of(_index(sandbox, lambda i: True, 9))
        _integrate(sandbox, client, ssin)
        client.household_income.get(ssin)
    out = []
    for data in capture.messages:
        body = _xml.parse(data).find("{http://schemas.xmlsoap.org/soap/envelope/}Body")
        assert body is not None
        out.append(copy.deepcopy(body[0]))
    assert len(out) == 2
    return out


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
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_OfficialCommon(
        official_contracts / "set-b/be/fgov/kszbcss/types/common/CommonV3.xsd"))
    path = _contracts.schema_path("OCMWCPASHouseholdIncome")
    assert path is not None
    schema = etree.XMLSchema(etree.parse(str(path), parser))
    for payload in payloads:
        assert schema.validate(payload), schema.error_log


def test_zeep_loads_our_wsdl_and_it_agrees_with_the_catalogue() -> None:
    wsdl = (_contracts.WSDL_DIR / "intf" / "OCMWCPASHouseholdIncomeService"
            / "HouseholdIncomeV1.wsdl")
    loaded = zeep.Client(str(wsdl))
    operations = loaded.service._binding._operations
    assert set(operations) == {op.name for op in SERVICE.operations}
    for op in SERVICE.operations:
        assert operations[op.name].soapaction == op.soap_action
        assert loaded.get_element(f"{{{NS}}}{op.request_element}") is not None
    port = loaded.wsdl.services["OCMWCPASHouseholdIncomeService"].ports[
        "OCMWCPASHouseholdIncomeServicePort"]
    assert port.binding_options["address"].endswith("/" + SERVICE.path)


# --- command line ---------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_generated_command(
    sandbox: Sandbox, sandbox_config_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("KSZ_CONFIG", "KSZ_FINALITY_MODE"):
        monkeypatch.delenv(name, raising=False)
    for pem in sandbox_config_path.parent.glob("*.pem"):
        (tmp_path / pem.name).write_bytes(pem.read_bytes())
    config = tmp_path / "ksz.toml"
    config.write_text(sandbox_config_path.read_text(encoding="utf-8")
                      + f'\n[audit]\npath = "{tmp_path / "audit.db"}"\n', encoding="utf-8")
    ssin = sandbox.population.ssin_of(_index(sandbox, lambda i: True, 12))
    with KszClient(KszConfig.load(config, env={})) as setup:
        _integrate(sandbox, setup, ssin)
    run: Callable[..., int] = lambda *argv: main(  # noqa: E731
        ["--config", str(config), "--user", "sw-1", "--legal-context", "PCSA:SOCIAL_INQUIRY",
         "household_income", *argv])
    assert run("get", ssin.formatted, "--json") == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data["income"]["members"][0]["monthly_benefits"]["cents"], int)
    assert run("get", str(ssin)) == EXIT_OK
    assert "members" in capsys.readouterr().out
