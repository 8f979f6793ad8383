"""HandiService V2: mapping (unit) for every source, bad input, end to end against the sandbox
(INCOMPLETE_DATA included), the official contract (set-b) for what the SDK sends and what the
sandbox answers, and the commands."""

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
    NotIntegrated,
    ResponseError,
    ValidationError,
)
from ksz_client.audit._guard import belgian_today
from ksz_client.cli import main
from ksz_client.sandbox import Sandbox
from ksz_client.sandbox.handlers.handi import VSB_CARE_BUDGET_CENTS, region_of, unavailable_source
from ksz_client.services.handi import (
    PAYMENT_SOURCES,
    AdultAssessment,
    CardCategory,
    ChildAssessment,
    DisabilityFile,
    FilePart,
    FilesResult,
    HandicappedPerson,
    HandiSource,
    IncomeReplacementCategory,
    Payment,
    PaymentsResult,
    Pillars,
    Recognition,
    RecognitionDetails,
    RecognitionStatus,
    RequestEvolution,
    Right,
    SocialCard,
    SourceFile,
    SourcePayments,
    SourceStatus,
    SourceStatusValue,
    _wire,
)
from ksz_client.ssin import SsinKind, make
from ksz_client.types import (
    Address,
    AddressKind,
    AnsweredSsin,
    Information,
    Money,
    Month,
    Period,
    PersonName,
    Receipt,
    Status,
)

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

SERVICE = catalogue.get("HandiService")
NS = SERVICE.namespace
OFFICIAL_WSDL = f"{SET_B}/intf/HandiService/HandiV2.wsdl"
# The KSZ counts days in Belgium; the client does too (KszClient._today).
TODAY = belgian_today(dt.datetime.now(dt.UTC))
H = HandiSource
FOUND = SourceStatus(SourceStatusValue.DATA_FOUND, "MSG00000", "ok")


@pytest.fixture(scope="module")
def box() -> Iterator[Sandbox]:
    """A sandbox of this module's own: its repertory is not shared with other tests."""
    with Sandbox(seed=14, persons=500) as running:
        yield running


def _disabled(box: Sandbox, *, outage: bool | None = False, region: str | None = None) -> int:
    population = box.population
    return next(
        i for i in range(population.size - 50)
        if population.replaced_by(i) is None and population.facts(i).disability is not None
        and (outage is None or (unavailable_source(population, i) is not None) is outage)
        and (region is None or region_of(population, i) == region))


# --- mapping (unit) -----------------------------------------------------------------------------

_PERIOD = Period(dt.date(2020, 1, 1), dt.date(2024, 12, 31))
_STATUS = RecognitionStatus(dt.date(2019, 12, 1), Period(dt.date(2020, 1, 1)))
_EVOLUTION = RequestEvolution(legislation=2, appeal=False, request_date=dt.date(2019, 9, 1),
                              administrative_pending=False, recognition_pending=True,
                              file_completion_date=dt.date(2019, 10, 1))


def _dgph_file(many: bool) -> DisabilityFile:
    rights = (
        Right(_PERIOD, 3, Money(150_000), Money(145_012), IncomeReplacementCategory.B, 3, True,
              "DEFINITIVE"),
        Right(Period(dt.date(2025, 1, 1)), 4, Money(160_000), Money(160_000),
              IncomeReplacementCategory.NONE, 0, False),
    )
    return DisabilityFile(
        person=HandicappedPerson(PersonName("Peeters", ("Jan",)), Address(
            AddressKind.RESIDENTIAL, "Kerkstraat", "1", "B2", "2000", "Antwerpen", "11002",
            "150", dt.date(2010, 1, 1))),
        evolution=_EVOLUTION,
        recognitions=(
            Recognition(_STATUS, 12, RecognitionDetails(True, False, False, True),
                        adult=AdultAssessment(3, 2, 1, 0, 3, 2, 11, True, Decimal("66"),
                                              Decimal("12.5")),
                        decision_status="DEFINITIVE"),
            Recognition(child=ChildAssessment(True, False, 2, 1, Pillars(4, 6, 8, 18), True)),
        ),
        rights=rights if many else rights[:1],
        social_cards=(SocialCard(dt.date(2020, 2, 1), "0123456789", CardCategory.PARKINGCARD,
                                 dt.date(2030, 1, 31)),
                      SocialCard(dt.date(2020, 2, 1), "0123456790",
                                 CardCategory.REDUCTIONCARD)),
    )


