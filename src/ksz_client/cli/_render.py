"""Human output of any typed result: aligned fields, tables for lists, status and tickets.

A service may register a renderer of its own for a result type (`RENDERERS`);
everything else is shown by walking the frozen dataclass.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
from collections.abc import Callable
from typing import Any

from ksz_client.cli import EXIT_BUSINESS, EXIT_OK

__all__ = ["RENDERERS", "exit_code", "render"]

_META = ("status", "receipt")


def _person_result(result: Any) -> str:
    from ksz_client.cli._person import describe

    if result.person is None:
        return f"no data found ({result.status.code})"
    return describe(result.person)


def _person_search(result: Any) -> str:
    from ksz_client.cli._output import table

    if not result.persons:
        return f"no data found ({result.status.code})"
    rows = [
        (p.ssin.formatted, str(p.name), p.birth.date.isoformat() if p.birth else "",
         p.gender.value if p.gender else "", str(p.residential_address or ""))
        for p in result.persons
    ]
    return table(rows, header=("SSIN", "name", "born", "sex", "address"))


# Result class name -> renderer of its data part (status and tickets are added below).
RENDERERS: dict[str, Callable[[Any], str]] = {
    "PersonResult": _person_result,
    "PersonSearchResult": _person_search,
}


def render(result: Any) -> str:
    custom = RENDERERS.get(type(result).__name__)
    body = custom(result) if custom else _generic(result)
    lines = [body] if body else []
    status = getattr(result, "status", None)
    receipt = getattr(result, "receipt", None)
    if status is not None:
        lines.append(f"\nstatus {status.value} {status.code}"
                     + (f" ({status.description})" if status.description else ""))
    if receipt is not None:
        lines.append(f"ticket {receipt.ticket}  ticketCBSS {receipt.ticket_cbss}")
    return "\n".join(lines)


def exit_code(result: Any) -> int:
    """1 when the KSZ found no data, else 0."""
    status = getattr(result, "status", None)
    return EXIT_BUSINESS if status is not None and status.value == "NO_DATA_FOUND" else EXIT_OK


def _scalar(value: Any) -> str | None:
    if value is None or value == ():
        return None
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, _dt.date | _dt.datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if dataclasses.is_dataclass(value) and type(value).__str__ is object.__str__:
        return None  # a structure, shown as nested lines
    if hasattr(value, "formatted"):
        return str(value.formatted)  # an Ssin
    return str(value)


def _lines(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for f in dataclasses.fields(value):
        if not prefix and f.name in _META:
            continue
        item = getattr(value, f.name)
        key = f"{prefix}{f.name.replace('_', ' ')}"
        if isinstance(item, tuple) and item and dataclasses.is_dataclass(item[0]):
            for i, element in enumerate(item, start=1):
                text = _scalar(element)
                if text is not None:
                    out.append((f"{key} {i}", text))
                else:
                    out.extend(_lines(element, f"{key} {i} / "))
            continue
        if isinstance(item, tuple):
            text = ", ".join(t for t in (_scalar(i) for i in item) if t) or None
        else:
            text = _scalar(item)
        if text is not None:
            out.append((key, text))
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            out.extend(_lines(item, f"{key} / "))
    return out


def _generic(result: Any) -> str:
    if not dataclasses.is_dataclass(result):
        return str(result)
    lines = _lines(result)
    if not lines:
        return "no data"
    width = max(len(k) for k, _ in lines)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in lines)
