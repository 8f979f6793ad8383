"""VESTA's typed client (``client.vesta``): the modelled home-care episode exchanges.

Mapping (unit), input refused before sending, end to end against the sandbox
with every status, finality, mutations never re-sent and reconciled through the
consultation (also for calls made through ``client.custom``), the contract, and
the generated commands. The extension-mechanism demonstration is test_vesta.py.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _contracts, _xml, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import (
    AuditError,
    InDoubtError,
    InvalidData,
    InvalidSsin,
    NoResult,
    NotIntegrated,
    ResponseError,
    SsinReplaced,
    UnknownSsin,
    ValidationError,
)
from ksz_client.audit import RecordKind
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK, EXIT_USAGE
from ksz_client.sandbox import Sandbox
from ksz_client.sandbox.handlers.vesta import EPISODE_KIND
from ksz_client.services.vesta import (
    CareType,
    HomeCareEpisode,
    HomeCareResult,
    _wire,
)
from ksz_client.ssin import SsinKind, make
from ksz_client.types import Period, Receipt, Status

from .official_helpers import assert_wsdl_agrees, ours_with_official_common
from .sandbox_world import (  # noqa: F401 - fixtures
    assert_finality_checked,
    cli_setup,
    command,
    exchanged,
    integrate,
    own_sandbox,
    own_sandbox_config_path,
)
from .ssdn_helpers import Capture, NoNetwork, audited, bound
from .test_vesta import VESTA as DECLARED  # the hand declaration of examples/vesta.py

ROW = catalogue.get("VESTA")
D = dt.date
BASE = 300  # persons from here on are picked (in this module's own sandbox)
SSIN = "85073003328"


_taken: set[int] = set()


def _person(sandbox: Sandbox) -> str:
    """A fresh ordinary person for each test: episodes of one test never meet another's."""
    population = sandbox.population
    index = next(i for i in range(BASE, population.size)
                 if i not in _taken and population.fault_of(i) is None
                 and population.replaced_by(i) is None and not population.is_deceased(i))
    _taken.add(index)
    return str(population.ssin_of(index))


@pytest.fixture
def client(sandbox_config: KszConfig) -> Iterator[KszClient]:
    with bound(sandbox_config) as bound_client:
        yield bound_client


# --- mapping (unit) -------------------------------------------------------------------

_OPEN = HomeCareEpisode("VST00000001", CareType.FAMILY_CARE, "Familiehulp", Period(D(2026, 1, 5)))
_CLOSED = HomeCareEpisode("VST00000002", CareType.MEALS, "OCMW-maaltijden",
                          Period(D(2025, 3, 1), D(2025, 12, 31)))


def test_episodes_requests_and_references_round_trip() -> None:
    for episode in (_OPEN, _CLOSED):
        assert _wire.read_episode(_wire.write_episode(etree.Element("result"), episode)) \
            == episode
    registration = _wire.Registration(SSIN, CareType.ODD_JOBS, "Klusjesdienst", D(2026, 2, 1))
    payload = etree.Element("registerHomeCareRequest")
    _wire.write_registration(payload, registration)
    assert _wire.read_registration(payload) == registration
    stop = _wire.Stop(SSIN, "VST00000001", D(2026, 3, 31))
    payload = etree.Element("stopHomeCareRequest")
    _wire.write_stop(payload, stop)
    assert _wire.read_stop(payload) == stop
    payload = etree.Element("consultHomeCareRequest")
    _wire.write_consult(payload, SSIN)
    assert _wire.read_ssin(payload) == SSIN
    answer = etree.Element("registerHomeCareResponse")
    _wire.write_reference(etree.SubElement(answer, "result"), "VST00000009")
    assert _wire.read_reference(answer) == "VST00000009"
    # The SSIN stays out of the request models' reprs.
    assert SSIN not in repr(registration) and SSIN not in repr(stop)


