"""Typed models of HdiIndemnityAllowance V1 (RIZIV/INAMI, NIC/CIN): incapacity for work.

The code lists are those of the NIC/CIN (``AllowanceAttestCommonTypes``); each
enum keeps the code the wire carries, and its member docstring the meaning
given in the official annotations.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum, StrEnum

from ksz_client.types import AnsweredSsin, Money, Period, Quarter, Receipt, Status

__all__ = [
    "ActivityCode",
    "Allowance",
    "AllowanceCategory",
    "Attest",
    "AttestIdentification",
    "AttestResult",
    "AttestationStatus",
    "DocumentType",
    "ExitCode",
    "FamilySituation",
    "IncapacityCategory",
    "IndemnityPayment",
    "IndemnityPeriod",
    "IndemnityPeriodsResult",
    "Invalidity",
    "InvalidityCategory",
    "RiskDetail",
    "SocialRiskCategory",
    "SocialStatus",
]


class AttestationStatus(StrEnum):
    """The state of a definitive attest."""

    CREATION = "CREATION"
    MODIFICATION = "MODIFICATION"
    CANCELLATION = "CANCELLATION"


class SocialRiskCategory(StrEnum):
    """The social risk an allowance covers (NIC risk types 10 to 19)."""

    GENERAL_INCAPACITY = "GeneralIncapacityForWorkAllowance"  # 10, employees
    INDEPENDENT_INCAPACITY = "IndependentIncapacityForWorkAllowance"  # 11, self-employed
    GENERAL_PREGNANCY = "GeneralPregnancy"  # 12, maternity protection, employees
    INDEPENDENT_PREGNANCY = "IndependentPregnancy"  # 13
    GENERAL_BREASTFEEDING = "GeneralBreastFeeding"  # 14
    GENERAL_PATERNITY = "GeneralPaternity"  # 15
    GENERAL_ADOPTION = "GeneralAdoption"  # 16
    INDEPENDENT_ADOPTION = "IndependentAdoption"  # 17
    GENERAL_FOSTER_CARE = "GeneralFosterCare"  # 18
    INDEPENDENT_FOSTER_CARE = "IndependentFosterCare"  # 19


class SocialStatus(IntEnum):
    """The beneficiary's social status."""

    WHITE_COLLAR = 2  # bediende
    BLUE_COLLAR = 3  # arbeider
    SELF_EMPLOYED = 4  # zelfstandige
    HELPING_SPOUSE = 5  # meewerkende echtgenoot
    SEAFARER = 6  # zeevaarder


class ExitCode(IntEnum):
    """Why a period of incapacity ended."""

    NO_EXIT = 0
    RETURN_TO_WORK_OR_UNEMPLOYMENT = 1
    DECEASE = 2
    RETIREMENT = 3
    EXCLUDED_BY_ADVISING_DOCTOR = 4  # or by a social inspector
    MATERNITY_FOLLOWED_BY_INCAPACITY = 5
    MATERNITY_ENDED_OTHERWISE = 6
    SUSPENDED_FOR_MATERNITY = 7
    TRANSFER = 8  # to another mutuality
    SUSPENDED_AFTER_MISSED_CHECK = 9


class InvalidityCategory(IntEnum):
    """How the right to invalidity benefits was examined."""

    NORMAL = 1
    EU_OR_TREATY_8 = 8  # examined under EU regulations or a bilateral treaty
    EU_OR_TREATY_9 = 9


class ActivityCode(IntEnum):
    """The beneficiary's situation when the incapacity began."""

    ACTIVE = 1
    UNEMPLOYED = 2
    UNEMPLOYED_KEEPING_RIGHTS = 3  # from 2012Q1 on


class DocumentType(StrEnum):
    """The NIC document the payment belongs to."""

    C21 = "C21"  # primary incapacity, general scheme
    C23 = "C23"  # maternity protection, general scheme
    B23 = "B23"  # breastfeeding leave, general scheme
    C421 = "C421"  # primary incapacity, self-employed scheme
    C423 = "C423"  # maternity protection, self-employed scheme
    PI0 = "PI0"  # invalidity, general scheme
    PI23 = "PI23"  # maternity protection of an invalid, general scheme
    PI41 = "PI41"  # invalidity, self-employed scheme
    PI423 = "PI423"  # maternity protection of an invalid, self-employed scheme
    PI3 = "PI3"  # funeral costs, general scheme


class IncapacityCategory(IntEnum):
    """The category of the beneficiary for the indemnity."""

    UNKNOWN = 0  # not asked
    REGULAR_EMPLOYEE = 1
    IRREGULAR_EMPLOYEE = 2
    SELF_EMPLOYED_STOPPED = 3  # business stopped
    SELF_EMPLOYED_NOT_STOPPED = 4
    NOT_APPLICABLE = 9


