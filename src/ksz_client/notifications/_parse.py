"""From a verified, schema-valid notification payload to typed events.

`parse` reads the header every notification carries (sender, receiver,
legalContext, sequenceNumber) and turns each item of the message into one
event of the operation's type (`PARSERS` says where the items are and how to
read one). A value the schema lets through but that does not hold (an SSIN
whose check digits fail, say) is a `ResponseError`, whose message never
quotes the value.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, Final

from ksz_client import _xml
from ksz_client._exceptions import InvalidSsin, ResponseError
from ksz_client.notifications._contracts import Contract
from ksz_client.notifications._events import (
    EVENT_TYPES,
    AttestStatus,
    Deduction,
    DeductionEmployer,
    DeductionEmployment,
    DimonaAction,
    HdiAttestation,
    HdiPayment,
    HouseholdMember,
    IncapacityAllowance,
    IndemnityPeriod,
    NotificationEvent,
    NotificationInfo,
)
from ksz_client.ssin import Ssin
from ksz_client.types import Period

__all__ = ["PARSERS", "Header", "ItemParser", "ParsedMessage", "parse", "parse_header"]

Fields = dict[str, Any]


@dataclass(frozen=True)
class ItemParser:
    """Where the items of a message are, and how one item becomes event fields."""

    path: str
    """Slash-separated path from the payload root to the items."""
    read: Callable[[_xml.Element, _xml.Element], Fields]
    """``read(item, payload)``: the event's fields besides the SSIN and the info."""


@dataclass(frozen=True)
class Header:
    """The header every notification carries."""

    ticket: str | None
    sent_at: _dt.datetime | None
    sender: str
    receiver: str
    legal_context: str
    sequence_number: int


@dataclass(frozen=True)
class ParsedMessage:
    """A notification message, read."""

    header: Header
    events: tuple[NotificationEvent, ...]


# --- small readers ----------------------------------------------------------------------


def _date(element: _xml.Element, path: str) -> _dt.date:
    value = _xml.opt_date(element, path)
    if value is None:
        raise ResponseError(f"the notification lacks the required element {path}")
    return value


def _decimal(element: _xml.Element, path: str) -> Decimal | None:
    text = _xml.opt_text(element, path)
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ResponseError(f"{path} of the notification is not a number") from None


def _amount(element: _xml.Element, path: str) -> Decimal:
    value = _decimal(element, path)
    if value is None:
        raise ResponseError(f"the notification lacks the required element {path}")
    return value


def _int(element: _xml.Element, path: str) -> int:
    value = _xml.opt_int(element, path)
    if value is None:
        raise ResponseError(f"the notification lacks the required element {path}")
    return value


def _period(element: _xml.Element | None, path: str = "period") -> Period:
    found = element.find(path) if element is not None else None
    if found is None:
        raise ResponseError(f"the notification lacks the required element {path}")
    start = _date(found, "beginDate")
    end = _xml.opt_date(found, "endDate")
    try:
        return Period(start, end)
    except ValueError:
        raise ResponseError(f"{path} of the notification ends before it begins") from None


def _ssin(text: str | None, what: str) -> Ssin:
    if text is None:
        raise ResponseError(f"the notification lacks the required element {what}")
    try:
        # The sandbox pushes test numbers (month + 60), which no real person has.
        return Ssin(text, allow_test=True)
    except InvalidSsin:
        raise ResponseError(f"{what} of the notification is not a valid SSIN") from None


def _party(block: _xml.Element, what: str) -> str:
    ident = _xml.req(block, "organizationIdentification")
    cbe = _xml.opt_text(ident, "cbeNumber")
    if cbe is not None:
        return cbe
    sector = _xml.opt_text(ident, "sector")
    institution = _xml.opt_text(ident, "institution")
    if sector is None or institution is None:
        raise ResponseError(f"the notification's {what} names no organisation")
    return f"{int(sector)}/{int(institution)}"


# --- per notification ------------------------------------------------------------------


