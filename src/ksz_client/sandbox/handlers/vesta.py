"""Sandbox handler of the modelled VESTA exchanges (Flemish home care; no public contract).

The SDK ships no typed client for VESTA: applications declare the exchanges
with `ksz_client.generic.declare` and call them with ``client.custom(...)``
(examples/vesta.py). The sandbox answers the three modelled exchanges of the
catalogue's VESTA row, keeping home-care episodes in its state:

- ``registerHomeCare`` criteria{ssin, careType, provider, startDate}: stores
  an episode and answers its ``reference`` (DATA_FOUND MSG00000). An open
  episode of the same care type for the person: NO_RESULT VESTA001.
- ``stopHomeCare`` criteria{ssin, reference, endDate}: closes the episode. No
  such episode for the person: NO_RESULT VESTA002; already stopped: VESTA003.
- ``consultHomeCare`` criteria{ssin}: the person's episodes, registered by
  any organisation (DATA_FOUND), or NO_DATA_FOUND MSG00100.

Unknown SSIN MSG00005, replaced MSG00006; a care type outside `CARE_TYPES`,
a bad date or an end before the start: NO_RESULT MSG00008.
"""

from __future__ import annotations

import datetime as _dt
from typing import Final

from ksz_client import _xml
from ksz_client._exceptions import ValidationError
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.sandbox.state import Record

__all__ = ["CARE_TYPES", "EPISODE_KIND", "consult_home_care", "register_home_care",
           "stop_home_care"]

EPISODE_KIND: Final = "vesta-home-care"
CARE_TYPES: Final = frozenset({"FAMILY_CARE", "HOUSEKEEPING", "MEALS", "SUPERVISION",
                               "ODD_JOBS"})


def _date(criteria: _xml.Element, name: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(_xml.req_text(criteria, name))
    except ValueError:
        raise ValidationError(f"{name} is not a date") from None


def _person(ctx: HandlerContext, number: str) -> Answer | None:
    population = ctx.population
    index = population.index_of(number)
    if index is None:
        return Answer(status("NO_RESULT", "MSG00005"))
    replaced_by = population.replaced_by(index)
    if replaced_by is not None:
        return Answer(status("NO_RESULT", "MSG00006", newSSIN=str(population.ssin_of(replaced_by))))
    return None


def _open(record: Record) -> bool:
    return record.data.get("endDate") is None


@handles("VESTA", "registerHomeCare")
def register_home_care(ctx: HandlerContext, request: _xml.Element) -> Answer:
    criteria = _xml.req(request, "criteria")
    ssin = _xml.req_text(criteria, "ssin")
    refused = _person(ctx, ssin)
    if refused is not None:
        return refused
    care_type = _xml.req_text(criteria, "careType")
    if care_type not in CARE_TYPES:
        raise ValidationError("unknown care type")
    provider = _xml.req_text(criteria, "provider")
    start = _date(criteria, "startDate")
    assert ctx.state is not None
    if any(_open(r) and r.data.get("careType") == care_type
           for r in ctx.state.records(EPISODE_KIND, ssin=ssin)):
        return Answer(status("NO_RESULT", "VESTA001"))
    reference = f"VST{ctx.state.next_sequence(EPISODE_KIND):08d}"
    ctx.state.add_record(
        EPISODE_KIND,
        {"careType": care_type, "provider": provider, "startDate": start.isoformat(),
         "endDate": None},
        ticket=ctx.ticket, at=ctx.now, ssin=ssin, organisation=ctx.organisation, key=reference)

    def fill(result: _xml.Element) -> None:
        _xml.sub(result, "reference", reference)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)


@handles("VESTA", "stopHomeCare")
def stop_home_care(ctx: HandlerContext, request: _xml.Element) -> Answer:
    criteria = _xml.req(request, "criteria")
    ssin = _xml.req_text(criteria, "ssin")
    refused = _person(ctx, ssin)
    if refused is not None:
        return refused
    reference = _xml.req_text(criteria, "reference")
    end = _date(criteria, "endDate")
    assert ctx.state is not None
    found = ctx.state.records(EPISODE_KIND, ssin=ssin, key=reference)
    if not found:
        return Answer(status("NO_RESULT", "VESTA002"))
    (episode,) = found
    if not _open(episode):
        return Answer(status("NO_RESULT", "VESTA003"))
    if end < _dt.date.fromisoformat(str(episode.data["startDate"])):
        raise ValidationError("the end comes before the start")
    ctx.state.update_record(EPISODE_KIND, reference, {"endDate": end.isoformat()},
                            ticket=ctx.ticket, at=ctx.now)

    def fill(result: _xml.Element) -> None:
        _xml.sub(result, "reference", reference)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)


@handles("VESTA", "consultHomeCare")
def consult_home_care(ctx: HandlerContext, request: _xml.Element) -> Answer:
    ssin = _xml.req_text(_xml.req(request, "criteria"), "ssin")
    refused = _person(ctx, ssin)
    if refused is not None:
        return refused
    assert ctx.state is not None
    episodes = ctx.state.records(EPISODE_KIND, ssin=ssin)
    if not episodes:
        return Answer(status("NO_DATA_FOUND", "MSG00100"))

    def fill(result: _xml.Element) -> None:
        for episode in episodes:
            el = _xml.sub(result, "homeCare")
            _xml.sub(el, "reference", episode.key)
            for name in ("careType", "provider", "startDate", "endDate"):
                value = episode.data.get(name)
                if value is not None:
                    _xml.sub(el, name, str(value))

    return Answer(status("DATA_FOUND", "MSG00000"), fill)
