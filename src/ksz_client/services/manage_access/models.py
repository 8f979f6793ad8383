"""Typed models of OCMWCPASManageAccess (SSDN 20050930): the KSZ reference repertory."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ksz_client import catalogue
from ksz_client._exceptions import FaultDetail, ValidationError
from ksz_client.audit import Integration
from ksz_client.ssin import Ssin
from ksz_client.types import PartialDate, Period, Receipt, Status

__all__ = [
    "AccessAction",
    "AccessResult",
    "ProofOfAuthentication",
    "Reconciliation",
    "Registration",
    "RepertoryRegister",
    "SyncResult",
    "check_quality_code",
]


class AccessAction(StrEnum):
    """The ManageAccess ``Action``."""

    REGISTER = "REGISTER"
    UNREGISTER = "UNREGISTER"
    LIST = "LIST"


class RepertoryRegister(StrEnum):
    """Which register an integration is read from (``QueryRegister`` / ``Register``).

    PRIMARY is the KSZ's own repertory, SECONDARY the sector's (for the OCMWs
    kept by Smals); a LIST may ask for ALL, a registration is one of the two.
    """

    PRIMARY = "PRIMARY"
    SECONDARY = "SECONDARY"
    ALL = "ALL"


def check_quality_code(code: int) -> int:
    """Refuse, before sending, a quality code that is not a sector 17 one."""
    if isinstance(code, bool) or not isinstance(code, int):
        raise ValidationError("a quality code is a whole number")
    if code not in catalogue.QUALITY_CODES:
        known = ", ".join(str(c) for c in catalogue.QUALITY_CODES)
        raise ValidationError(f"quality code {code} is not a sector 17 quality code ({known})")
    return code


def _digits(value: str, length: int, what: str) -> str:
    text = "".join(value.split())
    if len(text) != length or not text.isdigit():
        raise ValidationError(f"a {what} has {length} digits")
    return text


@dataclass(frozen=True)
class ProofOfAuthentication:
    """Proof that the OCMW has the person in front of it (``ProofOfAuthentication``).

    At least one of: the person's data (last name and birth date, possibly
    partial, with an optional first name), the SIS card number (10 digits) or
    the identity card number (12 digits). Validated on construction.
    """

    last_name: str | None = None
    birth_date: PartialDate | None = None
    first_name: str | None = None
    sis_card_number: str | None = None
    identity_card_number: str | None = None

    def __post_init__(self) -> None:
        if self.last_name is not None and not self.last_name.strip():
            raise ValidationError("the proof's last name cannot be empty")
        if (self.last_name is None) != (self.birth_date is None):
            raise ValidationError("a proof by person data needs both the last name and the "
                                  "birth date")
        if self.first_name is not None and self.last_name is None:
            raise ValidationError("a first name proves nothing without last name and birth date")
        if self.sis_card_number is not None:
            object.__setattr__(self, "sis_card_number",
                               _digits(self.sis_card_number, 10, "SIS card number"))
        if self.identity_card_number is not None:
            object.__setattr__(self, "identity_card_number",
                               _digits(self.identity_card_number, 12, "identity card number"))
        if self.empty:
            raise ValidationError("a proof of authentication needs the person's last name and "
                                  "birth date, or a SIS or identity card number")

    @property
    def empty(self) -> bool:
        return (self.last_name is None and self.sis_card_number is None
                and self.identity_card_number is None)

    def __repr__(self) -> str:
        # Identity data stays out of reprs, like SSINs.
        given = [n for n, v in (("person data", self.last_name), ("SIS card",
                 self.sis_card_number), ("identity card", self.identity_card_number)) if v]
        return f"ProofOfAuthentication({', '.join(given)})"


@dataclass(frozen=True)
class Registration:
    """One integration as the repertory lists it (``Registrations``).

    `org_unit` is who holds it: an OCMW's KBO number in the SECONDARY
    register, the sector in the PRIMARY one.
    """

    quality_code: int
    period: Period
    org_unit: str
    register: RepertoryRegister

    @property
    def purpose(self) -> int:
        """The ManageAccess name of the quality code."""
        return self.quality_code

    @property
    def quality(self) -> str | None:
        """What the quality code means (sector 17), when known."""
        return catalogue.QUALITY_CODES.get(self.quality_code)

    def covers(self, period: Period) -> bool:
        """Whether this registration spans the whole of `period`."""
        return self.period.start <= period.start and (
            self.period.end is None or (period.end is not None and period.end <= self.period.end))


@dataclass(frozen=True)
class AccessResult:
    """The answer to a REGISTER, UNREGISTER or LIST.

    `registrations` are the integrations the repertory returned (for
    REGISTER/UNREGISTER: those overlapping the period after the change; for
    LIST: those matching the query). `warnings` are the SSDN warnings (e.g.
    "already integrated": nothing changed), returned rather than raised.
    """

    action: AccessAction
    ssin: Ssin
    quality_code: int | None
    period: Period
    registrations: tuple[Registration, ...]
    warnings: tuple[FaultDetail, ...]
    status: Status
    receipt: Receipt
    query_register: RepertoryRegister | None = None

    @property
    def changed(self) -> bool | None:
        """False when the KSZ said nothing changed (a warning); None for a LIST."""
        if self.action is AccessAction.LIST:
            return None
        return not self.warnings

    def of(self, org_unit: str) -> tuple[Registration, ...]:
        """The registrations held by one organisation (its KBO number)."""
        return tuple(r for r in self.registrations if r.org_unit == org_unit)


@dataclass(frozen=True)
class SyncResult:
    """What `AccessService.sync` did: the organisation's register is now `integrations`."""

    organisation: str
    subjects: int
    """How many SSINs were listed."""
    integrations: tuple[Integration, ...]
    receipts: tuple[Receipt, ...]
    removed: int
    """Integrations the local register held before and no longer holds."""
    added: int
    """Integrations the local register holds now and did not before."""


@dataclass(frozen=True)
class Reconciliation:
    """How an in-doubt REGISTER/UNREGISTER turned out, established with a LIST.

    `applied` is True when the repertory is as the mutation wanted (the KSZ
    processed it, or it already was so: it must not be sent again), False when
    it is not (it may be sent again). `recorded` says whether the audit log
    got the RECOVERY record.
    """

    call_id: str
    action: AccessAction
    applied: bool
    listing: AccessResult
    recorded: bool
