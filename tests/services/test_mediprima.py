"""ManageCarmed V1 (MediPrima): rules, mapping, the sandbox's decision state machine,
finality, mutations never sent twice, reconcile, contract and CLI."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _contracts, _xml, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import (
    AuditError,
    InDoubtError,
    InvalidData,
    InvalidSsin,
    NotIntegrated,
    ResponseError,
    SsinReplaced,
    UnknownSsin,
    ValidationError,
)
from ksz_client.audit import AuditLog, Integration
from ksz_client.audit._guard import belgian_today
from ksz_client.cli import EXIT_OK, main
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, Sandbox
from ksz_client.sandbox.handlers.mediprima import DECISION_KIND, SIMULATED_NUMBER
from ksz_client.services.mediprima import (
    CareType,
    CarmedResult,
    Content,
    Cover,
    Decision,
    DecisionState,
    Reconciliation,
    Refund,
    Support,
    _wire,
)
from ksz_client.services.mediprima import service as _service
from ksz_client.services.mediprima.models import check_decision, check_stop
from ksz_client.ssin import SsinKind, make
from ksz_client.types import Money, Period

from .official_helpers import assert_wsdl_agrees
from .sandbox_world import Traffic

SERVICE = catalogue.get("ManageCarmed")
NS = SERVICE.namespace
D = dt.date
# The KSZ counts days in Belgium; the client does too (KszClient._today).
TODAY = belgian_today(dt.datetime.now(dt.UTC))
BASE = 0  # this module has a sandbox of its own (its decisions and integrations stay here)
CONTEXT = ("--user", "test-social-worker", "--legal-context", "PCSA:SOCIAL_INQUIRY")
_taken: list[int] = []


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """This module's own sandbox (overrides the shared one for every fixture here)."""
    with Sandbox(seed=7, persons=120) as running:
        yield running


