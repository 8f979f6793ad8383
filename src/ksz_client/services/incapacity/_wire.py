"""HdiIndemnityAllowance V1 on the wire: criteria, attests and indemnity periods <-> XML.

The client reads with the ``read_*`` functions, the sandbox writes with the
``write_*`` ones. Element names and order are those of the official contract;
each social risk's detail element has its own sequence (`_DETAILS`).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Final, TypeVar

from ksz_client import _xml
from ksz_client._exceptions import InvalidSsin, ResponseError, ValidationError
from ksz_client.services.incapacity.models import (
    ActivityCode,
    Allowance,
    AllowanceCategory,
    Attest,
    AttestationStatus,
    AttestIdentification,
    DocumentType,
    ExitCode,
    FamilySituation,
    IncapacityCategory,
    IndemnityPayment,
    IndemnityPeriod,
    Invalidity,
    InvalidityCategory,
    RiskDetail,
    SocialRiskCategory,
    SocialStatus,
)
from ksz_client.ssin import Ssin
from ksz_client.types import AnsweredSsin, Money, Period, Quarter

E = TypeVar("E", bound=Enum)

__all__ = [
    "read_answered_ssin",
    "read_attest",
    "read_criteria",
    "read_data_filters",
    "read_identification",
    "read_periods",
    "write_answered_ssin",
    "write_attest",
    "write_criteria",
    "write_periods",
]

R = SocialRiskCategory
_DETAIL_ELEMENT: Final = {
    R.GENERAL_INCAPACITY: "generalIncapacityForWork",
    R.INDEPENDENT_INCAPACITY: "independentIncapacityForWork",
    R.GENERAL_PREGNANCY: "generalPregnancy",
    R.INDEPENDENT_PREGNANCY: "independentPregnancy",
    R.GENERAL_BREASTFEEDING: "generalBreastFeeding",
    R.GENERAL_PATERNITY: "generalPaternity",
    R.GENERAL_ADOPTION: "generalAdoption",
    R.INDEPENDENT_ADOPTION: "independentAdoption",
    R.GENERAL_FOSTER_CARE: "generalFosterCare",
    R.INDEPENDENT_FOSTER_CARE: "independentFosterCare",
}
# The sequence of each detail type (socialStatus first, from SocialRiskDetailBaseType).
_INCAPACITY = ("socialStatus", "period", "exitCode", "invalidity", "initialStartDate")
_PREGNANCY = ("socialStatus", "period", "exitCode", "initialStartDate", "deliveryDate")
_DETAILS: Final = {
    "generalIncapacityForWork": (*_INCAPACITY, "activityCode"),
    "independentIncapacityForWork": _INCAPACITY,
    "generalPregnancy": (*_PREGNANCY, "supposedDeliveryDate", "activityCode"),
    "independentPregnancy": _PREGNANCY,
    "generalBreastFeeding": ("socialStatus", "deliveryDate", "initialStartDate"),
    "generalPaternity": ("socialStatus", "deliveryDate", "initialStartDate"),
    "generalAdoption": ("socialStatus", "adoptionDate", "initialStartDate"),
    "independentAdoption": ("socialStatus", "adoptionDate", "initialStartDate"),
    "generalFosterCare": ("socialStatus", "fosterCareDate", "initialStartDate"),
    "independentFosterCare": ("socialStatus", "fosterCareDate", "initialStartDate"),
}


# --- requests ----------------------------------------------------------------------


def write_criteria(payload: _xml.Element, ssin: str, quarter: Quarter) -> None:
    criteria = _xml.sub(payload, "criteria")
    _xml.sub(criteria, "ssin", ssin)
    _xml.sub(criteria, "yearQuarter", str(quarter))


def read_criteria(payload: _xml.Element) -> tuple[str, Quarter]:
    """The criteria of a request (the sandbox's side); a bad quarter is a ValidationError."""
    criteria = _xml.req(payload, "criteria")
    return _xml.req_text(criteria, "ssin"), Quarter.parse(_xml.req_text(criteria, "yearQuarter"))


# --- the SSIN the answer is about -----------------------------------------------------------


def _ssin(text: str) -> Ssin:
    try:
        return Ssin(text, allow_test=True)
    except InvalidSsin:
        raise ResponseError("the answer carries a malformed SSIN") from None


def read_answered_ssin(payload: _xml.Element) -> AnsweredSsin | None:
    """The response's ``ssin`` (SsinWithCanceledAndReplacedByStatusType), if present."""
    el = payload.find("ssin")
    if el is None or not (el.text or "").strip():
        return None
    replaced_by = el.get("replacedBy")
    return AnsweredSsin(
        ssin=_ssin((el.text or "").strip()),
        canceled=_xml.opt_bool(el.get("canceled")) or False,
        replaced_by=_ssin(replaced_by) if replaced_by else None,
    )


def write_answered_ssin(parent: _xml.Element, answered: AnsweredSsin) -> None:
    el = _xml.sub(parent, "ssin", str(answered.ssin))
    if answered.canceled:
        el.set("canceled", "true")
    if answered.replaced_by is not None:
        el.set("replacedBy", str(answered.replaced_by))


def read_data_filters(payload: _xml.Element) -> tuple[str, ...]:
    return tuple(t for t in (_xml.opt_text(f, "") for f in
                             payload.iterfind("dataFilters/filteredElement")) if t)


# --- small readers ---------------------------------------------------------------------------


def _code(cls: type[E], el: _xml.Element | None, path: str, convert: Callable[[str], object]
          ) -> E | None:
    text = _xml.opt_text(el, path)
    if text is None:
        return None
    try:
        return cls(convert(text))
    except ValueError:
        raise ResponseError(f"unknown {path} code in the answer") from None


def _period(el: _xml.Element | None) -> Period | None:
    if el is None:
        return None
    start = _xml.opt_date(el, "beginDate")
    if start is None:
        raise ResponseError("a period lacks its beginDate")
    try:
        return Period(start, _xml.opt_date(el, "endDate"))
    except ValidationError:
        raise ResponseError("a period ends before it starts") from None


def _req_period(el: _xml.Element, path: str) -> Period:
    period = _period(_xml.req(el, path))
    assert period is not None
    return period


def _write_period(parent: _xml.Element, tag: str, period: Period) -> None:
    el = _xml.sub(parent, tag)
    _xml.sub(el, "beginDate", period.start.isoformat())
    if period.end is not None:
        _xml.sub(el, "endDate", period.end.isoformat())


def _date(parent: _xml.Element, tag: str, value: _dt.date | None) -> None:
    if value is not None:
        _xml.sub(parent, tag, value.isoformat())


# --- identification ---------------------------------------------------------------------------


def read_identification(el: _xml.Element) -> AttestIdentification:
    try:
        quarter = Quarter.parse(_xml.req_text(el, "yearQuarter"))
    except ValidationError:
        raise ResponseError("the attest's yearQuarter is not YYYYQn") from None
    created = _xml.opt_date(el, "creationDate")
    if created is None:
        raise ResponseError("the attest lacks its creationDate")
    return AttestIdentification(
        quarter=quarter,
        created=created,
        attestation_id=_xml.opt_text(el, "attestationId"),
        version=_xml.opt_int(el, "attestationVersion"),
        attestation_status=_code(AttestationStatus, el, "attestationStatus", str),
    )


def _write_identification(parent: _xml.Element, ident: AttestIdentification) -> None:
    el = _xml.sub(parent, "attestationIdentification")
    _xml.sub(el, "yearQuarter", str(ident.quarter))
    _xml.sub(el, "creationDate", ident.created.isoformat())
    if ident.temporary:
        _xml.sub(el, "temporaryAttest")
        return
    assert ident.attestation_id is not None
    _xml.sub(el, "attestationId", ident.attestation_id)
    _xml.sub(el, "attestationVersion", str(ident.version or 0))
    status = ident.attestation_status or AttestationStatus.CREATION
    _xml.sub(el, "attestationStatus", status.value)


# --- payments --------------------------------------------------------------------------------


def _read_payment(el: _xml.Element) -> IndemnityPayment:
    amount = _xml.opt_text(el, "amount")
    hours = _xml.opt_text(el, "hours")
    try:
        money = _euro(amount) if amount is not None else None
        worked = Decimal(hours) if hours is not None else None
    except (ValueError, InvalidOperation):
        raise ResponseError("a payment's amount or hours is not a number") from None
    if worked is not None and not worked.is_finite():
        raise ResponseError("a payment's amount or hours is not a number")
    return IndemnityPayment(
        period=_req_period(el, "period"),
        amount=money,
        days=_xml.opt_int(el, "days"),
        hours=worked,
        document=_code(DocumentType, el, "document", str),
        incapacity_category=_code(IncapacityCategory, el, "incapacityCategory", int),
        family_situation=_code(FamilySituation, el, "familySituation", str),
        allowance_category=_code(AllowanceCategory, el, "allowanceCategory", int),
        allowance_code=_xml.opt_text(el, "allowanceCode"),
    )


def _euro(text: str) -> Money:
    # xs:decimal with at most two decimals (EuroAmountType); never through a float.
    amount = Decimal(text)
    cents = amount * 100
    if not amount.is_finite() or cents != cents.to_integral_value():
        raise ValueError("not an amount in euro")
    return Money(int(cents))


def _read_payments(parent: _xml.Element) -> tuple[IndemnityPayment, ...]:
    return tuple(_read_payment(p) for p in parent.iterfind("payments/payment"))


def _write_payments(parent: _xml.Element, payments: tuple[IndemnityPayment, ...]) -> None:
    if not payments:
        return
    group = _xml.sub(parent, "payments")
    for payment in payments[:100]:
        el = _xml.sub(group, "payment")
        for tag, value in (
            ("document", payment.document.value if payment.document else None),
            ("incapacityCategory", _int(payment.incapacity_category)),
            ("familySituation", payment.family_situation.value if payment.family_situation
             else None),
            ("allowanceCategory", _int(payment.allowance_category)),
            ("allowanceCode", payment.allowance_code),
        ):
            if value is not None:
                _xml.sub(el, tag, value)
        _write_period(el, "period", payment.period)
        if payment.amount is not None:
            _xml.sub(el, "amount", str(payment.amount))
        if payment.days is not None:
            _xml.sub(el, "days", str(payment.days))
        elif payment.hours is not None:
            _xml.sub(el, "hours", str(payment.hours))


def _int(value: int | None) -> str | None:
    return None if value is None else str(int(value))


# --- social risks ------------------------------------------------------------------------------


def _read_detail(el: _xml.Element) -> RiskDetail:
    status = _code(SocialStatus, el, "socialStatus", int)
    if status is None:
        raise ResponseError("a social risk detail lacks its socialStatus")
    invalidity = el.find("invalidity")
    category = _code(InvalidityCategory, invalidity, "invalidityCategory", int)
    if invalidity is not None and category is None:
        raise ResponseError("an invalidity lacks its invalidityCategory")
    return RiskDetail(
        social_status=status,
        period=_period(el.find("period")),
        exit_code=_code(ExitCode, el, "exitCode", int),
        invalidity=Invalidity(category, _xml.opt_date(invalidity, "startDate"))
        if category is not None else None,
        initial_start=_xml.opt_date(el, "initialStartDate"),
        activity=_code(ActivityCode, el, "activityCode", int),
        delivery_date=_xml.opt_date(el, "deliveryDate"),
        supposed_delivery_date=_xml.opt_date(el, "supposedDeliveryDate"),
        adoption_date=_xml.opt_date(el, "adoptionDate"),
        foster_care_date=_xml.opt_date(el, "fosterCareDate"),
    )


def _write_detail(parent: _xml.Element, tag: str, detail: RiskDetail) -> None:
    el = _xml.sub(parent, tag)
    for field in _DETAILS[tag]:
        if field == "socialStatus":
            _xml.sub(el, field, str(int(detail.social_status)))
        elif field == "period" and detail.period is not None:
            _write_period(el, field, detail.period)
        elif field == "exitCode" and detail.exit_code is not None:
            _xml.sub(el, field, str(int(detail.exit_code)))
        elif field == "activityCode" and detail.activity is not None:
            _xml.sub(el, field, str(int(detail.activity)))
        elif field == "invalidity" and detail.invalidity is not None:
            item = _xml.sub(el, field)
            _date(item, "startDate", detail.invalidity.start)
            _xml.sub(item, "invalidityCategory", str(int(detail.invalidity.category)))
        else:
            _date(el, field, {
                "initialStartDate": detail.initial_start,
                "deliveryDate": detail.delivery_date,
                "supposedDeliveryDate": detail.supposed_delivery_date,
                "adoptionDate": detail.adoption_date,
                "fosterCareDate": detail.foster_care_date,
            }.get(field))


def _read_allowance(el: _xml.Element) -> Allowance:
    risk = el.find("socialRisk")
    detail = None
    if risk is not None:
        detail_el = next((c for c in risk if isinstance(c.tag, str) and c.tag in _DETAILS), None)
        detail = _read_detail(detail_el) if detail_el is not None else None
    return Allowance(
        risk=_code(SocialRiskCategory, risk, "socialRiskCategory", str),
        detail=detail,
        payments=_read_payments(el),
    )


# --- attests and periods -------------------------------------------------------------------------


def read_attest(el: _xml.Element) -> Attest:
    """An Attest from an AllowanceAttestationType element."""
    return Attest(
        identification=read_identification(_xml.req(el, "attestationIdentification")),
        allowances=tuple(_read_allowance(a) for a in el.iterfind("allowances/allowance")),
    )


def write_attest(parent: _xml.Element, attest: Attest) -> _xml.Element:
    """Append an ``attest`` element (AllowanceAttestationType)."""
    el = _xml.sub(parent, "attest")
    _write_identification(el, attest.identification)
    if attest.allowances:
        group = _xml.sub(el, "allowances")
        for allowance in attest.allowances[:100]:
            item = _xml.sub(group, "allowance")
            if allowance.risk is not None:
                risk = _xml.sub(item, "socialRisk")
                _xml.sub(risk, "socialRiskCategory", allowance.risk.value)
                if allowance.detail is not None:
                    _write_detail(risk, _DETAIL_ELEMENT[allowance.risk], allowance.detail)
            _write_payments(item, allowance.payments)
    return el


def read_periods(el: _xml.Element) -> tuple[AttestIdentification, tuple[IndemnityPeriod, ...]]:
    """The identification and periods of an AllowanceAttestationPeriodsType element."""
    return (
        read_identification(_xml.req(el, "attestationIdentification")),
        tuple(
            IndemnityPeriod(
                period=_req_period(a, "period"),
                initial_start=_xml.opt_date(a, "initialStartDate"),
                invalidity_start=_xml.opt_date(a, "invalidityStartDate"),
                exit_code=_code(ExitCode, a, "exitCode", int),
                payments=_read_payments(a),
            )
            for a in el.iterfind("allowances/allowance")
        ),
    )


def write_periods(parent: _xml.Element, identification: AttestIdentification,
                  periods: tuple[IndemnityPeriod, ...]) -> _xml.Element:
    """Append an ``attest`` element (AllowanceAttestationPeriodsType)."""
    el = _xml.sub(parent, "attest")
    _write_identification(el, identification)
    if periods:
        group = _xml.sub(el, "allowances")
        for item in periods[:100]:
            allowance = _xml.sub(group, "allowance")
            _write_period(allowance, "period", item.period)
            _date(allowance, "initialStartDate", item.initial_start)
            _date(allowance, "invalidityStartDate", item.invalidity_start)
            if item.exit_code is not None:
                _xml.sub(allowance, "exitCode", str(int(item.exit_code)))
            _write_payments(allowance, item.payments)
    return el
