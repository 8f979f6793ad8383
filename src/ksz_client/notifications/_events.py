"""Typed events: one frozen dataclass per notification type, one event per person.

A notification message may carry many items (up to 5,000 persons, or 500,000
deductions); each item becomes one event, stored, ordered and delivered on its
own. Every event has the person's `ssin` (with the KSZ's `canceled` /
`replaced_by` annotation) and `notification`, what the message said about
itself. SSINs are `Ssin` values, whose repr is redacted: printing an event
never shows a national number.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import ClassVar, Final

from ksz_client.ssin import Ssin
from ksz_client.types import Period

__all__ = [
    "EVENT_TYPES",
    "AttestStatus",
    "ContributionDeductionGranted",
    "Deduction",
    "DeductionEmployer",
    "DeductionEmployment",
    "DimonaAction",
    "DimonaDeclared",
    "DismissalCompensationGranted",
    "FamilyCompositionChanged",
    "HdiAttestation",
    "HdiPayment",
    "HouseholdMember",
    "IncapacityAllowance",
    "IncapacityAttestNotified",
    "IncapacityPeriodNotified",
    "IndemnityPeriod",
    "IndemnityPeriodsNotified",
    "JobSeekerStatusChanged",
    "MediPrimaSettlementCalculated",
    "NotificationEvent",
    "NotificationInfo",
    "PensionHolidayPaid",
    "PensionRightsChanged",
    "PensionableBeneficiaryReported",
    "PersonLegalDataChanged",
    "SelfEmployedCareerChanged",
    "ServiceVouchersPaid",
]


@dataclass(frozen=True, kw_only=True)
class NotificationInfo:
    """What a notification message said about itself, and when it arrived.

    `key` identifies the message (its operation and the KSZ's ticket, or a
    digest of its content when it carries no ticket): a redelivery has the
    same key. `item` is the event's position in the message.
    """

    service: str
    """Catalogue service, e.g. ``FamilyCompositionNotifications``."""
    operation: str
    """Notification operation, e.g. ``notifyFamilyComposition``."""
    key: str
    ticket: str | None
    """The KSZ's ticket (``sender/ticket``), to quote to the KSZ helpdesk."""
    sequence_number: int
    """The sender's consecutive number of this notification type."""
    sender: str
    """The sender's KBO number (or ``sector/institution``): the KSZ."""
    receiver: str
    """The receiver's KBO number (or ``sector/institution``): this OCMW."""
    legal_context: str
    sent_at: _dt.datetime | None
    received_at: _dt.datetime
    item: int

    @property
    def event_id(self) -> str:
        """A stable id of the event, the same on every delivery (for idempotent handlers)."""
        return f"{self.key}#{self.item}"


@dataclass(frozen=True, kw_only=True)
class NotificationEvent:
    """Base class of every event: the person it is about and where it came from.

    Register a handler for `NotificationEvent` to receive every type.
    """

    OPERATION: ClassVar[str] = ""
    """The notification operation this event type comes from."""
    SERVICE: ClassVar[str] = ""
    """The catalogue service of that operation."""

    ssin: Ssin
    canceled: bool = False
    """The KSZ marks an SSIN that no longer holds as canceled..."""
    replaced_by: Ssin | None = None
    """...and names the SSIN that replaced it, if any."""
    notification: NotificationInfo


# --- legal data and household ------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PersonLegalDataChanged(NotificationEvent):
    """notifyPerson: legal data (national or BIS register) of an integrated SSIN changed.

    The message names what changed, not the new values: consult PersonService.
    """

    OPERATION: ClassVar[str] = "notifyPerson"
    SERVICE: ClassVar[str] = "PersonNotifications"

    date: _dt.date
    """The day of the change."""
    changed: tuple[str, ...]
    """The data groups that changed: NAME, NATIONALITY, BIRTH, DECEASE, GENDER,
    CIVIL_STATE, RESIDENTIAL_ADDRESS, CONTACT_ADDRESS, LEGAL_COHABITATION,
    ADMINISTRATOR, NOBILITY_TITLE, SSIN."""
    register: str | None = None
    """NR, BIS, RAD or RAN."""
    decease_date: _dt.date | None = None


