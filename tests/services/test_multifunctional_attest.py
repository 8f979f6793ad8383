"""OCMWCPASL036 / OCMWCPASA036 (SSDN 20060315): mapping, handler, end to end, in doubt, CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _contracts, _ssdn, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import (
    AuditError,
    InDoubtError,
    InvalidData,
    InvalidSsin,
    NoResult,
    NotIntegrated,
    ResponseError,
    ValidationError,
)
from ksz_client.audit import Integration
from ksz_client.audit._guard import belgian_today
from ksz_client.cli import EXIT_OK
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, Sandbox
from ksz_client.sandbox.handlers import multifunctional_attest as handler
from ksz_client.services.multifunctional_attest import (
    A036Attest,
    A036Request,
    Attestation,
    AttestationStatus,
    BenefitType,
    Category,
    L036Query,
    L036Result,
    ProcessType,
    _wire,
)
from ksz_client.services.multifunctional_attest.models import check_decision_date
from ksz_client.ssin import SsinKind, make
from ksz_client.types import Period, Receipt, Status

from .official_helpers import cli_config, losing_first
from .sandbox_world import command, handler_context, not_integrated, refusal
from .ssdn_helpers import Capture, NoNetwork, audited, bound, ssdn_request

D = dt.date
TODAY = belgian_today(dt.datetime.now(dt.UTC))
ORG = SANDBOX_CBE_NUMBER
WIDE = {"start": "2000-01-01", "end": "2099-12-31"}
BASE = 100  # persons from here on (up to 179) are this module's, in the shared sandbox
L036_SCHEMA = _contracts.schema("OCMWCPASL036")
assert L036_SCHEMA is not None


# --- helpers ----------------------------------------------------------------------------------


def _index(sandbox: Sandbox, ordinal: int, predicate: Callable[[int], bool]) -> int:
    """The `ordinal`-th ordinary person of this module's range that fits: each test that
    changes a person's attests takes its own ordinal."""
    population = sandbox.population
    fitting = [i for i in range(BASE, 180)
               if population.fault_of(i) is None and population.replaced_by(i) is None
               and not population.is_deceased(i) and predicate(i)]
    return fitting[ordinal]


def _on_leefloon(sandbox: Sandbox, ordinal: int) -> int:
    facts = sandbox.population.facts
    return _index(sandbox, ordinal, lambda i: facts(i).on_leefloon)


def _without(sandbox: Sandbox, ordinal: int) -> int:
    facts = sandbox.population.facts
    return _index(sandbox, ordinal, lambda i: not facts(i).leefloon)


def _integrate(sandbox: Sandbox, client: KszClient, ssin: str, *codes: int) -> None:
    """Integrate on both sides (repertory and local register) for the quality codes."""
    for code in codes or (2, 3):
        sandbox.integrate(ssin, quality_code=code, period=(TODAY - dt.timedelta(days=30), None))
        client.integrations.add(Integration(ORG, ssin, code, TODAY - dt.timedelta(days=30)))


def _attest(**changes: object) -> A036Attest:
    attest = A036Attest(True, ORG, Attestation(
        AttestationStatus.ACTIVE, "4f9d2c1e-aaaa-4bbb-8ccc-123456789abc", D(2026, 1, 5),
        Period(D(2026, 1, 1)), Category.ISOLATED, BenefitType.LEEFLOON))
    return dataclasses.replace(attest, **changes)  # type: ignore[arg-type]


def _send_request(**changes: object) -> A036Request:
    request = A036Request(ProcessType.CREATE, ORG, TODAY, BenefitType.EQUIVALENT,
                          Period(D(2026, 1, 1), D(2026, 12, 31)), Category.FAMILY)
    return dataclasses.replace(request, **changes)  # type: ignore[arg-type]


def _consult_payload(ssin: str, query: L036Query) -> etree._Element:
    payload = etree.Element(_wire.q(_wire.L036), nsmap={"l": _wire.NS})
    _wire.write_consult(payload, ssin, query)
    return payload


def _send_payload(ssin: str, request: A036Request, reference: str = "ref-1") -> etree._Element:
    payload = etree.Element(_wire.q(_wire.A036), nsmap={"l": _wire.NS})
    _wire.write_send(payload, ssin, reference, request)
    return payload


# --- models and mapping (unit) ----------------------------------------------------------------


def test_the_consult_request_validates_and_reads_back() -> None:
    query = L036Query(Period(D(2025, 1, 1), D(2025, 12, 31)), "u-1", "2-abc")
    payload = _consult_payload("85073003328", query)
    assert L036_SCHEMA.validate(payload), L036_SCHEMA.error_log
    assert _wire.read_consult(payload) == ("85073003328", query)
    assert payload.find(_wire.q("L036")).get("processType") == "L"
    assert all(etree.QName(e).namespace == _wire.NS for e in payload.iter())
    first = _consult_payload("85073003328", dataclasses.replace(query, next_reference=None))
    assert first.find(f"{_wire.q('L036')}/{_wire.q('NextAnswerReference')}") is None
    etree.SubElement(payload, _wire.q("Unexpected"))
    assert not L036_SCHEMA.validate(payload)


