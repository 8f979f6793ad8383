"""HealthCareInsurance V1: mapping, input checks, end to end against a sandbox, contract, CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _xml, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import (
    InvalidSsin,
    KszFault,
    NotAuthorized,
    NotIntegrated,
    ResponseError,
    SsinReplaced,
    UnknownSsin,
    ValidationError,
)
from ksz_client.audit import Integration
from ksz_client.audit._guard import belgian_today
from ksz_client.cli import EXIT_OK, main
from ksz_client.sandbox import SANDBOX_CBE_NUMBER
from ksz_client.services.health_insurance import (
    CodedPeriod,
    ComplementaryInsurance,
    HolderCodes,
    Insurability,
    InsuranceData,
    InsuringOrganization,
    MaximumCharge,
    MedicalHouse,
    _wire,
)
from ksz_client.ssin import SsinKind, make
from ksz_client.types import CallContext, Money, Period

from .official_helpers import (
    assert_both_contracts,
    assert_unqualified,
    assert_wsdl_agrees,
    payloads,
    service_payloads,
)
from .sandbox_world import World, integrate, ocmw, person, world  # noqa: F401 - fixtures

SERVICE = catalogue.get("HealthCareInsurance")
OPERATION = "getInsuranceOrganizationInformations"
# The KSZ counts days in Belgium; the client does too (KszClient._today).
TODAY = belgian_today(dt.datetime.now(dt.UTC))


# --- a sandbox of our own (its repertory is ours to change) ---------------------------------


class _Refuse:
    """A transport that fails the test if anything is sent."""

    def handle(self, request: object) -> object:
        raise AssertionError("nothing may be sent")

    def close(self) -> None:
        pass


# --- mapping (unit) ---------------------------------------------------------------------------


def _everything() -> Insurability:
    p1 = Period(dt.date(2001, 1, 1), dt.date(2010, 12, 31))
    p2 = Period(dt.date(2011, 1, 1))
    return Insurability(
        insuring_organizations=(InsuringOrganization("300", p1, "Solidaris"),
                                InsuringOrganization("500", p2)),
        reimbursement_rights=(p1, p2),
        holder_codes=(HolderCodes("111", "111", p2),),
        paying_third_party=(p2,),
        maximum_charges=(MaximumCharge(2025, True, Money.parse("559.71")),
                         MaximumCharge(2024, False)),
        medical_houses=(MedicalHouse(p2, "80012345", "WGC Noord", ("DOCTOR", "NURSE")),
                        MedicalHouse(p1)),
        increased_intervention=(p2,),
        complementary_insurance=(ComplementaryInsurance(p2, in_order=False),),
        global_medical_file=(p1,),
        sfdf_l891=(CodedPeriod("X1", p2),),
    )


def test_insurability_round_trips_through_the_wire_mapping() -> None:
    data = _everything()
    result = etree.Element("result")
    _wire.write_insurability(result, data)
    assert _wire.read_insurability(result) == data


def test_criterion_round_trips_and_keeps_the_schema_order() -> None:
    criterion = _wire.Criterion("85073003328", dt.date(2025, 3, 1),
                                (InsuranceData.MEDICAL_HOUSE, InsuranceData.INSURING_ORGANIZATION))
    payload = etree.Element("req")
    _wire.write_criterion(payload, criterion)
    desired = [c.tag for c in payload.find("criterion/desiredData")]
    assert desired == ["insuringOrganization", "medicalHouse"]
    back = _wire.read_criterion(payload)
    assert (back.ssin, back.date, set(back.data)) == (
        criterion.ssin, criterion.date, set(criterion.data))
    today = etree.Element("req")
    _wire.write_criterion(today, _wire.Criterion("85073003328", None, tuple(InsuranceData)))
    assert today.find("criterion/temporalCriteria/today") is not None
    assert _wire.read_criterion(today).date is None


def test_reading_ignores_unknown_elements_and_requires_known_ones() -> None:
    result = etree.Element("result")
    _wire.write_insurability(result, _everything())
    etree.SubElement(result, "futureGroup").text = "later"
    etree.SubElement(result.find("insuringOrganization"), "extra").text = "?"
    assert _wire.read_insurability(result) == _everything()
    result.find("insuringOrganization").remove(result.find("insuringOrganization/code"))
    with pytest.raises(ResponseError, match="code"):
        _wire.read_insurability(result)


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [
        ("reimbursementRight/period/beginDate", "2001-13-01", "not a date"),
        ("reimbursementRight/period/endDate", "1999-01-01", "ends before"),
        ("maximumCharge/reached", "maybe", "boolean"),
        ("maximumCharge/ceiling", "12.345", "amount"),
        ("maximumCharge/year", "MMXXV", "whole number"),
    ],
)
def test_malformed_values_are_response_errors(path: str, text: str, message: str) -> None:
    result = etree.Element("result")
    _wire.write_insurability(result, _everything())
    result.find(path).text = text
    with pytest.raises(ResponseError, match=message):
        _wire.read_insurability(result)


def test_amounts_never_pass_through_a_float() -> None:
    result = etree.Element("result")
    _wire.write_insurability(result, _everything())
    assert result.findtext("maximumCharge/ceiling") == "559.71"
    assert _wire.read_insurability(result).maximum_charges[0].ceiling == Money(55971)


def test_data_groups_are_parsed_by_wire_or_member_name() -> None:
    assert InsuranceData.parse("medicalHouse") is InsuranceData.MEDICAL_HOUSE
    assert InsuranceData.parse("medical-house") is InsuranceData.MEDICAL_HOUSE
    assert InsuranceData.parse("SFDF_L891") is InsuranceData.SFDF_L891
    with pytest.raises(ValidationError, match="known"):
        InsuranceData.parse("wealth")


def test_helpers_of_the_insurability() -> None:
    data = _everything()
    day = dt.date(2020, 5, 5)
    assert data.mutuality_at(day) is not None and data.mutuality_at(day).code == "500"
    assert data.mutuality_at(dt.date(1990, 1, 1)) is None
    assert data.insured_at(day) and data.third_party_payer_at(day)
    assert data.increased_intervention_at(day) and not data.increased_intervention_at(
        dt.date(2005, 1, 1))
    assert data.medical_house_at(day) == data.medical_houses[0]
    assert data.holder_codes[0].increased_intervention
    assert not HolderCodes("110", "110", Period(day)).increased_intervention


# --- bad input: raised before anything is sent -------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"ssin": "85073003329"}, InvalidSsin, None),
        ({"date": "2025-02-30"}, ValidationError, "YYYY-MM-DD"),
        ({"date": "yesterday"}, ValidationError, "YYYY-MM-DD"),
        ({"data": ("wealth",)}, ValidationError, "known"),
        ({"data": "nothing"}, ValidationError, "known"),
    ],
)
def test_bad_input_raises_before_sending(world: World, kwargs: dict[str, object],
                                         error: type[Exception], message: str | None) -> None:
    config = KszConfig.load(world.config_path, env={})
    client = KszClient(config, transport=_Refuse()).acting_for(user="u")  # type: ignore[arg-type]
    ssin = kwargs.pop("ssin", "85073003328")
    with pytest.raises(error, match=message):
        client.health_insurance.insurability(ssin, **kwargs)  # type: ignore[arg-type]


# --- end to end --------------------------------------------------------------------------------


@pytest.mark.e2e
def test_insurability_today_follows_the_facts(world: World, ocmw: KszClient) -> None:
    index = person(world, lambda i, f: f.insured and f.insurability[0].third_party_payer,
                   insured=True)
    ssin = world.sandbox.population.ssin_of(index)
    fact = world.sandbox.population.facts(index).insurability[0]
    integrate(world, ocmw, ssin)
    result = ocmw.health_insurance.insurability(ssin.formatted)
    assert result.found and result.date is None
    assert (result.status.value, result.status.code) == ("DATA_FOUND", "MSG00000")
    assert result.receipt.ticket_cbss and result.receipt.ticket_cbss != result.receipt.ticket
    data = result.insurability
    assert data is not None
    mutuality = data.mutuality_at(TODAY)
    assert mutuality is not None
    assert (mutuality.code, mutuality.name, mutuality.period) == (
        fact.mutuality_code, fact.mutuality, fact.period)
    assert data.insured_at(TODAY) and data.third_party_payer_at(TODAY)
    assert data.increased_intervention_at(TODAY) is fact.increased_intervention
    assert data.holder_codes[0].increased_intervention is fact.increased_intervention
    assert (data.medical_house_at(TODAY) is not None) is fact.medical_house
    assert data.maximum_charges[0].year == TODAY.year
    assert data.sfdf_l891 == ()


@pytest.mark.e2e
def test_a_medical_house_and_only_the_groups_asked(world: World, ocmw: KszClient) -> None:
    index = person(world, lambda i, f: f.insured and f.insurability[0].medical_house,
                   insured=True)
    ssin = world.sandbox.population.ssin_of(index)
    integrate(world, ocmw, ssin)
    result = ocmw.health_insurance.insurability(ssin, date=dt.date(2024, 6, 30),
                                                data=["medicalHouse", "PAYING_THIRD_PARTY"])
    data = result.insurability
    assert data is not None
    house = data.medical_house_at(dt.date(2024, 6, 30))
    assert house is not None and house.name and house.disciplines
    assert data.insuring_organizations == () and data.holder_codes == ()
    assert data.reimbursement_rights == () and data.maximum_charges == ()
    assert result.date == dt.date(2024, 6, 30)


@pytest.mark.e2e
def test_a_date_before_the_affiliation_is_no_data_found(world: World, ocmw: KszClient) -> None:
    index = person(world, insured=True)
    ssin = world.sandbox.population.ssin_of(index)
    integrate(world, ocmw, ssin)
    result = ocmw.health_insurance.insurability(ssin, date="1930-01-01")
    assert not result.found and result.insurability is None
    assert (result.status.value, result.status.code) == ("NO_DATA_FOUND", "MSG00100")


@pytest.mark.e2e
def test_an_uninsured_person_is_no_data_found(world: World, ocmw: KszClient) -> None:
    index = person(world, insured=False)
    ssin = world.sandbox.population.ssin_of(index)
    integrate(world, ocmw, ssin)
    result = ocmw.health_insurance.insurability(ssin)
    assert result.insurability is None and result.status.code == "MSG00100"


@pytest.mark.e2e
def test_after_death_is_no_data_found_msg00009(world: World, ocmw: KszClient) -> None:
    population = world.sandbox.population
    index = next(i for i in range(population.size) if population.is_deceased(i))
    ssin = population.ssin_of(index)
    integrate(world, ocmw, ssin)
    result = ocmw.health_insurance.insurability(ssin)
    assert (result.status.value, result.status.code) == ("NO_DATA_FOUND", "MSG00009")
    assert result.insurability is None


@pytest.mark.e2e
def test_unknown_and_replaced_ssins(world: World, ocmw: KszClient) -> None:
    unknown = make(dt.date(2004, 12, 30), 995, kind=SsinKind.TEST)
    integrate(world, ocmw, unknown)
    with pytest.raises(UnknownSsin) as caught:
        ocmw.health_insurance.insurability(unknown)
    assert caught.value.code == "MSG00005"
    population = world.sandbox.population
    old = next(i for i in range(population.size) if population.replaced_by(i) is not None)
    integrate(world, ocmw, population.ssin_of(old))
    with pytest.raises(SsinReplaced) as replaced:
        ocmw.health_insurance.insurability(population.ssin_of(old))
    assert replaced.value.new_ssin == population.ssin_of(old + 1)
    assert str(population.ssin_of(old)) not in str(replaced.value)


@pytest.mark.e2e
def test_finality_is_checked_on_both_sides(world: World, ocmw: KszClient) -> None:
    index = person(world, insured=True, integrated=False)
    ssin = world.sandbox.population.ssin_of(index)
    sent = len(world.requests)
    with pytest.raises(NotIntegrated) as local:
        ocmw.health_insurance.insurability(ssin)
    assert local.value.ticket_cbss is None and len(world.requests) == sent  # never sent
    ocmw.integrations.add(Integration(organisation=SANDBOX_CBE_NUMBER, ssin=ssin,
                                      quality_code=2, start=dt.date(2020, 1, 1)))
    with pytest.raises(NotIntegrated) as remote:  # the sandbox's repertory does not have it
        ocmw.health_insurance.insurability(ssin)
    assert remote.value.code == "MSG00012" and remote.value.ticket_cbss
    assert len(world.requests) == sent + 1


@pytest.mark.e2e
def test_another_legal_context_is_refused(world: World, ocmw: KszClient) -> None:
    index = person(world, insured=True)
    ssin = world.sandbox.population.ssin_of(index)
    integrate(world, ocmw, ssin)
    with pytest.raises(NotAuthorized) as caught:
        ocmw.health_insurance.insurability(
            ssin, context=CallContext(legal_context="PCSA:SOCIAL_INQUIRY"))
    assert caught.value.code == "MSG00013"


@pytest.mark.e2e
def test_a_soap_fault_is_a_ksz_fault(world: World, ocmw: KszClient) -> None:
    index = person(world, insured=True)
    ssin = world.sandbox.population.ssin_of(index)
    integrate(world, ocmw, ssin)
    with world.sandbox.fault("fault", times=1), pytest.raises(KszFault) as caught:
        ocmw.health_insurance.insurability(ssin)
    assert caught.value.code == "MSG00003" and caught.value.verified


# --- contract ------------------------------------------------------------------------------------


def _payloads(messages: list[bytes]) -> list[_xml.Element]:
    env = "{http://schemas.xmlsoap.org/soap/envelope/}"
    out = []
    for message in messages:
        body = _xml.parse(message).find(f"{env}Body")
        assert body is not None
        payload = next(c for c in body if isinstance(c.tag, str))
        if payload.tag != f"{env}Fault":
            out.append(payload)
    return out


@pytest.mark.contracts
@pytest.mark.e2e
def test_requests_and_responses_validate_against_our_contract_and_official_commonv3(
    world: World, ocmw: KszClient, official_contracts: Path,
) -> None:
    index = person(world, insured=True)
    ssin = world.sandbox.population.ssin_of(index)
    integrate(world, ocmw, ssin)
    ocmw.health_insurance.insurability(ssin)
    ocmw.health_insurance.insurability(ssin, date="2010-01-01", data="ct1ct2")
    mine = service_payloads(world.requests + world.responses, SERVICE.namespace)
    assert len(mine) >= 4
    assert_both_contracts(official_contracts, SERVICE.name, mine)
    assert_unqualified(payloads(world.requests))


@pytest.mark.contracts
def test_zeep_loads_our_wsdl_and_it_agrees_with_the_catalogue() -> None:
    assert_wsdl_agrees(SERVICE, "HealthCareInsuranceService/HealthCareInsuranceV1.wsdl",
                       "HealthCareInsuranceService", "HealthCareInsuranceServicePort")


# --- command line --------------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_generated_command_answers_in_json(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    index = person(world, insured=True)
    ssin = world.sandbox.population.ssin_of(index)
    # The command's client keeps its register in the audit log the configuration names.
    config = tmp_path / "ksz.toml"
    config.write_text(world.config_path.read_text()
                      + f'\n[audit]\npath = "{tmp_path / "audit.sqlite3"}"\n')
    for name in ("client-key.pem", "client-cert.pem", "sandbox-signing-cert.pem"):
        (tmp_path / name).write_bytes((world.config_path.parent / name).read_bytes())
    monkeypatch.chdir(tmp_path)
    with KszClient(KszConfig.load(config, env={})) as setup:
        integrate(world, setup, ssin)
    code = main(["--config", str(config), "--user", "sw-cli", "health_insurance",
                 "insurability", ssin.formatted, "--only", "insuringOrganization", "--json"])
    out, err = capsys.readouterr()
    assert (code, err) == (EXIT_OK, "")
    data = json.loads(out)
    fact = world.sandbox.population.facts(index).insurability[0]
    assert data["insurability"]["insuring_organizations"][0]["code"] == fact.mutuality_code
    assert data["insurability"]["medical_houses"] == []
    assert data["status"]["code"] == "MSG00000" and data["receipt"]["ticket_cbss"]
    code = main(["--config", str(config), "--user", "sw-cli", "health_insurance",
                 "get-insurance-organization-informations", ssin.formatted])
    out, _ = capsys.readouterr()
    assert code == EXIT_OK and fact.mutuality_code in out and "ticketCBSS" in out
