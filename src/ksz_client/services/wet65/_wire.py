"""The Law of 1965 decision forms on the wire: payloads <-> models, both directions.

Two namespaces, as in the official contract: the forms in
``…/OCMW_CPAS/LoiWet65``, the shared elements (FileIdentification) and types
in ``…/OCMW_CPAS/LoiWet65Common``. Every element is qualified.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from dataclasses import dataclass
from typing import Final

from lxml import etree

from ksz_client import _xml, catalogue
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client.services.wet65.models import (
    AcceptedShare,
    ActivationAmounts,
    Art60p7,
    BeneficiaryRef,
    BirthAllowanceAmount,
    Cancellation,
    CareRefund,
    ChildAllowanceAmount,
    DecisionOnAmounts,
    DeliveredAmounts,
    Duration,
    Evaluation,
    FileIdentification,
    FinancialAidAmount,
    FormError,
    FormResult,
    Gender,
    HospitalBill,
    Identification,
    IndividualDecision,
    MonthlyRefund,
    PrimaryBeneficiary,
    Recovery,
    RecoveryResult,
    RefundedAid,
    RefundRequest,
    RefundResult,
    RequestedAid,
    SecondaryBeneficiary,
    SocialAid,
)
from ksz_client.types import Address, Money, Month, PartialDate, PersonName

__all__ = [
    "COMMON",
    "C_REPLY",
    "DF_REPLY",
    "NS",
    "ABRequest",
    "DFRequest",
    "q",
    "qc",
    "read_ab_forms",
    "read_ab_request",
    "read_ab_results",
    "read_c_request",
    "read_df_forms",
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


def _request_file(payload: _xml.Element) -> FileIdentification:
    """The FileIdentification of a request (the sandbox's side): a `ValidationError`,
    not a `ResponseError`, when it is missing or unreadable."""
    if payload.find(qc("FileIdentification")) is None:
        raise ValidationError("mandatory argument missing: FileIdentification")
    try:
        return read_file(payload)
    except ResponseError as exc:
        raise ValidationError(str(exc)) from None


def read_c_request(
    payload: _xml.Element,
) -> tuple[FileIdentification, list[tuple[str, Cancellation]]]:
    """The file and (SSIN, form) pairs of a C request (the sandbox's side)."""
    file = _request_file(payload)
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
                     form: RefundRequest | None, *, identification: Identification | None = None,
                     individual: tuple[IndividualDecision, ...] = ()) -> None:
    """Fill ``L65_AB_DecisionRequest``: form A, form B1 (the refund request), forms B2.

    In the contract's order; `ssin` is the primary beneficiary's (a B2 form
    names its own when it is a secondary beneficiary's).
    """
    write_file(payload, file)
    if identification is not None:
        _write_identification(payload, ssin, identification)
    if form is not None:
        _write_b1(payload, ssin, form)
    for decision in individual:
        _write_b2(payload, ssin, decision)


def _write_b1(payload: _xml.Element, ssin: str, form: RefundRequest) -> None:
    b1 = _xml.sub(payload, q("CommonDecisionB1"))
    _xml.sub(b1, q("EntryDate"), form.entry_date.isoformat())
    _xml.sub(b1, q("UniqueAttestID"), form.attest_id)
    primary = _xml.sub(b1, q("IdentificationPrimaryBeneficiary"))
    _xml.sub(primary, q("SSIN"), ssin)
    for other in form.secondary:
        el = _xml.sub(b1, q("IdentificationSecondaryBeneficiary"))
        _xml.sub(el, q("SSIN"), other.ssin)
        _xml.sub(el, q("Suffix"), str(other.suffix))
    aids = _xml.sub(b1, q("RequestedAids"))
    for aid in RequestedAid:  # the schema's order
        if aid in form.aids:
            _flag(aids, aid.value, True)
    _write_social_aid(b1, "PrimaryBeneficiaryAids", form.primary_aids)
    _write_social_aid(b1, "PartnerAids", form.partner_aids)
    if (form.category, form.rn_rr_inscription, form.housing_provision) != (None, None, None):
        situation = _xml.sub(b1, q("Situation"))
        _opt(situation, q("RN_RR_Inscription"), form.rn_rr_inscription)
        if form.housing_provision is not None:
            housing = _xml.sub(situation, q("HousingProvision"), form.housing_provision)
            if form.housing_proofs_provided is not None:
                housing.set("ProvesProvided", "true" if form.housing_proofs_provided else "false")
        _opt(situation, q("Category"), form.category)
    _write_duration(b1, form.duration)
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
    file = _request_file(payload)
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
    housing = b1.find(f"{q('Situation')}/{q('HousingProvision')}")
    proofs = housing.get("ProvesProvided") if housing is not None else None
    secondary = tuple(BeneficiaryRef(_text(el, "SSIN"), _int(el, "Suffix"))
                      for el in b1.iterfind(q("IdentificationSecondaryBeneficiary")))
    form = RefundRequest(
        attest_id=_text(b1, "UniqueAttestID"),
        entry_date=_date(b1, "EntryDate"),
        decision_date=_date(b1, "DecisionDate"),
        aids=aids,
        duration=_read_duration(b1),
        juridical_procedure=_bool(_text(b1, "JuridicalProcedure"), "JuridicalProcedure"),
        category=_xml.opt_text(b1, f"{q('Situation')}/{q('Category')}"),
        secondary=secondary,
        primary_aids=_read_social_aid(b1, "PrimaryBeneficiaryAids"),
        partner_aids=_read_social_aid(b1, "PartnerAids"),
        rn_rr_inscription=_xml.opt_text(b1, f"{q('Situation')}/{q('RN_RR_Inscription')}"),
        housing_provision=(housing.text or "").strip() if housing is not None else None,
        housing_proofs_provided=_bool(proofs, "ProvesProvided") if proofs is not None else None,
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
                     forms: tuple[Recovery, ...], *, monthly: MonthlyRefund | None = None,
                     care: tuple[CareRefund, ...] = ()) -> None:
    """Fill ``L65_DF_DecisionRequest``: form D1, forms D2, forms F (amounts in euro cents)."""
    write_file(payload, file)
    if monthly is not None:
        _write_d1(payload, ssin, monthly)
    for refund in care:
        _write_d2(payload, ssin, refund)
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
    file = _request_file(payload)
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
    _opt(el, q("ReferenceMonth"), result.month)
    _opt(el, q("EntryDate"), result.entry_date)
    if result.reference_date is not None:
        _xml.sub(el, q("ReferenceDate"), result.reference_date.isoformat())
    _xml.sub(el, q("UniqueAttestID"), result.attest_id)
    _xml.sub(el, q("ReferenceSPP_POD"), result.reference_pod)
    _xml.sub(el, q("SSIN"), result.ssin)
    _xml.sub(el, q("Suffix"), str(result.suffix))
    _xml.sub(el, q("Evaluation"), result.evaluation.value)
    _opt(el, q("ManualVerificationCode"), result.manual_verification)
    for error in result.errors:
        err = _xml.sub(el, q("ErrorsOnForm"))
        _xml.sub(err, qc("Code"), error.code)
        for text in error.descriptions:
            _xml.sub(err, qc("Description"), text)
    if result.decision is not None:
        _write_decision(el, result.decision)
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
    month = _xml.opt_text(el, q("ReferenceMonth"))
    try:
        reference_month = Month.parse(month) if month is not None else None
    except ValidationError:
        raise ResponseError("the ReferenceMonth cannot be read") from None
    verification = _xml.opt_text(el, q("ManualVerificationCode"))
    decision = el.find(q("DecisionOnAmounts"))
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
        month=reference_month,
        entry_date=_xml.opt_date(el, q("EntryDate")),
        manual_verification=_xml.opt_bool(verification) if verification is not None else None,
        decision=_read_decision(decision) if decision is not None else None,
    )


