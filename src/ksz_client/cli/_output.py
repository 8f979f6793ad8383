"""Output for the ``ksz`` command: JSON of typed models, aligned text, errors."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import json
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ksz_client._exceptions import (
    ConfigError,
    KszBusinessError,
    KszError,
    KszFault,
    SsinReplaced,
    ValidationError,
)
from ksz_client.cli import EXIT_BUSINESS, EXIT_TRANSPORT, EXIT_USAGE
from ksz_client.types import Money, Month, PartialDate, Quarter

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


def error_exit(exc: BaseException) -> int:
    """Print one line for an error and return the exit code it maps to."""
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
    return code
