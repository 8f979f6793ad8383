"""The seam where the audit log (and anything else) sees every exchange.

A `CallObserver` is told about every attempt of every call: `before_send`
with the exact bytes that are about to leave (raise there and nothing is
sent), then `after_receive` with the exact bytes that came back (or the
error), once the answer has been verified and mapped. The audit log is one
such observer; a metrics collector or a test recorder can be another.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ksz_client.types import CallContext, Status

__all__ = ["CallObserver", "Exchange", "Outcome"]


@dataclass(frozen=True)
class Exchange:
    """One attempt of one call, as it is about to be sent.

    ``call_id`` is the UUID ticket sent to the KSZ; it is the same for every
    attempt of a call, ``attempt`` counts from 1.
    """

    call_id: str
    attempt: int
    service: str
    version: str
    operation: str
    kind: str
    url: str
    context: CallContext
    subjects: tuple[str, ...]
    request: bytes
    started_at: _dt.datetime

    def __repr__(self) -> str:
        return (
            f"Exchange(call_id={self.call_id!r}, attempt={self.attempt}, "
            f"service={self.service!r}, operation={self.operation!r}, "
            f"subjects=<{len(self.subjects)} redacted>, request=<{len(self.request)} bytes>)"
        )


@dataclass(frozen=True)
class Outcome:
    """What came back for an `Exchange`: the bytes, the KSZ status, or the error."""

    response: bytes | None
    http_status: int | None
    status: Status | None
    ticket_cbss: str | None
    timestamp_receive: _dt.datetime | None
    timestamp_reply: _dt.datetime | None
    duration: _dt.timedelta
    error: BaseException | None = None
    will_retry: bool = False

    def __repr__(self) -> str:
        size = "None" if self.response is None else f"<{len(self.response)} bytes>"
        return (
            f"Outcome(http_status={self.http_status}, status={self.status!r}, "
            f"error={type(self.error).__name__ if self.error else None}, response={size})"
        )


@runtime_checkable
class CallObserver(Protocol):
    """Told about each attempt before it is sent and after its outcome is known."""

    def before_send(self, exchange: Exchange) -> None:
        """Called before any byte leaves; raising here stops the call (nothing is sent)."""

    def after_receive(self, exchange: Exchange, outcome: Outcome) -> None:
        """Called once per attempt with the outcome (answer, refusal or error)."""
