"""NRPPersonService V1: criteria (unit), end to end against a sandbox, contract, CLI.

The search needs integration but carries no SSIN, so the sandbox (like the KSZ)
filters the residents by the caller's integrations. These tests integrate and
un-integrate residents, so they use a sandbox of their own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _contracts, _xml, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import InvalidData, NotAuthorized, ValidationError
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK
from ksz_client.sandbox import Sandbox
from ksz_client.sandbox.handlers.nrp_person import residents
from ksz_client.sandbox.population import street_code, streets_of
from ksz_client.services.nrp import AddressCriteria, _wire
from ksz_client.types import Address, CallContext

from .official_helpers import assert_wsdl_agrees, offline, ours_with_official_common
from .sandbox_world import command
from .sandbox_world import exchanged as payloads_of

SERVICE = catalogue.get("NRPPersonService")


@pytest.fixture(scope="module")
def own_sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=3, persons=300) as running:
        yield running


@pytest.fixture(scope="module")
def own_config_path(own_sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return own_sandbox.write_config(tmp_path_factory.mktemp("nrp") / "ksz.toml")


@pytest.fixture
def own_client(own_config_path: Path) -> Iterator[KszClient]:
    with KszClient(KszConfig.load(own_config_path, env={})) as plain:
        yield plain.acting_for(user="sw", legal_context="PCSA:SOCIAL_INQUIRY")


@pytest.fixture(autouse=True)
def _nobody_integrated(own_sandbox: Sandbox) -> None:
    own_sandbox.reset()


def _household(sandbox: Sandbox, *, size: int = 2) -> tuple[Address, list[int]]:
    """A household address shared by at least `size` persons, and its residents."""
    population = sandbox.population
    for index in range(population.size):
        household = population.household(index)
        address = household.address
        assert address.postal_code and address.street
        found = residents(population, address.postal_code, address.street,
                          address.house_number, address.box)
        if len(household.members) >= size and len(found) >= size:
            return address, found
    raise AssertionError("no such household")


def _search(client: KszClient, address: Address, **extra: str | None):  # type: ignore[no-untyped-def]
    assert address.postal_code and address.street
    code = street_code(address.street)
    assert code is not None
    return client.nrp.search(address.postal_code, street_code=code, **extra)


# --- criteria (unit) ----------------------------------------------------------------------------


def test_criteria_are_normalised_and_round_trip() -> None:
    criteria = AddressCriteria(" 2000", "12", " 7 ", "b")
    assert (criteria.postal_code, criteria.street_code, criteria.house_number) == \
        ("2000", "0012", "7")
    payload = etree.Element("request")
    _wire.write_criteria(payload, criteria)
    assert _wire.read_criteria(payload) == criteria


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("200", "1010"), "postal code"),
        (("0200", "1010"), "postal code"),
        (("2000", "12345"), "street code"),
        (("2000", "12a"), "street code"),
        (("2000", ""), "street code"),
        (("2000", "1010", None, "3"), "box needs a house number"),
        (("2000", "1010", "x" * 17), "1 to 16"),
    ],
)
def test_bad_criteria_are_refused(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        AddressCriteria(*args)


def test_sandbox_street_codes_are_per_municipality() -> None:
    streets = streets_of("2000")
    assert streets and all(len(code) == 4 and code.isdigit() for code in streets)
    assert all(street_code(street) == code for code, street in streets.items())
    assert not set(streets) & set(streets_of("4000"))
    assert streets_of("9999") == {}


# --- end to end ----------------------------------------------------------------------------


@pytest.mark.e2e
def test_only_integrated_residents_come_back(own_client: KszClient,
                                             own_sandbox: Sandbox) -> None:
    population = own_sandbox.population
    address, found = _household(own_sandbox)
    nobody = _search(own_client, address, house_number=address.house_number, box=address.box)
    assert nobody.persons == ()
    assert (nobody.status.value, nobody.status.code) == ("NO_DATA_FOUND", "MSG00100")

    own_sandbox.integrate(population.ssin_of(found[0]))
    one = _search(own_client, address, house_number=address.house_number, box=address.box)
    assert [p.ssin for p in one.persons] == [population.ssin_of(found[0])]
    assert one.persons[0] == population.person(found[0])
    assert one.persons[0].residential_address is not None
    assert one.persons[0].residential_address.street == address.street

    for index in found:
        own_sandbox.integrate(population.ssin_of(index))
    every = _search(own_client, address, house_number=address.house_number, box=address.box)
    assert [p.ssin for p in every.persons] == [population.ssin_of(i) for i in found]
    assert every.status.code == "MSG00000" and every.receipt.ticket_cbss


@pytest.mark.e2e
def test_a_whole_street_without_house_number(own_client: KszClient,
                                             own_sandbox: Sandbox) -> None:
    population = own_sandbox.population
    address, found = _household(own_sandbox)
    assert address.postal_code and address.street
    street = residents(population, address.postal_code, address.street)
    assert set(found) <= set(street)
    for index in street:
        own_sandbox.integrate(population.ssin_of(index))
    result = _search(own_client, address)
    assert {p.ssin for p in result.persons} == {population.ssin_of(i) for i in street}
    elsewhere = _search(own_client, address, house_number="9999")
    assert elsewhere.persons == ()


@pytest.mark.e2e
def test_an_unknown_street_code_is_a_typed_error(own_client: KszClient) -> None:
    foreign_code = next(iter(streets_of("4000")))
    with pytest.raises(InvalidData, match="street code") as caught:
        own_client.nrp.search("2000", street_code=foreign_code)
    assert caught.value.code == "MSG00008" and caught.value.ticket_cbss


@pytest.mark.e2e
def test_another_legal_context_is_refused(own_config_path: Path) -> None:
    with KszClient(KszConfig.load(own_config_path, env={})) as plain:
        client = plain.acting_for(user="sw")
        # The service's own legal context wins over a bound one; a per-call one wins over it.
        with pytest.raises(NotAuthorized):
            client.nrp.search("2000", street_code=next(iter(streets_of("2000"))),
                              context=CallContext(legal_context="SOCIAL_INVESTIGATION_OF_PCSA"))


def test_bad_input_is_refused_before_sending(sandbox_config_path: Path) -> None:
    client, transport = offline(sandbox_config_path)
    with pytest.raises(ValidationError, match="street code"):
        client.nrp.search("2000")
    with pytest.raises(ValidationError, match="postal code"):
        client.nrp.search("20", street_code="1010")
    assert transport.sent == []


# --- contract --------------------------------------------------------------------------------


@pytest.fixture
def exchanged(own_config_path: Path, own_sandbox: Sandbox) -> list[_xml.Element]:
    population = own_sandbox.population
    address, found = _household(own_sandbox)
    for index in found:
        own_sandbox.integrate(population.ssin_of(index))

    def exercise(client: KszClient) -> None:
        _search(client, address, house_number=address.house_number, box=address.box)
        _search(client, address, house_number="9999")
        with pytest.raises(InvalidData):
            client.nrp.search("2000", street_code="0001")

    return payloads_of(KszConfig.load(own_config_path, env={}), own_sandbox, exercise, 6)


@pytest.mark.contracts
def test_messages_validate_against_our_contract(exchanged: list[_xml.Element]) -> None:
    schema = _contracts.schema("NRPPersonService")
    assert schema is not None
    for payload in exchanged:
        assert schema.validate(payload), schema.error_log
    assert exchanged[1].find("result/person") is not None


@pytest.mark.contracts
def test_messages_validate_with_the_official_commonv3(exchanged: list[_xml.Element],
                                                      official_contracts: Path) -> None:
    schema = ours_with_official_common(official_contracts, "NRPPersonService")
    for payload in exchanged:
        assert schema.validate(payload), schema.error_log
    legal = exchanged[0].find("legalContext")
    assert legal is not None
    legal.text = " starts with a space"
    assert not schema.validate(exchanged[0])


@pytest.mark.contracts
def test_the_wsdl_agrees_with_the_catalogue() -> None:
    assert len(SERVICE.operations) == 1
    assert_wsdl_agrees(SERVICE, "NRPPersonService/NRPPersonServiceV1.wsdl", SERVICE.name,
                       f"{SERVICE.name}Port")


# --- command line ----------------------------------------------------------------------------


@pytest.mark.e2e
def test_cli_search_json_and_no_data(capsys: pytest.CaptureFixture[str], own_sandbox: Sandbox,
                                     own_config_path: Path) -> None:
    population = own_sandbox.population
    address, found = _household(own_sandbox)
    assert address.postal_code and address.street and address.house_number
    run = command(own_config_path, "nrp", "search", user="test-social-worker")
    argv = [address.postal_code, "--street-code", street_code(address.street) or "",
            "--house-number", address.house_number,
            *(["--box", address.box] if address.box else []), "--json"]
    code = run(*argv)
    out, _ = capsys.readouterr()
    assert code == EXIT_BUSINESS and json.loads(out)["persons"] == []
    own_sandbox.integrate(population.ssin_of(found[0]))
    code = run(*argv)
    out, err = capsys.readouterr()
    assert (code, err) == (EXIT_OK, "")
    assert [p["ssin"] for p in json.loads(out)["persons"]] == [str(population.ssin_of(found[0]))]
    code = run(*argv[:-1])
    out, _ = capsys.readouterr()
    assert code == EXIT_OK and population.ssin_of(found[0]).formatted in out
