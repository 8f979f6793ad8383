"""OCMWCPASManageAccess: `client.access.register / unregister / list / sync / reconcile`."""

from __future__ import annotations

import builtins
import datetime as _dt
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ksz_client import catalogue
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client._inputs import optional_date_arg
from ksz_client.audit import Integration, organisation_id
from ksz_client.services._registry import operation
from ksz_client.services.manage_access import _wire
from ksz_client.services.manage_access.models import (
    AccessAction,
    AccessResult,
    ProofOfAuthentication,
    Reconciliation,
    Registration,
    RepertoryRegister,
    SyncResult,
    check_quality_code,
)
from ksz_client.ssin import Ssin
from ksz_client.types import CallContext, PartialDate, Period

if TYPE_CHECKING:
    from ksz_client._client import KszClient, Reply
    from ksz_client.audit import IntegrationRegister

__all__ = ["AccessService"]

_ONE_DAY = _dt.timedelta(days=1)
_SEPARATORS = re.compile(r"[\s,;]+")


def _overlaps(a: Period, b: Period) -> bool:
    return (a.end is None or b.start <= a.end) and (b.end is None or a.start <= b.end)


def _cut(have: Period, remove: Period) -> list[Period]:
    """What is left of `have` once `remove` is taken out of it (the KSZ cuts periods so)."""
    if not _overlaps(have, remove):
        return [have]
    pieces = []
    if have.start < remove.start:
        pieces.append(Period(have.start, remove.start - _ONE_DAY))
    if remove.end is not None and (have.end is None or have.end > remove.end):
        pieces.append(Period(remove.end + _ONE_DAY, have.end))
    return pieces


