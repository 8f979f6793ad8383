"""UnemploymentDataService V3 (all eleven operations): mapping, input checks, end to end
against a sandbox, contract, CLI."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

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
    SsinReplaced,
    UnknownSsin,
    ValidationError,
)
from ksz_client.audit import Integration
from ksz_client.audit._guard import belgian_today
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK, main
from ksz_client.sandbox import SANDBOX_CBE_NUMBER
from ksz_client.sandbox.facts import Facts, UnemploymentPeriod
from ksz_client.services.unemployment import (
    MAX_MONTHS,
    NO_DATA,
    NO_FILE,
    ActivationPaidSum,
    DossierStatus,
    HistoryEntry,
    PaidSum,
    Payment,
    Right,
    ScheduledPayment,
    _wire,
)
from ksz_client.services.unemployment.service import _months
from ksz_client.ssin import SsinKind, make
from ksz_client.types import CallContext, EmployerRef, Money, Month, Period, Quarter

from .official_helpers import (
    assert_both_contracts,
    assert_unqualified,
    assert_wsdl_agrees,
    service_payloads,
)
from .sandbox_world import World, integrate, ocmw, world  # noqa: F401 - fixtures

SERVICE = catalogue.get("UnemploymentDataService")
# The KSZ counts days in Belgium; the client does too (KszClient._today).
TODAY = belgian_today(dt.datetime.now(dt.UTC))
THIS_MONTH = Month.parse(TODAY)
HISTORIES = ("exemption_history", "sanction_history", "scale_code_history",
             "work_disability_history", "young_availability_decision_history")


def _shift(month: Month, n: int) -> Month:
    index = month.year * 12 + month.month - 1 + n
    return Month(index // 12, index % 12 + 1)


def persons(world: World, predicate: Callable[[int, Facts], bool],
            **where: object) -> list[int]:
    population = world.sandbox.population
    found = []
    for profile in world.sandbox.persons(deceased=False, replaced=False, fault=None, **where):
        index = population.index_of(profile.ssin)
        assert index is not None
        if predicate(index, population.facts(index)):
            found.append(index)
    return found


def long_unemployed(world: World) -> tuple[int, UnemploymentPeriod]:
    """An unemployed person whose benefits began more than 13 months ago."""
    horizon = TODAY - dt.timedelta(days=400)
    index = persons(world, lambda i, f: f.unemployed and f.unemployment[0].period.start < horizon,
                    unemployed=True)[0]
    return index, world.sandbox.population.facts(index).unemployment[0]


class _Refuse:
    def handle(self, request: object) -> object:
        raise AssertionError("nothing may be sent")

    def close(self) -> None:
        pass


# --- mapping (unit) ---------------------------------------------------------------------------

P = Period(dt.date(2024, 1, 15), dt.date(2024, 6, 30))
EMPLOYER = EmployerRef("Bakkerij Peeters BV", "0411120101", "0411120100")


@pytest.mark.parametrize(
    ("item", "write", "read", "tag"),
    [
        (PaidSum(Month(2024, 5), DossierStatus.COMPLETED, Money(121212), 26, Money(121212)),
         _wire.write_paid_sum, _wire.read_paid_sum, "paidSum"),
        (PaidSum(Month(2024, 6), DossierStatus.NOT_STARTED, Money(0), 0),
         _wire.write_paid_sum, _wire.read_paid_sum, "paidSum"),
        (ActivationPaidSum(Month(2024, 5), DossierStatus.PROVISIONAL, Money(35000), 26, "ACTIVA",
                           accepted=None, employer=EMPLOYER,
                           entry_into_employment=dt.date(2024, 1, 15),
                           mean_working_hours=Decimal("30.40")),
         _wire.write_activation_paid_sum, _wire.read_activation_paid_sum, "activationPaidSum"),
        (ActivationPaidSum(Month(2024, 5), DossierStatus.COMPLETED, Money(1), 1, "ACTIVA"),
         _wire.write_activation_paid_sum, _wire.read_activation_paid_sum, "activationPaidSum"),
        (Payment(dt.date(2024, 6, 5), Month(2024, 5), Money(121212), 26, "ACV-CSC"),
         _wire.write_payment, _wire.read_payment, "payment"),
        (Right(P, "FULL_UNEMPLOYMENT", Money(4662), "SINGLE", DossierStatus.COMPLETED),
         _wire.write_right, _wire.read_right, "right"),
        (Right(Period(dt.date(2024, 1, 1)), "TEMPORARY_UNEMPLOYMENT", Money(5000)),
         _wire.write_right, _wire.read_right, "right"),
        (ScheduledPayment(Month(2024, 5), dt.date(2024, 6, 5), Money(121212), 26),
         _wire.write_scheduled_payment, _wire.read_scheduled_payment, "scheduledPayment"),
    ],
    ids=["paid", "not-started", "activation", "activation-bare", "payment", "right",
         "right-open", "scheduled"],
)
def test_items_round_trip_through_the_wire_mapping(item: Any, write: Any, read: Any,
                                                   tag: str) -> None:
    parent = etree.Element("result")
    write(parent, item)
    assert parent[0].tag == tag
    assert read(parent[0]) == item


def test_history_entries_round_trip_under_each_item_name() -> None:
    for tag in (*_wire.HISTORY_ITEMS.values(), "noEarningCapacity", "lawsuitMutuality"):
        for entry in (HistoryEntry(P, "SUSPENSION", "4 weeks", dt.date(2024, 1, 1)),
                      HistoryEntry(Period(dt.date(2024, 1, 1)), "011")):
            parent = etree.Element("result")
            _wire.write_history_entry(parent, tag, entry)
            assert parent[0].tag == tag and _wire.read_history_entry(parent[0]) == entry


def test_working_hours_are_hours_times_100_and_amounts_cents() -> None:
    parent = etree.Element("result")
    _wire.write_activation_paid_sum(parent, ActivationPaidSum(
        Month(2024, 5), DossierStatus.COMPLETED, Money(123456), 26, "ACTIVA",
        mean_working_hours=Decimal("38")))
    assert parent.findtext("activationPaidSum/meanWorkingHours") == "3800"
    assert parent.findtext("activationPaidSum/paidAmount") == "123456"
    parent.find("activationPaidSum/meanWorkingHours").text = "1925"
    read = _wire.read_activation_paid_sum(parent[0])
    assert read.mean_working_hours == Decimal("19.25")
    assert isinstance(read.mean_working_hours, Decimal) and read.paid.euro == Decimal("1234.56")


@pytest.mark.parametrize(
    "criteria",
    [
        _wire.Criteria("85073003328", start_month=Month(2022, 1), end_month=Month(2025, 12)),
        _wire.Criteria("85073003328", date=dt.date(2025, 3, 1)),
        _wire.Criteria("85073003328"),
        _wire.Criteria("85073003328", quarter=Quarter(2025, 4)),
        _wire.Criteria("85073003328", period=Period(dt.date(2020, 1, 1), dt.date(2024, 12, 31))),
        _wire.Criteria("85073003328", period=Period(dt.date(2020, 1, 1))),
    ],
    ids=["months", "date", "latest", "quarter", "dates", "open-dates"],
)
def test_criteria_round_trip(criteria: _wire.Criteria) -> None:
    payload = etree.Element("req")
    _wire.write_criteria(payload, criteria)
    assert _wire.read_criteria(payload) == criteria


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [
        ("relatedMonth", "2024-13", "month"),
        ("dossierStatus", "DONE", "dossierStatus"),
        ("paidAmount", "1212.12", "whole number"),
        ("nbrOfAllowances", "", "nbrOfAllowances"),
        ("meanWorkingHours", "38.5", "whole number"),
        ("employer/cbeNumber", "123", "malformed"),
        ("entryIntoEmploymentDate", "2024-02-30", "not a date"),
    ],
)
def test_malformed_values_are_response_errors(path: str, text: str, message: str) -> None:
    parent = etree.Element("result")
    _wire.write_activation_paid_sum(parent, ActivationPaidSum(
        Month(2024, 5), DossierStatus.COMPLETED, Money(1), 1, "ACTIVA", employer=EMPLOYER,
        entry_into_employment=dt.date(2024, 1, 15), mean_working_hours=Decimal("38")))
    parent[0].find(path).text = text
    with pytest.raises(ResponseError, match=message):
        _wire.read_activation_paid_sum(parent[0])


def test_a_history_period_ending_before_it_starts_is_a_response_error() -> None:
    parent = etree.Element("result")
    _wire.write_history_entry(parent, "sanction", HistoryEntry(P, "X"))
    parent[0].find("period/endDate").text = "2000-01-01"
    with pytest.raises(ResponseError, match="ends before"):
        _wire.read_history_entry(parent[0])


# --- bad input ------------------------------------------------------------------------------


def test_the_month_period_is_ordered_and_at_most_48_months() -> None:
    today = dt.date(2025, 6, 15)
    assert _months("2021-01", "2024-12", today) == (Month(2021, 1), Month(2024, 12))  # 48
    with pytest.raises(ValidationError, match="48"):
        _months("2020-12", "2024-12", today)
    with pytest.raises(ValidationError, match="before"):
        _months("2024-12", "2024-11", today)
    first, last = _months(None, "2025-03", today)
    assert (first, last) == (Month(2024, 4), Month(2025, 3))
    assert _months(None, None, today) == (Month(2024, 7), Month(2025, 6))
    assert MAX_MONTHS == 48


@pytest.mark.parametrize(
    ("method", "kwargs", "error", "message"),
    [
        ("paid_sums", {"ssin": "85073003329"}, InvalidSsin, None),
        ("paid_sums", {"start_month": "2020-01", "end_month": "2024-01"}, ValidationError, "48"),
        ("activation_paid_sums", {"start_month": "2020-01", "end_month": "2024-01"},
         ValidationError, "48"),
        ("paid_sums", {"start_month": "2025-05", "end_month": "2025-04"}, ValidationError,
         "before"),
        ("paid_sums", {"start_month": "2025/05"}, ValidationError, "YYYY-MM"),
        ("paid_sums", {"end_month": "2025-13"}, ValidationError, "YYYY-MM"),
        ("payments", {"date": "2025-02-30"}, ValidationError, "YYYY-MM-DD"),
        ("rights", {"date": "soon"}, ValidationError, "YYYY-MM-DD"),
        ("scheduled_payment", {"quarter": "2025Q5"}, ValidationError, "quarter"),
        ("sanction_history", {"end": "2024-01-01"}, ValidationError, "needs a start"),
        ("scale_code_history", {"start": "2024-01-02", "end": "2024-01-01"}, ValidationError,
         "before"),
        ("no_earning_capacity", {"start": "2024-13-01"}, ValidationError, "YYYY-MM-DD"),
    ],
)
def test_bad_input_raises_before_sending(world: World, method: str, kwargs: dict[str, object],
                                         error: type[Exception], message: str | None) -> None:
    config = KszConfig.load(world.config_path, env={})
    client = KszClient(config, transport=_Refuse()).acting_for(user="u")  # type: ignore[arg-type]
    ssin = kwargs.pop("ssin", "85073003328")
    with pytest.raises(error, match=message):
        getattr(client.unemployment, method)(ssin, **kwargs)


# --- end to end --------------------------------------------------------------------------------


@pytest.mark.e2e
def test_paid_sums_of_the_last_twelve_months(world: World, ocmw: KszClient) -> None:
    index, fact = long_unemployed(world)
    ssin = world.sandbox.population.ssin_of(index)
    integrate(world, ocmw, ssin)
    result = ocmw.unemployment.paid_sums(ssin)
    assert result.found and (result.start_month, result.end_month) == (
        _shift(THIS_MONTH, -11), THIS_MONTH)
    months = [s.related_month for s in result.paid_sums]
    assert months == [_shift(THIS_MONTH, k) for k in range(-11, 1)]
    *paid, current = result.paid_sums
    assert current.dossier_status is DossierStatus.NOT_STARTED and current.paid == Money(0)
    assert paid[-1].dossier_status is DossierStatus(fact.dossier_status)
    assert all(s.dossier_status is DossierStatus.COMPLETED for s in paid[:-1])
    assert all(s.allowances == 26 and s.paid == Money(26 * fact.daily_allowance_cents)
               for s in paid)
    assert all(s.accepted == s.paid for s in paid[:-1])
    assert result.total_paid == Money(11 * 26 * fact.daily_allowance_cents)


@pytest.mark.e2e
def test_paid_sums_before_the_benefits_began(world: World, ocmw: KszClient) -> None:
    index, fact = long_unemployed(world)
    ssin = world.sandbox.population.ssin_of(index)
    integrate(world, ocmw, ssin)
    start = Month.parse(fact.period.start)
    result = ocmw.unemployment.paid_sums(ssin, start_month=_shift(start, -3),
                                         end_month=_shift(start, -1))
    assert not result.found and result.paid_sums == ()
    assert (result.status.value, result.status.code) == ("NO_DATA_FOUND", NO_DATA)
    assert not result.no_file


@pytest.mark.e2e
def test_payments_rights_and_schedule(world: World, ocmw: KszClient) -> None:
    index, fact = long_unemployed(world)
    ssin = world.sandbox.population.ssin_of(index)
    integrate(world, ocmw, ssin)
    u = ocmw.unemployment
    latest = u.payments(ssin)
    (payment,) = latest.payments
    assert payment.related_month == _shift(THIS_MONTH, -1)
    assert payment.payment_date.month == TODAY.month and payment.payment_date.weekday() < 5
    assert payment.paid == Money(26 * fact.daily_allowance_cents) and payment.paying_organisation
    before = u.payments(ssin, date=fact.period.start - dt.timedelta(days=40))
    assert before.payments == () and before.status.code == NO_DATA
    (right,) = u.rights(ssin).rights
    assert right.period == fact.period and right.kind == "FULL_UNEMPLOYMENT"
    assert right.theoretical_daily_allowance == Money(fact.daily_allowance_cents)
    assert right.family_category in ("HEAD_OF_HOUSEHOLD", "SINGLE", "COHABITANT")
    assert u.rights(ssin, date=TODAY).at(TODAY) == right
    assert u.rights(ssin, date=fact.period.start - dt.timedelta(days=1)).status.code == NO_DATA
    quarter = Quarter.of(TODAY)
    schedule = u.scheduled_payment(ssin)
    assert schedule.quarter == quarter
    assert [p.related_month for p in schedule.payments] == [
        Month(quarter.year, 3 * quarter.quarter - 2 + k) for k in range(3)]
    assert all(p.amount == Money(26 * fact.daily_allowance_cents) for p in schedule.payments)
    old = u.scheduled_payment(ssin, quarter=Quarter.of(fact.period.start - dt.timedelta(days=200)))
    assert old.payments == () and old.status.code == NO_DATA


@pytest.mark.e2e
def test_scale_codes_follow_the_family_category_and_the_phases(world: World,
                                                              ocmw: KszClient) -> None:
    index, fact = long_unemployed(world)
    ssin = world.sandbox.population.ssin_of(index)
    integrate(world, ocmw, ssin)
    history = ocmw.unemployment.scale_code_history(ssin)
    codes = [e.code for e in history.entries]
    assert codes[0].endswith("1") and codes[0][:2] in ("01", "02", "03")
    assert history.entries[0].period.start == fact.period.start
    assert len({c[:2] for c in codes}) == 1 and [c[2] for c in codes] == [
        str(k + 1) for k in range(len(codes))]
    first = history.entries[0].period
    assert first.end is not None
    only_first = ocmw.unemployment.scale_code_history(ssin, start=first.start, end=first.end)
    assert only_first.entries == (history.entries[0],)
    assert only_first.period == first


@pytest.mark.e2e
def test_every_history_is_answered_somewhere(world: World, ocmw: KszClient) -> None:
    seen: dict[str, int] = {}
    for index in persons(world, lambda i, f: f.unemployed, unemployed=True):
        ssin = world.sandbox.population.ssin_of(index)
        integrate(world, ocmw, ssin)
        for name in HISTORIES:
            result = getattr(ocmw.unemployment, name)(ssin)
            assert result.status.code in ("MSG00000", NO_DATA)
            assert bool(result.entries) is result.found
            seen[name] = seen.get(name, 0) + len(result.entries)
        capacity = ocmw.unemployment.no_earning_capacity(ssin)
        seen["no_earning_capacity"] = seen.get("no_earning_capacity", 0) + len(
            capacity.no_earning_capacity) + len(capacity.lawsuits)
    assert all(seen[name] for name in (*HISTORIES, "no_earning_capacity")), seen


@pytest.mark.e2e
def test_activation_allowances_of_a_recent_employment(world: World, ocmw: KszClient) -> None:
    candidates = persons(world, lambda i, f: any(
        e.current and e.period.start >= dt.date(2020, 1, 1) and not e.employer.public
        for e in f.employments), has_employment=True)
    population = world.sandbox.population
    for index in candidates:
        ssin = population.ssin_of(index)
        integrate(world, ocmw, ssin)
        result = ocmw.unemployment.activation_paid_sums(ssin, start_month="2021-01",
                                                        end_month="2024-12")
        if result.found:
            break
    else:
        pytest.fail("no sandbox person with activation allowances")
    employment = next(e for e in population.facts(index).employments if e.current)
    first = result.paid_sums[0]
    assert first.activation_type == "ACTIVA"
    assert first.entry_into_employment == employment.period.start
    assert first.employer is not None
    assert first.employer.cbe_number == employment.employer.cbe_number
    assert first.mean_working_hours in (Decimal("38"), Decimal("30.4"), Decimal("19"))
    assert len(result.paid_sums) <= 24
    assert result.total_paid == Money(sum(s.paid.cents for s in result.paid_sums))


@pytest.mark.e2e
def test_no_file_answers_uds0001_for_every_operation(world: World, ocmw: KszClient) -> None:
    index = persons(world, lambda i, f: not f.unemployment and not f.employments,
                    unemployed=False)[0]
    ssin = world.sandbox.population.ssin_of(index)
    integrate(world, ocmw, ssin)
    u = ocmw.unemployment
    results = [u.paid_sums(ssin), u.activation_paid_sums(ssin), u.payments(ssin),
               u.rights(ssin), u.scheduled_payment(ssin), u.no_earning_capacity(ssin),
               *(getattr(u, name)(ssin) for name in HISTORIES)]
    assert len(results) == len(SERVICE.operations)
    for result in results:
        assert (result.status.value, result.status.code) == ("NO_DATA_FOUND", NO_FILE)
        assert result.no_file and not result.found


@pytest.mark.e2e
def test_the_operations_run_concurrently_on_one_client(world: World, ocmw: KszClient) -> None:
    index, _ = long_unemployed(world)
    ssin = world.sandbox.population.ssin_of(index)
    integrate(world, ocmw, ssin)
    u = ocmw.unemployment
    calls = [u.paid_sums, u.payments, u.rights, u.scheduled_payment, u.scale_code_history,
             u.sanction_history, u.exemption_history, u.no_earning_capacity]
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        results = list(pool.map(lambda call: call(ssin), calls))
    assert [r.status.code for r in results[:5]] == ["MSG00000"] * 5
    assert len({r.receipt.ticket for r in results}) == len(calls)


@pytest.mark.e2e
def test_unknown_replaced_finality_and_legal_context(world: World, ocmw: KszClient) -> None:
    unknown = make(dt.date(2004, 12, 30), 995, kind=SsinKind.TEST)
    integrate(world, ocmw, unknown)
    with pytest.raises(UnknownSsin):
        ocmw.unemployment.rights(unknown)
    population = world.sandbox.population
    old = next(i for i in range(population.size) if population.replaced_by(i) is not None)
    integrate(world, ocmw, population.ssin_of(old))
    with pytest.raises(SsinReplaced):
        ocmw.unemployment.sanction_history(population.ssin_of(old))
    index = persons(world, lambda i, f: True, integrated=False)[0]
    ssin = population.ssin_of(index)
    sent = len(world.requests)
    with pytest.raises(NotIntegrated) as local:
        ocmw.unemployment.paid_sums(ssin)
    assert local.value.ticket_cbss is None and len(world.requests) == sent
    ocmw.integrations.add(Integration(organisation=SANDBOX_CBE_NUMBER, ssin=ssin,
                                      quality_code=2, start=dt.date(2020, 1, 1)))
    with pytest.raises(NotIntegrated) as remote:
        ocmw.unemployment.scheduled_payment(ssin)
    assert remote.value.code == "MSG00012" and remote.value.ticket_cbss
    world.sandbox.integrate(ssin)
    with pytest.raises(NotAuthorized):
        ocmw.unemployment.rights(ssin, context=CallContext(legal_context="PCSA:SOCIAL_INQUIRY"))


# --- contract ------------------------------------------------------------------------------------


@pytest.mark.contracts
@pytest.mark.e2e
def test_requests_and_responses_validate_against_our_contract_and_official_commonv3(
    world: World, ocmw: KszClient, official_contracts: Path,
) -> None:
    index, fact = long_unemployed(world)
    ssin = world.sandbox.population.ssin_of(index)
    integrate(world, ocmw, ssin)
    u = ocmw.unemployment
    u.paid_sums(ssin, start_month="2023-01", end_month="2026-12")
    u.activation_paid_sums(ssin)
    u.payments(ssin, date=TODAY)
    u.rights(ssin)
    u.scheduled_payment(ssin, quarter="2025Q3")
    u.no_earning_capacity(ssin, start="2000-01-01")
    for name in HISTORIES:
        getattr(u, name)(ssin, start=fact.period.start, end=TODAY)
    payloads = service_payloads(world.requests + world.responses, SERVICE.namespace)
    assert {etree.QName(p).localname for p in payloads} >= {
        f"{op.name}{kind}" for op in SERVICE.operations for kind in ("Request", "Response")}
    assert_both_contracts(official_contracts, SERVICE.name, payloads)
    assert_unqualified(service_payloads(world.requests, SERVICE.namespace))


@pytest.mark.contracts
def test_zeep_loads_our_wsdl_and_it_agrees_with_the_catalogue() -> None:
    assert_wsdl_agrees(SERVICE, "UnemploymentDataService/UnemploymentDataV3.wsdl",
                       "UnemploymentDataService", "UnemploymentDataServicePort")


# --- command line --------------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_generated_commands(world: World, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    index, fact = long_unemployed(world)
    ssin = str(world.sandbox.population.ssin_of(index))
    config = tmp_path / "ksz.toml"
    config.write_text(world.config_path.read_text()
                      + f'\n[audit]\npath = "{tmp_path / "audit.sqlite3"}"\n')
    for name in ("client-key.pem", "client-cert.pem", "sandbox-signing-cert.pem"):
        (tmp_path / name).write_bytes((world.config_path.parent / name).read_bytes())
    with KszClient(KszConfig.load(config, env={})) as setup:
        integrate(world, setup, ssin)
    start, end = _shift(THIS_MONTH, -3), _shift(THIS_MONTH, -1)
    code = main(["--config", str(config), "--user", "sw-cli", "unemployment", "paid_sums", ssin,
                 "--start-month", str(start), "--end-month", str(end), "--json"])
    out, err = capsys.readouterr()
    assert (code, err) == (EXIT_OK, "")
    data = json.loads(out)
    assert [s["paid"]["cents"] for s in data["paid_sums"]] == [26 * fact.daily_allowance_cents] * 3
    assert data["status"]["code"] == "MSG00000"
    code = main(["--config", str(config), "--user", "sw-cli", "unemployment", "consult-rights",
                 ssin])
    out, _ = capsys.readouterr()
    assert code == EXIT_OK and "FULL_UNEMPLOYMENT" in out and "ticketCBSS" in out
    code = main(["--config", str(config), "--user", "sw-cli", "unemployment",
                 "scheduled_payment", ssin, "--quarter", "2001Q1"])
    out, _ = capsys.readouterr()
    assert code == EXIT_BUSINESS and NO_DATA in out


def test_the_human_output_shows_tables() -> None:
    from ksz_client.cli._render import render
    from ksz_client.services.unemployment import (
        ActivationPaidSumsResult,
        BenefitPaymentsResult,
        BenefitRightsResult,
        NoEarningCapacityResult,
        PaidSumsResult,
        ScheduledPaymentResult,
        UnemploymentHistoryResult,
    )
    from ksz_client.types import Receipt, Status

    found = Status("DATA_FOUND", "MSG00000")
    none = Status("NO_DATA_FOUND", NO_DATA)
    receipt = Receipt("t", "c", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    paid = PaidSum(Month(2024, 5), DossierStatus.COMPLETED, Money(121212), 26, Money(121212))
    activation = ActivationPaidSum(Month(2024, 5), DossierStatus.COMPLETED, Money(35000), 26,
                                   "ACTIVA", employer=EMPLOYER,
                                   mean_working_hours=Decimal("30.40"))
    entry = HistoryEntry(P, "SUSPENSION", "4 weeks", dt.date(2023, 12, 1))
    cases = [
        (PaidSumsResult(found, receipt, (paid,), Month(2024, 5), Month(2024, 5)),
         ["month", "2024-05", "1212.12", "total paid 1212.12"]),
        (ActivationPaidSumsResult(found, receipt, (activation,), Month(2024, 5),
                                  Month(2024, 5)), ["ACTIVA", "30.40", "Bakkerij Peeters BV"]),
        (BenefitPaymentsResult(found, receipt, (Payment(dt.date(2024, 6, 5), Month(2024, 5),
                                                        Money(100), 1, "ACV-CSC"),), None),
         ["2024-06-05", "ACV-CSC"]),
        (BenefitRightsResult(found, receipt, (Right(P, "FULL_UNEMPLOYMENT", Money(4662),
                                                    "SINGLE"),), None),
         ["FULL_UNEMPLOYMENT", "46.62", "SINGLE"]),
        (ScheduledPaymentResult(found, receipt, (ScheduledPayment(
            Month(2024, 5), dt.date(2024, 6, 5), Money(100), 1),), Quarter(2024, 2)),
         ["planned", "2024-06-05"]),
        (UnemploymentHistoryResult(found, receipt, (entry,), None),
         ["SUSPENSION", "4 weeks", "2023-12-01"]),
        (NoEarningCapacityResult(found, receipt, (entry,), (entry,), None),
         ["no earning capacity", "lawsuits with the mutuality"]),
        (UnemploymentHistoryResult(none, receipt, (), None), [f"no data found ({NO_DATA})"]),
        (NoEarningCapacityResult(none, receipt, (), (), None), [f"no data found ({NO_DATA})"]),
    ]
    for result, expected in cases:
        text = render(result)
        assert all(e in text for e in expected), (type(result).__name__, text)
        assert "ticketCBSS c" in text
