"""Dolsis V1 (client.dolsis): mapping, validation, end to end, statuses, contract, CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _contracts, _xml
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import (
    InvalidSsin,
    KszFault,
    NoResult,
    NotAuthorized,
    NotIntegrated,
    ResponseError,
    SsinReplaced,
    ValidationError,
)
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK, EXIT_USAGE
from ksz_client.sandbox import Sandbox
from ksz_client.sandbox import facts as sandbox_facts
from ksz_client.sandbox.handlers.dolsis import special_status, worker_id
from ksz_client.services.dolsis import (
    Affiliation,
    ContractType,
    Curator,
    DeclarationType,
    DimonaAction,
    DocumentStatus,
    DolsisCode,
    DolsisService,
    EmployerDetail,
    EmployerId,
    EmployerIdKind,
    EmployerType,
    Employment,
    EmploymentDetailCriteria,
    EmploymentQuarter,
    EmploymentsCriteria,
    ForeignEmployer,
    PostedWorker,
    PostedWorkerSearch,
    PostingDocument,
    PostingSummary,
    Scope,
    SecurityContext,
    WorkerType,
    _wire,
)
from ksz_client.services.dolsis._rsz import default_quarters, employer_id, is_cbe_number
from ksz_client.ssin import Gender, Ssin, SsinKind, make
from ksz_client.types import (
    Address,
    AddressKind,
    CallContext,
    EmployerRef,
    Money,
    Period,
    PersonName,
    Quarter,
)

from .official_helpers import Capture, NoSend, integrate, payloads
from .sandbox_world import command, printed

NS = "http://kszbcss.fgov.be/intf/DolsisService/v1"
FIRST = 40  # the persons the tests of this module integrate start here
LEGAL = "SOCIAL_INVESTIGATION_OF_PCSA"
D = dt.date
SSIN = make(D(1985, 7, 30), 33, kind=SsinKind.TEST)
EMPLOYER = EmployerRef("Bakkerij Peeters BV", "0411120147", "0411120100")
USER = EmployerRef("Horeca De Kroon BV", "0411120741", None)


def _plain(sandbox: Sandbox, predicate) -> int:  # type: ignore[no-untyped-def]
    """The first ordinary person (NR, current SSIN, alive, no fault, no Dolsis code) matching.

    The search starts past the first persons, which other tests expect not to be integrated.
    """
    population = sandbox.population
    return next(
        i for i in range(FIRST, population.size)
        if population.replaced_by(i) is None and not population.is_deceased(i)
        and population.fault_of(i) is None and special_status(population, i) is None
        and predicate(i)
    )


@pytest.fixture
def dolsis_client(client: KszClient) -> KszClient:
    """The test client: bound to PCSA:SOCIAL_INQUIRY, it sends Dolsis's own legal context."""
    return client


@pytest.fixture
def dolsis(dolsis_client: KszClient) -> DolsisService:
    return dolsis_client.dolsis


def _integrated(sandbox: Sandbox, client: KszClient, index: int) -> Ssin:
    ssin = sandbox.population.ssin_of(index)
    integrate(sandbox, client, str(ssin))
    return ssin


# --- mapping (unit) -----------------------------------------------------------------------


