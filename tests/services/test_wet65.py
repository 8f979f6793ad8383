"""OCMWCPASWet65Loi65AB / DF / C (SSDN, official contract): mapping, handler, end to end,
in doubt, CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _contracts, _ssdn, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import (
    InDoubtError,
    InvalidSsin,
    NoResult,
    NotAuthorized,
    NotIntegrated,
    ResponseError,
    ValidationError,
)
from ksz_client.audit import Integration
from ksz_client.audit._guard import belgian_today
from ksz_client.cli import EXIT_OK
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, Sandbox
from ksz_client.sandbox.handlers import wet65 as handler
from ksz_client.services.wet65 import (
    Cancellation,
    Duration,
    Evaluation,
    FileIdentification,
    FormError,
    FormResult,
    Recovery,
    RecoveryResult,
    RefundedAid,
    RefundRequest,
    RefundResult,
    RequestedAid,
    _wire,
)
from ksz_client.ssin import SsinKind, make
from ksz_client.types import Money

from .official_helpers import cli_config, losing_first
from .sandbox_world import command, handler_context, not_integrated, refusal
from .ssdn_helpers import (
    Capture,
    NoNetwork,
    audited,
    bound,
    check_official,
    official_schema,
    ssdn_request,
)

SERVICE = catalogue.get("OCMWCPASWet65Loi65C")
D = dt.date
TODAY = belgian_today(dt.datetime.now(dt.UTC))
ORG = SANDBOX_CBE_NUMBER
FILE = FileIdentification(ORG, "DOS-2026-01")
ROOT = "OCMW_CPAS/Loi65Wet65/NamespaceRoot.xsd"
SCHEMA = _contracts.schema("OCMWCPASWet65Loi65C")
assert SCHEMA is not None
_ids = iter(range(10**6))


def _attest_id() -> str:
    """A fresh UniqueAttestID (15 characters) for each test."""
    return f"T65C{next(_ids):011d}"


def _person(sandbox: Sandbox, ordinal: int) -> str:
    """The `ordinal`-th ordinary person of 180..219 (this module's)."""
    population = sandbox.population
    fitting = [i for i in range(180, 220)
               if population.fault_of(i) is None and population.replaced_by(i) is None
               and not population.is_deceased(i)]
    return str(population.ssin_of(fitting[ordinal]))


def _integrate(sandbox: Sandbox, client: KszClient, ssin: str) -> None:
    sandbox.integrate(ssin, quality_code=3, period=(TODAY - dt.timedelta(days=30), None))
    client.integrations.add(Integration(ORG, ssin, 3, TODAY - dt.timedelta(days=30)))


def _form(**changes: object) -> Cancellation:
    form = Cancellation("A" * 15, 0, D(2026, 3, 2), D(2026, 3, 1), "1", "02")
    return dataclasses.replace(form, **changes)  # type: ignore[arg-type]


def _request(ssin: str, *forms: Cancellation) -> etree._Element:
    payload = etree.Element(_wire.q("L65_C_DecisionRequest"), nsmap={"l65": _wire.NS})
    _wire.write_c_request(payload, FILE, ssin, forms or (_form(),))
    return payload


def _cancel(client: KszClient, ssin: str, attest_id: str, **changes: object):  # type: ignore[no-untyped-def]
    kwargs: dict[str, object] = {"file_id": FILE.file_id, "attest_id": attest_id,
                                 "decision_date": TODAY, "nature": "1", "reason": "02"}
    return client.wet65_c.cancel(ssin, **{**kwargs, **changes})  # type: ignore[arg-type]


# --- mapping (unit) ---------------------------------------------------------------------------


def test_the_request_validates_against_ours_and_the_official_and_reads_back(
    official_contracts: Path,
) -> None:
    forms = (_form(), _form(attest_id="B" * 15, suffix=3, former_cancellation="X"))
    payload = _request("85073003328", *forms)
    official = official_schema(official_contracts, "set-a/XSD/SSDN/" + ROOT)
    for schema in (SCHEMA, official):
        assert schema.validate(payload), schema.error_log
    assert _wire.read_c_request(payload) == (FILE, [("85073003328", f) for f in forms])
    payload.find(f"{_wire.q('CancellationFormC')}/{_wire.q('UniqueAttestID')}").text = "short"
    assert not SCHEMA.validate(payload) and not official.validate(payload)


def test_a_reply_round_trips_and_validates(official_contracts: Path) -> None:
    reply = etree.Element(_wire.q(_wire.C_REPLY))
    _wire.write_file(reply, FILE)
    results = (
        FormResult(D(2026, 3, 2), "A" * 15, "0000000001", "85073003328", 0, Evaluation.ACCEPTED),
        FormResult(D(2026, 3, 2), "B" * 15, "0000000002", "85073003328", 1, Evaluation.REFUSED,
                   (FormError("C00001", ("ended", "beëindigd")),)),
    )
    for result in results:
        _wire.write_result(reply, "DecisionResultC", result)
    official = official_schema(official_contracts, "set-a/XSD/SSDN/" + ROOT)
    for schema in (SCHEMA, official):
        assert schema.validate(reply), schema.error_log
    assert _wire.read_file(reply) == FILE
    assert _wire.read_results(reply, "DecisionResultC") == results


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("Evaluation", "MAYBE", "unknown Evaluation"),
        ("Suffix", None, "EntryDate or Suffix"),
        ("ReferenceSPP_POD", None, "ReferenceSPP_POD"),
        ("EntryDate", "soon", "not a date"),
    ],
)
def test_reading_rejects_a_bad_result(name: str, text: str | None, message: str) -> None:
    reply = etree.Element(_wire.q(_wire.C_REPLY))
    _wire.write_file(reply, FILE)
    el = _wire.write_result(reply, "DecisionResultC", FormResult(
        D(2026, 3, 2), "A" * 15, "0000000001", "85073003328", 0, Evaluation.ACCEPTED))
    target = el.find(_wire.q(name))
    if text is None:
        el.remove(target)
    else:
        target.text = text
    with pytest.raises(ResponseError, match=message):
        _wire.read_results(reply, "DecisionResultC")


