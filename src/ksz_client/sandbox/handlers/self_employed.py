"""Sandbox handlers of SelfEmployed V2 (official contract in set-b), from the person's facts.

Career: one affiliation with a social insurance fund and one career segment
per self-employed period (`facts.SelfEmployment`); a period given in the
criteria keeps the segments that overlap it. Contributions: one entry per
quarter of the asked range in which the person was self-employed; the
situation code says whether the quarter was paid. The RSVZ code lists are
not public: the sandbox uses these codes, with descriptions in NL and FR:

* quality 101 main occupation, 102 secondary occupation;
* contribution category 110 normal contributions;
* contribution situation ``01`` paid, ``02`` not paid, ``03`` paid late,
  ``04`` not yet due (the current quarter); ZIV code 1 entitled, 0 not.

A replaced SSIN is answered for the current one (the answer's ``ssin``
names it, with ``replaces``); an SSIN the sandbox does not know is
NO_RESULT MSG00005.
"""

from __future__ import annotations

import datetime as _dt
import zlib
from typing import Final

from ksz_client import _xml
from ksz_client._exceptions import ValidationError
from ksz_client.sandbox.facts import SelfEmployment
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.sandbox.organisations import kbo_number
from ksz_client.services.self_employed import _wire
from ksz_client.services.self_employed.models import (
    Affiliation,
    Career,
    CareerSegment,
    Coded,
    Description,
    QuarterContribution,
    SocialInsuranceFund,
)
from ksz_client.types import AnsweredSsin, Period, Quarter

SERVICE: Final = "SelfEmployed"

_FUNDS: Final = ("301", "305", "306", "307", "308", "312", "315")
_OCCUPATIONS: Final = {
    "retail": ("471100", "Kleinhandel", "Commerce de détail"),
    "construction": ("412000", "Bouw", "Construction"),
    "hairdressing": ("960210", "Kapper", "Coiffure"),
    "consulting": ("702200", "Advies", "Conseil"),
    "transport": ("494100", "Goederenvervoer", "Transport de marchandises"),
    "catering": ("561000", "Horeca", "Horeca"),
}
_MAIN = Coded("101", (Description("NL", "Hoofdberoep"), Description("FR", "Activité principale")))
_NORMAL = Coded("110", (Description("NL", "Normale bijdragen"),
                        Description("FR", "Cotisations normales")))
_SITUATIONS: Final = {
    "01": ("Betaald", "Payées"),
    "02": ("Niet betaald", "Non payées"),
    "03": ("Laattijdig betaald", "Payées tardivement"),
    "04": ("Nog niet vervallen", "Pas encore échues"),
}


def _coded(code: str, nl: str, fr: str) -> Coded:
    return Coded(code, (Description("NL", nl), Description("FR", fr)))



def _person(ctx: HandlerContext, ssin: str) -> tuple[int, AnsweredSsin] | Answer:
    index = ctx.population.index_of(ssin)
    if index is None:
        return Answer(status("NO_RESULT", "MSG00005"))
    new = ctx.population.replaced_by(index)
    if new is None:
        return index, AnsweredSsin(ctx.population.ssin_of(index))
    # The RSVZ files under the current SSIN; the KSZ answers for it and says which it replaces.
    return new, AnsweredSsin(ctx.population.ssin_of(new), replaces=ctx.population.ssin_of(index))


def _fund(index: int) -> SocialInsuranceFund:
    code = _FUNDS[index % len(_FUNDS)]
    return SocialInsuranceFund(code, kbo_number(3_000_000 + int(code)))


def career_of(index: int, periods: tuple[SelfEmployment, ...]) -> Career:
    """The career the sandbox answers for person `index` with these self-employed periods."""
    first = min(p.period.start for p in periods)
    nace, nl, fr = _OCCUPATIONS.get(periods[-1].activity, ("000000", "Andere", "Autre"))
    return Career(
        nisse_reference=f"NISSE{index:010d}",
        enterprise_number=kbo_number(10_000_000 + index),
        occupation=_coded(nace, nl, fr),
        affiliations=(Affiliation(
            fund=_fund(index),
            signature_date=first - _dt.timedelta(days=14),
            segments=tuple(CareerSegment(p.period, _MAIN, _NORMAL) for p in periods),
        ),),
    )


def _overlaps(period: Period, wanted: Period) -> bool:
    return (period.end is None or period.end >= wanted.start) and (
        wanted.end is None or period.start <= wanted.end)


@handles(SERVICE, "consultCareer")
def consult_career(ctx: HandlerContext, request: _xml.Element) -> Answer:
    ssin, wanted = _wire.read_career_criteria(request)
    found = _person(ctx, ssin)
    if isinstance(found, Answer):
        return found
    index, answered = found
    periods = tuple(p for p in ctx.population.facts(index).self_employment
                    if wanted is None or _overlaps(p.period, wanted))
    if not periods:
        return Answer(status("NO_DATA_FOUND", "MSG00100"),
                      lambda root: _wire.write_answered_ssin(root, answered),
                      wrapper=None)
    career = career_of(index, periods)

    def write(root: _xml.Element) -> None:
        _wire.write_answered_ssin(root, answered)
        _wire.write_career(root, career)

    return Answer(status("DATA_FOUND", "MSG00000"), write, wrapper=None)


def contributions_of(index: int, periods: tuple[SelfEmployment, ...], first: Quarter,
                     last: Quarter, today: _dt.date) -> tuple[QuarterContribution, ...]:
    """The quarters from `first` to `last` in which person `index` was self-employed."""
    current = Quarter.of(today)
    fund = _fund(index)
    out: list[QuarterContribution] = []
    quarter = first
    while quarter <= min(last, current) and len(out) < 40:
        running = next((p for p in periods
                        if _overlaps(p.period, Period(quarter.start, quarter.end))), None)
        if running is not None:
            if quarter == current:
                code = "04"
            elif running.contributions_paid_regularly:
                code = "01"
            else:
                # Irregular payers miss or delay some quarters, the same ones in every run.
                code = ("01", "02", "03")[zlib.crc32(f"{index}:{quarter}".encode()) % 3]
            nl, fr = _SITUATIONS[code]
            entitled = code in ("01", "03", "04")
            out.append(QuarterContribution(
                quarter=quarter, fund=fund, situation=_coded(code, nl, fr),
                ziv=_coded("1", "Recht op ZIV", "Droit AMI") if entitled
                else _coded("0", "Geen recht op ZIV", "Pas de droit AMI"),
            ))
        quarter = quarter.next()
    return tuple(out)


@handles(SERVICE, "consultContributions")
def consult_contributions(ctx: HandlerContext, request: _xml.Element) -> Answer:
    ssin, first, last = _wire.read_contributions_criteria(request)
    if last is not None and (last < first or first.quarters_until(last) >= 40):
        raise ValidationError("the quarter range is reversed or longer than 40 quarters")
    found = _person(ctx, ssin)
    if isinstance(found, Answer):
        return found
    index, answered = found
    current = Quarter.of(ctx.today)
    contributions = contributions_of(index, ctx.population.facts(index).self_employment,
                                     first, last or current, ctx.today)

    def write(root: _xml.Element) -> None:
        _wire.write_answered_ssin(root, answered)
        _wire.write_contributions(root, contributions)

    value, code = ("DATA_FOUND", "MSG00000") if contributions else ("NO_DATA_FOUND", "MSG00100")
    return Answer(status(value, code), write, wrapper=None)
