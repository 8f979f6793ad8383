"""SelfEmployed V2: mapping (unit), bad input, end to end against the sandbox, the official
contract (set-b) for what the SDK sends and what the sandbox answers, and the command."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _contracts, catalogue
from ksz_client._client import KszClient
from ksz_client._exceptions import (
    InvalidSsin,
    NotIntegrated,
    ResponseError,
    ValidationError,
)
from ksz_client.audit._guard import belgian_today
from ksz_client.cli import main
from ksz_client.sandbox import Sandbox
from ksz_client.sandbox.handlers import self_employed as handler
from ksz_client.services.self_employed import (
    Affiliation,
    Career,
    CareerSegment,
    Coded,
    ContributionsResult,
    Description,
    QuarterContribution,
    SocialInsuranceFund,
    _wire,
)
from ksz_client.ssin import SsinKind, make
from ksz_client.types import AnsweredSsin, Period, Quarter, Receipt, Status

from .official_helpers import (  # noqa: F401 - fixtures
    CONTEXT,
    SET_B,
    Capture,
    assert_fault_validates,
    assert_official_messages,
    assert_our_contract,
    assert_wsdl_agrees,
    box_config_path,
    capture,
    captured,
    cli_config,
    client,
    compare_types,
    index_where,
    integrate,
    official_wsdl_schema,
    offline,
    payloads,
    refuse_fault,
    refuse_not_integrated,
    refuse_other_context,
    refuse_unknown,
    replaced_index,
    retried,
)

SERVICE = catalogue.get("SelfEmployed")
NS = SERVICE.namespace
OFFICIAL_WSDL = f"{SET_B}/intf/SelfEmployed/SelfEmployedV2.wsdl"
# The KSZ counts days in Belgium; the client does too (KszClient._today).
TODAY = belgian_today(dt.datetime.now(dt.UTC))


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def box() -> Iterator[Sandbox]:
    """A sandbox of this module's own: its repertory is not shared with other tests."""
    with Sandbox(seed=11, persons=400) as running:
        yield running


def _self_employed(box: Sandbox, *, regular: bool | None = None) -> int:
    def wanted(i: int) -> bool:
        periods = box.population.facts(i).self_employment
        return bool(periods) and (regular is None or any(
            p.contributions_paid_regularly is regular for p in periods))

    return index_where(box, wanted)


# --- mapping (unit) ------------------------------------------------------------------------


def _coded(code: str, nl: str = "nl", fr: str | None = "fr") -> Coded:
    return Coded(code, (Description("NL", nl), *((Description("FR", fr),) if fr else ())))


def _career() -> Career:
    return Career(
        nisse_reference="NISSE0000000001",
        enterprise_number="0123456749",
        occupation=_coded("471100", "Kleinhandel", "Commerce"),
        affiliations=(
            Affiliation(
                fund=SocialInsuranceFund("306", "0300030601"),
                signature_date=dt.date(2001, 1, 2),
                segments=(
                    CareerSegment(Period(dt.date(2001, 1, 15), dt.date(2010, 6, 30)),
                                  _coded("102"), _coded("110"), _coded("120", "gelijkstelling")),
                    CareerSegment(Period(dt.date(2010, 7, 1)), _coded("101", fr=None),
                                  _coded("110")),
                ),
            ),
            Affiliation(fund=SocialInsuranceFund("301"), segments=(
                CareerSegment(Period(dt.date(1999, 1, 1), dt.date(1999, 12, 31)),
                              _coded("101"), _coded("111")),
            )),
        ),
    )


def test_career_round_trips_through_the_wire_mapping() -> None:
    career = _career()
    parent = etree.Element("response")
    _wire.write_career(parent, career)
    assert _wire.read_career(parent[0]) == career
    assert career.active
    assert [s.period.start.year for s in career.segments] == [1999, 2001, 2010]