def test_a_reply_without_results_or_file_is_a_response_error() -> None:
    reply = etree.Element(_wire.q(_wire.C_REPLY))
    with pytest.raises(ResponseError, match="FileIdentification"):
        _wire.read_file(reply)
    _wire.write_file(reply, FILE)
    with pytest.raises(ResponseError, match="DecisionResultC"):
        _wire.read_results(reply, "DecisionResultC")
    reply.find(f"{_wire.qc('FileIdentification')}/{_wire.qc('FileID')}").text = "short"
    with pytest.raises(ResponseError, match="FileID"):
        _wire.read_file(reply)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"attest_id": "123"}, "15 characters"),
        ({"suffix": 100}, "between 0 and 99"),
        ({"entry_date": D(2001, 12, 31), "decision_date": D(2001, 12, 1)}, "2002-01-01"),
        ({"decision_date": D(2026, 3, 3)}, "after the entry date"),
        ({"nature": "12"}, "1 character"),
        ({"reason": "2"}, "2 characters"),
        ({"former_cancellation": "XY"}, "1 character"),
    ],
)
def test_a_form_is_validated(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _form(**changes)


def test_a_file_is_validated() -> None:
    with pytest.raises(ValidationError, match="10 digits"):
        FileIdentification("12345", "DOS-2026-01")
    with pytest.raises(ValidationError, match="11 characters"):
        FileIdentification(ORG, "DOS")


def test_the_catalogue_row_has_an_ssdn_version_of_eight_characters() -> None:
    for name in ("OCMWCPASWet65Loi65AB", "OCMWCPASWet65Loi65DF", "OCMWCPASWet65Loi65C"):
        assert len(catalogue.get(name).version) == 8


# --- the sandbox's handler (unit) -------------------------------------------------------------


def test_the_handler_refuses_what_it_cannot_read(sandbox: Sandbox) -> None:
    ctx = handler_context(sandbox)
    ssin = _person(sandbox, 0)
    missing = _request(ssin)
    form = missing.find(_wire.q("CancellationFormC"))
    form.remove(form.find(_wire.q("SSIN")))
    assert refusal(handler.send_decision_c(ctx, missing)) == (
        handler.MISSING, "mandatory argument missing: SSIN")
    empty = etree.Element(_wire.q("L65_C_DecisionRequest"))
    _wire.write_file(empty, FILE)
    assert refusal(handler.send_decision_c(ctx, empty)) == (
        handler.MISSING, "mandatory argument missing: CancellationFormC")
    no_file = etree.Element(_wire.q("L65_C_DecisionRequest"))
    assert refusal(handler.send_decision_c(ctx, no_file))[0] == handler.MISSING
    extra = _request(ssin)
    etree.SubElement(extra, _wire.q("Unexpected"))
    assert refusal(handler.send_decision_c(ctx, extra))[0] == handler.INVALID
    bad_date = _request(ssin)
    bad_date.find(f"{_wire.q('CancellationFormC')}/{_wire.q('EntryDate')}").text = "x"
    assert refusal(handler.send_decision_c(ctx, bad_date))[0] == handler.INVALID
    other = handler_context(sandbox, organisation="0212344876")
    assert refusal(handler.send_decision_c(other, _request(ssin)))[0] == "MSG00013"
    unknown = str(make(D(2004, 12, 30), 987, kind=SsinKind.TEST))
    assert refusal(handler.send_decision_c(ctx, _request(unknown)))[0] == "MSG00005"


def test_the_handler_refuses_dates_in_the_future_per_form(sandbox: Sandbox) -> None:
    ctx = handler_context(sandbox)
    ssin = _person(sandbox, 0)
    attest = _attest_id()
    late = _form(attest_id=attest, entry_date=TODAY + dt.timedelta(days=2),
                 decision_date=TODAY + dt.timedelta(days=1))
    answer = handler.send_decision_c(ctx, _request(ssin, late))
    assert answer.ok == "YES" and answer.payload is not None
    (result,) = _wire.read_results(answer.payload, "DecisionResultC")
    assert result.evaluation is Evaluation.REFUSED
    assert [e.code for e in result.errors] == [handler.BAD_DATES]
    assert not sandbox.state.records(handler.C_KIND, key=attest)


# --- end to end over HTTP ---------------------------------------------------------------------


@pytest.mark.e2e
def test_ending_a_right_is_accepted_once(client: KszClient, sandbox: Sandbox) -> None:
    ssin = _person(sandbox, 1)
    _integrate(sandbox, client, ssin)
    attest = _attest_id()
    first = _cancel(client, ssin, attest, decision_date=TODAY - dt.timedelta(days=3),
                    suffix=2)
    assert first.accepted and first.file == FILE
    (result,) = first.results
    assert (result.attest_id, result.ssin, result.suffix, result.entry_date) == (
        attest, ssin, 2, TODAY)
    assert len(result.reference_pod) == 10 and result.errors == ()
    assert first.status.value == "DATA_FOUND" and first.receipt.ticket_cbss
    (record,) = sandbox.state.records(handler.C_KIND, key=attest)
    assert record.ssin == ssin and record.data["reference"] == result.reference_pod
    # The same right cannot end twice: the POD MI refuses the second form.
    again = _cancel(client, ssin, attest)
    assert not again.accepted
    (refused,) = again.results
    assert refused.evaluation is Evaluation.REFUSED
    assert [e.code for e in refused.errors] == [handler.ALREADY_ENDED]
    assert len(sandbox.state.records(handler.C_KIND, key=attest)) == 1


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"decision_date": TODAY + dt.timedelta(days=1)}, ValidationError, "future"),
        ({"entry_date": TODAY + dt.timedelta(days=1)}, ValidationError, "future"),
        ({"decision_date": "1/3/2026"}, ValidationError, "YYYY-MM-DD"),
        ({"attest_id": "short"}, ValidationError, "15 characters"),
        ({"file_id": "DOS"}, ValidationError, "11 characters"),
        ({"nature": ""}, ValidationError, "1 character"),
        ({"reason": "ABC"}, ValidationError, "2 characters"),
        ({"suffix": -1}, ValidationError, "between 0 and 99"),
        ({"decision_date": "2001-01-01", "entry_date": "2001-02-01"}, ValidationError,
         "2002-01-01"),
    ],
)
def test_bad_input_raises_before_anything_is_sent(
    sandbox_config: KszConfig, changes: dict[str, object], error: type[Exception],
    message: str,
) -> None:
    with bound(sandbox_config, transport=NoNetwork()) as client:
        with pytest.raises(error, match=message):
            _cancel(client, "85073003328", **{"attest_id": "A" * 15, **changes})
        with pytest.raises(InvalidSsin):
            _cancel(client, "85073003329", "A" * 15)


@pytest.mark.e2e
def test_finality_for_quality_code_3_before_sending_and_by_the_service(
    sandbox_config: KszConfig, sandbox: Sandbox
) -> None:
    ssin = not_integrated(sandbox, 499)
    capture = Capture()
    with bound(sandbox_config, capture) as client:
        with pytest.raises(NotIntegrated):
            _cancel(client, ssin, _attest_id())
        # Integrated for leefloon (2) only: the Law of 1965 needs quality code 3.
        client.integrations.add(Integration(ORG, ssin, 2, TODAY - dt.timedelta(days=1)))
        with pytest.raises(NotIntegrated):
            _cancel(client, ssin, _attest_id())
        assert capture.operations() == []
        client.integrations.add(Integration(ORG, ssin, 3, TODAY - dt.timedelta(days=1)))
        with pytest.raises(NotIntegrated) as caught:
            _cancel(client, ssin, _attest_id())
        assert caught.value.code == "MSG00012"
        assert capture.operations() == ["sendDecisionC"]


