"""OCMWCPASManageAccess (SSDN 20050930): integrate persons in the KSZ reference repertory."""

from ksz_client.services.manage_access.models import (
    AccessAction,
    AccessResult,
    ProofOfAuthentication,
    Reconciliation,
    Registration,
    RepertoryRegister,
    SyncResult,
)
from ksz_client.services.manage_access.service import AccessService

__all__ = [
    "AccessAction",
    "AccessResult",
    "AccessService",
    "ProofOfAuthentication",
    "Reconciliation",
    "Registration",
    "RepertoryRegister",
    "SyncResult",
]