def _employment(**changes: object) -> Employment:
    base = Employment(
        employer=EMPLOYER, worker_type_code="ivt", dimona_period_id=1234,
        last_action=DimonaAction.OUT, cancelled=True, created=D(2024, 1, 2),
        last_updated=D(2024, 6, 30), in_service=D(2024, 1, 5), out_service=D(2024, 6, 30),
        joint_committee="118.03", employer_vat_number="BE0411120147", using_employer=USER,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_employments_round_trip() -> None:
    employments = (_employment(), _employment(
        worker_type_code="stu", last_action=DimonaAction.IN, cancelled=False, out_service=None,
        joint_committee=None, employer_vat_number=None, using_employer=None))
    result = etree.Element("result")
    _wire.write_employments(result, employments)
    assert _wire.read_employments(result) == employments
    assert _wire.read_employments(None) == ()


def test_an_unknown_worker_type_keeps_its_code() -> None:
    employment = _employment(worker_type_code="flx")
    result = etree.Element("result")
    _wire.write_employments(result, (employment,))
    (read,) = _wire.read_employments(result)
    assert read.worker_type is None and read.worker_type_code == "flx"
    assert _employment().worker_type is WorkerType.IVT
    assert "vocational training" in WorkerType.IVT.meaning
    assert all(w.meaning for w in WorkerType)


def test_reading_employments_ignores_unknown_elements_and_requires_known_ones() -> None:
    result = etree.Element("result")
    _wire.write_employments(result, (_employment(),))
    el = result[0]
    etree.SubElement(el, "{urn:future}newField").text = "x"
    etree.SubElement(el.find("employer"), "legalForm").text = "BV"
    assert _wire.read_employments(result) == (_employment(),)
    el.find("lastDimonaAction").text = "suspend"
    with pytest.raises(ResponseError, match="Dimona action"):
        _wire.read_employments(result)
    el.find("lastDimonaAction").text = "out"
    el.remove(el.find("inServiceDate"))
    with pytest.raises(ResponseError, match="inServiceDate"):
        _wire.read_employments(result)


def test_an_employer_number_that_is_malformed_in_the_answer_is_a_response_error() -> None:
    result = etree.Element("result")
    _wire.write_employments(result, (_employment(),))
    result[0].find("employer/cbeNumber").text = "12"
    with pytest.raises(ResponseError, match="employer number"):
        _wire.read_employments(result)


def test_employment_detail_round_trip() -> None:
    quarters = (
        EmploymentQuarter(Quarter(2025, 1), 495, ContractType.PART_TIME, Money(1_234_567),
                          Decimal("52.5"), Decimal("399.5"), Decimal("30.4"), Decimal("38"),
                          "200.00", D(2025, 1, 1), D(2025, 3, 31)),
        EmploymentQuarter(Quarter(2025, 2), 15, ContractType.FULL_TIME, Money(0), Decimal(0)),
    )
    result = etree.Element("result")
    _wire.write_employment_detail(result, EMPLOYER, "BE0411120147", quarters)
    assert _wire.read_employment_detail(result) == (EMPLOYER, "BE0411120147", quarters)
    assert _wire.read_employment_detail(None) == (None, None, ())
    assert quarters[0].working_time == Decimal("0.8")
    assert quarters[1].working_time is None
    result.find("quarter/quarter").text = "2025-1"
    with pytest.raises(ResponseError, match="quarter"):
        _wire.read_employment_detail(result)


def test_employer_detail_round_trip() -> None:
    detail = EmployerDetail(
        employer=EMPLOYER, employer_type=EmployerType.PRIVATE, vat_number="BE0411120147",
        employer_class=0, joint_committees=("118.03", "218.00"), registered=D(1990, 1, 1),
        deregistered=D(2025, 12, 31),
        address=Address(kind=AddressKind.POSTAL, street="Kerkstraat", house_number="2",
                        postal_code="2000", municipality="Antwerpen"),
        social_secretariat=Affiliation("100", "SS"), family_allowance_fund=Affiliation("11", "F"),
        curator=Curator("Mr. X", D(2025, 9, 15)),
    )
    result = etree.Element("result")
    _wire.write_employer_detail(result, detail)
    assert _wire.read_employer_detail(result) == detail
    assert detail.bankrupt
    result.find("employer/employerType").text = "MIXED"
    with pytest.raises(ResponseError, match="employer type"):
        _wire.read_employer_detail(result)


def _worker() -> PostedWorker:
    return PostedWorker("LW00000011", PersonName("Kowalski", ("Jan", "Piotr")), D(1980, 2, 3),
                        Gender.MALE, "PL", Ssin(make(D(1980, 2, 3), 5, kind=SsinKind.TEST),
                                                allow_test=True))


def test_limosa_round_trips() -> None:
    result = etree.Element("result")
    workers = (_worker(), PostedWorker("LW2", PersonName("Silva")))
    _wire.write_posted_workers(result, workers)
    assert _wire.read_posted_workers(result) == workers
    postings = (
        PostingSummary("LD000000111", Period(D(2024, 1, 1), D(2024, 6, 30)),
                       ForeignEmployer("Budowa", "PL", "PL1"), EMPLOYER),
        PostingSummary("LD000000112", Period(D(2025, 1, 1)), ForeignEmployer("Budowa", "PL")),
    )
    result = etree.Element("result")
    _wire.write_posted_worker_detail(result, _worker(), postings)
    assert _wire.read_posted_worker_detail(result) == (_worker(), postings)
    assert _wire.read_posted_worker_detail(None) == (None, ())
    document = PostingDocument(
        "LD000000111", DeclarationType.EMPLOYEE, DocumentStatus.CANCELLED, D(2023, 12, 20),
        Period(D(2024, 1, 1)), _worker(), ForeignEmployer("Budowa", "PL", "PL1"), EMPLOYER,
        (Address(kind=AddressKind.POSTAL, postal_code="9000", municipality="Gent"),),
        "124.00", Decimal("38"),
    )
    result = etree.Element("result")
    _wire.write_posting_document(result, document)
    assert _wire.read_posting_document(result) == document
    assert _wire.read_posting_document(None) is None
    assert result.find("postingDocument/period/endDate") is None
    etree.SubElement(result.find("postingDocument/period"), "endDate").text = "2023-01-01"
    with pytest.raises(ResponseError, match="ends before"):
        _wire.read_posting_document(result)


def test_a_malformed_ssin_in_a_limosa_answer_is_a_response_error() -> None:
    result = etree.Element("result")
    _wire.write_posted_workers(result, (_worker(),))
    result.find("postedWorker/ssin").text = "12345678901"
    with pytest.raises(ResponseError, match="SSIN"):
        _wire.read_posted_workers(result)


def test_criteria_round_trip() -> None:
    ssin = Ssin(SSIN, allow_test=True)
    year = Period(D(2024, 1, 1), D(2024, 12, 31))
    for criteria in (EmploymentsCriteria(ssin), EmploymentsCriteria(ssin, Scope.MUTATIONS, year)):
        payload = etree.Element("req")
        _wire.write_employments_criteria(payload, criteria)
        assert _wire.read_employments_criteria(payload) == criteria
    detail = EmploymentDetailCriteria(ssin, EmployerId(EmployerIdKind.NOSS, "0411120100"),
                                      Quarter(2024, 3), Quarter(2025, 2))
    payload = etree.Element("req")
    _wire.write_employment_detail_criteria(payload, detail)
    assert _wire.read_employment_detail_criteria(payload) == detail
    search = PostedWorkerSearch("Kowalski", "Jan", D(1980, 2, 3), 5)
    payload = etree.Element("req")
    _wire.write_posted_workers_criteria(payload, search)
    assert _wire.read_posted_workers_criteria(payload) == search
    security = SecurityContext(role="Manager")
    payload = etree.Element("req")
    _wire.write_security_context(payload, security)
    assert _wire.read_security_context(payload) == security


def test_criteria_the_sandbox_reads_are_validated() -> None:
    payload = etree.Element("req")
    criteria = _xml.sub(payload, "criteria")
    _xml.sub(criteria, "ssin", str(SSIN))
    _xml.sub(criteria, "scope", "active")
    period = _xml.sub(criteria, "period")
    _xml.sub(period, "beginDate", "2024-01-01")
    _xml.sub(period, "endDate", "2024-02-01")
    with pytest.raises(ValidationError, match="no period"):
        _wire.read_employments_criteria(payload)
    criteria.find("scope").text = "everything"
    with pytest.raises(ValidationError):
        _wire.read_employments_criteria(payload)


def test_reprs_do_not_show_ssins() -> None:
    assert str(_worker().ssin) not in repr(_worker())
    criteria = EmploymentsCriteria(Ssin(SSIN, allow_test=True))
    assert str(SSIN) not in repr(criteria)


# --- input validation (before anything is sent) -------------------------------------------------


def test_employer_numbers() -> None:
    assert is_cbe_number("0411120147") and not is_cbe_number("0411120148")
    assert employer_id("BE 0411.120.147") == EmployerId(EmployerIdKind.CBE, "0411120147")
    assert employer_id("4111201-00", "noss") == EmployerId(EmployerIdKind.NOSS, "0411120100")
    assert employer_id(EMPLOYER) == EmployerId(EmployerIdKind.CBE, "0411120147")
    assert employer_id(EMPLOYER, EmployerIdKind.NOSS).number == "0411120100"
    assert employer_id(EmployerRef(noss_number="411120100")).number == "0411120100"
    for bad, kind in (("0411120148", None), ("2411120147", None), ("04111201", None),
                      ("12345678901", "noss"), ("0411X20147", None), ("0411120100", "rsz")):
        with pytest.raises(ValidationError):
            employer_id(bad, kind)
    with pytest.raises(ValidationError, match="no KBO"):
        employer_id(EmployerRef(name="Nobody"))


def test_default_quarters() -> None:
    today = D(2026, 5, 10)
    assert default_quarters(None, None, today=today) == (Quarter(2025, 2), Quarter(2026, 1))
    assert default_quarters("2025Q4", None, today=today) == (Quarter(2025, 4), Quarter(2026, 2))
    assert default_quarters("2020Q1", None, today=today) == (Quarter(2020, 1), Quarter(2020, 4))
    assert default_quarters(None, "2024Q2", today=today) == (Quarter(2023, 3), Quarter(2024, 2))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda d, s: d.find_employers("85073003329"), "check digits|mod 97|invalid"),
        (lambda d, s: d.find_employers(s, scope="everything"), "scope"),
        (lambda d, s: d.find_employers(s, start="2024-01-01"), "takes no period"),
        (lambda d, s: d.find_employers(s, scope="mutations"), "needs the start"),
        (lambda d, s: d.find_employers(s, scope="activeInPeriod", start="2024-02-01",
                                       end="2024-01-01"), "end before"),
        (lambda d, s: d.find_employers(s, scope="activeInPeriod", start="1985-01-01"),
         "outside"),
        (lambda d, s: d.find_employers(s, scope="mutations", start="2024-01-01",
                                       end="2099-01-01"), "outside"),
        (lambda d, s: d.find_employers(s, scope="mutations", start="1st of May"), "YYYY-MM-DD"),
        (lambda d, s: d.find_employers(s, role="Agent Smith"), "role"),
        (lambda d, s: d.employment_detail(s, start="2024Q1"), "needs the employer"),
        (lambda d, s: d.employment_detail(s, employer="0411120147", start="2024Q1",
                                          end="2025Q1"), "at most 4"),
        (lambda d, s: d.employment_detail(s, employer="0411120147", start="2025Q1",
                                          end="2024Q4"), "ends before"),
        (lambda d, s: d.employment_detail(s, employer="0411120147", start="2002Q3",
                                          end="2002Q4"), "2003"),
        (lambda d, s: d.employment_detail(s, employer="0411120147", start="2099Q1",
                                          end="2099Q2"), "future"),
        (lambda d, s: d.employment_detail(s, employer="0411120147", start="2024-Q5"),
         "YYYYQn"),
        (lambda d, s: d.employment_detail(s, employer="0411120148", start="2024Q1"),
         "check digits"),
        (lambda d, s: d.employer_detail("0411120100", employer_kind="rsz"), "cbe or noss"),
        (lambda d, s: d.employer_detail("9911120100", employer_kind="noss"), "RSZ"),
        (lambda d, s: d.find_posted_workers(" "), "last name"),
        (lambda d, s: d.find_posted_workers("Kowalski", max_results=51), "max_results"),
        (lambda d, s: d.find_posted_workers("Kowalski", given_name=""), "given name"),
        (lambda d, s: d.posted_worker_detail("LW 1"), "worker id"),
        (lambda d, s: d.posting_document_detail("x" * 37), "posting document id"),
    ],
)
def test_bad_input_raises_before_sending(sandbox_config: KszConfig, call, message) -> None:  # type: ignore[no-untyped-def]
    transport = NoSend()
    client = KszClient(sandbox_config, transport=transport).acting_for(user="u",
                                                                       legal_context=LEGAL)
    with pytest.raises(ValidationError, match=message):
        call(client.dolsis, str(SSIN))
    assert transport.sent == []


