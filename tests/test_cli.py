"""The ``ksz`` command: exit codes, human and JSON output, the sandbox commands."""

from __future__ import annotations

import datetime as dt
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import pytest

from ksz_client import _transport
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK, EXIT_TRANSPORT, EXIT_USAGE, main
from ksz_client.sandbox import Sandbox
from ksz_client.ssin import SsinKind, make

CONTEXT = ("--user", "test-social-worker", "--legal-context", "PCSA:SOCIAL_INQUIRY")
KSZ_SCRIPT = Path(sys.executable).parent / "ksz"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No KSZ_* variable and no ./ksz.toml of the developer's may leak into a test."""
    for name in list(os.environ):
        if name.startswith("KSZ_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``ksz argv`` in-process: (exit code, stdout, stderr)."""
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse errors and --help
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def _subprocess_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("KSZ_")}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _config_with_endpoint(source: Path, folder: Path, endpoint: str) -> Path:
    """A copy of a sandbox configuration (and its key files) pointing elsewhere."""
    for pem in source.parent.glob("*.pem"):
        shutil.copy(pem, folder / pem.name)
    text = re.sub(r'(?m)^endpoint = ".*"$', f'endpoint = "{endpoint}"',
                  source.read_text(encoding="utf-8"))
    target = folder / "elsewhere.toml"
    target.write_text(text, encoding="utf-8")
    return target


def _found(sandbox: Sandbox) -> int:
    population = sandbox.population
    return next(i for i in range(population.size)
                if population.replaced_by(i) is None and not population.is_deceased(i))


# --- ssin -----------------------------------------------------------------------------


def test_ssin_check_valid_prints_the_formatted_number(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ssin", "check", "85073003328")
    assert code == EXIT_OK
    assert out.strip() == "valid: 85.07.30-033.28"


def test_ssin_check_invalid_is_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ssin", "check", "85.07.30-033.29")
    assert code == EXIT_BUSINESS
    assert out.startswith("invalid: ") and "check digits" in out
    assert "85073003329" not in out


def test_ssin_check_a_test_number_needs_allow_test(capsys: pytest.CaptureFixture[str]) -> None:
    number = make(dt.date(1980, 1, 1), 1, kind=SsinKind.TEST)
    code, out, _ = run(capsys, "ssin", "check", number)
    assert code == EXIT_BUSINESS and "test numbers" in out
    code, out, _ = run(capsys, "ssin", "check", "--allow-test", number)
    assert code == EXIT_OK and out.strip() == f"valid: {number.formatted}"


def test_ssin_info_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ssin", "info", "85.07.30-033.28", "--json")
    assert code == EXIT_OK
    assert json.loads(out) == {
        "ssin": "85073003328",
        "formatted": "85.07.30-033.28",
        "kind": "national",
        "birth_date": "1985-07-30",
        "birth_year": 1985,
        "gender": "M",
    }


def test_ssin_info_human_and_for_a_test_number(capsys: pytest.CaptureFixture[str]) -> None:
    number = make(dt.date(1980, 2, 3), 2, kind=SsinKind.TEST)
    code, out, _ = run(capsys, "ssin", "info", "--allow-test", number)
    assert code == EXIT_OK
    assert re.search(r"(?m)^kind +test$", out)
    assert re.search(r"(?m)^birth_date +1980-02-03$", out)
    assert re.search(r"(?m)^gender +F$", out)


def test_ssin_info_of_an_invalid_number_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "ssin", "info", "123")
    assert code == EXIT_USAGE
    assert out == "" and "InvalidSsin" in err


# --- services -------------------------------------------------------------------------


def test_services_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "services", "--json")
    assert code == EXIT_OK
    services = json.loads(out)
    assert isinstance(services, list) and services
    for service in services:
        assert {"name", "group", "operations", "kind", "needs_integration", "contract",
                "implemented"} <= service.keys()
    person = next(s for s in services if s["name"] == "PersonService")
    assert person["implemented"] is True
    assert {op["name"] for op in person["operations"]} >= {
        "searchPersonBySsin", "searchPersonPhonetically"
    }


def test_services_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "services")
    assert code == EXIT_OK
    assert "PersonService" in out


# --- person ---------------------------------------------------------------------------


