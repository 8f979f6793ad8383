"""HealthCareInsurance V1: insurability of a person at the mutualities."""

from ksz_client.services.health_insurance.models import (
    CodedPeriod,
    ComplementaryInsurance,
    HolderCodes,
    Insurability,
    InsurabilityResult,
    InsuranceData,
    InsuringOrganization,
    MaximumCharge,
    MedicalHouse,
)
from ksz_client.services.health_insurance.service import HealthInsuranceService

__all__ = [
    "CodedPeriod",
    "ComplementaryInsurance",
    "HealthInsuranceService",
    "HolderCodes",
    "Insurability",
    "InsurabilityResult",
    "InsuranceData",
    "InsuringOrganization",
    "MaximumCharge",
    "MedicalHouse",
]
