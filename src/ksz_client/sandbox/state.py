"""The sandbox's mutable state: the reference repertory and what mutations created.

Everything a client changes through the sandbox lives here, so that later
consultations and listings see it: integrations (``OCMWCPASManageAccess``
REGISTER / UNREGISTER), and generic *records* that the service handlers keep
(attests, BIS registrations, MediPrima decisions, ...). It also keeps the
sandbox's own key pairs, so that a sandbox restarted on the same state keeps
the identity its clients were configured with, and the sequence numbers of
pushed notifications.

`MemoryState` forgets everything when the process ends; `SqliteState` keeps
it in one SQLite file (``ksz sandbox serve --state PATH``). Both are
thread-safe: one lock serialises every operation, which is plenty for a
sandbox and keeps read-modify-write sequences (merging periods) atomic.
"""

from __future__ import annotations

import datetime as _dt
import json
import sqlite3
import threading
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, TypeAlias

from ksz_client._pki import Credentials
from ksz_client.types import Period

__all__ = [
    "Integration",
    "MemoryState",
    "Record",
    "RecordValue",
    "RegisterOutcome",
    "SandboxState",
    "SqliteState",
    "open_state",
]

RecordValue: TypeAlias = str | int | bool | None
"""What a record field may hold: JSON scalars (amounts in euro cents, never floats)."""

_ONE_DAY: Final = _dt.timedelta(days=1)


@dataclass(frozen=True)
class Integration:
    """One integration of an SSIN in the reference repertory.

    `organisation` is the KBO number of the OCMW (or ``sector/institution``);
    `quality_code` the sector 17 quality code (the ManageAccess Purpose);
    `period` has an inclusive end, ``None`` for open-ended; `ticket` is the
    KSZ ticket of the mutation that last changed it.
    """

    organisation: str
    ssin: str
    quality_code: int
    period: Period
    ticket: str
    changed_at: _dt.datetime

    def __repr__(self) -> str:
        # The SSIN stays out of reprs (and so out of logs and assertion messages).
        return (
            f"Integration(organisation={self.organisation!r}, quality_code={self.quality_code}, "
            f"period={self.period.start}..{self.period.end or ''}, ticket={self.ticket!r})"
        )

    def covers(self, day: _dt.date) -> bool:
        return self.period.contains(day)


@dataclass(frozen=True)
class RegisterOutcome:
    """What a REGISTER or UNREGISTER did: whether anything changed, and the integrations
    of that organisation, SSIN and quality code that overlap the requested period after it."""

    changed: bool
    integrations: tuple[Integration, ...]


@dataclass(frozen=True)
class Record:
    """Something a mutation created (an attest, a BIS registration, a decision...).

    `kind` names the collection (e.g. ``"leefloon-attest"``), `key` is unique
    within it, `data` holds JSON scalars only.
    """

    kind: str
    key: str
    ssin: str | None
    organisation: str | None
    ticket: str
    created_at: _dt.datetime
    data: Mapping[str, RecordValue] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Record(kind={self.kind!r}, key={self.key!r}, ticket={self.ticket!r})"


def _overlaps(a: Period, b: Period) -> bool:
    return (a.end is None or b.start <= a.end) and (b.end is None or a.start <= b.end)


def _touches(a: Period, b: Period) -> bool:
    """Overlapping or adjacent (one ends the day before the other starts)."""
    return (a.end is None or b.start <= a.end + _ONE_DAY) and (
        b.end is None or a.start <= b.end + _ONE_DAY
    )


def _merge(periods: Iterable[Period]) -> Period:
    items = list(periods)
    start = min(p.start for p in items)
    ends = [p.end for p in items]
    return Period(start, None if None in ends else max(e for e in ends if e is not None))


def _subtract(have: Period, remove: Period) -> list[Period]:
    if not _overlaps(have, remove):
        return [have]
    pieces = []
    if have.start < remove.start:
        pieces.append(Period(have.start, remove.start - _ONE_DAY))
    if remove.end is not None and (have.end is None or have.end > remove.end):
        pieces.append(Period(remove.end + _ONE_DAY, have.end))
    return pieces