def test_contributions_round_trip_and_lookup_by_quarter() -> None:
    items = (
        QuarterContribution(Quarter(2025, 1), SocialInsuranceFund("306", "0300030601"),
                            _coded("01", "Betaald", "Payées"), _coded("1")),
        QuarterContribution(Quarter(2025, 2), SocialInsuranceFund("306"), _coded("02")),
    )
    parent = etree.Element("response")
    _wire.write_contributions(parent, items)
    assert _wire.read_contributions(parent) == items
    result = ContributionsResult(items, Status("DATA_FOUND", "MSG00000"),
                                 Receipt("t", None, dt.datetime.now(dt.UTC)))
    found = result.of("2025Q2")
    assert found is not None and found.situation.code == "02"
    assert result.of(Quarter(2024, 4)) is None
    empty = etree.Element("response")
    _wire.write_contributions(empty, ())
    assert len(empty) == 0 and _wire.read_contributions(empty) == ()


def test_the_text_of_contributions() -> None:
    from ksz_client.services.self_employed._text import contributions

    receipt = Receipt("t", None, dt.datetime.now(dt.UTC))
    text = contributions(ContributionsResult((QuarterContribution(
        Quarter(2025, 1), SocialInsuranceFund("306", "0300030601"),
        _coded("02", "Niet betaald")),), Status("DATA_FOUND", "MSG00000"), receipt))
    assert "2025Q1   306 (0300030601)  02 Niet betaald" in text
    assert contributions(ContributionsResult((), Status("NO_DATA_FOUND", "MSG00100"),
                                             receipt)) == "no contributions known (MSG00100)"


def test_criteria_are_written_and_read_back() -> None:
    ssin = make(dt.date(1980, 1, 1), 1, kind=SsinKind.TEST)
    for period in (None, Period(dt.date(2020, 1, 1)), Period(dt.date(2020, 1, 1),
                                                            dt.date(2021, 1, 1))):
        payload = etree.Element("req")
        _wire.write_career_criteria(payload, ssin, period)
        assert _wire.read_career_criteria(payload) == (ssin, period)
    for end in (None, Quarter(2025, 4)):
        payload = etree.Element("req")
        _wire.write_contributions_criteria(payload, ssin, Quarter(2025, 1), end)
        assert _wire.read_contributions_criteria(payload) == (ssin, Quarter(2025, 1), end)


def test_answered_ssin_round_trips() -> None:
    old = make(dt.date(1980, 1, 1), 1, kind=SsinKind.TEST)
    new = make(dt.date(1980, 1, 1), 3, kind=SsinKind.TEST)
    for answered in (AnsweredSsin(new, replaces=old), AnsweredSsin(old, canceled=True)):
        parent = etree.Element("response")
        _wire.write_answered_ssin(parent, answered)
        assert _wire.read_answered_ssin(parent) == answered
    assert AnsweredSsin(new, replaces=old).current == new
    assert str(old) not in repr(AnsweredSsin(new, replaces=old))
    assert _wire.read_answered_ssin(etree.Element("response")) is None


def test_coded_descriptions() -> None:
    coded = _coded("101", "Hoofdberoep", "Activité principale")
    assert coded.description("FR") == "Activité principale"
    assert coded.description("DE") == "Hoofdberoep"  # the first one when the language lacks
    assert str(coded) == "101 Hoofdberoep"
    assert Coded("999").description() is None and str(Coded("999")) == "999"