def _regional_file(source: HandiSource, many: bool) -> DisabilityFile:
    """A file with what `source`'s schema holds (required parts included)."""
    pillars = Pillars(1, 2, 3, 6)
    child = {
        H.KIND_EN_GEZIN: ChildAssessment(pillars=pillars),
        H.IRISCARE: ChildAssessment(inability_to_follow_course=True, pillars=pillars,
                                    bii_ready=True),
        H.AVIQ: ChildAssessment(inability_to_follow_course=False, pillars=pillars),
        H.DSL: ChildAssessment(bii_ready=False),
    }.get(source)
    adult = AdultAssessment(1, 1, 1, 1, 1, 1, 6) if source in (H.IRISCARE, H.NICCIN, H.DSL) \
        else None
    recognitions: tuple[Recognition, ...] = ()
    if source in (H.KIND_EN_GEZIN, H.IRISCARE, H.NICCIN, H.AVIQ, H.DSL):
        decision = "DEFINITIVE"
        recognitions = tuple(r for r in (
            Recognition(_STATUS, 7, child=child, decision_status=decision) if child else None,
            Recognition(_STATUS, 8, adult=adult, decision_status=decision) if adult else None,
        ) if r is not None)
    rights: tuple[Right, ...] = ()
    if source in (H.VSB, H.IRISCARE, H.NICCIN, H.MDG):
        rights = (Right(_PERIOD, 5, Money(30_000), decision_status="DEFINITIVE"),
                  Right(Period(dt.date(2025, 1, 1)), 5, Money(31_000),
                        decision_status="PROVISIONAL"))[: 2 if many else 1]
    admin = source in (H.VSB, H.IRISCARE, H.NICCIN, H.MDG)
    pending = source in (H.KIND_EN_GEZIN, H.IRISCARE, H.NICCIN, H.AVIQ, H.DSL)
    return DisabilityFile(
        evolution=RequestEvolution(3, True, dt.date(2019, 1, 1),
                                   administrative_pending=True if admin else None,
                                   recognition_pending=False if pending else None),
        recognitions=recognitions,
        rights=rights,
    )


def _all_sources(many: bool) -> tuple[SourceFile, ...]:
    files = [SourceFile(H.DGPH, FOUND, _dgph_file(many))]
    files += [SourceFile(s, FOUND, _regional_file(s, many)) for s in HandiSource if s is not H.DGPH]
    return tuple(files)


@pytest.mark.parametrize("by_period", [False, True])
def test_files_of_every_source_round_trip_through_the_wire_mapping(by_period: bool) -> None:
    sources = _all_sources(by_period)
    parent = etree.Element("response")
    _wire.write_files(parent, sources, by_period=by_period)
    assert _wire.read_files(parent) == sources


def _response(operation: str, criteria_writer, fill) -> _xml.Element:  # type: ignore[no-untyped-def]
    """A whole ``<op>Response`` around what `fill` writes (for the official schema)."""
    root = etree.Element(f"{{{NS}}}{operation}Response", nsmap={"ns": NS})
    customer = _xml.sub(root, "informationCustomer")
    _xml.sub(_xml.sub(customer, "customerIdentification"), "cbeNumber", "0123456749")
    cbss = _xml.sub(root, "informationCBSS")
    _xml.sub(cbss, "ticketCBSS", "cbd5f214-7a55-573f-a772-9ca97a60ada6")
    _xml.sub(cbss, "timestampReceive", "2024-07-15T10:00:00Z")
    _xml.sub(cbss, "timestampReply", "2024-07-15T10:00:01Z")
    _xml.sub(root, "legalContext", "PCSA:SOCIAL_INQUIRY")
    criteria_writer(root)
    status = _xml.sub(root, "status")
    _xml.sub(status, "value", "INCOMPLETE_DATA")
    _xml.sub(status, "code", "HAN20200")
    ssin = make(dt.date(1980, 1, 1), 1, kind=SsinKind.TEST)
    _wire.write_answered_ssin(root, AnsweredSsin(ssin, canceled=True, replaced_by=ssin))
    fill(root)
    return root