def read_df_results(reply: _xml.Element) -> tuple[RecoveryResult, ...]:
    """The ``DecisionResultDF`` elements of a D/F reply; at least one is required."""
    found = tuple(_read_df_result(el) for el in reply.iterfind(q("DecisionResultDF")))
    if not found:
        raise ResponseError("the answer lacks the required element L65_DF_DecisionReply/"
                            "DecisionResultDF")
    return found


# --- form A, B1's other parts, B2 ----------------------------------------------------------


def _opt(parent: _xml.Element, tag: str, value: object) -> None:
    """Write `tag` when `value` is given: booleans as true/false, Money as whole cents."""
    if value is None:
        return
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, Money):
        text = str(value.cents)
    elif isinstance(value, _dt.date | PartialDate | Month):
        text = value.isoformat() if not isinstance(value, Month) else str(value)
    else:
        text = str(value)
    _xml.sub(parent, tag, text)


def _write_beneficiary_id(parent: _xml.Element, ssin: str, name: PersonName | None,
                          birth_date: PartialDate | None) -> None:
    el = _xml.sub(parent, qc("BeneficiaryID"))
    _xml.sub(el, qc("SSIN"), ssin)
    if name is not None:
        _xml.sub(el, qc("Name"), name.last_name)
        if name.given_names:
            _xml.sub(el, qc("Firstname"), " ".join(name.given_names))
    _opt(el, qc("BirthDate"), birth_date)


