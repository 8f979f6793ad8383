"""``ksz batch``: one operation over every row of a CSV or JSON lines file, into JSON lines.

One output line per input row, in input order: ``{"row", "line", "status",
"input", "result" | "error"}``. Rows run concurrently over the client's
pooled connections, under an optional rate limit; a failed row is recorded
and the batch goes on. Ctrl-C stops sending, waits for the calls on their way,
writes them and exits 130; ``--resume`` continues after the last row written.
The mutations of a batch are journalled (``OUTPUT.journal``) before they are
sent, so a resumed batch never sends one twice: a row that was on its way when
the batch died is written as ``in_doubt`` with its call id.
"""

from __future__ import annotations

import argparse
import functools
import io
import itertools
import json
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final

from ksz_client.cli import EXIT_BUSINESS, EXIT_OK

if TYPE_CHECKING:
    from ksz_client.batch import Batch, BatchResult, BatchRow, BatchTarget, RowReader

__all__ = ["Progress", "parse_rate", "register"]

EXIT_INTERRUPTED: Final = 130
_SHOWN_FAILURES: Final = 20


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "batch",
        help="call one operation for every row of a CSV or JSONL file",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Exit codes: 0 every row ok, 1 some rows failed or are in doubt (see the "
        "output), 2 bad input or options (nothing sent), 130 interrupted (use --resume).",
    )
    parser.add_argument("--service", required=True,
                        help="the service as in `ksz SERVICE ...` (e.g. ssin-info, person)")
    parser.add_argument("--operation", required=True,
                        help="its method or operation name (e.g. current, consult-current-ssin)")
    parser.add_argument("--input", required=True, type=Path, metavar="FILE",
                        help="CSV (a header line of parameter names) or JSON lines")
    parser.add_argument("--output", required=True, type=Path, metavar="FILE",
                        help="JSON lines, one per input row (created readable by you only)")
    parser.add_argument("--format", choices=("csv", "jsonl"),
                        help="the input's format (default: from its extension)")
    parser.add_argument("--concurrency", type=int, default=8, metavar="N",
                        help="calls at once (default 8)")
    parser.add_argument("--rate", type=parse_rate, metavar="R/s",
                        help="at most R calls per second (R, R/s or R/min)")
    parser.add_argument("--resume", action="store_true",
                        help="continue after the last row the output holds")
    parser.add_argument("--force", action="store_true", help="overwrite an existing output")
    parser.add_argument("--progress", choices=("auto", "bar", "lines", "none"), default="auto",
                        help="a progress bar on a terminal, plain lines otherwise (default auto)")
    parser.set_defaults(run=_run)


def parse_rate(text: str) -> float:
    """``5``, ``5/s``, ``300/min`` -> calls per second."""
    number, _, unit = text.strip().partition("/")
    per = {"": 1.0, "s": 1.0, "sec": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}.get(
        unit.strip().casefold())
    try:
        value = float(number)
    except ValueError:
        value = -1.0
    if per is None or not value > 0:
        raise argparse.ArgumentTypeError(f"not a rate: {text!r} (e.g. 10/s or 300/min)")
    return value / per


