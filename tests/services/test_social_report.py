"""ElectronicSocialReport V1: mapping (unit), end to end, in doubt, contract, CLI."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import zeep
from lxml import etree

from ksz_client import _contracts, _xml, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import (
    InDoubtError,
    InvalidData,
    InvalidSsin,
    NotIntegrated,
    ResponseError,
    SsinReplaced,
    UnknownSsin,
    ValidationError,
)
from ksz_client.audit import AuditLog, Integration
from ksz_client.cli import EXIT_OK, main
from ksz_client.hooks import Exchange, Outcome
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, SECOND_OCMW_CBE_NUMBER, Sandbox
from ksz_client.sandbox.handlers.social_report import KIND
from ksz_client.services.social_report import FileInfo, Gpmi, SocialReport, _wire
from ksz_client.ssin import Ssin, SsinKind, make
from ksz_client.types import Period

from .official_helpers import OfficialCommonV3 as _OfficialCommon

SERVICE = catalogue.get("ElectronicSocialReport")
NS = SERVICE.namespace
D = dt.date
TODAY = dt.date.today()
BASE = 333  # where this module starts looking for persons
TO = SECOND_OCMW_CBE_NUMBER
REPORT = {"recipient": TO, "file_number": "SD/2026-17", "opened_on": "2025-03-01"}


class _Capture:
    def __init__(self) -> None:
        self.requests: list[Exchange] = []
        self.messages: list[bytes] = []

    def before_send(self, exchange: Exchange) -> None:
        self.requests.append(exchange)
        self.messages.append(exchange.request)

    def after_receive(self, exchange: Exchange, outcome: Outcome) -> None:
        if outcome.response is not None:
            self.messages.append(outcome.response)


def _integrate(sandbox: Sandbox, client: KszClient, ssin: object) -> None:
    sandbox.integrate(str(ssin))
    client.integrations.add(Integration(organisation=SANDBOX_CBE_NUMBER, ssin=str(ssin),
                                        quality_code=2, start=D(2020, 1, 1)))


def _person(sandbox: Sandbox, start: int) -> Ssin:
    population = sandbox.population
    return population.ssin_of(next(
        i for i in range(BASE + start, population.size)
        if population.fault_of(i) is None and population.replaced_by(i) is None))


def _records(sandbox: Sandbox, ssin: object) -> list[object]:
    return list(sandbox.state.records(KIND, ssin=str(ssin)))


# This module's own sandbox: the session's one is shared with modules that need persons
# nobody integrated, and these tests integrate persons and register mutations.
@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=1, persons=500) as running:
        yield running


@pytest.fixture(scope="module")
def sandbox_config_path(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sandbox.write_config(tmp_path_factory.mktemp("sandbox") / "ksz.toml")


@pytest.fixture
def client(sandbox_config: KszConfig) -> Iterator[KszClient]:
    with KszClient(sandbox_config) as plain:
        yield plain.acting_for(user="test-social-worker", legal_context="PCSA:SOCIAL_INQUIRY")


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
    capture = _Capture()
    arguments: dict[str, object] = {"ssin": "85073003328", **REPORT, **changes}
    with KszClient(sandbox_config, observers=[capture]) as plain:
        client = plain.acting_for(user="u", legal_context="PCSA:SOCIAL_INQUIRY")
        with pytest.raises(error):
            client.social_report.send(arguments.pop("ssin"), **arguments)  # type: ignore[arg-type]
    assert capture.requests == []


# --- end to end -----------------------------------------------------------------------


@pytest.mark.e2e
def test_a_report_is_sent_and_registered(client: KszClient, sandbox: Sandbox) -> None:
    ssin = _person(sandbox, 0)
    _integrate(sandbox, client, ssin)
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
    _integrate(sandbox, client, old)
    with pytest.raises(SsinReplaced):
        client.social_report.send(old, **REPORT)
    unknown = make(D(2004, 12, 30), 991, kind=SsinKind.TEST)
    _integrate(sandbox, client, unknown)
    with pytest.raises(UnknownSsin):
        client.social_report.send(unknown, **REPORT)
    assert _records(sandbox, old) == [] and _records(sandbox, unknown) == []


@pytest.mark.e2e
def test_a_report_to_the_sender_itself_is_refused_by_the_ksz(
    client: KszClient, sandbox: Sandbox
) -> None:
    ssin = _person(sandbox, 3)
    _integrate(sandbox, client, ssin)

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
    capture = _Capture()
    ssin = _person(sandbox, 6)
    with KszClient(sandbox_config, observers=[capture]) as plain:
        client = plain.acting_for(user="u", legal_context="PCSA:SOCIAL_INQUIRY")
        with pytest.raises(NotIntegrated) as local:
            client.social_report.send(ssin, **REPORT)
        assert local.value.ticket_cbss is None and capture.requests == []
        client.integrations.add(Integration(organisation=SANDBOX_CBE_NUMBER, ssin=str(ssin),
                                            quality_code=2, start=D(2020, 1, 1)))
        with pytest.raises(NotIntegrated) as remote:
            client.social_report.send(ssin, **REPORT)
    assert remote.value.code == "MSG00012" and remote.value.ticket_cbss
    assert _records(sandbox, ssin) == []


@pytest.mark.e2e
def test_a_lost_answer_is_in_doubt_and_never_sent_again(sandbox_config: KszConfig,
                                                        sandbox: Sandbox) -> None:
    capture = _Capture()
    ssin = _person(sandbox, 9)
    with KszClient(sandbox_config, observers=[capture]) as plain:
        client = plain.acting_for(user="sw", legal_context="PCSA:SOCIAL_INQUIRY")
        _integrate(sandbox, client, ssin)
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as caught:
            client.social_report.send(ssin, **REPORT)
    assert len(capture.requests) == 1 and caught.value.call_id == capture.requests[0].call_id
    assert len(_records(sandbox, ssin)) == 1


@pytest.mark.e2e
def test_with_an_audit_log_the_next_report_waits_for_resolution(
    sandbox_config: KszConfig, sandbox: Sandbox, tmp_path: Path,
) -> None:
    capture = _Capture()
    ssin = _person(sandbox, 12)
    with AuditLog.sqlite(tmp_path / "audit.sqlite3") as log, \
            KszClient(sandbox_config, observers=[log.observer(sandbox_config), capture]) as plain:
        client = plain.acting_for(user="sw", legal_context="PCSA:SOCIAL_INQUIRY")
        _integrate(sandbox, client, ssin)
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
    capture = _Capture()
    ssin = _person(sandbox, 15)
    with KszClient(sandbox_config, observers=[capture]) as plain:
        client = plain.acting_for(user="u", legal_context="PCSA:SOCIAL_INQUIRY")
        _integrate(sandbox, client, ssin)
        client.social_report.send(ssin, **REPORT, closed_on="2026-01-01",
                                  gpmi_signed_on="2025-03-10", gpmi_start="2025-03-10",
                                  gpmi_end="2025-12-31", summary="moved")
    out = []
    for data in capture.messages:
        body = _xml.parse(data).find("{http://schemas.xmlsoap.org/soap/envelope/}Body")
        assert body is not None
        out.append(copy.deepcopy(body[0]))
    assert len(out) == 2
    return out


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
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_OfficialCommon(
        official_contracts / "set-b/be/fgov/kszbcss/types/common/CommonV3.xsd"))
    path = _contracts.schema_path("ElectronicSocialReport")
    assert path is not None
    schema = etree.XMLSchema(etree.parse(str(path), parser))
    for payload in payloads:
        assert schema.validate(payload), schema.error_log


def test_zeep_loads_our_wsdl_and_it_agrees_with_the_catalogue() -> None:
    wsdl = (_contracts.WSDL_DIR / "intf" / "ElectronicSocialReportService"
            / "ElectronicSocialReportV1.wsdl")
    loaded = zeep.Client(str(wsdl))
    operations = loaded.service._binding._operations
    assert set(operations) == {op.name for op in SERVICE.operations}
    for op in SERVICE.operations:
        assert operations[op.name].soapaction == op.soap_action
        assert loaded.get_element(f"{{{NS}}}{op.request_element}") is not None
    port = loaded.wsdl.services["ElectronicSocialReportService"].ports[
        "ElectronicSocialReportServicePort"]
    assert port.binding_options["address"].endswith("/" + SERVICE.path)


# --- command line ---------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_generated_command(
    sandbox: Sandbox, sandbox_config_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("KSZ_CONFIG", "KSZ_FINALITY_MODE"):
        monkeypatch.delenv(name, raising=False)
    for pem in sandbox_config_path.parent.glob("*.pem"):
        (tmp_path / pem.name).write_bytes(pem.read_bytes())
    config = tmp_path / "ksz.toml"
    config.write_text(sandbox_config_path.read_text(encoding="utf-8")
                      + f'\n[audit]\npath = "{tmp_path / "audit.db"}"\n', encoding="utf-8")
    ssin = _person(sandbox, 18)
    with KszClient(KszConfig.load(config, env={})) as setup:
        _integrate(sandbox, setup, ssin)
    run: Callable[..., int] = lambda *argv: main(  # noqa: E731
        ["--config", str(config), "--user", "sw-1", "--legal-context", "PCSA:SOCIAL_INQUIRY",
         "social_report", "send", ssin.formatted, "--recipient", TO, "--file-number", "SD-9",
         "--opened-on", "2025-01-01", *argv])
    assert run("--json") == EXIT_OK
    assert json.loads(capsys.readouterr().out)["report_id"].startswith("ESR-")
    assert run("--gpmi-signed-on", "2025-02-01", "--gpmi-start", "2025-02-01") == EXIT_OK
    assert "ESR-" in capsys.readouterr().out
    assert len(_records(sandbox, ssin)) == 2
