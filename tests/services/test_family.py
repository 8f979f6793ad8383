"""FamilyComposition: model mapping (unit), end to end against a sandbox, contract, command."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _contracts, _xml, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import (
    InvalidSsin,
    KszFault,
    NotIntegrated,
    ResponseError,
    SsinReplaced,
    UnknownSsin,
    ValidationError,
)
from ksz_client.audit import Integration
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK, main
from ksz_client.sandbox import Sandbox
from ksz_client.sandbox.handlers.family import compositions, residential_history
from ksz_client.services.family import (
    RELATIONSHIPS,
    FamilyComposition,
    FamilyMember,
    Relationship,
    Source,
    _wire,
    relationship_label,
)
from ksz_client.services.person.models import Register
from ksz_client.ssin import Gender, SsinKind, make
from ksz_client.types import Address, PartialDate, Period, PersonName

from .official_helpers import (  # noqa: F401 - fixtures
    Capture,
    assert_wsdl_agrees,
    audited_config,
    box_config_path,
    capture,
    client,
    offline,
)
from .official_helpers import OfficialCommonV3 as _OfficialCommon

NS = "http://kszbcss.fgov.be/intf/FamilyCompositionService/v1"
ENV = "{http://schemas.xmlsoap.org/soap/envelope/}"


# --- fixtures: a sandbox of our own, so that integrating people here touches no other test ---


@pytest.fixture(scope="module")
def box() -> Iterator[Sandbox]:
    with Sandbox(seed=1, persons=500) as running:
        yield running


def integrate(box: Sandbox, client: KszClient, ssin: str) -> None:
    """Integrate on both sides: the sandbox's repertory and the client's register."""
    box.integrate(ssin)
    client.integrations.add(Integration(
        organisation=client.config.organisation.cbe_number or "", ssin=ssin, quality_code=2,
        start=dt.date(2020, 1, 1)))


def _index(box: Sandbox, predicate) -> int:  # type: ignore[no-untyped-def]
    return next(i for i in range(box.population.size) if predicate(i))


def _plain(box: Sandbox, i: int) -> bool:
    population = box.population
    return (population.replaced_by(i) is None and not population.is_deceased(i)
            and population.fault_of(i) is None and population.register_of(i) is Register.NR)


def _payload(data: bytes) -> _xml.Element:
    body = _xml.parse(data).find(f"{ENV}Body")
    assert body is not None
    return body[0]


# --- mapping (unit) --------------------------------------------------------------------


def _composition() -> FamilyComposition:
    home = Address(street="Kerkstraat", house_number="1", box="2", postal_code="2000",
                   municipality="Antwerpen", municipality_code="11002", country_code="150",
                   since=dt.date(2001, 5, 1))
    return FamilyComposition(
        period=Period(dt.date(2001, 5, 1), dt.date(2010, 1, 31)),
        source=Source.KSZ,
        address=home,
        members=(
            FamilyMember("01", PersonName("Peeters", ("Jan", "Luc")),
                         ssin=make(dt.date(1970, 1, 2), 3, kind=SsinKind.TEST),
                         birth_date=PartialDate(1970, 1, 2), gender=Gender.MALE,
                         address=home, entry_date=dt.date(2001, 5, 1)),
            FamilyMember("03", PersonName("Peeters"), fictional_id="FICT0001",
                         birth_date=PartialDate(2003), decease_date=PartialDate(2009, 7),
                         entry_date=dt.date(2003, 1, 1), exit_date=dt.date(2009, 7, 1)),
        ),
    )


def _element(tag: str, text: str) -> _xml.Element:
    el = etree.Element(tag)
    el.text = text
    return el


def test_composition_round_trips_through_the_wire_mapping() -> None:
    parent = etree.Element("result")
    _wire.write_composition(parent, _composition())
    assert _wire.read_composition(parent[0]) == _composition()


def test_reading_ignores_unknown_elements() -> None:
    el = _wire.write_composition(etree.Element("result"), _composition())
    etree.SubElement(el.find("member"), "{urn:later}nickname").text = "x"
    etree.SubElement(el, "newGroup").text = "later"
    assert _wire.read_composition(el) == _composition()


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda el: el.remove(el.find("source")), "source"),
        (lambda el: setattr(el.find("source"), "text", "XX"), "source code"),
        (lambda el: setattr(el.find("period/endDate"), "text", "1990-01-01"), "ends before"),
        (lambda el: [el.remove(m) for m in el.findall("member")], "member"),
        (lambda el: setattr(el.find("member/relationship"), "text", "1"), "two digits"),
        (lambda el: setattr(el.find("member/ssin"), "text", "12345678901"), "SSIN"),
        (lambda el: el.findall("member")[1].insert(0, _element("ssin", "85073003328")),
         "neither or both"),
        (lambda el: setattr(el.find("member/gender"), "text", "X"), "gender"),
        (lambda el: setattr(el.find("member/birthDate"), "text", "70-01-01"), "partial"),
    ],
)
def test_reading_refuses_a_broken_composition(spoil, message: str) -> None:  # type: ignore[no-untyped-def]
    el = _wire.write_composition(etree.Element("result"), _composition())
    spoil(el)
    with pytest.raises(ResponseError, match=message):
        _wire.read_composition(el)


def test_criteria_written_and_read_back() -> None:
    for at, since in ((None, None), (dt.date(2020, 2, 3), None), (None, dt.date(2001, 1, 1))):
        payload = etree.Element("req")
        _wire.write_criteria(payload, "85073003328", at=at, since=since)
        assert _wire.read_criteria(payload) == ("85073003328", at, since)
    payload = etree.Element("req")
    _wire.write_criteria(payload, "85073003328", at=None, since=None)
    etree.SubElement(payload.find("criteria"), "referenceDate").text = "yesterday"
    with pytest.raises(ValidationError):
        _wire.read_criteria(payload)


def test_relationship_codes_are_data_with_their_meaning() -> None:
    assert relationship_label("01") == RELATIONSHIPS["01"]
    assert "child" in (relationship_label("03") or "")
    assert relationship_label("42") is None
    member = _composition().members[1]
    assert member.relationship == Relationship.CHILD and not member.is_head
    assert member.relationship_label == RELATIONSHIPS["03"]
    composition = _composition()
    assert composition.head is composition.members[0]
    assert composition.member(composition.members[0].ssin.formatted)  # type: ignore[union-attr]
    assert composition.member("85073003328") is None and len(composition) == 2
    with pytest.raises(TypeError):
        RELATIONSHIPS["99"] = "x"  # type: ignore[index]


def test_repr_shows_no_ssin() -> None:
    composition = _composition()
    assert str(composition.members[0].ssin) not in repr(composition)


# --- the sandbox's households ---------------------------------------------------------------


def test_the_timeline_is_contiguous_and_ends_with_the_population_household() -> None:
    from ksz_client.sandbox.population import Population

    population = Population(seed=1, size=500)
    today = dt.date(2026, 1, 1)
    for index in range(0, 200, 7):
        if not _plain_population(population, index):
            continue
        timeline = compositions(population, index, today)
        assert timeline[-1].period.end is None
        household = population.household(index)
        assert {m.ssin for m in timeline[-1].members} == {m.ssin for m in household.members}
        for earlier, later in itertools.pairwise(timeline):
            assert earlier.period.end == later.period.start - dt.timedelta(days=1)
        assert len(timeline) >= len(residential_history(population, index))


def _plain_population(population, index: int) -> bool:  # type: ignore[no-untyped-def]
    return (population.replaced_by(index) is None and not population.is_deceased(index)
            and population.fault_of(index) is None
            and population.register_of(index) is Register.NR)


# --- end to end ---------------------------------------------------------------------------


@pytest.mark.e2e
def test_today_the_household_of_the_population(box: Sandbox, client: KszClient) -> None:
    population = box.population
    index = _index(box, lambda i: _plain(box, i) and len(population.household(i).members) >= 3)
    ssin = population.ssin_of(index)
    integrate(box, client, ssin)
    result = client.family.get(ssin.formatted)
    assert result.found and result.status.code == "MSG00000"
    assert len(result.compositions) == 1
    current = result.current
    assert current is not None and current.period.end is None and current.source is Source.RR
    household = population.household(index)
    assert [(m.ssin, m.relationship) for m in current.members] == \
        [(m.ssin, m.relationship) for m in household.members]
    head = current.head
    assert head is not None and head.ssin == household.head.ssin
    person = population.person(household.head.index)
    assert head.name == person.name and head.gender is person.gender
    assert head.address is not None and head.address.street == household.address.street
    assert result.receipt.ticket_cbss and result.receipt.ticket != result.receipt.ticket_cbss


@pytest.mark.e2e
def test_a_snapshot_before_the_current_household(box: Sandbox, client: KszClient) -> None:
    population = box.population
    index = _index(box, lambda i: _plain(box, i) and len(residential_history(population, i)) >= 3)
    history = residential_history(population, index)
    ssin = population.ssin_of(index)
    integrate(box, client, ssin)
    earlier = history[1]
    assert earlier.since is not None
    result = client.family.get(ssin, at=earlier.since + dt.timedelta(days=3))
    (snapshot,) = result.compositions
    assert [m.ssin for m in snapshot.members] == [ssin]
    assert snapshot.address is not None and snapshot.address.street == earlier.street
    assert snapshot.period.start == earlier.since
    assert snapshot.members[0].exit_date == snapshot.period.end


@pytest.mark.e2e
def test_a_history_since_a_date(box: Sandbox, client: KszClient) -> None:
    population = box.population
    index = _index(box, lambda i: _plain(box, i) and len(residential_history(population, i)) >= 3)
    ssin = population.ssin_of(index)
    integrate(box, client, ssin)
    result = client.family.get(ssin, since="1930-01-01")
    assert len(result.compositions) >= 3
    starts = [c.period.start for c in result.compositions]
    assert starts == sorted(starts)
    assert result.current is not None and result.current.period.end is None
    later = client.family.get(ssin, since=result.compositions[-2].period.start)
    assert later.compositions == result.compositions[-2:]


@pytest.mark.e2e
def test_a_child_born_later_starts_a_new_composition(box: Sandbox, client: KszClient) -> None:
    population = box.population
    index = _index(box, lambda i: _plain(box, i) and population.household(i).head.index == i
                   and any(m.since > population.household(i).since
                           for m in population.household(i).members))
    ssin = population.ssin_of(index)
    integrate(box, client, ssin)
    household = population.household(index)
    result = client.family.get(ssin, since=household.since)
    assert len(result.compositions) >= 2
    assert len(result.compositions[0]) < len(result.compositions[-1])


@pytest.mark.e2e
def test_no_household_for_a_bis_person(box: Sandbox, client: KszClient) -> None:
    index = _index(box, lambda i: box.population.register_of(i) is Register.BIS
                   and box.population.fault_of(i) is None)
    ssin = box.population.ssin_of(index)
    integrate(box, client, ssin)
    result = client.family.get(ssin)
    assert not result.found and result.current is None
    assert (result.status.value, result.status.code) == ("NO_DATA_FOUND", "MSG00100")


@pytest.mark.e2e
def test_a_deceased_person(box: Sandbox, client: KszClient) -> None:
    population = box.population
    index = _index(box, population.is_deceased)
    ssin = population.ssin_of(index)
    integrate(box, client, ssin)
    result = client.family.get(ssin)
    assert (result.status.value, result.status.code) == ("NO_DATA_FOUND", "MSG00009")
    died = population.death_date(index)
    assert died is not None
    history = client.family.get(ssin, since="1930-01-01")
    assert all(c.period.end is not None and c.period.end <= died for c in history.compositions)


@pytest.mark.e2e
def test_before_anything_the_registers_know(box: Sandbox, client: KszClient) -> None:
    index = _index(box, lambda i: _plain(box, i))
    ssin = box.population.ssin_of(index)
    integrate(box, client, ssin)
    result = client.family.get(ssin, at=box.population.birth_date(index))
    assert result.compositions == () and result.status.code == "MSG00100"


@pytest.mark.e2e
def test_replaced_and_unknown_ssins(box: Sandbox, client: KszClient) -> None:
    population = box.population
    index = _index(box, lambda i: population.replaced_by(i) is not None)
    old = population.ssin_of(index)
    integrate(box, client, old)
    with pytest.raises(SsinReplaced) as replaced:
        client.family.get(old)
    assert replaced.value.new_ssin == population.ssin_of(index + 1)
    unknown = make(dt.date(2004, 12, 30), 995, kind=SsinKind.TEST)
    integrate(box, client, unknown)
    with pytest.raises(UnknownSsin):
        client.family.get(unknown)


@pytest.mark.e2e
def test_finality_is_checked_on_both_sides(box: Sandbox, client: KszClient,
                                           capture: Capture) -> None:
    index = _index(box, lambda i: _plain(box, i) and i > 300)
    ssin = box.population.ssin_of(index)
    with pytest.raises(NotIntegrated) as local:
        client.family.get(ssin)
    assert local.value.ticket_cbss is None and capture.requests == []
    client.integrations.add(Integration(
        organisation=client.config.organisation.cbe_number or "", ssin=ssin, quality_code=2,
        start=dt.date(2020, 1, 1)))
    with pytest.raises(NotIntegrated) as remote:
        client.family.get(ssin)
    assert remote.value.code == "MSG00012" and remote.value.ticket_cbss
    assert len(capture.requests) == 1


@pytest.mark.e2e
def test_a_fault_of_the_service(box: Sandbox, client: KszClient) -> None:
    index = _index(box, lambda i: _plain(box, i) and i > 200)
    ssin = box.population.ssin_of(index)
    integrate(box, client, ssin)
    with box.fault("fault"), pytest.raises(KszFault) as caught:
        client.family.get(ssin)
    assert caught.value.code == "MSG00003" and caught.value.verified


def test_bad_input_raises_before_sending(box_config_path: Path) -> None:
    client, transport = offline(box_config_path)
    sent = transport.sent
    ssin = make(dt.date(1980, 1, 1), 1, kind=SsinKind.TEST)
    with pytest.raises(ValidationError, match="not both"):
        client.family.get(ssin, at="2020-01-01", since="2019-01-01")
    with pytest.raises(ValidationError, match="future"):
        client.family.get(ssin, at=dt.date.today() + dt.timedelta(days=30))
    with pytest.raises(ValidationError, match="future"):
        client.family.get(ssin, since=dt.date.today() + dt.timedelta(days=30))
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        client.family.get(ssin, at="01/02/2020")
    with pytest.raises(InvalidSsin):
        client.family.get("85073003329")
    assert sent == []


# --- contract -----------------------------------------------------------------------------


@pytest.mark.contracts
@pytest.mark.e2e
def test_requests_and_answers_follow_the_contract(box: Sandbox, client: KszClient,
                                                  capture: Capture,
                                                  official_contracts: Path) -> None:
    population = box.population
    index = _index(box, lambda i: _plain(box, i) and len(residential_history(population, i)) >= 2)
    ssin = population.ssin_of(index)
    integrate(box, client, ssin)
    client.family.get(ssin)
    client.family.get(ssin, at="2010-01-01")
    client.family.get(ssin, since="1950-01-01")
    bis = _index(box, lambda i: population.register_of(i) is Register.BIS
                 and population.fault_of(i) is None)
    integrate(box, client, population.ssin_of(bis))
    client.family.get(population.ssin_of(bis))
    ours = _contracts.schema("FamilyComposition")
    assert ours is not None
    official_common = _with_official_common(official_contracts)
    payloads = [_payload(b) for b in capture.requests + capture.responses]
    assert len(payloads) == 8
    for payload in payloads:
        assert etree.QName(payload).namespace == NS
        assert ours.validate(payload), ours.error_log
        assert official_common.validate(payload), official_common.error_log
        for child in payload.iterdescendants():
            assert etree.QName(child).namespace is None  # unqualified children


def _with_official_common(contracts: Path) -> etree.XMLSchema:
    """Our FamilyComposition schema with the official (newest) CommonV3 in place of ours."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_OfficialCommon(
        contracts / "set-b" / "be" / "fgov" / "kszbcss" / "types" / "common" / "CommonV3.xsd"))
    path = _contracts.schema_path("FamilyComposition")
    assert path is not None
    return etree.XMLSchema(etree.parse(str(path), parser))


