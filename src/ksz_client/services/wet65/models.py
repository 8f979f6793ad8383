"""Typed models of the Law of 1965 decision forms (OCMWCPASWet65Loi65*, SSDN, POD MI).

The OCMW sends its decisions on aid under the law of 2 April 1965 (equivalent
leefloon and other social aid the federal state refunds) as forms: A/B (the
refund request), D/F (recovered amounts) and C (the end of a right). The POD
MI answers per form with an evaluation (ACCEPTED, REFUSED, PARTIALLYACCEPTED),
its own reference and the errors it found.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from enum import StrEnum

from ksz_client._exceptions import FaultDetail, ValidationError
from ksz_client.types import Address, Money, Month, PartialDate, PersonName, Receipt, Status

__all__ = [
    "FIRST_ENTRY_DATE",
    "AcceptedShare",
    "ActivationAmounts",
    "Art60p7",
    "BeneficiaryRef",
    "BirthAllowanceAmount",
    "Cancellation",
    "CareRefund",
    "ChildAllowanceAmount",
    "DecisionOnAmounts",
    "DecisionReply",
    "DeliveredAmounts",
    "Duration",
    "Evaluation",
    "FileIdentification",
    "FinancialAidAmount",
    "FormError",
    "FormResult",
    "Gender",
    "HospitalBill",
    "Identification",
    "IndividualDecision",
    "MonthlyRefund",
    "PrimaryBeneficiary",
    "Recovery",
    "RecoveryReply",
    "RecoveryResult",
    "RefundReply",
    "RefundRequest",
    "RefundResult",
    "RefundedAid",
    "RequestedAid",
    "SecondaryBeneficiary",
    "SocialAid",
    "check_attest_id",
    "check_code",
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
    secondary: tuple[BeneficiaryRef, ...] = ()
    """IdentificationSecondaryBeneficiary: the partner and dependants (at most 17)."""
    primary_aids: SocialAid | None = None
    partner_aids: SocialAid | None = None
    rn_rr_inscription: str | None = None
    """Situation/RN_RR_Inscription code."""
    housing_provision: str | None = None
    """Situation/HousingProvision code."""
    housing_proofs_provided: bool | None = None
    """The HousingProvision's ProvesProvided attribute."""

    def __post_init__(self) -> None:
        if len(self.secondary) > 17:
            raise ValidationError("form B1 names at most 17 secondary beneficiaries")
        check_code(self.rn_rr_inscription, "the RN/RR inscription")
        check_code(self.housing_provision, "the housing provision")
        if self.housing_proofs_provided is not None and self.housing_provision is None:
            raise ValidationError("proofs provided goes with a housing provision code")
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
    """TotalAcceptedAmount: on an F form what the POD MI now counts as recovered on the
    attest, on a D1/D2 form the total it accepts to refund."""
    month: Month | None = None
    """ReferenceMonth (a D1 form's)."""
    entry_date: _dt.date | None = None
    """EntryDate (a D2 form's)."""
    manual_verification: bool | None = None
    """ManualVerificationCode: the POD MI checks the form by hand."""
    decision: DecisionOnAmounts | None = None
    """DecisionOnAmounts (D1/D2 forms)."""

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


# --- the other parts of the A/B and D/F forms ------------------------------------------------


def check_code(value: str | None, name: str) -> str | None:
    """A code of the POD MI's lists (Common65 t_Code: 1 or 2 characters), or None."""
    if value is not None and not 1 <= len(value) <= 2:
        raise ValidationError(f"{name} is a code of 1 or 2 characters")
    return value


def _check_suffix(suffix: int) -> None:
    if isinstance(suffix, bool) or not 0 <= suffix <= 99:
        raise ValidationError("a Suffix lies between 0 and 99")


def _check_entry(day: _dt.date, what: str = "an entry date") -> None:
    if day < FIRST_ENTRY_DATE:
        raise ValidationError(f"{what} lies on or after 2002-01-01")


def _check_amount(amount: Money | None, what: str) -> None:
    if amount is not None and not 0 <= amount.cents <= _MAX_CENTS:
        raise ValidationError(f"{what} lies between 0 and 999999.99 euro")


