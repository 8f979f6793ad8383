"""LivingWages V1 (POD MI): leefloon periods and amounts of a person."""

from ksz_client.services.living_wages.models import (
    LivingWage,
    LivingWagePeriod,
    LivingWagePeriodsResult,
    LivingWagesResult,
    PcsaPeriods,
    PerPcsaResult,
)
from ksz_client.services.living_wages.service import LivingWagesService

__all__ = [
    "LivingWage",
    "LivingWagePeriod",
    "LivingWagePeriodsResult",
    "LivingWagesResult",
    "LivingWagesService",
    "PcsaPeriods",
    "PerPcsaResult",
]
