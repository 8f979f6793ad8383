"""Push notifications from the sandbox to an OCMW's receiver, signed as the KSZ signs them.

The KSZ pushes mutations to the OCMW (SPEC §2.6): a SOAP 1.1 request whose
body is the notification element, WS-Security signed, POSTed to the
receiver. ``ksz sandbox notify --to URL --type TYPE --ssin SSIN`` does the
same from the sandbox, with its response-signing key, so that a receiver
can be tested end to end.

The types whose official contracts exist are built here, from the person's
sandbox facts: the three HdiIndemnityAllowance notifications,
``notifyJobSeekerStatus`` and ``notifyDeduction``. The other catalogue
notifications follow with the notifications issue.
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


_Builder = Callable[[_xml.Element, Population, int, _dt.date], None]

SUPPORTED: Final[dict[str, _Builder]] = {
    "notifyHdiIndemnityAllowanceAttest": _hdi_attest,
    "notifyHdiIndemnityAllowancePeriod": _hdi_period,
    "notifyHdiIndemnityAllowanceIndemnityPeriods": _hdi_indemnity,
    "notifyJobSeekerStatus": _job_seeker,
    "notifyDeduction": _deduction,
}
"""Notification operations the sandbox can push (those with an official contract)."""


def resolve(name: str) -> tuple[catalogue.Service, catalogue.Operation]:
    """The catalogue notification called `name` (operation name, case-insensitive).

    Raises KeyError for an unknown type, ValueError for one not pushed yet.
    """
    folded = name.casefold()
    for service in catalogue.services(group=catalogue.Group.NOTIFICATIONS):
        for operation in service.operations:
            if folded in (operation.name.casefold(), operation.cli_name):
                if operation.name not in SUPPORTED:
                    raise ValueError(
                        f"{operation.name} is not pushed by the sandbox yet (it comes with the "
                        f"notifications issue); supported: {', '.join(SUPPORTED)}"
                    )
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
