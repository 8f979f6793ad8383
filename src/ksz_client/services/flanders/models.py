"""Typed models of the Flemish services: LED certificates and the inburgering trajectory."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from enum import StrEnum

from ksz_client.types import Receipt, Status

__all__ = [
    "Certificate",
    "CertificateKind",
    "InburgeringResult",
    "QualificationsResult",
    "Trajectory",
    "TrajectoryStatus",
]


class CertificateKind(StrEnum):
    """What the LED registered (the KSZ code is kept)."""

    DIPLOMA = "DIPLOMA"
    CERTIFICATE = "CERTIFICATE"
    PARTIAL_CERTIFICATE = "PARTIAL_CERTIFICATE"
    """A part of a training programme (deelcertificaat)."""
    PROFESSIONAL_QUALIFICATION = "PROFESSIONAL_QUALIFICATION"
    """A professional qualification (beroepskwalificatie), e.g. through work experience."""
    EQUIVALENCE = "EQUIVALENCE"
    """A foreign diploma recognised as equivalent (NARIC-Vlaanderen)."""


@dataclass(frozen=True)
class Certificate:
    """A certificate or diploma of the LED (Leer- en Ervaringsbewijzen databank).

    ``level`` is the level on the Flemish qualification structure (VKS, the same
    scale as EQF, 1..8) when the LED records one.
    """

    identifier: str
    kind: CertificateKind
    title: str
    issued: _dt.date
    level: int | None = None
    institution: str | None = None


@dataclass(frozen=True)
class QualificationsResult:
    """The answer to `QualificationCertificateService.get`."""

    certificates: tuple[Certificate, ...]
    status: Status
    receipt: Receipt

    @property
    def found(self) -> bool:
        return bool(self.certificates)

    @property
    def highest_level(self) -> int | None:
        """The highest VKS level among the certificates, None when none carries one."""
        levels = [c.level for c in self.certificates if c.level is not None]
        return max(levels) if levels else None


class TrajectoryStatus(StrEnum):
    """Where a civic-integration trajectory stands."""

    ONGOING = "ONGOING"
    COMPLETED = "COMPLETED"
    """Finished with the integration certificate (attest van inburgering)."""
    STOPPED = "STOPPED"
    EXEMPTED = "EXEMPTED"
    """Obliged, but exempted (e.g. a Belgian diploma)."""


@dataclass(frozen=True)
class Trajectory:
    """A civic-integration (inburgering) trajectory of a newcomer in Flanders."""

    obliged: bool
    status: TrajectoryStatus
    start: _dt.date
    end: _dt.date | None = None
    certificate_date: _dt.date | None = None
    office: str | None = None


@dataclass(frozen=True)
class InburgeringResult:
    """The answer to `InburgeringService.get`."""

    trajectories: tuple[Trajectory, ...]
    status: Status
    receipt: Receipt

    @property
    def found(self) -> bool:
        return bool(self.trajectories)

    @property
    def current(self) -> Trajectory | None:
        """The ongoing trajectory, if any."""
        return next((t for t in self.trajectories if t.status is TrajectoryStatus.ONGOING), None)
