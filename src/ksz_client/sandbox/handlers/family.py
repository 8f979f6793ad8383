"""Sandbox handler of FamilyComposition, and the residential history it shares with TI groups.

A person's compositions over time: first a household of one at each earlier address
of their residential history, then the household of the population (whose members
enter on their own dates: a child born later starts a new composition). BIS persons
(those of the population and those the sandbox registered) have no household in the
national register (NO_DATA_FOUND MSG00100); a deceased person's household is given up
to the death (after it: NO_DATA_FOUND MSG00009).

Mobile persons (every living national-register person whose index ends in 9) moved
every year or two since they came of age: their residential history goes back that
far, which makes their national-register record (RetrieveTIGroups with history) big.
The population's own `address_history` is the recent end of the same history.
"""

from __future__ import annotations

import datetime as _dt
import random
from dataclasses import replace
from functools import lru_cache

from ksz_client import _xml
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.sandbox.handlers.bis import stored_person
from ksz_client.sandbox.population import Population
from ksz_client.services.family import _wire
from ksz_client.services.family.models import FamilyComposition, FamilyMember, Source
from ksz_client.services.person.models import Register
from ksz_client.types import Address, AddressKind, Period

__all__ = ["compositions", "is_mobile", "residential_history"]

_DAY = _dt.timedelta(days=1)


def is_mobile(population: Population, index: int) -> bool:
    """Whether the person moved every year or two since coming of age (a long history)."""
    return (index % 10 == 9 and not population.is_deceased(index)
            and population.replaced_by(index) is None and population.fault_of(index) is None
            and population.register_of(index) is Register.NR)


@lru_cache(maxsize=1024)
def _history(population: Population, index: int) -> tuple[Address, ...]:
    history = list(population.address_history(index))
    if is_mobile(population, index):
        rng = random.Random(f"{population.seed}:{index}:mobile")  # noqa: S311 - synthetic data
        adult = population.birth_date(index) + _dt.timedelta(days=18 * 365)
        moved = history[-1].since or population.birth_date(index)
        template = history[0]
        while True:
            moved -= _dt.timedelta(days=rng.randint(250, 800))
            if moved <= adult:
                break
            municipality, nis, postal = rng.choice(_PLACES)
            history.append(replace(
                template, kind=AddressKind.RESIDENTIAL,
                street=rng.choice(_STREETS), house_number=str(rng.randint(1, 250)),
                box=str(rng.randint(1, 12)) if rng.random() < 0.3 else None,
                postal_code=postal, municipality=municipality, municipality_code=nis,
                since=moved,
            ))
    return tuple(history)


def residential_history(population: Population, index: int) -> tuple[Address, ...]:
    """The person's residential addresses, most recent first (the first is current).

    The population's `address_history`, extended back to adulthood for mobile persons.
    """
    return _history(population, index)


# Extra places and streets for the older addresses of mobile persons.
_PLACES = (
    ("Mechelen", "12025", "2800"), ("Aalst", "41002", "9300"), ("Kortrijk", "34022", "8500"),
    ("Oostende", "35013", "8400"), ("Genk", "71016", "3600"), ("Tournai", "57081", "7500"),
    ("Verviers", "63079", "4800"), ("Arlon", "81001", "6700"), ("Schaerbeek", "21015", "1030"),
    ("Anderlecht", "21001", "1070"), ("Seraing", "62096", "4100"), ("Wavre", "25112", "1300"),
)
_STREETS = ("Grote Markt", "Rue du Marché", "Lindenlaan", "Avenue de la Gare", "Veldstraat",
            "Rue Neuve", "Kapelstraat", "Place Communale", "Schoolstraat", "Rue des Écoles")


def compositions(population: Population, index: int, today: _dt.date
                 ) -> tuple[FamilyComposition, ...]:
    """Every composition of the person's life the registers know, oldest first."""
    household = population.household(index)
    own = household.member(index)
    history = residential_history(population, index)
    person = population.person(index)
    out: list[FamilyComposition] = []
    for k in range(len(history) - 1, 0, -1):
        address = history[k]
        assert address.since is not None
        moved_out = (history[k - 1].since or today) - _DAY
        alone = _member(population, index, "01", address=address, entry=address.since,
                        exit_=moved_out)
        out.append(FamilyComposition(Period(address.since, moved_out), Source.RR, (alone,),
                                     address))
    home = replace(household.address, since=own.since)
    starts = sorted({own.since, *(m.since for m in household.members if m.since > own.since)})
    for i, start in enumerate(starts):
        end = starts[i + 1] - _DAY if i + 1 < len(starts) else None
        members = tuple(
            _member(population, m.index, m.relationship, address=home, entry=m.since, exit_=None)
            for m in household.members if m.since <= start
        )
        out.append(FamilyComposition(Period(start, end), Source.RR, members, home))
    died = person.decease.date.to_date() if person.decease is not None else None
    if died is not None:
        out = [replace(c, period=Period(c.period.start, min(c.period.end or died, died)))
               for c in out if c.period.start <= died]
    return tuple(out)


def _member(population: Population, index: int, relationship: str, *, address: Address,
            entry: _dt.date, exit_: _dt.date | None) -> FamilyMember:
    person = population.person(index)
    return FamilyMember(
        relationship=relationship,
        name=person.name,
        ssin=person.ssin,
        birth_date=person.birth.date if person.birth is not None else None,
        gender=person.gender,
        decease_date=person.decease.date if person.decease is not None else None,
        address=replace(address, kind=AddressKind.RESIDENTIAL),
        entry_date=entry,
        exit_date=exit_,
    )


@handles("FamilyComposition", "consultFamilyComposition")
def consult(ctx: HandlerContext, request: _xml.Element) -> Answer:
    ssin, at, since = _wire.read_criteria(request)
    population = ctx.population
    index = population.index_of(ssin)
    if index is None:
        if stored_person(ctx.state, ssin) is not None:
            # A BIS person the sandbox registered: known, but the BIS register keeps no
            # household.
            return Answer(status("NO_DATA_FOUND", "MSG00100"))
        return Answer(status("NO_RESULT", "MSG00005"))
    replaced_by = population.replaced_by(index)
    if replaced_by is not None:
        return Answer(status("NO_RESULT", "MSG00006",
                             newSSIN=str(population.ssin_of(replaced_by))))
    if population.register_of(index) is Register.BIS:
        # The BIS register keeps no households.
        return Answer(status("NO_DATA_FOUND", "MSG00100"))
    died = population.death_date(index)
    day = at or ctx.today
    if died is not None and since is None and day >= died:
        return Answer(status("NO_DATA_FOUND", "MSG00009"))
    timeline = compositions(population, index, ctx.today)
    if since is not None:
        found = tuple(c for c in timeline if c.period.end is None or c.period.end >= since)
    else:
        found = tuple(c for c in timeline if c.period.contains(day))
    if not found:
        return Answer(status("NO_DATA_FOUND", "MSG00100"))

    def fill(result: _xml.Element) -> None:
        for composition in found:
            _wire.write_composition(result, composition)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)

