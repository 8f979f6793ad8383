"""Audit log cost per call (INTENT + OUTCOME, fsync'd), SQLite and PostgreSQL, 1/4/16 threads.

One "call" is what the pipeline does around each KSZ exchange: the audit
observer's ``before_send`` (INTENT committed before sending) and
``after_receive`` (OUTCOME), with a 4 KiB request and an 8 KiB answer whose
SHA-256 digests are recorded. Each thread measures the time its calls spend
in the audit log: that is the cost per call a caller waits for.

Two loads. "saturated": the threads do nothing but audit calls (the most the
log can take). "exchange 20 ms": between INTENT and OUTCOME each thread
waits 20 ms, standing for the KSZ round trip (real ones take longer), so
the threads overlap as in an application. With group commit the writers
that wait while a commit is running are committed together; "one commit per
record" shows what it would cost without. "+5 ms" adds 5 ms to every commit,
inside the write lock, as slow storage would (a network disk, a busy
database server): that is where committing waiting writers together matters.

"CPU ms" is this process's CPU per call (all threads, the SQLite/psycopg work
and the kernel's share of the fsyncs included).

SQLite runs in a temporary folder (WAL, ``synchronous=FULL``). PostgreSQL
runs when ``KSZ_BENCH_POSTGRES_DSN`` or ``KSZ_TEST_POSTGRES_DSN`` is set, in
a temporary schema dropped afterwards.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ksz_client.audit import AuditLog, AuditObserver, RecordMeta
from ksz_client.hooks import Exchange, Outcome
from ksz_client.ssin import SsinKind, make
from ksz_client.types import CallContext, Status

SSIN = str(make(dt.date(1985, 7, 30), 33, kind=SsinKind.TEST))
REQUEST = b"<soapenv:Envelope>" + b"x" * 4096 + b"</soapenv:Envelope>"
RESPONSE = b"<soapenv:Envelope>" + b"y" * 8192 + b"</soapenv:Envelope>"
META = RecordMeta(organisation="0212344876", environment="test", application="bench")
CONTEXT = CallContext(user="sw-bench", legal_context="PCSA:SOCIAL_INQUIRY", dossier="D-1",
                      quality_code=2)


@dataclass(frozen=True)
class Result:
    backend: str
    load: str
    threads: int
    mode: str
    calls: int
    seconds: float
    latencies: list[float]
    commits: int
    records: int
    cpu: float

    def line(self) -> str:
        lat = sorted(self.latencies)
        mean = statistics.fmean(lat) * 1000
        p50 = lat[len(lat) // 2] * 1000
        p95 = lat[min(len(lat) - 1, int(len(lat) * 0.95))] * 1000
        return (f"{self.backend:<9} {self.load:<22} {self.threads:>7} {self.mode:<22} "
                f"{self.calls:>6} "
                f"{mean:>9.2f} {p50:>8.2f} {p95:>8.2f} {self.calls / self.seconds:>9.0f} "
                f"{self.records / max(self.commits, 1):>11.1f} "
                f"{self.cpu / self.calls * 1000:>8.2f}")


HEADER = (f"{'backend':<9} {'load':<22} {'threads':>7} {'commit':<22} {'calls':>6} "
          f"{'mean ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'calls/s':>9} {'rec/commit':>11} "
          f"{'CPU ms':>8}")


def _exchange(n: int) -> Exchange:
    return Exchange(
        call_id=str(uuid.uuid4()), attempt=1, service="PersonService", version="4",
        operation="searchPersonBySsin", kind="consultation",
        url="https://b2b-test.ksz-bcss.fgov.be:4520/PersonService/v4/consult",
        context=CONTEXT, subjects=(SSIN,), request=REQUEST,
        started_at=dt.datetime.now(dt.UTC),
    )


OUTCOME = Outcome(
    response=RESPONSE, http_status=200, status=Status("DATA_FOUND", "MSG00000"),
    ticket_cbss="a2b3c4d5-0000-0000-0000-000000000000",
    timestamp_receive=dt.datetime.now(dt.UTC), timestamp_reply=dt.datetime.now(dt.UTC),
    duration=dt.timedelta(milliseconds=120),
)


def _measure(
    log: AuditLog,
    backend: str,
    *,
    threads: int,
    per_thread: int,
    mode: str,
    exchange: float,
    slow_commit: float = 0.0,
) -> Result:
    observer = AuditObserver(log, META)
    store = log._store
    if slow_commit:
        # Slow storage (network disk, busy database): every commit takes longer,
        # inside the write lock like a real fsync.
        real_commit = store._commit

        def slow(conn: Any) -> None:
            time.sleep(slow_commit)
            real_commit(conn)

        store._commit = slow  # type: ignore[method-assign]
    real_append = store.append
    counts = {"commits": 0, "records": 0}
    count_lock = threading.Lock()

    def counting_append(bodies: Any, **kwargs: Any) -> Any:
        stored, checkpoint = real_append(bodies, **kwargs)
        with count_lock:
            counts["commits"] += 1
            counts["records"] += len(stored)
        return stored, checkpoint

    store.append = counting_append  # type: ignore[method-assign]
    if mode == "one commit per record":
        log._group.submit = log._commit  # type: ignore[method-assign]
    latencies: list[float] = []
    lat_lock = threading.Lock()
    barrier = threading.Barrier(threads + 1)

    def work() -> None:
        mine: list[float] = []
        barrier.wait()
        for n in range(per_thread):
            call = _exchange(n)
            started = time.perf_counter()
            observer.before_send(call)
            spent = time.perf_counter() - started
            if exchange:
                # Round trips vary: a fixed one would keep the threads in lockstep.
                time.sleep(random.uniform(0.5, 1.5) * exchange)  # noqa: S311 - not crypto
            started = time.perf_counter()
            observer.after_receive(call, OUTCOME)
            mine.append(spent + time.perf_counter() - started)
        with lat_lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    barrier.wait()
    began = time.perf_counter()
    cpu = time.process_time()
    for t in pool:
        t.join()
    seconds = time.perf_counter() - began
    cpu = time.process_time() - cpu
    report = log.verify(use_exported=False)
    if not report.ok:
        raise SystemExit(f"the benchmark broke the chain: {report.problem}")
    load = f"exchange {exchange * 1000:.0f} ms" if exchange else "saturated"
    if slow_commit:
        load += f", +{slow_commit * 1000:.0f} ms"
    return Result(backend, load, threads, mode, threads * per_thread, seconds, latencies,
                  counts["commits"], counts["records"], cpu)


@contextmanager
def _sqlite(folder: Path) -> Iterator[Callable[[], AuditLog]]:
    made: list[AuditLog] = []

    def fresh() -> AuditLog:
        name = f"bench-{len(made)}"
        log = AuditLog.sqlite(folder / f"{name}.sqlite3", key_file=folder / "cp.key",
                              checkpoint_dir=folder / "checkpoints")
        made.append(log)
        return log

    try:
        yield fresh
    finally:
        for log in made:
            log.close()


@contextmanager
def _postgres(dsn: str, folder: Path) -> Iterator[Callable[[], AuditLog]]:
    import psycopg

    schemas: list[str] = []
    made: list[AuditLog] = []

    def fresh() -> AuditLog:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        schemas.append(schema)
        log = AuditLog.postgres(dsn, schema=schema, key_file=folder / "cp.key",
                                checkpoint_dir=folder / "checkpoints")
        made.append(log)
        return log

    try:
        yield fresh
    finally:
        for log in made:
            log.close()
        with psycopg.connect(dsn, autocommit=True) as conn:
            for schema in schemas:
                conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def run(quick: bool) -> None:
    single, per_thread, paced = (40, 10, 5) if quick else (400, 100, 100)
    scenarios = [
        # threads, calls per thread, commit mode, exchange seconds, extra seconds per commit
        (1, single, "group commit", 0.0, 0.0),
        (16, per_thread, "group commit", 0.0, 0.0),
        (16, per_thread, "one commit per record", 0.0, 0.0),
        (1, paced, "group commit", 0.020, 0.0),
        (4, paced, "group commit", 0.020, 0.0),
        (16, paced, "group commit", 0.020, 0.0),
        (16, paced, "one commit per record", 0.020, 0.0),
        (1, paced // 2, "group commit", 0.020, 0.005),
        (16, paced // 2, "group commit", 0.020, 0.005),
        (16, paced // 2, "one commit per record", 0.020, 0.005),
    ]
    print(HEADER)
    with tempfile.TemporaryDirectory(prefix="ksz-bench-", dir=os.environ.get("KSZ_BENCH_DIR")
                                     ) as tmp:
        folder = Path(tmp)
        print(f"(SQLite in {folder}; WAL, synchronous=FULL)")
        with _sqlite(folder) as fresh:
            for threads, count, mode, exchange, slow in scenarios:
                print(_measure(fresh(), "sqlite", threads=threads, per_thread=count, mode=mode,
                               exchange=exchange, slow_commit=slow).line(), flush=True)
        dsn = os.environ.get("KSZ_BENCH_POSTGRES_DSN") or os.environ.get("KSZ_TEST_POSTGRES_DSN")
        if not dsn:
            print("postgres  skipped: set KSZ_BENCH_POSTGRES_DSN (or KSZ_TEST_POSTGRES_DSN)")
            return
        try:
            import psycopg  # noqa: F401
        except ImportError:
            print("postgres  skipped: psycopg is not installed (pip install '.[postgres]')")
            return
        with _postgres(dsn, folder) as fresh:
            for threads, count, mode, exchange, slow in scenarios[:7]:
                print(_measure(fresh(), "postgres", threads=threads, per_thread=count, mode=mode,
                               exchange=exchange, slow_commit=slow).line(), flush=True)