@pytest.mark.contracts
@pytest.mark.parametrize("by_period", [False, True])
def test_what_the_writer_writes_for_every_source_is_officially_valid(
    by_period: bool, official_contracts: Path,
) -> None:
    ssin = make(dt.date(1980, 1, 1), 1, kind=SsinKind.TEST)
    criteria = _wire.FilesCriteria(
        ssin, tuple(HandiSource), tuple(FilePart),
        date=None if by_period else dt.date(2024, 1, 1),
        period=_PERIOD if by_period else None, decision_status=True, enriched_recognition=True)
    sources = (*_all_sources(by_period),)
    root = _response("consultFilesByPeriod" if by_period else "consultFilesByDate",
                     lambda r: _wire.write_files_criteria(r, criteria),
                     lambda r: _wire.write_files(r, sources, by_period=by_period))
    assert_valid(official_wsdl_schema(official_contracts, OFFICIAL_WSDL), root)
    payments = tuple(SourcePayments(s, FOUND, (Payment(Month(2024, 1), Money(12_345)),
                                               Payment(Month(2024, 2), Money(1), True)))
                     for s in PAYMENT_SOURCES)
    root = _response(
        "consultPayments",
        lambda r: _wire.write_payments_criteria(
            r, _wire.PaymentsCriteria(ssin, PAYMENT_SOURCES, _PERIOD)),
        lambda r: _wire.write_payments(r, payments))
    assert_valid(official_wsdl_schema(official_contracts, OFFICIAL_WSDL), root)


def test_payments_round_trip_and_totals() -> None:
    sources = (
        SourcePayments(H.DGPH, FOUND, (Payment(Month(2024, 1), Money(150_000)),
                                       Payment(Month(2024, 2), Money(150_000), cancelled=True),
                                       Payment(Month(2024, 3), Money(151_000)))),
        SourcePayments(H.VSB, SourceStatus(SourceStatusValue.TECHNICAL_ERROR, "MSG00002")),
        SourcePayments(H.MDG, SourceStatus(SourceStatusValue.NO_DATA_FOUND, "MSG00100")),
    )
    parent = etree.Element("response")
    _wire.write_payments(parent, sources)
    assert _wire.read_payments(parent) == sources
    result = PaymentsResult(sources, Status("INCOMPLETE_DATA", "HAN20200"),
                            Receipt("t", None, dt.datetime.now(dt.UTC)))
    assert result.total == Money(301_000) and sources[0].total == Money(301_000)
    assert not result.complete and result.unavailable_sources == (H.VSB,)
    assert result.answered_sources == (H.DGPH, H.MDG)
    assert result.of("MDG") is sources[2] and result.of(H.NICCIN) is None


def test_an_incomplete_files_answer_is_a_result() -> None:
    sources = (
        SourceFile(H.DGPH, FOUND, _dgph_file(False)),
        SourceFile(H.VSB, SourceStatus(SourceStatusValue.TECHNICAL_ERROR, "MSG00002", "down",
                                       (Information("retry", "later"),))),
        SourceFile(H.AVIQ, SourceStatus(SourceStatusValue.NO_DATA_FOUND, "MSG00100")),
    )
    result = FilesResult(sources, Status("INCOMPLETE_DATA", "HAN20200"),
                         Receipt("t", None, dt.datetime.now(dt.UTC)))
    assert not result.complete
    assert result.unavailable_sources == (H.VSB,) and result.answered_sources == (H.DGPH, H.AVIQ)
    ((source, file),) = result.files
    assert source is H.DGPH and file.right_at(dt.date(2022, 1, 1)) is not None
    assert file.right_at(dt.date(2019, 1, 1)) is None
    assert result.of("dgph") is sources[0]  # any case
    with pytest.raises(ValidationError, match="one of"):
        result.of("UWV")
    assert result.of(H.VSB) is sources[1]
    assert H.VSB.pays and not H.AVIQ.pays and H.KIND_EN_GEZIN.result_element == \
        "kindEnGezinResult"


