"""The `CallObserver` that records every call attempt: INTENT before, OUTCOME after."""

from __future__ import annotations

import datetime as _dt
import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ksz_client import ssin as _ssin
from ksz_client._exceptions import AuditError, InDoubtError
from ksz_client.audit._records import AuditRecord, RecordKind
from ksz_client.hooks import Exchange, Outcome

if TYPE_CHECKING:
    from ksz_client._config import KszConfig, Organisation
    from ksz_client.audit._log import AuditLog

__all__ = ["AuditObserver", "RecordMeta", "organisation_id"]

log = logging.getLogger("ksz_client.audit")


def organisation_id(organisation: Organisation) -> str:
    """The organisation as recorded and as keyed in the register: KBO number, or
    ``sector/institution``."""
    if organisation.cbe_number:
        return organisation.cbe_number
    return f"{organisation.sector}/{organisation.institution}"


@dataclass(frozen=True)
class RecordMeta:
    """What every record of one client says about who calls from where."""

    organisation: str
    environment: str
    application: str
    application_version: str | None = None

    @classmethod
    def from_config(cls, config: KszConfig) -> RecordMeta:
        return cls(
            organisation=organisation_id(config.organisation),
            environment=config.environment.value,
            application=config.application.name,
            application_version=config.application.version or None,
        )


def _digits(subjects: Sequence[str]) -> tuple[str, ...]:
    return tuple(str(_ssin.compact(str(s))) for s in subjects)


def _sha256(data: bytes | None) -> str | None:
    return hashlib.sha256(data).hexdigest() if data is not None else None


class AuditObserver:
    """Records each attempt of each call in an `AuditLog`.

    ``before_send`` commits the INTENT; if that fails it raises `AuditError`
    and the client sends nothing. ``after_receive`` records the OUTCOME (or
    IN_DOUBT for a mutation that may have arrived); if that fails the answer
    is still returned (the KSZ has it; refusing it would hide a mutation that
    happened) and the attempt will be marked IN_DOUBT when the log is next
    opened.

    `log` is an `AuditLog` or a function returning one (the client opens its
    log on first use).
    """

    def __init__(self, log: AuditLog | Callable[[], AuditLog], meta: RecordMeta) -> None:
        self._log = log
        self.meta = meta

    def __repr__(self) -> str:
        return f"AuditObserver(organisation={self.meta.organisation!r})"

    @property
    def log(self) -> AuditLog:
        """The audit log written to."""
        from ksz_client.audit._log import AuditLog

        return self._log if isinstance(self._log, AuditLog) else self._log()

    def _base(self, kind: RecordKind, exchange: Exchange, at: _dt.datetime) -> dict[str, Any]:
        context = exchange.context
        return {
            "seq": 0,
            "kind": kind,
            "at": at,
            "call_id": exchange.call_id,
            "attempt": exchange.attempt,
            "organisation": self.meta.organisation,
            "environment": self.meta.environment,
            "application": self.meta.application,
            "application_version": self.meta.application_version,
            "user": context.user,
            "legal_context": context.legal_context,
            "quality_code": context.quality_code,
            "dossier": context.dossier,
            "service": exchange.service,
            "version": exchange.version,
            "operation": exchange.operation,
            "operation_kind": exchange.kind,
            "subjects": _digits(exchange.subjects),
            "request_sha256": _sha256(exchange.request),
        }

    def before_send(self, exchange: Exchange) -> None:
        from ksz_client.audit._log import writer_id

        record = AuditRecord(**self._base(RecordKind.INTENT, exchange, exchange.started_at),
                             writer=writer_id())
        try:
            self.log._append((record,))
        except AuditError:
            raise
        except Exception as exc:  # anything else the backend raised: same contract
            raise AuditError(f"the audit log could not record ({type(exc).__name__})") from exc

    def after_receive(self, exchange: Exchange, outcome: Outcome) -> None:
        try:
            audit_log = self.log
            in_doubt = isinstance(outcome.error, InDoubtError)
            status = outcome.status
            fields: dict[str, Any] = {
                **self._base(RecordKind.IN_DOUBT if in_doubt else RecordKind.OUTCOME,
                             exchange, audit_log.now()),
                "http_status": outcome.http_status,
                "status_value": status.value if status else None,
                "status_code": status.code if status else None,
                "ticket_cbss": outcome.ticket_cbss,
                "ksz_receive": outcome.timestamp_receive,
                "ksz_reply": outcome.timestamp_reply,
                "duration_us": int(outcome.duration.total_seconds() * 1_000_000),
                "response_sha256": _sha256(outcome.response),
                "error": type(outcome.error).__name__ if outcome.error else None,
                "will_retry": outcome.will_retry or None,
            }
            detail: Mapping[str, Any] = {}
            if in_doubt:
                detail = {"reason": "the mutation may have reached the KSZ; no answer came back"}
            audit_log._append((AuditRecord(**fields, detail=detail),))
        except Exception as exc:
            log.error(
                "audit: the outcome of call %s attempt %d could not be recorded (%s); it will "
                "be marked IN_DOUBT when the log is next opened",
                exchange.call_id, exchange.attempt, type(exc).__name__,
            )
