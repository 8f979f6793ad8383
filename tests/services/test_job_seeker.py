"""JobSeeker V1: mapping (unit), bad input, end to end against the sandbox, the official
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
    ResponseError,
    ValidationError,
)
from ksz_client.audit._guard import belgian_today
from ksz_client.cli import main
from ksz_client.sandbox import Sandbox
from ksz_client.sandbox.handlers import job_seeker as handler
from ksz_client.services.job_seeker import (
    Category,
    Contact,
    Description,
    Inscription,
    JobSeekerResult,
    Phone,
    PublicEmploymentService,
    ServiceResult,
    SourceStatus,
    SourceStatusValue,
    _wire,
)
from ksz_client.ssin import SsinKind, make
from ksz_client.types import (
    Address,
    AddressKind,
    AnsweredSsin,
    Information,
    Period,
    Receipt,
    Status,
)

from .official_helpers import (  # noqa: F401 - fixtures
    CONTEXT,
    SET_B,
    Capture,
    assert_fault_validates,
    assert_official_messages,
    assert_our_contract,
    assert_refusals,
    assert_wsdl_agrees,
    box_config_path,
    capture,
    captured,
    cli_config,
    client,
    compare_types,
    index_where,
    integrate,
    official_xsd_schema,
    offline,
    refuse_unknown,
    replaced_index,
)

SERVICE = catalogue.get("JobSeeker")
NS = SERVICE.namespace
OFFICIAL_XSD = f"{SET_B}/types/JobSeeker/JobSeekerV1.xsd"
# The KSZ counts days in Belgium; the client does too (KszClient._today).
TODAY = belgian_today(dt.datetime.now(dt.UTC))
PES = PublicEmploymentService


@pytest.fixture(scope="module")
def box() -> Iterator[Sandbox]:
    """A sandbox of this module's own: its repertory is not shared with other tests."""
    with Sandbox(seed=12, persons=400) as running:
        yield running


def _job_seeker(box: Sandbox) -> int:
    return index_where(box, lambda i: bool(box.population.facts(i).job_seeker))


# --- mapping (unit) ------------------------------------------------------------------------


def _status(value: SourceStatusValue, code: str = "MSG00000") -> SourceStatus:
    return SourceStatus(value, code, "text", (Information("source", "VDAB"),))


def _services() -> tuple[ServiceResult, ...]:
    contact = Contact(
        address=Address(AddressKind.CONTACT, "Kerkstraat", "12", "3", "2000", "Antwerpen",
                        "11002", "150"),
        phones=(Phone("0470123456", fixed=False), Phone("032345678", fixed=True)),
        email="jan.peeters@example.be",
        updated=dt.datetime(2025, 3, 1, 10, 30, tzinfo=dt.UTC),
    )
    return (
        ServiceResult(PES.VDAB, _status(SourceStatusValue.DATA_FOUND), contact, (
            Inscription(dt.datetime(2024, 1, 2, 9, 0, tzinfo=dt.UTC),
                        (Category("VDAB001", (Description("NL", "Werkzoekende"),)),),
                        (Category("010"),), dt.date(2024, 1, 2)),
            Inscription(dt.datetime(2025, 1, 2, 9, 0, tzinfo=dt.UTC),
                        (Category("VDAB099"), Category("VDAB002"))),
        )),
        ServiceResult(PES.FOREM, _status(SourceStatusValue.NO_DATA_FOUND, "MSG00100")),
        ServiceResult(PES.ACTIRIS, _status(SourceStatusValue.TECHNICAL_ERROR, "MSG00002")),
        ServiceResult(PES.ADG, _status(SourceStatusValue.DATA_FOUND),
                      Contact(foreign_address="Hauptstrasse 1, 52062 Aachen"),
                      (Inscription(dt.datetime(2023, 5, 1, tzinfo=dt.UTC),
                                   (Category("ADG001"),)),)),
    )


def test_results_round_trip_through_the_wire_mapping() -> None:
    services = _services()
    parent = etree.Element("response")
    _wire.write_services(parent, services)
    assert _wire.read_services(parent) == services
    empty = etree.Element("response")
    _wire.write_services(empty, ())
    assert len(empty) == 0 and _wire.read_services(empty) == ()


