"""Every call goes through the log: INTENT before a byte leaves, OUTCOME or IN_DOUBT after."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from ksz_client import _xml, catalogue
from ksz_client._client import KszClient
from ksz_client._config import Audit, KszConfig
from ksz_client._exceptions import AuditError, HttpStatusError, InDoubtError, KszTimeout
from ksz_client._transport import HttpRequest, HttpResponse
from ksz_client.audit import AuditLog, RecordKind
from ksz_client.catalogue import OperationKind
from ksz_client.hooks import Exchange, Outcome
from ksz_client.sandbox import Sandbox
from ksz_client.types import CallContext

from ._support import ORG, SSIN_A, SSIN_B, Backend, RecordingTransport, basic_config

PERSON = catalogue.get("PersonService")
LOOKUP = PERSON.operation("searchPersonBySsin")
MUTATION = dataclasses.replace(LOOKUP, kind=OperationKind.MUTATION)
CONTEXT = CallContext(user="sw-1", legal_context="PCSA:SOCIAL_INQUIRY", dossier="D-7",
                      quality_code=2)


def _build(payload: _xml.Element) -> None:
    _xml.sub(_xml.sub(payload, "criteria"), "ssin", SSIN_A)


def call(client: KszClient, operation: Any = LOOKUP, subjects: tuple[str, ...] = (SSIN_A,)) -> Any:
    return client._core.call(PERSON, operation, _build, context=CONTEXT, subjects=subjects)


def kinds(log: AuditLog) -> list[str]:
    return [r.kind.value for r in log.query(reader="test")
            if r.kind is not RecordKind.READ_ACCESS]


def make_read_only(log: AuditLog, backend: str) -> None:
    """From now on every write of `log` fails in the database itself."""
    conn = log._store._writer_conn()
    if backend == "sqlite":
        conn.execute("PRAGMA query_only = ON")
    else:
        conn.execute("SET default_transaction_read_only = on")
        conn.commit()


# --- INTENT first --------------------------------------------------------------------------


def test_when_the_intent_cannot_be_committed_nothing_is_sent(
    backend: Backend, tmp_path: Path
) -> None:
    log = backend.open()
    config = basic_config(tmp_path)
    transport = RecordingTransport()
    client = KszClient(config, transport=transport, observers=[log.observer(config)])
    make_read_only(log, backend.name)
    with pytest.raises(AuditError) as info:
        call(client)
    assert transport.requests == []
    assert SSIN_A not in str(info.value)
    assert backend.scalar("SELECT COUNT(*) FROM audit_log") == 0


def test_when_the_log_cannot_be_opened_nothing_is_sent(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    config = basic_config(tmp_path).with_overrides(
        audit=Audit(path=blocker / "audit.sqlite3", checkpoint_key_file=tmp_path / "k.key")
    )
    transport = RecordingTransport()
    with KszClient(config, transport=transport) as client:
        with pytest.raises(AuditError):
            call(client)
        assert transport.requests == []


def test_each_attempt_is_recorded_before_and_after_with_digests(
    backend: Backend, tmp_path: Path
) -> None:
    log = backend.open()
    config = basic_config(tmp_path)
    seen: list[tuple[str, Any]] = []

    class Spy:
        def before_send(self, exchange: Exchange) -> None:
            # The audit observer comes first: the INTENT is committed already.
            assert backend.scalar("SELECT COUNT(*) FROM audit_log WHERE kind = 'INTENT'") == 1
            seen.append(("before", exchange))

        def after_receive(self, exchange: Exchange, outcome: Outcome) -> None:
            seen.append(("after", outcome))

    transport = RecordingTransport()
    client = KszClient(config, transport=transport, observers=[log.observer(config), Spy()])
    with pytest.raises(HttpStatusError):
        call(client)
    (sent,) = transport.requests
    intent, outcome = (r for r in log.query(reader="t") if r.kind is not RecordKind.READ_ACCESS)
    assert (intent.kind, outcome.kind) == (RecordKind.INTENT, RecordKind.OUTCOME)
    exchange = seen[0][1]
    assert intent.call_id == outcome.call_id == exchange.call_id
    assert exchange.call_id.encode() in sent.content  # the ticket sent is the call id
    assert intent.attempt == 1
    assert intent.request_sha256 == hashlib.sha256(sent.content).hexdigest()
    assert intent.subjects == (SSIN_A,)
    assert (intent.user, intent.dossier, intent.quality_code) == ("sw-1", "D-7", 2)
    assert intent.legal_context == "PCSA:SOCIAL_INQUIRY"
    assert (intent.service, intent.version, intent.operation) == ("PersonService", "4",
                                                                  "searchPersonBySsin")
    assert (intent.organisation, intent.environment, intent.application) == (
        ORG, "sandbox", "ksz-client")
    assert intent.writer is not None and str(os.getpid()) in intent.writer
    assert outcome.http_status == 400 and outcome.error == "HttpStatusError"
    assert outcome.response_sha256 == hashlib.sha256(b"no").hexdigest()
    assert outcome.duration_us is not None and outcome.duration_us >= 0
    assert "request" not in json.dumps(outcome.to_json()).replace("request_sha256", "")


def test_retried_attempts_each_get_intent_and_outcome(tmp_path: Path, monkeypatch: Any) -> None:
    from ksz_client import _transport

    monkeypatch.setattr(_transport, "sleep", lambda _s: None)
    config = basic_config(tmp_path)
    transport = RecordingTransport(status=503)
    with KszClient(config, transport=transport) as client:
        with pytest.raises(HttpStatusError):
            call(client)
        records = [r for r in client.audit.query(reader="t")  # type: ignore[union-attr]
                   if r.kind is not RecordKind.READ_ACCESS]
    assert len(transport.requests) == 3
    assert [(r.kind.value, r.attempt) for r in records] == [
        ("INTENT", 1), ("OUTCOME", 1), ("INTENT", 2), ("OUTCOME", 2), ("INTENT", 3),
        ("OUTCOME", 3)]
    assert [r.will_retry for r in records if r.kind is RecordKind.OUTCOME] == [True, True, None]
    assert len({r.call_id for r in records}) == 1


@pytest.mark.e2e
def test_a_sandbox_consultation_is_recorded_with_the_ksz_tickets(
    sandbox_config: KszConfig, sandbox: Sandbox, tmp_path: Path
) -> None:
    config = sandbox_config.with_overrides(audit=Audit(
        path=tmp_path / "audit.sqlite3", checkpoint_key_file=tmp_path / "k.key"))
    with KszClient(config) as plain:
        client = plain.acting_for(user="sw-7", legal_context="PCSA:SOCIAL_INQUIRY",
                                  dossier="D-9", quality_code=2)
        result = client.person.get(sandbox.population.ssin_of(0))
        log = client.audit
        assert log is not None
        records = log.query(reader="dpo", call_id=result.receipt.ticket)
        report = log.verify()
    intent, outcome = records
    assert intent.kind is RecordKind.INTENT and outcome.kind is RecordKind.OUTCOME
    assert outcome.ticket_cbss == result.receipt.ticket_cbss
    assert outcome.status_value == result.status.value
    assert outcome.status_code == result.status.code
    assert outcome.ksz_reply == result.receipt.timestamp_reply
    assert intent.subjects == (str(result.person.ssin),)  # type: ignore[union-attr]
    assert (intent.user, intent.dossier, intent.quality_code) == ("sw-7", "D-9", 2)
    assert report.ok


# --- IN_DOUBT ------------------------------------------------------------------------------


class TimeoutTransport(RecordingTransport):
    def handle(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        raise KszTimeout("read timeout")


def test_a_mutation_in_doubt_is_recorded_and_not_sent_again_until_reconciled(
    backend: Backend, tmp_path: Path
) -> None:
    log = backend.open()
    config = basic_config(tmp_path)
    transport = TimeoutTransport()
    client = KszClient(config, transport=transport, observers=[log.observer(config)])
    with pytest.raises(InDoubtError) as info:
        call(client, MUTATION)
    first = info.value.call_id
    assert kinds(log) == ["INTENT", "IN_DOUBT"]
    (doubt,) = log.in_doubt(reader="ops")
    assert doubt.call_id == first and doubt.error == "InDoubtError"

    # The same mutation on the same person is refused before sending...
    with pytest.raises(InDoubtError) as again:
        call(client, MUTATION)
    assert again.value.call_id == first
    assert len(transport.requests) == 1
    denied = log.query(reader="t", kinds=["DENIED"])
    assert [d.detail["rule"] for d in denied] == ["in_doubt"]
    # ...but another person's is not, nor a consultation.
    with pytest.raises(InDoubtError):
        call(client, MUTATION, subjects=(SSIN_B,))
    with pytest.raises(KszTimeout):
        call(client, LOOKUP)
    assert len(transport.requests) == 2 + 3  # one mutation, three consultation attempts

    # Once reconciled (the KSZ did not apply it), it may be sent again.
    recovery = log.resolve(first, by="ops-1", applied=False, note="ManageAccess LIST: absent")
    assert recovery.kind is RecordKind.RECOVERY and recovery.subjects == (SSIN_A,)
    assert [d.call_id for d in log.in_doubt(reader="ops")] != [first]
    before = len(transport.requests)
    with pytest.raises(InDoubtError):
        call(client, MUTATION)
    assert len(transport.requests) == before + 1
    with pytest.raises(AuditError):
        log.resolve("no-such-call", by="ops-1", applied=True)


_KILLED_CHILD = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from ksz_client._client import KszClient
    from ksz_client._config import Audit, Auth, AuthMode, Environment, KszConfig, Organisation
    from ksz_client._config import Secret

    folder = Path(sys.argv[1])
    config = KszConfig(
        organisation=Organisation(cbe_number="0212344876"),
        auth=Auth(mode=AuthMode.BASIC, username="app", password=Secret("pw")),
        environment=Environment.SANDBOX, endpoint="http://127.0.0.1:9/",
        audit=Audit(path=folder / "audit.sqlite3",
                    checkpoint_key_file=folder / "checkpoint.key"),
    )

    class DiesAfterSending:
        def handle(self, request):
            (folder / "sent").write_bytes(request.content)
            os.kill(os.getpid(), signal.SIGKILL)

        def close(self):
            pass

    client = KszClient(config, transport=DiesAfterSending()).acting_for(
        user="sw-3", legal_context="PCSA:SOCIAL_INQUIRY")
    client.person.get(sys.argv[2])
""")


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is a POSIX signal")
def test_a_process_killed_between_send_and_outcome_leaves_an_in_doubt_after_reopen(
    tmp_path: Path,
) -> None:
    child = subprocess.run([sys.executable, "-c", _KILLED_CHILD, str(tmp_path), SSIN_A],
                           capture_output=True, timeout=60, check=False)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    assert (tmp_path / "sent").is_file()
    with AuditLog.sqlite(tmp_path / "audit.sqlite3", key_file=tmp_path / "checkpoint.key",
                         recover=False) as before:
        assert kinds(before) == ["INTENT"]
    with AuditLog.sqlite(tmp_path / "audit.sqlite3",
                         key_file=tmp_path / "checkpoint.key") as log:
        records = [r for r in log.query(reader="t") if r.kind is not RecordKind.READ_ACCESS]
        assert [r.kind.value for r in records] == ["INTENT", "IN_DOUBT"]
        intent, doubt = records
        assert doubt.call_id == intent.call_id and doubt.attempt == 1
        assert doubt.subjects == (SSIN_A,) and doubt.user == "sw-3"
        assert doubt.detail["intent_seq"] == intent.seq
        assert intent.request_sha256 == hashlib.sha256(
            (tmp_path / "sent").read_bytes()).hexdigest()
        assert log.verify().ok
        assert log.recover() == []  # once only
    with AuditLog.sqlite(tmp_path / "audit.sqlite3",
                         key_file=tmp_path / "checkpoint.key") as again:
        assert kinds(again).count("IN_DOUBT") == 1


