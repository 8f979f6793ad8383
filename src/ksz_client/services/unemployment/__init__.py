"""UnemploymentDataService V3: unemployment benefits, activation, rights and histories (RVA)."""

from ksz_client.services.unemployment.models import (
    MAX_MONTHS,
    NO_DATA,
    NO_FILE,
    ActivationPaidSum,
    ActivationPaidSumsResult,
    BenefitPaymentsResult,
    BenefitRightsResult,
    DossierStatus,
    HistoryEntry,
    NoEarningCapacityResult,
    PaidSum,
    PaidSumsResult,
    Payment,
    Right,
    ScheduledPayment,
    ScheduledPaymentResult,
    UnemploymentHistoryResult,
)
from ksz_client.services.unemployment.service import UnemploymentService

__all__ = [
    "MAX_MONTHS",
    "NO_DATA",
    "NO_FILE",
    "ActivationPaidSum",
    "ActivationPaidSumsResult",
    "BenefitPaymentsResult",
    "BenefitRightsResult",
    "DossierStatus",
    "HistoryEntry",
    "NoEarningCapacityResult",
    "PaidSum",
    "PaidSumsResult",
    "Payment",
    "Right",
    "ScheduledPayment",
    "ScheduledPaymentResult",
    "UnemploymentHistoryResult",
    "UnemploymentService",
]
