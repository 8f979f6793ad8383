"""RequestsTransport, RetryPolicy, and the client pipeline's retry, observers and checks."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import requests.adapters
import responses
from lxml import etree
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import ProtocolError, ReadTimeoutError

from ksz_client import _soap, _transport, _xml, catalogue
from ksz_client._client import KszClient, Reply
from ksz_client._config import Auth, Environment, KszConfig, Organisation, Timeouts, Trust
from ksz_client._exceptions import (
    ConnectError,
    HttpStatusError,
    InDoubtError,
    KszFault,
    KszTimeout,
    MissingSignature,
    ResponseError,
    SignatureError,
    TransportError,
    UnknownSsin,
    UntrustedCertificate,
)
from ksz_client._pki import Credentials, generate_self_signed
from ksz_client._transport import HttpRequest, HttpResponse, RequestsTransport, RetryPolicy
from ksz_client.catalogue import OperationKind
from ksz_client.hooks import Exchange, Outcome
from ksz_client.ssin import SsinKind, make
from ksz_client.types import CallContext
from ksz_client.wsse import Signer, Verifier

URL = "https://ksz.test:4520/PersonService/v4/consult"
PERSON = catalogue.get("PersonService")
NS = PERSON.namespace
SSIN = make(dt.date(1980, 1, 1), 1, kind=SsinKind.TEST)
LEGAL_CONTEXT = "PCSA:SOCIAL_INQUIRY"
XML = {"Content-Type": "text/xml; charset=utf-8"}


def request(url: str = URL, *, connect: float = 3.0, read: float = 11.0) -> HttpRequest:
    return HttpRequest(
        url=url,
        content=b"<soapenv:Envelope/>",
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '"op"'},
        connect_timeout=connect,
        read_timeout=read,
    )


@pytest.fixture
def transport() -> Iterator[RequestsTransport]:
    t = RequestsTransport(max_response_bytes=1000)
    yield t
    t.close()


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


# --- RequestsTransport -------------------------------------------------------------------


def test_sends_the_request_with_timeouts_and_returns_the_answer(
    transport: RequestsTransport, mocked: responses.RequestsMock
) -> None:
    mocked.add(responses.POST, URL, body=b"<answer/>", status=200, headers=XML)
    answer = transport.handle(request(connect=3.0, read=11.0))
    assert answer.status_code == 200
    assert answer.content == b"<answer/>"
    assert answer.headers["Content-Type"] == "text/xml; charset=utf-8"
    (call,) = mocked.calls
    sent = call.request
    assert sent.body == b"<soapenv:Envelope/>"
    assert sent.headers["SOAPAction"] == '"op"'
    assert sent.req_kwargs["timeout"] == (3.0, 11.0)  # type: ignore[attr-defined]
    assert sent.req_kwargs["verify"] is True  # type: ignore[attr-defined]
    assert sent.req_kwargs["stream"] is True  # type: ignore[attr-defined]


@pytest.mark.parametrize("status", [400, 404, 500, 503])
def test_any_http_status_is_returned_not_raised(
    transport: RequestsTransport, mocked: responses.RequestsMock, status: int
) -> None:
    mocked.add(responses.POST, URL, body=b"oops", status=status)
    answer = transport.handle(request())
    assert (answer.status_code, answer.content) == (status, b"oops")


def test_redirects_are_not_followed(
    transport: RequestsTransport, mocked: responses.RequestsMock
) -> None:
    mocked.add(
        responses.POST, URL, status=302, headers={"Location": "https://elsewhere.test/x"}
    )
    mocked.add(responses.POST, "https://elsewhere.test/x", body=b"followed")
    answer = transport.handle(request())
    assert answer.status_code == 302
    assert len(mocked.calls) == 1


def test_environment_proxies_are_ignored(
    transport: RequestsTransport, mocked: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:1")
    monkeypatch.setenv("https_proxy", "http://127.0.0.1:1")
    mocked.add(responses.POST, URL, body=b"ok")
    transport.handle(request())
    assert not mocked.calls[0].request.req_kwargs["proxies"]  # type: ignore[attr-defined]


def test_basic_auth_client_cert_and_ca_bundle_are_passed(mocked: responses.RequestsMock) -> None:
    t = RequestsTransport(
        verify="/etc/ksz/ca.pem", client_cert=("tls.pem", "tls.key"), basic_auth=("ocmw", "pw")
    )
    try:
        mocked.add(responses.POST, URL, body=b"ok")
        t.handle(request())
    finally:
        t.close()
    sent = mocked.calls[0].request
    assert sent.headers["Authorization"].startswith("Basic ")
    assert sent.req_kwargs["verify"] == "/etc/ksz/ca.pem"  # type: ignore[attr-defined]
    assert sent.req_kwargs["cert"] == ("tls.pem", "tls.key")  # type: ignore[attr-defined]


@pytest.mark.parametrize("verify", [False, ""])
def test_tls_verification_cannot_be_switched_off(verify: Any) -> None:
    with pytest.raises(ValueError, match="cannot be switched off"):
        RequestsTransport(verify=verify)


def test_response_over_the_limit_is_refused_while_streaming(
    transport: RequestsTransport, mocked: responses.RequestsMock
) -> None:
    mocked.add(responses.POST, URL, body=b"x" * 1000)
    assert len(transport.handle(request()).content) == 1000  # exactly the limit is fine
    mocked.replace(responses.POST, URL, body=b"x" * 1001)
    with pytest.raises(ResponseError, match="1000-byte limit"):
        transport.handle(request())


def test_response_declaring_a_length_over_the_limit_is_refused_before_reading(
    transport: RequestsTransport, mocked: responses.RequestsMock
) -> None:
    # Only 10 bytes follow: the refusal can only come from the declared length.
    mocked.add(responses.POST, URL, body=b"x" * 10, headers={"Content-Length": "1001"})
    with pytest.raises(ResponseError, match="limit"):
        transport.handle(request())


@pytest.mark.parametrize(
    ("raised", "expected", "sent"),
    [
        (requests.exceptions.ConnectTimeout("connect timed out"), ConnectError, False),
        (requests.exceptions.ReadTimeout("read timed out"), KszTimeout, True),
        (requests.exceptions.SSLError("certificate verify failed"), ConnectError, False),
        (requests.exceptions.ConnectionError("Connection reset by peer"), TransportError, True),
        (requests.exceptions.TooManyRedirects("loop"), TransportError, True),
        (requests.exceptions.InvalidURL("bad"), TransportError, True),
    ],
)
def test_requests_errors_are_mapped(
    transport: RequestsTransport,
    mocked: responses.RequestsMock,
    raised: Exception,
    expected: type[TransportError],
    sent: bool,
) -> None:
    mocked.add(responses.POST, URL, body=raised)
    with pytest.raises(TransportError) as info:
        transport.handle(request())
    assert type(info.value) is expected
    assert info.value.sent is sent
    assert info.value.__cause__ is None  # nothing of requests' internals leaks
    assert info.value.__suppress_context__


def test_corrupt_compressed_body_is_a_transport_error(
    transport: RequestsTransport, mocked: responses.RequestsMock
) -> None:
    mocked.add(responses.POST, URL, body=b"not gzip", headers={"Content-Encoding": "gzip"})
    with pytest.raises(TransportError, match="could not be read"):
        transport.handle(request())


class _RaisingRaw:
    """A urllib3-like raw body that fails part-way through."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.closed = False

    def stream(self, chunk_size: int, decode_content: bool = True) -> Iterator[bytes]:
        yield b"<partial"
        raise self.error

    def close(self) -> None:
        self.closed = True


