"""Sandbox handlers of DmfaConsultation V1 (official contract in set-b).

Attestations come from the persons' DmfA facts: one attestation per quarter
and employer, with one occupation line (working time Q/S, the days worked as
service code 1, the gross wage as remuneration code 1). Answers are paged by
`PAGE_SIZE` attestations (``next`` carries the offset).

Statuses: an SSIN that is not a sandbox person NO_RESULT MSG00005, a replaced
one MSG00006; nothing in the quarters NO_DATA_FOUND MSG00100; a request for
results by batch RESPONSE_IN_BATCH; persons with index 13 mod 37 get
PARTIAL_RESULT MSG00002 (the provincial and local authorities' source,
DIBISS/ORPSS, does not answer: their attestations are missing).
``consultPersonnelByEmployer`` answers RESPONSE_IN_BATCH for a known employer
and NO_RESULT MSG00008 for an unknown one.
"""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from typing import Final

from ksz_client import _xml
from ksz_client._exceptions import ValidationError
from ksz_client.sandbox import facts as _facts
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.sandbox.handlers.dolsis import employer_ref, find_employer, quarter_of
from ksz_client.sandbox.population import Population
from ksz_client.services.dmfa import _wire
from ksz_client.services.dmfa.models import (
    AttestationsCriteria,
    AttestationStatus,
    DmfaAttestation,
    DmfaStatusValue,
    LocalAuthorities,
    Occupation,
    Remuneration,
    SectorIndicator,
    ServiceLine,
    WorkerRecord,
)
from ksz_client.types import AnsweredSsin, Information, Money, Quarter, Status

__all__ = ["PAGE_SIZE", "attestation_id", "attestations_of", "partial_person"]

_SERVICE: Final = "DmfaConsultation"
PAGE_SIZE: Final = 4
_PAGE: Final = re.compile(r"PAGE-(\d{1,6})")
_FILED_AFTER: Final = _dt.timedelta(days=35)


def attestation_id(index: int, fact: _facts.DmfaQuarter) -> int:
    """A stable 11-digit attestation id: person, year, quarter, employer."""
    employer = _facts.EMPLOYERS.index(fact.employer) if fact.employer in _facts.EMPLOYERS else 99
    return int(f"{index % 10**6:06d}{fact.year % 100:02d}{fact.quarter}{employer:02d}")


def partial_person(index: int) -> bool:
    """Whether the sandbox answers PARTIAL_RESULT for this person."""
    return index % 37 == 13


def _attestation(population: Population, index: int, fact: _facts.DmfaQuarter,
                 facts: _facts.Facts) -> DmfaAttestation:
    detail = quarter_of(fact, facts.employments)
    quarter = detail.quarter
    occupation = Occupation(
        sequence=1,
        internal_number="1",
        days_per_week=Decimal(5),
        contract_type=0 if fact.working_time_per_mille >= 1000 else 1,
        start=detail.occupation_start,
        end=detail.occupation_end,
        joint_committee=fact.employer.joint_committee,
        mean_weekly_hours=detail.mean_weekly_hours,
        reference_weekly_hours=detail.reference_weekly_hours,
        services=(ServiceLine(1, 1, detail.worked_days, detail.worked_hours),),
        remunerations=(Remuneration(1, 1, Money.from_cents(fact.gross_wage_cents)),),
    )
    return DmfaAttestation(
        attestation_id=attestation_id(index, fact),
        version=1,
        status=AttestationStatus.CREATION,
        created=quarter.end + _FILED_AFTER,
        quarter=quarter,
        noss_number=fact.employer.noss_number,
        enterprise_number=fact.employer.cbe_number,
        provincial_or_local_authority=fact.employer.public,
        sector=SectorIndicator.PLP if fact.employer.public else SectorIndicator.PRI,
        worker_ssin=population.ssin_of(index),
        worker=WorkerRecord(quarter_start=quarter.start, quarter_end=quarter.end,
                            employer_class=0, worker_code=fact.worker_code,
                            occupations=(occupation,)),
    )


