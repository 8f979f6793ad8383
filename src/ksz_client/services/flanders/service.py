"""The Flemish services: ``client.qualifications.get(ssin)``, ``client.inburgering.get(ssin)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ksz_client import catalogue
from ksz_client.services._registry import operation
from ksz_client.services.flanders import _wire
from ksz_client.services.flanders.models import InburgeringResult, QualificationsResult
from ksz_client.types import CallContext

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["InburgeringService", "QualificationCertificateService"]


class QualificationCertificateService:
    """QualificationCertificateService V1 (KSZ; source: the Flemish LED, Leer- en
    Ervaringsbewijzen databank; Flanders only).

    Certificates and diplomas of a person (secondary and higher education,
    adult education, professional qualifications, recognised foreign
    diplomas). Needs a covering integration (finality). Default legal context
    ``PCSA:SOCIAL_INQUIRY``. Contract: modelled on the WS-Consult conventions
    (no public contract).
    """

    service = catalogue.get("QualificationCertificateService")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("consultQualificationCertificates")
    def get(self, ssin: str, *, context: CallContext | None = None) -> QualificationsResult:
        """Certificates and diplomas of a person (``consultQualificationCertificates``).

        QualificationCertificateService V1, source LED (Flanders). DATA_FOUND
        with the certificates, or NO_DATA_FOUND (MSG00100) when the LED has
        none (e.g. schooled outside Flanders).

        Args:
            ssin: the person's SSIN, in any written form
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        reply = self._client._call(
            self.service,
            "consultQualificationCertificates",
            lambda payload: _wire.write_criteria(payload, str(subject)),
            context=context,
            subjects=(subject,),
        )
        return QualificationsResult(_wire.read_certificates(reply.payload), reply.status,
                                    reply.receipt)


class InburgeringService:
    """InburgeringService V1 (KSZ; source: Agentschap Integratie en Inburgering, through the
    Flemish integrator; Flanders only).

    The civic-integration (inburgering) trajectory of a newcomer: obliged or
    voluntary, ongoing, completed with the integration certificate, stopped
    or exempted. Needs a covering integration (finality). Default legal
    context ``PCSA:SOCIAL_INQUIRY``. Contract: modelled on the WS-Consult
    conventions (no public contract).
    """

    service = catalogue.get("InburgeringService")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("consultInburgeringTrajectory")
    def get(self, ssin: str, *, context: CallContext | None = None) -> InburgeringResult:
        """The civic-integration trajectory of a person (``consultInburgeringTrajectory``).

        InburgeringService V1, source Agentschap Integratie en Inburgering.
        DATA_FOUND with the trajectories, or NO_DATA_FOUND (MSG00100) when the
        person never had one.

        Args:
            ssin: the person's SSIN, in any written form
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        reply = self._client._call(
            self.service,
            "consultInburgeringTrajectory",
            lambda payload: _wire.write_criteria(payload, str(subject)),
            context=context,
            subjects=(subject,),
        )
        return InburgeringResult(_wire.read_trajectories(reply.payload), reply.status,
                                 reply.receipt)
