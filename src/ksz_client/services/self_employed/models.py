"""Typed models of SelfEmployed V2 (RSVZ/INASTI): career and contribution payments."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from ksz_client.types import AnsweredSsin, Period, Quarter, Receipt, Status

__all__ = [
    "Affiliation",
    "Career",
    "CareerResult",
    "CareerSegment",
    "Coded",
    "ContributionsResult",
    "Description",
    "QuarterContribution",
    "SocialInsuranceFund",
]


@dataclass(frozen=True)
class Description:
    """A description in one language (NL, FR or DE)."""

    language: str
    text: str


@dataclass(frozen=True)
class Coded:
    """An RSVZ code with its descriptions, as the source gives them.

    The RSVZ code lists (quality, contribution category, contribution
    situation, ...) are not published with the contract: the code is kept as
    the source sends it, with the source's own descriptions.
    """

    code: str
    descriptions: tuple[Description, ...] = ()

    def description(self, language: str = "NL") -> str | None:
        """The description in `language`, else the first one, else None."""
        for item in self.descriptions:
            if item.language == language:
                return item.text
        return self.descriptions[0].text if self.descriptions else None

    def __str__(self) -> str:
        text = self.description()
        return f"{self.code} {text}" if text else self.code


@dataclass(frozen=True)
class SocialInsuranceFund:
    """A social insurance fund for the self-employed (3-digit code, KBO number)."""

    code: str
    cbe_number: str | None = None

    def __str__(self) -> str:
        return f"{self.code} ({self.cbe_number})" if self.cbe_number else self.code


@dataclass(frozen=True)
class CareerSegment:
    """A stretch of the career with one quality and contribution category."""

    period: Period
    quality: Coded
    """``selfEmployedQuality``: main or secondary occupation, helper, ... (code 100-999)."""
    contribution: Coded
    """The contribution category of the segment (code 100-999)."""
    equality: Coded | None = None
    """``equality``: an assimilation (e.g. to a period of activity), when there is one."""


@dataclass(frozen=True)
class Affiliation:
    """Affiliation with one social insurance fund and the career segments under it."""

    fund: SocialInsuranceFund
    segments: tuple[CareerSegment, ...]
    signature_date: _dt.date | None = None


@dataclass(frozen=True)
class Career:
    """The self-employed career the RSVZ knows (``career``)."""

    nisse_reference: str
    """The RSVZ's own file reference."""
    affiliations: tuple[Affiliation, ...]
    enterprise_number: str | None = None
    occupation: Coded | None = None

    @property
    def segments(self) -> tuple[CareerSegment, ...]:
        """Every segment of every affiliation, in start order."""
        return tuple(sorted((s for a in self.affiliations for s in a.segments),
                            key=lambda s: s.period.start))

    @property
    def active(self) -> bool:
        """A segment is still running (no end date)."""
        return any(s.period.end is None for s in self.segments)


@dataclass(frozen=True)
class CareerResult:
    """The answer to `SelfEmployedService.career`.

    ``career`` is None with status NO_DATA_FOUND when the RSVZ knows no
    self-employed career for the person. ``ssin`` is the SSIN the answer is
    about when the KSZ names it (e.g. the current SSIN of a replaced one);
    ``data_filters`` the elements the KSZ filtered out for this caller.
    """

    career: Career | None
    status: Status
    receipt: Receipt
    ssin: AnsweredSsin | None = None
    data_filters: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return self.career is not None


@dataclass(frozen=True)
class QuarterContribution:
    """The situation of one quarter's social contributions."""

    quarter: Quarter
    fund: SocialInsuranceFund
    situation: Coded
    """``contributionSituation``: whether (and how) the quarter's contributions were paid."""
    ziv: Coded | None = None
    """Health-insurance (ZIV/AMI) entitlement code for the quarter (0-99)."""


@dataclass(frozen=True)
class ContributionsResult:
    """The answer to `SelfEmployedService.contributions`: one entry per quarter known."""

    contributions: tuple[QuarterContribution, ...]
    status: Status
    receipt: Receipt
    ssin: AnsweredSsin | None = None

    def of(self, quarter: Quarter | str) -> QuarterContribution | None:
        """The entry of `quarter` (``2025Q3``), if the answer has one."""
        wanted = Quarter.parse(quarter)
        return next((c for c in self.contributions if c.quarter == wanted), None)

