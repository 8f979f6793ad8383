"""ReferenceManager.consult (SSDN 20050525): a person's integrations in other sectors."""

from ksz_client.services.reference_manager.models import (
    Descriptions,
    OtherSectorsResult,
    SectorIntegration,
)
from ksz_client.services.reference_manager.service import ReferenceService

__all__ = ["Descriptions", "OtherSectorsResult", "ReferenceService", "SectorIntegration"]