def _write_identification(payload: _xml.Element, ssin: str, form: Identification) -> None:
    a = _xml.sub(payload, q("IdentificationA"))
    _xml.sub(a, q("EntryDate"), form.entry_date.isoformat())
    _xml.sub(a, q("UniqueAttestID"), form.attest_id)
    person = form.primary
    primary = _xml.sub(a, q("PrimaryBeneficiary"))
    _write_beneficiary_id(primary, ssin, person.name, person.birth_date)
    _xml.sub(primary, q("Status"), person.status)
    address = _xml.sub(primary, qc("Address"))
    _xml.sub(address, qc("Street"), person.address.street)
    _opt(address, qc("HouseNumber"), person.address.house_number)
    _opt(address, qc("Box"), person.address.box)
    _xml.sub(address, qc("PostalCode"), person.address.postal_code)
    _opt(primary, q("Institution"), person.institution)
    _xml.sub(primary, q("Nationality"), str(person.nationality))
    _opt(primary, q("Gender"), person.gender.value if person.gender else None)
    _opt(primary, q("RealLifeSituation"), person.real_life_situation)
    _opt(primary, q("FirstInscriptionInBelgium"), person.first_inscription)
    _opt(primary, q("UninterruptedStay"), person.uninterrupted_stay)
    for other in form.secondary:
        el = _xml.sub(a, q("SecondaryBeneficiary"))
        _write_beneficiary_id(el, other.ssin, other.name, other.birth_date)
        _xml.sub(el, q("Suffix"), str(other.suffix))
        _xml.sub(el, q("Status"), other.status)
        _xml.sub(el, q("Nationality"), str(other.nationality))
        _xml.sub(el, q("PrimaryBeneficiaryRelation"), other.relation)


def _write_social_aid(parent: _xml.Element, tag: str, aid: SocialAid | None) -> None:
    if aid is None:
        return
    el = _xml.sub(parent, q(tag))
    if aid.art60p7 is not None:
        art = _xml.sub(el, qc("Art60p7"))
        _xml.sub(art, qc("Type"), aid.art60p7.type)
        _xml.sub(art, qc("Schedule"), aid.art60p7.schedule)
        _xml.sub(art, qc("WorkPlace"), aid.art60p7.workplace)
    _opt(el, qc("Art61"), aid.art61)
    _opt(el, qc("ActivationType"), aid.activation_type)
    _opt(el, qc("PartnerConvention"), aid.partner_convention)
    _opt(el, qc("Alimony"), aid.alimony)


def _write_b2(payload: _xml.Element, ssin: str, form: IndividualDecision) -> None:
    el = _xml.sub(payload, q("IndividualDecisionsB2"))
    _xml.sub(el, q("EntryDate"), form.entry_date.isoformat())
    _xml.sub(el, q("UniqueAttestID"), form.attest_id)
    _xml.sub(el, q("SSIN"), form.ssin or ssin)
    _xml.sub(el, q("Suffix"), str(form.suffix))
    decision = _xml.sub(el, q("DecisionB2"))
    _xml.sub(decision, qc("DecisionDate"), form.decision_date.isoformat())
    _write_duration(decision, form.duration)
    _opt(decision, qc("AmbulantMedicalAndPharmaceuticalCosts"), form.ambulant_costs)
    _opt(decision, qc("HospitalizationCosts"), form.hospitalization_costs)
    _opt(decision, qc("RN_RR_Inscription"), form.rn_rr_inscription)
    _opt(decision, qc("JuridicalProcedure"), form.juridical_procedure)


def _write_duration(parent: _xml.Element, duration: Duration) -> None:
    el = _xml.sub(parent, qc("Duration"))
    for name, value in (("Days", duration.days), ("Weeks", duration.weeks),
                        ("Months", duration.months)):
        _opt(el, qc(name), value)


def _read_duration(parent: _xml.Element) -> Duration:
    el = parent.find(qc("Duration"))
    if el is None:
        raise ValidationError("mandatory argument missing: Duration")
    return Duration(_opt_int(el, qc("Days")), _opt_int(el, qc("Weeks")),
                    _opt_int(el, qc("Months")))


