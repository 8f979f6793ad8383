"""Typed models of the leefloon refund exchanges with the POD-MI (SPEC §2.3).

`OCMWCPASRegisterAttest` / `OCMWCPASStopAttest` (the OCMW asks the federal
refund of the leefloon or equivalent leefloon it granted, and communicates the
end of the right) and `OCMWCPASListOfAttestations` (the POD-MI's decisions).
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from ksz_client._exceptions import FaultDetail, ValidationError
from ksz_client.types import Money, Period, Receipt, Status

__all__ = [
    "PREMIUM_QUALITY_CODES",
    "REFUND_QUALITY_CODES",
    "REQUEST_TYPES",
    "AttestResult",
    "AttestState",
    "Attestation",
    "AttestationList",
    "Duration",
    "Exoneration",
    "InstallationPremium",
    "PremiumResult",
    "Reconciliation",
    "Recovery",
    "RecoveryResult",
    "RefundAttest",
    "RefundCategory",
    "check_premium_quality_code",
    "check_reference",
    "check_refund_quality_code",
    "check_request_type",
]

REFUND_QUALITY_CODES: Final = {2: "leefloon", 3: "equivalent leefloon"}
"""The sector 17 quality codes a refund attest may be about."""

PREMIUM_QUALITY_CODES: Final = {2: "leefloon", 3: "equivalent leefloon", 4: "other aid"}
"""The sector 17 quality codes an installation premium may go with."""

REQUEST_TYPES: Final = {
    "RIS": "leefloon attests (law of 26 May 2002, right to social integration)",
    "STATUT65": "equivalent leefloon attests (law of 2 April 1965)",
    "EXONERATIONSART35": "socio-professional exoneration (art. 35)",
    "PRIME_INSTALLATION": "installation premium",
    "GPMI_PIIS": "individualised social integration projects (no search period)",
}
"""The ListOfAttestations RequestTypes the SDK knows (data, not code: the list changes).

``RIS`` is modelled: the public sources name the others and end with "…"."""

_REFERENCE: Final = re.compile(r"[A-Za-z0-9/_.\-]{1,40}")


def check_refund_quality_code(code: int) -> int:
    """`code` when it is 2 (leefloon) or 3 (equivalent leefloon); else ValidationError."""
    if isinstance(code, bool) or code not in REFUND_QUALITY_CODES:
        raise ValidationError("a refund attest is about quality code 2 (leefloon) or 3 "
                              "(equivalent leefloon)")
    return code


def check_premium_quality_code(code: int) -> int:
    """`code` when an installation premium may go with it (2, 3 or 4); else ValidationError."""
    if isinstance(code, bool) or code not in PREMIUM_QUALITY_CODES:
        raise ValidationError("an installation premium goes with quality code 2 (leefloon), 3 "
                              "(equivalent leefloon) or 4 (other aid)")
    return code


def check_reference(reference: str) -> str:
    """The OCMW's reference of the decision: 1 to 40 letters, digits or ``/_.-``."""
    if not isinstance(reference, str) or not _REFERENCE.fullmatch(reference.strip()):
        raise ValidationError("the reference is 1 to 40 letters, digits or / _ . -")
    return reference.strip()


def check_request_type(value: str) -> str:
    """A known ListOfAttestations RequestType (case-insensitive)."""
    code = value.strip().upper() if isinstance(value, str) else ""
    if code not in REQUEST_TYPES:
        raise ValidationError(f"the request type is one of {', '.join(REQUEST_TYPES)}")
    return code


class RefundCategory(StrEnum):
    """The leefloon category the amount was granted for."""

    COHABITANT = "COHABITANT"
    SINGLE = "SINGLE"
    FAMILY = "FAMILY"
    """With a family at charge."""


class AttestState(StrEnum):
    """Where a refund attest stands at the POD-MI."""

    REGISTERED = "REGISTERED"
    STOPPED = "STOPPED"


