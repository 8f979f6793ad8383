"""Sandbox handlers of SSINInformationService V1: the history of an SSIN.

Answered from the population's replaced numbers (every 50th person's SSIN is
replaced by the next person's: `Population.replaced_by`) and from the BIS
persons the sandbox registered (numbers without history). Modelled statuses:
an unknown number is NO_RESULT MSG00005; ``consultRelatedSsins`` for a number
without history is NO_DATA_FOUND MSG00100. A replaced number is not an error
here: it is what the service is for.
"""

from __future__ import annotations

from ksz_client import _xml
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.sandbox.handlers.bis import stored_person
from ksz_client.services.ssin_info import _wire
from ksz_client.services.ssin_info.models import SsinState
from ksz_client.ssin import Ssin

__all__ = ["current_ssin", "related_ssins"]


@handles("SSINInformationService", "consultCurrentSsin")
def current_ssin(ctx: HandlerContext, request: _xml.Element) -> Answer:
    asked = _wire.read_criteria(request)
    population = ctx.population
    index = population.index_of(asked)
    if index is None:
        if stored_person(ctx.state, asked) is None:
            return Answer(status("NO_RESULT", "MSG00005"))
        state = SsinState(Ssin(asked, allow_test=True))
    else:
        new = population.replaced_by(index)
        if new is not None:
            state = SsinState(population.ssin_of(new), replaces=population.ssin_of(index))
        else:
            old = population.replaces(index)
            state = SsinState(population.ssin_of(index),
                              replaces=population.ssin_of(old) if old is not None else None)

    def fill(result: _xml.Element) -> None:
        _wire.write_current(result, state)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)


@handles("SSINInformationService", "consultRelatedSsins")
def related_ssins(ctx: HandlerContext, request: _xml.Element) -> Answer:
    asked = _wire.read_criteria(request)
    population = ctx.population
    index = population.index_of(asked)
    if index is None:
        if stored_person(ctx.state, asked) is None:
            return Answer(status("NO_RESULT", "MSG00005"))
        return Answer(status("NO_DATA_FOUND", "MSG00100"))
    related: list[SsinState] = []
    old = population.replaces(index)
    if old is not None:
        related.append(SsinState(population.ssin_of(old), canceled=True,
                                 replaced_by=population.ssin_of(index)))
    new = population.replaced_by(index)
    if new is not None:
        related.append(SsinState(population.ssin_of(new)))
    if not related:
        return Answer(status("NO_DATA_FOUND", "MSG00100"))
    states = tuple(related)

    def fill(result: _xml.Element) -> None:
        _wire.write_related(result, states)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)
