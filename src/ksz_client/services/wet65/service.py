"""The Law of 1965 decision forms (SSDN): ``client.wet65_ab.request_refund`` (forms A/B),
``client.wet65_df.register_recovery`` (form F) and ``client.wet65_c.cancel`` (form C)."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Final, Protocol, TypeVar

from ksz_client import catalogue
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client._inputs import date_arg, optional_date_arg
from ksz_client.audit import organisation_id
from ksz_client.services._registry import operation
from ksz_client.services.leefloon_refund.models import AttestationList, Reconciliation
from ksz_client.services.leefloon_refund.service import reconcile_with_listing, request_type_of
from ksz_client.services.wet65 import _wire
from ksz_client.services.wet65.models import (
    FIRST_ENTRY_DATE,
    BeneficiaryRef,
    Cancellation,
    CareRefund,
    DecisionReply,
    Duration,
    FileIdentification,
    Identification,
    IndividualDecision,
    MonthlyRefund,
    Recovery,
    RecoveryReply,
    RefundReply,
    RefundRequest,
    RequestedAid,
    SecondaryBeneficiary,
    check_attest_id,
)
from ksz_client.types import CallContext, Money, Month, Period

if TYPE_CHECKING:
    from ksz_client import _xml
    from ksz_client._client import KszClient, Reply

__all__ = ["QUALITY_CODE", "Wet65ABService", "Wet65CService", "Wet65DFService"]

_SEPARATORS = re.compile(r"[\s,;]+")
_S = TypeVar("_S", BeneficiaryRef, SecondaryBeneficiary)

QUALITY_CODE = 3
"""The Law of 1965 concerns equivalent leefloon and other social aid: quality code 3."""


def _dates(client: KszClient, entry_date: _dt.date | str | None,
           decision_date: _dt.date | str) -> tuple[_dt.date, _dt.date]:
    today = client._today()
    entered = optional_date_arg(entry_date, "entry_date") or today
    decided = date_arg(decision_date, "decision_date")
    if entered > today or decided > today:
        raise ValidationError("a decision or entry date lies in the future")
    return entered, decided


def _aids(value: str | Sequence[RequestedAid | str]) -> tuple[RequestedAid, ...]:
    items = _SEPARATORS.split(value.strip()) if isinstance(value, str) else list(value)
    found = set()
    for item in items:
        if not item:
            continue
        try:
            found.add(RequestedAid(item))
        except ValueError:
            try:
                found.add(RequestedAid[str(item).upper()])
            except KeyError:
                names = ", ".join(a.name for a in RequestedAid)
                raise ValidationError(f"an aid is one of {names}") from None
    return tuple(a for a in RequestedAid if a in found)


def _not_future(client: KszClient, *days: _dt.date) -> None:
    today = client._today()
    if any(day > today for day in days):
        raise ValidationError("a date of the forms lies in the future")


def _subjects(client: KszClient, primary: str, others: Sequence[str]) -> tuple[str, ...]:
    """The call's subjects: the primary beneficiary first, then each other SSIN once."""
    found = [primary]
    for other in others:
        number = str(client._validate_ssin(other))
        if number not in found:
            found.append(number)
    return tuple(found)


def _canonical(subjects: tuple[str, ...], ssin: str | None) -> str | None:
    """A form's own SSIN in the canonical form `_subjects` validated (None stays None)."""
    if ssin is None:
        return None
    digits = "".join(c for c in ssin if c.isdigit())
    return next((s for s in subjects if s == digits), digits)


def _normalised(
    subjects: tuple[str, ...], identification: Identification | None,
    refund: RefundRequest | None, decisions: tuple[IndividualDecision, ...],
) -> tuple[Identification | None, RefundRequest | None, tuple[IndividualDecision, ...]]:
    def secondary(items: tuple[_S, ...]) -> tuple[_S, ...]:
        return tuple(dataclasses.replace(s, ssin=_canonical(subjects, s.ssin) or "")
                     for s in items)

    if identification is not None:
        identification = dataclasses.replace(
            identification, secondary=secondary(identification.secondary))
    if refund is not None:
        refund = dataclasses.replace(refund, secondary=secondary(refund.secondary))
    return identification, refund, tuple(
        dataclasses.replace(f, ssin=_canonical(subjects, f.ssin)) for f in decisions)