def test_security_contexts_are_validated() -> None:
    assert SecurityContext() == SecurityContext("WELFARE", LEGAL, "Agent")
    with pytest.raises(ValidationError, match="service"):
        SecurityContext(service="welfare")
    with pytest.raises(ValidationError, match="legal context"):
        SecurityContext(legal_context="x" * 65)
    with pytest.raises(ValidationError, match="role"):
        SecurityContext(role="")


def test_finality_refuses_before_sending(sandbox_config: KszConfig) -> None:
    transport = NoSend()
    client = KszClient(sandbox_config, transport=transport).acting_for(user="u",
                                                                       legal_context=LEGAL)
    with pytest.raises(NotIntegrated) as caught:
        client.dolsis.find_employers(SSIN)
    assert caught.value.ticket_cbss is None and caught.value.code == "MSG00012"
    with pytest.raises(NotIntegrated):
        client.dolsis.employment_detail(SSIN, employer="0411120147", start="2024Q1")
    assert transport.sent == []


# --- end to end over HTTP --------------------------------------------------------------------


@pytest.mark.e2e
def test_find_employers_active_matches_the_facts(
    dolsis_client: KszClient, sandbox: Sandbox
) -> None:
    population = sandbox.population
    index = _plain(sandbox, lambda i: population.facts(i).has_employment)
    ssin = _integrated(sandbox, dolsis_client, index)
    result = dolsis_client.dolsis.find_employers(ssin.formatted)
    running = [e for e in population.facts(index).employments if e.current]
    assert [e.dimona_period_id for e in result.employments] == \
        [e.dimona_period_id for e in running]
    first = result.employments[0]
    assert first.employer.cbe_number == running[0].employer.cbe_number
    assert first.in_service == running[0].period.start and first.out_service is None
    assert first.last_action is DimonaAction.IN and first.worker_type is not None
    assert result.status.value == "DATA_FOUND" and result.status.code == "MSG00000"
    assert not result.partial
    assert result.receipt.ticket_cbss


