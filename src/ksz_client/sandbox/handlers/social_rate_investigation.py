"""Sandbox handler of SocialRateInvestigation V1: the social energy tariff, from the facts.

Modelled on what the FOD Economie's social-tariff database holds (SPEC §7):

- a person of the BIS register is not in the national register, so the
  social-tariff database does not know them: DATA_FOUND with one household
  whose source status is SSIN_NOT_FOUND;
- otherwise the household (members and address) comes from the population and
  the supplier matches from the social-tariff facts of every member (the
  contract is in the name of the member who has the right); the person is a
  *protected person* while they draw leefloon or the income guarantee
  (GRAPA), or have a disability file;
- no match in the household and not protected: NO_DATA_FOUND (MSG00100, or
  MSG00009 for a deceased person);
- an unknown SSIN answers MSG00005, a replaced one MSG00006 with ``newSSIN``.
"""

from __future__ import annotations

from ksz_client import _xml
from ksz_client.sandbox.facts import REFERENCE_DATE, Facts
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.services.person.models import Register
from ksz_client.services.social_rate_investigation import _wire
from ksz_client.services.social_rate_investigation.models import (
    EnergyProduct,
    HouseholdMember,
    HouseholdRoles,
    ReferenceDates,
    SocialTariffHousehold,
    SourceStatus,
    SupplierMatch,
)

__all__ = ["consult_exchanged_data"]


def _protected(facts: Facts) -> bool:
    return (facts.on_leefloon or facts.disability is not None
            or any(p.kind == "GRAPA" and p.period.end is None for p in facts.pensions))


@handles("SocialRateInvestigation", "consultExchangedData")
def consult_exchanged_data(ctx: HandlerContext, request: _xml.Element) -> Answer:
    population = ctx.population
    index = population.index_of(_wire.read_criterion(request))
    if index is None:
        return Answer(status("NO_RESULT", "MSG00005"))
    replaced_by = population.replaced_by(index)
    if replaced_by is not None:
        return Answer(status("NO_RESULT", "MSG00006", newSSIN=str(population.ssin_of(replaced_by))))
    if population.register_of(index) is Register.BIS:
        unknown = SocialTariffHousehold(
            roles=HouseholdRoles(final_customer=False, household_head=False,
                                 protected_person=False),
            source_status=SourceStatus.SSIN_NOT_FOUND,
        )

        def fill_unknown(result: _xml.Element) -> None:
            _wire.write_household(result, unknown)

        return Answer(status("DATA_FOUND", "MSG00000"), fill_unknown)

    facts = population.facts(index)
    home = population.household(index)
    matches = []
    for member in home.members:
        tariffs = facts.social_tariffs if member.index == index \
            else population.facts(member.index).social_tariffs
        customer = population.person(member.index).name
        matches += [
            SupplierMatch(
                supplier=t.supplier,
                ean=t.ean,
                product=EnergyProduct(t.product),
                customer=customer,
                customer_number=f"{t.supplier[:3].upper()}{member.index:07d}",
                eligible=True,
                social_tariff=t.period,
                supplier_informed=t.period.start,
            )
            for t in tariffs
        ]
    protected = _protected(facts)
    if not matches and not protected:
        return Answer(status("NO_DATA_FOUND",
                             "MSG00009" if population.is_deceased(index) else "MSG00100"))
    household = SocialTariffHousehold(
        roles=HouseholdRoles(
            final_customer=bool(facts.social_tariffs),
            household_head=home.member(index).relationship == "01",
            protected_person=protected,
        ),
        reference_dates=ReferenceDates(cbss=ctx.today, national_register=ctx.today,
                                       supplier=REFERENCE_DATE),
        address=home.address,
        members=tuple(HouseholdMember(m.ssin, population.person(m.index).name)
                      for m in home.members),
        matches=tuple(matches),
    )

    def fill(result: _xml.Element) -> None:
        _wire.write_household(result, household)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)