@pytest.mark.e2e
def test_unknown_and_replaced_ssins_are_typed_refusals(client: KszClient,
                                                       sandbox: Sandbox) -> None:
    population = sandbox.population
    unknown = str(make(D(2004, 12, 30), 985, kind=SsinKind.TEST))
    _integrate(sandbox, client, unknown)
    with pytest.raises(NoResult) as caught:
        _cancel(client, unknown, _attest_id())
    assert caught.value.code == "MSG00005"
    index = next(i for i in range(180, 260) if population.replaced_by(i) is not None)
    old = str(population.ssin_of(index))
    _integrate(sandbox, client, old)
    with pytest.raises(NoResult) as replaced:
        _cancel(client, old, _attest_id())
    assert replaced.value.code == "MSG00006" and old not in str(replaced.value)


@pytest.mark.e2e
def test_the_file_must_be_the_callers(client: KszClient, sandbox: Sandbox,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    ssin = _person(sandbox, 3)
    _integrate(sandbox, client, ssin)
    real = _wire.write_c_request

    def foreign(payload, file, subject, forms):  # type: ignore[no-untyped-def]
        real(payload, FileIdentification("0212344876", file.file_id), subject, forms)

    monkeypatch.setattr(_wire, "write_c_request", foreign)
    with pytest.raises(NotAuthorized) as caught:
        _cancel(client, ssin, _attest_id())
    assert caught.value.code == "MSG00013"


@pytest.mark.e2e
def test_an_answer_about_another_form_is_a_response_error(
    client: KszClient, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    ssin = _person(sandbox, 4)
    _integrate(sandbox, client, ssin)
    real = _wire.write_result

    def other(reply, tag, result):  # type: ignore[no-untyped-def]
        return real(reply, tag, dataclasses.replace(result, attest_id="Z" * 15))

    monkeypatch.setattr(_wire, "write_result", other)
    with pytest.raises(ResponseError, match="another file or form"):
        _cancel(client, ssin, _attest_id())


# --- in doubt: never re-sent ------------------------------------------------------------------


@pytest.mark.e2e
def test_a_lost_answer_is_in_doubt_and_never_resent(
    sandbox_config: KszConfig, sandbox: Sandbox, tmp_path: Path
) -> None:
    ssin = _person(sandbox, 5)
    attest = _attest_id()
    capture = Capture()
    with bound(audited(sandbox_config, tmp_path), capture) as client:
        _integrate(sandbox, client, ssin)
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as caught:
            _cancel(client, ssin, attest)
        assert capture.operations() == ["sendDecisionC"]
        assert len(sandbox.state.records(handler.C_KIND, key=attest)) == 1
        log = client.audit
        assert log is not None
        (doubt,) = log.in_doubt(reader="test")
        assert (doubt.call_id, doubt.operation) == (caught.value.call_id, "sendDecisionC")
        # The same form is refused before sending until the doubt is resolved.
        with pytest.raises(InDoubtError):
            _cancel(client, ssin, attest)
        assert capture.operations() == ["sendDecisionC"]
    assert len(sandbox.state.records(handler.C_KIND, key=attest)) == 1


# --- official contract ------------------------------------------------------------------------


@pytest.mark.contracts
@pytest.mark.e2e
def test_what_travels_validates_against_the_official_schemas(
    sandbox_config: KszConfig, sandbox: Sandbox, official_contracts: Path
) -> None:
    ssin = _person(sandbox, 6)
    capture = Capture()
    with bound(sandbox_config, capture) as client:
        _integrate(sandbox, client, ssin)
        attest = _attest_id()
        _cancel(client, ssin, attest, former_cancellation="1")
        _cancel(client, ssin, attest)  # refused: ErrorsOnForm travels too
    assert check_official(official_contracts, capture, ROOT) == 2
    document, _ = ssdn_request(capture.seen[0][0].request)
    request = document.find(f"{{{_ssdn.SSDN_NS}}}ServiceRequest")
    assert request.findtext(f"{{{_ssdn.SSDN_NS}}}ServiceId") == "OCMWCPASWet65Loi65C"
    assert request.findtext(f"{{{_ssdn.SSDN_NS}}}Version") == SERVICE.version


# --- command line -----------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_generated_command(sandbox: Sandbox, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KSZ_CONFIG", "KSZ_FINALITY_MODE"):
        monkeypatch.delenv(name, raising=False)
    ssin = _person(sandbox, 7)
    config = cli_config(sandbox, tmp_path)
    with KszClient(KszConfig.load(config, env={})) as setup:
        _integrate(sandbox, setup, ssin)
    run = command(config, "wet65-c")
    attest = _attest_id()
    assert run("cancel", ssin, "--file-id", FILE.file_id, "--attest-id", attest,
               "--decision-date", TODAY.isoformat(), "--nature", "1", "--reason", "02",
               "--json") == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["results"][0]["evaluation"] == "ACCEPTED"
    assert run("send-decision-c", ssin, "--file-id", FILE.file_id, "--attest-id", attest,
               "--decision-date", TODAY.isoformat(), "--nature", "1", "--reason", "02") \
        == EXIT_OK
    assert "REFUSED" in capsys.readouterr().out


# === forms A/B: the refund request =============================================================


def _refund(**changes: object) -> RefundRequest:
    form = RefundRequest("R" * 15, D(2026, 3, 2), D(2026, 3, 1),
                         (RequestedAid.FINANCIAL, RequestedAid.HOUSING),
                         Duration(months=6))
    return dataclasses.replace(form, **changes)  # type: ignore[arg-type]


def _ab_request(ssin: str, form: RefundRequest | None = None) -> etree._Element:
    payload = etree.Element(_wire.q("L65_AB_DecisionRequest"), nsmap={"l65": _wire.NS})
    _wire.write_ab_request(payload, FILE, ssin, form or _refund())
    return payload


def _ask(client: KszClient, ssin: str, attest_id: str, **changes: object):  # type: ignore[no-untyped-def]
    kwargs: dict[str, object] = {"file_id": FILE.file_id, "attest_id": attest_id,
                                 "decision_date": TODAY, "aids": "FINANCIAL", "months": 3}
    return client.wet65_ab.request_refund(ssin, **{**kwargs, **changes})  # type: ignore[arg-type]


def test_the_ab_request_validates_against_ours_and_the_official_and_reads_back(
    official_contracts: Path,
) -> None:
    form = _refund(juridical_procedure=True, category="2",
                   duration=Duration(days=10, weeks=2, months=1))
    payload = _ab_request("85073003328", form)
    official = official_schema(official_contracts, "set-a/XSD/SSDN/" + ROOT)
    for schema in (SCHEMA, official):
        assert schema.validate(payload), schema.error_log
    assert _wire.read_ab_request(payload) == (FILE, "85073003328", form)
    payload.find(f"{_wire.q('CommonDecisionB1')}/{_wire.q('DecisionDate')}").text = "x"
    assert not SCHEMA.validate(payload) and not official.validate(payload)


def test_an_ab_reply_round_trips_and_validates(official_contracts: Path) -> None:
    reply = etree.Element(_wire.q(_wire.AB_REPLY))
    _wire.write_file(reply, FILE)
    results = (
        RefundResult("R" * 15, "0000000007", "85073003328", 0, D(2026, 3, 2),
                     Evaluation.PARTIALLY_ACCEPTED,
                     (RefundedAid.FINANCIAL, RefundedAid.HOSPITALIZATION),
                     percentage=5000, proofs_checked="CHECKED", maximum_date=D(2026, 9, 1)),
        RefundResult("S" * 15, "0000000008", "85073003328", 1, D(2026, 3, 2),
                     Evaluation.REFUSED, (),
                     errors=(FormError("B00002", ("no",)),)),
    )
    for result in results:
        _wire.write_ab_result(reply, result)
    official = official_schema(official_contracts, "set-a/XSD/SSDN/" + ROOT)
    for schema in (SCHEMA, official):
        assert schema.validate(reply), schema.error_log
    assert _wire.read_ab_results(reply) == results
    reply.find(f"{_wire.q('DecisionResult')}/{_wire.q('Evaluation')}").text = "MAYBE"
    with pytest.raises(ResponseError, match="unknown Evaluation"):
        _wire.read_ab_results(reply)
    empty = etree.Element(_wire.q(_wire.AB_REPLY))
    with pytest.raises(ResponseError, match="DecisionResult"):
        _wire.read_ab_results(empty)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"attest_id": "R"}, "15 characters"),
        ({"aids": ()}, "at least one aid"),
        ({"aids": (RequestedAid.HOUSING, RequestedAid.FINANCIAL)}, "schema's order"),
        ({"decision_date": D(2026, 3, 5)}, "after the entry date"),
        ({"category": "123"}, "1 or 2 characters"),
        ({"entry_date": D(2001, 1, 2), "decision_date": D(2001, 1, 1)}, "2002-01-01"),
    ],
)
def test_a_refund_form_is_validated(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _refund(**changes)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"days": 367}, "between 0 and 366"), ({"weeks": 53}, "between 0 and 52"),
     ({"months": 13}, "between 0 and 12"), ({}, "days, weeks or months"),
     ({"days": 0}, "days, weeks or months")],
)
def test_a_duration_is_validated(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Duration(**kwargs)
    assert Duration(days=1, weeks=1, months=1).total_days == 38


def test_the_ab_handler_refuses_what_it_cannot_read(sandbox: Sandbox) -> None:
    ctx = handler_context(sandbox)
    ssin = _person(sandbox, 0)
    no_form = etree.Element(_wire.q("L65_AB_DecisionRequest"))
    _wire.write_file(no_form, FILE)
    assert refusal(handler.send_decision_ab(ctx, no_form)) == (
        handler.MISSING,
        "mandatory argument missing: IdentificationA, CommonDecisionB1 or IndividualDecisionsB2")
    assert refusal(handler.send_decision_ab(
        ctx, etree.Element(_wire.q("L65_AB_DecisionRequest"))))[0] == handler.MISSING
    bad_flag = _ab_request(ssin)
    aids = bad_flag.find(f"{_wire.q('CommonDecisionB1')}/{_wire.q('RequestedAids')}")
    aids[0].text = "perhaps"
    assert refusal(handler.send_decision_ab(ctx, bad_flag))[0] == handler.INVALID
    extra = _ab_request(ssin)
    etree.SubElement(extra, _wire.q("Unexpected"))
    assert refusal(handler.send_decision_ab(ctx, extra))[0] == handler.INVALID
    other = handler_context(sandbox, organisation="0212344876")
    assert refusal(handler.send_decision_ab(other, _ab_request(ssin)))[0] == "MSG00013"
    unknown = str(make(D(2004, 12, 30), 983, kind=SsinKind.TEST))
    assert refusal(handler.send_decision_ab(ctx, _ab_request(unknown)))[0] == "MSG00005"
    late = _ab_request(ssin, _refund(attest_id=_attest_id(),
                                     entry_date=TODAY + dt.timedelta(days=1)))
    answer = handler.send_decision_ab(ctx, late)
    assert answer.payload is not None
    (result,) = _wire.read_ab_results(answer.payload)
    assert result.evaluation is Evaluation.REFUSED
    assert [e.code for e in result.errors] == [handler.BAD_DATES]


@pytest.mark.e2e
def test_a_refund_request_is_evaluated_and_kept(client: KszClient, sandbox: Sandbox) -> None:
    ssin = _person(sandbox, 8)
    _integrate(sandbox, client, ssin)
    attest = _attest_id()
    reply = _ask(client, ssin, attest, aids=["FinancialAid", RequestedAid.HOUSING],
                 decision_date=TODAY - dt.timedelta(days=1), months=2, weeks=1,
                 category="3")
    assert reply.accepted and reply.file == FILE
    (result,) = reply.results
    assert result.refunded == (RefundedAid.FINANCIAL, RefundedAid.HOUSING)
    assert (result.percentage, result.proofs_checked) == (10000, "CHECKED")
    assert result.maximum_date == TODAY - dt.timedelta(days=1) + dt.timedelta(days=66)
    (record,) = sandbox.state.records(handler.AB_KIND, key=attest)
    assert record.ssin == ssin and record.data["reference"] == result.reference_pod
    twice = _ask(client, ssin, attest)
    assert [e.code for e in twice.results[0].errors] == [handler.ALREADY_REQUESTED]
    partly = _ask(client, ssin, _attest_id(), aids="financial other",
                  juridical_procedure=True)
    assert partly.results[0].evaluation is Evaluation.PARTIALLY_ACCEPTED
    assert partly.results[0].proofs_checked == "INPROGRESS"
    nothing = _ask(client, ssin, _attest_id(), aids="OTHER")
    assert nothing.results[0].evaluation is Evaluation.REFUSED
    assert [e.code for e in nothing.results[0].errors] == [handler.NOT_REFUNDABLE]
    # The right asked can then end with form C.
    assert _cancel(client, ssin, attest).accepted


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"aids": "FINANCIAL,GIFTS"}, "an aid is one of"),
        ({"aids": ""}, "at least one aid"),
        ({"months": None}, "days, weeks or months"),
        ({"months": 13}, "between 0 and 12"),
        ({"decision_date": TODAY + dt.timedelta(days=1)}, "future"),
        ({"attest_id": "R"}, "15 characters"),
        ({"category": "ABC"}, "1 or 2 characters"),
    ],
)
def test_bad_refund_input_raises_before_anything_is_sent(
    sandbox_config: KszConfig, changes: dict[str, object], message: str,
) -> None:
    with bound(sandbox_config, transport=NoNetwork()) as client, \
            pytest.raises(ValidationError, match=message):
        _ask(client, "85073003328", **{"attest_id": "R" * 15, **changes})