@dataclass(frozen=True)
class HouseholdMember:
    """A member of a household and how they relate to its head."""

    ssin: Ssin
    relationship: str
    """``01`` head of household, ``02`` spouse or partner, ``03`` child, ``15`` other."""
    since: _dt.date

    @property
    def is_head(self) -> bool:
        """Whether this member is the head of the household (relationship 01)."""
        return self.relationship == "01"


@dataclass(frozen=True, kw_only=True)
class FamilyCompositionChanged(NotificationEvent):
    """notifyFamilyComposition: the household of an integrated SSIN changed.

    `members` is the household as it is now, the person included.
    """

    OPERATION: ClassVar[str] = "notifyFamilyComposition"
    SERVICE: ClassVar[str] = "FamilyCompositionNotifications"

    date: _dt.date
    reason: str
    """MEMBER_ADDED, MEMBER_REMOVED, HEAD_CHANGED, RELATIONSHIP_CHANGED or HOUSEHOLD_MOVED."""
    members: tuple[HouseholdMember, ...]

    @property
    def head(self) -> HouseholdMember | None:
        """The head of the household (relationship 01), when the message names one."""
        return next((m for m in self.members if m.is_head), None)


# --- social data --------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PensionRightsChanged(NotificationEvent):
    """notifyPensionRegisterMutation: a pension right was granted, modified or stopped."""

    OPERATION: ClassVar[str] = "notifyPensionRegisterMutation"
    SERVICE: ClassVar[str] = "PensionRegisterMutation"

    date: _dt.date
    mutation: str
    """GRANTED, MODIFIED or STOPPED."""
    pension_type: str
    """RETIREMENT, SURVIVAL, GRAPA (income guarantee for the elderly) or OTHER."""
    period: Period
    monthly_gross: Decimal | None = None
    """Euros."""


class DimonaAction(StrEnum):
    """What a Dimona declaration does."""

    IN = "IN"
    OUT = "OUT"
    MODIFICATION = "MODIFICATION"
    CANCELLATION = "CANCELLATION"


@dataclass(frozen=True, kw_only=True)
class DimonaDeclared(NotificationEvent):
    """notifyPersonnelFile: an employer declared an employment to the RSZ (Dimona)."""

    OPERATION: ClassVar[str] = "notifyPersonnelFile"
    SERVICE: ClassVar[str] = "PersonnelFile"

    action: DimonaAction
    dimona_period_id: int
    declared_on: _dt.date
    employer_noss_number: str
    employer_cbe_number: str | None = None
    employer_name: str | None = None
    joint_commission: str | None = None
    worker_type: str
    """Dimona worker type: oth, stu, ivt, ..."""
    period: Period


@dataclass(frozen=True, kw_only=True)
class SelfEmployedCareerChanged(NotificationEvent):
    """notifySelfEmployedCareer: a self-employed career period started, stopped or changed."""

    OPERATION: ClassVar[str] = "notifySelfEmployedCareer"
    SERVICE: ClassVar[str] = "SelfEmployedCareerNotifications"

    date: _dt.date
    mutation: str
    """START, STOP or CHANGE."""
    period: Period
    activity: str | None = None


@dataclass(frozen=True, kw_only=True)
class MediPrimaSettlementCalculated(NotificationEvent):
    """notifyECarmedCalculation: a MediPrima settlement under an OCMW decision."""

    OPERATION: ClassVar[str] = "notifyECarmedCalculation"
    SERVICE: ClassVar[str] = "eCarmedCalculationNotification"

    carmed_id: str
    """The MediPrima decision."""
    decision_version: int
    ocmw_cbe_number: str
    calculated_on: _dt.date
    care_period: Period
    invoiced_amount: Decimal
    accepted_amount: Decimal


