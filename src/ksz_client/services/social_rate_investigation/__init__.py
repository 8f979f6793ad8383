"""SocialRateInvestigation V1: the right to the social energy tariff (FOD Economie)."""

from ksz_client.services.social_rate_investigation.models import (
    EnergyProduct,
    HouseholdMember,
    HouseholdRoles,
    ReferenceDates,
    SocialTariffHousehold,
    SocialTariffResult,
    SourceStatus,
    SupplierMatch,
)
from ksz_client.services.social_rate_investigation.service import SocialRateInvestigationService

__all__ = [
    "EnergyProduct",
    "HouseholdMember",
    "HouseholdRoles",
    "ReferenceDates",
    "SocialRateInvestigationService",
    "SocialTariffHousehold",
    "SocialTariffResult",
    "SourceStatus",
    "SupplierMatch",
]
