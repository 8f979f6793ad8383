"""HdiIndemnityAllowance V1: mapping (unit), bad input, end to end against the sandbox, the
official contract (set-b) for what the SDK sends and what the sandbox answers, the command."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _contracts, _xml, catalogue
from ksz_client._client import KszClient
from ksz_client._exceptions import (
    ResponseError,
    ValidationError,
)
from ksz_client.audit._guard import belgian_today
from ksz_client.cli import main
from ksz_client.sandbox import Sandbox
from ksz_client.sandbox.handlers.incapacity import Quarterly
from ksz_client.services.incapacity import (
    ActivityCode,
    Allowance,
    AllowanceCategory,
    Attest,
    AttestationStatus,
    AttestIdentification,
    DocumentType,
    ExitCode,
    FamilySituation,
    IncapacityCategory,
    IndemnityPayment,
    IndemnityPeriod,
    Invalidity,
    InvalidityCategory,
    RiskDetail,
    SocialRiskCategory,
    SocialStatus,
    _wire,
)
from ksz_client.ssin import SsinKind, make
from ksz_client.types import AnsweredSsin, Money, Period, Quarter

from .official_helpers import (  # noqa: F401 - fixtures
    CONTEXT,
    SET_B,
    Capture,
    assert_fault_validates,
    assert_official_messages,
    assert_our_contract,
    assert_refusals,
    assert_valid,
    assert_wsdl_agrees,
    box_config_path,
    capture,
    captured,
    cli_config,
    client,
    compare_types,
    integrate,
    official_wsdl_schema,
    offline,
    refuse_unknown,
    replaced_index,
)

SERVICE = catalogue.get("HdiIndemnityAllowance")
NS = SERVICE.namespace
OFFICIAL_WSDL = f"{SET_B}/intf/HdiIndemnityAllowanceService/HdiIndemnityAllowanceV1.wsdl"
# The KSZ counts days in Belgium; the client does too (KszClient._today).
TODAY = belgian_today(dt.datetime.now(dt.UTC))


@pytest.fixture(scope="module")
def box() -> Iterator[Sandbox]:
    """A sandbox of this module's own (more persons: incapacity is rare)."""
    with Sandbox(seed=5, persons=500) as running:
        yield running


def _incapacitated(box: Sandbox, kind: str | None = None, *, ended: bool | None = None) -> int:
    population = box.population
    return next(
        i for i in range(population.size - 50)
        if population.replaced_by(i) is None and any(
            (kind is None or p.kind == kind)
            and (ended is None or (p.period.end is not None) is ended)
            for p in population.facts(i).incapacity))


def _expected(box: Sandbox, index: int, quarter: Quarter) -> Quarterly:
    population = box.population
    return Quarterly(population.seed, index, quarter, TODAY, population.facts(index).incapacity,
                     single=len(population.household(index).members) == 1,
                     death=population.death_date(index))


# --- mapping (unit) ------------------------------------------------------------------------


def _payment(month: int, **extra: object) -> IndemnityPayment:
    start = dt.date(2024, month, 1)
    end = dt.date(2024, month + 1, 1) - dt.timedelta(days=1)
    return IndemnityPayment(Period(start, end), **extra)  # type: ignore[arg-type]


