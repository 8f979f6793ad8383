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
from pathlib import Path

import pytest

from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import AuditError, InDoubtError, ValidationError
from ksz_client.audit import RecordKind
from ksz_client.audit._guard import belgian_today
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK, EXIT_USAGE
from ksz_client.sandbox import Sandbox

from .sandbox_world import (  # noqa: F401 - fixtures
    cli_setup,
    command,
    integrate,
    own_sandbox,
    own_sandbox_config_path,
)
from .ssdn_helpers import Capture, audited, bound, person_index, proof_of
from .test_vesta import VESTA

# The KSZ counts days in Belgium; the client does too (KszClient._today).
TODAY = belgian_today(dt.datetime.now(dt.UTC))
# A declared service without a client class, hence without reconciliation: the VESTA
# routes under another name (VESTA itself is reconciled by client.vesta).
UNBOUND = dataclasses.replace(VESTA, name="HomeCareElsewhere")

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
        integrate(sandbox, client, ssin)
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
    config = cli_setup(sandbox, sandbox_config_path, tmp_path, monkeypatch)
    index = person_index(sandbox, 410)
    with KszClient(KszConfig.load(config, env={})) as plain:
        client = plain.acting_for(user="sw-1", legal_context="PCSA:SOCIAL_INQUIRY")
        call_id = _lost_register(client, sandbox, index)
    run = command(config)
    assert run("audit", "in-doubt") == EXIT_BUSINESS
    assert call_id in capsys.readouterr().out
    assert run("reconcile", call_id) == EXIT_USAGE  # the period is not in the log
    assert "start" in capsys.readouterr().err
    assert run("reconcile", call_id, "--arg", "oops") == EXIT_USAGE
    capsys.readouterr()
    assert run("reconcile", call_id, "--start", TODAY.isoformat(), "--json") == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert (data["call_id"], data["applied"], data["recorded"]) == (call_id, True, True)
    assert run("audit", "in-doubt") == EXIT_OK
    assert "no call in doubt" in capsys.readouterr().out
    with KszClient(KszConfig.load(config, env={})) as plain:
        client = plain.acting_for(user="sw-1", legal_context="PCSA:SOCIAL_INQUIRY")
        second = _lost_register(client, sandbox, person_index(sandbox, index + 1))
    assert run("reconcile", second, "--start", TODAY.isoformat(), "--end",
               (TODAY + dt.timedelta(days=30)).isoformat()) == EXIT_OK
    assert capsys.readouterr().out == f"call {second}: applied; recorded in the audit log\n"
    assert run("reconcile", call_id, "--start", TODAY.isoformat()) != EXIT_OK
    assert "AuditError" in capsys.readouterr().err
