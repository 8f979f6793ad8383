"""``ksz sandbox persons`` with filters and ``ksz sandbox serve`` with TLS and a state file."""

from __future__ import annotations

import datetime as dt
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

import pytest

from ksz_client.cli import EXIT_OK, EXIT_USAGE, main
from ksz_client.sandbox import Population, SqliteState
from ksz_client.types import Period

POP = Population(seed=1, size=200)


def _persons(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, object]]]:
    code = main(["sandbox", "persons", "--persons", "200", "--json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out) if code == EXIT_OK else []


def test_persons_where_filters_on_profile_fields(capsys: pytest.CaptureFixture[str]) -> None:
    code, found = _persons(capsys, "--where", "has_employment=true", "--where", "deceased=no",
                           "--limit", "4")
    assert code == EXIT_OK and len(found) == 4
    assert all(p["has_employment"] and not p["deceased"] for p in found)
    assert {"household_size", "fault", "replaced_by", "integrated", "leefloon"} <= set(found[0])
    code, (reset,) = _persons(capsys, "--where", "fault=reset")
    assert reset["ssin"] == str(POP.fault_person("reset"))
    code, faulty = _persons(capsys, "--where", "fault=any", "--limit", "50")
    assert len(faulty) == 11
    code, replaced = _persons(capsys, "--where", "replaced=true", "--limit", "2")
    assert all(p["replaced_by"] for p in replaced)


def test_persons_table_shows_the_profile(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", "persons", "--persons", "200", "--where", "fault=reset"]) == EXIT_OK
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split()[:2] == ["SSIN", "name"] and len(lines) == 3
    assert "fault=reset" in lines[2] and POP.fault_person("reset").formatted in lines[2]


@pytest.mark.parametrize("where", ["colour=blue", "no-equals-sign", "=true"])
def test_persons_refuses_a_bad_filter(capsys: pytest.CaptureFixture[str], where: str) -> None:
    assert main(["sandbox", "persons", "--where", where]) == EXIT_USAGE
    assert capsys.readouterr().err.startswith("ksz: error:")


def test_persons_reads_integrations_from_a_state_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "state.db"
    assert main(["sandbox", "persons", "--state", str(path)]) == EXIT_USAGE
    capsys.readouterr()
    chosen = str(POP.ssin_of(4))
    state = SqliteState(path)
    now = dt.datetime.now(dt.UTC)
    state.register("0123456749", chosen, 2, Period(now.date()), ticket="t", at=now)
    state.close()
    code, found = _persons(capsys, "--state", str(path), "--where", "integrated=true")
    assert code == EXIT_OK and [p["ssin"] for p in found] == [chosen]
    code, found = _persons(capsys, "--where", "integrated=true")
    assert found == []  # without the state nobody is integrated


# --- serve ------------------------------------------------------------------------------------


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("KSZ_")}


def _lines_until(stream: IO[str], marker: str, timeout: float) -> list[str]:
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in iter(stream.readline, ""):
            lines.put(line)
            if marker in line:
                return
        lines.put("")

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    while True:
        line = lines.get(timeout=timeout)
        if not line:
            raise AssertionError(f"no {marker!r} line; got {seen!r}")
        seen.append(line)
        if marker in line:
            return seen


def _serve(tmp_path: Path, name: str, state: Path) -> tuple[subprocess.Popen[str], Path]:
    config = tmp_path / name / "ksz.toml"
    server = subprocess.Popen(
        [sys.executable, "-m", "ksz_client.cli", "sandbox", "serve", "--port", "0", "--persons",
         "100", "--tls", "--state", str(state), "--latency-ms", "1", "--write-config",
         str(config)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
    )
    return server, config


def _stop(server: subprocess.Popen[str], sig: int = signal.SIGINT) -> str:
    server.send_signal(sig)
    out, _err = server.communicate(timeout=30)
    assert server.returncode == EXIT_OK
    return out


@pytest.mark.e2e
def test_serve_with_tls_and_a_state_file_survives_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    server, config = _serve(tmp_path, "first", state)
    try:
        assert server.stdout is not None
        lines = _lines_until(server.stdout, "listening on", 60)
        assert any(f"state kept in {state}" in line for line in lines)
        assert "listening on https://127.0.0.1:" in lines[-1]
        ssin = str(Population(seed=1, size=100).ssin_of(0))
        got = subprocess.run(
            [sys.executable, "-m", "ksz_client.cli", "--config", str(config), "--user", "u",
             "--legal-context", "PCSA:SOCIAL_INQUIRY", "person", "get", ssin, "--json"],
            capture_output=True, text=True, timeout=60, env=_env(), check=False,
        )
        assert got.returncode == EXIT_OK, got.stderr
        assert json.loads(got.stdout)["person"]["ssin"] == ssin
        # The written configuration keeps an audit log beside it: the call is in it.
        assert (config.parent / "ksz-audit.sqlite3").stat().st_size > 0
        assert "stopped" in _stop(server)
    finally:
        if server.poll() is None:
            server.kill()
    again, second = _serve(tmp_path, "second", state)
    try:
        assert again.stdout is not None
        _lines_until(again.stdout, "listening on", 60)
        # The same keys and TLS CA: configurations written before the restart stay valid.
        for name in ("client-cert.pem", "sandbox-signing-cert.pem", "sandbox-tls-ca.pem"):
            assert (second.parent / name).read_bytes() == (config.parent / name).read_bytes()
        _stop(again)
    finally:
        if again.poll() is None:
            again.kill()


def test_serve_refuses_bad_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", "serve", "--latency-ms", "-5"]) == EXIT_USAGE
    assert main(["sandbox", "serve", "--persons", "0", "--port", "0"]) == EXIT_USAGE
    assert "out of range" in capsys.readouterr().err


def test_serve_on_a_busy_port_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["sandbox", "serve", "--port", str(port), "--persons", "50",
                     "--state", str(tmp_path / "state.db")]) == EXIT_USAGE
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err
    # The state file it opened was released: another sandbox can use it at once.
    state = SqliteState(tmp_path / "state.db")
    state.next_sequence("x")
    state.close()


@pytest.mark.e2e
@pytest.mark.parametrize("ignored", [False, True], ids=["plain", "sigint-ignored"])
def test_serve_stops_cleanly_on_sigterm_and_on_an_ignored_sigint(
    tmp_path: Path, ignored: bool
) -> None:
    # A background job of a non-interactive shell starts with SIGINT ignored;
    # service managers stop with SIGTERM. Both must end the server cleanly.
    def ignore_sigint() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    server = subprocess.Popen(
        [sys.executable, "-m", "ksz_client.cli", "sandbox", "serve", "--port", "0",
         "--persons", "10"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
        preexec_fn=ignore_sigint if ignored else None,  # noqa: PLW1509 - test only
    )
    try:
        assert server.stdout is not None
        _lines_until(server.stdout, "listening on", 60)
        out = _stop(server, signal.SIGINT if ignored else signal.SIGTERM)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert "stopped" in out
