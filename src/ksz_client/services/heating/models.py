"""Typed models of OCMWCPASHeatingAllocation (SSDN 20090409): the Social Heating Fund allowance."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from ksz_client._exceptions import FaultDetail, ValidationError
from ksz_client.ssin import Ssin
from ksz_client.types import Money, Receipt, Status

__all__ = [
    "MAX_QUANTITY",
    "Allocation",
    "AllocationResult",
    "BeneficiaryCategory",
    "FuelUnit",
    "Invoice",
]

MAX_QUANTITY = Decimal("99999.999")
"""The largest quantity an invoice line can carry (the contract's 5.3 digits)."""


class BeneficiaryCategory(StrEnum):
    """The category of the primary beneficiary (the Social Heating Fund's three)."""

    INCREASED_INTERVENTION = "1"
    """Entitled to the increased reimbursement of health care (verhoogde tegemoetkoming)."""
    LOW_INCOME = "2"
    """A household whose taxable income stays under the fund's ceiling."""
    DEBT_MEDIATION = "3"
    """In debt mediation or collective debt settlement, unable to pay the heating invoice."""


class FuelUnit(StrEnum):
    """How the fuel was delivered (modelled codes)."""

    LITRE = "LITRE"
    """Bulk delivery by the litre (heating gas oil, lamp petroleum, bulk propane)."""
    PUMP = "PUMP"
    """Small quantities bought at the pump: a flat allowance per year, not per litre."""


@dataclass(frozen=True)
class Invoice:
    """The fuel invoice the allowance is asked for; validated on construction (before sending).

    ``amount`` is the invoice total, VAT included; ``quantity`` the litres
    delivered; ``housing_number`` identifies the dwelling (a household gets
    the allowance for one dwelling, within a yearly maximum of litres).
    """

    amount: Money
    quantity: Decimal
    housing_number: str
    delivery_date: _dt.date
    unit: FuelUnit = FuelUnit.LITRE

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Money) or self.amount.cents <= 0:
            raise ValidationError("the invoice amount is a positive amount in euro")
        if self.amount.cents > 99_999_999:
            raise ValidationError("the invoice amount is at most 999999.99 euro")
        if not isinstance(self.quantity, Decimal) or not self.quantity.is_finite():
            raise ValidationError("the quantity is a Decimal number of litres (never a float)")
        if self.quantity <= 0 or self.quantity > MAX_QUANTITY:
            raise ValidationError("the quantity is more than 0 and at most 99999.999 litres")
        if self.quantity != self.quantity.quantize(Decimal("0.001")):
            raise ValidationError("the quantity has at most 3 decimals")
        number = self.housing_number.strip()
        if not number or len(number) > 20 or not number.isalnum():
            raise ValidationError("the housing number is 1 to 20 letters or digits")
        if not isinstance(self.delivery_date, _dt.date):
            raise ValidationError("the delivery date is a date")
        if not isinstance(self.unit, FuelUnit):
            raise ValidationError("the unit is LITRE or PUMP")

    @property
    def price_per_litre(self) -> Decimal:
        """The price per litre on the invoice, in euro, to the cent."""
        return (self.amount.euro / self.quantity).quantize(Decimal("0.001"))


@dataclass(frozen=True)
class Allocation:
    """The allowance the fund computed and registered for an invoice."""

    reference: str
    """The fund's reference of the registered allowance."""
    amount: Money
    quantity_retained: Decimal
    """The litres the allowance was computed on (the yearly maximum may cut the invoice)."""


@dataclass(frozen=True)
class AllocationResult:
    """The answer to `HeatingAllocationService.compute`: the registered allowance.

    ``ssin`` is the primary beneficiary; ``warnings`` are the SSDN details of
    severity WARNING or INFORMATION.
    """

    ssin: Ssin
    category: BeneficiaryCategory
    invoice: Invoice
    allocation: Allocation
    status: Status
    receipt: Receipt
    warnings: tuple[FaultDetail, ...] = ()

    @property
    def amount(self) -> Money:
        """The allowance granted."""
        return self.allocation.amount