class _BrokenBodyAdapter(requests.adapters.HTTPAdapter):
    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.raw = _RaisingRaw(error)

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        response = requests.Response()
        response.status_code = 200
        response.headers = CaseInsensitiveDict(XML)
        response.raw = self.raw
        response.request = request
        response.url = request.url or ""
        return response


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ReadTimeoutError(None, "/x", "Read timed out."), KszTimeout),  # type: ignore[arg-type]
        (ProtocolError("Connection broken: IncompleteRead"), TransportError),
    ],
)
def test_failure_while_reading_the_body(
    transport: RequestsTransport, error: Exception, expected: type[TransportError]
) -> None:
    adapter = _BrokenBodyAdapter(error)
    transport._session.mount("https://", adapter)
    with pytest.raises(TransportError) as info:
        transport.handle(request())
    assert type(info.value) is expected
    assert info.value.sent is True
    assert adapter.raw.closed  # the response is closed whatever happens


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_refused_connection_is_a_connect_error_with_nothing_sent(
    transport: RequestsTransport,
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/PersonService/v4/consult"
    with pytest.raises(ConnectError) as info:
        transport.handle(request(url))
    assert info.value.sent is False
    assert "cannot connect" in str(info.value)


class _OneShotServer:
    """A TCP server on 127.0.0.1 that reads one request and then misbehaves."""

    def __init__(self, behaviour: Callable[[socket.socket], None]) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(1)
        self.port: int = self._listener.getsockname()[1]
        self._behaviour = behaviour
        self._release = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        conn, _ = self._listener.accept()
        with conn:
            conn.recv(65536)
            self._behaviour(conn)
            self._release.wait(10)

    def __enter__(self) -> _OneShotServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        self._thread.join(10)
        self._listener.close()


def test_connection_dropped_after_sending_may_have_been_received(
    transport: RequestsTransport,
) -> None:
    def drop(conn: socket.socket) -> None:
        conn.shutdown(socket.SHUT_RDWR)

    with _OneShotServer(drop) as server, pytest.raises(TransportError) as info:
        transport.handle(request(f"http://127.0.0.1:{server.port}/x"))
    assert not isinstance(info.value, ConnectError)
    assert info.value.sent is True


def test_silent_server_is_a_read_timeout(transport: RequestsTransport) -> None:
    with _OneShotServer(lambda conn: None) as server, pytest.raises(KszTimeout) as info:
        transport.handle(request(f"http://127.0.0.1:{server.port}/x", read=0.2))
    assert info.value.sent is True


# --- RetryPolicy ----------------------------------------------------------------------------

POLICY = RetryPolicy()


@pytest.mark.parametrize(
    "error",
    [
        ConnectError("refused"),
        KszTimeout("read timeout"),
        TransportError("reset"),
        HttpStatusError("busy", status_code=500),
        HttpStatusError("busy", status_code=502),
        HttpStatusError("busy", status_code=503),
        HttpStatusError("busy", status_code=504),
    ],
)
def test_consultations_retry_transport_failures(error: Exception) -> None:
    assert POLICY.should_retry(mutation=False, error=error, attempt=1)
    assert POLICY.should_retry(mutation=False, error=error, attempt=2)
    assert not POLICY.should_retry(mutation=False, error=error, attempt=3)


@pytest.mark.parametrize(
    "error",
    [
        HttpStatusError("bad", status_code=400),
        HttpStatusError("gone", status_code=404),
        HttpStatusError("no", status_code=501),
        ResponseError("malformed"),
        SignatureError("bad signature"),
        UnknownSsin("MSG00005"),
        ValueError("bug"),
    ],
)
def test_consultations_do_not_retry_other_errors(error: Exception) -> None:
    assert not POLICY.should_retry(mutation=False, error=error, attempt=1)


def test_mutations_retry_only_when_nothing_was_sent() -> None:
    assert POLICY.should_retry(mutation=True, error=ConnectError("refused"), attempt=1)
    assert not POLICY.should_retry(mutation=True, error=ConnectError("refused"), attempt=3)
    for error in (
        KszTimeout("read timeout"),
        TransportError("reset"),
        HttpStatusError("busy", status_code=503),
        ResponseError("malformed"),
    ):
        assert not POLICY.should_retry(mutation=True, error=error, attempt=1)


def test_max_attempts_is_configurable() -> None:
    policy = RetryPolicy(max_attempts=1)
    assert not policy.should_retry(mutation=False, error=ConnectError("x"), attempt=1)
    policy = RetryPolicy(max_attempts=5, retry_statuses=frozenset({429}))
    assert policy.should_retry(
        mutation=False, error=HttpStatusError("x", status_code=429), attempt=4
    )
    assert not policy.should_retry(
        mutation=False, error=HttpStatusError("x", status_code=503), attempt=1
    )


def test_delay_is_full_jitter_within_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    policy = RetryPolicy(backoff_base=0.5, backoff_cap=3.0)
    bounds: list[tuple[float, float]] = []

    def uniform(low: float, high: float) -> float:
        bounds.append((low, high))
        return high

    monkeypatch.setattr("ksz_client._transport.random.uniform", uniform)
    assert [policy.delay(n) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert all(low == 0 for low, _ in bounds)


def test_delay_samples_stay_within_bounds() -> None:
    policy = RetryPolicy(backoff_base=0.2, backoff_cap=2.0)
    for attempt in (1, 2, 3, 10, 2000):
        ceiling = min(2.0, 0.2 * 2 ** min(attempt - 1, 20))
        for _ in range(50):
            assert 0 <= policy.delay(attempt) <= ceiling


# --- through KszClient, with a scripted transport -------------------------------------------


@dataclasses.dataclass(frozen=True)
class Pki:
    client: Credentials
    server: Credentials
    rogue: Credentials
    files: dict[str, Path]


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    folder = tmp_path_factory.mktemp("pki")
    client, server, rogue = (generate_self_signed(n) for n in ("ocmw.test", "ksz.test", "evil"))
    files = {
        "key": folder / "client.key",
        "cert": folder / "client.pem",
        "ksz": folder / "ksz.pem",
    }
    files["key"].write_bytes(client.key_pem)
    files["cert"].write_bytes(client.cert_pem)
    files["ksz"].write_bytes(server.cert_pem)
    return Pki(client, server, rogue, files)


@pytest.fixture(scope="module")
def server_signer(pki: Pki) -> Signer:
    return Signer(pki.server.key_pem, pki.server.cert_pem)


@pytest.fixture(scope="module")
def rogue_signer(pki: Pki) -> Signer:
    return Signer(pki.rogue.key_pem, pki.rogue.cert_pem)


@pytest.fixture
def config(pki: Pki) -> KszConfig:
    return KszConfig(
        organisation=Organisation(cbe_number="0212344876"),
        auth=Auth(key_file=pki.files["key"], cert_file=pki.files["cert"]),
        trust=Trust(ksz_certificates=(pki.files["ksz"],)),
        environment=Environment.SANDBOX,
        endpoint="https://ksz.test:4520",
    )


Step = HttpResponse | Exception | Callable[[HttpRequest], HttpResponse]


class ScriptedTransport:
    """A `Transport` that plays a script: one step per call (answer, exception or function)."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.requests: list[HttpRequest] = []
        self.answers: list[HttpResponse] = []
        self.closed = False

    def handle(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        step = self.steps.pop(0)
        if isinstance(step, Exception):
            raise step
        answer = step if isinstance(step, HttpResponse) else step(request)
        self.answers.append(answer)
        return answer

    def close(self) -> None:
        self.closed = True


class Recorder:
    """A `CallObserver` that keeps what it is told."""

    def __init__(self, fail_before_send: Exception | None = None) -> None:
        self.sent: list[Exchange] = []
        self.received: list[tuple[Exchange, Outcome]] = []
        self.fail = fail_before_send

    def before_send(self, exchange: Exchange) -> None:
        self.sent.append(exchange)
        if self.fail is not None:
            raise self.fail

    def after_receive(self, exchange: Exchange, outcome: Outcome) -> None:
        self.received.append((exchange, outcome))


def sent_ticket(request: HttpRequest) -> str:
    payload = _soap.split(_xml.parse(request.content, what="request")).payload
    return _xml.req_text(payload, "informationCustomer/ticket")


def answer(
    signer: Signer | None,
    value: str = "DATA_FOUND",
    code: str = "MSG00000",
    *,
    ticket: str | None = None,
    element: str = "searchPersonBySsinResponse",
) -> Callable[[HttpRequest], HttpResponse]:
    """A PersonService answer echoing the request (shape of the sandbox's `_response`)."""

    def respond(request: HttpRequest) -> HttpResponse:
        payload = _soap.split(_xml.parse(request.content, what="request")).payload
        root = etree.Element(f"{{{NS}}}{element}", nsmap={"ns": NS})
        customer = copy.deepcopy(_xml.req(payload, "informationCustomer"))
        if ticket is not None:
            _xml.req(customer, "ticket").text = ticket
        root.append(customer)
        cbss = _xml.sub(root, "informationCBSS")
        _xml.sub(cbss, "ticketCBSS", "cbss-" + str(uuid.uuid4()))
        now = _soap.timestamp(dt.datetime.now(dt.UTC))
        _xml.sub(cbss, "timestampReceive", now)
        _xml.sub(cbss, "timestampReply", now)
        _xml.sub(root, "legalContext", _xml.req_text(payload, "legalContext"))
        root.append(copy.deepcopy(_xml.req(payload, "criteria")))
        status = _xml.sub(root, "status")
        _xml.sub(status, "value", value)
        _xml.sub(status, "code", code)
        envelope = _soap.envelope(root)
        if signer is not None:
            signer.sign(envelope)
        return HttpResponse(200, XML, _xml.to_bytes(envelope))

    return respond


def fault_answer(signer: Signer | None) -> Callable[[HttpRequest], HttpResponse]:
    def respond(request: HttpRequest) -> HttpResponse:
        envelope = _xml.parse(
            f"""<soapenv:Envelope xmlns:soapenv="{_soap.SOAP_ENV_NS}"><soapenv:Body>
            <soapenv:Fault><faultcode>soapenv:Server</faultcode>
            <faultstring>MSG00003: unexpected internal error</faultstring>
            <detail><ns:searchPersonBySsinFault xmlns:ns="{NS}">
            <informationCBSS><ticketCBSS>cbss-fault</ticketCBSS></informationCBSS>
            <detail><severity>FATAL</severity><reasonCode>MSG00003</reasonCode>
            <diagnostic>unexpected internal error</diagnostic></detail>
            </ns:searchPersonBySsinFault></detail></soapenv:Fault>
            </soapenv:Body></soapenv:Envelope>""".encode()
        )
        if signer is not None:
            signer.sign(envelope)
        return HttpResponse(500, XML, _xml.to_bytes(envelope))

    return respond


def busy(status: int = 503) -> HttpResponse:
    return HttpResponse(status, {"Content-Type": "text/html"}, b"<html>busy</html>")


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waited: list[float] = []
    monkeypatch.setattr(_transport, "sleep", waited.append)
    return waited


def make_client(
    config: KszConfig, transport: ScriptedTransport, *observers: Recorder
) -> KszClient:
    return KszClient(config, transport=transport, observers=observers).acting_for(
        user="u", legal_context=LEGAL_CONTEXT
    )


def test_consultation_is_retried_after_two_503s(
    config: KszConfig, server_signer: Signer, sleeps: list[float]
) -> None:
    transport = ScriptedTransport(busy(), busy(), answer(server_signer))
    recorder = Recorder()
    result = make_client(config, transport, recorder).person.get(SSIN)

    assert result.status.value == "DATA_FOUND"
    assert len(transport.requests) == 3
    tickets = {sent_ticket(r) for r in transport.requests}
    assert tickets == {result.receipt.ticket}
    assert len({r.content for r in transport.requests}) == 1  # the same bytes each time
    assert [e.attempt for e in recorder.sent] == [1, 2, 3]
    assert {e.call_id for e in recorder.sent} == {result.receipt.ticket}
    outcomes = [o for _, o in recorder.received]
    assert [o.will_retry for o in outcomes] == [True, True, False]
    assert [o.http_status for o in outcomes] == [503, 503, 200]
    assert isinstance(outcomes[0].error, HttpStatusError)
    assert outcomes[2].error is None
    assert outcomes[2].status is not None and outcomes[2].status.value == "DATA_FOUND"
    assert len(sleeps) == 2
    assert all(0 <= s <= RetryPolicy().backoff_cap for s in sleeps)


def test_consultation_gives_up_after_three_attempts(
    config: KszConfig, sleeps: list[float]
) -> None:
    transport = ScriptedTransport(busy(), busy(), busy(), busy())
    recorder = Recorder()
    with pytest.raises(HttpStatusError) as info:
        make_client(config, transport, recorder).person.get(SSIN)
    assert info.value.status_code == 503
    assert len(transport.requests) == 3
    assert len(transport.steps) == 1
    assert len(sleeps) == 2
    assert [o.will_retry for _, o in recorder.received] == [True, True, False]


def test_consultation_is_retried_after_a_timeout_and_a_connect_error(
    config: KszConfig, server_signer: Signer, sleeps: list[float]
) -> None:
    transport = ScriptedTransport(
        KszTimeout("read timeout"), ConnectError("refused"), answer(server_signer)
    )
    result = make_client(config, transport).person.get(SSIN)
    assert result.person is None
    assert len(transport.requests) == 3


@pytest.mark.parametrize("status", [400, 404, 501])
def test_other_http_statuses_are_not_retried(
    config: KszConfig, sleeps: list[float], status: int
) -> None:
    transport = ScriptedTransport(busy(status), busy(status))
    with pytest.raises(HttpStatusError) as info:
        make_client(config, transport).person.get(SSIN)
    assert info.value.status_code == status
    assert len(transport.requests) == 1
    assert sleeps == []


def test_http_500_without_soap_is_a_retried_http_error(
    config: KszConfig, server_signer: Signer, sleeps: list[float]
) -> None:
    transport = ScriptedTransport(busy(500), answer(server_signer))
    make_client(config, transport).person.get(SSIN)
    assert len(transport.requests) == 2


def test_business_answer_is_never_retried(
    config: KszConfig, server_signer: Signer, sleeps: list[float]
) -> None:
    transport = ScriptedTransport(
        answer(server_signer, "NO_RESULT", "MSG00005"), answer(server_signer)
    )
    recorder = Recorder()
    with pytest.raises(UnknownSsin) as info:
        make_client(config, transport, recorder).person.get(SSIN)
    assert len(transport.requests) == 1
    assert sleeps == []
    assert info.value.ticket == sent_ticket(transport.requests[0])
    assert info.value.ticket_cbss is not None
    (_, outcome), = recorder.received
    assert outcome.status is not None and outcome.status.code == "MSG00005"
    assert outcome.will_retry is False


def test_signed_fault_is_verified_and_not_retried(
    config: KszConfig, server_signer: Signer, sleeps: list[float]
) -> None:
    transport = ScriptedTransport(fault_answer(server_signer), answer(server_signer))
    with pytest.raises(KszFault) as info:
        make_client(config, transport).person.get(SSIN)
    assert info.value.verified is True
    assert info.value.code == "MSG00003"
    assert info.value.ticket_cbss == "cbss-fault"
    assert len(transport.requests) == 1


def test_unsigned_fault_is_shown_unverified(config: KszConfig, sleeps: list[float]) -> None:
    transport = ScriptedTransport(fault_answer(None))
    with pytest.raises(KszFault) as info:
        make_client(config, transport).person.get(SSIN)
    assert info.value.verified is False
    assert str(info.value).startswith("unverified SOAP fault MSG00003")
    assert len(transport.requests) == 1


def test_fault_signed_by_an_untrusted_key_is_refused(
    config: KszConfig, rogue_signer: Signer, sleeps: list[float]
) -> None:
    transport = ScriptedTransport(fault_answer(rogue_signer))
    with pytest.raises(UntrustedCertificate):
        make_client(config, transport).person.get(SSIN)


def test_observers_see_the_exact_bytes(
    config: KszConfig, server_signer: Signer, sleeps: list[float]
) -> None:
    transport = ScriptedTransport(answer(server_signer))
    recorder = Recorder()
    make_client(config, transport, recorder).person.get(SSIN)
    (exchange,) = recorder.sent
    assert exchange.request == transport.requests[0].content
    assert exchange.service == "PersonService"
    assert exchange.operation == "searchPersonBySsin"
    assert exchange.kind == "consultation"
    assert exchange.url == "https://ksz.test:4520/PersonService/v4/consult"
    assert exchange.subjects == (SSIN,)
    assert exchange.context.user == "u"
    assert exchange.context.legal_context == LEGAL_CONTEXT
    ((seen, outcome),) = recorder.received
    assert seen is exchange
    assert outcome.response == transport.answers[0].content
    assert outcome.http_status == 200
    assert SSIN not in repr(exchange)
    assert SSIN not in repr(outcome)


def test_request_is_signed_with_timeouts_and_soap_action(
    config: KszConfig, pki: Pki, server_signer: Signer, sleeps: list[float]
) -> None:
    transport = ScriptedTransport(answer(server_signer))
    timed = dataclasses.replace(config, timeouts=Timeouts(connect=1.5, read=9.0))
    make_client(timed, transport).person.get(SSIN)
    (sent,) = transport.requests
    assert (sent.connect_timeout, sent.read_timeout) == (1.5, 9.0)
    assert sent.headers["SOAPAction"] == (
        '"http://kszbcss.fgov.be/PersonService/searchPersonBySsin"'
    )
    verified = Verifier([pki.client.cert_pem]).verify(_xml.parse(sent.content))
    payload = verified.body[0]
    assert payload.tag == f"{{{NS}}}searchPersonBySsinRequest"
    assert _xml.req_text(payload, "criteria/ssin") == SSIN


def test_observer_refusing_before_send_stops_the_call(
    config: KszConfig, server_signer: Signer, sleeps: list[float]
) -> None:
    transport = ScriptedTransport(answer(server_signer))
    recorder = Recorder(fail_before_send=RuntimeError("audit log unavailable"))
    with pytest.raises(RuntimeError, match="audit log unavailable"):
        make_client(config, transport, recorder).person.get(SSIN)
    assert transport.requests == []
    assert len(recorder.sent) == 1
    assert recorder.received == []


def test_response_signed_by_an_untrusted_key(
    config: KszConfig, rogue_signer: Signer, sleeps: list[float]
) -> None:
    transport = ScriptedTransport(answer(rogue_signer), answer(rogue_signer))
    recorder = Recorder()
    with pytest.raises(UntrustedCertificate):
        make_client(config, transport, recorder).person.get(SSIN)
    assert len(transport.requests) == 1
    assert isinstance(recorder.received[0][1].error, UntrustedCertificate)


def test_unsigned_response_is_refused(config: KszConfig, sleeps: list[float]) -> None:
    transport = ScriptedTransport(answer(None))
    with pytest.raises(MissingSignature):
        make_client(config, transport).person.get(SSIN)


def test_response_echoing_another_ticket(
    config: KszConfig, server_signer: Signer, sleeps: list[float]
) -> None:
    transport = ScriptedTransport(answer(server_signer, ticket=str(uuid.uuid4())))
    with pytest.raises(ResponseError, match="another request's ticket"):
        make_client(config, transport).person.get(SSIN)
    assert len(transport.requests) == 1


def test_response_of_another_operation(
    config: KszConfig, server_signer: Signer, sleeps: list[float]
) -> None:
    transport = ScriptedTransport(
        answer(server_signer, element="searchPersonPhoneticallyResponse")
    )
    with pytest.raises(ResponseError, match="searchPersonBySsinResponse"):
        make_client(config, transport).person.get(SSIN)


def test_malformed_answer_is_not_retried(config: KszConfig, sleeps: list[float]) -> None:
    transport = ScriptedTransport(HttpResponse(200, XML, b"<soapenv:Envelope"), busy())
    with pytest.raises(ResponseError):
        make_client(config, transport).person.get(SSIN)
    assert len(transport.requests) == 1


def test_client_close_closes_the_transport(config: KszConfig) -> None:
    transport = ScriptedTransport()
    with KszClient(config, transport=transport):
        pass
    assert transport.closed


# --- mutations ------------------------------------------------------------------------------

MUTATION = dataclasses.replace(
    PERSON.operation("searchPersonBySsin"), kind=OperationKind.MUTATION
)


def mutate(config: KszConfig, transport: ScriptedTransport, *observers: Recorder) -> Reply:
    def build(payload: _xml.Element) -> None:
        _xml.sub(_xml.sub(payload, "criteria"), "ssin", SSIN)

    client = KszClient(config, transport=transport, observers=observers)
    return client._core.call(
        PERSON,
        MUTATION,
        build,
        context=CallContext(user="u", legal_context=LEGAL_CONTEXT),
        subjects=(SSIN,),
    )


@pytest.mark.parametrize(
    "error",
    [
        KszTimeout("read timeout"),
        TransportError("connection reset", sent=True),
    ],
)
def test_mutation_that_may_have_arrived_is_in_doubt_and_not_resent(
    config: KszConfig, server_signer: Signer, sleeps: list[float], error: Exception
) -> None:
    transport = ScriptedTransport(error, answer(server_signer))
    recorder = Recorder()
    with pytest.raises(InDoubtError) as info:
        mutate(config, transport, recorder)
    assert len(transport.requests) == 1
    assert sleeps == []
    assert info.value.call_id == sent_ticket(transport.requests[0])
    assert info.value.sent is True
    assert info.value.__cause__ is error
    assert SSIN not in str(info.value)
    ((exchange, outcome),) = recorder.received
    assert exchange.kind == "mutation"
    assert isinstance(outcome.error, InDoubtError)
    assert outcome.will_retry is False


def test_mutation_answered_503_is_in_doubt(
    config: KszConfig, server_signer: Signer, sleeps: list[float]
) -> None:
    transport = ScriptedTransport(busy(503), answer(server_signer))
    with pytest.raises(InDoubtError):
        mutate(config, transport)
    assert len(transport.requests) == 1


def test_mutation_is_retried_when_nothing_was_sent(
    config: KszConfig, server_signer: Signer, sleeps: list[float]
) -> None:
    transport = ScriptedTransport(ConnectError("refused"), answer(server_signer))
    recorder = Recorder()
    reply = mutate(config, transport, recorder)
    assert reply.status.value == "DATA_FOUND"
    assert len(transport.requests) == 2
    assert transport.requests[0].content == transport.requests[1].content
    assert [e.attempt for e in recorder.sent] == [1, 2]
    assert len(sleeps) == 1


def test_mutation_that_never_connects_is_not_in_doubt(
    config: KszConfig, sleeps: list[float]
) -> None:
    transport = ScriptedTransport(*(ConnectError("refused") for _ in range(4)))
    with pytest.raises(ConnectError) as info:
        mutate(config, transport)
    assert not isinstance(info.value, InDoubtError)
    assert info.value.sent is False
    assert len(transport.requests) == 3