@pytest.mark.e2e
def test_find_employers_in_a_period_and_mutations(
    dolsis_client: KszClient, sandbox: Sandbox
) -> None:
    population = sandbox.population
    index = _plain(sandbox, lambda i: any(
        e.period.end is not None and e.period.start.year >= 1990
        for e in population.facts(i).employments))
    ssin = _integrated(sandbox, dolsis_client, index)
    past = next(e for e in population.facts(index).employments
                if e.period.end is not None and e.period.start.year >= 1990)
    assert past.period.end is not None
    during = dolsis_client.dolsis.find_employers(
        ssin, scope=Scope.ACTIVE_IN_PERIOD, start=past.period.start, end=past.period.end)
    assert past.dimona_period_id in [e.dimona_period_id for e in during.employments]
    ended = dolsis_client.dolsis.find_employers(
        ssin, scope="mutations", start=past.period.end, end=past.period.end)
    (out,) = [e for e in ended.employments if e.dimona_period_id == past.dimona_period_id]
    assert out.last_action is DimonaAction.OUT and out.out_service == past.period.end
    nothing = dolsis_client.dolsis.find_employers(ssin, scope="mutations", start="1990-01-01",
                                                  end="1990-01-02")
    assert nothing.employments == () and nothing.status.value == "NO_DATA_FOUND"
    assert nothing.status.code == "MSG00100"


