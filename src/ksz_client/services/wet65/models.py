"""Typed models of the Law of 1965 decision forms (OCMWCPASWet65Loi65*, SSDN, POD MI).

The OCMW sends its decisions on aid under the law of 2 April 1965 (equivalent
leefloon and other social aid the federal state refunds) as forms: A/B (the
refund request), D/F (recovered amounts) and C (the end of a right). The POD
MI answers per form with an evaluation (ACCEPTED, REFUSED, PARTIALLYACCEPTED),
its own reference and the errors it found.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from enum import StrEnum

from ksz_client._exceptions import FaultDetail, ValidationError
from ksz_client.types import Money, Receipt, Status

__all__ = [
    "FIRST_ENTRY_DATE",
    "Cancellation",
    "DecisionReply",
    "Duration",
    "Evaluation",
    "FileIdentification",
    "FormError",
    "FormResult",
    "Recovery",
    "RecoveryReply",
    "RecoveryResult",
    "RefundReply",
    "RefundRequest",
    "RefundResult",
    "RefundedAid",
    "RequestedAid",
    "check_attest_id",
]

FIRST_ENTRY_DATE = _dt.date(2002, 1, 1)
"""No form has an entry date before this day (the official contract's bound)."""


class Evaluation(StrEnum):
    """The POD MI's verdict on one form."""

    ACCEPTED = "ACCEPTED"
    REFUSED = "REFUSED"
    PARTIALLY_ACCEPTED = "PARTIALLYACCEPTED"


def check_attest_id(value: str) -> str:
    """A UniqueAttestID: exactly 15 characters."""
    text = value.strip()
    if len(text) != 15:
        raise ValidationError("a UniqueAttestID has exactly 15 characters")
    return text


@dataclass(frozen=True)
class FileIdentification:
    """The OCMW (KBO/BCE number) and its file (FileID, 11 characters)."""

    cbe_number: str
    file_id: str

    def __post_init__(self) -> None:
        if not (self.cbe_number.isdigit() and len(self.cbe_number) == 10):
            raise ValidationError("the OCMW is a KBO/BCE number of 10 digits")
        if len(self.file_id) != 11:
            raise ValidationError("a FileID has exactly 11 characters")


@dataclass(frozen=True)
class Cancellation:
    """Form C: the OCMW ends (cancels) the right an earlier form granted.

    `attest_id` names the attest whose right ends; `nature` (1 character) and
    `reason` (2 characters) are codes of the POD MI's lists.
    """

    attest_id: str
    suffix: int
    entry_date: _dt.date
    decision_date: _dt.date
    nature: str
    reason: str
    former_cancellation: str | None = None
    """FormerCformcancellation (1 character): this C form cancels an earlier C form."""

    def __post_init__(self) -> None:
        check_attest_id(self.attest_id)
        if not 0 <= self.suffix <= 99:
            raise ValidationError("a Suffix lies between 0 and 99")
        if self.entry_date < FIRST_ENTRY_DATE:
            raise ValidationError("an entry date lies on or after 2002-01-01")
        if self.decision_date > self.entry_date:
            raise ValidationError("the decision date lies after the entry date")
        if len(self.nature) != 1:
            raise ValidationError("the decision nature is a code of 1 character")
        if len(self.reason) != 2:
            raise ValidationError("the cancellation reason is a code of 2 characters")
        if self.former_cancellation is not None and len(self.former_cancellation) != 1:
            raise ValidationError("FormerCformcancellation is a code of 1 character")


@dataclass(frozen=True)
class FormError:
    """An error the POD MI found on a form: a code of 6 characters and its texts."""

    code: str
    descriptions: tuple[str, ...]


@dataclass(frozen=True)
class FormResult:
    """The POD MI's answer on one form."""

    entry_date: _dt.date
    attest_id: str
    reference_pod: str
    """ReferenceSPP_POD: the POD MI's reference of the form (10 characters)."""
    ssin: str
    suffix: int
    evaluation: Evaluation
    errors: tuple[FormError, ...] = ()

    @property
    def accepted(self) -> bool:
        return self.evaluation is Evaluation.ACCEPTED


@dataclass(frozen=True)
class DecisionReply:
    """The answer to a decision request: the file and one result per form."""

    file: FileIdentification
    results: tuple[FormResult, ...]
    status: Status
    receipt: Receipt
    warnings: tuple[FaultDetail, ...] = ()

    @property
    def accepted(self) -> bool:
        """Every form accepted."""
        return all(r.accepted for r in self.results)


class RequestedAid(StrEnum):
    """An aid whose refund form B1 asks (the RequestedAids element names, in their order)."""

    FINANCIAL = "FinancialAid"
    MEDICAL_AND_PHARMACEUTICAL = "MedicalAndPharmaceuticalCosts"
    MUT_BASE_CONTRIBUTION = "MutBaseContribution"
    MUT_COMPLEMENTARY_CONTRIBUTION = "MutComplementaryContribution"
    MUT_REGULARIZATION = "MutRegularization"
    REPATRIATION = "RepatriationCosts"
    PLACEMENT = "PlacementCosts"
    HOUSING = "HousingCosts"
    BIRTH_ALLOWANCE = "BirthAllowance"
    GUARANTEED_CHILD_ALLOWANCES = "GuaranteedChildAllowances"
    OTHER = "OtherRequestedAids"


class RefundedAid(StrEnum):
    """An aid the POD MI refunds (the RefundedAids element names, in their order)."""

    FINANCIAL = "FinancialAid"
    MEDICAL_AND_PHARMACEUTICAL = "MedicalAndPharmaceuticalCosts"
    MUT_BASE_CONTRIBUTION = "MutBaseContribution"
    MUT_COMPLEMENTARY_CONTRIBUTION = "MutComplementaryContribution"
    MUT_REGULARIZATION = "MutRegularization"
    REPATRIATION = "RepatriationCosts"
    PLACEMENT = "PlacementCosts"
    HOUSING = "HousingCosts"
    BIRTH_ALLOWANCE = "BirthAllowance"
    GUARANTEED_CHILD_ALLOWANCES = "GuaranteedChildAllowances"
    AMBULANT_MEDICAL_AND_PHARMACEUTICAL = "AmbulantMedicalAndPharmaceuticalCosts"
    HOSPITALIZATION = "HospitalizationCosts"
    OTHER = "OtherRequestedAids"


@dataclass(frozen=True)
class Duration:
    """How long the aid is granted: days (0-366), weeks (0-52), months (0-12)."""

    days: int | None = None
    weeks: int | None = None
    months: int | None = None

    def __post_init__(self) -> None:
        for value, top, name in ((self.days, 366, "days"), (self.weeks, 52, "weeks"),
                                 (self.months, 12, "months")):
            if value is not None and not 0 <= value <= top:
                raise ValidationError(f"a duration in {name} lies between 0 and {top}")
        if not any((self.days, self.weeks, self.months)):
            raise ValidationError("a duration has days, weeks or months")

    @property
    def total_days(self) -> int:
        """Days + 7 per week + 30 per month (how the sandbox reckons the maximum date)."""
        return (self.days or 0) + 7 * (self.weeks or 0) + 30 * (self.months or 0)


@dataclass(frozen=True)
class RefundRequest:
    """Form B1 (CommonDecisionB1): the OCMW asks the refund of the aids it decided.

    `category` is the Situation/Category code (1-2 characters) when given.
    """

    attest_id: str
    entry_date: _dt.date
    decision_date: _dt.date
    aids: tuple[RequestedAid, ...]
    """In the schema's order, each once."""
    duration: Duration
    juridical_procedure: bool = False
    category: str | None = None

    def __post_init__(self) -> None:
        check_attest_id(self.attest_id)
        if self.entry_date < FIRST_ENTRY_DATE:
            raise ValidationError("an entry date lies on or after 2002-01-01")
        if self.decision_date > self.entry_date:
            raise ValidationError("the decision date lies after the entry date")
        if not self.aids:
            raise ValidationError("a refund request names at least one aid")
        if self.aids != tuple(a for a in RequestedAid if a in self.aids):
            raise ValidationError("the aids are listed once each, in the schema's order")
        if self.category is not None and not 1 <= len(self.category) <= 2:
            raise ValidationError("the category is a code of 1 or 2 characters")


@dataclass(frozen=True)
class RefundResult:
    """The POD MI's answer on one refund form (DecisionResult)."""

    attest_id: str
    reference_pod: str
    ssin: str
    suffix: int
    entry_date: _dt.date
    evaluation: Evaluation
    refunded: tuple[RefundedAid, ...]
    """In the schema's order."""
    percentage: int | None = None
    """The refunded share in hundredths of a percent (10000: all)."""
    errors: tuple[FormError, ...] = ()
    proofs_checked: str | None = None
    """CHECKED or INPROGRESS (ProvesChecked)."""
    maximum_date: _dt.date | None = None

    @property
    def accepted(self) -> bool:
        return self.evaluation is Evaluation.ACCEPTED


@dataclass(frozen=True)
class RefundReply:
    """The answer to an A/B decision request."""

    file: FileIdentification
    results: tuple[RefundResult, ...]
    status: Status
    receipt: Receipt
    warnings: tuple[FaultDetail, ...] = ()

    @property
    def accepted(self) -> bool:
        """Every form accepted."""
        return all(r.accepted for r in self.results)


_MAX_CENTS = 10**8 - 1  # the official contract's amounts have at most 8 digits


@dataclass(frozen=True)
class Recovery:
    """Form F (RecoveringFormF): an amount the OCMW recovered on aid the POD MI refunded.

    `original_form` (1 character) names the form of the aid (e.g. B), `kind`
    (2 characters) the kind of recovery, both codes of the POD MI's lists;
    `period` the period the recovery covers (start and end optional).
    """

    attest_id: str
    suffix: int
    reference_date: _dt.date
    original_form: str
    kind: str
    amount: Money
    period_start: _dt.date | None = None
    period_end: _dt.date | None = None

    def __post_init__(self) -> None:
        check_attest_id(self.attest_id)
        if not 0 <= self.suffix <= 99:
            raise ValidationError("a Suffix lies between 0 and 99")
        if self.reference_date < FIRST_ENTRY_DATE:
            raise ValidationError("a reference date lies on or after 2002-01-01")
        if len(self.original_form) != 1:
            raise ValidationError("the original form is a code of 1 character")
        if len(self.kind) != 2:
            raise ValidationError("the recovery type is a code of 2 characters")
        if not 0 < self.amount.cents <= _MAX_CENTS:
            raise ValidationError("a recovered amount is positive, at most 999999.99 euro")
        if (self.period_start and self.period_end and self.period_end < self.period_start):
            raise ValidationError("a period cannot end before it starts")


@dataclass(frozen=True)
class RecoveryResult:
    """The POD MI's answer on one recovery form (DecisionResultDF)."""

    attest_id: str
    reference_pod: str
    ssin: str
    suffix: int
    evaluation: Evaluation
    reference_date: _dt.date | None = None
    errors: tuple[FormError, ...] = ()
    total_accepted: Money | None = None
    """TotalAcceptedAmount: what the POD MI now counts as recovered on the attest."""

    @property
    def accepted(self) -> bool:
        return self.evaluation is Evaluation.ACCEPTED


@dataclass(frozen=True)
class RecoveryReply:
    """The answer to a D/F decision request."""

    file: FileIdentification
    results: tuple[RecoveryResult, ...]
    status: Status
    receipt: Receipt
    warnings: tuple[FaultDetail, ...] = ()

    @property
    def accepted(self) -> bool:
        """Every form accepted."""
        return all(r.accepted for r in self.results)