class SandboxState(ABC):
    """Thread-safe mutable state of a sandbox; see the module docstring.

    Subclasses store rows; the rules (merging and cutting periods) live here.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()

    # --- storage primitives (called with the lock held) ---------------------------

    @abstractmethod
    def _load(self, organisation: str | None, ssin: str | None,
              quality_code: int | None) -> list[Integration]: ...

    @abstractmethod
    def _replace(self, organisation: str, ssin: str, quality_code: int,
                 remove: list[Integration], add: list[Integration]) -> None: ...

    @abstractmethod
    def _insert_record(self, record: Record) -> None: ...

    @abstractmethod
    def _load_records(self, kind: str, key: str | None, ssin: str | None,
                      organisation: str | None) -> list[Record]: ...

    @abstractmethod
    def _update_record(self, record: Record) -> None: ...

    @abstractmethod
    def _next(self, name: str) -> int: ...

    @abstractmethod
    def _get_credentials(self, name: str) -> Credentials | None: ...

    @abstractmethod
    def _put_credentials(self, name: str, credentials: Credentials) -> None: ...

    @abstractmethod
    def _clear(self) -> None: ...

    def close(self) -> None:  # noqa: B027 - optional: only a database has something to close
        """Release what the state holds (a database connection)."""

    # --- the repertory ---------------------------------------------------------------

    def register(
        self,
        organisation: str,
        ssin: str,
        quality_code: int,
        period: Period,
        *,
        ticket: str,
        at: _dt.datetime,
    ) -> RegisterOutcome:
        """Integrate `ssin` for `organisation` and `quality_code` over `period`.

        Overlapping or adjacent integrations of the same organisation, SSIN and
        quality code merge into one. Nothing changes when one of them already
        covers the whole period.
        """
        with self._lock:
            existing = self._load(organisation, ssin, quality_code)
            if any(i.period.start <= period.start and (
                    i.period.end is None or (period.end is not None and period.end <= i.period.end))
                   for i in existing):
                return RegisterOutcome(False, tuple(i for i in existing
                                                    if _overlaps(i.period, period)))
            joined = [i for i in existing if _touches(i.period, period)]
            merged = Integration(
                organisation, ssin, quality_code, _merge([period, *(i.period for i in joined)]),
                ticket, at,
            )
            self._replace(organisation, ssin, quality_code, joined, [merged])
            return RegisterOutcome(True, (merged,))

    def unregister(
        self,
        organisation: str,
        ssin: str,
        quality_code: int,
        period: Period,
        *,
        ticket: str,
        at: _dt.datetime,
    ) -> RegisterOutcome:
        """End the integration over `period`: integrations are cut, split or removed.

        `changed` is False when no integration overlapped the period.
        """
        with self._lock:
            hit = [i for i in self._load(organisation, ssin, quality_code)
                   if _overlaps(i.period, period)]
            if not hit:
                return RegisterOutcome(False, ())
            kept = [
                Integration(organisation, ssin, quality_code, piece, ticket, at)
                for i in hit
                for piece in _subtract(i.period, period)
            ]
            self._replace(organisation, ssin, quality_code, hit, kept)
            return RegisterOutcome(True, tuple(i for i in kept if _overlaps(i.period, period)))

    def integrations(
        self,
        *,
        ssin: str | None = None,
        organisation: str | None = None,
        quality_code: int | None = None,
        overlapping: Period | None = None,
    ) -> list[Integration]:
        """Integrations matching every given filter, oldest period first."""
        with self._lock:
            found = self._load(organisation, ssin, quality_code)
        if overlapping is not None:
            found = [i for i in found if _overlaps(i.period, overlapping)]
        return sorted(found, key=lambda i: (i.organisation, i.ssin, i.quality_code,
                                            i.period.start))

    def is_integrated(self, organisation: str, ssin: str, day: _dt.date) -> bool:
        """Whether `organisation` has integrated `ssin` (any quality code) on `day`."""
        return any(i.covers(day) for i in self.integrations(ssin=ssin, organisation=organisation))

    # --- records ---------------------------------------------------------------------

    def add_record(
        self,
        kind: str,
        data: Mapping[str, RecordValue],
        *,
        ticket: str,
        at: _dt.datetime,
        ssin: str | None = None,
        organisation: str | None = None,
        key: str | None = None,
    ) -> Record:
        """Store a new record; `key` defaults to a fresh UUID. A duplicate key is a ValueError."""
        record = Record(kind, key or str(uuid.uuid4()), ssin, organisation, ticket, at,
                        dict(_checked(data)))
        with self._lock:
            if self._load_records(kind, record.key, None, None):
                raise ValueError("a record with that key already exists")
            self._insert_record(record)
        return record

    def update_record(
        self, kind: str, key: str, data: Mapping[str, RecordValue], *, ticket: str,
        at: _dt.datetime,
    ) -> Record:
        """Change the data of a record (fields given replace those stored). KeyError if absent."""
        with self._lock:
            found = self._load_records(kind, key, None, None)
            if not found:
                raise KeyError("no such record")
            old = found[0]
            record = Record(kind, key, old.ssin, old.organisation, ticket, at,
                            {**old.data, **_checked(data)})
            self._update_record(record)
        return record

    def records(
        self, kind: str, *, ssin: str | None = None, organisation: str | None = None,
        key: str | None = None,
    ) -> list[Record]:
        """Records of a kind matching every given filter, in creation order."""
        with self._lock:
            return self._load_records(kind, key, ssin, organisation)

    # --- counters and credentials ----------------------------------------------------------

    def next_sequence(self, name: str) -> int:
        """The next number (1, 2, ...) of a named sequence, e.g. of a notification type."""
        with self._lock:
            return self._next(name)

    def credentials(self, name: str, create: Callable[[], Credentials]) -> Credentials:
        """The key pair stored under `name`, created (and stored) on first use."""
        with self._lock:
            found = self._get_credentials(name)
            if found is None:
                found = create()
                self._put_credentials(name, found)
            return found

    def clear(self) -> None:
        """Forget every integration, record and sequence (the key pairs are kept)."""
        with self._lock:
            self._clear()


def _checked(data: Mapping[str, RecordValue]) -> dict[str, RecordValue]:
    for name, value in data.items():
        if not isinstance(name, str) or not (value is None or isinstance(value, str | int)):
            # bool is an int; floats are refused on purpose: amounts are integer cents.
            raise TypeError("record fields are str, int, bool or None")
    return dict(data)



class MemoryState(SandboxState):
    """State in memory, gone when the process ends (the default)."""

    def __init__(self) -> None:
        super().__init__()
        self._integrations: list[Integration] = []
        self._records: list[Record] = []
        self._sequences: dict[str, int] = {}
        self._keys: dict[str, Credentials] = {}

    def _load(self, organisation: str | None, ssin: str | None,
              quality_code: int | None) -> list[Integration]:
        return [
            i for i in self._integrations
            if (organisation is None or i.organisation == organisation)
            and (ssin is None or i.ssin == ssin)
            and (quality_code is None or i.quality_code == quality_code)
        ]

    def _replace(self, organisation: str, ssin: str, quality_code: int,
                 remove: list[Integration], add: list[Integration]) -> None:
        gone = {id(i) for i in remove}
        self._integrations = [i for i in self._integrations if id(i) not in gone] + add

    def _insert_record(self, record: Record) -> None:
        self._records.append(record)

    def _load_records(self, kind: str, key: str | None, ssin: str | None,
                      organisation: str | None) -> list[Record]:
        return [
            r for r in self._records
            if r.kind == kind and (key is None or r.key == key)
            and (ssin is None or r.ssin == ssin)
            and (organisation is None or r.organisation == organisation)
        ]

    def _update_record(self, record: Record) -> None:
        self._records = [record if (r.kind, r.key) == (record.kind, record.key) else r
                         for r in self._records]

    def _next(self, name: str) -> int:
        self._sequences[name] = self._sequences.get(name, 0) + 1
        return self._sequences[name]

    def _get_credentials(self, name: str) -> Credentials | None:
        return self._keys.get(name)

    def _put_credentials(self, name: str, credentials: Credentials) -> None:
        self._keys[name] = credentials

    def _clear(self) -> None:
        self._integrations.clear()
        self._records.clear()
        self._sequences.clear()


_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS integrations (
    organisation TEXT NOT NULL, ssin TEXT NOT NULL, quality_code INTEGER NOT NULL,
    start_date TEXT NOT NULL, end_date TEXT, ticket TEXT NOT NULL, changed_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS integrations_by_ssin ON integrations (ssin, organisation);
CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, key TEXT NOT NULL,
    ssin TEXT, organisation TEXT, ticket TEXT NOT NULL, created_at TEXT NOT NULL,
    data TEXT NOT NULL, UNIQUE (kind, key)
);
CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS credentials (
    name TEXT PRIMARY KEY, key_pem BLOB NOT NULL, cert_pem BLOB NOT NULL
);
"""


