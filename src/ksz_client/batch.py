"""Many calls of one operation: concurrent, rate-limited, streamed, in input order.

``client.batch(service, operation, rows)`` returns a `Batch`: an iterator of
`BatchResult`, one per input row and in input order, while up to
``concurrency`` calls run at once over the client's pooled transport. At most
``window`` rows are read ahead, so memory stays flat however many rows there
are. A row that fails is a result with its error; the batch goes on.

>>> with client.batch("ssin_info", "current", [{"ssin": s} for s in ssins],
...                   concurrency=8, rate=20) as results:
...     for r in results:
...         print(r.row, r.status, r.result or r.error)

Ctrl-C (KeyboardInterrupt) while iterating stops sending: calls already on
their way are waited for and their results handed over, then the
KeyboardInterrupt is raised again. `Batch.stop` does the same without the
exception.

The service is named as on the command line (``ssin_info``, ``ssin-info``) or
by its catalogue name (``SSINInformationService``); the operation by method
name (``current``) or operation name (``consultCurrentSsin``,
``consult-current-ssin``). Rows are mappings of the method's parameter names
to values; `read_rows` reads them from CSV or JSONL text, converting each
cell as the generated ``ksz <service> <method>`` command converts its
arguments. ``ksz batch`` writes the results to JSONL and can resume.
"""

from __future__ import annotations

import argparse
import collections
import csv
import enum
import functools
import inspect
import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import IO, TYPE_CHECKING, Any, Final

from ksz_client._exceptions import InDoubtError, KszError, ValidationError

if TYPE_CHECKING:
    from ksz_client._client import KszClient
    from ksz_client.catalogue import Operation, Service
    from ksz_client.hooks import Exchange, Outcome
    from ksz_client.services._registry import OperationInfo, ServiceBinding
    from ksz_client.types import CallContext

__all__ = [
    "Batch",
    "BatchInputError",
    "BatchResult",
    "BatchRow",
    "BatchTarget",
    "Journal",
    "JournalObserver",
    "RowReader",
    "RowStatus",
    "TokenBucket",
    "count_rows",
    "journal_path",
    "open_private",
    "read_rows",
    "resolve",
    "scan_output",
]

#: Several values in one CSV cell (a parameter that takes a list) are separated by this.
LIST_SEPARATOR: Final = "|"
_SKIP: Final = frozenset({"self", "context"})
_EMPTY: Final[Mapping[str, Any]] = MappingProxyType({})


class RowStatus(enum.StrEnum):
    """What became of one row."""

    OK = "ok"  # the call returned a result (which may itself say NO_DATA_FOUND)
    ERROR = "error"  # bad input, a refusal or a failure: nothing changed at the KSZ
    IN_DOUBT = "in_doubt"  # a mutation may have reached the KSZ: reconcile before resending


class BatchInputError(ValidationError):
    """A batch input that cannot be used: an unknown column, a cell of the wrong type.

    ``line`` is the input line (CSV or JSONL) when known. Raised before anything
    is sent for the columns; a bad cell makes its row a failed result.
    """

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line is not None else message)
        self.line = line


@dataclass(frozen=True)
class BatchRow:
    """One input row: its 1-based number, its input line, and the call's arguments.

    ``values`` are the converted keyword arguments of the call; ``raw`` is the
    row as read (written back as the output's ``input``). A row that could not
    be converted carries the ``error`` instead and is never sent.
    """

    row: int
    values: Mapping[str, Any]
    line: int | None = None
    raw: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    error: KszError | None = None

    def __repr__(self) -> str:  # values hold SSINs
        return f"BatchRow(row={self.row}, line={self.line}, values=<{len(self.values)} redacted>)"


