"""Sandbox handlers of the Law of 1965 decision forms (OCMWCPASWet65Loi65*, SSDN, POD MI).

The payloads are checked against our ``wsdl/ssdn/Loi65Wet65.xsd`` (written
from the official contract). Forms A/B (the refund request, CommonDecisionB1),
modelled rules:

- every form gets a DecisionResult with the POD MI's reference; the aids
  asked are refunded (RefundedAids, Percentage 10000: all) except
  OtherRequestedAids, which the sandbox's POD MI never refunds: then
  PARTIALLYACCEPTED, or REFUSED with `NOT_REFUNDABLE` when nothing else was
  asked; ProvesChecked INPROGRESS while a juridical procedure runs, else
  CHECKED; MaximumDate the decision date plus the duration (30 days a month);
- the state keeps a record of kind `AB_KIND` keyed by the UniqueAttestID of
  each form (partly) accepted: the same attest asked twice is REFUSED with
  `ALREADY_REQUESTED`; a date in the future is REFUSED with `BAD_DATES`.

Forms D/F, form F (RecoveringFormF, amounts recovered), modelled rules:

- a recovery on an attest the POD MI refunds (an `AB_KIND` record) is
  ACCEPTED and kept (records of kind `F_KIND`); TotalAcceptedAmount is the sum
  of the amounts accepted on that attest; an attest without refund is
  REFUSED with `NO_REFUND`, a reference date in the future or a period that
  ends before it starts with `BAD_DATES`.

Form C (the end of a right), modelled rules:

- every CancellationFormC gets a DecisionResultC with the POD MI's reference
  (ReferenceSPP_POD, 10 digits from a sequence) and an evaluation;
- ACCEPTED: the right of that UniqueAttestID ends; the state keeps a record
  of kind `C_KIND` keyed by the UniqueAttestID, so a second C form for the
  same attest is REFUSED with ErrorsOnForm `ALREADY_ENDED`; a decision date
  after the entry date or in the future is REFUSED with `BAD_DATES`;
- refusals of the whole request: 31000007 (mandatory argument missing, no
  form), 30000001 (unreadable value, contract broken), MSG00013 (the
  FileIdentification names another OCMW than the caller), MSG00005 (unknown
  SSIN), MSG00006 (replaced SSIN, ``newSSIN``).
"""

from __future__ import annotations

import copy
import datetime as _dt
from typing import Final

from lxml import etree

from ksz_client import _contracts, _xml
from ksz_client._exceptions import ValidationError
from ksz_client.audit._guard import belgian_today
from ksz_client.sandbox.handlers import HandlerContext, SsdnAnswer, handles_ssdn, ssdn_error
from ksz_client.sandbox.state import RecordValue, SandboxState
from ksz_client.services.leefloon_refund.models import Attestation
from ksz_client.services.wet65 import _wire
from ksz_client.services.wet65.models import (
    AcceptedShare,
    CareRefund,
    DecisionOnAmounts,
    Evaluation,
    FormError,
    FormResult,
    MonthlyRefund,
    RecoveryResult,
    RefundedAid,
    RefundRequest,
    RefundResult,
    RequestedAid,
)
from ksz_client.types import Money, Month, Period

__all__ = [
    "AB_KIND",
    "ALREADY_ENDED",
    "ALREADY_REQUESTED",
    "BAD_DATES",
    "C_KIND",
    "F_KIND",
    "INVALID",
    "MISSING",
    "NOT_REFUNDABLE",
    "NO_REFUND",
    "send_decision_ab",
    "send_decision_c",
    "send_decision_df",
]

