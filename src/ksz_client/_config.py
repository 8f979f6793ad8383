"""KszConfig: environments, organisation identity, credentials, trust, timeouts.

A configuration is built in code, or loaded from a TOML file and then
overridden by ``KSZ_*`` environment variables (see README "Configuration").
Secrets are never read from the file: the file names the environment
variable that holds each one (``auth.key_password_env`` ...), and a
`Secret` never shows its value in a repr, a log line or an error.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from ksz_client._exceptions import ConfigError

__all__ = [
    "ENVIRONMENTS",
    "Application",
    "Audit",
    "Auth",
    "AuthMode",
    "Environment",
    "Finality",
    "FinalityMode",
    "KszConfig",
    "Notifications",
    "Organisation",
    "Secret",
    "Timeouts",
    "Trust",
    "default_data_dir",
]


class Environment(StrEnum):
    """Where calls go: the SDK's local sandbox or one of the KSZ's environments."""

    SANDBOX = "sandbox"
    TEST = "test"
    ACPT = "acpt"
    PROD = "prod"


class AuthMode(StrEnum):
    """How requests are authenticated."""

    X509 = "x509"  # WS-Security signature with the application's certificate (B2B)
    BASIC = "basic"  # HTTP Basic, through the Smals proxy for OCMWs


@dataclass(frozen=True)
class _Endpoints:
    b2b: str  # direct KSZ B2B (WS-Security X.509)
    proxy: str  # Smals proxy host (HTTP Basic + IP whitelisting)


# SPEC §5. The proxy serves WS-Consult services under /SOA4520/ and the SSDN
# connector under /connectors/webservice/KSZBCSSWebServiceConnectorPort.
ENVIRONMENTS: Final[Mapping[Environment, _Endpoints]] = {
    Environment.TEST: _Endpoints(
        b2b="https://b2b-test.ksz-bcss.fgov.be:4520",
        proxy="https://bcssksz-services-test.smals.be",
    ),
    Environment.ACPT: _Endpoints(
        b2b="https://b2b-acpt.ksz-bcss.fgov.be:4520",
        proxy="https://bcssksz-services-acpt.smals.be",
    ),
    Environment.PROD: _Endpoints(
        b2b="https://b2b.ksz-bcss.fgov.be:4520",
        proxy="https://bcssksz-services-prod.smals.be",
    ),
}

SSDN_CONNECTOR_PATH: Final = "connectors/webservice/KSZBCSSWebServiceConnectorPort"


class Secret:
    """A secret string that never shows itself (repr, str, logs, errors)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret value; call only where it is handed to a library."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Organisation:
    """Who calls: the OCMW (or software house) as the KSZ knows it.

    WS-Consult identifies the customer by ``cbe_number`` (KBO, 10 digits) or by
    ``sector`` + ``institution``; the legacy SSDN ``AuthorizedUser`` uses
    ``user_id`` (SSIN of the user or a program id in SSIN form), ``email``,
    ``cbe_number`` as OrgUnit, and matrix 17/1 for the OCMW sector.
    """

    cbe_number: str | None = None
    sector: int | None = None
    institution: int | None = None
    user_id: str | None = None
    email: str | None = None
    matrix_id: int = 17
    matrix_sub_id: int = 1

    def __post_init__(self) -> None:
        if self.cbe_number is not None and not re.fullmatch(r"\d{10}", self.cbe_number):
            raise ConfigError("must be 10 digits (KBO/BCE number)", key="organisation.cbe_number")
        if self.cbe_number is None and (self.sector is None or self.institution is None):
            raise ConfigError(
                "set organisation.cbe_number, or both organisation.sector and "
                "organisation.institution",
                key="organisation",
            )
        for name in ("sector", "institution"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 999:
                raise ConfigError("must be between 0 and 999", key=f"organisation.{name}")


@dataclass(frozen=True)
class Auth:
    """Credentials. For ``x509``: a PEM key + certificate, or a PKCS#12 file."""

    mode: AuthMode = AuthMode.X509
    key_file: Path | None = None
    cert_file: Path | None = None
    key_password: Secret | None = None
    pkcs12_file: Path | None = None
    pkcs12_password: Secret | None = None
    username: str | None = None
    password: Secret | None = None

    def __post_init__(self) -> None:
        if self.mode is AuthMode.X509:
            has_pem = self.key_file is not None or self.cert_file is not None
            if self.pkcs12_file is None and not has_pem:
                raise ConfigError(
                    "x509 mode needs auth.key_file + auth.cert_file, or auth.pkcs12_file",
                    key="auth",
                )
            if self.pkcs12_file is None and (self.key_file is None or self.cert_file is None):
                missing = "auth.cert_file" if self.cert_file is None else "auth.key_file"
                raise ConfigError("is required with the other PEM file", key=missing)
        elif self.mode is AuthMode.BASIC:
            if not self.username:
                raise ConfigError("basic mode needs a user name", key="auth.username")
            if self.password is None:
                raise ConfigError(
                    "basic mode needs a password (name its variable in auth.password_env)",
                    key="auth.password_env",
                )


@dataclass(frozen=True)
class Trust:
    """Whose signatures and servers are trusted.

    ``ksz_certificates`` are the pinned certificates whose response signatures
    are accepted; nothing else is. ``ca_bundle`` verifies the TLS server
    (default: the system/certifi store).
    """

    ksz_certificates: tuple[Path, ...] = ()
    ca_bundle: Path | None = None
    allow_sha1: bool = False


@dataclass(frozen=True)
class Timeouts:
    """Connect and read timeouts in seconds; always set."""

    connect: float = 5.0
    read: float = 30.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
                raise ConfigError("must be a positive number of seconds", key=f"timeouts.{f.name}")


@dataclass(frozen=True)
class Application:
    """The calling application, recorded in the audit log."""

    name: str = "ksz-client"
    version: str = ""


class FinalityMode(StrEnum):
    """What the finality guard does with a call no integration covers."""

    ENFORCE = "enforce"  # refuse before sending (NotIntegrated) and record DENIED
    WARN = "warn"  # log a warning and send
    OFF = "off"  # no local check (the KSZ still answers MSG00012)


@dataclass(frozen=True)
class Audit:
    """Where and how the audit log is kept (README "Audit and finality").

    ``enabled`` None means the default: on for ``test``, ``acpt`` and ``prod``
    (in the user's data directory unless ``path`` or ``dsn`` says otherwise),
    and in the sandbox only when ``path`` or ``dsn`` is set. ``dsn`` is a
    `Secret` because a PostgreSQL connection string may hold a password.
    """

    enabled: bool | None = None
    path: Path | None = None
    dsn: Secret | None = None
    schema: str | None = None
    checkpoint_every: int = 1000
    checkpoint_minutes: float = 60.0
    checkpoint_key_file: Path | None = None
    checkpoint_dir: Path | None = None
    retention_years: int = 10
    redaction_key: Secret | None = None

    def __post_init__(self) -> None:
        if self.path is not None and self.dsn is not None:
            raise ConfigError("set audit.path (SQLite) or audit.dsn (PostgreSQL), not both",
                              key="audit.dsn")
        if self.schema is not None and not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", self.schema):
            raise ConfigError("must be a lower-case SQL identifier", key="audit.schema")
        if isinstance(self.checkpoint_every, bool) or self.checkpoint_every <= 0:
            raise ConfigError("must be a positive number of records", key="audit.checkpoint_every")
        if isinstance(self.checkpoint_minutes, bool) or self.checkpoint_minutes <= 0:
            raise ConfigError("must be a positive number of minutes",
                              key="audit.checkpoint_minutes")
        if isinstance(self.retention_years, bool) or self.retention_years < 1:
            raise ConfigError("must be at least 1 (the KSZ keeps its own logs 10 years)",
                              key="audit.retention_years")


@dataclass(frozen=True)
class Finality:
    """The finality guard: refuse, before sending, a consultation no integration covers.

    ``allowed_legal_contexts`` adds legal contexts to the known ones of the
    catalogue (`ksz_client.catalogue.LEGAL_CONTEXTS`); any other is refused
    before sending, like a call without integration.
    """

    mode: FinalityMode = FinalityMode.ENFORCE
    allowed_legal_contexts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Notifications:
    """The receiver of the notifications the KSZ pushes (README "Receiving notifications").

    ``trusted_certificates`` are the KSZ certificates whose notification
    signatures are accepted (default: ``trust.ksz_certificates``). A body over
    ``max_body_bytes`` is refused before it is read. A handler that fails is
    retried after ``retry_initial_seconds``, doubling up to
    ``retry_max_seconds``; a handler running longer than ``lease_seconds`` may
    be started again by another worker. With ``check_receiver`` a notification
    addressed to another organisation is refused.
    """

    trusted_certificates: tuple[Path, ...] = ()
    max_body_bytes: int = 10 * 1024 * 1024
    retry_initial_seconds: float = 30.0
    retry_max_seconds: float = 3600.0
    lease_seconds: float = 300.0
    check_receiver: bool = True

    def __post_init__(self) -> None:
        for name in ("max_body_bytes", "retry_initial_seconds", "retry_max_seconds",
                     "lease_seconds"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ConfigError("must be positive", key=f"notifications.{name}")
        if self.retry_max_seconds < self.retry_initial_seconds:
            raise ConfigError("must not be less than notifications.retry_initial_seconds",
                              key="notifications.retry_max_seconds")


def default_data_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where the SDK keeps its data by default: ``$XDG_DATA_HOME/ksz-client``.

    Falls back to ``~/.local/share/ksz-client`` (``%LOCALAPPDATA%\\ksz-client``
    on Windows).
    """
    env = os.environ if env is None else env
    if env.get("XDG_DATA_HOME"):
        return Path(env["XDG_DATA_HOME"]) / "ksz-client"
    if os.name == "nt" and env.get("LOCALAPPDATA"):
        return Path(env["LOCALAPPDATA"]) / "ksz-client"
    return Path.home() / ".local" / "share" / "ksz-client"


@dataclass(frozen=True)
class KszConfig:
    """Everything the client needs to reach the KSZ. Frozen; build variants with `replace`."""

    organisation: Organisation
    auth: Auth
    environment: Environment = Environment.SANDBOX
    endpoint: str | None = None
    endpoints: Mapping[str, str] = field(default_factory=dict)
    legal_contexts: Mapping[str, str] = field(default_factory=dict)
    """Legal context per catalogue service name, over the service's default."""
    ssdn_versions: Mapping[str, str] = field(default_factory=dict)
    """SSDN ``Version`` per catalogue service name, over the catalogue's: for services
    whose version is not public (the Law of 1965 forms), the KSZ gives it at onboarding."""
    trust: Trust = field(default_factory=Trust)
    tls_client_cert: Path | None = None
    tls_client_key: Path | None = None
    timeouts: Timeouts = field(default_factory=Timeouts)
    clock_skew: _dt.timedelta = _dt.timedelta(seconds=60)
    timestamp_ttl: _dt.timedelta = _dt.timedelta(minutes=5)
    application: Application = field(default_factory=Application)
    default_user: str | None = None
    default_legal_context: str | None = None
    default_dossier: str | None = None
    default_quality_code: int | None = None
    """Sector 17 quality code of the calls (``context.quality_code``), e.g. 2 leefloon."""
    max_response_bytes: int = 20 * 1024 * 1024
    pool_size: int = 16
    audit: Audit = field(default_factory=Audit)
    finality: Finality = field(default_factory=Finality)
    notifications: Notifications = field(default_factory=Notifications)

    def __post_init__(self) -> None:
        if self.environment is Environment.SANDBOX and not self.endpoint:
            raise ConfigError("the sandbox environment needs an endpoint URL", key="endpoint")
        for name, url in (("endpoint", self.endpoint), *self.endpoints.items()):
            if url is not None and not re.match(r"https?://[^\s/]+", url):
                raise ConfigError("must be an http(s) URL", key=name if name == "endpoint"
                                  else f"endpoints.{name}")
        if self.environment is not Environment.SANDBOX:
            for name, url in (("endpoint", self.endpoint), *self.endpoints.items()):
                if url is not None and url.startswith("http://"):
                    raise ConfigError(
                        "plain http is only allowed for the sandbox",
                        key=name if name == "endpoint" else f"endpoints.{name}",
                    )
        if self.auth.mode is AuthMode.X509 and not self.trust.ksz_certificates:
            raise ConfigError(
                "x509 mode verifies response signatures: pin at least one KSZ certificate",
                key="trust.ksz_certificates",
            )
        if self.clock_skew < _dt.timedelta(0):
            raise ConfigError("must not be negative", key="security.clock_skew")
        if self.timestamp_ttl <= _dt.timedelta(0):
            raise ConfigError("must be positive", key="security.timestamp_ttl")
        if self.max_response_bytes <= 0:
            raise ConfigError("must be positive", key="limits.max_response_bytes")
        if self.pool_size <= 0:
            raise ConfigError("must be positive", key="limits.pool_size")
        if self.environment is Environment.PROD and self.audit.enabled is False:
            raise ConfigError(
                "production calls are always recorded (KSZ logging principle); "
                "point audit.path or audit.dsn where the log must be kept",
                key="audit.enabled",
            )

    @property
    def audit_enabled(self) -> bool:
        """Whether calls are recorded in an audit log (see `Audit`)."""
        if self.audit.enabled is not None:
            return self.audit.enabled
        if self.audit.path is not None or self.audit.dsn is not None:
            return True
        return self.environment is not Environment.SANDBOX

    def __repr__(self) -> str:
        org = self.organisation
        who = org.cbe_number or f"{org.sector}/{org.institution}"
        return (
            f"KszConfig(environment={self.environment.value!r}, organisation={who!r}, "
            f"auth={self.auth.mode.value!r}, endpoint={self.endpoint!r})"
        )

    def url_for(self, service_name: str, path: str, *, ssdn: bool = False) -> str:
        """The URL of a service: per-service override, else base URL + the service path."""
        override = self.endpoints.get(service_name) or next(
            # KSZ_ENDPOINTS_PERSONSERVICE can only spell the name upper-cased.
            (url for name, url in self.endpoints.items()
             if name.casefold() == service_name.casefold()),
            None,
        )
        if override:
            return override
        if ssdn:
            path = SSDN_CONNECTOR_PATH
        if self.endpoint:
            return f"{self.endpoint.rstrip('/')}/{path}"
        hosts = ENVIRONMENTS[self.environment]
        if self.auth.mode is AuthMode.BASIC:
            return f"{hosts.proxy}/{path}" if ssdn else f"{hosts.proxy}/SOA4520/{path}"
        return f"{hosts.b2b}/{path}"

    def with_overrides(self, **changes: Any) -> KszConfig:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)

    # --- loading --------------------------------------------------------------

    @classmethod
    def load(
        cls, path: str | os.PathLike[str] | None = None, *, env: Mapping[str, str] | None = None
    ) -> KszConfig:
        """Load from TOML, then apply ``KSZ_*`` environment overrides.

        The file is ``path``, else ``$KSZ_CONFIG``, else ``./ksz.toml`` when it
        exists; with none of them the configuration comes from the environment
        alone.
        """
        env = os.environ if env is None else env
        chosen = path or env.get("KSZ_CONFIG")
        data: dict[str, Any] = {}
        base_dir = Path.cwd()
        if chosen:
            file = Path(chosen)
            if not file.is_file():
                raise ConfigError(f"no configuration file at {file}", key="config")
            data, base_dir = _read_toml(file), file.resolve().parent
        elif Path("ksz.toml").is_file():
            data, base_dir = _read_toml(Path("ksz.toml")), Path.cwd()
        return _Reader(_apply_env(data, env), base_dir, env).build()

    @classmethod
    def from_mapping(
        cls,
        data: Mapping[str, Any],
        *,
        base_dir: Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> KszConfig:
        """Build from a parsed TOML-shaped mapping; relative paths are taken from ``base_dir``."""
        env = os.environ if env is None else env
        return _Reader(_flatten(data), base_dir or Path.cwd(), env).build()


# --- TOML + environment ------------------------------------------------------------

# Every key the file may hold, with its type. Nested keys are dotted; the
# environment variable of a key is KSZ_ + its dotted name upper-cased with
# dots turned into underscores (organisation.cbe_number -> KSZ_ORGANISATION_CBE_NUMBER).
_KEYS: Final[Mapping[str, str]] = {
    "environment": "str",
    "endpoint": "str",
    "application.name": "str",
    "application.version": "str",
    "organisation.cbe_number": "str",
    "organisation.sector": "int",
    "organisation.institution": "int",
    "organisation.user_id": "str",
    "organisation.email": "str",
    "organisation.matrix_id": "int",
    "organisation.matrix_sub_id": "int",
    "auth.mode": "str",
    "auth.key_file": "path",
    "auth.cert_file": "path",
    "auth.key_password_env": "str",
    "auth.pkcs12_file": "path",
    "auth.pkcs12_password_env": "str",
    "auth.username": "str",
    "auth.password_env": "str",
    "trust.ksz_certificates": "paths",
    "trust.ca_bundle": "path",
    "trust.allow_sha1": "bool",
    "tls.client_cert": "path",
    "tls.client_key": "path",
    "timeouts.connect": "float",
    "timeouts.read": "float",
    "security.clock_skew": "float",
    "security.timestamp_ttl": "float",
    "limits.max_response_bytes": "int",
    "limits.pool_size": "int",
    "context.user": "str",
    "context.legal_context": "str",
    "context.dossier": "str",
    "context.quality_code": "int",
    "audit.enabled": "bool",
    "audit.path": "path",
    "audit.dsn": "str",
    "audit.dsn_env": "str",
    "audit.schema": "str",
    "audit.checkpoint_every": "int",
    "audit.checkpoint_minutes": "float",
    "audit.checkpoint_key_file": "path",
    "audit.checkpoint_dir": "path",
    "audit.retention_years": "int",
    "audit.redaction_key_env": "str",
    "finality.mode": "str",
    "finality.allowed_legal_contexts": "strs",
    "notifications.trusted_certificates": "paths",
    "notifications.max_body_bytes": "int",
    "notifications.retry_initial_seconds": "float",
    "notifications.retry_max_seconds": "float",
    "notifications.lease_seconds": "float",
    "notifications.check_receiver": "bool",
}
_SECRET_KEYS: Final = frozenset(
    {"auth.key_password", "auth.pkcs12_password", "auth.password", "password", "key_password"}
)
# Tables keyed by catalogue service name: endpoints.PersonService = "https://...",
# legal_contexts.Dolsis = "SOCIAL_INVESTIGATION_OF_PCSA".
_SERVICE_TABLES: Final = {"endpoints": "URL", "legal_contexts": "legal context",
                          "ssdn_versions": "SSDN version"}
_TABLES: Final = frozenset(k.split(".")[0] for k in _KEYS if "." in k) | set(_SERVICE_TABLES)


def env_name(key: str) -> str:
    """The environment variable that overrides a dotted configuration key."""
    return "KSZ_" + key.replace(".", "_").upper()


def _read_toml(file: Path) -> dict[str, Any]:
    try:
        with file.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file.name} is not valid TOML ({exc})", key="config") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {file.name}: {exc.strerror}", key="config") from None


