"""Typed models of Dolsis (RSZ/ONSS employment data: Dimona, DmfA, employers, Limosa).

Amounts are `Money` (integer cents); days, hours and working time are `Decimal`
(the wire writes them in hundredths). Every result carries the KSZ `Status`
and a `Receipt`. Dolsis adds its own status codes (`DolsisCode`): the partial
answers DOLS0004 and DOLS0005 are results (``partial`` is True), DOLS0000 (no
match in the national or KSZ register) is a result without data, and DOLS0009
(an error while composing the family) is raised as `NoResult`.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from ksz_client._exceptions import ValidationError
from ksz_client.services.dolsis._rsz import EmployerId, EmployerIdKind, check_quarters
from ksz_client.ssin import Gender, Ssin
from ksz_client.types import (
    Address,
    EmployerRef,
    Money,
    Period,
    PersonName,
    Quarter,
    Receipt,
    Status,
)

__all__ = [
    "DEFAULT_LEGAL_CONTEXT",
    "DEFAULT_ROLE",
    "DEFAULT_SERVICE",
    "Affiliation",
    "ContractType",
    "Curator",
    "DeclarationType",
    "DimonaAction",
    "DocumentStatus",
    "DolsisCode",
    "EmployerDetail",
    "EmployerDetailResult",
    "EmployerId",
    "EmployerIdKind",
    "EmployerType",
    "Employment",
    "EmploymentDetailCriteria",
    "EmploymentDetailResult",
    "EmploymentQuarter",
    "EmploymentsCriteria",
    "EmploymentsResult",
    "ForeignEmployer",
    "PostedWorker",
    "PostedWorkerDetailResult",
    "PostedWorkerSearch",
    "PostedWorkersResult",
    "PostingDocument",
    "PostingDocumentResult",
    "PostingSummary",
    "Scope",
    "SecurityContext",
    "WorkerType",
]

DEFAULT_SERVICE: Final = "WELFARE"
DEFAULT_LEGAL_CONTEXT: Final = "SOCIAL_INVESTIGATION_OF_PCSA"
DEFAULT_ROLE: Final = "Agent"

_SERVICE_CODE: Final = re.compile(r"[A-Z][A-Z0-9_]{0,31}")
_ROLE: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}")
_TECHNICAL_ID: Final = re.compile(r"[A-Za-z0-9\-]{1,36}")


class DolsisCode(StrEnum):
    """The Dolsis status codes (besides the KSZ's MSG codes)."""

    NO_MATCH = "DOLS0000"
    """No match in the national register and/or the KSZ register."""
    PARTIAL_NO_NR_DATA = "DOLS0004"
    """Partial result: no data from the national register (e.g. too many results)."""
    PARTIAL_NO_CBSS_DATA = "DOLS0005"
    """Partial result: no data from the KSZ register."""
    FAMILY_COMPOSITION_ERROR = "DOLS0009"
    """An error while composing the family: raised as `NoResult`."""


_PARTIAL: Final = frozenset({DolsisCode.PARTIAL_NO_NR_DATA, DolsisCode.PARTIAL_NO_CBSS_DATA})


def _is_partial(status: Status) -> bool:
    return status.code in _PARTIAL


@dataclass(frozen=True)
class SecurityContext:
    """The ``securityContext`` every Dolsis request carries.

    The defaults are what the KSZ grants the OCMW/CPAS: service WELFARE, legal
    context SOCIAL_INVESTIGATION_OF_PCSA, role Agent. Validated on construction.
    """

    service: str = DEFAULT_SERVICE
    legal_context: str = DEFAULT_LEGAL_CONTEXT
    role: str = DEFAULT_ROLE

    def __post_init__(self) -> None:
        from ksz_client._client import check_legal_context

        if not _SERVICE_CODE.fullmatch(self.service):
            raise ValidationError("the security context's service is an upper-case code "
                                  "(e.g. WELFARE) of at most 32 characters")
        check_legal_context(self.legal_context)
        if not _ROLE.fullmatch(self.role):
            raise ValidationError("the security context's role is a word of at most 32 "
                                  "letters, digits or _ (e.g. Agent)")


class Scope(StrEnum):
    """Which Dimona periods `findEmployersByWorker` returns."""

    ACTIVE = "active"
    """Employments running today; takes no period."""
    ACTIVE_IN_PERIOD = "activeInPeriod"
    """Employments that ran during the period."""
    MUTATIONS = "mutations"
    """Employments declared or changed during the period."""


class WorkerType(StrEnum):
    """Dimona worker types (the code as Dolsis writes it); `meaning` says what it stands for."""

    STU = "stu"
    STX = "stx"
    EXT = "ext"
    IVT = "ivt"
    RTA = "rta"
    OTH = "oth"
    BCW = "bcw"
    DWD = "dwd"
    TEA = "tea"
    TRI = "tri"
    STG = "stg"

    @property
    def meaning(self) -> str:
        return _WORKER_TYPES[self]


_WORKER_TYPES: Final = {
    WorkerType.STU: "student (solidarity contribution)",
    WorkerType.STX: "student working as an occasional worker (horeca)",
    WorkerType.EXT: "occasional worker (agriculture, horticulture, horeca, funeral or "
                    "temporary-agency sector)",
    WorkerType.IVT: "individual vocational training (IBO, PFI/CFI, FPI)",
    WorkerType.RTA: "RTA worker (see the RSZ Dimona glossary)",
    WorkerType.OTH: "ordinary worker (none of the other types)",
    WorkerType.BCW: "blue-collar worker in construction",
    WorkerType.DWD: "Dimona without DmfA (declared in Dimona, not in the DmfA)",
    WorkerType.TEA: "teaching staff (see the RSZ Dimona glossary)",
    WorkerType.TRI: "entry traineeship (instapstage / stage de transition)",
    WorkerType.STG: "trainee not subject to social security (training towards paid work)",
}


class DimonaAction(StrEnum):
    """The last Dimona declaration made for a period."""

    IN = "in"
    OUT = "out"
    MODIFICATION = "modification"
    CANCEL = "cancel"


@dataclass(frozen=True)
class EmploymentsCriteria:
    """Criteria of `findEmployersByWorker`; validated on construction.

    The scope ``active`` takes no period; ``activeInPeriod`` and ``mutations``
    need one with both ends.
    """

    ssin: Ssin
    scope: Scope = Scope.ACTIVE
    period: Period | None = None

    def __post_init__(self) -> None:
        if self.scope is Scope.ACTIVE and self.period is not None:
            raise ValidationError("the scope active takes no period")
        if self.scope is not Scope.ACTIVE and (self.period is None or self.period.end is None):
            raise ValidationError(f"the scope {self.scope.value} needs a period with a start "
                                  "and an end")


@dataclass(frozen=True)
class Employment:
    """A Dimona employment period of the worker with one employer."""

    employer: EmployerRef
    worker_type_code: str
    """The Dimona worker type as Dolsis wrote it (see `worker_type`)."""
    dimona_period_id: int
    last_action: DimonaAction
    cancelled: bool
    created: _dt.date
    last_updated: _dt.date
    in_service: _dt.date
    out_service: _dt.date | None = None
    joint_committee: str | None = None
    employer_vat_number: str | None = None
    using_employer: EmployerRef | None = None
    """The user company of an interim worker."""

    @property
    def worker_type(self) -> WorkerType | None:
        """The worker type, or None for a code this SDK does not know (see `worker_type_code`)."""
        try:
            return WorkerType(self.worker_type_code)
        except ValueError:
            return None

    @property
    def period(self) -> Period:
        return Period(self.in_service, self.out_service)

    def active_on(self, day: _dt.date) -> bool:
        return not self.cancelled and self.period.contains(day)


@dataclass(frozen=True)
class EmploymentsResult:
    """The answer to `DolsisService.find_employers`: the employment periods (possibly none)."""

    employments: tuple[Employment, ...]
    status: Status
    receipt: Receipt

    @property
    def partial(self) -> bool:
        """A source could not answer (DOLS0004, DOLS0005): what is here may be incomplete."""
        return _is_partial(self.status)


@dataclass(frozen=True)
class EmploymentDetailCriteria:
    """Criteria of `getEmploymentDetail`: one worker, one employer, 1 to 4 quarters."""

    ssin: Ssin
    employer: EmployerId
    start: Quarter
    end: Quarter

    def __post_init__(self) -> None:
        check_quarters(self.start, self.end, max_quarters=4)


class ContractType(StrEnum):
    FULL_TIME = "FULL_TIME"
    PART_TIME = "PART_TIME"


@dataclass(frozen=True)
class EmploymentQuarter:
    """Wage and working time of one quarter (from the DmfA)."""

    quarter: Quarter
    worker_code: int
    """DmfA worker code (015 blue collar, 495 white collar, ...)."""
    contract_type: ContractType
    gross_remuneration: Money
    worked_days: Decimal
    worked_hours: Decimal | None = None
    mean_weekly_hours: Decimal | None = None
    """Hours a week of the worker (Q)."""
    reference_weekly_hours: Decimal | None = None
    """Hours a week of a full-time reference person (S)."""
    joint_committee: str | None = None
    occupation_start: _dt.date | None = None
    occupation_end: _dt.date | None = None

    @property
    def working_time(self) -> Decimal | None:
        """Part of a full-time job (Q/S), e.g. ``Decimal("0.8")``; None when unknown."""
        if not self.mean_weekly_hours or not self.reference_weekly_hours:
            return None
        return (self.mean_weekly_hours / self.reference_weekly_hours).normalize()


@dataclass(frozen=True)
class EmploymentDetailResult:
    """The answer to `DolsisService.employment_detail`: the employer and its quarters."""

    employer: EmployerRef | None
    quarters: tuple[EmploymentQuarter, ...]
    status: Status
    receipt: Receipt
    employer_vat_number: str | None = None

    @property
    def gross_remuneration(self) -> Money:
        """The gross remuneration of all the quarters."""
        return Money(sum(q.gross_remuneration.cents for q in self.quarters))

    @property
    def partial(self) -> bool:
        return _is_partial(self.status)


class EmployerType(StrEnum):
    PRIVATE = "PRIVATE"
    PUBLIC_FEDERAL = "PUBLIC_FEDERAL"
    PUBLIC_LOCAL = "PUBLIC_LOCAL"
    """Provincial or local public authority (an OCMW, a municipality, ...)."""


@dataclass(frozen=True)
class Affiliation:
    """An organisation the employer is affiliated to (social secretariat, allowance fund)."""

    number: str
    name: str


@dataclass(frozen=True)
class Curator:
    """The curator who manages a bankrupt employer."""

    name: str
    appointed: _dt.date | None = None


@dataclass(frozen=True)
class EmployerDetail:
    """An employer as the RSZ employer repertory knows it."""

    employer: EmployerRef
    employer_type: EmployerType
    vat_number: str | None = None
    employer_class: int | None = None
    joint_committees: tuple[str, ...] = ()
    registered: _dt.date | None = None
    deregistered: _dt.date | None = None
    address: Address | None = None
    social_secretariat: Affiliation | None = None
    family_allowance_fund: Affiliation | None = None
    curator: Curator | None = None

    @property
    def bankrupt(self) -> bool:
        """A curator manages the employer."""
        return self.curator is not None


@dataclass(frozen=True)
class EmployerDetailResult:
    """The answer to `DolsisService.employer_detail`: the employer, or None with the status."""

    employer: EmployerDetail | None
    status: Status
    receipt: Receipt


@dataclass(frozen=True)
class PostedWorkerSearch:
    """Criteria of `findPostedWorkers` (Limosa, by name; no SSIN travels)."""

    last_name: str
    given_name: str | None = None
    birth_date: _dt.date | None = None
    max_results: int = 10

    def __post_init__(self) -> None:
        if not self.last_name.strip():
            raise ValidationError("a search for posted workers needs a last name")
        if len(self.last_name) > 200 or (self.given_name is not None
                                         and len(self.given_name) > 200):
            raise ValidationError("names have at most 200 characters")
        if self.given_name is not None and not self.given_name.strip():
            raise ValidationError("a given name cannot be empty")
        if not 1 <= self.max_results <= 50:
            raise ValidationError("max_results is 1 to 50")


def check_technical_id(value: str, what: str) -> str:
    """A Limosa technical id: 1 to 36 letters, digits or dashes."""
    text = value.strip()
    if not _TECHNICAL_ID.fullmatch(text):
        raise ValidationError(f"a {what} has 1 to 36 letters, digits or dashes")
    return text


@dataclass(frozen=True)
class PostedWorker:
    """A worker posted to Belgium, as Limosa knows him or her."""

    worker_id: str
    """Limosa's technical id of the worker (give it to `posted_worker_detail`)."""
    name: PersonName
    birth_date: _dt.date | None = None
    gender: Gender | None = None
    nationality: str | None = None
    """ISO 3166-1 alpha-2 country code."""
    ssin: Ssin | None = None
    """The worker's (usually BIS) number, when the KSZ knows one."""


@dataclass(frozen=True)
class ForeignEmployer:
    """The employer established abroad that posts the worker."""

    name: str
    country_code: str
    """ISO 3166-1 alpha-2 code of the country it is established in."""
    identification: str | None = None


@dataclass(frozen=True)
class PostingSummary:
    """A posting of the worker: its document id, period and employers."""

    document_id: str
    """Limosa's technical id of the posting document (give it to `posting_document_detail`)."""
    period: Period
    foreign_employer: ForeignEmployer
    belgian_client: EmployerRef | None = None


@dataclass(frozen=True)
class PostedWorkersResult:
    """The answer to `DolsisService.find_posted_workers` (only workers the OCMW has a file on)."""

    workers: tuple[PostedWorker, ...]
    status: Status
    receipt: Receipt

    @property
    def partial(self) -> bool:
        """More workers match than were returned (DOLS0004): narrow the search."""
        return _is_partial(self.status)


@dataclass(frozen=True)
class PostedWorkerDetailResult:
    """The answer to `DolsisService.posted_worker_detail`: the worker and the postings."""

    worker: PostedWorker | None
    postings: tuple[PostingSummary, ...]
    status: Status
    receipt: Receipt


class DeclarationType(StrEnum):
    EMPLOYEE = "EMPLOYEE"
    SELF_EMPLOYED = "SELF_EMPLOYED"


class DocumentStatus(StrEnum):
    ACTIVE = "ACTIVE"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True)
class PostingDocument:
    """A Limosa posting document (declaration of a posting to Belgium)."""

    document_id: str
    declaration_type: DeclarationType
    document_status: DocumentStatus
    declared_on: _dt.date
    period: Period
    worker: PostedWorker
    foreign_employer: ForeignEmployer
    belgian_client: EmployerRef | None = None
    workplaces: tuple[Address, ...] = ()
    joint_committee: str | None = None
    weekly_hours: Decimal | None = None


@dataclass(frozen=True)
class PostingDocumentResult:
    """The answer to `DolsisService.posting_document_detail`."""

    document: PostingDocument | None
    status: Status
    receipt: Receipt