def _opt_flag(el: _xml.Element, tag: str) -> bool | None:
    value = _xml.opt_text(el, tag)
    return None if value is None else _bool(value, etree.QName(tag).localname)


def _whole(el: _xml.Element | None, tag: str, what: str = "an amount") -> int | None:
    value = _xml.opt_text(el, tag) if el is not None else None
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationError(f"{what} is a whole number") from None


def _cents(el: _xml.Element | None, tag: str) -> Money | None:
    value = _whole(el, tag, "an amount (euro cents)")
    return None if value is None else Money.from_cents(value)


def _read_beneficiary_id(parent: _xml.Element) -> tuple[str, PersonName | None,
                                                          PartialDate | None]:
    el = parent.find(qc("BeneficiaryID"))
    if el is None:
        raise ValidationError("mandatory argument missing: BeneficiaryID")
    ssin = _xml.opt_text(el, qc("SSIN"))
    if ssin is None:
        raise ValidationError("mandatory argument missing: BeneficiaryID/SSIN")
    last = _xml.opt_text(el, qc("Name"))
    first = _xml.opt_text(el, qc("Firstname"))
    name = PersonName(last, tuple(first.split())) if last is not None and first else (
        PersonName(last) if last is not None else None)
    born = _xml.opt_text(el, qc("BirthDate"))
    return ssin, name, PartialDate.parse(born) if born is not None else None


def _int(el: _xml.Element, *names: str) -> int:
    value = _text(el, *names)
    try:
        return int(value)
    except ValueError:
        raise ValidationError(f"{names[-1]} is not a number") from None


def _read_identification(a: _xml.Element) -> tuple[str, Identification]:
    primary_el = a.find(q("PrimaryBeneficiary"))
    if primary_el is None:
        raise ValidationError("mandatory argument missing: PrimaryBeneficiary")
    ssin, name, born = _read_beneficiary_id(primary_el)
    address_el = primary_el.find(qc("Address"))
    if address_el is None:
        raise ValidationError("mandatory argument missing: Address")
    gender = _xml.opt_text(primary_el, q("Gender"))
    first_inscription = _xml.opt_text(primary_el, q("FirstInscriptionInBelgium"))
    try:
        primary = PrimaryBeneficiary(
            status=_text(primary_el, "Status"),
            address=Address(street=_xml.opt_text(address_el, qc("Street")),
                            house_number=_xml.opt_text(address_el, qc("HouseNumber")),
                            box=_xml.opt_text(address_el, qc("Box")),
                            postal_code=_xml.opt_text(address_el, qc("PostalCode"))),
            nationality=_int(primary_el, "Nationality"),
            name=name, birth_date=born,
            institution=_xml.opt_text(primary_el, q("Institution")),
            gender=Gender(gender) if gender is not None else None,
            real_life_situation=_xml.opt_text(primary_el, q("RealLifeSituation")),
            first_inscription=(_dt.date.fromisoformat(first_inscription)
                               if first_inscription is not None else None),
            uninterrupted_stay=_xml.opt_text(primary_el, q("UninterruptedStay")),
        )
    except ValueError as exc:  # ValidationError is a ValueError too
        raise ValidationError(f"form A cannot be read ({exc})") from None
    secondary = []
    for el in a.iterfind(q("SecondaryBeneficiary")):
        other, other_name, other_born = _read_beneficiary_id(el)
        secondary.append(SecondaryBeneficiary(
            ssin=other, suffix=_int(el, "Suffix"), status=_text(el, "Status"),
            nationality=_int(el, "Nationality"), relation=_text(el, "PrimaryBeneficiaryRelation"),
            name=other_name, birth_date=other_born))
    return ssin, Identification(attest_id=_text(a, "UniqueAttestID"),
                                entry_date=_date(a, "EntryDate"), primary=primary,
                                secondary=tuple(secondary))


def _read_social_aid(parent: _xml.Element, tag: str) -> SocialAid | None:
    el = parent.find(q(tag))
    if el is None:
        return None
    art = el.find(qc("Art60p7"))
    return SocialAid(
        art60p7=Art60p7(_xml.opt_text(art, qc("Type")) or "",
                        _xml.opt_text(art, qc("Schedule")) or "",
                        _xml.opt_text(art, qc("WorkPlace")) or "") if art is not None else None,
        art61=_opt_flag(el, qc("Art61")),
        activation_type=_xml.opt_text(el, qc("ActivationType")),
        partner_convention=_xml.opt_text(el, qc("PartnerConvention")),
        alimony=_opt_flag(el, qc("Alimony")),
    )


