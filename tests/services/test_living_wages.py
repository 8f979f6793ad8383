"""LivingWages V1 (POD MI, modelled): mapping, sandbox rules, end to end, contract, CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import zeep
from lxml import etree

from ksz_client import _contracts, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import (
    InvalidSsin,
    NoResult,
    NotIntegrated,
    ResponseError,
    ValidationError,
)
from ksz_client.audit import Integration
from ksz_client.audit._guard import belgian_today
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, SECOND_OCMW_CBE_NUMBER, Sandbox
from ksz_client.sandbox.facts import LEEFLOON_MONTHLY_CENTS
from ksz_client.sandbox.handlers import HandlerContext
from ksz_client.sandbox.handlers import living_wages as handler
from ksz_client.sandbox.handlers import multifunctional_attest as attest_handler
from ksz_client.services.living_wages import (
    LivingWage,
    LivingWagePeriod,
    LivingWagesResult,
    PcsaPeriods,
    _wire,
)
from ksz_client.services.multifunctional_attest import (
    A036Request,
    BenefitType,
    Category,
    ProcessType,
)
from ksz_client.services.multifunctional_attest import _wire as attest_wire
from ksz_client.ssin import SsinKind, make
from ksz_client.types import Money, Month, Period, Receipt, Status

from .official_helpers import Capture, cli_config, payloads
from .sandbox_world import command, not_integrated
from .ssdn_helpers import NoNetwork, bound

SERVICE = catalogue.get("LivingWages")
NS = SERVICE.namespace
D = dt.date
TODAY = belgian_today(dt.datetime.now(dt.UTC))
ORG = SANDBOX_CBE_NUMBER
WIDE = {"start": "2000-01-01", "end": "2099-12-31"}
SCHEMA = _contracts.schema("LivingWages")
assert SCHEMA is not None


# --- helpers ----------------------------------------------------------------------------------


def _person(sandbox: Sandbox, ordinal: int, *, on_leefloon: bool) -> str:
    """The `ordinal`-th ordinary person of 100..179 (shared with the A036 tests, which take
    the first leefloon persons and the first persons without: this module counts from the
    end)."""
    population = sandbox.population
    fitting = [i for i in range(100, 180)
               if population.fault_of(i) is None and population.replaced_by(i) is None
               and not population.is_deceased(i)
               and (population.facts(i).on_leefloon if on_leefloon
                    else not population.facts(i).leefloon)]
    return str(population.ssin_of(fitting[-1 - ordinal]))


def _integrate(sandbox: Sandbox, client: KszClient, ssin: str) -> None:
    for code in (2, 3):
        sandbox.integrate(ssin, quality_code=code, period=(TODAY - dt.timedelta(days=30), None))
        client.integrations.add(Integration(ORG, ssin, code, TODAY - dt.timedelta(days=30)))


def _second_ocmw_attest(sandbox: Sandbox, ssin: str, validity: Period,
                        category: Category = Category.ISOLATED) -> None:
    """An attest of the second OCMW (outside Flanders), as its own A036 would store it."""
    ctx = HandlerContext(population=sandbox.population, legal_context="",
                         organisation=SECOND_OCMW_CBE_NUMBER, now=dt.datetime.now(dt.UTC),
                         state=sandbox.state)
    request = A036Request(ProcessType.CREATE, SECOND_OCMW_CBE_NUMBER, TODAY,
                          BenefitType.LEEFLOON, validity, category)
    payload = etree.Element(attest_wire.q(attest_wire.A036))
    attest_wire.write_send(payload, ssin, "ref", request)
    assert attest_handler.send_a036(ctx, payload).ok == "YES"


def _period(start: dt.date, end: dt.date | None, category: Category = Category.ISOLATED,
            benefit: BenefitType = BenefitType.LEEFLOON) -> LivingWagePeriod:
    return LivingWagePeriod(Period(start, end), benefit, category)


# --- mapping (unit) ---------------------------------------------------------------------------


def test_criteria_are_written_and_read_back() -> None:
    payload = etree.Element("request")
    _wire.write_criteria(payload, "85073003328", Period(D(2025, 1, 1), D(2025, 12, 31)))
    assert _wire.read_criteria(payload) == ("85073003328", Period(D(2025, 1, 1), D(2025, 12, 31)))
    payload.find("criteria/period/endDate").text = "2024-01-01"
    with pytest.raises(ValidationError, match="end before"):
        _wire.read_criteria(payload)
    payload.find("criteria/period/endDate").text = "soon"
    with pytest.raises(ValidationError, match="cannot be read"):
        _wire.read_criteria(payload)
    payload.find("criteria/period").remove(payload.find("criteria/period/endDate"))
    with pytest.raises(ValidationError, match="endDate"):
        _wire.read_criteria(payload)


def test_periods_pcsas_and_amounts_round_trip() -> None:
    result = etree.Element("result")
    periods = (_period(D(2024, 1, 1), D(2024, 6, 30)),
               _period(D(2025, 1, 1), None, Category.FAMILY, BenefitType.EQUIVALENT))
    for p in periods:
        _wire.write_period(result, p)
    wrapper = etree.Element("response")
    wrapper.append(result)
    assert _wire.read_periods(wrapper) == periods
    per = etree.Element("response")
    pcsas = (PcsaPeriods(ORG, periods), PcsaPeriods(SECOND_OCMW_CBE_NUMBER, periods[:1]))
    result = etree.SubElement(per, "result")
    for pcsa in pcsas:
        _wire.write_pcsa(result, pcsa)
    assert _wire.read_pcsas(per) == pcsas
    wages = etree.Element("response")
    amount = LivingWage(Month(2025, 2), ORG, BenefitType.LEEFLOON, Category.COHABITANT, 28,
                        Money.from_cents(87_613))
    _wire.write_amount(etree.SubElement(wages, "result"), amount)
    etree.SubElement(wages.find("result/livingWage"), "{urn:future}extra")
    assert _wire.read_amounts(wages) == (amount,)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("month", "2025-13", "YYYY-MM"),
        ("amount", "12.5", "whole number"),
        ("amount", None, "livingWage/amount"),
        ("benefit", "GPMI", "unknown benefit"),
        ("category", None, "category"),
        ("cbeNumber", None, "cbeNumber"),
    ],
)
def test_reading_rejects_bad_amounts(name: str, text: str | None, message: str) -> None:
    wages = etree.Element("response")
    el = _wire.write_amount(etree.SubElement(wages, "result"), LivingWage(
        Month(2025, 2), ORG, BenefitType.LEEFLOON, Category.COHABITANT, 28, Money(1)))
    target = el.find(name)
    if text is None:
        el.remove(target)
    else:
        target.text = text
    with pytest.raises(ResponseError, match=message):
        _wire.read_amounts(wages)


def test_reading_rejects_bad_periods() -> None:
    response = etree.Element("response")
    el = _wire.write_period(etree.SubElement(response, "result"),
                            _period(D(2024, 1, 1), D(2024, 6, 30)))
    el.find("period/endDate").text = "2023-01-01"
    with pytest.raises(ResponseError, match="ends before"):
        _wire.read_periods(response)
    el.find("period").remove(el.find("period/beginDate"))
    with pytest.raises(ResponseError, match="beginDate"):
        _wire.read_periods(response)


def test_the_sandbox_merges_and_prorates() -> None:
    merged = handler.merged([
        _period(D(2024, 3, 1), D(2024, 3, 31)),
        _period(D(2024, 1, 1), D(2024, 2, 29)),
        _period(D(2024, 3, 15), D(2024, 5, 31)),
        _period(D(2024, 1, 1), D(2024, 1, 31), Category.FAMILY),
        _period(D(2024, 7, 1), D(2024, 7, 31)),
    ])
    assert merged == [_period(D(2024, 1, 1), D(2024, 1, 31), Category.FAMILY),
                      _period(D(2024, 1, 1), D(2024, 5, 31)),
                      _period(D(2024, 7, 1), D(2024, 7, 31))]
    wages = handler.amounts([(ORG, _period(D(2024, 2, 15), D(2024, 3, 31),
                                           Category.COHABITANT))])
    monthly = LEEFLOON_MONTHLY_CENTS["COHABITANT"]
    assert [(str(w.month), w.days, w.amount.cents) for w in wages] == [
        ("2024-02", 15, monthly * 15 // 29), ("2024-03", 31, monthly)]
    # December rolls over into January.
    rollover = handler.amounts([(ORG, _period(D(2024, 12, 31), D(2025, 1, 1)))])
    assert [str(w.month) for w in rollover] == ["2024-12", "2025-01"]


def test_result_helpers() -> None:
    receipt = Receipt("t", "c", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    wages = (LivingWage(Month(2025, 1), ORG, BenefitType.LEEFLOON, Category.FAMILY, 31,
                        Money(100)),
             LivingWage(Month(2025, 2), ORG, BenefitType.LEEFLOON, Category.FAMILY, 28,
                        Money(250)))
    result = LivingWagesResult(wages, Status("DATA_FOUND", "MSG00000"), receipt)
    assert result.found and result.total == Money(350)
    assert result.in_month("2025-02") == wages[1:]


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"start": "2026-02-01", "end": "2026-01-01"}, ValidationError, "end before"),
        ({"start": "01/01/2026"}, ValidationError, "YYYY-MM-DD"),
        ({"start": "1850-01-01", "end": "1851-01-01"}, ValidationError, "1900"),
    ],
)
def test_bad_input_raises_before_any_io(sandbox_config: KszConfig, kwargs: dict[str, str],
                                        error: type[Exception], message: str) -> None:
    with bound(sandbox_config, transport=NoNetwork()) as client:
        for method in (client.living_wages.periods, client.living_wages.periods_flanders,
                       client.living_wages.periods_per_pcsa,
                       client.living_wages.periods_per_pcsa_flanders,
                       client.living_wages.amounts):
            with pytest.raises(error, match=message):
                method("85073003328", **kwargs)  # type: ignore[operator]
        with pytest.raises(InvalidSsin):
            client.living_wages.amounts("85073003329")


# --- end to end over HTTP ---------------------------------------------------------------------


@pytest.mark.e2e
def test_periods_and_amounts_of_a_leefloon_beneficiary(client: KszClient,
                                                       sandbox: Sandbox) -> None:
    ssin = _person(sandbox, 0, on_leefloon=True)
    _integrate(sandbox, client, ssin)
    index = sandbox.population.index_of(ssin)
    assert index is not None
    attests = sandbox.population.facts(index).leefloon
    (current,) = [a for a in attests if a.period.end is None]
    result = client.living_wages.periods(ssin, **WIDE)
    assert (result.status.value, result.status.code) == ("DATA_FOUND", "MSG00000")
    assert result.on(TODAY) == (_period(current.period.start, D(2099, 12, 31),
                                        Category(current.category)),)
    per = client.living_wages.periods_per_pcsa(ssin, **WIDE)
    assert [p.cbe_number for p in per.pcsas] == [ORG]
    assert per.of(ORG) == result.periods and per.of(SECOND_OCMW_CBE_NUMBER) == ()
    # The first whole month of the running right gets the full monthly amount.
    begun = current.period.start
    month = Month(begun.year + begun.month // 12, begun.month % 12 + 1)
    start = dt.date(month.year, month.month, 1)
    assert start <= TODAY
    wages = client.living_wages.amounts(ssin, start=begun, end=TODAY)
    (whole,) = wages.in_month(month)
    assert whole.amount == Money.from_cents(current.monthly_cents)
    assert whole.cbe_number == ORG and whole.benefit is BenefitType.LEEFLOON
    assert wages.amounts[0].month == Month.parse(begun)


@pytest.mark.e2e
def test_attests_sent_with_a036_and_the_flemish_variants(client: KszClient,
                                                         sandbox: Sandbox) -> None:
    ssin = _person(sandbox, 0, on_leefloon=False)
    _integrate(sandbox, client, ssin)
    assert not client.living_wages.periods(ssin, **WIDE).found
    client.a036.create(ssin, decision_date=TODAY, start="2030-01-01", end="2030-03-31",
                       category="FAMILY")
    _second_ocmw_attest(sandbox, ssin, Period(D(2030, 4, 1), D(2030, 6, 30)), Category.FAMILY)
    overall = client.living_wages.periods(ssin, **WIDE)
    # The two OCMWs' adjacent periods of the same benefit and category are one right.
    assert overall.periods == (_period(D(2030, 1, 1), D(2030, 6, 30), Category.FAMILY),)
    per = client.living_wages.periods_per_pcsa(ssin, **WIDE)
    assert per.of(ORG) == (_period(D(2030, 1, 1), D(2030, 3, 31), Category.FAMILY),)
    assert per.of(SECOND_OCMW_CBE_NUMBER) == (_period(D(2030, 4, 1), D(2030, 6, 30),
                                                      Category.FAMILY),)
    flanders = client.living_wages.periods_flanders(ssin, **WIDE)
    assert flanders.periods == (_period(D(2030, 1, 1), D(2030, 3, 31), Category.FAMILY),)
    per_flanders = client.living_wages.periods_per_pcsa_flanders(ssin, **WIDE)
    assert [p.cbe_number for p in per_flanders.pcsas] == [ORG]
    wages = client.living_wages.amounts(ssin, start="2030-03-01", end="2030-04-30")
    assert [(str(w.month), w.cbe_number) for w in wages.amounts] == [
        ("2030-03", ORG), ("2030-04", SECOND_OCMW_CBE_NUMBER)]
    assert wages.total == Money.from_cents(2 * LEEFLOON_MONTHLY_CENTS["FAMILY"])
    # Periods are clipped to the range asked.
    clipped = client.living_wages.periods(ssin, start="2030-02-01", end="2030-02-28")
    assert clipped.periods == (_period(D(2030, 2, 1), D(2030, 2, 28), Category.FAMILY),)


@pytest.mark.e2e
def test_nothing_in_the_range_is_no_data_found(client: KszClient, sandbox: Sandbox) -> None:
    ssin = _person(sandbox, 1, on_leefloon=False)
    _integrate(sandbox, client, ssin)
    for result in (client.living_wages.periods(ssin, **WIDE),
                   client.living_wages.periods_flanders(ssin, **WIDE),
                   client.living_wages.periods_per_pcsa(ssin, **WIDE),
                   client.living_wages.periods_per_pcsa_flanders(ssin, **WIDE),
                   client.living_wages.amounts(ssin, **WIDE)):
        assert (result.status.value, result.status.code) == ("NO_DATA_FOUND", "MSG00100")
        assert not result.found
    # Only outside Flanders: nothing for the Flemish variant.
    _second_ocmw_attest(sandbox, ssin, Period(D(2031, 1, 1), D(2031, 1, 31)))
    assert client.living_wages.periods(ssin, **WIDE).found
    assert not client.living_wages.periods_flanders(ssin, **WIDE).found


@pytest.mark.e2e
def test_unknown_replaced_and_unreadable(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    unknown = str(make(D(2004, 12, 30), 989, kind=SsinKind.TEST))
    _integrate(sandbox, client, unknown)
    with pytest.raises(NoResult) as caught:
        client.living_wages.periods(unknown)
    assert caught.value.code == "MSG00005"
    index = next(i for i in range(100, 180) if population.replaced_by(i) is not None)
    old = str(population.ssin_of(index))
    _integrate(sandbox, client, old)
    with pytest.raises(NoResult) as replaced:
        client.living_wages.amounts(old)
    assert replaced.value.code == "MSG00006" and old not in str(replaced.value)


def test_a_range_the_service_cannot_read_is_msg00008(sandbox: Sandbox) -> None:
    # The schema lets an end before the start through; the service refuses it.
    request = etree.Element("getLivingWagesRequest")
    _wire.write_criteria(request, _person(sandbox, 2, on_leefloon=False),
                         Period(D(2025, 1, 1), D(2025, 2, 1)))
    request.find("criteria/period/endDate").text = "2024-01-01"
    ctx = HandlerContext(population=sandbox.population, legal_context="",
                         organisation=ORG, now=dt.datetime.now(dt.UTC), state=sandbox.state)
    # The engine turns this ValidationError into NO_RESULT MSG00008 (InvalidData).
    with pytest.raises(ValidationError, match="end before"):
        handler.living_wages(ctx, request)


@pytest.mark.e2e
def test_finality_is_checked_before_sending_and_by_the_ksz(sandbox_config: KszConfig,
                                                           sandbox: Sandbox) -> None:
    ssin = not_integrated(sandbox, 498)
    capture = Capture()
    with bound(sandbox_config, capture) as client:
        with pytest.raises(NotIntegrated):
            client.living_wages.periods(ssin)
        assert capture.requests == []
        client.integrations.add(Integration(ORG, ssin, 2, TODAY - dt.timedelta(days=1)))
        with pytest.raises(NotIntegrated) as caught:
            client.living_wages.amounts(ssin)
        assert caught.value.code == "MSG00012" and len(capture.requests) == 1


# --- contract ---------------------------------------------------------------------------------


@pytest.mark.e2e
def test_requests_and_responses_validate_against_our_contract(sandbox_config: KszConfig,
                                                              sandbox: Sandbox) -> None:
    ssin = _person(sandbox, 1, on_leefloon=True)
    capture = Capture()
    with bound(sandbox_config, capture) as client:
        _integrate(sandbox, client, ssin)
        for method in (client.living_wages.periods, client.living_wages.periods_flanders,
                       client.living_wages.periods_per_pcsa,
                       client.living_wages.periods_per_pcsa_flanders,
                       client.living_wages.amounts):
            method(ssin, start="2020-01-01", end=TODAY)
    messages = payloads(capture.requests) + payloads(capture.responses)
    assert len(messages) == 10
    for payload in messages:
        assert SCHEMA.validate(payload), SCHEMA.error_log
    assert all(etree.QName(e).namespace is None for e in messages[0].iterdescendants())
    assert messages[-1].find("result/livingWage/amount") is not None
    broken = messages[-1]
    broken.find("result/livingWage/days").text = "32"
    assert not SCHEMA.validate(broken)


def test_zeep_loads_our_wsdl_and_it_agrees_with_the_catalogue() -> None:
    wsdl = _contracts.WSDL_DIR / "intf" / "LivingWagesService" / "LivingWagesV1.wsdl"
    loaded = zeep.Client(str(wsdl))
    operations = loaded.service._binding._operations
    assert set(operations) == {op.name for op in SERVICE.operations}
    for op in SERVICE.operations:
        assert operations[op.name].soapaction == op.soap_action
        assert loaded.get_element(f"{{{NS}}}{op.request_element}") is not None
    port = loaded.wsdl.services["LivingWagesService"].ports["LivingWagesServicePort"]
    assert port.binding_options["address"].endswith("/" + SERVICE.path)


# --- command line -----------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_generated_commands(sandbox: Sandbox, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KSZ_CONFIG", "KSZ_FINALITY_MODE"):
        monkeypatch.delenv(name, raising=False)
    beneficiary = _person(sandbox, 2, on_leefloon=True)
    other = _person(sandbox, 4, on_leefloon=False)
    config = cli_config(sandbox, tmp_path, beneficiary, other)
    run = command(config, "living-wages")
    assert run("periods", beneficiary, *("--start", "2000-01-01"),
               "--json") == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["periods"][0]["benefit"] == "LEEFLOON"
    assert run("amounts", beneficiary, "--start", "2020-01-01", "--json") == EXIT_OK
    amounts = json.loads(capsys.readouterr().out)
    assert isinstance(amounts["amounts"][0]["amount"]["cents"], int)
    assert run("get-living-wage-periods-per-pcsa-flanders", beneficiary,
               "--start", "2000-01-01") == EXIT_OK
    assert ORG in capsys.readouterr().out
    assert run("periods", other) == EXIT_BUSINESS
