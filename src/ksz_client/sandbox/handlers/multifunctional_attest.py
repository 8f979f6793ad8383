"""Sandbox handlers of OCMWCPASL036 and OCMWCPASA036 (SSDN 20060315): the multifunctional attest.

The payloads are checked against our ``wsdl/ssdn/L036.xsd``. The attests of a
person are the population's leefloon attests (`Facts.leefloon`, given by the
sandbox's own OCMW) overlaid with what A036 calls stored in the state
(records of kind ``a036`` keyed by attestation id), so an attest sent is
listed by the next L036. Modelled rules:

- L036 lists, oldest first, every version of the attests whose period of
  right overlaps the period asked (replaced and deleted ones too), `PAGE_SIZE`
  per page; NextAnswerReference is bound to the listing (UniqueReference,
  INSS, period): another listing's reference is refused (30000001). No attest
  is ok="YES", no A036.
- A036 C creates an attest (ACTIVE); M replaces an attest in force by a new
  version (the old one REPLACED, ``UpdateAttestationID`` naming it); D
  deletes it (CANCELLED). Refusals: a decision in the future or older than
  7 days, a period overlapping another attest in force for the same benefit,
  changing an attest no longer in force or of another OCMW (``MSG00008``); an
  unknown attest (``MSG00100``); an OcmwCpas that is not the caller
  (``MSG00013``).
- both: 31000007 (mandatory argument missing), 30000001 (unreadable value,
  contract broken), MSG00005 (unknown SSIN), MSG00006 (replaced, ``newSSIN``).
"""

from __future__ import annotations

import copy
import datetime as _dt
import hashlib
import uuid
from typing import Final

from lxml import etree

from ksz_client import _contracts, _xml
from ksz_client._exceptions import ValidationError
from ksz_client.audit._guard import belgian_today
from ksz_client.sandbox.handlers import HandlerContext, SsdnAnswer, handles_ssdn, ssdn_error
from ksz_client.sandbox.state import Record, RecordValue, SandboxState
from ksz_client.services.multifunctional_attest import _wire
from ksz_client.services.multifunctional_attest.models import (
    A036Attest,
    A036Request,
    Attestation,
    AttestationStatus,
    BenefitType,
    Category,
    ProcessType,
    check_decision_date,
)
from ksz_client.types import Period

__all__ = [
    "INVALID",
    "KIND",
    "MISSING",
    "NOT_ALLOWED",
    "PAGE_SIZE",
    "UNKNOWN_ATTEST",
    "attests_of",
    "consult_l036",
    "send_a036",
]

MISSING: Final = "31000007"
"""SSDN: mandatory argument missing."""
INVALID: Final = "30000001"
"""SSDN: error (a value that cannot be read, the contract broken, a foreign reference)."""
NOT_ALLOWED: Final = "MSG00008"
"""Invalid data: a late decision, an overlap, an attest not in force or of another OCMW."""
UNKNOWN_ATTEST: Final = "MSG00100"
"""No data found: the attest named does not exist for this person."""
PAGE_SIZE: Final = 2
"""A036 per L036 page (small, so that tests see paging)."""
KIND: Final = "a036"
"""The state's record kind of the attests sent."""


def _person(ctx: HandlerContext, ssin: str) -> SsdnAnswer | None:
    population = ctx.population
    index = population.index_of(ssin)
    if index is None:
        return ssdn_error("MSG00005", "SSIN does not exist")
    replaced = population.replaced_by(index)
    if replaced is not None:
        return ssdn_error("MSG00006", "SSIN has been replaced",
                          newSSIN=str(population.ssin_of(replaced)))
    return None


def _from_record(record: Record) -> A036Attest:
    data = record.data
    end = data.get("end")
    return A036Attest(
        recent=bool(data["recent"]),
        ocmw=str(data["ocmw"]),
        attestation=Attestation(
            status=AttestationStatus(str(data["status"])),
            attestation_id=record.key,
            creation_date=_dt.date.fromisoformat(str(data["created"])),
            validity=Period(_dt.date.fromisoformat(str(data["begin"])),
                            _dt.date.fromisoformat(str(end)) if end else None),
            category=Category(str(data["category"])),
            benefit=BenefitType(str(data["benefit"])),
            update_attestation_id=str(data["update"]) if data.get("update") else None,
        ),
    )