class AccessService:
    """OCMWCPASManageAccess (SSDN 20050930; source: the KSZ reference repertory).

    Integrates an SSIN in the repertory for this OCMW, a quality code (the
    ``Purpose``, sector 17) and a period (REGISTER), ends an integration
    (UNREGISTER) and lists them (LIST). Integrating a file is what makes every
    later consultation that needs integration lawful (finality): the outcome
    of a successful REGISTER or UNREGISTER is written to the local register
    (`KszClient.integrations`) that the finality guard checks, and `sync`
    refreshes that register from LIST. Contract: official (SSDN).

    REGISTER and UNREGISTER are mutations: a lost answer raises `InDoubtError`
    and is never re-sent; `reconcile` establishes with a LIST what happened.
    """

    service = catalogue.get("OCMWCPASManageAccess")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    # --- helpers ------------------------------------------------------------------------

    @property
    def _organisation(self) -> str:
        return organisation_id(self._client.config.organisation)

    @property
    def _register(self) -> IntegrationRegister:
        return self._client.integrations

    def _quality_code(self, quality_code: int | None, context: CallContext | None,
                      action: AccessAction) -> int:
        code = quality_code
        if code is None:
            code = self._client.context.merged(context).quality_code
        if code is None:
            raise ValidationError(f"{action.value} needs the quality code (purpose) of the "
                                  "integration")
        return check_quality_code(code)

    def _period(self, start: _dt.date | str | None, end: _dt.date | str | None) -> Period:
        begin = optional_date_arg(start, "the start") or self._client._today()
        return Period(begin, optional_date_arg(end, "the end"))

    @staticmethod
    def _proof(
        last_name: str | None, first_name: str | None,
        birth_date: PartialDate | _dt.date | str | None,
        sis_card_number: str | None, identity_card_number: str | None,
    ) -> ProofOfAuthentication | None:
        if all(v is None for v in (last_name, first_name, birth_date, sis_card_number,
                                   identity_card_number)):
            return None
        return ProofOfAuthentication(
            last_name=last_name,
            birth_date=PartialDate.of(birth_date) if birth_date is not None else None,
            first_name=first_name,
            sis_card_number=sis_card_number,
            identity_card_number=identity_card_number,
        )

    def _send(
        self,
        action: AccessAction,
        subject: Ssin,
        *,
        quality_code: int | None,
        period: Period,
        query_register: RepertoryRegister | None = None,
        proof: ProofOfAuthentication | None = None,
        context: CallContext | None,
    ) -> AccessResult:
        # The quality code travels in the call context too: the audit record
        # says for which purpose the person was integrated or listed.
        if quality_code is not None:
            context = (context or CallContext()).merged(CallContext(quality_code=quality_code))
        reply = self._client._call(
            self.service,
            action.value,
            lambda payload: _wire.write_request(
                payload, ssin=str(subject), action=action, quality_code=quality_code,
                period=period, query_register=query_register, proof=proof),
            context=context,
            subjects=(str(subject),),
        )
        return self._result(reply, action, subject, quality_code=quality_code, period=period,
                            query_register=query_register)

    @staticmethod
    def _result(reply: Reply, action: AccessAction, subject: Ssin, *, quality_code: int | None,
                period: Period, query_register: RepertoryRegister | None) -> AccessResult:
        original, registrations = _wire.read_reply(reply.payload)
        if original.ssin != subject or original.action is not action:
            raise ResponseError("the answer is about another request")
        return AccessResult(
            action=action,
            ssin=subject,
            quality_code=quality_code,
            period=period,
            registrations=registrations,
            warnings=reply.warnings,
            status=reply.status,
            receipt=reply.receipt,
            query_register=query_register,
        )

    def _own(self, registrations: Iterable[Registration],
             quality_code: int) -> builtins.list[Registration]:
        organisation = self._organisation
        return [r for r in registrations
                if r.org_unit == organisation and r.quality_code == quality_code
                and r.register is not RepertoryRegister.PRIMARY]

    def _record_register(self, subject: Ssin, quality_code: int, period: Period,
                         registrations: Iterable[Registration]) -> None:
        """After a REGISTER the KSZ applied: the periods it now lists, else the one asked."""
        organisation = self._organisation
        periods = [r.period for r in self._own(registrations, quality_code)
                   if _overlaps(r.period, period)] or [period]
        for p in periods:
            self._register.add(Integration(organisation, str(subject), quality_code, p.start,
                                           p.end, source="REGISTER"))

    def _record_unregister(self, subject: Ssin, quality_code: int, period: Period) -> None:
        """After an UNREGISTER the KSZ applied: cut the period out of the local register."""
        organisation = self._organisation
        held = [i for i in self._register.list(organisation, str(subject))
                if i.quality_code == quality_code]
        if not held:
            return
        self._register.remove(organisation, str(subject), quality_code)
        for i in held:
            for piece in _cut(Period(i.start, i.end), period):
                self._register.add(Integration(organisation, i.ssin, quality_code, piece.start,
                                               piece.end, source=i.source))

    # --- operations ---------------------------------------------------------------------

    @operation("REGISTER")
    def register(
        self,
        ssin: str,
        *,
        quality_code: int | None = None,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        last_name: str | None = None,
        first_name: str | None = None,
        birth_date: PartialDate | _dt.date | str | None = None,
        sis_card_number: str | None = None,
        identity_card_number: str | None = None,
        context: CallContext | None = None,
    ) -> AccessResult:
        """Integrate the person in the repertory (``REGISTER``) for a quality code and period.

        On success the integration is added to the local register the
        finality guard checks. A REGISTER that changes nothing (already
        integrated) comes back with a warning, not an error. Input is checked
        before sending: an unknown quality code, a period that ends before it
        starts or a missing proof raise `ValidationError`. A lost answer raises
        `InDoubtError` (never re-sent): see `reconcile`.

        Args:
            ssin: the person's SSIN, in any written form
            quality_code: sector 17 quality code (purpose), e.g. 2 leefloon; default the
                call context's
            start: first day of the integration, YYYY-MM-DD (default today)
            end: last day of the integration, YYYY-MM-DD (default open-ended)
            last_name: proof: the person's last name (with the birth date)
            first_name: proof: the person's first name (optional, with last name and birth date)
            birth_date: proof: the person's birth date, YYYY-MM-DD with 00 for unknown parts
            sis_card_number: proof: the SIS card number (10 digits)
            identity_card_number: proof: the identity card number (12 digits)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        code = self._quality_code(quality_code, context, AccessAction.REGISTER)
        period = self._period(start, end)
        proof = self._proof(last_name, first_name, birth_date, sis_card_number,
                            identity_card_number)
        if proof is None:
            raise ValidationError("REGISTER needs a proof of authentication: the person's last "
                                  "name and birth date, or a SIS or identity card number")
        result = self._send(AccessAction.REGISTER, subject, quality_code=code, period=period,
                            proof=proof, context=context)
        self._record_register(subject, code, period, result.registrations)
        return result

    @operation("UNREGISTER")
    def unregister(
        self,
        ssin: str,
        *,
        quality_code: int | None = None,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        last_name: str | None = None,
        first_name: str | None = None,
        birth_date: PartialDate | _dt.date | str | None = None,
        sis_card_number: str | None = None,
        identity_card_number: str | None = None,
        context: CallContext | None = None,
    ) -> AccessResult:
        """End an integration over a period (``UNREGISTER``), e.g. when a file is closed.

        On success the period is cut out of the local register too (an
        integration may be shortened or split). An UNREGISTER that finds
        nothing comes back with a warning. A lost answer raises `InDoubtError`.

        Args:
            ssin: the person's SSIN, in any written form
            quality_code: sector 17 quality code (purpose) of the integration; default the
                call context's
            start: first day no longer integrated, YYYY-MM-DD (default today)
            end: last day no longer integrated, YYYY-MM-DD (default open-ended)
            last_name: proof: the person's last name (with the birth date)
            first_name: proof: the person's first name
            birth_date: proof: the person's birth date, YYYY-MM-DD with 00 for unknown parts
            sis_card_number: proof: the SIS card number (10 digits)
            identity_card_number: proof: the identity card number (12 digits)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        code = self._quality_code(quality_code, context, AccessAction.UNREGISTER)
        period = self._period(start, end)
        proof = self._proof(last_name, first_name, birth_date, sis_card_number,
                            identity_card_number)
        result = self._send(AccessAction.UNREGISTER, subject, quality_code=code, period=period,
                            proof=proof, context=context)
        self._record_unregister(subject, code, period)
        return result

    @operation("LIST")
    def list(
        self,
        ssin: str,
        *,
        query_register: RepertoryRegister | str = RepertoryRegister.ALL,
        quality_code: int | None = None,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        last_name: str | None = None,
        first_name: str | None = None,
        birth_date: PartialDate | _dt.date | str | None = None,
        sis_card_number: str | None = None,
        identity_card_number: str | None = None,
        context: CallContext | None = None,
    ) -> AccessResult:
        """List the person's integrations (``LIST``) that overlap a period.

        SECONDARY lists this sector's integrations (this OCMW's carry its KBO
        number as ``org_unit``), PRIMARY the KSZ's own repertory, ALL both.
        A consultation: safe to retry, changes nothing.

        Args:
            ssin: the person's SSIN, in any written form
            query_register: PRIMARY, SECONDARY or ALL (default ALL)
            quality_code: only integrations for this quality code
            start: list integrations running on or after this day, YYYY-MM-DD (default today)
            end: ... and on or before this day, YYYY-MM-DD (default open-ended)
            last_name: proof (optional): the person's last name (with the birth date)
            first_name: proof (optional): the person's first name
            birth_date: proof (optional): the person's birth date
            sis_card_number: proof (optional): the SIS card number (10 digits)
            identity_card_number: proof (optional): the identity card number (12 digits)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        try:
            register = RepertoryRegister(query_register)
        except ValueError:
            raise ValidationError("query_register is PRIMARY, SECONDARY or ALL") from None
        code = check_quality_code(quality_code) if quality_code is not None else None
        period = self._period(start, end)
        proof = self._proof(last_name, first_name, birth_date, sis_card_number,
                            identity_card_number)
        return self._send(AccessAction.LIST, subject, quality_code=code, period=period,
                          query_register=register, proof=proof, context=context)

    @operation("LIST")
    def sync(
        self,
        ssins: str | Sequence[str],
        *,
        context: CallContext | None = None,
    ) -> SyncResult:
        """Refresh the local register from the repertory (``LIST``) for the files you hold open.

        Lists every SSIN given (register SECONDARY, from today on) and makes
        this organisation's local register exactly the integrations the KSZ
        lists for them (`IntegrationRegister.replace_all`): give the SSINs of
        *all* open files, since an SSIN left out loses its local integrations
        (the finality guard then refuses its consultations until the next
        REGISTER or sync). Nothing changes locally unless every LIST succeeds.

        Args:
            ssins: the SSINs of the open files (a list, or one text with the numbers
                separated by commas or spaces)
            context: the call context, when not bound with `acting_for`
        """
        items = _SEPARATORS.split(ssins.strip()) if isinstance(ssins, str) else list(ssins)
        subjects = list(dict.fromkeys(self._client._validate_ssin(s) for s in items if s))
        if not subjects:
            raise ValidationError("sync needs the SSINs of the open files")
        organisation = self._organisation
        today = self._client._today()
        found: builtins.list[Integration] = []
        receipts = []
        for subject in subjects:
            listing = self._send(AccessAction.LIST, subject, quality_code=None,
                                 period=Period(today),
                                 query_register=RepertoryRegister.SECONDARY, context=context)
            receipts.append(listing.receipt)
            found += [
                Integration(organisation, str(subject), r.quality_code, r.period.start,
                            r.period.end, source="LIST")
                for r in listing.registrations
                if r.org_unit == organisation and r.register is RepertoryRegister.SECONDARY
            ]
        before = {_key(i) for i in self._register.list(organisation)}
        self._register.replace_all(organisation, found)
        after = {_key(i) for i in found}
        return SyncResult(
            organisation=organisation,
            subjects=len(subjects),
            integrations=tuple(found),
            receipts=tuple(receipts),
            removed=len(before - after),
            added=len(after - before),
        )

    def reconcile(
        self,
        call_id: str,
        ssin: str,
        *,
        action: AccessAction | str,
        quality_code: int,
        start: _dt.date | str,
        end: _dt.date | str | None = None,
        context: CallContext | None = None,
    ) -> Reconciliation:
        """Establish with a LIST what became of an in-doubt REGISTER or UNREGISTER.

        `call_id` is the `InDoubtError.call_id`; the other arguments repeat
        what that call asked. A REGISTER counts as applied when this
        organisation's integrations cover the whole period, an UNREGISTER when
        none overlaps it any more. The local register is updated accordingly
        and, when auditing is on, the outcome is recorded with
        `AuditLog.resolve` (which lets the same mutation be sent again when it
        was not applied). Raises `AuditError` when the audit log knows no
        unresolved in-doubt call with that id.

        Args:
            call_id: the ticket of the in-doubt call (InDoubtError.call_id)
            ssin: the person's SSIN the call was about
            action: REGISTER or UNREGISTER
            quality_code: the quality code the call named
            start: the first day of the period the call named
            end: the last day of the period the call named (default open-ended)
            context: the call context, when not bound with `acting_for`
        """
        try:
            wanted = AccessAction(action)
        except ValueError:
            raise ValidationError("action is REGISTER or UNREGISTER") from None
        if wanted is AccessAction.LIST:
            raise ValidationError("only a REGISTER or UNREGISTER can be in doubt")
        subject = self._client._validate_ssin(ssin)
        code = check_quality_code(quality_code)
        period = self._period(start, end)
        listing = self._send(AccessAction.LIST, subject, quality_code=code, period=period,
                             query_register=RepertoryRegister.SECONDARY, context=context)
        own = self._own(listing.registrations, code)
        if wanted is AccessAction.REGISTER:
            applied = any(r.covers(period) for r in own)
        else:
            applied = not any(_overlaps(r.period, period) for r in own)
        recorded = False
        log = self._client.audit
        if log is not None:
            user = self._client.context.merged(context).user or "ksz-client"
            log.resolve(call_id, by=user, applied=applied,
                        note=f"ManageAccess LIST (ticketCBSS {listing.receipt.ticket_cbss}): "
                        f"{wanted.value} {'applied' if applied else 'not applied'}")
            recorded = True
        if applied and wanted is AccessAction.REGISTER:
            self._record_register(subject, code, period, listing.registrations)
        elif applied:
            self._record_unregister(subject, code, period)
        return Reconciliation(call_id=call_id, action=wanted, applied=applied, listing=listing,
                              recorded=recorded)


def _key(i: Integration) -> tuple[str, int, _dt.date, _dt.date | None]:
    return (i.ssin, i.quality_code, i.start, i.end)
