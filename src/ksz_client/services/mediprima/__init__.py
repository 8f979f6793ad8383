"""ManageCarmed V1 (MediPrima): decisions of the OCMW on taking charge of medical costs."""

from ksz_client.services.mediprima.models import (
    CareType,
    CarmedResult,
    Content,
    Cover,
    Decision,
    DecisionState,
    Reconciliation,
    Refund,
    Support,
)
from ksz_client.services.mediprima.service import DEFAULT_QUALITY_CODE, MediPrimaService

__all__ = [
    "DEFAULT_QUALITY_CODE",
    "CareType",
    "CarmedResult",
    "Content",
    "Cover",
    "Decision",
    "DecisionState",
    "MediPrimaService",
    "Reconciliation",
    "Refund",
    "Support",
]
