"""The Law of 1965 decision forms on the wire: payloads <-> models, both directions.

Two namespaces, as in the official contract: the forms in
``…/OCMW_CPAS/LoiWet65``, the shared elements (FileIdentification) and types
in ``…/OCMW_CPAS/LoiWet65Common``. Every element is qualified.
"""

from __future__ import annotations

import datetime as _dt
from typing import Final

from lxml import etree

from ksz_client import _xml, catalogue
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client.services.wet65.models import (
    Cancellation,
    Duration,
    Evaluation,
    FileIdentification,
    FormError,
    FormResult,
    Recovery,
    RecoveryResult,
    RefundedAid,
    RefundRequest,
    RefundResult,
    RequestedAid,
)
from ksz_client.types import Money

__all__ = [
    "COMMON",
    "C_REPLY",
    "DF_REPLY",
    "NS",
    "q",
    "qc",
    "read_ab_request",
    "read_ab_results",
    "read_c_request",
    "read_df_request",
    "read_df_results",
    "read_file",
    "read_results",
    "write_ab_request",
    "write_ab_result",
    "write_c_request",
    "write_df_request",
    "write_df_result",
    "write_file",
    "write_result",
]

_SERVICE = catalogue.get("OCMWCPASWet65Loi65C")
NS: Final = _SERVICE.namespace
COMMON: Final = _SERVICE.types_namespace or ""
C_REPLY: Final = "L65_C_DecisionReply"
AB_REPLY: Final = "L65_AB_DecisionReply"
DF_REPLY: Final = "L65_DF_DecisionReply"
SSDN_COMMON: Final = "http://www.ksz-bcss.fgov.be/XSD/SSDN/Common"


def q(name: str) -> str:
    """The qualified tag of a form element (LoiWet65 namespace)."""
    return f"{{{NS}}}{name}"


def qc(name: str) -> str:
    """The qualified tag of a shared element (LoiWet65Common namespace)."""
    return f"{{{COMMON}}}{name}"


def write_file(parent: _xml.Element, file: FileIdentification) -> None:
    el = _xml.sub(parent, qc("FileIdentification"))
    _xml.sub(el, qc("KBOBCE"), file.cbe_number)
    _xml.sub(el, qc("FileID"), file.file_id)


def read_file(parent: _xml.Element) -> FileIdentification:
    """The FileIdentification of a request or reply; a bad one is a ResponseError."""
    el = _xml.req(parent, qc("FileIdentification"))
    number = _xml.req_text(el, qc("KBOBCE"))
    try:
        return FileIdentification(number.zfill(10), _xml.req_text(el, qc("FileID")))
    except ValidationError as exc:
        raise ResponseError(f"the FileIdentification cannot be read ({exc})") from None


# --- form C ------------------------------------------------------------------------------


def write_c_request(payload: _xml.Element, file: FileIdentification, ssin: str,
                    forms: tuple[Cancellation, ...]) -> None:
    """Fill ``L65_C_DecisionRequest`` (the payload root the pipeline made)."""
    write_file(payload, file)
    for form in forms:
        el = _xml.sub(payload, q("CancellationFormC"))
        _xml.sub(el, q("EntryDate"), form.entry_date.isoformat())
        _xml.sub(el, q("UniqueAttestID"), form.attest_id)
        _xml.sub(el, q("SSIN"), ssin)
        _xml.sub(el, q("Suffix"), str(form.suffix))
        aid = _xml.sub(el, q("AidCancellation"))
        _xml.sub(aid, q("DecisionDate"), form.decision_date.isoformat())
        _xml.sub(aid, q("Decisionnature"), form.nature)
        _xml.sub(aid, q("CancellationReason"), form.reason)
        if form.former_cancellation is not None:
            _xml.sub(el, q("FormerCformcancellation"), form.former_cancellation)


def _text(el: _xml.Element, *names: str) -> str:
    value = _xml.opt_text(el, "/".join(q(n) for n in names))
    if value is None:
        raise ValidationError(f"mandatory argument missing: {'/'.join(names)}")
    return value


def _date(el: _xml.Element, *names: str) -> _dt.date:
    value = _text(el, *names)
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{names[-1]} is not a date") from None


