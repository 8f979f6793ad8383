"""The local register of integrations (finality), kept beside the audit log.

An integration says that the KSZ reference repertory lists an SSIN for an
organisation, a quality code (the ManageAccess Purpose) and a period. The
register is fed by the outcomes of ``OCMWCPASManageAccess`` REGISTER and
UNREGISTER (`add`, `remove`) and refreshed from LIST (`replace_all`, what
``ksz access sync`` calls); the finality guard asks it `covering` before a
consultation that needs integration.
"""

from __future__ import annotations

import datetime as _dt
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ksz_client import ssin as _ssin
from ksz_client._exceptions import ValidationError
from ksz_client.audit._records import format_time

if TYPE_CHECKING:
    from ksz_client.audit._store import Store

__all__ = ["Integration", "IntegrationRegister", "MemoryRegister", "StoreRegister"]


@dataclass(frozen=True)
class Integration:
    """One integration: `ssin` is in the repertory of `organisation` for `quality_code`
    from `start` to `end` (inclusive; None: open-ended)."""

    organisation: str
    ssin: str
    quality_code: int
    start: _dt.date
    end: _dt.date | None = None
    source: str = "manual"
    """Where it came from: ``REGISTER``, ``LIST`` (a sync) or ``manual``."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "ssin", str(_ssin.validate(self.ssin, allow_test=True)))
        if self.end is not None and self.end < self.start:
            raise ValidationError("an integration cannot end before it starts")
        if not self.organisation:
            raise ValidationError("an integration names its organisation")

    def covers(self, day: _dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def __repr__(self) -> str:
        return (
            f"Integration(organisation={self.organisation!r}, ssin={_ssin.mask(self.ssin)!r}, "
            f"quality_code={self.quality_code}, start={self.start}, end={self.end})"
        )


class IntegrationRegister(Protocol):
    """What the finality guard and ``ksz access sync`` need from a register."""

    def add(self, integration: Integration) -> None:
        """Record an integration (REGISTER succeeded); replaces one with the same start."""

    def remove(
        self, organisation: str, ssin: str, quality_code: int, start: _dt.date | None = None
    ) -> int:
        """Forget integrations (UNREGISTER succeeded); all periods when `start` is None."""

    def replace_all(self, organisation: str, integrations: Iterable[Integration]) -> int:
        """Make the organisation's register exactly `integrations` (after a LIST)."""

    def covering(
        self, organisation: str, ssin: str, day: _dt.date, quality_code: int | None = None
    ) -> Integration | None:
        """An integration that covers `ssin` on `day`, for `quality_code` if given."""

    def list(self, organisation: str | None = None, ssin: str | None = None) -> list[Integration]:
        """Integrations, optionally of one organisation and/or one SSIN."""


def _digits(value: str) -> str:
    return str(_ssin.compact(value))


def _check_same_org(organisation: str, integrations: Iterable[Integration]) -> list[Integration]:
    items = list(integrations)
    if any(i.organisation != organisation for i in items):
        raise ValidationError("replace_all takes the integrations of one organisation")
    return items