@pytest.mark.e2e
def test_refund_finality_and_in_doubt(sandbox_config: KszConfig, sandbox: Sandbox,
                                      tmp_path: Path) -> None:
    capture = Capture()
    with bound(audited(sandbox_config, tmp_path), capture) as client:
        stranger = not_integrated(sandbox, 499)
        with pytest.raises(NotIntegrated):
            _ask(client, stranger, _attest_id())
        assert capture.operations() == []
        ssin = _person(sandbox, 9)
        _integrate(sandbox, client, ssin)
        attest = _attest_id()
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError):
            _ask(client, ssin, attest)
        with pytest.raises(InDoubtError):
            _ask(client, ssin, attest)
        assert capture.operations() == ["sendDecisionAB"]
    assert len(sandbox.state.records(handler.AB_KIND, key=attest)) == 1


@pytest.mark.contracts
@pytest.mark.e2e
def test_what_ab_sends_and_receives_validates_against_the_official_schemas(
    sandbox_config: KszConfig, sandbox: Sandbox, official_contracts: Path
) -> None:
    ssin = _person(sandbox, 10)
    capture = Capture()
    with bound(sandbox_config, capture) as client:
        _integrate(sandbox, client, ssin)
        attest = _attest_id()
        _ask(client, ssin, attest, aids="FINANCIAL,MEDICAL_AND_PHARMACEUTICAL", days=20,
             category="1")
        _ask(client, ssin, attest)  # refused: ErrorsOnForm travels too
    assert check_official(official_contracts, capture, ROOT) == 2


