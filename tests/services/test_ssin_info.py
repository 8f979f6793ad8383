"""SSINInformationService V1: mapping (unit), end to end against the sandbox, contract, CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _contracts, _xml, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import InvalidSsin, KszFault, ResponseError, UnknownSsin
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK
from ksz_client.sandbox import Sandbox
from ksz_client.services.ssin_info import SsinState, _wire
from ksz_client.ssin import SsinKind, make

from .official_helpers import (
    assert_unqualified,
    assert_wsdl_agrees,
    offline,
    ours_with_official_common,
    replaced_index,
)
from .sandbox_world import command
from .sandbox_world import exchanged as payloads_of

SERVICE = catalogue.get("SSINInformationService")
UNKNOWN = make(dt.date(2004, 12, 30), 995, kind=SsinKind.TEST)


def _plain(sandbox: Sandbox) -> int:
    population = sandbox.population
    return next(i for i in range(population.size)
                if population.replaced_by(i) is None and population.replaces(i) is None
                and population.fault_of(i) is None)


# --- mapping (unit) -----------------------------------------------------------------------


def test_current_and_related_round_trip() -> None:
    old = make(dt.date(1970, 1, 2), 3, kind=SsinKind.TEST)
    new = make(dt.date(1970, 1, 2), 5, kind=SsinKind.TEST)
    current = SsinState(new, replaces=old)
    related = (SsinState(old, canceled=True, replaced_by=new), SsinState(new))
    payload = etree.Element("response")
    _wire.write_current(_xml.sub(payload, "result"), current)
    assert _wire.read_current(payload) == current
    payload = etree.Element("response")
    _wire.write_related(_xml.sub(payload, "result"), related)
    assert _wire.read_related(payload) == related
    assert _wire.read_current(etree.Element("response")) is None


def test_a_malformed_answer_is_a_response_error() -> None:
    payload = etree.Element("response")
    _xml.sub(_xml.sub(payload, "result"), "currentSsin", "12345678901")
    with pytest.raises(ResponseError, match="SSIN"):
        _wire.read_current(payload)
    payload = etree.Element("response")
    el = _xml.sub(_xml.sub(payload, "result"), "relatedSsin",
                  str(make(dt.date(1970, 1, 2), 3, kind=SsinKind.TEST)))
    el.set("canceled", "maybe")
    with pytest.raises(ResponseError, match="boolean"):
        _wire.read_related(payload)


def test_repr_hides_the_numbers() -> None:
    number = make(dt.date(1970, 1, 2), 3, kind=SsinKind.TEST)
    assert str(number) not in repr(SsinState(number, replaces=number))


# --- end to end ----------------------------------------------------------------------------


@pytest.mark.e2e
def test_current_of_a_replaced_number_is_the_new_one(client: KszClient,
                                                      sandbox: Sandbox) -> None:
    population = sandbox.population
    old = replaced_index(sandbox)
    new = population.replaced_by(old)
    assert new is not None
    result = client.ssin_info.current(population.ssin_of(old).formatted)
    assert result.ssin == population.ssin_of(new)
    assert result.current == SsinState(population.ssin_of(new), replaces=population.ssin_of(old))
    assert result.status.code == "MSG00000" and result.receipt.ticket_cbss
    # Asking with the new number gives the same answer.
    assert client.ssin_info.current(population.ssin_of(new)).current == result.current


@pytest.mark.e2e
def test_current_of_a_number_without_history_is_itself(client: KszClient,
                                                        sandbox: Sandbox) -> None:
    number = sandbox.population.ssin_of(_plain(sandbox))
    result = client.ssin_info.current(number)
    assert result.current == SsinState(number)


@pytest.mark.e2e
def test_related_numbers_both_ways(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    old = replaced_index(sandbox)
    new = population.replaced_by(old)
    assert new is not None
    from_old = client.ssin_info.related(population.ssin_of(old))
    assert from_old.related == (SsinState(population.ssin_of(new)),)
    assert from_old.current == population.ssin_of(new)
    from_new = client.ssin_info.related(population.ssin_of(new))
    assert from_new.related == (SsinState(population.ssin_of(old), canceled=True,
                                          replaced_by=population.ssin_of(new)),)
    assert from_new.current is None


@pytest.mark.e2e
def test_related_of_a_number_without_history_is_no_data_found(client: KszClient,
                                                               sandbox: Sandbox) -> None:
    result = client.ssin_info.related(sandbox.population.ssin_of(_plain(sandbox)))
    assert result.related == ()
    assert (result.status.value, result.status.code) == ("NO_DATA_FOUND", "MSG00100")


@pytest.mark.e2e
@pytest.mark.parametrize("method", ["current", "related"])
def test_unknown_number(client: KszClient, method: str) -> None:
    with pytest.raises(UnknownSsin) as caught:
        getattr(client.ssin_info, method)(UNKNOWN)
    assert caught.value.code == "MSG00005"
    assert str(UNKNOWN) not in str(caught.value)


@pytest.mark.e2e
def test_a_fault_is_raised_typed(client: KszClient, sandbox: Sandbox) -> None:
    with sandbox.fault("fault", times=1), pytest.raises(KszFault) as caught:
        client.ssin_info.current(sandbox.population.ssin_of(_plain(sandbox)))
    assert caught.value.code == "MSG00003"


@pytest.mark.e2e
def test_a_consultation_is_retried_after_a_reset(client: KszClient, sandbox: Sandbox) -> None:
    number = sandbox.population.ssin_of(_plain(sandbox))
    with sandbox.fault("reset", times=1):
        assert client.ssin_info.current(number).ssin == number


def test_invalid_ssin_raises_before_any_io(sandbox_config_path: Path) -> None:
    client, transport = offline(sandbox_config_path)
    with pytest.raises(InvalidSsin):
        client.ssin_info.current("85073003329")
    with pytest.raises(InvalidSsin):
        client.ssin_info.related("not a number")
    assert transport.sent == []


# --- contract ----------------------------------------------------------------------------------


@pytest.fixture
def exchanged(sandbox_config: KszConfig, sandbox: Sandbox) -> list[_xml.Element]:
    population = sandbox.population
    old = replaced_index(sandbox)

    def exercise(client: KszClient) -> None:
        client.ssin_info.current(population.ssin_of(old))
        client.ssin_info.related(population.ssin_of(old + 1))
        client.ssin_info.related(population.ssin_of(_plain(sandbox)))

    return payloads_of(sandbox_config, sandbox, exercise, 6)


@pytest.mark.contracts
def test_messages_validate_against_our_contract(exchanged: list[_xml.Element]) -> None:
    schema = _contracts.schema("SSINInformationService")
    assert schema is not None and len(exchanged) == 6
    for payload in exchanged:
        assert schema.validate(payload), schema.error_log
    assert_unqualified(exchanged[::2])


@pytest.mark.contracts
def test_messages_validate_with_the_official_commonv3(exchanged: list[_xml.Element],
                                                      official_contracts: Path) -> None:
    schema = ours_with_official_common(official_contracts, "SSINInformationService")
    for payload in exchanged:
        assert schema.validate(payload), schema.error_log
    broken = exchanged[1]
    current = broken.find("result/currentSsin")
    assert current is not None
    current.set("replaces", "123")
    assert not schema.validate(broken)


@pytest.mark.contracts
def test_the_wsdl_agrees_with_the_catalogue() -> None:
    assert_wsdl_agrees(SERVICE, "SSINInformationService/SSINInformationServiceV1.wsdl",
                       SERVICE.name, f"{SERVICE.name}Port")


# --- command line ----------------------------------------------------------------------------


@pytest.mark.e2e
def test_cli_current_json(capsys: pytest.CaptureFixture[str], sandbox: Sandbox,
                          sandbox_config_path: Path) -> None:
    population = sandbox.population
    old = replaced_index(sandbox)
    code = command(sandbox_config_path, "ssin_info", user="test-social-worker")(
        "current", population.ssin_of(old).formatted, "--json")
    out, err = capsys.readouterr()
    assert (code, err) == (EXIT_OK, "")
    data = json.loads(out)
    assert data["current"]["ssin"] == str(population.ssin_of(old + 1))
    assert data["current"]["replaces"] == str(population.ssin_of(old))


@pytest.mark.e2e
def test_cli_related_human_and_no_data(capsys: pytest.CaptureFixture[str], sandbox: Sandbox,
                                       sandbox_config_path: Path) -> None:
    number = sandbox.population.ssin_of(_plain(sandbox))
    code = command(sandbox_config_path, "ssin_info", user="test-social-worker")(
        "consult-related-ssins", str(number))
    out, _ = capsys.readouterr()
    assert code == EXIT_BUSINESS
    assert "NO_DATA_FOUND MSG00100" in out