def _to_data(attest: A036Attest) -> dict[str, RecordValue]:
    a = attest.attestation
    return {
        "recent": attest.recent,
        "ocmw": attest.ocmw,
        "status": a.status.value,
        "created": a.creation_date.isoformat(),
        "begin": a.validity.start.isoformat(),
        "end": a.validity.end.isoformat() if a.validity.end else None,
        "category": a.category.value,
        "benefit": a.benefit.value,
        "update": a.update_attestation_id,
    }


def attests_of(ctx: HandlerContext, ssin: str) -> list[A036Attest]:
    """Every version of the person's attests: the population's, overlaid with the state's."""
    index = ctx.population.index_of(ssin)
    found: dict[str, A036Attest] = {}
    if index is not None:
        for fact in ctx.population.facts(index).leefloon:
            found[fact.attest_id] = A036Attest(
                recent=True,
                ocmw=fact.ocmw_cbe_number,
                attestation=Attestation(
                    status=AttestationStatus.ACTIVE,
                    attestation_id=fact.attest_id,
                    creation_date=fact.period.start,
                    validity=fact.period,
                    category=Category(fact.category),
                    benefit=BenefitType.LEEFLOON,
                ),
            )
    if ctx.state is not None:
        for record in ctx.state.records(KIND, ssin=ssin):
            found[record.key] = _from_record(record)
    return sorted(found.values(),
                  key=lambda a: (a.attestation.creation_date, a.attestation.attestation_id))


def _overlaps(a: Period, b: Period) -> bool:
    return (a.end is None or b.start <= a.end) and (b.end is None or a.start <= b.end)


def _token(query_key: str, offset: int) -> str:
    digest = hashlib.sha256(f"{query_key}|{offset}".encode()).hexdigest()[:16]
    return f"{offset}-{digest}"


def _offset(query_key: str, reference: str) -> int | None:
    head, _, _ = reference.partition("-")
    if not head.isdigit() or _token(query_key, int(head)) != reference:
        return None
    return int(head)


@handles_ssdn("OCMWCPASL036")
def consult_l036(ctx: HandlerContext, request: _xml.Element) -> SsdnAnswer:
    """One page of the person's A036 attests overlapping the period asked."""
    try:
        ssin, query = _wire.read_consult(request)
    except ValidationError as exc:
        missing = str(exc).startswith("mandatory argument missing")
        return ssdn_error(MISSING if missing else INVALID, str(exc))
    if _contracts.violation("OCMWCPASL036", request) is not None:
        return ssdn_error(INVALID, "the request does not conform to the L036 contract")
    refused = _person(ctx, ssin)
    if refused is not None:
        return refused
    query_key = f"{query.unique_reference}|{ssin}|{query.period.start}|{query.period.end}"
    offset = 0
    if query.next_reference:
        found = _offset(query_key, query.next_reference)
        if found is None:
            return ssdn_error(INVALID, "the NextAnswerReference belongs to no such listing")
        offset = found
    matching = [a for a in attests_of(ctx, ssin)
                if _overlaps(a.attestation.validity, query.period)]
    page = matching[offset:offset + PAGE_SIZE]
    following = offset + PAGE_SIZE
    reply = etree.Element(_wire.q(_wire.L036), nsmap={"l": _wire.NS})
    l036 = request.find(_wire.q("L036"))
    assert l036 is not None
    reply.append(copy.deepcopy(l036))
    _wire.write_page(reply, page,
                     _token(query_key, following) if following < len(matching) else None)
    return SsdnAnswer(payload=reply)


def _store(state: SandboxState, ctx: HandlerContext, ssin: str, attest: A036Attest) -> None:
    key = attest.attestation.attestation_id
    if state.records(KIND, key=key):
        state.update_record(KIND, key, _to_data(attest), ticket=ctx.ticket, at=ctx.now)
    else:
        state.add_record(KIND, _to_data(attest), ticket=ctx.ticket, at=ctx.now, ssin=ssin,
                         organisation=attest.ocmw, key=key)


