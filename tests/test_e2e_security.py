"""End-to-end security over real HTTP: pinning, unknown keys, clocks, a man in the middle."""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import requests
from lxml import etree

from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import (
    InvalidSignature,
    KszFault,
    MissingSignature,
    ResponseError,
    SignatureWrapping,
    TimestampError,
    UntrustedCertificate,
)
from ksz_client._pki import Credentials, generate_self_signed
from ksz_client.cli import EXIT_TRANSPORT, main
from ksz_client.sandbox import Sandbox, SandboxApp, WsgiServer
from ksz_client.wsse import SOAP_ENV_NS, WSSE_NS, WSU_NS

pytestmark = pytest.mark.e2e

ENV = f"{{{SOAP_ENV_NS}}}"
CONTEXT = {"user": "test-social-worker", "legal_context": "PCSA:SOCIAL_INQUIRY"}

Tamper = Callable[[bytes], bytes]


@pytest.fixture(scope="module")
def stranger() -> Credentials:
    """Credentials that neither the sandbox nor the client pins."""
    return generate_self_signed("mallory")


def _write_pems(folder: Path, credentials: Credentials, name: str) -> tuple[Path, Path]:
    key, cert = folder / f"{name}-key.pem", folder / f"{name}-cert.pem"
    key.write_bytes(credentials.key_pem)
    key.chmod(0o600)
    cert.write_bytes(credentials.cert_pem)
    return key, cert


def _config_copy(
    source: Path,
    folder: Path,
    *,
    endpoint: str | None = None,
    trust: Path | None = None,
    key: Path | None = None,
    cert: Path | None = None,
) -> KszConfig:
    """A copy of the sandbox's ksz.toml with some keys changed, loaded as a client would."""
    text = source.read_text(encoding="utf-8")
    base = source.parent

    def setting(name: str, value: str) -> None:
        nonlocal text
        text, count = re.subn(rf"(?m)^{name} = .*$", lambda _m: f"{name} = {value}", text)
        assert count == 1, name

    # The copy lives elsewhere: every file it names becomes absolute.
    setting("key_file", f'"{key or base / "client-key.pem"}"')
    setting("cert_file", f'"{cert or base / "client-cert.pem"}"')
    setting("ksz_certificates", f'["{trust or base / "sandbox-signing-cert.pem"}"]')
    if endpoint is not None:
        setting("endpoint", f'"{endpoint}"')
    target = folder / "copy.toml"
    target.write_text(text, encoding="utf-8")
    return KszConfig.load(target, env={})


def _found_ssin(sandbox: Sandbox) -> str:
    population = sandbox.population
    return population.ssin_of(next(i for i in range(population.size)
                                    if population.replaced_by(i) is None))


# --- pinning and keys -----------------------------------------------------------------


def test_a_client_pinning_another_certificate_refuses_the_answer(
    sandbox: Sandbox, sandbox_config_path: Path, tmp_path: Path, stranger: Credentials
) -> None:
    _key, cert = _write_pems(tmp_path, stranger, "other")
    config = _config_copy(sandbox_config_path, tmp_path, trust=cert)
    with KszClient(config) as plain, pytest.raises(UntrustedCertificate):
        plain.acting_for(**CONTEXT).person.get(_found_ssin(sandbox))
    # The same copy pinning the sandbox's own certificate gets the person.
    with KszClient(_config_copy(sandbox_config_path, tmp_path)) as plain:
        assert plain.acting_for(**CONTEXT).person.get(_found_ssin(sandbox)).found