@pytest.mark.e2e
def test_the_generated_refund_command(sandbox: Sandbox, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KSZ_CONFIG", "KSZ_FINALITY_MODE"):
        monkeypatch.delenv(name, raising=False)
    ssin = _person(sandbox, 11)
    config = cli_config(sandbox, tmp_path)
    with KszClient(KszConfig.load(config, env={})) as setup:
        _integrate(sandbox, setup, ssin)
    assert command(config, "wet65-ab")(
        "request_refund", ssin, "--file-id", FILE.file_id, "--attest-id", _attest_id(),
        "--decision-date", TODAY.isoformat(), "--aids", "FINANCIAL,HOUSING", "--months", "4",
        "--json") == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["results"][0]["evaluation"] == "ACCEPTED"


# === forms D/F: the amounts recovered (form F) =================================================


def _recovery(**changes: object) -> Recovery:
    form = Recovery("R" * 15, 0, D(2026, 3, 2), "B", "01", Money.parse("125.40"),
                    D(2026, 1, 1), D(2026, 2, 28))
    return dataclasses.replace(form, **changes)  # type: ignore[arg-type]


def _df_request(ssin: str, *forms: Recovery) -> etree._Element:
    payload = etree.Element(_wire.q("L65_DF_DecisionRequest"), nsmap={"l65": _wire.NS})
    _wire.write_df_request(payload, FILE, ssin, forms or (_recovery(),))
    return payload


def _recover(client: KszClient, ssin: str, attest_id: str, **changes: object):  # type: ignore[no-untyped-def]
    kwargs: dict[str, object] = {"file_id": FILE.file_id, "attest_id": attest_id,
                                 "amount": "125.40", "original_form": "B",
                                 "recovery_type": "01"}
    return client.wet65_df.register_recovery(ssin, **{**kwargs, **changes})  # type: ignore[arg-type]


def test_the_df_request_validates_against_ours_and_the_official_and_reads_back(
    official_contracts: Path,
) -> None:
    forms = (_recovery(), _recovery(attest_id="S" * 15, suffix=4, period_start=None,
                                    period_end=None, amount=Money(1)))
    payload = _df_request("85073003328", *forms)
    official = official_schema(official_contracts, "set-a/XSD/SSDN/" + ROOT)
    for schema in (SCHEMA, official):
        assert schema.validate(payload), schema.error_log
    assert _wire.read_df_request(payload) == (FILE, [("85073003328", f) for f in forms])
    amount = payload.find(f".//{_wire.q('RecoveredAmount')}")
    assert amount.text == "12540"  # whole cents
    amount.text = "123456789"
    assert not SCHEMA.validate(payload) and not official.validate(payload)


def test_a_df_reply_round_trips_and_validates(official_contracts: Path) -> None:
    reply = etree.Element(_wire.q(_wire.DF_REPLY))
    _wire.write_file(reply, FILE)
    results = (
        RecoveryResult("R" * 15, "0000000009", "85073003328", 0, Evaluation.ACCEPTED,
                       D(2026, 3, 2), total_accepted=Money(25_080)),
        RecoveryResult("S" * 15, "0000000010", "85073003328", 0, Evaluation.REFUSED,
                       errors=(FormError("F00001", ("no",)),)),
    )
    for result in results:
        _wire.write_df_result(reply, result)
    official = official_schema(official_contracts, "set-a/XSD/SSDN/" + ROOT)
    for schema in (SCHEMA, official):
        assert schema.validate(reply), schema.error_log
    assert _wire.read_df_results(reply) == results
    with pytest.raises(ResponseError, match="DecisionResultDF"):
        _wire.read_df_results(etree.Element(_wire.q(_wire.DF_REPLY)))
    reply.find(f"{_wire.q('DecisionResultDF')}/{_wire.q('TotalAcceptedAmount')}").text = "1.5"
    with pytest.raises(ResponseError, match="whole number"):
        _wire.read_df_results(reply)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": Money(0)}, "positive"),
        ({"amount": Money(10**8)}, "at most 999999.99"),
        ({"original_form": "BB"}, "1 character"),
        ({"kind": "1"}, "2 characters"),
        ({"period_end": D(2025, 1, 1)}, "end before"),
        ({"reference_date": D(2001, 1, 1)}, "2002-01-01"),
        ({"attest_id": "R"}, "15 characters"),
        ({"suffix": 100}, "between 0 and 99"),
    ],
)
def test_a_recovery_form_is_validated(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _recovery(**changes)


def test_the_df_handler_refuses_what_it_cannot_read(sandbox: Sandbox) -> None:
    ctx = handler_context(sandbox)
    ssin = _person(sandbox, 0)
    empty = etree.Element(_wire.q("L65_DF_DecisionRequest"))
    _wire.write_file(empty, FILE)
    assert refusal(handler.send_decision_df(ctx, empty)) == (
        handler.MISSING,
        "mandatory argument missing: RefundformD1, RefundFormD2 or RecoveringFormF")
    assert refusal(handler.send_decision_df(
        ctx, etree.Element(_wire.q("L65_DF_DecisionRequest"))))[0] == handler.MISSING
    bad = _df_request(ssin)
    bad.find(f".//{_wire.q('RecoveredAmount')}").text = "lots"
    assert refusal(handler.send_decision_df(ctx, bad))[0] == handler.INVALID
    bad_period = _df_request(ssin)
    bad_period.find(f".//{_wire.q('PeriodOfRecovering')}")[0].text = "soon"
    assert refusal(handler.send_decision_df(ctx, bad_period))[0] == handler.INVALID
    other = handler_context(sandbox, organisation="0212344876")
    assert refusal(handler.send_decision_df(other, _df_request(ssin)))[0] == "MSG00013"
    unknown = str(make(D(2004, 12, 30), 981, kind=SsinKind.TEST))
    assert refusal(handler.send_decision_df(ctx, _df_request(unknown)))[0] == "MSG00005"
    late = _df_request(ssin, _recovery(reference_date=TODAY + dt.timedelta(days=1)))
    answer = handler.send_decision_df(ctx, late)
    assert answer.payload is not None
    assert [e.code for e in _wire.read_df_results(answer.payload)[0].errors] == [
        handler.BAD_DATES]


@pytest.mark.e2e
def test_recovered_amounts_add_up_on_a_refunded_attest(client: KszClient,
                                                       sandbox: Sandbox) -> None:
    ssin = _person(sandbox, 12)
    _integrate(sandbox, client, ssin)
    attest = _attest_id()
    # Nothing refunded on the attest yet: the recovery is refused.
    refused = _recover(client, ssin, attest)
    assert [e.code for e in refused.results[0].errors] == [handler.NO_REFUND]
    assert _ask(client, ssin, attest).accepted
    first = _recover(client, ssin, attest, start="2026-01-01", end="2026-01-31")
    assert first.accepted and first.results[0].total_accepted == Money.parse("125.40")
    second = _recover(client, ssin, attest, amount=Decimal("0.60"), suffix=1)
    assert second.results[0].total_accepted == Money.parse("126.00")
    assert second.results[0].reference_date == TODAY
    assert len(sandbox.state.records(handler.F_KIND, ssin=ssin)) == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": 1.5}, "never a float"),
        ({"amount": "1.234"}, "two decimals"),
        ({"amount": "0"}, "positive"),
        ({"reference_date": TODAY + dt.timedelta(days=1)}, "future"),
        ({"start": "2026-02-01", "end": "2026-01-01"}, "end before"),
        ({"recovery_type": "1"}, "2 characters"),
    ],
)
def test_bad_recovery_input_raises_before_anything_is_sent(
    sandbox_config: KszConfig, changes: dict[str, object], message: str,
) -> None:
    with bound(sandbox_config, transport=NoNetwork()) as client, \
            pytest.raises(ValidationError, match=message):
        _recover(client, "85073003328", "R" * 15, **changes)


