"""Sandbox handler of OCMWCPASManageAccess (SSDN 20050930): the reference repertory.

REGISTER integrates an SSIN for the calling OCMW, a quality code (Purpose) and
a period; UNREGISTER ends it over a period; LIST shows the integrations.
Changes go to the sandbox state, so the finality check of every later
consultation sees them. The payload and reply follow the official
``ManageAccessRequest.xsd`` / ``ManageAccessReply.xsd``.

Modelled details (no public source says otherwise):

- overlapping or adjacent periods of one organisation, SSIN and quality code
  merge; UNREGISTER cuts the period out (possibly splitting an integration);
- LIST with ``QueryRegister`` SECONDARY shows the caller's own integrations
  (OrgUnit = its KBO number), PRIMARY the sector-level view of the KSZ
  (every OCMW's integrations, OrgUnit = the sector, ``17``), ALL (the
  default) both; a LIST without Purpose echoes Purpose 0;
- REGISTER needs a filled ``ProofOfAuthentication`` (UNREGISTER and LIST accept
  the empty element the schema requires); its ``PersonData`` must match the person's last name
  (accents and case ignored) and the known parts of the birth date; card
  numbers are accepted unchecked (sandbox persons have no cards);
- refusals use the SSDN codes 31000007 (mandatory argument missing) and
  30000001 (invalid argument, and a payload that breaks
  ``wsdl/ssdn/ManageAccess.xsd``), and the WS-Consult codes for the person
  (MSG00005 unknown, MSG00006 replaced with ``newSSIN``, MSG00011 bad SSIN,
  MSG00008 proof or quality code refused); a REGISTER that changes nothing
  and an UNREGISTER that finds nothing answer ``WARNING`` with the sandbox
  codes SBX00001 and SBX00002.
"""

from __future__ import annotations

import datetime as _dt
import unicodedata
from typing import Final

from ksz_client import _contracts, _xml, catalogue
from ksz_client import ssin as _ssin
from ksz_client.sandbox.handlers import (
    HandlerContext,
    SsdnAnswer,
    SsdnDetail,
    handles_ssdn,
    ssdn_error,
)
from ksz_client.sandbox.state import Integration
from ksz_client.services.manage_access import _wire
from ksz_client.services.manage_access.models import (
    AccessAction,
    Registration,
    RepertoryRegister,
)
from ksz_client.ssin import Ssin
from ksz_client.types import Period

__all__ = ["ALREADY_INTEGRATED", "INVALID", "MISSING", "NOTHING_TO_UNREGISTER", "manage_access"]

_SERVICE: Final = catalogue.get("OCMWCPASManageAccess")
NS: Final = _SERVICE.namespace
_M: Final = f"{{{NS}}}"
# Period is a common:StartingPeriodType: its StartDate and EndDate are in the Common namespace.
COMMON_NS: Final = "http://www.ksz-bcss.fgov.be/XSD/SSDN/Common"
_C: Final = f"{{{COMMON_NS}}}"

MISSING: Final = "31000007"
"""SSDN: mandatory argument missing."""
INVALID: Final = "30000001"
"""SSDN: error (an argument that cannot be read)."""
ALREADY_INTEGRATED: Final = "SBX00001"
"""Sandbox warning: the period was already integrated; nothing changed."""
NOTHING_TO_UNREGISTER: Final = "SBX00002"
"""Sandbox warning: no integration overlapped the period; nothing changed."""

_ACTIONS: Final = ("REGISTER", "UNREGISTER", "LIST")
_REGISTERS: Final = ("PRIMARY", "SECONDARY", "ALL")


class _Refused(Exception):  # noqa: N818 - control flow inside this module only
    def __init__(self, answer: SsdnAnswer) -> None:
        super().__init__()
        self.answer = answer


def _text(parent: _xml.Element, name: str, ns: str = _M) -> str | None:
    return _xml.opt_text(parent, f"{ns}{name}")


def _required(parent: _xml.Element, name: str, operation: str | None, ns: str = _M) -> str:
    value = _text(parent, name, ns)
    if value is None:
        raise _Refused(ssdn_error(MISSING, f"mandatory argument missing: {name}",
                                  operation=operation))
    return value


def _date(text: str, name: str, operation: str | None) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise _Refused(ssdn_error(INVALID, f"{name} is not a date (YYYY-MM-DD)",
                                  operation=operation)) from None


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.casefold().split())


@handles_ssdn("OCMWCPASManageAccess")
def manage_access(ctx: HandlerContext, request: _xml.Element) -> SsdnAnswer:
    """REGISTER / UNREGISTER / LIST against the sandbox repertory."""
    try:
        return _manage(ctx, request)
    except _Refused as refused:
        return refused.answer


