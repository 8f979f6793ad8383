"""Fixtures of the notification tests: sandbox keys, and an audit log on SQLite and PostgreSQL.

PostgreSQL tests need ``KSZ_TEST_POSTGRES_DSN`` (``.ci/run`` sets it); without
it they skip, saying so. Each PostgreSQL test gets its own schema, dropped after.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ksz_client._pki import Credentials, generate_self_signed
from ksz_client.audit import AuditLog

from ._support import Kit, pg_dsn


@pytest.fixture(scope="session")
def ksz_keys() -> tuple[Credentials, Credentials]:
    """The KSZ's (the sandbox's) notification-signing key, and a key nobody trusts."""
    return (generate_self_signed("ksz-sandbox response signing"),
            generate_self_signed("an impostor"))


def _sqlite(tmp_path: Path) -> AuditLog:
    return AuditLog.sqlite(tmp_path / "audit.sqlite3", key_file=tmp_path / "checkpoint.key",
                           checkpoint_dir=tmp_path / "checkpoints")


@pytest.fixture(params=["sqlite", "postgres"])
def kit(request: pytest.FixtureRequest, tmp_path: Path,
        ksz_keys: tuple[Credentials, Credentials]) -> Iterator[Kit]:
    """A `Kit` on each backend."""
    if request.param == "sqlite":
        log = _sqlite(tmp_path)
        yield Kit(ksz_keys[0], ksz_keys[1], log, "sqlite", tmp_path)
        log.close()
        return
    dsn = pg_dsn()
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    log = AuditLog.postgres(dsn, schema=schema, key_file=tmp_path / "checkpoint.key",
                            checkpoint_dir=tmp_path / "checkpoints")
    try:
        yield Kit(ksz_keys[0], ksz_keys[1], log, "postgres", tmp_path)
    finally:
        log.close()
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture
def sqlite_kit(tmp_path: Path, ksz_keys: tuple[Credentials, Credentials]) -> Iterator[Kit]:
    """A `Kit` on SQLite only (for tests about one process's files and clocks)."""
    log = _sqlite(tmp_path)
    yield Kit(ksz_keys[0], ksz_keys[1], log, "sqlite", tmp_path)
    log.close()
