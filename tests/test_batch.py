"""The batch engine (unit): reading rows, order, window, rate, Ctrl-C, journal, progress.

The calls here are plain functions; `tests/test_cli_batch.py` runs batches
against a live sandbox.
"""

from __future__ import annotations

import _thread
import datetime
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ksz_client import KszError, RowStatus
from ksz_client._exceptions import InDoubtError, InvalidSsin, UnknownSsin, ValidationError
from ksz_client.batch import (
    Batch,
    BatchInputError,
    BatchResult,
    BatchRow,
    Journal,
    TokenBucket,
    count_rows,
    in_doubt_restored,
    read_rows,
    record_restored,
    resolve,
    scan_output,
)
from ksz_client.cli._batch import Progress, parse_rate
from ksz_client.ssin import make, validate

SSINS = [str(make(datetime.date(1980, 1, 1 + i % 28), 1 + 2 * i)) for i in range(40)]


# --- which operation -------------------------------------------------------------------------


@pytest.mark.parametrize(("service", "operation"), [
    ("ssin_info", "current"), ("ssin-info", "current"), ("SSINInformationService", "current"),
    ("ssin-info", "consultCurrentSsin"), ("ssin-info", "consult-current-ssin"),
])
def test_an_operation_is_named_as_on_the_command_line_or_in_the_catalogue(
        service: str, operation: str) -> None:
    target = resolve(service, operation)
    assert (target.binding.attribute, target.method_name) == ("ssin_info", "current")
    assert target.operation.name == "consultCurrentSsin"
    assert not target.is_mutation
    assert resolve("alerts", "motivate").is_mutation


def test_an_unknown_service_or_operation_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="no implemented service"):
        resolve("no-such-service", "get")
    with pytest.raises(ValidationError, match="its operations: current, related"):
        resolve("ssin-info", "nope")


# --- reading rows ----------------------------------------------------------------------------


