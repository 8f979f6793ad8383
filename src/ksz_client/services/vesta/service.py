"""VESTA (Flemish home care): ``client.vesta.get / register / stop / reconcile``."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from ksz_client import catalogue
from ksz_client._exceptions import AuditError, ValidationError
from ksz_client._inputs import date_arg
from ksz_client.services._registry import operation
from ksz_client.services.vesta import _wire
from ksz_client.services.vesta.models import (
    HOME_CARE_MUTATIONS,
    CareType,
    HomeCareChange,
    HomeCareResult,
    Reconciliation,
)
from ksz_client.types import CallContext

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["VestaService"]

# The bounds of the modelled contract (wsdl/types/VESTA/VESTAV1.xsd).
_PROVIDER_MAX: Final = 100
_REFERENCE_MAX: Final = 30


def _care_type(value: CareType | str | None) -> CareType:
    if value is None:
        raise ValidationError("the care type is required")
    try:
        return CareType(str(value).strip().upper())
    except ValueError:
        raise ValidationError("a care type is one of " + ", ".join(c.value for c in CareType)
                              ) from None


def _provider(value: str | None) -> str:
    provider = (value or "").strip()
    if not provider:
        raise ValidationError("the provider of the home care is required")
    if len(provider) > _PROVIDER_MAX:
        raise ValidationError(f"the provider is at most {_PROVIDER_MAX} characters")
    return provider


def _reference(value: str | None) -> str:
    reference = (value or "").strip()
    if not reference:
        raise ValidationError("the episode's reference is required (as VESTA answered it)")
    if len(reference) > _REFERENCE_MAX or not all(c.isascii() and (c.isalnum() or c == "-")
                                                    for c in reference):
        raise ValidationError(f"an episode reference is at most {_REFERENCE_MAX} letters, "
                              "digits or hyphens")
    return reference


class VestaService:
    """VESTA V1 (Flemish home care, over eHealth web services; Flanders only).

    VESTA counts about 30 exchanges between Flemish home-care actors, none with
    a public contract. This client covers the three the SDK models: the
    home-care episodes of a person (consult, register the start, register the
    end). Reach the others by declaring them with `ksz_client.generic.declare`
    and calling them with ``client.custom(...)`` (examples/vesta.py). Needs a
    covering integration (finality); the legal context is the one bound with
    `acting_for` (VESTA's own is not public). Contract: modelled on the
    WS-Consult conventions (wsdl/intf/VESTAService/VESTAV1.wsdl); point the SDK
    at the official WSDL with a per-service override when you have it.

    register and stop are mutations: a lost answer raises `InDoubtError` and
    is never re-sent; `reconcile` establishes with a consultation what happened.
    """

    service = catalogue.get("VESTA")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("consultHomeCare")
    def get(self, ssin: str, *, context: CallContext | None = None) -> HomeCareResult:
        """The person's home-care episodes, by any organisation (``consultHomeCare``).

        VESTA V1 (modelled), Flemish home care. DATA_FOUND with the episodes,
        ongoing and stopped, or NO_DATA_FOUND (MSG00100): an empty result, not
        an error. A consultation: safe to retry.

        Args:
            ssin: the person's SSIN, in any written form
            context: the call context, when not bound with `acting_for`
        """
        subject = str(self._client._validate_ssin(ssin))
        reply = self._client._call(
            self.service, "consultHomeCare",
            lambda payload: _wire.write_consult(payload, subject),
            context=context, subjects=(subject,),
        )
        return HomeCareResult(_wire.read_episodes(reply.payload), reply.status, reply.receipt)

    @operation("registerHomeCare")
    def register(
        self,
        ssin: str,
        *,
        care_type: CareType | str | None = None,
        provider: str | None = None,
        start: _dt.date | str | None = None,
        context: CallContext | None = None,
    ) -> HomeCareChange:
        """Register the start of a home-care episode (``registerHomeCare``).

        VESTA V1 (modelled), Flemish home care. The answer holds the episode's
        reference (keep it: `stop` names it). An ongoing episode of the same
        care type for the person is refused (`NoResult` VESTA001). A lost
        answer raises `InDoubtError` and is never re-sent: see `reconcile`.

        Args:
            ssin: the person's SSIN, in any written form
            care_type: FAMILY_CARE, HOUSEKEEPING, MEALS, SUPERVISION or ODD_JOBS
            provider: the home-care service that gives the care (at most 100 characters)
            start: the first day of care, YYYY-MM-DD
            context: the call context, when not bound with `acting_for`
        """
        subject = str(self._client._validate_ssin(ssin))
        request = _wire.Registration(subject, _care_type(care_type), _provider(provider),
                                     date_arg(start, "the start"))
        reply = self._client._call(
            self.service, "registerHomeCare",
            lambda payload: _wire.write_registration(payload, request),
            context=context, subjects=(subject,),
        )
        return HomeCareChange("registerHomeCare", _wire.read_reference(reply.payload),
                              reply.status, reply.receipt)

    @operation("stopHomeCare")
    def stop(
        self,
        ssin: str,
        *,
        reference: str | None = None,
        end: _dt.date | str | None = None,
        context: CallContext | None = None,
    ) -> HomeCareChange:
        """Register the end of a home-care episode (``stopHomeCare``).

        VESTA V1 (modelled), Flemish home care. An episode the person does not
        have is refused (`NoResult` VESTA002), one already stopped too
        (VESTA003); an end before the episode's start is the service's
        `InvalidData`. A lost answer raises `InDoubtError` and is never
        re-sent: see `reconcile`.

        Args:
            ssin: the person's SSIN, in any written form
            reference: the episode's reference, as registerHomeCare answered it
            end: the last day of care, YYYY-MM-DD
            context: the call context, when not bound with `acting_for`
        """
        subject = str(self._client._validate_ssin(ssin))
        request = _wire.Stop(subject, _reference(reference), date_arg(end, "the end"))
        reply = self._client._call(
            self.service, "stopHomeCare",
            lambda payload: _wire.write_stop(payload, request),
            context=context, subjects=(subject,),
        )
        return HomeCareChange("stopHomeCare", _wire.read_reference(reply.payload),
                              reply.status, reply.receipt)

    def reconcile(
        self,
        call_id: str,
        ssin: str,
        *,
        operation: str,
        care_type: CareType | str | None = None,
        provider: str | None = None,
        start: _dt.date | str | None = None,
        reference: str | None = None,
        end: _dt.date | str | None = None,
        context: CallContext | None = None,
    ) -> Reconciliation:
        """Establish with ``consultHomeCare`` what became of an in-doubt register or stop.

        `call_id` is the `InDoubtError.call_id` (also reached through
        ``client.reconcile(call_id, ...)``, which fills in `ssin` and
        `operation` from the audit log, for typed calls and for VESTA calls
        made through ``client.custom``); the other arguments repeat what that
        call asked. A registerHomeCare counts as applied when the person has an
        episode of that care type starting on `start` (and from `provider`,
        when given: the consultation does not say which organisation registered
        an episode, so the provider tells apart another's episode of the same
        type and day); a stopHomeCare when the episode `reference` ends on `end`.
        When auditing is on, the outcome is recorded with `AuditLog.resolve`
        (after which a mutation not applied may be sent again); a call the
        audit log does not hold as unresolved and in doubt is an `AuditError`,
        raised before anything is sent. Missing details are a `ValidationError`,
        also before sending.

        Args:
            call_id: the ticket of the in-doubt call (InDoubtError.call_id)
            ssin: the person's SSIN the call was about
            operation: registerHomeCare or stopHomeCare
            care_type: registerHomeCare: the care type the call named
            provider: registerHomeCare: the provider the call named (optional check)
            start: registerHomeCare: the first day the call named
            reference: stopHomeCare: the episode the call named
            end: stopHomeCare: the last day the call named
            context: the call context, when not bound with `acting_for`
        """
        if operation not in HOME_CARE_MUTATIONS:
            raise ValidationError("operation is registerHomeCare or stopHomeCare")
        subject = str(self._client._validate_ssin(ssin))
        # Everything the check needs is validated before anything is sent.
        match: Callable[[HomeCareResult], str | None]
        if operation == "registerHomeCare":
            match = _registered(_care_type(care_type), date_arg(start, "the start"),
                                _provider(provider) if provider is not None else None)
        else:
            match = _stopped(_reference(reference), date_arg(end, "the end"))
        log = self._client.audit
        if log is not None and log.unresolved_for(self.service.name, operation,
                                                  (subject,)) != call_id:
            raise AuditError(f"the audit log holds no unresolved in-doubt {operation} with "
                             "that id for this person")
        consulted = self.get(subject, context=context)
        found = match(consulted)
        applied = found is not None
        recorded = False
        if log is not None:
            user = self._client.context.merged(context).user or "ksz-client"
            log.resolve(call_id, by=user, applied=applied,
                        note=f"VESTA consultHomeCare (ticketCBSS "
                        f"{consulted.receipt.ticket_cbss}): {operation} "
                        f"{'applied' if applied else 'not applied'}")
            recorded = True
        return Reconciliation(call_id=call_id, operation=operation, applied=applied,
                              reference=found, consultation=consulted, recorded=recorded)


def _registered(care_type: CareType, start: _dt.date,
                provider: str | None) -> Callable[[HomeCareResult], str | None]:
    """The reference of the episode a registerHomeCare made, if the consultation shows it."""

    def match(consulted: HomeCareResult) -> str | None:
        found = [e for e in consulted.episodes
                 if e.care_type is care_type and e.period.start == start
                 and (provider is None or e.provider == provider)]
        # Several can match (registered, stopped, registered again): the last is the newest.
        return found[-1].reference if found else None

    return match


def _stopped(reference: str, end: _dt.date) -> Callable[[HomeCareResult], str | None]:
    """The episode's reference if the consultation shows it ending on `end`."""

    def match(consulted: HomeCareResult) -> str | None:
        episode = consulted.episode(reference)
        return reference if episode is not None and episode.period.end == end else None

    return match