def _person(item: _xml.Element, payload: _xml.Element) -> Fields:
    return {
        "date": _date(item, "mutationDate"),
        "changed": tuple(t for t in (_xml.opt_text(g, "") for g in
                                     item.iterfind("dataGroups/dataGroup")) if t),
        "register": item.get("register"),
        "decease_date": _xml.opt_date(item, "deceaseDate"),
    }


def _family(item: _xml.Element, payload: _xml.Element) -> Fields:
    members = tuple(
        HouseholdMember(
            ssin=_ssin(_xml.opt_text(m, "ssin"), "members/member/ssin"),
            relationship=_xml.req_text(m, "relationship"),
            since=_date(m, "entryDate"),
        )
        for m in item.iterfind("members/member")
    )
    return {"date": _date(item, "mutationDate"), "reason": _xml.req_text(item, "reason"),
            "members": members}


def _pension(item: _xml.Element, payload: _xml.Element) -> Fields:
    pension = _xml.req(item, "pension")
    return {
        "date": _date(item, "mutationDate"),
        "mutation": _xml.req_text(item, "mutationType"),
        "pension_type": _xml.req_text(pension, "pensionType"),
        "period": _period(pension),
        "monthly_gross": _decimal(pension, "monthlyGrossAmount"),
    }


def _dimona(item: _xml.Element, payload: _xml.Element) -> Fields:
    employer = _xml.req(item, "employer")
    return {
        "action": DimonaAction(_xml.req_text(item, "action")),
        "dimona_period_id": _int(item, "dimonaPeriodId"),
        "declared_on": _date(item, "declarationDate"),
        "employer_noss_number": _xml.req_text(employer, "nssoRegistrationNumber"),
        "employer_cbe_number": _xml.opt_text(employer, "enterpriseNumber"),
        "employer_name": _xml.opt_text(employer, "name"),
        "joint_commission": _xml.opt_text(item, "jointCommissionNbr"),
        "worker_type": _xml.req_text(item, "workerType"),
        "period": _period(item),
    }


def _self_employed(item: _xml.Element, payload: _xml.Element) -> Fields:
    return {
        "date": _date(item, "mutationDate"),
        "mutation": _xml.req_text(item, "mutationType"),
        "period": _period(item),
        "activity": _xml.opt_text(item, "activity"),
    }


def _carmed(item: _xml.Element, payload: _xml.Element) -> Fields:
    return {
        "carmed_id": _xml.req_text(item, "carmedId"),
        "decision_version": _int(item, "decisionVersion"),
        "ocmw_cbe_number": _xml.req_text(item, "ocmw"),
        "calculated_on": _date(item, "calculationDate"),
        "care_period": _period(item, "carePeriod"),
        "invoiced_amount": _amount(item, "invoicedAmount"),
        "accepted_amount": _amount(item, "acceptedAmount"),
    }


def _pensionable(item: _xml.Element, payload: _xml.Element) -> Fields:
    return {
        "pensionable_on": _date(item, "pensionableDate"),
        "reason": _xml.req_text(item, "reason"),
        "leefloon_since": _xml.opt_date(item, "leefloonSince"),
    }


def _attestation(item: _xml.Element) -> HdiAttestation:
    ident = _xml.req(item, "attestationIdentification")
    status = _xml.opt_text(ident, "attestationStatus")
    version = _xml.opt_int(ident, "attestationVersion")
    return HdiAttestation(
        creation_date=_date(ident, "creationDate"),
        year_quarter=_xml.opt_text(ident, "yearQuarter"),
        attestation_id=_xml.opt_text(ident, "attestationId"),
        version=version,
        status=AttestStatus(status) if status is not None else None,
    )


def _payments(parent: _xml.Element) -> tuple[HdiPayment, ...]:
    return tuple(
        HdiPayment(
            period=_period(p),
            amount=_decimal(p, "amount"),
            days=_xml.opt_int(p, "days"),
            hours=_decimal(p, "hours"),
            allowance_code=_xml.opt_text(p, "allowanceCode"),
        )
        for p in parent.iterfind("payments/payment")
    )


