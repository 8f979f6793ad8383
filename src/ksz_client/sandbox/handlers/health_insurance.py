"""Sandbox handler of HealthCareInsurance V1 (``getInsuranceOrganizationInformations``).

Answers from the person's `Insurability` facts, as they stand on the date
asked (``today``: the sandbox's today; open periods are still running):

- the mutuality and the reimbursement right over the affiliation period;
- holder codes CT1/CT2 ``111/111`` with increased intervention, else ``110/110``;
- third-party payer, medical house and increased intervention when the facts
  say so, over the affiliation period;
- maximum billing of the date's year: reached with increased intervention;
  sandbox ceilings EUR 500.00 (increased intervention) and EUR 1000.00;
- complementary insurance in order except for every tenth person (index ending
  in 0), a global medical file for two persons out of three (index not a
  multiple of 3); ``sfdfL891`` is never returned.

Only the groups the request asks for are returned. No affiliation covering the
date: NO_DATA_FOUND MSG00100; a date after the person's death: NO_DATA_FOUND
MSG00009; unknown SSIN MSG00005; replaced SSIN MSG00006 (``newSSIN``).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import replace

from ksz_client import _xml
from ksz_client.sandbox.facts import Insurability as InsurabilityFact
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.services.health_insurance import _wire
from ksz_client.services.health_insurance.models import (
    ComplementaryInsurance,
    HolderCodes,
    Insurability,
    InsuranceData,
    InsuringOrganization,
    MaximumCharge,
    MedicalHouse,
)
from ksz_client.types import Money, Period

_CEILING_INCREASED = Money(50_000)
_CEILING_OTHER = Money(100_000)
_MEDICAL_HOUSE = "Medisch Huis Sandbox / Maison médicale Sandbox"


@handles("HealthCareInsurance", "getInsuranceOrganizationInformations")
def insurability(ctx: HandlerContext, request: _xml.Element) -> Answer:
    criterion = _wire.read_criterion(request)
    population = ctx.population
    index = population.index_of(criterion.ssin)
    if index is None:
        return Answer(status("NO_RESULT", "MSG00005"))
    replaced_by = population.replaced_by(index)
    if replaced_by is not None:
        return Answer(status("NO_RESULT", "MSG00006", newSSIN=str(population.ssin_of(replaced_by))))
    day = criterion.date or ctx.today
    died = population.death_date(index)
    if died is not None and day > died:
        return Answer(status("NO_DATA_FOUND", "MSG00009"))
    affiliations = [i for i in population.facts(index).insurability if i.period.contains(day)]
    if not affiliations:
        return Answer(status("NO_DATA_FOUND", "MSG00100"))
    data = _insurability(index, day, affiliations, set(criterion.data))

    def fill(result: _xml.Element) -> None:
        _wire.write_insurability(result, data)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)


_FIELDS = {
    InsuranceData.INSURING_ORGANIZATION: "insuring_organizations",
    InsuranceData.REIMBURSEMENT_RIGHT: "reimbursement_rights",
    InsuranceData.CT1CT2: "holder_codes",
    InsuranceData.PAYING_THIRD_PARTY: "paying_third_party",
    InsuranceData.MAXIMUM_CHARGE: "maximum_charges",
    InsuranceData.MEDICAL_HOUSE: "medical_houses",
    InsuranceData.INCREASED_INTERVENTION: "increased_intervention",
    InsuranceData.STATUS_COMPLEMENTARY_INSURANCE: "complementary_insurance",
    InsuranceData.GLOBAL_MEDICAL_FILE: "global_medical_file",
    InsuranceData.SFDF_L891: "sfdf_l891",
}
_GMD_SINCE = _dt.date(2020, 1, 1)


def _insurability(index: int, day: _dt.date, facts: list[InsurabilityFact],
                  wanted: set[InsuranceData]) -> Insurability:
    increased = any(f.increased_intervention for f in facts)
    everything = Insurability(
        insuring_organizations=tuple(
            InsuringOrganization(f.mutuality_code, f.period, f.mutuality) for f in facts),
        reimbursement_rights=tuple(f.period for f in facts),
        holder_codes=tuple(
            HolderCodes(*(("111", "111") if f.increased_intervention else ("110", "110")),
                        period=f.period)
            for f in facts),
        paying_third_party=tuple(f.period for f in facts if f.third_party_payer),
        maximum_charges=(MaximumCharge(day.year, increased,
                                       _CEILING_INCREASED if increased else _CEILING_OTHER),),
        medical_houses=tuple(
            MedicalHouse(f.period, f"8{index:07d}", _MEDICAL_HOUSE,
                         ("DOCTOR", "NURSE", "PHYSIOTHERAPIST"))
            for f in facts if f.medical_house),
        increased_intervention=tuple(f.period for f in facts if f.increased_intervention),
        complementary_insurance=tuple(
            ComplementaryInsurance(f.period, in_order=index % 10 != 0) for f in facts),
        global_medical_file=tuple(
            Period(max(f.period.start, _GMD_SINCE), f.period.end)
            for f in facts
            if index % 3 != 0 and (f.period.end is None or f.period.end >= _GMD_SINCE)),
    )
    # Only the groups asked for travel back.
    return replace(everything, **{field: () for group, field in _FIELDS.items()
                                  if group not in wanted})
