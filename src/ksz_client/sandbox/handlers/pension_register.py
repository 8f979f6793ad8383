"""Sandbox handler of OCMWCPASPensionRegisterConsult (SSDN 20090706): the pension cadastre.

The payload is checked against our ``wsdl/ssdn/PensionRegister.xsd`` (the
engine validates WS-Consult bodies, not SSDN payloads). Answers from the
pension facts of the population, modelled:

- the items are the person's pension rights that run in the period asked;
  the sandbox knows first-pillar rights only (retirement, survival, income
  guarantee), all paid by the Federal Pension Service, so Pillar ``Second``
  finds nothing; an empty reply is ok="YES", ReturnCode 0, no item;
- refusals use the SSDN codes 31000007 (mandatory argument missing) and
  30000001 (a value that cannot be read, a period that ends before it
  starts), and the WS-Consult codes for the person (MSG00005 unknown,
  MSG00006 replaced with ``newSSIN``).
"""

from __future__ import annotations

from typing import Final

from lxml import etree

from ksz_client import _contracts, _xml
from ksz_client._exceptions import ValidationError
from ksz_client.sandbox.handlers import HandlerContext, SsdnAnswer, handles_ssdn, ssdn_error
from ksz_client.services.pension_register import _wire
from ksz_client.services.pension_register.models import PensionItem, PensionKind, Pillar
from ksz_client.types import Money

__all__ = ["INSTITUTION", "INVALID", "MISSING", "consult_pension_register"]

MISSING: Final = "31000007"
"""SSDN: mandatory argument missing."""
INVALID: Final = "30000001"
"""SSDN: error (an argument that cannot be read)."""
INSTITUTION: Final = "Federal Pension Service (SFP / FPD)"
"""The paying institution of every sandbox pension."""


@handles_ssdn("OCMWCPASPensionRegisterConsult")
def consult_pension_register(ctx: HandlerContext, request: _xml.Element) -> SsdnAnswer:
    """Penskad_OpenPK_ConsultRequest against the population's pension facts."""
    try:
        number, query = _wire.read_request(request)
    except ValidationError as exc:
        missing = str(exc).startswith("mandatory argument missing")
        return ssdn_error(MISSING if missing else INVALID, str(exc))
    if _contracts.violation("OCMWCPASPensionRegisterConsult", request) is not None:
        return ssdn_error(INVALID, "the request does not conform to the PensionRegister contract")
    population = ctx.population
    index = population.index_of(number)
    if index is None:
        return ssdn_error("MSG00005", "SSIN does not exist")
    replaced = population.replaced_by(index)
    if replaced is not None:
        return ssdn_error("MSG00006", "SSIN has been replaced",
                          newSSIN=str(population.ssin_of(replaced)))
    period = query.period
    assert period.end is not None
    reply = etree.Element(_wire.q(_wire.REPLY), nsmap={"pr": _wire.NS})
    if query.pillar in (Pillar.FIRST, Pillar.FIRST_SECOND):
        for pension in population.facts(index).pensions:
            if pension.period.start > period.end or (
                    pension.period.end is not None and pension.period.end < period.start):
                continue
            _wire.write_item(reply, PensionItem(
                pillar=Pillar.FIRST,
                kind=PensionKind(pension.kind),
                period=pension.period,
                monthly_gross=Money.from_cents(pension.monthly_gross_cents),
                institution=INSTITUTION,
            ))
    return SsdnAnswer(payload=reply)