def test_a_page_round_trips_and_validates() -> None:
    reply = _consult_payload("85073003328", L036Query(Period(D(2025, 1, 1), D(2025, 2, 1)), "u"))
    attests = [_attest(), _attest(recent=False, attestation=dataclasses.replace(
        _attest().attestation, status=AttestationStatus.REPLACED, attestation_id="x-2",
        update_attestation_id="x-1", validity=Period(D(2025, 1, 1), D(2025, 6, 30)),
        benefit=BenefitType.EQUIVALENT, category=Category.FAMILY))]
    _wire.write_page(reply, attests, "2-next")
    assert L036_SCHEMA.validate(reply), L036_SCHEMA.error_log
    assert _wire.read_page(reply) == (tuple(attests), "2-next")
    reply.find(_wire.q("A036")).append(etree.Element("{urn:future}extra"))
    assert _wire.read_page(reply) == (tuple(attests), "2-next")
    last = _consult_payload("85073003328", L036Query(Period(D(2025, 1, 1), D(2025, 2, 1)), "u"))
    _wire.write_page(last, [], None)
    assert _wire.read_page(last) == ((), None)


def test_the_send_request_and_its_answer_validate_and_read_back() -> None:
    request = _send_request(process=ProcessType.CHANGE, attestation_id="a-1",
                            validity=Period(D(2026, 2, 1)))
    payload = _send_payload("85073003328", request)
    schema = _contracts.schema("OCMWCPASA036")
    assert schema is not None and schema.validate(payload), schema.error_log
    assert _wire.read_send(payload) == ("85073003328", "ref-1", request)
    _wire.write_a036(payload, _attest())
    assert schema.validate(payload), schema.error_log
    assert _wire.read_sent(payload) == _attest()
    payload.find(_wire.q("A036Request")).set("processType", "X")
    assert not schema.validate(payload)
    with pytest.raises(ValidationError, match="unknown"):
        _wire.read_send(payload)


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [
        ("RecentAnswer", "maybe", "neither true nor false"),
        ("OcmwCpas", None, "OcmwCpas"),
        ("Attestation/AttestationStatus", "GONE", "unknown AttestationStatus"),
        ("Attestation/CategoryCode", "SINGLE", "unknown CategoryCode"),
        ("Attestation/BenefitType", None, "BenefitType"),
        ("Attestation/CreationDate", None, "CreationDate"),
        ("Attestation/ValidityPeriod/EndDate", "2020-01-01", "ends before"),
        ("Attestation/ValidityPeriod/BeginDate", "1 Jan", "not a date"),
        ("Attestation/AttestationID", None, "AttestationID"),
    ],
)
def test_reading_rejects_a_bad_attest(path: str, text: str | None, message: str) -> None:
    reply = etree.Element(_wire.q(_wire.L036))
    el = _wire.write_a036(reply, _attest(attestation=dataclasses.replace(
        _attest().attestation, validity=Period(D(2026, 1, 1), D(2026, 3, 1)))))
    target = el.find("/".join(_wire.q(p) for p in path.split("/")))
    assert target is not None
    if text is None:
        target.getparent().remove(target)
    else:
        target.text = text
    with pytest.raises(ResponseError, match=message):
        _wire.read_page(reply)


