"""FamilyComposition: the household composition of a person, with relationships."""

from ksz_client.services.family.models import (
    RELATIONSHIPS,
    FamilyComposition,
    FamilyCompositionResult,
    FamilyMember,
    Relationship,
    Source,
    relationship_label,
)
from ksz_client.services.family.service import FamilyCompositionService

__all__ = [
    "RELATIONSHIPS",
    "FamilyComposition",
    "FamilyCompositionResult",
    "FamilyCompositionService",
    "FamilyMember",
    "Relationship",
    "Source",
    "relationship_label",
]
