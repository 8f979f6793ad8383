"""Sandbox handler of OCMWCPASHeatingAllocation (SSDN 20090409): the Social Heating Fund.

The payload is checked against our ``wsdl/ssdn/HeatingAllocation.xsd``. The
fund's rules are MODELLED on its public description, simplified:

- category 1 needs the increased intervention in the person's health
  insurance; category 2 a last taxable income of at most 26,081.56 euro;
  category 3 (debt mediation) is the OCMW's own finding and is accepted;
- the invoice is accepted up to 60 days after delivery, never before it;
- LITRE: 14 cents per litre up to 0.930 euro per litre, one cent more per
  started 0.025 euro above, at most 36 cents, on at most 1500 litres per
  dwelling (housing number) and calendar year of delivery, and never more
  than the invoice;
- PUMP: a flat 210 euro per dwelling and calendar year;
- the same invoice (beneficiary, dwelling, delivery day, amount) is
  registered once.

Every allowance granted is a ``heating-allocation`` record of the state.
Refusals: MSG00008 (invalid data: an invoice the fund does not accept),
MSG00005/MSG00006 (the person), 31000007 (mandatory argument missing) and
30000001 (a value that cannot be read).
"""

from __future__ import annotations

import datetime as _dt
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Final

from lxml import etree

from ksz_client import _contracts, _xml
from ksz_client._exceptions import ValidationError
from ksz_client.sandbox.handlers import HandlerContext, SsdnAnswer, handles_ssdn, ssdn_error
from ksz_client.services.heating import _wire
from ksz_client.services.heating.models import Allocation, BeneficiaryCategory, FuelUnit
from ksz_client.types import Money

__all__ = [
    "INCOME_CEILING_CENTS",
    "INVALID",
    "KIND",
    "MAX_LITRES",
    "MISSING",
    "PUMP_FLAT_CENTS",
    "compute_allocation",
    "per_litre_cents",
]

KIND: Final = "heating-allocation"
"""The state records of the allowances granted."""
MISSING: Final = "31000007"
INVALID: Final = "30000001"
REFUSED: Final = "MSG00008"
MAX_LITRES: Final = Decimal(1500)
PUMP_FLAT_CENTS: Final = 21_000
INCOME_CEILING_CENTS: Final = 2_608_156
_DAYS_TO_APPLY: Final = 60


def per_litre_cents(price: Decimal) -> int:
    """The allowance per litre (cents) at a price per litre (euro), modelled."""
    if price <= Decimal("0.930"):
        return 14
    steps = ((price - Decimal("0.930")) / Decimal("0.025")).to_integral_value(ROUND_CEILING)
    return min(14 + int(steps), 36)


def _eligible(ctx: HandlerContext, index: int, category: BeneficiaryCategory) -> bool:
    facts = ctx.population.facts(index)
    if category is BeneficiaryCategory.INCREASED_INTERVENTION:
        return any(i.increased_intervention and i.period.contains(ctx.today)
                   for i in facts.insurability)
    if category is BeneficiaryCategory.LOW_INCOME:
        last = max(facts.taxes, key=lambda t: t.income_year, default=None)
        return last is None or last.taxable_income_cents <= INCOME_CEILING_CENTS
    return True


@handles_ssdn("OCMWCPASHeatingAllocation")
def compute_allocation(ctx: HandlerContext, request: _xml.Element) -> SsdnAnswer:
    """AllocationRequest: check, compute, register the allowance."""
    try:
        asked = _wire.read_request(request)
    except ValidationError as exc:
        missing = str(exc).startswith("mandatory argument missing")
        return ssdn_error(MISSING if missing else INVALID, str(exc))
    if _contracts.violation("OCMWCPASHeatingAllocation", request) is not None:
        return ssdn_error(INVALID, "the request does not conform to the HeatingAllocation contract")
    population, state = ctx.population, ctx.state
    assert state is not None
    index = population.index_of(asked.ssin)
    if index is None:
        return ssdn_error("MSG00005", "SSIN does not exist")
    replaced = population.replaced_by(index)
    if replaced is not None:
        return ssdn_error("MSG00006", "SSIN has been replaced",
                          newSSIN=str(population.ssin_of(replaced)))
    invoice = asked.invoice
    if asked.ocmw != ctx.organisation:
        return ssdn_error(REFUSED, "the OCMW of the request is not the caller")
    if invoice.delivery_date > ctx.today:
        return ssdn_error(REFUSED, "the delivery date lies in the future")
    if invoice.delivery_date < ctx.today - _dt.timedelta(days=_DAYS_TO_APPLY):
        return ssdn_error(REFUSED, "the allowance is asked more than 60 days after delivery")
    if not _eligible(ctx, index, asked.category):
        return ssdn_error(REFUSED, "the beneficiary does not fit the category")
    year = invoice.delivery_date.year
    housing = invoice.housing_number.strip().upper()
    same_year = [r for r in state.records(KIND, ssin=asked.ssin)
                 if r.data.get("housing") == housing and r.data.get("year") == year]
    if any(r.data.get("delivery") == invoice.delivery_date.isoformat()
           and r.data.get("invoice_cents") == invoice.amount.cents for r in same_year):
        return ssdn_error(REFUSED, "this invoice is already registered")
    if invoice.unit is FuelUnit.PUMP:
        if any(r.data.get("unit") == FuelUnit.PUMP.value for r in same_year):
            return ssdn_error(REFUSED, "the flat allowance of the year is already granted")
        retained = invoice.quantity
        cents = min(PUMP_FLAT_CENTS, invoice.amount.cents)
    else:
        used = sum((Decimal(str(r.data.get("litres"))) for r in same_year
                    if r.data.get("unit") == FuelUnit.LITRE.value), Decimal(0))
        retained = min(invoice.quantity, MAX_LITRES - used)
        if retained <= 0:
            return ssdn_error(REFUSED, "the yearly maximum of litres is reached")
        rate = per_litre_cents(invoice.price_per_litre)
        cents = min(int((retained * rate).to_integral_value(ROUND_FLOOR)), invoice.amount.cents)
    reference = f"HA-{year}-{state.next_sequence(KIND):06d}"
    state.add_record(KIND, {
        "housing": housing, "year": year, "delivery": invoice.delivery_date.isoformat(),
        "unit": invoice.unit.value, "litres": str(retained), "amount_cents": cents,
        "invoice_cents": invoice.amount.cents, "category": asked.category.value,
    }, ticket=ctx.ticket, at=ctx.now, ssin=asked.ssin, organisation=ctx.organisation,
        key=reference)
    reply = etree.Element(_wire.q(_wire.REPLY), nsmap={"ha": _wire.NS})
    _wire.write_allocation(reply, Allocation(reference, Money.from_cents(cents), retained))
    return SsdnAnswer(payload=reply)