def _hdi_attest(item: _xml.Element, payload: _xml.Element) -> Fields:
    allowances = tuple(
        IncapacityAllowance(
            social_risk=_xml.opt_text(a, "socialRisk/socialRiskCategory"),
            payments=_payments(a),
        )
        for a in item.iterfind("allowances/allowance")
    )
    return {"attestation": _attestation(item), "allowances": allowances}


def _hdi_period(item: _xml.Element, payload: _xml.Element) -> Fields:
    risk = item.find("socialRisk")
    return {
        "attestation": _attestation(item),
        "social_risk": _xml.opt_text(risk, "socialRiskCategory"),
        "period": _period(risk) if risk is not None else None,
        "exit_code": _xml.opt_int(risk, "exitCode"),
    }


def _hdi_indemnity(item: _xml.Element, payload: _xml.Element) -> Fields:
    periods = tuple(
        IndemnityPeriod(
            period=_period(a),
            initial_start_date=_xml.opt_date(a, "initialStartDate"),
            invalidity_start_date=_xml.opt_date(a, "invalidityStartDate"),
            exit_code=_xml.opt_int(a, "exitCode"),
            payments=_payments(a),
        )
        for a in item.iterfind("allowances/allowance")
    )
    return {"attestation": _attestation(item), "periods": periods}


def _vouchers(item: _xml.Element, payload: _xml.Element) -> Fields:
    return {
        "paid_on": _date(item, "paymentDate"),
        "month": _xml.req_text(item, "month")[:7],
        "vouchers": _int(item, "vouchers"),
        "amount": _amount(item, "amount"),
    }


def _dismissal(item: _xml.Element, payload: _xml.Element) -> Fields:
    employer = _xml.req(item, "employer")
    return {
        "employer_cbe_number": _xml.req_text(employer, "enterpriseNumber"),
        "employer_noss_number": _xml.opt_text(employer, "nssoRegistrationNumber"),
        "dismissed_on": _date(item, "dismissalDate"),
        "period": _period(item),
        "weeks": _xml.opt_int(item, "weeks"),
        "gross_amount": _amount(item, "grossAmount"),
    }


def _holiday_pay(item: _xml.Element, payload: _xml.Element) -> Fields:
    return {
        "year": int(_xml.req_text(item, "year")[:4]),
        "paid_on": _date(item, "paymentDate"),
        "gross_amount": _amount(item, "grossAmount"),
    }


def _job_seeker(item: _xml.Element, payload: _xml.Element) -> Fields:
    event = _xml.req(item, "event")
    details = item.find("deregistrationDetails")
    source = item.get("source")
    if not source:
        raise ResponseError("the notification lacks the required attribute jobSeeker/@source")
    return {
        "source": source,
        "event_id": _xml.req_text(event, "id"),
        "event_type": _xml.req_text(event, "type"),
        "date": _date(event, "date"),
        "registration_date": _xml.opt_date(details, "registrationDate"),
        "deregistration_reason": _xml.opt_text(details, "reason"),
    }


def _deduction(item: _xml.Element, payload: _xml.Element) -> Fields:
    employer = _xml.req(item, "employer")
    employment = _xml.req(item, "employment")
    unit = _xml.req(item, "businessUnit")
    authority = _xml.opt_bool(_xml.opt_text(employer, "provincialOrLocalAuthority"))
    return {
        "quarter": _xml.req_text(payload, "quarter"),
        "version": _int(payload, "version"),
        "employer": DeductionEmployer(
            noss_number=_xml.req_text(employer, "nssoRegistrationNumber"),
            provincial_or_local_authority=bool(authority),
            employer_class=_int(employer, "employerClass"),
            cbe_number=_xml.opt_text(employer, "enterpriseNumber"),
        ),
        "employment": DeductionEmployment(
            occupation_sequence=_int(employment, "occupationSequenceNbr"),
            worker_code=_int(employment, "workerCode"),
            regions=tuple(t for t in (_xml.opt_text(r, "") for r in
                                      employment.iterfind("regions/region")) if t),
            deductions=tuple(
                Deduction(code=_int(d, "deductionCode"), amount=_amount(d, "deductionAmount"),
                          right_start=_xml.opt_date(d, "deductionRightStartingDate"))
                for d in employment.iterfind("deductions/deduction")
            ),
            reference_quarter_salary=_decimal(employment, "refQuarterSalary"),
            occupation_fraction=_decimal(employment, "occupationFraction"),
        ),
        "local_unit_id": _int(unit, "localUnitId"),
        "local_unit_nis_code": _int(unit, "localUnitCityNisCode"),
    }