def read_c_request(
    payload: _xml.Element,
) -> tuple[FileIdentification, list[tuple[str, Cancellation]]]:
    """The file and (SSIN, form) pairs of a C request (the sandbox's side)."""
    if payload.find(qc("FileIdentification")) is None:
        raise ValidationError("mandatory argument missing: FileIdentification")
    try:
        file = read_file(payload)
    except ResponseError as exc:
        raise ValidationError(str(exc)) from None
    forms = []
    for el in payload.iterfind(q("CancellationFormC")):
        try:
            suffix = int(_text(el, "Suffix"))
        except ValueError:
            raise ValidationError("Suffix is not a number") from None
        forms.append((_text(el, "SSIN"), Cancellation(
            attest_id=_text(el, "UniqueAttestID"),
            suffix=suffix,
            entry_date=_date(el, "EntryDate"),
            decision_date=_date(el, "AidCancellation", "DecisionDate"),
            nature=_text(el, "AidCancellation", "Decisionnature"),
            reason=_text(el, "AidCancellation", "CancellationReason"),
            former_cancellation=_xml.opt_text(el, q("FormerCformcancellation")),
        )))
    return file, forms


# --- results ---------------------------------------------------------------------------


def write_result(reply: _xml.Element, tag: str, result: FormResult) -> _xml.Element:
    """Append a ``DecisionResult*`` element (`tag`, e.g. DecisionResultC) to a reply."""
    el = _xml.sub(reply, q(tag))
    _xml.sub(el, q("EntryDate"), result.entry_date.isoformat())
    _xml.sub(el, q("UniqueAttestID"), result.attest_id)
    _xml.sub(el, q("ReferenceSPP_POD"), result.reference_pod)
    _xml.sub(el, q("SSIN"), result.ssin)
    _xml.sub(el, q("Suffix"), str(result.suffix))
    _xml.sub(el, q("Evaluation"), result.evaluation.value)
    for error in result.errors:
        err = _xml.sub(el, q("ErrorsOnForm"))
        _xml.sub(err, qc("Code"), error.code)
        for text in error.descriptions:
            _xml.sub(err, qc("Description"), text)
    return el


def _read_result(el: _xml.Element) -> FormResult:
    entry = _xml.opt_date(el, q("EntryDate"))
    suffix = _xml.opt_int(el, q("Suffix"))
    if entry is None or suffix is None:
        raise ResponseError("a form result lacks its EntryDate or Suffix")
    try:
        evaluation = Evaluation(_xml.req_text(el, q("Evaluation")))
    except ValueError:
        raise ResponseError("unknown Evaluation code in the answer") from None
    errors = tuple(
        FormError(_xml.req_text(err, qc("Code")),
                  tuple((d.text or "").strip() for d in err.iterfind(qc("Description"))))
        for err in el.iterfind(q("ErrorsOnForm"))
    )
    return FormResult(
        entry_date=entry,
        attest_id=_xml.req_text(el, q("UniqueAttestID")),
        reference_pod=_xml.req_text(el, q("ReferenceSPP_POD")),
        ssin=_xml.req_text(el, q("SSIN")),
        suffix=suffix,
        evaluation=evaluation,
        errors=errors,
    )


def read_results(reply: _xml.Element, tag: str) -> tuple[FormResult, ...]:
    """The ``DecisionResult*`` elements (`tag`) of a reply; at least one is required."""
    found = tuple(_read_result(el) for el in reply.iterfind(q(tag)))
    if not found:
        raise ResponseError(f"the answer lacks the required element {etree.QName(reply).localname}"
                            f"/{tag}")
    return found


# --- form A/B: the refund request (CommonDecisionB1) -------------------------------------


def _flag(parent: _xml.Element, name: str, value: bool) -> None:
    _xml.sub(parent, q(name), "true" if value else "false")


