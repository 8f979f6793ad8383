"""Pushed notifications: signed by the sandbox, valid against the official contracts."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ksz_client import _soap, _xml, catalogue
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK, EXIT_TRANSPORT, EXIT_USAGE, main
from ksz_client.sandbox import (
    SANDBOX_CBE_NUMBER,
    Population,
    Sandbox,
    SqliteState,
    WsgiServer,
    sandbox_credentials,
)
from ksz_client.sandbox import notify as _notify
from ksz_client.wsse import Verifier

from .helpers import official_schema

POP = Population(seed=1, size=100)
B = "set-b/be/fgov/kszbcss/"
SCHEMAS = {
    "notifyHdiIndemnityAllowanceAttest":
        B + "intf/HdiIndemnityAllowanceNotifications/notifyHdiIndemnityAllowanceV1.xsd",
    "notifyHdiIndemnityAllowancePeriod":
        B + "intf/HdiIndemnityAllowanceNotifications/notifyHdiIndemnityAllowanceV1.xsd",
    "notifyHdiIndemnityAllowanceIndemnityPeriods":
        B + "intf/HdiIndemnityAllowanceNotifications/notifyHdiIndemnityAllowanceV1.xsd",
    "notifyJobSeekerStatus": B + "intf/jobseekerstatus/notify/notifyJobSeekerStatusV1.xsd",
    "notifyDeduction": B + "intf/EmployeeContribution/notify/"
                           "EmployeeContributionDeductionNotificationsReceiverV1.xsd",
}


@dataclass
class Receiver:
    """An OCMW's notification endpoint that records what it gets."""

    status: str = "200 OK"
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        with self.lock:
            self.received.append(({"SOAPAction": environ.get("HTTP_SOAPACTION", ""),
                                   "Content-Type": environ.get("CONTENT_TYPE", "")}, body))
        start_response(self.status, [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    app = Receiver()
    with WsgiServer(app) as server:
        yield app, server.url + "/notifications"


def _person(sandbox: Sandbox, **where: object) -> str:
    (profile,) = sandbox.persons(limit=1, fault=None, **where)
    return str(profile.ssin)


def _payload(body: bytes, sandbox: Sandbox) -> _xml.Element:
    root = _xml.parse(body)
    verified = Verifier([sandbox.signing.cert_pem]).verify(root)
    return next(c for c in verified.body if isinstance(c.tag, str))


@pytest.mark.contracts
@pytest.mark.parametrize("operation", sorted(SCHEMAS))
def test_each_supported_notification_is_signed_and_valid(
    sandbox: Sandbox, receiver: tuple[Receiver, str], official_contracts: Path, operation: str,
) -> None:
    app, url = receiver
    schema = official_schema(official_contracts, SCHEMAS[operation])
    for where in ({"incapacitated": True}, {"job_seeker": True}, {"has_employment": True},
                  {"replaced": True}):
        ssin = _person(sandbox, **where)
        (result,) = sandbox.notify(url, operation, ssin)
        assert result.delivered and result.operation == operation
        headers, body = app.received[-1]
        service, op = _notify.resolve(operation)
        assert headers["SOAPAction"].strip('"') == op.soap_action
        assert headers["Content-Type"].startswith("text/xml")
        payload = _payload(body, sandbox)
        assert payload.tag == f"{{{service.namespace}}}{op.request_element}"
        assert schema.validate(payload), schema.error_log
        assert payload.findtext("receiver/organizationIdentification/cbeNumber") \
            == SANDBOX_CBE_NUMBER
        assert payload.findtext(".//ssin") == ssin
        if where == {"replaced": True}:
            replaced = payload.find(".//ssin")
            assert replaced is not None and replaced.get("canceled") == "true"
            assert replaced.get("replacedBy") == str(sandbox.profile(ssin).replaced_by)


def test_a_burst_numbers_its_notifications_in_sequence(
    fresh_sandbox: Sandbox, receiver: tuple[Receiver, str]
) -> None:
    app, url = receiver
    ssin = _person(fresh_sandbox)
    first = fresh_sandbox.notify(url, "notifyJobSeekerStatus", ssin, burst=3)
    again = fresh_sandbox.notify(url, "notify-job-seeker-status", ssin)
    assert [r.sequence_number for r in [*first, *again]] == [1, 2, 3, 4]
    numbers = [_payload(body, fresh_sandbox).findtext("sequenceNumber")
               for _h, body in app.received]
    assert numbers == ["1", "2", "3", "4"]
    assert len({r.ticket for r in [*first, *again]}) == 4
    # Another type has its own sequence.
    assert fresh_sandbox.notify(url, "notifyDeduction", ssin)[0].sequence_number == 1


def test_a_refusing_receiver_is_reported(fresh_sandbox: Sandbox,
                                         receiver: tuple[Receiver, str]) -> None:
    app, url = receiver
    app.status = "500 Internal Server Error"
    (result,) = fresh_sandbox.notify(url, "notifyJobSeekerStatus", _person(fresh_sandbox))
    assert not result.delivered and result.http_status == 500


def test_unknown_types(fresh_sandbox: Sandbox) -> None:
    ssin = _person(fresh_sandbox)
    with pytest.raises(KeyError, match="supported"):
        fresh_sandbox.notify("http://127.0.0.1:9/", "notifyWeather", ssin)
    with pytest.raises(ValueError, match="burst"):
        fresh_sandbox.notify("http://127.0.0.1:9/", "notifyJobSeekerStatus", ssin, burst=0)
    every = {op.name for s in catalogue.services(group=catalogue.Group.NOTIFICATIONS)
             for op in s.operations}
    assert set(_notify.SUPPORTED) == every  # every notification of the catalogue is pushed


def test_the_notification_names_the_sandbox_as_sender(fresh_sandbox: Sandbox) -> None:
    ssin = _person(fresh_sandbox)
    built = _notify.build("notifyJobSeekerStatus", fresh_sandbox.population, ssin,
                          sequence_number=7, receiver="0234567873")
    payload = built.payload
    assert payload.findtext("sender/ticket") == built.ticket
    assert payload.findtext("receiver/organizationIdentification/cbeNumber") == "0234567873"
    assert payload.findtext("legalContext") == "PCSA:SOCIAL_INQUIRY"
    envelope = _xml.parse(_notify.envelope(built, fresh_sandbox.app.signer))
    assert _soap.split(envelope).payload.findtext("sequenceNumber") == "7"
    with pytest.raises(KeyError):
        _notify.build("notifyJobSeekerStatus", fresh_sandbox.population, "85073003328",
                      sequence_number=1)


# --- ksz sandbox notify ------------------------------------------------------------------------


def test_the_notify_command(receiver: tuple[Receiver, str], tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    app, url = receiver
    state_path = tmp_path / "state.db"
    ssin = str(POP.ssin_of(0))
    code = main(["sandbox", "notify", "--to", url, "--type", "notifyJobSeekerStatus",
                 "--ssin", ssin, "--burst", "2", "--state", str(state_path), "--persons",
                 "100", "--json"])
    out = capsys.readouterr().out
    assert code == EXIT_OK
    results = json.loads(out)
    assert [r["sequence_number"] for r in results] == [1, 2]
    assert all(r["delivered"] for r in results)
    # Signed with the key kept in the state: what `ksz sandbox serve --state` would pin.
    state = SqliteState(state_path)
    try:
        signing, _client = sandbox_credentials(state)
    finally:
        state.close()
    for _headers, body in app.received:
        Verifier([signing.cert_pem]).verify(_xml.parse(body))
    app.status = "503 Service Unavailable"
    assert main(["sandbox", "notify", "--to", url, "--type", "notifyJobSeekerStatus",
                 "--ssin", ssin, "--persons", "100", "--state", str(state_path)]) \
        == EXIT_BUSINESS
    assert "#3 refused (HTTP 503" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--type", "notifyWeather"], EXIT_USAGE),
        (["--type", "notifyJobSeekerStatus", "--burst", "0"], EXIT_USAGE),
        (["--type", "notifyJobSeekerStatus", "--ssin", "85073003328"], EXIT_USAGE),
        (["--type", "notifyJobSeekerStatus", "--to", "http://127.0.0.1:9/"], EXIT_TRANSPORT),
    ],
)
def test_the_notify_command_refuses(args: list[str], code: int,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    base = {"--to": "http://127.0.0.1:9/", "--ssin": str(POP.ssin_of(0))}
    for flag in ("--to", "--ssin"):
        if flag in args:
            base.pop(flag)
    argv = ["sandbox", "notify", "--persons", "100", *args,
            *[x for kv in base.items() for x in kv]]
    assert main(argv) == code
    assert capsys.readouterr().err.startswith("ksz: ")
