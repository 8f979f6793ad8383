"""Typed models of DmfaConsultation V1 (the DmfA attestations of the RSZ/ONSS).

A DmfA attestation is one employer's quarterly declaration for one worker:
the employer (RSZ and KBO numbers), the quarter, and the worker record with
its occupation lines (dates, joint committee, working time), the services
(days and hours per service code) and the remunerations (per code, `Money`).
Days, hours and weekly hours are `Decimal` (the wire writes hundredths).

What a social inquiry does not read (anomalies, contributions, deductions,
indemnities, ...) stays out of the models: the official contract has it, the
SDK neither reads nor exposes it.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from ksz_client._exceptions import ValidationError
from ksz_client.services.dolsis._rsz import EmployerId, check_quarters
from ksz_client.ssin import Ssin
from ksz_client.types import AnsweredSsin, EmployerRef, Money, Quarter, Receipt, Status

__all__ = [
    "AttestationStatus",
    "AttestationsCriteria",
    "DmfaAttestation",
    "DmfaAttestationsResult",
    "DmfaStatusValue",
    "LocalAuthorities",
    "Occupation",
    "PersonnelCriteria",
    "PersonnelRequestResult",
    "Remuneration",
    "SectorIndicator",
    "ServiceLine",
    "WorkerRecord",
]

_NEXT: Final = re.compile(r"[\x20-\x7e]{1,64}")


class DmfaStatusValue(StrEnum):
    """The status values of DmfaConsultation (its own StatusType)."""

    DATA_FOUND = "DATA_FOUND"
    PARTIAL_RESULT = "PARTIAL_RESULT"
    """Some attestations are missing (a source did not answer): a result, not an error."""
    NO_DATA_FOUND = "NO_DATA_FOUND"
    NO_RESULT = "NO_RESULT"
    RESPONSE_IN_BATCH = "RESPONSE_IN_BATCH"
    """The answer is delivered by batch (file transfer), not in this response."""


class AttestationStatus(StrEnum):
    CREATION = "CREATION"
    MODIFICATION = "MODIFICATION"
    CANCELLATION = "CANCELLATION"
    REACTIVATION = "REACTIVATION"


class SectorIndicator(StrEnum):
    """The public or private sector of the employer's declaration."""

    PRI = "PRI"
    """Private sector."""
    PFR = "PFR"
    """Federal public sector."""
    PLP = "PLP"
    """Provincial and local public sector."""


class LocalAuthorities(StrEnum):
    """Whether to search provincial and local authorities (``provincialOrLocalAuthority``)."""

    ONLY = "only"
    EXCLUDED = "excluded"


def _check_code(value: int | None, what: str) -> None:
    if value is not None and not 0 <= value <= 999:
        raise ValidationError(f"the {what} is a number of 0 to 999")


@dataclass(frozen=True)
class AttestationsCriteria:
    """Criteria of ``consultDmfaAttestationsBySsin``; validated on construction.

    Optional filters: one attestation (`attestation_id`, with a `version`), or
    one employer (with an `employer_class` and/or `worker_code`); not both.
    `next_page` continues a paged answer.
    """

    ssin: Ssin
    start: Quarter
    end: Quarter
    batch: bool = False
    latest_only: bool = True
    local_authorities: LocalAuthorities | None = None
    sectors: tuple[SectorIndicator, ...] = ()
    attestation_id: int | None = None
    attestation_version: int | None = None
    employer: EmployerId | None = None
    employer_class: int | None = None
    worker_code: int | None = None
    next_page: str | None = None

    def __post_init__(self) -> None:
        check_quarters(self.start, self.end, max_quarters=4)
        _check_sectors(self.sectors)
        if self.attestation_id is not None and self.employer is not None:
            raise ValidationError("filter by one attestation or by one employer, not both")
        if self.attestation_id is not None and not 0 <= self.attestation_id <= 99_999_999_999:
            raise ValidationError("an attestation id has at most 11 digits")
        if self.attestation_version is not None and (
                self.attestation_id is None or not 0 <= self.attestation_version <= 99_999_999_999):
            raise ValidationError("an attestation version goes with an attestation id "
                                  "(at most 11 digits)")
        if self.employer is None and (self.employer_class is not None
                                      or self.worker_code is not None):
            raise ValidationError("an employer class or worker code goes with an employer")
        _check_code(self.employer_class, "employer class")
        _check_code(self.worker_code, "worker code")
        if self.next_page is not None and not _NEXT.fullmatch(self.next_page):
            raise ValidationError("a next-page token has 1 to 64 printable characters")


def _check_sectors(sectors: tuple[SectorIndicator, ...]) -> None:
    if len(sectors) > 2 or len(set(sectors)) != len(sectors):
        raise ValidationError("name at most two different sector indicators")


@dataclass(frozen=True)
class PersonnelCriteria:
    """Criteria of ``consultPersonnelByEmployer`` (answered by batch only)."""

    employer: EmployerId
    start: Quarter
    end: Quarter
    latest_only: bool = True
    local_authorities: LocalAuthorities | None = None
    sectors: tuple[SectorIndicator, ...] = ()
    employer_class: int | None = None
    worker_code: int | None = None

    def __post_init__(self) -> None:
        check_quarters(self.start, self.end, max_quarters=4)
        _check_sectors(self.sectors)
        _check_code(self.employer_class, "employer class")
        _check_code(self.worker_code, "worker code")


@dataclass(frozen=True)
class ServiceLine:
    """Days (and hours) of one kind of service in an occupation (``attService``)."""

    sequence: int
    code: int | None
    """DmfA service code (1: normal work)."""
    days: Decimal
    hours: Decimal | None = None


