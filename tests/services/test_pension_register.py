"""OCMWCPASPensionRegisterConsult (SSDN 20090706): mapping, sandbox handler, end to end, CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _contracts, _soap, _ssdn, _transport, _xml, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import (
    InvalidSsin,
    KszFault,
    NoResult,
    ResponseError,
    ValidationError,
)
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK, EXIT_USAGE
from ksz_client.sandbox import Sandbox
from ksz_client.sandbox.handlers import HandlerContext
from ksz_client.sandbox.handlers.pension_register import (
    INSTITUTION,
    INVALID,
    MISSING,
    consult_pension_register,
)
from ksz_client.services.pension_register import (
    PensionItem,
    PensionKind,
    PensionQuery,
    PensionResult,
    Pillar,
    _wire,
)
from ksz_client.ssin import SsinKind, make
from ksz_client.types import Money, Period, Receipt, Status

from .official_helpers import Capture, offline
from .sandbox_world import (  # noqa: F401 - fixtures
    assert_finality_checked,
    cli_setup,
    command,
    handler_context,
    index_from,
    integrate,
    refusal,
    social_worker,
)

SERVICE = catalogue.get("OCMWCPASPensionRegisterConsult")
NS = SERVICE.namespace
D = dt.date
BASE = 180  # this module integrates persons from here on, in the shared sandbox
WIDE = {"start": "2000-01-01", "end": "2030-12-31"}


# --- helpers --------------------------------------------------------------------------


def _index(sandbox: Sandbox, predicate, start: int = 0) -> int:  # type: ignore[no-untyped-def]
    """The first person from BASE + start that fits (persons below BASE are left to others)."""
    return index_from(sandbox, BASE + start, predicate)


def _pensioned(sandbox: Sandbox, start: int = 0) -> int:
    population = sandbox.population
    return _index(sandbox, lambda i: not population.is_deceased(i)
                  and bool(population.facts(i).pensions), start)


def _without_pension(sandbox: Sandbox, start: int = 0) -> int:
    population = sandbox.population
    return _index(sandbox, lambda i: not population.is_deceased(i)
                  and not population.facts(i).pensions, start)


def _query(**changes: object) -> PensionQuery:
    return dataclasses.replace(PensionQuery(Period(D(2025, 1, 1), D(2025, 12, 31))),
                               **changes)  # type: ignore[arg-type]


def _request(ssin: str = "85073003328", query: PensionQuery | None = None) -> _xml.Element:
    payload = etree.Element(_wire.q("Penskad_OpenPK_ConsultRequest"), nsmap={"ns": NS})
    _wire.write_request(payload, ssin, query or _query())
    return payload


# --- mapping (unit) -------------------------------------------------------------------


def test_the_request_validates_and_reads_back() -> None:
    query = _query(pillar=Pillar.FIRST, language="FR")
    payload = _request(query=query)
    schema = _contracts.schema("OCMWCPASPensionRegisterConsult")
    assert schema is not None
    assert schema.validate(payload), schema.error_log
    assert _wire.read_request(payload) == ("85073003328", query)
    # Every element is qualified, the period's dates included.
    assert all(etree.QName(e).namespace == NS for e in payload.iter())
    etree.SubElement(payload, _wire.q("Unexpected"))
    assert not schema.validate(payload)


def _item(**changes: object) -> PensionItem:
    item = PensionItem(Pillar.FIRST, PensionKind.SURVIVAL, Period(D(2020, 5, 1), D(2031, 1, 1)),
                       Money.from_cents(123_456), "Federal Pension Service")
    return dataclasses.replace(item, **changes)  # type: ignore[arg-type]


def test_items_round_trip_and_the_reply_validates() -> None:
    reply = etree.Element(_wire.q(_wire.REPLY), nsmap={"pr": NS})
    items = (_item(), _item(pillar=Pillar.SECOND, kind=PensionKind.RETIREMENT, institution=None,
                            period=Period(D(2019, 1, 1))))
    for item in items:
        _wire.write_item(reply, item)
    schema = _contracts.schema("OCMWCPASPensionRegisterConsult")
    assert schema is not None and schema.validate(reply), schema.error_log
    assert _wire.read_items(reply) == items
    etree.SubElement(reply[0], "{urn:future}extra").text = "ignored"
    assert _wire.read_items(reply) == items


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("GrossMonthlyAmount", None, "GrossMonthlyAmount"),
        ("GrossMonthlyAmount", "12.50", "whole number"),
        ("Pillar", "FirstSecond", "first or the second pillar"),
        ("Pillar", "Third", "unknown Pillar"),
        ("PensionKind", "HOLIDAY", "unknown PensionKind"),
        ("Period", None, "Period"),
    ],
)
def test_reading_rejects_bad_items(name: str, text: str | None, message: str) -> None:
    reply = etree.Element(_wire.q(_wire.REPLY))
    el = _wire.write_item(reply, _item())
    target = el.find(_wire.q(name))
    assert target is not None
    if text is None:
        el.remove(target)
    else:
        target.text = text
    with pytest.raises(ResponseError, match=message):
        _wire.read_items(reply)


def test_reading_rejects_a_period_that_ends_before_it_starts() -> None:
    reply = etree.Element(_wire.q(_wire.REPLY))
    el = _wire.write_item(reply, _item())
    el.find(f"{_wire.q('Period')}/{_wire.q('EndDate')}").text = "2001-01-01"
    with pytest.raises(ResponseError, match="ends before"):
        _wire.read_items(reply)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"period": Period(D(2025, 1, 1))}, "with an end"),
        ({"period": Period(D(1899, 12, 31), D(2000, 1, 1))}, "between 1900 and 2999"),
        ({"language": "EN"}, "NL, FR or DE"),
    ],
)
def test_the_query_is_validated(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _query(**changes)


def test_result_helpers() -> None:
    receipt = Receipt("t", "c", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    items = (_item(), _item(kind=PensionKind.GRAPA, period=Period(D(2026, 1, 1)),
                            monthly_gross=Money.from_cents(100)))
    result = PensionResult(items, Status("DATA_FOUND", "0"), receipt)
    assert result.found
    assert result.on(D(2025, 6, 1)) == items[:1]
    assert result.monthly_gross_on(D(2026, 6, 1)) == Money.from_cents(123_556)
    assert not PensionResult((), Status("NO_DATA_FOUND", "0"), receipt).found


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"start": "2026-02-01", "end": "2026-01-01"}, ValidationError, "end before"),
        ({"start": "01/01/2026"}, ValidationError, "YYYY-MM-DD"),
        ({"pillar": "Third"}, ValidationError, "First, Second, FirstSecond"),
        ({"focus": "Today"}, ValidationError, "ReferencePeriod"),
        ({"information": "All"}, ValidationError, "RightsMaximumPayments"),
        ({"language": "en"}, ValidationError, "NL, FR or DE"),
        ({"start": "1850-01-01", "end": "1851-01-01"}, ValidationError, "1900"),
    ],
)
def test_bad_input_raises_before_any_io(sandbox_config_path: Path, kwargs: dict[str, str],
                                        error: type[Exception], message: str) -> None:
    client, transport = offline(sandbox_config_path)
    with pytest.raises(error, match=message):
        client.pensions.get("85073003328", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(InvalidSsin):
        client.pensions.get("85073003329")
    assert transport.sent == []


# --- the sandbox's handler ---------------------------------------------------------------


def _context(sandbox: Sandbox) -> HandlerContext:
    return handler_context(sandbox, state=None)


def test_the_handler_refuses_what_it_cannot_read(sandbox: Sandbox) -> None:
    ssin = str(sandbox.population.ssin_of(_pensioned(sandbox)))
    ctx = _context(sandbox)
    missing = _request(ssin)
    missing.remove(missing.find(_wire.q("TargetSSIN")))
    assert refusal(consult_pension_register(ctx, missing)) == (
        MISSING, "mandatory argument missing: TargetSSIN")
    bad_pillar = _request(ssin)
    bad_pillar.find(f"{_wire.q('RequestedData')}/{_wire.q('Pillar')}").text = "Third"
    assert refusal(consult_pension_register(ctx, bad_pillar))[0] == INVALID
    backwards = _request(ssin)
    backwards.find(f"{_wire.q('Period')}/{_wire.q('EndDate')}").text = "1999-01-01"
    assert refusal(consult_pension_register(ctx, backwards)) == (
        INVALID, "a period cannot end before it starts")
    extra = _request(ssin)
    etree.SubElement(extra, _wire.q("Unexpected"))
    assert refusal(consult_pension_register(ctx, extra))[0] == INVALID


def test_the_handler_answers_from_the_facts(sandbox: Sandbox) -> None:
    population = sandbox.population
    index = _pensioned(sandbox)
    pensions = population.facts(index).pensions
    ctx = _context(sandbox)
    answer = consult_pension_register(ctx, _request(
        str(population.ssin_of(index)), _query(period=Period(D(1950, 1, 1), D(2099, 1, 1)))))
    assert answer.ok == "YES" and answer.payload is not None
    items = _wire.read_items(answer.payload)
    assert [(i.kind.value, i.period, i.monthly_gross.cents) for i in items] == [
        (p.kind, p.period, p.monthly_gross_cents) for p in pensions]
    assert {i.institution for i in items} == {INSTITUTION}
    second = consult_pension_register(ctx, _request(str(population.ssin_of(index)),
                                                    _query(pillar=Pillar.SECOND)))
    assert second.ok == "YES" and second.payload is not None and len(second.payload) == 0


# --- end to end over HTTP -------------------------------------------------------------


@pytest.mark.e2e
def test_pensions_of_a_pensioner(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = _pensioned(sandbox)
    ssin = population.ssin_of(index)
    integrate(sandbox, client, ssin)
    result = client.pensions.get(ssin.formatted, **WIDE, language="fr")
    assert result.status.value == "DATA_FOUND" and result.status.code == "0"
    assert result.receipt.ticket_cbss and result.warnings == ()
    facts = population.facts(index).pensions
    assert [(i.kind.value, i.period, i.monthly_gross) for i in result.items] == [
        (p.kind, p.period, Money.from_cents(p.monthly_gross_cents)) for p in facts]
    assert all(i.pillar is Pillar.FIRST for i in result.items)
    # The default period is the last year up to today: a running pension is in it.
    assert client.pensions.get(ssin).found


@pytest.mark.e2e
def test_no_pension_item_is_no_data_found(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    pensioner = population.ssin_of(_pensioned(sandbox, 30))
    other = population.ssin_of(_without_pension(sandbox))
    for ssin in (pensioner, other):
        integrate(sandbox, client, ssin)
    for result in (
        client.pensions.get(pensioner, **WIDE, pillar="Second"),
        client.pensions.get(pensioner, start="1900-01-01", end="1900-12-31"),
        client.pensions.get(other, **WIDE),
    ):
        assert result.items == () and not result.found
        assert (result.status.value, result.status.code) == ("NO_DATA_FOUND", "0")


@pytest.mark.e2e
def test_unknown_and_replaced_ssins_are_typed_refusals(
    client: KszClient, sandbox: Sandbox
) -> None:
    population = sandbox.population
    unknown = make(D(2004, 12, 30), 995, kind=SsinKind.TEST)
    integrate(sandbox, client, unknown)
    with pytest.raises(NoResult) as caught:
        client.pensions.get(unknown)
    assert caught.value.code == "MSG00005" and caught.value.ticket_cbss
    index = next(i for i in range(BASE, population.size) if population.replaced_by(i) is not None)
    old = population.ssin_of(index)
    integrate(sandbox, client, old)
    with pytest.raises(NoResult) as replaced:
        client.pensions.get(old)
    assert replaced.value.code == "MSG00006"
    assert ("newSSIN", str(population.ssin_of(index + 1))) in replaced.value.details[0].information
    assert str(old) not in str(replaced.value)


@pytest.mark.e2e
def test_an_ssdn_error_of_the_service_is_raised(client: KszClient, sandbox: Sandbox) -> None:
    ssin = sandbox.population.ssin_of(_pensioned(sandbox, 60))
    integrate(sandbox, client, ssin)

    def backwards(payload: _xml.Element) -> None:
        _wire.write_request(payload, ssin, _query())
        payload.find(f"{_wire.q('Period')}/{_wire.q('EndDate')}").text = "1999-01-01"

    with pytest.raises(NoResult) as caught:
        client._call(SERVICE, "consultPensionRegister", backwards, context=None,
                     subjects=(ssin,))
    assert caught.value.code == INVALID


@pytest.mark.e2e
def test_finality_is_checked_before_sending_and_by_the_ksz(
    client: KszClient, sandbox_config: KszConfig, sandbox: Sandbox
) -> None:
    ssin = sandbox.population.ssin_of(_pensioned(sandbox, 100))
    # The SSDN reason code; NotIntegrated once the SSDN mapping knows MSG00012.
    assert_finality_checked(client, sandbox_config, ssin, lambda c: c.pensions.get,
                            remote=NoResult)


@pytest.mark.e2e
def test_a_fault_and_a_retried_503(client: KszClient, sandbox: Sandbox,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_transport, "sleep", lambda seconds: None)
    ssin = sandbox.population.ssin_of(_pensioned(sandbox, 90))
    integrate(sandbox, client, ssin)
    with sandbox.fault("fault", times=1), pytest.raises(KszFault):
        client.pensions.get(ssin)
    with sandbox.fault("http503", times=1):
        assert client.pensions.get(ssin).found


# --- contract: the SSDN envelope against the official files ------------------------------


def _document(envelope: bytes) -> _xml.Element:
    body = _soap.split(_xml.parse(envelope)).body
    return _ssdn.unwrap(next(c for c in body if isinstance(c.tag, str)))


def _combined(official: Path, envelope: str) -> etree.XMLSchema:
    """The official SSDN envelope schema together with our payload schema."""
    ours = _contracts.schema_path("OCMWCPASPensionRegisterConsult")
    assert ours is not None
    xs = "http://www.w3.org/2001/XMLSchema"
    root = etree.Element(f"{{{xs}}}schema", nsmap={"xs": xs})
    for namespace, location in ((_ssdn.SSDN_NS, official / envelope), (NS, ours)):
        etree.SubElement(root, f"{{{xs}}}import", namespace=namespace,
                         schemaLocation=location.resolve().as_uri())
    return etree.XMLSchema(root)


@pytest.fixture
def captured(sandbox_config: KszConfig, sandbox: Sandbox) -> Capture:
    population = sandbox.population
    capture = Capture()
    with KszClient(sandbox_config, observers=[capture]) as plain:
        client = plain.acting_for(user="u", legal_context="PCSA:SOCIAL_INQUIRY")
        for ssin in (population.ssin_of(_pensioned(sandbox, 120)),
                     population.ssin_of(_without_pension(sandbox, 120))):
            integrate(sandbox, client, ssin)
            client.pensions.get(ssin, **WIDE)
    assert len(capture.requests) == len(capture.responses) == 2
    return capture


@pytest.mark.contracts
@pytest.mark.e2e
def test_request_and_reply_validate_against_the_official_ssdn_envelope(
    captured: Capture, official_contracts: Path
) -> None:
    requests = _combined(official_contracts, "set-a/XSD/SSDN/Service/SSDNRequest.xsd")
    replies = _combined(official_contracts, "set-a/XSD/SSDN/Service/SSDNReply.xsd")
    ours = _contracts.schema("OCMWCPASPensionRegisterConsult")
    assert ours is not None
    for data in captured.requests:
        document = _document(data)
        assert requests.validate(document), requests.error_log
        (payload,) = document.iter(_wire.q("Penskad_OpenPK_ConsultRequest"))
        assert ours.validate(payload), ours.error_log
    for data in captured.responses:
        document = _document(data)
        assert replies.validate(document), replies.error_log
        (payload,) = document.iter(_wire.q(_wire.REPLY))
        assert ours.validate(payload), ours.error_log
    # The check can fail: a payload our contract refuses fails the combined schema too.
    document = _document(captured.requests[0])
    (language,) = document.iter(_wire.q("Language"))
    language.text = "EN"
    assert not requests.validate(document)


@pytest.mark.e2e
def test_the_request_names_the_service_and_its_version(captured: Capture) -> None:
    document = _document(captured.requests[0])
    assert document.findtext(f"{{{_ssdn.SSDN_NS}}}ServiceRequest/{{{_ssdn.SSDN_NS}}}ServiceId") \
        == "OCMWCPASPensionRegisterConsult"
    assert document.findtext(f"{{{_ssdn.SSDN_NS}}}ServiceRequest/{{{_ssdn.SSDN_NS}}}Version") \
        == "20090706"


# --- command line ---------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_generated_command(
    sandbox: Sandbox, sandbox_config_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    population = sandbox.population
    pensioner = population.ssin_of(_pensioned(sandbox, 150))
    other = population.ssin_of(_without_pension(sandbox, 150))
    config = cli_setup(sandbox, sandbox_config_path, tmp_path, monkeypatch, pensioner, other)
    run = command(config, "pensions")
    assert run("get", pensioner.formatted, "--start", "2000-01-01", "--end", "2030-12-31",
               "--pillar", "First", "--json") == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["items"][0]["pillar"] == "First"
    assert isinstance(data["items"][0]["monthly_gross"]["cents"], int)
    assert run("consult-pension-register", str(pensioner), "--start", "2000-01-01",
               "--end", "2030-12-31") == EXIT_OK
    assert "gross/month" in capsys.readouterr().out
    assert run("get", str(other)) == EXIT_BUSINESS
    assert "no pension" in capsys.readouterr().out
    assert run("get", str(other), "--start", "2030-01-01", "--end", "2020-01-01") == EXIT_USAGE
    assert "end before it starts" in capsys.readouterr().err
