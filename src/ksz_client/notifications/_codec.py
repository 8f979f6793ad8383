"""Events to JSON and back, as they are kept in the inbox.

Driven by the dataclass annotations, so a new event type needs no code here.
Amounts travel as decimal strings (never floats), times in UTC with
microseconds, SSINs as their 11 digits.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import json
import types
import typing
from decimal import Decimal
from typing import Any

from ksz_client.notifications._events import EVENT_TYPES, NotificationEvent
from ksz_client.ssin import Ssin

__all__ = ["dump_event", "load_event"]


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, _dt.datetime):
        return value.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str):
        return str(value)  # an Ssin becomes its digits
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def dump_event(event: NotificationEvent) -> str:
    """The event as canonical JSON text (with its operation, to know its type back)."""
    body = {"operation": type(event).OPERATION, "event": _plain(event)}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def load_event(text: str) -> NotificationEvent:
    """The event `dump_event` wrote."""
    body = json.loads(text)
    cls = EVENT_TYPES[body["operation"]]
    event = _build(cls, body["event"])
    assert isinstance(event, NotificationEvent)
    return event


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    found = _HINTS.get(cls)
    if found is None:
        found = _HINTS[cls] = typing.get_type_hints(cls)
    return found


def _build(cls: type[Any], data: Any) -> Any:
    hints = _hints(cls)
    values = {f.name: _value(hints[f.name], data[f.name])
              for f in dataclasses.fields(cls) if f.name in data}
    return cls(**values)


def _value(hint: Any, data: Any) -> Any:
    if data is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(hint) if a is not type(None)]
        return _value(inner, data)
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return tuple(_value(item, v) for v in data)
    if hint is Ssin:
        return Ssin(data, allow_test=True)
    if hint is Decimal:
        return Decimal(data)
    if hint is _dt.datetime:
        parsed = _dt.datetime.fromisoformat(str(data).replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=_dt.UTC)
    if hint is _dt.date:
        return _dt.date.fromisoformat(data)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(data)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _build(hint, data)
    return data