FIRST_SEARCH_DAY: Final = FIRST_ENTRY_DATE
"""Where a reconciliation's search period starts by default: no form is older."""


class _AboutAForm(Protocol):
    @property
    def attest_id(self) -> str: ...


_A = TypeVar("_A", bound=_AboutAForm)


def _exchange(
    client: KszClient,
    service: catalogue.Service,
    operation_name: str,
    file_id: str,
    *,
    write: Callable[[_xml.Element, FileIdentification], None],
    read: Callable[[_xml.Element], tuple[_A, ...]],
    sent: set[str],
    subjects: tuple[str, ...],
    context: CallContext | None,
) -> tuple[FileIdentification, tuple[_A, ...], Reply]:
    """Send one Law of 1965 request for the OCMW's file `file_id` (quality code 2), and
    check that the answer is about that file and only about the forms `sent`."""
    file = FileIdentification(organisation_id(client.config.organisation), file_id)
    context = (context or CallContext()).merged(CallContext(quality_code=QUALITY_CODE))
    reply = client._call(service, operation_name, lambda payload: write(payload, file),
                         context=context, subjects=subjects)
    answered = _wire.read_file(reply.payload)
    results = read(reply.payload)
    if answered != file or any(r.attest_id not in sent for r in results):
        raise ResponseError("the answer is about another file or form")
    return answered, results, reply


def _reconcile(client: KszClient, call_id: str, ssin: str, *, operation: str, attest_id: str,
               start: _dt.date | str | None, forms: tuple[str, ...],
               context: CallContext | None, amount: Money | None = None) -> Reconciliation:
    wanted = check_attest_id(attest_id)
    first = optional_date_arg(start, "start") or FIRST_SEARCH_DAY

    def applied(listing: AttestationList) -> bool:
        own = organisation_id(client.config.organisation)
        return any(a.form_type in forms and (amount is None or a.amount == amount)
                   for a in listing.by_reference(wanted, own))

    return reconcile_with_listing(
        client, call_id, ssin, operation=operation, request_type=request_type_of(QUALITY_CODE),
        period=Period(first), quality_code=QUALITY_CODE, applied=applied, context=context)


