"""Sandbox handler of ElectronicSocialReport V1: one OCMW sends another a social report.

MODELLED. Every report received is a ``social-report`` record (keyed by its
report id, ``ESR-`` and a sequence number, with the sender and recipient).
Statuses: DATA_FOUND with the registration; NO_RESULT MSG00008 for a report
the sandbox cannot read or one addressed to the sender itself, MSG00005
unknown SSIN, MSG00006 replaced (``newSSIN``).
"""

from __future__ import annotations

from typing import Final

from ksz_client import _xml
from ksz_client._exceptions import ValidationError
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.services.social_report import _wire

__all__ = ["KIND", "send_social_report"]

KIND: Final = "social-report"


@handles("ElectronicSocialReport", "sendSocialReport")
def send_social_report(ctx: HandlerContext, request: _xml.Element) -> Answer:
    """Register a social report for its recipient."""
    try:
        report = _wire.read_report(request)
    except ValidationError:
        return Answer(status("NO_RESULT", "MSG00008"))
    population = ctx.population
    index = population.index_of(report.ssin)
    if index is None:
        return Answer(status("NO_RESULT", "MSG00005"))
    replaced_by = population.replaced_by(index)
    if replaced_by is not None:
        return Answer(status("NO_RESULT", "MSG00006",
                             newSSIN=str(population.ssin_of(replaced_by))))
    if report.recipient == ctx.organisation:
        return Answer(status("NO_RESULT", "MSG00008"))
    state = ctx.state
    assert state is not None
    report_id = f"ESR-{state.next_sequence(KIND):08d}"
    state.add_record(KIND, {
        "recipient": report.recipient, "file": report.file.file_number,
        "gpmi": report.gpmi is not None,
    }, ticket=ctx.ticket, at=ctx.now, ssin=str(report.ssin), organisation=ctx.organisation,
        key=report_id)

    def fill(result: _xml.Element) -> None:
        _wire.write_registration(result, report_id, ctx.today)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)