def test_criteria_round_trip() -> None:
    ssin = make(dt.date(1980, 1, 1), 1, kind=SsinKind.TEST)
    for criteria in (
        _wire.FilesCriteria(ssin, (H.DGPH, H.MDG), (FilePart.RIGHTS,), date=dt.date(2024, 5, 1)),
        _wire.FilesCriteria(ssin, tuple(HandiSource), tuple(FilePart), date=dt.date(2024, 5, 1),
                            decision_status=True, enriched_recognition=True),
        _wire.FilesCriteria(ssin, (H.VSB,), (FilePart.SOCIAL_CARDS,), period=_PERIOD),
    ):
        payload = etree.Element("req")
        _wire.write_files_criteria(payload, criteria)
        assert _wire.read_files_criteria(payload) == criteria
    payments = _wire.PaymentsCriteria(ssin, (H.DGPH, H.NICCIN), _PERIOD)
    payload = etree.Element("req")
    _wire.write_payments_criteria(payload, payments)
    assert _wire.read_payments_criteria(payload) == payments


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [
        ("results/dgphResult/status/value", "BROKEN", "status value"),
        ("results/dgphResult/file/rights/totalMonthAmount", "1.234", "two decimals"),
        ("results/dgphResult/file/rights/totalMonthAmount", "many", "not a number"),
        ("results/dgphResult/file/rights/categoryIVT", "D", "categoryIVT"),
        ("results/dgphResult/file/socialCards/socialCard/cardCategory", "BUS", "cardCategory"),
        ("results/dgphResult/file/evolutionOfRequest/appeal", "maybe", "true nor false"),
        ("results/dgphResult/file/handicapRecognitions/handicapRecognition/recognitionStatus/"
         "startDateRecognition", "2030-13-01", "date"),
    ],
)
def test_reading_rejects_what_the_contract_forbids(path: str, text: str, message: str) -> None:
    parent = etree.Element("response")
    _wire.write_files(parent, _all_sources(False), by_period=False)
    parent.find(path).text = text
    with pytest.raises(ResponseError, match=message):
        _wire.read_files(parent)


def test_reading_requires_what_is_required_and_ignores_unknown_elements() -> None:
    parent = etree.Element("response")
    _wire.write_files(parent, _all_sources(False), by_period=False)
    etree.SubElement(parent.find("results/dgphResult/file"), "{urn:future}new").text = "x"
    assert _wire.read_files(parent) == _all_sources(False)
    rights = parent.find("results/dgphResult/file/rights")
    rights.remove(rights.find("legislation"))
    with pytest.raises(ResponseError, match="legislation"):
        _wire.read_files(parent)
    parent = etree.Element("response")
    _wire.write_payments(parent, (SourcePayments(H.DGPH, FOUND, (
        Payment(Month(2024, 1), Money(1)),)),))
    parent.find("results/dgphResult/payments/payment/yearMonth").text = "January"
    with pytest.raises(ResponseError, match="yearMonth"):
        _wire.read_payments(parent)


def test_the_text_of_results() -> None:
    from ksz_client.services.handi._text import files, payments

    receipt = Receipt("t", None, dt.datetime.now(dt.UTC))
    down = SourceStatus(SourceStatusValue.TECHNICAL_ERROR, "MSG00002")
    text = files(FilesResult((*_all_sources(True), SourceFile(H.MDG, down)),
                             Status("INCOMPLETE_DATA", "HAN20200"), receipt))
    assert "INCOMPLETE: no answer from MDG" in text
    assert "card: PARKINGCARD 0123456789 from 2020-02-01 to 2030-01-31" in text
    assert "1500.00 euro a month (IT category 3, IVT category B) [DEFINITIVE]" in text
    assert "pending: recognition" in text and "11 points [DEFINITIVE]" in text
    text = payments(PaymentsResult((SourcePayments(H.DGPH, FOUND, (
        Payment(Month(2024, 1), Money(100)), Payment(Month(2024, 2), Money(5), True))),
        SourcePayments(H.VSB, down)), Status("INCOMPLETE_DATA", "HAN20200"), receipt))
    assert "INCOMPLETE: no answer from VSB" in text and "cancelled" in text
    assert "1.00" in text  # the total leaves the cancelled payment out


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "kwargs", "message"),
    [
        ("files_by_date", {"date": (TODAY + dt.timedelta(days=1)).isoformat()}, "future"),
        ("files_by_date", {"date": "31/12/2024"}, "YYYY-MM-DD"),
        ("files_by_date", {"sources": ["DGPH", "UWV"]}, "one of"),
        ("files_by_date", {"parts": "income"}, "one of"),
        ("files_by_period", {"start": "2024-02-01", "end": "2024-01-01"}, "before"),
        ("files_by_period", {"start": (TODAY + dt.timedelta(days=2)).isoformat(),
                             "end": (TODAY + dt.timedelta(days=9)).isoformat()}, "future"),
        ("payments", {"sources": ["AVIQ"]}, "not a source of payments"),
        ("payments", {"start": "2022-01-01", "end": "2023-12-31"}, None),
        ("payments", {"start": "2022-01-01", "end": "2024-01-01"}, "24 months"),
        ("payments", {"start": "2024-02-01", "end": "2024-01-31"}, "before"),
    ],
)
def test_bad_input_is_refused_before_sending(
    box_config_path: Path, method: str, kwargs: dict[str, object], message: str | None,
) -> None:
    client, transport = offline(box_config_path)
    ssin = make(dt.date(1980, 1, 1), 1, kind=SsinKind.TEST)
    call = getattr(client.handi, method)
    if message is None:
        with pytest.raises(NotIntegrated):  # exactly 24 months: valid, stopped by finality
            call(ssin, **kwargs)
    else:
        with pytest.raises(ValidationError, match=message):
            call(ssin, **kwargs)
    assert transport.sent == []


