"""SSINInformationService V1 on the wire, both directions (client reads, sandbox writes)."""

from __future__ import annotations

from ksz_client import _xml
from ksz_client._exceptions import InvalidSsin, ResponseError
from ksz_client.services.ssin_info.models import SsinState
from ksz_client.ssin import Ssin

__all__ = [
    "read_criteria",
    "read_current",
    "read_related",
    "write_criteria",
    "write_current",
    "write_related",
]


def write_criteria(payload: _xml.Element, ssin: str) -> None:
    _xml.sub(_xml.sub(payload, "criteria"), "ssin", ssin)


def read_criteria(payload: _xml.Element) -> str:
    return _xml.req_text(payload, "criteria/ssin")


def _ssin(text: str) -> Ssin:
    try:
        # Numbers from the registers are taken as they are, test numbers included.
        return Ssin(text, allow_test=True)
    except InvalidSsin:
        raise ResponseError("the answer carries a malformed SSIN") from None


def _optional(el: _xml.Element, attribute: str) -> Ssin | None:
    value = el.get(attribute)
    return _ssin(value) if value else None


def _state(el: _xml.Element) -> SsinState:
    return SsinState(
        ssin=_ssin(_xml.req_text(el, "")),
        canceled=_xml.opt_bool(el.get("canceled")) or False,
        replaces=_optional(el, "replaces"),
        replaced_by=_optional(el, "replacedBy"),
    )


def read_current(payload: _xml.Element) -> SsinState | None:
    el = payload.find("result/currentSsin")
    return _state(el) if el is not None else None


def read_related(payload: _xml.Element) -> tuple[SsinState, ...]:
    return tuple(_state(el) for el in payload.iterfind("result/relatedSsin"))


def _write(parent: _xml.Element, tag: str, state: SsinState, link: str,
           linked: Ssin | None) -> None:
    el = _xml.sub(parent, tag, str(state.ssin))
    if state.canceled:
        el.set("canceled", "true")
    if linked is not None:
        el.set(link, str(linked))


def write_current(result: _xml.Element, state: SsinState) -> None:
    """``currentSsin`` (SsinWithCanceledAndReplacesStatusType) into ``result``."""
    _write(result, "currentSsin", state, "replaces", state.replaces)


def write_related(result: _xml.Element, states: tuple[SsinState, ...]) -> None:
    """``relatedSsin`` elements (SsinWithCanceledAndReplacedByStatusType) into ``result``."""
    for state in states:
        _write(result, "relatedSsin", state, "replacedBy", state.replaced_by)
