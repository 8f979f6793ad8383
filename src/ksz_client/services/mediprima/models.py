"""ManageCarmed (MediPrima) models: decisions on taking charge of medical costs.

A decision is identified by its Carmed number and version (every change is a
new version), names its beneficiary, its validity period and the OCMW that
took it (``pswc``), and carries what is covered per care type and how the
POD-MI refunds the OCMW. Amounts are `Money` (whole euro cents).
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
from dataclasses import dataclass, field
from typing import Final

from ksz_client._exceptions import ValidationError
from ksz_client.types import Money, Period, Receipt, Status

__all__ = [
    "MAX_DURATION_DAYS",
    "MAX_RETROACTIVE_DAYS",
    "CareType",
    "CarmedResult",
    "Content",
    "Cover",
    "Decision",
    "DecisionState",
    "Reconciliation",
    "Refund",
    "Support",
    "check_decision",
    "check_stop",
]

MAX_RETROACTIVE_DAYS: Final = 60
"""A decision (or a stop) may reach back at most this many days before today."""
_CODE: Final = re.compile(r"[A-Za-z0-9_\-]{1,20}")
_MAX_JUSTIFICATIONS: Final = 10
MAX_DURATION_DAYS: Final = 366
"""A principle decision lasts at most 1 year: at most this many days, both ends included
(a year from the start day, the same day a year later excluded)."""


class CareType(enum.StrEnum):
    """The care a medical cover applies to."""

    DOCTOR = "DOCTOR"
    HOSPITALIZATION = "HOSPITALIZATION"
    AMBULATORY_HOSPITALIZATION = "AMBULATORY_HOSPITALIZATION"
    MEDICAL_TRANSPORTATION = "MEDICAL_TRANSPORTATION"
    MISCELLANEOUS = "MISCELLANEOUS"
    PARAMEDIC = "PARAMEDIC"
    PHARMACEUTICAL_DRUG = "PHARMACEUTICAL_DRUG"
    PROSTHESIS = "PROSTHESIS"


class DecisionState(enum.StrEnum):
    """ACTIVE, or STOPPED (ended early by stopCarmed; no later change possible)."""

    ACTIVE = "ACTIVE"
    STOPPED = "STOPPED"


@dataclass(frozen=True)
class Support:
    """Which parts of the cost the OCMW takes charge of."""

    health_insurance_part: bool = True
    patient_part: bool = True
    supplement: bool = False


@dataclass(frozen=True)
class Cover:
    """The medical cover of one care type within the decision."""

    care_type: CareType
    period: Period
    support: Support = field(default_factory=Support)
    maximum_patient_part: Money | None = None
    allowed_supplements: bool = False

    def __post_init__(self) -> None:
        if self.period.end is None:
            raise ValidationError("a medical cover has an end date")
        if self.maximum_patient_part is not None and self.maximum_patient_part.cents < 0:
            raise ValidationError("the maximum patient part is not negative")


@dataclass(frozen=True)
class Refund:
    """How the POD-MI refunds the OCMW (``refundPodmiSppis``)."""

    refund_code: str
    affiliated_mutuality: bool
    beneficiary_status: str
    podmi_part: Money
    medical_urgency: bool = False
    justifications: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.podmi_part.cents < 0:
            raise ValidationError("the POD-MI part is not negative")
        for code in (self.refund_code, self.beneficiary_status, *self.justifications):
            if not _CODE.fullmatch(code):
                raise ValidationError("refund codes, beneficiary status and justifications are "
                                      "1 to 20 letters, digits, '_' or '-'")
        if len(self.justifications) > _MAX_JUSTIFICATIONS:
            raise ValidationError(f"at most {_MAX_JUSTIFICATIONS} justifications")


@dataclass(frozen=True)
class Content:
    """What a decision covers: per care type, and the refund by the POD-MI."""

    covers: tuple[Cover, ...] = ()
    refund: Refund | None = None

    def cover(self, care_type: CareType) -> Cover | None:
        """The cover of one care type, if any."""
        return next((c for c in self.covers if c.care_type is care_type), None)


@dataclass(frozen=True)
class Decision:
    """One version of a MediPrima decision."""

    carmed_number: str
    version: int
    beneficiary: str
    period: Period
    pswc: str
    state: DecisionState
    content: Content

    def __repr__(self) -> str:
        # The beneficiary's SSIN stays out of reprs (logs, assertion messages).
        return (f"Decision(carmed_number={self.carmed_number!r}, version={self.version}, "
                f"period={self.period.start}..{self.period.end}, state={self.state.value})")


@dataclass(frozen=True)
class CarmedResult:
    """The answer of a ManageCarmed operation: the decisions (versions) it returns."""

    operation: str
    decisions: tuple[Decision, ...]
    status: Status
    receipt: Receipt

    @property
    def decision(self) -> Decision | None:
        """The (last) decision answered, or None."""
        return self.decisions[-1] if self.decisions else None


@dataclass(frozen=True)
class Reconciliation:
    """What `MediPrimaService.reconcile` established about an in-doubt mutation."""

    call_id: str
    operation: str
    applied: bool
    consultation: CarmedResult | None
    recorded: bool


def check_decision(period: Period, content: Content, today: _dt.date) -> None:
    """The rules of a (new version of a) decision; raises `ValidationError`.

    The decision has an end, lasts at most 1 year and reaches back at most 60
    days; each cover lies within it; one cover per care type; hospitalisation
    goes with ambulatory care.
    """
    if period.end is None:
        raise ValidationError("a decision has an end date (at most 1 year)")
    if (period.end - period.start).days + 1 > MAX_DURATION_DAYS:
        raise ValidationError("a principle decision lasts at most 1 year")
    if period.start < today - _dt.timedelta(days=MAX_RETROACTIVE_DAYS):
        raise ValidationError(f"a decision reaches back at most {MAX_RETROACTIVE_DAYS} days")
    if not content.covers:
        raise ValidationError("a decision covers at least one care type")
    seen: set[CareType] = set()
    for cover in content.covers:
        if cover.care_type in seen:
            raise ValidationError("one medical cover per care type")
        seen.add(cover.care_type)
        end = cover.period.end
        if cover.period.start < period.start or end is None or end > period.end:
            raise ValidationError("a medical cover lies within the decision's period")
    if CareType.HOSPITALIZATION in seen and CareType.AMBULATORY_HOSPITALIZATION not in seen:
        raise ValidationError("hospitalisation goes with ambulatory care: cover "
                              "AMBULATORY_HOSPITALIZATION too")


def check_stop(period: Period, end: _dt.date, today: _dt.date) -> None:
    """The rules of a stop: within the decision, at most 60 days back; raises ValidationError."""
    if end < period.start or (period.end is not None and end >= period.end):
        raise ValidationError("a stop ends the decision on a day within it, before its end")
    if end < today - _dt.timedelta(days=MAX_RETROACTIVE_DAYS):
        raise ValidationError(f"a stop reaches back at most {MAX_RETROACTIVE_DAYS} days")
