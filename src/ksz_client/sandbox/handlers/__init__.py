"""Sandbox handlers: one module per KSZ service, registered by (service, operation).

A handler gets the validated request payload and answers with a `Answer`:
the KSZ status and, when there is data, a function that fills ``result``.
The engine (``sandbox/app.py``) does everything that is the same for all
services: routing, signatures, validation, the common response blocks.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from ksz_client import _xml
from ksz_client.sandbox.population import Population
from ksz_client.types import Information, Status

__all__ = ["HANDLERS", "Answer", "Handler", "HandlerContext", "handles", "status"]


@dataclass(frozen=True)
class HandlerContext:
    """What a handler may use: the population, the caller and the time."""

    population: Population
    legal_context: str
    organisation: str
    now: _dt.datetime


@dataclass(frozen=True)
class Answer:
    status: Status
    fill: Callable[[_xml.Element], None] | None = None


Handler = Callable[[HandlerContext, _xml.Element], Answer]
HANDLERS: dict[tuple[str, str], Handler] = {}


def handles(service: str, operation: str) -> Callable[[Handler], Handler]:
    """Register a handler for one catalogue operation."""

    def register(fn: Handler) -> Handler:
        HANDLERS[(service, operation)] = fn
        return fn

    return register


_TEXTS: Final = {
    "MSG00000": "Treatment successful",
    "MSG00100": "No data found at the source",
    "MSG00005": "SSIN does not exist",
    "MSG00006": "SSIN has been replaced",
    "MSG00008": "Invalid data",
    "MSG00009": "Person is deceased",
    "MSG00011": "Invalid SSIN structure",
    "MSG00012": "SSIN not sufficiently integrated",
    "MSG00013": "Operation not allowed for this legal context",
}


def status(value: str, code: str, **information: str) -> Status:
    """A status with the KSZ's usual description for its code."""
    return Status(
        value=value,
        code=code,
        description=_TEXTS.get(code),
        information=tuple(Information(k, v) for k, v in information.items()),
    )


# Importing the handler modules registers them.
from ksz_client.sandbox.handlers import person as _person  # noqa: E402, F401
