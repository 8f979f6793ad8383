"""OCMWCPASRegisterRecoveredAmount and OCMWCPASOrganicLaw (installation premium).

Mapping, bad input before sending, end to end (state seen by ListOfAttestations),
every refusal, finality on both sides, contract validation, never re-sent after
a possible send, reconcile, and the generated commands.
"""

from __future__ import annotations

import datetime as dt
import json
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
    NotIntegrated,
    ResponseError,
    ValidationError,
)
from ksz_client.audit import Integration
from ksz_client.audit._guard import belgian_today
from ksz_client.cli import EXIT_OK, EXIT_USAGE
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, Sandbox
from ksz_client.sandbox.handlers.leefloon_refund import PREMIUM_KIND, RECOVERY_KIND
from ksz_client.services.leefloon_refund import InstallationPremium, Recovery, _wire
from ksz_client.ssin import SsinKind, make
from ksz_client.types import Money, Period

from .sandbox_world import (  # noqa: F401 - fixtures
    cli_setup,
    command,
    integrate,
    own_sandbox_config_path,
    own_sandbox_seeded,
)
from .ssdn_helpers import Capture, NoNetwork, audited, bound, person_index

ORG = SANDBOX_CBE_NUMBER
# The KSZ counts days in Belgium; the client does too (KszClient._today).
TODAY = belgian_today(dt.datetime.now(dt.UTC))
# Two months begun by today: the attest refunded 2 x 1000.00 so far.
START = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
SSIN = str(make(dt.date(1985, 7, 30), 33, kind=SsinKind.TEST))

# This module's own sandbox (overrides the shared one for every fixture here): the attests
# and integrations made here stay here.
own_sandbox = own_sandbox_seeded(12)


def _person(sandbox: Sandbox, start: int) -> str:
    return str(sandbox.population.ssin_of(person_index(sandbox, start)))


def _integrate(client: KszClient, sandbox: Sandbox, ssin: str, code: int = 2) -> None:
    integrate(sandbox, client, ssin, quality_code=code, since=START)


def _attest(client: KszClient, ssin: str, reference: str) -> None:
    client.refund_attest.register(ssin, reference=reference, start=START,
                                  monthly_amount="1000.00", decision_date=START, quality_code=2)


def _recover(client: KszClient, ssin: str, recovery: str, amount: str = "250.00",
             reference: str = "A-1"):  # type: ignore[no-untyped-def]
    return client.recovered_amounts.register(ssin, reference=reference,
                                             recovery_reference=recovery, amount=amount,
                                             date=TODAY, quality_code=2)


def _premium(client: KszClient, ssin: str, reference: str, amount: str = "1500.00",
             code: int = 4):  # type: ignore[no-untyped-def]
    return client.installation_premium.request(ssin, reference=reference,
                                               installation_date=TODAY, amount=amount,
                                               decision_date=TODAY, quality_code=code)


# --- mapping -----------------------------------------------------------------------------------


def test_requests_and_answers_round_trip() -> None:
    recovery = _wire.RecoveryRequest(SSIN, 3, "A-1", "R-1", TODAY, Money.from_cents(25000))
    payload = etree.Element("x")
    _wire.write_recovery_request(payload, recovery)
    assert _wire.read_recovery_request(payload) == recovery and SSIN not in repr(recovery)
    premium = _wire.PremiumRequest(SSIN, 4, "P-1", TODAY, TODAY, Money.from_cents(150000))
    payload = etree.Element("x")
    _wire.write_premium_request(payload, premium)
    assert _wire.read_premium_request(payload) == premium and SSIN not in repr(premium)
    response = etree.Element("r")
    result = _xml.sub(response, "result")
    held = Recovery("A-1", "R-1", TODAY, Money.from_cents(100), Money.from_cents(300))
    _wire.write_recovery(result, held)
    assert _wire.read_recovery(response) == held
    response = etree.Element("r")
    granted = InstallationPremium("PRIME-1", "P-1", TODAY, Money.from_cents(150000))
    _wire.write_premium(_xml.sub(response, "result"), granted)
    assert _wire.read_premium(response) == granted


