"""Typed models of the multifunctional attest: OCMWCPASA036 (send) and OCMWCPASL036 (consult).

An A036 states that a person receives leefloon (integration income) or its
equivalent from a given OCMW (the competent OCMW) for a period. The OCMW
creates, changes or deletes it within 7 days of its decision; every OCMW and
institution that needs to know consults the attests with L036, page by page.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from enum import StrEnum

from ksz_client._exceptions import FaultDetail, ValidationError
from ksz_client.types import Period, Receipt, Status

__all__ = [
    "DECISION_DEADLINE_DAYS",
    "A036Attest",
    "A036Request",
    "A036Result",
    "Attestation",
    "AttestationStatus",
    "BenefitType",
    "Category",
    "L036Page",
    "L036Query",
    "L036Result",
    "ProcessType",
    "Reconciliation",
    "check_decision_date",
]

DECISION_DEADLINE_DAYS = 7
"""An attest is created, changed or deleted at most this many days after the decision."""

_EARLIEST = _dt.date(1900, 1, 1)
_LATEST = _dt.date(2999, 12, 31)


class BenefitType(StrEnum):
    """What the OCMW grants: leefloon (integration income) or equivalent leefloon."""

    LEEFLOON = "LEEFLOON"
    EQUIVALENT = "EQUIVALENT"

    @property
    def quality_code(self) -> int:
        """The sector 17 quality code the person must be integrated for (2 or 3)."""
        return 2 if self is BenefitType.LEEFLOON else 3


class Category(StrEnum):
    """The leefloon category: cohabitant, isolated person, person with a family."""

    COHABITANT = "COHABITANT"
    ISOLATED = "ISOLATED"
    FAMILY = "FAMILY"


class AttestationStatus(StrEnum):
    """Where an attest stands: in force, replaced by a change, or deleted."""

    ACTIVE = "ACTIVE"
    REPLACED = "REPLACED"
    CANCELLED = "CANCELLED"


class ProcessType(StrEnum):
    """What an A036 does (the ``processType`` attribute): create, change or delete."""

    CREATE = "C"
    CHANGE = "M"
    DELETE = "D"


def _check_period(period: Period, what: str) -> None:
    if period.start < _EARLIEST or (period.end or period.start) > _LATEST:
        raise ValidationError(f"{what} lies between 1900 and 2999")


def check_decision_date(decision_date: _dt.date, today: _dt.date) -> None:
    """Refuse a decision in the future or more than `DECISION_DEADLINE_DAYS` days old."""
    if decision_date > today:
        raise ValidationError("the decision date lies in the future")
    if (today - decision_date).days > DECISION_DEADLINE_DAYS:
        raise ValidationError(
            f"an attest is created, changed or deleted within {DECISION_DEADLINE_DAYS} days of "
            "the decision: this decision is older"
        )


@dataclass(frozen=True)
class Attestation:
    """One version of an attest as the KSZ holds it.

    A change replaces an attest by a new one (new `attestation_id`) whose
    `update_attestation_id` names the one it replaces (then REPLACED).
    """

    status: AttestationStatus
    attestation_id: str
    creation_date: _dt.date
    validity: Period
    category: Category
    benefit: BenefitType
    update_attestation_id: str | None = None


@dataclass(frozen=True)
class A036Attest:
    """An A036 of an answer: the attest, the OCMW that gave it and whether it is the latest."""

    recent: bool
    """True for the latest version of an attest (RecentAnswer)."""
    ocmw: str
    """KBO/BCE number of the competent OCMW."""
    attestation: Attestation

    @property
    def in_force(self) -> bool:
        """The latest version and neither replaced nor deleted."""
        return self.recent and self.attestation.status is AttestationStatus.ACTIVE


@dataclass(frozen=True)
class L036Query:
    """An L036 request: the period to list and, after the first page, where to go on."""

    period: Period
    unique_reference: str | None
    """The listing's UniqueReference; None on a listing's first page, whose
    UniqueReference is that call's own ticket (the SSDN Reference)."""
    next_reference: str | None = None

    def __post_init__(self) -> None:
        if self.period.end is None:
            raise ValidationError("an L036 period has an end")
        _check_period(self.period, "an L036 period")
        if self.unique_reference is not None and not self.unique_reference:
            raise ValidationError("an L036 request carries its unique reference")


@dataclass(frozen=True)
class L036Page:
    """One page of an L036 answer."""

    attests: tuple[A036Attest, ...]
    next_reference: str | None
    """Where the next page starts; None on the last page."""
    unique_reference: str
    """The listing's UniqueReference: the next page's request repeats it."""
    status: Status
    receipt: Receipt
    warnings: tuple[FaultDetail, ...] = ()

    @property
    def last(self) -> bool:
        return self.next_reference is None


@dataclass(frozen=True)
class L036Result:
    """Every A036 of a person for a period (all pages of an L036 listing)."""

    attests: tuple[A036Attest, ...]
    pages: int
    status: Status
    receipt: Receipt
    """The receipt of the last page (`receipts` holds every page's)."""
    receipts: tuple[Receipt, ...] = ()
    warnings: tuple[FaultDetail, ...] = ()

    @property
    def found(self) -> bool:
        return bool(self.attests)

    def in_force(self) -> tuple[A036Attest, ...]:
        """The attests currently in force (latest version, active)."""
        return tuple(a for a in self.attests if a.in_force)

    def on(self, day: _dt.date) -> tuple[A036Attest, ...]:
        """The attests in force whose period of right covers `day`."""
        return tuple(a for a in self.in_force() if a.attestation.validity.contains(day))

    def find(self, attestation_id: str) -> A036Attest | None:
        """The attest with that id, if listed."""
        return next((a for a in self.attests
                     if a.attestation.attestation_id == attestation_id), None)


@dataclass(frozen=True)
class A036Request:
    """What an A036 sends: create, change or delete an attest of this OCMW.

    A CREATE names no attest; a CHANGE or DELETE names the attest it concerns.
    The period of right and category describe the attest as it must be
    (for a DELETE: as it was).
    """

    process: ProcessType
    ocmw: str
    decision_date: _dt.date
    benefit: BenefitType
    validity: Period
    category: Category
    attestation_id: str | None = None

    def __post_init__(self) -> None:
        if self.process is ProcessType.CREATE and self.attestation_id is not None:
            raise ValidationError("a new attest has no attestation id yet")
        if self.process is not ProcessType.CREATE and not self.attestation_id:
            raise ValidationError("a change or deletion names the attest (attestation_id)")
        _check_period(self.validity, "the period of right")
        if not (self.ocmw.isdigit() and len(self.ocmw) == 10):
            raise ValidationError("the competent OCMW is a KBO/BCE number of 10 digits")


@dataclass(frozen=True)
class A036Result:
    """The answer to an A036: the attest as the KSZ now holds it."""

    process: ProcessType
    attest: A036Attest
    status: Status
    receipt: Receipt
    warnings: tuple[FaultDetail, ...] = ()

    @property
    def attestation_id(self) -> str:
        return self.attest.attestation.attestation_id


@dataclass(frozen=True)
class Reconciliation:
    """What an L036 listing says about an in-doubt A036."""

    call_id: str
    process: ProcessType
    applied: bool
    listing: L036Result
    recorded: bool
    """True when the outcome was written to the audit log (`AuditLog.resolve`)."""
    attest: A036Attest | None = None
    """The attest the A036 created (CREATE, CHANGE) or deleted, when applied."""