def test_reading_ignores_unknown_elements_and_requires_known_ones() -> None:
    el = _wire.write_episode(etree.Element("result"), _CLOSED)
    etree.SubElement(el, "{urn:future}hoursPerWeek").text = "4"
    assert _wire.read_episode(el) == _CLOSED
    for name in ("reference", "careType", "provider", "startDate"):
        broken = copy.deepcopy(el)
        broken.remove(broken.find(name))
        with pytest.raises(ResponseError, match=name):
            _wire.read_episode(broken)
    with pytest.raises(ResponseError, match="result"):
        _wire.read_reference(etree.Element("registerHomeCareResponse"))


@pytest.mark.parametrize(("path", "text", "message"), [
    ("careType", "GARDENING", "care type"),
    ("startDate", "05/01/2026", "not a date"),
    ("endDate", "2024-01-01", "ends before it starts"),
])
def test_reading_rejects_bad_episode_values(path: str, text: str, message: str) -> None:
    el = _wire.write_episode(etree.Element("result"), _CLOSED)
    el.find(path).text = text
    with pytest.raises(ResponseError, match=message):
        _wire.read_episode(el)


def test_the_sandbox_side_refuses_bad_requests_as_validation_errors() -> None:
    payload = etree.Element("registerHomeCareRequest")
    _wire.write_registration(payload, _wire.Registration(SSIN, CareType.MEALS, "p",
                                                         D(2026, 1, 1)))
    payload.find("criteria/careType").text = "GARDENING"
    with pytest.raises(ValidationError, match="care type"):
        _wire.read_registration(payload)
    payload = etree.Element("stopHomeCareRequest")
    _wire.write_stop(payload, _wire.Stop(SSIN, "VST1", D(2026, 1, 1)))
    payload.find("criteria/endDate").text = "tomorrow"
    with pytest.raises(ValidationError, match="endDate is not a date"):
        _wire.read_stop(payload)
    with pytest.raises(ValidationError, match="criteria/ssin"):
        _wire.read_ssin(etree.Element("consultHomeCareRequest"))


def test_result_helpers() -> None:
    receipt = Receipt("t", "c", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    result = HomeCareResult((_CLOSED, _OPEN), Status("DATA_FOUND", "MSG00000"), receipt)
    assert result.found and result.ongoing == (_OPEN,)
    assert result.episode("VST00000002") == _CLOSED and result.episode("nope") is None
    assert _OPEN.ongoing and not _CLOSED.ongoing
    assert not HomeCareResult((), Status("NO_DATA_FOUND", "MSG00100"), receipt).found


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda v: v.get("85073003329"), InvalidSsin, ""),
    (lambda v: v.register(SSIN, care_type="GARDENING", provider="p", start="2026-01-01"),
     ValidationError, "care type is one of"),
    (lambda v: v.register(SSIN, provider="p", start="2026-01-01"), ValidationError,
     "care type is required"),
    (lambda v: v.register(SSIN, care_type="meals", provider="  ", start="2026-01-01"),
     ValidationError, "provider"),
    (lambda v: v.register(SSIN, care_type="MEALS", provider="p" * 101, start="2026-01-01"),
     ValidationError, "at most 100"),
    (lambda v: v.register(SSIN, care_type="MEALS", provider="p", start="1/1/2026"),
     ValidationError, "YYYY-MM-DD"),
    (lambda v: v.register(SSIN, care_type="MEALS", provider="p"), ValidationError,
     "start is required"),
    (lambda v: v.stop(SSIN, end="2026-01-01"), ValidationError, "reference is required"),
    (lambda v: v.stop(SSIN, reference="VST 1", end="2026-01-01"), ValidationError,
     "letters, digits or hyphens"),
    (lambda v: v.stop(SSIN, reference="VST1"), ValidationError, "end is required"),
    (lambda v: v.reconcile("id", SSIN, operation="consultHomeCare"), ValidationError,
     "registerHomeCare or stopHomeCare"),
    (lambda v: v.reconcile("id", SSIN, operation="registerHomeCare", care_type="MEALS"),
     ValidationError, "start is required"),
    (lambda v: v.reconcile("id", SSIN, operation="stopHomeCare", reference="VST1"),
     ValidationError, "end is required"),
])
def test_bad_input_is_refused_before_anything_is_sent(
    sandbox_config: KszConfig, call: object, error: type[Exception], message: str,
) -> None:
    with (bound(sandbox_config, transport=NoNetwork()) as offline,
          pytest.raises(error, match=message or None)):
        call(offline.vesta)  # type: ignore[operator]


