"""TaxAssessmentData V2: ``client.tax.assessment(ssin, year=...)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ksz_client import catalogue
from ksz_client._exceptions import ValidationError
from ksz_client.services._registry import operation
from ksz_client.services.tax_assessment import _wire
from ksz_client.services.tax_assessment.models import (
    DerivedYear,
    FiscalElement,
    FiscalGroup,
    TaxResult,
    parse_enum,
)
from ksz_client.types import CallContext

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["TaxAssessmentService"]

_FIRST_YEAR = 1990


def _many(value: tuple[str, ...] | list[str] | str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    items = (value,) if isinstance(value, str) else tuple(value)
    if not all(isinstance(i, str) for i in items):
        raise ValidationError("fiscal elements and groups are given by their codes")
    return items


class TaxAssessmentService:
    """TaxAssessmentData V2 (KSZ; source: FOD Financien / SPF Finances).

    Tax assessment data of one income year: globally taxable and gross
    income, foreign real-estate income, distinctly taxable income, the fiscal
    family's income, and the dependants. Needs a covering integration.
    Default legal context ``SOCIAL_INVESTIGATION_OF_PCSA``. Contract: modelled
    on the WS-Consult conventions (no public contract).
    """

    service = catalogue.get("TaxAssessment")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("consultTaxAssessmentData", aliases={"elements": ("--element",),
                                                    "groups": ("--group",)})
    def assessment(
        self,
        ssin: str,
        *,
        year: int | None = None,
        derived_year: DerivedYear | str | None = None,
        elements: tuple[FiscalElement | str, ...] | list[FiscalElement | str] | str = (),
        groups: tuple[FiscalGroup | str, ...] | list[FiscalGroup | str] | str = (),
        context: CallContext | None = None,
    ) -> TaxResult:
        """Tax assessment data of one income year (``consultTaxAssessmentData``).

        Give either `year` or `derived_year` (default: the most recent year
        with a tax return among the last three). Without elements and groups
        the source returns everything. No return for the year: status
        NO_DATA_FOUND and ``assessment=None``; TAXA0007 (``no_recent_return``)
        when none was filed in the last three years.

        Args:
            ssin: the person's SSIN, in any written form
            year: the income year (the assessment year is the year after)
            derived_year: MOST_RECENT (last three years) or MOST_RECENT_UNLIMITED
            elements: single data elements (GLOBAL_TAXABLE_INCOME, CHILDREN_DEPENDENT_HANDICAP...)
            groups: data groups (CHILDREN_DEPENDENT, GLOBAL_TAXABLE_INCOME...)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        if year is not None and derived_year is not None:
            raise ValidationError("give a year or a derived year, not both")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            raise ValidationError("year is a whole number (the income year)")
        current = self._client._today().year
        if year is not None and not _FIRST_YEAR <= year < current:
            raise ValidationError(
                f"year is an income year from {_FIRST_YEAR} to {current - 1} (it is taxed "
                "the year after)"
            )
        criteria = _wire.Criteria(
            ssin=str(subject),
            year=year,
            derived=None if year is not None else parse_enum(
                DerivedYear, derived_year or DerivedYear.MOST_RECENT, "derived year"),
            elements=tuple(dict.fromkeys(
                parse_enum(FiscalElement, e, "fiscal element") for e in _many(elements))),
            groups=tuple(dict.fromkeys(
                parse_enum(FiscalGroup, g, "fiscal group") for g in _many(groups))),
        )
        reply = self._client._call(
            self.service,
            "consultTaxAssessmentData",
            lambda payload: _wire.write_criteria(payload, criteria),
            context=context,
            subjects=(subject,),
        )
        found = reply.payload.find("result/taxAssessment")
        return TaxResult(
            assessment=_wire.read_assessment(found) if found is not None else None,
            status=reply.status,
            receipt=reply.receipt,
        )