def _read_b2(el: _xml.Element) -> IndividualDecision:
    decision = el.find(q("DecisionB2"))
    if decision is None:
        raise ValidationError("mandatory argument missing: DecisionB2")
    decided = _xml.opt_text(decision, qc("DecisionDate"))
    if decided is None:
        raise ValidationError("mandatory argument missing: DecisionB2/DecisionDate")
    try:
        decision_date = _dt.date.fromisoformat(decided)
    except ValueError:
        raise ValidationError("DecisionDate is not a date") from None
    return IndividualDecision(
        attest_id=_text(el, "UniqueAttestID"), entry_date=_date(el, "EntryDate"),
        decision_date=decision_date, duration=_read_duration(decision),
        suffix=_int(el, "Suffix"), ssin=_text(el, "SSIN"),
        ambulant_costs=_opt_flag(decision, qc("AmbulantMedicalAndPharmaceuticalCosts")),
        hospitalization_costs=_opt_flag(decision, qc("HospitalizationCosts")),
        rn_rr_inscription=_xml.opt_text(decision, qc("RN_RR_Inscription")),
        juridical_procedure=_opt_flag(decision, qc("JuridicalProcedure")),
    )


@dataclass(frozen=True)
class ABRequest:
    """What an A/B request holds (the sandbox's side): the file, the person and the forms."""

    file: FileIdentification
    ssin: str
    identification: Identification | None
    refund: RefundRequest | None
    individual: tuple[IndividualDecision, ...]

    @property
    def attest_ids(self) -> tuple[str, ...]:
        """The UniqueAttestIDs of its forms, each once, in order."""
        ids = [f.attest_id for f in (self.identification, self.refund) if f is not None]
        ids += [f.attest_id for f in self.individual]
        return tuple(dict.fromkeys(ids))


def read_ab_forms(payload: _xml.Element) -> ABRequest:
    """Every form of an A/B request (the sandbox's side); ValidationError when unreadable."""
    file = _request_file(payload)
    ssins: list[str] = []
    identification = None
    a = payload.find(q("IdentificationA"))
    if a is not None:
        ssin, identification = _read_identification(a)
        ssins.append(ssin)
    refund = None
    if payload.find(q("CommonDecisionB1")) is not None:
        _, ssin, refund = read_ab_request(payload)
        ssins.append(ssin)
    individual = tuple(_read_b2(el) for el in payload.iterfind(q("IndividualDecisionsB2")))
    ssins += [f.ssin or "" for f in individual if f.suffix == 0]
    if not ssins and individual:
        ssins.append(individual[0].ssin or "")
    if not ssins:
        raise ValidationError("mandatory argument missing: IdentificationA, CommonDecisionB1 "
                              "or IndividualDecisionsB2")
    if len(set(ssins)) != 1:
        raise ValidationError("the forms of one request are about one primary beneficiary")
    return ABRequest(file, ssins[0], identification, refund, individual)


# --- forms D1 and D2, DecisionOnAmounts ----------------------------------------------------


def _write_activation(parent: _xml.Element, tag: str, aids: ActivationAmounts | None) -> None:
    if aids is None:
        return
    el = _xml.sub(parent, q(tag))
    for name, amount in (("Art60p7Amount", aids.art60p7), ("Art61Amount", aids.art61),
                         ("ActivationAmount", aids.activation),
                         ("PartnerconventionAmount", aids.partner_convention),
                         ("AlimonyAmount", aids.alimony)):
        _opt(el, q(name), amount)
    if aids.social_economy_initiative is not None or aids.social_economy_days is not None:
        economy = _xml.sub(el, q("SocialEconomy"))
        _opt(economy, q("Initiative"), aids.social_economy_initiative)
        _opt(economy, q("Days"), aids.social_economy_days)


def _read_activation(parent: _xml.Element, tag: str) -> ActivationAmounts | None:
    el = parent.find(q(tag))
    if el is None:
        return None
    economy = el.find(q("SocialEconomy"))
    return ActivationAmounts(
        art60p7=_cents(el, q("Art60p7Amount")), art61=_cents(el, q("Art61Amount")),
        activation=_cents(el, q("ActivationAmount")),
        partner_convention=_cents(el, q("PartnerconventionAmount")),
        alimony=_cents(el, q("AlimonyAmount")),
        social_economy_initiative=_whole(economy, q("Initiative")),
        social_economy_days=_whole(economy, q("Days")),
    )


