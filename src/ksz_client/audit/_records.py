"""Audit records: kinds, the typed record, its canonical body and its hash.

A record is stored as its *body*: canonical JSON (sorted keys, no spaces,
UTF-8, absent fields omitted, times as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``,
durations as whole microseconds: no floats, so every language computes the
same bytes). ``hash = SHA-256(prev_hash || body)`` where ``prev_hash`` is the
previous record's hash as 32 raw bytes (64 zeros in hex before the first).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final

__all__ = [
    "BODY_VERSION",
    "GENESIS_HASH",
    "AuditRecord",
    "RecordKind",
    "canonical",
    "chain_hash",
    "format_time",
    "parse_time",
]

GENESIS_HASH: Final = "0" * 64
"""The ``prev_hash`` of the very first record."""
BODY_VERSION: Final = 1


class RecordKind(StrEnum):
    """What a record says happened."""

    INTENT = "INTENT"
    """A call attempt is about to be sent (committed before any byte leaves)."""
    OUTCOME = "OUTCOME"
    """What came back for an attempt: answer, refusal or error."""
    DENIED = "DENIED"
    """A call refused locally before sending (finality guard, unknown legal context)."""
    IN_DOUBT = "IN_DOUBT"
    """An attempt without outcome: a mutation that may have arrived, or a process that died."""
    READ_ACCESS = "READ_ACCESS"
    """Someone queried or exported the audit log."""
    CHECKPOINT = "CHECKPOINT"
    """Signed statement of the log's size and head hash."""
    RECOVERY = "RECOVERY"
    """The reconciliation of an in-doubt call (what really happened, who checked)."""
    TOMBSTONE = "TOMBSTONE"
    """Retention dropped the sealed records before a checkpoint."""
    NOTIFICATION_RECEIVED = "NOTIFICATION_RECEIVED"
    """A notification the KSZ pushed was verified and stored in the inbox (committed with it);
    ``detail.duplicate`` marks a redelivery that was recognised and not stored again."""
    NOTIFICATION_REFUSED = "NOTIFICATION_REFUSED"
    """A pushed message was refused (unsigned, tampered, expired, invalid, too large...);
    nothing of it was stored. ``error`` names the reason."""
    NOTIFICATION_HANDLED = "NOTIFICATION_HANDLED"
    """The application's handlers processed a stored notification event (committed with
    the inbox entry's new state)."""


def format_time(value: _dt.datetime) -> str:
    """UTC, microseconds, ``Z``: fixed width so that text order is time order."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.UTC)
    return value.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> _dt.datetime:
    """The inverse of `format_time` (also accepts other ISO forms with an offset)."""
    value = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=_dt.UTC)


def canonical(body: Mapping[str, Any]) -> bytes:
    """The canonical JSON bytes of a record body."""
    return json.dumps(
        body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def chain_hash(prev_hash: str, body: bytes) -> str:
    """``SHA-256(prev_hash as 32 raw bytes || body)`` in hex."""
    return hashlib.sha256(bytes.fromhex(prev_hash) + body).hexdigest()


_TIME_FIELDS: Final = frozenset({"at", "ksz_receive", "ksz_reply"})


@dataclass(frozen=True)
class AuditRecord:
    """One record of the audit log, as stored (payloads never are: digests only).

    ``subjects`` are the SSINs the call was about, in clear: the log is the
    legal record a DPO queries ("who looked at this person"), so they are
    stored, but never shown in a repr.
    """

    seq: int
    kind: RecordKind
    at: _dt.datetime
    call_id: str | None = None
    attempt: int | None = None
    organisation: str | None = None
    environment: str | None = None
    application: str | None = None
    application_version: str | None = None
    user: str | None = None
    legal_context: str | None = None
    quality_code: int | None = None
    dossier: str | None = None
    service: str | None = None
    version: str | None = None
    operation: str | None = None
    operation_kind: str | None = None
    subjects: tuple[str, ...] = ()
    request_sha256: str | None = None
    http_status: int | None = None
    status_value: str | None = None
    status_code: str | None = None
    ticket_cbss: str | None = None
    ksz_receive: _dt.datetime | None = None
    ksz_reply: _dt.datetime | None = None
    duration_us: int | None = None
    response_sha256: str | None = None
    error: str | None = None
    will_retry: bool | None = None
    writer: str | None = None
    detail: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    prev_hash: str = ""
    hash: str = ""

    def __repr__(self) -> str:
        return (
            f"AuditRecord(seq={self.seq}, kind={self.kind.value}, at={format_time(self.at)}, "
            f"call_id={self.call_id!r}, service={self.service!r}, "
            f"operation={self.operation!r}, user={self.user!r}, "
            f"subjects=<{len(self.subjects)} redacted>)"
        )

    def body(self) -> dict[str, Any]:
        """The JSON-ready body (everything but the hashes; absent fields omitted)."""
        return body_of(self)

    @classmethod
    def from_body(cls, body: Mapping[str, Any], prev_hash: str, hash_: str) -> AuditRecord:
        """Rebuild a record from its stored body and hashes."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name in ("prev_hash", "hash") or f.name not in body:
                continue
            value = body[f.name]
            if f.name in _TIME_FIELDS:
                value = parse_time(value)
            elif f.name == "kind":
                value = RecordKind(value)
            elif f.name == "subjects":
                value = tuple(value)
            elif f.name == "detail":
                value = MappingProxyType(dict(value))
            values[f.name] = value
        return cls(prev_hash=prev_hash, hash=hash_, **values)

    def to_json(self) -> dict[str, Any]:
        """Body plus ``prev_hash`` and ``hash``: one line of a JSONL export.

        Removing the two hashes gives back the body, so an export can be
        re-verified outside the SDK.
        """
        return {**self.body(), "prev_hash": self.prev_hash, "hash": self.hash}


# The body's fields in declaration order, computed once: dataclasses.fields() per
# record was a tenth of the audit log's CPU per call.
_BODY_FIELDS: Final = tuple(f.name for f in fields(AuditRecord)
                            if f.name not in ("prev_hash", "hash"))


def body_of(record: AuditRecord) -> dict[str, Any]:
    body: dict[str, Any] = {"v": BODY_VERSION}
    for name in _BODY_FIELDS:
        value = getattr(record, name)
        if value is None or (name in ("subjects", "detail") and not value):
            continue
        if name in _TIME_FIELDS:
            value = format_time(value)
        elif name == "kind":
            value = value.value
        elif name == "subjects":
            value = list(value)
        elif name == "detail":
            value = _plain(value)
        body[name] = value
    return body


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