MISSING: Final = "31000007"
"""SSDN: mandatory argument missing."""
INVALID: Final = "30000001"
"""SSDN: error (a value that cannot be read, the contract broken)."""
C_KIND: Final = "wet65-c"
"""The state's record kind of the rights ended with a C form."""
ALREADY_ENDED: Final = "C00001"
"""ErrorsOnForm code: the right of this attest was already ended."""
BAD_DATES: Final = "C00002"
"""ErrorsOnForm code: a decision date after the entry date or in the future."""
AB_KIND: Final = "wet65-ab"
"""The state's record kind of the refund forms (partly) accepted."""
ALREADY_REQUESTED: Final = "B00001"
"""ErrorsOnForm code: a refund was already asked with this UniqueAttestID."""
NOT_REFUNDABLE: Final = "B00002"
"""ErrorsOnForm code: none of the aids asked is refunded."""
F_KIND: Final = "wet65-f"
"""The state's record kind of the recoveries accepted."""
NO_REFUND: Final = "F00001"
"""ErrorsOnForm code: the POD MI refunds nothing on this attest (no B1 kept on it)."""
A_KIND: Final = "wet65-a"
"""The state's record kind of the A forms accepted."""
B2_KIND: Final = "wet65-b2"
"""The state's record kind of the B2 forms accepted."""
D1_KIND: Final = "wet65-d1"
"""The state's record kind of the D1 forms accepted."""
D2_KIND: Final = "wet65-d2"
"""The state's record kind of the D2 forms accepted."""


_NONE: tuple[FormError, ...] = ()


def _refused(code: str, text: str) -> tuple[Evaluation, tuple[FormError, ...]]:
    return Evaluation.REFUSED, (FormError(code, (text,)),)


def _on_kept_refund(state: SandboxState, attest_id: str,
                    future: str | None) -> tuple[Evaluation, tuple[FormError, ...]]:
    """A D/F form: refused when `future` says which of its dates lies in the future, or
    when no B1 is kept on its attest (the POD MI refunds nothing there); else accepted."""
    if future is not None:
        return _refused(BAD_DATES, future)
    if not state.records(AB_KIND, key=attest_id):
        return _refused(NO_REFUND, "the POD MI refunds nothing on this attest")
    return Evaluation.ACCEPTED, ()


def _next_reference(state: SandboxState) -> str:
    """ReferenceSPP_POD: the POD MI's 10-digit reference of an evaluated form."""
    return f"{state.next_sequence('wet65-reference'):010d}"


def _person(ctx: HandlerContext, ssin: str) -> SsdnAnswer | None:
    population = ctx.population
    index = population.index_of(ssin)
    if index is None:
        return ssdn_error("MSG00005", "SSIN does not exist")
    replaced = population.replaced_by(index)
    if replaced is not None:
        return ssdn_error("MSG00006", "SSIN has been replaced",
                          newSSIN=str(population.ssin_of(replaced)))
    return None


