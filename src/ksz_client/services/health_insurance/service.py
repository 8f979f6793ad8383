"""HealthCareInsurance V1: ``client.health_insurance.insurability(ssin)``."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

from ksz_client import catalogue
from ksz_client._exceptions import ValidationError
from ksz_client._inputs import optional_date_arg
from ksz_client.services._registry import operation
from ksz_client.services.health_insurance import _wire
from ksz_client.services.health_insurance.models import InsurabilityResult, InsuranceData
from ksz_client.types import CallContext

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["HealthInsuranceService"]


class HealthInsuranceService:
    """HealthCareInsurance V1 (KSZ; source: the mutualities, through the NIC/CIN).

    Insurability of a person: mutuality, reimbursement right, holder codes
    CT1/CT2, third-party payer, maximum billing, medical house, increased
    intervention, complementary insurance, global medical file. Needs a
    covering integration. Default legal context ``social inquiry and
    financial help``. Contract: modelled on the WS-Consult conventions (no
    public contract). The classic SSDN ``OCMWCPASHealthInsurance`` is not
    implemented: this service replaces it.
    """

    service = catalogue.get("HealthCareInsurance")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("getInsuranceOrganizationInformations", aliases={"data": ("--only",)})
    def insurability(
        self,
        ssin: str,
        *,
        date: _dt.date | str | None = None,
        data: tuple[InsuranceData | str, ...] | list[InsuranceData | str] | str = (),
        context: CallContext | None = None,
    ) -> InsurabilityResult:
        """Insurability at a date (``getInsuranceOrganizationInformations``).

        Returns the groups asked for (all of them by default), or
        ``insurability=None`` with status NO_DATA_FOUND when the mutualities
        know nothing for the date (MSG00009: the person died before it).
        Raises `NotIntegrated` before sending when no integration covers the
        person.

        Args:
            ssin: the person's SSIN, in any written form
            date: the date of the situation, YYYY-MM-DD (default: today at the source)
            data: data groups to ask for (insuringOrganization, medicalHouse, ...; default all)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        at = optional_date_arg(date, "date")
        if at is not None and not 1900 <= at.year <= 2999:
            raise ValidationError("date is out of range")
        wanted = (data,) if isinstance(data, str) else tuple(data)
        groups = tuple(InsuranceData.parse(d) for d in wanted) or tuple(InsuranceData)
        criterion = _wire.Criterion(ssin=str(subject), date=at, data=tuple(dict.fromkeys(groups)))
        reply = self._client._call(
            self.service,
            "getInsuranceOrganizationInformations",
            lambda payload: _wire.write_criterion(payload, criterion),
            context=context,
            subjects=(subject,),
        )
        result = reply.payload.find("result")
        return InsurabilityResult(
            insurability=_wire.read_insurability(result) if result is not None else None,
            date=at,
            status=reply.status,
            receipt=reply.receipt,
        )