@pytest.mark.e2e
def test_person_get_json(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, sandbox_config_path: Path
) -> None:
    index = _found(sandbox)
    ssin = sandbox.population.ssin_of(index)
    code, out, err = run(capsys, "--config", str(sandbox_config_path), *CONTEXT,
                         "person", "get", ssin.formatted, "--json")
    assert (code, err) == (EXIT_OK, "")
    data = json.loads(out)
    assert data["person"]["ssin"] == str(ssin)
    assert data["person"]["name"]["last_name"] == sandbox.population.person(index).name.last_name
    assert data["status"]["code"] == "MSG00000"
    assert data["receipt"]["ticket_cbss"]


@pytest.mark.e2e
def test_person_get_human(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, sandbox_config_path: Path
) -> None:
    index = _found(sandbox)
    person = sandbox.population.person(index)
    code, out, _ = run(capsys, "--config", str(sandbox_config_path), *CONTEXT,
                       "person", "get", str(person.ssin))
    assert code == EXIT_OK
    assert person.ssin.formatted in out
    assert str(person.name) in out
    assert re.search(r"ticket \S+ +ticketCBSS \S+", out)


@pytest.mark.e2e
def test_person_get_unknown_ssin_is_exit_1(
    capsys: pytest.CaptureFixture[str], sandbox_config_path: Path
) -> None:
    unknown = make(dt.date(2004, 12, 30), 995, kind=SsinKind.TEST)
    code, out, err = run(capsys, "--config", str(sandbox_config_path), *CONTEXT,
                         "person", "get", unknown)
    assert code == EXIT_BUSINESS
    assert out == ""
    assert "UnknownSsin" in err and "MSG00005" in err
    assert str(unknown) not in err


@pytest.mark.e2e
def test_person_get_replaced_ssin_names_the_new_one(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, sandbox_config_path: Path
) -> None:
    population = sandbox.population
    index = next(i for i in range(population.size) if population.replaced_by(i) is not None)
    new = population.ssin_of(population.replaced_by(index) or 0)
    code, _, err = run(capsys, "--config", str(sandbox_config_path), *CONTEXT,
                       "person", "get", population.ssin_of(index))
    assert code == EXIT_BUSINESS
    assert "SsinReplaced" in err and str(new) in err
    assert str(population.ssin_of(index)) not in err


def test_person_get_invalid_ssin_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], sandbox_config_path: Path
) -> None:
    code, out, err = run(capsys, "--config", str(sandbox_config_path), *CONTEXT,
                         "person", "get", "85073003329")
    assert code == EXIT_USAGE
    assert out == "" and "InvalidSsin" in err
    assert "85073003329" not in err


def test_person_get_without_user_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, sandbox_config_path: Path
) -> None:
    code, _, err = run(capsys, "--config", str(sandbox_config_path),
                       "--legal-context", "PCSA:SOCIAL_INQUIRY",
                       "person", "get", sandbox.population.ssin_of(0))
    assert code == EXIT_USAGE
    assert "MissingCallContext" in err and "user" in err


def test_person_get_with_a_bad_legal_context_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, sandbox_config_path: Path
) -> None:
    code, _, err = run(capsys, "--config", str(sandbox_config_path), "--user", "u",
                       "--legal-context", "no/slashes", "person", "get",
                       sandbox.population.ssin_of(0))
    assert code == EXIT_USAGE
    assert "InvalidLegalContext" in err


def test_a_missing_config_file_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "--config", str(tmp_path / "absent.toml"), *CONTEXT,
                       "person", "get", "85073003328")
    assert code == EXIT_USAGE
    assert "ConfigError" in err and "config" in err