# --- end to end ---------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_federal_file_at_a_date(client: KszClient, box: Sandbox) -> None:
    index = _disabled(box)
    ssin = box.population.ssin_of(index)
    integrate(box, client, ssin)
    fact = box.population.facts(index).disability
    assert fact is not None
    result = client.handi.files_by_date(ssin.formatted)
    assert (result.status.value, result.status.code) == ("DATA_FOUND", "MSG00000")
    assert result.complete and set(result.answered_sources) == set(HandiSource)
    assert result.ssin == AnsweredSsin(ssin)
    dgph = result.of(H.DGPH)
    assert dgph is not None and dgph.file is not None
    file = dgph.file
    person = box.population.person(index)
    assert file.person == HandicappedPerson(
        PersonName(person.name.last_name, person.name.given_names[:1]),
        person.residential_address)
    right = file.right_at(TODAY)
    assert right is not None and right.period.start == fact.recognised_since
    assert right.total_monthly == Money(fact.income_replacement_monthly_cents
                                        + fact.integration_monthly_cents)
    assert right.category_it == fact.category and right.decision_status is None
    (recognition,) = file.recognitions
    assert recognition.adult is not None and recognition.legislation is None
    assert bool(file.social_cards) is fact.social_card
    enriched = client.handi.files_by_date(ssin, decision_status=True, enriched_recognition=True,
                                          sources=["DGPH"], parts=["rights",
                                                                  "handicapRecognitions"])
    ((_, asked),) = enriched.files
    assert [s.source for s in enriched.sources] == [H.DGPH]
    assert asked.evolution is None and asked.social_cards == ()
    assert asked.rights[0].decision_status == "DEFINITIVE"
    assert asked.recognitions[0].legislation == 1
    before = client.handi.files_by_date(ssin, date=fact.recognised_since - dt.timedelta(days=200),
                                        sources="DGPH")
    assert before.status.value == "NO_DATA_FOUND" and before.files == ()


@pytest.mark.e2e
def test_files_over_a_period_and_the_flemish_care_budget(client: KszClient,
                                                         box: Sandbox) -> None:
    index = _disabled(box, region="nl")
    ssin = box.population.ssin_of(index)
    integrate(box, client, ssin)
    fact = box.population.facts(index).disability
    assert fact is not None
    result = client.handi.files_by_period(ssin, start=fact.recognised_since - dt.timedelta(
        days=365), end=TODAY)
    sources = dict(result.files)
    assert set(sources) == {H.DGPH, H.VSB}
    (budget,) = sources[H.VSB].rights
    assert budget.total_monthly == Money(VSB_CARE_BUDGET_CENTS) and budget.monthly is None
    assert sources[H.VSB].evolution is not None
    assert sources[H.VSB].evolution.administrative_pending is not None
    default = client.handi.files_by_period(ssin)
    assert default.status.value in ("DATA_FOUND", "NO_DATA_FOUND")