def write_ab_request(payload: _xml.Element, file: FileIdentification, ssin: str,
                     form: RefundRequest) -> None:
    """Fill ``L65_AB_DecisionRequest`` with one CommonDecisionB1 (the refund request)."""
    write_file(payload, file)
    b1 = _xml.sub(payload, q("CommonDecisionB1"))
    _xml.sub(b1, q("EntryDate"), form.entry_date.isoformat())
    _xml.sub(b1, q("UniqueAttestID"), form.attest_id)
    primary = _xml.sub(b1, q("IdentificationPrimaryBeneficiary"))
    _xml.sub(primary, q("SSIN"), ssin)
    aids = _xml.sub(b1, q("RequestedAids"))
    for aid in RequestedAid:  # the schema's order
        if aid in form.aids:
            _flag(aids, aid.value, True)
    if form.category is not None:
        situation = _xml.sub(b1, q("Situation"))
        _xml.sub(situation, q("Category"), form.category)
    duration = _xml.sub(b1, qc("Duration"))
    for name, value in (("Days", form.duration.days), ("Weeks", form.duration.weeks),
                        ("Months", form.duration.months)):
        if value is not None:
            _xml.sub(duration, qc(name), str(value))
    _xml.sub(b1, q("DecisionDate"), form.decision_date.isoformat())
    _flag(b1, "JuridicalProcedure", form.juridical_procedure)


def _bool(value: str | None, name: str) -> bool:
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise ValidationError(f"{name} is true or false")


def _opt_int(el: _xml.Element, path: str) -> int | None:
    value = _xml.opt_text(el, path)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationError("a duration is a whole number") from None


def read_ab_request(payload: _xml.Element) -> tuple[FileIdentification, str, RefundRequest]:
    """The file, SSIN and refund form of an A/B request (the sandbox's side)."""
    if payload.find(qc("FileIdentification")) is None:
        raise ValidationError("mandatory argument missing: FileIdentification")
    try:
        file = read_file(payload)
    except ResponseError as exc:
        raise ValidationError(str(exc)) from None
    b1 = payload.find(q("CommonDecisionB1"))
    if b1 is None:
        raise ValidationError("mandatory argument missing: CommonDecisionB1")
    aids_el = b1.find(q("RequestedAids"))
    asked = {
        RequestedAid(etree.QName(el).localname) for el in (aids_el if aids_el is not None else ())
        if isinstance(el.tag, str) and etree.QName(el).localname in RequestedAid._value2member_map_
        and _bool(el.text, etree.QName(el).localname)
    }
    aids = tuple(a for a in RequestedAid if a in asked)
    duration_el = b1.find(qc("Duration"))
    if duration_el is None:
        raise ValidationError("mandatory argument missing: Duration")
    form = RefundRequest(
        attest_id=_text(b1, "UniqueAttestID"),
        entry_date=_date(b1, "EntryDate"),
        decision_date=_date(b1, "DecisionDate"),
        aids=aids,
        duration=Duration(_opt_int(duration_el, qc("Days")), _opt_int(duration_el, qc("Weeks")),
                          _opt_int(duration_el, qc("Months"))),
        juridical_procedure=_bool(_text(b1, "JuridicalProcedure"), "JuridicalProcedure"),
        category=_xml.opt_text(b1, f"{q('Situation')}/{q('Category')}"),
    )
    return file, _text(b1, "IdentificationPrimaryBeneficiary", "SSIN"), form


def write_ab_result(reply: _xml.Element, result: RefundResult) -> _xml.Element:
    """Append a ``DecisionResult`` (the POD MI's answer on a refund form) to a reply."""
    el = _xml.sub(reply, q("DecisionResult"))
    _xml.sub(el, q("UniqueAttestID"), result.attest_id)
    _xml.sub(el, q("ReferenceSPP_POD"), result.reference_pod)
    _xml.sub(el, q("SSIN"), result.ssin)
    _xml.sub(el, q("Suffix"), str(result.suffix))
    _xml.sub(el, q("EntryDate"), result.entry_date.isoformat())
    if result.percentage is not None:
        _xml.sub(el, q("Percentage"), str(result.percentage))
    _xml.sub(el, q("Evaluation"), result.evaluation.value)
    for error in result.errors:
        err = _xml.sub(el, q("ErrorsOnForm"))
        _xml.sub(err, qc("Code"), error.code)
        for text in error.descriptions:
            _xml.sub(err, qc("Description"), text)
    if result.proofs_checked is not None:
        _xml.sub(el, q("ProvesChecked"), result.proofs_checked)
    refunded = _xml.sub(el, q("RefundedAids"))
    for aid in RefundedAid:
        if aid in result.refunded:
            _flag(refunded, aid.value, True)
    _xml.sub(refunded, q("PrimaryBeneficiary"))
    _xml.sub(refunded, q("Partner"))
    if result.maximum_date is not None:
        _xml.sub(el, q("MaximumDate"), result.maximum_date.isoformat())
    return el


