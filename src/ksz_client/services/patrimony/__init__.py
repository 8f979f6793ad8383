"""PatrimonyService V1: real estate in Belgium (Cadnet ConsultPatrimonyCPAS)."""

from ksz_client.services.patrimony.models import (
    CadastralParcel,
    NaturePerson,
    PatrimonyOutcome,
    PatrimonyResult,
    Property,
    PropertyRight,
    RightKind,
    Share,
)
from ksz_client.services.patrimony.service import PatrimonyService

__all__ = [
    "CadastralParcel",
    "NaturePerson",
    "PatrimonyOutcome",
    "PatrimonyResult",
    "PatrimonyService",
    "Property",
    "PropertyRight",
    "RightKind",
    "Share",
]
