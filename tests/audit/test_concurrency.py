"""Concurrent writers keep one contiguous, verifiable chain; waiting writers commit together."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest

from ksz_client.audit import AuditLog

from ._support import Backend, intent, pg_dsn

THREADS = 8
PER_THREAD = 25


def _hammer(log: AuditLog, threads: int, per_thread: int) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def work(worker: int) -> None:
        try:
            start.wait()
            for n in range(per_thread):
                log.write(intent(worker * 1000 + n))
        except BaseException as exc:  # reported by the test
            errors.append(exc)

    pool = [threading.Thread(target=work, args=(w,)) for w in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return errors


def test_eight_threads_on_sqlite_give_one_contiguous_verifiable_chain(
    sqlite_backend: Backend,
) -> None:
    log = sqlite_backend.open(checkpoint_every=40)
    assert _hammer(log, THREADS, PER_THREAD) == []
    report = log.verify()
    assert report.ok, report.problem
    intents = sqlite_backend.scalar("SELECT COUNT(*) FROM audit_log WHERE kind = 'INTENT'")
    assert intents == THREADS * PER_THREAD
    assert report.records == intents + report.checkpoints
    assert report.checkpoints >= (THREADS * PER_THREAD) // 40 - 1
    ids = sqlite_backend.scalar("SELECT COUNT(DISTINCT call_id) FROM audit_log "
                                "WHERE kind = 'INTENT'")
    assert ids == THREADS * PER_THREAD


def test_writers_that_wait_are_committed_together(sqlite_backend: Backend) -> None:
    log = sqlite_backend.open()
    store = log._store
    real_append = store.append
    batches: list[int] = []
    first_started = threading.Event()
    release = threading.Event()

    def slow_append(bodies: Any, **kwargs: Any) -> Any:
        batches.append(len(bodies))
        if len(batches) == 1:
            first_started.set()
            release.wait(timeout=30)
        return real_append(bodies, **kwargs)

    store.append = slow_append  # type: ignore[method-assign]
    first = threading.Thread(target=log.write, args=(intent(0),))
    first.start()
    assert first_started.wait(timeout=30)
    # While that commit is under way, seven more writers arrive and wait.
    others = [threading.Thread(target=log.write, args=(intent(n),)) for n in range(1, 8)]
    for t in others:
        t.start()
    while True:
        with log._group._lock:
            if len(log._group._queue) == 7:
                break
    release.set()
    for t in (first, *others):
        t.join()
    assert batches == [1, 7]  # eight records, two transactions
    assert log.verify().ok


_PG_WORKER = textwrap.dedent("""
    import sys, threading
    from ksz_client.audit import AuditLog, AuditRecord, RecordKind
    import datetime as dt

    dsn, schema, key, process = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    threads, per_thread = int(sys.argv[5]), int(sys.argv[6])
    log = AuditLog.postgres(dsn, schema=schema, key_file=key, checkpoint_dir=sys.argv[7],
                            checkpoint_every=25)
    start = threading.Barrier(threads)
    failures = []

    def work(t):
        try:
            start.wait()
            for n in range(per_thread):
                log.write(AuditRecord(
                    seq=0, kind=RecordKind.INTENT, at=dt.datetime.now(dt.UTC),
                    call_id=f"p{process}-t{t}-{n}", attempt=1, user=f"u{process}"))
        except BaseException as exc:
            failures.append(exc)

    pool = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    [t.start() for t in pool]
    [t.join() for t in pool]
    log.close()
    if failures:
        raise SystemExit(f"{len(failures)} writes failed: {failures[0]!r}")
""")


def test_four_processes_of_four_threads_on_postgresql_give_one_contiguous_chain(
    pg_backend: Backend, tmp_path: Path
) -> None:
    processes, threads, per_thread = 4, 4, 15
    log = pg_backend.open()  # creates the schema and the key before the workers race
    schema = pg_backend.scalar("SELECT current_schema()")
    key = str(tmp_path / "checkpoint.key")
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _PG_WORKER, pg_dsn(), schema, key, str(p), str(threads),
             str(per_thread), str(tmp_path / "checkpoints")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        for p in range(processes)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err.decode()
    report = log.verify()
    assert report.ok, report.problem
    total = processes * threads * per_thread
    assert pg_backend.scalar("SELECT COUNT(DISTINCT call_id) FROM audit_log "
                             "WHERE kind = 'INTENT'") == total
    assert report.records == total + report.checkpoints
    assert report.checkpoints >= total // 25 - processes
    assert pg_backend.scalar("SELECT seq FROM audit_head") == report.last_seq


@pytest.mark.parametrize("threads", [1, 4])
def test_postgresql_threads_in_one_process(pg_backend: Backend, threads: int) -> None:
    log = pg_backend.open(checkpoint_every=10)
    assert _hammer(log, threads, 10) == []
    report = log.verify()
    assert report.ok and report.records == threads * 10 + report.checkpoints


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() is POSIX")
def test_a_forked_child_opens_its_own_connections(sqlite_backend: Backend) -> None:
    log = sqlite_backend.open()
    log.write(intent(1))  # the parent's connections are open
    parent_writer = log._store._writer
    pid = os.fork()
    if pid == 0:  # the child: write through the inherited log object
        code = 1
        try:
            log.write(intent(2))
            code = 0 if log._store._writer is not parent_writer else 3
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    log.write(intent(3))
    report = log.verify()
    assert report.ok and report.records == 3