@pytest.mark.e2e
def test_payments(client: KszClient, box: Sandbox) -> None:
    index = _disabled(box, region="nl")
    ssin = box.population.ssin_of(index)
    integrate(box, client, ssin)
    fact = box.population.facts(index).disability
    assert fact is not None
    result = client.handi.payments(ssin)
    dgph, vsb = result.of(H.DGPH), result.of(H.VSB)
    assert dgph is not None and vsb is not None
    monthly = fact.income_replacement_monthly_cents + fact.integration_monthly_cents
    assert dgph.payments and all(p.amount == Money(monthly) for p in dgph.payments)
    assert dgph.payments[-1].month == Month.parse(TODAY)
    assert len(dgph.payments) <= 12 and dgph.total == Money(monthly * len(dgph.payments))
    assert result.total == Money(dgph.total.cents + vsb.total.cents)
    assert [s.source for s in result.sources] == list(PAYMENT_SOURCES)
    only = client.handi.payments(ssin, sources=["nicCin"], start="2024-01-01", end="2024-06-30")
    assert only.status.value == "NO_DATA_FOUND" and only.total == Money(0)


@pytest.mark.e2e
def test_an_unreachable_source_gives_incomplete_data(client: KszClient, box: Sandbox) -> None:
    index = _disabled(box, outage=True)
    missing = unavailable_source(box.population, index)
    assert missing is not None
    ssin = box.population.ssin_of(index)
    integrate(box, client, ssin)
    result = client.handi.files_by_date(ssin)
    assert (result.status.value, result.status.code) == ("INCOMPLETE_DATA", "HAN20200")
    assert not result.complete and result.unavailable_sources == (missing,)
    assert result.status.info("unavailableSource") == missing.value
    assert H.DGPH in result.answered_sources and dict(result.files).get(H.DGPH) is not None
    part = result.of(missing)
    assert part is not None and part.status.value is SourceStatusValue.TECHNICAL_ERROR
    federal = client.handi.files_by_date(ssin, sources="DGPH")
    assert federal.complete and federal.status.value == "DATA_FOUND"
    if missing.pays:
        payments = client.handi.payments(ssin)
        assert not payments.complete and payments.unavailable_sources == (missing,)


@pytest.mark.e2e
def test_no_disability_file(client: KszClient, box: Sandbox) -> None:
    population = box.population
    index = next(i for i in range(population.size - 50) if population.facts(i).disability is None
                 and unavailable_source(population, i) is None
                 and population.replaced_by(i) is None)
    ssin = population.ssin_of(index)
    integrate(box, client, ssin)
    result = client.handi.files_by_date(ssin)
    assert result.status.value == "NO_DATA_FOUND" and result.files == ()
    assert all(s.status.value is SourceStatusValue.NO_DATA_FOUND for s in result.sources)


@pytest.mark.e2e
def test_a_replaced_ssin_is_annotated_with_the_new_one(client: KszClient, box: Sandbox) -> None:
    population = box.population
    old = replaced_index(box)
    new = population.replaced_by(old)
    assert new is not None
    integrate(box, client, population.ssin_of(old))
    result = client.handi.files_by_date(population.ssin_of(old), sources="DGPH")
    assert result.ssin == AnsweredSsin(population.ssin_of(old), canceled=True,
                                       replaced_by=population.ssin_of(new))
    assert bool(result.files) is (population.facts(new).disability is not None)


@pytest.mark.e2e
def test_refusals(client: KszClient, box: Sandbox, capture: Capture) -> None:
    handi = client.handi
    answer = assert_refusals(box, client, capture, handi.files_by_date, unknown=handi.payments,
                             remote=handi.files_by_period, other_context=handi.payments)
    assert answer.sources  # a consultation is retried


# --- contracts ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def traffic(box: Sandbox, box_config_path: Path) -> Capture:
    def exercise(client: KszClient) -> None:
        population = box.population
        people = {_disabled(box, region="nl"), _disabled(box, outage=True), _disabled(box),
                  replaced_index(box)}
        people.add(next(i for i in range(population.size - 50)
                        if population.facts(i).disability is None))
        for index in sorted(people):
            ssin = population.ssin_of(index)
            integrate(box, client, ssin)
            client.handi.files_by_date(ssin, decision_status=True, enriched_recognition=True)
            client.handi.files_by_date(ssin, sources=["DGPH", "KindEnGezin"], parts="rights")
            client.handi.files_by_period(ssin, start="2000-01-01")
            client.handi.payments(ssin)
        refuse_unknown(box, client, client.handi.files_by_period)

    return captured(box_config_path, exercise)