class Gender(StrEnum):
    """Gender on form A (M or F)."""

    MALE = "M"
    FEMALE = "F"


@dataclass(frozen=True)
class PrimaryBeneficiary:
    """Form A, PrimaryBeneficiary: who the aid is for, as the OCMW knows them.

    `status`, `institution`, `real_life_situation` and `uninterrupted_stay`
    are codes of the POD MI's lists (1-2 characters); `nationality` the
    nationality code (0-999); `address` needs a street and a Belgian postal
    code (4 digits). The SSIN is the call's.
    """

    status: str
    address: Address
    nationality: int
    name: PersonName | None = None
    birth_date: PartialDate | None = None
    institution: str | None = None
    gender: Gender | None = None
    real_life_situation: str | None = None
    first_inscription: _dt.date | None = None
    """FirstInscriptionInBelgium."""
    uninterrupted_stay: str | None = None

    def __post_init__(self) -> None:
        check_code(self.status, "the status")
        check_code(self.institution, "the institution")
        check_code(self.real_life_situation, "the real-life situation")
        check_code(self.uninterrupted_stay, "the uninterrupted stay")
        if isinstance(self.nationality, bool) or not 0 <= self.nationality <= 999:
            raise ValidationError("a nationality code lies between 0 and 999")
        if not self.address.street:
            raise ValidationError("the address on form A has a street")
        code = self.address.postal_code or ""
        if not (code.isdigit() and len(code) <= 4):
            raise ValidationError("the address on form A has a postal code of 4 digits")


@dataclass(frozen=True)
class SecondaryBeneficiary:
    """Form A, SecondaryBeneficiary: a partner or dependant the aid also covers.

    `suffix` (1-99) is what the person's later forms name; `relation` the
    PrimaryBeneficiaryRelation code, `status` the status code (1-2
    characters); `nationality` 100-999.
    """

    ssin: str = field(repr=False)
    suffix: int
    status: str
    nationality: int
    relation: str
    name: PersonName | None = None
    birth_date: PartialDate | None = None

    def __post_init__(self) -> None:
        _check_suffix(self.suffix)
        check_code(self.status, "the status")
        check_code(self.relation, "the relation to the primary beneficiary")
        if isinstance(self.nationality, bool) or not 100 <= self.nationality <= 999:
            raise ValidationError("a secondary beneficiary's nationality code lies between "
                                  "100 and 999")


@dataclass(frozen=True)
class Identification:
    """Form A (IdentificationA): the beneficiaries of the file."""

    attest_id: str
    entry_date: _dt.date
    primary: PrimaryBeneficiary
    secondary: tuple[SecondaryBeneficiary, ...] = ()

    def __post_init__(self) -> None:
        check_attest_id(self.attest_id)
        _check_entry(self.entry_date)
        if len(self.secondary) > 17:
            raise ValidationError("form A names at most 17 secondary beneficiaries")
        if len({s.suffix for s in self.secondary}) != len(self.secondary):
            raise ValidationError("each secondary beneficiary has its own suffix")


@dataclass(frozen=True)
class BeneficiaryRef:
    """A secondary beneficiary named on form B1 (IdentificationSecondaryBeneficiary)."""

    ssin: str = field(repr=False)
    suffix: int

    def __post_init__(self) -> None:
        _check_suffix(self.suffix)


@dataclass(frozen=True)
class Art60p7:
    """Employment under article 60 §7: the type, schedule and workplace codes."""

    type: str
    schedule: str
    workplace: str

    def __post_init__(self) -> None:
        for value, name in ((self.type, "type"), (self.schedule, "schedule"),
                            (self.workplace, "workplace")):
            check_code(value, f"the art. 60 §7 {name}")


@dataclass(frozen=True)
class SocialAid:
    """Common65 SocialAid: the activation measures of the primary beneficiary or partner."""

    art60p7: Art60p7 | None = None
    art61: bool | None = None
    activation_type: str | None = None
    partner_convention: str | None = None
    alimony: bool | None = None

    def __post_init__(self) -> None:
        check_code(self.activation_type, "the activation type")
        check_code(self.partner_convention, "the partner convention")


