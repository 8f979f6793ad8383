"""Typed models of SSINInformationService V1 (the history of an SSIN)."""

from __future__ import annotations

from dataclasses import dataclass

from ksz_client.ssin import Ssin
from ksz_client.types import Receipt, Status

__all__ = ["CurrentSsinResult", "RelatedSsinsResult", "SsinState"]


@dataclass(frozen=True)
class SsinState:
    """An SSIN as the registers know it: cancelled or not, and what it replaces or was
    replaced by (e.g. a BIS number replaced by a national number)."""

    ssin: Ssin
    canceled: bool = False
    replaces: Ssin | None = None
    """The number this one replaced (on the current SSIN)."""
    replaced_by: Ssin | None = None
    """The number that replaced this one (on a related, older SSIN)."""


@dataclass(frozen=True)
class CurrentSsinResult:
    """The answer to `SsinInformationService.current`: the SSIN to use now.

    ``current.ssin`` equals the number asked about when it was never replaced;
    ``current.replaces`` names the number it replaced, if any.
    """

    current: SsinState | None
    status: Status
    receipt: Receipt

    @property
    def ssin(self) -> Ssin | None:
        """The current SSIN, or None when the KSZ gave none."""
        return self.current.ssin if self.current is not None else None


@dataclass(frozen=True)
class RelatedSsinsResult:
    """The answer to `SsinInformationService.related`: the person's other numbers.

    Oldest first; empty (status NO_DATA_FOUND) when the number has no history.
    """

    related: tuple[SsinState, ...]
    status: Status
    receipt: Receipt

    @property
    def current(self) -> Ssin | None:
        """The related number that is neither cancelled nor replaced, if there is one."""
        return next((s.ssin for s in self.related
                     if not s.canceled and s.replaced_by is None), None)