def _attest(temporary: bool = False) -> Attest:
    ident = (AttestIdentification(Quarter(2024, 2), dt.date(2024, 7, 15)) if temporary else
             AttestIdentification(Quarter(2024, 2), dt.date(2024, 7, 15),
                                  "cbd5f214-7a55-573f-a772-9ca97a60ada6", 3,
                                  AttestationStatus.MODIFICATION))
    period = Period(dt.date(2024, 4, 1), dt.date(2024, 6, 30))
    return Attest(ident, (
        Allowance(SocialRiskCategory.GENERAL_INCAPACITY, RiskDetail(
            SocialStatus.BLUE_COLLAR, period, ExitCode.NO_EXIT,
            Invalidity(InvalidityCategory.NORMAL, dt.date(2024, 1, 1)), dt.date(2023, 1, 1),
            ActivityCode.UNEMPLOYED), (
            _payment(4, amount=Money(150_000), days=26, document=DocumentType.PI0,
                     incapacity_category=IncapacityCategory.REGULAR_EMPLOYEE,
                     family_situation=FamilySituation.DEPENDANTS_CHILD,
                     allowance_category=AllowanceCategory.ORDINARY, allowance_code="01"),
            _payment(5, amount=Money(-1_250), hours=Decimal("12.5")),
            _payment(6),
        )),
        Allowance(SocialRiskCategory.INDEPENDENT_INCAPACITY, RiskDetail(
            SocialStatus.SELF_EMPLOYED, period, ExitCode.RETIREMENT, None, dt.date(2022, 3, 1))),
        Allowance(SocialRiskCategory.GENERAL_PREGNANCY, RiskDetail(
            SocialStatus.WHITE_COLLAR, period, ExitCode.MATERNITY_ENDED_OTHERWISE,
            initial_start=dt.date(2024, 4, 1), activity=ActivityCode.ACTIVE,
            delivery_date=dt.date(2024, 5, 2), supposed_delivery_date=dt.date(2024, 5, 1))),
        Allowance(SocialRiskCategory.INDEPENDENT_PREGNANCY, RiskDetail(
            SocialStatus.HELPING_SPOUSE, period, ExitCode.NO_EXIT,
            initial_start=dt.date(2024, 4, 1))),
        Allowance(SocialRiskCategory.GENERAL_BREASTFEEDING, RiskDetail(
            SocialStatus.WHITE_COLLAR, delivery_date=dt.date(2024, 3, 1),
            initial_start=dt.date(2024, 4, 1))),
        Allowance(SocialRiskCategory.GENERAL_PATERNITY, RiskDetail(
            SocialStatus.SEAFARER, delivery_date=dt.date(2024, 3, 1))),
        Allowance(SocialRiskCategory.GENERAL_ADOPTION, RiskDetail(
            SocialStatus.WHITE_COLLAR, adoption_date=dt.date(2024, 3, 1))),
        Allowance(SocialRiskCategory.INDEPENDENT_ADOPTION, RiskDetail(
            SocialStatus.SELF_EMPLOYED, adoption_date=dt.date(2024, 3, 1),
            initial_start=dt.date(2024, 3, 2))),
        Allowance(SocialRiskCategory.GENERAL_FOSTER_CARE, RiskDetail(
            SocialStatus.WHITE_COLLAR, foster_care_date=dt.date(2024, 3, 1),
            initial_start=dt.date(2024, 3, 2))),
        Allowance(SocialRiskCategory.INDEPENDENT_FOSTER_CARE, RiskDetail(
            SocialStatus.SELF_EMPLOYED, foster_care_date=dt.date(2024, 3, 1),
            initial_start=dt.date(2024, 3, 2))),
        Allowance(SocialRiskCategory.GENERAL_INCAPACITY),  # details filtered out
        Allowance(payments=(_payment(4, amount=Money(1)),)),
    ))


@pytest.mark.parametrize("temporary", [False, True])
def test_an_attest_round_trips_through_the_wire_mapping(temporary: bool) -> None:
    attest = _attest(temporary)
    parent = etree.Element("response")
    el = _wire.write_attest(parent, attest)
    assert _wire.read_attest(el) == attest
    assert attest.identification.temporary is temporary
    assert attest.allowances[0].total == Money(148_750)


@pytest.mark.contracts
@pytest.mark.parametrize("temporary", [False, True])
def test_every_social_risk_the_writer_knows_is_valid_officially(
    temporary: bool, official_contracts: Path,
) -> None:
    root = etree.Element(f"{{{NS}}}consultAttestResponse")
    for name, text in (("informationCustomer", None), ("informationCBSS", None),
                       ("legalContext", "PCSA:SOCIAL_INQUIRY")):
        _xml.sub(root, name, text)
    _xml.sub(_xml.sub(root[0], "customerIdentification"), "cbeNumber", "0123456749")
    cbss = root[1]
    _xml.sub(cbss, "ticketCBSS", "cbd5f214-7a55-573f-a772-9ca97a60ada6")
    _xml.sub(cbss, "timestampReceive", "2024-07-15T10:00:00Z")
    _xml.sub(cbss, "timestampReply", "2024-07-15T10:00:01Z")
    ssin = make(dt.date(1980, 1, 1), 1, kind=SsinKind.TEST)
    _wire.write_criteria(root, ssin, Quarter(2024, 2))
    status = _xml.sub(root, "status")
    _xml.sub(status, "value", "DATA_FOUND")
    _xml.sub(status, "code", "MSG00000")
    _wire.write_answered_ssin(root, AnsweredSsin(ssin, canceled=True, replaced_by=ssin))
    _wire.write_attest(root, _attest(temporary))
    assert_valid(official_wsdl_schema(official_contracts, OFFICIAL_WSDL), root)