@pytest.mark.e2e
def test_an_interim_employment_names_the_user_company(
    dolsis_client: KszClient, sandbox: Sandbox
) -> None:
    population = sandbox.population
    index = _plain(sandbox, lambda i: any(
        e.employer.joint_committee == "322.00" and (e.period.end is None
                                                    or e.period.end.year >= 1990)
        for e in population.facts(i).employments))
    ssin = _integrated(sandbox, dolsis_client, index)
    result = dolsis_client.dolsis.find_employers(ssin, scope="activeInPeriod",
                                                 start="1990-01-01")
    interim = [e for e in result.employments if e.joint_committee == "322.00"]
    assert interim and all(e.using_employer is not None and e.using_employer.cbe_number
                           for e in interim)


@pytest.mark.e2e
def test_employment_detail_gives_the_quarters_of_the_facts(
    dolsis_client: KszClient, sandbox: Sandbox
) -> None:
    population = sandbox.population
    index = _plain(sandbox, lambda i: any(q.year == 2025 for q in population.facts(i).dmfa))
    ssin = _integrated(sandbox, dolsis_client, index)
    facts = population.facts(index)
    employer = next(q.employer for q in facts.dmfa if q.year == 2025)
    expected = [q for q in facts.dmfa if q.employer == employer and q.year == 2025]
    result = dolsis_client.dolsis.employment_detail(
        ssin, employer=employer.noss_number, employer_kind=EmployerIdKind.NOSS,
        start="2025Q1", end="2025Q4")
    assert result.employer is not None and result.employer.cbe_number == employer.cbe_number
    assert [q.quarter for q in result.quarters] == [Quarter(q.year, q.quarter) for q in expected]
    assert [q.gross_remuneration.cents for q in result.quarters] == \
        [q.gross_wage_cents for q in expected]
    assert [q.worked_days for q in result.quarters] == [Decimal(q.days_worked) for q in expected]
    assert result.gross_remuneration == Money(sum(q.gross_wage_cents for q in expected))
    assert all(q.working_time == Decimal(f.working_time_per_mille) / 1000
               for q, f in zip(result.quarters, expected, strict=True))
    other = next(e for e in sandbox_facts.EMPLOYERS if e not in {q.employer for q in facts.dmfa})
    none = dolsis_client.dolsis.employment_detail(ssin, employer=other.cbe_number,
                                                  start="2025Q1", end="2025Q4")
    assert none.quarters == () and none.employer is None
    assert none.status.value == "NO_DATA_FOUND"


@pytest.mark.e2e
def test_employer_detail_from_the_repertory(dolsis: DolsisService) -> None:
    bankrupt = next(e for e in sandbox_facts.EMPLOYERS if e.joint_committee == "302.00")
    result = dolsis.employer_detail(EmployerRef(noss_number=bankrupt.noss_number))
    detail = result.employer
    assert detail is not None and detail.employer.name == bankrupt.name
    assert detail.employer_type is EmployerType.PRIVATE and detail.bankrupt
    assert detail.curator is not None and detail.curator.appointed == D(2025, 9, 15)
    assert detail.social_secretariat is not None and detail.family_allowance_fund is not None
    public = next(e for e in sandbox_facts.EMPLOYERS if e.public)
    result = dolsis.employer_detail(public.cbe_number)
    assert result.employer is not None
    assert result.employer.employer_type is EmployerType.PUBLIC_LOCAL
    assert result.employer.vat_number is None and result.employer.social_secretariat is None
    unknown = dolsis.employer_detail("0999999922")
    assert unknown.employer is None and unknown.status.code == "MSG00100"


@pytest.mark.e2e
def test_posted_workers_are_found_by_name_only_when_integrated(
    dolsis_client: KszClient, sandbox: Sandbox
) -> None:
    population = sandbox.population
    bis = [i for i in range(FIRST, population.size) if population.register_of(i).value == "BIS"
           and population.fault_of(i) is None]
    index = bis[0]
    name = population.person(index).name
    dolsis = dolsis_client.dolsis
    before = dolsis.find_posted_workers(name.last_name, given_name=name.given_names[0])
    assert worker_id(index) not in [w.worker_id for w in before.workers]
    ssin = _integrated(sandbox, dolsis_client, index)
    after = dolsis.find_posted_workers(name.last_name.upper(), given_name=name.given_names[0])
    (worker,) = [w for w in after.workers if w.worker_id == worker_id(index)]
    assert worker.ssin == ssin and worker.name == name
    assert worker.nationality == population.facts(index).postings[0].foreign_country
    detail = dolsis.posted_worker_detail(worker.worker_id)
    assert detail.worker == worker
    postings = population.facts(index).postings
    assert [p.document_id for p in detail.postings] == [p.document_id for p in postings]
    document = dolsis.posting_document_detail(detail.postings[0].document_id).document
    assert document is not None and document.worker == worker
    assert document.period == postings[0].period
    assert document.weekly_hours == Decimal(postings[0].weekly_hours_hundredths) / 100
    assert document.document_status is (DocumentStatus.CANCELLED if postings[0].cancelled
                                        else DocumentStatus.ACTIVE)


