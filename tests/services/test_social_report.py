"""ElectronicSocialReport V1: mapping (unit), end to end, in doubt, contract, CLI."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _contracts, _xml, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import (
    InDoubtError,
    InvalidData,
    InvalidSsin,
    ResponseError,
    SsinReplaced,
    UnknownSsin,
    ValidationError,
)
from ksz_client.audit import AuditLog
from ksz_client.audit._guard import belgian_today
from ksz_client.cli import EXIT_OK
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, SECOND_OCMW_CBE_NUMBER, Sandbox
from ksz_client.sandbox.handlers.social_report import KIND
from ksz_client.services.social_report import FileInfo, Gpmi, SocialReport, _wire
from ksz_client.ssin import Ssin, SsinKind, make
from ksz_client.types import Period

from .official_helpers import (
    assert_wsdl_agrees,
    ours_with_official_common,
)
from .sandbox_world import (  # noqa: F401 - fixtures
    assert_refused_unless_integrated,
    cli_setup,
    command,
    exchanged,
    index_from,
    integrate,
    own_sandbox,
    own_sandbox_config_path,
    social_worker,
    traced,
)

SERVICE = catalogue.get("ElectronicSocialReport")
NS = SERVICE.namespace
D = dt.date
# The KSZ counts days in Belgium; the client does too (KszClient._today).
TODAY = belgian_today(dt.datetime.now(dt.UTC))
BASE = 333  # where this module starts looking for persons
TO = SECOND_OCMW_CBE_NUMBER
REPORT = {"recipient": TO, "file_number": "SD/2026-17", "opened_on": "2025-03-01"}


def _person(sandbox: Sandbox, start: int) -> Ssin:
    return sandbox.population.ssin_of(index_from(sandbox, BASE + start))


def _records(sandbox: Sandbox, ssin: object) -> list[object]:
    return list(sandbox.state.records(KIND, ssin=str(ssin)))


def _report(**changes: object) -> SocialReport:
    report = SocialReport(Ssin("85073003328"), TO, FileInfo("SD/1", D(2025, 1, 2), D(2026, 1, 1)),
                          Gpmi(D(2025, 2, 1), Period(D(2025, 2, 1), D(2026, 1, 31))),
                          "moved to the partner's municipality")
    return dataclasses.replace(report, **changes)  # type: ignore[arg-type]


# --- mapping (unit) -------------------------------------------------------------------


def test_the_report_round_trips_and_hides_its_summary() -> None:
    for report in (_report(), _report(gpmi=None, summary=None,
                                      file=FileInfo("7", D(2024, 1, 1)))):
        payload = etree.Element("request")
        _wire.write_report(payload, report)
        assert _wire.read_report(payload) == report
    assert "partner" not in repr(_report()) and "85073003328" not in repr(_report())


@pytest.mark.parametrize(
    ("path", "text"),
    [("socialReport/file/openedOn", "soon"), ("socialReport/gpmi/startDate", None),
     ("socialReport/ssin", "123"), ("socialReport/file", None)],
)
def test_the_sandbox_side_refuses_an_unreadable_report(path: str, text: str | None) -> None:
    payload = etree.Element("request")
    _wire.write_report(payload, _report())
    element = payload.find(path)
    assert element is not None
    if text is None:
        element.getparent().remove(element)
    else:
        element.text = text
    with pytest.raises(ValidationError):
        _wire.read_report(payload)


def test_the_registration_is_required() -> None:
    payload = etree.Element("response")
    _wire.write_registration(_xml.sub(payload, "result"), "ESR-1", D(2026, 1, 1))
    assert _wire.read_registration(payload) == ("ESR-1", D(2026, 1, 1))
    payload.find("result").remove(payload.find("result/registrationDate"))
    with pytest.raises(ResponseError, match="registrationDate"):
        _wire.read_registration(payload)
    with pytest.raises(ResponseError):
        _wire.read_registration(etree.Element("response"))


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"ssin": "12345678901"}, InvalidSsin),
        ({"recipient": "0234567874"}, ValidationError),
        ({"recipient": "abc"}, ValidationError),
        ({"recipient": SANDBOX_CBE_NUMBER}, ValidationError),
        ({"file_number": "SD 1"}, ValidationError),
        ({"opened_on": "1/3/2025"}, ValidationError),
        ({"closed_on": "2025-02-01"}, ValidationError),
        ({"opened_on": TODAY + dt.timedelta(days=1)}, ValidationError),
        ({"gpmi_signed_on": "2025-03-01"}, ValidationError),
        ({"gpmi_end": "2025-03-01"}, ValidationError),
        ({"gpmi_signed_on": "2025-03-02", "gpmi_start": "2025-03-01"}, ValidationError),
        ({"gpmi_signed_on": "2025-03-02", "gpmi_start": "2025-04-01",
          "gpmi_end": "2025-03-31"}, ValidationError),
        ({"summary": " "}, ValidationError),
    ],
)
def test_bad_input_raises_before_sending(sandbox_config: KszConfig,
                                         changes: dict[str, object],
                                         error: type[Exception]) -> None:
    arguments: dict[str, object] = {"ssin": "85073003328", **REPORT, **changes}
    with traced(sandbox_config) as (client, capture), pytest.raises(error):
        client.social_report.send(arguments.pop("ssin"), **arguments)  # type: ignore[arg-type]
    assert capture.requests == []


# --- end to end -----------------------------------------------------------------------


@pytest.mark.e2e
def test_a_report_is_sent_and_registered(client: KszClient, sandbox: Sandbox) -> None:
    ssin = _person(sandbox, 0)
    integrate(sandbox, client, ssin)
    result = client.social_report.send(ssin.formatted, **REPORT, gpmi_signed_on="2025-03-10",
                                       gpmi_start="2025-03-10", summary="moved")
    assert result.status.value == "DATA_FOUND" and result.receipt.ticket_cbss
    assert result.report_id.startswith("ESR-") and result.registered_on == TODAY
    assert result.report.gpmi is not None and result.report.gpmi.period.end is None
    (record,) = _records(sandbox, ssin)
    assert record.key == result.report_id  # type: ignore[attr-defined]
    assert record.data == {"recipient": TO, "file": "SD/2026-17", "gpmi": True}  # type: ignore[attr-defined]


@pytest.mark.e2e
def test_replaced_and_unknown_ssins(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = next(i for i in range(population.size) if population.replaced_by(i) is not None)
    old = population.ssin_of(index)
    integrate(sandbox, client, old)
    with pytest.raises(SsinReplaced):
        client.social_report.send(old, **REPORT)
    unknown = make(D(2004, 12, 30), 991, kind=SsinKind.TEST)
    integrate(sandbox, client, unknown)
    with pytest.raises(UnknownSsin):
        client.social_report.send(unknown, **REPORT)
    assert _records(sandbox, old) == [] and _records(sandbox, unknown) == []


@pytest.mark.e2e
def test_a_report_to_the_sender_itself_is_refused_by_the_ksz(
    client: KszClient, sandbox: Sandbox
) -> None:
    ssin = _person(sandbox, 3)
    integrate(sandbox, client, ssin)

    def to_self(payload: _xml.Element) -> None:
        _wire.write_report(payload, _report(ssin=ssin))
        payload.find("socialReport/recipient").text = SANDBOX_CBE_NUMBER

    with pytest.raises(InvalidData) as caught:
        client._call(SERVICE, "sendSocialReport", to_self, context=None, subjects=(ssin,))
    assert caught.value.code == "MSG00008" and _records(sandbox, ssin) == []


@pytest.mark.e2e
def test_finality_is_checked_before_sending_and_by_the_ksz(
    sandbox_config: KszConfig, sandbox: Sandbox
) -> None:
    ssin = _person(sandbox, 6)
    assert_refused_unless_integrated(
        sandbox, sandbox_config, ssin, lambda c, s: c.social_report.send(s, **REPORT))
    assert _records(sandbox, ssin) == []


@pytest.mark.e2e
def test_a_lost_answer_is_in_doubt_and_never_sent_again(sandbox_config: KszConfig,
                                                        sandbox: Sandbox) -> None:
    ssin = _person(sandbox, 9)
    with traced(sandbox_config, user="sw") as (client, capture):
        integrate(sandbox, client, ssin)
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as caught:
            client.social_report.send(ssin, **REPORT)
    assert len(capture.requests) == 1 and caught.value.call_id == capture.requests[0].call_id
    assert len(_records(sandbox, ssin)) == 1


@pytest.mark.e2e
def test_with_an_audit_log_the_next_report_waits_for_resolution(
    sandbox_config: KszConfig, sandbox: Sandbox, tmp_path: Path,
) -> None:
    ssin = _person(sandbox, 12)
    with AuditLog.sqlite(tmp_path / "audit.sqlite3") as log, \
            traced(sandbox_config, log.observer(sandbox_config), user="sw") as (client, capture):
        integrate(sandbox, client, ssin)
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as caught:
            client.social_report.send(ssin, **REPORT)
        with pytest.raises(InDoubtError) as refused:
            client.social_report.send(ssin, **REPORT)
        assert refused.value.call_id == caught.value.call_id and len(capture.requests) == 1
        log.resolve(caught.value.call_id, by="sw", applied=False, note="not received")
        client.social_report.send(ssin, **REPORT)
    assert len(_records(sandbox, ssin)) == 2


# --- contract -----------------------------------------------------------------------------


@pytest.fixture
def payloads(sandbox_config: KszConfig, sandbox: Sandbox) -> list[_xml.Element]:
    ssin = _person(sandbox, 15)
    return exchanged(sandbox_config, sandbox, lambda c: c.social_report.send(
        ssin, **REPORT, closed_on="2026-01-01", gpmi_signed_on="2025-03-10",
        gpmi_start="2025-03-10", gpmi_end="2025-12-31", summary="moved"), 2, ssin)


@pytest.mark.e2e
def test_requests_and_responses_validate_against_our_contract(
    payloads: list[_xml.Element],
) -> None:
    schema = _contracts.schema("ElectronicSocialReport")
    assert schema is not None
    for payload in payloads:
        assert schema.validate(payload), schema.error_log
    broken = copy.deepcopy(payloads[0])
    broken.find("socialReport/file/fileNumber").text = "with space"
    assert not schema.validate(broken)


@pytest.mark.contracts
@pytest.mark.e2e
def test_messages_validate_with_the_official_commonv3(
    payloads: list[_xml.Element], official_contracts: Path
) -> None:
    schema = ours_with_official_common(official_contracts, "ElectronicSocialReport")
    for payload in payloads:
        assert schema.validate(payload), schema.error_log


def test_zeep_loads_our_wsdl_and_it_agrees_with_the_catalogue() -> None:
    assert_wsdl_agrees(SERVICE, "ElectronicSocialReportService/ElectronicSocialReportV1.wsdl",
                       "ElectronicSocialReportService", "ElectronicSocialReportServicePort")


# --- command line ---------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_generated_command(
    sandbox: Sandbox, sandbox_config_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    ssin = _person(sandbox, 18)
    config = cli_setup(sandbox, sandbox_config_path, tmp_path, monkeypatch, ssin)
    run = command(config, "social_report", "send", ssin.formatted, "--recipient", TO,
                  "--file-number", "SD-9", "--opened-on", "2025-01-01")
    assert run("--json") == EXIT_OK
    assert json.loads(capsys.readouterr().out)["report_id"].startswith("ESR-")
    assert run("--gpmi-signed-on", "2025-02-01", "--gpmi-start", "2025-02-01") == EXIT_OK
    assert "ESR-" in capsys.readouterr().out
    assert len(_records(sandbox, ssin)) == 2