def test_an_answer_without_the_attest_is_a_response_error() -> None:
    with pytest.raises(ResponseError, match="A036"):
        _wire.read_sent(_send_payload("85073003328", _send_request()))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"attestation_id": "a-1"}, "no attestation id yet"),
        ({"process": ProcessType.DELETE}, "names the attest"),
        ({"process": ProcessType.CHANGE, "attestation_id": ""}, "names the attest"),
        ({"ocmw": "12345"}, "KBO/BCE number"),
        ({"validity": Period(D(1899, 1, 1))}, "between 1900 and 2999"),
    ],
)
def test_an_a036_request_is_validated(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _send_request(**changes)


def test_an_l036_query_is_validated() -> None:
    with pytest.raises(ValidationError, match="has an end"):
        L036Query(Period(D(2025, 1, 1)), "u")
    with pytest.raises(ValidationError, match="unique reference"):
        L036Query(Period(D(2025, 1, 1), D(2025, 1, 2)), "")
    # A first page's query has no UniqueReference of its own: the call's ticket fills it.
    first = L036Query(Period(D(2025, 1, 1), D(2025, 1, 2)), None)
    payload = etree.Element(_wire.q(_wire.L036), nsmap={"l": _wire.NS})
    with pytest.raises(ValidationError, match="unique reference"):
        _wire.write_consult(payload, "85073003328", first)
    payload = etree.Element(_wire.q(_wire.L036), nsmap={"l": _wire.NS})
    _wire.write_consult(payload, "85073003328", first, "the-ticket")
    assert payload.findtext(f".//{_wire.q('UniqueReference')}") == "the-ticket"
    assert L036_SCHEMA.validate(payload), L036_SCHEMA.error_log


def test_the_decision_date_rule_is_seven_days() -> None:
    today = D(2026, 3, 10)
    check_decision_date(today, today)
    check_decision_date(D(2026, 3, 3), today)
    with pytest.raises(ValidationError, match="within 7 days"):
        check_decision_date(D(2026, 3, 2), today)
    with pytest.raises(ValidationError, match="future"):
        check_decision_date(D(2026, 3, 11), today)


def test_benefits_name_their_quality_code_and_results_filter() -> None:
    assert BenefitType.LEEFLOON.quality_code == 2 and BenefitType.EQUIVALENT.quality_code == 3
    receipt = Receipt("t", "c", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    old = _attest(recent=False, attestation=dataclasses.replace(
        _attest().attestation, attestation_id="old", status=AttestationStatus.REPLACED))
    gone = _attest(attestation=dataclasses.replace(
        _attest().attestation, attestation_id="gone", status=AttestationStatus.CANCELLED))
    ended = _attest(attestation=dataclasses.replace(
        _attest().attestation, attestation_id="ended", validity=Period(D(2020, 1, 1),
                                                                      D(2020, 12, 31))))
    result = L036Result((old, gone, ended, _attest()), 2, Status("DATA_FOUND", "0"), receipt)
    assert result.found and result.in_force() == (ended, _attest())
    assert result.on(D(2026, 2, 1)) == (_attest(),)
    assert result.find("gone") is gone and result.find("nothing") is None


# --- the sandbox's handlers (unit) ------------------------------------------------------------


def test_the_handlers_refuse_what_they_cannot_read(sandbox: Sandbox) -> None:
    ctx = handler_context(sandbox)
    ssin = str(sandbox.population.ssin_of(_on_leefloon(sandbox, 0)))
    query = L036Query(Period(D(2000, 1, 1), D(2099, 1, 1)), "u-1")
    missing = _consult_payload(ssin, query)
    l036 = missing.find(_wire.q("L036"))
    l036.remove(l036.find(_wire.q("INSS")))
    assert refusal(handler.consult_l036(ctx, missing)) == (
        handler.MISSING, "mandatory argument missing: L036/INSS")
    assert refusal(handler.consult_l036(ctx, etree.Element(_wire.q(_wire.L036))))[0] \
        == handler.MISSING
    extra = _consult_payload(ssin, query)
    etree.SubElement(extra, _wire.q("Unexpected"))
    assert refusal(handler.consult_l036(ctx, extra))[0] == handler.INVALID
    foreign = _consult_payload(ssin, dataclasses.replace(query,
                                                         next_reference="2-0123456789abcdef"))
    assert refusal(handler.consult_l036(ctx, foreign)) == (
        handler.INVALID, "the NextAnswerReference belongs to no such listing")
    bad_process = _send_payload(ssin, _send_request())
    bad_process.find(_wire.q("A036Request")).set("processType", "X")
    assert refusal(handler.send_a036(ctx, bad_process))[0] == handler.INVALID
    no_date = _send_payload(ssin, _send_request())
    request = no_date.find(_wire.q("A036Request"))
    request.remove(request.find(_wire.q("DecisionDate")))
    assert refusal(handler.send_a036(ctx, no_date)) == (
        handler.MISSING, "mandatory argument missing: A036Request/DecisionDate")
    extra_send = _send_payload(ssin, _send_request())
    etree.SubElement(extra_send, _wire.q("Unexpected"))
    assert refusal(handler.send_a036(ctx, extra_send))[0] == handler.INVALID


def test_the_send_handler_enforces_the_service_rules(sandbox: Sandbox) -> None:
    index = _on_leefloon(sandbox, 1)
    ssin = str(sandbox.population.ssin_of(index))
    ctx = handler_context(sandbox)
    late = _send_request(decision_date=TODAY - dt.timedelta(days=8))
    # The client refuses this before sending; the service refuses it too.
    late_payload = _send_payload(ssin, _send_request())
    late_payload.find(f"{_wire.q('A036Request')}/{_wire.q('DecisionDate')}").text = \
        late.decision_date.isoformat()
    assert refusal(handler.send_a036(ctx, late_payload))[0] == handler.NOT_ALLOWED
    other = _send_request(ocmw="0212344876")
    assert refusal(handler.send_a036(ctx, _send_payload(ssin, other)))[0] == "MSG00013"
    (current,) = [a for a in sandbox.population.facts(index).leefloon if a.period.end is None]
    foreign = handler_context(sandbox, organisation="0212344876")
    change = _send_request(ocmw="0212344876", process=ProcessType.CHANGE,
                           attestation_id=current.attest_id)
    assert refusal(handler.send_a036(foreign, _send_payload(ssin, change))) == (
        handler.NOT_ALLOWED, "the attest belongs to another OCMW")
    unknown = make(D(2004, 12, 30), 993, kind=SsinKind.TEST)
    assert refusal(handler.send_a036(ctx, _send_payload(str(unknown), _send_request())))[0] \
        == "MSG00005"
    assert not sandbox.state.records(handler.KIND, ssin=ssin)


# --- end to end over HTTP: L036 ---------------------------------------------------------------


@pytest.mark.e2e
def test_the_attests_of_a_leefloon_beneficiary(client: KszClient, sandbox: Sandbox) -> None:
    index = _on_leefloon(sandbox, 2)
    ssin = str(sandbox.population.ssin_of(index))
    _integrate(sandbox, client, ssin, 2)
    facts = sandbox.population.facts(index).leefloon
    result = client.l036.list(ssin, **WIDE)
    assert (result.status.value, result.status.code) == ("DATA_FOUND", "0")
    assert [(a.attestation.attestation_id, a.attestation.validity, a.attestation.category.value,
             a.ocmw) for a in result.attests] == [
        (f.attest_id, f.period, f.category, f.ocmw_cbe_number) for f in facts]
    assert all(a.in_force and a.attestation.benefit is BenefitType.LEEFLOON
               for a in result.attests)
    assert result.on(TODAY) and result.receipts[-1] == result.receipt
    # The default period is this year up to today: the running attest is in it.
    assert client.l036.list(ssin).on(TODAY)


@pytest.mark.e2e
def test_no_attest_is_no_data_found(client: KszClient, sandbox: Sandbox) -> None:
    ssin = str(sandbox.population.ssin_of(_without(sandbox, 0)))
    _integrate(sandbox, client, ssin, 2)
    result = client.l036.list(ssin, **WIDE)
    assert result.attests == () and result.pages == 1 and not result.found
    assert (result.status.value, result.status.code) == ("NO_DATA_FOUND", "0")
    page = client.l036.page(ssin, **WIDE)
    assert page.attests == () and page.last


@pytest.mark.e2e
def test_pages_follow_next_answer_reference_until_it_is_empty(
    sandbox_config: KszConfig, sandbox: Sandbox
) -> None:
    index = _on_leefloon(sandbox, 3)
    ssin = str(sandbox.population.ssin_of(index))
    capture = Capture()
    with bound(sandbox_config, capture) as client:
        _integrate(sandbox, client, ssin)
        client.a036.create(ssin, decision_date=TODAY, start="2090-01-01", end="2090-12-31",
                           benefit="EQUIVALENT", category="FAMILY")
        client.a036.create(ssin, decision_date=TODAY, start="2091-01-01",
                           benefit="EQUIVALENT", category="FAMILY")
        total = len(sandbox.population.facts(index).leefloon) + 2
        assert total > handler.PAGE_SIZE
        capture.seen.clear()
        pages = list(client.l036.pages(ssin, **WIDE))
        assert len(pages) == -(-total // handler.PAGE_SIZE)
        assert [p.last for p in pages] == [False] * (len(pages) - 1) + [True]
        assert sum(len(p.attests) for p in pages) == total
        assert capture.operations() == ["consultL036"] * len(pages)
        # Every page of one listing repeats its UniqueReference; the next ones add the reference.
        documents = [ssdn_request(e.request)[1] for e, _ in capture.seen]
        uniques = {d.findtext(f".//{_wire.q('UniqueReference')}") for d in documents}
        assert len(uniques) == 1
        nexts = [d.findtext(f".//{_wire.q('NextAnswerReference')}") for d in documents]
        assert nexts == [None, *(p.next_reference for p in pages[:-1])]
        everything = client.l036.list(ssin, **WIDE)
        assert everything.pages == len(pages) and len(everything.receipts) == len(pages)
        assert everything.attests == tuple(a for p in pages for a in p.attests)
        # page() is one step; a reference of another listing is refused by the service.
        first = client.l036.page(ssin, **WIDE)
        second = client.l036.page(ssin, **WIDE, next_reference=first.next_reference,
                                  unique_reference=first.unique_reference)
        assert second.attests == pages[1].attests
        with pytest.raises(NoResult) as caught:
            client.l036.page(ssin, **WIDE, next_reference=first.next_reference)
        assert caught.value.code == handler.INVALID


@pytest.mark.e2e
def test_the_unique_reference_is_the_first_calls_ticket(
    sandbox_config: KszConfig, sandbox: Sandbox, tmp_path: Path
) -> None:
    index = _on_leefloon(sandbox, 7)
    ssin = str(sandbox.population.ssin_of(index))
    capture = Capture()
    with bound(audited(sandbox_config, tmp_path), capture) as client:
        _integrate(sandbox, client, ssin)
        client.a036.create(ssin, decision_date=TODAY, start="2092-01-01", end="2092-12-31",
                           benefit="EQUIVALENT", category="FAMILY")
        client.a036.create(ssin, decision_date=TODAY, start="2093-01-01",
                           benefit="EQUIVALENT", category="FAMILY")
        assert len(sandbox.population.facts(index).leefloon) + 2 > handler.PAGE_SIZE
        capture.seen.clear()
        pages = list(client.l036.pages(ssin, **WIDE))
        log = client.audit
        assert log is not None
        calls = [r.call_id for r in log.query(reader="test", service="OCMWCPASL036",
                                               kinds=("INTENT",))]
    assert len(pages) > 1
    documents = [ssdn_request(e.request)[0] for e, _ in capture.seen]
    references = [d.findtext(f".//{{{_ssdn.SSDN_NS}}}Reference") for d in documents]
    uniques = [d.findtext(f".//{_wire.q('UniqueReference')}") for d in documents]
    tickets = [e.call_id for e, _ in capture.seen]
    # The first page's UniqueReference is its own SSDN Reference, audited as its call id;
    # the following pages repeat it under their own tickets.
    assert uniques == [references[0]] * len(pages) == [tickets[0]] * len(pages)
    assert references == tickets == calls[-len(pages):]
    assert len(set(tickets)) == len(pages)
    assert {p.unique_reference for p in pages} == {tickets[0]}
    assert pages[0].receipt.ticket == tickets[0]


@pytest.mark.e2e
def test_a_listing_that_pages_in_a_loop_is_a_response_error(
    client: KszClient, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    ssin = str(sandbox.population.ssin_of(_on_leefloon(sandbox, 4)))
    _integrate(sandbox, client, ssin, 2)
    # A broken service: empty pages that always send the same NextAnswerReference.
    monkeypatch.setattr(handler, "PAGE_SIZE", 0)
    monkeypatch.setattr(handler, "_token", lambda key, offset: "0-loop")
    monkeypatch.setattr(handler, "_offset", lambda key, reference: 0)
    with pytest.raises(ResponseError, match="loop"):
        client.l036.list(ssin, **WIDE)


@pytest.mark.e2e
def test_unknown_and_replaced_ssins_are_typed_refusals(client: KszClient,
                                                       sandbox: Sandbox) -> None:
    population = sandbox.population
    unknown = str(make(D(2004, 12, 30), 991, kind=SsinKind.TEST))
    _integrate(sandbox, client, unknown, 2)
    with pytest.raises(NoResult) as caught:
        client.l036.list(unknown)
    assert caught.value.code == "MSG00005"
    index = next(i for i in range(BASE, 180) if population.replaced_by(i) is not None)
    old = str(population.ssin_of(index))
    _integrate(sandbox, client, old, 2)
    with pytest.raises(NoResult) as replaced:
        client.l036.list(old)
    assert replaced.value.code == "MSG00006" and old not in str(replaced.value)
    with pytest.raises(NoResult) as sent:
        client.a036.create(old, decision_date=TODAY, start=TODAY, category="ISOLATED")
    assert sent.value.code == "MSG00006"


# --- end to end over HTTP: A036 ---------------------------------------------------------------


@pytest.mark.e2e
def test_create_change_delete_are_seen_by_the_next_listing(client: KszClient,
                                                          sandbox: Sandbox) -> None:
    ssin = str(sandbox.population.ssin_of(_without(sandbox, 1)))
    _integrate(sandbox, client, ssin)
    created = client.a036.create(ssin, decision_date=TODAY - dt.timedelta(days=7),
                                 start=TODAY, benefit=BenefitType.EQUIVALENT,
                                 category=Category.COHABITANT)
    assert created.process is ProcessType.CREATE and created.attest.in_force
    assert created.attest.ocmw == ORG and created.attest.attestation.creation_date == TODAY
    assert created.status.value == "DATA_FOUND" and created.receipt.ticket_cbss
    listed = client.l036.list(ssin, start=TODAY, end=TODAY)
    assert listed.attests == (created.attest,)

    changed = client.a036.change(ssin, attestation_id=created.attestation_id,
                                 decision_date=TODAY, start=TODAY,
                                 end=TODAY + dt.timedelta(days=90),
                                 benefit="equivalent", category="isolated")
    assert changed.attest.attestation.update_attestation_id == created.attestation_id
    assert changed.attestation_id != created.attestation_id
    after = client.l036.list(ssin, start=TODAY, end=TODAY)
    old = after.find(created.attestation_id)
    assert old is not None and old.attestation.status is AttestationStatus.REPLACED
    assert not old.recent and after.in_force() == (changed.attest,)

    # The replaced version cannot change any more.
    with pytest.raises(InvalidData) as stale:
        client.a036.change(ssin, attestation_id=created.attestation_id, decision_date=TODAY,
                           start=TODAY, benefit="EQUIVALENT", category="FAMILY")
    assert stale.value.code == handler.NOT_ALLOWED

    deleted = client.a036.delete(ssin, attestation_id=changed.attestation_id,
                                 decision_date=TODAY, start=TODAY,
                                 end=TODAY + dt.timedelta(days=90), benefit="EQUIVALENT",
                                 category="ISOLATED")
    assert deleted.attest.attestation.status is AttestationStatus.CANCELLED
    assert client.l036.list(ssin, start=TODAY, end=TODAY).in_force() == ()
    with pytest.raises(InvalidData):
        client.a036.delete(ssin, attestation_id=changed.attestation_id, decision_date=TODAY,
                           start=TODAY, benefit="EQUIVALENT", category="ISOLATED")
    with pytest.raises(NoResult) as unknown:
        client.a036.delete(ssin, attestation_id="no-such-attest", decision_date=TODAY,
                           start=TODAY, benefit="EQUIVALENT", category="ISOLATED")
    assert unknown.value.code == handler.UNKNOWN_ATTEST
    assert len(sandbox.state.records(handler.KIND, ssin=ssin)) == 2


@pytest.mark.e2e
def test_an_overlapping_attest_is_refused_and_a_population_attest_can_change(
    client: KszClient, sandbox: Sandbox
) -> None:
    index = _on_leefloon(sandbox, 5)
    ssin = str(sandbox.population.ssin_of(index))
    _integrate(sandbox, client, ssin)
    (current,) = [a for a in sandbox.population.facts(index).leefloon if a.period.end is None]
    with pytest.raises(InvalidData) as overlap:
        client.a036.create(ssin, decision_date=TODAY, start=TODAY, category="ISOLATED")
    assert "overlaps" in overlap.value.details[0].diagnostic
    # Another benefit does not overlap leefloon.
    assert client.a036.create(ssin, decision_date=TODAY, start="2095-01-01",
                              benefit="EQUIVALENT", category="ISOLATED").attest.in_force
    ended = client.a036.change(ssin, attestation_id=current.attest_id, decision_date=TODAY,
                               start=current.period.start, end=TODAY,
                               category=current.category)
    assert ended.attest.attestation.validity == Period(current.period.start, TODAY)
    listing = client.l036.list(ssin, **WIDE)
    population_attest = listing.find(current.attest_id)
    assert population_attest is not None
    assert population_attest.attestation.status is AttestationStatus.REPLACED


@pytest.mark.e2e
def test_the_competent_ocmw_is_the_caller(client: KszClient, sandbox: Sandbox) -> None:
    ssin = str(sandbox.population.ssin_of(_without(sandbox, 2)))
    _integrate(sandbox, client, ssin)
    result = client.a036.create(ssin, decision_date=TODAY, start=TODAY, category="FAMILY")
    assert result.attest.ocmw == client.config.organisation.cbe_number == ORG
    # The OCMW named must be the caller: another OCMW's KBO number is refused.
    foreign = handler.send_a036(handler_context(sandbox, organisation="0212344876"),
                                _send_payload(ssin, _send_request()))
    assert refusal(foreign)[0] == "MSG00013"


# --- bad input and finality ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda c: c.a036.create("85073003328", decision_date=TODAY - dt.timedelta(days=8),
                                 start=TODAY, category="ISOLATED"),
         ValidationError, "within 7 days"),
        (lambda c: c.a036.create("85073003328", decision_date=TODAY + dt.timedelta(days=1),
                                 start=TODAY, category="ISOLATED"), ValidationError, "future"),
        (lambda c: c.a036.create("85073003328", decision_date="03/03/2026", start=TODAY,
                                 category="ISOLATED"), ValidationError, "YYYY-MM-DD"),
        (lambda c: c.a036.create("85073003328", decision_date=TODAY, start=TODAY,
                                 category="SINGLE"), ValidationError,
         "COHABITANT, ISOLATED, FAMILY"),
        (lambda c: c.a036.create("85073003328", decision_date=TODAY, start=TODAY,
                                 benefit="GPMI", category="FAMILY"), ValidationError,
         "LEEFLOON, EQUIVALENT"),
        (lambda c: c.a036.create("85073003328", decision_date=TODAY, start="2026-02-01",
                                 end="2026-01-01", category="FAMILY"), ValidationError,
         "end before"),
        (lambda c: c.a036.change("85073003328", attestation_id=" ", decision_date=TODAY,
                                 start=TODAY, category="FAMILY"), ValidationError,
         "names the attest"),
        (lambda c: c.a036.create("85073003329", decision_date=TODAY, start=TODAY,
                                 category="FAMILY"), InvalidSsin, "check digits"),
        (lambda c: c.l036.list("85073003328", start="2026-02-01", end="2026-01-01"),
         ValidationError, "end before"),
        (lambda c: c.l036.page("85073003328", end="tomorrow"), ValidationError, "YYYY-MM-DD"),
        (lambda c: c.a036.reconcile("x", "85073003328", process="Z", start=TODAY,
                                    category="FAMILY"), ValidationError, "CREATE, CHANGE"),
        (lambda c: c.a036.reconcile("x", "85073003328", process="D", start=TODAY,
                                    category="FAMILY"), ValidationError, "names the attest"),
    ],
)
def test_bad_input_raises_before_anything_is_sent(
    sandbox_config: KszConfig, call, error, message  # type: ignore[no-untyped-def]
) -> None:
    with bound(sandbox_config, transport=NoNetwork()) as client, \
            pytest.raises(error, match=message):
        call(client)