@dataclass(frozen=True, kw_only=True)
class PensionableBeneficiaryReported(NotificationEvent):
    """notifyPensionablePCSABeneficiaries: a leefloon beneficiary reaches the pension age
    without a career known at the pension service."""

    OPERATION: ClassVar[str] = "notifyPensionablePCSABeneficiaries"
    SERVICE: ClassVar[str] = "PensionablePCSABeneficiaries"

    pensionable_on: _dt.date
    reason: str
    """NO_CAREER_KNOWN or INCOMPLETE_CAREER."""
    leefloon_since: _dt.date | None = None


# --- incapacity (HdiIndemnityAllowance, official contract) ---------------------------------


class AttestStatus(StrEnum):
    """Where an attest is in its life."""

    CREATION = "CREATION"
    MODIFICATION = "MODIFICATION"
    CANCELLATION = "CANCELLATION"


@dataclass(frozen=True)
class HdiAttestation:
    """Identification of an incapacity attest.

    Attests of a closed quarter are definitive (`attestation_id`, `version`,
    `status`); those of the current quarter are temporary and carry none.
    """

    creation_date: _dt.date
    year_quarter: str | None = None
    """``YYYYQn``; absent for period notifications."""
    attestation_id: str | None = None
    version: int | None = None
    status: AttestStatus | None = None

    @property
    def temporary(self) -> bool:
        """A provisional attest of the current quarter (no id, version or status yet)."""
        return self.attestation_id is None


@dataclass(frozen=True)
class HdiPayment:
    """A payment of the mutuality for a period."""

    period: Period
    amount: Decimal | None = None
    days: int | None = None
    hours: Decimal | None = None
    allowance_code: str | None = None


@dataclass(frozen=True)
class IncapacityAllowance:
    """One social risk of an attest and what was paid for it."""

    social_risk: str | None = None
    """GeneralIncapacityForWorkAllowance, GeneralPregnancy, ..."""
    payments: tuple[HdiPayment, ...] = ()


@dataclass(frozen=True)
class IndemnityPeriod:
    """A period of indemnity of an attest."""

    period: Period
    initial_start_date: _dt.date | None = None
    invalidity_start_date: _dt.date | None = None
    exit_code: int | None = None
    payments: tuple[HdiPayment, ...] = ()


@dataclass(frozen=True, kw_only=True)
class IncapacityAttestNotified(NotificationEvent):
    """notifyHdiIndemnityAllowanceAttest: an incapacity attest was created or changed."""

    OPERATION: ClassVar[str] = "notifyHdiIndemnityAllowanceAttest"
    SERVICE: ClassVar[str] = "HdiIndemnityAllowanceNotifications"

    attestation: HdiAttestation
    allowances: tuple[IncapacityAllowance, ...] = ()


@dataclass(frozen=True, kw_only=True)
class IncapacityPeriodNotified(NotificationEvent):
    """notifyHdiIndemnityAllowancePeriod: an incapacity period began, changed or ended."""

    OPERATION: ClassVar[str] = "notifyHdiIndemnityAllowancePeriod"
    SERVICE: ClassVar[str] = "HdiIndemnityAllowanceNotifications"

    attestation: HdiAttestation
    social_risk: str | None = None
    period: Period | None = None
    exit_code: int | None = None
    """0 while the incapacity lasts; the mutualities' exit code once it ended."""


@dataclass(frozen=True, kw_only=True)
class IndemnityPeriodsNotified(NotificationEvent):
    """notifyHdiIndemnityAllowanceIndemnityPeriods: the indemnity periods of an attest."""

    OPERATION: ClassVar[str] = "notifyHdiIndemnityAllowanceIndemnityPeriods"
    SERVICE: ClassVar[str] = "HdiIndemnityAllowanceNotifications"

    attestation: HdiAttestation
    periods: tuple[IndemnityPeriod, ...] = ()


# --- payments -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ServiceVouchersPaid(NotificationEvent):
    """notifyPayments (LEA-Voucher): service vouchers paid to an unemployed person."""

    OPERATION: ClassVar[str] = "notifyPayments"
    SERVICE: ClassVar[str] = "LEA-Voucher"

    paid_on: _dt.date
    month: str
    """``YYYY-MM``: the month of the work the vouchers pay for."""
    vouchers: int
    amount: Decimal