@pytest.mark.contracts
def test_zeep_loads_the_wsdl_and_it_agrees_with_the_catalogue() -> None:
    service = catalogue.get("FamilyComposition")
    assert service.implemented and service.contract is catalogue.ContractStatus.MODELLED
    assert_wsdl_agrees(service, "FamilyComposition/FamilyCompositionV1.wsdl",
                       "FamilyCompositionService", "FamilyCompositionPort")


# --- command line -------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_command_in_json_and_for_people(box: Sandbox, audited_config: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    population = box.population
    index = _index(box, lambda i: _plain(box, i) and len(population.household(i).members) >= 2
                   and i > 100)
    ssin = population.ssin_of(index)
    with KszClient(KszConfig.load(audited_config, env={})) as plain:
        integrate(box, plain, ssin)
    context = ("--config", str(audited_config), "--user", "sw", "--legal-context",
               "PCSA:SOCIAL_INQUIRY")
    assert main([*context, "family", "get", ssin.formatted, "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    members = data["compositions"][0]["members"]
    household = population.household(index).members
    assert [m["ssin"] for m in members] == [str(m.ssin) for m in household]
    assert data["status"]["code"] == "MSG00000"
    assert main([*context, "family", "consult-family-composition", ssin, "--since",
                 "1950-01-01"]) == EXIT_OK
    out = capsys.readouterr().out
    assert str(population.person(index).name) in out and "ticketCBSS" in out
    bis = _index(box, lambda i: population.register_of(i) is Register.BIS
                 and population.fault_of(i) is None and i > 100)
    with KszClient(KszConfig.load(audited_config, env={})) as plain:
        integrate(box, plain, population.ssin_of(bis))
    assert main([*context, "family", "get", population.ssin_of(bis)]) == EXIT_BUSINESS
    assert "no household" in capsys.readouterr().out


@pytest.mark.e2e
def test_a_bis_person_the_sandbox_registered_has_no_household(box: Sandbox,
                                                              client: KszClient) -> None:
    registration = client.bis.register("Zqwertyxy", given_names="Tess", birth_date="1990-00-00",
                                       residence_country="111", residence_city="Paris",
                                       create_anyway=True)
    assert registration.ssin is not None
    integrate(box, client, registration.ssin)
    result = client.family.get(registration.ssin)
    assert (result.status.value, result.status.code) == ("NO_DATA_FOUND", "MSG00100")
    record = client.ti_groups.get(registration.ssin)
    assert record.record is None and record.status.code == "MSG00100"
