"""Sandbox handler of HolidayAttestationService V1: holiday pay from the facts.

The facts give, per holiday year, the holiday pay of blue-collar work
computed on the wages of the year before. The sandbox splits it over the
employers of that reference year in proportion to the blue-collar wages each
declared in the DmfA (the last employer takes the rounding remainder, so the
attestations add up to the facts exactly). Modelled statuses: NO_DATA_FOUND
MSG00100 without holiday pay from the RJV in the years asked (MSG00009 for
a deceased person), MSG00005 unknown SSIN, MSG00006 replaced (``newSSIN``).
"""

from __future__ import annotations

from ksz_client import _xml
from ksz_client.sandbox.facts import DmfaQuarter, Employer, HolidayPay
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.services.holiday_attestation import _wire
from ksz_client.services.holiday_attestation.models import HolidayAttestation
from ksz_client.types import EmployerRef, Money

__all__ = ["consult_holiday_attestations", "split_by_employer"]

_BLUE_COLLAR = 15


def split_by_employer(pay: HolidayPay, dmfa: tuple[DmfaQuarter, ...]) -> list[HolidayAttestation]:
    """The attestations of one holiday year, one per employer of the reference year."""
    reference = pay.year - 1
    wages: dict[str, tuple[Employer, int]] = {}
    for q in dmfa:
        if q.worker_code == _BLUE_COLLAR and q.year == reference:
            known, total = wages.get(q.employer.noss_number, (q.employer, 0))
            wages[q.employer.noss_number] = (known, total + q.gross_wage_cents)
    shares: list[tuple[EmployerRef | None, int]] = [
        (EmployerRef(e.name, e.cbe_number, e.noss_number), w) for e, w in wages.values()
    ] or [(None, 1)]
    whole = sum(w for _e, w in shares)
    out: list[HolidayAttestation] = []
    given = [0, 0, 0]
    for position, (employer, weight) in enumerate(shares):
        last = position == len(shares) - 1
        parts = [pay.days, pay.single_cents, pay.double_cents]
        amounts = [part - done if last else part * weight // whole
                   for part, done in zip(parts, given, strict=True)]
        given = [g + a for g, a in zip(given, amounts, strict=True)]
        out.append(HolidayAttestation(
            holiday_year=pay.year,
            reference_year=reference,
            days=amounts[0],
            single_pay=Money.from_cents(amounts[1]),
            double_pay=Money.from_cents(amounts[2]),
            employer=employer,
        ))
    return out


@handles("HolidayAttestationService", "consultHolidayAttestations")
def consult_holiday_attestations(ctx: HandlerContext, request: _xml.Element) -> Answer:
    number, years = _wire.read_criteria(request)
    population = ctx.population
    index = population.index_of(number)
    if index is None:
        return Answer(status("NO_RESULT", "MSG00005"))
    replaced_by = population.replaced_by(index)
    if replaced_by is not None:
        return Answer(status("NO_RESULT", "MSG00006", newSSIN=str(population.ssin_of(replaced_by))))
    facts = population.facts(index)
    attestations = [a for pay in facts.holiday_pay if pay.year in years
                    for a in split_by_employer(pay, facts.dmfa)]
    if not attestations:
        return Answer(status("NO_DATA_FOUND",
                             "MSG00009" if population.is_deceased(index) else "MSG00100"))

    def fill(result: _xml.Element) -> None:
        for attestation in attestations:
            _wire.write_attestation(result, attestation)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)
