"""``[audit]`` and ``[finality]`` configuration, defaults, and how the client uses them."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from ksz_client import catalogue
from ksz_client._client import KszClient
from ksz_client._config import (
    Audit,
    Environment,
    FinalityMode,
    KszConfig,
    Secret,
    config_keys,
    default_data_dir,
)
from ksz_client._exceptions import ConfigError, HttpStatusError
from ksz_client.audit import AuditLog, RecordKind
from ksz_client.types import CallContext

from ._support import SSIN_A, RecordingTransport, basic_config

BASE = {
    "environment": "sandbox",
    "endpoint": "http://127.0.0.1:9",
    "organisation": {"cbe_number": "0212344876"},
    "auth": {"mode": "basic", "username": "app"},
}
ENV = {"KSZ_PASSWORD": "pw"}


def load(extra: dict[str, Any], env: dict[str, str] | None = None,
         base_dir: Path | None = None) -> KszConfig:
    return KszConfig.from_mapping({**BASE, **extra}, env={**ENV, **(env or {})},
                                  base_dir=base_dir)


def test_audit_and_finality_keys(tmp_path: Path) -> None:
    config = load({
        "audit": {
            "path": "audit/log.sqlite3", "checkpoint_every": 50, "checkpoint_minutes": 5,
            "checkpoint_key_file": "/secure/cp.key", "checkpoint_dir": "exports",
            "retention_years": 12, "redaction_key_env": "MY_KEY",
        },
        "finality": {"mode": "warn", "allowed_legal_contexts": ["LOCAL:ONE", "LOCAL:TWO"]},
    }, env={"MY_KEY": "s3cret"}, base_dir=tmp_path)
    audit = config.audit
    assert audit.path == tmp_path / "audit" / "log.sqlite3"
    assert (audit.checkpoint_every, audit.checkpoint_minutes, audit.retention_years) == (50, 5, 12)
    assert audit.checkpoint_key_file == Path("/secure/cp.key")
    assert audit.checkpoint_dir == tmp_path / "exports"
    assert audit.redaction_key == Secret("s3cret")
    assert config.finality.mode is FinalityMode.WARN
    assert config.finality.allowed_legal_contexts == ("LOCAL:ONE", "LOCAL:TWO")
    assert config.audit_enabled
    for key in ("audit.path", "audit.dsn", "audit.dsn_env", "audit.schema",
                "audit.checkpoint_every", "audit.checkpoint_minutes",
                "audit.checkpoint_key_file", "audit.checkpoint_dir", "audit.retention_years",
                "audit.redaction_key_env", "audit.enabled", "finality.mode",
                "finality.allowed_legal_contexts"):
        assert key in config_keys()


def test_environment_variables_override(tmp_path: Path) -> None:
    file = tmp_path / "ksz.toml"
    file.write_text('environment = "sandbox"\nendpoint = "http://127.0.0.1:9"\n'
                    '[organisation]\ncbe_number = "0212344876"\n'
                    '[auth]\nmode = "basic"\nusername = "app"\n'
                    '[finality]\nmode = "warn"\n')
    config = KszConfig.load(file, env={
        **ENV,
        "KSZ_AUDIT_PATH": str(tmp_path / "a.sqlite3"),
        "KSZ_FINALITY_MODE": "off",
        "KSZ_FINALITY_ALLOWED_LEGAL_CONTEXTS": "A:1, B:2",
        "KSZ_AUDIT_CHECKPOINT_EVERY": "7",
    })
    assert config.audit.path == tmp_path / "a.sqlite3"
    assert config.finality.mode is FinalityMode.OFF
    assert config.finality.allowed_legal_contexts == ("A:1", "B:2")
    assert config.audit.checkpoint_every == 7


def test_a_dsn_with_a_password_is_refused_in_the_file_and_hidden_from_env() -> None:
    for dsn in ("host=db user=ksz password=hunter2", "postgresql://ksz:hunter2@db/audit"):
        with pytest.raises(ConfigError) as info:
            load({"audit": {"dsn": dsn}})
        assert info.value.key == "audit.dsn" and "hunter2" not in str(info.value)
    fine = load({"audit": {"dsn": "host=db user=ksz dbname=audit"}})
    assert fine.audit.dsn == Secret("host=db user=ksz dbname=audit")
    from_env = load({}, env={"KSZ_AUDIT_DSN": "postgresql://ksz:hunter2@db/audit"})
    assert from_env.audit.dsn is not None and "hunter2" not in repr(from_env.audit)
    named = load({"audit": {"dsn_env": "AUDIT_DB"}}, env={"AUDIT_DB": "host=x password=y"})
    assert named.audit.dsn == Secret("host=x password=y")


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ({"audit": {"path": "a.db", "dsn": "host=db"}}, "audit.dsn"),
        ({"audit": {"checkpoint_every": 0}}, "audit.checkpoint_every"),
        ({"audit": {"checkpoint_minutes": -1}}, "audit.checkpoint_minutes"),
        ({"audit": {"retention_years": 0}}, "audit.retention_years"),
        ({"audit": {"schema": "Robert'); DROP TABLE x"}}, "audit.schema"),
        ({"audit": {"enabled": "perhaps"}}, "audit.enabled"),
        ({"audit": {"unknown": 1}}, "audit.unknown"),
        ({"finality": {"mode": "strict"}}, "finality.mode"),
        ({"finality": {"allowed_legal_contexts": ["x" * 65]}}, "finality.allowed_legal_contexts"),
        ({"finality": {"allowed_legal_contexts": 3}}, "finality.allowed_legal_contexts"),
        ({"environment": "prod", "endpoint": None, "audit": {"enabled": False}}, "audit.enabled"),
    ],
)
def test_bad_keys_are_named(extra: dict[str, Any], key: str) -> None:
    data = {**BASE, **extra}
    data = {k: v for k, v in data.items() if v is not None}
    with pytest.raises(ConfigError) as info:
        KszConfig.from_mapping(data, env=ENV)
    assert info.value.key == key


@pytest.mark.parametrize(
    ("environment", "audit", "enabled"),
    [
        (Environment.SANDBOX, Audit(), False),
        (Environment.SANDBOX, Audit(path=Path("x.sqlite3")), True),
        (Environment.TEST, Audit(), True),
        (Environment.ACPT, Audit(enabled=False), False),
        (Environment.PROD, Audit(), True),
    ],
)
def test_auditing_is_on_by_default_outside_the_sandbox(
    tmp_path: Path, environment: Environment, audit: Audit, enabled: bool
) -> None:
    endpoint = "http://127.0.0.1:9" if environment is Environment.SANDBOX else None
    config = basic_config(tmp_path).with_overrides(environment=environment, endpoint=endpoint,
                                                   audit=audit)
    assert config.audit_enabled is enabled


def test_the_data_dir_follows_xdg() -> None:
    assert default_data_dir({"XDG_DATA_HOME": "/data"}) == Path("/data/ksz-client")
    assert default_data_dir({}) == Path.home() / ".local" / "share" / "ksz-client"


def test_a_test_environment_client_audits_in_the_data_dir_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    config = basic_config(tmp_path).with_overrides(
        environment=Environment.TEST, endpoint=None, audit=Audit())
    transport = RecordingTransport()
    data = tmp_path / "xdg" / "ksz-client"
    with KszClient(config, transport=transport) as client:
        assert not data.exists()  # nothing is written before the first call
        with pytest.raises(HttpStatusError):
            client._core.call(
                catalogue.get("PersonService"),
                catalogue.get("PersonService").operation("searchPersonBySsin"),
                lambda _p: None, context=CallContext(user="u", legal_context="PCSA:SOCIAL_INQUIRY"),
                subjects=(SSIN_A,))
        assert client.audit is not None and client.audit.location.endswith("audit.sqlite3")
    assert (data / "audit.sqlite3").is_file()
    key = data / "audit-checkpoint.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE((data / "audit.sqlite3").stat().st_mode) == 0o600
    with AuditLog.sqlite(data / "audit.sqlite3") as log:
        kinds = [r.kind for r in log.query(reader="t")]
    assert kinds == [RecordKind.INTENT, RecordKind.OUTCOME]


def test_a_sandbox_client_writes_nothing_unless_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    config = basic_config(tmp_path).with_overrides(audit=Audit())
    with KszClient(config, transport=RecordingTransport()) as client:
        with pytest.raises(HttpStatusError):
            client._core.call(
                catalogue.get("PersonService"),
                catalogue.get("PersonService").operation("searchPersonBySsin"),
                lambda _p: None, context=CallContext(user="u", legal_context="PCSA:SOCIAL_INQUIRY"),
                subjects=(SSIN_A,))
        assert client.audit is None
    assert not (tmp_path / "xdg").exists()


def test_clients_of_one_log_share_it_and_the_last_one_closes_it(tmp_path: Path) -> None:
    config = basic_config(tmp_path)
    first = KszClient(config, transport=RecordingTransport())
    second = KszClient(config, transport=RecordingTransport())
    bound = first.acting_for(user="u")
    log = first.audit
    assert log is not None and second.audit is log and bound.audit is log
    first.close()
    assert log.verify().ok  # still open for the second client
    second.close()
    with pytest.raises(Exception, match="closed"):
        log.verify()


def test_an_explicit_audit_observer_replaces_the_configured_one(tmp_path: Path) -> None:
    config = basic_config(tmp_path)
    with AuditLog.sqlite(tmp_path / "mine.sqlite3") as mine:
        transport = RecordingTransport()
        with KszClient(config, transport=transport, observers=[mine.observer(config)]) as client:
            assert client.audit is mine
            with pytest.raises(HttpStatusError):
                client._core.call(
                    catalogue.get("PersonService"),
                    catalogue.get("PersonService").operation("searchPersonBySsin"),
                    lambda _p: None,
                    context=CallContext(user="u", legal_context="PCSA:SOCIAL_INQUIRY"),
                    subjects=(SSIN_A,))
        assert [r.kind for r in mine.query(reader="t")] == [RecordKind.INTENT,
                                                            RecordKind.OUTCOME]
    assert not (tmp_path / "audit.sqlite3").exists()
