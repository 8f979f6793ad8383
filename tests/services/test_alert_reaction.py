"""PCSAAlertReaction V1: mapping (unit), end to end, once per alert, in doubt, contract, CLI."""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _contracts, _xml, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import InDoubtError, InvalidData, ResponseError, ValidationError
from ksz_client.audit import AuditLog
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK, main
from ksz_client.sandbox import Sandbox
from ksz_client.sandbox.handlers.alert_reaction import KIND
from ksz_client.services.alert_reaction import Motivation, MotivationResponse, _wire

from .official_helpers import (
    assert_wsdl_agrees,
    ours_with_official_common,
)
from .sandbox_world import (  # noqa: F401 - fixtures
    exchanged,
    own_sandbox,
    own_sandbox_config_path,
    social_worker,
    traced,
)

SERVICE = catalogue.get("PCSAAlertReaction")
NS = SERVICE.namespace


def _alert() -> str:
    """An alert id no other test (or run) uses."""
    return str(uuid.uuid4().int)[:18]


# --- mapping (unit) -------------------------------------------------------------------


def test_the_motivation_round_trips_and_hides_its_comment() -> None:
    motivation = Motivation("123", "F2024A", "WORK_ENDED", "the person stopped working")
    payload = etree.Element("request")
    _wire.write_motivation(payload, motivation)
    assert _wire.read_motivation(payload) == motivation
    assert "stopped" not in repr(motivation)
    with pytest.raises(ValidationError):
        _wire.read_motivation(etree.Element("request"))


def test_the_response_round_trips_and_is_required() -> None:
    response = MotivationResponse("123", "MOT-1", dt.date(2026, 3, 1))
    payload = etree.Element("response")
    _wire.write_response(_xml.sub(payload, "result"), response)
    assert _wire.read_response(payload) == response
    payload.find("result/motivationResponse/registrationDate").text = "soon"
    with pytest.raises(ResponseError):
        _wire.read_response(payload)
    payload.find("result/motivationResponse").remove(
        payload.find("result/motivationResponse/registrationDate"))
    with pytest.raises(ResponseError, match="registrationDate"):
        _wire.read_response(payload)
    with pytest.raises(ResponseError):
        _wire.read_response(etree.Element("response"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"alert_id": "A12"}, "alert id"),
        ({"alert_id": "1" * 21}, "alert id"),
        ({"form_number": ""}, "form number"),
        ({"form_number": "F-1"}, "form number"),
        ({"code": "work ended"}, "motivation code"),
        ({"comment": "  "}, "comment"),
        ({"comment": "x" * 1001}, "comment"),
    ],
)
def test_bad_input_raises_before_sending(sandbox_config: KszConfig, changes: dict[str, str],
                                         message: str) -> None:
    arguments = {"alert_id": "123", "form_number": "F1", "code": "OK", **changes}
    with traced(sandbox_config) as (client, capture), \
            pytest.raises(ValidationError, match=message):
        client.alerts.motivate(arguments.pop("alert_id"), **arguments)
    assert capture.requests == []


# --- end to end -----------------------------------------------------------------------


@pytest.mark.e2e
def test_an_alert_is_motivated_once(client: KszClient, sandbox: Sandbox) -> None:
    alert = _alert()
    result = client.alerts.motivate(alert, form_number="F2024A", code="work_ended",
                                    comment="stopped working in March")
    assert result.status.value == "DATA_FOUND" and result.receipt.ticket_cbss
    assert result.response.alert_id == alert and result.motivation.code == "WORK_ENDED"
    assert result.response.motivation_id.startswith("MOT-")
    (record,) = sandbox.state.records(KIND, key=alert)
    assert record.data["motivation_id"] == result.response.motivation_id
    with pytest.raises(InvalidData) as again:
        client.alerts.motivate(alert, form_number="F2024A", code="OTHER")
    assert again.value.code == "MSG00008" and again.value.ticket_cbss
    assert len(sandbox.state.records(KIND, key=alert)) == 1