def test_criteria_are_written_and_read_back() -> None:
    ssin = make(dt.date(1980, 1, 1), 1, kind=SsinKind.TEST)
    for period, services in ((None, ()), (Period(dt.date(2024, 1, 1)), (PES.VDAB,)),
                             (Period(dt.date(2024, 1, 1), dt.date(2025, 1, 1)), tuple(PES))):
        payload = etree.Element("req")
        _wire.write_criteria(payload, ssin, period, services)
        assert _wire.read_criteria(payload) == (ssin, period, services)
    payload = etree.Element("req")
    _wire.write_criteria(payload, ssin, None, (PES.VDAB,))
    payload.find("criteria/publicEmploymentServices/publicEmploymentService").text = "UWV"
    with pytest.raises(ValidationError):
        _wire.read_criteria(payload)


def test_an_incomplete_answer_is_a_result_that_says_what_is_missing() -> None:
    result = JobSeekerResult(_services(), Status("INCOMPLETE_DATA", "MSG00002"),
                             Receipt("t", None, dt.datetime.now(dt.UTC)))
    assert not result.complete
    assert result.unavailable_services == (PES.ACTIRIS,)
    assert result.registered
    assert [s.value for s, _ in result.inscriptions] == ["ADG", "VDAB", "VDAB"]
    vdab = result.of("VDAB")
    assert vdab is not None and vdab.answered and vdab.contact is not None
    assert str(vdab.inscriptions[0].categories[0]) == "VDAB001 Werkzoekende"
    assert vdab.inscriptions[0].categories[0].description("FR") == "Werkzoekende"
    assert Category("010").description() is None and str(Category("010")) == "010"
    assert str(vdab.contact.phones[0]) == "0470123456"
    complete = JobSeekerResult(_services()[:2], Status("DATA_FOUND", "MSG00000"),
                               Receipt("t", None, dt.datetime.now(dt.UTC)))
    assert complete.complete and complete.unavailable_services == ()
    assert complete.of(PES.ADG) is None


def test_reading_rejects_what_the_contract_forbids() -> None:
    parent = etree.Element("response")
    _wire.write_services(parent, _services())
    parent.find("results/pes").set("source", "UWV")
    with pytest.raises(ResponseError, match="employment service"):
        _wire.read_services(parent)
    parent = etree.Element("response")
    _wire.write_services(parent, _services())
    parent.find("results/pes/status/value").text = "MAYBE"
    with pytest.raises(ResponseError, match="status"):
        _wire.read_services(parent)
    parent = etree.Element("response")
    _wire.write_services(parent, _services())
    inscription = parent.find("results/pes/result/inscriptions/inscription")
    inscription.remove(inscription.find("inceptionTimestamp"))
    with pytest.raises(ResponseError, match="inceptionTimestamp"):
        _wire.read_services(parent)
    parent = etree.Element("response")
    _wire.write_answered_ssin(parent, AnsweredSsin(make(dt.date(1980, 1, 1), 1,
                                                        kind=SsinKind.TEST)))
    parent.find("ssin").text = "12345678901"
    with pytest.raises(ResponseError, match="SSIN"):
        _wire.read_answered_ssin(parent)


def test_reading_ignores_unknown_elements() -> None:
    parent = etree.Element("response")
    _wire.write_services(parent, _services())
    etree.SubElement(parent.find("results/pes/result"), "{urn:future}newBlock").text = "x"
    assert _wire.read_services(parent) == _services()


def test_the_text_of_a_result() -> None:
    from ksz_client.services.job_seeker._text import registration

    text = registration(JobSeekerResult(_services(), Status("INCOMPLETE_DATA", "MSG00002"),
                                        Receipt("t", None, dt.datetime.now(dt.UTC))))
    assert "INCOMPLETE: no answer from ACTIRIS" in text
    assert "2024-01-02  VDAB     VDAB001 Werkzoekende" in text
    assert "contact at VDAB: Kerkstraat 12 bus 3, 2000 Antwerpen; 0470123456, 032345678, " \
        "jan.peeters@example.be" in text
    assert "contact at ADG: Hauptstrasse 1, 52062 Aachen" in text


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"ssin": "85073003329"}, InvalidSsin, "."),
        ({"end": "2024-01-01"}, ValidationError, "needs a period start"),
        ({"start": "2024-02-01", "end": "2024-01-01"}, ValidationError, "before"),
        ({"start": "2024/02/01"}, ValidationError, "YYYY-MM-DD"),
        ({"services": ["VDAB", "UWV"]}, ValidationError, "ACTIRIS, VDAB, FOREM or ADG"),
    ],
)
def test_bad_input_is_refused_before_sending(
    box_config_path: Path, kwargs: dict[str, object], error: type[Exception], message: str,
) -> None:
    client, transport = offline(box_config_path)
    args = dict(kwargs)
    ssin = str(args.pop("ssin", make(dt.date(1980, 1, 1), 1, kind=SsinKind.TEST)))
    with pytest.raises(error, match=message):
        client.job_seeker.contact_and_inscription(ssin, **args)  # type: ignore[arg-type]
    assert transport.sent == []


