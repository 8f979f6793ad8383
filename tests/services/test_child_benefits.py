"""ChildBenefits V1: mapping, one call per source and the merge, end to end against a sandbox,
contract, CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import (
    InvalidSsin,
    KszFault,
    NotAuthorized,
    NotIntegrated,
    ResponseError,
    SsinReplaced,
    UnknownSsin,
    ValidationError,
)
from ksz_client.audit import Integration
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK, main
from ksz_client.sandbox import SANDBOX_CBE_NUMBER
from ksz_client.sandbox.facts import Facts
from ksz_client.services.child_benefits import (
    AuthenticSource,
    BenefitRole,
    ChildBenefitFile,
    FileMember,
    _wire,
)
from ksz_client.ssin import SsinKind, make
from ksz_client.types import CallContext, Month

from .official_helpers import (
    assert_both_contracts,
    assert_unqualified,
    assert_wsdl_agrees,
    service_payloads,
)
from .sandbox_world import World, integrate, ocmw, person, world  # noqa: F401 - fixtures

SERVICE = catalogue.get("ChildBenefits")
CHILD = make(dt.date(2010, 4, 5), 3, kind=SsinKind.TEST)
PARENT = make(dt.date(1980, 2, 3), 2, kind=SsinKind.TEST)


def parent_with_children(world: World) -> int:
    """A head of household or partner with a file, living with children."""
    population = world.sandbox.population

    def fits(i: int, f: Facts) -> bool:
        household = population.household(i)
        return (bool(f.child_benefits) and household.member(i).relationship in ("01", "02")
                and any(m.relationship == "03" for m in household.members))

    return person(world, fits, has_child_benefits=True)


class _Refuse:
    def handle(self, request: object) -> object:
        raise AssertionError("nothing may be sent")

    def close(self) -> None:
        pass


# --- mapping (unit) ---------------------------------------------------------------------------

FILE = ChildBenefitFile(
    source=AuthenticSource.BRUSSELS, file_number="CB000123450", role=BenefitRole.ALLOCATED,
    start_month=Month(2019, 9), end_month=Month(2025, 8), payment_fund="Parentia Brussels",
    members=(FileMember(PARENT, BenefitRole.ATTRIBUTED, Month(2019, 9)),
             FileMember(CHILD, BenefitRole.BENEFICIARY_CHILD)),
)


@pytest.mark.parametrize("file", [
    FILE,
    ChildBenefitFile(AuthenticSource.FEDERAL, "F1", BenefitRole.BENEFICIARY_CHILD, Month(2010, 1)),
], ids=["full", "bare"])
def test_file_round_trips_through_the_wire_mapping(file: ChildBenefitFile) -> None:
    parent = etree.Element("result")
    _wire.write_file(parent, file)
    assert _wire.read_file(parent[0]) == file


def test_criteria_round_trip_one_source_a_call() -> None:
    criteria = _wire.Criteria("85073003328", Month(2024, 1), Month(2024, 12),
                              AuthenticSource.EASTBELGIUM)
    payload = etree.Element("req")
    _wire.write_criteria(payload, criteria)
    assert len(payload.findall("criteria/authenticSources/authenticSource")) == 1
    assert _wire.read_criteria(payload) == criteria


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [
        ("familyComposition/member/ssin", "12345678901", "SSIN"),
        ("familyComposition/member/role", "UNCLE", "role"),
        ("role", "GRANDPARENT", "role"),
        ("authenticSource", "MARS", "authentic source"),
        ("period/beginMonth", "2019-9", "month"),
    ],
)
def test_malformed_answers_are_response_errors(path: str, text: str, message: str) -> None:
    parent = etree.Element("result")
    _wire.write_file(parent, FILE)
    parent[0].find(path).text = text
    with pytest.raises(ResponseError, match=message):
        _wire.read_file(parent[0])


def test_extras_are_ignored_and_helpers_work() -> None:
    parent = etree.Element("result")
    _wire.write_file(parent, FILE)
    etree.SubElement(parent[0], "amounts").text = "not in the cadastre"
    assert _wire.read_file(parent[0]) == FILE
    assert FILE.children == (FILE.members[1],)
    assert AuthenticSource.parse("east-belgium") is AuthenticSource.EASTBELGIUM
    assert AuthenticSource.parse(" flanders ") is AuthenticSource.FLANDERS
    with pytest.raises(ValidationError, match="known"):
        AuthenticSource.parse("MARS")
    assert str(CHILD) not in repr(FILE)


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"ssin": "85073003329"}, InvalidSsin, None),
        ({"sources": ["MARS"]}, ValidationError, "authentic source"),
        ({"sources": "FLANDERS, MARS"}, ValidationError, "authentic source"),
        ({"begin_month": "2024-06", "end_month": "2024-05"}, ValidationError, "before"),
        ({"begin_month": "2024/06"}, ValidationError, "YYYY-MM"),
    ],
)
def test_bad_input_raises_before_sending(world: World, kwargs: dict[str, object],
                                         error: type[Exception], message: str | None) -> None:
    config = KszConfig.load(world.config_path, env={})
    client = KszClient(config, transport=_Refuse()).acting_for(user="u")  # type: ignore[arg-type]
    ssin = kwargs.pop("ssin", "85073003328")
    with pytest.raises(error, match=message):
        client.child_benefits.files(ssin, **kwargs)  # type: ignore[arg-type]


# --- end to end --------------------------------------------------------------------------------


@pytest.mark.e2e
def test_every_source_is_asked_and_the_files_merged(world: World, ocmw: KszClient) -> None:
    index = parent_with_children(world)
    population = world.sandbox.population
    ssin = population.ssin_of(index)
    fact = population.facts(index).child_benefits[0]
    integrate(world, ocmw, ssin)
    sent = len(world.requests)
    result = ocmw.child_benefits.files(ssin, begin_month="2000-01")
    assert len(world.requests) == sent + 5
    assert [a.source for a in result.answers] == list(AuthenticSource)
    assert len({a.receipt.ticket for a in result.answers}) == 5
    assert {a.source: a.status.code for a in result.answers} == {
        s: ("MSG00000" if s.value == fact.authentic_source else "MSG00100")
        for s in AuthenticSource}
    assert result.found and result.status.code == "MSG00000"
    assert result.receipt == result.answers[0].receipt
    own = next(f for f in result.files if f.members[0].ssin == ssin)
    assert own.role is BenefitRole.ATTRIBUTED and own.source.value == fact.authentic_source
    assert own.start_month == Month.parse(fact.period.start) and own.end_month is None
    household = population.household(index)
    children = {m.ssin for m in household.members if m.relationship == "03"}
    assert {m.ssin for m in own.children} == children
    assert result.from_source(fact.authentic_source) == result.files
    sequential = ocmw.child_benefits.files(ssin, begin_month="2000-01", sequential=True)
    assert sequential.files == result.files


@pytest.mark.e2e
def test_the_child_and_the_partner_see_the_file_with_their_role(world: World,
                                                               ocmw: KszClient) -> None:
    index = parent_with_children(world)
    population = world.sandbox.population
    household = population.household(index)
    fact = population.facts(index).child_benefits[0]
    for member in household.members:
        if member.index == index or member.relationship not in ("01", "02", "03"):
            continue
        integrate(world, ocmw, member.ssin)
        result = ocmw.child_benefits.files(member.ssin, sources=[fact.authentic_source],
                                           begin_month="2000-01")
        assert len(result.answers) == 1
        file = next(f for f in result.files if f.members[0].ssin == population.ssin_of(index))
        expected = (BenefitRole.BENEFICIARY_CHILD if member.relationship == "03"
                    else BenefitRole.ALLOCATED)
        assert file.role is expected


@pytest.mark.e2e
def test_no_file_in_the_months_or_at_the_source(world: World, ocmw: KszClient) -> None:
    index = parent_with_children(world)
    population = world.sandbox.population
    ssin = population.ssin_of(index)
    fact = population.facts(index).child_benefits[0]
    integrate(world, ocmw, ssin)
    start = Month.parse(fact.period.start)
    before = ocmw.child_benefits.files(ssin, sources=fact.authentic_source,
                                       begin_month=Month(start.year - 2, 1),
                                       end_month=Month(start.year - 1, 12))
    assert not before.found and before.status.code == "MSG00100"
    other = next(s for s in AuthenticSource if s.value != fact.authentic_source)
    elsewhere = ocmw.child_benefits.files(ssin, sources=(other,), begin_month="2000-01")
    assert elsewhere.files == () and elsewhere.status.value == "NO_DATA_FOUND"
    nobody = population.ssin_of(person(world, lambda i, f: True, has_child_benefits=False,
                                       relationship="01", household_size=1))
    integrate(world, ocmw, nobody)
    none = ocmw.child_benefits.files(nobody)
    assert none.files == () and all(a.status.code == "MSG00100" for a in none.answers)


@pytest.mark.e2e
def test_a_failing_source_fails_the_call_after_all_were_asked(world: World,
                                                             ocmw: KszClient) -> None:
    index = parent_with_children(world)
    ssin = world.sandbox.population.ssin_of(index)
    integrate(world, ocmw, ssin)
    sent = len(world.requests)
    with world.sandbox.fault("fault", times=1), pytest.raises(KszFault) as caught:
        ocmw.child_benefits.files(ssin)
    assert caught.value.code == "MSG00003"
    assert len(world.requests) == sent + 5  # the other sources were asked all the same


@pytest.mark.e2e
def test_unknown_replaced_finality_and_legal_context(world: World, ocmw: KszClient) -> None:
    unknown = make(dt.date(2004, 12, 30), 995, kind=SsinKind.TEST)
    integrate(world, ocmw, unknown)
    with pytest.raises(UnknownSsin):
        ocmw.child_benefits.files(unknown, sources="FLANDERS")
    population = world.sandbox.population
    old = next(i for i in range(population.size) if population.replaced_by(i) is not None)
    integrate(world, ocmw, population.ssin_of(old))
    with pytest.raises(SsinReplaced):
        ocmw.child_benefits.files(population.ssin_of(old))
    ssin = population.ssin_of(person(world, lambda i, f: True, integrated=False))
    sent = len(world.requests)
    with pytest.raises(NotIntegrated) as local:
        ocmw.child_benefits.files(ssin)
    assert local.value.ticket_cbss is None and len(world.requests) == sent
    ocmw.integrations.add(Integration(organisation=SANDBOX_CBE_NUMBER, ssin=ssin,
                                      quality_code=2, start=dt.date(2020, 1, 1)))
    with pytest.raises(NotIntegrated) as remote:
        ocmw.child_benefits.files(ssin, sources="WALLONIA")
    assert remote.value.code == "MSG00012" and remote.value.ticket_cbss
    world.sandbox.integrate(ssin)
    with pytest.raises(NotAuthorized):
        ocmw.child_benefits.files(ssin, sources="WALLONIA", context=CallContext(
            legal_context="SOCIAL_INVESTIGATION_OF_PCSA"))


# --- contract ------------------------------------------------------------------------------------


@pytest.mark.contracts
@pytest.mark.e2e
def test_requests_and_responses_validate_against_our_contract_and_official_commonv3(
    world: World, ocmw: KszClient, official_contracts: Path,
) -> None:
    ssin = world.sandbox.population.ssin_of(parent_with_children(world))
    integrate(world, ocmw, ssin)
    ocmw.child_benefits.files(ssin, begin_month="2000-01")
    payloads = service_payloads(world.requests + world.responses, SERVICE.namespace)
    assert len(payloads) >= 10
    assert any(p.find("result/file/familyComposition") is not None for p in payloads)
    assert_both_contracts(official_contracts, SERVICE.name, payloads)
    assert_unqualified(service_payloads(world.requests, SERVICE.namespace))


@pytest.mark.contracts
def test_zeep_loads_our_wsdl_and_it_agrees_with_the_catalogue() -> None:
    assert_wsdl_agrees(SERVICE, "ChildBenefitsService/ChildBenefitsV1.wsdl",
                       "ChildBenefitsService", "ChildBenefitsServicePort")


# --- command line --------------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_generated_command(world: World, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    index = parent_with_children(world)
    population = world.sandbox.population
    ssin = str(population.ssin_of(index))
    fact = population.facts(index).child_benefits[0]
    config = tmp_path / "ksz.toml"
    config.write_text(world.config_path.read_text()
                      + f'\n[audit]\npath = "{tmp_path / "audit.sqlite3"}"\n')
    for name in ("client-key.pem", "client-cert.pem", "sandbox-signing-cert.pem"):
        (tmp_path / name).write_bytes((world.config_path.parent / name).read_bytes())
    with KszClient(KszConfig.load(config, env={})) as setup:
        integrate(world, setup, ssin)
    code = main(["--config", str(config), "--user", "sw-cli", "child_benefits", "files", ssin,
                 "--source", fact.authentic_source, "--source", "FEDERAL",
                 "--begin-month", "2000-01", "--json"])
    out, err = capsys.readouterr()
    assert (code, err) == (EXIT_OK, "")
    data = json.loads(out)
    assert [a["source"] for a in data["answers"]] == [fact.authentic_source, "FEDERAL"]
    assert any(f["role"] == "ATTRIBUTED" for f in data["files"])
    code = main(["--config", str(config), "--user", "sw-cli", "child_benefits",
                 "consult-files-by-ssin", ssin, "--source", "FEDERAL", "--sequential"])
    out, _ = capsys.readouterr()
    assert code == EXIT_BUSINESS and "MSG00100" in out


def test_the_human_output_lists_sources_and_files() -> None:
    from ksz_client.cli._render import render
    from ksz_client.services.child_benefits import ChildBenefitsResult, SourceAnswer
    from ksz_client.types import Receipt, Status

    receipt = Receipt("t", "c", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    found, none = Status("DATA_FOUND", "MSG00000"), Status("NO_DATA_FOUND", "MSG00100")
    result = ChildBenefitsResult(
        files=(FILE,),
        answers=(SourceAnswer(AuthenticSource.FLANDERS, (), none, receipt),
                 SourceAnswer(AuthenticSource.BRUSSELS, (FILE,), found, receipt)),
        begin_month=Month(2019, 1), end_month=Month(2025, 12), status=found, receipt=receipt)
    text = render(result)
    assert "FLANDERS     NO_DATA_FOUND MSG00100" in text
    assert "file CB000123450 at BRUSSELS, ALLOCATED, 2019-09 - 2025-08" in text
    assert CHILD.formatted in text and "BENEFICIARY_CHILD" in text
