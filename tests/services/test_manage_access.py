"""OCMWCPASManageAccess (client.access): mapping, end to end, in doubt, sync, CLI, contracts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _contracts, _ssdn
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import (
    AuditError,
    InDoubtError,
    InvalidSsin,
    NoResult,
    ResponseError,
    ValidationError,
)
from ksz_client.audit import Integration, RecordKind
from ksz_client.audit._guard import belgian_today
from ksz_client.cli import EXIT_OK, EXIT_USAGE
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, Sandbox
from ksz_client.services.manage_access import (
    AccessAction,
    AccessResult,
    ProofOfAuthentication,
    Registration,
    RepertoryRegister,
    _wire,
)
from ksz_client.services.manage_access.models import check_quality_code
from ksz_client.ssin import Ssin, SsinKind, make
from ksz_client.types import PartialDate, Period

from .official_helpers import losing_first
from .sandbox_world import (  # noqa: F401 - fixtures
    command,
    own_sandbox,
    own_sandbox_config_path,
    printed,
)
from .ssdn_helpers import (
    Capture,
    NoNetwork,
    audited,
    bound,
    check_official,
    official_schema,
    person_index,
    proof_of,
)

ORG = SANDBOX_CBE_NUMBER
D = dt.date
# The KSZ counts days in Belgium; the client does too (KszClient._today).
TODAY = belgian_today(dt.datetime.now(dt.UTC))
SSIN = make(dt.date(1985, 7, 30), 33, kind=SsinKind.TEST)


def _ssin(sandbox: Sandbox, index: int) -> str:
    return str(sandbox.population.ssin_of(index))


# --- mapping (unit) ---------------------------------------------------------------------


def test_a_reply_round_trips_through_the_wire_mapping() -> None:
    original = _wire.OriginalRequest(Ssin(SSIN, allow_test=True), 2, Period(D(2026, 1, 1)),
                                     AccessAction.LIST, RepertoryRegister.ALL)
    rows = (
        Registration(2, Period(D(2026, 1, 1), D(2026, 12, 31)), ORG, RepertoryRegister.SECONDARY),
        Registration(4, Period(D(2025, 5, 1)), "17", RepertoryRegister.PRIMARY),
    )
    echoed, registrations = _wire.read_reply(_wire.write_reply(original, rows))
    assert (echoed, registrations) == (original, rows)
    assert registrations[0].quality.startswith("leefloon") and registrations[0].purpose == 2


def test_reading_a_reply_ignores_unknown_elements_and_requires_known_ones() -> None:
    original = _wire.OriginalRequest(Ssin(SSIN, allow_test=True), 2, Period(D(2026, 1, 1)),
                                     AccessAction.REGISTER)
    reply = _wire.write_reply(original, [Registration(2, Period(D(2026, 1, 1)), ORG,
                                                      RepertoryRegister.SECONDARY)])
    etree.SubElement(reply, f"{{{_wire.NS}}}FutureBlock").text = "later"
    assert len(_wire.read_reply(reply)[1]) == 1
    registration = reply.find(f"{{{_wire.NS}}}Registrations")
    registration.find(f"{{{_wire.NS}}}Register").text = "TERTIARY"
    with pytest.raises(ResponseError, match="Register"):
        _wire.read_reply(reply)
    registration.find(f"{{{_wire.NS}}}Register").text = "PRIMARY"
    registration.remove(registration.find(f"{{{_wire.NS}}}Purpose"))
    with pytest.raises(ResponseError, match="Purpose"):
        _wire.read_reply(reply)
    reply.remove(reply.find(f"{{{_wire.NS}}}OriginalRequest"))
    with pytest.raises(ResponseError, match="OriginalRequest"):
        _wire.read_reply(reply)
    with pytest.raises(ResponseError, match="ManageAccessReply"):
        _wire.read_reply(etree.Element("Other"))


def test_a_period_ending_before_it_starts_in_an_answer_is_a_response_error() -> None:
    original = _wire.OriginalRequest(Ssin(SSIN, allow_test=True), 2, Period(D(2026, 1, 1)),
                                     AccessAction.REGISTER)
    reply = _wire.write_reply(original, [])
    period = reply.find(f".//{{{_ssdn.SSDN_COMMON_NS}}}StartDate").getparent()
    etree.SubElement(period, f"{{{_ssdn.SSDN_COMMON_NS}}}EndDate").text = "2025-01-01"
    with pytest.raises(ResponseError, match="ends before"):
        _wire.read_reply(reply)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "needs the person's last name"),
        ({"last_name": "Peeters"}, "both the last name and the birth date"),
        ({"birth_date": PartialDate(1985)}, "both the last name and the birth date"),
        ({"last_name": " ", "birth_date": PartialDate(1985)}, "cannot be empty"),
        ({"first_name": "Jan", "sis_card_number": "1234567890"}, "first name proves nothing"),
        ({"sis_card_number": "12345"}, "10 digits"),
        ({"identity_card_number": "12345678901X"}, "12 digits"),
    ],
)
def test_a_proof_of_authentication_is_validated(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ProofOfAuthentication(**kwargs)  # type: ignore[arg-type]


def test_a_proof_keeps_identity_data_out_of_its_repr() -> None:
    proof = ProofOfAuthentication(last_name="Peeters", birth_date=PartialDate(1985, 7, 30),
                                  sis_card_number="12 3456 7890")
    assert proof.sis_card_number == "1234567890"
    assert "Peeters" not in repr(proof) and "1234567890" not in repr(proof)


def test_quality_codes_come_from_the_catalogue() -> None:
    assert check_quality_code(2) == 2
    for bad in (10, 0, 99):
        with pytest.raises(ValidationError, match="not a sector 17 quality code"):
            check_quality_code(bad)
    with pytest.raises(ValidationError, match="whole number"):
        check_quality_code(True)


@pytest.mark.contracts
def test_requests_the_sdk_builds_validate_against_ours_and_the_official(
    official_contracts: Path,
) -> None:
    ours = _contracts.schema("OCMWCPASManageAccess")
    assert ours is not None
    official = official_schema(official_contracts,
                               "set-a/XSD/SSDN/OCMW_CPAS/ManageAccess/NamespaceRoot.xsd")
    proofs = [
        None,
        ProofOfAuthentication(last_name="Peeters", birth_date=PartialDate(1985, 7),
                              first_name="Jan"),
        ProofOfAuthentication(sis_card_number="1234567890", identity_card_number="123456789012",
                              last_name="Peeters", birth_date=PartialDate(1985, 7, 30)),
    ]
    for action in AccessAction:
        for proof in proofs:
            payload = etree.Element(f"{{{_wire.NS}}}ManageAccessRequest")
            _wire.write_request(payload, ssin=SSIN, action=action,
                                quality_code=None if action is AccessAction.LIST else 2,
                                period=Period(D(2026, 1, 1), D(2026, 6, 30)),
                                query_register=RepertoryRegister.SECONDARY
                                if action is AccessAction.LIST else None, proof=proof)
            assert ours.validate(payload), ours.error_log
            assert official.validate(payload), official.error_log


# --- bad input: refused before sending ------------------------------------------------------


@pytest.fixture
def offline(sandbox_config: KszConfig) -> KszClient:
    return KszClient(sandbox_config, transport=NoNetwork()).acting_for(
        user="u", legal_context="PCSA:SOCIAL_INQUIRY")


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda a: a.register(SSIN, quality_code=10, last_name="X", birth_date="1985-07-30"),
         ValidationError, "not a sector 17 quality code"),
        (lambda a: a.register(SSIN, quality_code=2, start="2026-05-01", end="2026-04-30",
                              last_name="X", birth_date="1985-07-30"),
         ValidationError, "end before it starts"),
        (lambda a: a.register(SSIN, quality_code=2), ValidationError, "proof of authentication"),
        (lambda a: a.register(SSIN, last_name="X", birth_date="1985-07-30"),
         ValidationError, "quality code"),
        (lambda a: a.register(SSIN, quality_code=2, start="01/05/2026", last_name="X",
                              birth_date="1985-07-30"), ValidationError, "YYYY-MM-DD"),
        (lambda a: a.register(SSIN, quality_code=2, last_name="X", birth_date="30-07-1985"),
         ValidationError, "YYYY-MM-DD"),
        (lambda a: a.register("85073003329", quality_code=2, last_name="X",
                              birth_date="1985-07-30"), InvalidSsin, None),
        (lambda a: a.unregister(SSIN, quality_code=41), ValidationError, "quality code"),
        (lambda a: a.list(SSIN, query_register="NONE"), ValidationError, "PRIMARY, SECONDARY"),
        (lambda a: a.list(SSIN, quality_code=13), ValidationError, "quality code"),
        (lambda a: a.sync(" , "), ValidationError, "SSINs of the open files"),
        (lambda a: a.sync([SSIN, "85073003329"]), InvalidSsin, None),
        (lambda a: a.reconcile("c", SSIN, action="LIST", quality_code=2, start="2026-01-01"),
         ValidationError, "REGISTER or UNREGISTER"),
        (lambda a: a.reconcile("c", SSIN, action="DELETE", quality_code=2, start="2026-01-01"),
         ValidationError, "REGISTER or UNREGISTER"),
    ],
)
def test_bad_input_raises_before_anything_is_sent(offline: KszClient, call, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message) as caught:
        call(offline.access)
    assert str(SSIN) not in str(caught.value)


# --- end to end -------------------------------------------------------------------------------


@pytest.mark.e2e
def test_register_feeds_the_local_register_and_the_repertory(
    client: KszClient, sandbox: Sandbox
) -> None:
    index = person_index(sandbox, 200)
    ssin = _ssin(sandbox, index)
    result = client.access.register(sandbox.population.ssin_of(index).formatted, quality_code=2,
                                    start=TODAY, end=TODAY + dt.timedelta(days=90),
                                    **proof_of(sandbox, index))
    assert isinstance(result, AccessResult) and result.action is AccessAction.REGISTER
    assert result.ssin == ssin and result.changed is True and result.warnings == ()
    assert result.receipt.ticket_cbss and result.status.value == "DATA_FOUND"
    assert ssin not in repr(result)
    (row,) = result.of(ORG)
    assert (row.quality_code, row.period, row.register) == (
        2, Period(TODAY, TODAY + dt.timedelta(days=90)), RepertoryRegister.SECONDARY)
    local = client.integrations.covering(ORG, ssin, TODAY, 2)
    assert local is not None and local.source == "REGISTER"
    assert local.end == TODAY + dt.timedelta(days=90)
    (held,) = sandbox.integrations(ssin)
    assert held.ticket == result.receipt.ticket_cbss

    again = client.access.register(ssin, quality_code=2, start=TODAY + dt.timedelta(days=10),
                                   end=TODAY + dt.timedelta(days=20), **proof_of(sandbox, index))
    assert again.changed is False
    assert [w.reason_code for w in again.warnings] == ["SBX00001"]
    assert again.status.description == "warning"


@pytest.mark.e2e
def test_the_context_quality_code_is_the_default_purpose_and_is_audited(
    sandbox_config: KszConfig, sandbox: Sandbox, tmp_path: Path
) -> None:
    index = person_index(sandbox, 215)
    with bound(audited(sandbox_config, tmp_path)) as client:
        result = client.acting_for(quality_code=4).access.register(
            _ssin(sandbox, index), **proof_of(sandbox, index))
        assert result.quality_code == 4
        assert client.audit is not None
        (outcome,) = client.audit.query(reader="test", kinds=["OUTCOME"])
        assert (outcome.operation, outcome.quality_code) == ("REGISTER", 4)


@pytest.mark.e2e
def test_list_reads_both_registers(client: KszClient, sandbox: Sandbox) -> None:
    index = person_index(sandbox, 220)
    ssin = _ssin(sandbox, index)
    sandbox.integrate(ssin, quality_code=3, period=(TODAY, None))
    sandbox.integrate(ssin, quality_code=9, period=(TODAY, None), organisation="0999999914")
    everything = client.access.list(ssin)
    assert everything.action is AccessAction.LIST and everything.changed is None
    assert {(r.quality_code, r.register, r.org_unit) for r in everything.registrations} == {
        (3, RepertoryRegister.SECONDARY, ORG), (3, RepertoryRegister.PRIMARY, "17"),
        (9, RepertoryRegister.PRIMARY, "17")}
    own = client.access.list(ssin, query_register="SECONDARY")
    assert [(r.quality_code, r.org_unit) for r in own.registrations] == [(3, ORG)]
    assert client.access.list(ssin, quality_code=9, query_register=RepertoryRegister.PRIMARY,
                              **proof_of(sandbox, index)).registrations[0].quality_code == 9
    past = client.access.list(ssin, start="2000-01-01", end="2000-12-31")
    assert past.registrations == ()


@pytest.mark.e2e
def test_unregister_cuts_the_period_on_both_sides(client: KszClient, sandbox: Sandbox) -> None:
    index = person_index(sandbox, 230)
    ssin = _ssin(sandbox, index)
    start, end = D(2026, 1, 1), D(2026, 12, 31)
    client.access.register(ssin, quality_code=2, start=start, end=end, **proof_of(sandbox, index))
    result = client.access.unregister(ssin, quality_code=2, start=D(2026, 3, 1),
                                      end=D(2026, 4, 30))
    assert result.changed is True
    pieces = [(i.start, i.end) for i in client.integrations.list(ORG, ssin)]
    assert pieces == [(start, D(2026, 2, 28)), (D(2026, 5, 1), end)]
    assert [(i.period.start, i.period.end) for i in sandbox.integrations(ssin)] == pieces
    nothing = client.access.unregister(ssin, quality_code=2, start=D(2026, 3, 10),
                                       end=D(2026, 3, 20), **proof_of(sandbox, index))
    assert nothing.changed is False and nothing.warnings[0].reason_code == "SBX00002"
    client.access.unregister(ssin, quality_code=2, start=start)
    assert client.integrations.list(ORG, ssin) == [] and sandbox.integrations(ssin) == []


@pytest.mark.e2e
def test_refusals_raise_and_leave_the_local_register_alone(
    client: KszClient, sandbox: Sandbox
) -> None:
    population = sandbox.population
    index = person_index(sandbox, 240)
    ssin = _ssin(sandbox, index)
    with pytest.raises(NoResult) as caught:
        client.access.register(ssin, quality_code=2, last_name="Nobody", birth_date="1900-01-01")
    assert caught.value.code == "MSG00008" and caught.value.ticket_cbss
    assert ssin not in str(caught.value)
    assert client.integrations.list(ORG, ssin) == [] and sandbox.integrations(ssin) == []
    replaced = next(i for i in range(population.size) if population.replaced_by(i) is not None)
    with pytest.raises(NoResult) as moved:
        client.access.list(_ssin(sandbox, replaced))
    assert moved.value.code == "MSG00006"
    assert ("newSSIN", _ssin(sandbox, replaced + 1)) in moved.value.details[0].information
    unknown = make(dt.date(2004, 12, 30), 995, kind=SsinKind.TEST)
    with pytest.raises(NoResult) as missing:
        client.access.list(unknown)
    assert missing.value.code == "MSG00005"


@pytest.mark.e2e
def test_sync_makes_the_local_register_what_the_repertory_lists(
    client: KszClient, sandbox: Sandbox
) -> None:
    a, b = person_index(sandbox, 250), person_index(sandbox, 252)
    ssin_a, ssin_b = _ssin(sandbox, a), _ssin(sandbox, b)
    sandbox.integrate(ssin_a, quality_code=2, period=(TODAY, None))
    sandbox.integrate(ssin_a, quality_code=5, period=(TODAY, TODAY + dt.timedelta(days=30)))
    # Stale: the local register says b is integrated; the KSZ does not.
    client.integrations.add(Integration(ORG, ssin_b, 2, TODAY))
    result = client.access.sync(f"{ssin_a}, {sandbox.population.ssin_of(b).formatted}")
    assert (result.subjects, result.added, result.removed) == (2, 2, 1)
    assert len(result.receipts) == 2
    held = {(i.ssin, i.quality_code, i.end, i.source) for i in client.integrations.list(ORG)}
    assert held == {(ssin_a, 2, None, "LIST"),
                    (ssin_a, 5, TODAY + dt.timedelta(days=30), "LIST")}
    assert client.integrations.covering(ORG, ssin_b, TODAY) is None
    # A refusal for one SSIN changes nothing locally.
    unknown = make(dt.date(2004, 12, 30), 995, kind=SsinKind.TEST)
    with pytest.raises(NoResult):
        client.access.sync([ssin_b, unknown])
    assert {i.ssin for i in client.integrations.list(ORG)} == {ssin_a}


@pytest.mark.e2e
def test_the_sandbox_refuses_a_payload_that_breaks_the_contract(client: KszClient,
                                                                sandbox: Sandbox) -> None:
    ssin = _ssin(sandbox, person_index(sandbox, 255))
    service = client.access.service

    def build(payload: etree._Element) -> None:
        _wire.write_request(payload, ssin=ssin, action=AccessAction.LIST, quality_code=None,
                            period=Period(TODAY))
        etree.SubElement(payload, f"{{{_wire.NS}}}Surprise").text = "x"

    with pytest.raises(NoResult) as caught:
        client._core.call(service, service.operation("LIST"), build, context=client.context,
                          subjects=(ssin,))
    assert caught.value.code == "30000001" and "contract" in caught.value.details[0].diagnostic


# --- in doubt: never re-sent, reconciled with LIST ------------------------------------------------


@pytest.mark.e2e
def test_a_lost_register_answer_is_in_doubt_never_resent_and_reconciled(
    sandbox_config: KszConfig, sandbox: Sandbox, tmp_path: Path
) -> None:
    index = person_index(sandbox, 260)
    ssin = _ssin(sandbox, index)
    capture = Capture()
    with bound(audited(sandbox_config, tmp_path), capture) as client:
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as caught:
            client.access.register(ssin, quality_code=2, start=TODAY, **proof_of(sandbox, index))
        call_id = caught.value.call_id
        # Sent once, processed once by the KSZ, and the local register knows nothing yet.
        assert capture.operations() == ["REGISTER"]
        (held,) = sandbox.integrations(ssin)
        assert held.period == Period(TODAY)
        assert client.integrations.list(ORG, ssin) == []
        log = client.audit
        assert log is not None
        (doubt,) = log.in_doubt(reader="test")
        assert (doubt.call_id, doubt.operation) == (call_id, "REGISTER")
        # The same REGISTER is refused before sending until the doubt is resolved.
        with pytest.raises(InDoubtError):
            client.access.register(ssin, quality_code=2, start=TODAY, **proof_of(sandbox, index))
        assert capture.operations() == ["REGISTER"]

        outcome = client.access.reconcile(call_id, ssin, action="REGISTER", quality_code=2,
                                          start=TODAY)
        assert outcome.applied is True and outcome.recorded is True
        assert capture.operations() == ["REGISTER", "LIST"]
        (recovery,) = log.query(reader="test", kinds=["RECOVERY"])
        assert recovery.kind is RecordKind.RECOVERY and recovery.detail["applied"] is True
        assert log.in_doubt(reader="test") == []
        assert client.integrations.covering(ORG, ssin, TODAY, 2) is not None
        # Reconciled: the mutation may be sent again (it changes nothing now).
        assert client.access.register(ssin, quality_code=2, start=TODAY,
                                      **proof_of(sandbox, index)).changed is False
        with pytest.raises(AuditError):
            client.access.reconcile(call_id, ssin, action="REGISTER", quality_code=2,
                                    start=TODAY)
    assert len(sandbox.integrations(ssin)) == 1


@pytest.mark.e2e
def test_an_unregister_that_never_arrived_reconciles_as_not_applied(
    sandbox_config: KszConfig, sandbox: Sandbox, tmp_path: Path
) -> None:
    index = person_index(sandbox, 270)
    ssin = _ssin(sandbox, index)
    sandbox.integrate(ssin, quality_code=2, period=(TODAY, None))
    client_side = Integration(ORG, ssin, 2, TODAY)
    config = audited(sandbox_config, tmp_path)
    with bound(config, transport=losing_first(config)) as client:
        client.integrations.add(client_side)
        with pytest.raises(InDoubtError) as caught:
            client.access.unregister(ssin, quality_code=2, start=TODAY)
        outcome = client.access.reconcile(caught.value.call_id, ssin, action="UNREGISTER",
                                          quality_code=2, start=TODAY)
        assert outcome.applied is False and outcome.recorded
        assert client.integrations.list(ORG, ssin) == [client_side]
        # Not applied: it may (and here does) go again.
        assert client.access.unregister(ssin, quality_code=2, start=TODAY).changed is True
        assert client.integrations.list(ORG, ssin) == []
    assert sandbox.integrations(ssin) == []


@pytest.mark.e2e
def test_reconcile_without_an_audit_log_still_tells_and_updates_the_register(
    client: KszClient, sandbox: Sandbox
) -> None:
    index = person_index(sandbox, 280)
    ssin = _ssin(sandbox, index)
    with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as caught:
        client.access.unregister(ssin, quality_code=2, start=TODAY)
    outcome = client.access.reconcile(caught.value.call_id, ssin, action=AccessAction.UNREGISTER,
                                      quality_code=2, start=TODAY)
    assert outcome.applied is True and outcome.recorded is False


# --- official contracts ---------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.contracts
def test_what_travels_validates_against_the_official_schemas(
    sandbox_config: KszConfig, sandbox: Sandbox, official_contracts: Path
) -> None:
    index = person_index(sandbox, 290)
    ssin = _ssin(sandbox, index)
    capture = Capture()
    with bound(sandbox_config, capture) as client:
        client.access.register(ssin, quality_code=2, start=TODAY, sis_card_number="1234567890",
                               first_name="X", **proof_of(sandbox, index))
        client.access.register(ssin, quality_code=2, start=TODAY, **proof_of(sandbox, index))
        client.access.list(ssin, quality_code=2, query_register="PRIMARY")
        client.access.unregister(ssin, quality_code=2, start=TODAY + dt.timedelta(days=5),
                                 end=TODAY + dt.timedelta(days=6))
        client.access.sync([ssin])
        with pytest.raises(NoResult):
            client.access.register(ssin, quality_code=2, last_name="Nobody",
                                   birth_date="1900-00-00")
    assert check_official(official_contracts, capture,
                          "OCMW_CPAS/ManageAccess/NamespaceRoot.xsd") == 6


# --- command line ---------------------------------------------------------------------------------


@pytest.mark.e2e
def test_ksz_access_register_list_unregister_sync(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, sandbox_config_path: Path
) -> None:
    run = command(sandbox_config_path, user="sw")
    index = person_index(sandbox, 300)
    ssin = _ssin(sandbox, index)
    proof = proof_of(sandbox, index)
    code, out, err = printed(capsys, run, "access", "register", ssin,
                             "--quality-code", "2", "--start", TODAY.isoformat(),
                             "--last-name", proof["last_name"], "--birth-date",
                             proof["birth_date"], "--json")
    assert (code, err) == (EXIT_OK, "")
    data = json.loads(out)
    assert data["action"] == "REGISTER" and data["registrations"][0]["quality_code"] == 2
    code, out, _ = printed(capsys, run, "access", "list", ssin,
                           "--query-register", "SECONDARY")
    assert code == EXIT_OK
    assert "leefloon" in out and ORG in out and "SECONDARY" in out and "ticketCBSS" in out
    code, out, _ = printed(capsys, run, "access", "sync", ssin, "--json")
    assert code == EXIT_OK and json.loads(out)["integrations"][0]["source"] == "LIST"
    code, out, _ = printed(capsys, run, "access", "sync", ssin)
    assert code == EXIT_OK and "1 integration" in out
    code, out, _ = printed(capsys, run, "access", "unregister", ssin,
                           "--quality-code", "2", "--start", TODAY.isoformat())
    assert code == EXIT_OK and "REGISTER" not in out.replace("UNREGISTER", "")
    code, out, _ = printed(capsys, run, "access", "unregister", ssin,
                           "--quality-code", "2", "--start", TODAY.isoformat())
    assert code == EXIT_OK and "SBX00002" in out
    assert sandbox.integrations(ssin) == []


def test_ksz_access_bad_input_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], sandbox_config_path: Path
) -> None:
    run = command(sandbox_config_path, user="sw")
    code, _, err = printed(capsys, run, "access", "register", SSIN,
                           "--quality-code", "77", "--last-name", "X", "--birth-date", "1985-07-30")
    assert code == EXIT_USAGE and "quality code" in err
    code, _, err = printed(capsys, run, "access", "register", SSIN,
                           "--quality-code", "2", "--start", "2026-02-01", "--end", "2026-01-01",
                           "--last-name", "X", "--birth-date", "1985-07-30")
    assert code == EXIT_USAGE and "end before" in err
    code, _, err = printed(capsys, run, "access", "list", SSIN,
                           "--query-register", "EVERYTHING")
    assert code == EXIT_USAGE
