"""``ksz notifications serve|process|list`` and ``ksz sandbox notify`` with every type."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ksz_client._config import KszConfig
from ksz_client._pki import Credentials
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK, EXIT_USAGE, main
from ksz_client.notifications import Receiver
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, MemoryState, WsgiServer, push
from ksz_client.ssin import mask

from ._support import POP, ssin

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def write_config(folder: Path, certificate: bytes, *, audit: bool = True) -> Path:
    """A receiving OCMW's configuration: HTTP Basic (no client keys), the KSZ pinned."""
    (folder / "ksz.pem").write_bytes(certificate)
    config = folder / "ksz.toml"
    config.write_text(
        'environment = "sandbox"\nendpoint = "http://127.0.0.1:9/"\n'
        f'[organisation]\ncbe_number = "{SANDBOX_CBE_NUMBER}"\n'
        '[auth]\nmode = "basic"\nusername = "ocmw-app"\npassword_env = "KSZ_TEST_PASSWORD"\n'
        '[notifications]\ntrusted_certificates = ["ksz.pem"]\nretry_initial_seconds = 60\n'
        + ('[audit]\npath = "audit.sqlite3"\ncheckpoint_key_file = "checkpoint.key"\n'
           'checkpoint_dir = "checkpoints"\n' if audit else ""),
        encoding="utf-8",
    )
    return config


@pytest.fixture
def config_file(tmp_path: Path, ksz_keys: tuple[Credentials, Credentials],
                monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KSZ_TEST_PASSWORD", "not-used")
    monkeypatch.setenv("KSZ_TEST_HANDLED", str(tmp_path / "handled.txt"))
    monkeypatch.syspath_prepend(str(HERE))
    return write_config(tmp_path, ksz_keys[0].cert_pem)


@pytest.fixture
def stored(config_file: Path, ksz_keys: tuple[Credentials, Credentials]) -> Iterator[Path]:
    """Three notifications stored (not handed over) in the configured inbox."""
    config = KszConfig.load(config_file, env={"KSZ_TEST_PASSWORD": "x"})
    with Receiver.from_config(config, dispatch=False) as receiver, WsgiServer(receiver) as server:
        for operation in ("notifyFamilyComposition", "notifyPerson", "notifyPersonnelFile"):
            (result,) = push(server.url, operation, ssin(60), population=POP,
                             state=MemoryState(), signing=ksz_keys[0])
            assert result.http_status == 200
    yield config_file


def _handled(config_file: Path) -> list[str]:
    path = config_file.parent / "handled.txt"
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def test_process_hands_the_stored_events_to_the_named_handlers(
    stored: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["--config", str(stored), "notifications", "process",
                 "--handlers", "_handlers_module:handlers", "--json"])
    assert code == EXIT_OK
    report = json.loads(capsys.readouterr().out)
    assert report == {"handled": 3, "failed": 0, "without_handler": 0, "pending": 0, "done": 3}
    assert [line.split()[0] for line in _handled(stored)] == [
        "FamilyCompositionChanged", "PersonLegalDataChanged", "DimonaDeclared"]
    # Nothing left: a second pass hands nothing over again.
    assert main(["--config", str(stored), "notifications", "process",
                 "--handlers", "_handlers_module:handlers"]) == EXIT_OK
    assert "handled 0, failed 0" in capsys.readouterr().out
    assert len(_handled(stored)) == 3


def test_process_takes_a_registering_function(stored: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(stored), "notifications", "process",
                 "--handlers", "_handlers_module:register"]) == EXIT_OK
    assert "handled 1, failed 0 (retried later), without handler 2" in capsys.readouterr().out


def test_process_reports_failing_handlers(stored: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(stored), "notifications", "process",
                 "--handlers", "_handlers_module:failing"]) == EXIT_BUSINESS
    # One person: the first event failed, the two after it wait for it.
    assert "failed 1" in capsys.readouterr().out
    assert main(["--config", str(stored), "notifications", "list", "--state", "pending",
                 "--json"]) == EXIT_OK
    rows = json.loads(capsys.readouterr().out)
    assert [(r["attempts"], r["last_error"]) for r in rows] == [
        (1, "RuntimeError"), (0, None), (0, None)]
    assert {r["ssin"] for r in rows} == {mask(ssin(60))}


@pytest.mark.parametrize(("spec", "message"), [
    ("_handlers_module:register_nothing", "registers no handler"),
    ("_handlers_module", "MODULE:ATTRIBUTE"),
    ("no_such_module_here:handlers", "cannot import"),
    ("_handlers_module:missing", "has no attribute"),
    ("_handlers_module:NOT_HANDLERS", "neither"),
])
def test_process_refuses_handlers_it_cannot_use(config_file: Path, spec: str, message: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config_file), "notifications", "process",
                 "--handlers", spec]) == EXIT_USAGE
    assert message in capsys.readouterr().err


def test_process_option_checks(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--config", str(config_file), "notifications", "process",
            "--handlers", "_handlers_module:handlers"]
    assert main([*base, "--limit", "0"]) == EXIT_USAGE
    assert main([*base, "--watch", "0"]) == EXIT_USAGE
    assert "--watch" in capsys.readouterr().err