def test_periods_round_trip_through_the_wire_mapping() -> None:
    ident = AttestIdentification(Quarter(2024, 2), dt.date(2024, 7, 15))
    periods = (
        IndemnityPeriod(Period(dt.date(2024, 4, 1)), dt.date(2023, 4, 1), dt.date(2024, 4, 1),
                        payments=(_payment(4, amount=Money(10), days=1),)),
        IndemnityPeriod(Period(dt.date(2024, 4, 1), dt.date(2024, 5, 3)),
                        exit_code=ExitCode.DECEASE),
    )
    el = _wire.write_periods(etree.Element("response"), ident, periods)
    assert _wire.read_periods(el) == (ident, periods)
    empty = _wire.write_periods(etree.Element("response"), ident, ())
    assert _wire.read_periods(empty) == (ident, ())


def test_criteria_and_the_answered_ssin_round_trip() -> None:
    ssin = make(dt.date(1980, 1, 1), 1, kind=SsinKind.TEST)
    payload = etree.Element("req")
    _wire.write_criteria(payload, ssin, Quarter(2025, 3))
    assert _wire.read_criteria(payload) == (ssin, Quarter(2025, 3))
    new = make(dt.date(1980, 1, 1), 3, kind=SsinKind.TEST)
    answered = AnsweredSsin(ssin, canceled=True, replaced_by=new)
    parent = etree.Element("response")
    _wire.write_answered_ssin(parent, answered)
    assert _wire.read_answered_ssin(parent) == answered
    assert answered.current == new


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [
        ("attestationIdentification/yearQuarter", "2024-2", "YYYYQn"),
        ("attestationIdentification/attestationStatus", "GONE", "attestationStatus"),
        ("allowances/allowance/socialRisk/socialRiskCategory", "Sabbatical", "socialRisk"),
        ("allowances/allowance/socialRisk/generalIncapacityForWork/socialStatus", "7",
         "socialStatus"),
        ("allowances/allowance/socialRisk/generalIncapacityForWork/exitCode", "x", "exitCode"),
        ("allowances/allowance/payments/payment/amount", "1,5", "amount"),
        ("allowances/allowance/payments/payment/document", "X99", "document"),
        ("allowances/allowance/payments/payment/period/beginDate", "2024-13-01", "date"),
    ],
)
def test_reading_rejects_what_the_contract_forbids(path: str, text: str, message: str) -> None:
    el = _wire.write_attest(etree.Element("response"), _attest())
    el.find(path).text = text
    with pytest.raises(ResponseError, match=message):
        _wire.read_attest(el)


def test_reading_requires_the_identification_and_ignores_unknown_elements() -> None:
    el = _wire.write_attest(etree.Element("response"), _attest())
    etree.SubElement(el.find("allowances/allowance"), "{urn:future}more").text = "x"
    assert _wire.read_attest(el) == _attest()
    el.remove(el.find("attestationIdentification"))
    with pytest.raises(ResponseError, match="attestationIdentification"):
        _wire.read_attest(el)


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["attest", "indemnity_periods"])
@pytest.mark.parametrize(
    ("quarter", "message"),
    [("2024-2", "YYYYQn"), ("2024Q5", "YYYYQn"), (str(Quarter.of(TODAY).next()), "future")],
)
def test_bad_input_is_refused_before_sending(
    box_config_path: Path, method: str, quarter: str, message: str,
) -> None:
    client, transport = offline(box_config_path)
    ssin = make(dt.date(1980, 1, 1), 1, kind=SsinKind.TEST)
    with pytest.raises(ValidationError, match=message):
        getattr(client.incapacity, method)(ssin, quarter=quarter)
    assert transport.sent == []


# --- end to end ---------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize("kind", ["INCAPACITY", "PREGNANCY", "INVALIDITY"])
def test_the_attest_of_a_closed_quarter(client: KszClient, box: Sandbox, kind: str) -> None:
    index = _incapacitated(box, kind)
    ssin = box.population.ssin_of(index)
    integrate(box, client, ssin)
    (fact,) = box.population.facts(index).incapacity
    quarter = Quarter.of(fact.period.start)
    assert quarter < Quarter.of(TODAY)
    result = client.incapacity.attest(ssin.formatted, quarter=quarter)
    expected = _expected(box, index, quarter)
    assert result.found and result.attest == expected.attest()
    assert result.attest is not None
    assert not result.attest.identification.temporary
    assert result.attest.identification.attestation_status is AttestationStatus.CREATION
    (allowance,) = result.attest.allowances
    assert allowance.risk is (SocialRiskCategory.GENERAL_PREGNANCY if kind == "PREGNANCY"
                              else SocialRiskCategory.GENERAL_INCAPACITY)
    assert allowance.detail is not None
    assert (allowance.detail.invalidity is not None) is (kind == "INVALIDITY")
    assert allowance.total == Money(sum(p.days or 0 for p in allowance.payments)
                                    * fact.daily_indemnity_cents)
    assert result.ssin == AnsweredSsin(ssin)
    again = client.incapacity.attest(ssin, quarter=str(quarter))
    assert again.attest is not None
    assert again.attest.identification == result.attest.identification  # a stable attest id