def test_messages_validate_against_our_contract(traffic: Capture) -> None:
    assert assert_our_contract("HandiService", traffic) == 42


@pytest.mark.contracts
def test_messages_validate_against_the_official_contract(
    traffic: Capture, official_contracts: Path,
) -> None:
    schema = official_wsdl_schema(official_contracts, OFFICIAL_WSDL)
    requests, responses = assert_official_messages(schema, traffic, NS)
    assert len(requests) == len(responses) == 21
    shapes = {r.findtext("status/value") for r in responses}
    assert {"DATA_FOUND", "NO_DATA_FOUND", "INCOMPLETE_DATA", "NO_RESULT"} <= shapes
    assert any(r.find("results/vsbResult/file/rights") is not None for r in responses)
    assert any(r.find("results/dgphResult/payments") is not None for r in responses)
    wrong = next(r for r in responses if r.find("results/vsbResult/file/rights") is not None)
    wrong.find("results/vsbResult/file/rights").append(etree.Element("categoryIVT"))
    assert not schema.validate(wrong)  # the official VSB schema has no categoryIVT


@pytest.mark.contracts
def test_a_fault_validates_against_the_official_contract(
    client: KszClient, box: Sandbox, capture: Capture, official_contracts: Path,
) -> None:
    ssin = box.population.ssin_of(_disabled(box))
    integrate(box, client, ssin)
    assert_fault_validates(box, capture, client.handi.payments, ssin,
                           official_wsdl_schema(official_contracts, OFFICIAL_WSDL))


@pytest.mark.contracts
def test_our_types_are_the_official_ones(official_contracts: Path) -> None:
    ours, theirs = _contracts.WSDL_DIR / "types/Handi", official_contracts / f"{SET_B}/types/Handi"
    # The regional result types hold RegionalContentType instead of the regional schemas'
    # FileType: same elements, a laxer type (see the header of our HandiV2.xsd).
    compare_types(ours / "HandiV2.xsd", theirs / "HandiV2.xsd",
                  restated=frozenset({"DataFiltersType", "RegionalContentType"}))
    compare_types(ours / "common/HandiCommonV1.xsd", theirs / "common/HandiCommonV1.xsd")
    compare_types(ours / "dgph/common/DGPHHandiCommonV1.xsd",
                  theirs / "dgph/common/DGPHHandiCommonV1.xsd")


def test_zeep_loads_our_wsdl_and_it_agrees_with_the_catalogue() -> None:
    assert_wsdl_agrees(SERVICE, "HandiService/HandiV2.wsdl", "HandiService", "HandiPull")


# --- command line ---------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_commands(box: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index = _disabled(box, outage=True)
    missing = unavailable_source(box.population, index)
    assert missing is not None
    ssin = box.population.ssin_of(index)
    config = str(cli_config(box, tmp_path, ssin))
    assert main(["--config", config, *CONTEXT, "handi", "files_by_date", ssin.formatted,
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"]["value"] == "INCOMPLETE_DATA"
    assert any(s["source"] == missing.value and s["status"]["value"] == "TECHNICAL_ERROR"
               for s in data["sources"])
    assert main(["--config", config, *CONTEXT, "handi", "files_by_date", str(ssin)]) == 0
    out = capsys.readouterr().out
    assert f"INCOMPLETE: no answer from {missing.value}" in out and "HAN20200" in out
    assert main(["--config", config, *CONTEXT, "handi", "consult-files-by-date", str(ssin),
                 "--source", "DGPH", "--part", "rights", "--decision-status"]) == 0
    out = capsys.readouterr().out
    assert "DEFINITIVE" in out and "MSG00000" in out
    assert main(["--config", config, *CONTEXT, "handi", "payments", str(ssin),
                 "--source", "DGPH"]) == 0
    assert "DGPH" in capsys.readouterr().out
    assert main(["--config", config, *CONTEXT, "handi", "payments", str(ssin),
                 "--source", "AVIQ"]) == 2
    capsys.readouterr()
