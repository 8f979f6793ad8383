"""OCMWCPASHouseholdIncome V1: ``client.household_income.get(ssin, income_year=...)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ksz_client import catalogue
from ksz_client._exceptions import ValidationError
from ksz_client.services._registry import operation
from ksz_client.services.household_income import _wire
from ksz_client.services.household_income.models import HouseholdIncomeResult, check_year
from ksz_client.types import CallContext

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["HouseholdIncomeService"]


class HouseholdIncomeService:
    """OCMWCPASHouseholdIncome V1 (KSZ; source: POD MI / SPP IS, from the tax and benefit data).

    The income of the household a person lives in, as the Social Heating
    Fund's low-income category needs it: per member the taxable income of an
    income year and the monthly social benefits running today. Needs a
    covering integration (finality). Contract: modelled, minimal (no public
    contract exists).
    """

    service = catalogue.get("OCMWCPASHouseholdIncome")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("consultHouseholdIncome")
    def get(
        self,
        ssin: str,
        *,
        income_year: int | None = None,
        context: CallContext | None = None,
    ) -> HouseholdIncomeResult:
        """Household income of a person (``consultHouseholdIncome``).

        OCMWCPASHouseholdIncome V1, source POD MI / SPP IS. Returns the
        household's members with their income (status DATA_FOUND), or none
        (NO_DATA_FOUND MSG00100: no income known for the year; MSG00009 for
        a deceased person). An income year that is not a four-digit year, or
        the current or a later year (not assessed yet), raises
        `ValidationError` before sending.

        Args:
            ssin: the person's SSIN, in any written form
            income_year: the income year (default: the last one assessed)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        year = None if income_year is None else check_year(income_year)
        if year is not None and year >= self._client._today().year:
            raise ValidationError("an income year is assessed after it ends")
        reply = self._client._call(
            self.service,
            "consultHouseholdIncome",
            lambda payload: _wire.write_criteria(payload, subject, year),
            context=context,
            subjects=(subject,),
        )
        return HouseholdIncomeResult(income=_wire.read_income(reply.payload),
                                     status=reply.status, receipt=reply.receipt)
