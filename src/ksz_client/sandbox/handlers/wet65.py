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
from ksz_client.services.wet65 import _wire
from ksz_client.services.wet65.models import (
    Evaluation,
    FormError,
    FormResult,
    RecoveryResult,
    RefundedAid,
    RefundResult,
    RequestedAid,
)
from ksz_client.types import Money

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
"""ErrorsOnForm code: the POD MI refunds nothing on this attest."""


def _refused(code: str, text: str) -> tuple[Evaluation, tuple[FormError, ...]]:
    return Evaluation.REFUSED, (FormError(code, (text,)),)


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
    """Evaluate a refund form (CommonDecisionB1) and keep it when (partly) accepted."""
    schema = _contracts.schema("OCMWCPASWet65Loi65AB")
    assert schema is not None
    try:
        file, ssin, form = _wire.read_ab_request(request)
    except ValidationError as exc:
        missing = str(exc).startswith("mandatory argument missing")
        return ssdn_error(MISSING if missing else INVALID, str(exc))
    if not schema.validate(request):
        return ssdn_error(INVALID, "the request does not conform to the Loi65 A/B contract")
    if file.cbe_number != ctx.organisation:
        return ssdn_error("MSG00013", "an OCMW sends the forms of its own files only")
    refused = _person(ctx, ssin)
    if refused is not None:
        return refused
    state = ctx.state
    if state is None:
        return ssdn_error("MSG00003", "unexpected internal error")
    today = belgian_today(ctx.now)
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
    reference = f"{state.next_sequence('wet65-reference'):010d}"
    granted = evaluation is not Evaluation.REFUSED
    if granted:
        state.add_record(AB_KIND, {
            "file": file.file_id, "reference": reference,
            "decision": form.decision_date.isoformat(),
            "aids": ",".join(sorted(a.value for a in refunded)),
        }, ticket=ctx.ticket, at=ctx.now, ssin=ssin, organisation=file.cbe_number,
            key=form.attest_id)
    reply = etree.Element(_wire.q(_wire.AB_REPLY), nsmap={"l65": _wire.NS, "c65": _wire.COMMON})
    original = request.find(_wire.qc("FileIdentification"))
    assert original is not None
    reply.append(copy.deepcopy(original))
    _wire.write_ab_result(reply, RefundResult(
        attest_id=form.attest_id, reference_pod=reference, ssin=ssin, suffix=0,
        entry_date=form.entry_date, evaluation=evaluation,
        refunded=refunded if granted else (),
        percentage=10000 if granted else None, errors=errors,
        proofs_checked="INPROGRESS" if form.juridical_procedure else "CHECKED",
        maximum_date=(form.decision_date + _dt.timedelta(days=form.duration.total_days - 1)
                      if granted else None),
    ))
    return SsdnAnswer(payload=reply)


@handles_ssdn("OCMWCPASWet65Loi65DF")
def send_decision_df(ctx: HandlerContext, request: _xml.Element) -> SsdnAnswer:
    """Evaluate the recovery forms (RecoveringFormF) of a request and keep those accepted."""
    schema = _contracts.schema("OCMWCPASWet65Loi65DF")
    assert schema is not None
    try:
        file, forms = _wire.read_df_request(request)
    except ValidationError as exc:
        missing = str(exc).startswith("mandatory argument missing")
        return ssdn_error(MISSING if missing else INVALID, str(exc))
    if not schema.validate(request):
        return ssdn_error(INVALID, "the request does not conform to the Loi65 D/F contract")
    if not forms:
        return ssdn_error(MISSING, "mandatory argument missing: RecoveringFormF")
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
    reply = etree.Element(_wire.q(_wire.DF_REPLY), nsmap={"l65": _wire.NS, "c65": _wire.COMMON})
    original = request.find(_wire.qc("FileIdentification"))
    assert original is not None
    reply.append(copy.deepcopy(original))
    for ssin, form in forms:
        errors: tuple[FormError, ...] = ()
        if form.reference_date > today:
            evaluation, errors = _refused(BAD_DATES, "the reference date lies in the future")
        elif not state.records(AB_KIND, key=form.attest_id):
            evaluation, errors = _refused(NO_REFUND, "the POD MI refunds nothing on this attest")
        else:
            evaluation = Evaluation.ACCEPTED
        reference = f"{state.next_sequence('wet65-reference'):010d}"
        total: Money | None = None
        if evaluation is Evaluation.ACCEPTED:
            state.add_record(F_KIND, {
                "attest": form.attest_id, "file": file.file_id, "reference": reference,
                "cents": form.amount.cents, "type": form.kind,
                "date": form.reference_date.isoformat(),
            }, ticket=ctx.ticket, at=ctx.now, ssin=ssin, organisation=file.cbe_number)
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
    schema = _contracts.schema("OCMWCPASWet65Loi65C")
    assert schema is not None
    try:
        file, forms = _wire.read_c_request(request)
    except ValidationError as exc:
        missing = str(exc).startswith("mandatory argument missing")
        return ssdn_error(MISSING if missing else INVALID, str(exc))
    if not schema.validate(request):
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
        reference = f"{state.next_sequence('wet65-reference'):010d}"
        if evaluation is Evaluation.ACCEPTED:
            state.add_record(C_KIND, {
                "file": file.file_id, "suffix": form.suffix, "reference": reference,
                "decision": form.decision_date.isoformat(), "nature": form.nature,
                "reason": form.reason,
            }, ticket=ctx.ticket, at=ctx.now, ssin=ssin, organisation=file.cbe_number,
                key=form.attest_id)
        _wire.write_result(reply, "DecisionResultC", FormResult(
            entry_date=form.entry_date, attest_id=form.attest_id, reference_pod=reference,
            ssin=ssin, suffix=form.suffix, evaluation=evaluation, errors=errors))
    return SsdnAnswer(payload=reply)