class SqliteState(SandboxState):
    """State in one SQLite file, kept across restarts (``--state PATH``).

    The file holds the sandbox's private keys: it is created readable by its
    owner only.
    """

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            self.path.touch(mode=0o600)
        self._db = sqlite3.connect(str(self.path), check_same_thread=False,
                                   isolation_level=None)
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _load(self, organisation: str | None, ssin: str | None,
              quality_code: int | None) -> list[Integration]:
        rows = self._db.execute(
            "SELECT organisation, ssin, quality_code, start_date, end_date, ticket, changed_at "
            "FROM integrations WHERE (?1 IS NULL OR organisation = ?1) "
            "AND (?2 IS NULL OR ssin = ?2) AND (?3 IS NULL OR quality_code = ?3) ORDER BY rowid",
            (organisation, ssin, quality_code),
        ).fetchall()
        return [
            Integration(org, number, code,
                        Period(_dt.date.fromisoformat(start),
                               _dt.date.fromisoformat(end) if end else None),
                        ticket, _dt.datetime.fromisoformat(changed))
            for org, number, code, start, end, ticket, changed in rows
        ]

    def _replace(self, organisation: str, ssin: str, quality_code: int,
                 remove: list[Integration], add: list[Integration]) -> None:
        with self._db:
            self._db.execute("BEGIN")
            for i in remove:
                self._db.execute(
                    "DELETE FROM integrations WHERE organisation = ? AND ssin = ? AND "
                    "quality_code = ? AND start_date = ?",
                    (organisation, ssin, quality_code, i.period.start.isoformat()),
                )
            self._db.executemany(
                "INSERT INTO integrations VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(i.organisation, i.ssin, i.quality_code, i.period.start.isoformat(),
                  i.period.end.isoformat() if i.period.end else None, i.ticket,
                  i.changed_at.isoformat()) for i in add],
            )

    def _insert_record(self, record: Record) -> None:
        self._db.execute(
            "INSERT INTO records (kind, key, ssin, organisation, ticket, created_at, data) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (record.kind, record.key, record.ssin, record.organisation, record.ticket,
             record.created_at.isoformat(), json.dumps(dict(record.data))),
        )

    def _load_records(self, kind: str, key: str | None, ssin: str | None,
                      organisation: str | None) -> list[Record]:
        rows = self._db.execute(
            "SELECT kind, key, ssin, organisation, ticket, created_at, data FROM records "
            "WHERE kind = ?1 AND (?2 IS NULL OR key = ?2) AND (?3 IS NULL OR ssin = ?3) "
            "AND (?4 IS NULL OR organisation = ?4) ORDER BY seq",
            (kind, key, ssin, organisation),
        ).fetchall()
        return [
            Record(k, rkey, number, org, ticket, _dt.datetime.fromisoformat(created),
                   json.loads(data))
            for k, rkey, number, org, ticket, created, data in rows
        ]

    def _update_record(self, record: Record) -> None:
        self._db.execute(
            "UPDATE records SET ticket = ?, created_at = ?, data = ? WHERE kind = ? AND key = ?",
            (record.ticket, record.created_at.isoformat(), json.dumps(dict(record.data)),
             record.kind, record.key),
        )

    def _next(self, name: str) -> int:
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute(
                "INSERT INTO sequences VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET "
                "value = value + 1", (name,),
            )
            (value,) = self._db.execute("SELECT value FROM sequences WHERE name = ?",
                                        (name,)).fetchone()
        return int(value)

    def _get_credentials(self, name: str) -> Credentials | None:
        row = self._db.execute("SELECT key_pem, cert_pem FROM credentials WHERE name = ?",
                               (name,)).fetchone()
        return Credentials(bytes(row[0]), bytes(row[1])) if row else None

    def _put_credentials(self, name: str, credentials: Credentials) -> None:
        self._db.execute("INSERT OR REPLACE INTO credentials VALUES (?, ?, ?)",
                         (name, credentials.key_pem, credentials.cert_pem))

    def _clear(self) -> None:
        with self._db:
            self._db.execute("BEGIN")
            for table in ("integrations", "records", "sequences"):
                self._db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names


def open_state(path: str | Path | None) -> SandboxState:
    """`SqliteState` at `path`, or a `MemoryState` when `path` is None."""
    return MemoryState() if path is None else SqliteState(path)