@pytest.mark.e2e
def test_indemnity_periods_and_an_ended_incapacity(client: KszClient, box: Sandbox) -> None:
    index = _incapacitated(box, ended=True)
    ssin = box.population.ssin_of(index)
    integrate(box, client, ssin)
    (fact,) = box.population.facts(index).incapacity
    assert fact.period.end is not None
    last = Quarter.of(fact.period.end)
    result = client.incapacity.indemnity_periods(ssin, quarter=last)
    assert result.found and result.periods == _expected(box, index, last).periods()
    (period,) = result.periods
    assert period.period.end == fact.period.end
    assert period.exit_code in (ExitCode.RETURN_TO_WORK_OR_UNEMPLOYMENT,
                                ExitCode.MATERNITY_ENDED_OTHERWISE, ExitCode.DECEASE)
    after = client.incapacity.indemnity_periods(ssin, quarter=last.next()) \
        if last < Quarter.of(TODAY) else None
    if after is not None:
        assert not after.found and after.periods == () and after.status.code == "MSG00100"


@pytest.mark.e2e
def test_a_running_incapacity_in_the_current_quarter(client: KszClient, box: Sandbox) -> None:
    index = _incapacitated(box, ended=False)
    ssin = box.population.ssin_of(index)
    integrate(box, client, ssin)
    result = client.incapacity.attest(ssin)  # the current quarter by default
    assert result.attest is not None and result.attest.identification.temporary
    assert result.attest.identification.quarter == Quarter.of(TODAY)
    periods = client.incapacity.indemnity_periods(ssin)
    assert periods.identification is not None and periods.identification.temporary
    assert all(p.period.end is None and p.exit_code is None for p in periods.periods)


@pytest.mark.e2e
def test_no_incapacity(client: KszClient, box: Sandbox) -> None:
    population = box.population
    index = next(i for i in range(population.size - 50)
                 if not population.facts(i).incapacity and population.replaced_by(i) is None)
    ssin = population.ssin_of(index)
    integrate(box, client, ssin)
    result = client.incapacity.attest(ssin, quarter="2025Q1")
    assert result.attest is None and (result.status.value, result.status.code) == (
        "NO_DATA_FOUND", "MSG00100")
    assert result.ssin == AnsweredSsin(ssin)


@pytest.mark.e2e
def test_a_replaced_ssin_is_annotated_with_the_new_one(client: KszClient, box: Sandbox) -> None:
    population = box.population
    old = replaced_index(box)
    new = population.replaced_by(old)
    assert new is not None
    integrate(box, client, population.ssin_of(old))
    result = client.incapacity.attest(population.ssin_of(old), quarter="2025Q1")
    assert result.ssin == AnsweredSsin(population.ssin_of(old), canceled=True,
                                       replaced_by=population.ssin_of(new))
    assert result.ssin is not None and result.ssin.current == population.ssin_of(new)


@pytest.mark.e2e
def test_refusals(client: KszClient, box: Sandbox, capture: Capture) -> None:
    answer = assert_refusals(box, client, capture, client.incapacity.attest,
                             unknown=client.incapacity.indemnity_periods, transient="reset")
    assert answer.status.value  # a consultation is retried


# --- contracts ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def traffic(box: Sandbox, box_config_path: Path) -> Capture:
    def exercise(client: KszClient) -> None:
        population = box.population
        people = {_incapacitated(box, kind) for kind in ("INCAPACITY", "PREGNANCY",
                                                          "INVALIDITY")}
        people.add(_incapacitated(box, ended=False))
        for index in (*sorted(people), replaced_index(box)):
            ssin = population.ssin_of(index)
            integrate(box, client, ssin)
            facts = population.facts(index).incapacity
            quarters = {Quarter.of(TODAY), *(Quarter.of(f.period.start) for f in facts)}
            for quarter in sorted(quarters):
                client.incapacity.attest(ssin, quarter=quarter)
                client.incapacity.indemnity_periods(ssin, quarter=quarter)
        refuse_unknown(box, client, client.incapacity.attest)

    return captured(box_config_path, exercise)


def test_messages_validate_against_our_contract(traffic: Capture) -> None:
    assert assert_our_contract("HdiIndemnityAllowance", traffic) >= 20


