"""Sandbox handlers of PersonService V4.

BIS persons the sandbox registered or updated (BisPersonService, CBSSPersonService)
are read from the sandbox state (`handlers.bis`) before the population.
"""

from __future__ import annotations

from ksz_client import _xml
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.sandbox.handlers.bis import stored_person, with_registered
from ksz_client.services.person import _wire


@handles("PersonService", "searchPersonBySsin")
def search_by_ssin(ctx: HandlerContext, request: _xml.Element) -> Answer:
    ssin, _language = _wire.read_ssin_criteria(request)
    stored = stored_person(ctx.state, ssin)
    if stored is not None:
        found = stored

        def fill_stored(result: _xml.Element) -> None:
            _wire.write_person(result, found)

        return Answer(status("DATA_FOUND", "MSG00000"), fill_stored)
    index = ctx.population.index_of(ssin)
    if index is None:
        return Answer(status("NO_RESULT", "MSG00005"))
    replaced_by = ctx.population.replaced_by(index)
    if replaced_by is not None:
        new = ctx.population.ssin_of(replaced_by)
        return Answer(status("NO_RESULT", "MSG00006", newSSIN=str(new)))
    person = ctx.population.person(index)

    def fill(result: _xml.Element) -> None:
        _wire.write_person(result, person)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)


@handles("PersonService", "searchPersonPhonetically")
def search_phonetically(ctx: HandlerContext, request: _xml.Element) -> Answer:
    criteria = _wire.read_criteria(request)
    persons = ctx.population.search(
        last_name=criteria.last_name,
        given_names=criteria.given_names,
        birth=criteria.birth_date,
        tolerance=criteria.tolerance,
        gender=criteria.gender,
        limit=criteria.max_results,
    )
    persons = with_registered(ctx.state, persons, criteria)
    if not persons:
        return Answer(status("NO_DATA_FOUND", "MSG00100"))

    def fill(result: _xml.Element) -> None:
        for person in persons:
            _wire.write_person(result, person)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)
