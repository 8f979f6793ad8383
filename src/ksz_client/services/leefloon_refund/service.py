"""The leefloon refund exchanges with the POD-MI.

``client.refund_attest.register / reconcile`` (OCMWCPASRegisterAttest),
``client.stop_attest.stop / reconcile`` (OCMWCPASStopAttest) and
``client.attestations.list`` (OCMWCPASListOfAttestations).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from ksz_client import catalogue
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client._inputs import date_arg, optional_date_arg
from ksz_client.audit import organisation_id
from ksz_client.services._registry import operation
from ksz_client.services.leefloon_refund import _wire
from ksz_client.services.leefloon_refund.models import (
    AttestationList,
    AttestResult,
    AttestState,
    PremiumResult,
    Reconciliation,
    RecoveryResult,
    RefundCategory,
    check_premium_quality_code,
    check_reference,
    check_refund_quality_code,
    check_request_type,
)
from ksz_client.ssin import Ssin
from ksz_client.types import CallContext, Money, Period

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["AttestationsService", "OrganicLawService", "RecoveredAmountService",
           "RegisterAttestService", "StopAttestService", "reconcile_with_listing",
           "request_type_of"]

_NO_PERIOD: Final = "GPMI_PIIS"
_PREMIUM: Final = "PRIME_INSTALLATION"
_REQUEST_TYPE_OF_CODE: Final = {2: "RIS", 3: "STATUT65"}


def request_type_of(quality_code: int) -> str:
    """The ListOfAttestations RequestType that shows the refund attests of a quality code."""
    return _REQUEST_TYPE_OF_CODE[check_refund_quality_code(quality_code)]


def _amount(value: Money | Decimal | str) -> Money:
    # A bare int is ambiguous (euro or cents?): Money.from_cents(...) says which.
    if isinstance(value, bool | int | float):
        raise ValidationError("an amount is a Money (Money.from_cents), a Decimal or a text "
                              "in euro such as '1263.17', never an int or a float")
    amount = Money.parse(value)
    if amount.cents <= 0:
        raise ValidationError("the amount is more than zero")
    return amount


class _Base:
    def __init__(self, client: KszClient) -> None:
        self._client = client

    @property
    def _organisation(self) -> str:
        return organisation_id(self._client.config.organisation)

    def _quality_code(self, quality_code: int | None, context: CallContext | None, *,
                      premium: bool = False) -> int:
        code = quality_code
        if code is None:
            code = self._client.context.merged(context).quality_code
        if code is None:
            raise ValidationError("the call needs the quality code of the file: 2 (leefloon) "
                                  "or 3 (equivalent leefloon)"
                                  + (" or 4 (other aid)" if premium else ""))
        return check_premium_quality_code(code) if premium else check_refund_quality_code(code)

    def _past(self, value: _dt.date | str | None, what: str) -> _dt.date:
        day = date_arg(value, what)
        if day > self._client._today():
            raise ValidationError(f"{what} is in the future")
        return day

    @staticmethod
    def _with_code(context: CallContext | None, code: int) -> CallContext:
        # The finality guard then checks an integration for THIS quality code, and the
        # audit record says for which purpose the attest was sent.
        return (context or CallContext()).merged(CallContext(quality_code=code))

    def _list(self, subject: Ssin, request_type: str, period: Period | None,
              context: CallContext | None) -> AttestationList:
        service = catalogue.get("OCMWCPASListOfAttestations")
        request = _wire.ListRequest(str(subject), request_type, period)
        reply = self._client._call(
            service, "listOfAttestations",
            lambda payload: _wire.write_list_request(payload, request),
            context=context, subjects=(str(subject),),
        )
        ssin, kind, attestations, exonerations, periods = _wire.read_list_reply(reply.payload)
        if ssin != str(subject) or kind != request_type:
            raise ResponseError("the answer is about another request")
        return AttestationList(request_type=kind, attestations=attestations,
                               receipt=reply.receipt, exonerations=exonerations,
                               gpmi_periods=periods, warnings=reply.warnings)

    def _resolve(self, call_id: str, what: str, applied: bool, listing: AttestationList,
                 context: CallContext | None) -> bool:
        log = self._client.audit
        if log is None:
            return False
        user = self._client.context.merged(context).user or "ksz-client"
        log.resolve(call_id, by=user, applied=applied,
                    note=f"ListOfAttestations (ticket {listing.receipt.ticket_cbss}): {what} "
                    f"{'applied' if applied else 'not applied'}")
        return True


def reconcile_with_listing(
    client: KszClient,
    call_id: str,
    ssin: str,
    *,
    operation: str,
    request_type: str,
    period: Period,
    quality_code: int,
    applied: Callable[[AttestationList], bool],
    context: CallContext | None,
) -> Reconciliation:
    """Reconcile an in-doubt POD-MI mutation with one ListOfAttestations, and record it.

    The mechanism every POD-MI reconciliation shares (registerAttest and the
    others here, the Law of 1965 forms): list the person's decisions of
    `request_type` over `period` for `quality_code` (finality as for the
    mutation), let `applied` judge the listing, record the outcome with
    `AuditLog.resolve` when auditing is on.
    """
    lister = AttestationsService(client)
    subject = client._validate_ssin(ssin)
    listing = lister._list(subject, check_request_type(request_type), period,
                           lister._with_code(context, quality_code))
    found = applied(listing)
    recorded = lister._resolve(call_id, operation, found, listing, context)
    return Reconciliation(call_id=call_id, operation=operation, applied=found, listing=listing,
                          recorded=recorded)


class RegisterAttestService(_Base):
    """OCMWCPASRegisterAttest V1 (KSZ; source: POD MI / SPP IS, PPS Social Integration).

    Asks the federal refund of the leefloon (quality code 2) or equivalent
    leefloon (quality code 3) an OCMW granted. The person must be integrated
    by this OCMW for that quality code (finality: refused before sending
    otherwise). A mutation: a lost answer raises `InDoubtError` and is never
    re-sent; `reconcile` establishes with ListOfAttestations what happened.
    Contract: modelled (no public contract).
    """

    service = catalogue.get("OCMWCPASRegisterAttest")

    @operation("registerAttest")
    def register(
        self,
        ssin: str,
        *,
        reference: str,
        start: _dt.date | str,
        monthly_amount: Money | Decimal | str,
        decision_date: _dt.date | str,
        category: RefundCategory | str = RefundCategory.SINGLE,
        end: _dt.date | str | None = None,
        quality_code: int | None = None,
        context: CallContext | None = None,
    ) -> AttestResult:
        """Register a refund attest for a decision (``registerAttest``).

        OCMWCPASRegisterAttest V1, source POD MI / SPP IS. Checked before
        sending (`ValidationError`): the quality code (2 or 3), the reference,
        a period that ends before it starts, a decision date in the future (a
        decision may grant a right retroactively), an amount that is not more
        than zero, or a float or bare int amount. Refusals of the POD-MI (a
        reference already registered) raise `InvalidData`.

        Args:
            ssin: the person's SSIN, in any written form
            reference: the OCMW's own unique reference of the decision (1-40 characters)
            start: first day of the right, YYYY-MM-DD
            monthly_amount: the monthly amount granted, in euro ('1263.17', a Decimal or Money)
            decision_date: the day the OCMW decided, YYYY-MM-DD (not in the future)
            category: COHABITANT, SINGLE or FAMILY (default SINGLE)
            end: last day of the right, YYYY-MM-DD (default open-ended)
            quality_code: 2 leefloon or 3 equivalent leefloon; default the call context's
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        code = self._quality_code(quality_code, context)
        try:
            kind = RefundCategory(category)
        except ValueError:
            raise ValidationError("the category is COHABITANT, SINGLE or FAMILY") from None
        decided = self._past(decision_date, "the decision date")
        request = _wire.AttestRequest(
            ssin=str(subject), quality_code=code, reference=check_reference(reference),
            period=Period(date_arg(start, "the start"), optional_date_arg(end, "the end")),
            decision_date=decided, category=kind, monthly_amount=_amount(monthly_amount),
        )
        reply = self._client._call(
            self.service, "registerAttest",
            lambda payload: _wire.write_register(payload, request),
            context=self._with_code(context, code), subjects=(str(subject),),
        )
        attest = _wire.read_attest(reply.payload)
        if attest.reference != request.reference:
            raise ResponseError("the answer is about another attest")
        return AttestResult(attest=attest, status=reply.status, receipt=reply.receipt)

    def reconcile(
        self,
        call_id: str,
        ssin: str,
        *,
        reference: str,
        start: _dt.date | str,
        quality_code: int,
        context: CallContext | None = None,
    ) -> Reconciliation:
        """Establish with ListOfAttestations what became of an in-doubt registerAttest.

        Applied when the POD-MI lists an attest of this OCMW with that
        reference. Recorded with `AuditLog.resolve` when auditing is on (which
        lets a registerAttest that was not applied be sent again); raises
        `AuditError` when the audit log knows no unresolved in-doubt call
        with that id.

        Args:
            call_id: the ticket of the in-doubt call (InDoubtError.call_id)
            ssin: the person's SSIN the call was about
            reference: the reference the call named
            start: the first day of the right the call named
            quality_code: the quality code the call named (2 or 3)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        code = check_refund_quality_code(quality_code)
        wanted = check_reference(reference)
        period = Period(date_arg(start, "the start"))
        listing = self._list(subject, request_type_of(code), period,
                             self._with_code(context, code))
        applied = bool(listing.by_reference(wanted, self._organisation))
        recorded = self._resolve(call_id, "registerAttest", applied, listing, context)
        return Reconciliation(call_id=call_id, operation="registerAttest", applied=applied,
                              listing=listing, recorded=recorded)


class StopAttestService(_Base):
    """OCMWCPASStopAttest V1 (KSZ; source: POD MI / SPP IS, PPS Social Integration).

    Communicates the end of a granted right: the refund attest with that
    reference ends on the day given. Finality as for registerAttest (the
    quality code of the attest). A mutation: never re-sent after a possible
    send; `reconcile` establishes what happened. Contract: modelled.
    """

    service = catalogue.get("OCMWCPASStopAttest")

    @operation("stopAttest")
    def stop(
        self,
        ssin: str,
        *,
        reference: str,
        end: _dt.date | str,
        quality_code: int | None = None,
        context: CallContext | None = None,
    ) -> AttestResult:
        """Stop a refund attest (``stopAttest``): the right ends on `end`.

        OCMWCPASStopAttest V1, source POD MI / SPP IS. The POD-MI refuses
        (`InvalidData`) an attest it does not know for this OCMW, one already
        stopped, and an end before the start of the right.

        Args:
            ssin: the person's SSIN, in any written form
            reference: the OCMW's reference of the attest
            end: last day of the right, YYYY-MM-DD
            quality_code: 2 leefloon or 3 equivalent leefloon; default the call context's
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        code = self._quality_code(quality_code, context)
        request = _wire.StopRequest(str(subject), code, check_reference(reference),
                                    date_arg(end, "the end"))
        reply = self._client._call(
            self.service, "stopAttest",
            lambda payload: _wire.write_stop(payload, request),
            context=self._with_code(context, code), subjects=(str(subject),),
        )
        attest = _wire.read_attest(reply.payload)
        if attest.reference != request.reference or attest.state is not AttestState.STOPPED:
            raise ResponseError("the answer is about another attest")
        return AttestResult(attest=attest, status=reply.status, receipt=reply.receipt)

    def reconcile(
        self,
        call_id: str,
        ssin: str,
        *,
        reference: str,
        end: _dt.date | str,
        quality_code: int,
        context: CallContext | None = None,
    ) -> Reconciliation:
        """Establish with ListOfAttestations what became of an in-doubt stopAttest.

        Applied when this OCMW's attest with that reference is listed as
        ended on `end`. Recorded with `AuditLog.resolve` when auditing is on.

        Args:
            call_id: the ticket of the in-doubt call (InDoubtError.call_id)
            ssin: the person's SSIN the call was about
            reference: the reference the call named
            end: the last day of the right the call named
            quality_code: the quality code the call named (2 or 3)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        code = check_refund_quality_code(quality_code)
        wanted = check_reference(reference)
        last = date_arg(end, "the end")
        listing = self._list(subject, request_type_of(code), Period(last),
                             self._with_code(context, code))
        applied = any(a.end_date == last and a.status == AttestState.STOPPED.value
                      for a in listing.by_reference(wanted, self._organisation))
        recorded = self._resolve(call_id, "stopAttest", applied, listing, context)
        return Reconciliation(call_id=call_id, operation="stopAttest", applied=applied,
                              listing=listing, recorded=recorded)


class AttestationsService(_Base):
    """OCMWCPASListOfAttestations (SSDN 20080317; source: POD MI / SPP IS).

    The POD-MI's decisions on the attests of a person, of this OCMW and of
    others (exoneration art. 35, installation premium, GPMI/PIIS, leefloon and
    equivalent leefloon refunds, ...). Needs the OCMW's integration of the
    person (finality). Contract: modelled (SSDN, no public schema).
    """

    service = catalogue.get("OCMWCPASListOfAttestations")

    @operation("listOfAttestations")
    def list(
        self,
        ssin: str,
        *,
        request_type: str,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        context: CallContext | None = None,
    ) -> AttestationList:
        """The POD-MI decisions of a RequestType over a search period (``listOfAttestations``).

        OCMWCPASListOfAttestations SSDN 20080317, source POD MI / SPP IS.
        GPMI_PIIS takes no search period (giving one raises `ValidationError`);
        the others default to the period from 1 January of last year on.

        Args:
            ssin: the person's SSIN, in any written form
            request_type: RIS, STATUT65, EXONERATIONSART35, PRIME_INSTALLATION or GPMI_PIIS
            start: first day of the search period, YYYY-MM-DD
            end: last day of the search period, YYYY-MM-DD (default open-ended)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        kind = check_request_type(request_type)
        first, last = optional_date_arg(start, "the start"), optional_date_arg(end, "the end")
        period: Period | None = None
        if kind == _NO_PERIOD:
            if first is not None or last is not None:
                raise ValidationError("GPMI_PIIS is asked without a search period")
        else:
            period = Period(first or _dt.date(self._client._today().year - 1, 1, 1), last)
        return self._list(subject, kind, period, context)


