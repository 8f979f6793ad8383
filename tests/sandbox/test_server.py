"""The sandbox server: TLS, streaming WSGI apps, persistence across restarts."""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography import x509

from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client.sandbox import Sandbox, WsgiServer

CONTEXT = {"user": "test-social-worker", "legal_context": "PCSA:SOCIAL_INQUIRY"}


@pytest.fixture(scope="module")
def tls_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Sandbox, Path]]:
    with Sandbox(seed=4, persons=80, tls=True) as sandbox:
        yield sandbox, sandbox.write_config(tmp_path_factory.mktemp("tls") / "ksz.toml")


def _normal(sandbox: Sandbox) -> str:
    (profile,) = sandbox.persons(limit=1, deceased=False, replaced=False, fault=None)
    return str(profile.ssin)


def test_tls_serves_https_that_the_written_configuration_trusts(
    tls_sandbox: tuple[Sandbox, Path],
) -> None:
    sandbox, path = tls_sandbox
    assert sandbox.url.startswith("https://127.0.0.1:")
    config = KszConfig.load(path, env={})
    assert config.endpoint == sandbox.url
    assert config.trust.ca_bundle == path.parent / "sandbox-tls-ca.pem"
    with KszClient(config) as client:
        ssin = _normal(sandbox)
        assert client.acting_for(**CONTEXT).person.get(ssin).person is not None
    # Without the sandbox CA, the server is not trusted.
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(sandbox.url + "/", timeout=10)
    assert requests.get(sandbox.url + "/", timeout=10,
                        verify=str(config.trust.ca_bundle)).status_code == 200


def test_the_tls_certificate_names_the_loopback_host_and_needs_tls12(
    tls_sandbox: tuple[Sandbox, Path],
) -> None:
    sandbox, path = tls_sandbox
    context = ssl.create_default_context(cafile=str(path.parent / "sandbox-tls-ca.pem"))
    with socket.create_connection(("127.0.0.1", sandbox.server.port), timeout=5) as raw, \
            context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        der = tls.getpeercert(binary_form=True)
        assert tls.version() in ("TLSv1.2", "TLSv1.3")
    assert der is not None
    names = x509.load_der_x509_certificate(der).extensions.get_extension_for_class(
        x509.SubjectAlternativeName).value
    assert "localhost" in names.get_values_for_type(x509.DNSName)
    assert {str(ip) for ip in names.get_values_for_type(x509.IPAddress)} >= {"127.0.0.1", "::1"}
    assert sandbox.server._server.tls.minimum_version is ssl.TLSVersion.TLSv1_2  # type: ignore[union-attr]


def test_a_silent_tls_client_does_not_block_others(tls_sandbox: tuple[Sandbox, Path]) -> None:
    sandbox, path = tls_sandbox
    # Connected, never says a word: the handshake waits in its own thread.
    with socket.create_connection(("127.0.0.1", sandbox.server.port), timeout=5):
        started = time.monotonic()
        response = requests.get(sandbox.url + "/", timeout=5,
                                verify=str(path.parent / "sandbox-tls-ca.pem"))
        assert response.status_code == 200
        assert time.monotonic() - started < 5


def test_plain_http_to_a_tls_sandbox_is_dropped_and_the_server_goes_on(
    tls_sandbox: tuple[Sandbox, Path],
) -> None:
    sandbox, path = tls_sandbox
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{sandbox.server.port}/", timeout=5)
    assert requests.get(sandbox.url + "/", timeout=5,
                        verify=str(path.parent / "sandbox-tls-ca.pem")).status_code == 200


def test_tls_keys_are_kept_in_the_state(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    with Sandbox(seed=4, persons=80, tls=True, state=state) as first:
        ca = first.tls_ca
        signing = first.signing
    with Sandbox(seed=4, persons=80, tls=True, state=state) as second:
        assert second.tls_ca == ca and second.signing == signing


# --- WSGI ---------------------------------------------------------------------------------------


def _lazy_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
    # A WSGI app that calls start_response only when its first chunk is asked for.
    start_response("200 OK", [("Content-Type", "text/plain")])
    yield b"one "
    yield b"two"


def test_a_generator_app_without_content_length_is_streamed_and_closed() -> None:
    with WsgiServer(_lazy_app) as server:
        response = requests.get(server.url + "/", timeout=5)
    assert response.text == "one two"
    assert response.headers["Connection"] == "close"


def test_an_app_failing_mid_request_leaves_the_server_serving() -> None:
    calls: list[int] = []

    def flaky(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("boom")
        start_response("200 OK", [("Content-Length", "2")])
        return [b"ok"]

    with WsgiServer(flaky) as server:
        with pytest.raises(requests.ConnectionError):
            requests.get(server.url + "/", timeout=5)
        assert requests.get(server.url + "/", timeout=5).text == "ok"