@pytest.mark.e2e
def test_finality_is_checked_per_benefit_before_sending_and_by_the_service(
    sandbox_config: KszConfig, sandbox: Sandbox
) -> None:
    ssin = not_integrated(sandbox, 497)
    capture = Capture()
    with bound(sandbox_config, capture) as client:
        with pytest.raises(NotIntegrated):
            client.a036.create(ssin, decision_date=TODAY, start=TODAY, category="FAMILY")
        with pytest.raises(NotIntegrated):
            client.l036.list(ssin)
        assert capture.operations() == []
        # Integrated for leefloon (2) only: an equivalent-leefloon attest (3) is refused.
        client.integrations.add(Integration(ORG, ssin, 2, TODAY - dt.timedelta(days=1)))
        with pytest.raises(NotIntegrated):
            client.a036.create(ssin, decision_date=TODAY, start=TODAY, benefit="EQUIVALENT",
                               category="FAMILY")
        assert capture.operations() == []
        # Integrated on the client's side only: the service answers MSG00012.
        with pytest.raises(NotIntegrated) as caught:
            client.a036.create(ssin, decision_date=TODAY, start=TODAY, category="FAMILY")
        assert caught.value.code == "MSG00012"
        with pytest.raises(NotIntegrated):
            client.l036.list(ssin)
        assert capture.operations() == ["sendA036", "consultL036"]
    assert not sandbox.state.records(handler.KIND, ssin=ssin)


