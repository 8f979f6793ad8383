"""Sandbox handler of NRPPersonService V1: persons of the national register by address.

Answered from the population's current residential addresses (the members of
a household share one). Street codes are the sandbox's deterministic
national-register codes (`population.street_code`, `population.streets_of`).
Modelled statuses: a street code the postal code's municipality does not have
is NO_RESULT MSG00008 with the information ``streetCode``; only living,
current, national-register persons count (BIS persons have no residence in
the register), and only those the calling organisation has integrated today
come back (the KSZ filters: no SSIN travels, so the engine cannot refuse the
call with MSG00012); nobody left is NO_DATA_FOUND MSG00100.
"""

from __future__ import annotations

import functools
from collections import defaultdict

from ksz_client import _xml
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.sandbox.population import Population, streets_of
from ksz_client.services.nrp import _wire
from ksz_client.services.person import _wire as _person_wire
from ksz_client.services.person.models import Register

__all__ = ["residents", "search_persons_by_address"]


@functools.lru_cache(maxsize=4)
def _by_street(population: Population) -> dict[tuple[str, str], list[int]]:
    """Indexes of the persons living in each (postal code, street), built once per population."""
    found: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index in range(population.size):
        if (population.register_of(index) is not Register.NR or population.is_deceased(index)
                or population.replaced_by(index) is not None):
            continue
        address = population.household(index).address
        if address.postal_code and address.street:
            found[(address.postal_code, address.street)].append(index)
    return dict(found)


def residents(population: Population, postal_code: str, street: str,
              house_number: str | None = None, box: str | None = None) -> list[int]:
    """Indexes of the persons living at the address (house number and box when given)."""
    out = []
    for index in _by_street(population).get((postal_code, street), ()):
        address = population.household(index).address
        if house_number is not None and address.house_number != house_number:
            continue
        if box is not None and address.box != box:
            continue
        out.append(index)
    return out


@handles("NRPPersonService", "searchPersonsByAddress")
def search_persons_by_address(ctx: HandlerContext, request: _xml.Element) -> Answer:
    criteria = _wire.read_criteria(request)
    street = streets_of(criteria.postal_code).get(criteria.street_code)
    if street is None:
        return Answer(status("NO_RESULT", "MSG00008", streetCode=criteria.street_code))
    population = ctx.population
    persons = [
        population.person(index)
        for index in residents(population, criteria.postal_code, street,
                               criteria.house_number, criteria.box)
        if ctx.state is not None and ctx.state.is_integrated(
            ctx.organisation, str(population.ssin_of(index)), ctx.today)
    ]
    if not persons:
        return Answer(status("NO_DATA_FOUND", "MSG00100"))

    def fill(result: _xml.Element) -> None:
        for person in persons:
            _person_wire.write_person(result, person)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)
