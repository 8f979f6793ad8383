"""Sandbox handlers of ManageCarmed V1 (MediPrima): a decision state machine per person.

Decisions are sandbox-state records of kind ``carmed-decision``, one per
version (key ``<carmedNumber>/<version>``), so that every later call sees
them. ``openCarmed`` creates version 1 (ACTIVE) with a new Carmed number;
``modifyCarmed`` adds the complete next version; ``stopCarmed`` adds a
STOPPED version ending on the day given (covers are cut to it). A STOPPED
decision takes no further change. ``evaluateCarmed`` and
``evaluateModifiedCarmed`` answer what open, modify or stop would answer and
store nothing (a simulated new decision has Carmed number ``000000000000``).
``consultCarmed`` lists the last version of the caller's decisions for the
person; ``consultCarmedHistory`` every version of one decision.

Modelled refusals (no public source gives the service's own codes): NO_RESULT
MSG00008 (invalid data) with an information ``reason``: ``MISSING`` (a field
the operation needs), ``RULE`` (1 year at most, 60 days back at most, covers
within the decision, hospitalisation with ambulatory care, a stop within the
decision), ``OVERLAP`` (the person has another decision, of any OCMW, in that
period), ``UNKNOWN_CARMED`` (no such decision of this OCMW for this person)
and ``STOPPED`` (the decision is stopped); MSG00005 / MSG00006 / MSG00011 for
the person. consultCarmed without decisions answers NO_DATA_FOUND MSG00100.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import replace
from typing import Final

from lxml import etree

from ksz_client import _xml
from ksz_client import ssin as _ssin
from ksz_client._exceptions import ValidationError
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.sandbox.state import Record, RecordValue
from ksz_client.services.mediprima import _wire
from ksz_client.services.mediprima.models import (
    Content,
    Decision,
    DecisionState,
    check_decision,
    check_stop,
)
from ksz_client.types import Period

__all__ = ["DECISION_KIND", "SIMULATED_NUMBER", "decisions_of"]

DECISION_KIND: Final = "carmed-decision"
"""Record kind of one version of a MediPrima decision (key ``<carmedNumber>/<version>``)."""
SIMULATED_NUMBER: Final = "000000000000"
"""The Carmed number of a decision that evaluateCarmed only simulates."""

_SERVICE: Final = "ManageCarmed"


class _Refused(Exception):  # noqa: N818 - control flow inside this module only
    def __init__(self, answer: Answer) -> None:
        super().__init__()
        self.answer = answer


def _invalid(reason: str) -> _Refused:
    return _Refused(Answer(status("NO_RESULT", "MSG00008", reason=reason)))


def _content_text(content: Content) -> str:
    holder = etree.Element("holder")
    _wire.write_content(holder, content)
    return etree.tostring(holder[0], encoding="unicode")


def _decision(record: Record) -> Decision:
    data = record.data
    content = _wire.read_content(_xml.parse(str(data["content"]).encode(), what="request"))
    return Decision(
        carmed_number=str(data["number"]),
        version=int(str(data["version"])),
        beneficiary=str(record.ssin),
        period=Period(_dt.date.fromisoformat(str(data["begin"])),
                      _dt.date.fromisoformat(str(data["end"]))),
        pswc=str(record.organisation),
        state=DecisionState(str(data["state"])),
        content=content,
    )


def decisions_of(ctx: HandlerContext, ssin: str) -> dict[str, list[Decision]]:
    """Every version of every decision for a person (any OCMW), by Carmed number."""
    assert ctx.state is not None  # the engine always passes its state
    found: dict[str, list[Decision]] = {}
    for record in ctx.state.records(DECISION_KIND, ssin=ssin):
        decision = _decision(record)
        found.setdefault(decision.carmed_number, []).append(decision)
    for versions in found.values():
        versions.sort(key=lambda d: d.version)
    return found


def _store(ctx: HandlerContext, decision: Decision) -> None:
    assert ctx.state is not None
    data: dict[str, RecordValue] = {
        "number": decision.carmed_number,
        "version": decision.version,
        "begin": decision.period.start.isoformat(),
        "end": decision.period.end.isoformat() if decision.period.end else None,
        "state": decision.state.value,
        "content": _content_text(decision.content),
    }
    ctx.state.add_record(DECISION_KIND, data, ticket=ctx.ticket, at=ctx.now,
                         ssin=decision.beneficiary, organisation=decision.pswc,
                         key=f"{decision.carmed_number}/{decision.version}")


def _person(ctx: HandlerContext, number: str) -> None:
    population = ctx.population
    if not _ssin.is_valid(number, allow_test=True):
        raise _Refused(Answer(status("NO_RESULT", "MSG00011")))
    index = population.index_of(number)
    if index is None:
        raise _Refused(Answer(status("NO_RESULT", "MSG00005")))
    replaced = population.replaced_by(index)
    if replaced is not None:
        raise _Refused(Answer(status("NO_RESULT", "MSG00006",
                                     newSSIN=str(population.ssin_of(replaced)))))


def _checked(check: Callable[[], None]) -> None:
    """Run a rule check; its `ValidationError` becomes the service's RULE refusal."""
    try:
        check()
    except ValidationError:
        raise _invalid("RULE") from None


