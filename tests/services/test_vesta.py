"""VESTA through the extension mechanism: `generic.declare`, `client.custom`, the sandbox.

The documented demonstration of declaring a service by hand (examples/vesta.py):
the declaration against the catalogue's VESTA row (which the sandbox routes and
the typed ``client.vesta`` also serves, tests/services/test_vesta_typed.py), the
modelled exchanges end to end with their state, the refusals, the finality
guard, and a mutation never re-sent after a possible send.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ksz_client import catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import (
    InDoubtError,
    InvalidData,
    KszFault,
    NoResult,
    NotIntegrated,
    UnknownSsin,
    ValidationError,
)
from ksz_client.audit import Integration
from ksz_client.catalogue import OperationKind
from ksz_client.generic import GenericService, declare
from ksz_client.hooks import Exchange, Outcome
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, Sandbox
from ksz_client.sandbox.handlers.vesta import EPISODE_KIND
from ksz_client.ssin import SsinKind, make

ROOT = Path(__file__).resolve().parents[2]
D = dt.date
BASE = 440  # persons from here on are picked (in this module's own sandbox)

@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """This module's own sandbox (overrides the shared one): its integrations stay here."""
    with Sandbox(seed=1, persons=500) as running:
        yield running


@pytest.fixture(scope="module")
def sandbox_config_path(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sandbox.write_config(tmp_path_factory.mktemp("vesta") / "ksz.toml")



def _example():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("vesta_example", ROOT / "examples" / "vesta.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXAMPLE = _example()
VESTA = EXAMPLE.VESTA


class _Capture:
    def __init__(self) -> None:
        self.operations: list[str] = []

    def before_send(self, exchange: Exchange) -> None:
        self.operations.append(exchange.operation)

    def after_receive(self, exchange: Exchange, outcome: Outcome) -> None:
        pass


def _person(sandbox: Sandbox, start: int) -> str:
    population = sandbox.population
    index = next(i for i in range(BASE + start, population.size)
                 if population.fault_of(i) is None and population.replaced_by(i) is None
                 and not population.is_deceased(i))
    return str(population.ssin_of(index))


def _integrate(sandbox: Sandbox, client: KszClient, ssin: str) -> None:
    sandbox.integrate(ssin)
    client.integrations.add(Integration(organisation=SANDBOX_CBE_NUMBER, ssin=ssin,
                                        quality_code=2, start=D(2020, 1, 1)))


@pytest.fixture
def client(sandbox_config: KszConfig) -> Iterator[KszClient]:
    with KszClient(sandbox_config) as plain:
        yield plain.acting_for(user="test-social-worker", legal_context="PCSA:SOCIAL_INQUIRY")


def _register(vesta: GenericService, ssin: str, care: str = "FAMILY_CARE",
              start: object = D(2026, 1, 5)) -> str:
    result = vesta.call("registerHomeCare", {"criteria": {
        "ssin": ssin, "careType": care, "provider": "Familiehulp", "startDate": start}},
        subjects=[ssin])
    reference = result.findtext("result/reference")
    assert reference is not None
    return reference


# --- the declaration (unit) -------------------------------------------------------------


def test_the_hand_declaration_agrees_with_the_catalogue_row_the_sandbox_routes() -> None:
    row = catalogue.get("VESTA")
    assert (VESTA.namespace, VESTA.path, VESTA.wire) == (row.namespace, row.path, row.wire)
    for op in VESTA.operations:
        assert op == dataclasses.replace(row.operation(op.name), description=op.description)
    # The hand declaration reaches exactly the exchanges the typed client serves.
    assert {op.name for op in VESTA.operations} == {op.name for op in row.operations}
    assert row.implemented and row.contract is catalogue.ContractStatus.MODELLED


def test_declare_follows_the_conventions_and_takes_overrides() -> None:
    service = declare("Other", namespace="urn:example:other", path="/Other/v1/",
                      operations={"doIt": OperationKind.MUTATION}, needs_integration=False,
                      soap_actions={"doIt": "urn:do"}, subject=None)
    (op,) = service.operations
    assert (op.request_element, op.response_element, op.fault_element, op.soap_action) == (
        "doItRequest", "doItResponse", "doItFault", "urn:do")
    assert service.path == "Other/v1" and op.subject is None and not op.retryable
    plain = declare("Other", namespace="urn:example:other", path="p",
                    operations={"look": OperationKind.CONSULTATION}, needs_integration=True)
    assert plain.operations[0].soap_action == "urn:example:other/look"
    assert plain.contract is catalogue.ContractStatus.MODELLED


@pytest.mark.parametrize(("changes", "message"), [
    ({"operations": {}}, "at least one operation"),
    ({"path": "/"}, "namespace and a path"),
    ({"namespace": ""}, "namespace and a path"),
    ({"soap_actions": {"nope": "urn:x"}}, "undeclared operations: nope"),
])
def test_declare_refuses_incomplete_declarations(changes: dict[str, object],
                                                 message: str) -> None:
    args: dict[str, object] = {"namespace": "urn:x", "path": "X/v1",
                               "operations": {"a": OperationKind.CONSULTATION},
                               "needs_integration": True}
    args.update(changes)
    with pytest.raises(ValidationError, match=message):
        declare("X", **args)  # type: ignore[arg-type]


# --- end to end -----------------------------------------------------------------------


@pytest.mark.e2e
def test_register_consult_stop_through_client_custom(client: KszClient,
                                                     sandbox: Sandbox) -> None:
    ssin = _person(sandbox, 0)
    _integrate(sandbox, client, ssin)
    vesta = client.custom(VESTA)
    empty = vesta.call("consultHomeCare", {"criteria": {"ssin": ssin}}, subjects=[ssin])
    assert (empty.status.value, empty.status.code) == ("NO_DATA_FOUND", "MSG00100")
    reference = _register(vesta, ssin)
    meals = _register(vesta, ssin, "MEALS")
    found = vesta.call("consultHomeCare", {"criteria": {"ssin": ssin}}, subjects=[ssin])
    episodes = found.to_dict()["result"]["homeCare"]
    assert [e["reference"] for e in episodes] == [reference, meals]
    assert episodes[0]["startDate"] == "2026-01-05" and "endDate" not in episodes[0]
    stopped = vesta.call("stopHomeCare", {"criteria": {
        "ssin": ssin, "reference": reference, "endDate": D(2026, 3, 31)}}, subjects=[ssin])
    assert stopped.status.code == "MSG00000" and stopped.receipt.ticket_cbss
    (record,) = sandbox.state.records(EPISODE_KIND, ssin=ssin, key=reference)
    assert record.data["endDate"] == "2026-03-31"
    # Once stopped, the same care type can start again.
    assert _register(vesta, ssin) not in (reference, meals)


@pytest.mark.e2e
def test_the_services_refusals_are_typed(client: KszClient, sandbox: Sandbox) -> None:
    ssin = _person(sandbox, 5)
    _integrate(sandbox, client, ssin)
    vesta = client.custom(VESTA)
    reference = _register(vesta, ssin)
    with pytest.raises(NoResult) as duplicate:
        _register(vesta, ssin)
    assert duplicate.value.code == "VESTA001"
    with pytest.raises(KszFault) as outside:  # not a care type of the contract
        _register(vesta, ssin, care="GARDENING")
    assert outside.value.code == "MSG00008"
    with pytest.raises(NoResult) as unknown:
        vesta.call("stopHomeCare", {"criteria": {"ssin": ssin, "reference": "VST99999999",
                                                 "endDate": D(2026, 2, 1)}}, subjects=[ssin])
    assert unknown.value.code == "VESTA002"
    with pytest.raises(InvalidData):  # the end before the start
        vesta.call("stopHomeCare", {"criteria": {"ssin": ssin, "reference": reference,
                                                 "endDate": D(2025, 1, 1)}}, subjects=[ssin])
    vesta.call("stopHomeCare", {"criteria": {"ssin": ssin, "reference": reference,
                                             "endDate": D(2026, 2, 1)}}, subjects=[ssin])
    with pytest.raises(NoResult) as again:
        vesta.call("stopHomeCare", {"criteria": {"ssin": ssin, "reference": reference,
                                                 "endDate": D(2026, 2, 1)}}, subjects=[ssin])
    assert again.value.code == "VESTA003"
    unknown_ssin = str(make(D(2004, 12, 30), 991, kind=SsinKind.TEST))
    _integrate(sandbox, client, unknown_ssin)
    with pytest.raises(UnknownSsin):
        vesta.call("consultHomeCare", {"criteria": {"ssin": unknown_ssin}},
                   subjects=[unknown_ssin])


@pytest.mark.e2e
def test_finality_and_bad_input_stop_the_call_before_sending(
    sandbox_config: KszConfig, sandbox: Sandbox,
) -> None:
    capture = _Capture()
    ssin = _person(sandbox, 10)
    with KszClient(sandbox_config, observers=[capture]) as plain:
        vesta = plain.acting_for(user="sw", legal_context="PCSA:SOCIAL_INQUIRY").custom(VESTA)
        with pytest.raises(NotIntegrated) as local:
            _register(vesta, ssin)
        assert local.value.ticket_cbss is None
        plain.integrations.add(Integration(organisation=SANDBOX_CBE_NUMBER, ssin=ssin,
                                           quality_code=2, start=D(2020, 1, 1)))
        with pytest.raises(ValidationError, match="float"):
            vesta.call("registerHomeCare", {"criteria": {"ssin": ssin, "hours": 2.5}},
                       subjects=[ssin])
        assert capture.operations == []
        # Integrated on the client's side only: the KSZ (sandbox) refuses, MSG00012.
        with pytest.raises(NotIntegrated) as remote:
            _register(vesta, ssin)
        assert remote.value.code == "MSG00012"
    assert not sandbox.state.records(EPISODE_KIND, ssin=ssin)


@pytest.mark.e2e
def test_a_mutation_is_never_re_sent_after_a_possible_send(
    sandbox_config: KszConfig, sandbox: Sandbox,
) -> None:
    capture = _Capture()
    ssin = _person(sandbox, 15)
    with KszClient(sandbox_config, observers=[capture]) as plain:
        client = plain.acting_for(user="sw", legal_context="PCSA:SOCIAL_INQUIRY")
        _integrate(sandbox, client, ssin)
        vesta = client.custom(VESTA)
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError):
            _register(vesta, ssin)
        assert capture.operations == ["registerHomeCare"]  # one attempt, no retry
        # The sandbox did register it, exactly once; the consultation shows it.
        assert len(sandbox.state.records(EPISODE_KIND, ssin=ssin)) == 1
        found = vesta.call("consultHomeCare", {"criteria": {"ssin": ssin}}, subjects=[ssin])
        assert found.findtext("result/homeCare/careType") == "FAMILY_CARE"


@pytest.mark.e2e
def test_the_example_runs_against_the_sandbox(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "examples/run_with_sandbox.py", "--dir", str(tmp_path), "--",
         "examples/vesta.py"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    generic, typed = out.stdout.split("The same through the typed client (client.vesta):")
    for part in (generic, typed):
        assert "1. home care registered: VST" in part
        assert "3. home care stopped: MSG00000" in part