class Progress:
    """Done/total, rate and ETA: one updating line on a terminal, plain lines otherwise."""

    def __init__(self, stream: IO[str], total: int | None, *, bar: bool, already: int = 0,
                 clock: Callable[[], float] = time.monotonic, every_rows: int | None = None,
                 every_seconds: float = 30.0) -> None:
        self.stream = stream
        self.total = total
        self.bar = bar
        self.already = already
        self.clock = clock
        self.started = clock()
        self._last = self.started
        rows = every_rows or max(1, min(1000, (total or 10_000) // 10))
        self.every_rows = rows
        self.every_seconds = every_seconds
        self._next_row = already + rows
        self._shown = False

    def _text(self, done: int, failed: int) -> str:
        elapsed = max(self.clock() - self.started, 1e-9)
        rate = (done - self.already) / elapsed
        of = f"/{self.total}" if self.total is not None else ""
        parts = [f"{done}{of} rows"]
        if self.total:
            parts.append(f"{100 * done / self.total:.0f}%")
        parts.append(f"{rate:.1f} rows/s")
        if self.total is not None and rate > 0:
            parts.append(f"ETA {_duration((self.total - done) / rate)}")
        if failed:
            parts.append(f"{failed} failed")
        return ", ".join(parts)

    def _gauge(self, done: int) -> str:
        """``[########------------] `` for a known total (terminal only)."""
        if not self.total:
            return ""
        filled = min(_GAUGE, _GAUGE * done // self.total)
        return f"[{'#' * filled}{'-' * (_GAUGE - filled)}] "

    def update(self, done: int, failed: int) -> None:
        now = self.clock()
        if self.bar:
            if now - self._last >= 0.1 or done == self.total:
                self._last = now
                self.stream.write(f"\r\x1b[K{self._gauge(done)}{self._text(done, failed)}")
                self.stream.flush()
                self._shown = True
        elif done >= self._next_row or now - self._last >= self.every_seconds:
            self._last = now
            self._next_row = done + self.every_rows
            self.stream.write(f"ksz batch: {self._text(done, failed)}\n")
            self.stream.flush()

    def message(self, text: str) -> None:
        """A line of its own (a failed row, the summary), above the bar."""
        if self.bar and self._shown:
            self.stream.write("\r\x1b[K")
            self._shown = False
        self.stream.write(text + "\n")
        self.stream.flush()


_GAUGE: Final = 24  # characters of the bar


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m{rest % 60:02d}s" if hours else \
        f"{rest // 60}m{rest % 60:02d}s"


def _run(args: argparse.Namespace) -> int:
    from ksz_client import batch as _batch

    target = _batch.resolve(args.service, args.operation)
    # The columns are checked here, before the output is touched or anything sent.
    with _batch.read_rows(target, args.input, format=args.format) as rows:
        return _run_rows(args, target, rows)


def _run_rows(args: argparse.Namespace, target: BatchTarget, rows: RowReader) -> int:
    from ksz_client import batch as _batch
    from ksz_client._exceptions import ValidationError

    output: Path = args.output
    journal_file = _batch.journal_path(output)
    if not args.resume and not args.force and (output.exists() or journal_file.exists()):
        raise ValidationError(f"{output} exists: --resume continues it, --force overwrites it")
    done = 0
    last: dict[str, Any] | None = None
    if args.resume and output.exists():
        done, last = _batch.scan_output(output)
    settled = (_batch.Journal.load(journal_file, after=done)
               if args.resume and target.is_mutation else {})
    restored = {
        row: (_batch.record_restored(state["record"]) if state["record"] is not None
              else _batch.in_doubt_restored(state["call_id"]))
        for row, state in settled.items()
    }
    total = _batch.count_rows(args.input, format=args.format)
    remaining = _skip(rows, done, last)
    fresh = not args.resume
    observer = _batch.JournalObserver()
    client = _client(args, observer)
    with client:
        out = _batch.open_private(output, truncate=fresh)
        journal = (_batch.Journal(journal_file, truncate=fresh or not journal_file.exists())
                   if target.is_mutation else None)
        observer.journal = journal
        hooks = _batch._Hooks(
            before=journal.started if journal is not None else None,
            after=journal.done if journal is not None else None,
            restored=restored,
        )
        from ksz_client.cli._context import command_context

        call = target.bound(client)
        context = command_context(args)
        if context is not None:
            call = functools.partial(call, context=context)
        run = _batch.Batch(call, remaining, concurrency=args.concurrency,
                           rate=args.rate, parameters=target.parameters, hooks=hooks)
        progress = _progress(args.progress, total, done)
        started = time.monotonic()
        previous = _catch_ctrl_c(run)
        try:
            _drain(run, out, progress, done)
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
            out.flush()
            out.close()
            if journal is not None:
                journal.close()
            run.close()
        counts = run.counts
        written = done + counts.done
        summary = (f"{written} of {total} rows: {counts.ok} ok, {counts.error} failed, "
                   f"{counts.in_doubt} in doubt in {_duration(time.monotonic() - started)} "
                   f"-> {output}")
        if run.stopped:
            progress.message(f"ksz batch: interrupted after {summary}; continue with --resume")
            return EXIT_INTERRUPTED
        if journal is not None:
            journal_file.unlink(missing_ok=True)  # every row is in the output now
        progress.message(f"ksz batch: {summary}")
    return EXIT_OK if counts.ok == counts.done else EXIT_BUSINESS


def _drain(run: Batch, out: IO[str], progress: Progress, done: int) -> None:
    failures = 0

    def write(result: BatchResult) -> None:
        nonlocal failures
        record = result.to_json()
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
        if not result.ok:
            failures += 1
            if failures <= _SHOWN_FAILURES:
                where = f"line {result.line}" if result.line is not None else f"row {result.row}"
                error = record.get("error") or {}
                progress.message(f"ksz batch: {where}: {result.status.value}: "
                                 f"{error.get('type')}: {error.get('message')}")
            elif failures == _SHOWN_FAILURES + 1:
                progress.message("ksz batch: further failures are only in the output")
        progress.update(done + run.counts.done, run.counts.error + run.counts.in_doubt)

    try:
        for result in run:
            write(result)
    except KeyboardInterrupt:
        # Only where Ctrl-C could not be caught (not the main thread): the batch
        # raised it once the calls on their way were handed over.
        run.stop()
        for result in run:
            write(result)


def _catch_ctrl_c(run: Batch) -> Any:
    """Make Ctrl-C stop the batch rather than raise wherever the main thread is (a result
    being written could be lost); a second Ctrl-C abandons the calls in flight."""

    def stop(signum: int, frame: object) -> None:
        if run.stopped:
            raise KeyboardInterrupt
        run.stop()

    try:
        return signal.signal(signal.SIGINT, stop)
    except ValueError:  # not the main thread: KeyboardInterrupt it is
        return None


def _skip(rows: Iterator[BatchRow], done: int, last: dict[str, Any] | None
          ) -> Iterator[BatchRow]:
    """The rows after the first ``done``; checks, before anything is sent, that the
    last of those is the output's last row (the same input file)."""
    from ksz_client.batch import BatchInputError
    from ksz_client.cli._output import plain

    for row in rows:
        if row.row < done:
            continue
        if row.row == done:
            if last is not None and last.get("input") != plain(dict(row.raw)):
                raise BatchInputError("the output's last row is not this input's row "
                                      f"{done}: is it the same input file?", line=row.line)
            break
        return itertools.chain((row,), rows)
    return rows


def _client(args: argparse.Namespace, observer: Any) -> Any:
    from ksz_client.cli._context import client_from_args

    return client_from_args(args, observers=[observer])


def _progress(mode: str, total: int, done: int) -> Progress:
    stream: IO[str] = io.StringIO() if mode == "none" else sys.stderr
    bar = mode == "bar" or (mode == "auto" and stream.isatty())
    return Progress(stream, total, bar=bar, already=done)
