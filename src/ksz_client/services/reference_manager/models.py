"""Typed models of ReferenceManager.consult (SSDN 20050525): integrations in other sectors."""

from __future__ import annotations

from dataclasses import dataclass

from ksz_client._exceptions import FaultDetail
from ksz_client.ssin import Ssin
from ksz_client.types import Period, Receipt, Status

__all__ = ["Descriptions", "OtherSectorsResult", "SectorIntegration"]


@dataclass(frozen=True)
class Descriptions:
    """A text in Dutch and French, as the KSZ's code lists give them."""

    nl: str | None = None
    fr: str | None = None

    def __str__(self) -> str:
        return " / ".join(t for t in (self.nl, self.fr) if t)


@dataclass(frozen=True)
class SectorIntegration:
    """An integration of the person in another sector of the KSZ network (``Consultation``).

    `sector` is the KSZ network sector (17 is the OCMWs'), `quality_code`
    the quality code within that sector; the descriptions come when asked for.
    """

    sector: int
    quality_code: int
    period: Period
    sector_description: Descriptions | None = None
    quality_description: Descriptions | None = None


@dataclass(frozen=True)
class OtherSectorsResult:
    """The answer to `ReferenceService.other_sectors`.

    `status` is NO_DATA_FOUND when no other sector has integrated the person
    in the requested period.
    """

    ssin: Ssin
    integrations: tuple[SectorIntegration, ...]
    quality_code: int
    """The requester's own quality code the question was asked under."""
    integrated_period: Period
    requested_period: Period
    warnings: tuple[FaultDetail, ...]
    status: Status
    receipt: Receipt

    def in_sector(self, sector: int) -> tuple[SectorIntegration, ...]:
        return tuple(i for i in self.integrations if i.sector == sector)