@dataclass(frozen=True)
class RefundAttest:
    """A refund attest as the POD-MI keeps it.

    `reference` is the OCMW's own reference of the decision (what later calls
    name), `attest_id` the POD-MI's; `period` the right (open-ended until stopped).
    """

    attest_id: str
    reference: str
    quality_code: int
    period: Period
    monthly_amount: Money
    state: AttestState


@dataclass(frozen=True)
class AttestResult:
    """The answer to a registerAttest or stopAttest: the attest after it."""

    attest: RefundAttest
    status: Status
    receipt: Receipt


@dataclass(frozen=True)
class Duration:
    """How long an attested right runs (the POD-MI's count)."""

    days: int = 0
    weeks: int = 0
    months: int = 0


@dataclass(frozen=True)
class Recovery:
    """An amount the OCMW recovered from the beneficiary on a refunded attest."""

    reference: str
    """The attest's reference."""
    recovery_reference: str
    """The OCMW's own reference of the recovery."""
    date: _dt.date
    amount: Money
    total_recovered: Money | None = None
    """Everything recovered on the attest so far (in the registerRecoveredAmount answer)."""


@dataclass(frozen=True)
class RecoveryResult:
    """The answer to a registerRecoveredAmount."""

    recovery: Recovery
    status: Status
    receipt: Receipt


@dataclass(frozen=True)
class InstallationPremium:
    """An installation premium whose refund the POD-MI registered."""

    premium_id: str
    reference: str
    installation_date: _dt.date
    amount: Money


@dataclass(frozen=True)
class PremiumResult:
    """The answer to a requestOrganicLawRefund."""

    premium: InstallationPremium
    status: Status
    receipt: Receipt


@dataclass(frozen=True)
class Attestation:
    """One POD-MI decision on an attest (``Attestation``), possibly of another OCMW."""

    ssin: str = field(repr=False)
    cpas_kbo_number: str
    entry_date: _dt.date
    attest_type_code: str
    attest_type_description: str | None
    form_type: str | None
    duration: Duration | None
    decision_date: _dt.date | None
    reference: str | None
    status: str
    relation_type: str | None = None
    end_date: _dt.date | None = None
    amount: Money | None = None
    """The amount refunded, where the decision carries one (an installation premium)."""
    recovered: tuple[Recovery, ...] = ()
    """The amounts recovered on the attest, as the POD-MI registered them."""


@dataclass(frozen=True)
class Exoneration:
    """Exoneration art. 35: the first date and the days exonerated so far."""

    first_date: _dt.date
    exonerated_days: int


@dataclass(frozen=True)
class AttestationList:
    """The answer to ListOfAttestations: decisions, exonerations and GPMI/PIIS periods."""

    request_type: str
    attestations: tuple[Attestation, ...]
    receipt: Receipt
    exonerations: tuple[Exoneration, ...] = ()
    gpmi_periods: tuple[Period, ...] = ()
    warnings: tuple[FaultDetail, ...] = ()

    @property
    def found(self) -> bool:
        return bool(self.attestations or self.exonerations or self.gpmi_periods)

    def by_reference(self, reference: str, cpas_kbo_number: str | None = None
                     ) -> tuple[Attestation, ...]:
        """The decisions on the attests with this reference (of one OCMW when given)."""
        return tuple(a for a in self.attestations if a.reference == reference and (
            cpas_kbo_number is None or a.cpas_kbo_number == cpas_kbo_number))


@dataclass(frozen=True)
class Reconciliation:
    """How an in-doubt registerAttest/stopAttest turned out, established with ListOfAttestations.

    `applied` is True when the POD-MI holds the attest as the mutation wanted
    (it must not be sent again), False when not (it may be sent again).
    `recorded` says whether the audit log got the RECOVERY record.
    """

    call_id: str
    operation: str
    applied: bool
    listing: AttestationList
    recorded: bool
