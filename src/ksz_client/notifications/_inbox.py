"""The inbox: notifications stored before they are acknowledged, then handed over in order.

Two tables beside the audit log, in the same database (`AuditLog.ensure_inbox`):
``notification_receipt`` (one row per message, keyed by its ticket, with the
signed message as received) and ``notification_inbox`` (one row per event, a
work queue). A message's rows and its NOTIFICATION_RECEIVED record commit in
one transaction: a notification is in the inbox and in the log, or in
neither. The same holds for an event's HANDLED state and its
NOTIFICATION_HANDLED record.

Delivery is at least once and in order per SSIN: an event is only handed out
(`claim`) when no earlier event of the same SSIN is still pending. A claim is
a lease: a worker that dies leaves its events to others when the lease runs
out, or at once when the dead process was on this machine.
"""

from __future__ import annotations

import datetime as _dt
import os
import socket
import threading
import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, TypeVar

from ksz_client._exceptions import ConfigError
from ksz_client.audit._records import AuditRecord, format_time, parse_time
from ksz_client.notifications._codec import dump_event, load_event
from ksz_client.notifications._events import NotificationEvent
from ksz_client.ssin import Ssin

if TYPE_CHECKING:
    from ksz_client._config import KszConfig
    from ksz_client.audit import AuditLog
    from ksz_client.audit._store import Transaction

__all__ = ["Backoff", "EntryState", "Inbox", "InboxEntry", "StoreResult", "worker_id"]

_COLUMNS: Final = (
    "id", "receipt_id", "message_key", "item", "event_type", "service", "operation", "ssin",
    "state", "attempts", "received_at", "next_attempt_at", "handled_at", "last_error",
    "payload",
)
_SELECT: Final = f"SELECT {', '.join(_COLUMNS)} FROM notification_inbox"  # noqa: S608
# Eligible: pending, due, not leased (or the lease ran out), and first of its SSIN.
_ELIGIBLE: Final = (
    "state = 'PENDING' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)"
    " AND NOT EXISTS (SELECT 1 FROM notification_inbox e WHERE e.ssin = notification_inbox.ssin"
    " AND e.state = 'PENDING' AND e.id < notification_inbox.id)"
)
_MAX_FILTERED_SSINS: Final = 200
"""Above this many SSINs a claim looks at every pending event (bounded parameter lists)."""

_HOST: Final = socket.gethostname()


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()[:8]
    except OSError:
        return ""


_BOOT: Final = _boot_id()


def worker_id() -> str:
    """Who holds a lease: host, boot, process and a random part (one per claiming loop)."""
    return f"{_HOST}|{_BOOT}|{os.getpid()}|{uuid.uuid4().hex[:12]}"


def _owner_gone(owner: str) -> bool:
    parts = owner.split("|")
    if len(parts) != 4 or not parts[2].isdigit() or os.name != "posix":
        return False
    host, boot, pid = parts[0], parts[1], int(parts[2])
    if (host, boot) != (_HOST, _BOOT) or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


_R = TypeVar("_R")
_Work = Callable[["Transaction"], tuple[Any, list[AuditRecord]]]


class _Job:
    __slots__ = ("done", "error", "result", "wake", "work")

    def __init__(self, work: _Work) -> None:
        self.work = work
        self.wake = threading.Event()
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None


