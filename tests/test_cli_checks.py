"""``ksz config check`` and ``ksz doctor`` against a real sandbox, and the client's own refusal
of unusable signing credentials."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import os
import re
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import lxml.etree
import pytest
import xmlsec

from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import ConfigError
from ksz_client._pki import Credentials, generate_self_signed
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK, EXIT_TRANSPORT, EXIT_USAGE, main
from ksz_client.cli._check import skew_from_date
from ksz_client.sandbox import Sandbox

NOW = dt.datetime.now(dt.UTC)
EXPIRING = generate_self_signed("expiring.ocmw.example", days=10)
EXPIRED = generate_self_signed("expired.ocmw.example", days=5,
                               not_before=NOW - dt.timedelta(days=40))
FUTURE = generate_self_signed("future.ocmw.example", days=365,
                              not_before=NOW + dt.timedelta(days=3))


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No KSZ_* variable and no ./ksz.toml of the developer's may leak into a test."""
    for name in list(os.environ):
        if name.startswith("KSZ_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    # The sandbox trusts the expiring certificate too: the check must still get through.
    with Sandbox(seed=1, persons=20, extra_client_certificates=[EXPIRING.cert_pem]) as running:
        yield running


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def _config(sb: Sandbox, folder: Path, credentials: Credentials | None = None, *,
            cert_only: Credentials | None = None, extra: str = "") -> Path:
    """A sandbox configuration in `folder`, optionally with other key/certificate files."""
    path = sb.write_config(folder / "ksz.toml")
    if credentials is not None:
        (folder / "client-key.pem").write_bytes(credentials.key_pem)
        (folder / "client-cert.pem").write_bytes(credentials.cert_pem)
    if cert_only is not None:
        (folder / "client-cert.pem").write_bytes(cert_only.cert_pem)
    if extra:
        with path.open("a", encoding="utf-8") as fh:
            fh.write(extra)
    return path


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _with_endpoint(path: Path, endpoint: str) -> Path:
    text = re.sub(r'(?m)^endpoint = ".*"$', f'endpoint = "{endpoint}"',
                  path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    return path


# --- config check ------------------------------------------------------------------------------


@pytest.mark.e2e
def test_config_check_passes_against_the_sandbox(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config(sb, tmp_path, extra='\n[audit]\npath = "audit.sqlite3"\n')
    code, out, _ = run(capsys, "--config", str(path), "config", "check")
    assert code == EXIT_OK, out
    assert "environment   sandbox" in out
    assert f"{sb.url}/...  (" in out
    assert "the private key belongs to the certificate and signs" in out
    assert "audit log opened" in out
    assert "echo          'ksz-client config check'" in out
    assert "the KSZ saw the configured certificate" in out
    assert "ERROR" not in out and "WARNING" not in out
    code, out, _ = run(capsys, "--config", str(path), "config", "check", "--json",
                       "--echo", "json please")
    data = json.loads(out)
    assert code == EXIT_OK and data["exit_code"] == EXIT_OK
    assert data["environment"] == "sandbox" and data["auth"] == "x509"
    assert data["endpoints"]["PersonService"] == f"{sb.url}/PersonService/v4/consult"
    assert data["test_connection_url"] == \
        f"{sb.url}/TestConnectionServiceService/sendTestMessage"
    assert data["connection"]["echo"] == "json please"
    assert data["connection"]["certificate"]["subject"] == \
        sb.client.certificate.subject.rfc4514_string()
    assert {f["severity"] for f in data["findings"]} == {"ok"}


@pytest.mark.e2e
def test_per_service_endpoints_are_shown(sb: Sandbox, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = _config(sb, tmp_path, extra='\n[endpoints]\nPersonService = '
                   '"https://proxy.example/SOA4520/PersonService/v4/consult"\n')
    code, out, _ = run(capsys, "--config", str(path), "config", "check", "--offline")
    assert code == EXIT_OK
    assert ("PersonService: https://proxy.example/SOA4520/PersonService/v4/consult  "
            "(endpoints.PersonService)") in out
    assert "connection test skipped (--offline)" in out


@pytest.mark.e2e
def test_a_certificate_of_another_key_is_a_configuration_error(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config(sb, tmp_path, cert_only=generate_self_signed("someone-else.example"))
    code, out, _ = run(capsys, "--config", str(path), "config", "check")
    assert code == EXIT_USAGE
    cert = tmp_path / "client-cert.pem"
    assert ("ERROR    auth.cert_file: the certificate does not belong to the private key "
            f"(certificate {cert}, private key {tmp_path / 'client-key.pem'})") in out
    assert "no test message sent" in out  # the client refuses the pair before sending
    with pytest.raises(ConfigError, match="does not belong to the private key") as caught:
        KszClient(KszConfig.load(path, env={}))
    assert caught.value.key == "auth.cert_file"


@pytest.mark.e2e
def test_a_certificate_expiring_within_30_days_is_a_warning(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config(sb, tmp_path, EXPIRING)
    code, out, _ = run(capsys, "--config", str(path), "config", "check")
    assert code == EXIT_BUSINESS, out
    day = EXPIRING.certificate.not_valid_after_utc.strftime("%Y-%m-%d")
    assert re.search(rf"WARNING  the certificate {re.escape(str(tmp_path))}/client-cert.pem "
                     rf"expires on {day} .*, in \d days: renew it now", out), out
    # It still works: the connection test passes, with that certificate.
    assert "the KSZ saw the configured certificate" in out


@pytest.mark.e2e
@pytest.mark.parametrize(("creds", "wording", "date"), [
    (EXPIRED, "expired on", EXPIRED.certificate.not_valid_after_utc),
    (FUTURE, "is not valid before", FUTURE.certificate.not_valid_before_utc),
])
def test_an_expired_or_future_certificate_is_an_error_naming_file_and_date(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    creds: Credentials, wording: str, date: dt.datetime,
) -> None:
    path = _config(sb, tmp_path, creds)
    message = f"the certificate {tmp_path / 'client-cert.pem'} {wording} {date:%Y-%m-%d %H:%M} UTC"
    code, out, _ = run(capsys, "--config", str(path), "config", "check")
    assert code == EXIT_USAGE
    assert f"ERROR    {message}" in out
    # The client itself refuses it, with the same message and the key to fix.
    with pytest.raises(ConfigError) as caught:
        KszClient(KszConfig.load(path, env={}))
    assert str(caught.value) == f"auth.cert_file: {message}"
    assert caught.value.key == "auth.cert_file"


@pytest.mark.e2e
def test_an_unreachable_endpoint_is_a_transport_failure(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _with_endpoint(_config(sb, tmp_path), f"http://127.0.0.1:{_closed_port()}")
    code, out, _ = run(capsys, "--config", str(path), "config", "check", "--json")
    assert code == EXIT_TRANSPORT
    data = json.loads(out)
    failed = [f for f in data["findings"] if f["severity"] == "error"]
    assert len(failed) == 1 and failed[0]["check"] == "connection test"
    assert failed[0]["message"].startswith(
        "sendTestMessage failed: ConnectError: cannot connect to the KSZ endpoint")
    assert data["connection"] is None


@pytest.mark.e2e
def test_unreadable_trust_and_audit_log_are_errors(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "not-a-folder").write_text("a file", encoding="utf-8")
    path = _config(sb, tmp_path, extra='\n[audit]\npath = "not-a-folder/audit.sqlite3"\n')
    (tmp_path / "sandbox-signing-cert.pem").write_text("garbage", encoding="utf-8")
    code, out, _ = run(capsys, "--config", str(path), "config", "check", "--offline")
    assert code == EXIT_USAGE
    assert "ERROR    trust.ksz_certificates: sandbox-signing-cert.pem is not a certificate" in out
    assert "ERROR    cannot open the audit log" in out


def test_an_unloadable_configuration_exits_2(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--config", str(tmp_path / "missing.toml"), "config", "check")
    assert code == EXIT_USAGE
    assert "no configuration file at" in err


def test_the_key_pair_is_tried_with_the_signer_calls_use(sb: Sandbox, tmp_path: Path) -> None:
    # config check and the client refuse the same pairs, in the same words.
    from ksz_client._client import _load_credentials, _read_trusted, _signer
    from ksz_client._credentials import check_config

    def pair(folder: Path, cert_only: Credentials | None) -> list[str]:
        config = KszConfig.load(_config(sb, folder, cert_only=cert_only), env={})
        findings = check_config(
            config, now=dt.datetime.now(dt.UTC), load=_load_credentials,
            read_trusted=_read_trusted,
            sign=lambda c: _signer(c.key_pem, c.cert_pem, config.timestamp_ttl))
        return [f"{f.severity} {f.message}" for f in findings if f.check == "key and certificate"]

    assert pair(tmp_path / "same", None) == [
        "ok the private key belongs to the certificate and signs"]
    other = tmp_path / "other"
    assert pair(other, generate_self_signed("two.example")) == [
        "error auth.cert_file: the certificate does not belong to the private key "
        f"(certificate {other / 'client-cert.pem'}, private key {other / 'client-key.pem'})"]


@pytest.mark.e2e
def test_an_unreadable_private_key_is_refused_naming_its_file(
    sb: Sandbox, tmp_path: Path,
) -> None:
    path = _config(sb, tmp_path)
    (tmp_path / "client-key.pem").write_bytes(b"-----BEGIN PRIVATE KEY-----\nbroken\n")
    with pytest.raises(ConfigError, match="the private key cannot be read") as caught:
        KszClient(KszConfig.load(path, env={}))
    assert f"private key {tmp_path / 'client-key.pem'}" in str(caught.value)


# --- doctor ------------------------------------------------------------------------------------


@pytest.mark.e2e
def test_doctor_reports_versions_and_a_small_skew_against_the_sandbox(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config(sb, tmp_path)
    code, out, _ = run(capsys, "--config", str(path), "doctor", "--json")
    data = json.loads(out)
    assert code == EXIT_OK, out
    versions = data["versions"]
    assert versions["lxml libxml2 (running)"] == ".".join(map(str, lxml.etree.LIBXML_VERSION))
    assert versions["xmlsec libxml2 (running)"] == \
        ".".join(map(str, xmlsec.get_libxml_version()))
    assert {"python", "ksz-client", "xmlsec", "OpenSSL (ssl)", "requests", "urllib3"} <= \
        versions.keys()
    skew = data["clock_skew"]
    assert skew["url"].startswith(sb.url) and skew["allowed_seconds"] == 60
    assert abs(skew["seconds"]) <= 60
    code, out, _ = run(capsys, "--config", str(path), "doctor")
    assert code == EXIT_OK
    assert "lxml and xmlsec run on the same libxml2" in out


def test_doctor_without_a_configuration_skips_the_clock(
    capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "doctor")
    assert code == EXIT_OK
    assert "no configuration" in out and "clock skew not measured" in out


def test_doctor_detects_a_libxml2_mismatch(monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(xmlsec, "get_libxml_version", lambda: (2, 9, 1))
    code, out, _ = run(capsys, "doctor")
    assert code == EXIT_USAGE
    running = ".".join(map(str, lxml.etree.LIBXML_VERSION))
    assert f"lxml runs on libxml2 {running} and xmlsec on 2.9.1" in out
    assert "known cause of crashes" in out


def test_doctor_warns_when_a_library_runs_on_another_libxml2_than_it_was_built_for(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(lxml.etree, "LIBXML_COMPILED_VERSION", (2, 10, 0))
    code, out, _ = run(capsys, "doctor", "--json")
    data = json.loads(out)
    assert code == EXIT_BUSINESS
    assert [f["check"] for f in data["findings"] if f["severity"] == "warning"] == \
        ["lxml libxml2"]


class _DateServer:
    """A local HTTP server answering every request with a chosen Date header (or none)."""

    def __init__(self, date: str | None) -> None:
        chosen = date

        class Handler(BaseHTTPRequestHandler):
            def do_HEAD(self) -> None:
                self.send_response_only(405)
                if chosen is not None:
                    self.send_header("Date", chosen)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> _DateServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.mark.e2e
def test_doctor_warns_about_a_server_clock_five_minutes_ahead(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ahead = email.utils.format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5),
                                        usegmt=True)
    with _DateServer(ahead) as server:
        path = _with_endpoint(_config(sb, tmp_path), server.url)
        code, out, _ = run(capsys, "--config", str(path), "doctor", "--json")
    data = json.loads(out)
    assert code == EXIT_BUSINESS
    assert 295 <= data["clock_skew"]["seconds"] <= 301
    (warning,) = [f for f in data["findings"] if f["severity"] == "warning"]
    assert "ahead of ours" in warning["message"] and "60 s allowed" in warning["message"]


@pytest.mark.e2e
def test_doctor_without_a_date_header_or_a_server_fails_the_clock_check(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with _DateServer(None) as server:
        path = _with_endpoint(_config(sb, tmp_path), server.url)
        code, out, _ = run(capsys, "--config", str(path), "doctor")
    assert code == EXIT_TRANSPORT
    assert "no Date header" in out
    _with_endpoint(path, f"http://127.0.0.1:{_closed_port()}")
    code, out, _ = run(capsys, "--config", str(path), "doctor")
    assert code == EXIT_TRANSPORT and "cannot reach" in out


def test_skew_is_taken_against_the_middle_of_the_exchange() -> None:
    sent = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=dt.UTC)
    received = sent + dt.timedelta(seconds=4)
    assert skew_from_date("Sun, 01 Mar 2026 12:00:32 GMT", sent=sent, received=received) == \
        dt.timedelta(seconds=30)
    assert skew_from_date("Sun, 01 Mar 2026 11:59:00 GMT", sent=sent, received=received) == \
        dt.timedelta(seconds=-62)
    with pytest.raises((TypeError, ValueError)):
        skew_from_date("yesterday", sent=sent, received=received)


def test_a_certificate_valid_from_within_the_clock_skew_is_accepted(
    sb: Sandbox, tmp_path: Path
) -> None:
    # Issued a few seconds "in the future" by a CA whose clock runs ahead of ours.
    fresh = generate_self_signed("fresh.ocmw.example",
                                 not_before=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30))
    with KszClient(KszConfig.load(_config(sb, tmp_path, fresh), env={})) as client:
        assert client.config.auth.cert_file == tmp_path / "client-cert.pem"