class FamilySituation(StrEnum):
    """The family situation the indemnity was computed for."""

    NOT_SEARCHED = "00"
    DEPENDANTS_PARTNER = "01"  # with dependants: a spouse or partner
    DEPENDANTS_CHILD = "02"  # with dependants: a child
    DEPENDANTS_RELATIVE = "03"  # with dependants: an ascendant or relative
    SINGLE = "04"
    COHABITANT = "05"
    SINGLE_PARTNER_WORK_INCOME = "06"  # paid as single: cohabitant's work income in band
    SINGLE_PARTNER_REPLACEMENT_INCOME = "07"  # paid as single: replacement income in band
    SINGLE_PAYING_MAINTENANCE = "08"  # paid as with dependants: pays maintenance
    NOT_APPLICABLE = "99"  # PI3


class AllowanceCategory(IntEnum):
    """The kind of allowance paid."""

    ORDINARY = 0
    THIRD_PARTY_HELP = 1  # lump sum (or increase) for help of a third party
    REGULARISATION_FMP = 2  # after the Fund for occupational diseases took over
    REGULARISATION_OTHER = 3  # after another payer took over
    NOT_APPLICABLE = 9  # PI3


@dataclass(frozen=True)
class AttestIdentification:
    """Which attest this is: definitive (id, version, status) or temporary (current quarter)."""

    quarter: Quarter
    created: _dt.date
    attestation_id: str | None = None
    version: int | None = None
    attestation_status: AttestationStatus | None = None

    @property
    def temporary(self) -> bool:
        """A provisional attest of the current quarter: it may still change."""
        return self.attestation_id is None


@dataclass(frozen=True)
class IndemnityPayment:
    """A payment of the mutuality for a period (a month, typically)."""

    period: Period
    amount: Money | None = None
    days: int | None = None
    hours: Decimal | None = None
    document: DocumentType | None = None
    incapacity_category: IncapacityCategory | None = None
    family_situation: FamilySituation | None = None
    allowance_category: AllowanceCategory | None = None
    allowance_code: str | None = None


@dataclass(frozen=True)
class Invalidity:
    """Invalidity (after the first year of primary incapacity)."""

    category: InvalidityCategory
    start: _dt.date | None = None


@dataclass(frozen=True)
class RiskDetail:
    """The details of a social risk; which fields are set depends on the risk."""

    social_status: SocialStatus
    period: Period | None = None
    exit_code: ExitCode | None = None
    invalidity: Invalidity | None = None
    initial_start: _dt.date | None = None
    """When the incapacity (or protection) first began."""
    activity: ActivityCode | None = None
    delivery_date: _dt.date | None = None
    supposed_delivery_date: _dt.date | None = None
    adoption_date: _dt.date | None = None
    foster_care_date: _dt.date | None = None


@dataclass(frozen=True)
class Allowance:
    """An allowance of the attest: its social risk (with details) and its payments."""

    risk: SocialRiskCategory | None = None
    detail: RiskDetail | None = None
    payments: tuple[IndemnityPayment, ...] = ()

    @property
    def total(self) -> Money:
        """The sum of the payments' amounts."""
        return Money(sum(p.amount.cents for p in self.payments if p.amount is not None))


@dataclass(frozen=True)
class Attest:
    """The incapacity attest of one quarter."""

    identification: AttestIdentification
    allowances: tuple[Allowance, ...] = ()


@dataclass(frozen=True)
class AttestResult:
    """The answer to `IncapacityService.attest`: the attest, or None (NO_DATA_FOUND).

    ``ssin`` is the SSIN asked for as the KSZ annotates it: ``canceled`` and
    ``replaced_by`` when it was replaced (the answer then concerns the new one).
    """

    attest: Attest | None
    status: Status
    receipt: Receipt
    ssin: AnsweredSsin | None = None
    data_filters: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return self.attest is not None


@dataclass(frozen=True)
class IndemnityPeriod:
    """A period of indemnity in the quarter (``end`` None: still running)."""

    period: Period
    initial_start: _dt.date | None = None
    invalidity_start: _dt.date | None = None
    exit_code: ExitCode | None = None
    payments: tuple[IndemnityPayment, ...] = ()


@dataclass(frozen=True)
class IndemnityPeriodsResult:
    """The answer to `IncapacityService.indemnity_periods` for one quarter."""

    identification: AttestIdentification | None
    periods: tuple[IndemnityPeriod, ...]
    status: Status
    receipt: Receipt
    ssin: AnsweredSsin | None = None
    data_filters: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return self.identification is not None
