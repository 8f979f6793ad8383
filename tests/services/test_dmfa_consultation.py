"""DmfaConsultation V1 (client.dmfa): mapping, validation, end to end, official contract, CLI."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _contracts, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import (
    InvalidData,
    KszFault,
    NotIntegrated,
    ResponseError,
    SsinReplaced,
    UnknownSsin,
    ValidationError,
)
from ksz_client.audit import Integration
from ksz_client.cli import EXIT_OK, EXIT_USAGE
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, Sandbox
from ksz_client.sandbox.handlers.dmfa_consultation import (
    PAGE_SIZE,
    attestation_id,
    partial_person,
)
from ksz_client.services.dmfa import (
    AttestationsCriteria,
    AttestationStatus,
    DmfaAttestation,
    DmfaService,
    EmployerId,
    EmployerIdKind,
    LocalAuthorities,
    Occupation,
    PersonnelCriteria,
    Remuneration,
    SectorIndicator,
    ServiceLine,
    WorkerRecord,
    _wire,
)
from ksz_client.ssin import Ssin, SsinKind, make
from ksz_client.types import AnsweredSsin, Money, Quarter

from .official_helpers import (
    SET_B,
    Capture,
    NoSend,
    assert_valid,
    cli_config,
    compare_types,
    integrate,
    official_wsdl_schema,
    payloads,
    type_shapes,
)
from .sandbox_world import command, printed

NS = "http://kszbcss.fgov.be/intf/DmfaConsultationService/v1"
XS = "{http://www.w3.org/2001/XMLSchema}"
D = dt.date
SSIN = Ssin(make(D(1985, 7, 30), 33, kind=SsinKind.TEST), allow_test=True)
OTHER = Ssin(make(D(1985, 7, 30), 35, kind=SsinKind.TEST), allow_test=True)
EMPLOYER = EmployerId(EmployerIdKind.CBE, "0411120147")
OFFICIAL_WSDL = f"{SET_B}/intf/DmfaConsultationService/DmfaConsultationV1.wsdl"


def _person(sandbox: Sandbox, predicate) -> int:  # type: ignore[no-untyped-def]
    """The first ordinary person matching (past the first ones, which other tests expect not
    to be integrated)."""
    population = sandbox.population
    return next(i for i in range(40, population.size)
                if population.replaced_by(i) is None and population.fault_of(i) is None
                and not partial_person(i) and predicate(i))


def _integrated(sandbox: Sandbox, client: KszClient, index: int) -> Ssin:
    ssin = sandbox.population.ssin_of(index)
    integrate(sandbox, client, str(ssin))
    return ssin


# --- mapping (unit) -----------------------------------------------------------------------------


def _attestation(**changes: object) -> DmfaAttestation:
    occupation = Occupation(
        sequence=1, internal_number="A-1", days_per_week=Decimal("4.5"), contract_type=1,
        start=D(2025, 1, 1), end=D(2025, 3, 31), joint_committee="200.00",
        mean_weekly_hours=Decimal("30.4"), reference_weekly_hours=Decimal("38"),
        worker_status="D1", retired=0, apprenticeship=0, remuneration_method=0, position_code=1,
        services=(ServiceLine(1, 1, Decimal("52.5"), Decimal("399")),
                  ServiceLine(2, 5, Decimal("1"), None)),
        remunerations=(Remuneration(1, 1, Money(1_200_000)),
                       Remuneration(2, 2, Money(30_000), 12, 1500, Money(1))),
    )
    values: dict[str, object] = dict(
        attestation_id=12_345_678_901, version=3, status=AttestationStatus.MODIFICATION,
        created=D(2025, 5, 5), quarter=Quarter(2025, 1), noss_number="0411120100",
        enterprise_number="0411120147", provincial_or_local_authority=False,
        sector=SectorIndicator.PRI, trusteeship=False, net_owed=Money(99),
        previous_version=2, next_version=4, worker_ssin=SSIN,
        worker=WorkerRecord(D(2025, 1, 1), D(2025, 3, 31), 0, 495, (occupation,)),
    )
    values.update(changes)
    return DmfaAttestation(**values)  # type: ignore[arg-type]


def _page(*attestations: DmfaAttestation) -> _wire.AttestationsPage:
    return _wire.AttestationsPage(
        attestations=attestations, ssin=AnsweredSsin(SSIN, canceled=True, replaces=OTHER),
        next_page="PAGE-4", data_filters=("attWorkerDeductions",),
        unsupported=("attIndemnityWapms",),
    )


def test_attestations_round_trip() -> None:
    page = _page(_attestation(), _attestation(worker=None, worker_ssin=None, sector=None,
                                               trusteeship=True, net_owed=None,
                                               previous_version=None, next_version=None))
    response = etree.Element("response")
    _wire.write_attestations_page(response, page)
    assert _wire.read_attestations_page(response) == page
    assert _wire.read_attestations_page(etree.Element("response")) == _wire.AttestationsPage()


def test_model_arithmetic() -> None:
    a = _attestation()
    (occupation,) = a.occupations
    assert occupation.working_time == Decimal("0.8") and occupation.part_time
    assert occupation.days == Decimal("53.5")
    assert a.gross_remuneration == Money(1_230_000) and str(a.gross_remuneration) == "12300.00"
    assert a.employer.cbe_number == "0411120147" and not a.cancelled
    assert _attestation(worker=None).occupations == ()


def test_reading_ignores_what_the_models_leave_out_and_requires_the_rest() -> None:
    response = etree.Element("response")
    _wire.write_attestations_page(response, _page(_attestation()))
    record = response.find(".//attWorkerRecord")
    assert record is not None
    lax = etree.Element("attWorkerContributions")
    item = etree.SubElement(lax, "attWorkerContribution")
    etree.SubElement(item, "contributionWorkerCode").text = "1"
    record.append(lax)
    etree.SubElement(response.find(".//dmfaAttestation"), "attAnomalies")
    etree.SubElement(response.find(".//attOccupation"), "{urn:later}newField").text = "x"
    assert _wire.read_attestations_page(response).attestations == (_attestation(),)
    response.find(".//attestationStatus").text = "DELETION"
    with pytest.raises(ResponseError, match="attestation status"):
        _wire.read_attestations_page(response)
    response.find(".//attestationStatus").text = "MODIFICATION"
    remun = response.find(".//attRemun")
    remun.remove(remun.find("remunAmount"))
    with pytest.raises(ResponseError, match="remunAmount"):
        _wire.read_attestations_page(response)


def test_a_malformed_ssin_or_quarter_in_the_answer_is_a_response_error() -> None:
    response = etree.Element("response")
    _wire.write_attestations_page(response, _page(_attestation()))
    response.find(".//attNaturalPerson/ssin").text = "1234"
    with pytest.raises(ResponseError, match="SSIN"):
        _wire.read_attestations_page(response)
    response = etree.Element("response")
    _wire.write_attestations_page(response, _page(_attestation()))
    response.find(".//attEmployerDeclaration/quarter").text = "2025Q5"
    with pytest.raises(ResponseError, match="quarter"):
        _wire.read_attestations_page(response)


@pytest.mark.parametrize(
    "criteria",
    [
        AttestationsCriteria(SSIN, Quarter(2024, 1), Quarter(2024, 4)),
        AttestationsCriteria(SSIN, Quarter(2024, 1), Quarter(2024, 1), batch=True,
                             latest_only=False, local_authorities=LocalAuthorities.EXCLUDED,
                             sectors=(SectorIndicator.PRI, SectorIndicator.PLP),
                             attestation_id=12, attestation_version=2, next_page="PAGE-4"),
        AttestationsCriteria(SSIN, Quarter(2024, 2), Quarter(2024, 3),
                             local_authorities=LocalAuthorities.ONLY,
                             employer=EmployerId(EmployerIdKind.NOSS, "0411120100"),
                             employer_class=0, worker_code=495),
    ],
)
def test_attestation_criteria_round_trip(criteria: AttestationsCriteria) -> None:
    payload = etree.Element("request")
    _wire.write_attestations_criteria(payload, criteria)
    assert _wire.read_attestations_criteria(payload) == criteria


def test_personnel_criteria_round_trip() -> None:
    criteria = PersonnelCriteria(EMPLOYER, Quarter(2025, 1), Quarter(2025, 4), latest_only=False,
                                 sectors=(SectorIndicator.PFR,), employer_class=1, worker_code=15)
    payload = etree.Element("request")
    _wire.write_personnel_criteria(payload, criteria)
    assert _wire.read_personnel_criteria(payload) == criteria
    payload.find("criteria").remove(payload.find("criteria/enterpriseNumber"))
    with pytest.raises(ValidationError, match="no employer"):
        _wire.read_personnel_criteria(payload)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end": Quarter(2025, 2)}, "at most 4"),
        ({"attestation_id": 1, "employer": EMPLOYER}, "not both"),
        ({"attestation_version": 1}, "goes with an attestation id"),
        ({"attestation_id": 10**11}, "11 digits"),
        ({"worker_code": 15}, "goes with an employer"),
        ({"employer": EMPLOYER, "employer_class": 1000}, "0 to 999"),
        ({"sectors": (SectorIndicator.PRI, SectorIndicator.PRI)}, "two different"),
        ({"next_page": "x" * 65}, "next-page"),
    ],
)
def test_attestation_criteria_are_validated(changes: dict[str, object], message: str) -> None:
    values: dict[str, object] = {"ssin": SSIN, "start": Quarter(2024, 1), "end": Quarter(2024, 4)}
    values.update(changes)
    with pytest.raises(ValidationError, match=message):
        AttestationsCriteria(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda d, s: d.attestations("85073003329"), "check digits|invalid"),
        (lambda d, s: d.attestations(s, start="2024Q1", end="2025Q1"), "at most 4"),
        (lambda d, s: d.attestations(s, start="2024Q3", end="2024Q2"), "ends before"),
        (lambda d, s: d.attestations(s, start="2002Q1", end="2002Q2"), "2003"),
        (lambda d, s: d.attestations(s, start="2090Q1", end="2090Q2"), "future"),
        (lambda d, s: d.attestations(s, start="24Q1"), "YYYYQn"),
        (lambda d, s: d.attestations(s, employer="0411120148"), "check digits"),
        (lambda d, s: d.attestations(s, employer="0411120147", attestation_id=1), "not both"),
        (lambda d, s: d.attestations(s, sectors=["PRIVATE"]), "PRI, PFR or PLP"),
        (lambda d, s: d.attestations(s, local_authorities="maybe"), "only or excluded"),
        (lambda d, s: d.personnel("0411120147", start="2023Q1", end="2024Q4"), "at most 4"),
        (lambda d, s: d.personnel("12345", employer_kind="noss"), "RSZ"),
    ],
)
def test_bad_input_raises_before_sending(sandbox_config: KszConfig, call, message) -> None:  # type: ignore[no-untyped-def]
    transport = NoSend()
    client = KszClient(sandbox_config, transport=transport).acting_for(user="u")
    with pytest.raises(ValidationError, match=message):
        call(client.dmfa, str(SSIN))
    assert transport.sent == []


def test_finality_refuses_before_sending(sandbox_config: KszConfig) -> None:
    transport = NoSend()
    client = KszClient(sandbox_config, transport=transport).acting_for(user="u")
    with pytest.raises(NotIntegrated) as caught:
        client.dmfa.attestations(SSIN, start="2024Q1", end="2024Q4")
    assert caught.value.ticket_cbss is None
    assert transport.sent == []


# --- end to end over HTTP -------------------------------------------------------------------


@pytest.mark.e2e
def test_attestations_match_the_facts(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = _person(sandbox, lambda i: sum(q.year == 2025 for q in population.facts(i).dmfa)
                    in range(1, PAGE_SIZE + 1))
    ssin = _integrated(sandbox, client, index)
    facts = population.facts(index)
    expected = sorted((q for q in facts.dmfa if q.year == 2025),
                      key=lambda q: (q.quarter, attestation_id(index, q)))
    result = client.dmfa.attestations(ssin.formatted, start="2025Q1", end="2025Q4")
    assert result.status.value == "DATA_FOUND" and not result.partial and not result.in_batch
    assert result.next_page is None
    assert result.ssin is not None and result.ssin.ssin == ssin
    assert [a.quarter for a in result.attestations] == \
        [Quarter(q.year, q.quarter) for q in expected]
    for attestation, fact in zip(result.attestations, expected, strict=True):
        assert attestation.worker_ssin == ssin
        assert attestation.enterprise_number == fact.employer.cbe_number
        assert attestation.gross_remuneration == Money(fact.gross_wage_cents)
        assert attestation.worker is not None and attestation.worker.worker_code == \
            fact.worker_code
        (occupation,) = attestation.occupations
        assert occupation.days == Decimal(fact.days_worked)
        assert occupation.working_time == Decimal(fact.working_time_per_mille) / 1000
    assert sum(len(v) for v in result.by_quarter().values()) == len(expected)


@pytest.mark.e2e
def test_attestations_are_paged(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = _person(sandbox, lambda i: sum(q.year == 2024 for q in population.facts(i).dmfa)
                    > PAGE_SIZE)
    ssin = _integrated(sandbox, client, index)
    total = sum(q.year == 2024 for q in population.facts(index).dmfa)
    first = client.dmfa.attestations(ssin, start="2024Q1", end="2024Q4")
    assert len(first.attestations) == PAGE_SIZE and first.next_page
    second = client.dmfa.attestations(ssin, start="2024Q1", end="2024Q4",
                                      next_page=first.next_page)
    assert len(second.attestations) == total - PAGE_SIZE and second.next_page is None
    pages = list(client.dmfa.pages(ssin, start="2024Q1", end="2024Q4"))
    assert [a.attestation_id for p in pages for a in p.attestations] == \
        [a.attestation_id for a in first.attestations + second.attestations]
    with pytest.raises(InvalidData):
        client.dmfa.attestations(ssin, start="2024Q1", end="2024Q4", next_page="PAGE-999")


@pytest.mark.e2e
def test_attestations_filtered(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = _person(sandbox, lambda i: any(q.employer.public for q in population.facts(i).dmfa)
                    and any(not q.employer.public for q in population.facts(i).dmfa))
    ssin = _integrated(sandbox, client, index)
    dmfa = client.dmfa
    everything = [a for p in dmfa.pages(ssin, start="2024Q1", end="2024Q4") for a in
                  p.attestations] + [a for p in dmfa.pages(ssin, start="2025Q1", end="2025Q4")
                                     for a in p.attestations]
    public = [a for a in everything if a.provincial_or_local_authority]
    assert public and len(public) < len(everything)
    quarter = public[0].quarter
    only = dmfa.attestations(ssin, start=quarter, end=quarter, local_authorities="only")
    assert only.attestations and all(a.sector is SectorIndicator.PLP for a in only.attestations)
    excluded = dmfa.attestations(ssin, start=quarter, end=quarter,
                                 local_authorities=LocalAuthorities.EXCLUDED)
    assert all(not a.provincial_or_local_authority for a in excluded.attestations)
    by_sector = dmfa.attestations(ssin, start=quarter, end=quarter, sectors=["PLP"])
    assert [a.attestation_id for a in by_sector.attestations] == \
        [a.attestation_id for a in only.attestations]
    by_employer = dmfa.attestations(ssin, start=quarter, end=quarter,
                                    employer=public[0].noss_number, employer_kind="noss")
    assert {a.noss_number for a in by_employer.attestations} == {public[0].noss_number}
    one = dmfa.attestations(ssin, start=quarter, end=quarter,
                            attestation_id=public[0].attestation_id, attestation_version=1)
    assert [a.attestation_id for a in one.attestations] == [public[0].attestation_id]


@pytest.mark.e2e
def test_no_attestations_in_the_quarters(client: KszClient, sandbox: Sandbox) -> None:
    index = _person(sandbox, lambda i: not sandbox.population.facts(i).dmfa)
    ssin = _integrated(sandbox, client, index)
    result = client.dmfa.attestations(ssin, start="2025Q1", end="2025Q4")
    assert result.attestations == () and result.status.value == "NO_DATA_FOUND"
    assert result.status.code == "MSG00100"


@pytest.mark.e2e
def test_a_partial_result_is_a_result(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    def mixed_year(i: int) -> int | None:
        """A year with attestations of public and private employers."""
        quarters = population.facts(i).dmfa
        return next((y for y in (2024, 2025)
                     if {q.employer.public for q in quarters if q.year == y} == {True, False}),
                    None)

    index = next(i for i in range(40, population.size) if partial_person(i)
                 and population.replaced_by(i) is None and mixed_year(i) is not None)
    ssin = _integrated(sandbox, client, index)
    facts = population.facts(index)
    year = mixed_year(index)
    pages = list(client.dmfa.pages(ssin, start=f"{year}Q1", end=f"{year}Q4"))
    assert all(p.partial for p in pages)
    assert pages[0].status.code == "MSG00002" and pages[0].status.info("source") == "DIBISS_ORPSS"
    got = [a for p in pages for a in p.attestations]
    assert got and all(not a.provincial_or_local_authority for a in got)
    assert len(got) == sum(q.year == year and not q.employer.public for q in facts.dmfa)


@pytest.mark.e2e
def test_results_by_batch(client: KszClient, sandbox: Sandbox) -> None:
    index = _person(sandbox, lambda i: bool(sandbox.population.facts(i).dmfa))
    ssin = _integrated(sandbox, client, index)
    result = client.dmfa.attestations(ssin, start="2025Q1", end="2025Q4", batch=True)
    assert result.in_batch and result.attestations == ()
    personnel = client.dmfa.personnel("0411120147", start="2025Q1", end="2025Q4")
    assert personnel.in_batch and personnel.status.value == "RESPONSE_IN_BATCH"
    with pytest.raises(InvalidData):
        client.dmfa.personnel("0999999922", start="2025Q1", end="2025Q4")


@pytest.mark.e2e
def test_refusals(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    unknown = make(D(2004, 12, 30), 995, kind=SsinKind.TEST)
    integrate(sandbox, client, str(unknown))
    with pytest.raises(UnknownSsin):
        client.dmfa.attestations(unknown, start="2025Q1", end="2025Q4")
    replaced = next(i for i in range(40, population.size) if population.replaced_by(i) is not None)
    ssin = _integrated(sandbox, client, replaced)
    with pytest.raises(SsinReplaced) as caught:
        client.dmfa.attestations(ssin, start="2025Q1", end="2025Q4")
    assert caught.value.new_ssin == population.ssin_of(replaced + 1)
    local_only = next(i for i in range(population.size - 60, 0, -1)
                      if population.fault_of(i) is None and population.replaced_by(i) is None
                      and not sandbox.state.integrations(ssin=str(population.ssin_of(i))))
    ssin = population.ssin_of(local_only)
    client.integrations.add(Integration(SANDBOX_CBE_NUMBER, str(ssin), 2, D(2020, 1, 1)))
    with pytest.raises(NotIntegrated) as refused:
        client.dmfa.attestations(ssin, start="2025Q1", end="2025Q4")
    assert refused.value.ticket_cbss and refused.value.code == "MSG00012"
    with sandbox.fault("fault", times=1), pytest.raises(KszFault):
        client.dmfa.personnel("0411120147", start="2025Q1", end="2025Q4")


# --- the official contract -----------------------------------------------------------------------


@pytest.fixture
def captured(sandbox_config: KszConfig, sandbox: Sandbox) -> Capture:
    capture = Capture()
    population = sandbox.population
    with KszClient(sandbox_config, observers=[capture]) as plain:
        client = plain.acting_for(user="u")
        index = _person(sandbox, lambda i: sum(q.year == 2024 for q in population.facts(i).dmfa)
                        > PAGE_SIZE)
        ssin = _integrated(sandbox, client, index)
        list(client.dmfa.pages(ssin, start="2024Q1", end="2024Q4", all_versions=True))
        client.dmfa.attestations(ssin, start="2024Q1", end="2024Q4",
                                 employer=population.facts(index).dmfa[0].employer.cbe_number,
                                 worker_code=15, employer_class=0, sectors=["PRI", "PLP"],
                                 local_authorities="excluded")
        client.dmfa.attestations(ssin, start="2024Q2", end="2024Q2", attestation_id=1,
                                 attestation_version=1)
        with pytest.raises(InvalidData):
            client.dmfa.personnel("0999999922", start="2025Q1", end="2025Q4")
        partial = next(i for i in range(40, population.size) if partial_person(i)
                       and population.facts(i).dmfa and population.replaced_by(i) is None)
        partial_ssin = _integrated(sandbox, client, partial)
        # What travels is checked here; how the client reads these statuses, in the tests
        # above (the observer has the bytes either way).
        with contextlib.suppress(ResponseError):
            client.dmfa.attestations(ssin, start="2025Q1", end="2025Q4", batch=True)
        with contextlib.suppress(ResponseError):
            client.dmfa.personnel("0411120100", employer_kind="noss", start="2025Q1",
                                  end="2025Q4", sectors=["PRI"], worker_code=15)
        with contextlib.suppress(ResponseError):
            client.dmfa.attestations(partial_ssin, start="2024Q1", end="2024Q4")
    return capture


@pytest.mark.contracts
@pytest.mark.e2e
def test_requests_and_responses_validate_against_the_official_contract(
    captured: Capture, official_contracts: Path
) -> None:
    schema = official_wsdl_schema(official_contracts, OFFICIAL_WSDL)
    requests, responses = payloads(captured.requests), payloads(captured.responses)
    assert len(requests) == len(responses) == 8
    for payload in requests + responses:
        assert_valid(schema, payload)
    assert any(p.find("dmfaAttestations") is not None for p in responses)
    assert {p.findtext("status/value") for p in responses} >= {
        "DATA_FOUND", "NO_DATA_FOUND", "RESPONSE_IN_BATCH", "NO_RESULT", "PARTIAL_RESULT"}


@pytest.mark.contracts
@pytest.mark.e2e
def test_requests_and_responses_validate_against_our_contract(captured: Capture) -> None:
    schema = _contracts.schema("DmfaConsultation")
    assert schema is not None
    for payload in payloads(captured.requests) + payloads(captured.responses):
        assert_valid(schema, payload)
    for payload in payloads(captured.requests):
        assert etree.QName(payload).namespace == NS
        assert all(etree.QName(e).namespace is None for e in payload.iterdescendants()
                   if isinstance(e.tag, str))


@pytest.mark.contracts
@pytest.mark.e2e
def test_the_official_check_can_fail(captured: Capture, official_contracts: Path) -> None:
    schema = official_wsdl_schema(official_contracts, OFFICIAL_WSDL)
    request = payloads(captured.requests)[0]
    action = request.find("criteria/resultsAction")
    assert action is not None
    action.text = "RESULTS_BY_MAIL"
    assert not schema.validate(request)
    response = next(p for p in payloads(captured.responses)
                    if p.find("dmfaAttestations") is not None)
    amount = response.find(".//remunAmount")
    assert amount is not None
    amount.text = "12.50"  # cents, never a decimal amount
    assert not schema.validate(response)


@pytest.mark.contracts
def test_our_types_restate_the_official_ones(official_contracts: Path) -> None:
    ours = _contracts.WSDL_DIR / "types" / "DmfaConsultation"
    official = official_contracts / SET_B / "types"
    compare_types(ours / "DmfaConsultationV1.xsd", official / "DmfaConsultation" /
                  "DmfaConsultationV1.xsd",
                  restated=frozenset({"StatusCodeType", "StatusDescriptionType"}))
    compare_types(ours / "DmfaCommonV1.xsd", official / "dmfa" / "common" / "DmfaCommonV1.xsd")
    # CommonV3 types the shared restatement lacks: the same shapes as the official ones
    mine = type_shapes(ours / "CommonV3Additions.xsd")
    theirs = type_shapes(official / "common" / "CommonV3.xsd")
    assert mine and all(mine[name] == theirs[name] for name in mine)


def _direct_elements(ctype: etree._Element) -> list[tuple[str, str, str]]:
    """A complex type's own elements (not those of anonymous inner types)."""
    out = []

    def walk(node: etree._Element) -> None:
        for child in node:
            if child.tag == f"{XS}element":
                out.append((child.get("name") or "", child.get("minOccurs", "1"),
                            child.get("maxOccurs", "1")))
            elif child.tag in (f"{XS}sequence", f"{XS}choice", f"{XS}complexContent",
                               f"{XS}extension"):
                walk(child)

    walk(ctype)
    return out


