"""Checks of the credentials a configuration names: key and certificate, validity, trust.

The client refuses, when it is built, a signing certificate that is expired or
not yet valid (`require_usable`), and a key pair the Signer cannot use, e.g. a
certificate of another key (`signing_refused` names the file): the KSZ would
refuse every call, with a less helpful message. ``ksz config
check`` runs the same checks and more (`check_config`), and reports each as a
`Finding` instead of stopping at the first.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from ksz_client._config import AuthMode, KszConfig
from ksz_client._exceptions import ConfigError, KszError
from ksz_client._pki import Credentials, load_certificate

__all__ = [
    "EXPIRY_WARNING",
    "CertificateInfo",
    "Finding",
    "Severity",
    "certificate_info",
    "check_config",
    "require_usable",
    "require_valid_file",
    "signing_refused",
    "validity",
]

EXPIRY_WARNING: Final = _dt.timedelta(days=30)
"""A certificate that expires within this time gets a warning."""


class Severity(StrEnum):
    """How bad a finding is: ``ok``, ``warning`` (works, act soon) or ``error`` (broken)."""

    OK = "ok"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Finding:
    """The outcome of one check: which, how bad, and what to tell the operator."""

    check: str
    severity: Severity
    message: str


@dataclass(frozen=True)
class CertificateInfo:
    """What identifies an X.509 certificate, as typed fields.

    ``subject`` and ``issuer`` are RFC 4514 strings; ``sha256`` the lowercase
    hexadecimal SHA-256 fingerprint of the DER encoding.
    """

    subject: str
    issuer: str
    serial_number: int
    not_before: _dt.datetime
    not_after: _dt.datetime
    sha256: str


def certificate_info(certificate: x509.Certificate) -> CertificateInfo:
    """The identifying fields of `certificate` (validity in UTC)."""
    return CertificateInfo(
        subject=certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(),
        serial_number=certificate.serial_number,
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        sha256=certificate.fingerprint(hashes.SHA256()).hex(),
    )


def validity(
    info: CertificateInfo, *, what: str, now: _dt.datetime,
    warn_within: _dt.timedelta = EXPIRY_WARNING,
) -> Finding:
    """Expired or not yet valid: error; expiring within `warn_within`: warning.

    `what` names the certificate in the message (a file name, usually).
    """
    check = f"validity of {what}"
    if now > info.not_after:
        return Finding(check, Severity.ERROR,
                       f"{what} expired on {_day(info.not_after)}")
    if now < info.not_before:
        return Finding(check, Severity.ERROR,
                       f"{what} is not valid before {_day(info.not_before)}")
    left = info.not_after - now
    if left <= warn_within:
        return Finding(check, Severity.WARNING,
                       f"{what} expires on {_day(info.not_after)}, in {left.days} days: "
                       "renew it now")
    return Finding(check, Severity.OK, f"{what} is valid until {_day(info.not_after)}")


def _day(moment: _dt.datetime) -> str:
    return moment.astimezone(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _signing_source(config: KszConfig) -> tuple[str, Path | None]:
    auth = config.auth
    if auth.pkcs12_file is not None:
        return "auth.pkcs12_file", auth.pkcs12_file
    return "auth.cert_file", auth.cert_file


def require_usable(credentials: Credentials, config: KszConfig, *, now: _dt.datetime) -> None:
    """Refuse a signing certificate that is expired or not yet valid: raises `ConfigError`.

    The message names the file and the date: ``auth.cert_file: the certificate
    /etc/ksz/cert.pem expired on 2026-01-31 23:59 UTC``. Checked before the key
    pair itself (`signing_refused`): an expired certificate beside its renewed key
    is the common case, and "expired on ..." says what to do.
    """
    key, path = _signing_source(config)
    name = f"the certificate {path}" if path is not None else "the certificate"
    try:
        info = certificate_info(load_certificate(credentials.cert_pem))
    except ValueError:
        raise ConfigError(f"{name} cannot be read", key=key) from None
    _require_valid(info, what=name, key=key, now=now, skew=config.clock_skew)


def signing_refused(config: KszConfig, error: ConfigError) -> ConfigError:
    """The Signer's refusal of the key pair (another key's certificate, an unreadable or
    inconsistent key), naming the configuration key and the certificate file."""
    if error.key is not None:  # already names its setting (e.g. the Timestamp lifetime)
        return error
    key, path = _signing_source(config)
    if config.auth.pkcs12_file is None and config.auth.key_file is not None:
        where = f" (certificate {path}, private key {config.auth.key_file})"
    else:
        where = f" ({path})" if path is not None else ""
    return ConfigError(f"{error}{where}", key=key)


def require_valid_file(path: Path, *, key: str, now: _dt.datetime,
                       skew: _dt.timedelta = _dt.timedelta(0)) -> None:
    """Refuse a certificate file (e.g. ``tls.client_cert``) that is unreadable, expired
    or not yet valid: raises `ConfigError` naming `key`, the file and the date."""
    name = f"the certificate {path}"
    try:
        info = certificate_info(load_certificate(path.read_bytes()))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}", key=key) from None
    except ValueError:
        raise ConfigError(f"{path} holds no readable certificate", key=key) from None
    _require_valid(info, what=name, key=key, now=now, skew=skew)


def _require_valid(info: CertificateInfo, *, what: str, key: str, now: _dt.datetime,
                   skew: _dt.timedelta) -> None:
    # A certificate issued minutes ago on a machine whose clock lags a little is
    # tolerated as far as the KSZ tolerates the lag (clock_skew).
    if now + skew < info.not_before or now > info.not_after:
        raise ConfigError(validity(info, what=what, now=now).message, key=key)


def check_config(
    config: KszConfig,
    *,
    now: _dt.datetime,
    load: Callable[[KszConfig], Credentials],
    read_trusted: Callable[[Path], bytes],
    sign: Callable[[Credentials], object],
) -> list[Finding]:
    """Every local check of `config`: credentials, trusted KSZ certificates, audit log.

    `load`, `read_trusted` and `sign` (which builds the Signer) are the client's
    own, so the checks read the files and try the key pair exactly as calls
    would. Nothing is sent.
    """
    findings: list[Finding] = []
    if config.auth.mode is AuthMode.X509:
        findings += _check_signing(config, now=now, load=load, sign=sign)
    else:
        findings.append(Finding("credentials", Severity.OK,
                                "HTTP Basic through the Smals proxy: no signing certificate"))
    if config.tls_client_cert is not None:
        findings += _check_file_certificate(config.tls_client_cert, "tls.client_cert", now)
    if not config.trust.ksz_certificates:
        findings.append(Finding(
            "trusted KSZ certificates", Severity.WARNING,
            "trust.ksz_certificates is empty: the KSZ's response signatures are not verified"))
    for path in config.trust.ksz_certificates:
        try:
            data = read_trusted(path)
        except ConfigError as exc:
            findings.append(Finding(f"trusted {path.name}", Severity.ERROR, str(exc)))
            continue
        info = certificate_info(load_certificate(data))
        findings.append(validity(info, what=f"trusted KSZ certificate {path}", now=now))
    if config.trust.ca_bundle is not None and not config.trust.ca_bundle.is_file():
        findings.append(Finding("trust.ca_bundle", Severity.ERROR,
                                f"trust.ca_bundle: file not found: {config.trust.ca_bundle}"))
    findings.append(_check_audit(config))
    return findings


def _check_signing(config: KszConfig, *, now: _dt.datetime,
                   load: Callable[[KszConfig], Credentials],
                   sign: Callable[[Credentials], object]) -> list[Finding]:
    key, path = _signing_source(config)
    try:
        credentials = load(config)
    except ConfigError as exc:
        return [Finding("credentials", Severity.ERROR, str(exc))]
    name = f"the certificate {path}" if path is not None else "the certificate"
    try:
        info = certificate_info(load_certificate(credentials.cert_pem))
    except ValueError:
        return [Finding("credentials", Severity.ERROR, f"{key}: {name} cannot be read")]
    try:
        sign(credentials)
    except ConfigError as exc:
        pair = Finding("key and certificate", Severity.ERROR,
                       str(signing_refused(config, exc)))
    else:
        pair = Finding("key and certificate", Severity.OK,
                       "the private key belongs to the certificate and signs")
    return [pair, validity(info, what=name, now=now)]


def _check_file_certificate(path: Path, key: str, now: _dt.datetime) -> list[Finding]:
    try:
        info = certificate_info(load_certificate(path.read_bytes()))
    except OSError as exc:
        return [Finding(key, Severity.ERROR, f"{key}: cannot read {path}: {exc.strerror}")]
    except ValueError:
        return [Finding(key, Severity.ERROR, f"{key}: {path} is not a certificate")]
    return [validity(info, what=f"the certificate {path}", now=now)]


def _check_audit(config: KszConfig) -> Finding:
    """Open the configured audit log (creating a SQLite file as a call would)."""
    if not config.audit_enabled:
        return Finding("audit log", Severity.OK, "auditing is off (sandbox default)")
    from ksz_client.audit import _shared

    where = (str(config.audit.path) if config.audit.path is not None
             else "the PostgreSQL database (audit.dsn)")
    try:
        log = _shared.acquire(config)
    except KszError as exc:
        return Finding("audit log", Severity.ERROR, f"cannot open the audit log: {exc}")
    except Exception as exc:  # a backend's own error (sqlite3, psycopg): its type only
        return Finding("audit log", Severity.ERROR,
                       f"cannot open the audit log at {where} ({type(exc).__name__})")
    _shared.release(log)
    return Finding("audit log", Severity.OK, f"audit log opened: {where}")