_SIMPLE_D1: Final = (
    ("MutBaseContributionAmount", "mut_base_contribution"),
    ("MutComplementaryContributionAmount", "mut_complementary_contribution"),
    ("MutRegularizationAmount", "mut_regularization"),
    ("RepatriationCostsAmount", "repatriation"),
    ("PlacementCostsAmount", "placement"),
    ("HousingCostsAmount", "housing"),
)


def _write_d1(payload: _xml.Element, ssin: str, form: MonthlyRefund) -> None:
    el = _xml.sub(payload, q("RefundformD1"))
    _xml.sub(el, q("ReferenceMonth"), str(form.month))
    _xml.sub(el, q("UniqueAttestID"), form.attest_id)
    _xml.sub(el, q("SSIN"), ssin)
    paid = form.delivered
    amounts = _xml.sub(el, q("DeliveredAmountsD1"))
    if paid.financial is not None:
        financial = _xml.sub(amounts, q("FinancialAid"))
        _opt(financial, q("Amount"), paid.financial.amount)
        _opt(financial, q("MonthlyIncome"), paid.financial.monthly_income)
    for amount in paid.medical:
        _opt(amounts, q("MedicalCostsAmount"), amount)
    for amount in paid.pharmaceutical:
        _opt(amounts, q("PharmaceuticalCostsAmount"), amount)
    for tag, name in _SIMPLE_D1:
        _opt(amounts, q(tag), getattr(paid, name))
    if paid.birth_allowance is not None:
        birth = _xml.sub(amounts, q("BirthAllowance"))
        _opt(birth, q("Amount"), paid.birth_allowance.amount)
        _opt(birth, q("BirthDate"), paid.birth_allowance.birth_date)
        _opt(birth, q("NumberOfLivingChildren"), paid.birth_allowance.living_children)
        _opt(birth, q("NumberOfStillbornChildren"), paid.birth_allowance.stillborn_children)
    if paid.child_allowance is not None:
        child = _xml.sub(amounts, q("GuaranteedChildAllowance"))
        _opt(child, q("Amount"), paid.child_allowance.amount)
        _opt(child, q("NumberOfChildren"), paid.child_allowance.children)
    _opt(amounts, q("OtherRequestedAids"), paid.other)
    _opt(amounts, q("DoubleMaximum"), paid.double_maximum)
    _write_activation(el, "PrimaryBeneficiaryAids", form.primary_aids)
    _write_activation(el, "PartnerAids", form.partner_aids)
    _opt(el, q("HealthServiceRegistrationStartingDate"), form.health_service_registration)
    _opt(el, q("TotalAmount"), form.total)
    _opt(el, q("JuridicalProcedure"), form.juridical_procedure)


def _opt_day(el: _xml.Element | None, tag: str) -> _dt.date | None:
    value = _xml.opt_text(el, tag) if el is not None else None
    if value is None:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{etree.QName(tag).localname} is not a date") from None


def _required_cents(el: _xml.Element, name: str) -> Money:
    amount = _cents(el, q(name))
    if amount is None:
        raise ValidationError(f"mandatory argument missing: {name}")
    return amount


def _read_d1(el: _xml.Element) -> tuple[str, MonthlyRefund]:
    amounts = el.find(q("DeliveredAmountsD1"))
    if amounts is None:
        raise ValidationError("mandatory argument missing: DeliveredAmountsD1")
    financial = amounts.find(q("FinancialAid"))
    birth = amounts.find(q("BirthAllowance"))
    child = amounts.find(q("GuaranteedChildAllowance"))
    double = _opt_flag(amounts, q("DoubleMaximum"))
    if double is None:
        raise ValidationError("mandatory argument missing: DoubleMaximum")
    delivered = DeliveredAmounts(
        double_maximum=double,
        financial=FinancialAidAmount(_cents(financial, q("Amount")),
                                     _cents(financial, q("MonthlyIncome")))
        if financial is not None else None,
        medical=tuple(Money.from_cents(_whole_text(e)) for e in
                      amounts.iterfind(q("MedicalCostsAmount"))),
        pharmaceutical=tuple(Money.from_cents(_whole_text(e)) for e in
                             amounts.iterfind(q("PharmaceuticalCostsAmount"))),
        birth_allowance=BirthAllowanceAmount(
            _cents(birth, q("Amount")), _opt_day(birth, q("BirthDate")),
            _whole(birth, q("NumberOfLivingChildren")),
            _whole(birth, q("NumberOfStillbornChildren"))) if birth is not None else None,
        child_allowance=ChildAllowanceAmount(
            _cents(child, q("Amount")), _whole(child, q("NumberOfChildren")))
        if child is not None else None,
        other=_cents(amounts, q("OtherRequestedAids")),
        **{name: _cents(amounts, q(tag)) for tag, name in _SIMPLE_D1},
    )
    try:
        month = Month.parse(_text(el, "ReferenceMonth"))
    except ValidationError:
        raise ValidationError("ReferenceMonth is not a month") from None
    return _text(el, "SSIN"), MonthlyRefund(
        attest_id=_text(el, "UniqueAttestID"), month=month, delivered=delivered,
        total=_required_cents(el, "TotalAmount"),
        primary_aids=_read_activation(el, "PrimaryBeneficiaryAids"),
        partner_aids=_read_activation(el, "PartnerAids"),
        health_service_registration=_opt_day(el, q("HealthServiceRegistrationStartingDate")),
        juridical_procedure=_opt_flag(el, q("JuridicalProcedure")),
    )