class MemoryRegister:
    """A register in memory: for the sandbox and tests, when no audit log is kept."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[tuple[str, str, int, _dt.date], Integration] = {}

    def __repr__(self) -> str:
        return f"MemoryRegister(<{len(self._items)} integrations>)"

    def add(self, integration: Integration) -> None:
        key = (integration.organisation, integration.ssin, integration.quality_code,
               integration.start)
        with self._lock:
            self._items[key] = integration

    def remove(
        self, organisation: str, ssin: str, quality_code: int, start: _dt.date | None = None
    ) -> int:
        digits = _digits(ssin)
        with self._lock:
            gone = [k for k in self._items
                    if k[:3] == (organisation, digits, quality_code)
                    and (start is None or k[3] == start)]
            for key in gone:
                del self._items[key]
        return len(gone)

    def replace_all(self, organisation: str, integrations: Iterable[Integration]) -> int:
        items = _check_same_org(organisation, integrations)
        with self._lock:
            for key in [k for k in self._items if k[0] == organisation]:
                del self._items[key]
            for i in items:
                self._items[(i.organisation, i.ssin, i.quality_code, i.start)] = i
        return len(items)

    def covering(
        self, organisation: str, ssin: str, day: _dt.date, quality_code: int | None = None
    ) -> Integration | None:
        digits = _digits(ssin)
        with self._lock:
            return next(
                (i for i in self._items.values()
                 if i.organisation == organisation and i.ssin == digits and i.covers(day)
                 and (quality_code is None or i.quality_code == quality_code)),
                None,
            )

    def list(self, organisation: str | None = None, ssin: str | None = None) -> list[Integration]:
        digits = _digits(ssin) if ssin is not None else None
        with self._lock:
            return sorted(
                (i for i in self._items.values()
                 if (organisation is None or i.organisation == organisation)
                 and (digits is None or i.ssin == digits)),
                key=lambda i: (i.organisation, i.ssin, i.quality_code, i.start),
            )


_COLUMNS = "organisation, ssin, quality_code, start_date, end_date, source"


class StoreRegister:
    """The register in the audit log's database (table ``finality_integration``)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __repr__(self) -> str:
        return f"StoreRegister({self._store.description})"

    @staticmethod
    def _insert(i: Integration, now: str) -> tuple[str, tuple[Any, ...]]:
        return (
            "INSERT INTO finality_integration (organisation, ssin, quality_code, start_date, "
            "end_date, source, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (i.organisation, i.ssin, i.quality_code, i.start.isoformat(),
             i.end.isoformat() if i.end else None, i.source, now),
        )

    def add(self, integration: Integration) -> None:
        now = format_time(_dt.datetime.now(_dt.UTC))
        self._store.register_write([
            ("DELETE FROM finality_integration WHERE organisation = ? AND ssin = ? "
             "AND quality_code = ? AND start_date = ?",
             (integration.organisation, integration.ssin, integration.quality_code,
              integration.start.isoformat())),
            self._insert(integration, now),
        ])

    def remove(
        self, organisation: str, ssin: str, quality_code: int, start: _dt.date | None = None
    ) -> int:
        sql = ("DELETE FROM finality_integration WHERE organisation = ? AND ssin = ? "
               "AND quality_code = ?")
        params: list[Any] = [organisation, _digits(ssin), quality_code]
        if start is not None:
            sql += " AND start_date = ?"
            params.append(start.isoformat())
        return self._store.register_write([(sql, params)])

    def replace_all(self, organisation: str, integrations: Iterable[Integration]) -> int:
        items = _check_same_org(organisation, integrations)
        now = format_time(_dt.datetime.now(_dt.UTC))
        unique = {(i.ssin, i.quality_code, i.start): i for i in items}
        self._store.register_write([
            ("DELETE FROM finality_integration WHERE organisation = ?", (organisation,)),
            *(self._insert(i, now) for i in unique.values()),
        ])
        return len(unique)

    def covering(
        self, organisation: str, ssin: str, day: _dt.date, quality_code: int | None = None
    ) -> Integration | None:
        sql = (f"SELECT {_COLUMNS} FROM finality_integration WHERE organisation = ? "  # noqa: S608
               "AND ssin = ? AND start_date <= ? AND (end_date IS NULL OR end_date >= ?)")
        params: list[Any] = [organisation, _digits(ssin), day.isoformat(), day.isoformat()]
        if quality_code is not None:
            sql += " AND quality_code = ?"
            params.append(quality_code)
        rows = self._store.register_read(sql + " ORDER BY start_date LIMIT 1", params)
        return _integration(rows[0]) if rows else None

    def list(self, organisation: str | None = None, ssin: str | None = None) -> list[Integration]:
        sql = f"SELECT {_COLUMNS} FROM finality_integration WHERE 1 = 1"  # noqa: S608
        params: list[Any] = []
        if organisation is not None:
            sql += " AND organisation = ?"
            params.append(organisation)
        if ssin is not None:
            sql += " AND ssin = ?"
            params.append(_digits(ssin))
        rows = self._store.register_read(
            sql + " ORDER BY organisation, ssin, quality_code, start_date", params)
        return [_integration(r) for r in rows]


def _integration(row: tuple[Any, ...]) -> Integration:
    organisation, ssin, quality_code, start, end, source = row
    return Integration(
        organisation=str(organisation),
        ssin=str(ssin),
        quality_code=int(quality_code),
        start=_dt.date.fromisoformat(str(start)),
        end=_dt.date.fromisoformat(str(end)) if end else None,
        source=str(source),
    )
