"""The finality guard: what is refused before a request is even built.

* A legal context that is neither in the catalogue (`LEGAL_CONTEXTS`) nor in
  ``finality.allowed_legal_contexts``.
* A call of an operation that needs integration (catalogue flag) about an
  SSIN that no integration in the local register covers, for this
  organisation, today (Belgian date) and, when the call names one, its
  quality code. The KSZ would answer MSG00012; the guard answers the same
  `NotIntegrated` without the request leaving.
* A mutation while an earlier one of the same operation on the same person
  is still in doubt and not reconciled (`AuditLog.resolve`).

In ``enforce`` mode a refusal writes a DENIED record and raises; in ``warn``
mode it is logged (without the SSIN) and the call goes on; ``off`` checks
nothing (the in-doubt rule still applies: it protects against a double
mutation, not a finality rule).
"""

from __future__ import annotations

import datetime as _dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ksz_client import catalogue
from ksz_client._config import Finality, FinalityMode
from ksz_client._exceptions import InDoubtError, InvalidLegalContext, NotIntegrated
from ksz_client.audit._records import AuditRecord, RecordKind

if TYPE_CHECKING:
    from ksz_client.audit._log import AuditLog
    from ksz_client.audit._observer import RecordMeta
    from ksz_client.audit._register import IntegrationRegister
    from ksz_client.catalogue import Operation, Service
    from ksz_client.types import CallContext

__all__ = ["FinalityGuard", "belgian_today"]

log = logging.getLogger("ksz_client.audit")


def belgian_today(now: _dt.datetime) -> _dt.date:
    """The date in Belgium at `now` (integration periods are Belgian dates)."""
    try:
        from zoneinfo import ZoneInfo

        zone: _dt.tzinfo = ZoneInfo("Europe/Brussels")
    except Exception:  # no time zone database on this system
        zone = _dt.UTC
    if now.tzinfo is None:
        now = now.replace(tzinfo=_dt.UTC)
    return now.astimezone(zone).date()


class FinalityGuard:
    """Checks a call against the finality rules before anything is built or sent."""

    def __init__(
        self,
        settings: Finality,
        register: Callable[[], IntegrationRegister],
        *,
        meta: RecordMeta,
        audit: Callable[[], AuditLog | None],
        clock: Callable[[], _dt.datetime],
    ) -> None:
        self.settings = settings
        self._register = register
        self._meta = meta
        self._audit = audit
        self._clock = clock
        self._known = frozenset(catalogue.LEGAL_CONTEXTS) | frozenset(
            settings.allowed_legal_contexts
        )

    @property
    def mode(self) -> FinalityMode:
        return self.settings.mode

    def check(
        self,
        service: Service,
        operation: Operation,
        context: CallContext,
        subjects: tuple[str, ...],
        *,
        call_id: str,
    ) -> None:
        """Raise (and record DENIED) when the call must not be sent."""
        mode = self.settings.mode
        if operation.kind is catalogue.OperationKind.MUTATION:
            self._check_in_doubt(service, operation, context, subjects, call_id)
        if mode is FinalityMode.OFF:
            return
        # A service without the common blocks (TestConnectionService) has no legal context.
        if service.common_blocks and context.legal_context not in self._known:
            self._refuse(
                mode, service, operation, context, subjects=subjects, call_id=call_id,
                rule="legal_context",
                reason="the legal context is not a known one (finality.allowed_legal_contexts)",
                error=InvalidLegalContext(
                    "the legal context is not a known one; add it to "
                    "finality.allowed_legal_contexts if the KSZ granted it"
                ),
            )
        if not subjects or not service.needs_integration_for(operation):
            return
        if operation.kind is catalogue.OperationKind.NOTIFICATION:
            return
        day = belgian_today(self._clock())
        register = self._register()
        uncovered = [
            i for i, ssin in enumerate(subjects, 1)
            if register.covering(self._meta.organisation, ssin, day, context.quality_code) is None
        ]
        if uncovered:
            which = ", ".join(str(i) for i in uncovered)
            purpose = (f" for quality code {context.quality_code}"
                       if context.quality_code is not None else "")
            self._refuse(
                mode, service, operation, context, subjects=subjects, call_id=call_id,
                rule="integration",
                reason=f"no integration covers subject(s) {which} today{purpose}",
                error=NotIntegrated(
                    "refused before sending: no integration of this organisation covers "
                    f"the person today{purpose} (register it with ManageAccess first)",
                    value="NO_RESULT", code="MSG00012",
                ),
                uncovered=uncovered,
            )

    def _check_in_doubt(
        self,
        service: Service,
        operation: Operation,
        context: CallContext,
        subjects: tuple[str, ...],
        call_id: str,
    ) -> None:
        audit = self._audit()
        if audit is None:
            return
        pending = audit.unresolved_for(service.name, operation.name, subjects)
        if pending is None:
            return
        self._refuse(
            FinalityMode.ENFORCE, service, operation, context, subjects=subjects, call_id=call_id,
            rule="in_doubt", reason=f"call {pending} of the same mutation is in doubt",
            error=InDoubtError(
                f"{operation.name} is not sent: call {pending} on the same person is in doubt; "
                "reconcile it and record the result with AuditLog.resolve first",
                call_id=pending,
            ),
        )

    def _refuse(
        self,
        mode: FinalityMode,
        service: Service,
        operation: Operation,
        context: CallContext,
        *,
        subjects: tuple[str, ...],
        call_id: str,
        rule: str,
        reason: str,
        error: Exception,
        uncovered: list[int] | None = None,
    ) -> None:
        if mode is FinalityMode.WARN:
            log.warning("finality (warn mode): %s.%s would be refused: %s",
                        service.name, operation.name, reason)
            return
        audit = self._audit()
        if audit is not None:
            from ksz_client.audit._observer import _digits

            detail: dict[str, Any] = {"rule": rule, "reason": reason}
            if uncovered:
                detail["uncovered"] = uncovered
            audit.write(AuditRecord(
                seq=0, kind=RecordKind.DENIED, at=self._clock(), call_id=call_id,
                organisation=self._meta.organisation, environment=self._meta.environment,
                application=self._meta.application,
                application_version=self._meta.application_version,
                user=context.user, legal_context=context.legal_context,
                quality_code=context.quality_code, dossier=context.dossier,
                service=service.name, version=service.version, operation=operation.name,
                operation_kind=operation.kind.value, subjects=_digits(subjects), detail=detail,
            ))
        raise error
