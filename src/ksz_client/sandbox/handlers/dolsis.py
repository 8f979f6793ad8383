"""Sandbox handlers of Dolsis V1 (modelled contract), answered from the persons' facts.

* ``findEmployersByWorker``: the Dimona employments of the facts, by scope.
* ``getEmploymentDetail``: the DmfA quarters of the facts with one employer.
* ``getEmployerDetail``: the employer repertory (`facts.employer_record`).
* ``findPostedWorkers``, ``PostedWorkerDetail``, ``FindPostingDocumentDetail``: the
  Limosa postings of the BIS-register persons (foreign workers posted to Belgium).
  Worker ids are ``LW`` + the person's index (8 digits); posting document ids
  are the facts' ``LD...`` ids. The name search returns only persons the
  caller has integrated; the detail operations answer MSG00012 for others.

Statuses: the security context must be WELFARE / SOCIAL_INVESTIGATION_OF_PCSA /
Agent (else NO_RESULT MSG00013); an SSIN that is not a sandbox person answers
NO_DATA_FOUND DOLS0000 (no match in the national or KSZ register); a replaced
SSIN NO_RESULT MSG00006; nothing found NO_DATA_FOUND MSG00100. `special_status`
says which persons get a Dolsis code: BIS-register persons DOLS0004 (no
national-register data: DATA_FOUND with the data, or NO_DATA_FOUND without),
index 17 mod 41 DOLS0005 (no KSZ-register data, same rule), index 29 mod 41
NO_DATA_FOUND DOLS0009 (error while composing the family).
"""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from typing import Final

from ksz_client import _xml
from ksz_client.sandbox import facts as _facts
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.sandbox.population import Population, phonetic_key
from ksz_client.services.dolsis import _wire
from ksz_client.services.dolsis._rsz import EmployerId
from ksz_client.services.dolsis.models import (
    DEFAULT_LEGAL_CONTEXT,
    DEFAULT_ROLE,
    DEFAULT_SERVICE,
    Affiliation,
    ContractType,
    Curator,
    DeclarationType,
    DimonaAction,
    DocumentStatus,
    DolsisCode,
    EmployerDetail,
    EmployerType,
    Employment,
    EmploymentQuarter,
    ForeignEmployer,
    PostedWorker,
    PostingDocument,
    PostingSummary,
    Scope,
)
from ksz_client.services.person.models import Register
from ksz_client.types import Address, AddressKind, EmployerRef, Money, Quarter, Status

__all__ = [
    "employer_ref",
    "employment_of",
    "find_employer",
    "quarter_of",
    "special_status",
    "worker_id",
]

_SERVICE: Final = "Dolsis"
_WORKER_ID: Final = re.compile(r"LW(\d{8})")
_DOCUMENT_ID: Final = re.compile(r"LD(\d{8})(\d)")
_REFERENCE_HOURS: Final = 3800  # a full-time week, in hundredths of an hour
_INTERIM_COMMITTEE: Final = "322.00"


# --- mapping the facts (shared with the DmfaConsultation handler) ------------------------------


def employer_ref(employer: _facts.Employer) -> EmployerRef:
    return EmployerRef(employer.name, employer.cbe_number, employer.noss_number)


def _vat(employer: _facts.Employer) -> str | None:
    return None if employer.public else f"BE{employer.cbe_number}"


def employment_of(fact: _facts.Employment) -> Employment:
    """A Dimona period: declared a few days before the start, updated by the OUT."""
    created = fact.period.start - _dt.timedelta(days=1 + fact.dimona_period_id % 9)
    using = None
    if fact.employer.joint_committee == _INTERIM_COMMITTEE:
        # An interim worker works at a user company: the Dimona names it.
        users = [e for e in _facts.EMPLOYERS if not e.public
                 and e.joint_committee != _INTERIM_COMMITTEE]
        using = employer_ref(users[fact.dimona_period_id % len(users)])
    return Employment(
        employer=employer_ref(fact.employer),
        worker_type_code=fact.worker_type,
        dimona_period_id=fact.dimona_period_id,
        last_action=DimonaAction.OUT if fact.period.end is not None else DimonaAction.IN,
        cancelled=False,
        created=created,
        last_updated=fact.period.end or created,
        in_service=fact.period.start,
        out_service=fact.period.end,
        joint_committee=fact.employer.joint_committee,
        employer_vat_number=_vat(fact.employer),
        using_employer=using,
    )