def _csv(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_cells_are_converted_as_the_generated_command_converts_arguments(
        tmp_path: Path) -> None:
    target = resolve("person", "search")
    path = _csv(tmp_path, "last_name;--given-names;tolerance;gender;max-results\n"
                "Peeters;An|Marie;2;F;\nJanssens;;;;5\n")
    rows = list(read_rows(target, path))
    assert [r.error for r in rows] == [None, None]
    assert rows[0].values == {"last_name": "Peeters", "given_names": ["An", "Marie"],
                              "tolerance": 2, "gender": "F"}
    assert rows[1].values == {"last_name": "Janssens", "max_results": 5}
    assert (rows[0].line, rows[1].line) == (2, 3)
    assert rows[0].raw["given_names"] == "An|Marie"
    assert count_rows(path) == 2


def test_a_bad_cell_fails_its_row_with_its_line_and_the_rows_after_it_follow(
        tmp_path: Path) -> None:
    target = resolve("person", "search")
    lines = ["last_name,tolerance"] + [f"Name{i},1" for i in range(2, 17)] + \
        ["Bad,many", "Last,2"]
    rows = list(read_rows(target, _csv(tmp_path, "\n".join(lines) + "\n")))
    assert len(rows) == 17
    bad = rows[15]
    assert (bad.row, bad.line) == (16, 17)
    assert isinstance(bad.error, BatchInputError) and bad.error.line == 17
    assert "line 17" in str(bad.error) and "tolerance" in str(bad.error)
    assert rows[16].error is None and rows[16].values["tolerance"] == 2


def test_an_unknown_or_missing_column_is_an_error_before_any_row_is_given(
        tmp_path: Path) -> None:
    target = resolve("ssin-info", "current")
    with pytest.raises(BatchInputError, match=r"unknown column.*sssin.*takes: ssin"):
        read_rows(target, _csv(tmp_path, "sssin\n85073003328\n"))
    with pytest.raises(BatchInputError, match=r"missing column.*last_name"):
        read_rows(resolve("person", "search"), _csv(tmp_path, "gender\nF\n", "b.csv"))
    with pytest.raises(BatchInputError, match="empty"):
        read_rows(target, _csv(tmp_path, "", "c.csv"))
    with pytest.raises(BatchInputError, match=r"CSV .* or JSON lines"):
        read_rows(target, _csv(tmp_path, "ssin\n1\n", "d.txt"))


def test_jsonl_rows_take_json_values_and_a_bad_line_fails_alone(tmp_path: Path) -> None:
    target = resolve("person", "search")
    path = tmp_path / "in.jsonl"
    path.write_text('{"last_name": "Peeters", "given_names": ["An"], "tolerance": 1}\n'
                    "\n"
                    "not json\n"
                    '{"last_name": "Janssens", "gender": "X"}\n'
                    '{"last_name": "Claes", "surname": "x"}\n', encoding="utf-8")
    rows = list(read_rows(target, path))
    assert [r.line for r in rows] == [1, 3, 4, 5]
    assert rows[0].values == {"last_name": "Peeters", "given_names": ["An"], "tolerance": 1}
    assert "not a JSON object" in str(rows[1].error)
    assert "line 4" in str(rows[2].error)  # gender X is not a choice
    assert "unknown column" in str(rows[3].error)
    assert count_rows(path) == 4
    with pytest.raises(BatchInputError, match="unknown column"):
        path.write_text('{"sssin": "1"}\n', encoding="utf-8")
        read_rows(resolve("ssin-info", "current"), path)


# --- the engine ------------------------------------------------------------------------------


def _rows(n: int) -> list[dict[str, Any]]:
    return [{"ssin": SSINS[i % len(SSINS)], "n": i + 1} for i in range(n)]


def test_results_come_in_input_order_while_calls_run_concurrently() -> None:
    together = threading.Barrier(4, timeout=10)  # fails unless 4 calls run at once
    running, peak, lock = 0, 0, threading.Lock()

    def call(ssin: str, n: int) -> int:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        if n <= 4:
            together.wait()
        # later rows finish first: the engine must still hand them over in order
        threading.Event().wait(0.002 * ((60 - n) % 5))
        with lock:
            running -= 1
        return n * 10

    with Batch(call, _rows(60), concurrency=4) as batch:
        results = list(batch)
    assert [r.row for r in results] == list(range(1, 61))
    assert [r.result for r in results] == [n * 10 for n in range(1, 61)]
    assert all(r.status is RowStatus.OK for r in results)
    assert peak == 4
    assert batch.counts.ok == 60 and not batch.stopped


def test_rows_are_read_no_further_than_the_window_ahead() -> None:
    pulled = 0
    gate = threading.Event()

    def source() -> Iterator[dict[str, Any]]:
        nonlocal pulled
        for row in _rows(10_000):
            pulled += 1
            yield row

    def call(ssin: str, n: int) -> int:
        if n == 1:
            gate.wait(10)
        return n

    with Batch(call, source(), concurrency=3, window=12) as batch:
        first = threading.Timer(0.05, gate.set)
        first.start()
        assert next(batch).row == 1
        assert pulled <= 13  # the window, and one more read when row 1 left it
        assert sum(1 for _ in batch) == 9_999


def test_a_failed_row_is_recorded_and_the_batch_goes_on() -> None:
    def call(ssin: str, n: int) -> str:
        if n == 3:
            raise UnknownSsin("the SSIN is unknown", code="MSG00005", ticket="t",
                              ticket_cbss="cbss-1")
        if n == 5:
            raise InDoubtError("no answer", call_id="call-5")
        if n == 7:
            validate("12345678901")
        return "ok"

    with Batch(call, _rows(8), concurrency=2) as batch:
        results = list(batch)
    assert [r.status.value for r in results] == ["ok", "ok", "error", "ok", "in_doubt", "ok",
                                                 "error", "ok"]
    assert results[2].to_json()["error"] == {"type": "UnknownSsin", "message": "the SSIN is "
                                             "unknown", "code": "MSG00005",
                                             "ticket_cbss": "cbss-1"}
    assert results[4].call_id == "call-5"
    assert results[4].to_json()["error"]["call_id"] == "call-5"
    assert isinstance(results[6].error, InvalidSsin)
    assert (batch.counts.ok, batch.counts.error, batch.counts.in_doubt) == (5, 2, 1)


def test_a_row_with_an_argument_the_operation_does_not_take_fails_without_a_call() -> None:
    called: list[int] = []

    def call(ssin: str) -> str:
        called.append(1)
        return ssin

    rows = [{"ssin": SSINS[0]}, {"ssin": SSINS[1], "colour": "red"}]
    with Batch(call, rows, parameters=["ssin"]) as batch:
        results = list(batch)
    assert results[1].status is RowStatus.ERROR
    assert "takes no colour" in str(results[1].error)
    assert len(called) == 1


def test_results_and_rows_never_show_an_ssin_in_their_repr() -> None:
    row = BatchRow(1, {"ssin": SSINS[0]}, raw={"ssin": SSINS[0]})
    result = BatchResult(1, RowStatus.ERROR, input={"ssin": SSINS[0]},
                         error=ValueError(f"bad {SSINS[0]}"))
    assert SSINS[0] not in repr(row) + repr(result)
    # only the SDK's own errors promise SSIN-free messages: others are masked
    assert SSINS[0] not in json.dumps(result.to_json()["error"])


def test_the_token_bucket_lets_through_rate_calls_per_second_across_threads() -> None:
    now = [0.0]
    waits: list[float] = []
    lock = threading.Lock()

    def wait(seconds: float) -> None:
        with lock:
            waits.append(seconds)
            now[0] += seconds

    bucket = TokenBucket(10, clock=lambda: now[0], wait=wait)
    threads = [threading.Thread(target=lambda: [bucket.acquire() for _ in range(10)])
               for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 50 tokens at 10/s with a burst of 1: 49 intervals of 0.1 s of (fake) time at least
    assert now[0] >= 4.9 - 1e-6
    assert len(waits) >= 49
    bucket.stop()
    assert bucket.acquire() is False
    with pytest.raises(ValidationError):
        TokenBucket(0)


def test_a_batch_takes_one_token_per_call_sent_and_none_for_a_bad_row() -> None:
    taken = 0

    class Counting(TokenBucket):
        def acquire(self) -> bool:
            nonlocal taken
            taken += 1
            return super().acquire()

    rows: list[Any] = [*_rows(9), BatchRow(10, {}, error=BatchInputError("bad", line=11))]
    with Batch(lambda ssin, n: n, rows, bucket=Counting(1000, burst=1000)) as batch:
        assert len(list(batch)) == 10
    assert taken == 9


@pytest.mark.parametrize("rate", ["5", "5/s", "300/min"])
def test_a_rate_is_per_second_or_per_minute(rate: str) -> None:
    assert parse_rate(rate) == 5.0


def test_a_bad_rate_is_refused() -> None:
    import argparse

    for bad in ("0", "fast", "5/week", "-1/s"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_rate(bad)


def test_ctrl_c_stops_sending_and_hands_over_every_call_already_sent() -> None:
    called: list[int] = []
    lock = threading.Lock()

    def call(ssin: str, n: int) -> int:
        with lock:
            called.append(n)
        if n == 10:
            _thread.interrupt_main()  # as if the user pressed Ctrl-C now
        threading.Event().wait(0.01)
        return n

    got: list[int] = []
    with Batch(call, _rows(500), concurrency=4) as batch:  # noqa: SIM117
        with pytest.raises(KeyboardInterrupt):
            for result in batch:
                got.append(result.row)
    assert batch.interrupted and batch.stopped
    assert 10 <= len(got) < 500
    assert got == list(range(1, len(got) + 1))
    assert sorted(called) == got  # nothing sent was lost, nothing after the stop was sent
    assert list(batch) == []


def test_stop_from_outside_ends_the_iteration_after_the_calls_in_flight() -> None:
    with Batch(lambda ssin, n: n, _rows(100), concurrency=2) as batch:
        first = next(batch)
        batch.stop()
        rest = list(batch)
    assert first.row == 1
    assert [r.row for r in rest] == list(range(2, len(rest) + 2))
    assert len(rest) < 99 and batch.stopped and not batch.interrupted


def test_close_waits_for_the_calls_in_flight() -> None:
    finished = threading.Event()

    def call(ssin: str, n: int) -> int:
        if n == 1:
            threading.Event().wait(0.05)
            finished.set()
        return n

    batch = Batch(call, _rows(5), concurrency=2)
    batch._fill()
    batch.close()
    assert finished.is_set()
    with pytest.raises(StopIteration):
        next(batch)
    with pytest.raises(ValidationError):
        Batch(call, [], concurrency=0)


def test_the_client_method_resolves_the_operation_and_checks_the_arguments() -> None:
    from ksz_client.batch import start

    class Service:
        def current(self, ssin: str, *, context: object = None) -> str:
            return f"current:{len(ssin)}"

    class Client:
        ssin_info = Service()

    with start(Client(), "ssin-info", "consult-current-ssin",  # type: ignore[arg-type]
               [{"ssin": SSINS[0]}, {"ssin": SSINS[1], "bad": 1}]) as batch:
        results = list(batch)
    assert results[0].result == "current:11"
    assert isinstance(results[1].error, ValidationError)


def test_a_batch_context_goes_with_every_call() -> None:
    from ksz_client.batch import start
    from ksz_client.types import CallContext

    seen: list[object] = []

    class Service:
        def current(self, ssin: str, *, context: object = None) -> str:
            seen.append(context)
            return "ok"

    class Client:
        ssin_info = Service()

    context = CallContext(legal_context="Social Rate Investigation")
    with start(Client(), "ssin-info", "current",  # type: ignore[arg-type]
               [{"ssin": s} for s in SSINS[:3]], context=context) as batch:
        assert [r.result for r in batch] == ["ok"] * 3
    assert seen == [context] * 3


# --- output, journal, resume -----------------------------------------------------------------


def test_scan_output_counts_the_rows_and_cuts_a_torn_last_line(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text('{"row": 1}\n{"row": 2, "input": {}}\n{"row": 3, "inp', encoding="utf-8")
    assert scan_output(out) == (2, {"row": 2, "input": {}})
    assert out.read_text(encoding="utf-8") == '{"row": 1}\n{"row": 2, "input": {}}\n'
    out.write_text('{"row": 1}\n{"row": 3}\n', encoding="utf-8")
    with pytest.raises(BatchInputError, match="not the output of a batch"):
        scan_output(out)
    out.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(BatchInputError, match="line 1"):
        scan_output(out)


def test_the_journal_tells_done_from_in_doubt_rows(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl.journal"
    journal = Journal(path)
    rows = [BatchRow(n, {"alert_id": str(n)}, line=n + 1, raw={"alert_id": str(n)})
            for n in (1, 2, 3, 4)]
    for row in rows:
        journal.started(row)
    journal.sending(2, "call-2")
    journal.sending(3, "call-3")
    journal.done(BatchResult(3, RowStatus.OK, 4, rows[2].raw, result={"id": "MOT-1"}))
    journal.done(BatchResult(1, RowStatus.OK, 2, rows[0].raw, result={"id": "MOT-0"}))
    journal.close()
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"row": 4, "event": "sen')  # torn by a crash
    assert path.stat().st_mode & 0o077 == 0
    state = Journal.load(path, after=1)
    assert sorted(state) == [2, 3, 4]
    assert state[2] == {"call_id": "call-2", "record": None}
    assert state[3]["record"]["result"] == {"id": "MOT-1"}
    assert state[4] == {"call_id": None, "record": None}

    doubt = in_doubt_restored("call-2")(rows[1])
    assert doubt.status is RowStatus.IN_DOUBT and doubt.call_id == "call-2"
    assert doubt.to_json()["error"]["call_id"] == "call-2"
    assert "reconcile call call-2" in doubt.to_json()["error"]["message"]
    unknown = in_doubt_restored(None)(rows[3]).to_json()
    assert "call_id" not in unknown["error"] and "audit in-doubt" in unknown["error"]["message"]
    done = record_restored(state[3]["record"])(rows[2])
    assert done.ok and done.to_json() == state[3]["record"]


def test_restored_rows_are_handed_over_without_a_call() -> None:
    from ksz_client.batch import _Hooks

    called: list[int] = []

    def call(ssin: str, n: int) -> int:
        called.append(n)
        return n

    hooks = _Hooks(restored={2: in_doubt_restored("c-2"),
                             3: record_restored({"row": 3, "status": "ok", "result": 3})})
    with Batch(call, _rows(4), hooks=hooks) as batch:
        results = list(batch)
    assert sorted(called) == [1, 4]
    assert [r.status.value for r in results] == ["ok", "in_doubt", "ok", "ok"]
    assert results[2].to_json() == {"row": 3, "status": "ok", "result": 3}


# --- progress --------------------------------------------------------------------------------


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_is_one_updating_line_with_rate_and_eta() -> None:
    now = [100.0]
    stream = _Tty()
    progress = Progress(stream, 1000, bar=True, clock=lambda: now[0])
    for done in range(1, 501):
        now[0] += 0.01
        progress.update(done, failed=done // 100)
    text = stream.getvalue()
    assert "\n" not in text
    last = text.rsplit("\r", 1)[-1]
    assert last == ("\x1b[K[############------------] "
                    "500/1000 rows, 50%, 100.0 rows/s, ETA 0m05s, 5 failed")
    assert text.count("\r") < 60  # throttled, not one per row
    progress.message("ksz batch: done")
    assert stream.getvalue().endswith("\r\x1b[Kksz batch: done\n")


def test_progress_elsewhere_is_plain_lines_every_tenth() -> None:
    now = [0.0]
    stream = io.StringIO()
    progress = Progress(stream, 200, bar=False, already=100, clock=lambda: now[0])
    for done in range(101, 201):
        now[0] += 0.5
        progress.update(done, failed=0)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 5
    assert lines[0] == "ksz batch: 120/200 rows, 60%, 2.0 rows/s, ETA 0m40s"
    assert "\r" not in stream.getvalue()


def test_progress_lines_also_come_every_so_many_seconds() -> None:
    now = [0.0]
    stream = io.StringIO()
    progress = Progress(stream, None, bar=False, clock=lambda: now[0], every_rows=10_000,
                        every_seconds=30)
    for done in range(1, 5):
        now[0] += 20
        progress.update(done, failed=1)
    assert stream.getvalue().splitlines() == ["ksz batch: 2 rows, 0.1 rows/s, 1 failed",
                                              "ksz batch: 4 rows, 0.1 rows/s, 1 failed"]


def test_kszerror_is_what_a_bad_row_raises() -> None:
    assert issubclass(BatchInputError, ValidationError)
    assert issubclass(BatchInputError, KszError)
