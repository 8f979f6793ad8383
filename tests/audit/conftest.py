"""Audit log fixtures: one log per test on SQLite (tmp_path) and on PostgreSQL (own schema).

PostgreSQL tests need ``KSZ_TEST_POSTGRES_DSN`` (``.ci/run`` sets it); without
it they skip, saying so. Each test gets its own schema, dropped afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ksz_client.audit import AuditLog

from ._support import Backend, pg_dsn, sqlite_backend_at


@pytest.fixture
def sqlite_backend(tmp_path: Path) -> Iterator[Backend]:
    backend = sqlite_backend_at(tmp_path)
    yield backend
    backend.close_all()


@pytest.fixture
def pg_backend(tmp_path: Path) -> Iterator[Backend]:
    dsn = pg_dsn()
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"

    def raw() -> Any:
        conn = psycopg.connect(dsn)
        conn.execute(f"SET search_path TO {schema}")
        return conn

    backend = Backend(
        name="postgres",
        tmp=tmp_path,
        opener=lambda **kw: AuditLog.postgres(dsn, schema=schema, **kw),
        raw=raw,
        disable_triggers=(
            "ALTER TABLE audit_log DISABLE TRIGGER USER",
            "ALTER TABLE audit_subject DISABLE TRIGGER USER",
        ),
    )
    yield backend
    backend.close_all()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    name = request.param
    fixture = "sqlite_backend" if name == "sqlite" else "pg_backend"
    yield request.getfixturevalue(fixture)