PARSERS: Final[Mapping[str, ItemParser]] = MappingProxyType({
    "notifyPerson": ItemParser("persons/person", _person),
    "notifyFamilyComposition": ItemParser("familyCompositions/familyComposition", _family),
    "notifyPensionRegisterMutation": ItemParser("pensionMutations/pensionMutation", _pension),
    "notifyPersonnelFile": ItemParser("dimonaDeclarations/dimonaDeclaration", _dimona),
    "notifySelfEmployedCareer": ItemParser("careerMutations/careerMutation", _self_employed),
    "notifyECarmedCalculation": ItemParser("calculations/calculation", _carmed),
    "notifyPensionablePCSABeneficiaries": ItemParser("beneficiaries/beneficiary",
                                                     _pensionable),
    "notifyHdiIndemnityAllowanceAttest": ItemParser(
        "hiaAttestNotifications/hiaAttestNotification", _hdi_attest),
    "notifyHdiIndemnityAllowancePeriod": ItemParser(
        "hiaPeriodNotifications/hiaPeriodNotification", _hdi_period),
    "notifyHdiIndemnityAllowanceIndemnityPeriods": ItemParser(
        "hiaIndemnityPeriodsNotifications/hiaIndemnityPeriodsNotification", _hdi_indemnity),
    "notifyPayments": ItemParser("payments/payment", _vouchers),
    "notifyDismissalCompensation": ItemParser("compensations/compensation", _dismissal),
    "notifyPensionHolidayPay": ItemParser("holidayPays/holidayPay", _holiday_pay),
    "notifyJobSeekerStatus": ItemParser("jobSeekers/jobSeeker", _job_seeker),
    "notifyDeduction": ItemParser("contributionDeductions/contributionDeduction", _deduction),
})
"""How to read the items of every notification operation, by operation name."""


def parse_header(payload: _xml.Element) -> Header:
    """The header of a notification (sender, receiver, legal context, sequence number)."""
    sender = _xml.req(payload, "sender")
    receiver = _xml.req(payload, "receiver")
    return Header(
        ticket=_xml.opt_text(sender, "ticket"),
        sent_at=_xml.opt_datetime(sender, "timestampSent"),
        sender=_party(sender, "sender"),
        receiver=_party(receiver, "receiver"),
        legal_context=_xml.req_text(payload, "legalContext"),
        sequence_number=_int(payload, "sequenceNumber"),
    )


def parse(contract: Contract, payload: _xml.Element, *, key: str,
          received_at: _dt.datetime) -> ParsedMessage:
    """Read a notification `payload` (verified and valid against `contract`) into events."""
    header = parse_header(payload)
    operation = contract.operation.name
    reader = PARSERS[operation]
    cls = EVENT_TYPES[operation]
    events: list[NotificationEvent] = []
    for index, item in enumerate(payload.iterfind(reader.path)):
        ssin_element = _xml.req(item, "ssin")
        replaced = ssin_element.get("replacedBy")
        info = NotificationInfo(
            service=contract.service.name, operation=operation, key=key,
            ticket=header.ticket, sequence_number=header.sequence_number,
            sender=header.sender, receiver=header.receiver,
            legal_context=header.legal_context, sent_at=header.sent_at,
            received_at=received_at, item=index,
        )
        events.append(cls(
            ssin=_ssin(_xml.opt_text(ssin_element, ""), "ssin"),
            canceled=bool(_xml.opt_bool(ssin_element.get("canceled"))),
            replaced_by=_ssin(replaced, "ssin/@replacedBy") if replaced else None,
            notification=info,
            **reader.read(item, payload),
        ))
    if not events:
        raise ResponseError("the notification carries no item")
    return ParsedMessage(header, tuple(events))
