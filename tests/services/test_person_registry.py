"""PersonService V4, the registry data groups: legal cohabitation, administrator, subregister,
anomalies, and the status and source of every data group (SPEC §7)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from lxml import etree

from ksz_client import _contracts, _xml
from ksz_client._client import KszClient
from ksz_client._exceptions import ResponseError
from ksz_client.sandbox import Sandbox
from ksz_client.sandbox.population import Population
from ksz_client.services.person import (
    Administrator,
    Anomaly,
    DataGroup,
    DataGroupStatus,
    DataGroupStatusValue,
    DataSource,
    LegalCohabitation,
    Person,
    Register,
    _wire,
)
from ksz_client.ssin import SsinKind, make
from ksz_client.types import PartialDate, PersonName, Place

from .official_helpers import Capture

POP = Population(seed=1, size=500)


def _full(person: Person) -> Person:
    partner = make(dt.date(1980, 2, 3), 2, kind=SsinKind.TEST)
    return dataclasses.replace(
        person,
        birth=dataclasses.replace(person.birth, act_type="A") if person.birth else None,
        name_since=dt.date(1999, 1, 2),
        legal_cohabitations=(
            LegalCohabitation(partner_ssin=partner, place=Place("150", "11002", "Antwerpen"),
                              since=PartialDate(2001, 5), until=PartialDate(2003, 1, 1)),
            LegalCohabitation(partner_reference="FICT9", since=PartialDate(2010)),
        ),
        administrators=(
            Administrator("PROPERTY", name=PersonName("Maes", ("An",)),
                          since=dt.date(2015, 3, 1), until=dt.date(2020, 1, 1)),
            Administrator("PERSON", ssin=partner),
        ),
        subregister="FOREIGNERS",
        anomalies=(Anomaly("042", "address to verify"), Anomaly("041")),
        data_groups=(
            DataGroupStatus("name", DataGroupStatusValue.DATA_FOUND, DataSource.BOTH),
            DataGroupStatus("legalCohabitations", DataGroupStatusValue.NOT_SUPPORTED),
            DataGroupStatus("someLaterGroup", DataGroupStatusValue.NO_DATA_FOUND, DataSource.NR),
        ),
    )


def test_the_registry_groups_round_trip_through_the_wire_mapping() -> None:
    person = _full(POP.person(0))
    element = _wire.write_person(etree.Element("result"), person)
    assert _wire.read_person(element) == person


@pytest.mark.parametrize(("path", "value", "message"), [
    ("dataGroups/dataGroup/status", "MAYBE", "data group status"),
    ("dataGroups/dataGroup/source", "RR", "data group source"),
    ("legalCohabitations/legalCohabitation/partner/ssin", "12345678901", "SSIN"),
    ("legalCohabitations/legalCohabitation/inceptionDate", "2001", None),
    ("administrators/administrator/inceptionDate", "01-03-2015", "not a date"),
])
def test_reading_refuses_a_broken_registry_group(path: str, value: str,
                                                 message: str | None) -> None:
    element = _wire.write_person(etree.Element("result"), _full(POP.person(0)))
    target = element.find(path)
    assert target is not None
    target.text = value
    if message is None:  # a year alone is a valid partial date
        assert _wire.read_person(element).legal_cohabitations[0].since == PartialDate(2001)
        return
    with pytest.raises(ResponseError, match=message):
        _wire.read_person(element)


def test_an_anomaly_needs_its_code() -> None:
    element = _wire.write_person(etree.Element("result"), _full(POP.person(0)))
    anomaly = element.find("anomalies/anomaly")
    assert anomaly is not None
    anomaly.remove(anomaly.find("code"))  # type: ignore[arg-type]
    with pytest.raises(ResponseError, match="code"):
        _wire.read_person(element)


def test_the_status_of_a_group_and_the_current_cohabitation() -> None:
    person = _full(POP.person(0))
    assert person.group_status(DataGroup.NAME) == person.data_groups[0]
    assert person.group_status("someLaterGroup") is not None
    assert person.group_status(DataGroup.DECEASE) is None
    assert person.legal_cohabitation == person.legal_cohabitations[1]
    assert str(person.legal_cohabitations[0].partner_ssin) not in repr(person)


# --- what the sandbox's registers hold --------------------------------------------------------


def _first(predicate) -> int:  # type: ignore[no-untyped-def]
    return next(i for i in range(POP.size) if predicate(i))


def test_every_person_says_what_each_group_holds() -> None:
    for index in range(0, 120, 3):
        person = POP.person(index)
        groups = {g.group: g for g in person.data_groups}
        assert set(groups) == {g.value for g in DataGroup}
        decease = groups[DataGroup.DECEASE]
        assert (decease.status is DataGroupStatusValue.DATA_FOUND) == person.deceased
        if person.register is Register.BIS:
            assert person.subregister is None
            assert groups[DataGroup.LEGAL_COHABITATIONS].status is \
                DataGroupStatusValue.NOT_SUPPORTED
            assert groups[DataGroup.NAME].source is DataSource.CBSS
        else:
            assert person.subregister in ("POPULATION", "FOREIGNERS")
            assert (person.subregister == "POPULATION") == (person.nationalities[0].code == "150")
            assert groups[DataGroup.NAME].source is DataSource.NR


def test_a_cohabitation_ended_by_the_marriage() -> None:
    index = _first(lambda i: POP.legal_cohabitation(i) is not None)
    partner, start, end = POP.legal_cohabitation(index)  # type: ignore[misc]
    person = POP.person(index)
    (together,) = person.legal_cohabitations
    assert together.partner_ssin == POP.ssin_of(partner)
    assert together.since == PartialDate.of(start) and together.until == PartialDate.of(end)
    married = person.civil_states[0]
    assert married.code == "20" and married.since == PartialDate.of(end)
    assert POP.person(partner).legal_cohabitations[0].partner_ssin == person.ssin
    assert person.legal_cohabitation is None  # it ended


# --- end to end -------------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_registry_groups_reach_the_client(sandbox: Sandbox, client: KszClient) -> None:
    population = sandbox.population
    cases = {
        "cohabitation": _first(lambda i: population.legal_cohabitation(i) is not None),
        "administrator": _first(lambda i: population.person(i).administrators != ()
                                and population.replaced_by(i) is None),
        "anomaly": _first(lambda i: population.person(i).anomalies != ()
                          and population.replaced_by(i) is None),
        "bis": _first(lambda i: population.register_of(i) is Register.BIS
                      and population.fault_of(i) is None),
    }
    for what, index in cases.items():
        result = client.person.get(population.ssin_of(index))
        assert result.person == population.person(index), what
    found = client.person.get(population.ssin_of(cases["administrator"])).person
    assert found is not None and found.administrators[0].kind in (
        "PERSON", "PROPERTY", "PERSON_AND_PROPERTY")
    assert found.group_status(DataGroup.ADMINISTRATORS).status is \
        DataGroupStatusValue.DATA_FOUND  # type: ignore[union-attr]


@pytest.mark.contracts
@pytest.mark.e2e
def test_the_answers_validate_against_the_contract(sandbox: Sandbox,
                                                   sandbox_config) -> None:  # type: ignore[no-untyped-def]
    population = sandbox.population
    capture = Capture()
    with KszClient(sandbox_config, observers=[capture]) as plain:
        client = plain.acting_for(user="u", legal_context="PCSA:SOCIAL_INQUIRY")
        for predicate in (lambda i: population.legal_cohabitation(i) is not None,
                          lambda i: population.person(i).administrators != ()
                          and population.replaced_by(i) is None,
                          lambda i: population.register_of(i) is Register.BIS
                          and population.fault_of(i) is None):
            client.person.get(population.ssin_of(_first(predicate)))
    schema = _contracts.schema("PersonService")
    assert schema is not None
    for data in capture.responses:
        body = _xml.parse(data).find("{http://schemas.xmlsoap.org/soap/envelope/}Body")
        assert body is not None
        payload = body[0]
        assert payload.find("result/person/dataGroups") is not None
        assert schema.validate(payload), schema.error_log
    assert len(capture.responses) == 3
