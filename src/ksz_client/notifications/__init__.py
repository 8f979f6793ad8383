"""Receiving the notifications the KSZ pushes: verified, typed, stored, handed over once.

The KSZ pushes mutations about the persons an OCMW has integrated (SPEC §2.6):
legal data, household, pension rights, Dimona, self-employed career,
MediPrima settlements, incapacity, service vouchers, dismissal compensation,
pension holiday pay, job-seeker status, contribution deductions. `Receiver`
is the WSGI application that receives them::

    from ksz_client import KszConfig
    from ksz_client.notifications import FamilyCompositionChanged, Receiver

    receiver = Receiver.from_config(KszConfig.load())

    @receiver.on(FamilyCompositionChanged)
    def update_household(event: FamilyCompositionChanged) -> None:
        ...                                   # idempotent: it may run more than once

    application = receiver                    # any WSGI server, or Django/Flask mount

Each message is verified (WS-Security signature of a trusted KSZ certificate,
fresh Timestamp), validated against its contract (``wsdl/notify``), read into
one typed event per person, and stored in the inbox in the audit log's
database, with its audit record, *before* it is acknowledged. The handlers
run after that; one that raises leaves its event pending, retried with a
backoff by `Receiver.process_pending` (``ksz notifications process``), at
least once and in order per SSIN. A redelivery (same KSZ ticket) is
acknowledged and not handed over again.
"""

from __future__ import annotations

from ksz_client.notifications._contracts import (
    NOTIFY_DIR,
    SCHEMA_FILES,
    Contract,
    contract_for,
    notification_operations,
)
from ksz_client.notifications._events import (
    EVENT_TYPES,
    AttestStatus,
    ContributionDeductionGranted,
    Deduction,
    DeductionEmployer,
    DeductionEmployment,
    DimonaAction,
    DimonaDeclared,
    DismissalCompensationGranted,
    FamilyCompositionChanged,
    HdiAttestation,
    HdiPayment,
    HouseholdMember,
    IncapacityAllowance,
    IncapacityAttestNotified,
    IncapacityPeriodNotified,
    IndemnityPeriod,
    IndemnityPeriodsNotified,
    JobSeekerStatusChanged,
    MediPrimaSettlementCalculated,
    NotificationEvent,
    NotificationInfo,
    PensionableBeneficiaryReported,
    PensionHolidayPaid,
    PensionRightsChanged,
    PersonLegalDataChanged,
    SelfEmployedCareerChanged,
    ServiceVouchersPaid,
)
from ksz_client.notifications._inbox import Backoff, EntryState, Inbox, InboxEntry, StoreResult
from ksz_client.notifications._parse import PARSERS, parse
from ksz_client.notifications._receiver import (
    DEFAULT_MAX_BODY_BYTES,
    Handlers,
    Outcome,
    ProcessReport,
    Receiver,
    Reply,
)

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "EVENT_TYPES",
    "NOTIFY_DIR",
    "PARSERS",
    "SCHEMA_FILES",
    "AttestStatus",
    "Backoff",
    "Contract",
    "ContributionDeductionGranted",
    "Deduction",
    "DeductionEmployer",
    "DeductionEmployment",
    "DimonaAction",
    "DimonaDeclared",
    "DismissalCompensationGranted",
    "EntryState",
    "FamilyCompositionChanged",
    "Handlers",
    "HdiAttestation",
    "HdiPayment",
    "HouseholdMember",
    "Inbox",
    "InboxEntry",
    "IncapacityAllowance",
    "IncapacityAttestNotified",
    "IncapacityPeriodNotified",
    "IndemnityPeriod",
    "IndemnityPeriodsNotified",
    "JobSeekerStatusChanged",
    "MediPrimaSettlementCalculated",
    "NotificationEvent",
    "NotificationInfo",
    "Outcome",
    "PensionHolidayPaid",
    "PensionRightsChanged",
    "PensionableBeneficiaryReported",
    "PersonLegalDataChanged",
    "ProcessReport",
    "Receiver",
    "Reply",
    "SelfEmployedCareerChanged",
    "ServiceVouchersPaid",
    "StoreResult",
    "contract_for",
    "notification_operations",
    "parse",
]