@pytest.mark.contracts
def test_the_attestation_types_follow_the_official_ones(official_contracts: Path) -> None:
    ours = etree.parse(str(_contracts.WSDL_DIR / "types" / "DmfaConsultation" /
                           "DmfaAttestationV1.xsd"))
    official = etree.parse(str(official_contracts / SET_B / "types" / "dmfa" / "attestation" /
                               "DmfaAttestationV1.xsd"))
    assert ours.getroot().get("targetNamespace") == official.getroot().get("targetNamespace")
    theirs = {t.get("name"): t for t in official.getroot().iterfind(f"{XS}complexType")}
    mine = {t.get("name"): t for t in ours.getroot().iterfind(f"{XS}complexType")}
    assert set(mine) - set(theirs) == {"LaxContentType"}
    for name, ctype in mine.items():
        if name != "LaxContentType":
            assert _direct_elements(ctype) == _direct_elements(theirs[name]), name
            base = ctype.find(f"{XS}complexContent/{XS}extension")
            if base is not None:
                official_base = theirs[name].find(f"{XS}complexContent/{XS}extension")
                assert official_base is not None and base.get("base") == official_base.get("base")


@pytest.mark.contracts
def test_our_wsdl_has_the_official_operations_and_actions(official_contracts: Path) -> None:
    def actions(path: Path) -> dict[str, str]:
        tree = etree.parse(str(path))
        return {op.getparent().get("name"): op.get("soapAction")
                for op in tree.iter("{http://schemas.xmlsoap.org/wsdl/soap/}operation")}

    ours = actions(_contracts.WSDL_DIR / "intf" / "DmfaConsultationService" /
                   "DmfaConsultationV1.wsdl")
    assert ours == actions(official_contracts / OFFICIAL_WSDL)
    service = catalogue.get("DmfaConsultation")
    assert ours == {op.name: op.soap_action for op in service.operations}


