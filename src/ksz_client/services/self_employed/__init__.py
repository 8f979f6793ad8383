"""SelfEmployed V2 (RSVZ/INASTI): self-employed career and regularity of contributions."""

from ksz_client.services.self_employed.models import (
    Affiliation,
    Career,
    CareerResult,
    CareerSegment,
    Coded,
    ContributionsResult,
    Description,
    QuarterContribution,
    SocialInsuranceFund,
)
from ksz_client.services.self_employed.service import MAX_QUARTERS, SelfEmployedService

__all__ = [
    "MAX_QUARTERS",
    "Affiliation",
    "Career",
    "CareerResult",
    "CareerSegment",
    "Coded",
    "ContributionsResult",
    "Description",
    "QuarterContribution",
    "SelfEmployedService",
    "SocialInsuranceFund",
]
