"""PCSASocialInquiry V1 (Nova+): mapping (unit), end to end, statuses, contract, CLI."""

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
from ksz_client._exceptions import ResponseError, SsinReplaced, UnknownSsin
from ksz_client.cli import EXIT_OK
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, Sandbox
from ksz_client.sandbox.handlers import HandlerContext
from ksz_client.sandbox.handlers.social_inquiry import sources
from ksz_client.services.person.models import Register
from ksz_client.services.social_inquiry import (
    InquirySource,
    ResidenceStatus,
    SocialInquiry,
    SocialRight,
    _wire,
)
from ksz_client.ssin import Ssin, SsinKind, make

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

SERVICE = catalogue.get("PCSASocialInquiry")
NS = SERVICE.namespace
D = dt.date
BASE = 390  # where this module starts looking for persons


def _index(sandbox: Sandbox, predicate: Callable[[int], bool], start: int = 0) -> int:
    return index_from(sandbox, BASE + start, predicate, living=True)


def _ssin(sandbox: Sandbox, start: int = 0,
          predicate: Callable[[int], bool] = lambda i: True) -> Ssin:
    return sandbox.population.ssin_of(_index(sandbox, predicate, start))


# --- mapping (unit) -------------------------------------------------------------------


def test_the_inquiry_round_trips_and_ignores_unknown_sources() -> None:
    inquiry = SocialInquiry(3, ((InquirySource.EMPLOYMENT, True), (InquirySource.PENSION, False)))
    payload = etree.Element("response")
    result = _xml.sub(payload, "result")
    _wire.write_inquiry(result, inquiry)
    assert _wire.read_inquiry(payload) == inquiry
    assert inquiry.found() == (InquirySource.EMPLOYMENT,)
    extra = _xml.sub(result, "source")
    _xml.sub(extra, "name", "FUTURE_SOURCE")
    _xml.sub(extra, "found", "true")
    assert _wire.read_inquiry(payload) == inquiry
    assert _wire.read_inquiry(etree.Element("response")) is None


@pytest.mark.parametrize(("path", "text"), [("result/householdSize", "0"),
                                            ("result/householdSize", None),
                                            ("result/source/found", "maybe")])
def test_a_broken_inquiry_is_a_response_error(path: str, text: str | None) -> None:
    payload = etree.Element("response")
    _wire.write_inquiry(_xml.sub(payload, "result"),
                        SocialInquiry(1, ((InquirySource.LEEFLOON, False),)))
    element = payload.find(path)
    assert element is not None
    if text is None:
        element.getparent().remove(element)
    else:
        element.text = text
    with pytest.raises(ResponseError):
        _wire.read_inquiry(payload)


def test_the_residence_round_trips_and_unknown_codes_are_errors() -> None:
    payload = etree.Element("response")
    result = _xml.sub(payload, "result")
    _wire.write_residence(result, ResidenceStatus.FOREIGNERS_REGISTER, SocialRight.TO_CHECK)
    assert _wire.read_residence(payload) == (ResidenceStatus.FOREIGNERS_REGISTER,
                                             SocialRight.TO_CHECK)
    result.find("right").text = "MAYBE"
    with pytest.raises(ResponseError):
        _wire.read_residence(payload)
    assert _wire.read_residence(etree.Element("response")) is None


# --- end to end -----------------------------------------------------------------------