def test_missing_or_malformed_answers_are_response_errors() -> None:
    with pytest.raises(ResponseError, match="no recovery"):
        _wire.read_recovery(etree.Element("r"))
    with pytest.raises(ResponseError, match="no premium"):
        _wire.read_premium(etree.Element("r"))
    response = etree.Element("r")
    _wire.write_premium(_xml.sub(response, "result"),
                        InstallationPremium("PRIME-1", "P-1", TODAY, Money.from_cents(1)))
    response.find("result/premium/amount").text = "many"  # type: ignore[union-attr]
    with pytest.raises(ResponseError):
        _wire.read_premium(response)


# --- bad input ---------------------------------------------------------------------------------


@pytest.fixture
def offline(sandbox_config: KszConfig) -> KszClient:
    client = KszClient(sandbox_config, transport=NoNetwork()).acting_for(
        user="u", legal_context="PCSA:SOCIAL_INQUIRY")
    client.integrations.add(Integration(ORG, SSIN, 5, START))
    return client


def test_bad_input_raises_before_sending(offline: KszClient) -> None:
    recovered, premium = offline.recovered_amounts, offline.installation_premium
    cases = [
        (lambda: recovered.register(SSIN, reference="A-1", recovery_reference="R-1",
                                    amount=250.0, quality_code=2), "never an int or a float"),
        (lambda: recovered.register(SSIN, reference="A-1", recovery_reference="R 1",
                                    amount="1", quality_code=2), "reference"),
        (lambda: recovered.register(SSIN, reference="A-1", recovery_reference="R-1",
                                    amount="-5", quality_code=2), "more than zero"),
        (lambda: recovered.register(SSIN, reference="A-1", recovery_reference="R-1",
                                    amount="5", quality_code=4), "quality code 2"),
        (lambda: recovered.register(SSIN, reference="A-1", recovery_reference="R-1",
                                    amount="5", date=TODAY + dt.timedelta(days=1),
                                    quality_code=2), "future"),
        (lambda: recovered.register(SSIN, reference="A-1", recovery_reference="R-1",
                                    amount="5"), "quality code of the file"),
        (lambda: premium.request(SSIN, reference="P-1", installation_date=TODAY, amount=1500,
                                 decision_date=TODAY, quality_code=4), "never an int"),
        (lambda: premium.request(SSIN, reference="P-1", installation_date=TODAY, amount="1",
                                 decision_date=TODAY, quality_code=6), "4 \\(other aid\\)"),
        (lambda: premium.request(SSIN, reference="P-1", installation_date="today",
                                 amount="1", decision_date=TODAY, quality_code=4),
         "YYYY-MM-DD"),
        (lambda: premium.reconcile("c", SSIN, reference="P-1", installation_date=TODAY,
                                   quality_code=9), "quality code 2"),
    ]
    for call, message in cases:
        with pytest.raises(ValidationError, match=message) as caught:
            call()
        assert SSIN not in str(caught.value)
    # Valid input, but integrated for quality code 5 only: the finality guard refuses.
    with pytest.raises(NotIntegrated):
        recovered.register(SSIN, reference="A-1", recovery_reference="R-1", amount="5",
                           quality_code=2)
    with pytest.raises(NotIntegrated):
        premium.request(SSIN, reference="P-1", installation_date=TODAY, amount="1",
                        decision_date=TODAY, quality_code=4)


# --- end to end ------------------------------------------------------------------------------