@pytest.fixture(scope="module")
def sandbox_config_path(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sandbox.write_config(tmp_path_factory.mktemp("mediprima") / "ksz.toml")


def _fresh(sandbox: Sandbox) -> str:
    """A person nobody else in this module used: living, not replaced, no fault."""
    population = sandbox.population
    start = max(_taken, default=BASE - 1) + 1
    index = next(i for i in range(start, population.size)
                 if population.fault_of(i) is None and population.replaced_by(i) is None
                 and not population.is_deceased(i))
    _taken.append(index)
    return str(population.ssin_of(index))


def _integrate(sandbox: Sandbox, client: KszClient, ssin: str, *, server: bool = True,
               quality_code: int = 4) -> None:
    if server:
        sandbox.integrate(ssin, quality_code=quality_code, period=Period(D(2020, 1, 1)))
    client.integrations.add(Integration(organisation=SANDBOX_CBE_NUMBER, ssin=ssin,
                                        quality_code=quality_code, start=D(2020, 1, 1)))


def _person(sandbox: Sandbox, client: KszClient) -> str:
    ssin = _fresh(sandbox)
    _integrate(sandbox, client, ssin)
    return ssin


def _days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def _versions(sandbox: Sandbox, ssin: str) -> list[str]:
    return sorted(r.key for r in sandbox.state.records(DECISION_KIND, ssin=ssin))


def _cover(care: CareType, start: dt.date, end: dt.date) -> Cover:
    return Cover(care, Period(start, end), Support(True, True, True), Money.from_cents(1250),
                 allowed_supplements=True)


CONTENT = Content(
    covers=(_cover(CareType.HOSPITALIZATION, _days(-10), _days(100)),
            _cover(CareType.AMBULATORY_HOSPITALIZATION, _days(-10), _days(100))),
    refund=Refund("R1", True, "UNINSURED", Money.parse("1234.56"), medical_urgency=True,
                  justifications=("J1", "J2")),
)


# --- rules and models (no network) ----------------------------------------------------------


@pytest.mark.parametrize(("period", "content", "message"), [
    (Period(_days(0), _days(366)), Content((_cover(CareType.DOCTOR, _days(0), _days(1)),)),
     "at most 1 year"),
    (Period(_days(-61), _days(10)), Content((_cover(CareType.DOCTOR, _days(-61), _days(1)),)),
     "60 days"),
    (Period(_days(0), _days(10)), Content(), "at least one"),
    (Period(_days(0), _days(10)), Content((_cover(CareType.DOCTOR, _days(0), _days(11)),)),
     "within"),
    (Period(_days(0), _days(10)), Content((_cover(CareType.DOCTOR, _days(0), _days(1)),
                                           _cover(CareType.DOCTOR, _days(2), _days(3)))),
     "one medical cover per care type"),
    (Period(_days(0), _days(10)), Content((_cover(CareType.HOSPITALIZATION, _days(0),
                                                  _days(1)),)), "ambulatory"),
    (Period(_days(0)), Content((_cover(CareType.DOCTOR, _days(0), _days(1)),)), "end date"),
])
def test_the_decision_rules(period: Period, content: Content, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        check_decision(period, content, TODAY)


def test_a_year_and_sixty_days_back_are_the_limits() -> None:
    check_decision(Period(_days(-60), _days(-60 + 365)),
                   Content((_cover(CareType.DOCTOR, _days(-60), _days(0)),)), TODAY)
    check_stop(Period(_days(-60), _days(100)), _days(-60), TODAY)
    with pytest.raises(ValidationError, match="before its end"):
        check_stop(Period(_days(0), _days(100)), _days(100), TODAY)
    with pytest.raises(ValidationError, match="60 days"):
        check_stop(Period(_days(-100), _days(100)), _days(-61), TODAY)


def test_amounts_are_never_floats_nor_negative() -> None:
    with pytest.raises(ValidationError):
        Money.parse(12.5)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="not negative"):
        Refund("R1", False, "S", Money.from_cents(-1))
    with pytest.raises(ValidationError, match="not negative"):
        Cover(CareType.DOCTOR, Period(_days(0), _days(1)), maximum_patient_part=Money(-5))
    with pytest.raises(ValidationError, match="letters"):
        Refund("has space", False, "S", Money(0))


def test_a_decision_round_trips_through_the_wire_and_its_repr_hides_the_ssin() -> None:
    ssin = str(make(D(1990, 1, 1), 1, kind=SsinKind.TEST))
    decision = Decision("202600000001", 3, ssin, Period(_days(-10), _days(100)), "0123456749",
                        DecisionState.STOPPED, CONTENT)
    holder = etree.Element("result")
    _wire.write_decision(holder, decision)
    (back,) = _wire.read_decisions(_xml.parse(etree.tostring(_wrap(holder))))
    assert back == decision
    assert ssin not in repr(back)
    request = _wire.CarmedRequest(ssin, "202600000001", Period(_days(0), _days(5)), CONTENT,
                                  _days(3))
    payload = etree.Element(f"{{{NS}}}openCarmedRequest")
    _wire.write_request(payload, request)
    assert _wire.read_request(payload) == request
    assert ssin not in repr(request)


def _wrap(result: _xml.Element) -> _xml.Element:
    response = etree.Element("response")
    response.append(result)
    return response


# --- end to end: the state machine -----------------------------------------------------------


@pytest.mark.e2e
def test_open_modify_stop_and_the_history_of_versions(client: KszClient,
                                                       sandbox: Sandbox) -> None:
    ssin = _person(sandbox, client)
    assert client.mediprima.get(ssin).decisions == ()
    opened = client.mediprima.open(ssin, start=_days(-10), end=_days(100), content=CONTENT)
    (first,) = opened.decisions
    assert (first.version, first.state, first.pswc) == (1, DecisionState.ACTIVE,
                                                         SANDBOX_CBE_NUMBER)
    assert first.beneficiary == ssin and first.content == CONTENT
    assert first.carmed_number.startswith(str(TODAY.year)) and len(first.carmed_number) == 12
    number = first.carmed_number
    assert client.mediprima.get(ssin).decisions == (first,)

    modified = client.mediprima.modify(ssin, carmed_number=number, start=_days(-10),
                                       end=_days(200), care_types=["doctor", "PARAMEDIC"],
                                       maximum_patient_part="7.50")
    second = modified.decision
    assert second is not None and second.version == 2 and second.state is DecisionState.ACTIVE
    assert {c.care_type for c in second.content.covers} == {CareType.DOCTOR, CareType.PARAMEDIC}
    assert second.content.covers[0].maximum_patient_part == Money(750)
    assert second.content.refund is None

    # Retroactively: the decision ends five days ago.
    stopped = client.mediprima.stop(ssin, carmed_number=number, last_day=_days(-5)).decision
    assert stopped is not None and stopped.version == 3
    assert stopped.state is DecisionState.STOPPED and stopped.period.end == _days(-5)
    assert all(c.period.end == _days(-5) for c in stopped.content.covers)

    assert client.mediprima.get(ssin, carmed_number=number).decisions == (stopped,)
    history = client.mediprima.history(ssin, carmed_number=number).decisions
    assert [d.version for d in history] == [1, 2, 3]
    assert history[0] == first and history[1] == second
    assert _versions(sandbox, ssin) == [f"{number}/1", f"{number}/2", f"{number}/3"]


@pytest.mark.e2e
def test_evaluate_simulates_without_changing_anything(client: KszClient,
                                                       sandbox: Sandbox) -> None:
    ssin = _person(sandbox, client)
    simulated = client.mediprima.evaluate(ssin, start=_days(0), end=_days(30),
                                          care_types="PHARMACEUTICAL_DRUG").decision
    assert simulated is not None and simulated.carmed_number == SIMULATED_NUMBER
    assert _versions(sandbox, ssin) == []
    number = client.mediprima.open(ssin, start=_days(0), end=_days(30),
                                   care_types="DOCTOR").decisions[0].carmed_number
    change = client.mediprima.evaluate_modification(
        ssin, carmed_number=number, start=_days(0), end=_days(60), care_types="DOCTOR")
    assert change.decisions[0].version == 2 and change.decisions[0].period.end == _days(60)
    stop = client.mediprima.evaluate_modification(ssin, carmed_number=number,
                                                  last_day=_days(3))
    assert stop.decisions[0].state is DecisionState.STOPPED
    assert _versions(sandbox, ssin) == [f"{number}/1"]
    assert client.mediprima.get(ssin).decisions[0].version == 1


@pytest.mark.e2e
def test_impossible_transitions_are_the_services_typed_errors(client: KszClient,
                                                              sandbox: Sandbox) -> None:
    ssin = _person(sandbox, client)
    with pytest.raises(InvalidData) as unknown:
        client.mediprima.stop(ssin, carmed_number="202699999999", last_day=_days(1))
    assert unknown.value.code == "MSG00008"
    assert ("reason", "UNKNOWN_CARMED") in unknown.value.details[0].information
    with pytest.raises(InvalidData) as no_history:
        client.mediprima.history(ssin, carmed_number="202699999999")
    assert ("reason", "UNKNOWN_CARMED") in no_history.value.details[0].information

    number = client.mediprima.open(ssin, start=_days(0), end=_days(90),
                                   care_types="DOCTOR").decisions[0].carmed_number
    with pytest.raises(InvalidData) as overlap:
        client.mediprima.open(ssin, start=_days(30), end=_days(120), care_types="DOCTOR")
    assert ("reason", "OVERLAP") in overlap.value.details[0].information
    with pytest.raises(InvalidData) as outside:
        client.mediprima.stop(ssin, carmed_number=number, last_day=_days(95))
    assert ("reason", "RULE") in outside.value.details[0].information
    client.mediprima.stop(ssin, carmed_number=number, last_day=_days(10))
    for attempt in (
        lambda: client.mediprima.stop(ssin, carmed_number=number, last_day=_days(5)),
        lambda: client.mediprima.modify(ssin, carmed_number=number, start=_days(0),
                                        end=_days(60), care_types="DOCTOR"),
    ):
        with pytest.raises(InvalidData) as stopped:
            attempt()
        assert ("reason", "STOPPED") in stopped.value.details[0].information
    # After the stop the period from day 11 on is free again.
    later = client.mediprima.open(ssin, start=_days(11), end=_days(40), care_types="DOCTOR")
    assert later.decisions[0].version == 1
    assert len(_versions(sandbox, ssin)) == 3


@pytest.mark.e2e
def test_another_ocmws_decision_is_unknown_to_this_one(client: KszClient, sandbox: Sandbox,
                                                        sandbox_config: KszConfig) -> None:
    ssin = _person(sandbox, client)
    number = client.mediprima.open(ssin, start=_days(0), end=_days(30),
                                   care_types="DOCTOR").decisions[0].carmed_number
    # The same person, another Carmed number of ours unknown: a foreign number is refused.
    with pytest.raises(InvalidData):
        client.mediprima.modify(ssin, carmed_number=str(int(number) + 10**6).zfill(12),
                                start=_days(0), end=_days(30), care_types="DOCTOR")
    other = _person(sandbox, client)
    with pytest.raises(InvalidData) as wrong_person:
        client.mediprima.stop(other, carmed_number=number, last_day=_days(3))
    assert ("reason", "UNKNOWN_CARMED") in wrong_person.value.details[0].information


@pytest.mark.e2e
def test_the_sandbox_checks_the_rules_itself(client: KszClient, sandbox: Sandbox,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """What a client that skips the SDK's checks gets: MSG00008 RULE, nothing stored."""
    ssin = _person(sandbox, client)
    monkeypatch.setattr(_service, "check_decision", lambda *a: None)
    monkeypatch.setattr(_service, "check_stop", lambda *a: None)
    for start, end in ((_days(0), _days(400)), (_days(-90), _days(10))):
        with pytest.raises(InvalidData) as refused:
            client.mediprima.open(ssin, start=start, end=end, care_types="DOCTOR")
        assert ("reason", "RULE") in refused.value.details[0].information
    with pytest.raises(InvalidData):
        client.mediprima.open(ssin, start=_days(0), end=_days(10),
                              care_types="HOSPITALIZATION")
    number = client.mediprima.open(ssin, start=_days(0), end=_days(10),
                                   care_types="DOCTOR").decisions[0].carmed_number
    with pytest.raises(InvalidData):
        client.mediprima.stop(ssin, carmed_number=number, last_day=_days(-70))
    assert _versions(sandbox, ssin) == [f"{number}/1"]


@pytest.mark.e2e
def test_unknown_and_replaced_persons(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    unknown = str(make(D(1931, 2, 3), 997, kind=SsinKind.TEST))
    assert population.index_of(unknown) is None
    _integrate(sandbox, client, unknown)
    with pytest.raises(UnknownSsin):
        client.mediprima.get(unknown)
    replaced = next(i for i in range(BASE, population.size)
                    if population.replaced_by(i) is not None and population.fault_of(i) is None)
    old = str(population.ssin_of(replaced))
    _integrate(sandbox, client, old)
    with pytest.raises(SsinReplaced) as caught:
        client.mediprima.get(old)
    assert caught.value.new_ssin == str(population.ssin_of(population.replaced_by(replaced)))


# --- finality --------------------------------------------------------------------------------


@pytest.mark.e2e
def test_finality_is_checked_before_sending_and_by_the_sandbox(
        sandbox_config: KszConfig, sandbox: Sandbox) -> None:
    capture = Traffic()
    with KszClient(sandbox_config, observers=[capture]) as plain:
        client = plain.acting_for(user="sw", legal_context="PCSA:SOCIAL_INQUIRY")
        ssin = _fresh(sandbox)
        with pytest.raises(NotIntegrated):
            client.mediprima.open(ssin, start=_days(0), end=_days(10), care_types="DOCTOR")
        assert capture.operations() == []  # refused before sending
        # Integrated for leefloon only: a MediPrima decision (other aid) is refused too.
        _integrate(sandbox, client, ssin, quality_code=2)
        with pytest.raises(NotIntegrated):
            client.mediprima.open(ssin, start=_days(0), end=_days(10), care_types="DOCTOR")
        assert capture.operations() == []
        # Integrated in the client's register only: the sandbox answers MSG00012.
        other = _fresh(sandbox)
        _integrate(sandbox, client, other, server=False)
        with pytest.raises(NotIntegrated) as caught:
            client.mediprima.open(other, start=_days(0), end=_days(10), care_types="DOCTOR")
        assert caught.value.code == "MSG00012"
        assert capture.operations() == ["openCarmed"]
    assert _versions(sandbox, other) == []
    assert _versions(sandbox, ssin) == []


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(("call", "message"), [
    (lambda m, s: m.open(s, start=_days(0), end=_days(10)), "at least one"),
    (lambda m, s: m.open(s, end=_days(10), care_types="DOCTOR"), "start is required"),
    (lambda m, s: m.open(s, start="10/01/2026", end=_days(10), care_types="DOCTOR"),
     "YYYY-MM-DD"),
    (lambda m, s: m.open(s, start=_days(0), end=_days(10), care_types="DENTIST"), "care type"),
    (lambda m, s: m.open(s, start=_days(0), end=_days(10), care_types="DOCTOR",
                         maximum_patient_part=12.5), "a string or a Decimal"),
    (lambda m, s: m.open(s, start=_days(0), end=_days(10), care_types="DOCTOR",
                         podmi_part="10"), "refund needs"),
    (lambda m, s: m.open(s, start=_days(0), end=_days(10), care_types="DOCTOR",
                         content=CONTENT), "not both"),
    (lambda m, s: m.open(s, start=_days(0), end=_days(10), care_types="DOCTOR",
                         quality_code=99), "quality code"),
    (lambda m, s: m.stop(s, carmed_number="12", last_day=_days(0)), "12 digits"),
    (lambda m, s: m.stop(s, last_day=_days(0)), "Carmed number"),
    (lambda m, s: m.stop(s, carmed_number="202600000001"), "last day is required"),
    (lambda m, s: m.stop(s, carmed_number="202600000001", last_day=_days(-61)), "60 days"),
    (lambda m, s: m.history(s), "Carmed number"),
    (lambda m, s: m.evaluate_modification(s, carmed_number="202600000001",
                                          last_day=_days(0), care_types="DOCTOR"), "not both"),
    (lambda m, s: m.get("12345678901"), "out of range"),
])
def test_bad_input_raises_before_sending(sandbox_config: KszConfig, sandbox: Sandbox,
                                         call, message: str) -> None:  # type: ignore[no-untyped-def]
    capture = Traffic()
    with KszClient(sandbox_config, observers=[capture]) as plain:
        client = plain.acting_for(user="sw", legal_context="PCSA:SOCIAL_INQUIRY")
        ssin = str(sandbox.population.ssin_of(BASE))
        with pytest.raises((ValidationError, InvalidSsin), match=message):
            call(client.mediprima, ssin)
    assert capture.operations() == []


# --- mutations are never sent twice ----------------------------------------------------------


@pytest.mark.e2e
def test_a_lost_answer_is_in_doubt_never_resent_and_reconciled(
        sandbox_config: KszConfig, sandbox: Sandbox, tmp_path: Path) -> None:
    capture = Traffic()
    with AuditLog.sqlite(tmp_path / "audit.sqlite3") as log, \
            KszClient(sandbox_config, observers=[log.observer(sandbox_config), capture]) as plain:
        client = plain.acting_for(user="sw", legal_context="PCSA:SOCIAL_INQUIRY")
        ssin = _person(sandbox, client)
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as caught:
            client.mediprima.open(ssin, start=_days(0), end=_days(50), care_types="DOCTOR")
        assert capture.operations() == ["openCarmed"]  # one attempt, no retry
        assert caught.value.call_id == capture.requests[0].call_id
        (key,) = _versions(sandbox, ssin)  # the sandbox applied it: exactly once
        # The same mutation waits for reconciliation: refused, not sent.
        with pytest.raises(InDoubtError):
            client.mediprima.open(ssin, start=_days(0), end=_days(50), care_types="DOCTOR")
        assert capture.operations() == ["openCarmed"]
        outcome = client.mediprima.reconcile(caught.value.call_id, ssin, operation="openCarmed",
                                             start=_days(0), end=_days(50))
        assert outcome.applied and outcome.recorded
        assert outcome.consultation is not None
        assert outcome.consultation.decisions[0].carmed_number == key.split("/")[0]
        with pytest.raises(AuditError):
            client.mediprima.reconcile(caught.value.call_id, ssin, operation="openCarmed",
                                       start=_days(0), end=_days(50))
        number = key.split("/")[0]

        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as lost_stop:
            client.mediprima.stop(ssin, carmed_number=number, last_day=_days(20))
        assert _versions(sandbox, ssin) == [f"{number}/1", f"{number}/2"]
        # Through the generic entry point (`ksz reconcile`): SSIN, operation and quality
        # code come from the audit log.
        done = client.reconcile(lost_stop.value.call_id, carmed_number=number,
                                last_day=_days(20).isoformat())
        assert isinstance(done, Reconciliation)
        assert done.operation == "stopCarmed" and done.applied and done.recorded
        assert capture.operations().count("stopCarmed") == 1


@pytest.mark.e2e
def test_reconcile_says_not_applied_when_the_state_does_not_show_it(
        client: KszClient, sandbox: Sandbox) -> None:
    ssin = _person(sandbox, client)
    number = client.mediprima.open(ssin, start=_days(0), end=_days(50),
                                   care_types="DOCTOR").decisions[0].carmed_number
    # Without an audit log nothing is recorded; the answers come from consultCarmed.
    checks = [
        client.mediprima.reconcile("c1", ssin, operation="openCarmed", start=_days(1),
                                   end=_days(50)),
        client.mediprima.reconcile("c2", ssin, operation="modifyCarmed", carmed_number=number,
                                   version=1),
        client.mediprima.reconcile("c3", ssin, operation="stopCarmed", carmed_number=number,
                                   last_day=_days(5)),
        client.mediprima.reconcile("c4", ssin, operation="stopCarmed",
                                   carmed_number="202699999999", last_day=_days(5)),
    ]
    assert [c.applied for c in checks] == [False, False, False, False]
    assert not any(c.recorded for c in checks)
    assert client.mediprima.reconcile("c5", ssin, operation="modifyCarmed",
                                      carmed_number=number, version="0").applied
    for bad in ({"operation": "consultCarmed"}, {"operation": "modifyCarmed",
                                                 "carmed_number": number},
                {"operation": "stopCarmed", "carmed_number": number},
                {"operation": "modifyCarmed", "carmed_number": number, "version": "v1"}):
        with pytest.raises(ValidationError):
            client.mediprima.reconcile("c6", ssin, **bad)  # type: ignore[arg-type]


# --- contract --------------------------------------------------------------------------------


@pytest.fixture
def payloads(sandbox_config: KszConfig, sandbox: Sandbox) -> Iterator[list[_xml.Element]]:
    capture = Traffic()
    with KszClient(sandbox_config, observers=[capture]) as plain:
        client = plain.acting_for(user="u", legal_context="PCSA:SOCIAL_INQUIRY")
        ssin = _person(sandbox, client)
        number = client.mediprima.open(ssin, start=_days(-10), end=_days(100),
                                       content=CONTENT).decisions[0].carmed_number
        client.mediprima.evaluate_modification(ssin, carmed_number=number, last_day=_days(3))
        client.mediprima.history(ssin, carmed_number=number)
        client.mediprima.get(_person(sandbox, client))  # NO_DATA_FOUND
    out = []
    for data in capture.messages:
        body = _xml.parse(data).find("{http://schemas.xmlsoap.org/soap/envelope/}Body")
        assert body is not None
        out.append(copy.deepcopy(body[0]))
    assert len(out) == 8
    yield out


@pytest.mark.e2e
def test_requests_and_responses_validate_against_our_contract(
        payloads: list[_xml.Element]) -> None:
    schema = _contracts.schema("ManageCarmed")
    assert schema is not None
    for payload in payloads:
        assert schema.validate(payload), schema.error_log
    assert payloads[1].find("result/decision/content/refundPodmiSppis/podmiPart").text == "123456"
    broken = copy.deepcopy(payloads[1])
    broken.find("result/decision/identifier/carmedNumber").text = "12"
    assert not schema.validate(broken)


def test_zeep_loads_our_wsdl_and_it_agrees_with_the_catalogue() -> None:
    assert_wsdl_agrees(SERVICE, "ManageCarmedService/ManageCarmedV1.wsdl",
                       "ManageCarmedService", "ManageCarmedServicePort")


def test_the_catalogue_says_mutations_and_integration() -> None:
    kinds = {op.name: op.kind.value for op in SERVICE.operations}
    assert {n for n, k in kinds.items() if k == "mutation"} == {
        "openCarmed", "modifyCarmed", "stopCarmed"}
    assert SERVICE.needs_integration and SERVICE.implemented


# --- command line ----------------------------------------------------------------------------


def _cli(capsys: pytest.CaptureFixture[str], config: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--config", str(config), *CONTEXT, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _audited_config(sandbox_config_path: Path, tmp_path: Path,
                    monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the sandbox configuration with an audit database: the integration register
    (and the in-doubt calls) persist between commands."""
    for name in ("KSZ_CONFIG", "KSZ_FINALITY_MODE"):
        monkeypatch.delenv(name, raising=False)
    for pem in sandbox_config_path.parent.glob("*.pem"):
        (tmp_path / pem.name).write_bytes(pem.read_bytes())
    config = tmp_path / "ksz.toml"
    config.write_text(sandbox_config_path.read_text(encoding="utf-8")
                      + f'\n[audit]\npath = "{tmp_path / "audit.db"}"\n', encoding="utf-8")
    return config


@pytest.mark.e2e
def test_cli_open_get_stop(capsys: pytest.CaptureFixture[str], sandbox_config_path: Path,
                           sandbox: Sandbox, tmp_path: Path,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    config = _audited_config(sandbox_config_path, tmp_path, monkeypatch)
    sandbox_config_path = config
    ssin = _fresh(sandbox)
    with KszClient(KszConfig.load(config, env={})) as setup:
        _integrate(sandbox, setup, ssin)
    code, out, err = _cli(capsys, sandbox_config_path, "mediprima", "open", ssin,
                          "--start", _days(0).isoformat(), "--end", _days(60).isoformat(),
                          "--care-types", "DOCTOR", "--care-types", "PARAMEDIC",
                          "--refund-code", "R1", "--beneficiary-status", "UNINSURED",
                          "--podmi-part", "99.95", "--medical-urgency", "--json")
    assert (code, err) == (EXIT_OK, ""), err
    (decision,) = json.loads(out)["decisions"]
    number = decision["carmed_number"]
    assert decision["version"] == 1
    code, out, _ = _cli(capsys, sandbox_config_path, "mediprima", "stop", ssin,
                        "--carmed-number", number, "--last-day", _days(9).isoformat(), "--json")
    assert code == EXIT_OK and json.loads(out)["decisions"][0]["state"] == "STOPPED"
    code, out, _ = _cli(capsys, sandbox_config_path, "mediprima", "history", ssin,
                        "--carmed-number", number)
    assert code == EXIT_OK and number in out
    code, _, err = _cli(capsys, sandbox_config_path, "mediprima", "stop", ssin,
                        "--carmed-number", number, "--last-day", _days(5).isoformat())
    assert code != EXIT_OK and err
    code, _, err = _cli(capsys, sandbox_config_path, "mediprima", "open", ssin,
                        "--start", _days(0).isoformat(), "--end", _days(500).isoformat(),
                        "--care-types", "DOCTOR")
    assert code != EXIT_OK and "1 year" in err
    assert len(_versions(sandbox, ssin)) == 2


def test_the_models_are_frozen_and_euro_is_exact() -> None:
    for model in (CarmedResult, Decision, Content, Cover, Refund, Support):
        assert model.__dataclass_params__.frozen  # type: ignore[attr-defined]
    refund = Refund("R1", False, "S", Money.parse(Decimal("0.10")))
    assert refund.podmi_part.cents == 10


@pytest.mark.e2e
def test_cli_reconcile_of_an_in_doubt_open(capsys: pytest.CaptureFixture[str],
                                           sandbox_config_path: Path, sandbox: Sandbox,
                                           tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    config = _audited_config(sandbox_config_path, tmp_path, monkeypatch)
    ssin = _fresh(sandbox)
    with KszClient(KszConfig.load(config, env={})) as plain:
        client = plain.acting_for(user="test-social-worker", legal_context="PCSA:SOCIAL_INQUIRY")
        _integrate(sandbox, client, ssin)
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as caught:
            client.mediprima.open(ssin, start=_days(0), end=_days(20), care_types="DOCTOR")
    code, out, err = _cli(capsys, config, "reconcile", caught.value.call_id,
                          "--start", _days(0).isoformat(), "--end", _days(20).isoformat(),
                          "--json")
    assert (code, err) == (EXIT_OK, ""), err
    data = json.loads(out)
    assert data["applied"] is True and data["recorded"] is True
    assert len(_versions(sandbox, ssin)) == 1


# --- the sandbox handler on its own: what a client that skips the SDK's checks gets ----------


def _handle(sandbox: Sandbox, operation: str, request: _wire.CarmedRequest) -> tuple[str, str,
                                                                                    str | None]:
    from ksz_client.sandbox.handlers import HANDLERS, HandlerContext

    payload = etree.Element(f"{{{NS}}}{operation}Request")
    _wire.write_request(payload, request)
    ctx = HandlerContext(population=sandbox.population, legal_context="PCSA:SOCIAL_INQUIRY",
                         organisation=SANDBOX_CBE_NUMBER,
                         now=dt.datetime.now(dt.UTC), state=sandbox.state, ticket="t-1")
    answer = HANDLERS[("ManageCarmed", operation)](ctx, payload)
    return answer.status.value, answer.status.code, answer.status.info("reason")


def test_the_handler_refuses_what_an_operation_misses(sandbox: Sandbox) -> None:
    ssin = _fresh(sandbox)
    missing = ("NO_RESULT", "MSG00008", "MISSING")
    assert _handle(sandbox, "openCarmed", _wire.CarmedRequest(ssin)) == missing
    assert _handle(sandbox, "evaluateCarmed",
                   _wire.CarmedRequest(ssin, period=Period(_days(0), _days(5)))) == missing
    assert _handle(sandbox, "stopCarmed", _wire.CarmedRequest(ssin)) == missing
    assert _handle(sandbox, "consultCarmedHistory", _wire.CarmedRequest(ssin)) == missing
    assert _handle(sandbox, "openCarmed", _wire.CarmedRequest(
        ssin, period=Period(_days(0), _days(5)),
        content=Content((_cover(CareType.DOCTOR, _days(0), _days(5)),)))) == (
        "DATA_FOUND", "MSG00000", None)
    (number,) = {k.split("/")[0] for k in _versions(sandbox, ssin)}
    assert _handle(sandbox, "modifyCarmed", _wire.CarmedRequest(ssin, number)) == missing
    assert _handle(sandbox, "stopCarmed", _wire.CarmedRequest(ssin, number)) == missing
    bad = "12345678901"
    assert _handle(sandbox, "consultCarmed", _wire.CarmedRequest(bad))[:2] == (
        "NO_RESULT", "MSG00011")


@pytest.mark.parametrize(("path", "value"), [
    ("decision/identifier/versionNumber", "0"),
    ("decision/decisionState", "CANCELLED"),
    ("decision/content/medicalCover/cover/careType", "DENTIST"),
    ("decision/content/refundPodmiSppis/podmiPart", None),
    ("decision/identifier/validityPeriod/endDate", "2000-01-01"),
])
def test_a_malformed_answer_is_a_response_error(path: str, value: str | None) -> None:
    decision = Decision("202600000001", 1, "00000000000", Period(_days(-10), _days(100)),
                        "0123456749", DecisionState.ACTIVE, CONTENT)
    result = etree.Element("result")
    _wire.write_decision(result, decision)
    target = result.find(path)
    assert target is not None
    if value is None:
        target.getparent().remove(target)
    else:
        target.text = value
    with pytest.raises(ResponseError):
        _wire.read_decisions(_wrap(result))