@pytest.mark.e2e
def test_too_many_posted_workers_is_a_partial_result(
    dolsis_client: KszClient, sandbox: Sandbox
) -> None:
    population = sandbox.population
    by_name: dict[str, list[int]] = {}
    for i in range(FIRST, population.size):
        if population.register_of(i).value == "BIS" and population.fault_of(i) is None:
            by_name.setdefault(population.last_name(i), []).append(i)
    name, indexes = next((n, ix) for n, ix in by_name.items() if len(ix) >= 2)
    for index in indexes:
        _integrated(sandbox, dolsis_client, index)
    result = dolsis_client.dolsis.find_posted_workers(name, max_results=1)
    assert len(result.workers) == 1 and result.partial
    assert result.status.code == DolsisCode.PARTIAL_NO_NR_DATA
    assert not dolsis_client.dolsis.find_posted_workers(name, max_results=50).partial


@pytest.mark.e2e
def test_limosa_details_of_a_worker_not_integrated_are_refused(
    dolsis: DolsisService, sandbox: Sandbox
) -> None:
    population = sandbox.population
    index = next(i for i in range(population.size - 1, 0, -1)
                 if population.register_of(i).value == "BIS" and population.fault_of(i) is None
                 and not sandbox.state.integrations(ssin=str(population.ssin_of(i))))
    with pytest.raises(NotIntegrated) as caught:
        dolsis.posted_worker_detail(worker_id(index))
    assert caught.value.ticket_cbss  # the KSZ (sandbox) refused, not the local guard
    with pytest.raises(NotIntegrated):
        dolsis.posting_document_detail(population.facts(index).postings[0].document_id)
    assert dolsis.posted_worker_detail("LW99999999").worker is None
    unknown = dolsis.posting_document_detail("LD000000019")
    assert unknown.document is None and unknown.status.value == "NO_DATA_FOUND"
    assert dolsis.find_posted_workers("Zzyzx").workers == ()


# --- statuses and errors --------------------------------------------------------------------


