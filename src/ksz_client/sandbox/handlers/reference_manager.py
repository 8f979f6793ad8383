"""Sandbox handler of ReferenceManager.consult (SSDN 20050525): integrations in other sectors.

The other sectors' repertories are derived from the person's facts
(`ksz_client.sandbox.facts`): an insurability period is an integration in the
health-insurance sector, an unemployment period one in the unemployment
sector, and so on (`SECTORS`). The sector numbers and quality codes are the
sandbox's own (the KSZ's network sector table is not public); the
descriptions come in Dutch and French when asked for.

Checks, in order: the payload against ``wsdl/ssdn/ReferenceManager.xsd``
(30000001), the SSIN (MSG00011 / MSG00005 / MSG00006 with ``newSSIN``), the
requester's quality code (MSG00008 unless a sector 17 one) and its own
integration: one of the caller's integrations for that quality code must
cover the whole ``IntegratedPeriod`` (MSG00012 otherwise). The engine has
already refused (MSG00012) a caller that has not integrated the person today.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from ksz_client import _xml, catalogue
from ksz_client.sandbox.facts import Facts
from ksz_client.sandbox.handlers import HandlerContext, SsdnAnswer, handles_ssdn, ssdn_error
from ksz_client.sandbox.handlers._legacy_ssdn import Refused, check_contract, person_index
from ksz_client.services.reference_manager import _wire
from ksz_client.services.reference_manager.models import Descriptions, SectorIntegration
from ksz_client.types import Period

__all__ = ["SECTORS", "reference_manager"]

_SERVICE: Final = catalogue.get("ReferenceManager")

SECTORS: Final = {
    # (sector, quality code): (sector nl, sector fr, quality nl, quality fr)
    (2, 1): ("Werknemers (RSZ)", "Travailleurs salariés (ONSS)", "werknemer", "travailleur"),
    (3, 1): ("Werkloosheid", "Chômage", "uitkeringsgerechtigde werkloze",
             "chômeur indemnisé"),
    (4, 1): ("Gezinsbijslag", "Prestations familiales", "bijslagtrekkende", "allocataire"),
    (5, 1): ("Pensioenen", "Pensions", "gepensioneerde", "pensionné"),
    (6, 1): ("Ziekte- en invaliditeitsverzekering", "Assurance maladie-invalidité",
             "gerechtigde", "titulaire"),
    (6, 2): ("Ziekte- en invaliditeitsverzekering", "Assurance maladie-invalidité",
             "arbeidsongeschikte", "en incapacité de travail"),
    (13, 1): ("Zelfstandigen", "Travailleurs indépendants", "zelfstandige", "indépendant"),
    (25, 1): ("Openbare diensten voor arbeidsbemiddeling", "Services publics de l'emploi",
              "werkzoekende", "demandeur d'emploi"),
}
"""The sandbox's other sectors: (sector, quality code) -> Dutch and French names."""


def _from_facts(facts: Facts) -> Iterable[tuple[int, int, Period]]:
    for employment in facts.employments:
        yield 2, 1, employment.period
    for unemployment in facts.unemployment:
        yield 3, 1, unemployment.period
    for benefit in facts.child_benefits:
        yield 4, 1, benefit.period
    for pension in facts.pensions:
        yield 5, 1, pension.period
    for insurability in facts.insurability:
        yield 6, 1, insurability.period
    for incapacity in facts.incapacity:
        yield 6, 2, incapacity.period
    for career in facts.self_employment:
        yield 13, 1, career.period
    for registration in facts.job_seeker:
        yield 25, 1, registration.period


def _overlaps(a: Period, b: Period) -> bool:
    return (a.end is None or b.start <= a.end) and (b.end is None or a.start <= b.end)


def _covers(outer: Period, inner: Period) -> bool:
    return outer.start <= inner.start and (
        outer.end is None or (inner.end is not None and inner.end <= outer.end))


@handles_ssdn("ReferenceManager")
def reference_manager(ctx: HandlerContext, request: _xml.Element) -> SsdnAnswer:
    """ConsultOtherSectorsCriteria -> ConsultOtherSectorsResult."""
    try:
        return _consult(ctx, request)
    except Refused as refused:
        return refused.answer


def _consult(ctx: HandlerContext, request: _xml.Element) -> SsdnAnswer:
    check_contract(_SERVICE, request, "consult")
    criteria = _wire.read_criteria(request)
    index = person_index(ctx, criteria.ssin, "consult")
    if criteria.quality_code not in catalogue.QUALITY_CODES:
        return ssdn_error("MSG00008", "QualityCodeRequestor is not a sector 17 quality code",
                          operation="consult")
    state = ctx.state
    assert state is not None  # the engine always passes its state
    own = state.integrations(ssin=criteria.ssin, organisation=ctx.organisation,
                             quality_code=criteria.quality_code)
    if not any(_covers(i.period, criteria.integrated_period) for i in own):
        return ssdn_error("MSG00012", "SSIN not integrated for that quality code over the "
                                      "integrated period", operation="consult")
    rows = []
    for sector, quality, period in _from_facts(ctx.population.facts(index)):
        if not _overlaps(period, criteria.requested_period):
            continue
        names = SECTORS[(sector, quality)]
        rows.append(SectorIntegration(
            sector=sector, quality_code=quality, period=period,
            sector_description=Descriptions(names[0], names[1])
            if criteria.descriptions else None,
            quality_description=Descriptions(names[2], names[3])
            if criteria.descriptions else None,
        ))
    rows.sort(key=lambda r: (r.sector, r.quality_code, r.period.start))
    return SsdnAnswer(payload=_wire.write_result(criteria.ssin, rows), operation="consult")