class RecoveredAmountService(_Base):
    """OCMWCPASRegisterRecoveredAmount V1 (KSZ; source: POD MI / SPP IS).

    Communicates an amount the OCMW recovered from the beneficiary on a
    refunded leefloon / equivalent leefloon attest (it settles the refund and
    feeds the statistics). Finality as for registerAttest. A mutation: never
    re-sent after a possible send; `reconcile` establishes what happened with
    ListOfAttestations (the attest lists the recoveries the POD-MI holds).
    Contract: modelled.
    """

    service = catalogue.get("OCMWCPASRegisterRecoveredAmount")

    @operation("registerRecoveredAmount")
    def register(
        self,
        ssin: str,
        *,
        reference: str,
        recovery_reference: str,
        amount: Money | Decimal | str,
        date: _dt.date | str | None = None,
        quality_code: int | None = None,
        context: CallContext | None = None,
    ) -> RecoveryResult:
        """Register an amount recovered from the beneficiary (``registerRecoveredAmount``).

        OCMWCPASRegisterRecoveredAmount V1, source POD MI / SPP IS. The
        POD-MI refuses (`InvalidData`) an attest it does not know for this
        OCMW, a recovery reference already registered and a total recovered
        above what the attest refunded so far.

        Args:
            ssin: the person's SSIN, in any written form
            reference: the OCMW's reference of the attest the aid was refunded on
            recovery_reference: the OCMW's own unique reference of this recovery
            amount: the amount recovered, in euro ('250.00', a Decimal or Money)
            date: the day it was recovered, YYYY-MM-DD (default today; not in the future)
            quality_code: 2 leefloon or 3 equivalent leefloon; default the call context's
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        code = self._quality_code(quality_code, context)
        request = _wire.RecoveryRequest(
            str(subject), code, check_reference(reference), check_reference(recovery_reference),
            self._past(date if date is not None else self._client._today(), "the recovery date"),
            _amount(amount))
        reply = self._client._call(
            self.service, "registerRecoveredAmount",
            lambda payload: _wire.write_recovery_request(payload, request),
            context=self._with_code(context, code), subjects=(str(subject),),
        )
        recovery = _wire.read_recovery(reply.payload)
        if recovery.recovery_reference != request.recovery_reference:
            raise ResponseError("the answer is about another recovery")
        return RecoveryResult(recovery=recovery, status=reply.status, receipt=reply.receipt)

    def reconcile(
        self,
        call_id: str,
        ssin: str,
        *,
        reference: str,
        recovery_reference: str,
        start: _dt.date | str,
        quality_code: int,
        context: CallContext | None = None,
    ) -> Reconciliation:
        """Establish with ListOfAttestations what became of an in-doubt registerRecoveredAmount.

        Applied when this OCMW's attest with `reference` lists the recovery.
        Recorded with `AuditLog.resolve` when auditing is on.

        Args:
            call_id: the ticket of the in-doubt call (InDoubtError.call_id)
            ssin: the person's SSIN the call was about
            reference: the attest's reference the call named
            recovery_reference: the recovery reference the call named
            start: the first day of the attest's right
            quality_code: the quality code the call named (2 or 3)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        code = check_refund_quality_code(quality_code)
        wanted, recovery = check_reference(reference), check_reference(recovery_reference)
        listing = self._list(subject, request_type_of(code),
                             Period(date_arg(start, "the start")),
                             self._with_code(context, code))
        applied = any(r.recovery_reference == recovery
                      for a in listing.by_reference(wanted, self._organisation)
                      for r in a.recovered)
        recorded = self._resolve(call_id, "registerRecoveredAmount", applied, listing, context)
        return Reconciliation(call_id=call_id, operation="registerRecoveredAmount",
                              applied=applied, listing=listing, recorded=recorded)