@handles_ssdn("OCMWCPASWet65Loi65AB")
def send_decision_ab(ctx: HandlerContext, request: _xml.Element) -> SsdnAnswer:
    """Evaluate forms A, B1 and B2 and keep those (partly) accepted."""
    try:
        asked = _wire.read_ab_forms(request)
    except ValidationError as exc:
        missing = str(exc).startswith("mandatory argument missing")
        return ssdn_error(MISSING if missing else INVALID, str(exc))
    if _contracts.violation("OCMWCPASWet65Loi65AB", request) is not None:
        return ssdn_error(INVALID, "the request does not conform to the Loi65 A/B contract")
    file, ssin = asked.file, asked.ssin
    if file.cbe_number != ctx.organisation:
        return ssdn_error("MSG00013", "an OCMW sends the forms of its own files only")
    others = [s.ssin for s in (asked.identification.secondary if asked.identification else ())]
    others += [f.ssin or ssin for f in asked.individual]
    for number in (ssin, *others):
        refused = _person(ctx, number)
        if refused is not None:
            return refused
    state = ctx.state
    if state is None:
        return ssdn_error("MSG00003", "unexpected internal error")
    today = belgian_today(ctx.now)
    reply = etree.Element(_wire.q(_wire.AB_REPLY), nsmap={"l65": _wire.NS, "c65": _wire.COMMON})
    original = request.find(_wire.qc("FileIdentification"))
    assert original is not None
    reply.append(copy.deepcopy(original))
    if asked.identification is not None:
        form_a = asked.identification
        evaluation, errors = Evaluation.ACCEPTED, _NONE
        if form_a.entry_date > today:
            evaluation, errors = _refused(BAD_DATES, "a date of the form lies in the future")
        reference = _next_reference(state)
        if evaluation is Evaluation.ACCEPTED:
            state.add_record(A_KIND, _decision_data(
                "A", form_a.attest_id, reference, form_a.entry_date, form_a.entry_date,
                evaluation=evaluation, file=file.file_id), ssin=ssin, ticket=ctx.ticket,
                at=ctx.now, organisation=file.cbe_number)
        _wire.write_ab_result(reply, RefundResult(
            attest_id=form_a.attest_id, reference_pod=reference, ssin=ssin, suffix=0,
            entry_date=form_a.entry_date, evaluation=evaluation, refunded=(), errors=errors))
    if asked.refund is not None:
        _evaluate_b1(ctx, reply, file.file_id, ssin, asked.refund, today=today)
    for decision in asked.individual:
        evaluation, errors = Evaluation.ACCEPTED, _NONE
        if decision.entry_date > today or decision.decision_date > today:
            evaluation, errors = _refused(BAD_DATES, "a date of the form lies in the future")
        reference = _next_reference(state)
        number = decision.ssin or ssin
        if evaluation is Evaluation.ACCEPTED:
            state.add_record(B2_KIND, _decision_data(
                "B2", decision.attest_id, reference, decision.entry_date,
                decision.decision_date, evaluation=evaluation, file=file.file_id,
                suffix=decision.suffix), ssin=ssin, ticket=ctx.ticket, at=ctx.now,
                organisation=file.cbe_number)
        refunded = tuple(aid for aid, asked_for in (
            (RefundedAid.AMBULANT_MEDICAL_AND_PHARMACEUTICAL, decision.ambulant_costs),
            (RefundedAid.HOSPITALIZATION, decision.hospitalization_costs)) if asked_for)
        _wire.write_ab_result(reply, RefundResult(
            attest_id=decision.attest_id, reference_pod=reference, ssin=number,
            suffix=decision.suffix, entry_date=decision.entry_date, evaluation=evaluation,
            refunded=refunded if evaluation is Evaluation.ACCEPTED else (), errors=errors,
            maximum_date=(decision.decision_date
                          + _dt.timedelta(days=decision.duration.total_days - 1)
                          if evaluation is Evaluation.ACCEPTED else None)))
    return SsdnAnswer(payload=reply)


def _decision_data(form: str, attest_id: str, reference: str, entry: _dt.date,
                   decided: _dt.date, *, evaluation: Evaluation, end: _dt.date | None = None,
                   cents: int | None = None, **more: RecordValue) -> dict[str, RecordValue]:
    """What a kept decision holds for ListOfAttestations (STATUT65) to list it."""
    return {"form": form, "attest": attest_id, "reference": reference,
            "entry": entry.isoformat(), "decision": decided.isoformat(),
            "end": end.isoformat() if end else None, "evaluation": evaluation.value,
            "cents": cents, **more}