def test_reading_ignores_unknown_elements_and_requires_known_ones() -> None:
    parent = etree.Element("response")
    el = _wire.write_career(parent, _career())
    etree.SubElement(el, "{urn:future}newBlock").text = "later"
    assert _wire.read_career(el).nisse_reference == "NISSE0000000001"
    el.remove(el.find("nisseReference"))
    with pytest.raises(ResponseError, match="nisseReference"):
        _wire.read_career(el)
    el = _wire.write_career(etree.Element("response"), _career())
    segment = el.find("affiliations/affiliation/careerSegments/careerSegment")
    segment.remove(segment.find("selfEmployedQuality"))
    with pytest.raises(ResponseError, match="selfEmployedQuality"):
        _wire.read_career(el)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r.find("contributions/contribution/quarter").__setattr__("text", "2025-1"),
         "YYYYQn"),
        (lambda r: r.find("ssin").__setattr__("text", "12345678901"), "SSIN"),
    ],
)
def test_reading_rejects_malformed_values(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    root = etree.Element("response")
    _wire.write_answered_ssin(root, AnsweredSsin(make(dt.date(1980, 1, 1), 1,
                                                      kind=SsinKind.TEST)))
    _wire.write_contributions(root, (QuarterContribution(
        Quarter(2025, 1), SocialInsuranceFund("306"), _coded("01")),))
    mutate(root)
    with pytest.raises(ResponseError, match=message):
        _wire.read_contributions(root)
        _wire.read_answered_ssin(root)


def test_a_reversed_period_in_the_answer_is_a_response_error() -> None:
    career = _career()
    el = _wire.write_career(etree.Element("response"), career)
    period = el.find("affiliations/affiliation/careerSegments/careerSegment/period")
    period.find("endDate").text = "1990-01-01"
    with pytest.raises(ResponseError, match="ends before"):
        _wire.read_career(el)


# --- bad input: refused before anything is sent ---------------------------------------------


@pytest.mark.parametrize(
    ("method", "kwargs", "error", "message"),
    [
        ("career", {"ssin": "85073003329"}, InvalidSsin, "check digits|mod 97|invalid"),
        ("career", {"end": "2024-01-01"}, ValidationError, "needs a period start"),
        ("career", {"start": "2024-02-01", "end": "2024-01-01"}, ValidationError, "before"),
        ("career", {"start": "01/02/2024"}, ValidationError, "YYYY-MM-DD"),
        ("contributions", {"start": "2024-1"}, ValidationError, "YYYYQn"),
        ("contributions", {"start": str(Quarter.of(TODAY).next())}, ValidationError, "future"),
        ("contributions", {"start": "2024Q3", "end": "2024Q2"}, ValidationError, "before"),
        ("contributions", {"start": "2010Q1", "end": "2019Q4"}, None, ""),
        ("contributions", {"start": "2010Q1", "end": "2020Q1"}, ValidationError, "40"),
        ("contributions", {"start": "2000Q1"}, ValidationError, "40"),
    ],
)
def test_bad_input_is_refused_before_sending(
    box_config_path: Path, method: str, kwargs: dict[str, str],
    error: type[Exception] | None, message: str,
) -> None:
    client, transport = offline(box_config_path)
    args = dict(kwargs)
    ssin = args.pop("ssin", str(make(dt.date(1980, 1, 1), 1, kind=SsinKind.TEST)))
    call = getattr(client.self_employed, method)
    if error is None:
        # Exactly 40 quarters is allowed: it reaches the finality guard (nothing integrated).
        with pytest.raises(NotIntegrated):
            call(ssin, **args)
    else:
        with pytest.raises(error, match=message):
            call(ssin, **args)
    assert transport.sent == []


# --- end to end ---------------------------------------------------------------------------


@pytest.mark.e2e
def test_career_of_a_self_employed_person(client: KszClient, box: Sandbox) -> None:
    index = _self_employed(box)
    ssin = box.population.ssin_of(index)
    integrate(box, client, ssin)
    result = client.self_employed.career(ssin.formatted)
    assert result.found and result.status.code == "MSG00000"
    facts = box.population.facts(index).self_employment
    assert result.career == handler.career_of(index, facts)
    assert result.career is not None
    assert [s.period for s in result.career.segments] == [p.period for p in facts]
    assert result.ssin == AnsweredSsin(ssin)
    assert result.receipt.ticket_cbss and result.receipt.ticket != result.receipt.ticket_cbss


@pytest.mark.e2e
def test_career_period_filter_and_no_career(client: KszClient, box: Sandbox) -> None:
    index = _self_employed(box)
    ssin = box.population.ssin_of(index)
    integrate(box, client, ssin)
    first = min(p.period.start for p in box.population.facts(index).self_employment)
    before = client.self_employed.career(ssin, start=first - dt.timedelta(days=900),
                                         end=first - dt.timedelta(days=1))
    assert before.career is None and not before.found
    assert (before.status.value, before.status.code) == ("NO_DATA_FOUND", "MSG00100")
    during = client.self_employed.career(ssin, start=first)
    assert during.found
    employee = index_where(box, lambda i: not box.population.facts(i).self_employment)
    other = box.population.ssin_of(employee)
    integrate(box, client, other)
    nothing = client.self_employed.career(other)
    assert nothing.career is None and nothing.status.value == "NO_DATA_FOUND"
    none = client.self_employed.contributions(other)
    assert none.contributions == () and none.status.code == "MSG00100"


@pytest.mark.e2e
@pytest.mark.parametrize("regular", [True, False])
def test_contributions_follow_the_facts(client: KszClient, box: Sandbox, regular: bool) -> None:
    index = _self_employed(box, regular=regular)
    ssin = box.population.ssin_of(index)
    integrate(box, client, ssin)
    current = Quarter.of(TODAY)
    start = Quarter(current.year - 4, current.quarter)
    result = client.self_employed.contributions(ssin, start=start)
    facts = box.population.facts(index).self_employment
    assert result.contributions == handler.contributions_of(index, facts, start, current, TODAY)
    assert result.contributions and result.status.code == "MSG00000"
    codes = {c.situation.code for c in result.contributions if c.quarter != current}
    assert result.contributions[-1].situation.code == "04"  # the current quarter is not due yet
    assert codes == {"01"} if regular else codes & {"02", "03"}
    default = client.self_employed.contributions(ssin)
    assert [c.quarter for c in default.contributions][-1] == current
    assert len(default.contributions) <= 4


@pytest.mark.e2e
def test_a_replaced_ssin_is_answered_for_the_current_one(client: KszClient, box: Sandbox) -> None:
    population = box.population
    old = replaced_index(box)
    new = population.replaced_by(old)
    assert new is not None
    integrate(box, client, population.ssin_of(old))
    result = client.self_employed.career(population.ssin_of(old))
    assert result.ssin == AnsweredSsin(population.ssin_of(new), replaces=population.ssin_of(old))
    assert result.ssin is not None and result.ssin.current == population.ssin_of(new)
    assert result.found == bool(population.facts(new).self_employment)


@pytest.mark.e2e
def test_an_unknown_ssin(client: KszClient, box: Sandbox) -> None:
    refuse_unknown(box, client, client.self_employed.contributions)


@pytest.mark.e2e
def test_finality_without_integration_and_with_the_client_side_only(
    client: KszClient, box: Sandbox, capture: Capture,
) -> None:
    refuse_not_integrated(box, client, capture, client.self_employed.career,
                          predicate=lambda i: bool(box.population.facts(i).self_employment))
    assert len(capture.requests) == 1


@pytest.mark.e2e
def test_a_legal_context_the_service_refuses(client: KszClient, box: Sandbox) -> None:
    ssin = box.population.ssin_of(_self_employed(box))
    integrate(box, client, ssin)
    refuse_other_context(client.self_employed.career, ssin)


@pytest.mark.e2e
def test_faults_and_a_retried_consultation(client: KszClient, box: Sandbox,
                                           capture: Capture) -> None:
    ssin = box.population.ssin_of(_self_employed(box))
    integrate(box, client, ssin)
    refuse_fault(box, client.self_employed.career, ssin)
    assert retried(box, client.self_employed.contributions, ssin, "reset").contributions
    assert len(capture.requests) == 3


def _back(quarters: int) -> Quarter:
    current = Quarter.of(TODAY)
    index = current.year * 4 + current.quarter - 1 - quarters
    return Quarter(index // 4, index % 4 + 1)


# --- contracts ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def traffic(box: Sandbox, box_config_path: Path) -> Capture:
    """Requests and answers of every shape: data, no data, NO_RESULT, with a period or not."""
    def exercise(client: KszClient) -> None:
        population = box.population
        employee = index_where(box, lambda i: not population.facts(i).self_employment)
        people = (_self_employed(box, regular=False), replaced_index(box), employee)
        for i in people:
            integrate(box, client, population.ssin_of(i))
        for i in people:
            ssin = population.ssin_of(i)
            client.self_employed.career(ssin)
            client.self_employed.career(ssin, start="2015-01-01", end="2020-12-31")
            client.self_employed.contributions(ssin, start=_back(39))
            client.self_employed.contributions(ssin, start="2024Q1", end="2025Q2")
        refuse_unknown(box, client, client.self_employed.career)

    return captured(box_config_path, exercise)


def test_messages_validate_against_our_contract(traffic: Capture) -> None:
    assert assert_our_contract("SelfEmployed", traffic) == 26


@pytest.mark.contracts
def test_messages_validate_against_the_official_contract(
    traffic: Capture, official_contracts: Path,
) -> None:
    schema = official_wsdl_schema(official_contracts, OFFICIAL_WSDL)
    requests, responses = assert_official_messages(schema, traffic, NS)
    assert len(requests) == len(responses) == 13
    assert {etree.QName(r).localname for r in responses} == {
        "consultCareerResponse", "consultContributionsResponse"}
    assert any(r.find("career") is not None for r in responses)
    assert any(r.find("contributions") is not None for r in responses)


@pytest.mark.contracts
def test_a_fault_validates_against_the_official_contract(
    client: KszClient, box: Sandbox, capture: Capture, official_contracts: Path,
) -> None:
    ssin = box.population.ssin_of(_self_employed(box))
    integrate(box, client, ssin)
    assert_fault_validates(box, capture, client.self_employed.career, ssin,
                           official_wsdl_schema(official_contracts, OFFICIAL_WSDL))


@pytest.mark.contracts
def test_the_official_check_can_fail(traffic: Capture, official_contracts: Path) -> None:
    schema = official_wsdl_schema(official_contracts, OFFICIAL_WSDL)
    response = next(r for r in payloads(traffic.responses) if r.find("career") is not None)
    response.find("career/affiliations/affiliation/socialInsuranceFund/code").text = "30"
    assert not schema.validate(response)


@pytest.mark.contracts
def test_our_types_are_the_official_ones(official_contracts: Path) -> None:
    compare_types(
        _contracts.WSDL_DIR / "types/SelfEmployed/SelfEmployedTypesV2.xsd",
        official_contracts / f"{SET_B}/types/SelfEmployed/SelfEmployedTypesV2.xsd",
        restated=frozenset({"OpenQuarterPeriodType", "DataFiltersType"}),
    )
    compare_types(
        _contracts.WSDL_DIR / "types/rsvz-inasti/SelfEmployed/common/"
        "SelfEmployedCommonTypesV1.xsd",
        official_contracts / "set-b/be/fgov/rsvz-inasti/types/SelfEmployed/common/"
        "SelfEmployedCommonTypesV1.xsd",
        restated=frozenset({"EnterpriseNumberType", "YearQuarterType", "BaseDescriptionType"}),
    )


def test_zeep_loads_our_wsdl_and_it_agrees_with_the_catalogue() -> None:
    assert_wsdl_agrees(SERVICE, "SelfEmployed/SelfEmployedV2.wsdl", "SelfEmployedService",
                       "SelfEmployedPull")


# --- command line ---------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_commands(box: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index = _self_employed(box)
    ssin = box.population.ssin_of(index)
    config = str(cli_config(box, tmp_path, ssin))
    assert main(["--config", config, *CONTEXT, "self_employed", "career", ssin.formatted,
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["career"]["nisse_reference"] == f"NISSE{index:010d}"
    assert data["status"]["code"] == "MSG00000"
    assert main(["--config", config, *CONTEXT, "self_employed", "consult-contributions",
                 str(ssin), "--start", "2025Q1"]) == 0
    out = capsys.readouterr().out
    assert "2025Q1" in out and "MSG00000" in out
    employee = index_where(box, lambda i: not box.population.facts(i).self_employment)
    other = box.population.ssin_of(employee)
    (tmp_path / "other").mkdir()
    config = str(cli_config(box, tmp_path / "other", other))
    assert main(["--config", config, *CONTEXT, "self_employed", "career", str(other)]) == 1
    assert main(["--config", config, *CONTEXT, "self_employed", "contributions", str(other),
                 "--start", "1999Q1"]) == 2  # more than 40 quarters: a usage error
    capsys.readouterr()
