"""DmfaConsultation V1 on the wire: criteria and attestations <-> XML, both directions.

Element names and order follow the official contract (set-b). The client
writes criteria and reads attestations; the sandbox reads criteria and writes
attestations with the same code. Unknown elements (and the blocks the models
leave out) are ignored; a missing required one is a `ResponseError`.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from ksz_client import _xml
from ksz_client._exceptions import InvalidSsin, ResponseError, ValidationError
from ksz_client.services.dmfa.models import (
    AttestationsCriteria,
    AttestationStatus,
    DmfaAttestation,
    LocalAuthorities,
    Occupation,
    PersonnelCriteria,
    Remuneration,
    SectorIndicator,
    ServiceLine,
    WorkerRecord,
)
from ksz_client.services.dolsis._rsz import EmployerId, EmployerIdKind
from ksz_client.ssin import Ssin
from ksz_client.types import AnsweredSsin, Money, Quarter

E = TypeVar("E", bound=StrEnum)

__all__ = [
    "AttestationsPage",
    "read_attestations_criteria",
    "read_attestations_page",
    "read_personnel_criteria",
    "write_attestations_criteria",
    "write_attestations_page",
    "write_personnel_criteria",
]

_HUNDRED = Decimal(100)
_ONLINE = "RESULTS_ONLINE_ONLY"
_BATCH = "RESULTS_BATCH_ONLY"


# --- small helpers ------------------------------------------------------------------------------


def _enum(cls: type[E], value: str, what: str) -> E:
    try:
        return cls(value)
    except ValueError:
        raise ResponseError(f"unknown {what} code in the answer") from None


def _ssin(text: str) -> Ssin:
    try:
        return Ssin(text, allow_test=True)
    except InvalidSsin:
        raise ResponseError("the answer carries a malformed SSIN") from None


def _req_int(el: _xml.Element, path: str) -> int:
    value = _xml.opt_int(el, path)
    if value is None:
        raise ResponseError(f"the answer lacks the required element {path}")
    return value


def _req_date(el: _xml.Element, path: str) -> _dt.date:
    value = _xml.opt_date(el, path)
    if value is None:
        raise ResponseError(f"the answer lacks the required element {path}")
    return value


def _hundredths(el: _xml.Element, path: str) -> Decimal | None:
    value = _xml.opt_int(el, path)
    return None if value is None else Decimal(value) / _HUNDRED


def _req_hundredths(el: _xml.Element, path: str) -> Decimal:
    value = _hundredths(el, path)
    if value is None:
        raise ResponseError(f"the answer lacks the required element {path}")
    return value


def _to_hundredths(value: Decimal) -> str:
    scaled = value * _HUNDRED
    if scaled != scaled.to_integral_value():
        raise ValidationError("days and hours have at most two decimals")
    return str(int(scaled))


def _money(el: _xml.Element, path: str) -> Money | None:
    value = _xml.opt_int(el, path)
    return None if value is None else Money.from_cents(value)


def _bool(el: _xml.Element, path: str) -> bool | None:
    return _xml.opt_bool(_xml.opt_text(el, path))


def _opt(parent: _xml.Element, tag: str, value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        _xml.sub(parent, tag, "true" if value else "false")
    elif isinstance(value, _dt.date):
        _xml.sub(parent, tag, value.isoformat())
    elif isinstance(value, Money):
        _xml.sub(parent, tag, str(value.cents))
    elif isinstance(value, Decimal):
        _xml.sub(parent, tag, _to_hundredths(value))
    else:
        _xml.sub(parent, tag, str(value))


def _quarter(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except ValidationError:
        raise ResponseError("a quarter in the answer is not YYYYQn") from None


# --- criteria ---------------------------------------------------------------------------------


def _write_common(el: _xml.Element, start: Quarter, end: Quarter, *, action: str,
                  latest_only: bool, authorities: LocalAuthorities | None,
                  sectors: tuple[SectorIndicator, ...]) -> None:
    period = _xml.sub(el, "quarterPeriod")
    _xml.sub(period, "beginQuarter", str(start))
    _xml.sub(period, "endQuarter", str(end))
    _xml.sub(el, "resultsAction", action)
    _xml.sub(el, "latestSituationOnly", "true" if latest_only else "false")
    if authorities is not None:
        _xml.sub(el, "provincialOrLocalAuthority",
                 "true" if authorities is LocalAuthorities.ONLY else "false")
    if sectors:
        group = _xml.sub(el, "sectorIndicators")
        for sector in sectors:
            _xml.sub(group, "sectorIndicator", sector.value)


def _write_employer(el: _xml.Element, employer: EmployerId, employer_class: int | None,
                    worker_code: int | None) -> None:
    tag = "enterpriseNumber" if employer.kind is EmployerIdKind.CBE else "nssoRegistrationNumber"
    _xml.sub(el, tag, employer.number)
    _opt(el, "employerClass", employer_class)
    _opt(el, "workerCode", worker_code)


def write_attestations_criteria(payload: _xml.Element, c: AttestationsCriteria) -> None:
    el = _xml.sub(payload, "criteria")
    _xml.sub(el, "ssin", str(c.ssin))
    _write_common(el, c.start, c.end, action=_BATCH if c.batch else _ONLINE,
                  latest_only=c.latest_only, authorities=c.local_authorities, sectors=c.sectors)
    if c.attestation_id is not None:
        _xml.sub(el, "attestationId", str(c.attestation_id))
        _opt(el, "attestationVersion", c.attestation_version)
    elif c.employer is not None:
        _write_employer(el, c.employer, c.employer_class, c.worker_code)
    _opt(el, "next", c.next_page)


def _read_common(el: _xml.Element) -> dict[str, object]:
    pla = _bool(el, "provincialOrLocalAuthority")
    latest = _bool(el, "latestSituationOnly")
    return {
        "start": Quarter.parse(_xml.req_text(el, "quarterPeriod/beginQuarter")),
        "end": Quarter.parse(_xml.req_text(el, "quarterPeriod/endQuarter")),
        "latest_only": True if latest is None else latest,
        "local_authorities": None if pla is None
        else LocalAuthorities.ONLY if pla else LocalAuthorities.EXCLUDED,
        "sectors": tuple(SectorIndicator(_xml.opt_text(s, "") or "")
                         for s in _xml.children(el.find("sectorIndicators"), "sectorIndicator")),
    }


def _read_employer(el: _xml.Element) -> EmployerId | None:
    enterprise = _xml.opt_text(el, "enterpriseNumber")
    if enterprise is not None:
        return EmployerId(EmployerIdKind.CBE, enterprise)
    noss = _xml.opt_text(el, "nssoRegistrationNumber")
    return EmployerId(EmployerIdKind.NOSS, noss) if noss is not None else None


def read_attestations_criteria(payload: _xml.Element) -> AttestationsCriteria:
    """The criteria of a request (the sandbox's side); invalid ones raise ValidationError."""
    el = _xml.req(payload, "criteria")
    try:
        return AttestationsCriteria(
            ssin=Ssin(_xml.req_text(el, "ssin"), allow_test=True),
            batch=_xml.req_text(el, "resultsAction") == _BATCH,
            attestation_id=_xml.opt_int(el, "attestationId"),
            attestation_version=_xml.opt_int(el, "attestationVersion"),
            employer=_read_employer(el),
            employer_class=_xml.opt_int(el, "employerClass"),
            worker_code=_xml.opt_int(el, "workerCode"),
            next_page=_xml.opt_text(el, "next"),
            **_read_common(el),  # type: ignore[arg-type]
        )
    except (ValueError, ResponseError) as exc:
        raise ValidationError(str(exc)) from None


def write_personnel_criteria(payload: _xml.Element, c: PersonnelCriteria) -> None:
    el = _xml.sub(payload, "criteria")
    _write_common(el, c.start, c.end, action=_BATCH, latest_only=c.latest_only,
                  authorities=c.local_authorities, sectors=c.sectors)
    _write_employer(el, c.employer, c.employer_class, c.worker_code)


def read_personnel_criteria(payload: _xml.Element) -> PersonnelCriteria:
    el = _xml.req(payload, "criteria")
    try:
        employer = _read_employer(el)
        if employer is None:
            raise ValidationError("the criteria name no employer")
        return PersonnelCriteria(
            employer=employer,
            employer_class=_xml.opt_int(el, "employerClass"),
            worker_code=_xml.opt_int(el, "workerCode"),
            **_read_common(el),  # type: ignore[arg-type]
        )
    except (ValueError, ResponseError) as exc:
        raise ValidationError(str(exc)) from None


# --- attestations ------------------------------------------------------------------------------


def _write_occupation(parent: _xml.Element, o: Occupation) -> None:
    el = _xml.sub(parent, "attOccupation")
    _xml.sub(el, "occupationSequenceNbr", str(o.sequence))
    _xml.sub(el, "internalOccupationNbr", o.internal_number)
    _opt(el, "occupationStartingDate", o.start)
    _opt(el, "occupationEndingDate", o.end)
    _opt(el, "jointCommissionNbr", o.joint_committee)
    _xml.sub(el, "workingDaysSystem", _to_hundredths(o.days_per_week))
    _xml.sub(el, "contractType", str(o.contract_type))
    _opt(el, "refMeanWorkingHours", o.reference_weekly_hours)
    _opt(el, "meanWorkingHours", o.mean_weekly_hours)
    _opt(el, "workerStatus", o.worker_status)
    _opt(el, "retired", o.retired)
    _opt(el, "apprenticeship", o.apprenticeship)
    _opt(el, "remunMethod", o.remuneration_method)
    _opt(el, "positionCode", o.position_code)
    if o.services:
        group = _xml.sub(el, "attServices")
        for s in o.services:
            item = _xml.sub(group, "attService")
            _xml.sub(item, "serviceSequenceNbr", str(s.sequence))
            _opt(item, "serviceCode", s.code)
            _xml.sub(item, "serviceNbrDays", _to_hundredths(s.days))
            _opt(item, "serviceNbrHours", s.hours)
    if o.remunerations:
        group = _xml.sub(el, "attRemuns")
        for r in o.remunerations:
            item = _xml.sub(group, "attRemun")
            _xml.sub(item, "remunSequenceNbr", str(r.sequence))
            _xml.sub(item, "remunCode", str(r.code))
            _opt(item, "bonusPaymentFrequency", r.bonus_frequency)
            _opt(item, "percentagePaid", r.percentage_paid)
            _opt(item, "fictitiousSalary", r.fictitious_salary)
            _xml.sub(item, "remunAmount", str(r.amount.cents))


def _read_occupation(el: _xml.Element) -> Occupation:
    return Occupation(
        sequence=_req_int(el, "occupationSequenceNbr"),
        internal_number=_xml.req_text(el, "internalOccupationNbr"),
        days_per_week=_req_hundredths(el, "workingDaysSystem"),
        contract_type=_req_int(el, "contractType"),
        start=_xml.opt_date(el, "occupationStartingDate"),
        end=_xml.opt_date(el, "occupationEndingDate"),
        joint_committee=_xml.opt_text(el, "jointCommissionNbr"),
        mean_weekly_hours=_hundredths(el, "meanWorkingHours"),
        reference_weekly_hours=_hundredths(el, "refMeanWorkingHours"),
        worker_status=_xml.opt_text(el, "workerStatus"),
        retired=_xml.opt_int(el, "retired"),
        apprenticeship=_xml.opt_int(el, "apprenticeship"),
        remuneration_method=_xml.opt_int(el, "remunMethod"),
        position_code=_xml.opt_int(el, "positionCode"),
        services=tuple(
            ServiceLine(
                sequence=_req_int(s, "serviceSequenceNbr"),
                code=_xml.opt_int(s, "serviceCode"),
                days=_req_hundredths(s, "serviceNbrDays"),
                hours=_hundredths(s, "serviceNbrHours"),
            )
            for s in _xml.children(el.find("attServices"), "attService")
        ),
        remunerations=tuple(
            Remuneration(
                sequence=_req_int(r, "remunSequenceNbr"),
                code=_req_int(r, "remunCode"),
                amount=Money.from_cents(_req_int(r, "remunAmount")),
                bonus_frequency=_xml.opt_int(r, "bonusPaymentFrequency"),
                percentage_paid=_xml.opt_int(r, "percentagePaid"),
                fictitious_salary=_money(r, "fictitiousSalary"),
            )
            for r in _xml.children(el.find("attRemuns"), "attRemun")
        ),
    )


def _write_attestation(parent: _xml.Element, a: DmfaAttestation) -> None:
    el = _xml.sub(parent, "dmfaAttestation")
    info = _xml.sub(el, "attestationInformation")
    _xml.sub(info, "attestationId", str(a.attestation_id))
    _xml.sub(info, "attestationVersion", str(a.version))
    _xml.sub(info, "attestationStatus", a.status.value)
    _xml.sub(info, "creationDate", a.created.isoformat())
    if a.previous_version is not None or a.next_version is not None:
        link = _xml.sub(el, "attestationVersionLink")
        _opt(link, "previousAttestationVersion", a.previous_version)
        _opt(link, "nextAttestationVersion", a.next_version)
    declaration = _xml.sub(el, "attEmployerDeclaration")
    _xml.sub(declaration, "quarter", str(a.quarter))
    _xml.sub(declaration, "nssoRegistrationNumber", a.noss_number)
    _opt(declaration, "provincialOrLocalAuthority", a.provincial_or_local_authority)
    _opt(declaration, "sectorIndicator", a.sector.value if a.sector else None)
    if a.trusteeship is not None:
        _xml.sub(declaration, "trusteeship", "1" if a.trusteeship else "0")
    _opt(declaration, "enterpriseNumber", a.enterprise_number)
    _opt(declaration, "netOwedAmount", a.net_owed)
    if a.worker_ssin is not None and a.worker is not None:
        person = _xml.sub(declaration, "attNaturalPerson")
        _xml.sub(person, "ssin", str(a.worker_ssin))
        # 1: the SSIN was validated against the registers (Oriolus)
        _xml.sub(person, "oriolusValidationCode", "1")
        record = _xml.sub(person, "attWorkerRecord")
        w = a.worker
        _opt(record, "employerClass", w.employer_class)
        _opt(record, "workerCode", w.worker_code)
        _xml.sub(record, "nssoQuarterStartingDate", w.quarter_start.isoformat())
        _xml.sub(record, "nssoQuarterEndingDate", w.quarter_end.isoformat())
        if w.occupations:
            group = _xml.sub(record, "attOccupations")
            for occupation in w.occupations:
                _write_occupation(group, occupation)


def _read_attestation(el: _xml.Element) -> DmfaAttestation:
    info = _xml.req(el, "attestationInformation")
    declaration = _xml.req(el, "attEmployerDeclaration")
    person = declaration.find("attNaturalPerson")
    record = person.find("attWorkerRecord") if person is not None else None
    sector = _xml.opt_text(declaration, "sectorIndicator")
    trusteeship = _xml.opt_int(declaration, "trusteeship")
    ssin = _xml.opt_text(person, "ssin")
    return DmfaAttestation(
        attestation_id=_req_int(info, "attestationId"),
        version=_req_int(info, "attestationVersion"),
        status=_enum(AttestationStatus, _xml.req_text(info, "attestationStatus"),
                     "attestation status"),
        created=_req_date(info, "creationDate"),
        quarter=_quarter(_xml.req_text(declaration, "quarter")),
        noss_number=_xml.req_text(declaration, "nssoRegistrationNumber"),
        enterprise_number=_xml.opt_text(declaration, "enterpriseNumber"),
        provincial_or_local_authority=_bool(declaration, "provincialOrLocalAuthority"),
        sector=_enum(SectorIndicator, sector, "sector indicator") if sector else None,
        trusteeship=None if trusteeship is None else trusteeship == 1,
        net_owed=_money(declaration, "netOwedAmount"),
        previous_version=_xml.opt_int(el, "attestationVersionLink/previousAttestationVersion"),
        next_version=_xml.opt_int(el, "attestationVersionLink/nextAttestationVersion"),
        worker_ssin=_ssin(ssin) if ssin else None,
        worker=WorkerRecord(
            quarter_start=_req_date(record, "nssoQuarterStartingDate"),
            quarter_end=_req_date(record, "nssoQuarterEndingDate"),
            employer_class=_xml.opt_int(record, "employerClass"),
            worker_code=_xml.opt_int(record, "workerCode"),
            occupations=tuple(_read_occupation(o) for o in _xml.children(
                record.find("attOccupations"), "attOccupation")),
        ) if record is not None else None,
    )


@dataclass(frozen=True)
class AttestationsPage:
    """What follows the status in a ``consultDmfaAttestationsBySsinResponse``."""

    attestations: tuple[DmfaAttestation, ...] = ()
    ssin: AnsweredSsin | None = None
    next_page: str | None = None
    data_filters: tuple[str, ...] = ()
    unsupported: tuple[str, ...] = ()


def write_attestations_page(response: _xml.Element, page: AttestationsPage) -> None:
    """Append ssin, dataFilters, unsupportedData, dmfaAttestations and next (in this order)."""
    if page.ssin is not None:
        el = _xml.sub(response, "ssin", str(page.ssin.ssin))
        if page.ssin.canceled:
            el.set("canceled", "true")
        if page.ssin.replaces is not None:
            el.set("replaces", str(page.ssin.replaces))
    if page.data_filters:
        group = _xml.sub(response, "dataFilters")
        for name in page.data_filters:
            _xml.sub(group, "filteredElement", name)
    if page.unsupported:
        group = _xml.sub(response, "unsupportedData")
        for name in page.unsupported:
            _xml.sub(group, "unsupportedElement", name)
    if page.attestations:
        group = _xml.sub(response, "dmfaAttestations")
        for attestation in page.attestations:
            _write_attestation(group, attestation)
    _opt(response, "next", page.next_page)


def read_attestations_page(response: _xml.Element) -> AttestationsPage:
    ssin_el = response.find("ssin")
    answered = None
    if ssin_el is not None:
        replaces = ssin_el.get("replaces")
        answered = AnsweredSsin(
            ssin=_ssin(_xml.req_text(response, "ssin")),
            canceled=_xml.opt_bool(ssin_el.get("canceled")) or False,
            replaces=_ssin(replaces) if replaces else None,
        )
    return AttestationsPage(
        attestations=tuple(_read_attestation(a) for a in _xml.children(
            response.find("dmfaAttestations"), "dmfaAttestation")),
        ssin=answered,
        next_page=_xml.opt_text(response, "next"),
        data_filters=tuple(t for f in _xml.children(response.find("dataFilters"),
                                                    "filteredElement")
                           if (t := _xml.opt_text(f, ""))),
        unsupported=tuple(t for f in _xml.children(response.find("unsupportedData"),
                                                   "unsupportedElement")
                          if (t := _xml.opt_text(f, ""))),
    )
