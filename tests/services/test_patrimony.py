"""PatrimonyService V1: mapping, Cadnet codes, end to end against a sandbox, contract, CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import (
    InvalidData,
    InvalidSsin,
    NoResult,
    NotAuthorized,
    NotIntegrated,
    ResponseError,
    SsinReplaced,
    UnknownSsin,
    ValidationError,
)
from ksz_client.audit import Integration
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK, main
from ksz_client.sandbox import SANDBOX_CBE_NUMBER
from ksz_client.services.patrimony import (
    CadastralParcel,
    NaturePerson,
    PatrimonyOutcome,
    Property,
    PropertyRight,
    RightKind,
    Share,
    _wire,
)
from ksz_client.ssin import SsinKind, make
from ksz_client.types import CallContext, Money

from .official_helpers import (
    assert_both_contracts,
    assert_unqualified,
    assert_wsdl_agrees,
    service_payloads,
)
from .sandbox_world import World, integrate, ocmw, person, world  # noqa: F401 - fixtures

SERVICE = catalogue.get("PatrimonyService")


def partner_of(world: World, index: int) -> str | None:
    return next((str(c.partner_ssin) for c in world.sandbox.population.person(index).civil_states
                 if c.code == "20" and c.partner_ssin), None)


class _Refuse:
    def handle(self, request: object) -> object:
        raise AssertionError("nothing may be sent")

    def close(self) -> None:
        pass


# --- mapping (unit) ---------------------------------------------------------------------------

HOUSE = Property(
    parcel=CadastralParcel("11002", "B", "0123/02A000"),
    municipality_code="11002", municipality="Antwerpen", street="Kerkstraat", house_number="1",
    nature="HOUSE", nature_description="huis", cadastral_income=Money.parse("1234.56"),
    right=PropertyRight(RightKind.BARE_OWNERSHIP, Share(1, 3)),
)
LAND = Property(parcel=CadastralParcel("62063", "A", "7"), municipality_code="62063",
                nature="LAND", cadastral_income=Money(0),
                right=PropertyRight(RightKind.FULL_OWNERSHIP, Share(1, 1)))


@pytest.mark.parametrize("estate", [HOUSE, LAND], ids=["full", "bare"])
def test_property_round_trips_through_the_wire_mapping(estate: Property) -> None:
    parent = etree.Element("result")
    _wire.write_property(parent, estate)
    assert _wire.read_property(parent[0]) == estate


def test_partner_and_criterion_round_trip() -> None:
    result = etree.Element("result")
    partner = make(dt.date(1980, 2, 3), 2, kind=SsinKind.TEST)
    _wire.write_partner(result, "85073003328", str(partner))
    assert _wire.read_partner(result) == partner
    alone = etree.Element("result")
    _wire.write_partner(alone, "85073003328", None)
    assert _wire.read_partner(alone) is None
    for nature in NaturePerson:
        payload = etree.Element("req")
        criterion = _wire.Criterion("85073003328", nature, "FR")
        _wire.write_criterion(payload, criterion)
        assert _wire.read_criterion(payload) == criterion
    assert [n.code for n in NaturePerson] == ["1", "2", "3"]


def test_reading_tolerates_extras_and_refuses_malformed_values() -> None:
    parent = etree.Element("result")
    _wire.write_property(parent, HOUSE)
    etree.SubElement(parent[0], "mortgage").text = "unknown to us"
    assert _wire.read_property(parent[0]) == HOUSE
    for path, text, message in (
        ("cadastralIncome", "12.345", "amount or share"),
        ("right/share/numerator", "4", "amount or share"),
        ("right/share/denominator", "x", "whole number"),
    ):
        broken = etree.Element("result")
        _wire.write_property(broken, HOUSE)
        broken[0].find(path).text = text
        with pytest.raises(ResponseError, match=message):
            _wire.read_property(broken[0])
    missing = etree.Element("result")
    _wire.write_property(missing, HOUSE)
    missing[0].remove(missing[0].find("parcel"))
    with pytest.raises(ResponseError, match="parcel"):
        _wire.read_property(missing[0])
    bad = etree.Element("result")
    _wire.write_partner(bad, "85073003328", "12345678901")
    with pytest.raises(ResponseError, match="SSIN"):
        _wire.read_partner(bad)


def test_an_unknown_right_is_other_and_shares_compute_exactly() -> None:
    parent = etree.Element("result")
    _wire.write_property(parent, HOUSE)
    parent[0].find("right/type").text = "TIMESHARE"
    assert _wire.read_property(parent[0]).right.kind is RightKind.OTHER
    assert Share.per_mille(500) == Share(1, 2) and Share.per_mille(250) == Share(1, 4)
    assert HOUSE.cadastral_income_share == Money(41152)  # 1234.56 / 3, rounded down
    assert str(Share(1, 3)) == "1/3" and str(HOUSE.parcel) == "11002 B 0123/02A000"
    with pytest.raises(ValidationError):
        Share(0, 2)
    with pytest.raises(ValidationError):
        NaturePerson.from_code("4")


def test_every_cadnet_refusal_code_maps_to_a_typed_error() -> None:
    refusals = {code for code in PatrimonyOutcome if code in _wire.REFUSALS}
    results = set(PatrimonyOutcome) - refusals
    assert results == {
        PatrimonyOutcome.PERSON_WITH_PROPERTIES_AND_PARTNER,
        PatrimonyOutcome.PERSON_WITHOUT_PARTNER_WITH_PROPERTIES,
        PatrimonyOutcome.PERSON_WITHOUT_PARTNER_AND_PROPERTIES,
        PatrimonyOutcome.PERSON_WITH_PARTNER_WITHOUT_PROPERTIES,
        PatrimonyOutcome.PERSON_UNKNOWN_FODFIN,
    }
    generic = NoResult("x", value="NO_RESULT", code="MSG00099", ticket="t", ticket_cbss="c")
    assert _wire.refusal(generic) is None
    typed = _wire.refusal(NoResult("x", value="NO_RESULT", code="VALIDATION_ERROR",
                                   ticket="t", ticket_cbss="c"))
    assert isinstance(typed, InvalidData) and typed.ticket_cbss == "c"


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"ssin": "85073003329"}, InvalidSsin, None),
        ({"language": "EN"}, ValidationError, "language"),
        ({"nature": "NEIGHBOUR"}, ValidationError, "nature"),
        ({"nature": "4"}, ValidationError, "nature"),
    ],
)
def test_bad_input_raises_before_sending(world: World, kwargs: dict[str, object],
                                         error: type[Exception], message: str | None) -> None:
    config = KszConfig.load(world.config_path, env={})
    client = KszClient(config, transport=_Refuse()).acting_for(user="u")  # type: ignore[arg-type]
    ssin = kwargs.pop("ssin", "85073003328")
    with pytest.raises(error, match=message):
        client.patrimony.properties(ssin, **kwargs)  # type: ignore[arg-type]


# --- end to end: the four results --------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("with_properties", "with_partner", "outcome", "value"),
    [
        (True, True, PatrimonyOutcome.PERSON_WITH_PROPERTIES_AND_PARTNER, "DATA_FOUND"),
        (True, False, PatrimonyOutcome.PERSON_WITHOUT_PARTNER_WITH_PROPERTIES, "DATA_FOUND"),
        (False, True, PatrimonyOutcome.PERSON_WITH_PARTNER_WITHOUT_PROPERTIES, "DATA_FOUND"),
        (False, False, PatrimonyOutcome.PERSON_WITHOUT_PARTNER_AND_PROPERTIES, "NO_DATA_FOUND"),
    ],
)
def test_the_properties_and_the_partner(
    world: World, ocmw: KszClient, with_properties: bool, with_partner: bool,
    outcome: PatrimonyOutcome, value: str,
) -> None:
    index = person(world, lambda i, f: bool(f.real_estate) is with_properties
                   and (partner_of(world, i) is not None) is with_partner)
    ssin = world.sandbox.population.ssin_of(index)
    estates = world.sandbox.population.facts(index).real_estate
    integrate(world, ocmw, ssin)
    result = ocmw.patrimony.properties(ssin, nature="COHABITANT", language="FR")
    assert result.outcome is outcome and result.known_to_fodfin
    assert (result.status.value, result.status.code) == (value, outcome.value)
    assert result.found is with_properties
    assert (str(result.partner_ssin) if result.partner_ssin else None) == partner_of(world, index)
    assert [(p.municipality_code, p.cadastral_income.cents) for p in result.properties] == [
        (e.municipality_code, e.cadastral_income_cents) for e in estates]
    assert result.total_cadastral_income == Money(sum(
        e.cadastral_income_cents * e.share_per_mille // 1000 for e in estates))
    for estate, fact in zip(result.properties, estates, strict=True):
        assert estate.right.kind is RightKind.FULL_OWNERSHIP
        assert estate.right.share == Share.per_mille(fact.share_per_mille)
        assert estate.nature_description in ("maison", "appartement", "terrain")


@pytest.mark.e2e
def test_a_person_unknown_to_fodfin_is_a_result(world: World, ocmw: KszClient) -> None:
    ssin = world.sandbox.population.ssin_of(91)
    integrate(world, ocmw, ssin)
    result = ocmw.patrimony.properties(ssin)
    assert result.outcome is PatrimonyOutcome.PERSON_UNKNOWN_FODFIN
    assert not result.known_to_fodfin and not result.found and result.partner_ssin is None
    assert result.status.value == "NO_DATA_FOUND"


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("index", "error", "code"),
    [
        (92, NoResult, "INVALID_RESPONSE_FODFIN"),
        (93, NoResult, "ERROR_FODFIN"),
        (94, InvalidData, "VALIDATION_ERROR"),
        (95, NotIntegrated, "INSZ_UNKNOW_IN_LEGAL_CONTEXT_CBSS"),
        (96, NotIntegrated, "INSZ_UNKNOW_IN_LEGAL_CONTEXT_PPSSI"),
        (197, NoResult, "SSIN_PROBLEM"),
    ],
)
def test_the_cadnet_refusals_are_typed_errors(
    world: World, ocmw: KszClient, index: int, error: type[NoResult], code: str,
) -> None:
    ssin = world.sandbox.population.ssin_of(index)
    integrate(world, ocmw, ssin)
    with pytest.raises(error) as caught:
        ocmw.patrimony.properties(ssin)
    assert caught.value.code == code and caught.value.value == "NO_RESULT"
    assert caught.value.ticket_cbss and code in str(caught.value)
    assert str(ssin) not in str(caught.value)


@pytest.mark.e2e
def test_msg_codes_keep_their_own_errors(world: World, ocmw: KszClient) -> None:
    unknown = make(dt.date(2004, 12, 30), 995, kind=SsinKind.TEST)
    integrate(world, ocmw, unknown)
    with pytest.raises(UnknownSsin):
        ocmw.patrimony.properties(unknown)
    population = world.sandbox.population
    old = next(i for i in range(population.size) if population.replaced_by(i) is not None)
    integrate(world, ocmw, population.ssin_of(old))
    with pytest.raises(SsinReplaced):
        ocmw.patrimony.properties(population.ssin_of(old))


@pytest.mark.e2e
def test_finality_and_legal_context(world: World, ocmw: KszClient) -> None:
    index = person(world, lambda i, f: True, integrated=False)
    ssin = world.sandbox.population.ssin_of(index)
    sent = len(world.requests)
    with pytest.raises(NotIntegrated) as local:
        ocmw.patrimony.properties(ssin)
    assert local.value.code == "MSG00012" and local.value.ticket_cbss is None
    assert len(world.requests) == sent
    ocmw.integrations.add(Integration(organisation=SANDBOX_CBE_NUMBER, ssin=ssin,
                                      quality_code=2, start=dt.date(2020, 1, 1)))
    with pytest.raises(NotIntegrated) as remote:
        ocmw.patrimony.properties(ssin)
    assert remote.value.code == "MSG00012" and remote.value.ticket_cbss
    world.sandbox.integrate(ssin)
    with pytest.raises(NotAuthorized):
        ocmw.patrimony.properties(
            ssin, context=CallContext(legal_context="SOCIAL_INVESTIGATION_OF_PCSA"))


# --- contract ------------------------------------------------------------------------------------


@pytest.mark.contracts
@pytest.mark.e2e
def test_requests_and_responses_validate_against_our_contract_and_official_commonv3(
    world: World, ocmw: KszClient, official_contracts: Path,
) -> None:
    for predicate in (lambda i, f: bool(f.real_estate), lambda i, f: not f.real_estate):
        ssin = world.sandbox.population.ssin_of(person(world, predicate))
        integrate(world, ocmw, ssin)
        ocmw.patrimony.properties(ssin, nature=NaturePerson.MAINTENANCE_DEBTOR, language="DE")
    ssin = world.sandbox.population.ssin_of(93)
    integrate(world, ocmw, ssin)
    with pytest.raises(NoResult):
        ocmw.patrimony.properties(ssin)
    payloads = service_payloads(world.requests + world.responses, SERVICE.namespace)
    assert len(payloads) >= 6
    assert_both_contracts(official_contracts, SERVICE.name, payloads)
    assert_unqualified(service_payloads(world.requests, SERVICE.namespace))


@pytest.mark.contracts
def test_zeep_loads_our_wsdl_and_it_agrees_with_the_catalogue() -> None:
    assert_wsdl_agrees(SERVICE, "PatrimonyService/PatrimonyV1.wsdl",
                       "PatrimonyService", "PatrimonyServicePort")


# --- command line --------------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_generated_command_answers_in_json(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    index = person(world, lambda i, f: bool(f.real_estate))
    population = world.sandbox.population
    config = tmp_path / "ksz.toml"
    config.write_text(world.config_path.read_text()
                      + f'\n[audit]\npath = "{tmp_path / "audit.sqlite3"}"\n')
    for name in ("client-key.pem", "client-cert.pem", "sandbox-signing-cert.pem"):
        (tmp_path / name).write_bytes((world.config_path.parent / name).read_bytes())
    with KszClient(KszConfig.load(config, env={})) as setup:
        for i in (index, 93):
            integrate(world, setup, population.ssin_of(i))
    code = main(["--config", str(config), "--user", "sw-cli", "patrimony", "properties",
                 str(population.ssin_of(index)), "--nature", "APPLICANT", "--json"])
    out, err = capsys.readouterr()
    assert (code, err) == (EXIT_OK, "")
    data = json.loads(out)
    estates = population.facts(index).real_estate
    assert [p["cadastral_income"]["cents"] for p in data["properties"]] == [
        e.cadastral_income_cents for e in estates]
    assert data["outcome"].startswith("PERSON_")
    code = main(["--config", str(config), "--user", "sw-cli", "patrimony", "find-properties",
                 str(population.ssin_of(93))])
    out, err = capsys.readouterr()
    assert code == EXIT_BUSINESS and "ERROR_FODFIN" in err and out == ""
