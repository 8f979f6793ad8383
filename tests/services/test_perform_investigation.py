"""OCMWCPASPerformInvestigation (client.investigation): mapping, finality, data groups, the
waiting register, official contracts, CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _contracts, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import InvalidSsin, NoResult, NotIntegrated, ResponseError
from ksz_client.audit import Integration
from ksz_client.audit._guard import belgian_today
from ksz_client.cli import EXIT_OK
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, Sandbox
from ksz_client.sandbox.handlers.perform_investigation import (
    address_history_of,
    citizen_of,
    family_of,
    in_wait_register,
    wait_record_of,
)
from ksz_client.sandbox.population import Population
from ksz_client.services.identify_person import Origin
from ksz_client.services.investigation import Relationship, _wire
from ksz_client.ssin import SsinKind, make
from ksz_client.types import Address, PartialDate, Period

from .sandbox_world import command
from .ssdn_helpers import (
    Capture,
    NoNetwork,
    assert_same_shapes,
    bound,
    check_official,
    official_schema,
    perform_investigation_root,
    person_index,
)

ORG = SANDBOX_CBE_NUMBER
SERVICE = catalogue.get("OCMWCPASPerformInvestigation")
_I = f"{{{SERVICE.namespace}}}"
# The KSZ counts days in Belgium; the client does too (KszClient._today).
TODAY = belgian_today(dt.datetime.now(dt.UTC))
POPULATION = Population(seed=1, size=500)  # the same people as the session sandbox


def _household_head(population: Population, start: int, size: int = 2) -> int:
    return next(i for i in range(start, population.size)
                if len(population.household(i).members) >= size
                and population.household(i).head.index == i)


def _waiting(population: Population, start: int = 0) -> int:
    return next(i for i in range(start, population.size) if in_wait_register(population, i))


def _integrate(client: KszClient, sandbox: Sandbox, ssin: str) -> None:
    sandbox.integrate(ssin, quality_code=2, period=(TODAY, None))
    client.integrations.add(Integration(ORG, ssin, 2, TODAY))


def _full_reply(population: Population, index: int) -> _wire.Reply:
    family = family_of(population, index)
    people = [m.index for m in population.household(index).members]
    return _wire.Reply(
        ssin=population.ssin_of(index),
        family=family,
        citizens=tuple(citizen_of(population, i) for i in people),
        address_histories=tuple(address_history_of(population, i) for i in people),
        wait_register=tuple(wait_record_of(population, i) for i in people
                            if in_wait_register(population, i)),
    )


# --- mapping (unit) ---------------------------------------------------------------------


def test_relationship_codes_are_an_enum_that_keeps_every_code() -> None:
    assert Relationship("01") is Relationship.HEAD and Relationship("2") is Relationship.SPOUSE
    other = Relationship("07")
    assert other.value == "07" and other.name == "CODE_07" and other == Relationship(7)
    assert "07" in other.description and Relationship.CHILD.description == "child"
    for bad in ("abc", "100", "-1"):
        with pytest.raises(ValueError):
            Relationship(bad)


def test_a_full_reply_round_trips_through_the_wire_mapping() -> None:
    head = _household_head(POPULATION, 0, size=3)
    reply = _full_reply(POPULATION, head)
    assert reply.family is not None and len(reply.family.members) >= 3
    assert _wire.read_reply(_wire.write_reply(reply)) == reply
    waiting = _waiting(POPULATION)
    reply = _full_reply(POPULATION, waiting)
    assert reply.wait_register and any(h.declared for h in reply.address_histories)
    assert _wire.read_reply(_wire.write_reply(reply)) == reply
    deceased = next(i for i in range(POPULATION.size) if POPULATION.is_deceased(i))
    citizen = citizen_of(POPULATION, deceased)
    assert citizen.person.decease is not None
    only = _wire.Reply(ssin=citizen.person.ssin, citizens=(citizen,))
    assert _wire.read_reply(_wire.write_reply(only)) == only


def test_address_history_periods_follow_the_dates() -> None:
    a, b, c = (Address(street=s) for s in ("A", "B", "C"))
    history = _wire.dated_history([(a, PartialDate(2020, 5, 1)), (b, PartialDate(2015, 1)),
                                   (c, PartialDate(2010, 3, 1))])
    assert [d.period for d in history] == [Period(dt.date(2020, 5, 1)), None,
                                           Period(dt.date(2010, 3, 1), None)]
    history = _wire.dated_history([(a, PartialDate(2020, 5, 1)), (c, PartialDate(2010, 3, 1))])
    assert history[1].period == Period(dt.date(2010, 3, 1), dt.date(2020, 4, 30))


def test_reading_ignores_unknown_elements_and_refuses_bad_data() -> None:
    head = _household_head(POPULATION, 0)
    root = _wire.write_reply(_full_reply(POPULATION, head))
    etree.SubElement(root.find(f"{_I}DataGroups"), f"{_I}FutureGroup").text = "x"
    assert _wire.read_reply(root).family is not None
    member = root.find(f".//{_I}FamilyMember")
    member.find(f"{_I}RelationShip").text = "abc"
    with pytest.raises(ResponseError, match="RelationShip"):
        _wire.read_reply(root)
    member.find(f"{_I}RelationShip").text = "42"
    assert _wire.read_reply(root).family.members[0].relationship.value == "42"
    root.find(f".//{_I}FamilyComposition").set("origin", "MARS")
    with pytest.raises(ResponseError, match="origin"):
        _wire.read_reply(root)
    root.find(f".//{_I}FamilyComposition").set("origin", "RN_RR")
    member.find(f"{_I}SocialSecurityUser").text = "12345678901"
    with pytest.raises(ResponseError, match="SSIN"):
        _wire.read_reply(root)
    root.remove(root.find(f"{_I}SocialSecurityUser"))
    with pytest.raises(ResponseError, match="SocialSecurityUser"):
        _wire.read_reply(root)
    with pytest.raises(ResponseError, match="PerformInvestigationReply"):
        _wire.read_reply(etree.Element(f"{_I}Other"))


@pytest.mark.parametrize(
    ("groups", "sent", "asked"),
    [
        (_wire.DataGroups(), None, {"family", "citizen", "address_history", "wait_register"}),
        (_wire.DataGroups(citizen=True), ["false", "true", "false", "false"], {"citizen"}),
        (_wire.DataGroups(family=True, wait_register=True), ["true", "false", "false", "true"],
         {"family", "wait_register"}),
    ],
)
def test_data_groups_on_the_wire(groups: _wire.DataGroups, sent: list[str] | None,
                                 asked: set[str]) -> None:
    payload = etree.Element(f"{_I}PerformInvestigationRequest")
    _wire.write_request(payload, "85073003328", groups)
    element = payload.find(f"{_I}DataGroups")
    assert (None if element is None else [c.text for c in element]) == sent
    assert _wire.read_request(payload) == ("85073003328", frozenset(asked))


@pytest.mark.contracts
def test_requests_and_replies_validate_against_ours_and_the_official(
    official_contracts: Path, tmp_path: Path
) -> None:
    ours = _contracts.schema("OCMWCPASPerformInvestigation")
    assert ours is not None
    official = official_schema(official_contracts,
                               str(perform_investigation_root(official_contracts, tmp_path)))
    for groups in (_wire.DataGroups(), _wire.DataGroups(address_history=True)):
        payload = etree.Element(f"{_I}PerformInvestigationRequest")
        _wire.write_request(payload, "85073003328", groups)
        assert ours.validate(payload), ours.error_log
        assert official.validate(payload), official.error_log
    for index in (_household_head(POPULATION, 0, size=3), _waiting(POPULATION)):
        reply = _wire.write_reply(_full_reply(POPULATION, index))
        assert ours.validate(reply), ours.error_log
        assert official.validate(reply), official.error_log
    empty = _wire.write_reply(_wire.Reply(ssin=POPULATION.ssin_of(0)))
    assert official.validate(empty), official.error_log


@pytest.mark.contracts
def test_our_schema_has_the_official_names_types_and_occurrences(
    official_contracts: Path,
) -> None:
    base = official_contracts / "set-a/XSD/SSDN/OCMW_CPAS/PerformInvestigation"
    assert assert_same_shapes(_contracts.WSDL_DIR / "ssdn" / "PerformInvestigation.xsd", [
        base / name for name in ("PerformInvestigationRequest.xsd", "PerformInvetigationReply.xsd",
                                 "FamilyComposition.xsd", "AddressHistory.xsd",
                                 "WaitRegister.xsd")]) >= 20


# --- finality and bad input ----------------------------------------------------------------


def test_without_integration_it_is_refused_before_sending(sandbox_config: KszConfig) -> None:
    offline = KszClient(sandbox_config, transport=NoNetwork()).acting_for(
        user="u", legal_context="PCSA:SOCIAL_INQUIRY")
    ssin = make(dt.date(1985, 7, 30), 33, kind=SsinKind.TEST)
    with pytest.raises(NotIntegrated) as caught:
        offline.investigation.perform(ssin)
    assert caught.value.ticket_cbss is None and ssin not in str(caught.value)
    with pytest.raises(InvalidSsin):
        offline.investigation.perform("85073003329")


@pytest.mark.e2e
def test_integrated_client_side_only_is_the_ksz_msg00012(client: KszClient,
                                                         sandbox: Sandbox) -> None:
    ssin = str(sandbox.population.ssin_of(person_index(sandbox, 470)))
    client.integrations.add(Integration(ORG, ssin, 2, TODAY))
    with pytest.raises(NoResult) as caught:
        client.investigation.perform(ssin)
    assert caught.value.code == "MSG00012" and caught.value.ticket_cbss


# --- end to end -------------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_whole_inquiry_of_a_household(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    head = _household_head(population, 100, size=3)
    ssin = str(population.ssin_of(head))
    _integrate(client, sandbox, ssin)
    result = client.investigation.perform(population.ssin_of(head).formatted)
    assert result.status.value == "DATA_FOUND" and result.receipt.ticket_cbss
    assert not any(str(m.ssin) in repr(result) for m in population.household(head).members)
    household = population.household(head)
    assert result.family is not None and result.family.origin is Origin.RN_RR
    assert [(str(m.ssin), m.relationship.value, m.entry_date) for m in result.family.members] \
        == [(str(m.ssin), m.relationship, m.since) for m in household.members]
    assert result.family.head is not None and str(result.family.head.ssin) == ssin
    # Every member's legal data and address history came (no integration of their own needed).
    members = [str(m.ssin) for m in household.members]
    assert [str(c.person.ssin) for c in result.citizens] == members
    assert [str(h.ssin) for h in result.address_histories] == members
    expected = population.person(head)
    person = result.person
    assert person is not None and person.name == expected.name
    assert person.birth == expected.birth and person.gender is expected.gender
    assert person.residential_address == expected.residential_address
    assert result.citizen(members[1]) == citizen_of(population, household.members[1].index)
    history = result.address_history()
    assert history is not None and history.current is not None
    assert history.current.period is not None and history.current.period.end is None
    assert history == address_history_of(population, head)
    assert history.managers[0].code == expected.residential_address.municipality_code
    if not in_wait_register(population, head):
        assert [w.reason_code for w in result.warnings] == ["SBX00021"]


@pytest.mark.e2e
def test_chosen_groups_only_and_for_the_person_only(client: KszClient,
                                                    sandbox: Sandbox) -> None:
    population = sandbox.population
    head = _household_head(population, 150)
    ssin = str(population.ssin_of(head))
    _integrate(client, sandbox, ssin)
    result = client.investigation.perform(ssin, citizen=True)
    assert result.family is None and result.address_histories == ()
    assert result.wait_register == () and result.warnings == ()
    assert [str(c.person.ssin) for c in result.citizens] == [ssin]
    history = client.investigation.perform(ssin, address_history=True)
    assert history.citizens == () and history.person is None
    assert [str(h.ssin) for h in history.address_histories] == [ssin]


@pytest.mark.e2e
def test_the_waiting_register(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = _waiting(population, 100)
    ssin = str(population.ssin_of(index))
    _integrate(client, sandbox, ssin)
    result = client.investigation.perform(ssin, wait_register=True)
    (record,) = result.wait_register
    assert record == wait_record_of(population, index) and result.warnings == ()
    assert record.situations and record.administrative_files[0].reference
    assert record.aliases[0].last_name == population.person(index).name.last_name.upper()
    citizen = client.investigation.perform(ssin, citizen=True).citizen()
    assert citizen is not None and citizen.inscription_register == 3


@pytest.mark.e2e
def test_refusals_for_unknown_and_replaced_ssins(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    unknown = make(dt.date(2004, 12, 30), 995, kind=SsinKind.TEST)
    _integrate(client, sandbox, unknown)
    with pytest.raises(NoResult) as missing:
        client.investigation.perform(unknown)
    assert missing.value.code == "MSG00005"
    replaced = next(i for i in range(population.size) if population.replaced_by(i) is not None)
    old = str(population.ssin_of(replaced))
    _integrate(client, sandbox, old)
    with pytest.raises(NoResult) as moved:
        client.investigation.perform(old)
    assert moved.value.code == "MSG00006"
    assert ("newSSIN", str(population.ssin_of(replaced + 1))) in moved.value.details[0].information


@pytest.mark.e2e
def test_the_sandbox_refuses_a_payload_that_breaks_the_contract(client: KszClient,
                                                                sandbox: Sandbox) -> None:
    ssin = str(sandbox.population.ssin_of(person_index(sandbox, 480)))
    _integrate(client, sandbox, ssin)

    def build(payload: etree._Element) -> None:
        etree.SubElement(payload, f"{_I}SocialSecurityUser").text = ssin
        etree.SubElement(payload, f"{_I}Surprise").text = "x"

    with pytest.raises(NoResult) as caught:
        client._core.call(SERVICE, SERVICE.operation("performInvestigation"), build,
                          context=client.context, subjects=(ssin,))
    assert caught.value.code == "30000001"


@pytest.mark.e2e
@pytest.mark.contracts
def test_what_travels_validates_against_the_official_schemas(
    sandbox_config: KszConfig, sandbox: Sandbox, official_contracts: Path, tmp_path: Path
) -> None:
    population = sandbox.population
    head = _household_head(population, 200, size=3)
    waiting = _waiting(population, 200)
    capture = Capture()
    with bound(sandbox_config, capture) as client:
        for index in (head, waiting):
            ssin = str(population.ssin_of(index))
            _integrate(client, sandbox, ssin)
            client.investigation.perform(ssin)
        client.investigation.perform(str(population.ssin_of(head)), family=True,
                                     address_history=True)
    root = perform_investigation_root(official_contracts, tmp_path)
    assert check_official(official_contracts, capture, root) == 3


# --- command line ---------------------------------------------------------------------------------


@pytest.mark.e2e
def test_ksz_investigation_perform(capsys: pytest.CaptureFixture[str], sandbox: Sandbox,
                                   sandbox_config_path: Path, tmp_path: Path) -> None:
    # A one-off command has no local register of its own: the finality guard is off here,
    # the sandbox still checks the repertory.
    for pem in sandbox_config_path.parent.glob("*.pem"):
        (tmp_path / pem.name).write_bytes(pem.read_bytes())
    config = tmp_path / "ksz.toml"
    config.write_text(sandbox_config_path.read_text(encoding="utf-8")
                      + '\n[finality]\nmode = "off"\n', encoding="utf-8")
    population = sandbox.population
    head = _household_head(population, 250)
    ssin = str(population.ssin_of(head))
    sandbox.integrate(ssin, quality_code=2, period=(TODAY, None))
    run = command(config, "investigation", user="sw")
    code = run("perform", ssin, "--family", "--citizen", "--json")
    out, err = capsys.readouterr()
    assert (code, err) == (EXIT_OK, "")
    data = json.loads(out)
    assert data["family"]["members"][0]["relationship"] == "01"
    assert len(data["citizens"]) == len(population.household(head).members)
    code = run("perform", ssin)
    out, _ = capsys.readouterr()
    person = population.person(head)
    assert code == EXIT_OK
    assert "household" in out and "01 head of household" in out and str(person.name) in out
    assert "address history" in out
    code = run("perform-investigation", ssin, "--citizen")
    out, _ = capsys.readouterr()
    assert code == EXIT_OK and "household" not in out and person.ssin.formatted in out


def test_a_person_with_a_diplomatic_post_maps_through_a_citizen() -> None:
    from ksz_client.services.investigation.models import CitizenData
    from ksz_client.types import AddressKind

    citizen = citizen_of(POPULATION, person_index_of(POPULATION))
    abroad = dataclasses.replace(citizen.person, addresses=(
        Address(AddressKind.DIPLOMATIC_POST, street="Avenue X 12, Dakar", country_code="350"),
        Address(AddressKind.POSTAL, street="PO Box 5, Dakar", country_code="350",
                since=dt.date(2020, 1, 1)),
    ))
    reply = _wire.Reply(ssin=abroad.ssin, citizens=(CitizenData(abroad, Origin.RN_RR, 1),))
    assert _wire.read_reply(_wire.write_reply(reply)) == reply


def person_index_of(population: Population) -> int:
    return next(i for i in range(population.size) if not population.is_deceased(i)
                and population.replaced_by(i) is None)
