"""Sandbox handlers: one module per KSZ service, registered by (service, operation).

A WS-Consult handler gets the validated request payload and answers with an
`Answer`: the KSZ status and, when there is data, a function that fills
``result``. An SSDN handler (registered by ServiceId) gets the payload of
the ``ServiceRequest`` and answers with an `SsdnAnswer`: its result summary
and reply payload. The engine (``sandbox/app.py``) does everything that is the
same for all services: routing, signatures, validation, organisation, legal
context, finality, faults and the common response blocks.

A handler that changes state does it through ``ctx.state`` and records
``ctx.ticket``, the KSZ ticket of the answer, with the change.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from cryptography import x509

from ksz_client import _xml
from ksz_client.sandbox.organisations import SandboxOrganisation
from ksz_client.sandbox.population import Population
from ksz_client.sandbox.state import SandboxState
from ksz_client.types import Information, Status

__all__ = [
    "HANDLERS",
    "SSDN_HANDLERS",
    "Answer",
    "Handler",
    "HandlerContext",
    "SsdnAnswer",
    "SsdnDetail",
    "SsdnHandler",
    "describe",
    "handles",
    "handles_ssdn",
    "ssdn_error",
    "status",
]


@dataclass(frozen=True)
class HandlerContext:
    """What a handler may use: the population, the state, the caller, the time, the ticket."""

    population: Population
    legal_context: str
    organisation: str
    """The calling organisation's KBO number (or ``sector/institution``)."""
    now: _dt.datetime
    state: SandboxState | None = None
    ticket: str = ""
    """The KSZ ticket (``ticketCBSS`` / SSDN ``Ticket``) of this answer."""
    caller: SandboxOrganisation | None = None
    certificate: x509.Certificate | None = None
    """The certificate whose WS-Security signature the request carried (verified)."""

    @property
    def today(self) -> _dt.date:
        return self.now.date()


@dataclass(frozen=True)
class Answer:
    """A handler's answer: the status and what fills the response after it.

    ``fill`` receives the ``wrapper`` element (``result`` by default); with
    ``wrapper=None`` it receives the response element itself, for contracts
    whose data follows the status directly.
    """

    status: Status
    fill: Callable[[_xml.Element], None] | None = None
    wrapper: str | None = "result"


Handler = Callable[[HandlerContext, _xml.Element], Answer]
HANDLERS: dict[tuple[str, str], Handler] = {}


def handles(service: str, operation: str) -> Callable[[Handler], Handler]:
    """Register a handler for one catalogue operation."""

    def register(fn: Handler) -> Handler:
        HANDLERS[(service, operation)] = fn
        return fn

    return register


@dataclass(frozen=True)
class SsdnDetail:
    """One ``ResultSummary/Detail``."""

    severity: str
    reason_code: str
    diagnostic: str
    information: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SsdnAnswer:
    """The answer of an SSDN handler: ``@ok``, ``ReturnCode``, details and reply payload."""

    ok: str = "YES"
    return_code: int = 0
    details: tuple[SsdnDetail, ...] = ()
    payload: _xml.Element | None = None
    operation: str | None = None
    """The catalogue operation this request turned out to be (e.g. ``REGISTER``)."""


SsdnHandler = Callable[[HandlerContext, _xml.Element], SsdnAnswer]
SSDN_HANDLERS: dict[str, SsdnHandler] = {}


def handles_ssdn(service_id: str) -> Callable[[SsdnHandler], SsdnHandler]:
    """Register a handler for an SSDN ServiceId."""

    def register(fn: SsdnHandler) -> SsdnHandler:
        SSDN_HANDLERS[service_id] = fn
        return fn

    return register


def ssdn_error(reason_code: str, diagnostic: str, *, operation: str | None = None,
               **information: str) -> SsdnAnswer:
    """An SSDN refusal: ``ok="NO"``, ReturnCode 10000, one ERROR detail."""
    return SsdnAnswer(
        ok="NO",
        return_code=10000,
        details=(SsdnDetail("ERROR", reason_code, diagnostic, tuple(information.items())),),
        operation=operation,
    )


_TEXTS: Final = {
    "MSG00000": "Treatment successful",
    "MSG00100": "No data found at the source",
    "MSG00003": "Unexpected internal error",
    "MSG00005": "SSIN does not exist",
    "MSG00006": "SSIN has been replaced",
    "MSG00008": "Invalid data",
    "MSG00009": "Person is deceased",
    "MSG00011": "Invalid SSIN structure",
    "MSG00012": "SSIN not sufficiently integrated",
    "MSG00013": "Operation not allowed for this legal context and credentials",
}


def status(value: str, code: str, **information: str) -> Status:
    """A status with the KSZ's usual description for its code."""
    return Status(
        value=value,
        code=code,
        description=_TEXTS.get(code),
        information=tuple(Information(k, v) for k, v in information.items()),
    )


def describe(code: str) -> str | None:
    """The KSZ's usual description of a status code."""
    return _TEXTS.get(code)


def _register_all() -> None:
    # Every module of this package is a service's handlers; importing it
    # registers them, so a new service needs no line here.
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


_register_all()