@dataclass(frozen=True, kw_only=True)
class DismissalCompensationGranted(NotificationEvent):
    """notifyDismissalCompensation: a dismissal compensation was granted."""

    OPERATION: ClassVar[str] = "notifyDismissalCompensation"
    SERVICE: ClassVar[str] = "DismissalCompensation"

    employer_cbe_number: str
    employer_noss_number: str | None = None
    dismissed_on: _dt.date
    period: Period
    """The period the compensation covers."""
    weeks: int | None = None
    gross_amount: Decimal


@dataclass(frozen=True, kw_only=True)
class PensionHolidayPaid(NotificationEvent):
    """notifyPensionHolidayPay: the holiday pay of a pensioner was paid."""

    OPERATION: ClassVar[str] = "notifyPensionHolidayPay"
    SERVICE: ClassVar[str] = "PensionHolidayPay"

    year: int
    paid_on: _dt.date
    gross_amount: Decimal


# --- the two set-b extras -----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class JobSeekerStatusChanged(NotificationEvent):
    """notifyJobSeekerStatus: a public employment service registered or deregistered a job
    seeker (official contract)."""

    OPERATION: ClassVar[str] = "notifyJobSeekerStatus"
    SERVICE: ClassVar[str] = "JobSeekerStatusNotifications"

    source: str
    """ACTIRIS, ADG, FOREM or VDAB."""
    event_id: str
    event_type: str
    """REGISTRATION or DEREGISTRATION."""
    date: _dt.date
    registration_date: _dt.date | None = None
    """For a deregistration: when the registration began."""
    deregistration_reason: str | None = None
    """BACK_TO_SCHOOL, BACK_TO_WORK or OTHER_REASON."""

    @property
    def registered(self) -> bool:
        """True for a registration, False for a deregistration."""
        return self.event_type == "REGISTRATION"


@dataclass(frozen=True)
class DeductionEmployer:
    """The employer of a deduction (the OCMW itself, as employer, or another)."""

    noss_number: str
    provincial_or_local_authority: bool
    employer_class: int
    cbe_number: str | None = None


@dataclass(frozen=True)
class Deduction:
    """One contribution deduction."""

    code: int
    amount: Decimal
    right_start: _dt.date | None = None


@dataclass(frozen=True)
class DeductionEmployment:
    """The employment a deduction was granted for."""

    occupation_sequence: int
    worker_code: int
    regions: tuple[str, ...]
    deductions: tuple[Deduction, ...]
    reference_quarter_salary: Decimal | None = None
    occupation_fraction: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class ContributionDeductionGranted(NotificationEvent):
    """notifyDeduction: employee-contribution deductions granted for a quarter (official
    contract)."""

    OPERATION: ClassVar[str] = "notifyDeduction"
    SERVICE: ClassVar[str] = "EmployeeContributionDeductionNotifications"

    quarter: str
    """``YYYYQn``."""
    version: int
    """The version of the quarter's deductions (a later one replaces an earlier one)."""
    employer: DeductionEmployer
    employment: DeductionEmployment
    local_unit_id: int
    local_unit_nis_code: int


_ALL: Final[tuple[type[NotificationEvent], ...]] = (
    PersonLegalDataChanged,
    FamilyCompositionChanged,
    PensionRightsChanged,
    DimonaDeclared,
    SelfEmployedCareerChanged,
    MediPrimaSettlementCalculated,
    PensionableBeneficiaryReported,
    IncapacityAttestNotified,
    IncapacityPeriodNotified,
    IndemnityPeriodsNotified,
    ServiceVouchersPaid,
    DismissalCompensationGranted,
    PensionHolidayPaid,
    JobSeekerStatusChanged,
    ContributionDeductionGranted,
)

EVENT_TYPES: Final[Mapping[str, type[NotificationEvent]]] = MappingProxyType(
    {cls.OPERATION: cls for cls in _ALL}
)
"""The event type of every notification operation, by operation name."""
