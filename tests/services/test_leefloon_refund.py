"""Leefloon refund with the POD-MI: RegisterAttest, StopAttest, ListOfAttestations.

Mapping, bad input before sending, end to end against the sandbox (state seen
by later calls), every refusal, finality on both sides, contract validation of
what travels, mutations never re-sent after a possible send (reset), reconcile,
and the generated commands.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _contracts, _soap, _xml
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
from ksz_client.audit import Integration, RecordKind
from ksz_client.audit._guard import belgian_today
from ksz_client.cli import EXIT_OK, EXIT_USAGE
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, Sandbox
from ksz_client.sandbox.handlers.leefloon_refund import ATTEST_KIND
from ksz_client.services.leefloon_refund import (
    Attestation,
    AttestState,
    Duration,
    Exoneration,
    RefundAttest,
    RefundCategory,
    _wire,
)
from ksz_client.ssin import SsinKind, make
from ksz_client.types import Money, Period

from .sandbox_world import (  # noqa: F401 - fixtures
    cli_setup,
    command,
    integrate,
    own_sandbox_config_path,
    own_sandbox_seeded,
    printed,
)
from .ssdn_helpers import Capture, NoNetwork, audited, bound, person_index, ssdn_reply, ssdn_request

ORG = SANDBOX_CBE_NUMBER
# The KSZ counts days in Belgium; the client does too (KszClient._today).
TODAY = belgian_today(dt.datetime.now(dt.UTC))
START = TODAY.replace(day=1)
SSIN = str(make(dt.date(1985, 7, 30), 33, kind=SsinKind.TEST))

# This module's own sandbox (overrides the shared one for every fixture here): the attests
# and integrations made here stay here.
own_sandbox = own_sandbox_seeded(11)


def _person(sandbox: Sandbox, start: int) -> str:
    return str(sandbox.population.ssin_of(person_index(sandbox, start)))


def _integrate(client: KszClient, sandbox: Sandbox, ssin: str, code: int = 2) -> None:
    integrate(sandbox, client, ssin, quality_code=code, since=START)


def _register(client: KszClient, ssin: str, reference: str, **kwargs: object):  # type: ignore[no-untyped-def]
    options: dict[str, object] = {"start": START, "monthly_amount": "1263.17",
                                  "decision_date": TODAY, "quality_code": 2}
    options.update(kwargs)
    return client.refund_attest.register(ssin, reference=reference, **options)  # type: ignore[arg-type]


def _attests(sandbox: Sandbox, ssin: str) -> list[object]:
    return list(sandbox.state.records(ATTEST_KIND, ssin=ssin))


# --- mapping (unit) -------------------------------------------------------------------------


def test_requests_round_trip_through_the_wire_mapping() -> None:
    asked = _wire.AttestRequest(SSIN, 3, "D-2026/17", Period(START, None), TODAY,
                                RefundCategory.FAMILY, Money.parse("1708.02"))
    payload = etree.Element("registerAttestRequest")
    _wire.write_register(payload, asked)
    assert _wire.read_register(payload) == asked
    assert SSIN not in repr(asked)
    stop = _wire.StopRequest(SSIN, 2, "D-1", TODAY)
    payload = etree.Element("stopAttestRequest")
    _wire.write_stop(payload, stop)
    assert _wire.read_stop(payload) == stop


def test_an_attest_round_trips_and_a_malformed_one_is_a_response_error() -> None:
    attest = RefundAttest("PODMI-1", "D-1", 2, Period(START, TODAY + dt.timedelta(days=40)),
                          Money.from_cents(126317), AttestState.STOPPED)
    response = etree.Element("r")
    _wire.write_attest(_xml.sub(response, "result"), attest)
    assert _wire.read_attest(response) == attest
    response.find("result/attest/state").text = "LOST"  # type: ignore[union-attr]
    with pytest.raises(ResponseError, match="malformed attest"):
        _wire.read_attest(response)
    with pytest.raises(ResponseError, match="no attest"):
        _wire.read_attest(etree.Element("r"))


def test_a_list_reply_round_trips_and_validates_against_our_schema() -> None:
    request = _wire.ListRequest(SSIN, "RIS", Period(START))
    decision = Attestation(SSIN, ORG, START, "RIS", "Leefloon", "RIS", Duration(31, 4, 1),
                           TODAY, "D-1", "STOPPED", "BENEFICIARY", START + dt.timedelta(days=30))
    reply = _wire.write_list_reply(request, [decision], [Exoneration(START, 12)],
                                   [Period(START, TODAY + dt.timedelta(days=1))])
    schema = _contracts.schema("OCMWCPASListOfAttestations")
    assert schema is not None and schema.validate(reply), schema.error_log  # type: ignore[union-attr]
    ssin, kind, decisions, exonerations, periods = _wire.read_list_reply(reply)
    assert (ssin, kind, decisions) == (SSIN, "RIS", (decision,))
    assert exonerations == (Exoneration(START, 12),)
    assert periods == (Period(START, TODAY + dt.timedelta(days=1)),)
    assert SSIN not in repr(decision)
    payload = etree.Element(f"{{{_wire.LIST_NS}}}ListOfAttestationsRequest")
    _wire.write_list_request(payload, request)
    assert schema.validate(payload) and _wire.read_list_request(payload) == request


# --- bad input: raised before anything is sent ------------------------------------------------


@pytest.fixture
def offline(sandbox_config: KszConfig) -> KszClient:
    client = KszClient(sandbox_config, transport=NoNetwork()).acting_for(
        user="u", legal_context="PCSA:SOCIAL_INQUIRY")
    client.integrations.add(Integration(ORG, SSIN, 4, START))
    return client


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"quality_code": 4}, ValidationError, "quality code 2"),
        ({"quality_code": None}, ValidationError, "needs the quality code"),
        ({"monthly_amount": 1263.17}, ValidationError, "never an int or a float"),
        ({"monthly_amount": 126317}, ValidationError, "never an int or a float"),
        ({"monthly_amount": "0"}, ValidationError, "more than zero"),
        ({"monthly_amount": "12.345"}, ValidationError, "two decimals"),
        ({"monthly_amount": "abc"}, ValidationError, "amount"),
        ({"end": START - dt.timedelta(days=1)}, ValidationError, "end before it starts"),
        ({"decision_date": TODAY + dt.timedelta(days=1)}, ValidationError, "future"),
        ({"decision_date": "30/07/2026"}, ValidationError, "YYYY-MM-DD"),
        ({"category": "RICH"}, ValidationError, "COHABITANT"),
        ({"reference": "a b"}, ValidationError, "reference"),
        ({"reference": "x" * 41}, ValidationError, "reference"),
    ],
)
def test_bad_register_input_raises_before_sending(offline: KszClient, kwargs: dict[str, object],
                                                  error: type[Exception], message: str) -> None:
    options: dict[str, object] = {"reference": "D-1"}
    options.update(kwargs)
    reference = str(options.pop("reference"))
    with pytest.raises(error, match=message) as caught:
        _register(offline, SSIN, reference, **options)
    assert SSIN not in str(caught.value)


def test_other_bad_input_raises_before_sending(offline: KszClient) -> None:
    with pytest.raises(InvalidSsin):
        _register(offline, "85073003329", "D-1")
    with pytest.raises(ValidationError, match="quality code 2"):
        offline.stop_attest.stop(SSIN, reference="D-1", end=TODAY, quality_code=5)
    with pytest.raises(ValidationError, match="the end is required"):
        offline.stop_attest.stop(SSIN, reference="D-1", end=None, quality_code=2)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="request type is one of"):
        offline.attestations.list(SSIN, request_type="EVERYTHING")
    with pytest.raises(ValidationError, match="without a search period"):
        offline.attestations.list(SSIN, request_type="GPMI_PIIS", start=START)
    with pytest.raises(ValidationError, match="end before it starts"):
        offline.attestations.list(SSIN, request_type="RIS", start=TODAY,
                                  end=TODAY - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="quality code 2"):
        offline.refund_attest.reconcile("c", SSIN, reference="D-1", start=START, quality_code=7)


def test_an_attest_for_a_person_integrated_for_another_quality_code_is_refused_locally(
        offline: KszClient) -> None:
    # offline holds an integration for quality code 4 (other aid): not enough for a refund.
    with pytest.raises(NotIntegrated) as caught:
        _register(offline, SSIN, "D-1")
    assert SSIN not in str(caught.value)
    with pytest.raises(NotIntegrated):
        offline.stop_attest.stop(SSIN, reference="D-1", end=TODAY, quality_code=3)


def test_a_decimal_and_money_are_accepted_amounts(offline: KszClient) -> None:
    # Valid amounts pass validation and reach the finality guard (which refuses here).
    for amount in (Decimal("1263.17"), Money.from_cents(126317), "1263,17"):
        with pytest.raises(NotIntegrated):
            _register(offline, SSIN, "D-1", monthly_amount=amount)


# --- end to end ----------------------------------------------------------------------------------


@pytest.mark.e2e
def test_register_list_stop_the_state_is_seen_by_later_calls(
        client: KszClient, sandbox: Sandbox) -> None:
    ssin = _person(sandbox, 440)
    _integrate(client, sandbox, ssin)
    result = _register(client, ssin, "D-2026/440", monthly_amount=Decimal("1263.17"),
                       category="COHABITANT")
    attest = result.attest
    assert (attest.reference, attest.quality_code, attest.state) == (
        "D-2026/440", 2, AttestState.REGISTERED)
    assert attest.monthly_amount == Money.from_cents(126317) and attest.period == Period(START)
    assert result.status.value == "DATA_FOUND" and result.receipt.ticket_cbss
    (record,) = sandbox.state.records(ATTEST_KIND, ssin=ssin)
    assert record.ticket == result.receipt.ticket_cbss and record.key == attest.attest_id

    listing = client.attestations.list(ssin, request_type="RIS", start=START)
    (decision,) = listing.by_reference("D-2026/440", ORG)
    assert (decision.status, decision.attest_type_code, decision.cpas_kbo_number) == (
        "ACCEPTED", "RIS", ORG)
    assert decision.entry_date == START and decision.decision_date == TODAY
    assert decision.duration is None and listing.found
    assert client.attestations.list(ssin, request_type="STATUT65").attestations == ()

    end = START + dt.timedelta(days=30)
    stopped = client.stop_attest.stop(ssin, reference="D-2026/440", end=end, quality_code=2)
    assert stopped.attest.state is AttestState.STOPPED and stopped.attest.period.end == end
    (decision,) = client.attestations.list(ssin, request_type="RIS").by_reference("D-2026/440")
    assert (decision.status, decision.end_date) == ("STOPPED", end)
    assert decision.duration is not None and decision.duration.days == 31
    # Nothing of another search period.
    later = end + dt.timedelta(days=1)
    assert client.attestations.list(ssin, request_type="RIS", start=later).attestations == ()


@pytest.mark.e2e
def test_equivalent_leefloon_and_the_context_quality_code(
        client: KszClient, sandbox: Sandbox) -> None:
    ssin = _person(sandbox, 445)
    _integrate(client, sandbox, ssin, code=3)
    bound_client = client.acting_for(quality_code=3)
    result = _register(bound_client, ssin, "L65-1", quality_code=None, category="FAMILY")
    assert result.attest.quality_code == 3
    (decision,) = client.attestations.list(ssin, request_type="STATUT65").attestations
    assert decision.reference == "L65-1" and decision.form_type == "L65"
    assert client.attestations.list(ssin, request_type="GPMI_PIIS").found is False


@pytest.mark.e2e
def test_the_pod_mi_refusals_are_typed(client: KszClient, sandbox: Sandbox) -> None:
    ssin = _person(sandbox, 450)
    _integrate(client, sandbox, ssin)
    _register(client, ssin, "D-450")
    with pytest.raises(InvalidData) as caught:
        _register(client, ssin, "D-450")
    assert caught.value.code == "MSG00008" and ssin not in str(caught.value)
    with pytest.raises(InvalidData):
        client.stop_attest.stop(ssin, reference="D-unknown", end=TODAY, quality_code=2)
    with pytest.raises(InvalidData):
        client.stop_attest.stop(ssin, reference="D-450", end=START - dt.timedelta(days=1),
                                quality_code=2)
    client.stop_attest.stop(ssin, reference="D-450", end=TODAY, quality_code=2)
    with pytest.raises(InvalidData):
        client.stop_attest.stop(ssin, reference="D-450", end=TODAY, quality_code=2)
    assert len(_attests(sandbox, ssin)) == 1


@pytest.mark.e2e
def test_integrated_client_side_only_gets_the_sandbox_msg00012(
        client: KszClient, sandbox: Sandbox) -> None:
    ssin = _person(sandbox, 455)
    client.integrations.add(Integration(ORG, ssin, 2, START))
    with pytest.raises(NotIntegrated) as caught:
        _register(client, ssin, "D-455")
    assert caught.value.code == "MSG00012"
    with pytest.raises(NotIntegrated):
        client.attestations.list(ssin, request_type="RIS")
    # Integrated at the KSZ, but for another quality code than the attest's.
    sandbox.integrate(ssin, quality_code=4, period=(START, None))
    with pytest.raises(NotIntegrated):
        _register(client, ssin, "D-455")
    assert _attests(sandbox, ssin) == []


@pytest.mark.e2e
def test_unknown_and_replaced_persons(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    replaced = next(i for i in range(population.size) if population.replaced_by(i) is not None)
    old = str(population.ssin_of(replaced))
    _integrate(client, sandbox, old)
    with pytest.raises(SsinReplaced):
        _register(client, old, "D-R")
    with pytest.raises(SsinReplaced):
        client.attestations.list(old, request_type="RIS")
    unknown = str(make(dt.date(1961, 2, 3), 997, kind=SsinKind.TEST))
    _integrate(client, sandbox, unknown)
    with pytest.raises(UnknownSsin):
        _register(client, unknown, "D-U")
    with pytest.raises(UnknownSsin):
        client.attestations.list(unknown, request_type="RIS")


# --- mutations never go twice ---------------------------------------------------------------------


@pytest.mark.e2e
def test_a_lost_register_answer_is_in_doubt_never_resent_and_reconciled(
        sandbox_config: KszConfig, sandbox: Sandbox, tmp_path: Path) -> None:
    ssin = _person(sandbox, 460)
    capture = Capture()
    with bound(audited(sandbox_config, tmp_path), capture) as client:
        _integrate(client, sandbox, ssin)
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as caught:
            _register(client, ssin, "D-460")
        call_id = caught.value.call_id
        assert capture.operations() == ["registerAttest"]
        assert len(_attests(sandbox, ssin)) == 1
        # The same attest is refused before sending until the doubt is resolved.
        with pytest.raises(InDoubtError):
            _register(client, ssin, "D-460")
        assert capture.operations() == ["registerAttest"]
        outcome = client.refund_attest.reconcile(call_id, ssin, reference="D-460", start=START,
                                                 quality_code=2)
        assert outcome.applied is True and outcome.recorded is True
        assert capture.operations() == ["registerAttest", "listOfAttestations"]
        log = client.audit
        assert log is not None
        (recovery,) = log.query(reader="test", kinds=["RECOVERY"])
        assert recovery.kind is RecordKind.RECOVERY and recovery.detail["applied"] is True
        assert log.in_doubt(reader="test") == []
        with pytest.raises(AuditError):
            client.refund_attest.reconcile(call_id, ssin, reference="D-460", start=START,
                                           quality_code=2)
    assert len(_attests(sandbox, ssin)) == 1


@pytest.mark.e2e
def test_a_lost_stop_answer_is_in_doubt_and_reconciled(
        sandbox_config: KszConfig, sandbox: Sandbox, tmp_path: Path) -> None:
    ssin = _person(sandbox, 465)
    capture = Capture()
    end = TODAY + dt.timedelta(days=5)
    with bound(audited(sandbox_config, tmp_path), capture) as client:
        _integrate(client, sandbox, ssin)
        _register(client, ssin, "D-465")
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as caught:
            client.stop_attest.stop(ssin, reference="D-465", end=end, quality_code=2)
        assert capture.operations() == ["registerAttest", "stopAttest"]
        outcome = client.stop_attest.reconcile(caught.value.call_id, ssin, reference="D-465",
                                               end=end, quality_code=2)
        assert outcome.applied is True and outcome.recorded is True
    (record,) = _attests(sandbox, ssin)
    assert record.data["state"] == "STOPPED"  # type: ignore[attr-defined]


@pytest.mark.e2e
def test_a_register_that_never_arrived_reconciles_as_not_applied(
        client: KszClient, sandbox: Sandbox) -> None:
    ssin = _person(sandbox, 470)
    _integrate(client, sandbox, ssin)
    outcome = client.refund_attest.reconcile("never-sent", ssin, reference="D-470",
                                             start=START, quality_code=2)
    # No audit log on this client: told, not recorded.
    assert outcome.applied is False and outcome.recorded is False
    stop = client.stop_attest.reconcile("never-sent", ssin, reference="D-470", end=TODAY,
                                        quality_code=2)
    assert stop.applied is False


# --- contracts ------------------------------------------------------------------------------------


def _body(envelope: bytes) -> _xml.Element:
    body = _soap.split(_xml.parse(envelope)).body
    return next(c for c in body if isinstance(c.tag, str))


@pytest.mark.e2e
def test_what_travels_validates_against_our_contracts(
        sandbox_config: KszConfig, sandbox: Sandbox) -> None:
    ssin = _person(sandbox, 475)
    capture = Capture()
    with bound(sandbox_config, capture) as client:
        _integrate(client, sandbox, ssin)
        _register(client, ssin, "D-475", end=TODAY + dt.timedelta(days=60))
        client.stop_attest.stop(ssin, reference="D-475", end=TODAY, quality_code=2)
        client.attestations.list(ssin, request_type="RIS")
    checked = 0
    for exchange, outcome in capture.seen:
        assert outcome.response is not None
        schema = _contracts.schema(exchange.service)
        assert schema is not None
        if exchange.service == "OCMWCPASListOfAttestations":
            _, request = ssdn_request(exchange.request)
            _, reply = ssdn_reply(outcome.response)
            assert reply is not None
            pairs = [request, reply]
        else:
            pairs = [_body(exchange.request), _body(outcome.response)]
        for element in pairs:
            assert schema.validate(element), schema.error_log
            checked += 1
    assert checked == 6


@pytest.mark.e2e
def test_the_sandbox_refuses_a_list_request_that_breaks_the_contract(
        client: KszClient, sandbox: Sandbox) -> None:
    from ksz_client._exceptions import KszBusinessError

    ssin = _person(sandbox, 478)
    _integrate(client, sandbox, ssin)
    # A RequestType the SDK does not know is refused by the sandbox (30000001) when forced.
    svc = client.attestations
    with pytest.raises(KszBusinessError) as caught:
        svc._list(svc._client._validate_ssin(ssin), "NOPE", Period(START), None)
    assert caught.value.code == "30000001"
    with pytest.raises(KszBusinessError):
        svc._list(svc._client._validate_ssin(ssin), "RIS", None, None)


# --- command line ------------------------------------------------------------------------------


@pytest.mark.e2e
def test_ksz_commands_register_list_stop(
        capsys: pytest.CaptureFixture[str], sandbox: Sandbox, sandbox_config_path: Path,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # With an audit log the local register of integrations outlives one command.
    run = command(cli_setup(sandbox, sandbox_config_path, tmp_path, monkeypatch), user="sw")
    index = person_index(sandbox, 480)
    ssin = str(sandbox.population.ssin_of(index))
    person = sandbox.population.person(index)
    assert person.birth is not None
    code, _, err = printed(capsys, run, "access", "register", ssin,
                           "--quality-code", "2", "--start", START.isoformat(), "--last-name",
                           person.name.last_name, "--birth-date", person.birth.date.isoformat())
    assert (code, err) == (EXIT_OK, "")
    code, out, err = printed(capsys, run, "refund-attest", "register", ssin,
                             "--reference", "CLI-1", "--start", START.isoformat(),
                             "--monthly-amount", "1263.17", "--decision-date", TODAY.isoformat(),
                             "--quality-code", "2", "--json")
    assert (code, err) == (EXIT_OK, ""), err
    assert json.loads(out)["attest"]["reference"] == "CLI-1"
    code, out, _ = printed(capsys, run, "attestations", "list", ssin,
                           "--request-type", "RIS", "--json")
    assert code == EXIT_OK and json.loads(out)["attestations"][0]["status"] == "ACCEPTED"
    assert ssin in out  # the user asked for it; it is their output
    code, out, _ = printed(capsys, run, "stop-attest", "stop", ssin,
                           "--reference", "CLI-1", "--end", TODAY.isoformat(),
                           "--quality-code", "2")
    assert code == EXIT_OK and "STOPPED" in out
    code, _, err = printed(capsys, run, "refund-attest", "register", ssin,
                           "--reference", "CLI-2", "--start", START.isoformat(),
                           "--monthly-amount", "12.345", "--decision-date", TODAY.isoformat(),
                           "--quality-code", "2")
    assert code == EXIT_USAGE and "two decimals" in err


# --- the example ------------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_leefloon_refund_example_runs_against_the_sandbox(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "examples/run_with_sandbox.py", "--dir", str(tmp_path), "--",
         "examples/leefloon_refund.py"],
        cwd=root, capture_output=True, text=True, timeout=180, check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1. integrated " in out.stdout and "for quality code 2" in out.stdout
    assert "2. attest PODMI-" in out.stdout and "(REGISTERED)" in out.stdout
    assert ": ACCEPTED, decided" in out.stdout
    assert "4. attest stopped on" in out.stdout and "listed as STOPPED" not in out.stdout
    assert "lists it as STOPPED until" in out.stdout