# --- end to end over HTTP ---------------------------------------------------------------


@pytest.mark.e2e
def test_register_consult_stop(client: KszClient, sandbox: Sandbox) -> None:
    ssin = _person(sandbox)
    integrate(sandbox, client, ssin)
    empty = client.vesta.get(ssin)
    assert (empty.status.value, empty.status.code, empty.found) == (
        "NO_DATA_FOUND", "MSG00100", False)
    started = client.vesta.register(ssin, care_type=CareType.FAMILY_CARE,
                                    provider="Familiehulp", start=D(2026, 1, 5))
    assert (started.operation, started.status.code) == ("registerHomeCare", "MSG00000")
    assert started.reference.startswith("VST") and started.receipt.ticket_cbss
    meals = client.vesta.register(ssin, care_type="meals", provider="OCMW-maaltijden",
                                  start="2026-02-01").reference
    found = client.vesta.get(ssin)
    assert found.status.code == "MSG00000"
    assert found.episodes == (
        HomeCareEpisode(started.reference, CareType.FAMILY_CARE, "Familiehulp",
                        Period(D(2026, 1, 5))),
        HomeCareEpisode(meals, CareType.MEALS, "OCMW-maaltijden", Period(D(2026, 2, 1))))
    stopped = client.vesta.stop(ssin, reference=started.reference, end="2026-03-31")
    assert (stopped.operation, stopped.reference) == ("stopHomeCare", started.reference)
    after = client.vesta.get(ssin)
    assert after.episode(started.reference).period.end == D(2026, 3, 31)  # type: ignore[union-attr]
    assert [e.reference for e in after.ongoing] == [meals]
    # Once stopped, the same care type can start again.
    again = client.vesta.register(ssin, care_type="FAMILY_CARE", provider="Familiehulp",
                                  start="2026-05-01")
    assert again.reference not in (started.reference, meals)


@pytest.mark.e2e
def test_the_services_refusals_are_typed(client: KszClient, sandbox: Sandbox) -> None:
    ssin = _person(sandbox)
    integrate(sandbox, client, ssin)
    reference = client.vesta.register(ssin, care_type="HOUSEKEEPING", provider="Poetsdienst",
                                      start="2026-01-05").reference
    with pytest.raises(NoResult) as ongoing:
        client.vesta.register(ssin, care_type="HOUSEKEEPING", provider="Other",
                              start="2026-02-01")
    assert ongoing.value.code == "VESTA001"
    with pytest.raises(NoResult) as unknown:
        client.vesta.stop(ssin, reference="VST99999999", end="2026-02-01")
    assert unknown.value.code == "VESTA002"
    with pytest.raises(InvalidData):  # the end before the start
        client.vesta.stop(ssin, reference=reference, end="2025-12-31")
    client.vesta.stop(ssin, reference=reference, end="2026-02-01")
    with pytest.raises(NoResult) as again:
        client.vesta.stop(ssin, reference=reference, end="2026-02-01")
    assert again.value.code == "VESTA003"
    # Another person's episode is not this person's to stop.
    other = _person(sandbox)
    integrate(sandbox, client, other)
    with pytest.raises(NoResult) as foreign:
        client.vesta.stop(other, reference=reference, end="2026-03-01")
    assert foreign.value.code == "VESTA002"