def _read_ab_result(el: _xml.Element) -> RefundResult:
    entry = _xml.opt_date(el, q("EntryDate"))
    suffix = _xml.opt_int(el, q("Suffix"))
    if entry is None or suffix is None:
        raise ResponseError("a form result lacks its EntryDate or Suffix")
    try:
        evaluation = Evaluation(_xml.req_text(el, q("Evaluation")))
    except ValueError:
        raise ResponseError("unknown Evaluation code in the answer") from None
    refunded_el = _xml.req(el, q("RefundedAids"))
    refunded: set[RefundedAid] = set()
    for child in refunded_el:
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname
        if name in RefundedAid._value2member_map_ and _xml.opt_bool(
                (child.text or "").strip()):
            refunded.add(RefundedAid(name))
    return RefundResult(
        attest_id=_xml.req_text(el, q("UniqueAttestID")),
        reference_pod=_xml.req_text(el, q("ReferenceSPP_POD")),
        ssin=_xml.req_text(el, q("SSIN")),
        suffix=suffix,
        entry_date=entry,
        evaluation=evaluation,
        refunded=tuple(a for a in RefundedAid if a in refunded),
        percentage=_xml.opt_int(el, q("Percentage")),
        errors=tuple(
            FormError(_xml.req_text(err, qc("Code")),
                      tuple((d.text or "").strip() for d in err.iterfind(qc("Description"))))
            for err in el.iterfind(q("ErrorsOnForm"))
        ),
        proofs_checked=_xml.opt_text(el, q("ProvesChecked")),
        maximum_date=_xml.opt_date(el, q("MaximumDate")),
    )


def read_ab_results(reply: _xml.Element) -> tuple[RefundResult, ...]:
    """The ``DecisionResult`` elements of an A/B reply; at least one is required."""
    found = tuple(_read_ab_result(el) for el in reply.iterfind(q("DecisionResult")))
    if not found:
        raise ResponseError("the answer lacks the required element L65_AB_DecisionReply/"
                            "DecisionResult")
    return found


# --- form D/F: recovered amounts (RecoveringFormF) ---------------------------------------


def _qs(name: str) -> str:
    return f"{{{SSDN_COMMON}}}{name}"


def write_df_request(payload: _xml.Element, file: FileIdentification, ssin: str,
                     forms: tuple[Recovery, ...]) -> None:
    """Fill ``L65_DF_DecisionRequest`` with RecoveringFormF forms (amounts in euro cents)."""
    write_file(payload, file)
    for form in forms:
        el = _xml.sub(payload, q("RecoveringFormF"))
        _xml.sub(el, q("ReferenceDate"), form.reference_date.isoformat())
        _xml.sub(el, q("UniqueAttestID"), form.attest_id)
        _xml.sub(el, q("SSIN"), ssin)
        _xml.sub(el, q("Suffix"), str(form.suffix))
        details = _xml.sub(el, q("RecoveringDetails"))
        _xml.sub(details, q("OriginalForm"), form.original_form)
        _xml.sub(details, q("Type"), form.kind)
        _xml.sub(details, q("RecoveredAmount"), str(form.amount.cents))
        period = _xml.sub(details, q("PeriodOfRecovering"))
        # PeriodType is the SSDN Common type: its children are in that namespace.
        if form.period_start is not None:
            _xml.sub(period, _qs("StartDate"), form.period_start.isoformat())
        if form.period_end is not None:
            _xml.sub(period, _qs("EndDate"), form.period_end.isoformat())


