"""`AuditLog`: the append-only, hash-chained, checkpointed record of every call."""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import json
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Final, Literal, TypeVar

from ksz_client import ssin as _ssin
from ksz_client._exceptions import AuditError
from ksz_client.audit._checkpoint import Checkpoint, CheckpointKey, load_public_keys
from ksz_client.audit._records import AuditRecord, RecordKind, format_time
from ksz_client.audit._register import StoreRegister
from ksz_client.audit._store import (
    COLUMNS,
    CheckpointPolicy,
    PostgresStore,
    SqliteStore,
    Store,
    Stored,
    Transaction,
    load_body,
)
from ksz_client.audit._verify import VerifyReport, verify_rows

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from ksz_client._config import KszConfig
    from ksz_client.audit._observer import AuditObserver

__all__ = ["AuditLog", "ExportFormat"]

log = logging.getLogger("ksz_client.audit")

ExportFormat = Literal["jsonl", "csv"]

_R = TypeVar("_R")

IN_DOUBT_AFTER: Final = _dt.timedelta(minutes=15)
"""An INTENT without outcome older than this is in doubt even if its writer may live."""
RECOVERY_HORIZON: Final = _dt.timedelta(days=30)
"""How far back `recover` looks on open (`recover(horizon=None)` looks at everything)."""

CSV_FIELDS: Final = (
    "seq", "kind", "at", "call_id", "attempt", "organisation", "environment", "application",
    "application_version", "user", "legal_context", "quality_code", "dossier", "service",
    "version", "operation", "operation_kind", "subjects", "request_sha256", "http_status",
    "status_value", "status_code", "ticket_cbss", "ksz_receive", "ksz_reply", "duration_us",
    "response_sha256", "error", "will_retry", "writer", "detail", "prev_hash", "hash",
)


def _utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()[:8]
    except OSError:
        return ""


_HOST: Final = socket.gethostname()
_BOOT: Final = _boot_id()


def writer_id() -> str:
    """Who writes an INTENT: host, boot and process, to tell a dead writer from a busy one."""
    return f"{_HOST}|{_BOOT}|{os.getpid()}"


def _pid_alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # no cheap, safe check: rely on the age threshold
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _years_before(moment: _dt.datetime, years: int) -> _dt.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


class _Pending:
    """One writer's records waiting in the group commit queue."""

    __slots__ = ("bodies", "done", "error", "result", "wake")

    def __init__(self, bodies: list[dict[str, Any]]) -> None:
        self.bodies = bodies
        self.wake = threading.Event()
        self.done = False
        self.result: list[Stored] = []
        self.error: BaseException | None = None


class _GroupCommit:
    """Leader/follower group commit.

    A writer that finds no commit running leads: it commits, in one
    transaction (one fsync), its records and those of every writer that
    queued meanwhile. Writers arriving during a commit wait; when it ends each
    of them is woken with its result, and the first one still queued is woken
    to lead the next commit. Only the threads concerned are woken.
    """

    def __init__(self, commit: Callable[[list[dict[str, Any]]], list[Stored]]) -> None:
        self._commit = commit
        self._lock = threading.Lock()
        self._queue: list[_Pending] = []
        self._leading = False

    def submit(self, bodies: list[dict[str, Any]]) -> list[Stored]:
        mine = _Pending(bodies)
        with self._lock:
            self._queue.append(mine)
            follow = self._leading
            self._leading = True
        if follow:
            mine.wake.wait()
        if not mine.done:  # leading now: commit everything queued
            with self._lock:
                batch, self._queue = self._queue, []
            try:
                stored = self._commit([b for p in batch for b in p.bodies])
                start = 0
                for p in batch:
                    p.result = stored[start:start + len(p.bodies)]
                    start += len(p.bodies)
            except BaseException as exc:  # every writer of the batch learns it
                for p in batch:
                    p.error = exc
            for p in batch:
                p.done = True
                if p is not mine:
                    p.wake.set()
            with self._lock:
                if self._queue:
                    self._queue[0].wake.set()  # the next leader
                else:
                    self._leading = False
        if mine.error is not None:
            if isinstance(mine.error, AuditError):
                raise AuditError(str(mine.error)) from mine.error.__cause__
            raise mine.error
        return mine.result


