"""OCMWCPASPensionRegisterConsult (SSDN 20090706): pension rights and amounts."""

from ksz_client.services.pension_register.models import (
    LANGUAGES,
    Focus,
    PensionItem,
    PensionKind,
    PensionQuery,
    PensionResult,
    Pillar,
    RequestedInformation,
)
from ksz_client.services.pension_register.service import PensionRegisterService

__all__ = [
    "LANGUAGES",
    "Focus",
    "PensionItem",
    "PensionKind",
    "PensionQuery",
    "PensionRegisterService",
    "PensionResult",
    "Pillar",
    "RequestedInformation",
]
