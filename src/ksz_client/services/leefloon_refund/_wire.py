"""The leefloon refund exchanges on the wire, both directions (client and sandbox).

registerAttest / stopAttest follow the WS-Consult conventions (unqualified
``criteria`` and ``result/attest``; amounts in whole euro cents).
ListOfAttestations is an SSDN payload, qualified in the ManageAttests namespace.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Final

from lxml import etree

from ksz_client import _xml, catalogue
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client.services.leefloon_refund.models import (
    Attestation,
    AttestState,
    Duration,
    Exoneration,
    InstallationPremium,
    Recovery,
    RefundAttest,
    RefundCategory,
)
from ksz_client.types import Money, Period

__all__ = [
    "LIST_NS",
    "AttestRequest",
    "ListRequest",
    "PremiumRequest",
    "RecoveryRequest",
    "StopRequest",
    "read_attest",
    "read_list_reply",
    "read_list_request",
    "read_premium",
    "read_premium_request",
    "read_recovery",
    "read_recovery_request",
    "read_register",
    "read_stop",
    "write_attest",
    "write_list_reply",
    "write_list_request",
    "write_premium",
    "write_premium_request",
    "write_recovery",
    "write_recovery_request",
    "write_register",
    "write_stop",
]

LIST_NS: Final = catalogue.get("OCMWCPASListOfAttestations").namespace
_L: Final = f"{{{LIST_NS}}}"


@dataclass(frozen=True)
class AttestRequest:
    """What a registerAttest asks (validated before it is built)."""

    ssin: str
    quality_code: int
    reference: str
    period: Period
    decision_date: _dt.date
    category: RefundCategory
    monthly_amount: Money

    def __repr__(self) -> str:
        return f"AttestRequest(reference={self.reference!r}, quality_code={self.quality_code})"


@dataclass(frozen=True)
class StopRequest:
    """What a stopAttest asks."""

    ssin: str
    quality_code: int
    reference: str
    end: _dt.date

    def __repr__(self) -> str:
        return f"StopRequest(reference={self.reference!r}, end={self.end})"


@dataclass(frozen=True)
class RecoveryRequest:
    """What a registerRecoveredAmount asks."""

    ssin: str
    quality_code: int
    reference: str
    recovery_reference: str
    date: _dt.date
    amount: Money

    def __repr__(self) -> str:
        return f"RecoveryRequest(recovery_reference={self.recovery_reference!r})"


@dataclass(frozen=True)
class PremiumRequest:
    """What a requestOrganicLawRefund asks."""

    ssin: str
    quality_code: int
    reference: str
    decision_date: _dt.date
    installation_date: _dt.date
    amount: Money

    def __repr__(self) -> str:
        return f"PremiumRequest(reference={self.reference!r})"


@dataclass(frozen=True)
class ListRequest:
    """What a ListOfAttestations asks."""

    ssin: str
    request_type: str
    period: Period | None

    def __repr__(self) -> str:
        return f"ListRequest(request_type={self.request_type!r})"


def _date(el: _xml.Element, path: str) -> _dt.date:
    value = _xml.opt_date(el, path)
    if value is None:
        raise ResponseError(f"the answer lacks the required element {path}")
    return value


def _int(el: _xml.Element, path: str) -> int:
    value = _xml.opt_int(el, path)
    if value is None:
        raise ResponseError(f"the answer lacks the required element {path}")
    return value


# --- registerAttest / stopAttest --------------------------------------------------------


def write_register(payload: _xml.Element, request: AttestRequest) -> None:
    criteria = _xml.sub(payload, "criteria")
    _xml.sub(criteria, "ssin", request.ssin)
    _xml.sub(criteria, "qualityCode", str(request.quality_code))
    _xml.sub(criteria, "reference", request.reference)
    _xml.sub(criteria, "startDate", request.period.start.isoformat())
    if request.period.end is not None:
        _xml.sub(criteria, "endDate", request.period.end.isoformat())
    _xml.sub(criteria, "decisionDate", request.decision_date.isoformat())
    _xml.sub(criteria, "category", request.category.value)
    _xml.sub(criteria, "monthlyAmount", str(request.monthly_amount.cents))


def read_register(payload: _xml.Element) -> AttestRequest:
    """The request of a registerAttest (the sandbox's side); ValidationError when unreadable."""
    criteria = _xml.req(payload, "criteria")
    start = _xml.opt_date(criteria, "startDate")
    decided = _xml.opt_date(criteria, "decisionDate")
    code = _xml.opt_int(criteria, "qualityCode")
    cents = _xml.opt_int(criteria, "monthlyAmount")
    if start is None or decided is None or code is None or cents is None:
        raise ValidationError("the criteria lack a required element")
    return AttestRequest(
        ssin=_xml.req_text(criteria, "ssin"),
        quality_code=code,
        reference=_xml.req_text(criteria, "reference"),
        period=Period(start, _xml.opt_date(criteria, "endDate")),
        decision_date=decided,
        category=RefundCategory(_xml.req_text(criteria, "category")),
        monthly_amount=Money.from_cents(cents),
    )


def write_stop(payload: _xml.Element, request: StopRequest) -> None:
    criteria = _xml.sub(payload, "criteria")
    _xml.sub(criteria, "ssin", request.ssin)
    _xml.sub(criteria, "qualityCode", str(request.quality_code))
    _xml.sub(criteria, "reference", request.reference)
    _xml.sub(criteria, "endDate", request.end.isoformat())


def read_stop(payload: _xml.Element) -> StopRequest:
    """The request of a stopAttest (the sandbox's side)."""
    criteria = _xml.req(payload, "criteria")
    end = _xml.opt_date(criteria, "endDate")
    code = _xml.opt_int(criteria, "qualityCode")
    if end is None or code is None:
        raise ValidationError("the criteria lack a required element")
    return StopRequest(_xml.req_text(criteria, "ssin"), code,
                       _xml.req_text(criteria, "reference"), end)


def write_attest(parent: _xml.Element, attest: RefundAttest) -> _xml.Element:
    """Append an ``attest`` element (the sandbox's side)."""
    el = _xml.sub(parent, "attest")
    _xml.sub(el, "attestId", attest.attest_id)
    _xml.sub(el, "reference", attest.reference)
    _xml.sub(el, "qualityCode", str(attest.quality_code))
    _xml.sub(el, "startDate", attest.period.start.isoformat())
    if attest.period.end is not None:
        _xml.sub(el, "endDate", attest.period.end.isoformat())
    _xml.sub(el, "monthlyAmount", str(attest.monthly_amount.cents))
    _xml.sub(el, "state", attest.state.value)
    return el


def read_attest(payload: _xml.Element) -> RefundAttest:
    """The ``result/attest`` of a registerAttest or stopAttest response."""
    el = payload.find("result/attest")
    if el is None:
        raise ResponseError("the answer carries no attest")
    try:
        return RefundAttest(
            attest_id=_xml.req_text(el, "attestId"),
            reference=_xml.req_text(el, "reference"),
            quality_code=_int(el, "qualityCode"),
            period=Period(_date(el, "startDate"), _xml.opt_date(el, "endDate")),
            monthly_amount=Money.from_cents(_int(el, "monthlyAmount")),
            state=AttestState(_xml.req_text(el, "state")),
        )
    except ValueError as exc:
        if isinstance(exc, ResponseError):
            raise
        raise ResponseError("the answer carries a malformed attest") from None


# --- registerRecoveredAmount / requestOrganicLawRefund ------------------------------------


def write_recovery_request(payload: _xml.Element, request: RecoveryRequest) -> None:
    criteria = _xml.sub(payload, "criteria")
    _xml.sub(criteria, "ssin", request.ssin)
    _xml.sub(criteria, "qualityCode", str(request.quality_code))
    _xml.sub(criteria, "reference", request.reference)
    _xml.sub(criteria, "recoveryReference", request.recovery_reference)
    _xml.sub(criteria, "recoveryDate", request.date.isoformat())
    _xml.sub(criteria, "amount", str(request.amount.cents))


def read_recovery_request(payload: _xml.Element) -> RecoveryRequest:
    """The request of a registerRecoveredAmount (the sandbox's side)."""
    criteria = _xml.req(payload, "criteria")
    day = _xml.opt_date(criteria, "recoveryDate")
    code = _xml.opt_int(criteria, "qualityCode")
    cents = _xml.opt_int(criteria, "amount")
    if day is None or code is None or cents is None:
        raise ValidationError("the criteria lack a required element")
    return RecoveryRequest(_xml.req_text(criteria, "ssin"), code,
                           _xml.req_text(criteria, "reference"),
                           _xml.req_text(criteria, "recoveryReference"), day,
                           Money.from_cents(cents))


def write_recovery(parent: _xml.Element, recovery: Recovery) -> None:
    """Append a ``recovery`` element (the sandbox's side)."""
    el = _xml.sub(parent, "recovery")
    _xml.sub(el, "reference", recovery.reference)
    _xml.sub(el, "recoveryReference", recovery.recovery_reference)
    _xml.sub(el, "recoveryDate", recovery.date.isoformat())
    _xml.sub(el, "amount", str(recovery.amount.cents))
    total = recovery.total_recovered or recovery.amount
    _xml.sub(el, "totalRecovered", str(total.cents))


def read_recovery(payload: _xml.Element) -> Recovery:
    """The ``result/recovery`` of a registerRecoveredAmount response."""
    el = payload.find("result/recovery")
    if el is None:
        raise ResponseError("the answer carries no recovery")
    try:
        return Recovery(_xml.req_text(el, "reference"), _xml.req_text(el, "recoveryReference"),
                        _date(el, "recoveryDate"), Money.from_cents(_int(el, "amount")),
                        Money.from_cents(_int(el, "totalRecovered")))
    except ValidationError:
        raise ResponseError("the answer carries a malformed recovery") from None


def write_premium_request(payload: _xml.Element, request: PremiumRequest) -> None:
    criteria = _xml.sub(payload, "criteria")
    _xml.sub(criteria, "ssin", request.ssin)
    _xml.sub(criteria, "qualityCode", str(request.quality_code))
    _xml.sub(criteria, "reference", request.reference)
    _xml.sub(criteria, "decisionDate", request.decision_date.isoformat())
    _xml.sub(criteria, "installationDate", request.installation_date.isoformat())
    _xml.sub(criteria, "amount", str(request.amount.cents))


def read_premium_request(payload: _xml.Element) -> PremiumRequest:
    """The request of a requestOrganicLawRefund (the sandbox's side)."""
    criteria = _xml.req(payload, "criteria")
    decided = _xml.opt_date(criteria, "decisionDate")
    installed = _xml.opt_date(criteria, "installationDate")
    code = _xml.opt_int(criteria, "qualityCode")
    cents = _xml.opt_int(criteria, "amount")
    if decided is None or installed is None or code is None or cents is None:
        raise ValidationError("the criteria lack a required element")
    return PremiumRequest(_xml.req_text(criteria, "ssin"), code,
                          _xml.req_text(criteria, "reference"), decided, installed,
                          Money.from_cents(cents))


def write_premium(parent: _xml.Element, premium: InstallationPremium) -> None:
    """Append a ``premium`` element (the sandbox's side)."""
    el = _xml.sub(parent, "premium")
    _xml.sub(el, "premiumId", premium.premium_id)
    _xml.sub(el, "reference", premium.reference)
    _xml.sub(el, "installationDate", premium.installation_date.isoformat())
    _xml.sub(el, "amount", str(premium.amount.cents))


def read_premium(payload: _xml.Element) -> InstallationPremium:
    """The ``result/premium`` of a requestOrganicLawRefund response."""
    el = payload.find("result/premium")
    if el is None:
        raise ResponseError("the answer carries no premium")
    try:
        return InstallationPremium(_xml.req_text(el, "premiumId"), _xml.req_text(el, "reference"),
                                   _date(el, "installationDate"),
                                   Money.from_cents(_int(el, "amount")))
    except ValidationError:
        raise ResponseError("the answer carries a malformed premium") from None


# --- ListOfAttestations (SSDN) -----------------------------------------------------------


def _sub(parent: _xml.Element, name: str, text: str | None = None) -> _xml.Element:
    el = etree.SubElement(parent, f"{_L}{name}")
    if text is not None:
        el.text = text
    return el


def _write_period(parent: _xml.Element, name: str, period: Period) -> None:
    el = _sub(parent, name)
    _sub(el, "StartDate", period.start.isoformat())
    if period.end is not None:
        _sub(el, "EndDate", period.end.isoformat())


def _read_period(el: _xml.Element) -> Period:
    start = _xml.opt_date(el, f"{_L}StartDate")
    if start is None:
        raise ResponseError("a period lacks its StartDate")
    try:
        return Period(start, _xml.opt_date(el, f"{_L}EndDate"))
    except ValidationError:
        raise ResponseError("a period in the answer ends before it starts") from None


def write_list_request(payload: _xml.Element, request: ListRequest) -> None:
    """Fill the empty ``ListOfAttestationsRequest`` the pipeline hands over."""
    _sub(payload, "SocialSecurityUser", request.ssin)
    _sub(payload, "RequestType", request.request_type)
    if request.period is not None:
        _write_period(payload, "SearchPeriod", request.period)


def read_list_request(payload: _xml.Element) -> ListRequest:
    """The request (the sandbox's side); ValidationError when a date is unreadable."""
    found = payload.find(f"{_L}SearchPeriod")
    period = None
    if found is not None:
        start = _xml.opt_date(found, f"{_L}StartDate")
        if start is None:
            raise ValidationError("the SearchPeriod needs a StartDate")
        period = Period(start, _xml.opt_date(found, f"{_L}EndDate"))
    return ListRequest(_xml.req_text(payload, f"{_L}SocialSecurityUser"),
                       _xml.req_text(payload, f"{_L}RequestType"), period)


def write_list_reply(request: ListRequest, attestations: list[Attestation],
                     exonerations: list[Exoneration] | None = None,
                     gpmi_periods: list[Period] | None = None) -> _xml.Element:
    """A ``ListOfAttestationsReply`` (the sandbox's side)."""
    reply = etree.Element(f"{_L}ListOfAttestationsReply", nsmap={"la": LIST_NS})
    _sub(reply, "SocialSecurityUser", request.ssin)
    _sub(reply, "RequestType", request.request_type)
    for ex in exonerations or ():
        el = _sub(reply, "Exoneration")
        _sub(el, "FirstDate", ex.first_date.isoformat())
        _sub(el, "ExoneratedDays", str(ex.exonerated_days))
    for period in gpmi_periods or ():
        _write_period(reply, "GpmiPiisPeriod", period)
    for a in attestations:
        el = _sub(reply, "Attestation")
        _sub(el, "SocialSecurityUser", a.ssin)
        _sub(el, "CPASKBONumber", a.cpas_kbo_number)
        _sub(el, "EntryDate", a.entry_date.isoformat())
        kind = _sub(el, "AttestType")
        _sub(kind, "Code", a.attest_type_code)
        if a.attest_type_description is not None:
            _sub(kind, "Description", a.attest_type_description)
        if a.form_type is not None:
            _sub(el, "FormType", a.form_type)
        if a.duration is not None:
            d = _sub(el, "Duration")
            _sub(d, "Days", str(a.duration.days))
            _sub(d, "Weeks", str(a.duration.weeks))
            _sub(d, "Months", str(a.duration.months))
        if a.decision_date is not None:
            _sub(el, "DecisionDate", a.decision_date.isoformat())
        if a.reference is not None:
            _sub(el, "Reference", a.reference)
        _sub(el, "Status", a.status)
        if a.relation_type is not None:
            _sub(el, "RelationType", a.relation_type)
        if a.end_date is not None:
            _sub(el, "EndDate", a.end_date.isoformat())
        if a.amount is not None:
            _sub(el, "Amount", str(a.amount.cents))
        for r in a.recovered:
            item = _sub(el, "RecoveredAmount")
            _sub(item, "Reference", r.recovery_reference)
            _sub(item, "Date", r.date.isoformat())
            _sub(item, "Amount", str(r.amount.cents))
    return reply


def _read_attestation(el: _xml.Element) -> Attestation:
    duration_el = el.find(f"{_L}Duration")
    duration = None
    if duration_el is not None:
        duration = Duration(_int(duration_el, f"{_L}Days"), _int(duration_el, f"{_L}Weeks"),
                            _int(duration_el, f"{_L}Months"))
    kind = _xml.req(el, f"{_L}AttestType")
    amount = _xml.opt_int(el, f"{_L}Amount")
    reference = _xml.opt_text(el, f"{_L}Reference")
    recovered = tuple(
        Recovery(reference or "", _xml.req_text(r, f"{_L}Reference"), _date(r, f"{_L}Date"),
                 Money.from_cents(_int(r, f"{_L}Amount")))
        for r in el.iterfind(f"{_L}RecoveredAmount"))
    return Attestation(
        ssin=_xml.req_text(el, f"{_L}SocialSecurityUser"),
        cpas_kbo_number=_xml.req_text(el, f"{_L}CPASKBONumber"),
        entry_date=_date(el, f"{_L}EntryDate"),
        attest_type_code=_xml.req_text(kind, f"{_L}Code"),
        attest_type_description=_xml.opt_text(kind, f"{_L}Description"),
        form_type=_xml.opt_text(el, f"{_L}FormType"),
        duration=duration,
        decision_date=_xml.opt_date(el, f"{_L}DecisionDate"),
        reference=reference,
        status=_xml.req_text(el, f"{_L}Status"),
        relation_type=_xml.opt_text(el, f"{_L}RelationType"),
        end_date=_xml.opt_date(el, f"{_L}EndDate"),
        amount=Money.from_cents(amount) if amount is not None else None,
        recovered=recovered,
    )


def read_list_reply(reply: _xml.Element) -> tuple[
        str, str, tuple[Attestation, ...], tuple[Exoneration, ...], tuple[Period, ...]]:
    """SSIN, RequestType, attestations, exonerations and GPMI/PIIS periods of a reply."""
    ssin = _xml.req_text(reply, f"{_L}SocialSecurityUser")
    request_type = _xml.req_text(reply, f"{_L}RequestType")
    exonerations = tuple(
        Exoneration(_date(e, f"{_L}FirstDate"), _int(e, f"{_L}ExoneratedDays"))
        for e in reply.iterfind(f"{_L}Exoneration"))
    periods = tuple(_read_period(p) for p in reply.iterfind(f"{_L}GpmiPiisPeriod"))
    attestations = tuple(_read_attestation(a) for a in reply.iterfind(f"{_L}Attestation"))
    return ssin, request_type, attestations, exonerations, periods