@dataclass(frozen=True)
class IndividualDecision:
    """Form B2 (IndividualDecisionsB2, DecisionB2): the decision for one beneficiary.

    `ssin` None: the call's person (suffix 0); a secondary beneficiary's SSIN
    with its suffix otherwise.
    """

    attest_id: str
    entry_date: _dt.date
    decision_date: _dt.date
    duration: Duration
    suffix: int = 0
    ssin: str | None = field(default=None, repr=False)
    ambulant_costs: bool | None = None
    """AmbulantMedicalAndPharmaceuticalCosts."""
    hospitalization_costs: bool | None = None
    rn_rr_inscription: str | None = None
    juridical_procedure: bool | None = None

    def __post_init__(self) -> None:
        check_attest_id(self.attest_id)
        _check_entry(self.entry_date)
        _check_suffix(self.suffix)
        if self.decision_date > self.entry_date:
            raise ValidationError("the decision date lies after the entry date")
        check_code(self.rn_rr_inscription, "the RN/RR inscription")


@dataclass(frozen=True)
class FinancialAidAmount:
    """D1 FinancialAid: the amount paid and the beneficiary's monthly income."""

    amount: Money | None = None
    monthly_income: Money | None = None


@dataclass(frozen=True)
class BirthAllowanceAmount:
    """D1 BirthAllowance: the amount and the birth it is for."""

    amount: Money | None = None
    birth_date: _dt.date | None = None
    living_children: int | None = None
    stillborn_children: int | None = None


@dataclass(frozen=True)
class ChildAllowanceAmount:
    """D1 GuaranteedChildAllowance: the amount and the number of children."""

    amount: Money | None = None
    children: int | None = None


@dataclass(frozen=True)
class DeliveredAmounts:
    """D1 DeliveredAmountsD1: what the OCMW paid in the month, per aid (euro cents on the wire).

    `medical` and `pharmaceutical` hold up to 5 amounts each; `double_maximum`
    is required by the contract.
    """

    double_maximum: bool
    financial: FinancialAidAmount | None = None
    medical: tuple[Money, ...] = ()
    pharmaceutical: tuple[Money, ...] = ()
    mut_base_contribution: Money | None = None
    mut_complementary_contribution: Money | None = None
    mut_regularization: Money | None = None
    repatriation: Money | None = None
    placement: Money | None = None
    housing: Money | None = None
    birth_allowance: BirthAllowanceAmount | None = None
    child_allowance: ChildAllowanceAmount | None = None
    other: Money | None = None

    def __post_init__(self) -> None:
        if len(self.medical) > 5 or len(self.pharmaceutical) > 5:
            raise ValidationError("a D1 form holds at most 5 medical and 5 pharmaceutical "
                                  "amounts")
        amounts = [*self.medical, *self.pharmaceutical, self.mut_base_contribution,
                   self.mut_complementary_contribution, self.mut_regularization,
                   self.repatriation, self.placement, self.housing, self.other]
        if self.financial is not None:
            amounts += [self.financial.amount, self.financial.monthly_income]
        if self.birth_allowance is not None:
            amounts.append(self.birth_allowance.amount)
        if self.child_allowance is not None:
            amounts.append(self.child_allowance.amount)
        for amount in amounts:
            _check_amount(amount, "an amount")


@dataclass(frozen=True)
class ActivationAmounts:
    """D1 PrimaryBeneficiaryAids / PartnerAids: the activation amounts paid."""

    art60p7: Money | None = None
    art61: Money | None = None
    activation: Money | None = None
    partner_convention: Money | None = None
    alimony: Money | None = None
    social_economy_initiative: int | None = None
    """SocialEconomy/Initiative (at most 6 digits)."""
    social_economy_days: int | None = None
    """SocialEconomy/Days (at most 2 digits)."""

    def __post_init__(self) -> None:
        for amount in (self.art60p7, self.art61, self.activation, self.partner_convention,
                       self.alimony):
            _check_amount(amount, "an activation amount")
        if self.social_economy_initiative is not None and not (
                0 <= self.social_economy_initiative <= 999_999):
            raise ValidationError("a social economy initiative has at most 6 digits")
        if self.social_economy_days is not None and not 0 <= self.social_economy_days <= 99:
            raise ValidationError("social economy days have at most 2 digits")


