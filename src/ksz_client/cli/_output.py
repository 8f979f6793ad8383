"""Output for the ``ksz`` command: JSON of typed models, aligned text, errors."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import json
import shlex
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ksz_client._exceptions import (
    ConfigError,
    ConnectError,
    InvalidLegalContext,
    KszBusinessError,
    KszError,
    KszFault,
    MissingCallContext,
    NotAuthorized,
    NotIntegrated,
    SsinReplaced,
    ValidationError,
)
from ksz_client.cli import EXIT_BUSINESS, EXIT_TRANSPORT, EXIT_USAGE
from ksz_client.types import Money, Month, PartialDate, Quarter

if TYPE_CHECKING:
    from ksz_client.cli._context import CallInfo

__all__ = ["error_exit", "plain", "print_json", "table"]


def plain(value: Any) -> Any:
    """A JSON-ready form of a model: dataclasses as objects, dates as ISO text."""
    if isinstance(value, Money):
        # Exact both ways: whole cents for programs, euro text for people.
        return {"cents": value.cents, "euro": str(value)}
    if isinstance(value, Month | Quarter | PartialDate):
        return str(value)  # their written forms: "2024-05", "2024Q1", "1985-07-00"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)  # exact, as the KSZ gave it (JSON numbers would be floats)
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)  # an Ssin becomes its digits
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def print_json(value: Any) -> None:
    json.dump(plain(value), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def table(rows: Sequence[Sequence[str]], *, header: Sequence[str] | None = None) -> str:
    """Rows as aligned columns."""
    all_rows = [list(header)] if header else []
    all_rows += [list(r) for r in rows]
    if not all_rows:
        return ""
    widths = [max(len(r[i]) for r in all_rows) for i in range(len(all_rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in all_rows]
    if header:
        lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def error_exit(exc: BaseException, info: CallInfo | None = None) -> int:
    """Print the error, and what would fix it, and return the exit code it maps to.

    The first line is the error itself; the lines after it (``ksz: hint: ...``)
    say what to do, from what `info` knows about the call: the command that
    would integrate the person, the setting that chooses the legal context, the
    URL that did not answer.
    """
    if isinstance(exc, ValidationError | ConfigError):
        code = EXIT_USAGE
    elif isinstance(exc, KszFault) and not exc.verified:
        # An unsigned fault may not come from the KSZ at all: a security failure.
        code = EXIT_TRANSPORT
    elif isinstance(exc, KszBusinessError):
        code = EXIT_BUSINESS
    elif isinstance(exc, KszError):  # transport, response and signature failures
        code = EXIT_TRANSPORT
    else:
        raise exc
    sys.stderr.write(f"ksz: {type(exc).__name__}: {exc}\n")
    if isinstance(exc, SsinReplaced) and exc.new_ssin:
        sys.stderr.write(f"ksz: the SSIN was replaced by {exc.new_ssin}\n")
    for line in hints(exc, info):
        sys.stderr.write(f"ksz: hint: {line}\n")
    return code


def hints(exc: BaseException, info: CallInfo | None) -> list[str]:
    """What would fix `exc`, as lines for the terminal (empty when nothing useful is known)."""
    from ksz_client.cli._context import CallInfo

    info = info or CallInfo()
    if isinstance(exc, NotIntegrated):
        return _not_integrated(exc, info)
    if isinstance(exc, InvalidLegalContext | NotAuthorized):
        return _legal_context(info, known=True)
    if isinstance(exc, MissingCallContext):
        if "user" in str(exc):
            return ["give --user, or set KSZ_CONTEXT_USER or context.user in the configuration"]
        return _legal_context(info, known=False)
    if isinstance(exc, ConnectError):
        return _connect(info)
    return []


def _command(info: CallInfo, *words: str) -> str:
    return shlex.join(["ksz", *info.global_options, *words])


def _not_integrated(exc: NotIntegrated, info: CallInfo) -> list[str]:
    from ksz_client.catalogue import QUALITY_CODES

    config = info.config
    code = info.quality_code
    ssins = info.ssins or ("SSIN",)
    quality = str(code) if code is not None else "CODE"
    lines = ["integrate the person for this organisation first (ManageAccess REGISTER, "
             "with a proof: last name and birth date, or --sis-card-number / "
             "--identity-card-number):"]
    lines += ["  " + _command(info, "access", "register", s, "--quality-code", quality,
                              "--last-name", "LAST_NAME", "--birth-date", _birth(s))
              for s in ssins]
    if code is None:
        known = ", ".join(f"{k} {v}" for k, v in list(QUALITY_CODES.items())[:4])
        lines.append(f"  CODE is the sector 17 quality code of the file ({known}, ...); "
                     "give it once with --quality-code or context.quality_code")
    elif code in QUALITY_CODES:
        lines.append(f"  (quality code {code}: {QUALITY_CODES[code]})")
    if exc.ticket_cbss is None:  # refused here, by the finality guard
        lines.append("if the KSZ already holds the integration, refresh the local register: "
                     + _command(info, "access", "sync", ",".join(ssins)))
        if config is not None and not config.audit_enabled:
            lines.append("without an audit log (audit.path or audit.dsn) the local register "
                         "lives in memory and each ksz command starts with an empty one: "
                         "set audit.path to keep integrations between commands")
    elif exc.code == "MSG00021":
        lines.append("MSG00021: the data provider does not know the integration yet; "
                     "if it was just registered, try again later")
    return lines


def _birth(number: str) -> str:
    """The birth date an SSIN encodes (YYYY-MM-DD, 00 for unknown parts), else a placeholder."""
    from ksz_client import ssin

    try:
        valid = ssin.validate(number, allow_test=True)
    except KszError:
        return "YYYY-MM-DD"
    month = int(valid[2:4]) % 20  # BIS and test numbers add 20, 40, 60 or 80
    return f"{valid.birth_year}-{month:02d}-{valid[4:6]}"


def _legal_context(info: CallInfo, *, known: bool) -> list[str]:
    from ksz_client import catalogue

    lines: list[str] = []
    exchange = info.recorder.exchange if info.recorder is not None else None
    if exchange is not None:
        lines.append(f"the call was sent with the legal context {exchange.context.legal_context!r}")
    if info.service is not None:
        service = catalogue.get(info.service)
        variable = "KSZ_LEGAL_CONTEXTS_" + service.name.upper()
        if service.legal_context:
            lines.append(f"{service.name} calls with the legal context "
                         f"{service.legal_context!r} unless the configuration names another: "
                         f"[legal_contexts] {service.name} = \"...\" (or {variable}), or "
                         "--legal-context gives one for this command")
        else:
            lines.append(f"{service.name} has no legal context of its own: give "
                         "--legal-context, or set KSZ_CONTEXT_LEGAL_CONTEXT or "
                         f"context.legal_context (for this service only: [legal_contexts] "
                         f"{service.name} = \"...\")")
    if known:
        values = ", ".join(repr(v) for v in catalogue.LEGAL_CONTEXTS)
        lines.append(f"known legal contexts: {values}; one the KSZ granted you that is not "
                     "listed goes in finality.allowed_legal_contexts")
    return lines


def _connect(info: CallInfo) -> list[str]:
    from ksz_client._config import Environment

    lines: list[str] = []
    exchange = info.recorder.exchange if info.recorder is not None else None
    if exchange is not None:
        lines.append(f"no answer from {exchange.url}")
    config = info.config
    if config is not None and config.environment is Environment.SANDBOX:
        lines.append("is the sandbox running? start one with: "
                     "ksz sandbox serve --write-config ksz.toml")
    else:
        lines.append("check the network (proxy, firewall, the IP whitelisting of the Smals "
                     "proxy) and the environment / endpoint keys of the configuration")
    return lines