class _Batcher:
    """Leader/follower group commit of inbox transactions.

    Concurrent receipts and completions then share one transaction, hence one
    fsync: a thread that finds no commit running runs, in one transaction, its
    own work and that of every thread that queued meanwhile. If that batch
    fails, each work is tried again on its own, so that one failing work never
    takes the others down with it.
    """

    def __init__(self, log: AuditLog) -> None:
        self._log = log
        self._lock = threading.Lock()
        self._queue: list[_Job] = []
        self._leading = False

    def run(self, work: Callable[[Transaction], tuple[_R, list[AuditRecord]]]) -> _R:
        mine = _Job(work)
        with self._lock:
            self._queue.append(mine)
            follow = self._leading
            self._leading = True
        if follow:
            mine.wake.wait()
        if not mine.done:  # leading now: commit everything queued
            with self._lock:
                batch, self._queue = self._queue, []
            self._commit(batch)
            for job in batch:
                job.done = True
                if job is not mine:
                    job.wake.set()
            with self._lock:
                if self._queue:
                    self._queue[0].wake.set()  # the next leader
                else:
                    self._leading = False
        if mine.error is not None:
            raise mine.error
        result: _R = mine.result
        return result

    def _commit(self, batch: list[_Job]) -> None:
        def together(tx: Transaction) -> tuple[list[Any], list[AuditRecord]]:
            results, records = [], []
            for job in batch:
                result, recorded = job.work(tx)
                results.append(result)
                records.extend(recorded)
            return results, records

        try:
            results, _ = self._log.write_with(together)
        except BaseException as exc:
            if len(batch) == 1:
                batch[0].error = exc
                return
            for job in batch:  # rolled back as a whole: each on its own now
                try:
                    job.result, _ = self._log.write_with(job.work)
                except BaseException as own:
                    job.error = own
            return
        for job, result in zip(batch, results, strict=True):
            job.result = result


class EntryState(StrEnum):
    """Where an inbox entry is."""

    PENDING = "PENDING"
    """Stored, not yet handled (or its handler failed and it waits for a retry)."""
    HANDLED = "HANDLED"
    """Every handler of its type returned (or none is registered)."""


@dataclass(frozen=True)
class Backoff:
    """How long a failed event waits: `initial`, doubled per attempt, at most `maximum`."""

    initial: _dt.timedelta = _dt.timedelta(seconds=30)
    maximum: _dt.timedelta = _dt.timedelta(hours=1)

    def __post_init__(self) -> None:
        if self.initial <= _dt.timedelta(0) or self.maximum < self.initial:
            raise ConfigError("the retry backoff needs 0 < initial <= maximum",
                              key="notifications.retry_initial_seconds")

    def delay(self, attempts: int) -> _dt.timedelta:
        """The wait after the `attempts`-th failed attempt (1, 2, ...)."""
        exponent = max(0, min(attempts - 1, 40))
        delay: _dt.timedelta = self.initial * (2 ** exponent)
        return min(delay, self.maximum)


@dataclass(frozen=True)
class InboxEntry:
    """One stored event and its delivery state."""

    id: int
    """Position in the inbox: the order of arrival."""
    receipt_id: str
    """The id of the message's audit records (``call_id``)."""
    key: str
    item: int
    event_type: str
    service: str
    operation: str
    ssin: Ssin
    state: EntryState
    attempts: int
    received_at: _dt.datetime
    next_attempt_at: _dt.datetime
    handled_at: _dt.datetime | None
    last_error: str | None
    """The exception class of the last failed attempt (never its message)."""
    payload: str = field(repr=False)

    def event(self) -> NotificationEvent:
        """The stored event."""
        return load_event(self.payload)


@dataclass(frozen=True)
class StoreResult:
    """What `Inbox.store` did with a message."""

    receipt_id: str
    duplicate: bool
    """The message (same key) was stored before: nothing was stored again."""
    same_content: bool
    """For a duplicate: whether its content (the notification element, canonicalised) is
    the stored one's. A redelivery is signed anew: only the content is compared."""
    entries: tuple[int, ...]
    """The new entries' ids (empty for a duplicate)."""
    claimed: tuple[InboxEntry, ...] = ()
    """With ``claim_for``: the new entries leased to that worker (those due first of
    their SSIN), in order."""


def _row(values: Sequence[Any]) -> InboxEntry:
    data = dict(zip(_COLUMNS, values, strict=True))
    return InboxEntry(
        id=int(data["id"]),
        receipt_id=str(data["receipt_id"]),
        key=str(data["message_key"]),
        item=int(data["item"]),
        event_type=str(data["event_type"]),
        service=str(data["service"]),
        operation=str(data["operation"]),
        ssin=Ssin(str(data["ssin"]), allow_test=True),
        state=EntryState(str(data["state"])),
        attempts=int(data["attempts"]),
        received_at=parse_time(str(data["received_at"])),
        next_attempt_at=parse_time(str(data["next_attempt_at"])),
        handled_at=parse_time(str(data["handled_at"])) if data["handled_at"] else None,
        last_error=data["last_error"],
        payload=str(data["payload"]),
    )