def test_an_intent_of_a_live_writer_is_left_alone_until_it_is_old(backend: Backend) -> None:
    from ksz_client.audit._log import _BOOT, _HOST

    now = [dt.datetime.now(dt.UTC)]
    log = backend.open(clock=lambda: now[0])
    parent = os.getppid()  # alive, and not us
    from ._support import intent as make_intent

    record = dataclasses.replace(make_intent(1, at=now[0]), writer=f"{_HOST}|{_BOOT}|{parent}")
    other_host = dataclasses.replace(make_intent(2, at=now[0]), writer="elsewhere|x|1")
    log.write(record, other_host)
    assert log.recover() == []
    now[0] += dt.timedelta(minutes=16)
    marked = log.recover()
    assert sorted(r.call_id or "" for r in marked) == ["call-1", "call-2"]
    assert all(r.kind is RecordKind.IN_DOUBT for r in marked)


def test_an_outcome_that_cannot_be_recorded_does_not_hide_the_answer(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    log = AuditLog.sqlite(tmp_path / "a.sqlite3")
    config = basic_config(tmp_path)

    class BreaksTheLog(RecordingTransport):
        def handle(self, request: HttpRequest) -> HttpResponse:
            make_read_only(log, "sqlite")
            return super().handle(request)

    transport = BreaksTheLog()
    client = KszClient(config, transport=transport, observers=[log.observer(config)])
    with caplog.at_level(logging.ERROR, logger="ksz_client.audit"), \
            pytest.raises(HttpStatusError):
        call(client)  # the KSZ's answer (here HTTP 400), not an AuditError
    assert len(transport.requests) == 1
    assert "could not be recorded" in caplog.text and SSIN_A not in caplog.text
    log.close()
