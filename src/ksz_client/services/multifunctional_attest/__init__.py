"""The multifunctional attest: OCMWCPASA036 (send) and OCMWCPASL036 (consult), SSDN 20060315."""

from ksz_client.services.multifunctional_attest.models import (
    DECISION_DEADLINE_DAYS,
    A036Attest,
    A036Request,
    A036Result,
    Attestation,
    AttestationStatus,
    BenefitType,
    Category,
    L036Page,
    L036Query,
    L036Result,
    ProcessType,
    Reconciliation,
)
from ksz_client.services.multifunctional_attest.service import A036Service, L036Service

__all__ = [
    "DECISION_DEADLINE_DAYS",
    "A036Attest",
    "A036Request",
    "A036Result",
    "A036Service",
    "Attestation",
    "AttestationStatus",
    "BenefitType",
    "Category",
    "L036Page",
    "L036Query",
    "L036Result",
    "L036Service",
    "ProcessType",
    "Reconciliation",
]