@dataclass(frozen=True)
class Remuneration:
    """One remuneration line of an occupation (``attRemun``)."""

    sequence: int
    code: int
    """DmfA remuneration code (1: ordinary remuneration)."""
    amount: Money
    bonus_frequency: int | None = None
    percentage_paid: int | None = None
    """As the DmfA writes it (hundredths of a per cent), when declared."""
    fictitious_salary: Money | None = None


@dataclass(frozen=True)
class Occupation:
    """An occupation line: one contract and working-time situation in the quarter."""

    sequence: int
    internal_number: str
    days_per_week: Decimal
    """Days a week of the work schedule (5 for a five-day week)."""
    contract_type: int
    """0 full time, 1 part time."""
    start: _dt.date | None = None
    end: _dt.date | None = None
    joint_committee: str | None = None
    mean_weekly_hours: Decimal | None = None
    """Hours a week of the worker (Q)."""
    reference_weekly_hours: Decimal | None = None
    """Hours a week of a full-time reference person (S)."""
    worker_status: str | None = None
    retired: int | None = None
    apprenticeship: int | None = None
    remuneration_method: int | None = None
    position_code: int | None = None
    services: tuple[ServiceLine, ...] = ()
    remunerations: tuple[Remuneration, ...] = ()

    @property
    def part_time(self) -> bool:
        return self.contract_type == 1

    @property
    def working_time(self) -> Decimal | None:
        """Part of a full-time job (Q/S), e.g. ``Decimal("0.8")``; None when unknown."""
        if not self.mean_weekly_hours or not self.reference_weekly_hours:
            return None
        return (self.mean_weekly_hours / self.reference_weekly_hours).normalize()

    @property
    def gross_remuneration(self) -> Money:
        """The sum of the remuneration lines."""
        return Money(sum(r.amount.cents for r in self.remunerations))

    @property
    def days(self) -> Decimal:
        """The days of all services."""
        return sum((s.days for s in self.services), Decimal(0))


@dataclass(frozen=True)
class WorkerRecord:
    """The worker line of an attestation: category and quarter, with the occupations."""

    quarter_start: _dt.date
    quarter_end: _dt.date
    employer_class: int | None = None
    worker_code: int | None = None
    """DmfA worker code (015 blue collar, 495 white collar, ...)."""
    occupations: tuple[Occupation, ...] = ()


@dataclass(frozen=True)
class DmfaAttestation:
    """One DmfA attestation: an employer's declaration of a quarter for the worker."""

    attestation_id: int
    version: int
    status: AttestationStatus
    created: _dt.date
    quarter: Quarter
    noss_number: str
    """The employer's RSZ/ONSS registration number."""
    enterprise_number: str | None = None
    """The employer's KBO/BCE number."""
    provincial_or_local_authority: bool | None = None
    sector: SectorIndicator | None = None
    trusteeship: bool | None = None
    net_owed: Money | None = None
    previous_version: int | None = None
    next_version: int | None = None
    worker_ssin: Ssin | None = None
    worker: WorkerRecord | None = None

    @property
    def employer(self) -> EmployerRef:
        return EmployerRef(cbe_number=self.enterprise_number, noss_number=self.noss_number)

    @property
    def occupations(self) -> tuple[Occupation, ...]:
        return self.worker.occupations if self.worker is not None else ()

    @property
    def gross_remuneration(self) -> Money:
        """The remuneration declared for the worker in this attestation."""
        return Money(sum(o.gross_remuneration.cents for o in self.occupations))

    @property
    def cancelled(self) -> bool:
        return self.status is AttestationStatus.CANCELLATION


@dataclass(frozen=True)
class DmfaAttestationsResult:
    """The answer to `DmfaService.attestations`: one page of attestations.

    ``next_page`` is set when more attestations follow: pass it back as
    ``next_page=`` (or use `DmfaService.all_attestations`).
    """

    attestations: tuple[DmfaAttestation, ...]
    status: Status
    receipt: Receipt
    ssin: AnsweredSsin | None = None
    next_page: str | None = None
    data_filters: tuple[str, ...] = ()
    """Elements the KSZ filtered out for this legal context."""
    unsupported: tuple[str, ...] = ()
    """Elements the source holds that this version of the contract cannot carry."""

    @property
    def partial(self) -> bool:
        """PARTIAL_RESULT: a source did not answer; the attestations may be incomplete."""
        return self.status.value == DmfaStatusValue.PARTIAL_RESULT

    @property
    def in_batch(self) -> bool:
        """RESPONSE_IN_BATCH: the attestations come by batch, not in this answer."""
        return self.status.value == DmfaStatusValue.RESPONSE_IN_BATCH

    def by_quarter(self) -> dict[Quarter, tuple[DmfaAttestation, ...]]:
        """The attestations grouped by quarter, in quarter order."""
        out: dict[Quarter, list[DmfaAttestation]] = {}
        for attestation in sorted(self.attestations, key=lambda a: a.quarter):
            out.setdefault(attestation.quarter, []).append(attestation)
        return {q: tuple(items) for q, items in out.items()}


@dataclass(frozen=True)
class PersonnelRequestResult:
    """The answer to `DmfaService.personnel`: accepted for batch delivery (RESPONSE_IN_BATCH)."""

    status: Status
    receipt: Receipt

    @property
    def in_batch(self) -> bool:
        return self.status.value == DmfaStatusValue.RESPONSE_IN_BATCH