@pytest.mark.e2e
def test_dols_codes(dolsis_client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    dolsis = dolsis_client.dolsis
    # DOLS0000: an SSIN neither register knows gives no data (a result, not an error)
    unknown = make(D(2004, 12, 30), 995, kind=SsinKind.TEST)
    integrate(sandbox, dolsis_client, str(unknown))
    nothing = dolsis.find_employers(unknown)
    assert nothing.employments == () and not nothing.partial
    assert (nothing.status.value, nothing.status.code) == ("NO_DATA_FOUND", "DOLS0000")
    # DOLS0004: a BIS person, no national-register data: a partial result
    bis = next(i for i in range(FIRST, population.size) if special_status(population, i)
               is DolsisCode.PARTIAL_NO_NR_DATA and population.facts(i).has_employment)
    partial = dolsis.find_employers(_integrated(sandbox, dolsis_client, bis))
    assert partial.partial and partial.status.code == "DOLS0004" and partial.employments
    assert partial.status.value == "DATA_FOUND"
    # DOLS0005: no KSZ-register data: a partial result too
    no_cbss = next(i for i in range(FIRST, population.size) if special_status(population, i)
                   is DolsisCode.PARTIAL_NO_CBSS_DATA and population.replaced_by(i) is None)
    partial = dolsis.employment_detail(_integrated(sandbox, dolsis_client, no_cbss),
                                       employer="0411120147", start="2025Q1", end="2025Q4")
    assert partial.partial and partial.status.code == "DOLS0005"
    # DOLS0009: an error composing the family is raised
    family = next(i for i in range(FIRST, population.size) if special_status(population, i)
                  is DolsisCode.FAMILY_COMPOSITION_ERROR and population.replaced_by(i) is None)
    ssin = _integrated(sandbox, dolsis_client, family)
    with pytest.raises(NoResult) as caught:
        dolsis.find_employers(ssin)
    assert caught.value.code == "DOLS0009" and caught.value.ticket_cbss
    assert str(ssin) not in str(caught.value)


@pytest.mark.e2e
def test_a_replaced_ssin(dolsis_client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = next(i for i in range(FIRST, population.size) if population.replaced_by(i) is not None)
    ssin = _integrated(sandbox, dolsis_client, index)
    with pytest.raises(SsinReplaced) as caught:
        dolsis_client.dolsis.find_employers(ssin)
    assert caught.value.new_ssin == population.ssin_of(index + 1)


@pytest.mark.e2e
def test_integrated_only_locally_is_refused_by_the_ksz(
    dolsis_client: KszClient, sandbox: Sandbox
) -> None:
    from ksz_client.audit import Integration
    from ksz_client.sandbox import SANDBOX_CBE_NUMBER

    population = sandbox.population
    index = next(i for i in range(population.size - 60, 0, -1)
                 if population.fault_of(i) is None and population.replaced_by(i) is None
                 and not sandbox.state.integrations(ssin=str(population.ssin_of(i))))
    ssin = population.ssin_of(index)
    dolsis_client.integrations.add(Integration(SANDBOX_CBE_NUMBER, str(ssin), 2, D(2020, 1, 1)))
    with pytest.raises(NotIntegrated) as caught:
        dolsis_client.dolsis.find_employers(ssin)
    assert caught.value.ticket_cbss and caught.value.code == "MSG00012"


@pytest.mark.e2e
def test_a_security_context_or_legal_context_the_ocmw_is_not_granted(
    client: KszClient, dolsis: DolsisService, sandbox: Sandbox
) -> None:
    with pytest.raises(NotAuthorized):
        dolsis.employer_detail("0411120147", role="Manager")
    with pytest.raises(NotAuthorized):
        dolsis.using(SecurityContext(service="EMPLOYMENT")).employer_detail("0411120147")
    # the root legal context is Dolsis's own: another one given for the call is refused
    with pytest.raises(NotAuthorized):
        dolsis.employer_detail("0411120147",
                               context=CallContext(legal_context="PCSA:SOCIAL_INQUIRY"))
    # a client bound to another legal context still sends Dolsis's own
    assert client.acting_for(legal_context="PCSA:SOCIAL_INQUIRY").dolsis.employer_detail(
        "0411120147").employer is not None
    assert repr(dolsis.using(SecurityContext(role="Manager"))).count("Manager") == 1


@pytest.mark.e2e
def test_faults_and_retries(dolsis: DolsisService, sandbox: Sandbox) -> None:
    with sandbox.fault("fault", times=1), pytest.raises(KszFault) as caught:
        dolsis.employer_detail("0411120147")
    assert caught.value.code == "MSG00003" and caught.value.verified
    with sandbox.fault("http503", times=1):  # a consultation is retried
        assert dolsis.employer_detail("0411120147").employer is not None


@pytest.mark.e2e
def test_calls_run_concurrently(dolsis: DolsisService) -> None:
    from concurrent.futures import ThreadPoolExecutor

    numbers = [e.cbe_number for e in sandbox_facts.EMPLOYERS]
    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(dolsis.employer_detail, numbers))
    assert [r.employer.employer.cbe_number for r in results if r.employer] == numbers


def test_invalid_ssin_is_invalid_ssin(sandbox_config: KszConfig) -> None:
    client = KszClient(sandbox_config, transport=NoSend()).acting_for(user="u",
                                                                         legal_context=LEGAL)
    with pytest.raises(InvalidSsin):
        client.dolsis.find_employers("85073003329")


# --- contract ---------------------------------------------------------------------------------


@pytest.mark.contracts
@pytest.mark.e2e
def test_requests_and_responses_validate_against_our_contract(
    sandbox_config: KszConfig, sandbox: Sandbox
) -> None:
    population = sandbox.population
    capture = Capture()
    with KszClient(sandbox_config, observers=[capture]) as plain:
        client = plain.acting_for(user="u", legal_context=LEGAL)
        index = _plain(sandbox, lambda i: bool(population.facts(i).dmfa))
        ssin = _integrated(sandbox, client, index)
        employer = population.facts(index).dmfa[0].employer
        bis = next(i for i in range(FIRST, population.size)
                   if population.register_of(i).value == "BIS")
        _integrated(sandbox, client, bis)
        dolsis = client.dolsis
        dolsis.find_employers(ssin)
        dolsis.find_employers(ssin, scope="activeInPeriod", start="2000-01-01")
        dolsis.employment_detail(ssin, employer=employer.cbe_number, start="2024Q1",
                                 end="2024Q4")
        dolsis.employer_detail(employer.noss_number, employer_kind="noss")
        found = dolsis.find_posted_workers(population.last_name(bis))
        detail = dolsis.posted_worker_detail(found.workers[0].worker_id)
        dolsis.posting_document_detail(detail.postings[0].document_id)
        with pytest.raises(NotAuthorized):
            dolsis.employer_detail("0411120147", role="Manager")
    schema = _contracts.schema("Dolsis")
    assert schema is not None
    messages = payloads(capture.requests) + payloads(capture.responses)
    assert len(messages) == 16
    for payload in messages:
        assert schema.validate(payload), (schema.error_log, etree.tostring(payload)[:2000])
    for payload in payloads(capture.requests):
        assert etree.QName(payload).namespace == NS
        assert payload[2].tag == "securityContext"
        assert all(etree.QName(e).namespace is None for e in payload.iterdescendants()
                   if isinstance(e.tag, str))


@pytest.mark.contracts
def test_our_wsdl_names_the_catalogue_operations_and_actions() -> None:
    from ksz_client import catalogue

    service = catalogue.get("Dolsis")
    wsdl = etree.parse(str(_contracts.WSDL_DIR / "intf" / "DolsisService" / "DolsisV1.wsdl"))
    assert wsdl.getroot().get("targetNamespace") == service.namespace
    actions = {
        op.getparent().get("name"): op.get("soapAction")
        for op in wsdl.iter("{http://schemas.xmlsoap.org/wsdl/soap/}operation")
    }
    assert actions == {op.name: op.soap_action for op in service.operations}


# --- command line -----------------------------------------------------------------------------


@pytest.mark.e2e
def test_cli_employer_detail_json_and_human(
    capsys: pytest.CaptureFixture[str], sandbox_config_path: Path
) -> None:
    run = command(sandbox_config_path, user="u", legal_context=LEGAL)
    code, out, err = printed(capsys, run, "dolsis", "employer_detail", "0411120147", "--json")
    assert (code, err) == (EXIT_OK, "")
    data = json.loads(out)
    assert data["employer"]["employer"]["name"] == "Bakkerij Peeters BV"
    assert data["status"]["code"] == "MSG00000"
    code, out, _ = printed(capsys, run, "dolsis", "get-employer-detail", "0411120100",
                           "--employer-kind", "noss")
    assert code == EXIT_OK and "Bakkerij Peeters BV" in out and "ticketCBSS" in out
    code, _, err = printed(capsys, run, "dolsis", "employer_detail", "0411120148")
    assert code == EXIT_USAGE and "check digits" in err


@pytest.mark.e2e
def test_cli_find_employers(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, tmp_path: Path
) -> None:
    from .official_helpers import cli_config

    population = sandbox.population
    index = _plain(sandbox, lambda i: population.facts(i).has_employment)
    ssin = str(population.ssin_of(index))
    config = cli_config(sandbox, tmp_path, ssin)
    run = command(config, user="u", legal_context=LEGAL)
    code, out, err = printed(capsys, run, "dolsis", "find_employers", ssin, "--json")
    assert (code, err) == (EXIT_OK, "")
    data = json.loads(out)
    assert data["employments"][0]["dimona_period_id"] == next(
        e.dimona_period_id for e in population.facts(index).employments if e.current)
    code, out, _ = printed(capsys, run, "dolsis", "find-employers-by-worker", ssin)
    assert code == EXIT_OK and "ticketCBSS" in out and "last Dimona" in out
    code, out, err = printed(capsys, run, "dolsis", "find_employers", ssin, "--scope",
                             "mutations", "--start", "1990-01-01", "--end", "1990-01-02")
    assert code == EXIT_BUSINESS and "MSG00100" in out
    other = str(population.ssin_of(_plain(sandbox, lambda i: i > index + 5)))
    code, _, err = printed(capsys, run, "dolsis", "find_employers", other)
    assert code == EXIT_BUSINESS and "NotIntegrated" in err and other not in err


# --- audit and facts ----------------------------------------------------------------------------


@pytest.mark.e2e
def test_every_call_is_audited_with_its_subject_and_legal_context(
    sandbox_config: KszConfig, sandbox: Sandbox, tmp_path: Path
) -> None:
    from ksz_client._config import Audit

    config = dataclasses.replace(sandbox_config, audit=Audit(
        path=tmp_path / "audit.sqlite3", checkpoint_key_file=tmp_path / "checkpoint.key"))
    population = sandbox.population
    with KszClient(config) as plain:
        client = plain.acting_for(user="sw-1", legal_context="PCSA:SOCIAL_INQUIRY",
                                  dossier="D-1")
        index = _plain(sandbox, lambda i: population.facts(i).has_employment)
        ssin = _integrated(sandbox, client, index)
        client.dolsis.find_employers(ssin)
        client.dolsis.employer_detail("0411120147")
        assert client.audit is not None
        records = client.audit.query(reader="test", service="Dolsis", kinds=["OUTCOME"])
    assert [r.operation for r in records] == ["findEmployersByWorker", "getEmployerDetail"]
    assert records[0].subjects == (str(ssin),) and records[1].subjects == ()
    assert {r.legal_context for r in records} == {LEGAL}
    assert all(r.status_code == "MSG00000" and r.user == "sw-1" for r in records)


def test_limosa_and_repertory_facts() -> None:
    from ksz_client.sandbox.population import Population

    population = Population(seed=1, size=200)
    posted = [i for i in range(200) if population.facts(i).postings]
    assert posted and all(population.register_of(i).value == "BIS" for i in posted)
    assert all(population.profile(i).posted_worker for i in posted)
    assert Population(seed=1, size=200).facts(posted[0]) == population.facts(posted[0])
    for i in posted:
        for posting in population.facts(i).postings:
            assert posting.document_id.startswith(f"LD{i:08d}")
            assert posting.declared_on < posting.period.start
    records = [sandbox_facts.employer_record(e) for e in sandbox_facts.EMPLOYERS]
    assert sum(r.curator is not None for r in records) == 1
    assert all((r.employer_type == "PUBLIC_LOCAL") == r.employer.public for r in records)
    assert all(r.registered.year < 1953 for r in records)  # before any sandbox employment