def _manage(ctx: HandlerContext, request: _xml.Element) -> SsdnAnswer:
    if _contracts.violation(_SERVICE.name, request) is not None:
        raise _Refused(ssdn_error(INVALID, "the request does not conform to the ManageAccess "
                                  "contract"))
    action = _text(request, "Action")
    operation = action if action in _ACTIONS else None
    if action is None:
        raise _Refused(ssdn_error(MISSING, "mandatory argument missing: Action"))
    if operation is None:
        raise _Refused(ssdn_error(INVALID, "Action is REGISTER, UNREGISTER or LIST"))
    number = _required(request, "SSIN", operation)
    period_el = request.find(f"{_M}Period")
    if period_el is None:
        raise _Refused(ssdn_error(MISSING, "mandatory argument missing: Period",
                                  operation=operation))
    start = _date(_required(period_el, "StartDate", operation, _C), "StartDate", operation)
    end_text = _text(period_el, "EndDate", _C)
    end = _date(end_text, "EndDate", operation) if end_text else None
    if end is not None and end < start:
        raise _Refused(ssdn_error(INVALID, "the Period ends before it starts",
                                  operation=operation))
    period = Period(start, end)
    purpose_text = _text(request, "Purpose")
    purpose = _integer(purpose_text, "Purpose", operation) if purpose_text else None
    if operation != "LIST":
        if purpose is None:
            raise _Refused(ssdn_error(MISSING, "mandatory argument missing: Purpose",
                                      operation=operation))
        if purpose not in catalogue.QUALITY_CODES:
            raise _Refused(ssdn_error("MSG00008", "Purpose is not a sector 17 quality code",
                                      operation=operation))
    query = _text(request, "QueryRegister") or "ALL"
    if query not in _REGISTERS:
        raise _Refused(ssdn_error(INVALID, "QueryRegister is PRIMARY, SECONDARY or ALL",
                                  operation=operation))
    sector_text = _text(request, "Sector")
    sector = _integer(sector_text, "Sector", operation) if sector_text else None
    proof = request.find(f"{_M}ProofOfAuthentication")
    # The element is always required (schema); its content proves the person is
    # in front of the OCMW, which only an integration needs.
    if proof is None or (operation == "REGISTER"
                         and not any(isinstance(c.tag, str) for c in proof)):
        raise _Refused(ssdn_error(MISSING, "mandatory argument missing: ProofOfAuthentication",
                                  operation=operation))

    if not _ssin.is_valid(number, allow_test=True):
        raise _Refused(ssdn_error("MSG00011", "invalid SSIN structure", operation=operation))
    index = ctx.population.index_of(number)
    if index is None:
        raise _Refused(ssdn_error("MSG00005", "SSIN does not exist", operation=operation))
    replaced = ctx.population.replaced_by(index)
    if replaced is not None:
        raise _Refused(ssdn_error("MSG00006", "SSIN has been replaced", operation=operation,
                                  newSSIN=str(ctx.population.ssin_of(replaced))))
    _check_proof(ctx, index, proof, operation)

    state = ctx.state
    assert state is not None  # the engine always passes its state
    details: tuple[SsdnDetail, ...] = ()
    if operation == "LIST":
        rows = _listing(ctx, number=number, purpose=purpose, period=period, query=query,
                        sector=sector)
    else:
        assert purpose is not None
        change = state.register if operation == "REGISTER" else state.unregister
        outcome = change(ctx.organisation, number, purpose, period, ticket=ctx.ticket,
                         at=ctx.now)
        rows = [(i, "SECONDARY", ctx.organisation) for i in outcome.integrations]
        if not outcome.changed:
            code, text = ((ALREADY_INTEGRATED, "already integrated for the whole period")
                          if operation == "REGISTER"
                          else (NOTHING_TO_UNREGISTER, "no integration in that period"))
            details = (SsdnDetail("WARNING", code, text),)
    reply = _wire.write_reply(
        _wire.OriginalRequest(
            ssin=Ssin(number, allow_test=True),
            # A LIST without Purpose echoes 0: the reply's Purpose is mandatory.
            quality_code=purpose if purpose is not None else 0,
            period=period,
            action=AccessAction(operation),
            register=RepertoryRegister(query) if operation == "LIST" else None,
        ),
        [Registration(i.quality_code, i.period, org_unit, RepertoryRegister(register))
         for i, register, org_unit in rows],
    )
    if details:
        return SsdnAnswer(ok="WARNING", return_code=1, details=details, payload=reply,
                          operation=operation)
    return SsdnAnswer(payload=reply, operation=operation)


def _integer(text: str, name: str, operation: str | None) -> int:
    try:
        return int(text)
    except ValueError:
        raise _Refused(ssdn_error(INVALID, f"{name} is not a whole number",
                                  operation=operation)) from None


def _check_proof(ctx: HandlerContext, index: int, proof: _xml.Element,
                 operation: str | None) -> None:
    data = proof.find(f"{_M}PersonData")
    if data is None:
        return  # card numbers only: sandbox persons have no cards to compare with
    last = _text(data, "LastName")
    born = _text(data, "BirthDate")
    person = ctx.population.person(index)
    matches = last is not None and _fold(last) == _fold(person.name.last_name)
    if matches and born is not None and person.birth is not None:
        actual = person.birth.date.isoformat()
        matches = len(born) == 10 and all(
            given == "0" * len(given) or given == have
            for given, have in zip(born.split("-"), actual.split("-"), strict=False)
        )
    if not matches or born is None:
        raise _Refused(ssdn_error("MSG00008", "ProofOfAuthentication does not match the person",
                                  operation=operation))


def _listing(
    ctx: HandlerContext, *, number: str, purpose: int | None, period: Period, query: str,
    sector: int | None,
) -> list[tuple[Integration, str, str]]:
    state = ctx.state
    assert state is not None
    rows: list[tuple[Integration, str, str]] = []
    if query in ("SECONDARY", "ALL"):
        rows += [(i, "SECONDARY", ctx.organisation) for i in state.integrations(
            ssin=number, organisation=ctx.organisation, quality_code=purpose,
            overlapping=period)]
    if query in ("PRIMARY", "ALL") and sector in (None, catalogue.OCMW_SECTOR):
        rows += [(i, "PRIMARY", str(catalogue.OCMW_SECTOR)) for i in state.integrations(
            ssin=number, quality_code=purpose, overlapping=period)]
    return rows
