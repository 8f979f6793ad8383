"""ManageCarmed (MediPrima): ``client.mediprima.open / modify / stop / get / evaluate /
evaluate_modification / history / reconcile``."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from ksz_client import catalogue
from ksz_client._exceptions import ValidationError
from ksz_client._inputs import date_arg, optional_date_arg
from ksz_client.audit import organisation_id
from ksz_client.services._registry import operation
from ksz_client.services.mediprima import _wire
from ksz_client.services.mediprima.models import (
    CareType,
    CarmedResult,
    Content,
    Cover,
    Decision,
    DecisionState,
    Reconciliation,
    Refund,
    Support,
    check_decision,
    check_stop,
)
from ksz_client.types import CallContext, Money, Period

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["DEFAULT_QUALITY_CODE", "MediPrimaService"]

DEFAULT_QUALITY_CODE: Final = 4
"""Sector 17 quality code "other aid": medical aid is aid outside the leefloon (SPEC §1)."""

_MUTATIONS: Final = ("openCarmed", "modifyCarmed", "stopCarmed")
_NUMBER_DIGITS: Final = 12


def _money(value: Money | Decimal | str | None, what: str) -> Money | None:
    if value is None:
        return None
    try:
        return Money.parse(value)
    except ValidationError:
        raise ValidationError(f"{what} is an amount in euro (a string or a Decimal)") from None


def _number(value: str | None) -> str:
    if value is None:
        raise ValidationError("this operation needs the Carmed number of the decision")
    number = value.strip()
    if len(number) != _NUMBER_DIGITS or not number.isdigit():
        raise ValidationError(f"a Carmed number has {_NUMBER_DIGITS} digits")
    return number


def _version(value: int | str | None) -> int | None:
    if value is None or isinstance(value, int):
        return value
    if not value.strip().isdigit():
        raise ValidationError("a version number is a whole number")
    return int(value)


def _care_types(value: Sequence[CareType | str] | str | None) -> tuple[CareType, ...]:
    items = [value] if isinstance(value, str) else list(value or ())
    try:
        return tuple(CareType(str(i).strip().upper()) for i in items)
    except ValueError:
        raise ValidationError("a care type is one of " + ", ".join(c.value for c in CareType)
                              ) from None


def _content(
    period: Period,
    content: Content | None,
    *,
    care_types: Sequence[CareType | str] | str | None,
    supplement: bool | None,
    allowed_supplements: bool | None,
    maximum_patient_part: Money | Decimal | str | None,
    refund_code: str | None,
    beneficiary_status: str | None,
    podmi_part: Money | Decimal | str | None,
    affiliated_mutuality: bool | None,
    medical_urgency: bool | None,
    justifications: Sequence[str] | str | None,
) -> Content:
    """The content from a `Content` or from the flat (command-line) options, not both."""
    flat = (care_types, supplement, allowed_supplements, maximum_patient_part, refund_code,
            beneficiary_status, podmi_part, affiliated_mutuality, medical_urgency,
            justifications)
    if content is not None:
        if any(v not in (None, (), [], False) for v in flat):
            raise ValidationError("give the content either as a Content or as options, not both")
        return content
    covers = tuple(
        Cover(care_type=care, period=period,
              support=Support(supplement=bool(supplement)),
              maximum_patient_part=_money(maximum_patient_part, "the maximum patient part"),
              allowed_supplements=bool(allowed_supplements))
        for care in _care_types(care_types)
    )
    refund = None
    if refund_code is not None or beneficiary_status is not None or podmi_part is not None:
        part = _money(podmi_part, "the POD-MI part")
        if refund_code is None or beneficiary_status is None or part is None:
            raise ValidationError("a refund needs its refund code, beneficiary status and "
                                  "POD-MI part")
        reasons = [justifications] if isinstance(justifications, str) else list(
            justifications or ())
        refund = Refund(refund_code=refund_code, affiliated_mutuality=bool(affiliated_mutuality),
                        beneficiary_status=beneficiary_status, podmi_part=part,
                        medical_urgency=bool(medical_urgency), justifications=tuple(reasons))
    return Content(covers=covers, refund=refund)


class MediPrimaService:
    """ManageCarmed V1 (MediPrima; source: POD MI / SPP IS, the PPS Social Integration).

    The OCMW's decisions on taking charge of the medical costs of a person
    without health insurance: open one, change it (every change is a new
    version), stop it (retroactively), consult it and its versions, and
    simulate a new decision or a change first (evaluate; changes nothing).
    A principle decision lasts at most 1 year and reaches back at most 60
    days; hospitalisation goes with ambulatory care: these rules are checked
    before sending (`ValidationError`). Needs a covering integration
    (finality), by default for quality code 4, "other aid". Contract:
    modelled (no public contract of the CPAS side exists).

    open, modify and stop are mutations: a lost answer raises `InDoubtError`
    and is never re-sent; `reconcile` establishes with a consultation what
    happened.
    """

    service = catalogue.get("ManageCarmed")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    # --- helpers ------------------------------------------------------------------------

    def _send(self, op: str, request: _wire.CarmedRequest, *, quality_code: int,
              context: CallContext | None) -> CarmedResult:
        if quality_code not in catalogue.QUALITY_CODES:
            raise ValidationError("quality_code is not a sector 17 quality code")
        # The quality code travels in the call context: the finality guard checks the
        # integration for it, and the audit record says for which purpose.
        context = (context or CallContext()).merged(CallContext(quality_code=quality_code))
        reply = self._client._call(
            self.service, op, lambda payload: _wire.write_request(payload, request),
            context=context, subjects=(request.ssin,),
        )
        return CarmedResult(operation=op, decisions=_wire.read_decisions(reply.payload),
                            status=reply.status, receipt=reply.receipt)

    def _new(self, op: str, ssin: str, *, start: _dt.date | str | None,
             end: _dt.date | str | None, content: Content | None, options: dict[str, object],
             quality_code: int, context: CallContext | None) -> CarmedResult:
        subject = str(self._client._validate_ssin(ssin))
        period = Period(date_arg(start, "the start"), date_arg(end, "the end"))
        body = _content(period, content, **options)  # type: ignore[arg-type]
        check_decision(period, body, self._client._today())
        return self._send(op, _wire.CarmedRequest(subject, period=period, content=body),
                          quality_code=quality_code, context=context)

    def _change(self, op: str, ssin: str, *, carmed_number: str | None,
                start: _dt.date | str | None, end: _dt.date | str | None,
                content: Content | None, options: dict[str, object], quality_code: int,
                context: CallContext | None) -> CarmedResult:
        subject = str(self._client._validate_ssin(ssin))
        number = _number(carmed_number)
        period = Period(date_arg(start, "the start"), date_arg(end, "the end"))
        body = _content(period, content, **options)  # type: ignore[arg-type]
        # The 60 days count for a start moved back; the service knows the decision's own
        # start, so retroactivity of an unchanged start is its check, not ours.
        check_decision(period, body, min(self._client._today(), period.start))
        return self._send(op, _wire.CarmedRequest(subject, number, period=period, content=body),
                          quality_code=quality_code, context=context)

    def _stop(self, op: str, ssin: str, *, carmed_number: str | None,
              last_day: _dt.date | str | None, quality_code: int,
              context: CallContext | None) -> CarmedResult:
        subject = str(self._client._validate_ssin(ssin))
        number = _number(carmed_number)
        day = date_arg(last_day, "the last day")
        # Only the 60 days are ours to check: the decision's bounds are the service's.
        check_stop(Period(day), day, self._client._today())
        return self._send(op, _wire.CarmedRequest(subject, number, end_date=day),
                          quality_code=quality_code, context=context)

    # --- operations ---------------------------------------------------------------------

    @operation("openCarmed")
    def open(
        self,
        ssin: str,
        *,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        care_types: tuple[CareType | str, ...] | list[CareType | str] | str | None = None,
        supplement: bool | None = None,
        allowed_supplements: bool | None = None,
        maximum_patient_part: Money | Decimal | str | None = None,
        refund_code: str | None = None,
        beneficiary_status: str | None = None,
        podmi_part: Money | Decimal | str | None = None,
        affiliated_mutuality: bool | None = None,
        medical_urgency: bool | None = None,
        justifications: tuple[str, ...] | list[str] | str | None = None,
        content: Content | None = None,
        quality_code: int = DEFAULT_QUALITY_CODE,
        context: CallContext | None = None,
    ) -> CarmedResult:
        """Take a decision on taking charge of medical costs (``openCarmed``).

        ManageCarmed V1, source POD MI / SPP IS (MediPrima). The answer holds
        the new decision, version 1, with its Carmed number. The rules are
        checked before sending (`ValidationError`); the service refuses an
        overlap with another decision for the person (`InvalidData`). A lost
        answer raises `InDoubtError` and is never re-sent: see `reconcile`.

        Args:
            ssin: the beneficiary's SSIN, in any written form
            start: first day of the decision, YYYY-MM-DD (at most 60 days ago)
            end: last day of the decision, YYYY-MM-DD (at most 1 year after the start)
            care_types: the care covered over the whole decision (DOCTOR, HOSPITALIZATION,
                AMBULATORY_HOSPITALIZATION, MEDICAL_TRANSPORTATION, MISCELLANEOUS, PARAMEDIC,
                PHARMACEUTICAL_DRUG, PROSTHESIS); repeat the option for several
            supplement: the OCMW takes charge of supplements too
            allowed_supplements: supplements are allowed
            maximum_patient_part: maximum patient part per cover, in euro (e.g. 12.50)
            refund_code: refund by the POD-MI: the refund code
            beneficiary_status: refund: the beneficiary's status code
            podmi_part: refund: the POD-MI part, in euro
            affiliated_mutuality: refund: the person is affiliated to a mutuality
            medical_urgency: refund: urgent medical aid
            justifications: refund: justification codes; repeat the option for several
            content: the content as a `Content` (Python callers), instead of the options
            quality_code: sector 17 quality code the integration is for (default 4, other aid)
            context: the call context, when not bound with `acting_for`
        """
        return self._new("openCarmed", ssin, start=start, end=end, content=content,
                         options=_options(locals()), quality_code=quality_code,
                         context=context)

    @operation("evaluateCarmed")
    def evaluate(
        self,
        ssin: str,
        *,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        care_types: tuple[CareType | str, ...] | list[CareType | str] | str | None = None,
        supplement: bool | None = None,
        allowed_supplements: bool | None = None,
        maximum_patient_part: Money | Decimal | str | None = None,
        refund_code: str | None = None,
        beneficiary_status: str | None = None,
        podmi_part: Money | Decimal | str | None = None,
        affiliated_mutuality: bool | None = None,
        medical_urgency: bool | None = None,
        justifications: tuple[str, ...] | list[str] | str | None = None,
        content: Content | None = None,
        quality_code: int = DEFAULT_QUALITY_CODE,
        context: CallContext | None = None,
    ) -> CarmedResult:
        """Simulate a new decision (``evaluateCarmed``): the answer, nothing stored.

        ManageCarmed V1, source POD MI / SPP IS (MediPrima). Same input and
        refusals as `open`; the decision answered has no lasting Carmed number.
        A consultation: safe to retry.

        Args:
            ssin: the beneficiary's SSIN, in any written form
            start: first day of the decision, YYYY-MM-DD (at most 60 days ago)
            end: last day of the decision, YYYY-MM-DD (at most 1 year after the start)
            care_types: the care covered over the whole decision; repeat for several
            supplement: the OCMW takes charge of supplements too
            allowed_supplements: supplements are allowed
            maximum_patient_part: maximum patient part per cover, in euro
            refund_code: refund by the POD-MI: the refund code
            beneficiary_status: refund: the beneficiary's status code
            podmi_part: refund: the POD-MI part, in euro
            affiliated_mutuality: refund: the person is affiliated to a mutuality
            medical_urgency: refund: urgent medical aid
            justifications: refund: justification codes; repeat for several
            content: the content as a `Content` (Python callers), instead of the options
            quality_code: sector 17 quality code the integration is for (default 4, other aid)
            context: the call context, when not bound with `acting_for`
        """
        return self._new("evaluateCarmed", ssin, start=start, end=end, content=content,
                         options=_options(locals()), quality_code=quality_code,
                         context=context)

    @operation("modifyCarmed")
    def modify(
        self,
        ssin: str,
        *,
        carmed_number: str | None = None,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        care_types: tuple[CareType | str, ...] | list[CareType | str] | str | None = None,
        supplement: bool | None = None,
        allowed_supplements: bool | None = None,
        maximum_patient_part: Money | Decimal | str | None = None,
        refund_code: str | None = None,
        beneficiary_status: str | None = None,
        podmi_part: Money | Decimal | str | None = None,
        affiliated_mutuality: bool | None = None,
        medical_urgency: bool | None = None,
        justifications: tuple[str, ...] | list[str] | str | None = None,
        content: Content | None = None,
        quality_code: int = DEFAULT_QUALITY_CODE,
        context: CallContext | None = None,
    ) -> CarmedResult:
        """Change a decision (``modifyCarmed``): the complete new version.

        ManageCarmed V1, source POD MI / SPP IS (MediPrima). The answer holds
        the new version (version number + 1). The service refuses an unknown
        or stopped decision, or one of another person or OCMW (`InvalidData`).
        A lost answer raises `InDoubtError` and is never re-sent.

        Args:
            ssin: the beneficiary's SSIN, in any written form
            carmed_number: the decision's Carmed number (12 digits)
            start: first day of the new version, YYYY-MM-DD
            end: last day of the new version, YYYY-MM-DD (at most 1 year after the start)
            care_types: the care covered over the whole decision; repeat for several
            supplement: the OCMW takes charge of supplements too
            allowed_supplements: supplements are allowed
            maximum_patient_part: maximum patient part per cover, in euro
            refund_code: refund by the POD-MI: the refund code
            beneficiary_status: refund: the beneficiary's status code
            podmi_part: refund: the POD-MI part, in euro
            affiliated_mutuality: refund: the person is affiliated to a mutuality
            medical_urgency: refund: urgent medical aid
            justifications: refund: justification codes; repeat for several
            content: the content as a `Content` (Python callers), instead of the options
            quality_code: sector 17 quality code the integration is for (default 4, other aid)
            context: the call context, when not bound with `acting_for`
        """
        return self._change("modifyCarmed", ssin, carmed_number=carmed_number, start=start,
                            end=end, content=content, options=_options(locals()),
                            quality_code=quality_code, context=context)

    @operation("evaluateModifiedCarmed")
    def evaluate_modification(
        self,
        ssin: str,
        *,
        carmed_number: str | None = None,
        last_day: _dt.date | str | None = None,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        care_types: tuple[CareType | str, ...] | list[CareType | str] | str | None = None,
        supplement: bool | None = None,
        allowed_supplements: bool | None = None,
        maximum_patient_part: Money | Decimal | str | None = None,
        refund_code: str | None = None,
        beneficiary_status: str | None = None,
        podmi_part: Money | Decimal | str | None = None,
        affiliated_mutuality: bool | None = None,
        medical_urgency: bool | None = None,
        justifications: tuple[str, ...] | list[str] | str | None = None,
        content: Content | None = None,
        quality_code: int = DEFAULT_QUALITY_CODE,
        context: CallContext | None = None,
    ) -> CarmedResult:
        """Simulate a change or a stop (``evaluateModifiedCarmed``): nothing stored.

        ManageCarmed V1, source POD MI / SPP IS (MediPrima). With `last_day`
        it simulates `stop`, otherwise `modify` with the same input. A
        consultation: safe to retry.

        Args:
            ssin: the beneficiary's SSIN, in any written form
            carmed_number: the decision's Carmed number (12 digits)
            last_day: simulate a stop: the last day the decision would still cover
            start: simulate a change: first day of the new version, YYYY-MM-DD
            end: simulate a change: last day of the new version, YYYY-MM-DD
            care_types: the care covered over the whole decision; repeat for several
            supplement: the OCMW takes charge of supplements too
            allowed_supplements: supplements are allowed
            maximum_patient_part: maximum patient part per cover, in euro
            refund_code: refund by the POD-MI: the refund code
            beneficiary_status: refund: the beneficiary's status code
            podmi_part: refund: the POD-MI part, in euro
            affiliated_mutuality: refund: the person is affiliated to a mutuality
            medical_urgency: refund: urgent medical aid
            justifications: refund: justification codes; repeat for several
            content: the content as a `Content` (Python callers), instead of the options
            quality_code: sector 17 quality code the integration is for (default 4, other aid)
            context: the call context, when not bound with `acting_for`
        """
        options = _options(locals())
        if last_day is not None:
            if start is not None or end is not None or content is not None or any(
                    v not in (None, False) for v in options.values()):
                raise ValidationError("simulate either a stop (last_day) or a change, not both")
            return self._stop("evaluateModifiedCarmed", ssin, carmed_number=carmed_number,
                              last_day=last_day, quality_code=quality_code, context=context)
        return self._change("evaluateModifiedCarmed", ssin, carmed_number=carmed_number,
                            start=start, end=end, content=content, options=options,
                            quality_code=quality_code, context=context)

    @operation("stopCarmed")
    def stop(
        self,
        ssin: str,
        *,
        carmed_number: str | None = None,
        last_day: _dt.date | str | None = None,
        quality_code: int = DEFAULT_QUALITY_CODE,
        context: CallContext | None = None,
    ) -> CarmedResult:
        """Stop a decision early, possibly retroactively (``stopCarmed``).

        ManageCarmed V1, source POD MI / SPP IS (MediPrima). The answer holds
        the new, STOPPED version, ending on `last_day`. Stopping a decision
        that does not exist, is already stopped or belongs to another person
        or OCMW is the service's `InvalidData`. A lost answer raises
        `InDoubtError` and is never re-sent.

        Args:
            ssin: the beneficiary's SSIN, in any written form
            carmed_number: the decision's Carmed number (12 digits)
            last_day: the last day the decision still covers, YYYY-MM-DD (at most 60 days
                ago, before the decision's end)
            quality_code: sector 17 quality code the integration is for (default 4, other aid)
            context: the call context, when not bound with `acting_for`
        """
        return self._stop("stopCarmed", ssin, carmed_number=carmed_number, last_day=last_day,
                          quality_code=quality_code, context=context)

    @operation("consultCarmed")
    def get(
        self,
        ssin: str,
        *,
        carmed_number: str | None = None,
        quality_code: int = DEFAULT_QUALITY_CODE,
        context: CallContext | None = None,
    ) -> CarmedResult:
        """The person's decisions taken by this OCMW, last version each (``consultCarmed``).

        ManageCarmed V1, source POD MI / SPP IS (MediPrima). NO_DATA_FOUND
        (no decisions) is an empty result, not an error. A consultation.

        Args:
            ssin: the beneficiary's SSIN, in any written form
            carmed_number: only this decision (12 digits)
            quality_code: sector 17 quality code the integration is for (default 4, other aid)
            context: the call context, when not bound with `acting_for`
        """
        subject = str(self._client._validate_ssin(ssin))
        number = _number(carmed_number) if carmed_number is not None else None
        return self._send("consultCarmed", _wire.CarmedRequest(subject, number),
                          quality_code=quality_code, context=context)

    @operation("consultCarmedHistory")
    def history(
        self,
        ssin: str,
        *,
        carmed_number: str | None = None,
        quality_code: int = DEFAULT_QUALITY_CODE,
        context: CallContext | None = None,
    ) -> CarmedResult:
        """Every version of one decision, oldest first (``consultCarmedHistory``).

        ManageCarmed V1, source POD MI / SPP IS (MediPrima). An unknown
        decision is the service's `InvalidData`. A consultation.

        Args:
            ssin: the beneficiary's SSIN, in any written form
            carmed_number: the decision's Carmed number (12 digits)
            quality_code: sector 17 quality code the integration is for (default 4, other aid)
            context: the call context, when not bound with `acting_for`
        """
        subject = str(self._client._validate_ssin(ssin))
        number = _number(carmed_number)
        return self._send("consultCarmedHistory", _wire.CarmedRequest(subject, number),
                          quality_code=quality_code, context=context)

    def reconcile(
        self,
        call_id: str,
        ssin: str,
        *,
        operation: str,
        carmed_number: str | None = None,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        version: int | str | None = None,
        last_day: _dt.date | str | None = None,
        quality_code: int = DEFAULT_QUALITY_CODE,
        context: CallContext | None = None,
    ) -> Reconciliation:
        """Establish with ``consultCarmed`` what became of an in-doubt open, modify or stop.

        `call_id` is the `InDoubtError.call_id`; the other arguments repeat
        what that call asked. An openCarmed counts as applied when this OCMW
        has a decision for the person with exactly that period; a modifyCarmed
        when the decision's last version is later than `version` (the version
        that was changed); a stopCarmed when the decision is STOPPED on
        `last_day`. When auditing is on, the outcome is recorded with
        `AuditLog.resolve` (which lets the mutation be sent again when it was
        not applied). Raises `AuditError` when the audit log knows no
        unresolved in-doubt call with that id.

        Args:
            call_id: the ticket of the in-doubt call (InDoubtError.call_id)
            ssin: the beneficiary's SSIN the call was about
            operation: openCarmed, modifyCarmed or stopCarmed
            carmed_number: the decision (modifyCarmed, stopCarmed)
            start: openCarmed: the first day the call named
            end: openCarmed: the last day the call named
            version: modifyCarmed: the version number the change was made on (the
                version current when it was sent)
            last_day: stopCarmed: the last day the call named
            quality_code: sector 17 quality code the integration is for (default 4, other aid)
            context: the call context, when not bound with `acting_for`
        """
        if operation not in _MUTATIONS:
            raise ValidationError("operation is openCarmed, modifyCarmed or stopCarmed")
        organisation = organisation_id(self._client.config.organisation)
        consulted: CarmedResult | None
        if operation == "openCarmed":
            period = Period(date_arg(start, "the start"), date_arg(end, "the end"))
            consulted = self.get(ssin, quality_code=quality_code, context=context)
            applied = any(d.period == period and d.pswc == organisation
                          for d in consulted.decisions)
        else:
            number = _number(carmed_number)
            changed = _version(version)
            if operation == "modifyCarmed" and changed is None:
                raise ValidationError("reconciling a modifyCarmed needs the version it changed")
            day = optional_date_arg(last_day, "the last day")
            if operation == "stopCarmed" and day is None:
                raise ValidationError("reconciling a stopCarmed needs its last day")
            consulted = self.get(ssin, carmed_number=number, quality_code=quality_code,
                                 context=context)
            latest: Decision | None = consulted.decision
            if latest is None:
                applied = False
            elif operation == "modifyCarmed":
                assert changed is not None
                applied = latest.version > changed
            else:
                applied = latest.state is DecisionState.STOPPED and latest.period.end == day
        recorded = False
        log = self._client.audit
        if log is not None:
            user = self._client.context.merged(context).user or "ksz-client"
            log.resolve(call_id, by=user, applied=applied,
                        note=f"ManageCarmed consultCarmed (ticketCBSS "
                        f"{consulted.receipt.ticket_cbss}): {operation} "
                        f"{'applied' if applied else 'not applied'}")
            recorded = True
        return Reconciliation(call_id=call_id, operation=operation, applied=applied,
                              consultation=consulted, recorded=recorded)


_CONTENT_OPTIONS: Final = ("care_types", "supplement", "allowed_supplements",
                           "maximum_patient_part", "refund_code", "beneficiary_status",
                           "podmi_part", "affiliated_mutuality", "medical_urgency",
                           "justifications")


def _options(arguments: dict[str, object]) -> dict[str, object]:
    return {name: arguments[name] for name in _CONTENT_OPTIONS}