@pytest.mark.e2e
def test_replaced_and_unknown_ssins(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = next(i for i in range(BASE, population.size) if population.replaced_by(i) is not None)
    old = str(population.ssin_of(index))
    integrate(sandbox, client, old)
    with pytest.raises(SsinReplaced) as caught:
        client.vesta.get(old)
    assert caught.value.new_ssin == population.ssin_of(population.replaced_by(index))  # type: ignore[arg-type]
    with pytest.raises(SsinReplaced):
        client.vesta.register(old, care_type="MEALS", provider="p", start="2026-01-01")
    unknown = str(make(D(2004, 12, 30), 995, kind=SsinKind.TEST))
    integrate(sandbox, client, unknown)
    with pytest.raises(UnknownSsin):
        client.vesta.get(unknown)
    with pytest.raises(UnknownSsin):
        client.vesta.stop(unknown, reference="VST00000001", end="2026-01-01")
    assert not sandbox.state.records(EPISODE_KIND, ssin=old)


@pytest.mark.e2e
def test_finality_is_checked_before_sending_and_by_the_ksz(
    sandbox_config: KszConfig, sandbox: Sandbox,
) -> None:
    ssin = _person(sandbox)
    capture = Capture()
    with bound(sandbox_config, capture) as client:
        with pytest.raises(NotIntegrated) as local:
            client.vesta.register(ssin, care_type="MEALS", provider="p", start="2026-01-01")
        assert local.value.ticket_cbss is None and capture.operations() == []
        # Integrated on another OCMW's side only: the KSZ (sandbox) refuses, MSG00012.
        assert_finality_checked(client, sandbox_config, ssin, lambda c: c.vesta.get)
        assert capture.operations() == []
    assert not sandbox.state.records(EPISODE_KIND, ssin=ssin)


# --- mutations: never re-sent, reconciled through the consultation -----------------------


@pytest.mark.e2e
def test_a_lost_register_is_in_doubt_never_re_sent_and_reconciled(
    sandbox_config: KszConfig, sandbox: Sandbox, tmp_path: Path,
) -> None:
    ssin = _person(sandbox)
    capture = Capture()
    with bound(audited(sandbox_config, tmp_path), capture) as client:
        integrate(sandbox, client, ssin)
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as lost:
            client.vesta.register(ssin, care_type="SUPERVISION", provider="Oppasdienst",
                                  start="2026-01-05")
        assert capture.operations() == ["registerHomeCare"]  # one attempt, no retry
        # While in doubt, the same mutation on the person is refused before sending.
        with pytest.raises(InDoubtError, match="in doubt"):
            client.vesta.register(ssin, care_type="SUPERVISION", provider="Oppasdienst",
                                  start="2026-01-05")
        assert capture.operations() == ["registerHomeCare"]
        # What the audit log does not hold must be given; nothing is sent without it.
        with pytest.raises(ValidationError, match="care type is required"):
            client.reconcile(lost.value.call_id, start="2026-01-05")
        outcome = client.reconcile(lost.value.call_id, care_type="SUPERVISION",
                                   start="2026-01-05", provider="Oppasdienst")
        assert capture.operations() == ["registerHomeCare", "consultHomeCare"]
        (episode,) = sandbox.state.records(EPISODE_KIND, ssin=ssin)
        assert (outcome.applied, outcome.recorded, outcome.reference) == (  # type: ignore[attr-defined]
            True, True, episode.key)
        log = client.audit
        assert log is not None and log.in_doubt(reader="t") == []
        (recovery,) = log.query(reader="t", kinds=["RECOVERY"])
        assert recovery.kind is RecordKind.RECOVERY and recovery.detail["applied"] is True
        with pytest.raises(AuditError, match="no unresolved in-doubt call"):
            client.reconcile(lost.value.call_id, care_type="SUPERVISION", start="2026-01-05")


@pytest.mark.e2e
def test_a_refused_mutation_whose_answer_was_lost_reconciles_as_not_applied(
    sandbox_config: KszConfig, sandbox: Sandbox, tmp_path: Path,
) -> None:
    ssin = _person(sandbox)
    capture = Capture()
    with bound(audited(sandbox_config, tmp_path), capture) as client:
        integrate(sandbox, client, ssin)
        reference = client.vesta.register(ssin, care_type="MEALS", provider="p",
                                          start="2026-01-05").reference
        # The service refuses these (ongoing MEALS; end before start), then the answer is lost.
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as lost_register:
            client.vesta.register(ssin, care_type="MEALS", provider="p", start="2026-03-01")
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as lost_stop:
            client.vesta.stop(ssin, reference=reference, end="2025-01-01")
        registered = client.vesta.reconcile(lost_register.value.call_id, ssin,
                                            operation="registerHomeCare", care_type="MEALS",
                                            start="2026-03-01")
        stopped = client.vesta.reconcile(lost_stop.value.call_id, ssin,
                                         operation="stopHomeCare", reference=reference,
                                         end="2025-01-01")
        assert (registered.applied, registered.reference, registered.recorded) == (
            False, None, True)
        assert (stopped.applied, stopped.reference) == (False, None)
        assert stopped.consultation.episode(reference).ongoing  # type: ignore[union-attr]
        log = client.audit
        assert log is not None
        assert [r.detail["applied"] for r in log.query(reader="t", kinds=["RECOVERY"])] == [
            False, False]
        # Not applied and resolved: the stop may be sent again, and now succeeds.
        client.vesta.stop(ssin, reference=reference, end="2026-04-30")
    assert capture.operations().count("stopHomeCare") == 2


@pytest.mark.e2e
def test_a_lost_stop_made_through_client_custom_is_reconciled_by_the_typed_client(
    sandbox_config: KszConfig, sandbox: Sandbox, tmp_path: Path,
) -> None:
    ssin = _person(sandbox)
    capture = Capture()
    with bound(audited(sandbox_config, tmp_path), capture) as client:
        integrate(sandbox, client, ssin)
        reference = client.vesta.register(ssin, care_type="ODD_JOBS", provider="Klusjesdienst",
                                          start="2026-01-05").reference
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as lost:
            client.custom(DECLARED).call("stopHomeCare", {"criteria": {
                "ssin": ssin, "reference": reference, "endDate": D(2026, 6, 30)}},
                subjects=[ssin])
        # The call id of another person or operation is not reconciled: nothing is sent.
        with pytest.raises(AuditError, match="no unresolved in-doubt stopHomeCare"):
            client.vesta.reconcile(lost.value.call_id, _person(sandbox),
                                   operation="stopHomeCare", reference=reference,
                                   end="2026-06-30")
        assert capture.operations() == ["registerHomeCare", "stopHomeCare"]
        outcome = client.reconcile(lost.value.call_id, reference=reference, end="2026-06-30")
        assert (outcome.applied, outcome.reference) == (True, reference)  # type: ignore[attr-defined]
        assert capture.operations()[-1] == "consultHomeCare"


@pytest.mark.e2e
def test_reconcile_without_an_audit_log_still_establishes_the_outcome(
    client: KszClient, sandbox: Sandbox,
) -> None:
    ssin = _person(sandbox)
    integrate(sandbox, client, ssin)
    with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as lost:
        client.vesta.register(ssin, care_type="MEALS", provider="p", start="2026-01-05")
    outcome = client.vesta.reconcile(lost.value.call_id, ssin, operation="registerHomeCare",
                                     care_type="MEALS", start="2026-01-05", provider="other")
    # The provider the call named tells this episode from another's: here it differs.
    assert (outcome.applied, outcome.recorded) == (False, False)
    outcome = client.vesta.reconcile(lost.value.call_id, ssin, operation="registerHomeCare",
                                     care_type="MEALS", start="2026-01-05")
    assert outcome.applied and outcome.consultation.found


# --- contract ---------------------------------------------------------------------------


@pytest.fixture
def messages(sandbox_config: KszConfig, sandbox: Sandbox) -> list[_xml.Element]:
    """Request and answer of each operation: consult without and with data, register, stop."""
    ssin = _person(sandbox)

    def exercise(client: KszClient) -> None:
        client.vesta.get(ssin)
        reference = client.vesta.register(ssin, care_type="MEALS", provider="p",
                                          start="2026-01-05").reference
        client.vesta.stop(ssin, reference=reference, end="2026-02-28")
        client.vesta.get(ssin)

    return exchanged(sandbox_config, sandbox, exercise, 8, ssin)


@pytest.mark.e2e
def test_requests_and_responses_validate_against_our_contract(
    messages: list[_xml.Element],
) -> None:
    schema = _contracts.schema("VESTA")
    assert schema is not None
    for payload in messages:
        assert schema.validate(payload), schema.error_log
    names = {etree.QName(m).localname for m in messages}
    assert names == {f"{op.name}{kind}" for op in ROW.operations
                     for kind in ("Request", "Response")}
    answered = messages[-1]  # the last consultation, with the stopped episode
    assert answered.find("result/homeCare/endDate") is not None
    broken = copy.deepcopy(answered)
    broken.find("result/homeCare/careType").text = "GARDENING"
    assert not schema.validate(broken)


@pytest.mark.contracts
@pytest.mark.e2e
def test_messages_validate_with_the_official_commonv3(
    messages: list[_xml.Element], official_contracts: Path,
) -> None:
    schema = ours_with_official_common(official_contracts, "VESTA")
    for payload in messages:
        assert schema.validate(payload), schema.error_log
    broken = copy.deepcopy(messages[0])
    broken.find("informationCustomer/customerIdentification/cbeNumber").text = "12345"
    assert not schema.validate(broken)


def test_zeep_loads_our_wsdl_and_it_agrees_with_the_catalogue() -> None:
    assert_wsdl_agrees(ROW, "VESTAService/VESTAV1.wsdl", "VESTAService", "VESTAServicePort",
                       faults=True)
    assert ROW.contract is catalogue.ContractStatus.MODELLED and ROW.implemented


# --- command line -----------------------------------------------------------------------


@pytest.mark.e2e
def test_the_generated_commands(
    sandbox: Sandbox, sandbox_config_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    ssin = _person(sandbox)
    config = cli_setup(sandbox, sandbox_config_path, tmp_path, monkeypatch, ssin)
    run = command(config)
    assert run("vesta", "get", ssin) == EXIT_BUSINESS  # no data found
    assert "MSG00100" in capsys.readouterr().out
    assert run("vesta", "register", ssin, "--care-type", "FAMILY_CARE",
               "--provider", "Familiehulp", "--start", "2026-01-05", "--json") == EXIT_OK
    reference = json.loads(capsys.readouterr().out)["reference"]
    assert run("vesta", "consult-home-care", ssin) == EXIT_OK
    out = capsys.readouterr().out
    assert reference in out and "FAMILY_CARE" in out and "Familiehulp" in out
    assert run("vesta", "stop", ssin, "--reference", reference, "--end",
               "2026-01-31") == EXIT_OK
    capsys.readouterr()
    assert run("vesta", "get", ssin, "--json") == EXIT_OK
    (episode,) = json.loads(capsys.readouterr().out)["episodes"]
    assert (episode["reference"], episode["period"]["end"]) == (reference, "2026-01-31")
    with pytest.raises(SystemExit) as usage:  # not a care type: refused by the parser
        run("vesta", "register", ssin, "--care-type", "GARDENING",
            "--provider", "p", "--start", "2026-01-05")
    assert usage.value.code == EXIT_USAGE and "GARDENING" in capsys.readouterr().err
    assert run("vesta", "stop", ssin, "--reference", reference, "--end",
               "2026-01-31") == EXIT_BUSINESS  # already stopped: VESTA003
    assert "VESTA003" in capsys.readouterr().err
    # A lost registration, settled with `ksz reconcile` (details the log lacks as options).
    with KszClient(KszConfig.load(config, env={})) as plain, sandbox.fault("reset", times=1), \
            pytest.raises(InDoubtError) as lost:
        plain.acting_for(user="sw-1", legal_context="PCSA:SOCIAL_INQUIRY").vesta.register(
            ssin, care_type="MEALS", provider="p", start="2026-02-01")
    assert run("reconcile", lost.value.call_id, "--start", "2026-02-01",
               "--arg", "care_type=MEALS") == EXIT_OK
    assert capsys.readouterr().out == (
        f"call {lost.value.call_id}: applied; recorded in the audit log\n")
