"""OCMWCPASHeatingAllocation (SSDN 20090409): ``client.heating.compute(ssin, ...)``."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, TypeVar

from ksz_client import catalogue
from ksz_client._exceptions import ValidationError
from ksz_client._inputs import date_arg
from ksz_client.audit import organisation_id
from ksz_client.services._registry import operation
from ksz_client.services.heating import _wire
from ksz_client.services.heating.models import (
    AllocationResult,
    BeneficiaryCategory,
    FuelUnit,
    Invoice,
)
from ksz_client.types import CallContext, Money

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["HeatingAllocationService"]

_E = TypeVar("_E", BeneficiaryCategory, FuelUnit)


def _choice(cls: type[_E], value: _E | str, name: str) -> _E:
    try:
        return cls(str(value).strip().upper())
    except ValueError:
        raise ValidationError(f"{name} is one of {', '.join(m.value for m in cls)}") from None


def _quantity(value: Decimal | str | int) -> Decimal:
    if isinstance(value, float):
        raise ValidationError("the quantity is never a float: pass a string or a Decimal")
    try:
        return Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError("the quantity is a number of litres") from None


class HeatingAllocationService:
    """OCMWCPASHeatingAllocation, SSDN 20090409 (KSZ; source: the Social Heating Fund / POD MI).

    The heating allowance of the Social Heating Fund: the OCMW sends the
    primary beneficiary and the fuel invoice, the fund computes the allowance
    and registers it (a MUTATION: it is never sent twice; a lost answer raises
    `InDoubtError`). No consultation of registered allowances exists, so an
    in-doubt call is resolved by hand (``ksz audit resolve``) after checking
    with the fund. Needs a covering integration (finality). Contract:
    modelled (the official XSD is not public); the reply element is modelled.
    """

    service = catalogue.get("OCMWCPASHeatingAllocation")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("computeAllocation")
    def compute(
        self,
        ssin: str,
        *,
        category: BeneficiaryCategory | str,
        amount: Money | Decimal | str,
        quantity: Decimal | str | int,
        housing_number: str,
        delivery_date: _dt.date | str,
        unit: FuelUnit | str = FuelUnit.LITRE,
        context: CallContext | None = None,
    ) -> AllocationResult:
        """Compute and register the heating allowance for an invoice (``AllocationRequest``).

        OCMWCPASHeatingAllocation, SSDN version 20090409, source the Social
        Heating Fund (POD MI). Registers the allowance and returns it. Bad
        input (a delivery date in the future, a float, a non-positive amount
        or quantity, an unknown category) raises `ValidationError` before
        sending; a refusal of the fund raises the typed `NoResult`
        (`InvalidData`, code MSG00008, for an invoice the fund does not
        accept). A lost answer raises `InDoubtError`: do not send it again
        before resolving it (``ksz audit resolve``).

        Args:
            ssin: the primary beneficiary's SSIN, in any written form
            category: 1 (increased intervention), 2 (low income) or 3 (debt mediation)
            amount: the invoice total in euro, VAT included (e.g. 812.40; never a float)
            quantity: the litres delivered (at most 3 decimals)
            housing_number: the number identifying the dwelling supplied
            delivery_date: the day of delivery, YYYY-MM-DD
            unit: LITRE (bulk delivery) or PUMP (small quantities at the pump)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        chosen = _choice(BeneficiaryCategory, category, "category")
        day = date_arg(delivery_date, "delivery_date")
        if day > self._client._today():
            raise ValidationError("the delivery date lies in the future")
        invoice = Invoice(
            amount=Money.parse(amount),
            quantity=_quantity(quantity),
            housing_number=housing_number,
            delivery_date=day,
            unit=_choice(FuelUnit, unit, "unit"),
        )
        ocmw = organisation_id(self._client.config.organisation)
        reply = self._client._call(
            self.service,
            "computeAllocation",
            lambda payload: _wire.write_request(payload, str(subject), chosen, invoice, ocmw),
            context=context,
            subjects=(str(subject),),
        )
        return AllocationResult(
            ssin=subject,
            category=chosen,
            invoice=invoice,
            allocation=_wire.read_allocation(reply.payload),
            status=reply.status,
            receipt=reply.receipt,
            warnings=reply.warnings,
        )