def _apply(ctx: HandlerContext, ssin: str, request: A036Request) -> A036Attest | SsdnAnswer:
    """The attest the request leaves (stored), or the refusal."""
    state = ctx.state
    assert state is not None
    today = belgian_today(ctx.now)
    attests = attests_of(ctx, ssin)
    target: A036Attest | None = None
    if request.process is not ProcessType.CREATE:
        target = next((a for a in attests
                       if a.attestation.attestation_id == request.attestation_id), None)
        if target is None:
            return ssdn_error(UNKNOWN_ATTEST, "no such attest for this person")
        if target.ocmw != request.ocmw:
            return ssdn_error(NOT_ALLOWED, "the attest belongs to another OCMW")
        if not target.in_force:
            return ssdn_error(NOT_ALLOWED, "the attest is no longer in force")
    if request.process is ProcessType.DELETE:
        assert target is not None
        gone = A036Attest(recent=True, ocmw=target.ocmw, attestation=Attestation(
            status=AttestationStatus.CANCELLED,
            attestation_id=target.attestation.attestation_id,
            creation_date=target.attestation.creation_date,
            validity=target.attestation.validity,
            category=target.attestation.category,
            benefit=target.attestation.benefit,
            update_attestation_id=target.attestation.update_attestation_id,
        ))
        _store(state, ctx, ssin, gone)
        return gone
    if any(a.in_force and a.attestation.benefit is request.benefit
           and a is not target and _overlaps(a.attestation.validity, request.validity)
           for a in attests):
        return ssdn_error(NOT_ALLOWED, "the period overlaps an attest in force")
    new = A036Attest(recent=True, ocmw=request.ocmw, attestation=Attestation(
        status=AttestationStatus.ACTIVE,
        attestation_id=str(uuid.uuid4()),
        creation_date=today,
        validity=request.validity,
        category=request.category,
        benefit=request.benefit,
        update_attestation_id=target.attestation.attestation_id if target else None,
    ))
    if target is not None:
        old = target.attestation
        _store(state, ctx, ssin, A036Attest(recent=False, ocmw=target.ocmw, attestation=Attestation(
            status=AttestationStatus.REPLACED, attestation_id=old.attestation_id,
            creation_date=old.creation_date, validity=old.validity, category=old.category,
            benefit=old.benefit, update_attestation_id=old.update_attestation_id)))
    _store(state, ctx, ssin, new)
    return new


@handles_ssdn("OCMWCPASA036")
def send_a036(ctx: HandlerContext, request: _xml.Element) -> SsdnAnswer:
    """Create, change or delete an attest of the calling OCMW."""
    try:
        ssin, _, sent = _wire.read_send(request)
    except ValidationError as exc:
        missing = str(exc).startswith("mandatory argument missing")
        return ssdn_error(MISSING if missing else INVALID, str(exc))
    if _contracts.violation("OCMWCPASA036", request) is not None:
        return ssdn_error(INVALID, "the request does not conform to the A036 contract")
    refused = _person(ctx, ssin)
    if refused is not None:
        return refused
    if sent.ocmw != ctx.organisation:
        return ssdn_error("MSG00013", "an OCMW sends its own attests only")
    try:
        check_decision_date(sent.decision_date, belgian_today(ctx.now))
    except ValidationError as exc:
        return ssdn_error(NOT_ALLOWED, str(exc))
    if ctx.state is None:
        return ssdn_error("MSG00003", "unexpected internal error")
    outcome = _apply(ctx, ssin, sent)
    if isinstance(outcome, SsdnAnswer):
        return outcome
    reply = etree.Element(_wire.q(_wire.A036), nsmap={"l": _wire.NS})
    original = request.find(_wire.q("A036Request"))
    assert original is not None
    reply.append(copy.deepcopy(original))
    _wire.write_a036(reply, outcome)
    return SsdnAnswer(payload=reply)