class OrganicLawService(_Base):
    """OCMWCPASOrganicLaw V1 (KSZ; source: POD MI / SPP IS).

    Asks the federal refund of an installation premium (the premium an OCMW
    grants a person who leaves homelessness to furnish a home; once in a
    lifetime). The person must be integrated for the call's quality code (2,
    3 or 4). A mutation: never re-sent after a possible send; `reconcile`
    establishes what happened with ListOfAttestations (PRIME_INSTALLATION).
    Contract: modelled.
    """

    service = catalogue.get("OCMWCPASOrganicLaw")

    @operation("requestOrganicLawRefund")
    def request(
        self,
        ssin: str,
        *,
        reference: str,
        installation_date: _dt.date | str,
        amount: Money | Decimal | str,
        decision_date: _dt.date | str,
        quality_code: int | None = None,
        context: CallContext | None = None,
    ) -> PremiumResult:
        """Request the refund of an installation premium (``requestOrganicLawRefund``).

        OCMWCPASOrganicLaw V1, source POD MI / SPP IS. The POD-MI refuses
        (`InvalidData`) a second premium for the same person, a reference
        already registered and an amount above the maximum premium.

        Args:
            ssin: the person's SSIN, in any written form
            reference: the OCMW's own unique reference of the decision
            installation_date: the day the person moved in, YYYY-MM-DD
            amount: the premium granted, in euro ('1708.02', a Decimal or Money)
            decision_date: the day the OCMW decided, YYYY-MM-DD (not in the future)
            quality_code: 2 leefloon, 3 equivalent leefloon or 4 other aid; default the
                call context's
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        code = self._quality_code(quality_code, context, premium=True)
        request = _wire.PremiumRequest(
            str(subject), code, check_reference(reference),
            self._past(decision_date, "the decision date"),
            date_arg(installation_date, "the installation date"), _amount(amount))
        reply = self._client._call(
            self.service, "requestOrganicLawRefund",
            lambda payload: _wire.write_premium_request(payload, request),
            context=self._with_code(context, code), subjects=(str(subject),),
        )
        premium = _wire.read_premium(reply.payload)
        if premium.reference != request.reference:
            raise ResponseError("the answer is about another premium")
        return PremiumResult(premium=premium, status=reply.status, receipt=reply.receipt)

    def reconcile(
        self,
        call_id: str,
        ssin: str,
        *,
        reference: str,
        installation_date: _dt.date | str,
        quality_code: int,
        context: CallContext | None = None,
    ) -> Reconciliation:
        """Establish with ListOfAttestations what became of an in-doubt requestOrganicLawRefund.

        Applied when PRIME_INSTALLATION lists this OCMW's premium with that
        reference. Recorded with `AuditLog.resolve` when auditing is on.

        Args:
            call_id: the ticket of the in-doubt call (InDoubtError.call_id)
            ssin: the person's SSIN the call was about
            reference: the reference the call named
            installation_date: the installation date the call named
            quality_code: the quality code the call named (2, 3 or 4)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        code = check_premium_quality_code(quality_code)
        wanted = check_reference(reference)
        listing = self._list(subject, _PREMIUM,
                             Period(date_arg(installation_date, "the installation date")),
                             self._with_code(context, code))
        applied = bool(listing.by_reference(wanted, self._organisation))
        recorded = self._resolve(call_id, "requestOrganicLawRefund", applied, listing, context)
        return Reconciliation(call_id=call_id, operation="requestOrganicLawRefund",
                              applied=applied, listing=listing, recorded=recorded)
