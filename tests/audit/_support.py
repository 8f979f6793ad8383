"""Helpers of the audit tests: backends to open and tamper with, records, configs."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ksz_client._config import Audit, Auth, AuthMode, Environment, KszConfig, Organisation, Secret
from ksz_client._transport import HttpRequest, HttpResponse
from ksz_client.audit import AuditLog, AuditRecord, RecordKind
from ksz_client.ssin import SsinKind, make

PG_DSN_VAR = "KSZ_TEST_POSTGRES_DSN"
ORG = "0212344876"

# Test numbers (month + 60): valid mod 97, never a real person.
SSIN_A = str(make(dt.date(1985, 7, 30), 33, kind=SsinKind.TEST))
SSIN_B = str(make(dt.date(1990, 2, 14), 42, kind=SsinKind.TEST))
SSIN_C = str(make(dt.date(2003, 11, 5), 17, kind=SsinKind.TEST))


def pg_dsn() -> str:
    dsn = os.environ.get(PG_DSN_VAR)
    if not dsn:
        pytest.skip(f"PostgreSQL tests need {PG_DSN_VAR} (.ci/run starts a server and sets it)")
    return dsn


@dataclass
class Backend:
    """Opens the same log again and again, and reaches under it to tamper."""

    name: str
    tmp: Path
    opener: Callable[..., AuditLog]
    raw: Callable[[], Any]
    disable_triggers: Sequence[str]
    opened: list[AuditLog] = field(default_factory=list)

    def open(self, **kwargs: Any) -> AuditLog:
        kwargs.setdefault("key_file", self.tmp / "checkpoint.key")
        kwargs.setdefault("checkpoint_dir", self.tmp / "checkpoints")
        log = self.opener(**kwargs)
        self.opened.append(log)
        return log

    def tamper(self, *statements: tuple[str, Sequence[Any]]) -> None:
        """Run statements as an attacker with write access to the database would."""
        conn = self.raw()
        try:
            for sql in self.disable_triggers:
                conn.execute(sql)
            for sql, params in statements:
                conn.execute(sql.replace("?", "%s") if self.name == "postgres" else sql, params)
            conn.commit()
        finally:
            conn.close()

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        conn = self.raw()
        try:
            if self.name == "postgres":
                sql = sql.replace("?", "%s")
            row = conn.execute(sql, params).fetchone()
            return row[0] if row else None
        finally:
            conn.close()

    def close_all(self) -> None:
        for log in self.opened:
            log.close()


def sqlite_backend_at(tmp_path: Path) -> Backend:
    db = tmp_path / "audit.sqlite3"

    def raw() -> sqlite3.Connection:
        return sqlite3.connect(db)

    return Backend(
        name="sqlite",
        tmp=tmp_path,
        opener=lambda **kw: AuditLog.sqlite(db, **kw),
        raw=raw,
        disable_triggers=(
            "DROP TRIGGER IF EXISTS audit_log_no_update",
            "DROP TRIGGER IF EXISTS audit_log_no_delete",
            "DROP TRIGGER IF EXISTS audit_subject_no_update",
            "DROP TRIGGER IF EXISTS audit_subject_no_delete",
        ),
    )


def intent(
    n: int = 0,
    *,
    subjects: Sequence[str] = (SSIN_A,),
    user: str = "sw-1",
    dossier: str | None = "D-1",
    service: str = "PersonService",
    at: dt.datetime | None = None,
) -> AuditRecord:
    """An INTENT record as the observer writes it."""
    return AuditRecord(
        seq=0, kind=RecordKind.INTENT, at=at or dt.datetime.now(dt.UTC), call_id=f"call-{n}",
        attempt=1, organisation=ORG, environment="sandbox", user=user,
        legal_context="PCSA:SOCIAL_INQUIRY", dossier=dossier, service=service,
        version="4", operation="searchPersonBySsin", operation_kind="consultation",
        subjects=tuple(subjects), request_sha256="ab" * 32,
    )


def fill(log: AuditLog, count: int, **kwargs: Any) -> None:
    for n in range(count):
        log.write(intent(n, **kwargs))


def basic_config(tmp_path: Path, **changes: Any) -> KszConfig:
    """A client configuration needing no keys (HTTP Basic), auditing to tmp_path."""
    config = KszConfig(
        organisation=Organisation(cbe_number=ORG),
        auth=Auth(mode=AuthMode.BASIC, username="app", password=Secret("pw")),
        environment=Environment.SANDBOX,
        endpoint="http://127.0.0.1:9/",
        audit=Audit(
            path=tmp_path / "audit.sqlite3",
            checkpoint_key_file=tmp_path / "checkpoint.key",
            checkpoint_dir=tmp_path / "checkpoints",
        ),
    )
    return config.with_overrides(**changes) if changes else config


class RecordingTransport:
    """A `Transport` that keeps every request and answers HTTP 400 (not retried)."""

    def __init__(self, status: int = 400) -> None:
        self.requests: list[HttpRequest] = []
        self.status = status

    def handle(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        return HttpResponse(self.status, {"Content-Type": "text/plain"}, b"no")

    def close(self) -> None:
        pass