# A password in a PostgreSQL connection string, key=value or URL form.
_DSN_PASSWORD: Final = re.compile(r"(?:^|\s)password\s*=|://[^/@\s]*:[^/@\s]*@", re.IGNORECASE)


def _flatten(data: Mapping[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if key in _SECRET_KEYS or (isinstance(value, Mapping) and any(
            f"{key}.{k}" in _SECRET_KEYS for k in value
        )):
            bad = key if key in _SECRET_KEYS else next(
                f"{key}.{k}" for k in value if f"{key}.{k}" in _SECRET_KEYS
            )
            raise ConfigError(
                f"secrets are not read from the file; put the variable's name in {bad}_env",
                key=bad,
            )
        if key in _SERVICE_TABLES:
            if not isinstance(value, Mapping):
                raise ConfigError(f"must be a table of service = {_SERVICE_TABLES[key]}",
                                  key=key)
            for service, item in value.items():
                flat[f"{key}.{service}"] = item
        elif isinstance(value, Mapping):
            if key not in _TABLES:
                raise ConfigError("unknown table", key=key)
            for sub, subvalue in value.items():
                flat[f"{key}.{sub}"] = subvalue
        else:
            flat[key] = value
    for key in flat:
        if key not in _KEYS and key.split(".", 1)[0] not in _SERVICE_TABLES:
            raise ConfigError("unknown key", key=key)
    dsn = flat.get("audit.dsn")
    if isinstance(dsn, str) and _DSN_PASSWORD.search(dsn):
        raise ConfigError(
            "secrets are not read from the file; put the connection string in the "
            "variable named by audit.dsn_env (default KSZ_AUDIT_DSN), or use a .pgpass file",
            key="audit.dsn",
        )
    return flat


def _apply_env(data: Mapping[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    flat = _flatten(data)
    for key in _KEYS:
        raw = env.get(env_name(key))
        if raw is not None and raw != "":
            flat[key] = raw
    for table in _SERVICE_TABLES:
        prefix = f"KSZ_{table.upper()}_"
        for name, raw in env.items():
            if name.startswith(prefix) and raw:
                service = name[len(prefix):]
                # Per-service variables carry the service name upper-cased
                # (KSZ_ENDPOINTS_PERSONSERVICE); matched case-insensitively.
                wanted = f"{table}.{service}".lower()
                existing = next((k for k in flat if k.lower() == wanted), None)
                flat[existing or f"{table}.{service}"] = raw
    return flat


class _Reader:
    def __init__(self, flat: Mapping[str, Any], base_dir: Path, env: Mapping[str, str]) -> None:
        self.flat = flat
        self.base_dir = base_dir
        self.env = env

    def get(self, key: str) -> Any:
        value = self.flat.get(key)
        if value is None:
            return None
        kind = _KEYS[key]
        try:
            return self._convert(kind, value)
        except (TypeError, ValueError):
            raise ConfigError(f"expected {_KIND_TEXT[kind]}", key=key) from None

    def _convert(self, kind: str, value: Any) -> Any:
        if kind == "str":
            if not isinstance(value, str):
                raise TypeError
            return value
        if kind == "int":
            if isinstance(value, bool):
                raise TypeError
            return int(value)
        if kind == "float":
            if isinstance(value, bool):
                raise TypeError
            return float(value)
        if kind == "bool":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in {"1", "true", "yes", "on"}:
                return True
            if isinstance(value, str) and value.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError
        if kind == "path":
            if not isinstance(value, str):
                raise TypeError
            return self._path(value)
        if kind == "strs":
            items = value.split(",") if isinstance(value, str) else value
            if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
                raise TypeError
            return tuple(i.strip() for i in items if i.strip())
        if kind == "paths":
            items = value.split(os.pathsep) if isinstance(value, str) else value
            if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
                raise TypeError
            return tuple(self._path(i) for i in items if i)
        raise AssertionError(kind)

    def _path(self, value: str) -> Path:
        path = Path(value).expanduser()
        return path if path.is_absolute() else self.base_dir / path

    def secret(self, key: str, default_var: str) -> Secret | None:
        var = self.get(key) or default_var
        value = self.env.get(var)
        return Secret(value) if value else None

    def build(self) -> KszConfig:
        environment = self.get("environment") or "sandbox"
        try:
            env_value = Environment(environment)
        except ValueError:
            choices = ", ".join(e.value for e in Environment)
            raise ConfigError(f"must be one of {choices}", key="environment") from None
        mode_text = self.get("auth.mode") or "x509"
        try:
            mode = AuthMode(mode_text)
        except ValueError:
            raise ConfigError("must be x509 or basic", key="auth.mode") from None
        organisation = Organisation(
            cbe_number=self.get("organisation.cbe_number"),
            sector=self.get("organisation.sector"),
            institution=self.get("organisation.institution"),
            user_id=self.get("organisation.user_id"),
            email=self.get("organisation.email"),
            matrix_id=_given(self.get("organisation.matrix_id"), 17),
            matrix_sub_id=_given(self.get("organisation.matrix_sub_id"), 1),
        )
        auth = Auth(
            mode=mode,
            key_file=self.get("auth.key_file"),
            cert_file=self.get("auth.cert_file"),
            key_password=self.secret("auth.key_password_env", "KSZ_KEY_PASSWORD"),
            pkcs12_file=self.get("auth.pkcs12_file"),
            pkcs12_password=self.secret("auth.pkcs12_password_env", "KSZ_PKCS12_PASSWORD"),
            username=self.get("auth.username"),
            password=self.secret("auth.password_env", "KSZ_PASSWORD"),
        )
        tables: dict[str, dict[str, str]] = {table: {} for table in _SERVICE_TABLES}
        for key, value in self.flat.items():
            table, _, service = key.partition(".")
            if table in _SERVICE_TABLES:
                if not isinstance(value, str):
                    raise ConfigError(f"expected a {_SERVICE_TABLES[table]} string", key=key)
                tables[table][service] = value
        endpoints = tables["endpoints"]
        # Defaults only for absent keys: a written 0 must reach the validation.
        timeouts = Timeouts(
            connect=_given(self.get("timeouts.connect"), Timeouts.connect),
            read=_given(self.get("timeouts.read"), Timeouts.read),
        )
        skew = self.get("security.clock_skew")
        ttl = self.get("security.timestamp_ttl")
        return KszConfig(
            organisation=organisation,
            auth=auth,
            environment=env_value,
            endpoint=self.get("endpoint"),
            endpoints=endpoints,
            legal_contexts=_by_service(tables["legal_contexts"], "legal_contexts"),
            ssdn_versions=_ssdn_versions(tables["ssdn_versions"]),
            trust=Trust(
                ksz_certificates=self.get("trust.ksz_certificates") or (),
                ca_bundle=self.get("trust.ca_bundle"),
                allow_sha1=bool(self.get("trust.allow_sha1")),
            ),
            tls_client_cert=self.get("tls.client_cert"),
            tls_client_key=self.get("tls.client_key"),
            timeouts=timeouts,
            clock_skew=_dt.timedelta(seconds=60 if skew is None else skew),
            timestamp_ttl=_dt.timedelta(seconds=300 if ttl is None else ttl),
            application=Application(
                name=self.get("application.name") or "ksz-client",
                version=self.get("application.version") or "",
            ),
            default_user=self.get("context.user"),
            default_legal_context=self.get("context.legal_context"),
            default_dossier=self.get("context.dossier"),
            default_quality_code=self.get("context.quality_code"),
            max_response_bytes=_given(self.get("limits.max_response_bytes"), 20 * 1024 * 1024),
            pool_size=_given(self.get("limits.pool_size"), 16),
            audit=self.audit(),
            finality=self.finality(),
            notifications=self.notifications(),
        )

    def notifications(self) -> Notifications:
        check = self.get("notifications.check_receiver")
        return Notifications(
            trusted_certificates=self.get("notifications.trusted_certificates") or (),
            max_body_bytes=_given(self.get("notifications.max_body_bytes"),
                                  Notifications.max_body_bytes),
            retry_initial_seconds=_given(self.get("notifications.retry_initial_seconds"),
                                         Notifications.retry_initial_seconds),
            retry_max_seconds=_given(self.get("notifications.retry_max_seconds"),
                                     Notifications.retry_max_seconds),
            lease_seconds=_given(self.get("notifications.lease_seconds"),
                                 Notifications.lease_seconds),
            check_receiver=True if check is None else check,
        )

    def audit(self) -> Audit:
        dsn_text = self.get("audit.dsn")
        dsn = Secret(dsn_text) if dsn_text else self.secret("audit.dsn_env", "KSZ_AUDIT_DSN")
        return Audit(
            enabled=self.get("audit.enabled"),
            path=self.get("audit.path"),
            dsn=dsn,
            schema=self.get("audit.schema"),
            checkpoint_every=_given(self.get("audit.checkpoint_every"), Audit.checkpoint_every),
            checkpoint_minutes=_given(self.get("audit.checkpoint_minutes"),
                                      Audit.checkpoint_minutes),
            checkpoint_key_file=self.get("audit.checkpoint_key_file"),
            checkpoint_dir=self.get("audit.checkpoint_dir"),
            retention_years=_given(self.get("audit.retention_years"), Audit.retention_years),
            redaction_key=self.secret("audit.redaction_key_env", "KSZ_AUDIT_REDACTION_KEY"),
        )

    def finality(self) -> Finality:
        mode_text = self.get("finality.mode") or FinalityMode.ENFORCE.value
        try:
            mode = FinalityMode(mode_text)
        except ValueError:
            raise ConfigError("must be enforce, warn or off", key="finality.mode") from None
        allowed = self.get("finality.allowed_legal_contexts") or ()
        for value in allowed:
            if len(value) > 64:
                raise ConfigError("a legal context has at most 64 characters",
                                  key="finality.allowed_legal_contexts")
        return Finality(mode=mode, allowed_legal_contexts=allowed)


def _given(value: Any, default: Any) -> Any:
    return default if value is None else value


_KIND_TEXT: Final = {
    "str": "a string",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "path": "a file path",
    "paths": "a list of file paths",
    "strs": "a list of strings",
}


def config_keys() -> Mapping[str, str]:
    """Every configuration key with its environment variable (for docs and `ksz config`)."""
    return {key: env_name(key) for key in _KEYS}


def _by_service(table: Mapping[str, str], prefix: str) -> dict[str, str]:
    """Keys as the catalogue spells the service, whatever case the file or env used."""
    from ksz_client import catalogue

    out = {}
    for name, value in table.items():
        try:
            out[catalogue.get(name).name] = value
        except KeyError:
            raise ConfigError("no such service in the catalogue",
                              key=f"{prefix}.{name}") from None
    return out


def _ssdn_versions(table: Mapping[str, str]) -> dict[str, str]:
    from ksz_client import catalogue
    from ksz_client.catalogue import WireStyle

    out = _by_service(table, "ssdn_versions")
    for name, version in out.items():
        key = f"ssdn_versions.{name}"
        if catalogue.get(name).wire is not WireStyle.SSDN:
            raise ConfigError("not an SSDN service: it has no SSDN version", key=key)
        # SSDNRequest.xsd: Version is a string of exactly 8 characters (a YYYYMMDD date).
        if len(version) != 8 or not version.isascii() or not version.isdigit():
            raise ConfigError("an SSDN version is 8 digits (YYYYMMDD)", key=key)
    return out