def test_a_client_whose_key_the_sandbox_does_not_know_gets_an_unverified_fault(
    sandbox: Sandbox, sandbox_config_path: Path, tmp_path: Path, stranger: Credentials,
    capsys: pytest.CaptureFixture[str],
) -> None:
    key, cert = _write_pems(tmp_path, stranger, "stranger")
    config = _config_copy(sandbox_config_path, tmp_path, key=key, cert=cert)
    ssin = _found_ssin(sandbox)
    with KszClient(config) as plain, pytest.raises(KszFault) as caught:
        plain.acting_for(**CONTEXT).person.get(ssin)
    fault = caught.value
    assert fault.verified is False
    assert fault.faultcode == "wsse:InvalidSecurity"
    assert str(fault).startswith("unverified ")
    assert ssin not in str(fault)
    # The command line treats it as a security failure (it may not come from the
    # KSZ at all), names it unverified and prints no data.
    code = main(["--config", str(tmp_path / "copy.toml"), "--user", "u",
                 "--legal-context", "PCSA:SOCIAL_INQUIRY", "person", "get", ssin, "--json"])
    out, err = capsys.readouterr()
    assert code == EXIT_TRANSPORT
    assert out == ""
    assert "KszFault: unverified" in err


def test_a_client_whose_clock_is_off_is_refused_by_the_sandbox(
    sandbox: Sandbox, sandbox_config: KszConfig
) -> None:
    def late() -> dt.datetime:
        return dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)

    with KszClient(sandbox_config, clock=late) as plain, pytest.raises(KszFault) as caught:
        plain.acting_for(**CONTEXT).person.get(_found_ssin(sandbox))
    assert caught.value.verified is False
    assert caught.value.faultcode == "wsse:InvalidSecurity"


# --- the KSZ's clock ------------------------------------------------------------------


@pytest.fixture
def sandbox_at(
    sandbox: Sandbox, sandbox_config_path: Path, tmp_path: Path
) -> Iterator[Callable[[dt.timedelta], KszClient]]:
    """A sandbox (same keys, same people) whose clock is off by some offset; its client."""
    with ExitStack() as stack:
        started: list[WsgiServer] = []

        def start(offset: dt.timedelta) -> KszClient:
            app = SandboxApp(
                population=sandbox.population,
                signing=sandbox.signing,
                client_certificates=[sandbox.client.cert_pem],
                clock=lambda: dt.datetime.now(dt.UTC) + offset,
                # It accepts our requests: only its answers' timestamps are under test.
                clock_skew=dt.timedelta(minutes=30),
            )
            server = stack.enter_context(WsgiServer(app))
            started.append(server)
            folder = tmp_path / f"sandbox-{len(started)}"
            folder.mkdir()
            config = _config_copy(sandbox_config_path, folder, endpoint=server.url)
            return stack.enter_context(KszClient(config)).acting_for(**CONTEXT)

        yield start


@pytest.mark.parametrize(
    ("offset", "message"),
    [(dt.timedelta(minutes=-10), "expired"), (dt.timedelta(minutes=10), "future")],
)
def test_an_answer_from_a_sandbox_with_a_wrong_clock_is_refused(
    sandbox_at: Callable[[dt.timedelta], KszClient], sandbox: Sandbox,
    offset: dt.timedelta, message: str,
) -> None:
    client = sandbox_at(offset)
    with pytest.raises(TimestampError, match=message):
        client.person.get(_found_ssin(sandbox))


def test_a_sandbox_clock_within_the_skew_is_accepted(
    sandbox_at: Callable[[dt.timedelta], KszClient], sandbox: Sandbox
) -> None:
    assert sandbox_at(dt.timedelta(seconds=30)).person.get(_found_ssin(sandbox)).found


# --- a man in the middle ----------------------------------------------------------------


class Proxy:
    """A WSGI proxy that forwards to the sandbox and hands each answer to `tamper`."""

    def __init__(self, target: str, tamper: Tamper) -> None:
        self.target = target
        self.tamper = tamper
        self.tampered = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        upstream = requests.post(
            self.target + environ["PATH_INFO"],
            data=body,
            headers={"Content-Type": environ.get("CONTENT_TYPE", ""),
                     "SOAPAction": environ.get("HTTP_SOAPACTION", "")},
            timeout=10,
        )
        content = self.tamper(upstream.content)
        if content != upstream.content:
            self.tampered += 1
        start_response(f"{upstream.status_code} {upstream.reason}",
                       [("Content-Type", upstream.headers["Content-Type"]),
                        ("Content-Length", str(len(content)))])
        return [content]