@pytest.mark.e2e
def test_recoveries_are_checked_and_listed(client: KszClient, sandbox: Sandbox) -> None:
    ssin = _person(sandbox, 405)
    _integrate(client, sandbox, ssin)
    _attest(client, ssin, "A-1")
    first = _recover(client, ssin, "R-1", "250.00")
    assert first.recovery.total_recovered == Money.from_cents(25000)
    assert first.status.value == "DATA_FOUND" and first.receipt.ticket_cbss
    second = _recover(client, ssin, "R-2", "1750.00")
    assert second.recovery.total_recovered == Money.from_cents(200000)
    (decision,) = client.attestations.list(ssin, request_type="RIS", start=START).attestations
    assert [(r.recovery_reference, r.amount) for r in decision.recovered] == [
        ("R-1", Money.from_cents(25000)), ("R-2", Money.from_cents(175000))]
    # A recovery reference already used, a total above what was refunded (2 months begun
    # x 1000.00), an attest the POD-MI does not know: MSG00008, and nothing stored.
    for call in [
        lambda: _recover(client, ssin, "R-2", "1.00"),
        lambda: _recover(client, ssin, "R-3", "0.01"),
        lambda: _recover(client, ssin, "R-4", "1.00", reference="A-unknown"),
    ]:
        with pytest.raises(InvalidData) as caught:
            call()
        assert caught.value.code == "MSG00008" and ssin not in str(caught.value)
    assert len(sandbox.state.records(RECOVERY_KIND, ssin=ssin)) == 2


@pytest.mark.e2e
def test_a_premium_once_per_person_and_listed(client: KszClient, sandbox: Sandbox) -> None:
    ssin = _person(sandbox, 410)
    _integrate(client, sandbox, ssin, code=4)
    with pytest.raises(InvalidData):
        _premium(client, ssin, "P-0", amount="5000.00")
    result = _premium(client, ssin, "P-1")
    assert result.premium.amount == Money.from_cents(150000) and result.premium.premium_id
    with pytest.raises(InvalidData):
        _premium(client, ssin, "P-1")
    with pytest.raises(InvalidData):
        _premium(client, ssin, "P-2")
    (decision,) = client.attestations.list(ssin, request_type="PRIME_INSTALLATION",
                                           start=TODAY).attestations
    assert (decision.reference, decision.amount, decision.attest_type_code) == (
        "P-1", Money.from_cents(150000), "PRIME_INSTALLATION")
    assert len(sandbox.state.records(PREMIUM_KIND, ssin=ssin)) == 1


@pytest.mark.e2e
def test_integrated_client_side_only_gets_the_sandbox_msg00012(
        client: KszClient, sandbox: Sandbox) -> None:
    ssin = _person(sandbox, 415)
    client.integrations.add(Integration(ORG, ssin, 4, START))
    client.integrations.add(Integration(ORG, ssin, 2, START))
    with pytest.raises(NotIntegrated) as caught:
        _premium(client, ssin, "P-1")
    assert caught.value.code == "MSG00012"
    sandbox.integrate(ssin, quality_code=5, period=(START, None))
    with pytest.raises(NotIntegrated):
        _premium(client, ssin, "P-1")
    assert sandbox.state.records(PREMIUM_KIND, ssin=ssin) == []
    # The attest exists, then the OCMW's quality code 2 integration ends at the KSZ.
    sandbox.integrate(ssin, quality_code=2, period=(START, None))
    _attest(client, ssin, "A-1")
    sandbox.state.unregister(ORG, ssin, 2, Period(START), ticket="t",
                             at=dt.datetime.now(dt.UTC))
    with pytest.raises(NotIntegrated) as caught:
        _recover(client, ssin, "R-1")
    assert caught.value.code == "MSG00012"
    assert sandbox.state.records(RECOVERY_KIND, ssin=ssin) == []


# --- never twice ------------------------------------------------------------------------------


@pytest.mark.e2e
def test_lost_answers_are_in_doubt_never_resent_and_reconciled(
        sandbox_config: KszConfig, sandbox: Sandbox, tmp_path: Path) -> None:
    ssin = _person(sandbox, 420)
    capture = Capture()
    with bound(audited(sandbox_config, tmp_path), capture) as client:
        _integrate(client, sandbox, ssin)
        _integrate(client, sandbox, ssin, code=4)
        _attest(client, ssin, "A-1")
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as lost_recovery:
            _recover(client, ssin, "R-1")
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as lost_premium:
            _premium(client, ssin, "P-1")
        assert capture.operations() == ["registerAttest", "registerRecoveredAmount",
                                        "requestOrganicLawRefund"]
        with pytest.raises(InDoubtError):
            _recover(client, ssin, "R-1")
        with pytest.raises(InDoubtError):
            _premium(client, ssin, "P-1")
        assert len(capture.operations()) == 3
        recovered = client.recovered_amounts.reconcile(
            lost_recovery.value.call_id, ssin, reference="A-1", recovery_reference="R-1",
            start=START, quality_code=2)
        premium = client.installation_premium.reconcile(
            lost_premium.value.call_id, ssin, reference="P-1", installation_date=TODAY,
            quality_code=4)
        assert recovered.applied and recovered.recorded and premium.applied and premium.recorded
        assert capture.operations()[3:] == ["listOfAttestations", "listOfAttestations"]
        assert client.audit is not None and client.audit.in_doubt(reader="test") == []
        with pytest.raises(AuditError):
            client.installation_premium.reconcile(
                lost_premium.value.call_id, ssin, reference="P-1", installation_date=TODAY,
                quality_code=4)
    assert len(sandbox.state.records(RECOVERY_KIND, ssin=ssin)) == 1
    assert len(sandbox.state.records(PREMIUM_KIND, ssin=ssin)) == 1


