"""Sandbox handler of PCSASocialInquiry V1 (Nova+): inquiry pointers, residence simulation.

MODELLED. consultSocialInquiry answers, from the person's facts, which
sources know something today and the size of the household.
simulateResidenceStatus reads the register and the first nationality: the
population register (Belgian) gives INTEGRATION_INCOME, the foreigners
register TO_CHECK (the residence document decides), a BIS number
NOT_RESIDENT / NONE (the sandbox has no waiting-register persons).
Statuses: DATA_FOUND; NO_DATA_FOUND MSG00009 for a deceased person;
NO_RESULT MSG00005 unknown SSIN, MSG00006 replaced (``newSSIN``).
"""

from __future__ import annotations

from collections.abc import Callable

from ksz_client import _xml
from ksz_client.sandbox.facts import Facts
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.services.person.models import Register
from ksz_client.services.social_inquiry import _wire
from ksz_client.services.social_inquiry.models import (
    InquirySource,
    ResidenceStatus,
    SocialInquiry,
    SocialRight,
)

__all__ = ["consult_social_inquiry", "simulate_residence_status", "sources"]

_BELGIAN = "150"


def sources(facts: Facts, ctx: HandlerContext) -> tuple[tuple[InquirySource, bool], ...]:
    """Per source, whether it knows something about the person on the day of the answer."""
    day = ctx.today
    return (
        (InquirySource.EMPLOYMENT, any(e.period.contains(day) for e in facts.employments)),
        (InquirySource.SELF_EMPLOYMENT,
         any(s.period.contains(day) for s in facts.self_employment)),
        (InquirySource.UNEMPLOYMENT, any(u.period.contains(day) for u in facts.unemployment)),
        (InquirySource.PENSION, any(p.period.contains(day) for p in facts.pensions)),
        (InquirySource.DISABILITY, facts.disability is not None),
        (InquirySource.INCREASED_INTERVENTION,
         any(i.increased_intervention and i.period.contains(day) for i in facts.insurability)),
        (InquirySource.CHILD_BENEFITS, any(c.period.contains(day) for c in facts.child_benefits)),
        (InquirySource.LEEFLOON, facts.on_leefloon),
    )


def _person(ctx: HandlerContext, request: _xml.Element,
            answer: Callable[[int], Answer]) -> Answer:
    population = ctx.population
    index = population.index_of(_wire.read_criteria(request))
    if index is None:
        return Answer(status("NO_RESULT", "MSG00005"))
    replaced_by = population.replaced_by(index)
    if replaced_by is not None:
        return Answer(status("NO_RESULT", "MSG00006",
                             newSSIN=str(population.ssin_of(replaced_by))))
    if population.is_deceased(index):
        return Answer(status("NO_DATA_FOUND", "MSG00009"))
    return answer(index)


@handles("PCSASocialInquiry", "consultSocialInquiry")
def consult_social_inquiry(ctx: HandlerContext, request: _xml.Element) -> Answer:
    """The sources that know something about the person, and the household size."""
    def answer(index: int) -> Answer:
        population = ctx.population
        inquiry = SocialInquiry(len(population.household(index).members),
                                sources(population.facts(index), ctx))

        def fill(result: _xml.Element) -> None:
            _wire.write_inquiry(result, inquiry)

        return Answer(status("DATA_FOUND", "MSG00000"), fill)

    return _person(ctx, request, answer)


@handles("PCSASocialInquiry", "simulateResidenceStatus")
def simulate_residence_status(ctx: HandlerContext, request: _xml.Element) -> Answer:
    """The register of the person and what it means for the right to social integration."""
    def answer(index: int) -> Answer:
        population = ctx.population
        if population.register_of(index) is not Register.NR:
            residence, right = ResidenceStatus.NOT_RESIDENT, SocialRight.NONE
        else:
            nationalities = population.person(index).nationalities
            belgian = bool(nationalities) and nationalities[0].code == _BELGIAN
            residence, right = ((ResidenceStatus.POPULATION_REGISTER,
                                 SocialRight.INTEGRATION_INCOME) if belgian else
                                (ResidenceStatus.FOREIGNERS_REGISTER, SocialRight.TO_CHECK))

        def fill(result: _xml.Element) -> None:
            _wire.write_residence(result, residence, right)

        return Answer(status("DATA_FOUND", "MSG00000"), fill)

    return _person(ctx, request, answer)
