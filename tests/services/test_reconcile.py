"""`KszClient.reconcile(call_id)` and ``ksz reconcile CALL_ID``: in-doubt mutations resolved.

Proved with ManageAccess: a REGISTER whose answer is lost (the sandbox's
``reset`` fault) is IN_DOUBT in the audit log; reconciling it looks the call up
there, asks the service's own reconciliation (a LIST) and records a RECOVERY,
after which ``ksz audit in-doubt`` is empty. Nothing is sent for what cannot
be reconciled.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import AuditError, InDoubtError, ValidationError
from ksz_client.audit import Integration, RecordKind
from ksz_client.audit._guard import belgian_today
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK, EXIT_USAGE, main
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, Sandbox

from .ssdn_helpers import Capture, audited, bound, person_index, proof_of
from .test_vesta import VESTA

# The KSZ counts days in Belgium; the client does too (KszClient._today).
TODAY = belgian_today(dt.datetime.now(dt.UTC))
# A declared service without a client class, hence without reconciliation: the VESTA
# routes under another name (VESTA itself is reconciled by client.vesta).
UNBOUND = dataclasses.replace(VESTA, name="HomeCareElsewhere")

@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """This module's own sandbox (overrides the shared one): its integrations stay here."""
    with Sandbox(seed=1, persons=500) as running:
        yield running


@pytest.fixture(scope="module")
def sandbox_config_path(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sandbox.write_config(tmp_path_factory.mktemp("reconcile") / "ksz.toml")



def _lost_register(client: KszClient, sandbox: Sandbox, index: int) -> str:
    ssin = str(sandbox.population.ssin_of(index))
    with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as caught:
        client.access.register(ssin, quality_code=2, start=TODAY, **proof_of(sandbox, index))
    return caught.value.call_id


@pytest.mark.e2e
def test_reconcile_finds_the_call_and_records_the_outcome(
    sandbox_config: KszConfig, sandbox: Sandbox, tmp_path: Path,
) -> None:
    capture = Capture()
    index = person_index(sandbox, 400)
    with bound(audited(sandbox_config, tmp_path), capture) as client:
        call_id = _lost_register(client, sandbox, index)
        log = client.audit
        assert log is not None and [r.call_id for r in log.in_doubt(reader="t")] == [call_id]
        # What the audit log does not hold must be given; nothing is sent without it.
        with pytest.raises(ValidationError, match="needs: start"):
            client.reconcile(call_id)
        with pytest.raises(ValidationError, match="takes no colour"):
            client.reconcile(call_id, start=TODAY, colour="blue")
        assert capture.operations() == ["REGISTER"]
        outcome = client.reconcile(call_id, start=TODAY)
        assert outcome.applied is True and outcome.recorded is True  # type: ignore[attr-defined]
        assert capture.operations() == ["REGISTER", "LIST"]
        (recovery,) = log.query(reader="t", kinds=["RECOVERY"])
        assert recovery.kind is RecordKind.RECOVERY and recovery.detail["applied"] is True
        assert log.in_doubt(reader="t") == []
        with pytest.raises(AuditError, match="no unresolved in-doubt call"):
            client.reconcile(call_id, start=TODAY)
    assert len(sandbox.integrations(str(sandbox.population.ssin_of(index)))) == 1


@pytest.mark.e2e
def test_reconcile_needs_the_audit_log_and_a_service_that_can(
    sandbox_config: KszConfig, sandbox: Sandbox, tmp_path: Path,
) -> None:
    with bound(sandbox_config) as plain, pytest.raises(AuditError, match="needs the audit log"):
        plain.reconcile("any")

    capture = Capture()
    index = person_index(sandbox, 405)
    ssin = str(sandbox.population.ssin_of(index))
    with bound(audited(sandbox_config, tmp_path), capture) as client:
        sandbox.integrate(ssin)
        client.integrations.add(Integration(organisation=SANDBOX_CBE_NUMBER, ssin=ssin,
                                            quality_code=2, start=dt.date(2020, 1, 1)))
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as caught:
            client.custom(UNBOUND).call("registerHomeCare", {"criteria": {
                "ssin": ssin, "careType": "MEALS", "provider": "p", "startDate": TODAY}},
                subjects=[ssin])
        with pytest.raises(AuditError, match="no reconciliation in the SDK"):
            client.reconcile(caught.value.call_id)
        assert capture.operations() == ["registerHomeCare"]


@pytest.mark.e2e
def test_ksz_reconcile_from_the_command_line(
    sandbox: Sandbox, sandbox_config_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("KSZ_CONFIG", "KSZ_FINALITY_MODE"):
        monkeypatch.delenv(name, raising=False)
    for pem in sandbox_config_path.parent.glob("*.pem"):
        (tmp_path / pem.name).write_bytes(pem.read_bytes())
    config = tmp_path / "ksz.toml"
    config.write_text(sandbox_config_path.read_text(encoding="utf-8")
                      + f'\n[audit]\npath = "{tmp_path / "audit.db"}"\n', encoding="utf-8")
    index = person_index(sandbox, 410)
    with KszClient(KszConfig.load(config, env={})) as plain:
        client = plain.acting_for(user="sw-1", legal_context="PCSA:SOCIAL_INQUIRY")
        call_id = _lost_register(client, sandbox, index)
    base = ["--config", str(config), "--user", "sw-1", "--legal-context", "PCSA:SOCIAL_INQUIRY"]
    assert main([*base, "audit", "in-doubt"]) == EXIT_BUSINESS
    assert call_id in capsys.readouterr().out
    assert main([*base, "reconcile", call_id]) == EXIT_USAGE  # the period is not in the log
    assert "start" in capsys.readouterr().err
    assert main([*base, "reconcile", call_id, "--arg", "oops"]) == EXIT_USAGE
    capsys.readouterr()
    assert main([*base, "reconcile", call_id, "--start", TODAY.isoformat(), "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert (data["call_id"], data["applied"], data["recorded"]) == (call_id, True, True)
    assert main([*base, "audit", "in-doubt"]) == EXIT_OK
    assert "no call in doubt" in capsys.readouterr().out
    with KszClient(KszConfig.load(config, env={})) as plain:
        client = plain.acting_for(user="sw-1", legal_context="PCSA:SOCIAL_INQUIRY")
        second = _lost_register(client, sandbox, person_index(sandbox, index + 1))
    assert main([*base, "reconcile", second, "--start", TODAY.isoformat(), "--end",
                 (TODAY + dt.timedelta(days=30)).isoformat()]) == EXIT_OK
    assert capsys.readouterr().out == f"call {second}: applied; recorded in the audit log\n"
    assert main([*base, "reconcile", call_id, "--start", TODAY.isoformat()]) != EXIT_OK
    assert "AuditError" in capsys.readouterr().err
