"""SocialRateInvestigation V1: mapping (unit), end to end against the sandbox, contract, CLI."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _contracts, _transport, _xml, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import (
    InvalidSsin,
    KszFault,
    NotAuthorized,
    ResponseError,
    SsinReplaced,
    UnknownSsin,
)
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK, main
from ksz_client.sandbox import Sandbox
from ksz_client.services.person.models import Register
from ksz_client.services.social_rate_investigation import (
    EnergyProduct,
    HouseholdMember,
    HouseholdRoles,
    ReferenceDates,
    SocialTariffHousehold,
    SocialTariffResult,
    SourceStatus,
    SupplierMatch,
    _wire,
)
from ksz_client.ssin import SsinKind, make
from ksz_client.types import Address, AddressKind, CallContext, Period, PersonName, Receipt, Status

from .official_helpers import (
    assert_wsdl_agrees,
    ours_with_official_common,
)
from .sandbox_world import (
    assert_finality_checked,
    cli_setup,
    exchanged,
    integrate,
)

SERVICE = catalogue.get("SocialRateInvestigation")
NS = SERVICE.namespace
LEGAL = "Social Rate Investigation"
D = dt.date
BASE = 150  # this module integrates persons from here on, in the shared sandbox


# --- helpers --------------------------------------------------------------------------


def _protected(sandbox: Sandbox, index: int) -> bool:
    facts = sandbox.population.facts(index)
    return (facts.on_leefloon or facts.disability is not None
            or any(p.kind == "GRAPA" and p.period.end is None for p in facts.pensions))


def _index(sandbox: Sandbox, predicate, start: int = 0) -> int:  # type: ignore[no-untyped-def]
    """The first person from BASE + start that fits (persons below BASE are left to others)."""
    population = sandbox.population
    return next(i for i in range(BASE + start, population.size)
                if population.fault_of(i) is None and predicate(i))


def _living_nr(sandbox: Sandbox, i: int) -> bool:
    population = sandbox.population
    return (population.replaced_by(i) is None and not population.is_deceased(i)
            and population.register_of(i) is Register.NR)


@pytest.fixture
def client(sandbox_config: KszConfig) -> Iterator[KszClient]:
    with KszClient(sandbox_config) as plain:
        yield plain.acting_for(user="test-social-worker", legal_context=LEGAL, dossier="D-1")


# --- mapping (unit) -------------------------------------------------------------------


def _household() -> SocialTariffHousehold:
    member = make(D(1980, 2, 3), 2, kind=SsinKind.TEST)
    return SocialTariffHousehold(
        roles=HouseholdRoles(final_customer=True, household_head=False, protected_person=True),
        reference_dates=ReferenceDates(D(2026, 3, 1), D(2026, 3, 2), D(2026, 1, 1)),
        address=Address(AddressKind.RESIDENTIAL, "Rue Haute", "9", "2", "1000", "Bruxelles",
                        "21004", "150"),
        members=(HouseholdMember(member, PersonName("Dubois", ("Marie", "Anne"))),
                 HouseholdMember(make(D(1979, 5, 6), 3, kind=SsinKind.TEST),
                                 PersonName("Dupont"))),
        matches=(
            SupplierMatch("Engie", "541400000000000017", EnergyProduct.ELECTRICITY,
                          customer=PersonName("Dubois", ("Marie",)), customer_number="ENG1",
                          eligible=True, social_tariff=Period(D(2025, 1, 1)),
                          supplier_informed=D(2025, 1, 3),
                          contract=Period(D(2020, 1, 1), D(2030, 12, 31))),
            SupplierMatch("Luminus", "541400000000000024", EnergyProduct.GAS,
                          eligible=None, social_tariff=Period(D(2024, 1, 1), D(2024, 12, 31))),
        ),
    )


def test_a_household_round_trips_through_the_wire_mapping() -> None:
    for household in (_household(), SocialTariffHousehold(
            roles=HouseholdRoles(False, False, False),
            source_status=SourceStatus.SSIN_NOT_FOUND)):
        result = etree.Element("result")
        _wire.write_household(result, household)
        assert _wire.read_household(result[0]) == household


def test_reading_ignores_unknown_elements_and_requires_known_ones() -> None:
    el = _wire.write_household(etree.Element("result"), _household())
    etree.SubElement(el, "{urn:future}newBlock").text = "later"
    etree.SubElement(el.find("matches/match"), "tariffCode").text = "X"
    assert _wire.read_household(el).matches[0].supplier == "Engie"
    el.remove(el.find("identifier"))
    with pytest.raises(ResponseError, match="identifier"):
        _wire.read_household(el)


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [
        ("identifier/finalCustomer", "maybe", "neither true nor false"),
        ("matches/match/product", "W", "energy product"),
        ("members/member/ssin", "12345678901", "SSIN"),
        ("matches/match/socialTariffPeriod/endDate", "1999-01-01", "ends before"),
        ("matches/match/supplierInformedDate", "yesterday", "not a date"),
    ],
)
def test_reading_rejects_bad_values(path: str, text: str, message: str) -> None:
    el = _wire.write_household(etree.Element("result"), _household())
    target = el.find(path)
    assert target is not None
    target.text = text
    with pytest.raises(ResponseError, match=message):
        _wire.read_household(el)


def test_reading_rejects_an_unknown_source_status() -> None:
    el = _wire.write_household(etree.Element("result"), SocialTariffHousehold(
        roles=HouseholdRoles(False, False, False), source_status=SourceStatus.SSIN_NOT_FOUND))
    el.find("sourceStatus/value").text = "SOMETHING_ELSE"
    with pytest.raises(ResponseError, match="source status"):
        _wire.read_household(el)


def test_the_criterion_is_written_and_read_back() -> None:
    payload = etree.Element("req")
    _wire.write_criterion(payload, "85073003328")
    assert _wire.read_criterion(payload) == "85073003328"


def test_result_helpers_and_masked_repr() -> None:
    household = _household()
    receipt = Receipt("t", "c", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    result = SocialTariffResult((household,), Status("DATA_FOUND", "MSG00000"), receipt)
    assert result.found and result.protected_person and not result.ssin_not_found
    # Only the eligible, running electricity contract has the social tariff on that day.
    assert result.products_on(D(2026, 6, 1)) == {EnergyProduct.ELECTRICITY}
    assert result.tariffs_on(D(2024, 6, 1)) == ()  # the gas one is not (yet) eligible
    unknown = dataclasses.replace(result, households=(SocialTariffHousehold(
        HouseholdRoles(False, False, False), source_status=SourceStatus.SSIN_NOT_FOUND),))
    assert unknown.ssin_not_found and not unknown.found and not unknown.protected_person
    assert str(household.members[0].ssin) not in repr(result)


# --- end to end over HTTP ---------------------------------------------------------------


@pytest.mark.e2e
def test_a_household_with_the_social_tariff(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = _index(sandbox, lambda i: _living_nr(sandbox, i)
                   and bool(population.facts(i).social_tariffs))
    ssin = population.ssin_of(index)
    integrate(sandbox, client, ssin)
    result = client.social_tariff.get(ssin.formatted)
    assert (result.status.value, result.status.code) == ("DATA_FOUND", "MSG00000")
    assert result.receipt.ticket_cbss and result.found
    (household,) = result.households
    home = population.household(index)
    assert [m.ssin for m in household.members] == [m.ssin for m in home.members]
    assert household.address is not None
    assert household.address.street == home.address.street
    own = [m for m in household.matches if m.customer == population.person(index).name]
    facts = population.facts(index).social_tariffs
    assert [(m.product.value, m.supplier, m.ean, m.social_tariff) for m in own] == [
        (t.product, t.supplier, t.ean, t.period) for t in facts]
    assert household.roles.final_customer
    assert household.roles.protected_person == _protected(sandbox, index)
    assert household.roles.household_head == (home.member(index).relationship == "01")
    assert result.products_on(dt.date.today()) >= {EnergyProduct(t.product) for t in facts}


@pytest.mark.e2e
def test_no_tariff_and_no_right_is_no_data_found(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = _index(sandbox, lambda i: _living_nr(sandbox, i) and not _protected(sandbox, i)
                   and not any(population.facts(m.index).social_tariffs
                               for m in population.household(i).members))
    integrate(sandbox, client, population.ssin_of(index))
    result = client.social_tariff.get(population.ssin_of(index))
    assert (result.status.value, result.status.code) == ("NO_DATA_FOUND", "MSG00100")
    assert result.households == () and not result.found


@pytest.mark.e2e
def test_a_deceased_person_without_data(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = _index(sandbox, lambda i: population.is_deceased(i)
                   and population.register_of(i) is Register.NR
                   and not population.facts(i).social_tariffs and not _protected(sandbox, i))
    integrate(sandbox, client, population.ssin_of(index))
    result = client.social_tariff.get(population.ssin_of(index))
    assert (result.status.value, result.status.code) == ("NO_DATA_FOUND", "MSG00009")


@pytest.mark.e2e
def test_a_bis_person_is_unknown_to_the_social_tariff_database(
    client: KszClient, sandbox: Sandbox
) -> None:
    population = sandbox.population
    index = _index(sandbox, lambda i: population.register_of(i) is Register.BIS
                   and population.replaced_by(i) is None)
    integrate(sandbox, client, population.ssin_of(index))
    result = client.social_tariff.get(population.ssin_of(index))
    assert result.status.value == "DATA_FOUND"
    assert result.ssin_not_found and not result.found
    assert result.households[0].source_status is SourceStatus.SSIN_NOT_FOUND


@pytest.mark.e2e
def test_replaced_and_unknown_ssins(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = _index(sandbox, lambda i: population.replaced_by(i) is not None)
    old = population.ssin_of(index)
    integrate(sandbox, client, old)
    with pytest.raises(SsinReplaced) as caught:
        client.social_tariff.get(old)
    assert caught.value.new_ssin == population.ssin_of(index + 1)
    assert str(old) not in str(caught.value)
    unknown = make(D(2004, 12, 30), 995, kind=SsinKind.TEST)
    integrate(sandbox, client, unknown)
    with pytest.raises(UnknownSsin):
        client.social_tariff.get(unknown)


@pytest.mark.e2e
def test_finality_is_checked_before_sending_and_by_the_ksz(
    client: KszClient, sandbox_config: KszConfig, sandbox: Sandbox
) -> None:
    population = sandbox.population
    ssin = population.ssin_of(_index(sandbox, lambda i: _living_nr(sandbox, i), start=100))
    assert_finality_checked(client, sandbox_config, ssin, lambda c: c.social_tariff.get,
                            legal_context=LEGAL)


@pytest.mark.e2e
def test_the_legal_context_is_the_services_own(
    sandbox_config: KszConfig, sandbox: Sandbox
) -> None:
    population = sandbox.population
    ssin = population.ssin_of(_index(sandbox, lambda i: _living_nr(sandbox, i), start=20))
    with KszClient(sandbox_config) as plain:
        # Without a bound legal context the catalogue's default is sent, and accepted.
        bare = plain.acting_for(user="u")
        integrate(sandbox, bare, ssin)
        assert bare.social_tariff.get(ssin).status.value in ("DATA_FOUND", "NO_DATA_FOUND")
        # A bound legal context does not override the service's own ...
        bound = plain.acting_for(user="u", legal_context="PCSA:SOCIAL_INQUIRY")
        assert bound.social_tariff.get(ssin).status.value in ("DATA_FOUND", "NO_DATA_FOUND")
        # ... one given for the call does: not allowed for this service (MSG00013).
        with pytest.raises(NotAuthorized) as caught:
            bound.social_tariff.get(ssin, context=CallContext(legal_context="PCSA:SOCIAL_INQUIRY"))
    assert caught.value.code == "MSG00013"


@pytest.mark.e2e
def test_a_fault_and_a_retried_503(client: KszClient, sandbox: Sandbox,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_transport, "sleep", lambda seconds: None)
    ssin = sandbox.population.ssin_of(_index(sandbox, lambda i: _living_nr(sandbox, i), start=40))
    integrate(sandbox, client, ssin)
    with sandbox.fault("fault", times=1), pytest.raises(KszFault) as caught:
        client.social_tariff.get(ssin)
    assert caught.value.code == "MSG00003"
    # A consultation is retried after a 503; the second attempt answers.
    with sandbox.fault("http503", times=1):
        assert client.social_tariff.get(ssin).status.value in ("DATA_FOUND", "NO_DATA_FOUND")


def test_an_invalid_ssin_raises_before_any_io(sandbox_config: KszConfig) -> None:
    class Refuse:
        def handle(self, request):  # type: ignore[no-untyped-def]
            raise AssertionError("nothing may be sent")

        def close(self) -> None:
            pass

    client = KszClient(sandbox_config, transport=Refuse()).acting_for(user="u")
    with pytest.raises(InvalidSsin):
        client.social_tariff.get("85073003329")


# --- contract -----------------------------------------------------------------------------


@pytest.fixture
def payloads(sandbox_config: KszConfig, sandbox: Sandbox) -> list[_xml.Element]:
    """Requests and responses of a call with data, one without, and an SSIN_NOT_FOUND."""
    population = sandbox.population
    indexes = [
        _index(sandbox, lambda i: _living_nr(sandbox, i)
               and bool(population.facts(i).social_tariffs), start=60),
        _index(sandbox, lambda i: _living_nr(sandbox, i) and not _protected(sandbox, i)
               and not population.facts(i).social_tariffs, start=60),
        _index(sandbox, lambda i: population.register_of(i) is Register.BIS
               and population.replaced_by(i) is None, start=60),
    ]
    ssins = [population.ssin_of(index) for index in indexes]

    def exercise(client: KszClient) -> None:
        for ssin in ssins:
            client.social_tariff.get(ssin)

    return exchanged(sandbox_config, sandbox, exercise, 6, *ssins, legal_context=LEGAL)


@pytest.mark.e2e
def test_requests_and_responses_validate_against_our_contract(
    payloads: list[_xml.Element],
) -> None:
    schema = _contracts.schema("SocialRateInvestigation")
    assert schema is not None
    for payload in payloads:
        assert schema.validate(payload), schema.error_log
    # Only the root is qualified (elementFormDefault="unqualified").
    for element in payloads[0].iterdescendants():
        assert etree.QName(element).namespace is None, element.tag
    assert payloads[1].find("result/household/matches/match") is not None


@pytest.mark.contracts
@pytest.mark.e2e
def test_messages_validate_with_the_official_commonv3(
    payloads: list[_xml.Element], official_contracts: Path
) -> None:
    schema = ours_with_official_common(official_contracts, "SocialRateInvestigation")
    for payload in payloads:
        assert schema.validate(payload), schema.error_log
    broken = copy.deepcopy(payloads[0])
    broken.find("criterion/ssin").text = "123"
    assert not schema.validate(broken)


def test_zeep_loads_our_wsdl_and_it_agrees_with_the_catalogue() -> None:
    assert_wsdl_agrees(SERVICE, "SocialRateInvestigationService/SocialRateInvestigationV1.wsdl",
                       "SocialRateInvestigationService", "SocialRateInvestigationServicePort")


# --- command line ---------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_generated_command(
    sandbox: Sandbox, sandbox_config_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    population = sandbox.population
    found = population.ssin_of(_index(sandbox, lambda i: _living_nr(sandbox, i)
                                      and bool(population.facts(i).social_tariffs), start=120))
    empty = population.ssin_of(_index(
        sandbox, lambda i: _living_nr(sandbox, i) and not _protected(sandbox, i)
        and not any(population.facts(m.index).social_tariffs
                    for m in population.household(i).members), start=120))
    # The command's client keeps its register in the audit log: integrate there first.
    config = cli_setup(sandbox, sandbox_config_path, tmp_path, monkeypatch, found, empty)
    context = ("--config", str(config), "--user", "sw-1", "--legal-context", LEGAL)
    assert main([*context, "social_tariff", "get", found.formatted, "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["status"]["code"] == "MSG00000"
    assert data["households"][0]["matches"][0]["product"] in ("E", "G")
    assert main([*context, "social_tariff", "consult-exchanged-data", str(found)]) == EXIT_OK
    assert "supplier" in capsys.readouterr().out
    assert main([*context, "social_tariff", "get", str(empty)]) == EXIT_BUSINESS
    assert "NO_DATA_FOUND" in capsys.readouterr().out