def read_df_request(
    payload: _xml.Element,
) -> tuple[FileIdentification, list[tuple[str, Recovery]]]:
    """The file and (SSIN, form) pairs of a D/F request (the sandbox's side)."""
    if payload.find(qc("FileIdentification")) is None:
        raise ValidationError("mandatory argument missing: FileIdentification")
    try:
        file = read_file(payload)
    except ResponseError as exc:
        raise ValidationError(str(exc)) from None
    forms = []
    for el in payload.iterfind(q("RecoveringFormF")):
        try:
            suffix = int(_text(el, "Suffix"))
            cents = int(_text(el, "RecoveringDetails", "RecoveredAmount"))
        except ValueError:
            raise ValidationError("a Suffix or RecoveredAmount is not a number") from None
        period = el.find(f"{q('RecoveringDetails')}/{q('PeriodOfRecovering')}")
        try:
            start = _xml.opt_date(period, _qs("StartDate"))
            end = _xml.opt_date(period, _qs("EndDate"))
        except ResponseError:
            raise ValidationError("the PeriodOfRecovering cannot be read") from None
        forms.append((_text(el, "SSIN"), Recovery(
            attest_id=_text(el, "UniqueAttestID"),
            suffix=suffix,
            reference_date=_date(el, "ReferenceDate"),
            original_form=_text(el, "RecoveringDetails", "OriginalForm"),
            kind=_text(el, "RecoveringDetails", "Type"),
            amount=Money.from_cents(cents),
            period_start=start,
            period_end=end,
        )))
    return file, forms


def write_df_result(reply: _xml.Element, result: RecoveryResult) -> _xml.Element:
    """Append a ``DecisionResultDF`` to a reply."""
    el = _xml.sub(reply, q("DecisionResultDF"))
    if result.reference_date is not None:
        _xml.sub(el, q("ReferenceDate"), result.reference_date.isoformat())
    _xml.sub(el, q("UniqueAttestID"), result.attest_id)
    _xml.sub(el, q("ReferenceSPP_POD"), result.reference_pod)
    _xml.sub(el, q("SSIN"), result.ssin)
    _xml.sub(el, q("Suffix"), str(result.suffix))
    _xml.sub(el, q("Evaluation"), result.evaluation.value)
    for error in result.errors:
        err = _xml.sub(el, q("ErrorsOnForm"))
        _xml.sub(err, qc("Code"), error.code)
        for text in error.descriptions:
            _xml.sub(err, qc("Description"), text)
    if result.total_accepted is not None:
        _xml.sub(el, q("TotalAcceptedAmount"), str(result.total_accepted.cents))
    return el


def _read_df_result(el: _xml.Element) -> RecoveryResult:
    suffix = _xml.opt_int(el, q("Suffix"))
    if suffix is None:
        raise ResponseError("a form result lacks its Suffix")
    try:
        evaluation = Evaluation(_xml.req_text(el, q("Evaluation")))
    except ValueError:
        raise ResponseError("unknown Evaluation code in the answer") from None
    total = _xml.opt_int(el, q("TotalAcceptedAmount"))
    return RecoveryResult(
        attest_id=_xml.req_text(el, q("UniqueAttestID")),
        reference_pod=_xml.req_text(el, q("ReferenceSPP_POD")),
        ssin=_xml.req_text(el, q("SSIN")),
        suffix=suffix,
        evaluation=evaluation,
        reference_date=_xml.opt_date(el, q("ReferenceDate")),
        errors=tuple(
            FormError(_xml.req_text(err, qc("Code")),
                      tuple((d.text or "").strip() for d in err.iterfind(qc("Description"))))
            for err in el.iterfind(q("ErrorsOnForm"))
        ),
        total_accepted=Money.from_cents(total) if total is not None else None,
    )


def read_df_results(reply: _xml.Element) -> tuple[RecoveryResult, ...]:
    """The ``DecisionResultDF`` elements of a D/F reply; at least one is required."""
    found = tuple(_read_df_result(el) for el in reply.iterfind(q("DecisionResultDF")))
    if not found:
        raise ResponseError("the answer lacks the required element L65_DF_DecisionReply/"
                            "DecisionResultDF")
    return found