def test_list_shows_the_inbox_without_ssins(stored: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(stored), "notifications", "list"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "FamilyCompositionChanged" in out and "PENDING" in out
    assert ssin(60) not in out and mask(ssin(60)) in out


def test_a_receiver_without_audit_database_is_a_configuration_error(
    tmp_path: Path, ksz_keys: tuple[Credentials, Credentials],
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KSZ_TEST_PASSWORD", "x")
    config = write_config(tmp_path, ksz_keys[0].cert_pem, audit=False)
    assert main(["--config", str(config), "notifications", "list"]) == EXIT_USAGE
    assert "audit.path" in capsys.readouterr().err


def test_serve_receives_and_hands_over_until_stopped(
    config_file: Path, ksz_keys: tuple[Credentials, Credentials], tmp_path: Path,
) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT / "src")]),
           "KSZ_TEST_PASSWORD": "x", "KSZ_TEST_HANDLED": str(tmp_path / "handled.txt")}
    server = subprocess.Popen(
        [sys.executable, "-m", "ksz_client.cli", "--config", str(config_file), "notifications",
         "serve", "--port", "0", "--handlers", "_handlers_module:handlers"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        assert server.stdout is not None
        url = ""
        for line in server.stdout:
            if "listening on" in line:
                url = line.split("listening on ")[1].split()[0]
                break
        assert url.startswith("http://127.0.0.1:")
        (result,) = push(url + "/ksz/notify", "notifyFamilyComposition", ssin(61),
                         population=POP, state=MemoryState(), signing=ksz_keys[0])
        assert result.http_status == 200
        assert _handled(config_file)[0].startswith("FamilyCompositionChanged ")
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=20)
    assert server.returncode == 0, err
    assert "ksz notifications stopped" in out


def test_serve_option_checks(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--config", str(config_file), "notifications", "serve", "--port", "0"]
    assert main([*base, "--tls-cert", "cert.pem"]) == EXIT_USAGE
    assert main([*base, "--handlers", "nonsense"]) == EXIT_USAGE
    assert main([*base, "--tls-cert", "missing.pem", "--tls-key", "missing.pem"]) == EXIT_USAGE
    assert "TLS certificate" in capsys.readouterr().err


# --- ksz sandbox notify: every type, several senders ---------------------------------------


def test_the_sandbox_lists_every_type_it_pushes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", "notify", "--types"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "notifyFamilyComposition" in out and "official" in out and "modelled" in out
    assert len(out.strip().splitlines()) == 2 + 15


def test_the_sandbox_pushes_all_types_from_several_senders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    from ksz_client.audit import AuditLog
    from ksz_client.notifications import Inbox
    from ksz_client.sandbox import SqliteState, sandbox_credentials
    from ksz_client.wsse import Verifier

    state_path = tmp_path / "sandbox.db"
    state = SqliteState(state_path)
    signing, _client = sandbox_credentials(state)
    state.close()
    person = str(POP.ssin_of(3))
    with AuditLog.sqlite(tmp_path / "audit.sqlite3") as log:
        inbox = Inbox(log)
        receiver = Receiver(inbox, Verifier([signing.cert_pem]))
        with WsgiServer(receiver) as server:
            base = ["sandbox", "notify", "--to", server.url, "--ssin", person, "--state",
                    str(state_path), "--seed", "3", "--persons", "300", "--json"]
            assert main([*base, "--type", "all"]) == EXIT_OK
            results = json.loads(capsys.readouterr().out)
            assert len(results) == 15 and all(r["delivered"] for r in results)
            assert main([*base, "--type", "notifyPerson,notify-deduction", "--senders", "3",
                         "--burst", "2"]) == EXIT_OK
            more = json.loads(capsys.readouterr().out)
        assert len(more) == 3 * 2 * 2
        assert sorted(r["sequence_number"] for r in more if r["type"] == "notifyPerson") == \
            [2, 3, 4, 5, 6, 7]
        assert inbox.counts()["PENDING"] == 15 + 12


@pytest.mark.parametrize(("args", "message"), [
    (["--type", "notifyPerson", "--ssin", "X"], "--to is required"),
    (["--to", "http://127.0.0.1:9/", "--ssin", "X"], "--type is required"),
    (["--to", "http://127.0.0.1:9/", "--type", "notifyWeather", "--ssin", "X"], "unknown"),
    (["--to", "http://127.0.0.1:9/", "--type", ",", "--ssin", "X"], "at least one"),
    (["--to", "http://127.0.0.1:9/", "--type", "all", "--ssin", "X", "--senders", "0"],
     "--senders"),
])
def test_the_sandbox_notify_command_refuses(args: list[str], message: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", "notify", *args]) == EXIT_USAGE
    assert message in capsys.readouterr().err


def test_process_can_keep_watching_until_stopped(stored: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT / "src")]),
           "KSZ_TEST_PASSWORD": "x", "KSZ_TEST_HANDLED": str(tmp_path / "handled.txt")}
    worker = subprocess.Popen(
        [sys.executable, "-m", "ksz_client.cli", "--config", str(stored), "notifications",
         "process", "--handlers", "_handlers_module:handlers", "--watch", "0.2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        assert worker.stdout is not None
        first = worker.stdout.readline()  # printed once the pass handed something over
        assert first.startswith("handled 3, failed 0")
    finally:
        worker.send_signal(signal.SIGINT)
        out, err = worker.communicate(timeout=20)
    assert worker.returncode == 0, err
    assert out.strip().splitlines()[-1].startswith("handled 3, failed 0")
    assert len(_handled(stored)) == 3


def test_serve_reports_a_port_in_use(config_file: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["--config", str(config_file), "notifications", "serve",
                     "--port", str(port)]) == EXIT_USAGE
    assert "cannot listen" in capsys.readouterr().err