# --- in doubt: never re-sent, reconciled with L036 ----------------------------------------------


@pytest.mark.e2e
def test_a_lost_answer_is_in_doubt_never_resent_and_reconciled(
    sandbox_config: KszConfig, sandbox: Sandbox, tmp_path: Path
) -> None:
    ssin = str(sandbox.population.ssin_of(_without(sandbox, 4)))
    capture = Capture()
    with bound(audited(sandbox_config, tmp_path), capture) as client:
        _integrate(sandbox, client, ssin)
        asked = {"decision_date": TODAY, "start": TODAY, "benefit": "EQUIVALENT",
                 "category": "FAMILY"}
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as caught:
            client.a036.create(ssin, **asked)  # type: ignore[arg-type]
        call_id = caught.value.call_id
        assert capture.operations() == ["sendA036"]
        assert len(sandbox.state.records(handler.KIND, ssin=ssin)) == 1
        log = client.audit
        assert log is not None
        (doubt,) = log.in_doubt(reader="test")
        assert (doubt.call_id, doubt.operation) == (call_id, "sendA036")
        with pytest.raises(InDoubtError):
            client.a036.create(ssin, **asked)  # type: ignore[arg-type]
        assert capture.operations() == ["sendA036"]

        outcome = client.a036.reconcile(call_id, ssin, process="CREATE", start=TODAY,
                                        benefit="EQUIVALENT", category="FAMILY")
        assert outcome.applied and outcome.recorded and outcome.attest is not None
        assert outcome.attest.attestation.validity == Period(TODAY)
        assert capture.operations() == ["sendA036", "consultL036"]
        assert log.in_doubt(reader="test") == []
        with pytest.raises(AuditError):
            client.a036.reconcile(call_id, ssin, process="C", start=TODAY,
                                  benefit="EQUIVALENT", category="FAMILY")

        # A lost DELETE: reconciled as applied from the CANCELLED status.
        attest_id = outcome.attest.attestation.attestation_id
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as lost:
            client.a036.delete(ssin, attestation_id=attest_id, **asked)  # type: ignore[arg-type]
        deleted = client.a036.reconcile(lost.value.call_id, ssin, process="D", start=TODAY,
                                        benefit="EQUIVALENT", category="FAMILY",
                                        attestation_id=attest_id)
        assert deleted.applied and deleted.process is ProcessType.DELETE
    assert len(sandbox.state.records(handler.KIND, ssin=ssin)) == 1