@dataclass(frozen=True)
class BatchResult:
    """What one row gave: a typed ``result``, or the ``error`` (``status`` says which).

    ``call_id`` is the ticket of an in-doubt mutation (``ksz reconcile CALL_ID``).
    ``record`` is set instead of ``result`` for rows restored from an earlier,
    interrupted run's journal (their JSON form, as written then).
    """

    row: int
    status: RowStatus
    line: int | None = None
    input: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    result: object | None = None
    error: BaseException | None = None
    call_id: str | None = None
    record: Mapping[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.status is RowStatus.OK

    def to_json(self) -> dict[str, Any]:
        """The output line's object: ``row``, ``line``, ``status``, ``input``, then
        ``result`` (the ``--json`` form of the model) or ``error`` (``type``,
        ``message``, and ``code``, ``ticket_cbss``, ``call_id`` when known)."""
        if self.record is not None:
            return dict(self.record)
        from ksz_client.cli._output import plain

        data: dict[str, Any] = {"row": self.row, "line": self.line, "status": self.status.value,
                                "input": plain(dict(self.input))}
        if self.status is RowStatus.OK:
            data["result"] = plain(self.result)
        else:
            data["error"] = error_json(self.error, self.call_id)
        return data

    def __repr__(self) -> str:
        what = (type(self.result).__name__ if self.ok
                else type(self.error).__name__ if self.error is not None else None)
        return f"BatchResult(row={self.row}, line={self.line}, status={self.status.value}, {what})"


def error_json(error: BaseException | None, call_id: str | None = None) -> dict[str, Any]:
    """An error as the output writes it (SSIN-free: the SDK's messages never hold one)."""
    from ksz_client._redact import mask_ssins

    data: dict[str, Any] = {
        "type": type(error).__name__ if error is not None else None,
        # Only the SDK's own errors promise SSIN-free messages; mask anything else.
        "message": mask_ssins(str(error)) if error is not None else None,
    }
    for name in ("code", "ticket_cbss"):
        value = getattr(error, name, None)
        if value is not None:
            data[name] = value
    call_id = call_id or getattr(error, "call_id", None)
    if call_id:
        data["call_id"] = call_id
    return data


# --- which operation ----------------------------------------------------------------------


@dataclass(frozen=True)
class BatchTarget:
    """The service method a batch calls, found through the service bindings."""

    binding: ServiceBinding
    method_name: str
    method: Callable[..., Any]
    info: OperationInfo
    service: Service
    operation: Operation

    @property
    def is_mutation(self) -> bool:
        from ksz_client.catalogue import OperationKind

        return self.operation.kind is OperationKind.MUTATION

    @property
    def parameters(self) -> dict[str, inspect.Parameter]:
        """The method's parameters a row may give (not ``self`` or ``context``)."""
        return {n: p for n, p in inspect.signature(self.method).parameters.items()
                if n not in _SKIP}

    def bound(self, client: KszClient) -> Callable[..., Any]:
        return getattr(getattr(client, self.binding.attribute), self.method_name)  # type: ignore[no-any-return]


def resolve(service: str, operation: str) -> BatchTarget:
    """The method for ``service`` and ``operation``, named as ``ksz <service> <method>`` names
    them (or by catalogue names). Raises `ValidationError` naming what exists."""
    from ksz_client import catalogue
    from ksz_client.services._registry import BINDINGS, binding, operations_of

    found = binding(service)
    if found is None:
        try:
            name = catalogue.get(service).name
        except KeyError:
            name = None
        found = next((b for b in BINDINGS if b.service == name), None)
    if found is None:
        raise ValidationError(f"no implemented service is called {catalogue._safe_echo(service)}"
                              "; `ksz --help` lists them")
    entry = catalogue.get(found.service)
    methods = operations_of(found.load())
    chosen = methods.get(operation) or methods.get(operation.replace("-", "_"))
    name = operation
    if chosen is None:
        try:
            op = entry.operation(operation)
        except KeyError:
            op = None
        match = [(n, m) for n, m in sorted(methods.items())
                 if op is not None and m[1].name == op.name]
        if not match:
            raise ValidationError(
                f"{found.command} has no operation {catalogue._safe_echo(operation)}; its "
                f"operations: {', '.join(sorted(methods))}")
        name, chosen = match[0]
    else:
        name = operation if operation in methods else operation.replace("-", "_")
    method, info = chosen
    return BatchTarget(found, name, method, info, entry, entry.operation(info.name))


# --- reading rows ---------------------------------------------------------------------------


class _RaisingParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise BatchInputError(message)


class _Converter:
    """Cells to arguments, through the same argparse options as ``ksz <service> <method>``."""

    def __init__(self, target: BatchTarget) -> None:
        from ksz_client.cli._generated import _add_arguments

        self.parser = _RaisingParser(prog="row", add_help=False, allow_abbrev=False)
        self.names = _add_arguments(self.parser, target.method, target.info.aliases)
        self.actions = {a.dest: a for a in self.parser._actions}

    def column(self, header: str) -> str | None:
        """The parameter a column names: ``given_names``, ``given-names`` or ``--given-names``."""
        key = header.strip().lstrip("-").replace("-", "_")
        return key if any(key == n for n, _ in self.names) else None

    def check(self, headers: Iterable[str]) -> dict[str, str]:
        """Column -> parameter; unknown columns and a missing positional are errors."""
        mapping: dict[str, str] = {}
        unknown = []
        for header in headers:
            name = self.column(header)
            if name is None:
                unknown.append(header)
            else:
                mapping[header] = name
        if unknown:
            from ksz_client.catalogue import _safe_echo

            known = ", ".join(n for n, _ in self.names)
            raise BatchInputError(f"unknown column(s) {', '.join(map(_safe_echo, unknown))}; "
                                  f"the operation takes: {known}")
        missing = [n for n, positional in self.names if positional and n not in mapping.values()]
        if missing:
            raise BatchInputError(f"missing column(s) {', '.join(missing)}")
        return mapping

    def convert(self, cells: Mapping[str, Any]) -> dict[str, Any]:
        """Keyword arguments from ``parameter -> cell`` (text, or JSON values)."""
        argv: list[str] = []
        positionals: list[str] = []
        positional_names = {n for n, p in self.names if p}
        for name, value in cells.items():
            if value is None or value in ("", []):
                continue
            action = self.actions[name]
            flag = action.option_strings[0] if action.option_strings else None
            if flag is None:
                positionals.append(_cell_text(value))
            elif isinstance(action, argparse._StoreTrueAction):
                if _truth(value):
                    argv.append(flag)
            elif isinstance(action, argparse._AppendAction):
                items = (value if isinstance(value, list)
                         else str(value).split(LIST_SEPARATOR))
                argv += [f"{flag}={_cell_text(v).strip()}" for v in items]
            else:
                argv.append(f"{flag}={_cell_text(value)}")
        missing = sorted(positional_names - {n for n in cells if cells[n] not in (None, "")})
        if missing:
            raise BatchInputError(f"no value for {', '.join(missing)}")
        # Positionals after "--": a value starting with "-" stays a value.
        args = self.parser.parse_args([*argv, "--", *positionals])
        return {name: getattr(args, name) for name, positional in self.names
                if positional or getattr(args, name) is not None}


def _cell_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        raise BatchInputError("a structured value where text is expected")
    return str(value)


def _truth(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in ("1", "true", "yes", "y", "ja", "oui", "x"):
        return True
    if text in ("0", "false", "no", "n", "nee", "non", ""):
        return False
    raise BatchInputError("expected true or false")


def _format(path: Path, format: str | None) -> str:
    chosen = (format or path.suffix.lstrip(".")).casefold()
    if chosen in ("csv", "jsonl", "ndjson"):
        return "jsonl" if chosen == "ndjson" else chosen
    raise BatchInputError("the input is CSV (.csv) or JSON lines (.jsonl): name its format")


def count_rows(path: str | Path, *, format: str | None = None) -> int:
    """How many rows `read_rows` will give, read streaming (for progress)."""
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        if _format(path, format) == "jsonl":
            return sum(1 for line in fh if line.strip())
        reader = csv.reader(fh, delimiter=_delimiter(fh))
        next(reader, None)
        return sum(1 for cells in reader if any(c.strip() for c in cells))


def _delimiter(fh: IO[str]) -> str:
    # Spreadsheets in Belgium write ';'; tell it from ',' on the header line.
    header = fh.readline()
    fh.seek(0)
    return ";" if header.count(";") > header.count(",") else ","


class RowReader(Iterator[BatchRow]):
    """The rows of an input file, read as they are asked for; `close` closes the file."""

    def __init__(self, fh: IO[str], rows: Iterator[BatchRow]) -> None:
        self._fh = fh
        self._rows = rows

    def __next__(self) -> BatchRow:
        return next(self._rows)

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> RowReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_rows(target: BatchTarget, source: str | Path, *,
              format: str | None = None) -> RowReader:
    """The rows of a CSV (header line of parameter names) or JSON lines file, streaming.

    The columns are checked against the operation first: an unknown one (or a
    missing positional) raises `BatchInputError` before any row is given. A row
    whose cells cannot be converted (or a line that is not a JSON object) is
    given with its ``error`` and its line number, and the rows after it follow.
    Empty cells are left out; list parameters take several values separated by
    ``|`` in CSV, a JSON array in JSONL; flags take true/false.
    """
    path = Path(source)
    kind = _format(path, format)
    converter = _Converter(target)
    fh = path.open(encoding="utf-8-sig", newline="")
    try:
        if kind == "csv":
            reader = csv.reader(fh, delimiter=_delimiter(fh))
            header = next(reader, None)
            if header is None:
                raise BatchInputError("the CSV file is empty: its first line names the columns")
            mapping = converter.check(header)
            columns = [mapping[h] for h in header]
            return RowReader(fh, _csv_rows(fh, reader, columns, converter))
        return RowReader(fh, _jsonl_rows(fh, path, converter))
    except BaseException:
        fh.close()
        raise


def _csv_rows(fh: IO[str], reader: Any, columns: list[str],
              converter: _Converter) -> Iterator[BatchRow]:
    number = 0
    with fh:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            number += 1
            line = reader.line_num
            raw = dict(zip(columns, (c.strip() for c in cells), strict=False))
            if len(cells) != len(columns):
                yield BatchRow(number, {}, line, raw, BatchInputError(
                    f"{len(cells)} cells where the header has {len(columns)}", line=line))
                continue
            yield _converted(number, line, raw, converter)


def _jsonl_rows(fh: IO[str], path: Path, converter: _Converter) -> Iterator[BatchRow]:
    # Keys are checked on the first object, before anything is given (and so sent).
    def objects() -> Iterator[tuple[int, Any]]:
        for line, text in enumerate(fh, start=1):
            if text.strip():
                try:
                    yield line, json.loads(text)
                except ValueError:
                    yield line, None

    source = objects()
    first = next(source, None)
    if first is not None and isinstance(first[1], dict):
        converter.check(first[1].keys())

    def rows() -> Iterator[BatchRow]:
        number = 0
        with fh:
            pending = [first] if first is not None else []
            for line, data in _chain(pending, source):
                number += 1
                if not isinstance(data, dict):
                    yield BatchRow(number, {}, line, {}, BatchInputError(
                        "not a JSON object", line=line))
                    continue
                try:
                    mapping = converter.check(data.keys())
                except BatchInputError as exc:
                    yield BatchRow(number, {}, line, {}, BatchInputError(str(exc), line=line))
                    continue
                raw = {mapping[k]: v for k, v in data.items()}
                yield _converted(number, line, raw, converter)

    return rows()


def _chain(first: list[tuple[int, Any]], rest: Iterator[tuple[int, Any]]
           ) -> Iterator[tuple[int, Any]]:
    yield from first
    yield from rest


def _converted(number: int, line: int, raw: Mapping[str, Any],
               converter: _Converter) -> BatchRow:
    try:
        values = converter.convert(raw)
    except BatchInputError as exc:
        return BatchRow(number, {}, line, raw, BatchInputError(str(exc), line=line))
    return BatchRow(number, values, line, raw)


# --- the rate limit -------------------------------------------------------------------------


class TokenBucket:
    """At most ``rate`` acquisitions per second across all threads, bursts up to ``burst``."""

    def __init__(self, rate: float, *, burst: float = 1.0,
                 clock: Callable[[], float] = time.monotonic,
                 wait: Callable[[float], object] | None = None) -> None:
        if not rate > 0:
            raise ValidationError("the rate is a positive number of calls per second")
        self.rate = rate
        self.burst = max(burst, 1.0)
        self._clock = clock
        self._tokens = self.burst
        self._stamp = clock()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wait = wait if wait is not None else self._stop.wait

    def acquire(self) -> bool:
        """Take one token, waiting for it; False when `stop` was called meanwhile."""
        while not self._stop.is_set():
            with self._lock:
                now = self._clock()
                self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                if self._tokens >= 1 - 1e-9:  # float sums of the refills fall just short
                    self._tokens = max(self._tokens - 1, 0.0)
                    return True
                needed = (1 - self._tokens) / self.rate
            self._wait(needed)
        return False

    def stop(self) -> None:
        """Wake every waiter: they get no token."""
        self._stop.set()


# --- the engine -----------------------------------------------------------------------------

_NOT_SENT: Final = object()  # a row the batch stopped before sending


@dataclass
class _Counts:
    ok: int = 0
    error: int = 0
    in_doubt: int = 0

    def add(self, status: RowStatus) -> None:
        setattr(self, status.name.lower(), getattr(self, status.name.lower()) + 1)

    @property
    def done(self) -> int:
        return self.ok + self.error + self.in_doubt


@dataclass
class _Hooks:
    before: Callable[[BatchRow], None] | None = None  # in the worker, just before the call
    after: Callable[[BatchResult], None] | None = None  # in the worker, once the row is done
    # Rows an interrupted run already settled (resume): never sent again.
    restored: Mapping[int, Callable[[BatchRow], BatchResult]] = field(default_factory=dict)


class Batch(Iterator[BatchResult]):
    """The running batch: iterate it for the results, in input order.

    Reads rows only as the window frees up (memory flat in the number of rows).
    `stop` stops sending; rows already on their way still give their results.
    Use it as a context manager (or call `close`) so its threads end with it.
    """

    def __init__(
        self,
        call: Callable[..., object],
        rows: Iterable[BatchRow | Mapping[str, Any]],
        *,
        concurrency: int = 8,
        rate: float | None = None,
        window: int | None = None,
        parameters: Iterable[str] | None = None,
        hooks: _Hooks | None = None,
        bucket: TokenBucket | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValidationError("concurrency is at least 1")
        self._call = call
        self._rows = iter(rows)
        self._parameters = frozenset(parameters) if parameters is not None else None
        self._window = max(window or concurrency * 4, concurrency)
        self._bucket = bucket or (TokenBucket(rate) if rate else None)
        self._hooks = hooks or _Hooks()
        self._executor = ThreadPoolExecutor(concurrency, thread_name_prefix="ksz-batch")
        self._pending: collections.deque[tuple[BatchRow, Future[Any]]] = collections.deque()
        self._stopping = threading.Event()
        self._interrupted = False
        self._finished = False
        self._number = 0
        self.counts = _Counts()

    # -- public ------------------------------------------------------------------------------

    @property
    def interrupted(self) -> bool:
        """True once a KeyboardInterrupt stopped the batch."""
        return self._interrupted

    @property
    def stopped(self) -> bool:
        """True once the batch stopped before its input ended (`stop` or Ctrl-C)."""
        return self._stopping.is_set()

    def stop(self) -> None:
        """Send no further row; rows already being sent finish and are still handed over."""
        self._stopping.set()
        if self._bucket is not None:
            self._bucket.stop()
        for _, future in self._pending:
            future.cancel()

    def close(self) -> None:
        """Stop and wait for the calls in flight (their results are dropped)."""
        if not self._finished:
            self.stop()
        self._finish()

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __iter__(self) -> Batch:
        return self

    def __next__(self) -> BatchResult:
        while True:
            try:
                return self._next()
            except KeyboardInterrupt:
                if self._interrupted or self._finished:
                    raise  # a second Ctrl-C: stop waiting for the calls in flight
                self._interrupted = True
                self.stop()

    # -- internals ---------------------------------------------------------------------------

    def _next(self) -> BatchResult:
        if self._finished:
            raise StopIteration
        self._fill()
        if self._pending:
            _, future = self._pending[0]
            try:
                outcome = future.result()
            except CancelledError:
                outcome = _NOT_SENT
            self._pending.popleft()
            if outcome is not _NOT_SENT:
                assert isinstance(outcome, BatchResult)
                self.counts.add(outcome.status)
                return outcome
            # A row not sent: nothing after it can be handed over in order.
        self._finish()
        if self._interrupted:
            raise KeyboardInterrupt
        raise StopIteration

    def _finish(self) -> None:
        self._finished = True
        if self._bucket is not None:
            self._bucket.stop()
        for _, future in self._pending:
            future.cancel()
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._pending.clear()

    def _fill(self) -> None:
        while not self._stopping.is_set() and len(self._pending) < self._window:
            item = next(self._rows, None)
            if item is None:
                return
            self._number += 1
            row = item if isinstance(item, BatchRow) else BatchRow(self._number, item,
                                                                    raw=item)
            self._pending.append((row, self._executor.submit(self._run, row)))

    def _run(self, row: BatchRow) -> object:
        restored = self._hooks.restored.get(row.row)
        if restored is not None:
            return restored(row)
        if row.error is not None:
            return self._done(BatchResult(row.row, RowStatus.ERROR, row.line, row.raw,
                                          error=row.error), journal=False)
        unknown = (sorted(set(row.values) - self._parameters)
                   if self._parameters is not None else [])
        if unknown:
            error = BatchInputError(f"the operation takes no {', '.join(unknown)}",
                                    line=row.line)
            return self._done(BatchResult(row.row, RowStatus.ERROR, row.line, row.raw,
                                          error=error), journal=False)
        if self._stopping.is_set():
            return _NOT_SENT
        if self._bucket is not None and not self._bucket.acquire():
            return _NOT_SENT
        if self._stopping.is_set():
            return _NOT_SENT
        if self._hooks.before is not None:
            self._hooks.before(row)
        _current.row = row.row
        try:
            result = self._call(**row.values)
        except InDoubtError as exc:
            outcome = BatchResult(row.row, RowStatus.IN_DOUBT, row.line, row.raw, error=exc,
                                  call_id=exc.call_id)
        except Exception as exc:  # a failed row is a result: the batch goes on
            outcome = BatchResult(row.row, RowStatus.ERROR, row.line, row.raw, error=exc)
        else:
            outcome = BatchResult(row.row, RowStatus.OK, row.line, row.raw, result=result)
        finally:
            _current.row = None
        return self._done(outcome, journal=True)

    def _done(self, outcome: BatchResult, *, journal: bool) -> BatchResult:
        if journal and self._hooks.after is not None:
            self._hooks.after(outcome)
        return outcome


# The row a worker thread is sending: lets an observer tie a call id to its row.
_current = threading.local()


def start(client: KszClient, service: str, operation: str,
          rows: Iterable[BatchRow | Mapping[str, Any]], *, concurrency: int = 8,
          rate: float | None = None, window: int | None = None,
          context: CallContext | None = None) -> Batch:
    """`KszClient.batch`: resolve the operation and start the `Batch`."""
    target = resolve(service, operation)
    call = target.bound(client)
    if context is not None:
        call = functools.partial(call, context=context)
    return Batch(call, rows, concurrency=concurrency, rate=rate,
                 window=window, parameters=target.parameters)


# --- files: the output, the journal of mutations, resuming ----------------------------------


def open_private(path: Path, *, truncate: bool) -> IO[str]:
    """A text file for appending, created readable by its owner only (it holds personal data)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | (os.O_TRUNC if truncate else 0)
    return os.fdopen(os.open(path, flags, 0o600), "a", encoding="utf-8")


def journal_path(output: Path) -> Path:
    """Where ``ksz batch`` journals the mutations of the batch writing ``output``."""
    return output.with_name(output.name + ".journal")


class Journal:
    """The mutations of a batch: each row's start, call id and outcome, on disk first.

    Written (and fsynced) before a mutation is sent, when its call id is known
    (by `JournalObserver`, before any byte leaves) and once its outcome is
    known, whatever the order rows finish in. On resume, a row that started
    but has no outcome is in doubt and is never sent again.
    """

    def __init__(self, path: Path, *, truncate: bool = False) -> None:
        self.path = path
        self._fh = open_private(path, truncate=truncate)
        self._lock = threading.Lock()

    def _write(self, entry: Mapping[str, Any]) -> None:
        with self._lock:
            self._fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self._fh.flush()
            os.fsync(self._fh.fileno())

    def started(self, row: BatchRow) -> None:
        self._write({"row": row.row, "event": "started"})

    def sending(self, row: int, call_id: str) -> None:
        self._write({"row": row, "event": "sending", "call_id": call_id})

    def done(self, result: BatchResult) -> None:
        self._write({"row": result.row, "event": "done", "record": result.to_json()})

    def close(self) -> None:
        self._fh.close()

    @staticmethod
    def load(path: Path, *, after: int = 0) -> dict[int, dict[str, Any]]:
        """Per row beyond ``after``: ``call_id`` (or None) and ``record`` (or None)."""
        rows: dict[int, dict[str, Any]] = {}
        if not path.exists():
            return rows
        with path.open(encoding="utf-8") as fh:
            for text in fh:
                try:
                    entry = json.loads(text)
                except ValueError:
                    continue  # a line torn by the crash: its row stays "started"
                row = entry.get("row")
                if not isinstance(row, int) or row <= after:
                    continue
                state = rows.setdefault(row, {"call_id": None, "record": None})
                if entry.get("event") == "sending":
                    state["call_id"] = entry.get("call_id")
                elif entry.get("event") == "done":
                    state["record"] = entry.get("record")
        return rows


class JournalObserver:
    """A `CallObserver` that journals the call id of the batch row being sent."""

    def __init__(self) -> None:
        self.journal: Journal | None = None

    def before_send(self, exchange: Exchange) -> None:
        row = getattr(_current, "row", None)
        if self.journal is not None and row is not None and exchange.attempt == 1:
            self.journal.sending(row, exchange.call_id)

    def after_receive(self, exchange: Exchange, outcome: Outcome) -> None:
        pass


def scan_output(path: Path) -> tuple[int, dict[str, Any] | None]:
    """How many rows an earlier run wrote (they are 1..k, in order) and the last one.

    A last line cut short by a crash is removed from the file. Raises
    `BatchInputError` when the file is not a batch output.
    """
    count, last, good_end = 0, None, 0
    with path.open("rb") as fh:
        for raw in fh:
            if not raw.endswith(b"\n"):
                break  # torn by the crash: that row is done again
            try:
                record = json.loads(raw)
                valid = isinstance(record, dict) and record.get("row") == count + 1
            except ValueError:
                valid = False
            if not valid:
                raise BatchInputError(f"{path.name} is not the output of a batch (line "
                                      f"{count + 1}): give another --output", line=count + 1)
            count, last, good_end = count + 1, record, good_end + len(raw)
    if path.stat().st_size != good_end:
        with path.open("r+b") as fh:
            fh.truncate(good_end)
    return count, last


def in_doubt_restored(call_id: str | None) -> Callable[[BatchRow], BatchResult]:
    """The result of a mutation row an earlier run started and never finished."""
    how = (f"reconcile call {call_id} (`ksz reconcile`)" if call_id
           else "check `ksz audit in-doubt` or with the KSZ")

    def restore(row: BatchRow) -> BatchResult:
        error = InDoubtError("the batch stopped while this mutation was being sent; it may "
                             f"have reached the KSZ and is not sent again: {how}",
                             call_id=call_id or "")
        return BatchResult(row.row, RowStatus.IN_DOUBT, row.line, row.raw, error=error,
                           call_id=call_id)

    return restore


def record_restored(record: Mapping[str, Any]) -> Callable[[BatchRow], BatchResult]:
    """The result of a row an earlier run finished (from its journal)."""

    def restore(row: BatchRow) -> BatchResult:
        status = RowStatus(record.get("status", "error"))
        error = record.get("error") or {}
        return BatchResult(row.row, status, row.line, row.raw, record=record,
                           call_id=error.get("call_id"))

    return restore
