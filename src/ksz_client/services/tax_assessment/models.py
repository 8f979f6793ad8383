"""Typed models of TaxAssessmentData V2 (tax assessment data of FOD Financien)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from ksz_client._exceptions import ValidationError
from ksz_client.ssin import Ssin
from ksz_client.types import Money, Receipt, Status

__all__ = [
    "NO_RECENT_RETURN",
    "DerivedYear",
    "FiscalElement",
    "FiscalGroup",
    "TaxAssessmentData",
    "TaxResult",
]

E = TypeVar("E", bound=StrEnum)

NO_RECENT_RETURN = "TAXA0007"
"""Status code (NO_DATA_FOUND): no tax return in the last three income years."""


def parse_enum(cls: type[E], value: E | str, what: str) -> E:
    """A member of `cls` from itself or its value, case-insensitively; ValidationError else."""
    if isinstance(value, cls):
        return value
    text = str(value).strip().upper().replace("-", "_")
    try:
        return cls(text)
    except ValueError:
        known = ", ".join(m.value for m in cls)
        raise ValidationError(f"unknown {what}; known: {known}") from None


class DerivedYear(StrEnum):
    """A reference year the source derives itself."""

    MOST_RECENT = "MOST_RECENT"
    """The most recent income year with a tax return, among the last three."""
    MOST_RECENT_UNLIMITED = "MOST_RECENT_UNLIMITED"
    """The most recent income year with a tax return, however old."""


class FiscalGroup(StrEnum):
    """Groups of fiscal data (``fiscalDataSelection/groups``)."""

    CHILDREN_DEPENDENT = "CHILDREN_DEPENDENT"
    DISTINCTLY_TAXABLE_INCOME = "DISTINCTLY_TAXABLE_INCOME"
    GLOBAL_TAXABLE_INCOME = "GLOBAL_TAXABLE_INCOME"
    GLOBAL_TAXABLE_INCOME_FISCAL_FAMILY = "GLOBAL_TAXABLE_INCOME_FISCAL_FAMILY"


class FiscalElement(StrEnum):
    """Single fiscal data elements (``fiscalDataSelection/elements``)."""

    GLOBAL_TAXABLE_INCOME = "GLOBAL_TAXABLE_INCOME"
    GROSS_INCOME = "GROSS_INCOME"
    FOREIGN_REAL_ESTATE_INCOME = "FOREIGN_REAL_ESTATE_INCOME"
    DISTINCTLY_TAXABLE_INCOME = "DISTINCTLY_TAXABLE_INCOME"
    GLOBAL_TAXABLE_INCOME_FISCAL_FAMILY = "GLOBAL_TAXABLE_INCOME_FISCAL_FAMILY"
    CHILDREN_DEPENDENT = "CHILDREN_DEPENDENT"
    CHILDREN_DEPENDENT_HANDICAP = "CHILDREN_DEPENDENT_HANDICAP"
    OTHER_DEPENDENT = "OTHER_DEPENDENT"


GROUP_ELEMENTS: dict[FiscalGroup, tuple[FiscalElement, ...]] = {
    FiscalGroup.GLOBAL_TAXABLE_INCOME: (
        FiscalElement.GLOBAL_TAXABLE_INCOME, FiscalElement.GROSS_INCOME,
        FiscalElement.FOREIGN_REAL_ESTATE_INCOME,
    ),
    FiscalGroup.DISTINCTLY_TAXABLE_INCOME: (FiscalElement.DISTINCTLY_TAXABLE_INCOME,),
    FiscalGroup.GLOBAL_TAXABLE_INCOME_FISCAL_FAMILY: (
        FiscalElement.GLOBAL_TAXABLE_INCOME_FISCAL_FAMILY,
    ),
    FiscalGroup.CHILDREN_DEPENDENT: (
        FiscalElement.CHILDREN_DEPENDENT, FiscalElement.CHILDREN_DEPENDENT_HANDICAP,
        FiscalElement.OTHER_DEPENDENT,
    ),
}
"""The elements a group stands for (modelled: the official grouping is not public)."""


@dataclass(frozen=True)
class TaxAssessmentData:
    """The tax assessment of one income year; fields not asked for (or unknown) are None.

    ``assessment_year`` is the year after ``income_year`` (aanslagjaar /
    exercice d'imposition). ``partner_ssin`` is set for a joint assessment.
    """

    income_year: int
    assessment_year: int
    partner_ssin: Ssin | None = None
    global_taxable_income: Money | None = None
    gross_income: Money | None = None
    foreign_real_estate_income: Money | None = None
    distinctly_taxable_income: Money | None = None
    fiscal_family_global_taxable_income: Money | None = None
    children_dependent: int | None = None
    children_dependent_handicapped: int | None = None
    other_dependents: int | None = None

    @property
    def joint(self) -> bool:
        """A joint assessment (married or legally cohabiting partners)."""
        return self.partner_ssin is not None

    @property
    def dependants(self) -> int | None:
        """Children and other persons dependent, when the source gave any of them."""
        counts = (self.children_dependent, self.other_dependents)
        if all(c is None for c in counts):
            return None
        return sum(c or 0 for c in counts)


@dataclass(frozen=True)
class TaxResult:
    """The answer to `TaxAssessmentService.assessment`.

    ``assessment`` is None with status NO_DATA_FOUND when there is no tax
    return for the year; the code `NO_RECENT_RETURN` (TAXA0007) says that
    none was filed in the last three income years.
    """

    assessment: TaxAssessmentData | None
    status: Status
    receipt: Receipt

    @property
    def found(self) -> bool:
        return self.assessment is not None

    @property
    def no_recent_return(self) -> bool:
        return self.status.code == NO_RECENT_RETURN