@pytest.mark.e2e
def test_the_inquiry_points_at_the_sources(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = _index(sandbox, lambda i: True)
    ssin = population.ssin_of(index)
    integrate(sandbox, client, ssin)
    result = client.social_inquiry.get(ssin.formatted)
    assert result.status.value == "DATA_FOUND" and result.receipt.ticket_cbss
    assert result.inquiry is not None
    assert result.inquiry.household_size == len(population.household(index).members)
    context = HandlerContext(population=population, legal_context="",
                             organisation=SANDBOX_CBE_NUMBER, now=dt.datetime.now(dt.UTC))
    assert result.inquiry.sources == sources(population.facts(index), context)


@pytest.mark.e2e
def test_the_residence_simulation_follows_register_and_nationality(
    client: KszClient, sandbox: Sandbox
) -> None:
    population = sandbox.population

    def nationality(i: int) -> str | None:
        found = population.person(i).nationalities
        return found[0].code if found else None

    nr = Register.NR
    cases = [
        (_index(sandbox, lambda i: population.register_of(i) is nr and nationality(i) == "150"),
         ResidenceStatus.POPULATION_REGISTER, SocialRight.INTEGRATION_INCOME),
        (_index(sandbox, lambda i: population.register_of(i) is nr
                and nationality(i) not in (None, "150"), -BASE),
         ResidenceStatus.FOREIGNERS_REGISTER, SocialRight.TO_CHECK),
        (_index(sandbox, lambda i: population.register_of(i) is Register.BIS),
         ResidenceStatus.NOT_RESIDENT, SocialRight.NONE),
    ]
    for index, residence, right in cases:
        ssin = population.ssin_of(index)
        integrate(sandbox, client, ssin)
        result = client.social_inquiry.simulate_residence(ssin)
        assert (result.residence_status, result.right) == (residence, right)
        assert result.status.value == "DATA_FOUND"


@pytest.mark.e2e
def test_statuses_of_the_person(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    dead = next(i for i in range(population.size) if population.is_deceased(i))
    integrate(sandbox, client, population.ssin_of(dead))
    for call in (client.social_inquiry.get, client.social_inquiry.simulate_residence):
        result = call(population.ssin_of(dead))
        assert (result.status.value, result.status.code) == ("NO_DATA_FOUND", "MSG00009")
    replaced = next(i for i in range(population.size) if population.replaced_by(i) is not None)
    integrate(sandbox, client, population.ssin_of(replaced))
    with pytest.raises(SsinReplaced):
        client.social_inquiry.get(population.ssin_of(replaced))
    unknown = make(D(2004, 12, 30), 989, kind=SsinKind.TEST)
    integrate(sandbox, client, unknown)
    with pytest.raises(UnknownSsin):
        client.social_inquiry.simulate_residence(unknown)


@pytest.mark.e2e
def test_finality_is_checked_before_sending_and_by_the_ksz(
    client: KszClient, sandbox_config: KszConfig, sandbox: Sandbox
) -> None:
    ssin = _ssin(sandbox, 6)
    assert_finality_checked(client, sandbox_config, ssin,
                            lambda c: c.social_inquiry.simulate_residence,
                            also=[lambda c: c.social_inquiry.get])


# --- contract -----------------------------------------------------------------------------


@pytest.fixture
def payloads(sandbox_config: KszConfig, sandbox: Sandbox) -> list[_xml.Element]:
    ssin = _ssin(sandbox, 9)

    def exercise(client: KszClient) -> None:
        client.social_inquiry.get(ssin)
        client.social_inquiry.simulate_residence(ssin)

    return exchanged(sandbox_config, sandbox, exercise, 4, ssin)


@pytest.mark.e2e
def test_requests_and_responses_validate_against_our_contract(
    payloads: list[_xml.Element],
) -> None:
    schema = _contracts.schema("PCSASocialInquiry")
    assert schema is not None
    for payload in payloads:
        assert schema.validate(payload), schema.error_log
    broken = copy.deepcopy(payloads[3])
    broken.find("result/right").text = "MAYBE"
    assert not schema.validate(broken)


@pytest.mark.contracts
@pytest.mark.e2e
def test_messages_validate_with_the_official_commonv3(
    payloads: list[_xml.Element], official_contracts: Path
) -> None:
    schema = ours_with_official_common(official_contracts, "PCSASocialInquiry")
    for payload in payloads:
        assert schema.validate(payload), schema.error_log


def test_zeep_loads_our_wsdl_and_it_agrees_with_the_catalogue() -> None:
    assert_wsdl_agrees(SERVICE, "PCSASocialInquiryService/PCSASocialInquiryV1.wsdl",
                       "PCSASocialInquiryService", "PCSASocialInquiryServicePort")


# --- command line ---------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_generated_commands(
    sandbox: Sandbox, sandbox_config_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    ssin = _ssin(sandbox, 12)
    config = cli_setup(sandbox, sandbox_config_path, tmp_path, monkeypatch, ssin)
    run = command(config, "social_inquiry")
    assert run("get", ssin.formatted, "--json") == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["inquiry"]["household_size"] >= 1
    assert run("simulate_residence", str(ssin), "--json") == EXIT_OK
    assert json.loads(capsys.readouterr().out)["right"] in {r.value for r in SocialRight}
    assert run("simulate_residence", str(ssin)) == EXIT_OK
    assert "right" in capsys.readouterr().out
