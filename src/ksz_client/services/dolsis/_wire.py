"""Dolsis on the wire: criteria and results <-> XML, both directions.

The client writes criteria and reads results; the sandbox reads criteria and
writes results with the same code, and round-trip tests keep the pairs honest.
Unknown elements are ignored; a missing required one is a `ResponseError`.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from ksz_client import _xml
from ksz_client._exceptions import InvalidSsin, ResponseError, ValidationError
from ksz_client.services.dolsis._rsz import EmployerId, EmployerIdKind
from ksz_client.services.dolsis.models import (
    Affiliation,
    ContractType,
    Curator,
    DeclarationType,
    DimonaAction,
    DocumentStatus,
    EmployerDetail,
    EmployerType,
    Employment,
    EmploymentDetailCriteria,
    EmploymentQuarter,
    EmploymentsCriteria,
    ForeignEmployer,
    PostedWorker,
    PostedWorkerSearch,
    PostingDocument,
    PostingSummary,
    Scope,
    SecurityContext,
)
from ksz_client.ssin import Gender, Ssin
from ksz_client.types import Address, AddressKind, EmployerRef, Money, Period, PersonName, Quarter

E = TypeVar("E", bound=StrEnum)

__all__ = [
    "read_employer_detail",
    "read_employer_detail_criteria",
    "read_employment_detail",
    "read_employment_detail_criteria",
    "read_employments",
    "read_employments_criteria",
    "read_posted_worker_detail",
    "read_posted_workers",
    "read_posted_workers_criteria",
    "read_posting_document",
    "read_security_context",
    "read_technical_id",
    "write_employer_detail",
    "write_employer_detail_criteria",
    "write_employment_detail",
    "write_employment_detail_criteria",
    "write_employments",
    "write_employments_criteria",
    "write_posted_worker_detail",
    "write_posted_workers",
    "write_posted_workers_criteria",
    "write_posting_document",
    "write_security_context",
    "write_technical_id",
]

_HUNDRED = Decimal(100)


# --- small readers -------------------------------------------------------------------------


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


def _req_date(el: _xml.Element, path: str) -> _dt.date:
    value = _xml.opt_date(el, path)
    if value is None:
        raise ResponseError(f"the answer lacks the required element {path}")
    return value


def _req_int(el: _xml.Element, path: str) -> int:
    value = _xml.opt_int(el, path)
    if value is None:
        raise ResponseError(f"the answer lacks the required element {path}")
    return value


def _bool(el: _xml.Element, path: str) -> bool:
    return _xml.opt_bool(_xml.req_text(el, path)) or False


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


def _quarter(el: _xml.Element, path: str) -> Quarter:
    try:
        return Quarter.parse(_xml.req_text(el, path))
    except ValidationError:
        raise ResponseError(f"{path} is not a quarter") from None


def _employer_ref(el: _xml.Element | None) -> EmployerRef | None:
    if el is None:
        return None
    try:
        return EmployerRef(
            name=_xml.opt_text(el, "name"),
            cbe_number=_xml.opt_text(el, "cbeNumber"),
            noss_number=_xml.opt_text(el, "nossRegistrationNumber"),
        )
    except ValidationError:
        raise ResponseError("the answer carries a malformed employer number") from None


def _write_employer(parent: _xml.Element, tag: str, ref: EmployerRef, vat: str | None,
                    *, full: bool) -> None:
    el = _xml.sub(parent, tag)
    if ref.name or full:
        _xml.sub(el, "name", ref.name or "")
    if ref.cbe_number or full:
        _xml.sub(el, "cbeNumber", ref.cbe_number or "")
    if vat:
        _xml.sub(el, "vatNumber", vat)
    if ref.noss_number or full:
        _xml.sub(el, "nossRegistrationNumber", ref.noss_number or "")


def _write_opt(parent: _xml.Element, tag: str, value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        _xml.sub(parent, tag, "true" if value else "false")
    elif isinstance(value, _dt.date):
        _xml.sub(parent, tag, value.isoformat())
    else:
        _xml.sub(parent, tag, str(value))


# --- security context and employer identification -------------------------------------------


def write_security_context(payload: _xml.Element, security: SecurityContext) -> None:
    el = _xml.sub(payload, "securityContext")
    _xml.sub(el, "service", security.service)
    _xml.sub(el, "legalContext", security.legal_context)
    _xml.sub(el, "role", security.role)


def read_security_context(payload: _xml.Element) -> SecurityContext:
    """The request's security context (the sandbox's side); invalid ones raise ValidationError."""
    el = _xml.req(payload, "securityContext")
    return SecurityContext(
        service=_xml.req_text(el, "service"),
        legal_context=_xml.req_text(el, "legalContext"),
        role=_xml.req_text(el, "role"),
    )


def _write_employer_id(parent: _xml.Element, employer: EmployerId) -> None:
    el = _xml.sub(parent, "employer")
    tag = "cbeNumber" if employer.kind is EmployerIdKind.CBE else "nossRegistrationNumber"
    _xml.sub(el, tag, employer.number)


def _read_employer_id(parent: _xml.Element) -> EmployerId:
    el = _xml.req(parent, "employer")
    cbe = _xml.opt_text(el, "cbeNumber")
    if cbe is not None:
        return EmployerId(EmployerIdKind.CBE, cbe)
    return EmployerId(EmployerIdKind.NOSS, _xml.req_text(el, "nossRegistrationNumber"))


# --- findEmployersByWorker -------------------------------------------------------------------


def write_employments_criteria(payload: _xml.Element, criteria: EmploymentsCriteria) -> None:
    el = _xml.sub(payload, "criteria")
    _xml.sub(el, "ssin", str(criteria.ssin))
    _xml.sub(el, "scope", criteria.scope.value)
    if criteria.period is not None:
        period = _xml.sub(el, "period")
        _xml.sub(period, "beginDate", criteria.period.start.isoformat())
        _write_opt(period, "endDate", criteria.period.end)


def read_employments_criteria(payload: _xml.Element) -> EmploymentsCriteria:
    el = _xml.req(payload, "criteria")
    period_el = el.find("period")
    try:
        return EmploymentsCriteria(
            ssin=Ssin(_xml.req_text(el, "ssin"), allow_test=True),
            scope=Scope(_xml.req_text(el, "scope")),
            period=Period(_req_date(period_el, "beginDate"), _xml.opt_date(period_el, "endDate"))
            if period_el is not None else None,
        )
    except ValueError as exc:  # ValidationError, InvalidSsin, an unknown scope
        raise ValidationError(str(exc)) from None


def write_employments(result: _xml.Element, employments: tuple[Employment, ...]) -> None:
    for e in employments:
        el = _xml.sub(result, "employment")
        _write_employer(el, "employer", e.employer, e.employer_vat_number, full=True)
        _write_opt(el, "jointCommissionNbr", e.joint_committee)
        _xml.sub(el, "workerType", e.worker_type_code)
        _xml.sub(el, "dimonaPeriodId", str(e.dimona_period_id))
        _xml.sub(el, "lastDimonaAction", e.last_action.value)
        _write_opt(el, "cancelled", e.cancelled)
        if e.using_employer is not None:
            _write_employer(el, "usingEmployer", e.using_employer, None, full=False)
        _write_opt(el, "creationDate", e.created)
        _write_opt(el, "lastUpdateDate", e.last_updated)
        _write_opt(el, "inServiceDate", e.in_service)
        _write_opt(el, "outServiceDate", e.out_service)


def read_employments(result: _xml.Element | None) -> tuple[Employment, ...]:
    out = []
    for el in _xml.children(result, "employment"):
        employer = _employer_ref(_xml.req(el, "employer"))
        assert employer is not None
        out.append(Employment(
            employer=employer,
            worker_type_code=_xml.req_text(el, "workerType"),
            dimona_period_id=_req_int(el, "dimonaPeriodId"),
            last_action=_enum(DimonaAction, _xml.req_text(el, "lastDimonaAction"),
                              "Dimona action"),
            cancelled=_bool(el, "cancelled"),
            created=_req_date(el, "creationDate"),
            last_updated=_req_date(el, "lastUpdateDate"),
            in_service=_req_date(el, "inServiceDate"),
            out_service=_xml.opt_date(el, "outServiceDate"),
            joint_committee=_xml.opt_text(el, "jointCommissionNbr"),
            employer_vat_number=_xml.opt_text(el, "employer/vatNumber"),
            using_employer=_employer_ref(el.find("usingEmployer")),
        ))
    return tuple(out)


# --- getEmploymentDetail ---------------------------------------------------------------------


def write_employment_detail_criteria(payload: _xml.Element,
                                     criteria: EmploymentDetailCriteria) -> None:
    el = _xml.sub(payload, "criteria")
    _xml.sub(el, "ssin", str(criteria.ssin))
    _write_employer_id(el, criteria.employer)
    period = _xml.sub(el, "quarterPeriod")
    _xml.sub(period, "beginQuarter", str(criteria.start))
    _xml.sub(period, "endQuarter", str(criteria.end))


def read_employment_detail_criteria(payload: _xml.Element) -> EmploymentDetailCriteria:
    el = _xml.req(payload, "criteria")
    try:
        return EmploymentDetailCriteria(
            ssin=Ssin(_xml.req_text(el, "ssin"), allow_test=True),
            employer=_read_employer_id(el),
            start=Quarter.parse(_xml.req_text(el, "quarterPeriod/beginQuarter")),
            end=Quarter.parse(_xml.req_text(el, "quarterPeriod/endQuarter")),
        )
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


def write_employment_detail(result: _xml.Element, employer: EmployerRef, vat: str | None,
                            quarters: tuple[EmploymentQuarter, ...]) -> None:
    _write_employer(result, "employer", employer, vat, full=True)
    for q in quarters:
        el = _xml.sub(result, "quarter")
        _xml.sub(el, "quarter", str(q.quarter))
        _xml.sub(el, "workerCode", str(q.worker_code))
        _write_opt(el, "jointCommissionNbr", q.joint_committee)
        _write_opt(el, "occupationStartingDate", q.occupation_start)
        _write_opt(el, "occupationEndingDate", q.occupation_end)
        _xml.sub(el, "contractType", q.contract_type.value)
        _xml.sub(el, "grossRemuneration", str(q.gross_remuneration.cents))
        _xml.sub(el, "workedDays", _to_hundredths(q.worked_days))
        for tag, value in (("workedHours", q.worked_hours),
                           ("meanWorkingHours", q.mean_weekly_hours),
                           ("refMeanWorkingHours", q.reference_weekly_hours)):
            if value is not None:
                _xml.sub(el, tag, _to_hundredths(value))


def read_employment_detail(
    result: _xml.Element | None,
) -> tuple[EmployerRef | None, str | None, tuple[EmploymentQuarter, ...]]:
    """(employer, its VAT number, quarters) of a result; (None, None, ()) without one."""
    if result is None:
        return None, None, ()
    employer = _employer_ref(_xml.req(result, "employer"))
    quarters = []
    for el in _xml.children(result, "quarter"):
        cents = _req_int(el, "grossRemuneration")
        quarters.append(EmploymentQuarter(
            quarter=_quarter(el, "quarter"),
            worker_code=_req_int(el, "workerCode"),
            contract_type=_enum(ContractType, _xml.req_text(el, "contractType"), "contract type"),
            gross_remuneration=Money.from_cents(cents),
            worked_days=_req_hundredths(el, "workedDays"),
            worked_hours=_hundredths(el, "workedHours"),
            mean_weekly_hours=_hundredths(el, "meanWorkingHours"),
            reference_weekly_hours=_hundredths(el, "refMeanWorkingHours"),
            joint_committee=_xml.opt_text(el, "jointCommissionNbr"),
            occupation_start=_xml.opt_date(el, "occupationStartingDate"),
            occupation_end=_xml.opt_date(el, "occupationEndingDate"),
        ))
    return employer, _xml.opt_text(result, "employer/vatNumber"), tuple(quarters)


# --- getEmployerDetail -----------------------------------------------------------------------


def write_employer_detail_criteria(payload: _xml.Element, employer: EmployerId) -> None:
    _write_employer_id(_xml.sub(payload, "criteria"), employer)


def read_employer_detail_criteria(payload: _xml.Element) -> EmployerId:
    try:
        return _read_employer_id(_xml.req(payload, "criteria"))
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


def _write_affiliation(parent: _xml.Element, tag: str, value: Affiliation | None) -> None:
    if value is not None:
        el = _xml.sub(parent, tag)
        _xml.sub(el, "number", value.number)
        _xml.sub(el, "name", value.name)


def _read_affiliation(el: _xml.Element | None) -> Affiliation | None:
    if el is None:
        return None
    return Affiliation(_xml.req_text(el, "number"), _xml.req_text(el, "name"))


def _write_address(parent: _xml.Element, tag: str, address: Address) -> None:
    el = _xml.sub(parent, tag)
    _write_opt(el, "street", address.street)
    _write_opt(el, "houseNumber", address.house_number)
    _write_opt(el, "postalCode", address.postal_code)
    _xml.sub(el, "municipality", address.municipality or "")


def _read_address(el: _xml.Element, kind: AddressKind) -> Address:
    return Address(
        kind=kind,
        street=_xml.opt_text(el, "street"),
        house_number=_xml.opt_text(el, "houseNumber"),
        postal_code=_xml.opt_text(el, "postalCode"),
        municipality=_xml.req_text(el, "municipality"),
    )


def write_employer_detail(result: _xml.Element, detail: EmployerDetail) -> None:
    el = _xml.sub(result, "employer")
    _xml.sub(el, "name", detail.employer.name or "")
    _xml.sub(el, "cbeNumber", detail.employer.cbe_number or "")
    _write_opt(el, "vatNumber", detail.vat_number)
    _xml.sub(el, "nossRegistrationNumber", detail.employer.noss_number or "")
    _xml.sub(el, "employerType", detail.employer_type.value)
    _write_opt(el, "employerClass", detail.employer_class)
    for committee in detail.joint_committees:
        _xml.sub(el, "jointCommissionNbr", committee)
    _write_opt(el, "registrationDate", detail.registered)
    _write_opt(el, "deregistrationDate", detail.deregistered)
    if detail.address is not None:
        _write_address(el, "address", detail.address)
    _write_affiliation(el, "socialSecretariat", detail.social_secretariat)
    _write_affiliation(el, "familyAllowanceFund", detail.family_allowance_fund)
    if detail.curator is not None:
        curator = _xml.sub(el, "curator")
        _xml.sub(curator, "name", detail.curator.name)
        _write_opt(curator, "appointmentDate", detail.curator.appointed)


def read_employer_detail(result: _xml.Element | None) -> EmployerDetail | None:
    if result is None:
        return None
    el = _xml.req(result, "employer")
    employer = _employer_ref(el)
    assert employer is not None
    address = el.find("address")
    curator = el.find("curator")
    return EmployerDetail(
        employer=employer,
        employer_type=_enum(EmployerType, _xml.req_text(el, "employerType"), "employer type"),
        vat_number=_xml.opt_text(el, "vatNumber"),
        employer_class=_xml.opt_int(el, "employerClass"),
        joint_committees=tuple(t for c in _xml.children(el, "jointCommissionNbr")
                               if (t := _xml.opt_text(c, ""))),
        registered=_xml.opt_date(el, "registrationDate"),
        deregistered=_xml.opt_date(el, "deregistrationDate"),
        address=_read_address(address, AddressKind.POSTAL) if address is not None else None,
        social_secretariat=_read_affiliation(el.find("socialSecretariat")),
        family_allowance_fund=_read_affiliation(el.find("familyAllowanceFund")),
        curator=Curator(_xml.req_text(curator, "name"), _xml.opt_date(curator, "appointmentDate"))
        if curator is not None else None,
    )


# --- Limosa -----------------------------------------------------------------------------------


def write_posted_workers_criteria(payload: _xml.Element, search: PostedWorkerSearch) -> None:
    el = _xml.sub(payload, "criteria")
    name = _xml.sub(el, "name")
    _xml.sub(name, "lastName", search.last_name)
    _write_opt(name, "givenName", search.given_name)
    _write_opt(el, "birthDate", search.birth_date)
    _xml.sub(el, "maximumResultCount", str(search.max_results))


def read_posted_workers_criteria(payload: _xml.Element) -> PostedWorkerSearch:
    el = _xml.req(payload, "criteria")
    try:
        return PostedWorkerSearch(
            last_name=_xml.req_text(el, "name/lastName"),
            given_name=_xml.opt_text(el, "name/givenName"),
            birth_date=_xml.opt_date(el, "birthDate"),
            max_results=_xml.opt_int(el, "maximumResultCount") or 10,
        )
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


def write_technical_id(payload: _xml.Element, tag: str, value: str) -> None:
    _xml.sub(_xml.sub(payload, "criteria"), tag, value)


def read_technical_id(payload: _xml.Element, tag: str) -> str:
    return _xml.req_text(_xml.req(payload, "criteria"), tag)


def _write_worker(parent: _xml.Element, worker: PostedWorker) -> None:
    el = _xml.sub(parent, "postedWorker")
    _xml.sub(el, "workerId", worker.worker_id)
    name = _xml.sub(el, "name")
    _xml.sub(name, "lastName", worker.name.last_name)
    for given in worker.name.given_names[:3]:
        _xml.sub(name, "givenName", given)
    _write_opt(el, "birthDate", worker.birth_date)
    _write_opt(el, "gender", worker.gender.value if worker.gender else None)
    _write_opt(el, "nationality", worker.nationality)
    _write_opt(el, "ssin", str(worker.ssin) if worker.ssin else None)


def _read_worker(el: _xml.Element) -> PostedWorker:
    name = _xml.req(el, "name")
    gender = _xml.opt_text(el, "gender")
    ssin = _xml.opt_text(el, "ssin")
    return PostedWorker(
        worker_id=_xml.req_text(el, "workerId"),
        name=PersonName(
            last_name=_xml.req_text(name, "lastName"),
            given_names=tuple(t for g in _xml.children(name, "givenName")
                              if (t := _xml.opt_text(g, ""))),
        ),
        birth_date=_xml.opt_date(el, "birthDate"),
        gender=_enum(Gender, gender, "gender") if gender else None,
        nationality=_xml.opt_text(el, "nationality"),
        ssin=_ssin(ssin) if ssin else None,
    )


def _write_foreign_employer(parent: _xml.Element, employer: ForeignEmployer) -> None:
    el = _xml.sub(parent, "foreignEmployer")
    _xml.sub(el, "name", employer.name)
    _xml.sub(el, "countryCode", employer.country_code)
    _write_opt(el, "identification", employer.identification)


def _read_foreign_employer(el: _xml.Element) -> ForeignEmployer:
    return ForeignEmployer(
        name=_xml.req_text(el, "name"),
        country_code=_xml.req_text(el, "countryCode"),
        identification=_xml.opt_text(el, "identification"),
    )


def _write_period(parent: _xml.Element, period: Period) -> None:
    el = _xml.sub(parent, "period")
    _xml.sub(el, "beginDate", period.start.isoformat())
    _write_opt(el, "endDate", period.end)


def _read_period(el: _xml.Element) -> Period:
    try:
        return Period(_req_date(el, "beginDate"), _xml.opt_date(el, "endDate"))
    except ValidationError:
        raise ResponseError("the answer carries a period that ends before it starts") from None


def write_posted_workers(result: _xml.Element, workers: tuple[PostedWorker, ...]) -> None:
    for worker in workers:
        _write_worker(result, worker)


def read_posted_workers(result: _xml.Element | None) -> tuple[PostedWorker, ...]:
    return tuple(_read_worker(el) for el in _xml.children(result, "postedWorker"))


def write_posted_worker_detail(result: _xml.Element, worker: PostedWorker,
                               postings: tuple[PostingSummary, ...]) -> None:
    _write_worker(result, worker)
    for posting in postings:
        el = _xml.sub(result, "posting")
        _xml.sub(el, "postingDocumentId", posting.document_id)
        _write_period(el, posting.period)
        _write_foreign_employer(el, posting.foreign_employer)
        if posting.belgian_client is not None:
            _write_employer(el, "belgianClient", posting.belgian_client, None, full=False)


def read_posted_worker_detail(
    result: _xml.Element | None,
) -> tuple[PostedWorker | None, tuple[PostingSummary, ...]]:
    if result is None:
        return None, ()
    worker = _read_worker(_xml.req(result, "postedWorker"))
    postings = tuple(
        PostingSummary(
            document_id=_xml.req_text(el, "postingDocumentId"),
            period=_read_period(_xml.req(el, "period")),
            foreign_employer=_read_foreign_employer(_xml.req(el, "foreignEmployer")),
            belgian_client=_employer_ref(el.find("belgianClient")),
        )
        for el in _xml.children(result, "posting")
    )
    return worker, postings


def write_posting_document(result: _xml.Element, document: PostingDocument) -> None:
    el = _xml.sub(result, "postingDocument")
    _xml.sub(el, "postingDocumentId", document.document_id)
    _xml.sub(el, "declarationType", document.declaration_type.value)
    _xml.sub(el, "documentStatus", document.document_status.value)
    _xml.sub(el, "declarationDate", document.declared_on.isoformat())
    _write_period(el, document.period)
    _write_worker(el, document.worker)
    _write_foreign_employer(el, document.foreign_employer)
    if document.belgian_client is not None:
        _write_employer(el, "belgianClient", document.belgian_client, None, full=False)
    for workplace in document.workplaces:
        _write_address(el, "workplace", workplace)
    _write_opt(el, "jointCommissionNbr", document.joint_committee)
    if document.weekly_hours is not None:
        _xml.sub(el, "weeklyWorkingHours", _to_hundredths(document.weekly_hours))


def read_posting_document(result: _xml.Element | None) -> PostingDocument | None:
    if result is None:
        return None
    el = _xml.req(result, "postingDocument")
    return PostingDocument(
        document_id=_xml.req_text(el, "postingDocumentId"),
        declaration_type=_enum(DeclarationType, _xml.req_text(el, "declarationType"),
                               "declaration type"),
        document_status=_enum(DocumentStatus, _xml.req_text(el, "documentStatus"),
                              "document status"),
        declared_on=_req_date(el, "declarationDate"),
        period=_read_period(_xml.req(el, "period")),
        worker=_read_worker(_xml.req(el, "postedWorker")),
        foreign_employer=_read_foreign_employer(_xml.req(el, "foreignEmployer")),
        belgian_client=_employer_ref(el.find("belgianClient")),
        workplaces=tuple(_read_address(w, AddressKind.POSTAL)
                         for w in _xml.children(el, "workplace")),
        joint_committee=_xml.opt_text(el, "jointCommissionNbr"),
        weekly_hours=_hundredths(el, "weeklyWorkingHours"),
    )