def _overlap(ctx: HandlerContext, ssin: str, period: Period, besides: str | None) -> None:
    for number, versions in decisions_of(ctx, ssin).items():
        last = versions[-1]
        end = last.period.end
        if number != besides and last.period.start <= (period.end or period.start) and (
                end is None or period.start <= end):
            raise _invalid("OVERLAP")


def _current(ctx: HandlerContext, ssin: str, number: str | None) -> Decision:
    if number is None:
        raise _invalid("MISSING")
    versions = decisions_of(ctx, ssin).get(number)
    if not versions or versions[-1].pswc != ctx.organisation:
        raise _invalid("UNKNOWN_CARMED")
    if versions[-1].state is DecisionState.STOPPED:
        raise _invalid("STOPPED")
    return versions[-1]


def _answer(*decisions: Decision) -> Answer:
    def fill(result: _xml.Element) -> None:
        for decision in decisions:
            _wire.write_decision(result, decision)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)


def _run(ctx: HandlerContext, request: _xml.Element, operation: str) -> Answer:
    try:
        asked = _wire.read_request(request)
        _person(ctx, asked.ssin)
        return _OPERATIONS[operation](ctx, asked)
    except _Refused as refused:
        return refused.answer


def _new(ctx: HandlerContext, asked: _wire.CarmedRequest, *, store: bool) -> Answer:
    if asked.period is None or asked.content is None:
        raise _invalid("MISSING")
    period, content = asked.period, asked.content
    _checked(lambda: check_decision(period, content, ctx.today))
    _overlap(ctx, asked.ssin, period, None)
    number = SIMULATED_NUMBER
    if store:
        assert ctx.state is not None
        number = f"{ctx.today.year}{ctx.state.next_sequence('carmed-number'):08d}"
    decision = Decision(number, 1, asked.ssin, period, ctx.organisation, DecisionState.ACTIVE,
                        content)
    if store:
        _store(ctx, decision)
    return _answer(decision)


def _modified(ctx: HandlerContext, asked: _wire.CarmedRequest) -> Decision:
    current = _current(ctx, asked.ssin, asked.carmed_number)
    if asked.period is None or asked.content is None:
        raise _invalid("MISSING")
    period, content = asked.period, asked.content
    # The 60 days count for a start moved; an unchanged start stays lawful.
    reference = ctx.today if period.start != current.period.start else period.start
    _checked(lambda: check_decision(period, content, reference))
    _overlap(ctx, asked.ssin, period, current.carmed_number)
    return replace(current, version=current.version + 1, period=period, content=content)


def _stopped(ctx: HandlerContext, asked: _wire.CarmedRequest) -> Decision:
    current = _current(ctx, asked.ssin, asked.carmed_number)
    day = asked.end_date
    if day is None:
        raise _invalid("MISSING")
    _checked(lambda: check_stop(current.period, day, ctx.today))
    covers = tuple(
        replace(c, period=Period(c.period.start, min(day, c.period.end or day)))
        for c in current.content.covers if c.period.start <= day
    )
    return replace(current, version=current.version + 1, state=DecisionState.STOPPED,
                   period=Period(current.period.start, day),
                   content=replace(current.content, covers=covers))


def _open(ctx: HandlerContext, asked: _wire.CarmedRequest) -> Answer:
    return _new(ctx, asked, store=True)


def _evaluate(ctx: HandlerContext, asked: _wire.CarmedRequest) -> Answer:
    return _new(ctx, asked, store=False)


def _modify(ctx: HandlerContext, asked: _wire.CarmedRequest) -> Answer:
    decision = _modified(ctx, asked)
    _store(ctx, decision)
    return _answer(decision)


def _stop(ctx: HandlerContext, asked: _wire.CarmedRequest) -> Answer:
    decision = _stopped(ctx, asked)
    _store(ctx, decision)
    return _answer(decision)


def _evaluate_modified(ctx: HandlerContext, asked: _wire.CarmedRequest) -> Answer:
    if asked.end_date is not None:
        return _answer(_stopped(ctx, asked))
    return _answer(_modified(ctx, asked))


def _consult(ctx: HandlerContext, asked: _wire.CarmedRequest) -> Answer:
    found = [versions[-1] for number, versions in decisions_of(ctx, asked.ssin).items()
             if versions[-1].pswc == ctx.organisation
             and asked.carmed_number in (None, number)]
    if not found:
        return Answer(status("NO_DATA_FOUND", "MSG00100"))
    return _answer(*sorted(found, key=lambda d: d.period.start))


def _history(ctx: HandlerContext, asked: _wire.CarmedRequest) -> Answer:
    if asked.carmed_number is None:
        raise _invalid("MISSING")
    versions = decisions_of(ctx, asked.ssin).get(asked.carmed_number)
    if not versions or versions[-1].pswc != ctx.organisation:
        raise _invalid("UNKNOWN_CARMED")
    return _answer(*versions)


_OPERATIONS: Final = {
    "openCarmed": _open,
    "modifyCarmed": _modify,
    "stopCarmed": _stop,
    "consultCarmed": _consult,
    "evaluateCarmed": _evaluate,
    "evaluateModifiedCarmed": _evaluate_modified,
    "consultCarmedHistory": _history,
}


def _register() -> None:
    for name in _OPERATIONS:
        def handler(ctx: HandlerContext, request: _xml.Element, _name: str = name) -> Answer:
            return _run(ctx, request, _name)

        handles(_SERVICE, name)(handler)


_register()
