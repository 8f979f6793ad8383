"""The Flemish services (SPEC §2.5): LED certificates and diplomas, the inburgering trajectory."""

from ksz_client.services.flanders.models import (
    Certificate,
    CertificateKind,
    InburgeringResult,
    QualificationsResult,
    Trajectory,
    TrajectoryStatus,
)
from ksz_client.services.flanders.service import (
    InburgeringService,
    QualificationCertificateService,
)

__all__ = [
    "Certificate",
    "CertificateKind",
    "InburgeringResult",
    "InburgeringService",
    "QualificationCertificateService",
    "QualificationsResult",
    "Trajectory",
    "TrajectoryStatus",
]