@pytest.mark.e2e
def test_nothing_applied_reconciles_as_not_applied(client: KszClient, sandbox: Sandbox) -> None:
    ssin = _person(sandbox, 425)
    _integrate(client, sandbox, ssin)
    _integrate(client, sandbox, ssin, code=4)
    assert client.recovered_amounts.reconcile(
        "x", ssin, reference="A-1", recovery_reference="R-1", start=START,
        quality_code=2).applied is False
    outcome = client.installation_premium.reconcile("x", ssin, reference="P-1",
                                                    installation_date=TODAY, quality_code=4)
    assert outcome.applied is False and outcome.recorded is False


# --- contracts ------------------------------------------------------------------------------------


def _body(envelope: bytes) -> _xml.Element:
    body = _soap.split(_xml.parse(envelope)).body
    return next(c for c in body if isinstance(c.tag, str))


@pytest.mark.e2e
def test_what_travels_validates_against_our_contracts(
        sandbox_config: KszConfig, sandbox: Sandbox) -> None:
    ssin = _person(sandbox, 430)
    capture = Capture()
    with bound(sandbox_config, capture) as client:
        _integrate(client, sandbox, ssin)
        _integrate(client, sandbox, ssin, code=4)
        _attest(client, ssin, "A-1")
        _recover(client, ssin, "R-1")
        _premium(client, ssin, "P-1")
    checked = 0
    for exchange, outcome in capture.seen:
        if exchange.service == "OCMWCPASRegisterAttest":
            continue
        schema = _contracts.schema(exchange.service)
        assert schema is not None and outcome.response is not None
        for element in (_body(exchange.request), _body(outcome.response)):
            assert schema.validate(element), schema.error_log
            checked += 1
    assert checked == 4


# --- command line ------------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_generated_commands(capsys: pytest.CaptureFixture[str], sandbox: Sandbox,
                                sandbox_config_path: Path, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    ssin = _person(sandbox, 435)
    config = cli_setup(sandbox, sandbox_config_path, tmp_path, monkeypatch)
    with KszClient(KszConfig.load(config, env={})) as setup:
        _integrate(setup, sandbox, ssin)
        _integrate(setup, sandbox, ssin, code=4)
        _attest(setup.acting_for(user="sw", legal_context="PCSA:SOCIAL_INQUIRY"), ssin, "A-1")
    run = command(config, user="sw")
    assert run("recovered-amounts", "register", ssin, "--reference", "A-1",
               "--recovery-reference", "R-1", "--amount", "100.50", "--quality-code", "2",
               "--json") == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["recovery"]["recovery_reference"] == "R-1"
    assert run("installation-premium", "request", ssin, "--reference", "P-1",
               "--installation-date", TODAY.isoformat(), "--amount", "1500",
               "--decision-date", TODAY.isoformat(), "--quality-code", "4") == EXIT_OK
    assert "P-1" in capsys.readouterr().out
    code = run("installation-premium", "request", ssin, "--reference", "P-2",
               "--installation-date", TODAY.isoformat(), "--amount", "1.234",
               "--decision-date", TODAY.isoformat(), "--quality-code", "4")
    assert code == EXIT_USAGE and "two decimals" in capsys.readouterr().err
