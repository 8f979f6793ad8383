"""Typed models of PCSASocialInquiry V1 (Nova+): social-inquiry pointers, residence simulation."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ksz_client.types import Receipt, Status

__all__ = [
    "InquiryResult",
    "InquirySource",
    "ResidenceResult",
    "ResidenceStatus",
    "SocialInquiry",
    "SocialRight",
]


class InquirySource(StrEnum):
    """A social source the inquiry looks at."""

    EMPLOYMENT = "EMPLOYMENT"
    SELF_EMPLOYMENT = "SELF_EMPLOYMENT"
    UNEMPLOYMENT = "UNEMPLOYMENT"
    PENSION = "PENSION"
    DISABILITY = "DISABILITY"
    INCREASED_INTERVENTION = "INCREASED_INTERVENTION"
    CHILD_BENEFITS = "CHILD_BENEFITS"
    LEEFLOON = "LEEFLOON"


class ResidenceStatus(StrEnum):
    """The register the person is in (modelled codes)."""

    POPULATION_REGISTER = "POPULATION_REGISTER"
    FOREIGNERS_REGISTER = "FOREIGNERS_REGISTER"
    WAITING_REGISTER = "WAITING_REGISTER"
    """Applicants for international protection."""
    NOT_RESIDENT = "NOT_RESIDENT"
    """Not in the national register's residence registers (BIS, radiated)."""


class SocialRight(StrEnum):
    """What the residence status means for the right to social integration (a simulation)."""

    INTEGRATION_INCOME = "INTEGRATION_INCOME"
    TO_CHECK = "TO_CHECK"
    """Depends on the residence document: the OCMW checks it."""
    NONE = "NONE"


@dataclass(frozen=True)
class SocialInquiry:
    """Which sources know something about the person today, and the household size."""

    household_size: int
    sources: tuple[tuple[InquirySource, bool], ...]

    def found(self) -> tuple[InquirySource, ...]:
        """The sources that know something: the services to consult next."""
        return tuple(source for source, found in self.sources if found)


@dataclass(frozen=True)
class InquiryResult:
    """The answer to `SocialInquiryService.get`."""

    inquiry: SocialInquiry | None
    status: Status
    receipt: Receipt


@dataclass(frozen=True)
class ResidenceResult:
    """The answer to `SocialInquiryService.simulate_residence`: a simulation, not a decision."""

    residence_status: ResidenceStatus | None
    right: SocialRight | None
    status: Status
    receipt: Receipt
