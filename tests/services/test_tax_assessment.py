"""TaxAssessmentData V2: mapping, input checks, end to end against a sandbox, contract, CLI."""

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
    InvalidSsin,
    NotAuthorized,
    NotIntegrated,
    ResponseError,
    UnknownSsin,
    ValidationError,
)
from ksz_client.audit import Integration
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK, main
from ksz_client.sandbox import SANDBOX_CBE_NUMBER
from ksz_client.sandbox.facts import Facts
from ksz_client.services.tax_assessment import (
    NO_RECENT_RETURN,
    DerivedYear,
    FiscalElement,
    FiscalGroup,
    TaxAssessmentData,
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

SERVICE = catalogue.get("TaxAssessment")
PARTNER = make(dt.date(1980, 2, 3), 2, kind=SsinKind.TEST)


def _filed(facts: Facts) -> dict[int, object]:
    return {t.income_year: t for t in facts.taxes if t.taxable_income_cents or t.dependants}


class _Refuse:
    def handle(self, request: object) -> object:
        raise AssertionError("nothing may be sent")

    def close(self) -> None:
        pass


# --- mapping (unit) ---------------------------------------------------------------------------


FULL = TaxAssessmentData(
    income_year=2023, assessment_year=2024, partner_ssin=PARTNER,
    global_taxable_income=Money.parse("24567.89"), gross_income=Money.parse("28567.31"),
    foreign_real_estate_income=Money.parse("1200.00"), distinctly_taxable_income=Money(0),
    fiscal_family_global_taxable_income=Money.parse("51000.10"),
    children_dependent=2, children_dependent_handicapped=1, other_dependents=1,
)


@pytest.mark.parametrize("data", [
    FULL,
    TaxAssessmentData(income_year=2024, assessment_year=2025),
    TaxAssessmentData(income_year=2024, assessment_year=2025, children_dependent_handicapped=0),
], ids=["full", "bare", "handicapped-only"])
def test_assessment_round_trips_through_the_wire_mapping(data: TaxAssessmentData) -> None:
    parent = etree.Element("result")
    el = _wire.write_assessment(parent, data)
    assert _wire.read_assessment(el) == data


def test_criteria_round_trip() -> None:
    for criteria in (
        _wire.Criteria("85073003328", year=2023,
                       elements=(FiscalElement.GROSS_INCOME,),
                       groups=(FiscalGroup.CHILDREN_DEPENDENT, FiscalGroup.GLOBAL_TAXABLE_INCOME)),
        _wire.Criteria("85073003328", derived=DerivedYear.MOST_RECENT_UNLIMITED),
    ):
        payload = etree.Element("req")
        _wire.write_criteria(payload, criteria)
        assert _wire.read_criteria(payload) == criteria
    bare = etree.Element("req")
    _wire.write_criteria(bare, _wire.Criteria("85073003328"))
    assert bare.findtext("criteria/referenceYear/derivedYear") == "MOST_RECENT"
    assert bare.find("criteria/fiscalDataSelection") is None


def test_reading_tolerates_extras_and_refuses_malformed_values() -> None:
    el = _wire.write_assessment(etree.Element("result"), FULL)
    etree.SubElement(el, "newFiscalElement").text = "42"
    assert _wire.read_assessment(el) == FULL
    for path, text, message in (
        ("grossIncome", "12.345", "amount"),
        ("grossIncome", "1e3x", "amount"),
        ("partner/ssin", "12345678901", "SSIN"),
        ("incomeYear", "twenty", "whole number"),
        ("childrenDependent/number", "two", "whole number"),
    ):
        broken = _wire.write_assessment(etree.Element("result"), FULL)
        broken.find(path).text = text
        with pytest.raises(ResponseError, match=message):
            _wire.read_assessment(broken)
    missing = _wire.write_assessment(etree.Element("result"), FULL)
    missing.remove(missing.find("assessmentYear"))
    with pytest.raises(ResponseError, match="assessmentYear"):
        _wire.read_assessment(missing)


def test_sandbox_side_refuses_unknown_codes() -> None:
    payload = etree.Element("req")
    _wire.write_criteria(payload, _wire.Criteria("85073003328",
                                                 groups=(FiscalGroup.CHILDREN_DEPENDENT,)))
    payload.find("criteria/fiscalDataSelection/groups/group").text = "WEALTH"
    with pytest.raises(ValidationError):
        _wire.read_criteria(payload)


def test_dependants_and_joint() -> None:
    assert FULL.joint and FULL.dependants == 3
    bare = TaxAssessmentData(income_year=2024, assessment_year=2025)
    assert not bare.joint and bare.dependants is None
    assert "*" in repr(FULL) and str(PARTNER) not in repr(FULL)


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"ssin": "85073003329"}, InvalidSsin, None),
        ({"year": 2023, "derived_year": "MOST_RECENT"}, ValidationError, "not both"),
        ({"year": dt.date.today().year}, ValidationError, "income year"),
        ({"year": 1989}, ValidationError, "income year"),
        ({"year": "2023"}, ValidationError, "whole number"),
        ({"year": True}, ValidationError, "whole number"),
        ({"derived_year": "LAST"}, ValidationError, "derived year"),
        ({"elements": ("WEALTH",)}, ValidationError, "fiscal element"),
        ({"groups": "WEALTH"}, ValidationError, "fiscal group"),
        ({"groups": (1,)}, ValidationError, "codes"),
    ],
)
def test_bad_input_raises_before_sending(world: World, kwargs: dict[str, object],
                                         error: type[Exception], message: str | None) -> None:
    config = KszConfig.load(world.config_path, env={})
    client = KszClient(config, transport=_Refuse()).acting_for(user="u")  # type: ignore[arg-type]
    ssin = kwargs.pop("ssin", "85073003328")
    with pytest.raises(error, match=message):
        client.tax.assessment(ssin, **kwargs)  # type: ignore[arg-type]


