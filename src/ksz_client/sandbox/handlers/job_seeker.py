"""Sandbox handler of JobSeeker V1 (official contract in set-b), from the person's facts.

Every public employment service asked (all four by default) answers: the
service a person is registered with (`facts.JobSeekerRegistration`) gives
the contact details (the person's residential address, a phone number and
an address at example.be) and one inscription per registration that
overlaps the asked period, plus an inscription "registration ended" the day
after a registration ended; the others answer NO_DATA_FOUND. The service
category codes are the sandbox's own (the real lists are the services'):
``<PES>001`` unemployed job seeker, ``<PES>002`` job seeker with integration
income, ``<PES>099`` registration ended; NEO codes ``010`` and ``020``.

A replaced SSIN is answered for the current one (``ssin`` with
``replaces``); an SSIN the sandbox does not know is NO_RESULT MSG00005.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import replace
from typing import Final

from ksz_client import _xml
from ksz_client.sandbox.facts import JobSeekerRegistration
from ksz_client.sandbox.handlers import Answer, HandlerContext, describe, handles, status
from ksz_client.sandbox.population import Population
from ksz_client.services.job_seeker import _wire
from ksz_client.services.job_seeker.models import (
    Category,
    Contact,
    Description,
    Inscription,
    Phone,
    PublicEmploymentService,
    ServiceResult,
    SourceStatus,
    SourceStatusValue,
)
from ksz_client.types import AddressKind, AnsweredSsin, Period

SERVICE: Final = "JobSeeker"

_CATEGORIES: Final = {
    "UNEMPLOYED": ("001", "Niet-werkende werkzoekende", "Demandeur d'emploi inoccupé"),
    "INTEGRATION_INCOME": ("002", "Werkzoekende met leefloon",
                           "Demandeur d'emploi avec revenu d'intégration"),
    "ENDED": ("099", "Inschrijving beëindigd", "Inscription terminée"),
}
_NEO: Final = {"UNEMPLOYED": "010", "INTEGRATION_INCOME": "020"}



def _category(service: PublicEmploymentService, kind: str) -> Category:
    code, nl, fr = _CATEGORIES[kind]
    return Category(f"{service.value}{code}", (Description("NL", nl), Description("FR", fr)))


def _overlaps(period: Period, wanted: Period | None) -> bool:
    if wanted is None:
        return True
    return (period.end is None or period.end >= wanted.start) and (
        wanted.end is None or period.start <= wanted.end)


def _moment(day: _dt.date) -> _dt.datetime:
    return _dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=_dt.UTC)


def inscriptions_of(registrations: tuple[JobSeekerRegistration, ...],
                    service: PublicEmploymentService, wanted: Period | None,
                    today: _dt.date) -> tuple[Inscription, ...]:
    """The inscriptions one service answers for these registrations."""
    out: list[Inscription] = []
    for registration in registrations:
        if registration.service != service.value or not _overlaps(registration.period, wanted):
            continue
        neo = _NEO.get(registration.category)
        out.append(Inscription(
            at=_moment(registration.period.start),
            categories=(_category(service, registration.category
                                  if registration.category in _CATEGORIES else "UNEMPLOYED"),),
            neo_categories=(Category(neo),) if neo else (),
            eurostat_date=registration.period.start,
        ))
        end = registration.period.end
        if end is not None and end < today:
            out.append(Inscription(at=_moment(end + _dt.timedelta(days=1)),
                                   categories=(_category(service, "ENDED"),)))
    return tuple(out)


def contact_of(population: Population, index: int) -> Contact | None:
    """The contact details the services keep for person `index` (None without an address)."""
    person = population.person(index)
    address = person.residential_address
    if address is None:
        return None
    given = person.name.given_names[0] if person.name.given_names else "contact"
    local = "".join(ch for ch in given.lower() if ch.isascii() and ch.isalpha()) or "contact"
    return Contact(
        address=replace(address, kind=AddressKind.CONTACT, country_code="150", since=None),
        phones=(Phone(f"04{index % 10**8:08d}", fixed=False),),
        email=f"{local}.{index}@example.be",
    )


@handles(SERVICE, "consultContactAndInscription")
def consult_contact_and_inscription(ctx: HandlerContext, request: _xml.Element) -> Answer:
    ssin, wanted, asked = _wire.read_criteria(request)
    index = ctx.population.index_of(ssin)
    if index is None:
        return Answer(status("NO_RESULT", "MSG00005"))
    answered = AnsweredSsin(ctx.population.ssin_of(index))
    new = ctx.population.replaced_by(index)
    if new is not None:
        answered = AnsweredSsin(ctx.population.ssin_of(new), replaces=answered.ssin)
        index = new
    registrations = ctx.population.facts(index).job_seeker
    contact = contact_of(ctx.population, index)
    results = []
    for service in asked or tuple(PublicEmploymentService):
        inscriptions = inscriptions_of(registrations, service, wanted, ctx.today)
        if inscriptions:
            results.append(ServiceResult(
                service, SourceStatus(SourceStatusValue.DATA_FOUND, "MSG00000",
                                      describe("MSG00000")),
                contact, inscriptions))
        else:
            results.append(ServiceResult(
                service, SourceStatus(SourceStatusValue.NO_DATA_FOUND, "MSG00100",
                                      describe("MSG00100"))))
    found = any(r.status.value is SourceStatusValue.DATA_FOUND for r in results)

    def write(root: _xml.Element) -> None:
        _wire.write_answered_ssin(root, answered)
        _wire.write_services(root, tuple(results))

    value, code = ("DATA_FOUND", "MSG00000") if found else ("NO_DATA_FOUND", "MSG00100")
    return Answer(status(value, code), write, wrapper=None)

