"""Faults on demand: how the sandbox misbehaves so that clients can be tested.

A fault is asked for in three ways:

- a request header ``X-Ksz-Sandbox-Fault: <kind>[=<milliseconds>]``;
- a reserved SSIN: the last persons of the population each carry one fault
  (``ksz sandbox persons --where fault=reset``), triggered whenever their
  SSIN is the subject of a request;
- `FaultSwitch` (``Sandbox.fault(...)``), for the next requests whatever they are.

The request is processed first (a mutation is carried out), then the answer
is spoiled: that is what makes a lost answer to a mutation *in doubt*.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

__all__ = [
    "DEFAULT_MILLIS",
    "DESCRIPTIONS",
    "FAULT_HEADER",
    "Fault",
    "FaultKind",
    "FaultSwitch",
]

FAULT_HEADER: Final = "X-Ksz-Sandbox-Fault"
"""The request header that asks for a fault."""


class FaultKind(StrEnum):
    """The faults the sandbox can produce."""

    LATENCY = "latency"
    RESET = "reset"
    HTTP500 = "http500"
    HTTP503 = "http503"
    FAULT = "fault"
    BAD_SIGNATURE = "bad-signature"
    EXPIRED_TIMESTAMP = "expired-timestamp"
    UNSIGNED = "unsigned"
    MALFORMED_XML = "malformed-xml"
    TRUNCATED = "truncated"
    SLOW_BODY = "slow-body"


DESCRIPTIONS: Final = {
    FaultKind.LATENCY: "answer normally after a delay (latency=MS, default 250 ms)",
    FaultKind.RESET: "drop the connection without answering",
    FaultKind.HTTP500: "HTTP 500 with a plain-text body (no SOAP)",
    FaultKind.HTTP503: "HTTP 503 Service Unavailable with Retry-After",
    FaultKind.FAULT: "signed SOAP fault MSG00003 (unexpected internal error)",
    FaultKind.BAD_SIGNATURE: "signed answer altered after signing (the digest no longer matches)",
    FaultKind.EXPIRED_TIMESTAMP: "answer signed with a Timestamp that expired 5 minutes ago",
    FaultKind.UNSIGNED: "answer without WS-Security header",
    FaultKind.MALFORMED_XML: "answer that is not well-formed XML",
    FaultKind.TRUNCATED: "signed answer cut short (Content-Length matches the cut body)",
    FaultKind.SLOW_BODY: "headers and half the body, then a stall (slow-body=MS, default "
                         "1000 ms), then the rest",
}
"""One line per fault kind, for the README and ``ksz sandbox persons``."""

DEFAULT_MILLIS: Final = {FaultKind.LATENCY: 250, FaultKind.SLOW_BODY: 1000}
_MAX_MILLIS: Final = 120_000


@dataclass(frozen=True)
class Fault:
    """A fault kind and, for latency and slow-body, its delay in milliseconds."""

    kind: FaultKind
    millis: int | None = None

    def __post_init__(self) -> None:
        if self.millis is not None:
            if self.kind not in DEFAULT_MILLIS:
                raise ValueError(f"the {self.kind.value} fault takes no duration")
            if not 0 <= self.millis <= _MAX_MILLIS:
                raise ValueError("a fault duration is 0 to 120000 milliseconds")

    @property
    def delay(self) -> float:
        """The delay in seconds (latency and slow-body), else 0."""
        millis = self.millis if self.millis is not None else DEFAULT_MILLIS.get(self.kind, 0)
        return millis / 1000

    @classmethod
    def parse(cls, text: str) -> Fault:
        """``kind`` or ``kind=MS`` (as in the header). Raises ValueError."""
        name, sep, value = text.strip().partition("=")
        try:
            kind = FaultKind(name.strip().lower())
        except ValueError:
            known = ", ".join(k.value for k in FaultKind)
            raise ValueError(f"unknown sandbox fault; known: {known}") from None
        if not sep:
            return cls(kind)
        if not value.strip().isdigit():
            raise ValueError("a fault duration is a whole number of milliseconds")
        return cls(kind, int(value))

    def __str__(self) -> str:
        return self.kind.value if self.millis is None else f"{self.kind.value}={self.millis}"


class FaultSwitch:
    """Faults forced on the next requests, whatever they ask (thread-safe).

    `push` arms a fault for `times` requests (``None``: until `remove`); the
    most recently pushed armed fault wins.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: dict[int, tuple[Fault, int | None]] = {}
        self._tokens = itertools.count(1)

    def push(self, fault: Fault, times: int | None = None) -> int:
        """Arm `fault`; returns a token for `remove`."""
        if times is not None and times < 1:
            raise ValueError("times is at least 1")
        with self._lock:
            token = next(self._tokens)
            self._armed[token] = (fault, times)
            return token

    def remove(self, token: int) -> None:
        with self._lock:
            self._armed.pop(token, None)

    def take(self) -> Fault | None:
        """The fault for this request (counting it), or None."""
        with self._lock:
            if not self._armed:
                return None
            token = max(self._armed)
            fault, times = self._armed[token]
            if times is not None:
                if times <= 1:
                    del self._armed[token]
                else:
                    self._armed[token] = (fault, times - 1)
            return fault

    def remaining(self, token: int) -> int | None:
        """How many requests the fault still applies to (None: unlimited or removed)."""
        with self._lock:
            found = self._armed.get(token)
            return found[1] if found is not None else 0