class Inbox:
    """The notification inbox in the audit log's database (SQLite or PostgreSQL).

    >>> inbox = Inbox(AuditLog.sqlite("audit.sqlite3"))      # doctest: +SKIP

    Thread-safe; several processes may share one database (claims are
    leases). `Inbox.from_config` opens the configured audit log.
    """

    def __init__(
        self,
        log: AuditLog,
        *,
        backoff: Backoff | None = None,
        lease: _dt.timedelta = _dt.timedelta(minutes=5),
        clock: Callable[[], _dt.datetime] | None = None,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        if lease <= _dt.timedelta(0):
            raise ConfigError("the lease must be positive", key="notifications.lease_seconds")
        self.log = log
        self.backoff = backoff or Backoff()
        self.lease = lease
        self._clock = clock or _utcnow
        self._on_close = on_close
        self._closed = False
        self._batch = _Batcher(log)
        log.ensure_inbox()

    @classmethod
    def from_config(
        cls, config: KszConfig, *, clock: Callable[[], _dt.datetime] | None = None
    ) -> Inbox:
        """The inbox in the audit database `config` names (``[audit]`` keys).

        The log is shared with the clients of the same configuration in this
        process (one connection, one group commit).
        """
        from ksz_client.audit import _shared

        if not config.audit_enabled:
            raise ConfigError(
                "the notification inbox is kept in the audit database: set audit.path "
                "(SQLite) or audit.dsn (PostgreSQL)", key="audit.path")
        settings = config.notifications
        log = _shared.acquire(config)
        try:
            return cls(
                log,
                backoff=Backoff(_dt.timedelta(seconds=settings.retry_initial_seconds),
                                _dt.timedelta(seconds=settings.retry_max_seconds)),
                lease=_dt.timedelta(seconds=settings.lease_seconds),
                clock=clock,
                on_close=lambda: _shared.release(log),
            )
        except BaseException:
            _shared.release(log)
            raise

    def __repr__(self) -> str:
        return f"Inbox({self.log.location})"

    def close(self) -> None:
        """Let go of the audit log (closed when this inbox opened it through the config)."""
        if self._closed:
            return
        self._closed = True
        if self._on_close is not None:
            self._on_close()

    def __enter__(self) -> Inbox:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def now(self) -> _dt.datetime:
        """The inbox's clock (UTC)."""
        return self._clock()

    # --- receiving -------------------------------------------------------------------

    def store(
        self,
        *,
        key: str,
        service: str,
        operation: str,
        ticket: str | None,
        sequence_number: int | None,
        message: str,
        message_sha256: str,
        events: Sequence[NotificationEvent],
        record: Callable[[StoreResult], AuditRecord],
        received_at: _dt.datetime | None = None,
        claim_for: str | None = None,
    ) -> StoreResult:
        """Store a message's events, or recognise it as a redelivery; one transaction.

        `message_sha256` is the digest of the notification's content (what a
        redelivery repeats); `message` the signed envelope as received.
        `record` builds the NOTIFICATION_RECEIVED record from what happened; it
        is committed with the rows. With `claim_for` (a `worker_id`), the new
        events that may be handled at once are leased to that worker in the
        same transaction (saving one commit per message). Raises `AuditError`
        when nothing could be committed (the message must then not be
        acknowledged as received).
        """
        moment = received_at or self._clock()
        at = format_time(moment)
        receipt_id = str(uuid.uuid4())
        rows = [
            (key, index, receipt_id, type(event).__name__, service, operation, str(event.ssin),
             at, dump_event(event), EntryState.PENDING.value, 0, at)
            for index, event in enumerate(events)
        ]

        def work(tx: Transaction) -> tuple[StoreResult, list[AuditRecord]]:
            inserted = tx.execute(
                "INSERT INTO notification_receipt (message_key, receipt_id, service, operation,"
                " ticket, sequence_number, received_at, events, message_sha256, message)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_key) DO NOTHING",
                (key, receipt_id, service, operation, ticket, sequence_number, at, len(rows),
                 message_sha256, message),
            ).rowcount
            if inserted == 1:
                tx.executemany(
                    "INSERT INTO notification_inbox (message_key, item, receipt_id, event_type,"
                    " service, operation, ssin, received_at, payload, state, attempts,"
                    " next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
                ids = tuple(int(r[0]) for r in tx.execute(
                    "SELECT id FROM notification_inbox WHERE message_key = ? ORDER BY item",
                    (key,)).fetchall())
                claimed: tuple[InboxEntry, ...] = ()
                if claim_for is not None:
                    claimed = self._lease(
                        tx, f"{_SELECT} WHERE message_key = ? AND {_ELIGIBLE} ORDER BY id",
                        [key, at, at], owner=claim_for, now=moment)
                result = StoreResult(receipt_id, duplicate=False, same_content=True,
                                     entries=ids, claimed=claimed)
            else:
                first = tx.execute(
                    "SELECT receipt_id, message_sha256 FROM notification_receipt"
                    " WHERE message_key = ?", (key,)).fetchone()
                result = StoreResult(str(first[0]), duplicate=True,
                                     same_content=first[1] == message_sha256, entries=())
            return result, [record(result)]

        return self._batch.run(work)

    # --- delivering ------------------------------------------------------------------

    def claim(self, *, owner: str, ssins: Collection[str] | None = None,
              now: _dt.datetime | None = None) -> InboxEntry | None:
        """Lease the next event that may be handled now (first pending of its SSIN), if any.

        With `ssins`, only events of those persons are considered. The
        entry's ``attempts`` counts this attempt.
        """
        moment = now or self._clock()
        stamp = format_time(moment)
        sql = f"{_SELECT} WHERE {_ELIGIBLE}"
        params: list[Any] = [stamp, stamp]
        wanted = sorted({str(s) for s in ssins}) if ssins is not None else None
        if wanted is not None and len(wanted) <= _MAX_FILTERED_SSINS:
            if not wanted:
                return None
            sql += f" AND ssin IN ({', '.join('?' * len(wanted))})"
            params += wanted
        sql += " ORDER BY id LIMIT 1"
        # A look first, outside any write transaction: most calls find nothing, and
        # a write transaction costs a commit (an fsync) and the database's write lock.
        if not self.log.read_rows(sql, params):
            return None

        def work(tx: Transaction) -> tuple[InboxEntry | None, list[AuditRecord]]:
            leased = self._lease(tx, sql, params, owner=owner, now=moment)
            return (leased[0] if leased else None), []

        return self._batch.run(work)

    def _lease(self, tx: Transaction, sql: str, params: Sequence[Any], *, owner: str,
               now: _dt.datetime) -> tuple[InboxEntry, ...]:
        """Lease to `owner` the entries `sql` selects (inside the caller's transaction)."""
        until = format_time(now + self.lease)
        entries = [_row(r) for r in tx.execute(sql, params).fetchall()]
        for entry in entries:
            tx.execute(
                "UPDATE notification_inbox SET lease_owner = ?, lease_until = ?,"
                " attempts = attempts + 1 WHERE id = ?", (owner, until, entry.id))
        return tuple(replace(e, attempts=e.attempts + 1) for e in entries)

    def complete(self, entry: InboxEntry, *, owner: str, record: AuditRecord,
                 now: _dt.datetime | None = None) -> bool:
        """Mark a claimed entry handled, with its NOTIFICATION_HANDLED record.

        False (and no record) when the lease was lost meanwhile: another
        worker has the event now.
        """
        at = format_time(now or self._clock())

        def work(tx: Transaction) -> tuple[bool, list[AuditRecord]]:
            done = tx.execute(
                "UPDATE notification_inbox SET state = ?, handled_at = ?, lease_owner = NULL,"
                " lease_until = NULL, last_error = NULL"
                " WHERE id = ? AND lease_owner = ? AND state = ?",
                (EntryState.HANDLED.value, at, entry.id, owner, EntryState.PENDING.value),
            ).rowcount == 1
            return done, [record] if done else []

        return self._batch.run(work)

    def retry_later(self, entry: InboxEntry, *, owner: str, error: str,
                    now: _dt.datetime | None = None) -> _dt.datetime:
        """Give a claimed entry back after a failed attempt; returns when it is due again."""
        moment = now or self._clock()
        due = moment + self.backoff.delay(entry.attempts)

        def work(tx: Transaction) -> tuple[None, list[AuditRecord]]:
            tx.execute(
                "UPDATE notification_inbox SET lease_owner = NULL, lease_until = NULL,"
                " last_error = ?, next_attempt_at = ? WHERE id = ? AND lease_owner = ?",
                (error[:200], format_time(due), entry.id, owner))
            return None, []

        self._batch.run(work)
        return due

    def release_dead_leases(self, now: _dt.datetime | None = None) -> int:
        """Free the leases of workers of this machine whose process is gone; returns how many.

        Leases of other machines' workers run out by themselves.
        """
        stamp = format_time(now or self._clock())
        owners = [str(r[0]) for r in self.log.read_rows(
            "SELECT DISTINCT lease_owner FROM notification_inbox WHERE state = 'PENDING'"
            " AND lease_owner IS NOT NULL AND lease_until >= ?", (stamp,))]
        gone = [o for o in owners if _owner_gone(o)]
        if not gone:
            return 0

        def work(tx: Transaction) -> tuple[int, list[AuditRecord]]:
            freed = 0
            for owner in gone:
                freed += max(tx.execute(
                    "UPDATE notification_inbox SET lease_owner = NULL, lease_until = NULL"
                    " WHERE lease_owner = ? AND state = 'PENDING'", (owner,)).rowcount, 0)
            return freed, []

        freed, _ = self.log.write_with(work)
        return freed

    # --- looking -----------------------------------------------------------------------

    def entries(
        self,
        *,
        state: EntryState | str | None = None,
        ssin: str | None = None,
        limit: int | None = None,
    ) -> list[InboxEntry]:
        """Entries in order of arrival, optionally of one state and one person."""
        sql, params = _SELECT, []
        where = []
        if state is not None:
            where.append("state = ?")
            params.append(EntryState(state).value)
        if ssin is not None:
            where.append("ssin = ?")
            params.append(str(Ssin(ssin, allow_test=True)))
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_row(r) for r in self.log.read_rows(sql, params)]

    def pending(self, *, limit: int | None = None) -> list[InboxEntry]:
        """Entries not handled yet, in order of arrival."""
        return self.entries(state=EntryState.PENDING, limit=limit)

    def counts(self) -> dict[str, int]:
        """How many entries are in each state."""
        found = {s.value: 0 for s in EntryState}
        for state, count in self.log.read_rows(
                "SELECT state, COUNT(*) FROM notification_inbox GROUP BY state"):
            found[str(state)] = int(count)
        return found

    def message(self, key: str) -> str | None:
        """The signed message as it was received, by its key (None if not stored)."""
        rows = self.log.read_rows(
            "SELECT message FROM notification_receipt WHERE message_key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def purge(self, handled_before: _dt.datetime) -> int:
        """Delete entries handled before `handled_before`, and their messages once none is left.

        A message deleted here is no longer recognised if the KSZ delivers it
        again: keep the inbox longer than the KSZ's redelivery horizon.
        Returns the number of entries deleted.
        """
        cutoff = format_time(handled_before)

        def work(tx: Transaction) -> tuple[int, list[AuditRecord]]:
            deleted = max(tx.execute(
                "DELETE FROM notification_inbox WHERE state = 'HANDLED' AND handled_at < ?",
                (cutoff,)).rowcount, 0)
            tx.execute(
                "DELETE FROM notification_receipt WHERE received_at < ? AND NOT EXISTS"
                " (SELECT 1 FROM notification_inbox i"
                " WHERE i.message_key = notification_receipt.message_key)", (cutoff,))
            return deleted, []

        deleted, _ = self.log.write_with(work)
        return deleted
