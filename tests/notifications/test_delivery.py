"""Delivery to the application: after the event is stored, at least once, in order per SSIN,
retried with backoff; a crash between store and handler loses nothing and hands over once."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ksz_client._exceptions import AuditError, ConfigError
from ksz_client.audit import AuditRecord, RecordKind
from ksz_client.notifications import (
    Backoff,
    DimonaDeclared,
    EntryState,
    FamilyCompositionChanged,
    Handlers,
    Inbox,
    JobSeekerStatusChanged,
    NotificationEvent,
    Outcome,
    ProcessReport,
)
from ksz_client.sandbox import SANDBOX_CBE_NUMBER

from ._support import Clock, Kit, ack, ssin

A, B = ssin(30), ssin(31)


def _counting(*types: type[NotificationEvent]) -> tuple[Handlers, list[NotificationEvent]]:
    seen: list[NotificationEvent] = []
    handlers = Handlers()
    for cls in types or (NotificationEvent,):
        handlers.on(cls)(seen.append)
    return handlers, seen


def test_a_failing_handler_leaves_the_event_pending_retried_with_backoff(
    kit: Kit, caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    calls: list[NotificationEvent] = []
    broken = [True]
    handlers = Handlers()

    @handlers.on(FamilyCompositionChanged)
    def update(event: FamilyCompositionChanged) -> None:
        calls.append(event)
        if broken[0]:
            raise RuntimeError(f"the household service is down (person {event.ssin})")

    receiver = kit.receiver(handlers, clock=clock, backoff=Backoff(
        dt.timedelta(seconds=30), dt.timedelta(minutes=2)))
    with caplog.at_level(logging.WARNING, logger="ksz_client.notifications"):
        reply = receiver.receive(kit.message("notifyFamilyComposition", A, now=clock.now))
    # Stored before the handler ran: acknowledged OK although the handler failed.
    assert reply.outcome is Outcome.RECEIVED and len(calls) == 1
    assert A not in caplog.text and "RuntimeError" in caplog.text
    (entry,) = receiver.inbox.pending()
    assert (entry.attempts, entry.last_error) == (1, "RuntimeError")
    assert entry.next_attempt_at == clock.now + dt.timedelta(seconds=30)

    assert receiver.process_pending() == ProcessReport()  # not due yet
    clock.advance(seconds=31)
    assert receiver.process_pending() == ProcessReport(failed=1)
    (entry,) = receiver.inbox.pending()
    assert entry.attempts == 2
    assert entry.next_attempt_at == clock.now + dt.timedelta(seconds=60)  # doubled

    clock.advance(seconds=61)
    broken[0] = False
    assert receiver.process_pending() == ProcessReport(handled=1)
    assert receiver.process_pending() == ProcessReport()
    assert len(calls) == 3 and calls[0] == calls[2]
    (done,) = receiver.inbox.entries(state=EntryState.HANDLED)
    assert done.attempts == 3 and done.last_error is None and done.handled_at == clock.now
    (record,) = kit.log.query(reader="test", kinds=[RecordKind.NOTIFICATION_HANDLED])
    assert record.detail["attempts"] == 3


def test_the_backoff_doubles_up_to_its_maximum() -> None:
    backoff = Backoff(dt.timedelta(seconds=10), dt.timedelta(seconds=70))
    assert [backoff.delay(n).total_seconds() for n in range(1, 6)] == [10, 20, 40, 70, 70]
    assert backoff.delay(10_000) == dt.timedelta(seconds=70)
    with pytest.raises(ConfigError):
        Backoff(dt.timedelta(0), dt.timedelta(seconds=1))
    with pytest.raises(ConfigError):
        Backoff(dt.timedelta(seconds=5), dt.timedelta(seconds=1))


def test_events_of_one_person_are_handed_over_in_order(kit: Kit) -> None:
    clock = Clock()
    order: list[tuple[str, int]] = []
    broken = [True]
    handlers = Handlers()

    @handlers.on(JobSeekerStatusChanged)
    def follow(event: JobSeekerStatusChanged) -> None:
        if broken[0] and event.ssin == A and event.notification.sequence_number == 1:
            raise ConnectionError("the case-management system is restarting")
        order.append((str(event.ssin), event.notification.sequence_number))

    receiver = kit.receiver(handlers, clock=clock)
    for person, sequence in ((A, 1), (A, 2), (B, 3)):
        receiver.receive(kit.message("notifyJobSeekerStatus", person, sequence=sequence,
                                     now=clock.now))
    # A's second event waits behind A's first; B is not held up by A.
    assert order == [(B, 3)]
    assert [(str(e.ssin), e.attempts) for e in receiver.inbox.pending()] == [(A, 1), (A, 0)]
    broken[0] = False
    clock.advance(minutes=5)
    assert receiver.process_pending() == ProcessReport(handled=2)
    assert order == [(B, 3), (A, 1), (A, 2)]


def test_a_crash_between_store_and_handler_is_handled_once_after_restart(kit: Kit) -> None:
    message = kit.message("notifyFamilyComposition", A)
    # The process stores, then dies before any handler runs (no dispatch = the crash).
    stored = kit.receiver(dispatch=False).receive(message)
    assert stored.outcome is Outcome.RECEIVED
    assert [e.state for e in kit.receivers[0].inbox.entries()] == [EntryState.PENDING]

    handlers, seen = _counting(FamilyCompositionChanged)
    restarted = kit.receiver(handlers)
    assert restarted.process_pending() == ProcessReport(handled=1)
    assert restarted.process_pending() == ProcessReport()
    # The KSZ, which may not have seen the acknowledgement, sends it again: handed over once.
    assert restarted.receive(message).outcome is Outcome.DUPLICATE
    assert len(seen) == 1 and seen[0].ssin == A


KILLED = textwrap.dedent('''
    import os, signal, sys
    from pathlib import Path
    from ksz_client._config import Organisation
    from ksz_client.audit import AuditLog
    from ksz_client.notifications import Handlers, Inbox, NotificationEvent, Receiver
    from ksz_client.wsse import Verifier

    db, cert, message, marker, organisation = sys.argv[1:6]
    log = AuditLog.sqlite(db, key_file=Path(db).parent / "checkpoint.key",
                          checkpoint_dir=Path(db).parent / "checkpoints")
    handlers = Handlers()

    @handlers.on(NotificationEvent)
    def die(event):
        Path(marker).write_text("the handler started")
        os.kill(os.getpid(), signal.SIGKILL)

    receiver = Receiver(Inbox(log), Verifier([Path(cert).read_bytes()]), handlers=handlers,
                        organisation=Organisation(cbe_number=organisation))
    receiver.receive(Path(message).read_bytes())
    print("not reached")
''')


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_process_killed_in_its_handler_leaves_the_event_to_the_next_one(
    sqlite_kit: Kit, tmp_path: Path,
) -> None:
    kit = sqlite_kit
    message = kit.message("notifyPersonnelFile", B)
    (tmp_path / "message.xml").write_bytes(message)
    (tmp_path / "ksz.pem").write_bytes(kit.signing.cert_pem)
    marker = tmp_path / "marker"
    child = subprocess.run(
        [sys.executable, "-c", KILLED, str(tmp_path / "audit.sqlite3"), str(tmp_path / "ksz.pem"),
         str(tmp_path / "message.xml"), str(marker), SANDBOX_CBE_NUMBER],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert child.returncode == -9, child.stderr
    assert marker.read_text() == "the handler started" and "not reached" not in child.stdout

    handlers, seen = _counting(DimonaDeclared)
    restarted = kit.receiver(handlers)
    (entry,) = restarted.inbox.pending()
    assert entry.attempts == 1  # the killed attempt counts
    # The lease of the dead process on this machine is taken over at once.
    assert restarted.process_pending() == ProcessReport(handled=1)
    assert restarted.receive(message).outcome is Outcome.DUPLICATE
    assert len(seen) == 1 and seen[0].ssin == B
    (done,) = restarted.inbox.entries()
    assert (done.state, done.attempts) == (EntryState.HANDLED, 2)
    assert kit.log.verify().ok


def test_a_lease_of_a_live_worker_is_respected_until_it_runs_out(kit: Kit) -> None:
    clock = Clock()
    handlers, seen = _counting()
    receiver = kit.receiver(handlers, clock=clock, lease=dt.timedelta(minutes=2), dispatch=False)
    receiver.receive(kit.message("notifyPerson", A, now=clock.now))
    elsewhere = "another-host|boot|4242|abcdef"
    claimed = receiver.inbox.claim(owner=elsewhere)
    assert claimed is not None and claimed.attempts == 1
    assert receiver.process_pending() == ProcessReport()  # leased to a live worker
    clock.advance(minutes=3)
    assert receiver.process_pending() == ProcessReport(handled=1)
    # The slow worker finishes after all: its lease was lost, it records nothing.
    record = AuditRecord(seq=0, kind=RecordKind.NOTIFICATION_HANDLED, at=clock.now)
    assert receiver.inbox.complete(claimed, owner=elsewhere, record=record) is False
    assert len(kit.log.query(reader="test", kinds=[RecordKind.NOTIFICATION_HANDLED])) == 1
    assert len(seen) == 1


def test_without_handlers_the_receiver_only_stores(kit: Kit) -> None:
    receiver = kit.receiver()
    receiver.receive(kit.message("notifyPerson", A))
    assert receiver.inbox.counts() == {"PENDING": 1, "HANDLED": 0}
    with pytest.raises(ConfigError, match="register a handler"):
        receiver.process_pending()
    assert receiver.inbox.counts() == {"PENDING": 1, "HANDLED": 0}


def test_events_no_handler_wants_do_not_hold_up_the_others(kit: Kit) -> None:
    handlers, seen = _counting(FamilyCompositionChanged)
    receiver = kit.receiver(handlers)
    receiver.receive(kit.message("notifyPersonnelFile", A))
    receiver.receive(kit.message("notifyFamilyComposition", A))
    assert [type(e) for e in seen] == [FamilyCompositionChanged]
    assert receiver.inbox.counts() == {"PENDING": 0, "HANDLED": 2}
    records = kit.log.query(reader="test", kinds=[RecordKind.NOTIFICATION_HANDLED])
    assert [r.detail["handlers"] == [] for r in records] == [True, False]


def test_handlers_run_most_specific_first_in_registration_order(kit: Kit) -> None:
    calls: list[str] = []
    handlers = Handlers()
    handlers.on(NotificationEvent)(lambda e: calls.append("any"))
    handlers.on(FamilyCompositionChanged)(lambda e: calls.append("household 1"))
    handlers.add(FamilyCompositionChanged, lambda e: calls.append("household 2"))
    kit.receiver(handlers).receive(kit.message("notifyFamilyComposition", A))
    assert calls == ["household 1", "household 2", "any"]
    assert len(handlers) == 3 and "FamilyCompositionChanged" in repr(handlers)
    with pytest.raises(TypeError):
        handlers.add(str, print)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        handlers.add(FamilyCompositionChanged, "not callable")  # type: ignore[arg-type]


def test_a_message_that_cannot_be_stored_is_not_acknowledged(sqlite_kit: Kit) -> None:
    kit = sqlite_kit
    db = kit.tmp / "audit.sqlite3"
    receiver = kit.receiver()
    conn = sqlite3.connect(db)
    conn.execute("CREATE TRIGGER disk_full BEFORE INSERT ON audit_log "
                 "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    conn.commit()
    message = kit.message("notifyFamilyComposition", A)
    reply = receiver.receive(message)
    assert (reply.status, reply.outcome) == (500, Outcome.UNAVAILABLE)
    assert b"soapenv:Server" in reply.body and b"send it again" in reply.body
    # Nothing half-stored: the inbox rows went with the audit record.
    assert kit.scalar("SELECT COUNT(*) FROM notification_receipt") == 0
    assert kit.scalar("SELECT COUNT(*) FROM notification_inbox") == 0
    conn.execute("DROP TRIGGER disk_full")
    conn.commit()
    conn.close()
    assert receiver.receive(message).outcome is Outcome.RECEIVED  # the KSZ sends it again


def test_storing_is_one_transaction_with_its_audit_record(kit: Kit) -> None:
    inbox = Inbox(kit.log)

    def no_record(result: object) -> AuditRecord:
        raise AuditError("the record cannot be written")

    with pytest.raises(AuditError):
        inbox.store(key="k1", service="PersonNotifications", operation="notifyPerson",
                    ticket="t", sequence_number=1, message="<m/>", message_sha256="0" * 64,
                    events=[], record=no_record)
    assert kit.scalar("SELECT COUNT(*) FROM notification_receipt") == 0


def test_a_handled_event_that_cannot_be_marked_is_handed_over_again(
    kit: Kit, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    handlers, seen = _counting()
    receiver = kit.receiver(handlers, clock=clock, lease=dt.timedelta(minutes=1))

    def broken(*args: object, **kwargs: object) -> bool:
        raise AuditError("the audit log could not record (OperationalError)")

    monkeypatch.setattr(receiver.inbox, "complete", broken)
    with caplog.at_level(logging.ERROR, logger="ksz_client.notifications"):
        receiver.receive(kit.message("notifyPerson", A, now=clock.now))
    assert "could not be marked" in caplog.text and len(seen) == 1
    monkeypatch.undo()
    clock.advance(minutes=2)  # its lease runs out
    assert receiver.process_pending() == ProcessReport(handled=1)
    assert len(seen) == 2  # at least once


def test_an_event_that_cannot_be_read_back_stays_pending(kit: Kit) -> None:
    handlers, seen = _counting()
    receiver = kit.receiver(handlers, dispatch=False)
    receiver.receive(kit.message("notifyPerson", A))

    def corrupt(tx: object) -> tuple[None, list[AuditRecord]]:
        tx.execute("UPDATE notification_inbox SET payload = ?", ("{}",))  # type: ignore[attr-defined]
        return None, []

    kit.log.write_with(corrupt)
    assert receiver.process_pending() == ProcessReport(failed=1)
    (entry,) = receiver.inbox.pending()
    assert entry.last_error == "Undecodable:KeyError" and seen == []


def test_the_inbox_lists_counts_and_purges(kit: Kit) -> None:
    clock = Clock()
    handlers, _seen = _counting(FamilyCompositionChanged)
    receiver = kit.receiver(handlers, clock=clock)
    receiver.receive(kit.message("notifyFamilyComposition", A, now=clock.now))
    receiver.receive(kit.message("notifyFamilyComposition", B, now=clock.now))
    inbox = receiver.inbox
    assert [str(e.ssin) for e in inbox.entries(ssin=B)] == [B]
    assert len(inbox.entries(limit=1)) == 1
    assert inbox.counts() == {"PENDING": 0, "HANDLED": 2}
    assert A not in repr(inbox.entries()[0])  # no SSIN, no payload in a repr
    assert inbox.purge(clock.now - dt.timedelta(days=1)) == 0
    clock.advance(days=40)
    assert inbox.purge(clock.now - dt.timedelta(days=30)) == 2
    assert inbox.entries() == [] and kit.scalar("SELECT COUNT(*) FROM notification_receipt") == 0


def test_a_failing_work_in_a_group_commit_does_not_take_the_others_down(kit: Kit) -> None:
    from ksz_client.notifications._inbox import _Batcher, _Job

    def fine(tx: object) -> tuple[str, list[AuditRecord]]:
        return "fine", []

    def failing(tx: object) -> tuple[str, list[AuditRecord]]:
        raise ValueError("this one is broken")

    batch = [_Job(fine), _Job(failing), _Job(fine)]
    _Batcher(kit.log)._commit(batch)
    assert [job.result for job in batch] == ["fine", None, "fine"]
    assert [type(job.error) for job in batch] == [type(None), ValueError, type(None)]


def test_a_stored_message_is_acknowledged_even_if_handing_over_fails(
    kit: Kit, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    handlers = Handlers()

    @handlers.on(NotificationEvent)
    def broken(event: NotificationEvent) -> None:
        raise RuntimeError("the application is down")

    receiver = kit.receiver(handlers)

    def unavailable(*args: object, **kwargs: object) -> None:
        raise AuditError("the audit log could not record (OperationalError)")

    # The handler fails, and even giving the event back fails: it is stored all the same.
    monkeypatch.setattr(receiver.inbox, "retry_later", unavailable)
    with caplog.at_level(logging.ERROR, logger="ksz_client.notifications"):
        reply = receiver.receive(kit.message("notifyPerson", A))
    assert reply.outcome is Outcome.RECEIVED and ack(reply.body)[0] == "OK"
    assert "stored but not handed over" in caplog.text
    assert receiver.inbox.counts() == {"PENDING": 1, "HANDLED": 0}


def test_a_handler_slower_than_its_lease_is_reported_when_another_took_over(
    kit: Kit, caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    receiver_box: list[Inbox] = []
    taken: list[object] = []
    handlers = Handlers()

    @handlers.on(NotificationEvent)
    def slow(event: NotificationEvent) -> None:
        clock.advance(minutes=10)  # longer than the lease: another worker takes the event
        taken.append(receiver_box[0].claim(owner="other-host|boot|1|worker"))

    receiver = kit.receiver(handlers, clock=clock, lease=dt.timedelta(minutes=1))
    receiver_box.append(receiver.inbox)
    with caplog.at_level(logging.WARNING, logger="ksz_client.notifications"):
        receiver.receive(kit.message("notifyPerson", A, now=clock.now))
    assert taken and taken[0] is not None
    assert "taken over by another worker" in caplog.text
    assert kit.log.query(reader="test", kinds=[RecordKind.NOTIFICATION_HANDLED]) == []


def test_limits_must_be_positive(kit: Kit) -> None:
    with pytest.raises(ConfigError):
        kit.receiver(max_body_bytes=0)
    with pytest.raises(ConfigError):
        Inbox(kit.log, lease=dt.timedelta(0))


def test_a_message_about_many_persons_is_handed_over_whole(sqlite_kit: Kit) -> None:
    from lxml import etree

    from ksz_client import _xml

    handlers, seen = _counting(JobSeekerStatusChanged)
    receiver = sqlite_kit.receiver(handlers)
    persons = [ssin(n) for n in range(250)]

    def many(payload: _xml.Element) -> None:
        seekers = payload.find("jobSeekers")
        assert seekers is not None
        template = etree.tostring(seekers[0])
        for person in persons[1:]:
            copy = etree.fromstring(template)
            ssin_element = copy.find("ssin")
            assert ssin_element is not None
            ssin_element.text = person
            seekers.append(copy)

    reply = receiver.receive(sqlite_kit.message("notifyJobSeekerStatus", persons[0],
                                                change=many))
    assert len(reply.entries) == len(persons)
    assert [str(e.ssin) for e in seen] == persons
    assert receiver.inbox.claim(owner="x|y|1|z", ssins=[]) is None
