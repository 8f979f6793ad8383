"""Sandbox handler of the modelled VESTA exchanges (Flemish home care; no public contract).

The typed client (``client.vesta``) and declarations made with
`ksz_client.generic.declare` (examples/vesta.py) reach the same three modelled
exchanges of the catalogue's VESTA row; requests are checked against
wsdl/intf/VESTAService/VESTAV1.xsd first. Home-care episodes live in the
sandbox's state:

- ``registerHomeCare`` criteria{ssin, careType, provider, startDate}: stores
  an episode and answers its ``reference`` (DATA_FOUND MSG00000). An ongoing
  episode of the same care type for the person: NO_RESULT VESTA001.
- ``stopHomeCare`` criteria{ssin, reference, endDate}: closes the episode. No
  such episode for the person: NO_RESULT VESTA002; already stopped: VESTA003;
  an end before the start: NO_RESULT MSG00008.
- ``consultHomeCare`` criteria{ssin}: the person's episodes, registered by
  any organisation (DATA_FOUND), or NO_DATA_FOUND MSG00100.

Unknown SSIN MSG00005, replaced MSG00006 (``newSSIN``). The other VESTA
exchanges (about 30, none public) are not answered.
"""

from __future__ import annotations

import datetime as _dt
from typing import Final

from ksz_client import _xml
from ksz_client._exceptions import ValidationError
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.sandbox.state import Record
from ksz_client.services.vesta import _wire
from ksz_client.services.vesta.models import CareType, HomeCareEpisode
from ksz_client.types import Period

__all__ = ["EPISODE_KIND", "consult_home_care", "episode_of", "register_home_care",
           "stop_home_care"]

EPISODE_KIND: Final = "vesta-home-care"


def _person(ctx: HandlerContext, number: str) -> Answer | None:
    population = ctx.population
    index = population.index_of(number)
    if index is None:
        return Answer(status("NO_RESULT", "MSG00005"))
    replaced_by = population.replaced_by(index)
    if replaced_by is not None:
        return Answer(status("NO_RESULT", "MSG00006", newSSIN=str(population.ssin_of(replaced_by))))
    return None


def episode_of(record: Record) -> HomeCareEpisode:
    """The episode a state record holds."""
    end = record.data.get("endDate")
    return HomeCareEpisode(
        reference=str(record.key), care_type=CareType(str(record.data["careType"])),
        provider=str(record.data["provider"]),
        period=Period(_dt.date.fromisoformat(str(record.data["startDate"])),
                      _dt.date.fromisoformat(str(end)) if end is not None else None),
    )


def _answer_reference(reference: str) -> Answer:
    return Answer(status("DATA_FOUND", "MSG00000"),
                  lambda result: _wire.write_reference(result, reference))


@handles("VESTA", "registerHomeCare")
def register_home_care(ctx: HandlerContext, request: _xml.Element) -> Answer:
    refused = _person(ctx, _wire.read_ssin(request))
    if refused is not None:
        return refused
    asked = _wire.read_registration(request)
    assert ctx.state is not None
    episodes = [episode_of(r) for r in ctx.state.records(EPISODE_KIND, ssin=asked.ssin)]
    if any(e.ongoing and e.care_type is asked.care_type for e in episodes):
        return Answer(status("NO_RESULT", "VESTA001"))
    reference = f"VST{ctx.state.next_sequence(EPISODE_KIND):08d}"
    ctx.state.add_record(
        EPISODE_KIND,
        {"careType": asked.care_type.value, "provider": asked.provider,
         "startDate": asked.start.isoformat(), "endDate": None},
        ticket=ctx.ticket, at=ctx.now, ssin=asked.ssin, organisation=ctx.organisation,
        key=reference)
    return _answer_reference(reference)


@handles("VESTA", "stopHomeCare")
def stop_home_care(ctx: HandlerContext, request: _xml.Element) -> Answer:
    refused = _person(ctx, _wire.read_ssin(request))
    if refused is not None:
        return refused
    asked = _wire.read_stop(request)
    assert ctx.state is not None
    found = ctx.state.records(EPISODE_KIND, ssin=asked.ssin, key=asked.reference)
    if not found:
        return Answer(status("NO_RESULT", "VESTA002"))
    (record,) = found
    episode = episode_of(record)
    if not episode.ongoing:
        return Answer(status("NO_RESULT", "VESTA003"))
    if asked.end < episode.period.start:
        raise ValidationError("the end comes before the start")
    ctx.state.update_record(EPISODE_KIND, asked.reference, {"endDate": asked.end.isoformat()},
                            ticket=ctx.ticket, at=ctx.now)
    return _answer_reference(asked.reference)


@handles("VESTA", "consultHomeCare")
def consult_home_care(ctx: HandlerContext, request: _xml.Element) -> Answer:
    ssin = _wire.read_ssin(request)
    refused = _person(ctx, ssin)
    if refused is not None:
        return refused
    assert ctx.state is not None
    episodes = [episode_of(r) for r in ctx.state.records(EPISODE_KIND, ssin=ssin)]
    if not episodes:
        return Answer(status("NO_DATA_FOUND", "MSG00100"))

    def fill(result: _xml.Element) -> None:
        for episode in episodes:
            _wire.write_episode(result, episode)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)
