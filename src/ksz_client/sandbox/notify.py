"""Push notifications from the sandbox to an OCMW's receiver, signed as the KSZ signs them.

The KSZ pushes mutations to the OCMW (SPEC §2.6): a SOAP 1.1 request whose
body is the notification element, WS-Security signed, POSTed to the
receiver. ``ksz sandbox notify --to URL --type TYPE --ssin SSIN`` does the
same from the sandbox, with its response-signing key, so that a receiver
can be tested end to end.

Every notification type of the catalogue is built here, from the person's
sandbox facts: the five whose official contracts exist (the three
HdiIndemnityAllowance notifications, ``notifyJobSeekerStatus`` and
``notifyDeduction``) and the modelled ones (``wsdl/notify``). A fact the person
lacks (no pension, no employment...) is made up for the message, so that any
sandbox person can receive any type.
"""

from __future__ import annotations

import datetime as _dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from lxml import etree

from ksz_client import _soap, _xml, catalogue
from ksz_client.sandbox import facts as _facts
from ksz_client.sandbox.organisations import SANDBOX_CBE_NUMBER, SANDBOX_KSZ_CBE_NUMBER
from ksz_client.sandbox.population import Population
from ksz_client.ssin import Ssin
from ksz_client.types import Period
from ksz_client.wsse import Signer

__all__ = [
    "SUPPORTED",
    "Notification",
    "NotificationResult",
    "build",
    "envelope",
    "resolve",
    "types",
]

_LEGAL_CONTEXT: Final = "PCSA:SOCIAL_INQUIRY"


@dataclass(frozen=True)
class Notification:
    """A built notification: where it belongs in the catalogue and its payload element."""

    service: catalogue.Service
    operation: catalogue.Operation
    payload: _xml.Element
    sequence_number: int
    ticket: str


@dataclass(frozen=True)
class NotificationResult:
    """What the receiver answered to one pushed notification."""

    operation: str
    sequence_number: int
    ticket: str
    http_status: int

    @property
    def delivered(self) -> bool:
        return 200 <= self.http_status < 300


def _sender_receiver(parent: _xml.Element, tag: str, cbe_number: str, *,
                     ticket: str | None, sent: _dt.datetime | None) -> None:
    block = _xml.sub(parent, tag)
    if ticket is not None:
        _xml.sub(block, "ticket", ticket)
    if sent is not None:
        _xml.sub(block, "timestampSent", _soap.timestamp(sent))
    _xml.sub(_xml.sub(block, "organizationIdentification"), "cbeNumber", cbe_number)


def _ssin(parent: _xml.Element, population: Population, index: int) -> None:
    element = _xml.sub(parent, "ssin", str(population.ssin_of(index)))
    replaced = population.replaced_by(index)
    if replaced is not None:
        element.set("canceled", "true")
        element.set("replacedBy", str(population.ssin_of(replaced)))


def _uuid(seed: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"ksz-sandbox:{seed}"))