@pytest.mark.e2e
def test_a_change_that_never_arrived_reconciles_as_not_applied(
    sandbox_config: KszConfig, sandbox: Sandbox, tmp_path: Path
) -> None:
    ssin = str(sandbox.population.ssin_of(_without(sandbox, 5)))
    config = audited(sandbox_config, tmp_path)
    with bound(config) as setup:
        _integrate(sandbox, setup, ssin)
        created = setup.a036.create(ssin, decision_date=TODAY, start=TODAY, category="FAMILY")
    with bound(config, transport=losing_first(config)) as client:
        with pytest.raises(InDoubtError) as caught:
            client.a036.change(ssin, attestation_id=created.attestation_id,
                               decision_date=TODAY, start=TODAY, category="ISOLATED")
        outcome = client.a036.reconcile(caught.value.call_id, ssin, process=ProcessType.CHANGE,
                                        start=TODAY, category="ISOLATED",
                                        attestation_id=created.attestation_id)
        assert outcome.applied is False and outcome.recorded and outcome.attest is None
        # Not applied: it may (and here does) go again.
        again = client.a036.change(ssin, attestation_id=created.attestation_id,
                                   decision_date=TODAY, start=TODAY, category="ISOLATED")
        assert again.attest.attestation.update_attestation_id == created.attestation_id


