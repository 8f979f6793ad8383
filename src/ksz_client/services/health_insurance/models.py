"""Typed models of HealthCareInsurance V1 (insurability at the mutualities)."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from enum import StrEnum

from ksz_client._exceptions import ValidationError
from ksz_client.types import Money, Period, Receipt, Status

__all__ = [
    "CodedPeriod",
    "ComplementaryInsurance",
    "HolderCodes",
    "Insurability",
    "InsurabilityResult",
    "InsuranceData",
    "InsuringOrganization",
    "MaximumCharge",
    "MedicalHouse",
]


class InsuranceData(StrEnum):
    """The data groups ``desiredData`` can ask for (wire names as values)."""

    INSURING_ORGANIZATION = "insuringOrganization"
    """The mutuality (insurance organisation) the person is affiliated with."""
    REIMBURSEMENT_RIGHT = "reimbursementRight"
    """Periods with a right to reimbursement of health care (insurability)."""
    CT1CT2 = "ct1ct2"
    """The holder codes CT1/CT2 (regime, social status, increased intervention)."""
    PAYING_THIRD_PARTY = "payingThirdParty"
    """Periods where the third-party payer scheme applies."""
    MAXIMUM_CHARGE = "maximumCharge"
    """The maximum billing (MAF / MAB) of the year."""
    MEDICAL_HOUSE = "medicalHouse"
    """Registration with a medical house (flat-fee primary care)."""
    INCREASED_INTERVENTION = "increasedIntervention"
    """Periods with the increased intervention (BIM / verhoogde tegemoetkoming)."""
    STATUS_COMPLEMENTARY_INSURANCE = "statusComplementaryInsurance"
    """Whether the complementary insurance contributions are in order."""
    GLOBAL_MEDICAL_FILE = "globalMedicalFile"
    """Periods with a global medical file (GMD / DMG) held by a GP."""
    SFDF_L891 = "sfdfL891"
    """The sfdfL891 indicator, kept as its code (its meaning is not public)."""

    @classmethod
    def parse(cls, value: InsuranceData | str) -> InsuranceData:
        """The wire name (``medicalHouse``) or the member name (``MEDICAL_HOUSE``)."""
        if isinstance(value, InsuranceData):
            return value
        text = value.strip()
        for member in cls:
            if text == member.value or text.upper().replace("-", "_") == member.name:
                return member
        raise ValidationError(
            "unknown insurability data group; known: " + ", ".join(m.value for m in cls)
        )


@dataclass(frozen=True)
class InsuringOrganization:
    """A mutuality (national union code 100 CM, 200 neutral, 300 Solidaris, ...)."""

    code: str
    period: Period
    name: str | None = None


@dataclass(frozen=True)
class HolderCodes:
    """The holder codes CT1/CT2 of a period (three digits each, e.g. 110/110)."""

    ct1: str
    ct2: str
    period: Period

    @property
    def increased_intervention(self) -> bool:
        """A CT1 ending in an odd digit marks the increased intervention."""
        return self.ct1[-1:] in ("1", "3", "5", "7", "9")


@dataclass(frozen=True)
class MaximumCharge:
    """The maximum billing of a year: whether the ceiling was reached, and the ceiling."""

    year: int
    reached: bool
    ceiling: Money | None = None


@dataclass(frozen=True)
class MedicalHouse:
    """A registration with a medical house; `disciplines` the flat fee covers."""

    period: Period
    identification: str | None = None
    """The medical house's RIZIV/INAMI number."""
    name: str | None = None
    disciplines: tuple[str, ...] = ()
    """DOCTOR, NURSE, PHYSIOTHERAPIST."""


@dataclass(frozen=True)
class ComplementaryInsurance:
    """Whether the complementary-insurance contributions of a period are in order."""

    period: Period
    in_order: bool


@dataclass(frozen=True)
class CodedPeriod:
    """A code valid over a period (``sfdfL891``)."""

    code: str
    period: Period


def _at(periods: tuple[Period, ...], day: _dt.date) -> bool:
    return any(p.contains(day) for p in periods)


@dataclass(frozen=True)
class Insurability:
    """What the mutualities answered, group by group (empty when not asked or none)."""

    insuring_organizations: tuple[InsuringOrganization, ...] = ()
    reimbursement_rights: tuple[Period, ...] = ()
    holder_codes: tuple[HolderCodes, ...] = ()
    paying_third_party: tuple[Period, ...] = ()
    maximum_charges: tuple[MaximumCharge, ...] = ()
    medical_houses: tuple[MedicalHouse, ...] = ()
    increased_intervention: tuple[Period, ...] = ()
    complementary_insurance: tuple[ComplementaryInsurance, ...] = ()
    global_medical_file: tuple[Period, ...] = ()
    sfdf_l891: tuple[CodedPeriod, ...] = ()

    def mutuality_at(self, day: _dt.date) -> InsuringOrganization | None:
        """The mutuality the person is affiliated with on `day`."""
        return next((o for o in self.insuring_organizations if o.period.contains(day)), None)

    def insured_at(self, day: _dt.date) -> bool:
        """Whether a reimbursement right covers `day`."""
        return _at(self.reimbursement_rights, day)

    def third_party_payer_at(self, day: _dt.date) -> bool:
        return _at(self.paying_third_party, day)

    def increased_intervention_at(self, day: _dt.date) -> bool:
        return _at(self.increased_intervention, day)

    def medical_house_at(self, day: _dt.date) -> MedicalHouse | None:
        return next((m for m in self.medical_houses if m.period.contains(day)), None)


@dataclass(frozen=True)
class InsurabilityResult:
    """The answer to `HealthInsuranceService.insurability`.

    ``insurability`` is None when the mutualities know nothing for the date
    (status NO_DATA_FOUND; MSG00009 when the person died before it).
    ``date`` is the date asked (None: today at the source).
    """

    insurability: Insurability | None
    date: _dt.date | None
    status: Status
    receipt: Receipt

    @property
    def found(self) -> bool:
        return self.insurability is not None