def _quarter(day: _dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def _incapacity(facts: _facts.Facts, today: _dt.date) -> _facts.IncapacityPeriod:
    if facts.incapacity:
        return facts.incapacity[-1]
    return _facts.IncapacityPeriod(Period(today - _dt.timedelta(days=14)), "INCAPACITY", 6_500)


def _hdi_attest(payload: _xml.Element, population: Population, index: int,
                today: _dt.date) -> None:
    period = _incapacity(population.facts(index), today).period
    item = _xml.sub(_xml.sub(payload, "hiaAttestNotifications"), "hiaAttestNotification")
    _ssin(item, population, index)
    ident = _xml.sub(item, "attestationIdentification")
    _xml.sub(ident, "yearQuarter", _quarter(period.start))
    _xml.sub(ident, "creationDate", today.isoformat())
    _xml.sub(ident, "attestationId", _uuid(f"{population.seed}:{index}:hdi-attest"))
    _xml.sub(ident, "attestationVersion", "0")
    _xml.sub(ident, "attestationStatus", "CREATION")


def _hdi_period(payload: _xml.Element, population: Population, index: int,
                today: _dt.date) -> None:
    incapacity = _incapacity(population.facts(index), today)
    item = _xml.sub(_xml.sub(payload, "hiaPeriodNotifications"), "hiaPeriodNotification")
    _ssin(item, population, index)
    ident = _xml.sub(item, "attestationIdentification")
    _xml.sub(ident, "creationDate", today.isoformat())
    _xml.sub(ident, "attestationId", _uuid(f"{population.seed}:{index}:hdi-period"))
    _xml.sub(ident, "attestationVersion", "0")
    _xml.sub(ident, "attestationStatus", "CREATION")
    risk = _xml.sub(item, "socialRisk")
    _xml.sub(risk, "socialRiskCategory", "GeneralPregnancy" if incapacity.kind == "PREGNANCY"
             else "GeneralIncapacityForWorkAllowance")
    period = _xml.sub(risk, "period")
    _xml.sub(period, "beginDate", incapacity.period.start.isoformat())
    if incapacity.period.end is not None:
        _xml.sub(period, "endDate", incapacity.period.end.isoformat())
    _xml.sub(risk, "exitCode", "0" if incapacity.period.end is None else "1")


def _hdi_indemnity(payload: _xml.Element, population: Population, index: int,
                   today: _dt.date) -> None:
    incapacity = _incapacity(population.facts(index), today)
    item = _xml.sub(_xml.sub(payload, "hiaIndemnityPeriodsNotifications"),
                    "hiaIndemnityPeriodsNotification")
    _ssin(item, population, index)
    ident = _xml.sub(item, "attestationIdentification")
    _xml.sub(ident, "yearQuarter", _quarter(incapacity.period.start))
    _xml.sub(ident, "creationDate", today.isoformat())
    _xml.sub(ident, "attestationId", _uuid(f"{population.seed}:{index}:hdi-indemnity"))
    _xml.sub(ident, "attestationVersion", "0")
    _xml.sub(ident, "attestationStatus", "CREATION")
    allowance = _xml.sub(_xml.sub(item, "allowances"), "allowance")
    period = _xml.sub(allowance, "period")
    _xml.sub(period, "beginDate", incapacity.period.start.isoformat())
    if incapacity.period.end is not None:
        _xml.sub(period, "endDate", incapacity.period.end.isoformat())


def _job_seeker(payload: _xml.Element, population: Population, index: int,
                today: _dt.date) -> None:
    registrations = population.facts(index).job_seeker
    source, day = ("VDAB", today)
    if registrations:
        source, day = registrations[-1].service, registrations[-1].period.start
    seeker = _xml.sub(_xml.sub(payload, "jobSeekers"), "jobSeeker")
    seeker.set("source", source)
    event = _xml.sub(seeker, "event")
    _xml.sub(event, "id", f"E{index:014d}"[-15:])
    _xml.sub(event, "type", "REGISTRATION")
    _xml.sub(event, "date", day.isoformat())
    _ssin(seeker, population, index)


def _euros(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _deduction(payload: _xml.Element, population: Population, index: int,
               today: _dt.date) -> None:
    quarters = population.facts(index).dmfa
    latest = quarters[-1] if quarters else None
    employer = latest.employer if latest is not None else _facts.EMPLOYERS[9]
    quarter = f"{latest.year}Q{latest.quarter}" if latest is not None else _quarter(today)
    _xml.sub(payload, "quarter", quarter)
    _xml.sub(payload, "version", "1")
    item = _xml.sub(_xml.sub(payload, "contributionDeductions"), "contributionDeduction")
    _ssin(item, population, index)
    emp = _xml.sub(item, "employer")
    _xml.sub(emp, "nssoRegistrationNumber", employer.noss_number)
    _xml.sub(emp, "enterpriseNumber", employer.cbe_number)
    _xml.sub(emp, "provincialOrLocalAuthority", "true" if employer.public else "false")
    _xml.sub(emp, "employerClass", "0")
    employment = _xml.sub(item, "employment")
    _xml.sub(employment, "occupationSequenceNbr", "1")
    _xml.sub(employment, "workerCode", str(latest.worker_code if latest else 495))
    if latest is not None:
        _xml.sub(employment, "refQuarterSalary", _euros(latest.gross_wage_cents))
    _xml.sub(_xml.sub(employment, "regions"), "region", "FLANDERS")
    deduction = _xml.sub(_xml.sub(employment, "deductions"), "deduction")
    _xml.sub(deduction, "deductionCode", "3410")
    _xml.sub(deduction, "deductionAmount", _euros(45_000))
    unit = _xml.sub(item, "businessUnit")
    _xml.sub(unit, "localUnitId", "2000000000")
    _xml.sub(unit, "localUnitCityNisCode", "21004")


def _period(parent: _xml.Element, tag: str, period: Period) -> None:
    block = _xml.sub(parent, tag)
    _xml.sub(block, "beginDate", period.start.isoformat())
    if period.end is not None:
        _xml.sub(block, "endDate", period.end.isoformat())


def _items(payload: _xml.Element, wrapper: str, item: str) -> _xml.Element:
    return _xml.sub(_xml.sub(payload, wrapper), item)


def _person(payload: _xml.Element, population: Population, index: int,
            today: _dt.date) -> None:
    item = _items(payload, "persons", "person")
    item.set("register", population.register_of(index).value)
    _ssin(item, population, index)
    _xml.sub(item, "mutationDate", today.isoformat())
    groups = _xml.sub(item, "dataGroups")
    died = population.death_date(index)
    for group in (("DECEASE",) if died is not None else ("RESIDENTIAL_ADDRESS", "CIVIL_STATE")):
        _xml.sub(groups, "dataGroup", group)
    if died is not None:
        _xml.sub(item, "deceaseDate", died.isoformat())


def _family(payload: _xml.Element, population: Population, index: int,
            today: _dt.date) -> None:
    household = population.household(index)
    item = _items(payload, "familyCompositions", "familyComposition")
    _ssin(item, population, index)
    _xml.sub(item, "mutationDate", today.isoformat())
    _xml.sub(item, "reason", "MEMBER_ADDED" if len(household.members) > 1 else "HOUSEHOLD_MOVED")
    members = _xml.sub(item, "members")
    for member in household.members:
        block = _xml.sub(members, "member")
        _ssin(block, population, member.index)
        _xml.sub(block, "relationship", member.relationship)
        _xml.sub(block, "entryDate", member.since.isoformat())


def _pension(payload: _xml.Element, population: Population, index: int,
             today: _dt.date) -> None:
    pensions = population.facts(index).pensions
    pension = pensions[-1] if pensions else _facts.Pension(
        kind="GRAPA", period=Period(today), monthly_gross_cents=131_250)
    item = _items(payload, "pensionMutations", "pensionMutation")
    _ssin(item, population, index)
    _xml.sub(item, "mutationDate", today.isoformat())
    _xml.sub(item, "mutationType", "GRANTED" if pension.period.end is None else "STOPPED")
    block = _xml.sub(item, "pension")
    _xml.sub(block, "pensionType", pension.kind)
    _period(block, "period", pension.period)
    _xml.sub(block, "monthlyGrossAmount", _euros(pension.monthly_gross_cents))


def _dimona(payload: _xml.Element, population: Population, index: int,
            today: _dt.date) -> None:
    employments = population.facts(index).employments
    employment = employments[-1] if employments else _facts.Employment(
        employer=_facts.EMPLOYERS[0], worker_type="oth", white_collar=True,
        dimona_period_id=900_000_000 + index, period=Period(today))
    employer = employment.employer
    item = _items(payload, "dimonaDeclarations", "dimonaDeclaration")
    _ssin(item, population, index)
    _xml.sub(item, "dimonaPeriodId", str(employment.dimona_period_id))
    _xml.sub(item, "action", "IN" if employment.period.end is None else "OUT")
    _xml.sub(item, "declarationDate", today.isoformat())
    block = _xml.sub(item, "employer")
    _xml.sub(block, "nssoRegistrationNumber", employer.noss_number)
    _xml.sub(block, "enterpriseNumber", employer.cbe_number)
    _xml.sub(block, "name", employer.name)
    _xml.sub(item, "jointCommissionNbr", employer.joint_committee)
    _xml.sub(item, "workerType", employment.worker_type)
    _period(item, "period", employment.period)


def _self_employed(payload: _xml.Element, population: Population, index: int,
                   today: _dt.date) -> None:
    careers = population.facts(index).self_employment
    period = careers[-1].period if careers else Period(today)
    item = _items(payload, "careerMutations", "careerMutation")
    _ssin(item, population, index)
    _xml.sub(item, "mutationDate", today.isoformat())
    _xml.sub(item, "mutationType", "START" if period.end is None else "STOP")
    _period(item, "period", period)
    _xml.sub(item, "activity", careers[-1].activity if careers else "retail trade")


def _carmed(payload: _xml.Element, population: Population, index: int,
            today: _dt.date) -> None:
    decisions = population.facts(index).mediprima
    item = _items(payload, "calculations", "calculation")
    _ssin(item, population, index)
    if decisions:
        decision = decisions[-1]
        carmed, version, ocmw = decision.carmed_number, decision.version, \
            decision.ocmw_cbe_number
    else:
        carmed, version, ocmw = _uuid(f"{population.seed}:{index}:carmed"), 1, \
            SANDBOX_CBE_NUMBER
    _xml.sub(item, "carmedId", carmed)
    _xml.sub(item, "decisionVersion", str(version))
    _xml.sub(item, "ocmw", ocmw)
    _xml.sub(item, "calculationDate", today.isoformat())
    _period(item, "carePeriod", Period(today - _dt.timedelta(days=30),
                                       today - _dt.timedelta(days=1)))
    _xml.sub(item, "invoicedAmount", _euros(25_000))
    _xml.sub(item, "acceptedAmount", _euros(21_250))


def _pensionable(payload: _xml.Element, population: Population, index: int,
                 today: _dt.date) -> None:
    born = population.birth_date(index)
    attests = population.facts(index).leefloon
    item = _items(payload, "beneficiaries", "beneficiary")
    _ssin(item, population, index)
    try:
        pensionable = born.replace(year=born.year + 66)
    except ValueError:  # 29 February
        pensionable = born.replace(year=born.year + 66, day=28)
    _xml.sub(item, "pensionableDate", pensionable.isoformat())
    if attests:
        _xml.sub(item, "leefloonSince", attests[-1].period.start.isoformat())
    _xml.sub(item, "reason", "NO_CAREER_KNOWN")


def _vouchers(payload: _xml.Element, population: Population, index: int,
              today: _dt.date) -> None:
    last_month = today.replace(day=1) - _dt.timedelta(days=1)
    item = _items(payload, "payments", "payment")
    _ssin(item, population, index)
    _xml.sub(item, "paymentDate", today.isoformat())
    _xml.sub(item, "month", f"{last_month.year:04d}-{last_month.month:02d}")
    _xml.sub(item, "vouchers", "10")
    _xml.sub(item, "amount", _euros(4_110))


def _dismissal(payload: _xml.Element, population: Population, index: int,
               today: _dt.date) -> None:
    employments = population.facts(index).employments
    employer = employments[-1].employer if employments else _facts.EMPLOYERS[0]
    dismissed = today - _dt.timedelta(days=30)
    item = _items(payload, "compensations", "compensation")
    _ssin(item, population, index)
    block = _xml.sub(item, "employer")
    _xml.sub(block, "nssoRegistrationNumber", employer.noss_number)
    _xml.sub(block, "enterpriseNumber", employer.cbe_number)
    _xml.sub(item, "dismissalDate", dismissed.isoformat())
    _period(item, "period", Period(dismissed + _dt.timedelta(days=1),
                                   dismissed + _dt.timedelta(weeks=13)))
    _xml.sub(item, "weeks", "13")
    _xml.sub(item, "grossAmount", _euros(812_500))


def _holiday_pay(payload: _xml.Element, population: Population, index: int,
                 today: _dt.date) -> None:
    pensions = population.facts(index).pensions
    monthly = pensions[-1].monthly_gross_cents if pensions else 131_250
    item = _items(payload, "holidayPays", "holidayPay")
    _ssin(item, population, index)
    _xml.sub(item, "year", str(today.year))
    _xml.sub(item, "paymentDate", today.isoformat())
    _xml.sub(item, "grossAmount", _euros(monthly * 92 // 100))


_Builder = Callable[[_xml.Element, Population, int, _dt.date], None]

SUPPORTED: Final[dict[str, _Builder]] = {
    "notifyPerson": _person,
    "notifyFamilyComposition": _family,
    "notifyPensionRegisterMutation": _pension,
    "notifyPersonnelFile": _dimona,
    "notifySelfEmployedCareer": _self_employed,
    "notifyECarmedCalculation": _carmed,
    "notifyPensionablePCSABeneficiaries": _pensionable,
    "notifyHdiIndemnityAllowanceAttest": _hdi_attest,
    "notifyHdiIndemnityAllowancePeriod": _hdi_period,
    "notifyHdiIndemnityAllowanceIndemnityPeriods": _hdi_indemnity,
    "notifyPayments": _vouchers,
    "notifyDismissalCompensation": _dismissal,
    "notifyPensionHolidayPay": _holiday_pay,
    "notifyJobSeekerStatus": _job_seeker,
    "notifyDeduction": _deduction,
}
"""Notification operations the sandbox can push: every one of the catalogue."""


def types() -> list[tuple[catalogue.Service, catalogue.Operation]]:
    """Every notification type the sandbox pushes, in catalogue order."""
    return [(service, operation)
            for service in catalogue.services(group=catalogue.Group.NOTIFICATIONS)
            for operation in service.operations if operation.name in SUPPORTED]


def resolve(name: str) -> tuple[catalogue.Service, catalogue.Operation]:
    """The catalogue notification called `name` (operation name, case-insensitive).

    Raises KeyError for an unknown type, ValueError for one the sandbox cannot push.
    """
    folded = name.casefold()
    for service in catalogue.services(group=catalogue.Group.NOTIFICATIONS):
        for operation in service.operations:
            if folded in (operation.name.casefold(), operation.cli_name):
                if operation.name not in SUPPORTED:
                    raise ValueError(f"{operation.name} is not pushed by the sandbox; "
                                     f"supported: {', '.join(SUPPORTED)}")
                return service, operation
    raise KeyError(f"unknown notification type; supported: {', '.join(SUPPORTED)}")


def build(
    name: str,
    population: Population,
    ssin: str,
    *,
    sequence_number: int,
    receiver: str = SANDBOX_CBE_NUMBER,
    now: _dt.datetime | None = None,
    legal_context: str = _LEGAL_CONTEXT,
) -> Notification:
    """Build notification `name` about sandbox person `ssin` for `receiver` (a KBO number)."""
    service, operation = resolve(name)
    index = population.index_of(Ssin(ssin, allow_test=True))
    if index is None:
        raise KeyError("the SSIN is not a person of this sandbox population")
    moment = now or _dt.datetime.now(_dt.UTC)
    ticket = str(uuid.uuid4())
    payload = etree.Element(f"{{{service.namespace}}}{operation.request_element}",
                            nsmap={"ns": service.namespace})
    _sender_receiver(payload, "sender", SANDBOX_KSZ_CBE_NUMBER, ticket=ticket, sent=moment)
    _sender_receiver(payload, "receiver", receiver, ticket=None, sent=None)
    _xml.sub(payload, "legalContext", legal_context)
    _xml.sub(payload, "sequenceNumber", str(sequence_number))
    SUPPORTED[operation.name](payload, population, index, moment.date())
    return Notification(service, operation, payload, sequence_number, ticket)


def envelope(notification: Notification, signer: Signer,
             now: _dt.datetime | None = None) -> bytes:
    """The signed SOAP request carrying `notification`."""
    env = _soap.envelope(notification.payload)
    signer.sign(env, now=now)
    return _xml.to_bytes(env)