@pytest.mark.e2e
def test_reconcile_without_an_audit_log_still_tells(client: KszClient,
                                                    sandbox: Sandbox) -> None:
    ssin = str(sandbox.population.ssin_of(_without(sandbox, 6)))
    _integrate(sandbox, client, ssin)
    with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as caught:
        client.a036.create(ssin, decision_date=TODAY, start="2080-01-01", end="2080-06-30",
                           category="COHABITANT")
    outcome = client.a036.reconcile(caught.value.call_id, ssin, process="C",
                                    start="2080-01-01", end="2080-06-30",
                                    category="COHABITANT")
    assert outcome.applied is True and outcome.recorded is False


# --- the wire: service id, version, contract ----------------------------------------------------


@pytest.mark.e2e
def test_what_travels_names_the_service_and_validates(sandbox_config: KszConfig,
                                                      sandbox: Sandbox) -> None:
    ssin = str(sandbox.population.ssin_of(_on_leefloon(sandbox, 6)))
    capture = Capture()
    with bound(sandbox_config, capture) as client:
        _integrate(sandbox, client, ssin)
        client.l036.list(ssin, **WIDE)
        client.a036.create(ssin, decision_date=TODAY, start="2097-01-01",
                           benefit="EQUIVALENT", category="ISOLATED")
    schema = _contracts.schema("OCMWCPASA036")
    assert schema is not None
    for exchange, outcome in capture.seen:
        document, payload = ssdn_request(exchange.request)
        service = catalogue.get("OCMWCPASL036" if exchange.operation == "consultL036"
                                else "OCMWCPASA036")
        request = document.find(f"{{{_ssdn.SSDN_NS}}}ServiceRequest")
        assert request.findtext(f"{{{_ssdn.SSDN_NS}}}ServiceId") == service.name
        assert request.findtext(f"{{{_ssdn.SSDN_NS}}}Version") == "20060315"
        assert schema.validate(payload), schema.error_log
        assert outcome.error is None


# --- command line -----------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_generated_commands(sandbox: Sandbox, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KSZ_CONFIG", "KSZ_FINALITY_MODE"):
        monkeypatch.delenv(name, raising=False)
    ssin = str(sandbox.population.ssin_of(_without(sandbox, 7)))
    config = cli_config(sandbox, tmp_path, ssin)
    run = command(config)
    assert run("a036", "create", ssin, "--decision-date", TODAY.isoformat(), "--start",
               "2085-01-01", "--category", "ISOLATED", "--json") == EXIT_OK
    created = json.loads(capsys.readouterr().out)
    assert created["attest"]["attestation"]["status"] == "ACTIVE"
    assert run("l036", "list", ssin, "--start", "2085-01-01", "--end", "2085-12-31",
               "--json") == EXIT_OK
    listed = json.loads(capsys.readouterr().out)
    assert [a["attestation"]["attestation_id"] for a in listed["attests"]] == [
        created["attest"]["attestation"]["attestation_id"]]
    assert run("l036", "page", ssin, "--start", "2085-01-01", "--end", "2085-12-31") == EXIT_OK
    assert "ISOLATED" in capsys.readouterr().out
