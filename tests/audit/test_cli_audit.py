"""``ksz audit``: verify (exit 1 with the first broken seq), query, export, checkpoint."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from ksz_client.audit import AuditLog, AuditRecord, RecordKind
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK, EXIT_USAGE, main

from ._support import SSIN_A, SSIN_B, fill, intent, sqlite_backend_at


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("KSZ_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "audit.sqlite3"
    with AuditLog.sqlite(path, checkpoint_every=4) as log:
        fill(log, 6)
        log.write(intent(7, subjects=(SSIN_B,), user="sw-2", dossier="D-2"))
    return path


def test_verify_an_intact_log(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    code, out, _ = run(capsys, "audit", "verify", "--path", str(db))
    assert code == EXIT_OK
    assert "intact" in out and "signatures verified" in out


def test_verify_names_the_first_broken_seq(capsys: pytest.CaptureFixture[str], db: Path,
                                           tmp_path: Path) -> None:
    backend = sqlite_backend_at(tmp_path)
    backend.tamper(("UPDATE audit_log SET body = replace(body, '\"D-1\"', '\"D-9\"') "
                    "WHERE seq = ?", (3,)))
    code, out, err = run(capsys, "audit", "verify", "--path", str(db))
    assert code == EXIT_BUSINESS
    assert "BROKEN at seq 3" in out and "broken at seq 3" in err
    code, out, _ = run(capsys, "audit", "verify", "--path", str(db), "--json")
    assert code == EXIT_BUSINESS and json.loads(out)["first_broken_seq"] == 3


def test_verify_against_an_exported_checkpoint_finds_a_truncated_tail(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "audit", "checkpoint", "--path", str(db))
    assert code == EXIT_OK and "checkpoint:" in out
    (exported,) = [p for p in (tmp_path / "audit-checkpoints").glob("*.json")
                   if json.loads(p.read_text())["size"] == 8]
    backend = sqlite_backend_at(tmp_path)
    backend.tamper(("DELETE FROM audit_subject WHERE seq >= ?", (6,)),
                   ("DELETE FROM audit_log WHERE seq >= ?", (6,)))
    code, out, _ = run(capsys, "audit", "verify", "--path", str(db), "--checkpoint",
                       str(exported))
    assert code == EXIT_BUSINESS and "BROKEN at seq 6" in out and "truncated" in out


def test_verify_with_a_foreign_public_key_fails(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    with AuditLog.sqlite(tmp_path / "other.sqlite3", key_file=tmp_path / "other.key"):
        pass
    code, out, _ = run(capsys, "audit", "verify", "--path", str(db), "--public-key",
                       str(tmp_path / "other.key.pub"))
    assert code == EXIT_BUSINESS and "trusted key" in out
    code, _, _ = run(capsys, "audit", "verify", "--path", str(db), "--public-key",
                     str(tmp_path / "audit-checkpoint.key.pub"))
    assert code == EXIT_OK


def test_query_by_ssin_is_logged_with_the_reader(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    code, out, _ = run(capsys, "--user", "dpo-anna", "audit", "query", "--path", str(db),
                       "--ssin", SSIN_B, "--json")
    assert code == EXIT_OK
    (line,) = [json.loads(x) for x in out.splitlines()]
    assert line["call_id"] == "call-7" and line["subjects"] == [SSIN_B]
    with AuditLog.sqlite(db) as log:
        (access,) = [r for r in log.query(reader="check", kinds=["READ_ACCESS"])
                     if r.user == "dpo-anna"]
    assert access.subjects == (SSIN_B,)


def test_query_filters_by_user_while_the_global_user_reads(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    code, out, _ = run(capsys, "--user", "dpo-anna", "audit", "query", "--path", str(db),
                       "--user", "sw-2", "--dossier", "D-2", "--service", "person-service",
                       "--from", "2000-01-01", "--to", "2999-12-31", "--kind", "intent")
    assert code == EXIT_OK
    rows = [line for line in out.splitlines()[2:] if line.strip()]
    assert len(rows) == 1 and "sw-2" in rows[0] and "PersonService.searchPersonBySsin" in rows[0]
    code, out, _ = run(capsys, "--user", "dpo", "audit", "query", "--path", str(db),
                       "--user", "nobody")
    assert code == EXIT_BUSINESS and "no records" in out
    code, _, err = run(capsys, "audit", "query", "--path", str(db), "--from", "yesterday")
    assert code == EXIT_USAGE and "--from" in err
    code, _, err = run(capsys, "audit", "query", "--path", str(db), "--kind", "gossip")
    assert code == EXIT_USAGE and "--kind" in err
    code, out, _ = run(capsys, "audit", "query", "--path", str(db), "--kind", "read-access")
    assert code == EXIT_OK and "READ_ACCESS" in out


def test_export_csv_to_a_private_file(capsys: pytest.CaptureFixture[str], db: Path,
                                      tmp_path: Path) -> None:
    target = tmp_path / "export.csv"
    code, _, err = run(capsys, "--user", "dpo", "audit", "export", "--path", str(db),
                       "--format", "csv", "--output", str(target), "--kind", "INTENT")
    assert code == EXIT_OK and "exported 7 records" in err
    lines = target.read_text().splitlines()
    assert lines[0].startswith("seq,kind,at,call_id") and len(lines) == 8
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    code, out, _ = run(capsys, "--user", "dpo", "audit", "export", "--path", str(db))
    assert code == EXIT_OK and all(json.loads(x)["hash"] for x in out.splitlines())


def test_checkpoint_twice(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    code, out, _ = run(capsys, "audit", "checkpoint", "--path", str(db))
    assert code == EXIT_OK and "checkpoint: 8 records" in out
    code, out, _ = run(capsys, "audit", "checkpoint", "--path", str(db))
    assert code == EXIT_OK and "nothing new" in out


def test_in_doubt_and_resolve(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    with AuditLog.sqlite(db) as log:
        base = intent(50, subjects=(SSIN_A,))
        log.write(AuditRecord(**{**base.__dict__, "kind": RecordKind.IN_DOUBT,
                                 "operation_kind": "mutation"}))
    code, out, _ = run(capsys, "--user", "ops", "audit", "in-doubt", "--path", str(db))
    assert code == EXIT_BUSINESS and "call-50" in out
    code, out, _ = run(capsys, "--user", "ops", "audit", "resolve", "call-50", "--path",
                       str(db), "--applied", "no", "--note", "LIST shows nothing")
    assert code == EXIT_OK and "RECOVERY" in out
    code, out, _ = run(capsys, "--user", "ops", "audit", "in-doubt", "--path", str(db))
    assert code == EXIT_OK and "no call in doubt" in out


def test_the_configured_log_is_used(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "ksz.toml"
    config.write_text(
        'environment = "sandbox"\nendpoint = "http://127.0.0.1:9"\n'
        '[organisation]\ncbe_number = "0212344876"\n'
        '[auth]\nmode = "basic"\nusername = "app"\n'
        '[audit]\npath = "logs/audit.sqlite3"\ncheckpoint_key_file = "keys/cp.key"\n'
        '[context]\nuser = "dpo-from-config"\n'
    )
    os.environ["KSZ_PASSWORD"] = "pw"
    try:
        code, out, _ = run(capsys, "--config", str(config), "audit", "query")
        assert code == EXIT_BUSINESS and "no records" in out
        code, out, _ = run(capsys, "--config", str(config), "audit", "verify")
        assert code == EXIT_OK
    finally:
        del os.environ["KSZ_PASSWORD"]
    assert (tmp_path / "logs" / "audit.sqlite3").is_file()
    assert (tmp_path / "keys" / "cp.key").is_file()
    with AuditLog.sqlite(tmp_path / "logs" / "audit.sqlite3",
                         key_file=tmp_path / "keys" / "cp.key") as log:
        (access,) = log.query(reader="check", kinds=["READ_ACCESS"], limit=1)
    assert access.user == "dpo-from-config"


def test_a_sandbox_configuration_without_audit_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "ksz.toml"
    config.write_text('environment = "sandbox"\nendpoint = "http://127.0.0.1:9"\n'
                      '[organisation]\ncbe_number = "0212344876"\n'
                      '[auth]\nmode = "basic"\nusername = "app"\npassword_env = "PW"\n')
    os.environ["PW"] = "x"
    try:
        code, _, err = run(capsys, "--config", str(config), "audit", "verify")
    finally:
        del os.environ["PW"]
    assert code == EXIT_USAGE and "audit.path" in err


def test_verify_of_a_missing_log_creates_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "audit", "verify", "--path", str(tmp_path / "none.sqlite3"))
    assert code == EXIT_USAGE and "no audit log" in err
    assert not (tmp_path / "none.sqlite3").exists()