def _evaluate_b1(ctx: HandlerContext, reply: _xml.Element, file_id: str, ssin: str,
                 form: RefundRequest, *, today: _dt.date) -> None:
    state = ctx.state
    assert state is not None
    refunded = tuple(RefundedAid(a.value) for a in form.aids if a is not RequestedAid.OTHER)
    errors: tuple[FormError, ...] = ()
    if form.entry_date > today or form.decision_date > today:
        evaluation, errors = _refused(BAD_DATES, "a date of the form lies in the future")
    elif state.records(AB_KIND, key=form.attest_id):
        evaluation, errors = _refused(ALREADY_REQUESTED, "a refund was asked for this attest")
    elif not refunded:
        evaluation, errors = _refused(NOT_REFUNDABLE, "none of the aids asked is refunded")
    elif RequestedAid.OTHER in form.aids:
        evaluation = Evaluation.PARTIALLY_ACCEPTED
    else:
        evaluation = Evaluation.ACCEPTED
    reference = _next_reference(state)
    granted = evaluation is not Evaluation.REFUSED
    maximum = form.decision_date + _dt.timedelta(days=form.duration.total_days - 1)
    if granted:
        state.add_record(AB_KIND, _decision_data(
            "B1", form.attest_id, reference, form.entry_date, form.decision_date,
            evaluation=evaluation, end=maximum, file=file_id,
            aids=",".join(sorted(a.value for a in refunded))),
            ticket=ctx.ticket, at=ctx.now, ssin=ssin, organisation=ctx.organisation,
            key=form.attest_id)
    _wire.write_ab_result(reply, RefundResult(
        attest_id=form.attest_id, reference_pod=reference, ssin=ssin, suffix=0,
        entry_date=form.entry_date, evaluation=evaluation,
        refunded=refunded if granted else (),
        percentage=10000 if granted else None, errors=errors,
        proofs_checked="INPROGRESS" if form.juridical_procedure else "CHECKED",
        maximum_date=maximum if granted else None,
    ))


@handles_ssdn("OCMWCPASWet65Loi65DF")
def send_decision_df(ctx: HandlerContext, request: _xml.Element) -> SsdnAnswer:
    """Evaluate the recovery forms (RecoveringFormF) of a request and keep those accepted."""
    try:
        asked = _wire.read_df_forms(request)
    except ValidationError as exc:
        missing = str(exc).startswith("mandatory argument missing")
        return ssdn_error(MISSING if missing else INVALID, str(exc))
    if _contracts.violation("OCMWCPASWet65Loi65DF", request) is not None:
        return ssdn_error(INVALID, "the request does not conform to the Loi65 D/F contract")
    file, forms = asked.file, asked.recoveries
    if not forms and asked.monthly is None and not asked.care:
        return ssdn_error(MISSING, "mandatory argument missing: RefundformD1, RefundFormD2 or "
                          "RecoveringFormF")
    if file.cbe_number != ctx.organisation:
        return ssdn_error("MSG00013", "an OCMW sends the forms of its own files only")
    numbers = [s for s, _ in forms] + [f.ssin or "" for f in asked.care]
    numbers += [asked.monthly[0]] if asked.monthly else []
    for ssin in numbers:
        refused = _person(ctx, ssin)
        if refused is not None:
            return refused
    state = ctx.state
    if state is None:
        return ssdn_error("MSG00003", "unexpected internal error")
    today = belgian_today(ctx.now)
    reply = etree.Element(_wire.q(_wire.DF_REPLY), nsmap={"l65": _wire.NS, "c65": _wire.COMMON})
    original = request.find(_wire.qc("FileIdentification"))
    assert original is not None
    reply.append(copy.deepcopy(original))
    if asked.monthly is not None:
        _evaluate_d1(ctx, reply, file.file_id, *asked.monthly, today=today)
    for care in asked.care:
        _evaluate_d2(ctx, reply, file.file_id, care, today)
    for ssin, form in forms:
        evaluation, errors = _on_kept_refund(
            state, form.attest_id,
            "the reference date lies in the future" if form.reference_date > today else None)
        reference = _next_reference(state)
        total: Money | None = None
        if evaluation is Evaluation.ACCEPTED:
            state.add_record(F_KIND, _decision_data(
                "F", form.attest_id, reference, form.reference_date, today,
                evaluation=evaluation, cents=form.amount.cents, file=file.file_id, type=form.kind,
                date=form.reference_date.isoformat(),
            ), ticket=ctx.ticket, at=ctx.now, ssin=ssin, organisation=file.cbe_number)
            total = Money.from_cents(sum(
                int(r.data["cents"] or 0) for r in state.records(F_KIND, ssin=ssin)
                if r.data.get("attest") == form.attest_id))
        _wire.write_df_result(reply, RecoveryResult(
            attest_id=form.attest_id, reference_pod=reference, ssin=ssin, suffix=form.suffix,
            evaluation=evaluation, reference_date=form.reference_date, errors=errors,
            total_accepted=total))
    return SsdnAnswer(payload=reply)


