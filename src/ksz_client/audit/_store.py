"""Where records are kept: SQLite (default) or PostgreSQL, one SQL code path.

Tables: ``audit_log`` (one row per record: the canonical body, its hashes,
and a few columns copied from the body for queries; `verify` checks that
they match), ``audit_subject`` (SSIN -> seq index for "who looked at this
person"), ``audit_head`` (the chain head: every writer locks it, so the
sequence stays contiguous across threads and processes), ``audit_meta``
(the log's id) and ``finality_integration`` (the local register of
integrations; mutable, it is not the log). ``notification_receipt`` and
``notification_inbox`` hold the notifications the KSZ pushed
(`ksz_client.notifications`): a mutable work queue, created on first use,
outside the chain; what happens to a notification (received, refused,
handled) is recorded in the chain, in the same transaction as the queue
change (`Store.append_with`).

``audit_log``, ``audit_subject`` and ``audit_meta`` refuse UPDATE and
DELETE through triggers; the only DELETE let through is that of records a
TOMBSTONE record already declares dropped by retention. In PostgreSQL the
application's role should moreover lack those privileges (README).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import sqlite3
import threading
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar

from ksz_client._exceptions import AuditError
from ksz_client.audit._checkpoint import Checkpoint, CheckpointKey
from ksz_client.audit._records import (
    BODY_VERSION,
    GENESIS_HASH,
    RecordKind,
    canonical,
    chain_hash,
    format_time,
)

__all__ = [
    "COLUMNS",
    "CheckpointPolicy",
    "PostgresStore",
    "SqliteStore",
    "Store",
    "Stored",
    "Transaction",
]

SCHEMA_VERSION: Final = "1"

_R = TypeVar("_R")

COLUMNS: Final = (
    "seq", "kind", "at", "call_id", "attempt", "user_id", "dossier", "service", "operation",
    "dropped_through", "body", "prev_hash", "hash",
)
"""Columns of ``audit_log`` in the order rows are read."""

_SELECT_ROWS: Final = f"SELECT {', '.join(COLUMNS)} FROM audit_log"  # noqa: S608 - constants

# Query filters: fixed SQL fragments, values always bound.
_FILTERS: Final[Mapping[str, str]] = {
    "ssin": "seq IN (SELECT seq FROM audit_subject WHERE ssin = ?)",
    "user": "user_id = ?",
    "dossier": "dossier = ?",
    "service": "service = ?",
    "call_id": "call_id = ?",
    "since": "at >= ?",
    "until": "at < ?",
    "before_seq": "seq < ?",
}


@dataclass(frozen=True)
class Stored:
    """A record as committed: its body (with seq), and hashes."""

    body: dict[str, Any]
    prev_hash: str
    hash: str
    text: str = ""
    """The canonical JSON of `body`, as stored and hashed."""


@dataclass(frozen=True)
class CheckpointPolicy:
    """When the writer adds a CHECKPOINT: every `every` records or `minutes` minutes."""

    key: CheckpointKey
    every: int
    minutes: float

    def due(self, since: int, last_at: _dt.datetime, now: _dt.datetime) -> bool:
        if since <= 0:
            return False
        return since >= self.every or now - last_at >= _dt.timedelta(minutes=self.minutes)


class Transaction:
    """SQL run inside a write transaction of the audit database (`Store.append_with`).

    Placeholders are written ``?`` for both backends. Whatever is executed here
    commits, or rolls back, together with the audit records of the transaction.
    """

    __slots__ = ("_conn", "_sql", "dialect")

    def __init__(self, conn: Any, sql: Callable[[str], str], dialect: str) -> None:
        self._conn = conn
        self._sql = sql
        self.dialect = dialect
        """``sqlite`` or ``postgresql``."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; returns the DB-API cursor (``rowcount``, ``fetchone``...)."""
        return self._conn.execute(self._sql(sql), params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for each of `rows`."""
        cursor = self._conn.cursor()
        try:
            cursor.executemany(self._sql(sql), rows)
        finally:
            cursor.close()


def row_columns(body: Mapping[str, Any]) -> tuple[Any, ...]:
    """The queryable columns of a body, in `COLUMNS` order up to ``dropped_through``."""
    detail = body.get("detail") or {}
    dropped = detail.get("dropped_through") if body["kind"] == RecordKind.TOMBSTONE else None
    return (
        body["seq"], body["kind"], body["at"], body.get("call_id"), body.get("attempt"),
        body.get("user"), body.get("dossier"), body.get("service"), body.get("operation"),
        dropped,
    )


def _parse_head_time(value: Any) -> _dt.datetime:
    if isinstance(value, _dt.datetime):
        return value
    return _dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


class Store(ABC):
    """The SQL shared by both backends; subclasses bring connections and dialect."""

    description: str
    dialect: str = ""
    """``sqlite`` or ``postgresql``."""
    _inbox_ddl: tuple[str, ...] = ()

    def __init__(self) -> None:
        self._write_lock = threading.Lock()
        self._read_lock = threading.Lock()
        self._writer: Any = None
        self._reader: Any = None
        self._log_id: str | None = None
        self._closed = False
        self._pid = os.getpid()

    # --- dialect ---------------------------------------------------------------------

    @abstractmethod
    def _connect(self, *, write: bool) -> Any: ...

    @abstractmethod
    def _create_schema(self, conn: Any, now: str) -> None: ...

    @abstractmethod
    def _begin_write(self, conn: Any) -> None: ...

    @abstractmethod
    def _lock_head(self) -> str: ...

    @abstractmethod
    def _begin_read(self, conn: Any) -> None: ...

    @abstractmethod
    def _end_read(self, conn: Any) -> None: ...

    @abstractmethod
    def _commit(self, conn: Any) -> None: ...

    @abstractmethod
    def _rollback(self, conn: Any) -> None: ...

    @abstractmethod
    def _errors(self) -> tuple[type[BaseException], ...]: ...

    def _sql(self, text: str) -> str:
        return text

    def _stream(self, conn: Any, sql: str, params: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
        yield from conn.execute(self._sql(sql), params)

    # --- lifecycle -------------------------------------------------------------------

    def open(self, now: _dt.datetime, *, create: bool = True) -> None:
        """Connect, create the schema if needed (created `now`), read the log id."""
        created = format_time(now)
        try:
            self._writer = self._connect(write=True)
            if create:
                self._create_schema(self._writer, created)
            row = self._writer.execute(
                self._sql("SELECT value FROM audit_meta WHERE name = ?"), ("log_id",)
            ).fetchone()
            self._commit(self._writer)
        except self._errors() as exc:
            self.close()
            raise AuditError(f"cannot open the audit log ({type(exc).__name__})") from exc
        if row is None:
            self.close()
            raise AuditError("the audit log has no id: its schema was damaged")
        self._log_id = str(row[0])

    @property
    def log_id(self) -> str:
        assert self._log_id is not None
        return self._log_id

    def close(self) -> None:
        self._closed = True
        for name in ("_writer", "_reader"):
            conn = getattr(self, name)
            setattr(self, name, None)
            if conn is not None:
                with contextlib.suppress(Exception):
                    conn.close()

    def _after_fork(self) -> None:
        # A connection inherited across fork() must not be used (nor closed) by
        # the child: it belongs to the parent's session. Open new ones.
        if os.getpid() != self._pid:
            self._pid = os.getpid()
            self._writer = None
            self._reader = None

    def _writer_conn(self) -> Any:
        if self._closed:
            raise AuditError("the audit log is closed")
        self._after_fork()
        if self._writer is None:
            try:
                self._writer = self._connect(write=True)
            except self._errors() as exc:
                raise AuditError(
                    f"cannot connect to the audit log ({type(exc).__name__})"
                ) from exc
        return self._writer

    def _discard_writer(self) -> None:
        conn, self._writer = self._writer, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    @contextlib.contextmanager
    def reading(self) -> Iterator[Any]:
        """A read connection inside a consistent snapshot (one at a time)."""
        with self._read_lock:
            if self._closed:
                raise AuditError("the audit log is closed")
            self._after_fork()
            try:
                if self._reader is None:
                    self._reader = self._connect(write=False)
                conn = self._reader
                self._begin_read(conn)
            except self._errors() as exc:
                self._discard_reader()
                raise AuditError(f"cannot read the audit log ({type(exc).__name__})") from exc
            try:
                yield conn
            except self._errors() as exc:
                self._discard_reader()
                raise AuditError(f"cannot read the audit log ({type(exc).__name__})") from exc
            finally:
                if self._reader is not None:
                    try:
                        self._end_read(conn)
                    except self._errors():
                        self._discard_reader()

    def _discard_reader(self) -> None:
        conn, self._reader = self._reader, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    # --- writing ---------------------------------------------------------------------

    def append(
        self,
        bodies: Sequence[Mapping[str, Any]],
        *,
        policy: CheckpointPolicy | None,
        now: _dt.datetime,
        force_checkpoint: bool = False,
    ) -> tuple[list[Stored], Checkpoint | None]:
        """Append `bodies` as one transaction; maybe seal them with a checkpoint."""
        _, stored, checkpoint = self.append_with(
            lambda _tx: (None, bodies), policy=policy, now=now,
            force_checkpoint=force_checkpoint,
        )
        return stored, checkpoint

    def append_with(
        self,
        work: Callable[[Transaction], tuple[_R, Sequence[Mapping[str, Any]]]],
        *,
        policy: CheckpointPolicy | None,
        now: _dt.datetime,
        force_checkpoint: bool = False,
    ) -> tuple[_R, list[Stored], Checkpoint | None]:
        """Run `work`, then append the bodies it returns, all in one transaction.

        `work` runs with the chain head locked (so its changes and the records
        that describe them are ordered like every other write) and returns a
        result and the bodies to append. Whatever it raises rolls everything back.
        """
        with self._write_lock:
            conn = self._writer_conn()
            try:
                self._begin_write(conn)
                seq, prev, cp_seq, cp_at = self._read_head(conn)
                result, bodies = work(Transaction(conn, self._sql, self.dialect))
                stored = self._chain(bodies, seq, prev)
                seq, prev = self._tip(stored, seq, prev)
                checkpoint = None
                if policy is not None and (
                    (force_checkpoint and seq > cp_seq) or policy.due(seq - cp_seq, cp_at, now)
                ):
                    checkpoint = policy.key.sign(self.log_id, seq, prev, now)
                    sealed = self._chain([_checkpoint_body(checkpoint)], seq, prev)
                    stored += sealed
                    seq, prev = self._tip(sealed, seq, prev)
                    cp_seq, cp_at = seq, now
                self._insert(conn, stored)
                self._write_head(conn, seq, prev, cp_seq, cp_at)
                self._commit(conn)
            except self._errors() as exc:
                self._abandon(conn)
                raise AuditError(
                    f"the audit log could not record ({type(exc).__name__})"
                ) from exc
            except BaseException:
                self._abandon(conn)
                raise
        return result, stored, checkpoint

    def drop_sealed(
        self, cutoff: _dt.datetime, tombstone: Callable[[int, int, int], Mapping[str, Any]]
    ) -> tuple[Stored | None, int]:
        """Drop every record before the latest checkpoint older than `cutoff`.

        The checkpoint stays as the anchor of what remains; a TOMBSTONE record
        (built by ``tombstone(dropped_through, anchor_seq, count)``) is appended
        in the same transaction. Returns it and the number of records dropped.
        """
        with self._write_lock:
            conn = self._writer_conn()
            try:
                self._begin_write(conn)
                seq, prev, cp_seq, cp_at = self._read_head(conn)
                anchor = conn.execute(self._sql(
                    "SELECT seq FROM audit_log WHERE kind = ? AND at < ? ORDER BY seq DESC LIMIT 1"
                ), (RecordKind.CHECKPOINT.value, format_time(cutoff))).fetchone()
                first = conn.execute(self._sql("SELECT MIN(seq) FROM audit_log")).fetchone()
                if anchor is None or first is None or first[0] is None or anchor[0] <= first[0]:
                    self._rollback(conn)
                    return None, 0
                anchor_seq, first_seq = int(anchor[0]), int(first[0])
                count = anchor_seq - first_seq
                stored = self._chain([tombstone(anchor_seq - 1, anchor_seq, count)], seq, prev)
                seq, prev = self._tip(stored, seq, prev)
                self._insert(conn, stored)
                conn.execute(self._sql("DELETE FROM audit_subject WHERE seq < ?"), (anchor_seq,))
                conn.execute(self._sql("DELETE FROM audit_log WHERE seq < ?"), (anchor_seq,))
                self._write_head(conn, seq, prev, cp_seq, cp_at)
                self._commit(conn)
            except self._errors() as exc:
                self._abandon(conn)
                raise AuditError(
                    f"retention could not drop the sealed records ({type(exc).__name__})"
                ) from exc
            except BaseException:
                self._abandon(conn)
                raise
        return stored[0], count

    def _abandon(self, conn: Any) -> None:
        try:
            self._rollback(conn)
        except Exception:  # a dead connection: open a new one next time
            self._discard_writer()

    @staticmethod
    def _chain(bodies: Sequence[Mapping[str, Any]], seq: int, prev: str) -> list[Stored]:
        out: list[Stored] = []
        for body in bodies:
            seq += 1
            full = {**body, "seq": seq, "v": BODY_VERSION}
            text = canonical(full)
            digest = chain_hash(prev, text)
            out.append(Stored(full, prev, digest, text.decode("utf-8")))
            prev = digest
        return out

    @staticmethod
    def _tip(stored: Sequence[Stored], seq: int, prev: str) -> tuple[int, str]:
        if not stored:
            return seq, prev
        return int(stored[-1].body["seq"]), stored[-1].hash

    def _read_head(self, conn: Any) -> tuple[int, str, int, _dt.datetime]:
        row = conn.execute(self._sql(
            "SELECT seq, hash, checkpoint_seq, checkpoint_at FROM audit_head WHERE id = 1"  # noqa: S608
            + self._lock_head()
        )).fetchone()
        if row is None:
            raise AuditError("the audit log head is missing: its schema was damaged")
        return int(row[0]), str(row[1]), int(row[2]), _parse_head_time(row[3])

    def _write_head(
        self, conn: Any, seq: int, prev: str, cp_seq: int, cp_at: _dt.datetime
    ) -> None:
        conn.execute(self._sql(
            "UPDATE audit_head SET seq = ?, hash = ?, checkpoint_seq = ?, checkpoint_at = ? "
            "WHERE id = 1"
        ), (seq, prev, cp_seq, format_time(cp_at)))

    def _insert(self, conn: Any, stored: Sequence[Stored]) -> None:
        rows = [
            (*row_columns(s.body), s.text or canonical(s.body).decode("utf-8"), s.prev_hash,
             s.hash)
            for s in stored
        ]
        subjects = [(ssin, s.body["seq"]) for s in stored for ssin in s.body.get("subjects", ())]
        cursor = conn.cursor()
        try:
            cursor.executemany(self._sql(
                f"INSERT INTO audit_log ({', '.join(COLUMNS)}) "  # noqa: S608 - constants
                f"VALUES ({', '.join('?' * len(COLUMNS))})"
            ), rows)
            if subjects:
                cursor.executemany(
                    self._sql("INSERT INTO audit_subject (ssin, seq) VALUES (?, ?)"), subjects
                )
        finally:
            cursor.close()

    # --- reading ---------------------------------------------------------------------

    def rows(self, conn: Any) -> Generator[tuple[Any, ...], None, None]:
        """Every row in seq order (streamed)."""
        yield from self._stream(conn, _SELECT_ROWS + " ORDER BY seq", ())

    def subjects(self, conn: Any) -> Generator[tuple[int, str], None, None]:
        """Every (seq, ssin) pair of the subject index, in seq order (streamed)."""
        for seq, ssin in self._stream(conn, "SELECT seq, ssin FROM audit_subject "
                                            "ORDER BY seq, ssin", ()):
            yield int(seq), str(ssin)

    def select(
        self,
        conn: Any,
        filters: Mapping[str, Any],
        kinds: Sequence[str] = (),
        limit: int | None = None,
    ) -> Iterator[tuple[Any, ...]]:
        """Rows matching the filters (`_FILTERS` keys), in seq order."""
        where: list[str] = []
        params: list[Any] = []
        for name, value in filters.items():
            if value is not None:
                where.append(_FILTERS[name])
                params.append(value)
        if kinds:
            where.append(f"kind IN ({', '.join('?' * len(kinds))})")
            params.extend(kinds)
        sql = _SELECT_ROWS
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY seq"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        yield from self._stream(conn, sql, params)

    def dangling_intents(self, conn: Any, since: str | None) -> list[str]:
        """Bodies of INTENT records that no OUTCOME or IN_DOUBT closes."""
        sql = (
            "SELECT i.body FROM audit_log i WHERE i.kind = 'INTENT'"  # noqa: S608 - constants
            + (" AND i.at >= ?" if since else "")
            + " AND NOT EXISTS (SELECT 1 FROM audit_log o WHERE o.call_id = i.call_id"
            " AND o.attempt = i.attempt AND o.kind IN ('OUTCOME', 'IN_DOUBT')) ORDER BY i.seq"
        )
        return [str(r[0]) for r in conn.execute(self._sql(sql), (since,) if since else ())]

    def unresolved_in_doubt(self, conn: Any, service: str | None = None,
                            operation: str | None = None) -> list[str]:
        """Bodies of IN_DOUBT records that no RECOVERY resolves."""
        sql = "SELECT d.body FROM audit_log d WHERE d.kind = 'IN_DOUBT'"
        params: list[Any] = []
        if service is not None:
            sql += " AND d.service = ? AND d.operation = ?"
            params += [service, operation]
        sql += (" AND NOT EXISTS (SELECT 1 FROM audit_log r WHERE r.kind = 'RECOVERY'"
                " AND r.call_id = d.call_id) ORDER BY d.seq")
        return [str(r[0]) for r in conn.execute(self._sql(sql), params)]

    def read_meta(self, conn: Any) -> dict[str, str]:
        return {str(k): str(v) for k, v in conn.execute("SELECT name, value FROM audit_meta")}

    # --- the register of integrations --------------------------------------------------

    def register_write(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> int:
        """Run register statements in one transaction; returns rows changed."""
        with self._write_lock:
            conn = self._writer_conn()
            changed = 0
            try:
                self._begin_write(conn)
                for sql, params in statements:
                    cursor = conn.execute(self._sql(sql), params)
                    changed += max(cursor.rowcount, 0)
                self._commit(conn)
            except self._errors() as exc:
                self._abandon(conn)
                raise AuditError(
                    f"the register of integrations could not be updated ({type(exc).__name__})"
                ) from exc
        return changed

    def register_read(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        with self.reading() as conn:
            return [tuple(r) for r in conn.execute(self._sql(sql), params)]

    # --- the notification inbox ----------------------------------------------------------

    def read_rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read-only query (placeholders ``?``), in one snapshot."""
        with self.reading() as conn:
            return [tuple(r) for r in conn.execute(self._sql(sql), params)]

    def ensure_inbox(self) -> None:
        """Create the notification tables when they do not exist yet (idempotent)."""
        with self._write_lock:
            conn = self._writer_conn()
            try:
                self._begin_write(conn)
                if not self._inbox_exists(conn):
                    for statement in self._inbox_ddl:
                        conn.execute(statement)
                self._commit(conn)
            except self._errors() as exc:
                self._abandon(conn)
                raise AuditError(
                    f"the notification inbox could not be created ({type(exc).__name__})"
                ) from exc

    def _inbox_exists(self, conn: Any) -> bool:
        return False  # SQLite: the statements say IF NOT EXISTS and cost nothing


def _checkpoint_body(checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        "kind": RecordKind.CHECKPOINT.value,
        "at": format_time(checkpoint.at),
        "detail": checkpoint.to_json(),
    }


# --- SQLite ------------------------------------------------------------------------------

_SQLITE_SCHEMA: Final = (
    "CREATE TABLE IF NOT EXISTS audit_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS audit_head (
        id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL,
        checkpoint_seq INTEGER NOT NULL, checkpoint_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS audit_log (
        seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, at TEXT NOT NULL, call_id TEXT,
        attempt INTEGER, user_id TEXT, dossier TEXT, service TEXT, operation TEXT,
        dropped_through INTEGER, body TEXT NOT NULL, prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS audit_log_kind_at ON audit_log (kind, at)",
    "CREATE INDEX IF NOT EXISTS audit_log_call ON audit_log (call_id, attempt)",
    "CREATE INDEX IF NOT EXISTS audit_log_user ON audit_log (user_id)",
    "CREATE INDEX IF NOT EXISTS audit_log_dossier ON audit_log (dossier)",
    "CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at)",
    """CREATE TABLE IF NOT EXISTS audit_subject (
        ssin TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (ssin, seq)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS audit_subject_seq ON audit_subject (seq)",
    """CREATE TABLE IF NOT EXISTS finality_integration (
        organisation TEXT NOT NULL, ssin TEXT NOT NULL, quality_code INTEGER NOT NULL,
        start_date TEXT NOT NULL, end_date TEXT, source TEXT NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (organisation, ssin, quality_code, start_date))""",
    *(
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table}
        BEGIN SELECT RAISE(ABORT, 'audit records are append-only: UPDATE refused'); END"""
        for table in ("audit_log", "audit_subject", "audit_meta")
    ),
    *(
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table}
        WHEN OLD.seq > (SELECT COALESCE(MAX(dropped_through), 0) FROM audit_log
                        WHERE kind = 'TOMBSTONE')
        BEGIN SELECT RAISE(ABORT, 'audit records are append-only: DELETE refused'); END"""  # noqa: S608
        for table in ("audit_log", "audit_subject")
    ),
    """CREATE TRIGGER IF NOT EXISTS audit_meta_no_delete BEFORE DELETE ON audit_meta
    BEGIN SELECT RAISE(ABORT, 'audit records are append-only: DELETE refused'); END""",
)


# The notification inbox (ksz_client.notifications). notification_receipt: one row per
# message the KSZ pushed, keyed by its ticket (a redelivery finds it), with the signed
# message as received. notification_inbox: one row per event, a work queue; ``id`` is the
# order of arrival, which handlers follow per SSIN. Times are format_time() text.
_INBOX_COLUMNS: Final = """
    message_key TEXT NOT NULL, item INTEGER NOT NULL, receipt_id TEXT NOT NULL,
    event_type TEXT NOT NULL, service TEXT NOT NULL, operation TEXT NOT NULL,
    ssin TEXT NOT NULL, received_at TEXT NOT NULL, payload TEXT NOT NULL,
    state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL,
    lease_owner TEXT, lease_until TEXT, last_error TEXT, handled_at TEXT,
    UNIQUE (message_key, item)"""
_RECEIPT_TABLE: Final = """CREATE TABLE IF NOT EXISTS notification_receipt (
        message_key TEXT PRIMARY KEY, receipt_id TEXT NOT NULL, service TEXT NOT NULL,
        operation TEXT NOT NULL, ticket TEXT, sequence_number BIGINT,
        received_at TEXT NOT NULL, events INTEGER NOT NULL, message_sha256 TEXT NOT NULL,
        message TEXT NOT NULL)"""
_INBOX_INDEXES: Final = (
    "CREATE INDEX IF NOT EXISTS notification_inbox_order ON notification_inbox "
    "(state, ssin, id)",
    "CREATE INDEX IF NOT EXISTS notification_inbox_next ON notification_inbox (state, id)",
    "CREATE INDEX IF NOT EXISTS notification_receipt_at ON notification_receipt (received_at)",
)
_INBOX_SQLITE: Final = (
    _RECEIPT_TABLE,
    "CREATE TABLE IF NOT EXISTS notification_inbox ("
    f"id INTEGER PRIMARY KEY AUTOINCREMENT, {_INBOX_COLUMNS})",
    *_INBOX_INDEXES,
)
_INBOX_PG: Final = (
    _RECEIPT_TABLE,
    "CREATE TABLE IF NOT EXISTS notification_inbox ("
    f"id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, {_INBOX_COLUMNS})",
    *_INBOX_INDEXES,
)


class SqliteStore(Store):
    """SQLite in WAL mode, ``synchronous=FULL``, writers serialised by ``BEGIN IMMEDIATE``."""

    dialect = "sqlite"
    _inbox_ddl = _INBOX_SQLITE

    def __init__(self, path: Path, *, busy_timeout: float = 30.0) -> None:
        super().__init__()
        self.path = path
        self.busy_timeout = busy_timeout
        self.description = f"sqlite:{path}"

    def _connect(self, *, write: bool) -> sqlite3.Connection:
        if write:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not self.path.exists():
                # The log holds personal data: readable by its owner only.
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        conn = sqlite3.connect(
            self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
        except sqlite3.Error:
            conn.close()
            raise
        return conn

    def _create_schema(self, conn: Any, now: str) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SQLITE_SCHEMA:
                conn.execute(statement)
            conn.execute("INSERT OR IGNORE INTO audit_meta VALUES ('schema_version', ?)",
                         (SCHEMA_VERSION,))
            conn.execute("INSERT OR IGNORE INTO audit_meta VALUES ('log_id', ?)",
                         (str(uuid.uuid4()),))
            conn.execute("INSERT OR IGNORE INTO audit_meta VALUES ('created_at', ?)", (now,))
            conn.execute(
                "INSERT OR IGNORE INTO audit_head VALUES (1, 0, ?, 0, ?)", (GENESIS_HASH, now)
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _begin_write(self, conn: Any) -> None:
        conn.execute("BEGIN IMMEDIATE")

    def _lock_head(self) -> str:
        return ""  # BEGIN IMMEDIATE already holds the database's write lock

    def _begin_read(self, conn: Any) -> None:
        conn.execute("BEGIN")

    def _end_read(self, conn: Any) -> None:
        conn.execute("COMMIT")

    def _commit(self, conn: Any) -> None:
        if conn.in_transaction:
            conn.execute("COMMIT")

    def _rollback(self, conn: Any) -> None:
        if conn.in_transaction:
            conn.execute("ROLLBACK")

    def _errors(self) -> tuple[type[BaseException], ...]:
        return (sqlite3.Error, OSError)


# --- PostgreSQL --------------------------------------------------------------------------

_PG_SCHEMA: Final = (
    "CREATE TABLE IF NOT EXISTS audit_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS audit_head (
        id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, hash TEXT NOT NULL,
        checkpoint_seq BIGINT NOT NULL, checkpoint_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS audit_log (
        seq BIGINT PRIMARY KEY, kind TEXT NOT NULL, at TEXT NOT NULL, call_id TEXT,
        attempt INTEGER, user_id TEXT, dossier TEXT, service TEXT, operation TEXT,
        dropped_through BIGINT, body TEXT NOT NULL, prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS audit_log_kind_at ON audit_log (kind, at)",
    "CREATE INDEX IF NOT EXISTS audit_log_call ON audit_log (call_id, attempt)",
    "CREATE INDEX IF NOT EXISTS audit_log_user ON audit_log (user_id)",
    "CREATE INDEX IF NOT EXISTS audit_log_dossier ON audit_log (dossier)",
    "CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at)",
    """CREATE TABLE IF NOT EXISTS audit_subject (
        ssin TEXT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (ssin, seq))""",
    "CREATE INDEX IF NOT EXISTS audit_subject_seq ON audit_subject (seq)",
    """CREATE TABLE IF NOT EXISTS finality_integration (
        organisation TEXT NOT NULL, ssin TEXT NOT NULL, quality_code INTEGER NOT NULL,
        start_date TEXT NOT NULL, end_date TEXT, source TEXT NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (organisation, ssin, quality_code, start_date))""",
    # SET search_path FROM CURRENT: the function finds *its* audit_log whatever
    # the search_path of the session that fires it.
    """CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    BEGIN
        -- Nested: PL/pgSQL does not short-circuit AND, and audit_meta has no seq.
        IF TG_OP = 'DELETE' AND TG_TABLE_NAME IN ('audit_log', 'audit_subject') THEN
            IF OLD.seq <= (SELECT COALESCE(MAX(dropped_through), 0) FROM audit_log
                           WHERE kind = 'TOMBSTONE') THEN
                RETURN OLD;
            END IF;
        END IF;
        RAISE EXCEPTION 'audit records are append-only: % refused on %', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END $$""",
    *(
        statement
        for table in ("audit_log", "audit_subject", "audit_meta")
        for statement in (
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
            f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()""",
        )
    ),
)

