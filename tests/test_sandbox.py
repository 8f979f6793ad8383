"""The sandbox: HTTP edge cases, SOAP faults, request security, concurrency, population."""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import stat
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from ksz_client import _soap, _xml, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig, Organisation
from ksz_client._exceptions import UntrustedCertificate
from ksz_client._pki import Credentials, generate_self_signed
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, Population, Sandbox, SandboxApp
from ksz_client.sandbox.handlers import HANDLERS, Answer, HandlerContext
from ksz_client.services.person import _wire
from ksz_client.ssin import SsinKind, is_valid, make
from ksz_client.wsse import WSSE_NS, Signer, Verifier

SERVICE = catalogue.get("PersonService")
GET = SERVICE.operation("searchPersonBySsin")
SEARCH = SERVICE.operation("searchPersonPhonetically")
NS = SERVICE.namespace
PATH = "/" + SERVICE.path.strip("/")
ENV = "{http://schemas.xmlsoap.org/soap/envelope/}"


@pytest.fixture(scope="module")
def stranger() -> Credentials:
    """A key pair the sandbox has never heard of."""
    return generate_self_signed("not-a-sandbox-client")


# --- helpers ------------------------------------------------------------------------


def _payload(ssin: str, *, ticket: str | None = None,
             element: str = GET.request_element, namespace: str = NS) -> _xml.Element:
    payload = _soap.new_request(
        element,
        namespace,
        ticket=ticket or str(uuid.uuid4()),
        sent_at=dt.datetime.now(dt.UTC),
        organisation=Organisation(cbe_number=SANDBOX_CBE_NUMBER),
        legal_context="PCSA:SOCIAL_INQUIRY",
    )
    _wire.write_ssin_criteria(payload, ssin, None)
    return payload


def _signed(payload: _xml.Element, credentials: Credentials) -> bytes:
    envelope = _soap.envelope(payload)
    Signer(credentials.key_pem, credentials.cert_pem).sign(envelope)
    return _xml.to_bytes(envelope)


def _post(sandbox: Sandbox, data: bytes, *, soap_action: str = GET.soap_action,
          path: str = PATH) -> requests.Response:
    return requests.post(
        sandbox.url + path,
        data=data,
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{soap_action}"'},
        timeout=10,
    )


def _fault(response: requests.Response) -> tuple[str, str, _xml.Element]:
    """Check a well-formed SOAP 1.1 fault; return its faultcode, reason code and envelope.

    With the operation known, the detail is the contract's ``<op>Fault``
    (CBSSFaultType) carrying the reason code; without it, the fault has no
    detail and the faultstring starts with the reason code.
    """
    assert response.status_code == 500
    assert response.headers["Content-Type"].startswith("text/xml")
    root = etree.fromstring(response.content)
    assert root.tag == f"{ENV}Envelope"
    body = root.find(f"{ENV}Body")
    assert body is not None
    (fault,) = list(body)
    assert fault.tag == f"{ENV}Fault"
    faultstring = fault.findtext("faultstring") or ""
    reason = faultstring.partition(":")[0]
    detail = fault.find("detail")
    if detail is not None:
        (cbss,) = list(detail)
        assert etree.QName(cbss).localname.endswith("Fault")
        uuid.UUID(cbss.findtext("informationCBSS/ticketCBSS"))
        item = cbss.find("detail")
        assert item is not None
        assert item.findtext("severity") == "FATAL"
        assert item.findtext("authorCode") == "CBSS"
        assert item.findtext("reasonCode") == reason
    return fault.findtext("faultcode") or "", reason, root


def _cbss_fault(root: _xml.Element) -> _xml.Element:
    """The contract's fault detail of a searchPersonBySsin fault."""
    cbss = root.find(f"{ENV}Body/{ENV}Fault/detail/{{{NS}}}{GET.fault_element}")
    assert cbss is not None
    return cbss


def _assert_unsigned(root: _xml.Element) -> None:
    assert not Verifier.has_signature(root)
    assert root.find(f"{ENV}Header/{{{WSSE_NS}}}Security") is None


def _raw(sandbox: Sandbox, data: bytes) -> bytes:
    """Send raw bytes on one connection; everything the server sends until it closes."""
    with socket.create_connection(("127.0.0.1", sandbox.server.port), timeout=5) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def _only_response(answer: bytes) -> bytes:
    """The status line of the one HTTP response in `answer`; fails if anything follows it."""
    head, separator, rest = answer.partition(b"\r\n\r\n")
    assert separator, answer
    length = re.search(rb"(?im)^content-length: *([0-9]+)\r?$", head)
    assert length is not None
    assert rest[int(length.group(1)):] == b"", "a second response followed"
    return head.split(b"\r\n", 1)[0]


