"""Sandbox handler of PatrimonyService V1 (Cadnet ``findProperties``).

Answers from the person's `RealEstate` facts and household: the partner is
the spouse or partner of the household (civil state 20), the properties are
the facts' properties, each on a sandbox cadastral parcel of the municipality
(division = its NIS code), held in full ownership for the facts' share. The
nature is described in the language asked (NL by default). The Cadnet status
code says what was found:

=================================================  ==============
PERSON_WITH_PROPERTIES_AND_PARTNER                 DATA_FOUND
PERSON_WITHOUT_PARTNER_WITH_PROPERTIES             DATA_FOUND
PERSON_WITH_PARTNER_WITHOUT_PROPERTIES             DATA_FOUND
PERSON_WITHOUT_PARTNER_AND_PROPERTIES              NO_DATA_FOUND
=================================================  ==============

Persons whose index ends in 91 to 97 (`SPECIAL`) get the other Cadnet codes
instead, whatever their facts: 91 PERSON_UNKNOWN_FODFIN (NO_DATA_FOUND), 92
INVALID_RESPONSE_FODFIN, 93 ERROR_FODFIN, 94 VALIDATION_ERROR, 95
INSZ_UNKNOW_IN_LEGAL_CONTEXT_CBSS, 96 INSZ_UNKNOW_IN_LEGAL_CONTEXT_PPSSI, 97
SSIN_PROBLEM (all NO_RESULT). None of them is deceased, replaced or in the
BIS register; the reserved fault persons at the end of a population keep their
faults. Unknown SSIN MSG00005; replaced MSG00006.
"""

from __future__ import annotations

from typing import Final

from ksz_client import _xml
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.services.patrimony import _wire
from ksz_client.services.patrimony.models import (
    CadastralParcel,
    PatrimonyOutcome,
    Property,
    PropertyRight,
    RightKind,
    Share,
)
from ksz_client.types import Money, Status

__all__ = ["SPECIAL"]

_P = PatrimonyOutcome
SPECIAL: Final = {
    91: (_P.PERSON_UNKNOWN_FODFIN, "NO_DATA_FOUND"),
    92: (_P.INVALID_RESPONSE_FODFIN, "NO_RESULT"),
    93: (_P.ERROR_FODFIN, "NO_RESULT"),
    94: (_P.VALIDATION_ERROR, "NO_RESULT"),
    95: (_P.INSZ_UNKNOW_IN_LEGAL_CONTEXT_CBSS, "NO_RESULT"),
    96: (_P.INSZ_UNKNOW_IN_LEGAL_CONTEXT_PPSSI, "NO_RESULT"),
    97: (_P.SSIN_PROBLEM, "NO_RESULT"),
}
"""Index modulo 100 -> the Cadnet code (and status value) the person always gets."""

_TEXTS: Final = {
    _P.PERSON_WITH_PROPERTIES_AND_PARTNER: "Person with properties and partner",
    _P.PERSON_WITHOUT_PARTNER_WITH_PROPERTIES: "Person without partner, with properties",
    _P.PERSON_WITHOUT_PARTNER_AND_PROPERTIES: "Person without partner and properties",
    _P.PERSON_WITH_PARTNER_WITHOUT_PROPERTIES: "Person with partner, without properties",
    _P.PERSON_UNKNOWN_FODFIN: "Person unknown at FOD Financien",
    _P.INVALID_RESPONSE_FODFIN: "Invalid response from FOD Financien",
    _P.ERROR_FODFIN: "Error at FOD Financien",
    _P.VALIDATION_ERROR: "Validation error",
    _P.INSZ_UNKNOW_IN_LEGAL_CONTEXT_CBSS: "SSIN unknown in the legal context (CBSS)",
    _P.INSZ_UNKNOW_IN_LEGAL_CONTEXT_PPSSI: "SSIN unknown in the legal context (PPS SI)",
    _P.SSIN_PROBLEM: "Problem with the SSIN",
}

_NATURES: Final = {
    "house": ("HOUSE", {"NL": "huis", "FR": "maison", "DE": "Haus"}),
    "apartment": ("APARTMENT", {"NL": "appartement", "FR": "appartement", "DE": "Wohnung"}),
    "land": ("LAND", {"NL": "grond", "FR": "terrain", "DE": "Grundstück"}),
}


def _status(outcome: PatrimonyOutcome, value: str) -> Status:
    return Status(value, outcome.value, _TEXTS[outcome])


@handles("PatrimonyService", "findProperties")
def find_properties(ctx: HandlerContext, request: _xml.Element) -> Answer:
    criterion = _wire.read_criterion(request)
    population = ctx.population
    index = population.index_of(criterion.ssin)
    if index is None:
        return Answer(status("NO_RESULT", "MSG00005"))
    replaced_by = population.replaced_by(index)
    if replaced_by is not None:
        return Answer(status("NO_RESULT", "MSG00006", newSSIN=str(population.ssin_of(replaced_by))))
    special = SPECIAL.get(index % 100)
    if special is not None:
        return Answer(_status(*special))
    partner = next((str(c.partner_ssin) for c in population.person(index).civil_states
                    if c.code == "20" and c.partner_ssin is not None), None)
    language = criterion.language or "NL"
    properties = tuple(
        Property(
            parcel=CadastralParcel(
                division=estate.municipality_code,
                section="ABCDEFGH"[(index + k) % 8],
                number=f"{(index * 37 + k * 101) % 9000 + 100:04d}/{k + 1:02d}A000",
            ),
            municipality_code=estate.municipality_code,
            municipality=estate.municipality,
            nature=_NATURES[estate.kind][0],
            nature_description=_NATURES[estate.kind][1][language],
            cadastral_income=Money(estate.cadastral_income_cents),
            right=PropertyRight(RightKind.FULL_OWNERSHIP, Share.per_mille(estate.share_per_mille)),
        )
        for k, estate in enumerate(population.facts(index).real_estate)
    )
    if properties:
        outcome = (_P.PERSON_WITH_PROPERTIES_AND_PARTNER if partner
                   else _P.PERSON_WITHOUT_PARTNER_WITH_PROPERTIES)
    elif partner:
        outcome = _P.PERSON_WITH_PARTNER_WITHOUT_PROPERTIES
    else:
        return Answer(_status(_P.PERSON_WITHOUT_PARTNER_AND_PROPERTIES, "NO_DATA_FOUND"))

    def fill(result: _xml.Element) -> None:
        _wire.write_partner(result, criterion.ssin, partner)
        for estate in properties:
            _wire.write_property(result, estate)

    return Answer(_status(outcome, "DATA_FOUND"), fill)