@pytest.mark.e2e
def test_an_answer_about_another_alert_is_a_response_error(
    sandbox_config: KszConfig, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = _wire.write_response

    def other_alert(result: _xml.Element, response: MotivationResponse) -> None:
        original(result, MotivationResponse("1", response.motivation_id,
                                            response.registered_on))

    monkeypatch.setattr(_wire, "write_response", other_alert)  # the sandbox writes with it
    with KszClient(sandbox_config) as plain:
        client = plain.acting_for(user="u", legal_context="PCSA:SOCIAL_INQUIRY")
        with pytest.raises(ResponseError, match="another alert"):
            client.alerts.motivate(_alert(), form_number="F1", code="OK")


@pytest.mark.e2e
def test_a_lost_answer_is_in_doubt_and_never_sent_again(sandbox_config: KszConfig,
                                                        sandbox: Sandbox) -> None:
    alert = _alert()
    with traced(sandbox_config, user="sw") as (client, capture), \
            sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as caught:
        client.alerts.motivate(alert, form_number="F1", code="OK")
    assert len(capture.requests) == 1  # one attempt, no retry
    assert caught.value.call_id == capture.requests[0].call_id
    assert len(sandbox.state.records(KIND, key=alert)) == 1  # applied, exactly once


@pytest.mark.e2e
def test_with_an_audit_log_the_next_motivation_waits_for_resolution(
    sandbox_config: KszConfig, sandbox: Sandbox, tmp_path: Path,
) -> None:
    with AuditLog.sqlite(tmp_path / "audit.sqlite3") as log, \
            traced(sandbox_config, log.observer(sandbox_config), user="sw") as (client, capture):
        first, second = _alert(), _alert()
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as caught:
            client.alerts.motivate(first, form_number="F1", code="OK")
        with pytest.raises(InDoubtError) as refused:
            client.alerts.motivate(second, form_number="F1", code="OK")
        assert refused.value.call_id == caught.value.call_id and len(capture.requests) == 1
        log.resolve(caught.value.call_id, by="sw", applied=True, note="seen at the POD MI")
        assert client.alerts.motivate(second, form_number="F1", code="OK").response.alert_id \
            == second


# --- contract -----------------------------------------------------------------------------


@pytest.fixture
def payloads(sandbox_config: KszConfig, sandbox: Sandbox) -> list[_xml.Element]:
    alert = _alert()

    def exercise(client: KszClient) -> None:
        client.alerts.motivate(alert, form_number="F1", code="OK", comment="fine")
        with pytest.raises(InvalidData):
            client.alerts.motivate(alert, form_number="F1", code="OK")

    return exchanged(sandbox_config, sandbox, exercise, 4)


@pytest.mark.e2e
def test_requests_and_responses_validate_against_our_contract(
    payloads: list[_xml.Element],
) -> None:
    schema = _contracts.schema("PCSAAlertReaction")
    assert schema is not None
    for payload in payloads:
        assert schema.validate(payload), schema.error_log
    assert payloads[0].find(".//ssin") is None  # no SSIN travels
    broken = copy.deepcopy(payloads[0])
    broken.find("motivation/alertId").text = "A1"
    assert not schema.validate(broken)


@pytest.mark.contracts
@pytest.mark.e2e
def test_messages_validate_with_the_official_commonv3(
    payloads: list[_xml.Element], official_contracts: Path
) -> None:
    schema = ours_with_official_common(official_contracts, "PCSAAlertReaction")
    for payload in payloads:
        assert schema.validate(payload), schema.error_log


def test_zeep_loads_our_wsdl_and_it_agrees_with_the_catalogue() -> None:
    assert_wsdl_agrees(SERVICE, "PCSAAlertReactionService/PCSAAlertReactionV1.wsdl",
                       "PCSAAlertReactionService", "PCSAAlertReactionServicePort")


# --- command line ---------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_generated_command(
    sandbox: Sandbox, sandbox_config_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("KSZ_CONFIG", "KSZ_FINALITY_MODE"):
        monkeypatch.delenv(name, raising=False)
    alert = _alert()
    argv = ["--config", str(sandbox_config_path), "--user", "sw-1", "--legal-context",
            "PCSA:SOCIAL_INQUIRY", "alerts", "motivate", alert, "--form-number", "F1",
            "--code", "OK"]
    assert main([*argv, "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["response"]["alert_id"] == alert
    assert main(argv) == EXIT_BUSINESS  # the second reaction is refused
    assert "MSG00008" in capsys.readouterr().err
