"""Typed models of FamilyComposition (household composition from the registers)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from ksz_client.ssin import Gender, Ssin
from ksz_client.types import (
    HOUSEHOLD_RELATIONSHIPS,
    Address,
    PartialDate,
    Period,
    PersonName,
    Receipt,
    Relationship,
    Status,
)

__all__ = [
    "RELATIONSHIPS",
    "FamilyComposition",
    "FamilyCompositionResult",
    "FamilyMember",
    "Relationship",
    "Source",
    "relationship_label",
]

RELATIONSHIPS: Final[Mapping[str, str]] = HOUSEHOLD_RELATIONSHIPS
"""Relationship to the head of household, by KSZ code (`ksz_client.types`)."""


def relationship_label(code: str) -> str | None:
    """The meaning of a relationship code, or None for a code this table does not know."""
    return RELATIONSHIPS.get(code)



class Source(StrEnum):
    """Where a composition comes from."""

    RR = "RR"
    """The national register (classic origin ``RN_RR``)."""
    KSZ = "KSZ"
    """The KSZ BIS register (classic origin ``BCSS_KSZ``)."""


@dataclass(frozen=True)
class FamilyMember:
    """A member of a household.

    Identified by SSIN or, when the registers do not know the member by SSIN, by a
    fictional identification number. ``relationship`` is the KSZ code of the relationship
    to the head of household, kept as it came (see `RELATIONSHIPS`).
    """

    relationship: str
    name: PersonName
    ssin: Ssin | None = None
    fictional_id: str | None = None
    birth_date: PartialDate | None = None
    gender: Gender | None = None
    decease_date: PartialDate | None = None
    address: Address | None = None
    entry_date: _dt.date | None = None
    exit_date: _dt.date | None = None

    @property
    def relationship_label(self) -> str | None:
        """The meaning of the relationship code, when `RELATIONSHIPS` knows it."""
        return relationship_label(self.relationship)

    @property
    def is_head(self) -> bool:
        return self.relationship == Relationship.HEAD


@dataclass(frozen=True)
class FamilyComposition:
    """The household over one period: who lived together, where, according to which register."""

    period: Period
    source: Source
    members: tuple[FamilyMember, ...]
    address: Address | None = None

    @property
    def head(self) -> FamilyMember | None:
        return next((m for m in self.members if m.is_head), None)

    def member(self, ssin: str) -> FamilyMember | None:
        """The member with this SSIN (any written form), or None."""
        digits = "".join(ch for ch in ssin if ch.isdigit())
        return next((m for m in self.members if m.ssin == digits), None)

    def __len__(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class FamilyCompositionResult:
    """The answer to `FamilyCompositionService.get`.

    One composition for a snapshot, every composition since the start date for a
    history (oldest first); none, with status NO_DATA_FOUND, when the registers hold
    no household for the person at that time.
    """

    compositions: tuple[FamilyComposition, ...]
    status: Status
    receipt: Receipt

    @property
    def found(self) -> bool:
        return bool(self.compositions)

    @property
    def current(self) -> FamilyComposition | None:
        """The most recent composition returned (the snapshot, or the last of a history)."""
        return self.compositions[-1] if self.compositions else None
