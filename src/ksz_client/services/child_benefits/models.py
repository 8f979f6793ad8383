"""Typed models of ChildBenefits V1 (the child-benefit cadastre: files, family composition)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ksz_client._exceptions import ValidationError
from ksz_client.ssin import Ssin
from ksz_client.types import Month, Receipt, Status

__all__ = [
    "AuthenticSource",
    "BenefitRole",
    "ChildBenefitFile",
    "ChildBenefitsResult",
    "FileMember",
    "SourceAnswer",
]


class AuthenticSource(StrEnum):
    """The child-benefit administrations; each is asked in a call of its own."""

    FLANDERS = "FLANDERS"
    """Opgroeien (Groeipakket)."""
    WALLONIA = "WALLONIA"
    """AVIQ / FAMIWAL."""
    BRUSSELS = "BRUSSELS"
    """IRISCARE."""
    EASTBELGIUM = "EASTBELGIUM"
    """Ministerium der Deutschsprachigen Gemeinschaft."""
    FEDERAL = "FEDERAL"
    """FAMIFED (files of before the regionalisation)."""

    @classmethod
    def parse(cls, value: AuthenticSource | str) -> AuthenticSource:
        text = str(value).strip().upper().replace("_", "").replace("-", "").replace(" ", "")
        try:
            return cls(text)
        except ValueError:
            raise ValidationError(
                "unknown authentic source; known: " + ", ".join(m.value for m in cls)
            ) from None


class BenefitRole(StrEnum):
    """A person's role in a child-benefit file."""

    ATTRIBUTED = "ATTRIBUTED"
    """Opens the right (attributaire / rechthebbende)."""
    ALLOCATED = "ALLOCATED"
    """Receives the benefits (allocataire / bijslagtrekkende)."""
    BENEFICIARY_CHILD = "BENEFICIARY_CHILD"
    """The child the benefits are for."""


@dataclass(frozen=True)
class FileMember:
    """A member of the file's family composition."""

    ssin: Ssin
    role: BenefitRole
    since: Month | None = None


@dataclass(frozen=True)
class ChildBenefitFile:
    """A file of the child-benefit cadastre (no amounts: the cadastre does not hold them).

    ``role`` is the role of the person asked about; ``members`` the family
    composition of the file.
    """

    source: AuthenticSource
    file_number: str
    role: BenefitRole
    start_month: Month
    end_month: Month | None = None
    payment_fund: str | None = None
    members: tuple[FileMember, ...] = ()

    @property
    def children(self) -> tuple[FileMember, ...]:
        return tuple(m for m in self.members if m.role is BenefitRole.BENEFICIARY_CHILD)


@dataclass(frozen=True)
class SourceAnswer:
    """One call's answer: what one authentic source said."""

    source: AuthenticSource
    files: tuple[ChildBenefitFile, ...]
    status: Status
    receipt: Receipt


@dataclass(frozen=True)
class ChildBenefitsResult:
    """The answer to `ChildBenefitsService.files`: the files of every source asked, merged.

    ``answers`` holds each source's own status and receipt (one call each).
    ``status`` is DATA_FOUND when any source has a file, else the first
    source's status; ``receipt`` is the first source's.
    """

    files: tuple[ChildBenefitFile, ...]
    answers: tuple[SourceAnswer, ...]
    begin_month: Month
    end_month: Month
    status: Status
    receipt: Receipt

    @property
    def found(self) -> bool:
        return bool(self.files)

    def from_source(self, source: AuthenticSource | str) -> tuple[ChildBenefitFile, ...]:
        wanted = AuthenticSource.parse(source)
        return tuple(f for f in self.files if f.source is wanted)
