"""Faults on demand, and how the SDK client reacts to each of them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from ksz_client import _ssdn, _transport, _xml, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig, Timeouts
from ksz_client._exceptions import (
    HttpStatusError,
    InvalidSignature,
    KszFault,
    KszTimeout,
    MissingSignature,
    ResponseError,
    TimestampError,
    TransportError,
)
from ksz_client._transport import HttpRequest, HttpResponse, RequestsTransport, RetryPolicy
from ksz_client.hooks import Exchange, Outcome
from ksz_client.sandbox import FAULT_HEADER, Fault, FaultKind, Sandbox
from ksz_client.sandbox.faults import FaultSwitch
from ksz_client.wsse import Verifier

from .helpers import ask, consult, consult_payload, manage_access, post, signed, ssdn_document

PERSON = catalogue.get("PersonService")
BY_SSIN = PERSON.operation("searchPersonBySsin")
CONTEXT = {"user": "test-social-worker", "legal_context": "PCSA:SOCIAL_INQUIRY"}


class Attempts:
    """Counts the attempts of each call (an observer)."""

    def __init__(self) -> None:
        self.count = 0

    def before_send(self, exchange: Exchange) -> None:
        self.count += 1

    def after_receive(self, exchange: Exchange, outcome: Outcome) -> None:
        pass


class FaultHeader(RequestsTransport):
    """The default transport, adding the sandbox fault header to every request."""

    def __init__(self, fault: str) -> None:
        super().__init__()
        self.fault = fault

    def handle(self, request: HttpRequest) -> HttpResponse:
        headers = {**request.headers, FAULT_HEADER: self.fault}
        return super().handle(dataclasses.replace(request, headers=headers))


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_transport, "sleep", lambda seconds: None)


@pytest.fixture
def attempts() -> Attempts:
    return Attempts()


@pytest.fixture
def make_client(sandbox_config: KszConfig, attempts: Attempts) -> Iterator[
        Callable[..., KszClient]]:
    made: list[KszClient] = []

    def make(*, read: float | None = None, header: str | None = None,
             max_attempts: int = 3) -> KszClient:
        config = sandbox_config
        if read is not None:
            config = config.with_overrides(timeouts=Timeouts(connect=5, read=read))
        client = KszClient(config, observers=[attempts],
                           transport=FaultHeader(header) if header else None,
                           retry=RetryPolicy(max_attempts=max_attempts))
        made.append(client)
        return client.acting_for(**CONTEXT)

    yield make
    for client in made:
        client.close()


def _normal(sandbox: Sandbox) -> str:
    (profile,) = sandbox.persons(limit=1, deceased=False, replaced=False, fault=None)
    return str(profile.ssin)


# --- units ---------------------------------------------------------------------------------


def test_fault_parse() -> None:
    assert Fault.parse("reset") == Fault(FaultKind.RESET)
    assert Fault.parse(" Latency=20 ") == Fault(FaultKind.LATENCY, 20)
    assert Fault.parse("slow-body=5").delay == 0.005
    assert Fault.parse("latency").delay == 0.25 and Fault.parse("slow-body").delay == 1.0
    assert Fault.parse("http503").delay == 0
    assert str(Fault(FaultKind.SLOW_BODY, 7)) == "slow-body=7"
    for bad in ("teleport", "latency=soon", "reset=10", "latency=999999", ""):
        with pytest.raises(ValueError):
            Fault.parse(bad)


def test_fault_switch() -> None:
    switch = FaultSwitch()
    assert switch.take() is None
    once = switch.push(Fault(FaultKind.HTTP503), times=2)
    forever = switch.push(Fault(FaultKind.UNSIGNED))
    assert switch.take() == Fault(FaultKind.UNSIGNED)  # the latest wins
    switch.remove(forever)
    assert switch.remaining(once) == 2
    assert [switch.take(), switch.take(), switch.take()] == [
        Fault(FaultKind.HTTP503), Fault(FaultKind.HTTP503), None]
    assert switch.remaining(once) == 0
    with pytest.raises(ValueError):
        switch.push(Fault(FaultKind.RESET), times=0)


# --- the SDK client against each fault ---------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "error", "tries"),
    [
        (FaultKind.FAULT, KszFault, 1),
        (FaultKind.BAD_SIGNATURE, InvalidSignature, 1),
        (FaultKind.EXPIRED_TIMESTAMP, TimestampError, 1),
        (FaultKind.UNSIGNED, MissingSignature, 1),
        (FaultKind.MALFORMED_XML, ResponseError, 1),
        (FaultKind.TRUNCATED, ResponseError, 1),
        (FaultKind.HTTP500, HttpStatusError, 3),
        (FaultKind.HTTP503, HttpStatusError, 3),
        (FaultKind.RESET, TransportError, 3),
    ],
)
def test_a_reserved_ssin_gets_its_fault(
    sandbox: Sandbox, make_client: Callable[..., KszClient], attempts: Attempts,
    kind: FaultKind, error: type[Exception], tries: int,
) -> None:
    ssin = sandbox.fault_ssin(kind)
    with pytest.raises(error) as caught:
        make_client().person.get(ssin)
    # Consultations are retried on transport failures and 5xx, never on a bad answer.
    assert attempts.count == tries
    assert str(ssin) not in str(caught.value)
    if kind is FaultKind.FAULT:
        assert caught.value.code == "MSG00003" and caught.value.verified  # type: ignore[attr-defined]
    if isinstance(caught.value, HttpStatusError):
        assert caught.value.status_code == (503 if kind is FaultKind.HTTP503 else 500)
    if kind is FaultKind.RESET:
        assert not isinstance(caught.value, ResponseError | HttpStatusError)
        assert caught.value.sent  # type: ignore[attr-defined]


def test_a_reserved_latency_ssin_answers_late_but_answers(
    sandbox: Sandbox, make_client: Callable[..., KszClient]
) -> None:
    ssin = sandbox.fault_ssin("latency")
    assert make_client().person.get(ssin).person is not None
    with pytest.raises(KszTimeout):  # 250 ms is too late for a 50 ms read timeout
        make_client(read=0.05, max_attempts=1).person.get(ssin)


def test_slow_body_with_a_short_read_timeout_is_a_timeout(
    sandbox: Sandbox, make_client: Callable[..., KszClient], attempts: Attempts
) -> None:
    ssin = sandbox.fault_ssin("slow-body")
    with pytest.raises(KszTimeout):
        make_client(read=0.2, max_attempts=1).person.get(ssin)
    # The headers came in time: the stall was in the body.
    assert attempts.count == 1
    normal = _normal(sandbox)
    assert make_client(header="slow-body=50").person.get(normal).person is not None
    with pytest.raises(KszTimeout):
        make_client(read=0.2, max_attempts=1, header="slow-body=800").person.get(normal)


@pytest.mark.parametrize(
    ("header", "error"),
    [("unsigned", MissingSignature), ("bad-signature", InvalidSignature),
     ("truncated", ResponseError), ("latency=600", KszTimeout)],
)
def test_the_header_asks_for_a_fault(
    sandbox: Sandbox, make_client: Callable[..., KszClient], header: str,
    error: type[Exception],
) -> None:
    client = make_client(header=header, read=0.3, max_attempts=1)
    with pytest.raises(error):
        client.person.get(_normal(sandbox))


def test_transient_faults_are_retried_away(
    sandbox: Sandbox, make_client: Callable[..., KszClient], attempts: Attempts
) -> None:
    ssin = _normal(sandbox)
    for kind in ("http503", "reset", "http500"):
        attempts.count = 0
        with sandbox.fault(kind, times=1):
            assert make_client().person.get(ssin).person is not None
        assert attempts.count == 2, kind
    with sandbox.fault("unsigned"):  # until the block ends
        for _ in range(2):
            with pytest.raises(MissingSignature):
                make_client().person.get(ssin)
    assert make_client().person.get(ssin).person is not None


# --- on the wire -----------------------------------------------------------------------------


def _raw(sandbox: Sandbox, fault: str) -> requests.Response:
    data = signed(consult_payload(PERSON, BY_SSIN, _normal(sandbox)), sandbox.client)
    return post(sandbox, PERSON.path, data, BY_SSIN.soap_action, {FAULT_HEADER: fault})


def test_faults_on_the_wire(sandbox: Sandbox) -> None:
    with pytest.raises(requests.ConnectionError):
        _raw(sandbox, "reset")
    unavailable = _raw(sandbox, "http503")
    assert unavailable.status_code == 503 and unavailable.headers["Retry-After"] == "1"
    assert unavailable.headers["Content-Type"].startswith("text/plain")
    truncated = _raw(sandbox, "truncated")
    assert truncated.status_code == 200
    assert int(truncated.headers["Content-Length"]) == len(truncated.content)
    for spoiled in (truncated, _raw(sandbox, "malformed-xml")):
        with pytest.raises(ResponseError, match="well-formed"):
            _xml.parse(spoiled.content)
    tampered = _raw(sandbox, "bad-signature")
    with pytest.raises(InvalidSignature):
        Verifier([sandbox.signing.cert_pem]).verify(_xml.parse(tampered.content))
    expired = _raw(sandbox, "expired-timestamp")
    with pytest.raises(TimestampError, match="expired"):
        Verifier([sandbox.signing.cert_pem]).verify(_xml.parse(expired.content))
    slow = _raw(sandbox, "slow-body=50")
    Verifier([sandbox.signing.cert_pem]).verify(_xml.parse(slow.content))
    # The server is still there for everyone.
    assert requests.get(sandbox.url + "/", timeout=10).status_code == 200


@pytest.mark.parametrize("value", ["teleport", "latency=soon", "reset=5"])
def test_an_unknown_fault_header_is_400(sandbox: Sandbox, value: str) -> None:
    response = _raw(sandbox, value)
    assert response.status_code == 400
    assert FAULT_HEADER in response.text


def test_a_mutation_whose_answer_is_lost_was_carried_out(fresh_sandbox: Sandbox) -> None:
    # The reserved "reset" person: the REGISTER is processed, then the connection is dropped.
    sandbox = fresh_sandbox
    ssin = str(sandbox.fault_ssin("reset"))
    person = sandbox.population.person(sandbox.population.index_of(ssin))  # type: ignore[arg-type]
    assert person.birth is not None
    with pytest.raises(requests.ConnectionError):
        ask(sandbox, manage_access(ssin, "REGISTER", last_name=person.name.last_name,
                                   birth_date=person.birth.date.isoformat(),
                                   start=dt.datetime.now(dt.UTC).date()))
    assert len(sandbox.integrations(ssin)) == 1  # in doubt for the client, done for the KSZ


def test_faults_apply_to_ssdn_answers_too(fresh_sandbox: Sandbox) -> None:
    sandbox = fresh_sandbox
    ssin = str(sandbox.fault_ssin("unsigned"))
    document = ssdn_document(manage_access(ssin, "LIST", purpose=None))
    response = post(sandbox, catalogue.SSDN_CONNECTOR_PATH,
                    signed(_ssdn.wrap(document), sandbox.client), catalogue.SSDN_SOAP_ACTION)
    assert response.status_code == 200
    assert not Verifier.has_signature(_xml.parse(response.content))


def test_latency_of_the_whole_sandbox(tmp_path: Path) -> None:
    with Sandbox(seed=2, persons=60, latency_ms=400) as slow:
        config = KszConfig.load(slow.write_config(tmp_path / "ksz.toml"), env={})
        ssin = _normal(slow)
        with KszClient(config.with_overrides(timeouts=Timeouts(connect=5, read=0.1)),
                       retry=RetryPolicy(max_attempts=1)) as client, pytest.raises(KszTimeout):
            client.acting_for(**CONTEXT).person.get(ssin)
        raw = consult(slow, PERSON, BY_SSIN, consult_payload(PERSON, BY_SSIN, ssin))
        assert raw.response.status_code == 200
    with pytest.raises(ValueError):
        Sandbox(seed=2, persons=60, latency_ms=-1)
