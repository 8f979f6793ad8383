"""The leefloon refund exchanges with the POD-MI: RegisterAttest, StopAttest, ListOfAttestations."""

from ksz_client.services.leefloon_refund.models import (
    REFUND_QUALITY_CODES,
    REQUEST_TYPES,
    Attestation,
    AttestationList,
    AttestResult,
    AttestState,
    Duration,
    Exoneration,
    InstallationPremium,
    PremiumResult,
    Reconciliation,
    Recovery,
    RecoveryResult,
    RefundAttest,
    RefundCategory,
)
from ksz_client.services.leefloon_refund.service import (
    AttestationsService,
    OrganicLawService,
    RecoveredAmountService,
    RegisterAttestService,
    StopAttestService,
)

__all__ = [
    "REFUND_QUALITY_CODES",
    "REQUEST_TYPES",
    "AttestResult",
    "AttestState",
    "Attestation",
    "AttestationList",
    "AttestationsService",
    "Duration",
    "Exoneration",
    "InstallationPremium",
    "OrganicLawService",
    "PremiumResult",
    "Reconciliation",
    "RecoveredAmountService",
    "Recovery",
    "RecoveryResult",
    "RefundAttest",
    "RefundCategory",
    "RegisterAttestService",
    "StopAttestService",
]
