"""VESTA (Flemish home care, SPEC §2.5): the modelled home-care episode exchanges.

The other VESTA exchanges (about 30, none public) are reached with
`ksz_client.generic.declare` and ``client.custom(...)``.
"""

from ksz_client.services.vesta.models import (
    HOME_CARE_MUTATIONS,
    CareType,
    HomeCareChange,
    HomeCareEpisode,
    HomeCareResult,
    Reconciliation,
)
from ksz_client.services.vesta.service import VestaService

__all__ = [
    "HOME_CARE_MUTATIONS",
    "CareType",
    "HomeCareChange",
    "HomeCareEpisode",
    "HomeCareResult",
    "Reconciliation",
    "VestaService",
]