def test_a_sandbox_that_is_not_running_is_exit_3(
    capsys: pytest.CaptureFixture[str], sandbox_config_path: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    waits: list[float] = []
    monkeypatch.setattr(_transport, "sleep", waits.append)
    config = _config_with_endpoint(sandbox_config_path, tmp_path,
                                   f"http://127.0.0.1:{_closed_port()}")
    number = make(dt.date(1980, 1, 1), 1, kind=SsinKind.TEST)
    code, out, err = run(capsys, "--config", str(config), *CONTEXT, "person", "get", number)
    assert code == EXIT_TRANSPORT
    assert out == "" and "ConnectError" in err
    assert len(waits) == 2  # a consultation that never left is tried three times


@pytest.mark.e2e
def test_person_search_with_and_without_results(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, sandbox_config_path: Path
) -> None:
    target = sandbox.population.person(_found(sandbox))
    code, out, _ = run(capsys, "--config", str(sandbox_config_path), *CONTEXT,
                       "person", "search", target.name.last_name,
                       "--given-name", target.name.given_names[0], "--max", "100")
    assert code == EXIT_OK
    assert target.ssin.formatted in out
    code, out, _ = run(capsys, "--config", str(sandbox_config_path), *CONTEXT,
                       "person", "search", target.name.last_name, "--json", "--max", "100")
    assert code == EXIT_OK
    assert str(target.ssin) in [p["ssin"] for p in json.loads(out)["persons"]]
    code, out, _ = run(capsys, "--config", str(sandbox_config_path), *CONTEXT,
                       "person", "search", "Zzyzx")
    assert code == EXIT_BUSINESS
    assert out.startswith("no data found")


@pytest.mark.parametrize(
    "argv",
    [
        (),
        ("nonsense",),
        ("ssin",),
        ("ssin", "check"),
        ("person", "search", "X", "--tolerance", "many"),
        ("sandbox", "persons", "--limit", "x"),
    ],
)
def test_usage_errors_are_exit_2(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == EXIT_USAGE
    assert out == "" and "usage: ksz" in err


def test_help_is_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == EXIT_OK
    assert "Exit codes" in out


# --- sandbox --------------------------------------------------------------------------


def test_sandbox_persons_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sandbox", "persons", "--limit", "3", "--json", "--persons", "50")
    assert code == EXIT_OK
    profiles = json.loads(out)
    assert len(profiles) == 3
    assert all(len(p["ssin"]) == 11 and p["name"] for p in profiles)


def test_sandbox_persons_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sandbox", "persons", "--limit", "2", "--persons", "50")
    assert code == EXIT_OK
    lines = out.strip().splitlines()
    assert lines[0].startswith("SSIN") and len(lines) == 4


# --- the installed command ------------------------------------------------------------


def test_the_console_script_runs() -> None:
    done = subprocess.run([str(KSZ_SCRIPT), "ssin", "check", "85 07 30 033 28"],
                          capture_output=True, text=True, timeout=60, env=_subprocess_env(),
                          check=False)
    assert done.returncode == EXIT_OK
    assert done.stdout.strip() == "valid: 85.07.30-033.28"
    bad = subprocess.run([str(KSZ_SCRIPT), "ssin", "check", "85073003329"],
                         capture_output=True, text=True, timeout=60, env=_subprocess_env(),
                         check=False)
    assert bad.returncode == EXIT_BUSINESS


def _lines_until(stream: IO[str], marker: str, timeout: float) -> list[str]:
    """Lines of `stream` up to the one containing `marker` (read in a thread: no deadlock)."""
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in iter(stream.readline, ""):
            lines.put(line)
            if marker in line:
                return
        lines.put("")  # end of stream

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if not line:
            break
        seen.append(line)
        if marker in line:
            return seen
    raise AssertionError(f"no {marker!r} line; got {seen!r}")


@pytest.mark.e2e
def test_sandbox_serve_answers_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    config = tmp_path / "served" / "ksz.toml"
    env = _subprocess_env()
    with subprocess.Popen(
        [str(KSZ_SCRIPT), "sandbox", "serve", "--port", "0", "--persons", "100",
         "--write-config", str(config)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    ) as server:
        try:
            assert server.stdout is not None
            lines = _lines_until(server.stdout, "listening on", 60)
            assert any("configuration written" in line for line in lines)
            assert re.search(r"listening on http://127\.0\.0\.1:\d+", lines[-1])
            from ksz_client.sandbox import Population

            ssin = Population(seed=1, size=100).ssin_of(0)
            get = subprocess.run(
                [sys.executable, "-m", "ksz_client.cli", "--config", str(config), *CONTEXT,
                 "person", "get", ssin, "--json"],
                capture_output=True, text=True, timeout=60, env=env, check=False,
            )
            assert get.returncode == EXIT_OK, get.stderr
            assert json.loads(get.stdout)["person"]["ssin"] == str(ssin)
            server.send_signal(signal.SIGINT)
            out, err = server.communicate(timeout=30)
        finally:
            if server.poll() is None:
                server.kill()
                server.communicate()
    assert server.returncode == EXIT_OK, err
    assert "stopped" in out
    assert "Traceback" not in err


def test_plain_json_keeps_decimals_exact() -> None:
    from decimal import Decimal

    from ksz_client.cli._output import plain
    from ksz_client.types import Money, Month, PartialDate, Quarter

    assert plain({"hours": Decimal("38.50"), "amount": Money(12345), "q": Quarter(2024, 1),
                  "m": Month(2024, 5), "born": PartialDate(1985, 7)}) == {
        "hours": "38.50", "amount": {"cents": 12345, "euro": "123.45"}, "q": "2024Q1",
        "m": "2024-05",
        "born": "1985-07-00"}
