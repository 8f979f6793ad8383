"""Typed models of VESTA's home-care episodes (Flemish home care; modelled contract)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from ksz_client.types import Period, Receipt, Status

__all__ = [
    "HOME_CARE_MUTATIONS",
    "CareType",
    "HomeCareChange",
    "HomeCareEpisode",
    "HomeCareResult",
    "Reconciliation",
]

HOME_CARE_MUTATIONS: Final = ("registerHomeCare", "stopHomeCare")
"""The VESTA operations that change state: never re-sent, reconciled by a consultation."""


class CareType(StrEnum):
    """The kind of Flemish home care (zorg en ondersteuning thuis); the wire code is kept."""

    FAMILY_CARE = "FAMILY_CARE"
    """Gezinszorg: personal and household care by a recognised family-care service."""
    HOUSEKEEPING = "HOUSEKEEPING"
    """Poetshulp / huishoudelijke hulp: cleaning."""
    MEALS = "MEALS"
    """Maaltijdbedeling: meals delivered at home."""
    SUPERVISION = "SUPERVISION"
    """Oppashulp: someone stays with the person (day or night)."""
    ODD_JOBS = "ODD_JOBS"
    """Klusjeshulp: small repairs and adaptations of the home."""


@dataclass(frozen=True)
class HomeCareEpisode:
    """A home-care episode of a person, registered by any organisation.

    ``reference`` is VESTA's identifier of the episode (what `VestaService.stop`
    names); ``period.end`` is None while the episode is not stopped.
    """

    reference: str
    care_type: CareType
    provider: str
    period: Period

    @property
    def ongoing(self) -> bool:
        """Not stopped (no end registered)."""
        return self.period.end is None


@dataclass(frozen=True)
class HomeCareResult:
    """The answer to `VestaService.get`: the person's home-care episodes."""

    episodes: tuple[HomeCareEpisode, ...]
    status: Status
    receipt: Receipt

    @property
    def found(self) -> bool:
        return bool(self.episodes)

    @property
    def ongoing(self) -> tuple[HomeCareEpisode, ...]:
        """The episodes not stopped."""
        return tuple(e for e in self.episodes if e.ongoing)

    def episode(self, reference: str) -> HomeCareEpisode | None:
        """The episode with that reference, or None."""
        return next((e for e in self.episodes if e.reference == reference), None)


@dataclass(frozen=True)
class HomeCareChange:
    """The answer to a VESTA mutation (`VestaService.register` or `stop`).

    ``reference`` is the episode registered or stopped; ``receipt.ticket`` is
    the call's ticket, the id to reconcile with should the answer be lost.
    """

    operation: str
    reference: str
    status: Status
    receipt: Receipt


@dataclass(frozen=True)
class Reconciliation:
    """What `VestaService.reconcile` established about an in-doubt register or stop.

    ``consultation`` is the consultHomeCare answer it was read from; ``reference``
    the episode the mutation made or stopped, when it was applied; ``recorded``
    whether the outcome went into the audit log.
    """

    call_id: str
    operation: str
    applied: bool
    reference: str | None
    consultation: HomeCareResult
    recorded: bool