# --- end to end ---------------------------------------------------------------------------


@pytest.mark.e2e
def test_a_registered_job_seeker(client: KszClient, box: Sandbox) -> None:
    index = _job_seeker(box)
    ssin = box.population.ssin_of(index)
    integrate(box, client, ssin)
    result = client.job_seeker.contact_and_inscription(ssin.formatted)
    assert (result.status.value, result.status.code) == ("DATA_FOUND", "MSG00000")
    assert result.complete and result.registered and result.ssin == AnsweredSsin(ssin)
    assert {s.service for s in result.services} == set(PES)
    (registration,) = box.population.facts(index).job_seeker
    mine = result.of(registration.service)
    assert mine is not None and mine.status.value is SourceStatusValue.DATA_FOUND
    assert mine.contact == handler.contact_of(box.population, index)
    assert mine.inscriptions == handler.inscriptions_of(
        (registration,), PES(registration.service), None, TODAY)
    assert mine.inscriptions[0].at.date() == registration.period.start
    others = [s for s in result.services if s.service.value != registration.service]
    assert all(s.status.value is SourceStatusValue.NO_DATA_FOUND and s.contact is None
               for s in others)


@pytest.mark.e2e
def test_services_and_period_narrow_the_answer(client: KszClient, box: Sandbox) -> None:
    index = _job_seeker(box)
    ssin = box.population.ssin_of(index)
    integrate(box, client, ssin)
    (registration,) = box.population.facts(index).job_seeker
    other = next(s for s in PES if s.value != registration.service)
    only = client.job_seeker.contact_and_inscription(ssin, services=[other])
    assert [s.service for s in only.services] == [other]
    assert only.status.value == "NO_DATA_FOUND" and not only.registered
    before = client.job_seeker.contact_and_inscription(
        ssin, start=registration.period.start - dt.timedelta(days=400),
        end=registration.period.start - dt.timedelta(days=1))
    assert before.status.code == "MSG00100"
    mine = client.job_seeker.contact_and_inscription(ssin, services=registration.service,
                                                     start=registration.period.start)
    assert mine.registered and len(mine.services) == 1


@pytest.mark.e2e
def test_someone_who_is_not_a_job_seeker(client: KszClient, box: Sandbox) -> None:
    index = index_where(box, lambda i: not box.population.facts(i).job_seeker)
    ssin = box.population.ssin_of(index)
    integrate(box, client, ssin)
    result = client.job_seeker.contact_and_inscription(ssin)
    assert result.status.value == "NO_DATA_FOUND" and not result.registered
    assert len(result.services) == 4


@pytest.mark.e2e
def test_an_ended_registration_of_a_deceased_person(client: KszClient, box: Sandbox) -> None:
    population = box.population
    index = next((i for i in range(population.size - 50) if population.is_deceased(i)
                  and any(r.period.end for r in population.facts(i).job_seeker)), None)
    if index is None:
        index = _job_seeker(box)
    ssin = population.ssin_of(index)
    integrate(box, client, ssin)
    result = client.job_seeker.contact_and_inscription(ssin)
    registrations = population.facts(index).job_seeker
    expected = sum(1 + (r.period.end is not None and r.period.end < TODAY)
                   for r in registrations)
    assert len(result.inscriptions) == expected


@pytest.mark.e2e
def test_a_replaced_ssin_is_answered_for_the_current_one(client: KszClient, box: Sandbox) -> None:
    population = box.population
    old = replaced_index(box)
    new = population.replaced_by(old)
    assert new is not None
    integrate(box, client, population.ssin_of(old))
    result = client.job_seeker.contact_and_inscription(population.ssin_of(old))
    assert result.ssin == AnsweredSsin(population.ssin_of(new), replaces=population.ssin_of(old))
    assert result.registered == bool(population.facts(new).job_seeker)