@pytest.mark.contracts
def test_messages_validate_against_the_official_contract(
    traffic: Capture, official_contracts: Path,
) -> None:
    schema = official_wsdl_schema(official_contracts, OFFICIAL_WSDL)
    requests, responses = assert_official_messages(schema, traffic, NS)
    assert len(requests) == len(responses) >= 10
    assert any(r.find("attest/attestationIdentification/temporaryAttest") is not None
               for r in responses)
    assert any(r.find("attest/attestationIdentification/attestationId") is not None
               for r in responses)
    assert any(r.find("attest/allowances/allowance/socialRisk/generalPregnancy") is not None
               for r in responses)
    wrong = next(r for r in responses if r.find("attest/allowances") is not None)
    wrong.find(".//payments/payment/days").text = "many"
    assert not schema.validate(wrong)


@pytest.mark.contracts
def test_a_fault_validates_against_the_official_contract(
    client: KszClient, box: Sandbox, capture: Capture, official_contracts: Path,
) -> None:
    ssin = box.population.ssin_of(_incapacitated(box))
    integrate(box, client, ssin)
    assert_fault_validates(box, capture, client.incapacity.indemnity_periods, ssin,
                           official_wsdl_schema(official_contracts, OFFICIAL_WSDL))


@pytest.mark.contracts
def test_our_types_are_the_official_ones(official_contracts: Path) -> None:
    compare_types(
        _contracts.WSDL_DIR / "types/HdiIndemnityAllowance/HdiIndemnityAllowanceV1.xsd",
        official_contracts / f"{SET_B}/types/HdiIndemnityAllowance/HdiIndemnityAllowanceV1.xsd",
        restated=frozenset({"SsinWithCanceledAndReplacedByStatusType", "DataFiltersType"}),
    )
    compare_types(
        _contracts.WSDL_DIR / "types/HdiIndemnityAllowance/common/"
        "HdiIndemnityAllowanceCommonV1.xsd",
        official_contracts / f"{SET_B}/types/HdiIndemnityAllowance/common/"
        "HdiIndemnityAllowanceCommonV1.xsd",
        restated=frozenset({"YearQuarterType", "EuroAmountType"}),
    )


@pytest.mark.contracts
def test_our_nic_code_lists_are_the_official_ones(official_contracts: Path) -> None:
    xs = "{http://www.w3.org/2001/XMLSchema}"

    def lists(path: Path) -> dict[str, list[str]]:
        root = etree.parse(str(path)).getroot()
        return {t.get("name") or "": [e.get("value") or "" for e in t.iter(f"{xs}enumeration")]
                for t in root.iterfind(f"{xs}simpleType")}

    ours = lists(_contracts.WSDL_DIR / "types/cinnic/allowance/common/"
                 "AllowanceAttestCommonTypes.xsd")
    theirs = lists(official_contracts / "set-b/be/fgov/cinnic/types/allowance/common/"
                   "AllowanceAttestCommonTypes.xsd")
    for name, values in ours.items():
        assert values == theirs[name], name
    enums = {"SocialStatusType": SocialStatus, "ExitCodeType": ExitCode,
             "InvalidityTypeType": InvalidityCategory, "ActivityCodeType": ActivityCode,
             "DocumentType": DocumentType, "IncapacityCategoryType": IncapacityCategory,
             "FamilySituationType": FamilySituation, "AllowanceTypeType": AllowanceCategory}
    for name, enum in enums.items():
        assert [str(m.value) for m in enum] == theirs[name], name


def test_zeep_loads_our_wsdl_and_it_agrees_with_the_catalogue() -> None:
    assert_wsdl_agrees(SERVICE, "HdiIndemnityAllowanceService/HdiIndemnityAllowanceV1.wsdl",
                       "HdiIndemnityAllowanceServiceV1", "HdiIndemnityAllowanceService")


# --- command line ---------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_commands(box: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index = _incapacitated(box, "INCAPACITY")
    ssin = box.population.ssin_of(index)
    config = str(cli_config(box, tmp_path, ssin))
    (fact,) = box.population.facts(index).incapacity
    quarter = str(Quarter.of(fact.period.start))
    assert main(["--config", config, *CONTEXT, "incapacity", "attest", ssin.formatted,
                 "--quarter", quarter, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["attest"]["allowances"][0]["risk"] == "GeneralIncapacityForWorkAllowance"
    assert main(["--config", config, *CONTEXT, "incapacity", "consult-indemnity-periods",
                 str(ssin), "--quarter", quarter]) == 0
    out = capsys.readouterr().out
    assert fact.period.start.isoformat() in out and "MSG00000" in out
    assert main(["--config", config, *CONTEXT, "incapacity", "attest", str(ssin),
                 "--quarter", str(Quarter.of(TODAY).next())]) == 2
    capsys.readouterr()