class Wet65ABService:
    """OCMWCPASWet65Loi65AB, SSDN (KSZ; destination: the POD MI / SPP IS).

    Law of 1965 decision forms A/B: the OCMW identifies the beneficiaries
    (form A), asks the federal refund of the social aid it decided (form B1,
    CommonDecisionB1) and decides per beneficiary (forms B2): `send_forms`
    sends any of them, `request_refund` a B1 from plain arguments. A
    mutation: the person must be integrated for quality code 3 (finality,
    checked before sending); a lost answer raises `InDoubtError` and is never
    re-sent (`reconcile` establishes with ListOfAttestations STATUT65 what
    happened). The POD MI answers per form with an evaluation, the share it
    refunds (hundredths of a percent), the aids refunded and the errors on
    the form. Contract: official (every form part an OCMW sends; the SSDN
    Version is not public: see the catalogue).
    """

    service = catalogue.get("OCMWCPASWet65Loi65AB")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("sendDecisionAB")
    def request_refund(
        self,
        ssin: str,
        *,
        file_id: str,
        attest_id: str,
        decision_date: _dt.date | str,
        aids: str | Sequence[RequestedAid | str],
        days: int | None = None,
        weeks: int | None = None,
        months: int | None = None,
        entry_date: _dt.date | str | None = None,
        juridical_procedure: bool = False,
        category: str | None = None,
        context: CallContext | None = None,
    ) -> RefundReply:
        """Ask the refund of the aid decided (``L65_AB_DecisionRequest``, CommonDecisionB1).

        OCMWCPASWet65Loi65AB (SSDN), destination the POD MI. Returns the POD
        MI's evaluation (`RefundReply.accepted`), the share and aids refunded
        and the errors it found. Raises `ValidationError` before sending for
        a date in the future, an entry date before 2002, a decision after the
        entry date, no aid, an unknown aid or a duration out of range;
        `NotIntegrated` when the person is not integrated for quality code 3;
        `InDoubtError` when the answer is lost (never re-sent).

        Args:
            ssin: the person's SSIN, in any written form
            file_id: the OCMW's file number (11 characters)
            attest_id: the form's UniqueAttestID (15 characters)
            decision_date: the day the OCMW decided the aid, YYYY-MM-DD
            aids: the aids whose refund is asked, e.g. FINANCIAL,MEDICAL_AND_PHARMACEUTICAL
                (RequestedAid names or element names, comma-separated)
            days: the duration of the aid in days (0-366)
            weeks: ... in weeks (0-52)
            months: ... in months (0-12)
            entry_date: the day the form is entered, YYYY-MM-DD (default: today)
            juridical_procedure: a juridical procedure is under way
            category: the Situation/Category code (1-2 characters)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        entered, decided = _dates(self._client, entry_date, decision_date)
        form = RefundRequest(
            attest_id=attest_id.strip(), entry_date=entered, decision_date=decided,
            aids=_aids(aids), duration=Duration(days, weeks, months),
            juridical_procedure=juridical_procedure, category=category,
        )
        answered, results, reply = _exchange(
            self._client, self.service, "sendDecisionAB", file_id,
            write=lambda payload, file: _wire.write_ab_request(payload, file, str(subject), form),
            read=_wire.read_ab_results,
            sent={form.attest_id},
            subjects=(str(subject),), context=context,
        )
        return RefundReply(file=answered, results=results, status=reply.status,
                           receipt=reply.receipt, warnings=reply.warnings)

    def send_forms(
        self,
        ssin: str,
        *,
        file_id: str,
        identification: Identification | None = None,
        refund: RefundRequest | None = None,
        individual: Sequence[IndividualDecision] = (),
        context: CallContext | None = None,
    ) -> RefundReply:
        """Send any of the A/B forms at once: form A, form B1 and forms B2 (``sendDecisionAB``).

        OCMWCPASWet65Loi65AB (SSDN), destination the POD MI. `ssin` is the
        primary beneficiary's; the secondary beneficiaries' SSINs (form A,
        B1, a B2 with a suffix) are validated too and the call is recorded
        about each of them (each must be integrated for quality code 3).
        The POD MI answers one DecisionResult per form. Raises
        `ValidationError` before sending for no form, a date in the future
        or an invalid SSIN; `NotIntegrated`, `InDoubtError` as
        `request_refund`.

        Args:
            ssin: the primary beneficiary's SSIN, in any written form
            file_id: the OCMW's file number (11 characters)
            identification: form A (the beneficiaries)
            refund: form B1 (the refund request)
            individual: forms B2 (the decision per beneficiary)
            context: the call context, when not bound with `acting_for`
        """
        subject = str(self._client._validate_ssin(ssin))
        decisions = tuple(individual)
        if identification is None and refund is None and not decisions:
            raise ValidationError("an A/B request holds form A, B1 or B2")
        _not_future(self._client, *(
            [identification.entry_date] if identification else []),
            *([refund.entry_date, refund.decision_date] if refund else []),
            *(d for f in decisions for d in (f.entry_date, f.decision_date)))
        others = [*(s.ssin for s in (identification.secondary if identification else ())),
                  *(s.ssin for s in (refund.secondary if refund else ())),
                  *(f.ssin for f in decisions if f.ssin is not None)]
        subjects = _subjects(self._client, subject, others)
        identification, refund, decisions = _normalised(subjects, identification, refund,
                                                        decisions)
        answered, results, reply = _exchange(
            self._client, self.service, "sendDecisionAB", file_id,
            write=lambda payload, file: _wire.write_ab_request(
                payload, file, subject, refund, identification=identification,
                individual=decisions),
            read=_wire.read_ab_results,
            sent={f.attest_id for f in (identification, refund, *decisions) if f is not None},
            subjects=subjects, context=context,
        )
        return RefundReply(file=answered, results=results, status=reply.status,
                           receipt=reply.receipt, warnings=reply.warnings)

    def reconcile(
        self,
        call_id: str,
        ssin: str,
        *,
        attest_id: str,
        start: _dt.date | str | None = None,
        context: CallContext | None = None,
    ) -> Reconciliation:
        """Establish with ListOfAttestations (STATUT65) what became of an in-doubt A/B call.

        Applied when the POD MI lists a decision of this OCMW on a form A, B1
        or B2 with that UniqueAttestID. Recorded with `AuditLog.resolve` when
        auditing is on (a call found not applied may then be sent again);
        `AuditError` when the log knows no unresolved in-doubt call with that id.

        Args:
            call_id: the ticket of the in-doubt call (InDoubtError.call_id)
            ssin: the primary beneficiary's SSIN the call was about
            attest_id: the UniqueAttestID the call's forms carried
            start: first day of the search period (default 2002-01-01, the first entry date)
            context: the call context, when not bound with `acting_for`
        """
        return _reconcile(self._client, call_id, ssin, operation="sendDecisionAB",
                          attest_id=attest_id, start=start, forms=("A", "B1", "B2"),
                          context=context)


class Wet65DFService:
    """OCMWCPASWet65Loi65DF, SSDN (KSZ; destination: the POD MI / SPP IS).

    Law of 1965 decision forms D/F: the amounts paid in a month (D1), care
    institution bills (D2) and amounts recovered (F, RecoveringFormF) on aid
    the POD MI refunds; `send_forms` sends any of them, `register_recovery`
    an F from plain arguments. The POD MI answers D1/D2 with its
    DecisionOnAmounts. A
    mutation with money: the amount is exact (`Money`, whole cents on the
    wire), the person must be integrated for quality code 3 (checked before
    sending), and a lost answer raises `InDoubtError` and is never re-sent.
    Contract: official (the part the SDK sends; the SSDN Version is not
    public: see the catalogue).
    """

    service = catalogue.get("OCMWCPASWet65Loi65DF")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("sendDecisionDF")
    def register_recovery(
        self,
        ssin: str,
        *,
        file_id: str,
        attest_id: str,
        amount: Money | Decimal | str,
        original_form: str,
        recovery_type: str,
        reference_date: _dt.date | str | None = None,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        suffix: int = 0,
        context: CallContext | None = None,
    ) -> RecoveryReply:
        """Communicate an amount recovered (``L65_DF_DecisionRequest``, one RecoveringFormF).

        OCMWCPASWet65Loi65DF (SSDN), destination the POD MI. Returns the POD
        MI's evaluation and the total it now counts as recovered on the
        attest. Raises `ValidationError` before sending for an amount that is
        not positive, has more than two decimals or is a float, a reference
        date in the future or before 2002, a period that ends before it
        starts, or codes of the wrong length; `NotIntegrated` when the person
        is not integrated for quality code 3; `InDoubtError` when the answer
        is lost (never re-sent).

        Args:
            ssin: the person's SSIN, in any written form
            file_id: the OCMW's file number (11 characters)
            attest_id: the UniqueAttestID of the refunded attest (15 characters)
            amount: the amount recovered, in euro (e.g. 125.40)
            original_form: the form of the aid recovered on (a code of 1 character)
            recovery_type: the kind of recovery (a code of 2 characters)
            reference_date: the day of the recovery, YYYY-MM-DD (default: today)
            start: first day of the period the recovery covers, YYYY-MM-DD
            end: last day of that period, YYYY-MM-DD
            suffix: 0 for the primary beneficiary, else the secondary beneficiary's suffix
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        referred, _ = _dates(self._client, reference_date, reference_date or
                             self._client._today())
        form = Recovery(
            attest_id=attest_id.strip(), suffix=suffix, reference_date=referred,
            original_form=original_form, kind=recovery_type, amount=Money.parse(amount),
            period_start=optional_date_arg(start, "start"),
            period_end=optional_date_arg(end, "end"),
        )
        answered, results, reply = _exchange(
            self._client, self.service, "sendDecisionDF", file_id,
            write=lambda payload, file: _wire.write_df_request(
                payload, file, str(subject), (form,)),
            read=_wire.read_df_results,
            sent={form.attest_id},
            subjects=(str(subject),), context=context,
        )
        return RecoveryReply(file=answered, results=results, status=reply.status,
                             receipt=reply.receipt, warnings=reply.warnings)

    def send_forms(
        self,
        ssin: str,
        *,
        file_id: str,
        monthly: MonthlyRefund | None = None,
        care: Sequence[CareRefund] = (),
        recoveries: Sequence[Recovery] = (),
        context: CallContext | None = None,
    ) -> RecoveryReply:
        """Send any of the D/F forms at once: form D1, forms D2, forms F (``sendDecisionDF``).

        OCMWCPASWet65Loi65DF (SSDN), destination the POD MI. D1 asks the
        refund of what the OCMW paid in a month, D2 of what a care
        institution billed, F communicates an amount recovered. Amounts are
        `Money` (whole cents on the wire, never floats). The POD MI answers
        one DecisionResultDF per form, with its DecisionOnAmounts for D1/D2.
        Raises `ValidationError` before sending for no form, a date or month
        in the future or an invalid SSIN; `NotIntegrated`, `InDoubtError` as
        `register_recovery`.

        Args:
            ssin: the primary beneficiary's SSIN, in any written form
            file_id: the OCMW's file number (11 characters)
            monthly: form D1 (the amounts paid in a month)
            care: forms D2 (care institution bills)
            recoveries: forms F (amounts recovered)
            context: the call context, when not bound with `acting_for`
        """
        subject = str(self._client._validate_ssin(ssin))
        bills, recovered = tuple(care), tuple(recoveries)
        if monthly is None and not bills and not recovered:
            raise ValidationError("a D/F request holds form D1, D2 or F")
        today = self._client._today()
        if monthly is not None and monthly.month > Month.parse(today):
            raise ValidationError("a reference month lies in the future")
        _not_future(self._client, *(f.entry_date for f in bills),
                    *(f.reference_date for f in recovered))
        for form in recovered:
            if (form.period_start and form.period_start > today) or (
                    form.period_end and form.period_end > today):
                raise ValidationError("a recovery period lies in the future")
        subjects = _subjects(self._client, subject,
                             [f.ssin for f in bills if f.ssin is not None])
        bills = tuple(dataclasses.replace(f, ssin=_canonical(subjects, f.ssin)) for f in bills)
        answered, results, reply = _exchange(
            self._client, self.service, "sendDecisionDF", file_id,
            write=lambda payload, file: _wire.write_df_request(
                payload, file, subject, recovered, monthly=monthly, care=bills),
            read=_wire.read_df_results,
            sent={f.attest_id for f in (monthly, *bills, *recovered) if f is not None},
            subjects=subjects, context=context,
        )
        return RecoveryReply(file=answered, results=results, status=reply.status,
                             receipt=reply.receipt, warnings=reply.warnings)

    def reconcile(
        self,
        call_id: str,
        ssin: str,
        *,
        attest_id: str,
        amount: Money | Decimal | str,
        start: _dt.date | str | None = None,
        context: CallContext | None = None,
    ) -> Reconciliation:
        """Establish with ListOfAttestations (STATUT65) what became of an in-doubt D/F call.

        An attest may have many D/F forms (a recovery each year, a D1 each
        month), so the amount tells them apart: applied when the POD MI lists
        a decision of this OCMW on a form D1, D2 or F with that
        UniqueAttestID and that amount (a D1's or D2's total, an F's amount
        recovered). Recorded with `AuditLog.resolve` when auditing is on.

        Args:
            call_id: the ticket of the in-doubt call (InDoubtError.call_id)
            ssin: the primary beneficiary's SSIN the call was about
            attest_id: the UniqueAttestID the call's forms carried
            amount: the form's amount in euro (total of a D1/D2, amount of an F), e.g. 125.40
            start: first day of the search period (default 2002-01-01, the first entry date)
            context: the call context, when not bound with `acting_for`
        """
        return _reconcile(self._client, call_id, ssin, operation="sendDecisionDF",
                          attest_id=attest_id, start=start, forms=("D1", "D2", "F"),
                          context=context, amount=Money.parse(amount))