@pytest.mark.e2e
def test_recovery_finality_in_doubt_and_official_contract(
    sandbox_config: KszConfig, sandbox: Sandbox, tmp_path: Path, official_contracts: Path
) -> None:
    capture = Capture()
    with bound(audited(sandbox_config, tmp_path), capture) as client:
        with pytest.raises(NotIntegrated):
            _recover(client, not_integrated(sandbox, 499), _attest_id())
        assert capture.operations() == []
        ssin = _person(sandbox, 13)
        _integrate(sandbox, client, ssin)
        attest = _attest_id()
        assert _ask(client, ssin, attest).accepted
        _recover(client, ssin, attest)
        _recover(client, ssin, _attest_id())  # refused: ErrorsOnForm travels too
        assert check_official(official_contracts, capture, ROOT) == 3
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError):
            _recover(client, ssin, attest, amount="10.00")
        with pytest.raises(InDoubtError):
            _recover(client, ssin, attest, amount="10.00")
        assert capture.operations()[-1] == "sendDecisionDF"
    # The lost one was processed once, and never sent again.
    assert len(sandbox.state.records(handler.F_KIND, ssin=ssin)) == 2


@pytest.mark.e2e
def test_the_generated_recovery_command(sandbox: Sandbox, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KSZ_CONFIG", "KSZ_FINALITY_MODE"):
        monkeypatch.delenv(name, raising=False)
    ssin = _person(sandbox, 14)
    config = cli_config(sandbox, tmp_path)
    with KszClient(KszConfig.load(config, env={})) as setup:
        _integrate(sandbox, setup, ssin)
        attest = _attest_id()
        acting = setup.acting_for(user="sw-1", legal_context="PCSA:SOCIAL_INQUIRY")
        assert _ask(acting, ssin, attest).accepted
    assert command(config, "wet65-df")(
        "register_recovery", ssin, "--file-id", FILE.file_id, "--attest-id", attest,
        "--amount", "99.99", "--original-form", "B", "--recovery-type", "01",
        "--json") == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["results"][0]["total_accepted"]["cents"] == 9999


# === every part of the A/B and D/F forms, STATUT65, reconcile =================================

from ksz_client.services.wet65 import models as m  # noqa: E402
from ksz_client.types import Address, Month, PartialDate, PersonName  # noqa: E402

PARTNER = "85073003328"


def _identification(attest: str = "I" * 15) -> m.Identification:
    return m.Identification(attest, D(2026, 3, 2), m.PrimaryBeneficiary(
        status="1", address=Address(street="Rue Haute", house_number="12", box="B",
                                    postal_code="1000"),
        nationality=150, name=PersonName("Peeters", ("An", "Marie")),
        birth_date=PartialDate(1985, 7), institution="3", gender=m.Gender.FEMALE,
        real_life_situation="2", first_inscription=D(2010, 5, 1), uninterrupted_stay="1"),
        (m.SecondaryBeneficiary(PARTNER, 1, "2", 150, "01", PersonName("Janssens"),
                                PartialDate(1980)),))


def _full_refund(attest: str = "R" * 15) -> RefundRequest:
    return _refund(attest_id=attest, secondary=(m.BeneficiaryRef(PARTNER, 1),),
                   primary_aids=m.SocialAid(m.Art60p7("1", "2", "3"), art61=True,
                                            activation_type="4", partner_convention="5",
                                            alimony=False),
                   partner_aids=m.SocialAid(art61=False), rn_rr_inscription="1",
                   housing_provision="2", housing_proofs_provided=True, category="3")


def _b2(attest: str = "R" * 15, **changes: object) -> m.IndividualDecision:
    form = m.IndividualDecision(attest, D(2026, 3, 2), D(2026, 3, 1), Duration(days=30),
                                suffix=1, ssin=PARTNER, ambulant_costs=True,
                                hospitalization_costs=False, rn_rr_inscription="1",
                                juridical_procedure=False)
    return dataclasses.replace(form, **changes)  # type: ignore[arg-type]


def _d1(attest: str = "R" * 15, total: str = "812.40") -> m.MonthlyRefund:
    cents = Money.parse
    return m.MonthlyRefund(attest, Month(2026, 2), m.DeliveredAmounts(
        double_maximum=False, financial=m.FinancialAidAmount(cents("700.00"), cents("120.50")),
        medical=(cents("40.00"), cents("12.40")), pharmaceutical=(cents("10.00"),),
        mut_base_contribution=cents("25.00"), housing=cents("25.00"),
        birth_allowance=m.BirthAllowanceAmount(None, D(2026, 2, 3), 1, 0),
        child_allowance=m.ChildAllowanceAmount(None, 2), other=None),
        cents(total), primary_aids=m.ActivationAmounts(art60p7=cents("100.00"),
                                                       social_economy_initiative=123456,
                                                       social_economy_days=12),
        health_service_registration=D(2026, 1, 1), juridical_procedure=False)


def _d2(attest: str = "R" * 15, total: str = "1530.00") -> m.CareRefund:
    return m.CareRefund(attest, D(2026, 3, 2), 71000123, Money.parse(total), suffix=0,
                        ssin=None, cbe_number=207000123,
                        bills=(m.HospitalBill("F-2026-001", 2026, Money.parse("1200.00")),),
                        remaining_hospital_costs=Money.parse("200.00"),
                        ambulant_medical=Money.parse("100.00"),
                        ambulant_pharmaceutical=Money.parse("30.00"))


def test_every_ab_part_validates_against_ours_and_the_official_and_reads_back(
    official_contracts: Path,
) -> None:
    payload = etree.Element(_wire.q("L65_AB_DecisionRequest"), nsmap={"l65": _wire.NS})
    identification, refund = _identification(), _full_refund()
    _wire.write_ab_request(payload, FILE, "85073003328", refund,
                           identification=identification, individual=(_b2(), _b2(suffix=0,
                                                                               ssin=None)))
    official = official_schema(official_contracts, "set-a/XSD/SSDN/" + ROOT)
    for schema in (SCHEMA, official):
        assert schema.validate(payload), schema.error_log
    asked = _wire.read_ab_forms(payload)
    assert (asked.file, asked.ssin, asked.identification, asked.refund) == (
        FILE, "85073003328", identification, refund)
    assert asked.individual == (_b2(), _b2(suffix=0, ssin="85073003328"))
    assert asked.attest_ids == ("I" * 15, "R" * 15)
    # Form A alone is a request too; a nationality out of range breaks both schemas.
    alone = etree.Element(_wire.q("L65_AB_DecisionRequest"), nsmap={"l65": _wire.NS})
    _wire.write_ab_request(alone, FILE, "85073003328", None, identification=identification)
    assert SCHEMA.validate(alone) and official.validate(alone)
    alone.find(f".//{_wire.q('Nationality')}").text = "1000"
    assert not SCHEMA.validate(alone) and not official.validate(alone)


def test_every_df_part_and_decision_on_amounts_validate_and_read_back(
    official_contracts: Path,
) -> None:
    payload = etree.Element(_wire.q("L65_DF_DecisionRequest"), nsmap={"l65": _wire.NS})
    recovery = Recovery("R" * 15, 0, D(2026, 3, 1), "B", "01", Money.parse("50.00"))
    _wire.write_df_request(payload, FILE, "85073003328", (recovery,), monthly=_d1(),
                           care=(_d2(),))
    official = official_schema(official_contracts, "set-a/XSD/SSDN/" + ROOT)
    for schema in (SCHEMA, official):
        assert schema.validate(payload), schema.error_log
    asked = _wire.read_df_forms(payload)
    assert asked.monthly == ("85073003328", _d1())
    assert asked.care == (dataclasses.replace(_d2(), ssin="85073003328"),)
    assert asked.recoveries == [("85073003328", recovery)]
    share = m.AcceptedShare(Money.parse("700.00"), 100)
    decision = m.DecisionOnAmounts(
        financial=share, medical=share, other=share, bills=(("F-2026-001", Money.parse("9")),),
        remaining_hospital_costs=Money.parse("1"), ambulant_medical=Money.parse("2"),
        primary_aids=m.ActivationAmounts(art60p7=Money.parse("100")))
    reply = etree.Element(_wire.q(_wire.DF_REPLY))
    _wire.write_file(reply, FILE)
    result = RecoveryResult("R" * 15, "0000000009", "85073003328", 0, Evaluation.ACCEPTED,
                            total_accepted=Money.parse("812.40"), month=Month(2026, 2),
                            entry_date=D(2026, 3, 2), manual_verification=False,
                            decision=decision)
    _wire.write_df_result(reply, result)
    for schema in (SCHEMA, official):
        assert schema.validate(reply), schema.error_log
    assert _wire.read_df_results(reply) == (result,)
    reply.find(f".//{_wire.qc('AcceptedAmount')}").getparent().remove(
        reply.find(f".//{_wire.qc('AcceptedAmount')}"))
    with pytest.raises(ResponseError, match="AcceptedAmount"):
        _wire.read_df_results(reply)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: dataclasses.replace(_identification().primary, nationality=1000),
         "between 0 and 999"),
        (lambda: dataclasses.replace(_identification().primary,
                                     address=Address(street="x", postal_code="10000")),
         "postal code"),
        (lambda: m.SecondaryBeneficiary(PARTNER, 1, "2", 99, "01"), "between 100 and 999"),
        (lambda: dataclasses.replace(_identification(), secondary=(
            _identification().secondary * 2)), "own suffix"),
        (lambda: _b2(decision_date=D(2026, 3, 3)), "after the entry date"),
        (lambda: _b2(suffix=100), "between 0 and 99"),
        (lambda: _full_refund().__class__(**{**dataclasses.asdict(_refund()),
                                            "housing_proofs_provided": True}),
         "housing provision"),
        (lambda: m.DeliveredAmounts(False, medical=(Money.parse("1"),) * 6), "at most 5"),
        (lambda: m.DeliveredAmounts(False, housing=Money.from_cents(-1)), "between 0"),
        (lambda: m.MonthlyRefund("R" * 15, Month(2001, 12), m.DeliveredAmounts(False),
                                 Money.parse("1")), "2002-01"),
        (lambda: m.HospitalBill("x" * 16, 2026, Money.parse("1")), "1 to 15"),
        (lambda: dataclasses.replace(_d2(), total=Money.from_cents(10**8)), "999999.99"),
        (lambda: m.ActivationAmounts(social_economy_days=100), "2 digits"),
        (lambda: m.Art60p7("1", "123", "1"), "1 or 2 characters"),
    ],
)
def test_a_form_part_is_validated(make: Callable[[], object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        make()


def _forms_ab(client: KszClient, ssin: str, attest: str, **changes: object):  # type: ignore[no-untyped-def]
    identification = dataclasses.replace(_identification(attest), secondary=(),
                                         entry_date=TODAY)
    kwargs: dict[str, object] = {
        "file_id": FILE.file_id, "identification": identification,
        "refund": _refund(attest_id=attest, entry_date=TODAY, decision_date=TODAY),
        "individual": [_b2(attest, entry_date=TODAY, decision_date=TODAY, suffix=0,
                           ssin=None)]}
    return client.wet65_ab.send_forms(ssin, **{**kwargs, **changes})  # type: ignore[arg-type]


@pytest.mark.e2e
def test_every_form_goes_and_statut65_lists_the_decisions(
    sandbox_config: KszConfig, sandbox: Sandbox, official_contracts: Path
) -> None:
    ssin = _person(sandbox, 20)
    capture = Capture()
    with bound(sandbox_config, capture) as client:
        _integrate(sandbox, client, ssin)
        attest = _attest_id()
        reply = _forms_ab(client, ssin, attest)
        assert reply.accepted and len(reply.results) == 3
        assert reply.results[2].maximum_date == TODAY + dt.timedelta(days=29)
        monthly = dataclasses.replace(_d1(attest), month=Month.parse(TODAY))
        df = client.wet65_df.send_forms(
            ssin, file_id=FILE.file_id, monthly=monthly,
            care=[dataclasses.replace(_d2(attest), entry_date=TODAY)],
            recoveries=[Recovery(attest, 0, TODAY, "B", "01", Money.parse("50.00"))])
        assert df.accepted and [r.total_accepted for r in df.results] == [
            Money.parse("812.40"), Money.parse("1530.00"), Money.parse("50.00")]
        assert df.results[0].decision is not None and df.results[0].decision.medical == (
            m.AcceptedShare(Money.parse("52.40"), 100))
        assert df.results[1].decision is not None and df.results[1].decision.bills == (
            ("F-2026-001", Money.parse("1200.00")),)
        # A D1 on an attest without a B1 is refused on the form.
        lone = client.wet65_df.send_forms(ssin, file_id=FILE.file_id,
                                          monthly=dataclasses.replace(monthly,
                                                                      attest_id=_attest_id()))
        assert [e.code for e in lone.results[0].errors] == [handler.NO_REFUND]
        _cancel(client, ssin, attest)
        listing = client.attestations.list(ssin, request_type="STATUT65", start="2002-01-01")
        mine = listing.by_reference(attest, ORG)
        assert sorted(a.form_type or "" for a in mine) == ["A", "B1", "B2", "C", "D1", "D2", "F"]
        assert {a.attest_type_code for a in mine} == {"STATUT65"}
        assert {a.amount for a in mine if a.form_type == "F"} == {Money.parse("50.00")}
        # RIS does not list them; a search period after the decisions neither.
        assert not client.attestations.list(ssin, request_type="RIS",
                                            start="2002-01-01").by_reference(attest)
        later = client.attestations.list(ssin, request_type="STATUT65",
                                         start=TODAY + dt.timedelta(days=400))
        assert not later.by_reference(attest)
    assert check_official(official_contracts, _only(capture, (
        "sendDecisionAB", "sendDecisionDF", "sendDecisionC")), ROOT) == 4


def _only(capture: Capture, operations: tuple[str, ...]) -> Capture:
    kept = Capture()
    kept.seen = [(e, o) for e, o in capture.seen if e.operation in operations]
    return kept


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"identification": None, "refund": None, "individual": []}, "holds form A, B1 or B2"),
        ({"individual": [_b2("R" * 15, entry_date=TODAY + dt.timedelta(days=1),
                             decision_date=TODAY)]}, "future"),
        ({"individual": [_b2("R" * 15, ssin="12345678901")]}, "out of range"),
    ],
)
def test_bad_forms_raise_before_anything_is_sent(
    sandbox_config: KszConfig, changes: dict[str, object], message: str,
) -> None:
    with bound(sandbox_config, transport=NoNetwork()) as client, \
            pytest.raises((ValidationError, InvalidSsin), match=message):
        _forms_ab(client, "85073003328", "R" * 15, **changes)
    with bound(sandbox_config, transport=NoNetwork()) as client, \
            pytest.raises(ValidationError, match="holds form D1, D2 or F"):
        client.wet65_df.send_forms("85073003328", file_id=FILE.file_id)
    with bound(sandbox_config, transport=NoNetwork()) as client, \
            pytest.raises(ValidationError, match="month lies in the future"):
        client.wet65_df.send_forms("85073003328", file_id=FILE.file_id, monthly=dataclasses.replace(
            _d1(), month=Month.parse(TODAY + dt.timedelta(days=40))))


