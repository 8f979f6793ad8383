"""``ksz batch`` end to end against a live sandbox: input errors, order, Ctrl-C and resume.

Mutations are checked on the sandbox's side: PCSAAlertReaction keeps one
record per alert and refuses a second motivation (MSG00008), so a re-sent
row would show both as a second record attempt and as an InvalidData row.
"""

from __future__ import annotations

import _thread
import functools
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ksz_client.cli import EXIT_BUSINESS, EXIT_OK, EXIT_USAGE, main
from ksz_client.sandbox import Sandbox
from ksz_client.sandbox.handlers.alert_reaction import KIND as MOTIVATION
from ksz_client.services.alert_reaction import AlertReactionService
from ksz_client.services.ssin_info import SsinInformationService

pytestmark = pytest.mark.e2e

GLOBAL = ["--user", "batch-tester", "--legal-context", "PCSA:SOCIAL_INQUIRY"]


# This module's own sandbox: it registers motivations (mutations).
@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=1, persons=500) as running:
        yield running


@pytest.fixture(scope="module")
def config(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sandbox.write_config(tmp_path_factory.mktemp("batch") / "ksz.toml")


@pytest.fixture(scope="module")
def ssins(sandbox: Sandbox) -> list[str]:
    return [str(p.ssin) for p in sandbox.persons(deceased=False, replaced=False, fault=None)]


def _batch(config: Path, *args: str) -> int:
    return main(["--config", str(config), *GLOBAL, "batch", *args])


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _ssin_info(tmp_path: Path, config: Path, rows: list[str], *extra: str) -> tuple[int, Path]:
    source = tmp_path / "in.csv"
    source.write_text("ssin\n" + "\n".join(rows) + "\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    code = _batch(config, "--service", "ssin-info", "--operation", "current", "--input",
                  str(source), "--output", str(output), *extra)
    return code, output


class _Calls:
    """Counts the calls of a service method (the real one still runs)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, cls: type, name: str,
                 interrupt_at: int | None = None) -> None:
        self.count = 0
        self.args: list[str] = []
        self._lock = threading.Lock()
        original = getattr(cls, name)
        calls = self

        @functools.wraps(original)  # keeps @operation and the signature the batch reads
        def wrapper(service: Any, *args: Any, **kwargs: Any) -> Any:
            with calls._lock:
                calls.count += 1
                calls.args.append(args[0] if args else kwargs.get("ssin", kwargs.get("alert_id")))
                now = calls.count
            if now == interrupt_at:
                _thread.interrupt_main()  # as if the user pressed Ctrl-C now
            return original(service, *args, **kwargs)

        monkeypatch.setattr(cls, name, wrapper)


def test_a_bad_ssin_on_line_17_is_reported_with_its_line_and_the_batch_goes_on(
        tmp_path: Path, config: Path, ssins: list[str], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _Calls(monkeypatch, SsinInformationService, "current")
    rows = [*ssins[:15], "85073003329", *ssins[15:30]]  # line 17: wrong check digits
    code, output = _ssin_info(tmp_path, config, rows, "--concurrency", "4")
    assert code == EXIT_BUSINESS  # some row failed
    lines = _lines(output)
    assert [r["row"] for r in lines] == list(range(1, 32))
    bad = lines[15]
    assert (bad["line"], bad["status"], bad["error"]["type"]) == (17, "error", "InvalidSsin")
    assert "85073003329" not in bad["error"]["message"]
    good = [r for r in lines if r["status"] == "ok"]
    assert len(good) == 30
    assert all(r["result"]["current"]["ssin"] == r["input"]["ssin"] for r in good)
    assert all(r["result"]["receipt"]["ticket_cbss"] for r in good)
    err = capsys.readouterr().err
    assert "line 17: error: InvalidSsin" in err
    assert "31 of 31 rows: 30 ok, 1 failed, 0 in doubt" in err
    assert output.stat().st_mode & 0o077 == 0  # personal data: the owner's only
    assert calls.count == 31  # the bad row too: the SDK refused it before sending


def test_an_unknown_column_is_an_error_before_anything_is_sent(
        tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _Calls(monkeypatch, SsinInformationService, "current")
    source = tmp_path / "in.csv"
    source.write_text("ssin;colour\n85073003328;red\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    code = _batch(config, "--service", "ssin-info", "--operation", "current",
                  "--input", str(source), "--output", str(output))
    assert code == EXIT_USAGE
    assert "unknown column(s) 'colour'" in capsys.readouterr().err
    assert not output.exists() and calls.count == 0


def test_an_unknown_operation_is_a_usage_error(tmp_path: Path, config: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code = _batch(config, "--service", "ssin-info", "--operation", "nope", "--input",
                  str(tmp_path / "in.csv"), "--output", str(tmp_path / "out.jsonl"))
    assert code == EXIT_USAGE
    assert "its operations: current, related" in capsys.readouterr().err


def test_an_existing_output_is_only_overwritten_with_force(
        tmp_path: Path, config: Path, ssins: list[str], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _Calls(monkeypatch, SsinInformationService, "current")
    (tmp_path / "out.jsonl").write_text("precious\n", encoding="utf-8")
    code, output = _ssin_info(tmp_path, config, ssins[:3])
    assert code == EXIT_USAGE
    assert "--force overwrites it" in capsys.readouterr().err
    assert output.read_text(encoding="utf-8") == "precious\n" and calls.count == 0
    code, output = _ssin_info(tmp_path, config, ssins[:3], "--force")
    assert code == EXIT_OK
    assert [r["status"] for r in _lines(output)] == ["ok"] * 3


def test_resume_refuses_an_output_that_belongs_to_another_input(
        tmp_path: Path, config: Path, ssins: list[str], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    code, output = _ssin_info(tmp_path, config, ssins[:3])
    assert code == EXIT_OK
    calls = _Calls(monkeypatch, SsinInformationService, "current")
    code, output = _ssin_info(tmp_path, config, ssins[5:10], "--resume")
    assert code == EXIT_USAGE
    assert "is it the same input file?" in capsys.readouterr().err
    assert calls.count == 0 and len(_lines(output)) == 3


def test_a_jsonl_input_with_rate_limit_and_plain_progress(
        tmp_path: Path, config: Path, ssins: list[str],
        capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"ssin": s}) + "\n" for s in ssins[:20]),
                      encoding="utf-8")
    output = tmp_path / "out.jsonl"
    code = _batch(config, "--service", "SSINInformationService", "--operation",
                  "consult-related-ssins", "--input", str(source), "--output", str(output),
                  "--rate", "2000/s", "--progress", "lines")
    assert code == EXIT_OK
    assert [r["line"] for r in _lines(output)] == list(range(1, 21))
    err = capsys.readouterr().err
    assert "ksz batch: 2/20 rows, 10%" in err and "\r" not in err


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The same sandbox in a process of its own (its configuration): the batch's client
    threads and the server's then do not share one interpreter lock."""
    folder = tmp_path_factory.mktemp("served")
    config = folder / "ksz.toml"
    server = subprocess.Popen(
        [sys.executable, "-m", "ksz_client.cli", "sandbox", "serve", "--port", "0",
         "--seed", "1", "--persons", "500", "--write-config", str(config)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not config.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert config.exists(), "the sandbox did not start"
        yield config
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(15)


def test_10000_rows_interrupted_by_ctrl_c_then_resumed_each_row_once_in_order(
        tmp_path: Path, served: Path, ssins: list[str], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    config = served
    total = 10_000
    rows = [ssins[i % len(ssins)] for i in range(total)]
    calls = _Calls(monkeypatch, SsinInformationService, "current", interrupt_at=3_000)
    code, output = _ssin_info(tmp_path, config, rows, "--concurrency", "8")
    assert code == 130
    first = len(_lines(output))
    assert 3_000 <= first < total
    assert calls.count == first  # every call sent before the stop was written
    assert "continue with --resume" in capsys.readouterr().err

    code, output = _ssin_info(tmp_path, config, rows, "--concurrency", "8", "--resume",
                              "--progress", "bar")
    assert code == EXIT_OK
    lines = _lines(output)
    assert [r["row"] for r in lines] == list(range(1, total + 1))
    assert [r["input"]["ssin"] for r in lines] == rows
    assert all(r["status"] == "ok" and r["result"]["current"]["ssin"] == r["input"]["ssin"]
               for r in lines)
    assert calls.count == total  # each row sent exactly once over both runs
    err = capsys.readouterr().err
    assert f"{total} of {total} rows: {total - first} ok" in err
    # The progress bar, redrawn in place, ends full, with the rate and the ETA.
    bars = [part for part in err.split("\r\x1b[K") if part.startswith("[")]
    assert bars and all("rows/s" in bar and "ETA" in bar for bar in bars)
    assert bars[-1].startswith(f"[{'#' * 24}] {total}/{total} rows, 100%")


# --- mutations --------------------------------------------------------------------------------


def _alerts(tmp_path: Path, n: int) -> tuple[list[str], Path]:
    alerts = [str(uuid.uuid4().int)[:18] for _ in range(n)]
    source = tmp_path / "alerts.csv"
    source.write_text("alert_id,form_number,code\n"
                      + "".join(f"{a},F2024A,WORK_ENDED\n" for a in alerts), encoding="utf-8")
    return alerts, source


def _motivations(sandbox: Sandbox, alert: str) -> int:
    return len(sandbox.state.records(MOTIVATION, key=alert))


def test_mutations_interrupted_by_ctrl_c_are_never_sent_twice(
        tmp_path: Path, sandbox: Sandbox, config: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    alerts, source = _alerts(tmp_path, 40)
    output = tmp_path / "out.jsonl"
    args = ["--service", "alerts", "--operation", "motivate", "--input", str(source),
            "--output", str(output), "--concurrency", "4"]
    calls = _Calls(monkeypatch, AlertReactionService, "motivate", interrupt_at=10)
    assert _batch(config, *args) == 130
    written = len(_lines(output))
    assert calls.count == written and (output.parent / "out.jsonl.journal").exists()
    assert _batch(config, *args, "--resume") == EXIT_OK
    lines = _lines(output)
    assert [r["input"]["alert_id"] for r in lines] == alerts
    assert all(r["status"] == "ok" for r in lines)
    assert sorted(calls.args) == sorted(alerts)  # once each
    assert all(_motivations(sandbox, a) == 1 for a in alerts)
    assert not (output.parent / "out.jsonl.journal").exists()  # done: nothing left to resume
    capsys.readouterr()


def test_a_batch_killed_with_mutations_in_flight_resumes_without_resending_them(
        tmp_path: Path) -> None:
    # Every answer comes late, so the kill finds calls on their way; the sandbox still
    # registers each of them (as the KSZ would), only the answer never arrives.
    with Sandbox(seed=1, persons=50, latency_ms=400) as slow:
        config = slow.write_config(tmp_path / "ksz.toml")
        alerts, source = _alerts(tmp_path, 24)
        output = tmp_path / "out.jsonl"
        journal = tmp_path / "out.jsonl.journal"
        args = ["--config", str(config), *GLOBAL, "batch", "--service", "alerts",
                "--operation", "motivate", "--input", str(source), "--output", str(output),
                "--concurrency", "4", "--progress", "none"]
        child = subprocess.Popen([sys.executable, "-m", "ksz_client.cli", *args],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                sending = (journal.read_text(encoding="utf-8").count('"sending"')
                           if journal.exists() else 0)
                if sending >= 6:
                    break
                time.sleep(0.02)
            os.kill(child.pid, signal.SIGKILL)
        finally:
            child.wait(30)
            assert child.stderr is not None
            child.stderr.close()
        before = len(_lines(output)) if output.exists() else 0
        assert before < len(alerts)
        time.sleep(0.5)  # the sandbox finishes the requests the dead process sent

        assert main([*args, "--resume"]) == EXIT_BUSINESS  # rows in doubt
        lines = _lines(output)
        assert [r["row"] for r in lines] == list(range(1, len(alerts) + 1))
        assert [r["input"]["alert_id"] for r in lines] == alerts
        doubt = [r for r in lines if r["status"] == "in_doubt"]
        assert doubt, "the kill found no mutation in flight"
        assert all(r["error"]["type"] == "InDoubtError" for r in doubt)
        assert any(r["error"].get("call_id") for r in doubt)  # journalled before sending
        # No row was sent twice: a second motivation would be refused (InvalidData).
        assert {r["status"] for r in lines} <= {"ok", "in_doubt"}
        assert all(_motivations(slow, a) == 1 for a in alerts
                   if lines[alerts.index(a)]["status"] == "ok")
        assert all(_motivations(slow, a) <= 1 for a in alerts)


def test_the_python_api_yields_typed_results_in_input_order(config: Path,
                                                            ssins: list[str]) -> None:
    from ksz_client import KszClient, KszConfig, RowStatus
    from ksz_client.services.ssin_info import CurrentSsinResult

    rows = [{"ssin": s} for s in ssins[:24]] + [{"ssin": "85073003329"}]
    with KszClient(KszConfig.load(config, env={})) as plain:
        client = plain.acting_for(user="batch-tester", legal_context="PCSA:SOCIAL_INQUIRY")
        with client.batch("ssin_info", "current", rows, concurrency=4, rate=1000) as batch:
            results = list(batch)
    assert [r.row for r in results] == list(range(1, 26))
    assert all(isinstance(r.result, CurrentSsinResult) for r in results[:24])
    assert [r.result.current.ssin for r in results[:24]] == ssins[:24]  # type: ignore[union-attr]
    assert results[24].status is RowStatus.ERROR
    assert type(results[24].error).__name__ == "InvalidSsin"