# --- command line ----------------------------------------------------------------------------


@pytest.mark.e2e
def test_cli_attestations_and_personnel(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, tmp_path: Path
) -> None:
    population = sandbox.population
    index = _person(sandbox, lambda i: any(q.year == 2025 for q in population.facts(i).dmfa))
    ssin = str(population.ssin_of(index))
    config = cli_config(sandbox, tmp_path, ssin)
    run = command(config, user="u", legal_context=None)
    code, out, err = printed(capsys, run, "dmfa", "attestations", ssin, "--start", "2025Q1",
                             "--end", "2025Q4", "--json")
    assert (code, err) == (EXIT_OK, "")
    data = json.loads(out)
    expected = sorted(q.gross_wage_cents for q in population.facts(index).dmfa if q.year == 2025)
    got = sorted(sum(r["amount"]["cents"] for o in a["worker"]["occupations"]
                     for r in o["remunerations"]) for a in data["attestations"])
    assert got == expected
    code, out, _ = printed(capsys, run, "dmfa", "consult-dmfa-attestations-by-ssin", ssin,
                           "--start", "2025Q1", "--end", "2025Q4", "--sector", "PRI", "--sector",
                           "PLP")
    assert code == EXIT_OK and "ticketCBSS" in out and "gross EUR" in out
    code, out, err = printed(capsys, run, "dmfa", "personnel", "0411120147", "--start",
                             "2025Q1", "--json")
    assert (code, err) == (EXIT_OK, "")
    assert json.loads(out)["status"]["value"] == "RESPONSE_IN_BATCH"
    code, _, err = printed(capsys, run, "dmfa", "attestations", ssin, "--start", "2024Q1",
                           "--end", "2025Q4")
    assert code == EXIT_USAGE and "at most 4" in err and ssin not in err


def test_the_service_is_documented() -> None:
    assert "DmfaConsultation V1" in (DmfaService.__doc__ or "")
    assert "Args:" in (DmfaService.attestations.__doc__ or "")