def attestations_of(population: Population, index: int,
                    criteria: AttestationsCriteria) -> tuple[DmfaAttestation, ...]:
    """The person's attestations that match the criteria, in quarter order (all pages)."""
    facts = population.facts(index)
    out = []
    for fact in facts.dmfa:
        if not criteria.start <= Quarter(fact.year, fact.quarter) <= criteria.end:
            continue
        ref = employer_ref(fact.employer)
        if criteria.employer is not None and not criteria.employer.matches(ref):
            continue
        if criteria.attestation_id is not None and (
                criteria.attestation_id != attestation_id(index, fact)
                or criteria.attestation_version not in (None, 1)):
            continue
        if criteria.local_authorities is LocalAuthorities.ONLY and not fact.employer.public:
            continue
        if criteria.local_authorities is LocalAuthorities.EXCLUDED and fact.employer.public:
            continue
        attestation = _attestation(population, index, fact, facts)
        if criteria.sectors and attestation.sector not in criteria.sectors:
            continue
        if criteria.worker_code is not None and criteria.worker_code != fact.worker_code:
            continue
        if criteria.employer_class not in (None, 0):
            continue
        out.append(attestation)
    return tuple(sorted(out, key=lambda a: (a.quarter, a.attestation_id)))


@handles(_SERVICE, "consultDmfaAttestationsBySsin")
def consult_attestations(ctx: HandlerContext, request: _xml.Element) -> Answer:
    criteria = _wire.read_attestations_criteria(request)
    population = ctx.population
    index = population.index_of(criteria.ssin)
    if index is None:
        return Answer(status("NO_RESULT", "MSG00005"))
    replaced_by = population.replaced_by(index)
    if replaced_by is not None:
        return Answer(status("NO_RESULT", "MSG00006",
                             newSSIN=str(population.ssin_of(replaced_by))))
    if criteria.batch:
        return Answer(Status(DmfaStatusValue.RESPONSE_IN_BATCH.value, "MSG00000",
                             "The answer is delivered by batch"))
    found = attestations_of(population, index, criteria)
    answer = status("DATA_FOUND", "MSG00000")
    if partial_person(index):
        found = tuple(a for a in found if not a.provincial_or_local_authority)
        answer = Status(DmfaStatusValue.PARTIAL_RESULT.value, "MSG00002",
                        "A source could not be reached", (Information("source", "DIBISS_ORPSS"),))
    if not found and answer.value == "DATA_FOUND":
        return Answer(status("NO_DATA_FOUND", "MSG00100"))
    offset = 0
    if criteria.next_page is not None:
        match = _PAGE.fullmatch(criteria.next_page)
        if match is None or int(match.group(1)) >= max(len(found), 1):
            raise ValidationError("unknown next-page token")  # answered MSG00008
        offset = int(match.group(1))
    shown = found[offset:offset + PAGE_SIZE]
    more = offset + PAGE_SIZE < len(found)
    replaces = population.replaces(index)
    page = _wire.AttestationsPage(
        attestations=shown,
        ssin=AnsweredSsin(population.ssin_of(index),
                          replaces=population.ssin_of(replaces) if replaces is not None
                          else None),
        next_page=f"PAGE-{offset + PAGE_SIZE}" if more else None,
    )
    return Answer(answer, lambda response: _wire.write_attestations_page(response, page),
                  wrapper=None)


@handles(_SERVICE, "consultPersonnelByEmployer")
def consult_personnel(ctx: HandlerContext, request: _xml.Element) -> Answer:
    criteria = _wire.read_personnel_criteria(request)
    if find_employer(criteria.employer) is None:
        return Answer(status("NO_RESULT", "MSG00008"))
    return Answer(Status(DmfaStatusValue.RESPONSE_IN_BATCH.value, "MSG00000",
                         "The answer is delivered by batch"))