def _whole_text(el: _xml.Element) -> int:
    try:
        return int((el.text or "").strip())
    except ValueError:
        raise ValidationError("an amount (euro cents) is a whole number") from None


def _write_d2(payload: _xml.Element, ssin: str, form: CareRefund) -> None:
    el = _xml.sub(payload, q("RefundFormD2"))
    _xml.sub(el, q("EntryDate"), form.entry_date.isoformat())
    _xml.sub(el, q("UniqueAttestID"), form.attest_id)
    _xml.sub(el, q("SSIN"), form.ssin or ssin)
    _xml.sub(el, q("Suffix"), str(form.suffix))
    institution = _xml.sub(el, q("IdentificationCareProvidingInstitution"))
    _xml.sub(institution, q("INAMIRIZIVRegistrationNumber"), str(form.riziv_number))
    _opt(institution, q("KBOBCE"), form.cbe_number)
    amounts = _xml.sub(el, q("DeliveredAmountsD2"))
    for bill in form.bills:
        b = _xml.sub(amounts, q("HospitalizationcostsBill"))
        _xml.sub(b, q("Number"), bill.number)
        _xml.sub(b, q("Year"), f"{bill.year:04d}")
        _opt(b, q("Amount"), bill.amount)
    _opt(amounts, q("HospitalizationCostsRemainingAmount"), form.remaining_hospital_costs)
    if form.ambulant_medical is not None or form.ambulant_pharmaceutical is not None:
        ambulant = _xml.sub(amounts, q("AmbultantCosts"))
        _opt(ambulant, q("MedicalcostsAmount"), form.ambulant_medical)
        _opt(ambulant, q("PharmaceuticalCostsAmount"), form.ambulant_pharmaceutical)
    _opt(el, q("HealthServiceRegistrationStartingDate"), form.health_service_registration)
    _opt(el, q("TotalAmount"), form.total)
    _opt(el, q("JuridicalProcedure"), form.juridical_procedure)


def _read_d2(el: _xml.Element) -> CareRefund:
    institution = el.find(q("IdentificationCareProvidingInstitution"))
    amounts = el.find(q("DeliveredAmountsD2"))
    if institution is None or amounts is None:
        raise ValidationError("mandatory argument missing: IdentificationCareProvidingInstitution"
                              " or DeliveredAmountsD2")
    ambulant = amounts.find(q("AmbultantCosts"))
    return CareRefund(
        attest_id=_text(el, "UniqueAttestID"), entry_date=_date(el, "EntryDate"),
        riziv_number=_int(institution, "INAMIRIZIVRegistrationNumber"),
        total=_required_cents(el, "TotalAmount"), suffix=_int(el, "Suffix"),
        ssin=_text(el, "SSIN"), cbe_number=_whole(institution, q("KBOBCE")),
        bills=tuple(HospitalBill(_text(b, "Number"), _int(b, "Year"),
                                 _required_cents(b, "Amount"))
                    for b in amounts.iterfind(q("HospitalizationcostsBill"))),
        remaining_hospital_costs=_cents(amounts, q("HospitalizationCostsRemainingAmount")),
        ambulant_medical=_cents(ambulant, q("MedicalcostsAmount")),
        ambulant_pharmaceutical=_cents(ambulant, q("PharmaceuticalCostsAmount")),
        health_service_registration=_opt_day(el, q("HealthServiceRegistrationStartingDate")),
        juridical_procedure=_opt_flag(el, q("JuridicalProcedure")),
    )