@dataclass(frozen=True)
class MonthlyRefund:
    """Form D1 (RefundformD1): the amounts the OCMW paid in a month, whose refund it asks."""

    attest_id: str
    month: Month
    delivered: DeliveredAmounts
    total: Money
    primary_aids: ActivationAmounts | None = None
    partner_aids: ActivationAmounts | None = None
    health_service_registration: _dt.date | None = None
    juridical_procedure: bool | None = None

    def __post_init__(self) -> None:
        check_attest_id(self.attest_id)
        if self.month < Month(2002, 1):
            raise ValidationError("a reference month lies on or after 2002-01")
        _check_amount(self.total, "the total amount")


@dataclass(frozen=True)
class HospitalBill:
    """D2 HospitalizationcostsBill: a hospital bill (number, year, amount)."""

    number: str
    year: int
    amount: Money

    def __post_init__(self) -> None:
        if not 1 <= len(self.number) <= 15:
            raise ValidationError("a bill number has 1 to 15 characters")
        if not 1000 <= self.year <= 9999:
            raise ValidationError("a bill year has 4 digits")
        _check_amount(self.amount, "a bill amount")


@dataclass(frozen=True)
class CareRefund:
    """Form D2 (RefundFormD2): medical costs a care institution billed, whose refund is asked.

    `riziv_number` is the institution's INAMI/RIZIV registration number,
    `cbe_number` its KBO/BCE number; at most 5 hospital bills. `ssin` None:
    the call's person.
    """

    attest_id: str
    entry_date: _dt.date
    riziv_number: int
    total: Money
    suffix: int = 0
    ssin: str | None = field(default=None, repr=False)
    cbe_number: int | None = None
    bills: tuple[HospitalBill, ...] = ()
    remaining_hospital_costs: Money | None = None
    ambulant_medical: Money | None = None
    ambulant_pharmaceutical: Money | None = None
    health_service_registration: _dt.date | None = None
    juridical_procedure: bool | None = None

    def __post_init__(self) -> None:
        check_attest_id(self.attest_id)
        _check_entry(self.entry_date)
        _check_suffix(self.suffix)
        if len(self.bills) > 5:
            raise ValidationError("a D2 form holds at most 5 hospital bills")
        if isinstance(self.riziv_number, bool) or self.riziv_number < 0:
            raise ValidationError("the INAMI/RIZIV number is a whole number")
        for amount, what in ((self.total, "the total amount"),
                             (self.remaining_hospital_costs, "the remaining amount"),
                             (self.ambulant_medical, "an ambulant amount"),
                             (self.ambulant_pharmaceutical, "an ambulant amount")):
            _check_amount(amount, what)


@dataclass(frozen=True)
class AcceptedShare:
    """Common65 decisionType: the amount the POD MI accepts and its percentage."""

    amount: Money
    percentage: int


@dataclass(frozen=True)
class DecisionOnAmounts:
    """The POD MI's decision per aid on a D1/D2 form (DecisionOnAmounts)."""

    financial: AcceptedShare | None = None
    medical: AcceptedShare | None = None
    pharmaceutical: AcceptedShare | None = None
    mut_base_contribution: AcceptedShare | None = None
    mut_complementary_contribution: AcceptedShare | None = None
    mut_regularization: AcceptedShare | None = None
    repatriation: AcceptedShare | None = None
    placement: AcceptedShare | None = None
    housing: AcceptedShare | None = None
    birth_allowance: AcceptedShare | None = None
    child_allowance: AcceptedShare | None = None
    bills: tuple[tuple[str, Money], ...] = ()
    """(bill number, accepted amount) per hospital bill."""
    remaining_hospital_costs: Money | None = None
    ambulant_medical: Money | None = None
    ambulant_pharmaceutical: Money | None = None
    primary_aids: ActivationAmounts | None = None
    partner_aids: ActivationAmounts | None = None
    other: AcceptedShare | None = None