@pytest.fixture
def through_proxy(
    sandbox: Sandbox, sandbox_config_path: Path, tmp_path: Path
) -> Iterator[Callable[[Tamper], tuple[KszClient, Proxy]]]:
    """A client whose endpoint is a tampering proxy in front of the sandbox."""
    with ExitStack() as stack:

        def start(tamper: Tamper) -> tuple[KszClient, Proxy]:
            proxy = Proxy(sandbox.url, tamper)
            server = stack.enter_context(WsgiServer(proxy))
            config = _config_copy(sandbox_config_path, tmp_path, endpoint=server.url)
            return stack.enter_context(KszClient(config)).acting_for(**CONTEXT), proxy

        yield start


def _edit(change: Callable[[etree._Element], None]) -> Tamper:
    def tamper(content: bytes) -> bytes:
        root = etree.fromstring(content)
        change(root)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    return tamper


def _rename(root: etree._Element) -> None:
    last_name = root.find(f"{ENV}Body//lastName")
    assert last_name is not None
    last_name.text = "Mallory"


def _wrap(root: etree._Element) -> None:
    # The signed Body moves into the Header; a forged, unsigned copy takes its place.
    body = root.find(f"{ENV}Body")
    header = root.find(f"{ENV}Header")
    assert body is not None and header is not None
    forged = copy.deepcopy(body)
    del forged.attrib[f"{{{WSU_NS}}}Id"]
    _rename_in(forged)
    header.append(body)
    root.append(forged)


def _rename_in(body: etree._Element) -> None:
    last_name = body.find(".//lastName")
    assert last_name is not None
    last_name.text = "Mallory"


def _strip(root: etree._Element) -> None:
    header = root.find(f"{ENV}Header")
    security = header.find(f"{{{WSSE_NS}}}Security") if header is not None else None
    assert header is not None and security is not None
    header.remove(security)


@pytest.mark.parametrize(
    ("change", "error"),
    [(_rename, InvalidSignature), (_wrap, SignatureWrapping), (_strip, MissingSignature)],
    ids=["tampered-content", "wrapped-body", "stripped-security"],
)
def test_a_tampered_answer_is_refused(
    through_proxy: Callable[[Tamper], tuple[KszClient, Proxy]], sandbox: Sandbox,
    change: Callable[[etree._Element], None], error: type[Exception],
) -> None:
    client, proxy = through_proxy(_edit(change))
    with pytest.raises(error):
        client.person.get(_found_ssin(sandbox))
    assert proxy.tampered == 1


def test_the_untouched_proxy_path_works(
    through_proxy: Callable[[Tamper], tuple[KszClient, Proxy]], sandbox: Sandbox
) -> None:
    client, proxy = through_proxy(lambda content: content)
    assert client.person.get(_found_ssin(sandbox)).found
    assert proxy.tampered == 0


def test_a_replayed_answer_is_refused(
    through_proxy: Callable[[Tamper], tuple[KszClient, Proxy]], sandbox: Sandbox
) -> None:
    # A genuine, correctly signed, unexpired answer, but to another request.
    recorded: list[bytes] = []

    def replay(content: bytes) -> bytes:
        if not recorded:
            recorded.append(content)
        return recorded[0]

    client, proxy = through_proxy(replay)
    population = sandbox.population
    first = client.person.get(population.ssin_of(0))
    assert first.found
    with pytest.raises(ResponseError, match="another request"):
        client.person.get(population.ssin_of(1))
    assert proxy.tampered == 1


def test_a_forged_unsigned_fault_is_reported_as_unverified(
    through_proxy: Callable[[Tamper], tuple[KszClient, Proxy]], sandbox: Sandbox
) -> None:
    forged = (
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV_NS}"><soapenv:Body><soapenv:Fault>'
        "<faultcode>soapenv:Server</faultcode><faultstring>MSG00003: try again at "
        "http://mallory.example</faultstring></soapenv:Fault></soapenv:Body>"
        "</soapenv:Envelope>"
    ).encode()
    client, _proxy = through_proxy(lambda _content: forged)
    with pytest.raises(KszFault) as caught:
        client.person.get(_found_ssin(sandbox))
    assert caught.value.verified is False
    assert str(caught.value).startswith("unverified ")