def quarter_of(fact: _facts.DmfaQuarter, employments: tuple[_facts.Employment, ...]) -> (
        EmploymentQuarter):
    """A DmfA quarter: Q/S from the working time, days and hours from the days worked."""
    quarter = Quarter(fact.year, fact.quarter)
    mean = _REFERENCE_HOURS * fact.working_time_per_mille // 1000
    start = end = None
    for e in employments:
        if e.employer == fact.employer and e.period.start <= quarter.end and (
                e.period.end is None or e.period.end >= quarter.start):
            start = max(e.period.start, quarter.start)
            end = min(e.period.end, quarter.end) if e.period.end is not None else None
            break
    return EmploymentQuarter(
        quarter=quarter,
        worker_code=fact.worker_code,
        contract_type=ContractType.FULL_TIME if fact.working_time_per_mille >= 1000
        else ContractType.PART_TIME,
        gross_remuneration=Money.from_cents(fact.gross_wage_cents),
        worked_days=Decimal(fact.days_worked),
        worked_hours=Decimal(fact.days_worked * mean // 5) / 100,
        mean_weekly_hours=Decimal(mean) / 100,
        reference_weekly_hours=Decimal(_REFERENCE_HOURS) / 100,
        joint_committee=fact.employer.joint_committee,
        occupation_start=start,
        occupation_end=end,
    )


def find_employer(wanted: EmployerId) -> _facts.Employer | None:
    return next((e for e in _facts.EMPLOYERS if wanted.matches(employer_ref(e))), None)


def special_status(population: Population, index: int) -> DolsisCode | None:
    """The Dolsis code the sandbox answers for this person, if any (see the module)."""
    if population.register_of(index) is Register.BIS:
        return DolsisCode.PARTIAL_NO_NR_DATA
    if index % 41 == 17:
        return DolsisCode.PARTIAL_NO_CBSS_DATA
    if index % 41 == 29:
        return DolsisCode.FAMILY_COMPOSITION_ERROR
    return None


def worker_id(index: int) -> str:
    """The Limosa worker id of a sandbox person."""
    return f"LW{index:08d}"


# --- common checks -------------------------------------------------------------------------


def _refused(request: _xml.Element) -> Answer | None:
    """MSG00013 unless the security context is the one the OCMW is granted."""
    security = _wire.read_security_context(request)
    if (security.service, security.legal_context, security.role) != (
            DEFAULT_SERVICE, DEFAULT_LEGAL_CONTEXT, DEFAULT_ROLE):
        return Answer(status("NO_RESULT", "MSG00013"))
    return None


def _dolsis_status(value: str, code: str) -> Status:
    descriptions = {
        DolsisCode.NO_MATCH: "No match in the national register and the KSZ register",
        DolsisCode.PARTIAL_NO_NR_DATA: "Partial result: no data from the national register",
        DolsisCode.PARTIAL_NO_CBSS_DATA: "Partial result: no data from the KSZ register",
        DolsisCode.FAMILY_COMPOSITION_ERROR: "Error while composing the family",
    }
    return Status(value=value, code=code, description=descriptions.get(DolsisCode(code)))


def _person(ctx: HandlerContext, ssin: str) -> tuple[int | None, Answer | None]:
    """The person's index, or the answer for an SSIN with nothing to show."""
    index = ctx.population.index_of(ssin)
    if index is None:
        return None, Answer(_dolsis_status("NO_DATA_FOUND", DolsisCode.NO_MATCH))
    replaced_by = ctx.population.replaced_by(index)
    if replaced_by is not None:
        new = ctx.population.ssin_of(replaced_by)
        return None, Answer(status("NO_RESULT", "MSG00006", newSSIN=str(new)))
    if special_status(ctx.population, index) is DolsisCode.FAMILY_COMPOSITION_ERROR:
        return None, Answer(_dolsis_status("NO_DATA_FOUND", DolsisCode.FAMILY_COMPOSITION_ERROR))
    return index, None


def _found(ctx: HandlerContext, index: int, has_data: bool) -> Status:
    code = special_status(ctx.population, index)
    if code is not None:
        return _dolsis_status("DATA_FOUND" if has_data else "NO_DATA_FOUND", code)
    return status("DATA_FOUND", "MSG00000") if has_data else status("NO_DATA_FOUND", "MSG00100")


# --- Dimona and DmfA -------------------------------------------------------------------------


@handles(_SERVICE, "findEmployersByWorker")
def find_employers(ctx: HandlerContext, request: _xml.Element) -> Answer:
    refused = _refused(request)
    if refused is not None:
        return refused
    criteria = _wire.read_employments_criteria(request)
    index, answer = _person(ctx, criteria.ssin)
    if answer is not None:
        return answer
    assert index is not None
    employments = tuple(employment_of(e) for e in ctx.population.facts(index).employments)
    period = criteria.period
    if criteria.scope is Scope.ACTIVE:
        chosen = tuple(e for e in employments if e.active_on(ctx.today))
    elif criteria.scope is Scope.ACTIVE_IN_PERIOD:
        assert period is not None and period.end is not None
        chosen = tuple(e for e in employments if e.in_service <= period.end and (
            e.out_service is None or e.out_service >= period.start))
    else:
        assert period is not None
        chosen = tuple(e for e in employments
                       if period.contains(e.created) or period.contains(e.last_updated))
    found = _found(ctx, index, bool(chosen))
    if not chosen:
        return Answer(found)
    return Answer(found, lambda result: _wire.write_employments(result, chosen))


@handles(_SERVICE, "getEmploymentDetail")
def employment_detail(ctx: HandlerContext, request: _xml.Element) -> Answer:
    refused = _refused(request)
    if refused is not None:
        return refused
    criteria = _wire.read_employment_detail_criteria(request)
    index, answer = _person(ctx, criteria.ssin)
    if answer is not None:
        return answer
    assert index is not None
    employer = find_employer(criteria.employer)
    facts = ctx.population.facts(index)
    quarters = tuple(
        quarter_of(q, facts.employments) for q in facts.dmfa
        if employer is not None and q.employer == employer
        and criteria.start <= Quarter(q.year, q.quarter) <= criteria.end
    )
    found = _found(ctx, index, bool(quarters))
    if not quarters or employer is None:
        return Answer(found)
    ref, vat = employer_ref(employer), _vat(employer)
    return Answer(found, lambda result: _wire.write_employment_detail(result, ref, vat, quarters))


@handles(_SERVICE, "getEmployerDetail")
def employer_detail(ctx: HandlerContext, request: _xml.Element) -> Answer:
    refused = _refused(request)
    if refused is not None:
        return refused
    employer = find_employer(_wire.read_employer_detail_criteria(request))
    if employer is None:
        return Answer(status("NO_DATA_FOUND", "MSG00100"))
    record = _facts.employer_record(employer)
    detail = EmployerDetail(
        employer=employer_ref(employer),
        employer_type=EmployerType(record.employer_type),
        vat_number=record.vat_number,
        employer_class=record.employer_class,
        joint_committees=(employer.joint_committee,),
        registered=record.registered,
        address=Address(kind=AddressKind.POSTAL, street=record.street,
                        house_number=record.house_number, postal_code=record.postal_code,
                        municipality=record.municipality),
        social_secretariat=Affiliation(*record.social_secretariat)
        if record.social_secretariat else None,
        family_allowance_fund=Affiliation(*record.family_allowance_fund)
        if record.family_allowance_fund else None,
        curator=Curator(*record.curator) if record.curator else None,
    )
    return Answer(status("DATA_FOUND", "MSG00000"),
                  lambda result: _wire.write_employer_detail(result, detail))


# --- Limosa ------------------------------------------------------------------------------------


def _posted_worker(population: Population, index: int, facts: _facts.Facts) -> PostedWorker:
    person = population.person(index)
    return PostedWorker(
        worker_id=worker_id(index),
        name=person.name,
        birth_date=person.birth.date.to_date() if person.birth is not None else None,
        gender=person.gender,
        nationality=facts.postings[0].foreign_country,
        ssin=person.ssin,
    )


def _summary(posting: _facts.Posting) -> PostingSummary:
    return PostingSummary(
        document_id=posting.document_id,
        period=posting.period,
        foreign_employer=ForeignEmployer(posting.foreign_employer, posting.foreign_country,
                                         posting.foreign_employer_id),
        belgian_client=employer_ref(posting.belgian_client)
        if posting.belgian_client is not None else None,
    )


def _integrated(ctx: HandlerContext, index: int) -> bool:
    state = ctx.state
    ssin = str(ctx.population.ssin_of(index))
    return state is not None and state.is_integrated(ctx.organisation, ssin, ctx.today)


def _posted_index(population: Population, text: str, pattern: re.Pattern[str]) -> int | None:
    match = pattern.fullmatch(text)
    if match is None:
        return None
    index = int(match.group(1))
    if index >= population.size or population.register_of(index) is not Register.BIS:
        return None
    return index


@handles(_SERVICE, "findPostedWorkers")
def find_posted_workers(ctx: HandlerContext, request: _xml.Element) -> Answer:
    refused = _refused(request)
    if refused is not None:
        return refused
    search = _wire.read_posted_workers_criteria(request)
    population = ctx.population
    want_last = phonetic_key(search.last_name)
    want_given = phonetic_key(search.given_name) if search.given_name else None
    found: list[PostedWorker] = []
    for index in range(11, population.size, 25):  # the BIS-register persons
        if population.register_of(index) is not Register.BIS:
            continue
        if phonetic_key(population.last_name(index)) != want_last:
            continue
        person = population.person(index)
        if want_given and not any(phonetic_key(g) == want_given
                                  for g in person.name.given_names):
            continue
        if search.birth_date is not None and (
                person.birth is None or person.birth.date.to_date() != search.birth_date):
            continue
        facts = population.facts(index)
        if not facts.postings or not _integrated(ctx, index):
            continue  # the KSZ filters: only workers the caller has a file on
        found.append(_posted_worker(population, index, facts))
    if not found:
        return Answer(status("NO_DATA_FOUND", "MSG00100"))
    shown = tuple(found[: search.max_results])
    answer = (_dolsis_status("DATA_FOUND", DolsisCode.PARTIAL_NO_NR_DATA)
              if len(found) > search.max_results else status("DATA_FOUND", "MSG00000"))
    return Answer(answer, lambda result: _wire.write_posted_workers(result, shown))


@handles(_SERVICE, "PostedWorkerDetail")
def posted_worker_detail(ctx: HandlerContext, request: _xml.Element) -> Answer:
    refused = _refused(request)
    if refused is not None:
        return refused
    index = _posted_index(ctx.population, _wire.read_technical_id(request, "workerId"),
                          _WORKER_ID)
    facts = ctx.population.facts(index) if index is not None else None
    if index is None or facts is None or not facts.postings:
        return Answer(status("NO_DATA_FOUND", "MSG00100"))
    if not _integrated(ctx, index):
        return Answer(status("NO_RESULT", "MSG00012"))
    worker = _posted_worker(ctx.population, index, facts)
    postings = tuple(_summary(p) for p in facts.postings)
    return Answer(status("DATA_FOUND", "MSG00000"),
                  lambda result: _wire.write_posted_worker_detail(result, worker, postings))


@handles(_SERVICE, "FindPostingDocumentDetail")
def posting_document_detail(ctx: HandlerContext, request: _xml.Element) -> Answer:
    refused = _refused(request)
    if refused is not None:
        return refused
    wanted = _wire.read_technical_id(request, "postingDocumentId")
    index = _posted_index(ctx.population, wanted, _DOCUMENT_ID)
    facts = ctx.population.facts(index) if index is not None else None
    posting = next((p for p in facts.postings if p.document_id == wanted), None) \
        if facts is not None else None
    if index is None or facts is None or posting is None:
        return Answer(status("NO_DATA_FOUND", "MSG00100"))
    if not _integrated(ctx, index):
        return Answer(status("NO_RESULT", "MSG00012"))
    client = posting.belgian_client
    document = PostingDocument(
        document_id=posting.document_id,
        declaration_type=DeclarationType.SELF_EMPLOYED if posting.self_employed
        else DeclarationType.EMPLOYEE,
        document_status=DocumentStatus.CANCELLED if posting.cancelled else DocumentStatus.ACTIVE,
        declared_on=posting.declared_on,
        period=posting.period,
        worker=_posted_worker(ctx.population, index, facts),
        foreign_employer=ForeignEmployer(posting.foreign_employer, posting.foreign_country,
                                         posting.foreign_employer_id),
        belgian_client=employer_ref(client) if client is not None else None,
        workplaces=(Address(kind=AddressKind.POSTAL, postal_code=posting.workplace_postal_code,
                            municipality=posting.workplace_municipality),),
        joint_committee=client.joint_committee if client is not None else None,
        weekly_hours=Decimal(posting.weekly_hours_hundredths) / 100,
    )
    return Answer(status("DATA_FOUND", "MSG00000"),
                  lambda result: _wire.write_posting_document(result, document))
