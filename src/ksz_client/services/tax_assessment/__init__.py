"""TaxAssessmentData V2: tax assessment data (income, dependants) of FOD Financien."""

from ksz_client.services.tax_assessment.models import (
    GROUP_ELEMENTS,
    NO_RECENT_RETURN,
    DerivedYear,
    FiscalElement,
    FiscalGroup,
    TaxAssessmentData,
    TaxResult,
)
from ksz_client.services.tax_assessment.service import TaxAssessmentService

__all__ = [
    "GROUP_ELEMENTS",
    "NO_RECENT_RETURN",
    "DerivedYear",
    "FiscalElement",
    "FiscalGroup",
    "TaxAssessmentData",
    "TaxAssessmentService",
    "TaxResult",
]