@pytest.mark.e2e
def test_in_doubt_forms_are_never_resent_and_reconcile_through_statut65(
    sandbox_config: KszConfig, sandbox: Sandbox, tmp_path: Path
) -> None:
    ssin = _person(sandbox, 21)
    capture = Capture()
    config = audited(sandbox_config, tmp_path)
    with bound(config, capture) as client:
        _integrate(sandbox, client, ssin)
        attest = _attest_id()
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as lost:
            _forms_ab(client, ssin, attest)
        with pytest.raises(InDoubtError):
            _forms_ab(client, ssin, attest)
        assert capture.operations() == ["sendDecisionAB"]
        with pytest.raises(ValidationError, match="also needs: attest_id"):
            client.reconcile(lost.value.call_id)
        outcome = client.reconcile(lost.value.call_id, attest_id=attest)
        assert outcome.applied and outcome.recorded  # type: ignore[attr-defined]
        assert capture.operations() == ["sendDecisionAB", "listOfAttestations"]
        # D/F: an amount recovered, lost after sending; told apart from others by its amount.
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as lost_f:
            client.wet65_df.register_recovery(ssin, file_id=FILE.file_id, attest_id=attest,
                                              amount="75.10", original_form="B",
                                              recovery_type="01")
        with pytest.raises(ValidationError, match="also needs: amount"):
            client.reconcile(lost_f.value.call_id, attest_id=attest)
        found = client.reconcile(lost_f.value.call_id, attest_id=attest, amount="75.10")
        assert found.applied  # type: ignore[attr-defined]
        # C: an ended right.
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as lost_c:
            _cancel(client, ssin, attest)
        log = client.audit
        assert log is not None and [r.call_id for r in log.in_doubt(reader="t")] == [
            lost_c.value.call_id]
        ended = client.wet65_c.reconcile(lost_c.value.call_id, ssin, attest_id=attest)
        assert ended.applied and log.in_doubt(reader="t") == []
    assert len(sandbox.state.records(handler.AB_KIND, key=attest)) == 1
    assert len(sandbox.state.records(handler.F_KIND, ssin=ssin)) == 1
    assert len(sandbox.state.records(handler.C_KIND, key=attest)) == 1
    with bound(config, transport=losing_first(config)) as client:
        attest2 = _attest_id()
        with pytest.raises(InDoubtError) as never:
            _forms_ab(client, ssin, attest2)
        missing = client.wet65_ab.reconcile(never.value.call_id, ssin, attest_id=attest2)
        assert missing.applied is False and missing.recorded
        again = _forms_ab(client, ssin, attest2)
        assert again.accepted


@pytest.mark.parametrize("read", [_wire.read_c_request, _wire.read_ab_request,
                                  _wire.read_ab_forms, _wire.read_df_request,
                                  _wire.read_df_forms])
def test_a_request_without_a_readable_file_is_refused_as_invalid_input(
    read: Callable[[etree._Element], object],
) -> None:
    # The sandbox's side: a bad request is the sender's fault (ValidationError), never a
    # ResponseError, whichever form the request carries.
    payload = {
        _wire.read_c_request: lambda: _request("85073003328", _form()),
        _wire.read_df_request: lambda: _df_request("85073003328", _recovery()),
        _wire.read_df_forms: lambda: _df_request("85073003328", _recovery()),
    }.get(read, lambda: _ab_request("85073003328", _refund()))()
    file_id = payload.find(f"{_wire.qc('FileIdentification')}/{_wire.qc('FileID')}")
    assert file_id is not None
    file_id.text = "short"
    with pytest.raises(ValidationError, match=r"FileID|file"):
        read(payload)
    file_el = payload.find(_wire.qc("FileIdentification"))
    assert file_el is not None
    payload.remove(file_el)
    with pytest.raises(ValidationError, match="mandatory argument missing: FileIdentification"):
        read(payload)
