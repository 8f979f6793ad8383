"""``ksz config check`` and ``ksz doctor``: is this installation ready to call the KSZ?

``config check`` loads the configuration, checks the credentials (key and
certificate belong together, validity, expiry within 30 days), the trusted KSZ
certificates and the audit log, then sends ``sendTestMessage``
(TestConnectionService) and shows the echo and the certificate the KSZ saw.

``doctor`` reports the versions that matter (lxml and xmlsec must run on the
same libxml2) and the clock skew against the endpoint's HTTP ``Date`` header.

Exit codes (both commands): 0 everything ok; 1 warnings only (works, act
soon: a certificate expiring within 30 days, a clock drifting); 2 a
configuration or installation error; 3 the endpoint could not be reached or
its answer was refused (transport, response or signature failure).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import email.utils
import getpass
import importlib.metadata
import json
import os
import platform
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from ksz_client.cli import EXIT_BUSINESS, EXIT_OK, EXIT_TRANSPORT, EXIT_USAGE

if TYPE_CHECKING:
    from ksz_client._config import KszConfig
    from ksz_client._credentials import Finding
    from ksz_client.services.test_connection import TestConnectionResult

__all__ = ["clock_skew", "libraries", "register", "run_check", "run_doctor", "skew_from_date"]

_EXIT_HELP: Final = ("Exit codes: 0 all ok, 1 warnings only, 2 configuration or installation "
                     "error, 3 endpoint unreachable or its answer refused.")
_ECHO: Final = "ksz-client config check"


def register(sub: Any) -> None:
    config = sub.add_parser("config", help="check the configuration and the connection")
    commands = config.add_subparsers(dest="config_command", metavar="COMMAND")
    commands.required = True
    check = commands.add_parser(
        "check", help="credentials, trust, audit log, then a test message to the KSZ",
        description="Load the configuration (--config, else $KSZ_CONFIG, else ./ksz.toml), "
        "check the key and certificate, their validity (warning 30 days before expiry), the "
        "trusted KSZ certificates and the audit log, then send sendTestMessage "
        "(TestConnectionService) and show the echo and the certificate the KSZ saw.",
        epilog=_EXIT_HELP,
    )
    check.add_argument("--offline", action="store_true",
                       help="local checks only: send no test message")
    check.add_argument("--echo", default=_ECHO, help="the text the KSZ must send back")
    check.add_argument("--json", action="store_true", help="JSON output")
    check.set_defaults(run=run_check)

    doctor = sub.add_parser(
        "doctor", help="library versions (lxml/xmlsec/libxml2) and clock skew",
        description="Versions of Python, ksz-client, lxml, xmlsec, libxml2, OpenSSL, requests "
        "and urllib3; whether lxml and xmlsec run on the same libxml2; the clock skew against "
        "the configured endpoint's HTTP Date header (skipped without a configuration).",
        epilog=_EXIT_HELP,
    )
    doctor.add_argument("--offline", action="store_true", help="skip the clock-skew request")
    doctor.add_argument("--json", action="store_true", help="JSON output")
    doctor.set_defaults(run=run_doctor)


# --- shared -----------------------------------------------------------------------------


@dataclass
class _Report:
    """The findings of a command, and what decides its exit code."""

    findings: list[Finding] = field(default_factory=list)
    transport_failed: bool = False

    def add(self, check: str, severity: str, message: str) -> None:
        from ksz_client._credentials import Finding, Severity

        self.findings.append(Finding(check, Severity(severity), message))

    @property
    def exit_code(self) -> int:
        from ksz_client._credentials import Severity

        if any(f.severity is Severity.ERROR for f in self.findings):
            return EXIT_TRANSPORT if self.transport_failed else EXIT_USAGE
        if any(f.severity is Severity.WARNING for f in self.findings):
            return EXIT_BUSINESS
        return EXIT_OK


def _print_findings(findings: Sequence[Finding]) -> None:
    marks = {"ok": "ok     ", "warning": "WARNING", "error": "ERROR  "}
    for finding in findings:
        print(f"  {marks[finding.severity.value]}  {finding.message}")


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


# --- config check -----------------------------------------------------------------------


def run_check(args: argparse.Namespace) -> int:
    """``ksz config check``."""
    from ksz_client import _client, catalogue
    from ksz_client._config import KszConfig
    from ksz_client._credentials import check_config

    config = KszConfig.load(args.config)  # unloadable: ConfigError, exit 2 by main
    report = _Report()
    report.findings += check_config(
        config, now=_now(), load=_client._load_credentials,
        read_trusted=_client._read_trusted,
        sign=lambda c: _client._signer(c.key_pem, c.cert_pem, config.timestamp_ttl))
    service = catalogue.get("TestConnectionService")
    test_url = config.url_for(service.name, service.path)
    connection: dict[str, Any] | None = None
    if args.offline:
        report.add("connection test", "ok", "connection test skipped (--offline)")
    else:
        connection = _test_connection(config, args, report)
    result = {
        "environment": config.environment.value,
        "organisation": _organisation(config),
        "auth": config.auth.mode.value,
        "endpoints": _endpoints(config),
        "test_connection_url": test_url,
        "connection": connection,
        "findings": [{"check": f.check, "severity": f.severity.value, "message": f.message}
                     for f in report.findings],
        "exit_code": report.exit_code,
    }
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return report.exit_code
    print(f"environment   {result['environment']}")
    print(f"organisation  {result['organisation']}")
    print(f"auth          {result['auth']}")
    print("endpoints")
    for base, names in _bases(config).items():
        print(f"  {base}/...  ({len(names)} services)")
    for name, url in _overrides(config).items():
        print(f"  {name}: {url}  (endpoints.{name})")
    print("checks")
    _print_findings(report.findings)
    if connection is not None:
        print("connection test")
        print(f"  url           {test_url}")
        print(f"  echo          {connection['echo']!r}")
        seen = connection["certificate"]
        if seen is not None:
            print(f"  certificate   {seen['subject']}")
            print(f"  issuer        {seen['issuer']}")
            print(f"  serial        {seen['serial_number']:x}")
            print(f"  valid         {seen['not_before']} .. {seen['not_after']}")
        print(f"  ticketCBSS    {connection['ticket_cbss']}")
    return report.exit_code


def _organisation(config: KszConfig) -> str:
    org = config.organisation
    return f"KBO {org.cbe_number}" if org.cbe_number else (
        f"sector {org.sector}, institution {org.institution}")


def _endpoints(config: KszConfig) -> dict[str, str]:
    """The URL each implemented service is called at, by service name."""
    from ksz_client import catalogue

    return {s.name: config.url_for(s.name, s.path, ssdn=s.wire is catalogue.WireStyle.SSDN)
            for s in catalogue.services(implemented=True)
            if s.group is not catalogue.Group.NOTIFICATIONS}


def _bases(config: KszConfig) -> dict[str, list[str]]:
    """The services at their default URL, grouped by the base URL it starts with."""
    from ksz_client import catalogue

    overridden = _overrides(config)
    groups: dict[str, list[str]] = {}
    for name, url in _endpoints(config).items():
        service = catalogue.get(name)
        path = (catalogue.SSDN_CONNECTOR_PATH if service.wire is catalogue.WireStyle.SSDN
                else service.path)
        if name in overridden or not url.endswith("/" + path.strip("/")):
            continue
        groups.setdefault(url[: -len(path.strip("/")) - 1], []).append(name)
    return groups


def _overrides(config: KszConfig) -> dict[str, str]:
    endpoints = _endpoints(config)
    return {name: url for name, url in endpoints.items()
            if any(key.casefold() == name.casefold() for key in config.endpoints)}


def _test_connection(config: KszConfig, args: argparse.Namespace,
                     report: _Report) -> dict[str, Any] | None:
    from ksz_client._client import KszClient
    from ksz_client._exceptions import ConfigError, KszError

    user = args.user or config.default_user or _os_user()
    try:
        client = KszClient(config)
    except ConfigError as exc:
        report.add("connection test", "error", f"no test message sent: {exc}")
        return None
    with client:
        try:
            result = client.acting_for(user=user).test_connection.send(args.echo)
        except KszError as exc:
            report.transport_failed = True
            report.add("connection test", "error",
                       f"sendTestMessage failed: {type(exc).__name__}: {exc}")
            return None
    report.add("connection test", "ok", "the KSZ answered sendTestMessage with the echo")
    _compare_certificate(config, result, report)
    return {
        "echo": result.echo,
        "certificate": _certificate_json(result),
        "certificate_text": None if result.certificate is not None else result.certificate_text,
        "ticket_cbss": result.receipt.ticket_cbss,
    }


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no account name (some containers)
        return "ksz-config-check"


def _certificate_json(result: TestConnectionResult) -> dict[str, Any] | None:
    seen = result.certificate
    if seen is None:
        return None
    return {"subject": seen.subject, "issuer": seen.issuer, "serial_number": seen.serial_number,
            "not_before": seen.not_before.isoformat(), "not_after": seen.not_after.isoformat(),
            "sha256": seen.sha256}


def _compare_certificate(config: KszConfig, result: TestConnectionResult,
                         report: _Report) -> None:
    """Is the certificate the KSZ saw the configured signing certificate?"""
    from ksz_client import _client
    from ksz_client._config import AuthMode
    from ksz_client._credentials import certificate_info
    from ksz_client._pki import load_certificate

    if config.auth.mode is not AuthMode.X509:
        return
    ours = certificate_info(load_certificate(_client._load_credentials(config).cert_pem))
    seen = result.certificate
    if seen is None:
        known = ours.subject in result.certificate_text
        report.add("certificate seen", "ok" if known else "warning",
                   "the KSZ names the configured certificate's subject" if known else
                   "the KSZ did not send a certificate: cannot tell which one it saw")
    elif seen.sha256 == ours.sha256:
        report.add("certificate seen", "ok", "the KSZ saw the configured certificate")
    else:
        report.transport_failed = True
        report.add("certificate seen", "error",
                   f"the KSZ saw another certificate ({seen.subject}, serial "
                   f"{seen.serial_number:x}) than the configured one ({ours.subject})")


# --- doctor -----------------------------------------------------------------------------


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _dotted(version: Sequence[int]) -> str:
    return ".".join(str(part) for part in version)


def libraries() -> dict[str, str]:
    """The versions that matter to the SDK, as text, read from the libraries themselves."""
    import ssl

    import lxml.etree
    import xmlsec

    return {
        "python": f"{platform.python_version()} ({platform.python_implementation()})",
        "ksz-client": _version("ksz-client"),
        "lxml": _dotted(lxml.etree.LXML_VERSION),
        "lxml libxml2 (compiled)": _dotted(lxml.etree.LIBXML_COMPILED_VERSION),
        "lxml libxml2 (running)": _dotted(lxml.etree.LIBXML_VERSION),
        "xmlsec": _version("xmlsec"),
        # Not in the xmlsec stubs; present since xmlsec 1.3.14.
        "libxmlsec1": _dotted(getattr(xmlsec, "get_libxmlsec_version", tuple)()),
        "xmlsec libxml2 (compiled)": _dotted(xmlsec.get_libxml_compiled_version()),
        "xmlsec libxml2 (running)": _dotted(xmlsec.get_libxml_version()),
        "OpenSSL (ssl)": ssl.OPENSSL_VERSION,
        "requests": _version("requests"),
        "urllib3": _version("urllib3"),
    }


def _check_libxml(versions: dict[str, str], report: _Report) -> None:
    lxml_run = versions["lxml libxml2 (running)"]
    xmlsec_run = versions["xmlsec libxml2 (running)"]
    if lxml_run != xmlsec_run:
        report.add("libxml2", "error",
                   f"lxml runs on libxml2 {lxml_run} and xmlsec on {xmlsec_run}: "
                   "a known cause of crashes and failed signatures; install both from wheels "
                   "built on the same libxml2 (or both from source against the system one)")
    else:
        report.add("libxml2", "ok", f"lxml and xmlsec run on the same libxml2 {lxml_run}")
    for library in ("lxml", "xmlsec"):
        compiled = versions[f"{library} libxml2 (compiled)"]
        running = versions[f"{library} libxml2 (running)"]
        if compiled != running:
            report.add(f"{library} libxml2", "warning",
                       f"{library} was compiled against libxml2 {compiled} but runs on "
                       f"{running}: reinstall it for this libxml2")


def skew_from_date(date_header: str, *, sent: _dt.datetime,
                   received: _dt.datetime) -> _dt.timedelta:
    """Server clock minus ours, from an HTTP ``Date`` header (one-second resolution).

    Ours is taken halfway between sending and receiving. Raises `ValueError`
    for a header that is not an HTTP date.
    """
    server = email.utils.parsedate_to_datetime(date_header)
    if server.tzinfo is None:
        raise ValueError("the Date header has no time zone")
    return server - (sent + (received - sent) / 2)


def clock_skew(url: str, *, verify: bool | str = True, timeout: float = 5.0,
               cert: tuple[str, str] | None = None,
               clock: Callable[[], _dt.datetime] = _now) -> _dt.timedelta:
    """The skew between the server at `url` and this machine, from a HEAD request.

    Any HTTP answer carries a ``Date``: a 401 or 405 does as well as a 200.
    Raises `TransportError` when the server cannot be reached, `ResponseError`
    when it sends no usable ``Date``.
    """
    import requests

    from ksz_client._exceptions import ResponseError, TransportError

    sent = clock()
    try:
        response = requests.head(url, verify=verify, timeout=timeout, cert=cert,
                                 allow_redirects=False)
    except requests.RequestException as exc:
        raise TransportError(f"cannot reach {url} ({type(exc).__name__})") from None
    received = clock()
    header = response.headers.get("Date")
    if not header:
        raise ResponseError("the endpoint's answer has no Date header")
    try:
        return skew_from_date(header, sent=sent, received=received)
    except (TypeError, ValueError):
        raise ResponseError("the endpoint's Date header is not an HTTP date") from None


def run_doctor(args: argparse.Namespace) -> int:
    """``ksz doctor``."""
    from ksz_client import catalogue
    from ksz_client._config import KszConfig
    from ksz_client._exceptions import ConfigError, KszError

    report = _Report()
    versions = libraries()
    _check_libxml(versions, report)
    skew: dict[str, Any] | None = None
    config: KszConfig | None = None
    if args.config or os.environ.get("KSZ_CONFIG") or os.path.isfile("ksz.toml"):
        try:
            config = KszConfig.load(args.config)
        except ConfigError as exc:
            report.add("configuration", "error", str(exc))
    if config is None:
        if not any(f.check == "configuration" for f in report.findings):
            report.add("clock skew", "ok",
                       "no configuration (--config, $KSZ_CONFIG, ./ksz.toml): clock skew "
                       "not measured")
    elif args.offline:
        report.add("clock skew", "ok", "clock skew not measured (--offline)")
    else:
        service = catalogue.get("TestConnectionService")
        url = config.url_for(service.name, service.path)
        verify: bool | str = str(config.trust.ca_bundle) if config.trust.ca_bundle else True
        cert = ((str(config.tls_client_cert), str(config.tls_client_key))
                if config.tls_client_cert is not None and config.tls_client_key is not None
                else None)
        try:
            measured = clock_skew(url, verify=verify, timeout=config.timeouts.connect,
                                  cert=cert)
        except KszError as exc:
            report.transport_failed = True
            report.add("clock skew", "error", f"clock skew not measured: {exc}")
        else:
            seconds = measured.total_seconds()
            allowed = config.clock_skew.total_seconds()
            skew = {"url": url, "seconds": seconds, "allowed_seconds": allowed}
            ahead = "ahead of" if seconds > 0 else "behind"
            text = f"the server's clock is {abs(seconds):.1f} s {ahead} ours (±1 s)"
            if abs(seconds) > allowed:
                report.add("clock skew", "warning",
                           f"{text}: more than the {allowed:g} s allowed (clock_skew); "
                           "synchronise this machine's clock (NTP), or signatures and "
                           "timestamps will be refused")
            else:
                report.add("clock skew", "ok", f"{text}; clock_skew allows {allowed:g} s")
    if args.json:
        json.dump({"versions": versions, "clock_skew": skew,
                   "findings": [{"check": f.check, "severity": f.severity.value,
                                 "message": f.message} for f in report.findings],
                   "exit_code": report.exit_code},
                  sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return report.exit_code
    print("versions")
    width = max(len(name) for name in versions)
    for name, value in versions.items():
        print(f"  {name.ljust(width)}  {value}")
    print("checks")
    _print_findings(report.findings)
    return report.exit_code