# --- end to end --------------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_most_recent_assessment_follows_the_facts(world: World, ocmw: KszClient) -> None:
    index = person(world, lambda i, f: 2024 in _filed(f)
                   and any(t.foreign_real_estate_income_cents for t in f.taxes))
    ssin = world.sandbox.population.ssin_of(index)
    fact = next(t for t in world.sandbox.population.facts(index).taxes if t.income_year == 2024)
    integrate(world, ocmw, ssin)
    result = ocmw.tax.assessment(ssin)
    assert result.found and not result.no_recent_return
    assert (result.status.value, result.status.code) == ("DATA_FOUND", "MSG00000")
    a = result.assessment
    assert a is not None
    assert (a.income_year, a.assessment_year) == (2024, 2025)
    assert a.global_taxable_income == Money(fact.taxable_income_cents)
    assert a.gross_income == Money(fact.taxable_income_cents * 100 // 86)
    assert a.foreign_real_estate_income == Money(fact.foreign_real_estate_income_cents)
    assert a.children_dependent == fact.dependants and a.dependants == fact.dependants
    assert a.distinctly_taxable_income == Money(0)


@pytest.mark.e2e
def test_a_year_and_a_selection(world: World, ocmw: KszClient) -> None:
    index = person(world, lambda i, f: 2023 in _filed(f))
    ssin = world.sandbox.population.ssin_of(index)
    fact = next(t for t in world.sandbox.population.facts(index).taxes if t.income_year == 2023)
    integrate(world, ocmw, ssin)
    a = ocmw.tax.assessment(ssin, year=2023, groups="CHILDREN_DEPENDENT").assessment
    assert a is not None and a.income_year == 2023
    assert a.children_dependent == fact.dependants and a.other_dependents == 0
    assert a.global_taxable_income is None and a.gross_income is None
    b = ocmw.tax.assessment(ssin, year=2023, elements=["global_taxable_income"]).assessment
    assert b is not None and b.global_taxable_income == Money(fact.taxable_income_cents)
    assert b.children_dependent is None and b.foreign_real_estate_income is None


@pytest.mark.e2e
def test_a_joint_assessment_names_the_partner_and_adds_the_family_income(
    world: World, ocmw: KszClient,
) -> None:
    population = world.sandbox.population

    def married(i: int, f: Facts) -> bool:
        return 2024 in _filed(f) and any(c.code == "20" and c.partner_ssin
                                         for c in population.person(i).civil_states)

    index = person(world, married)
    ssin = population.ssin_of(index)
    partner = next(c.partner_ssin for c in population.person(index).civil_states
                   if c.code == "20" and c.partner_ssin)
    partner_index = population.index_of(partner)
    assert partner_index is not None
    theirs = _filed(population.facts(partner_index)).get(2024)
    mine = _filed(population.facts(index))[2024]
    integrate(world, ocmw, ssin)
    a = ocmw.tax.assessment(ssin, year=2024).assessment
    assert a is not None and a.joint and a.partner_ssin == partner
    expected = mine.taxable_income_cents + (theirs.taxable_income_cents if theirs else 0)  # type: ignore[attr-defined]
    assert a.fiscal_family_global_taxable_income == Money(expected)


@pytest.mark.e2e
def test_no_return_for_the_year_and_none_in_three_years(world: World, ocmw: KszClient) -> None:
    index = person(world, lambda i, f: not _filed(f))
    ssin = world.sandbox.population.ssin_of(index)
    integrate(world, ocmw, ssin)
    recent = ocmw.tax.assessment(ssin)
    assert recent.assessment is None and recent.no_recent_return
    assert (recent.status.value, recent.status.code) == ("NO_DATA_FOUND", NO_RECENT_RETURN)
    unlimited = ocmw.tax.assessment(ssin, derived_year=DerivedYear.MOST_RECENT_UNLIMITED)
    assert unlimited.assessment is None and unlimited.status.code == "MSG00100"
    year = ocmw.tax.assessment(ssin, year=2023)
    assert year.assessment is None and not year.no_recent_return


@pytest.mark.e2e
def test_unknown_ssin_finality_and_legal_context(world: World, ocmw: KszClient) -> None:
    unknown = make(dt.date(2004, 12, 30), 995, kind=SsinKind.TEST)
    integrate(world, ocmw, unknown)
    with pytest.raises(UnknownSsin):
        ocmw.tax.assessment(unknown)
    index = person(world, lambda i, f: True, integrated=False)
    ssin = world.sandbox.population.ssin_of(index)
    sent = len(world.requests)
    with pytest.raises(NotIntegrated) as local:
        ocmw.tax.assessment(ssin)
    assert local.value.ticket_cbss is None and len(world.requests) == sent
    ocmw.integrations.add(Integration(organisation=SANDBOX_CBE_NUMBER, ssin=ssin,
                                      quality_code=2, start=dt.date(2020, 1, 1)))
    with pytest.raises(NotIntegrated) as remote:
        ocmw.tax.assessment(ssin)
    assert remote.value.code == "MSG00012" and remote.value.ticket_cbss
    world.sandbox.integrate(ssin)
    with pytest.raises(NotAuthorized):
        ocmw.tax.assessment(ssin, context=CallContext(legal_context="PCSA:SOCIAL_INQUIRY"))


# --- contract ------------------------------------------------------------------------------------


@pytest.mark.contracts
@pytest.mark.e2e
def test_requests_and_responses_validate_against_our_contract_and_official_commonv3(
    world: World, ocmw: KszClient, official_contracts: Path,
) -> None:
    index = person(world, lambda i, f: 2024 in _filed(f))
    ssin = world.sandbox.population.ssin_of(index)
    integrate(world, ocmw, ssin)
    ocmw.tax.assessment(ssin)
    ocmw.tax.assessment(ssin, year=2023, elements="GROSS_INCOME", groups="CHILDREN_DEPENDENT")
    ocmw.tax.assessment(ssin, derived_year="most_recent_unlimited")
    payloads = service_payloads(world.requests + world.responses, SERVICE.namespace)
    assert len(payloads) >= 6
    assert_both_contracts(official_contracts, SERVICE.name, payloads)
    assert_unqualified(service_payloads(world.requests, SERVICE.namespace))


@pytest.mark.contracts
def test_zeep_loads_our_wsdl_and_it_agrees_with_the_catalogue() -> None:
    assert_wsdl_agrees(SERVICE, "TaxAssessmentDataService/TaxAssessmentDataV2.wsdl",
                       "TaxAssessmentDataService", "TaxAssessmentDataServicePort")


# --- command line --------------------------------------------------------------------------------


def _cli_config(world: World, folder: Path) -> Path:
    config = folder / "ksz.toml"
    config.write_text(world.config_path.read_text()
                      + f'\n[audit]\npath = "{folder / "audit.sqlite3"}"\n')
    for name in ("client-key.pem", "client-cert.pem", "sandbox-signing-cert.pem"):
        (folder / name).write_bytes((world.config_path.parent / name).read_bytes())
    return config


@pytest.mark.e2e
def test_the_generated_command_answers_in_json(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    index = person(world, lambda i, f: 2024 in _filed(f))
    no_return = person(world, lambda i, f: not _filed(f))
    population = world.sandbox.population
    config = _cli_config(world, tmp_path)
    with KszClient(KszConfig.load(config, env={})) as setup:
        for i in (index, no_return):
            integrate(world, setup, population.ssin_of(i))
    fact = next(t for t in population.facts(index).taxes if t.income_year == 2024)
    code = main(["--config", str(config), "--user", "sw-cli", "tax", "assessment",
                 str(population.ssin_of(index)), "--year", "2024", "--group",
                 "GLOBAL_TAXABLE_INCOME", "--json"])
    out, err = capsys.readouterr()
    assert (code, err) == (EXIT_OK, "")
    data = json.loads(out)
    assert data["assessment"]["global_taxable_income"]["cents"] == fact.taxable_income_cents
    assert data["assessment"]["children_dependent"] is None
    code = main(["--config", str(config), "--user", "sw-cli", "tax",
                 "consult-tax-assessment-data", str(population.ssin_of(no_return))])
    out, _ = capsys.readouterr()
    assert code == EXIT_BUSINESS and NO_RECENT_RETURN in out