class AuditLog:
    """The audit log: one append-only chain of records in SQLite or PostgreSQL.

    Open it with `AuditLog.sqlite`, `AuditLog.postgres` or `AuditLog.from_config`
    (which `KszClient` does by itself when auditing is on). Writing happens
    through `observer` (every call) and the finality guard (DENIED); reading
    with `query` and `export` writes a READ_ACCESS record first. Thread-safe;
    concurrent writers are group-committed.

    On open, every INTENT whose writer is gone without recording an outcome
    gets an IN_DOUBT record (`recover`).
    """

    def __init__(
        self,
        store: Store,
        *,
        key_file: Path | None,
        checkpoint_dir: Path | None = None,
        on_checkpoint: Callable[[Checkpoint], None] | None = None,
        checkpoint_every: int = 1000,
        checkpoint_minutes: float = 60.0,
        retention_years: int = 10,
        clock: Callable[[], _dt.datetime] | None = None,
        recover: bool = True,
        readonly: bool = False,
    ) -> None:
        self._store = store
        self.key_file = key_file
        self.checkpoint_dir = checkpoint_dir
        self.on_checkpoint = on_checkpoint
        self.retention_years = retention_years
        self.readonly = readonly
        self._clock = clock or _utcnow
        self._closed = False
        store.open(self._clock(), create=not readonly)
        try:
            self._key: CheckpointKey | None = None
            if not readonly and key_file is not None:
                self._key = CheckpointKey.load_or_create(key_file)
            self._policy = (
                CheckpointPolicy(self._key, checkpoint_every, checkpoint_minutes)
                if self._key is not None else None
            )
            self._group = _GroupCommit(self._commit)
            self.integrations = StoreRegister(store)
            """The local register of integrations, in the same database."""
            if recover and not readonly:
                self.recover()
        except BaseException:
            store.close()
            raise

    # --- opening -------------------------------------------------------------------

    @classmethod
    def sqlite(
        cls,
        path: str | os.PathLike[str],
        *,
        key_file: str | os.PathLike[str] | None = None,
        checkpoint_dir: str | os.PathLike[str] | None = None,
        on_checkpoint: Callable[[Checkpoint], None] | None = None,
        checkpoint_every: int = 1000,
        checkpoint_minutes: float = 60.0,
        retention_years: int = 10,
        clock: Callable[[], _dt.datetime] | None = None,
        recover: bool = True,
        readonly: bool = False,
    ) -> AuditLog:
        """Open (or create) a SQLite audit log.

        By default the checkpoint key is ``audit-checkpoint.key`` and exported
        checkpoints go to ``audit-checkpoints/``, both beside the database;
        in production put them elsewhere (README "Audit and finality").
        """
        db = Path(path)
        if readonly and not db.is_file():
            raise AuditError(f"there is no audit log at {db}")
        return cls(
            SqliteStore(db),
            key_file=Path(key_file) if key_file else db.parent / "audit-checkpoint.key",
            checkpoint_dir=Path(checkpoint_dir) if checkpoint_dir
            else db.parent / "audit-checkpoints",
            on_checkpoint=on_checkpoint,
            checkpoint_every=checkpoint_every,
            checkpoint_minutes=checkpoint_minutes,
            retention_years=retention_years,
            clock=clock,
            recover=recover,
            readonly=readonly,
        )

    @classmethod
    def postgres(
        cls,
        dsn: str,
        *,
        schema: str | None = None,
        key_file: str | os.PathLike[str] | None = None,
        checkpoint_dir: str | os.PathLike[str] | None = None,
        on_checkpoint: Callable[[Checkpoint], None] | None = None,
        checkpoint_every: int = 1000,
        checkpoint_minutes: float = 60.0,
        retention_years: int = 10,
        clock: Callable[[], _dt.datetime] | None = None,
        recover: bool = True,
        readonly: bool = False,
    ) -> AuditLog:
        """Open (or create) an audit log in PostgreSQL (needs the ``postgres`` extra).

        The checkpoint key and exported checkpoints default to the user's
        data directory (``$XDG_DATA_HOME/ksz-client``).
        """
        from ksz_client._config import default_data_dir

        data = default_data_dir()
        return cls(
            PostgresStore(dsn, schema=schema),
            key_file=Path(key_file) if key_file else data / "audit-checkpoint.key",
            checkpoint_dir=Path(checkpoint_dir) if checkpoint_dir else data / "audit-checkpoints",
            on_checkpoint=on_checkpoint,
            checkpoint_every=checkpoint_every,
            checkpoint_minutes=checkpoint_minutes,
            retention_years=retention_years,
            clock=clock,
            recover=recover,
            readonly=readonly,
        )

    @classmethod
    def from_config(
        cls, config: KszConfig, *, recover: bool = True, readonly: bool = False
    ) -> AuditLog:
        """Open the audit log a configuration names (``[audit]`` keys)."""
        from ksz_client._config import default_data_dir

        settings = config.audit
        if not config.audit_enabled:
            raise AuditError("auditing is off in this configuration (set audit.path or audit.dsn)")
        common: dict[str, Any] = {
            "checkpoint_every": settings.checkpoint_every,
            "checkpoint_minutes": settings.checkpoint_minutes,
            "retention_years": settings.retention_years,
            "recover": recover,
            "readonly": readonly,
            "key_file": settings.checkpoint_key_file,
            "checkpoint_dir": settings.checkpoint_dir,
        }
        if settings.dsn is not None:
            return cls.postgres(settings.dsn.reveal(), schema=settings.schema, **common)
        return cls.sqlite(settings.path or default_data_dir() / "audit.sqlite3", **common)

    @property
    def location(self) -> str:
        """Where the log is (a path, or "postgresql"), without credentials."""
        return self._store.description

    @property
    def log_id(self) -> str:
        """The random id of this log, named in every checkpoint."""
        return self._store.log_id

    def __repr__(self) -> str:
        return f"AuditLog({self.location})"

    def close(self) -> None:
        """Close the database connections."""
        self._closed = True
        self._store.close()

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def observer(self, config: KszConfig) -> AuditObserver:
        """The `CallObserver` that records every call of a client with this configuration."""
        from ksz_client.audit._observer import AuditObserver, RecordMeta

        return AuditObserver(self, RecordMeta.from_config(config))

    # --- writing -------------------------------------------------------------------

    def now(self) -> _dt.datetime:
        return self._clock()

    def write(self, *records: AuditRecord) -> list[AuditRecord]:
        """Append records (their ``seq`` and hashes are assigned); committed on return.

        Raises `AuditError` when they could not be committed.
        """
        return [_record(s) for s in self._append(records)]

    def _append(self, records: Iterable[AuditRecord]) -> list[Stored]:
        # The observer's path: no records rebuilt from what was stored.
        if self.readonly:
            raise AuditError("this audit log was opened read-only")
        bodies = []
        for record in records:
            body = record.body()
            body.pop("seq", None)
            bodies.append(body)
        return self._group.submit(bodies)

    def write_with(
        self, work: Callable[[Transaction], tuple[_R, Sequence[AuditRecord]]]
    ) -> tuple[_R, list[AuditRecord]]:
        """Run `work` and append the records it returns, in one transaction.

        For tables kept beside the log (the notification inbox): a change there
        and the records describing it commit together or not at all. `work`
        gets a `Transaction` (placeholders ``?``) and returns its result and
        the records to append (their ``seq`` and hashes are assigned). Raises
        `AuditError` when nothing could be committed.
        """
        if self.readonly:
            raise AuditError("this audit log was opened read-only")

        def run(tx: Transaction) -> tuple[_R, list[dict[str, Any]]]:
            result, records = work(tx)
            bodies = []
            for record in records:
                body = record.body()
                body.pop("seq", None)
                bodies.append(body)
            return result, bodies

        result, stored, checkpoint = self._store.append_with(
            run, policy=self._policy, now=self._clock()
        )
        if checkpoint is not None:
            self._export(checkpoint)
        return result, [_record(s) for s in stored
                        if s.body.get("kind") != RecordKind.CHECKPOINT.value]

    def read_rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read-only query on the log's database (placeholders ``?``).

        For tables kept beside the log; reading the log's own records goes
        through `query` and `export`, which record who read them.
        """
        return self._store.read_rows(sql, params)

    def ensure_inbox(self) -> None:
        """Create the notification inbox tables in this database if they are missing."""
        if self.readonly:
            raise AuditError("this audit log was opened read-only")
        self._store.ensure_inbox()

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._store.dialect

    def _commit(self, bodies: list[dict[str, Any]]) -> list[Stored]:
        stored, checkpoint = self._store.append(bodies, policy=self._policy, now=self._clock())
        if checkpoint is not None:
            self._export(checkpoint)
        return stored

    def _export(self, checkpoint: Checkpoint) -> None:
        # The checkpoint is committed in the log already; a failed export is
        # reported but does not undo the calls it sealed.
        if self.checkpoint_dir is not None:
            try:
                checkpoint.export(self.checkpoint_dir, prefix=self.log_id)
            except OSError as exc:
                log.error("audit checkpoint %d could not be exported: %s", checkpoint.size,
                          exc.strerror)
        if self.on_checkpoint is not None:
            try:
                self.on_checkpoint(checkpoint)
            except Exception:
                log.exception("the audit checkpoint callback failed")

    def checkpoint(self, *, retention: bool = True) -> Checkpoint | None:
        """Seal the log now with a signed checkpoint (None if nothing is new since the last),
        then apply retention (`apply_retention`) unless `retention` is False."""
        if self._policy is None:
            raise AuditError("no checkpoint key: this audit log cannot sign checkpoints")
        _, checkpoint = self._store.append(
            [], policy=self._policy, now=self._clock(), force_checkpoint=True
        )
        if checkpoint is not None:
            self._export(checkpoint)
        if retention:
            self.apply_retention()
        return checkpoint

    def apply_retention(self) -> int:
        """Drop the records sealed by a checkpoint older than the retention period.

        Whole segments only: everything before the latest checkpoint older than
        ``retention_years`` goes, that checkpoint stays as the anchor of the
        rest, and a TOMBSTONE record says what was dropped. Returns the number
        of records dropped.
        """
        if self.readonly:
            raise AuditError("this audit log was opened read-only")
        now = self._clock()
        cutoff = _years_before(now, self.retention_years)

        def tombstone(through: int, anchor: int, count: int) -> dict[str, Any]:
            body = AuditRecord(
                seq=0, kind=RecordKind.TOMBSTONE, at=now,
                detail={"dropped_through": through, "anchor_seq": anchor, "records": count,
                        "retention_years": self.retention_years,
                        "cutoff": format_time(cutoff)},
            ).body()
            body.pop("seq")
            return body

        _, count = self._store.drop_sealed(cutoff, tombstone)
        if count:
            log.info("audit retention dropped %d records sealed before %s", count,
                     format_time(cutoff))
        return count

    # --- crash safety --------------------------------------------------------------

    def recover(self, *, horizon: _dt.timedelta | None = RECOVERY_HORIZON) -> list[AuditRecord]:
        """Write IN_DOUBT for every INTENT without outcome whose writer is gone.

        A writer is gone when its process no longer runs on this machine, or
        when the INTENT is older than 15 minutes (another machine's call
        cannot last that long). Returns the IN_DOUBT records written.
        """
        now = self._clock()
        since = format_time(now - horizon) if horizon is not None else None
        with self._store.reading() as conn:
            bodies = [load_body(t) for t in self._store.dangling_intents(conn, since)]
        records = []
        for body in bodies:
            if not _writer_gone(body, now):
                continue
            intent = AuditRecord.from_body(body, "", "")
            records.append(_in_doubt_from(
                intent, now, {"reason": "no outcome was recorded: the process ended",
                              "intent_seq": intent.seq}))
        if not records:
            return []
        written = self.write(*records)
        log.warning("audit: %d call attempt(s) without outcome marked IN_DOUBT", len(written))
        return written

    def in_doubt(self, *, reader: str) -> list[AuditRecord]:
        """IN_DOUBT records that no RECOVERY resolves yet (writes READ_ACCESS)."""
        self._read_access(reader, "in_doubt", {})
        with self._store.reading() as conn:
            bodies = self._store.unresolved_in_doubt(conn)
        return [AuditRecord.from_body(load_body(b), "", "") for b in bodies]

    def unresolved_for(
        self, service: str, operation: str, subjects: Sequence[str]
    ) -> str | None:
        """The call id of an unresolved in-doubt mutation of `operation` on one of `subjects`."""
        wanted = {_digits(s) for s in subjects}
        with self._store.reading() as conn:
            bodies = self._store.unresolved_in_doubt(conn, service, operation)
        for text in bodies:
            body = load_body(text)
            if body.get("operation_kind") != "mutation":
                continue
            if not wanted or wanted & set(body.get("subjects", ())):
                return str(body.get("call_id"))
        return None

    def resolve(
        self, call_id: str, *, by: str, applied: bool | None, note: str = ""
    ) -> AuditRecord:
        """Record how an in-doubt call was reconciled (RECOVERY).

        `applied` is True when the KSZ did process it (e.g. ManageAccess LIST
        shows the integration), False when it did not (it may then be sent
        again), None when it could not be established.
        """
        with self._store.reading() as conn:
            matches = [load_body(b) for b in self._store.unresolved_in_doubt(conn)]
        target = next((b for b in matches if b.get("call_id") == call_id), None)
        if target is None:
            raise AuditError("no unresolved in-doubt call has that id")
        doubt = AuditRecord.from_body(target, "", "")
        record = AuditRecord(
            seq=0, kind=RecordKind.RECOVERY, at=self._clock(), call_id=call_id,
            attempt=doubt.attempt, organisation=doubt.organisation,
            environment=doubt.environment, user=by, service=doubt.service,
            version=doubt.version, operation=doubt.operation,
            operation_kind=doubt.operation_kind, subjects=doubt.subjects,
            detail={"applied": applied, "note": note, "in_doubt_seq": doubt.seq},
        )
        return self.write(record)[0]

    # --- reading -------------------------------------------------------------------

    def _read_access(self, reader: str, action: str, filters: Mapping[str, Any],
                     extra: Mapping[str, Any] | None = None) -> int:
        """Commit the READ_ACCESS record; returns its seq (what is read comes before it)."""
        if not reader:
            raise AuditError("reading the audit log names who reads it (reader=...)")
        shown = {k: v for k, v in filters.items() if v is not None and k != "ssin"}
        subjects = (filters["ssin"],) if filters.get("ssin") else ()
        detail: dict[str, Any] = {"action": action, "filters": shown, **(extra or {})}
        (access,) = self.write(AuditRecord(
            seq=0, kind=RecordKind.READ_ACCESS, at=self._clock(), user=reader,
            subjects=subjects, detail=detail,
        ))
        return access.seq

    def query(
        self,
        *,
        reader: str,
        ssin: str | None = None,
        user: str | None = None,
        dossier: str | None = None,
        service: str | None = None,
        call_id: str | None = None,
        since: _dt.datetime | _dt.date | None = None,
        until: _dt.datetime | _dt.date | None = None,
        kinds: Iterable[RecordKind | str] = (),
        limit: int | None = None,
    ) -> list[AuditRecord]:
        """Records matching every given filter, oldest first.

        A READ_ACCESS record naming `reader` and the filters is committed
        first (nothing is read if it cannot be); the answer is the log as it
        was just before it. `since` is inclusive, `until` exclusive; dates
        are midnight UTC.
        """
        filters = _filters(ssin=ssin, user=user, dossier=dossier, service=service,
                           call_id=call_id, since=since, until=until)
        kind_values = [RecordKind(k).value for k in kinds]
        filters["before_seq"] = self._read_access(
            reader, "query", filters, {"kinds": kind_values} if kind_values else None)
        with self._store.reading() as conn:
            return [_record_from_row(r)
                    for r in self._store.select(conn, filters, kind_values, limit)]

    def export(
        self,
        out: IO[str],
        *,
        reader: str,
        format: ExportFormat = "jsonl",
        ssin: str | None = None,
        user: str | None = None,
        dossier: str | None = None,
        service: str | None = None,
        call_id: str | None = None,
        since: _dt.datetime | _dt.date | None = None,
        until: _dt.datetime | _dt.date | None = None,
        kinds: Iterable[RecordKind | str] = (),
    ) -> int:
        """Write matching records to `out` as JSON lines or CSV; returns how many.

        JSONL lines are each record's body plus ``prev_hash`` and ``hash``
        (drop those two keys to recompute the hash). A READ_ACCESS record is
        committed first; the export is the log as it was just before it.
        """
        if format not in ("jsonl", "csv"):
            raise AuditError("export formats are jsonl and csv")
        filters = _filters(ssin=ssin, user=user, dossier=dossier, service=service,
                           call_id=call_id, since=since, until=until)
        kind_values = [RecordKind(k).value for k in kinds]
        extra: dict[str, Any] = {"format": format}
        if kind_values:
            extra["kinds"] = kind_values
        filters["before_seq"] = self._read_access(reader, "export", filters, extra)
        count = 0
        writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore") \
            if format == "csv" else None
        if writer is not None:
            writer.writeheader()
        with self._store.reading() as conn:
            for row in self._store.select(conn, filters, kind_values):
                record = _record_from_row(row)
                if writer is not None:
                    writer.writerow(_csv_row(record))
                else:
                    out.write(json.dumps(record.to_json(), ensure_ascii=False,
                                         sort_keys=True) + "\n")
                count += 1
        return count

    # --- verification --------------------------------------------------------------

    def public_keys(self) -> list[Ed25519PublicKey] | None:
        """The public key of the configured checkpoint key, when there is one."""
        if self._key is not None:
            return [self._key.public]
        if self.key_file is None:
            return None
        for candidate in (self.key_file, self.key_file.with_name(self.key_file.name + ".pub")):
            if candidate.is_file():
                return load_public_keys([candidate])
        return None

    def latest_exported(self) -> Checkpoint | None:
        """The largest checkpoint of this log in the export folder, if any."""
        if self.checkpoint_dir is None or not self.checkpoint_dir.is_dir():
            return None
        files = sorted(self.checkpoint_dir.glob(f"checkpoint-{self.log_id}-*.json"))
        return Checkpoint.load(files[-1]) if files else None

    def verify(
        self,
        *,
        public_keys: Sequence[Ed25519PublicKey] | None = None,
        checkpoint: Checkpoint | str | os.PathLike[str] | None = None,
        use_exported: bool = True,
    ) -> VerifyReport:
        """Check the whole chain (see `VerifyReport`).

        `public_keys` default to the configured checkpoint key; pass ``[]`` to
        skip signature checks. `checkpoint` is an exported checkpoint to
        compare with (truncation); by default the latest one in the export
        folder is used, unless `use_exported` is False.
        """
        keys: Sequence[Ed25519PublicKey] | None = (
            self.public_keys() if public_keys is None else (list(public_keys) or None)
        )
        exported: Checkpoint | None
        if isinstance(checkpoint, Checkpoint):
            exported = checkpoint
        elif checkpoint is not None:
            exported = Checkpoint.load(checkpoint)
        else:
            exported = self.latest_exported() if use_exported else None
        with self._store.reading() as conn:
            meta = self._store.read_meta(conn)
            rows = self._store.rows(conn)
            subjects = self._store.subjects(conn)
            try:
                return verify_rows(
                    rows, subjects, log_id=meta.get("log_id", ""), public_keys=keys,
                    exported=exported,
                )
            finally:
                # A check that stopped early leaves cursors open: close them
                # before the snapshot ends.
                for stream in (subjects, rows):
                    with contextlib.suppress(Exception):
                        stream.close()


def _digits(value: str) -> str:
    return str(_ssin.compact(value))


def _writer_gone(body: Mapping[str, Any], now: _dt.datetime) -> bool:
    from ksz_client.audit._records import parse_time

    if now - parse_time(str(body["at"])) >= IN_DOUBT_AFTER:
        return True
    writer = str(body.get("writer") or "")
    parts = writer.split("|")
    if len(parts) != 3 or not parts[2].isdigit():
        return False  # unknown writer, recent: it may still be waiting for its answer
    host, boot, pid = parts[0], parts[1], int(parts[2])
    if (host, boot) != (_HOST, _BOOT) or pid == os.getpid():
        return False
    return not _pid_alive(pid)


def _in_doubt_from(
    intent: AuditRecord, now: _dt.datetime, detail: Mapping[str, Any]
) -> AuditRecord:
    return AuditRecord(
        seq=0, kind=RecordKind.IN_DOUBT, at=now, call_id=intent.call_id, attempt=intent.attempt,
        organisation=intent.organisation, environment=intent.environment,
        application=intent.application, application_version=intent.application_version,
        user=intent.user, legal_context=intent.legal_context, quality_code=intent.quality_code,
        dossier=intent.dossier, service=intent.service, version=intent.version,
        operation=intent.operation, operation_kind=intent.operation_kind,
        subjects=intent.subjects, request_sha256=intent.request_sha256, detail=detail,
    )


def _as_time(value: _dt.datetime | _dt.date | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, _dt.datetime):
        value = _dt.datetime(value.year, value.month, value.day, tzinfo=_dt.UTC)
    return format_time(value)


def _filters(
    *,
    ssin: str | None,
    user: str | None,
    dossier: str | None,
    service: str | None,
    call_id: str | None,
    since: _dt.datetime | _dt.date | None,
    until: _dt.datetime | _dt.date | None,
) -> dict[str, Any]:
    return {
        "ssin": str(_ssin.validate(ssin, allow_test=True)) if ssin else None,
        "user": user,
        "dossier": dossier,
        "service": service,
        "call_id": call_id,
        "since": _as_time(since),
        "until": _as_time(until),
    }


def _record(stored: Stored) -> AuditRecord:
    return AuditRecord.from_body(stored.body, stored.prev_hash, stored.hash)


def _record_from_row(row: Sequence[Any]) -> AuditRecord:
    values = dict(zip(COLUMNS, row, strict=True))
    return AuditRecord.from_body(
        load_body(str(values["body"])), str(values["prev_hash"]), str(values["hash"])
    )


_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def _csv_row(record: AuditRecord) -> dict[str, Any]:
    data = record.to_json()
    row: dict[str, Any] = {}
    for name in CSV_FIELDS:
        value = data.get(name)
        if name == "subjects":
            value = " ".join(value or ())
        elif name == "detail":
            value = json.dumps(value, sort_keys=True, ensure_ascii=False) if value else ""
        elif value is None:
            value = ""
        if isinstance(value, str) and value.startswith(_FORMULA_START):
            # A spreadsheet would run it as a formula (CSV injection).
            value = "'" + value
        row[name] = value
    return row