@pytest.mark.e2e
def test_refusals(client: KszClient, box: Sandbox, capture: Capture) -> None:
    answer = assert_refusals(box, client, capture, client.job_seeker.contact_and_inscription)
    assert answer.services  # retried


# --- contracts ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def traffic(box: Sandbox, box_config_path: Path) -> Capture:
    def exercise(client: KszClient) -> None:
        population = box.population
        seeker, replaced = _job_seeker(box), replaced_index(box)
        nobody = index_where(box, lambda i: not population.facts(i).job_seeker)
        for i in (seeker, replaced, nobody):
            ssin = population.ssin_of(i)
            integrate(box, client, ssin)
            client.job_seeker.contact_and_inscription(ssin)
            client.job_seeker.contact_and_inscription(ssin, start="2020-01-01", end="2030-12-31",
                                                      services=["VDAB", "FOREM"])
        refuse_unknown(box, client, client.job_seeker.contact_and_inscription)

    return captured(box_config_path, exercise)


def test_messages_validate_against_our_contract(traffic: Capture) -> None:
    assert assert_our_contract("JobSeeker", traffic) == 14


@pytest.mark.contracts
def test_messages_validate_against_the_official_contract(
    traffic: Capture, official_contracts: Path,
) -> None:
    schema = official_xsd_schema(official_contracts, OFFICIAL_XSD)
    requests, responses = assert_official_messages(schema, traffic, NS)
    assert len(requests) == len(responses) == 7
    assert any(r.find("results/pes/result/contact") is not None for r in responses)
    wrong = next(r for r in responses if r.find("results/pes/result") is not None)
    wrong.find("results/pes/result/inscriptions/inscription/categoryPES/code").text = "UWV001"
    assert not schema.validate(wrong)


@pytest.mark.contracts
def test_a_fault_validates_against_the_official_contract(
    client: KszClient, box: Sandbox, capture: Capture, official_contracts: Path,
) -> None:
    ssin = box.population.ssin_of(_job_seeker(box))
    integrate(box, client, ssin)
    assert_fault_validates(box, capture, client.job_seeker.contact_and_inscription, ssin,
                           official_xsd_schema(official_contracts, OFFICIAL_XSD))


@pytest.mark.contracts
def test_our_types_are_the_official_ones(official_contracts: Path) -> None:
    compare_types(
        _contracts.WSDL_DIR / "types/JobSeeker/JobSeekerTypesV1.xsd",
        official_contracts / f"{SET_B}/types/JobSeeker/JobSeekerTypesV1.xsd",
        restated=frozenset({"SsinWithCanceledAndReplacesStatusType", "DataFiltersType"}),
    )
    compare_types(
        _contracts.WSDL_DIR / "types/JobSeeker/common/JobSeekerCommonV1.xsd",
        official_contracts / f"{SET_B}/types/JobSeeker/common/JobSeekerCommonV1.xsd",
        restated=frozenset({"BaseDescriptionType"}),
    )


def test_zeep_loads_our_wsdl_and_it_agrees_with_the_catalogue() -> None:
    assert_wsdl_agrees(SERVICE, "JobSeeker/JobSeekerV1.wsdl", "JobSeekerService",
                       "JobSeekerPull")


# --- command line ---------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_command(box: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index = _job_seeker(box)
    ssin = box.population.ssin_of(index)
    config = str(cli_config(box, tmp_path, ssin))
    (registration,) = box.population.facts(index).job_seeker
    assert main(["--config", config, *CONTEXT, "job_seeker", "contact_and_inscription",
                 ssin.formatted, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {s["service"] for s in data["services"]} == {"ACTIRIS", "VDAB", "FOREM", "ADG"}
    assert main(["--config", config, *CONTEXT, "job_seeker", "consult-contact-and-inscription",
                 str(ssin), "--service", registration.service]) == 0
    out = capsys.readouterr().out
    assert registration.service in out and "MSG00000" in out
    assert main(["--config", config, *CONTEXT, "job_seeker", "contact_and_inscription",
                 str(ssin), "--service", "UWV"]) == 2
    capsys.readouterr()