def _person_index(sandbox: Sandbox, predicate: Callable[[int], bool]) -> int:
    return next(i for i in range(sandbox.population.size) if predicate(i))


# --- HTTP -----------------------------------------------------------------------------


def test_root_lists_the_routes(sandbox: Sandbox) -> None:
    response = requests.get(sandbox.url + "/", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert PATH in response.text


def test_unknown_path_is_404_and_get_on_a_service_is_405(sandbox: Sandbox) -> None:
    assert requests.post(sandbox.url + "/NoSuchService/v1", data=b"<x/>",
                         timeout=10).status_code == 404
    assert requests.get(sandbox.url + "/NoSuchService/v1", timeout=10).status_code == 404
    response = requests.get(sandbox.url + PATH, timeout=10)
    assert response.status_code == 405
    assert "POST" in response.text


def test_post_without_content_length_is_411(sandbox: Sandbox) -> None:
    answer = _raw(sandbox, f"POST {PATH} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                  .encode())
    assert answer.startswith(b"HTTP/1.1 411 ")


def test_a_chunked_body_is_refused_and_never_read_as_the_next_request(sandbox: Sandbox) -> None:
    # The unread body must not be parsed as another request on a kept-alive connection.
    smuggled = b"GET / HTTP/1.1\r\nHost: t\r\n\r\n"
    chunk = f"{len(smuggled):x}\r\n".encode() + smuggled + b"\r\n0\r\n\r\n"
    answer = _raw(sandbox, f"POST {PATH} HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked"
                  "\r\n\r\n".encode() + chunk)
    assert _only_response(answer).startswith(b"HTTP/1.1 411 ")


def test_an_unparsable_content_length_closes_the_connection(sandbox: Sandbox) -> None:
    smuggled = b"GET / HTTP/1.1\r\nHost: t\r\n\r\n"
    answer = _raw(sandbox, f"POST {PATH} HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n"
                  .encode() + smuggled)
    assert _only_response(answer).startswith(b"HTTP/1.1 411 ")


def test_body_over_the_limit_is_413_and_the_server_keeps_serving(sandbox: Sandbox) -> None:
    # Only the headers are sent: the server must answer without waiting for the body.
    too_big = sandbox.app.max_body_bytes + 1
    answer = _raw(sandbox, f"POST {PATH} HTTP/1.1\r\nHost: t\r\nContent-Length: {too_big}\r\n"
                  "\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"Connection: close" in answer
    assert requests.get(sandbox.url + "/", timeout=10).status_code == 200


def test_413_from_the_app_itself() -> None:
    population = Population(seed=1, size=10)
    signing = generate_self_signed("signing")
    app = SandboxApp(population=population, signing=signing,
                     client_certificates=[signing.cert_pem], max_body_bytes=10)
    statuses: list[str] = []
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": PATH, "CONTENT_LENGTH": "11"}
    body = b"".join(app(environ, lambda status, headers: statuses.append(status)))
    assert statuses == ["413 Payload Too Large"]
    assert body


def test_connections_are_kept_alive(sandbox: Sandbox) -> None:
    one = b"GET / HTTP/1.1\r\nHost: t\r\n\r\n"
    last = b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    answer = _raw(sandbox, one + one + last)
    assert answer.count(b"HTTP/1.1 200 OK") == 3


# --- SOAP faults ----------------------------------------------------------------------


def test_malformed_xml_is_a_client_fault(sandbox: Sandbox) -> None:
    faultcode, reason, root = _fault(_post(sandbox, b"<soapenv:Envelope><unclosed>"))
    assert faultcode == "soapenv:Client"
    assert reason == "MSG00008"
    _assert_unsigned(root)


def test_a_dtd_is_refused_as_malformed(sandbox: Sandbox) -> None:
    data = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]>'
            b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
            b"<soapenv:Body>&e;</soapenv:Body></soapenv:Envelope>")
    faultcode, reason, _root = _fault(_post(sandbox, data))
    assert (faultcode, reason) == ("soapenv:Client", "MSG00008")


def test_an_unsigned_request_is_a_security_fault(sandbox: Sandbox) -> None:
    data = _xml.to_bytes(_soap.envelope(_payload(sandbox.population.ssin_of(0))))
    faultcode, _reason, root = _fault(_post(sandbox, data))
    assert faultcode == "wsse:InvalidSecurity"
    _assert_unsigned(root)
    assert b"result" not in etree.tostring(root)


def test_a_request_signed_by_an_unknown_certificate_is_a_security_fault(
    sandbox: Sandbox, stranger: Credentials
) -> None:
    data = _signed(_payload(sandbox.population.ssin_of(0)), stranger)
    faultcode, _reason, root = _fault(_post(sandbox, data))
    assert faultcode == "wsse:InvalidSecurity"
    _assert_unsigned(root)


def test_a_tampered_request_is_a_security_fault(sandbox: Sandbox) -> None:
    population = sandbox.population
    data = _signed(_payload(population.ssin_of(0)), sandbox.client)
    tampered = data.replace(str(population.ssin_of(0)).encode(),
                            str(population.ssin_of(1)).encode())
    assert tampered != data
    faultcode, _reason, root = _fault(_post(sandbox, tampered))
    assert faultcode == "wsse:InvalidSecurity"
    _assert_unsigned(root)
    # The same request untampered is answered: the fault is the tampering's doing.
    assert _post(sandbox, data).status_code == 200


def test_a_wrong_soap_action_is_a_signed_fault(sandbox: Sandbox) -> None:
    data = _signed(_payload(sandbox.population.ssin_of(0)), sandbox.client)
    faultcode, reason, root = _fault(_post(sandbox, data, soap_action=SEARCH.soap_action))
    assert (faultcode, reason) == ("soapenv:Client", "MSG00008")
    Verifier([sandbox.signing.cert_pem]).verify(root)


@pytest.mark.parametrize(
    ("element", "namespace"),
    [("searchPersonByNameRequest", NS), (GET.request_element, "urn:not-the-person-service")],
)
def test_an_unknown_operation_is_a_fault(sandbox: Sandbox, element: str, namespace: str) -> None:
    payload = _payload(sandbox.population.ssin_of(0), element=element, namespace=namespace)
    faultcode, reason, root = _fault(_post(sandbox, _signed(payload, sandbox.client),
                                           soap_action=""))
    assert (faultcode, reason) == ("soapenv:Client", "MSG00008")
    assert "unknown operation" in (root.findtext(f".//{ENV}Fault/faultstring") or "")


def _without_legal_context(payload: _xml.Element) -> None:
    payload.remove(payload.find("legalContext"))


def _with_a_non_ssin(payload: _xml.Element) -> None:
    payload.find("criteria/ssin").text = "ABCDEFGHIJK"


@pytest.mark.parametrize("damage", [_without_legal_context, _with_a_non_ssin])
def test_a_schema_invalid_body_is_msg00008(
    sandbox: Sandbox, damage: Callable[[_xml.Element], None]
) -> None:
    ticket = str(uuid.uuid4())
    payload = _payload(sandbox.population.ssin_of(0), ticket=ticket)
    damage(payload)
    faultcode, reason, root = _fault(_post(sandbox, _signed(payload, sandbox.client)))
    assert (faultcode, reason) == ("soapenv:Client", "MSG00008")
    assert "contract" in (root.findtext(f".//{ENV}Fault/faultstring") or "")
    # A contract fault is signed and names the request it refuses.
    Verifier([sandbox.signing.cert_pem]).verify(root)
    assert _cbss_fault(root).findtext("informationCustomer/ticket") == ticket


def test_a_crashing_handler_is_msg00003_and_the_server_goes_on(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = str(sandbox.population.ssin_of(0))

    def crash(ctx: HandlerContext, request: _xml.Element) -> Answer:
        raise RuntimeError(f"handler bug while reading {secret}")

    ticket = str(uuid.uuid4())
    monkeypatch.setitem(HANDLERS, ("PersonService", "searchPersonBySsin"), crash)
    response = _post(sandbox, _signed(_payload(secret, ticket=ticket), sandbox.client))
    faultcode, reason, root = _fault(response)
    assert (faultcode, reason) == ("soapenv:Server", "MSG00003")
    Verifier([sandbox.signing.cert_pem]).verify(root)
    assert _cbss_fault(root).findtext("informationCustomer/ticket") == ticket
    assert b"handler bug" not in response.content
    monkeypatch.undo()
    assert _post(sandbox, _signed(_payload(secret), sandbox.client)).status_code == 200


def test_a_crash_outside_any_handler_is_an_unsigned_msg00003(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("engine bug")

    data = _signed(_payload(sandbox.population.ssin_of(0)), sandbox.client)
    monkeypatch.setattr(sandbox.app, "_response", crash)
    response = _post(sandbox, data)
    faultcode, reason, root = _fault(response)
    assert (faultcode, reason) == ("soapenv:Server", "MSG00003")
    _assert_unsigned(root)
    assert b"engine bug" not in response.content
    monkeypatch.undo()
    assert _post(sandbox, data).status_code == 200


# --- signed answers -------------------------------------------------------------------


def test_answers_are_signed_by_the_sandbox_and_echo_the_request(sandbox: Sandbox) -> None:
    population = sandbox.population
    index = _person_index(sandbox, lambda i: population.replaced_by(i) is None)
    payload = _payload(population.ssin_of(index))
    sent = payload.find("informationCustomer")
    response = _post(sandbox, _signed(payload, sandbox.client))
    assert response.status_code == 200
    root = _xml.parse(response.content)
    verified = Verifier([sandbox.signing.cert_pem]).verify(root)
    assert verified.certificate == sandbox.signing.certificate
    answer = verified.body[0]
    assert answer.tag == f"{{{NS}}}{GET.response_element}"
    echoed = answer.find("informationCustomer")
    assert etree.tostring(echoed, method="c14n") == etree.tostring(sent, method="c14n")
    assert uuid.UUID(answer.findtext("informationCBSS/ticketCBSS") or "")
    assert answer.findtext("legalContext") == "PCSA:SOCIAL_INQUIRY"
    assert answer.findtext("status/code") == "MSG00000"
    assert answer.findtext("result/person/ssin") == population.ssin_of(index)
    # Pinning any other certificate refuses the very same answer.
    with pytest.raises(UntrustedCertificate):
        Verifier([sandbox.client.cert_pem]).verify(_xml.parse(response.content))


def test_every_answer_gets_its_own_ticket_cbss(sandbox: Sandbox) -> None:
    tickets = set()
    for _ in range(3):
        response = _post(sandbox, _signed(_payload(sandbox.population.ssin_of(0)),
                                          sandbox.client))
        tickets.add(_xml.parse(response.content).findtext(f".//{{{NS}}}"
                                                          f"{GET.response_element}/"
                                                          "informationCBSS/ticketCBSS"))
    assert len(tickets) == 3 and None not in tickets


def test_many_threads_share_one_client(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    ssins = [population.ssin_of(i) for i in range(population.size)
             if population.replaced_by(i) is None][:64]
    assert len(ssins) == 64

    def worker(offset: int) -> list[str]:
        # Each thread walks the list from its own offset, so the threads ask different things.
        found = []
        for k in range(64):
            ssin = ssins[(offset + k) % 64]
            result = client.person.get(ssin)
            assert result.person is not None and result.person.ssin == ssin
            found.append(result.receipt.ticket)
        return found

    with ThreadPoolExecutor(16) as pool:
        tickets = [t for batch in pool.map(worker, range(0, 64, 4)) for t in batch]
    assert len(tickets) == 16 * 64
    assert len(set(tickets)) == len(tickets)


# --- write_config ---------------------------------------------------------------------


def test_write_config_writes_a_loadable_configuration(sandbox: Sandbox, tmp_path: Path) -> None:
    path = sandbox.write_config(tmp_path / "nested" / "ksz.toml")
    config = KszConfig.load(path, env={})
    assert config.endpoint == sandbox.url
    assert config.organisation.cbe_number == SANDBOX_CBE_NUMBER
    assert config.auth.key_file is not None and config.auth.cert_file is not None
    assert stat.S_IMODE(os.stat(config.auth.key_file).st_mode) == 0o600
    assert config.auth.key_file.read_bytes() == sandbox.client.key_pem
    assert config.auth.cert_file.read_bytes() == sandbox.client.cert_pem
    (trusted,) = config.trust.ksz_certificates
    assert trusted.read_bytes() == sandbox.signing.cert_pem


def test_write_config_with_an_audit_log(sandbox: Sandbox, tmp_path: Path) -> None:
    plain = KszConfig.load(sandbox.write_config(tmp_path / "a" / "ksz.toml"), env={})
    assert not plain.audit_enabled  # the sandbox default: tests stay fast
    audited = KszConfig.load(sandbox.write_config(tmp_path / "b" / "ksz.toml", audit_log=True),
                             env={})
    assert audited.audit_enabled
    assert audited.audit.path == tmp_path / "b" / "ksz-audit.sqlite3"


def test_write_config_tightens_an_existing_key_file(sandbox: Sandbox, tmp_path: Path) -> None:
    key = tmp_path / "client-key.pem"
    key.write_bytes(b"old")
    key.chmod(0o644)
    sandbox.write_config(tmp_path / "ksz.toml")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.read_bytes() == sandbox.client.key_pem


# --- population -----------------------------------------------------------------------


def test_population_is_deterministic_for_a_seed() -> None:
    one, two, other = Population(seed=7, size=200), Population(seed=7, size=200), \
        Population(seed=8, size=200)
    assert [one.person(i) for i in range(50)] == [two.person(i) for i in range(50)]
    assert [one.profile(i) for i in range(50)] == [two.profile(i) for i in range(50)]
    assert [one.person(i) for i in range(50)] != [other.person(i) for i in range(50)]
    assert [one.ssin_of(i) for i in range(50)] != [other.ssin_of(i) for i in range(50)]


def test_population_ssins_are_distinct_valid_test_numbers() -> None:
    population = Population(seed=3, size=2000)
    ssins = [population.ssin_of(i) for i in range(population.size)]
    assert len(set(ssins)) == len(ssins)
    assert all(s.kind is SsinKind.TEST for s in ssins)
    assert all(is_valid(s, allow_test=True) and not is_valid(s) for s in ssins)
    assert all(population.person(i).ssin == ssins[i] for i in range(0, 2000, 97))


def test_index_of_inverts_ssin_of_over_a_range() -> None:
    population = Population(seed=1, size=60_000)
    # Past 25,567 the birth days wrap and the counter carries the index.
    for i in [*range(0, 1000), *range(25_000, 26_500), *range(59_000, 60_000)]:
        assert population.index_of(population.ssin_of(i)) == i


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 10**9), index=st.integers(0, 25_567 * 498 - 1))
def test_index_of_inverts_ssin_of(seed: int, index: int) -> None:
    population = Population(seed=seed, size=25_567 * 498)
    number = population.ssin_of(index)
    assert number.kind is SsinKind.TEST
    assert population.index_of(number) == index
    assert population.index_of(number.formatted) == index


def test_index_of_refuses_what_is_not_ours() -> None:
    population = Population(seed=1, size=500)
    assert population.index_of(make(dt.date(1985, 7, 30), 33)) is None  # a national number
    assert population.index_of(make(dt.date(2004, 12, 30), 995, kind=SsinKind.TEST)) is None
    assert population.index_of(make(dt.date(1930, 1, 1), 1, kind=SsinKind.TEST)) is None
    assert population.index_of("not an ssin") is None
    assert population.index_of("85073003329") is None
    # A number of a larger population, past this one's size.
    assert population.index_of(Population(seed=1, size=1000).ssin_of(700)) is None
    # The same birth day and round with the other gender bit.
    number = population.ssin_of(5)
    counter = int(number[6:9])
    sibling = make(number.birth_date, counter + (1 if counter % 2 else -1), kind=SsinKind.TEST)
    assert population.index_of(sibling) is None


def test_the_last_person_of_a_large_population_is_generated_directly() -> None:
    population = Population(seed=1, size=100_000)
    person = population.person(99_999)
    assert person.ssin == population.ssin_of(99_999)
    assert population.index_of(person.ssin) == 99_999
    with pytest.raises(IndexError):
        population.person(100_000)


def test_population_size_is_bounded() -> None:
    with pytest.raises(ValueError, match="size"):
        Population(size=0)
    with pytest.raises(ValueError, match="size"):
        Population(size=25_567 * 498 + 1)


def test_profiles_describe_replaced_and_deceased_persons(sandbox: Sandbox) -> None:
    population = sandbox.population
    replaced = _person_index(sandbox, lambda i: population.replaced_by(i) is not None)
    deceased = _person_index(sandbox, population.is_deceased)
    profile = population.profile(replaced)
    assert profile.replaced_by == population.ssin_of(replaced + 1)
    assert population.person(replaced).canceled
    assert population.profile(deceased).deceased and population.person(deceased).deceased
    data = profile.as_json()
    assert data["ssin"] == str(population.ssin_of(replaced))
    assert data["replaced_by"] == str(population.ssin_of(replaced + 1))
    assert sandbox.persons(limit=3) == [population.profile(i) for i in range(3)]