@handles_ssdn("OCMWCPASWet65Loi65C")
def send_decision_c(ctx: HandlerContext, request: _xml.Element) -> SsdnAnswer:
    """Evaluate the C forms of a request and end the rights accepted."""
    try:
        file, forms = _wire.read_c_request(request)
    except ValidationError as exc:
        missing = str(exc).startswith("mandatory argument missing")
        return ssdn_error(MISSING if missing else INVALID, str(exc))
    if _contracts.violation("OCMWCPASWet65Loi65C", request) is not None:
        return ssdn_error(INVALID, "the request does not conform to the Loi65 C contract")
    if not forms:
        return ssdn_error(MISSING, "mandatory argument missing: CancellationFormC")
    if file.cbe_number != ctx.organisation:
        return ssdn_error("MSG00013", "an OCMW sends the forms of its own files only")
    for ssin, _ in forms:
        refused = _person(ctx, ssin)
        if refused is not None:
            return refused
    state = ctx.state
    if state is None:
        return ssdn_error("MSG00003", "unexpected internal error")
    today = belgian_today(ctx.now)
    reply = etree.Element(_wire.q(_wire.C_REPLY), nsmap={"l65": _wire.NS, "c65": _wire.COMMON})
    original = request.find(_wire.qc("FileIdentification"))
    assert original is not None
    reply.append(copy.deepcopy(original))
    for ssin, form in forms:
        errors: tuple[FormError, ...] = ()
        if form.entry_date > today or form.decision_date > today:
            evaluation, errors = _refused(BAD_DATES, "a date of the form lies in the future")
        elif state.records(C_KIND, key=form.attest_id):
            evaluation, errors = _refused(ALREADY_ENDED, "the right of this attest has ended")
        else:
            evaluation = Evaluation.ACCEPTED
        reference = _next_reference(state)
        if evaluation is Evaluation.ACCEPTED:
            state.add_record(C_KIND, _decision_data(
                "C", form.attest_id, reference, form.entry_date, form.decision_date,
                evaluation=evaluation, file=file.file_id, suffix=form.suffix,
                nature=form.nature, reason=form.reason,
            ), ticket=ctx.ticket, at=ctx.now, ssin=ssin, organisation=file.cbe_number,
                key=form.attest_id)
        _wire.write_result(reply, "DecisionResultC", FormResult(
            entry_date=form.entry_date, attest_id=form.attest_id, reference_pod=reference,
            ssin=ssin, suffix=form.suffix, evaluation=evaluation, errors=errors))
    return SsdnAnswer(payload=reply)


def _share(amount: Money | None) -> AcceptedShare | None:
    # The sandbox's POD MI accepts every amount asked on a refunded attest, all of it.
    return AcceptedShare(amount, 100) if amount is not None else None


def _money_sum(amounts: tuple[Money, ...]) -> Money | None:
    return Money.from_cents(sum(a.cents for a in amounts)) if amounts else None


def _evaluate_d1(ctx: HandlerContext, reply: _xml.Element, file_id: str, ssin: str,
                 form: MonthlyRefund, *, today: _dt.date) -> None:
    state = ctx.state
    assert state is not None
    evaluation, errors = _on_kept_refund(
        state, form.attest_id,
        "the reference month lies in the future" if form.month > Month.parse(today) else None)
    reference = _next_reference(state)
    accepted = evaluation is Evaluation.ACCEPTED
    first = _dt.date(form.month.year, form.month.month, 1)
    if accepted:
        state.add_record(D1_KIND, _decision_data(
            "D1", form.attest_id, reference, first, today, evaluation=evaluation,
            cents=form.total.cents,
            file=file_id), ticket=ctx.ticket, at=ctx.now, ssin=ssin,
            organisation=ctx.organisation)
    paid = form.delivered
    decision = DecisionOnAmounts(
        financial=_share(paid.financial.amount if paid.financial else None),
        medical=_share(_money_sum(paid.medical)),
        pharmaceutical=_share(_money_sum(paid.pharmaceutical)),
        mut_base_contribution=_share(paid.mut_base_contribution),
        mut_complementary_contribution=_share(paid.mut_complementary_contribution),
        mut_regularization=_share(paid.mut_regularization),
        repatriation=_share(paid.repatriation), placement=_share(paid.placement),
        housing=_share(paid.housing),
        birth_allowance=_share(paid.birth_allowance.amount if paid.birth_allowance else None),
        child_allowance=_share(paid.child_allowance.amount if paid.child_allowance else None),
        primary_aids=form.primary_aids, partner_aids=form.partner_aids,
        other=_share(paid.other),
    ) if accepted else None
    _wire.write_df_result(reply, RecoveryResult(
        attest_id=form.attest_id, reference_pod=reference, ssin=ssin, suffix=0,
        evaluation=evaluation, errors=errors, month=form.month, decision=decision,
        total_accepted=form.total if accepted else None))