# Any constant: the advisory lock that serialises schema creation between processes.
_PG_SCHEMA_LOCK: Final = 0x6B737A61


class PostgresStore(Store):
    """PostgreSQL through psycopg 3; writers serialised on the locked ``audit_head`` row."""

    dialect = "postgresql"
    _inbox_ddl = _INBOX_PG

    def __init__(self, dsn: str, *, schema: str | None = None) -> None:
        super().__init__()
        try:
            import psycopg
        except ImportError:
            raise AuditError(
                "the PostgreSQL audit log needs psycopg: pip install 'ksz-client[postgres]'"
            ) from None
        self._psycopg = psycopg
        self._dsn = dsn
        self.schema = schema
        self.description = "postgresql" + (f" schema {schema}" if schema else "")

    def _sql(self, text: str) -> str:
        return text.replace("?", "%s")

    def _connect(self, *, write: bool) -> Any:
        psycopg = self._psycopg
        conn = psycopg.connect(self._dsn, autocommit=False)
        try:
            if self.schema:
                from psycopg import sql

                missing = write and conn.execute(
                    "SELECT 1 FROM pg_namespace WHERE nspname = %s", (self.schema,)
                ).fetchone() is None
                if missing:
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_SCHEMA_LOCK,))
                    conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                        sql.Identifier(self.schema)))
                conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema)))
            conn.commit()
            if not write:
                # Reads see one snapshot (verify compares two tables) and write nothing.
                conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
                conn.read_only = True
        except BaseException:
            conn.close()
            raise
        return conn

    def _stream(self, conn: Any, sql: str, params: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
        # A server-side cursor: verify and export stream a log of any size.
        with conn.cursor(name=f"audit_{uuid.uuid4().hex}") as cursor:
            cursor.itersize = 2000
            cursor.execute(self._sql(sql), params)
            yield from cursor

    def _create_schema(self, conn: Any, now: str) -> None:
        exists = conn.execute(
            "SELECT to_regclass('audit_meta') IS NOT NULL AND to_regclass('audit_head') IS NOT NULL"
        ).fetchone()[0]
        if exists:
            version = conn.execute(
                "SELECT value FROM audit_meta WHERE name = 'schema_version'").fetchone()
            if version is not None and version[0] == SCHEMA_VERSION:
                conn.commit()
                return  # the application role need not own the tables
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_SCHEMA_LOCK,))
        for statement in _PG_SCHEMA:
            conn.execute(statement)
        for name, value in (("schema_version", SCHEMA_VERSION), ("log_id", str(uuid.uuid4())),
                            ("created_at", now)):
            conn.execute("INSERT INTO audit_meta VALUES (%s, %s) ON CONFLICT (name) DO NOTHING",
                         (name, value))
        conn.execute(
            "INSERT INTO audit_head VALUES (1, 0, %s, 0, %s) ON CONFLICT (id) DO NOTHING",
            (GENESIS_HASH, now),
        )
        conn.commit()

    def _begin_write(self, conn: Any) -> None:
        pass  # psycopg opens the transaction with the first statement

    def _inbox_exists(self, conn: Any) -> bool:
        # Existing tables need no CREATE privilege (the application role may lack it).
        exists = conn.execute(
            "SELECT to_regclass('notification_inbox') IS NOT NULL"
            " AND to_regclass('notification_receipt') IS NOT NULL"
        ).fetchone()[0]
        if not exists:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_SCHEMA_LOCK,))
        return bool(exists)

    def _lock_head(self) -> str:
        return " FOR UPDATE"

    def _begin_read(self, conn: Any) -> None:
        pass  # the reader connection is REPEATABLE READ, READ ONLY (see _connect)

    def _end_read(self, conn: Any) -> None:
        conn.rollback()

    def _commit(self, conn: Any) -> None:
        conn.commit()

    def _rollback(self, conn: Any) -> None:
        conn.rollback()

    def _errors(self) -> tuple[type[BaseException], ...]:
        return (self._psycopg.Error, OSError)


def dump_body(body: Mapping[str, Any]) -> str:
    """A body as stored (canonical JSON text)."""
    return canonical(body).decode("utf-8")


def load_body(text: str) -> dict[str, Any]:
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("a record body is a JSON object")
    return value
