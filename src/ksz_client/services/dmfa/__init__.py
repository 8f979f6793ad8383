"""DmfaConsultation V1: the DmfA attestations of a worker (RSZ/ONSS)."""

from ksz_client.services.dmfa.models import (
    AttestationsCriteria,
    AttestationStatus,
    DmfaAttestation,
    DmfaAttestationsResult,
    DmfaStatusValue,
    LocalAuthorities,
    Occupation,
    PersonnelCriteria,
    PersonnelRequestResult,
    Remuneration,
    SectorIndicator,
    ServiceLine,
    WorkerRecord,
)
from ksz_client.services.dmfa.service import DmfaService
from ksz_client.services.dolsis._rsz import EmployerId, EmployerIdKind

__all__ = [
    "AttestationStatus",
    "AttestationsCriteria",
    "DmfaAttestation",
    "DmfaAttestationsResult",
    "DmfaService",
    "DmfaStatusValue",
    "EmployerId",
    "EmployerIdKind",
    "LocalAuthorities",
    "Occupation",
    "PersonnelCriteria",
    "PersonnelRequestResult",
    "Remuneration",
    "SectorIndicator",
    "ServiceLine",
    "WorkerRecord",
]