def _evaluate_d2(ctx: HandlerContext, reply: _xml.Element, file_id: str, form: CareRefund,
                 today: _dt.date) -> None:
    state = ctx.state
    assert state is not None
    ssin = form.ssin or ""
    evaluation, errors = _on_kept_refund(
        state, form.attest_id,
        "the entry date lies in the future" if form.entry_date > today else None)
    reference = _next_reference(state)
    accepted = evaluation is Evaluation.ACCEPTED
    if accepted:
        state.add_record(D2_KIND, _decision_data(
            "D2", form.attest_id, reference, form.entry_date, today,
            evaluation=evaluation, cents=form.total.cents, file=file_id, suffix=form.suffix),
            ticket=ctx.ticket, at=ctx.now, ssin=ssin, organisation=ctx.organisation)
    decision = DecisionOnAmounts(
        bills=tuple((b.number, b.amount) for b in form.bills),
        remaining_hospital_costs=form.remaining_hospital_costs,
        ambulant_medical=form.ambulant_medical,
        ambulant_pharmaceutical=form.ambulant_pharmaceutical,
    ) if accepted else None
    _wire.write_df_result(reply, RecoveryResult(
        attest_id=form.attest_id, reference_pod=reference, ssin=ssin, suffix=form.suffix,
        evaluation=evaluation, errors=errors, entry_date=form.entry_date, decision=decision,
        total_accepted=form.total if accepted else None))


STATUT65_KINDS: Final = (A_KIND, AB_KIND, B2_KIND, D1_KIND, D2_KIND, F_KIND, C_KIND)
"""The state's record kinds of the Law of 1965 decisions ListOfAttestations lists."""


def statut65_decisions(state: SandboxState, ssin: str, period: Period) -> list[Attestation]:
    """The POD MI's Law of 1965 decisions about a person (ListOfAttestations STATUT65).

    Every form the sandbox's POD MI kept (A, B1, B2, D1, D2, F, C) of any
    OCMW whose days (entry to end of the right) overlap the search period;
    Reference is the UniqueAttestID, FormType the form, Amount a D1/D2 total
    or an F's amount recovered.
    """
    found = []
    for kind in STATUT65_KINDS:
        for record in state.records(kind, ssin=ssin):
            data = record.data
            if "form" not in data:
                continue
            entry = _dt.date.fromisoformat(str(data["entry"]))
            end = _dt.date.fromisoformat(str(data["end"])) if data.get("end") else None
            if not (entry <= (period.end or entry) and (end or entry) >= period.start):
                continue
            cents = data.get("cents")
            found.append(Attestation(
                ssin=ssin, cpas_kbo_number=str(record.organisation), entry_date=entry,
                attest_type_code="STATUT65", attest_type_description="Law of 1965 decision",
                form_type=str(data["form"]), duration=None,
                decision_date=_dt.date.fromisoformat(str(data["decision"])),
                reference=str(data["attest"]), status=str(data["evaluation"]),
                relation_type="BENEFICIARY", end_date=end,
                amount=Money.from_cents(int(str(cents))) if cents is not None else None))
    return found
