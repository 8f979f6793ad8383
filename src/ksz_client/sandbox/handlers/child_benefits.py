"""Sandbox handler of ChildBenefits V1 (``consultFilesBySsin``).

A file exists for every `ChildBenefitFile` fact of a person: it lies with the
fact's authentic source (the region where the household lives) and is
numbered after its holder. When the holder is the head of household or the
partner (relationship 01 or 02), the family composition is the holder (the
fact's role, ATTRIBUTED), the other partner (ALLOCATED) and the household's
children (BENEFICIARY_CHILD), and asking about any of them answers that file
with their role; otherwise the holder alone.
Files are returned when their months overlap the period asked and their
source is the one asked; none: NO_DATA_FOUND MSG00100. Unknown SSIN
MSG00005; replaced MSG00006.
"""

from __future__ import annotations

from typing import Final

from ksz_client import _xml
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.services.child_benefits import _wire
from ksz_client.services.child_benefits.models import (
    AuthenticSource,
    BenefitRole,
    ChildBenefitFile,
    FileMember,
)
from ksz_client.types import Month

_FUNDS: Final = {
    AuthenticSource.FLANDERS: "Groeipakket Sandbox",
    AuthenticSource.WALLONIA: "Caisse d'allocations familiales Sandbox",
    AuthenticSource.BRUSSELS: "Caisse bruxelloise Sandbox / Brusselse Kas Sandbox",
    AuthenticSource.EASTBELGIUM: "Familienleistungen Ostbelgien Sandbox",
    AuthenticSource.FEDERAL: "FAMIFED Sandbox",
}
_PARENTS: Final = ("01", "02")


@handles("ChildBenefits", "consultFilesBySsin")
def files_by_ssin(ctx: HandlerContext, request: _xml.Element) -> Answer:
    criteria = _wire.read_criteria(request)
    population = ctx.population
    index = population.index_of(criteria.ssin)
    if index is None:
        return Answer(status("NO_RESULT", "MSG00005"))
    replaced_by = population.replaced_by(index)
    if replaced_by is not None:
        return Answer(status("NO_RESULT", "MSG00006", newSSIN=str(population.ssin_of(replaced_by))))
    household = population.household(index)
    me = household.member(index)
    found: list[ChildBenefitFile] = []
    for holder in (me, *(m for m in household.members
                         if m.relationship in _PARENTS and m.index != index)):
        if holder.index == index:
            role = None  # the fact's own role
        elif me.relationship in _PARENTS:
            role = BenefitRole.ALLOCATED
        elif me.relationship == "03":
            role = BenefitRole.BENEFICIARY_CHILD
        else:
            continue
        # The household is the file's family only for a parent of the household.
        family = [m for m in household.members if m.index != holder.index
                  and m.relationship in (*_PARENTS, "03")] \
            if holder.relationship in _PARENTS else []
        for k, fact in enumerate(population.facts(holder.index).child_benefits):
            source = AuthenticSource(fact.authentic_source)
            start = Month.parse(fact.period.start)
            end = Month.parse(fact.period.end) if fact.period.end is not None else None
            if (source is not criteria.source or start > criteria.end_month
                    or (end is not None and end < criteria.begin_month)):
                continue
            members = [FileMember(holder.ssin, BenefitRole(fact.role), start)]
            members += [
                FileMember(m.ssin, BenefitRole.ALLOCATED if m.relationship in _PARENTS
                           else BenefitRole.BENEFICIARY_CHILD, max(start, Month.parse(m.since)))
                for m in family
            ]
            found.append(ChildBenefitFile(
                source=source,
                file_number=f"CB{holder.index:08d}{k}",
                role=role or BenefitRole(fact.role),
                start_month=start,
                end_month=end,
                payment_fund=_FUNDS[source],
                members=tuple(members),
            ))
    if not found:
        return Answer(status("NO_DATA_FOUND", "MSG00100"))

    def fill(result: _xml.Element) -> None:
        for file in found:
            _wire.write_file(result, file)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)
