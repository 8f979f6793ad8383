"""OCMWCPASHeatingAllocation (SSDN 20090409): the Social Heating Fund's heating allowance."""

from ksz_client.services.heating.models import (
    MAX_QUANTITY,
    Allocation,
    AllocationResult,
    BeneficiaryCategory,
    FuelUnit,
    Invoice,
)
from ksz_client.services.heating.service import HeatingAllocationService

__all__ = [
    "MAX_QUANTITY",
    "Allocation",
    "AllocationResult",
    "BeneficiaryCategory",
    "FuelUnit",
    "HeatingAllocationService",
    "Invoice",
]
