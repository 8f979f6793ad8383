"""SSINInformationService V1: the history of an SSIN (current and related numbers)."""

from ksz_client.services.ssin_info.models import CurrentSsinResult, RelatedSsinsResult, SsinState
from ksz_client.services.ssin_info.service import SsinInformationService

__all__ = ["CurrentSsinResult", "RelatedSsinsResult", "SsinInformationService", "SsinState"]
