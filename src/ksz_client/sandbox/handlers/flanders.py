"""Sandbox handlers of the Flemish services: LED certificates and the inburgering trajectory.

The facts are derived here, deterministically from the population's seed and
the person's index (a stream of their own, so no other service's facts move):

- LED (``consultQualificationCertificates``): only persons living in Flanders
  (Flemish postal codes 1500-3999 and 8000-9999) have certificates. Of the
  adults, seven in ten hold the secondary-school diploma (issued on 30 June
  of the year they turn 18, level 4); some of those a bachelor (level 6,
  three years later) and some a professional qualification (level 3); a
  foreign national may hold a recognised foreign diploma (EQUIVALENCE, level 5).
- Inburgering (``consultInburgeringTrajectory``): adult foreign nationals
  living in Flanders have one trajectory, obliged or not, ONGOING,
  COMPLETED (with the certificate's date), STOPPED or EXEMPTED.

None: NO_DATA_FOUND MSG00100. Unknown SSIN MSG00005; replaced MSG00006 (``newSSIN``).
"""

from __future__ import annotations

import datetime as _dt
import random
from typing import Final

from ksz_client import _xml
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.sandbox.population import Population
from ksz_client.services.flanders import _wire
from ksz_client.services.flanders.models import (
    Certificate,
    CertificateKind,
    Trajectory,
    TrajectoryStatus,
)

__all__ = ["certificates_of", "consult_certificates", "consult_trajectory", "lives_in_flanders",
           "trajectories_of"]

_BELGIAN: Final = "150"
# The day the sandbox's Flemish facts are seen from: fixed, so they never move with the clock.
_TODAY: Final = _dt.date(2026, 1, 1)
_OFFICES: Final = ("Antwerpen", "Gent", "Brugge", "Leuven", "Hasselt", "Mechelen")


def lives_in_flanders(population: Population, index: int) -> bool:
    """Whether the person's household lives in a Flemish municipality (by postal code)."""
    postal = population.household(index).address.postal_code or ""
    if not postal.isdigit():
        return False
    code = int(postal)
    return 1500 <= code <= 3999 or 8000 <= code <= 9999


def _rng(population: Population, index: int, stream: str) -> random.Random:
    return random.Random(f"{population.seed}:{index}:{stream}")  # noqa: S311 - synthetic data


def _adult_since(population: Population, index: int) -> _dt.date | None:
    birth = population.birth_date(index)
    try:
        adult = birth.replace(year=birth.year + 18)
    except ValueError:  # 29 February
        adult = _dt.date(birth.year + 18, 3, 1)
    return adult if adult <= _TODAY else None


def _foreign(population: Population, index: int) -> bool:
    person = population.person(index)
    return bool(person.nationalities) and person.nationalities[0].code != _BELGIAN


def certificates_of(population: Population, index: int) -> tuple[Certificate, ...]:
    """The LED certificates of a sandbox person (see the module docstring)."""
    adult = _adult_since(population, index)
    if adult is None or not lives_in_flanders(population, index):
        return ()
    rng = _rng(population, index, "led")
    out: list[Certificate] = []
    if rng.random() < 0.7:
        out.append(Certificate(f"LED{index:07d}S", CertificateKind.DIPLOMA,
                               "Diploma secundair onderwijs", _dt.date(adult.year, 6, 30),
                               4, "Sint-Jozefscollege Sandbox"))
        if rng.random() < 0.4 and adult.year + 3 < _TODAY.year:
            out.append(Certificate(f"LED{index:07d}B", CertificateKind.DIPLOMA,
                                   "Bachelor in de sociaal werk", _dt.date(adult.year + 3, 6, 30),
                                   6, "Hogeschool Sandbox"))
        if rng.random() < 0.2 and adult.year + 5 < _TODAY.year:
            out.append(Certificate(f"LED{index:07d}Q", CertificateKind.PROFESSIONAL_QUALIFICATION,
                                   "Beroepskwalificatie logistiek assistent",
                                   _dt.date(adult.year + 5, 11, 15), 3, "VDAB Sandbox"))
    if _foreign(population, index) and rng.random() < 0.4:
        out.append(Certificate(f"LED{index:07d}E", CertificateKind.EQUIVALENCE,
                               "Gelijkwaardigheid buitenlands diploma",
                               _dt.date(max(adult.year, 2010) + 1, 3, 1), 5,
                               "NARIC-Vlaanderen Sandbox"))
    return tuple(out)


def trajectories_of(population: Population, index: int) -> tuple[Trajectory, ...]:
    """The inburgering trajectories of a sandbox person (see the module docstring)."""
    adult = _adult_since(population, index)
    if adult is None or not _foreign(population, index) \
            or not lives_in_flanders(population, index):
        return ()
    rng = _rng(population, index, "inburgering")
    start = max(adult, _dt.date(2015, 1, 1)) + _dt.timedelta(days=rng.randrange(0, 300))
    trajectory_status = rng.choice(tuple(TrajectoryStatus))
    obliged = rng.random() < 0.7 or trajectory_status is TrajectoryStatus.EXEMPTED
    end = None if trajectory_status is TrajectoryStatus.ONGOING \
        else start + _dt.timedelta(days=rng.randrange(180, 540))
    return (Trajectory(
        obliged=obliged,
        status=trajectory_status,
        start=start,
        end=end,
        certificate_date=end if trajectory_status is TrajectoryStatus.COMPLETED else None,
        office=f"Agentschap Integratie en Inburgering {rng.choice(_OFFICES)}",
    ),)


def _known(ctx: HandlerContext, number: str) -> tuple[int | None, Answer | None]:
    population = ctx.population
    index = population.index_of(number)
    if index is None:
        return None, Answer(status("NO_RESULT", "MSG00005"))
    replaced_by = population.replaced_by(index)
    if replaced_by is not None:
        return None, Answer(status("NO_RESULT", "MSG00006",
                                   newSSIN=str(population.ssin_of(replaced_by))))
    return index, None


@handles("QualificationCertificateService", "consultQualificationCertificates")
def consult_certificates(ctx: HandlerContext, request: _xml.Element) -> Answer:
    index, refused = _known(ctx, _wire.read_criteria(request))
    if index is None:
        assert refused is not None
        return refused
    found = certificates_of(ctx.population, index)
    if not found:
        return Answer(status("NO_DATA_FOUND", "MSG00100"))

    def fill(result: _xml.Element) -> None:
        for certificate in found:
            _wire.write_certificate(result, certificate)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)


@handles("InburgeringService", "consultInburgeringTrajectory")
def consult_trajectory(ctx: HandlerContext, request: _xml.Element) -> Answer:
    index, refused = _known(ctx, _wire.read_criteria(request))
    if index is None:
        assert refused is not None
        return refused
    found = trajectories_of(ctx.population, index)
    if not found:
        return Answer(status("NO_DATA_FOUND", "MSG00100"))

    def fill(result: _xml.Element) -> None:
        for trajectory in found:
            _wire.write_trajectory(result, trajectory)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)
