"""OCMWCPASHeatingAllocation on the wire: the AllocationRequest/Reply payloads <-> models.

Every element is in the HeatingAllocationRequest namespace (qualified); the
HeatingAllocationDataTypes namespace holds only the simple types. Amounts
travel as whole euro cents, the quantity as a decimal with at most three
decimals. The client writes the request and reads the reply; the sandbox
reads the request and writes the reply with the same code.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Final

from ksz_client import _xml, catalogue
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client.services.heating.models import Allocation, BeneficiaryCategory, FuelUnit, Invoice
from ksz_client.types import Money

__all__ = ["NS", "REPLY", "REQUEST", "HeatingRequest", "q", "read_allocation",
           "read_request", "write_allocation", "write_request"]

_SERVICE: Final = catalogue.get("OCMWCPASHeatingAllocation")
NS: Final = _SERVICE.namespace
REQUEST: Final = "AllocationRequest"
REPLY: Final = "AllocationReply"


def q(name: str) -> str:
    """The qualified tag of a HeatingAllocation element."""
    return f"{{{NS}}}{name}"


def _path(*names: str) -> str:
    return "/".join(q(n) for n in names)


def _quantity(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.001")).normalize(), "f")


# --- request ------------------------------------------------------------------------------


def write_request(payload: _xml.Element, ssin: str, category: BeneficiaryCategory,
                  invoice: Invoice, ocmw: str) -> None:
    """Fill ``AllocationRequest`` (the payload root the pipeline made)."""
    compute = _xml.sub(payload, q("ComputeAllocation"))
    beneficiary = _xml.sub(compute, q("PrimaryBeneficiary"))
    _xml.sub(beneficiary, q("SSIN"), ssin)
    _xml.sub(beneficiary, q("Category"), category.value)
    inv = _xml.sub(compute, q("Invoice"))
    _xml.sub(inv, q("Amount"), str(invoice.amount.cents))
    _xml.sub(inv, q("Quantity"), _quantity(invoice.quantity))
    _xml.sub(inv, q("HousingNumber"), invoice.housing_number.strip())
    _xml.sub(inv, q("DeliveryDate"), invoice.delivery_date.isoformat())
    _xml.sub(inv, q("UnitFuel"), invoice.unit.value)
    _xml.sub(_xml.sub(payload, q("OCMW_CPAS")), q("KboBceNumber"), ocmw)


@dataclass(frozen=True, repr=False)
class HeatingRequest:
    """What a request asks (the sandbox's side of `read_request`)."""

    ssin: str
    category: BeneficiaryCategory
    invoice: Invoice
    ocmw: str

    def __repr__(self) -> str:
        return "HeatingRequest(...)"  # an SSIN travels in it


def read_request(payload: _xml.Element) -> HeatingRequest:
    """The request's fields; a missing or unreadable value raises ValidationError."""
    def text(*names: str) -> str:
        value = _xml.opt_text(payload, _path(*names))
        if value is None:
            raise ValidationError(f"mandatory argument missing: {'/'.join(names)}")
        return value

    invoice = ("ComputeAllocation", "Invoice")
    ssin = text("ComputeAllocation", "PrimaryBeneficiary", "SSIN")
    category_text = text("ComputeAllocation", "PrimaryBeneficiary", "Category")
    amount_text = text(*invoice, "Amount")
    quantity_text = text(*invoice, "Quantity")
    housing = text(*invoice, "HousingNumber")
    delivery_text = text(*invoice, "DeliveryDate")
    unit_text = text(*invoice, "UnitFuel")
    ocmw = text("OCMW_CPAS", "KboBceNumber")
    try:
        return HeatingRequest(
            ssin,
            BeneficiaryCategory(category_text),
            Invoice(Money.from_cents(int(amount_text)), Decimal(quantity_text), housing,
                    _dt.date.fromisoformat(delivery_text), FuelUnit(unit_text)),
            ocmw,
        )
    except ValidationError:
        raise
    except (ValueError, InvalidOperation):
        raise ValidationError("a value of the request cannot be read") from None


# --- reply --------------------------------------------------------------------------------


def write_allocation(reply: _xml.Element, allocation: Allocation) -> None:
    """Add the ``Allocation`` to an ``AllocationReply``."""
    el = _xml.sub(reply, q("Allocation"))
    _xml.sub(el, q("Reference"), allocation.reference)
    _xml.sub(el, q("Amount"), str(allocation.amount.cents))
    _xml.sub(el, q("QuantityRetained"), _quantity(allocation.quantity_retained))


def read_allocation(reply: _xml.Element) -> Allocation:
    """The ``Allocation`` of an ``AllocationReply``; a missing part is a ResponseError."""
    el = _xml.find(reply, q("Allocation"))
    if el is None:
        raise ResponseError("the heating-allowance answer has no Allocation")
    amount = _xml.opt_int(el, q("Amount"))
    if amount is None or amount < 0:
        raise ResponseError("the heating-allowance answer has no valid Allocation/Amount")
    try:
        retained = Decimal(_xml.req_text(el, q("QuantityRetained")))
    except InvalidOperation:
        raise ResponseError("the heating-allowance answer has an unreadable quantity") from None
    if not retained.is_finite() or retained < 0:
        raise ResponseError("the heating-allowance answer has an unreadable quantity")
    return Allocation(reference=_xml.req_text(el, q("Reference")),
                      amount=Money.from_cents(amount), quantity_retained=retained)
