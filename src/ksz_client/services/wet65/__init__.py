"""The Law of 1965 decision forms (OCMWCPASWet65Loi65*, SSDN): refunds of equivalent leefloon."""

from ksz_client.services.wet65.models import (
    Cancellation,
    DecisionReply,
    Duration,
    Evaluation,
    FileIdentification,
    FormError,
    FormResult,
    Recovery,
    RecoveryReply,
    RecoveryResult,
    RefundedAid,
    RefundReply,
    RefundRequest,
    RefundResult,
    RequestedAid,
)
from ksz_client.services.wet65.service import (
    QUALITY_CODE,
    Wet65ABService,
    Wet65CService,
    Wet65DFService,
)

__all__ = [
    "QUALITY_CODE",
    "Cancellation",
    "DecisionReply",
    "Duration",
    "Evaluation",
    "FileIdentification",
    "FormError",
    "FormResult",
    "Recovery",
    "RecoveryReply",
    "RecoveryResult",
    "RefundReply",
    "RefundRequest",
    "RefundResult",
    "RefundedAid",
    "RequestedAid",
    "Wet65ABService",
    "Wet65CService",
    "Wet65DFService",
]
