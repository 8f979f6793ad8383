"""ChildBenefits V1: files and family composition of the child-benefit cadastre."""

from ksz_client.services.child_benefits.models import (
    AuthenticSource,
    BenefitRole,
    ChildBenefitFile,
    ChildBenefitsResult,
    FileMember,
    SourceAnswer,
)
from ksz_client.services.child_benefits.service import ChildBenefitsService

__all__ = [
    "AuthenticSource",
    "BenefitRole",
    "ChildBenefitFile",
    "ChildBenefitsResult",
    "ChildBenefitsService",
    "FileMember",
    "SourceAnswer",
]