@dataclass(frozen=True)
class DFRequest:
    """What a D/F request holds (the sandbox's side)."""

    file: FileIdentification
    monthly: tuple[str, MonthlyRefund] | None
    """(SSIN, form D1)."""
    care: tuple[CareRefund, ...]
    recoveries: list[tuple[str, Recovery]]


def read_df_forms(payload: _xml.Element) -> DFRequest:
    """Every form of a D/F request (the sandbox's side); ValidationError when unreadable."""
    file, recoveries = read_df_request(payload)
    d1 = payload.find(q("RefundformD1"))
    return DFRequest(file, _read_d1(d1) if d1 is not None else None,
                     tuple(_read_d2(el) for el in payload.iterfind(q("RefundFormD2"))),
                     recoveries)


_SHARES: Final = (
    ("FinancialAid", "financial"), ("MedicalCosts", "medical"),
    ("PharmaceuticalCosts", "pharmaceutical"), ("MutBaseContribution", "mut_base_contribution"),
    ("MutComplementaryContribution", "mut_complementary_contribution"),
    ("MutRegularization", "mut_regularization"), ("RapatriationCosts", "repatriation"),
    ("PlacementCosts", "placement"), ("HousingCosts", "housing"),
    ("BirthAllowance", "birth_allowance"), ("GuaranteedChildAllowance", "child_allowance"),
)


def _write_share(parent: _xml.Element, tag: str, share: AcceptedShare | None) -> None:
    if share is None:
        return
    el = _xml.sub(parent, q(tag))
    _xml.sub(el, qc("AcceptedAmount"), str(share.amount.cents))
    _xml.sub(el, qc("Percentage"), str(share.percentage))


def _read_share(parent: _xml.Element, tag: str) -> AcceptedShare | None:
    el = parent.find(q(tag))
    if el is None:
        return None
    amount = _xml.opt_int(el, qc("AcceptedAmount"))
    percentage = _xml.opt_int(el, qc("Percentage"))
    if amount is None or percentage is None:
        raise ResponseError(f"{tag} lacks its AcceptedAmount or Percentage")
    return AcceptedShare(Money.from_cents(amount), percentage)


def _write_decision(parent: _xml.Element, decision: DecisionOnAmounts) -> None:
    el = _xml.sub(parent, q("DecisionOnAmounts"))
    for tag, name in _SHARES:
        _write_share(el, tag, getattr(decision, name))
    for number, amount in decision.bills:
        bill = _xml.sub(el, q("HospitalizationcostsBill"))
        _xml.sub(bill, q("Number"), number)
        _xml.sub(bill, q("Amount"), str(amount.cents))
    _opt(el, q("HospitalizationCostsRemainingAmount"), decision.remaining_hospital_costs)
    if decision.ambulant_medical is not None or decision.ambulant_pharmaceutical is not None:
        ambulant = _xml.sub(el, q("AmbultantCosts"))
        _opt(ambulant, q("MedicalcostsAmount"), decision.ambulant_medical)
        _opt(ambulant, q("PharmaceuticalCostsAmount"), decision.ambulant_pharmaceutical)
    for tag, aids in (("PrimaryBeneficiaryAids", decision.primary_aids),
                      ("PartnerAids", decision.partner_aids)):
        # The reply's activation amounts have no SocialEconomy: that stays on the form.
        if aids is not None:
            _write_activation(el, tag, dataclasses.replace(
                aids, social_economy_initiative=None, social_economy_days=None))
    _write_share(el, "OtherRequestedAids", decision.other)


def _read_decision(el: _xml.Element) -> DecisionOnAmounts:
    try:
        ambulant = el.find(q("AmbultantCosts"))
        return DecisionOnAmounts(
            bills=tuple((_text(b, "Number"), _required_cents(b, "Amount"))
                        for b in el.iterfind(q("HospitalizationcostsBill"))),
            remaining_hospital_costs=_cents(el, q("HospitalizationCostsRemainingAmount")),
            ambulant_medical=_cents(ambulant, q("MedicalcostsAmount")),
            ambulant_pharmaceutical=_cents(ambulant, q("PharmaceuticalCostsAmount")),
            primary_aids=_read_activation(el, "PrimaryBeneficiaryAids"),
            partner_aids=_read_activation(el, "PartnerAids"),
            other=_read_share(el, "OtherRequestedAids"),
            **{name: _read_share(el, tag) for tag, name in _SHARES},
        )
    except ValidationError as exc:
        raise ResponseError(f"the DecisionOnAmounts cannot be read ({exc})") from None