class Wet65CService:
    """OCMWCPASWet65Loi65C, SSDN (KSZ; destination: the POD MI / SPP IS).

    Law of 1965 decision form C: the OCMW communicates the end (cancellation)
    of a right it granted with an earlier A/B form, so the federal refund
    stops. A mutation: the person must be integrated for quality code 3
    (finality, checked before sending); a lost answer raises `InDoubtError`
    and is never re-sent. The POD MI answers per form with an evaluation
    (ACCEPTED / REFUSED with the errors on the form). Contract: official (the
    SSDN ServiceId is inferred from the name, the Version is not public: see
    the catalogue).
    """

    service = catalogue.get("OCMWCPASWet65Loi65C")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("sendDecisionC")
    def cancel(
        self,
        ssin: str,
        *,
        file_id: str,
        attest_id: str,
        decision_date: _dt.date | str,
        nature: str,
        reason: str,
        entry_date: _dt.date | str | None = None,
        suffix: int = 0,
        former_cancellation: str | None = None,
        context: CallContext | None = None,
    ) -> DecisionReply:
        """Communicate the end of a right (``L65_C_DecisionRequest``, one CancellationFormC).

        OCMWCPASWet65Loi65C (SSDN), destination the POD MI. Returns the POD
        MI's evaluation of the form (`DecisionReply.accepted`; the errors it
        found otherwise). Raises `ValidationError` before sending for a
        decision or entry date in the future, an entry date before 2002, a
        decision after the entry date, or codes of the wrong length;
        `NotIntegrated` when the person is not integrated for quality code 3;
        `InDoubtError` when the answer is lost (never re-sent).

        Args:
            ssin: the person's SSIN, in any written form
            file_id: the OCMW's file number (11 characters)
            attest_id: the UniqueAttestID of the attest whose right ends (15 characters)
            decision_date: the day the OCMW decided the end, YYYY-MM-DD
            nature: the decision nature (a code of 1 character)
            reason: the cancellation reason (a code of 2 characters)
            entry_date: the day the form is entered, YYYY-MM-DD (default: today)
            suffix: 0 for the primary beneficiary, else the secondary beneficiary's suffix
            former_cancellation: FormerCformcancellation (1 character), when this form
                cancels an earlier C form
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        entered, decided = _dates(self._client, entry_date, decision_date)
        form = Cancellation(
            attest_id=attest_id.strip(), suffix=suffix, entry_date=entered,
            decision_date=decided, nature=nature, reason=reason,
            former_cancellation=former_cancellation,
        )
        answered, results, reply = _exchange(
            self._client, self.service, "sendDecisionC", file_id,
            write=lambda payload, file: _wire.write_c_request(
                payload, file, str(subject), (form,)),
            read=lambda reply: _wire.read_results(reply, "DecisionResultC"),
            sent={form.attest_id},
            subjects=(str(subject),), context=context,
        )
        return DecisionReply(file=answered, results=results, status=reply.status,
                             receipt=reply.receipt, warnings=reply.warnings)

    def reconcile(
        self,
        call_id: str,
        ssin: str,
        *,
        attest_id: str,
        start: _dt.date | str | None = None,
        context: CallContext | None = None,
    ) -> Reconciliation:
        """Establish with ListOfAttestations (STATUT65) what became of an in-doubt C form.

        Applied when the POD MI lists this OCMW's form C on that
        UniqueAttestID. Recorded with `AuditLog.resolve` when auditing is on.

        Args:
            call_id: the ticket of the in-doubt call (InDoubtError.call_id)
            ssin: the SSIN the call was about
            attest_id: the UniqueAttestID of the attest whose right the call ended
            start: first day of the search period (default 2002-01-01, the first entry date)
            context: the call context, when not bound with `acting_for`
        """
        return _reconcile(self._client, call_id, ssin, operation="sendDecisionC",
                          attest_id=attest_id, start=start, forms=("C",), context=context)
