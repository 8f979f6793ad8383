"""OCMWCPASIdentifyPerson (client.identify_person, legacy): mapping onto PersonService's Person,
end to end, statuses, official contracts, CLI."""

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
from ksz_client._exceptions import InvalidSsin, NoResult, ResponseError, ValidationError
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK, EXIT_USAGE
from ksz_client.sandbox import Sandbox
from ksz_client.services.identify_person import (
    IdentifiedPerson,
    Origin,
    PhoneticCriteria,
    VerificationData,
    _wire,
)
from ksz_client.services.person import Birth, CivilState, Decease, Nationality, Person, Register
from ksz_client.ssin import Gender, SsinKind, make
from ksz_client.types import Address, AddressKind, PartialDate, PersonName, Place

from .sandbox_world import command, printed
from .ssdn_helpers import (
    Capture,
    NoNetwork,
    assert_same_shapes,
    bound,
    check_official,
    official_schema,
    person_index,
    proof_of,
)

SERVICE = catalogue.get("OCMWCPASIdentifyPerson")
_I = f"{{{SERVICE.namespace}}}"
SSIN = make(dt.date(1985, 7, 30), 33, kind=SsinKind.TEST)


def _identified(*, verified: bool = True) -> IdentifiedPerson:
    person = Person(
        ssin=SSIN,
        register=Register.NR,
        name=PersonName("Van den Broeck", ("Émile", "Jan", "Pieter")),
        gender=Gender.MALE,
        birth=Birth(PartialDate(1985, 7, 30),
                    Place(country_code="150", municipality_code="11002", name="Antwerpen")
                    if verified else None),
        decease=Decease(PartialDate(2020, 1)) if verified else None,
        nationalities=(Nationality("150"),) if verified else (),
        civil_states=(CivilState("20"),) if verified else (),
        addresses=(Address(AddressKind.RESIDENTIAL, "Kerkstraat", "1", "2", "2000",
                           "Antwerpen", "11002", "150"),),
    )
    return IdentifiedPerson(person, Origin.RN_RR, verified,
                            inscription_register="1" if verified else None, street_code="4321")


# --- mapping (unit) ---------------------------------------------------------------------


@pytest.mark.parametrize("verified", [True, False])
def test_a_record_round_trips_through_the_wire_mapping(verified: bool) -> None:
    identified = _identified(verified=verified)
    reply = _wire.write_reply([identified])
    assert _wire.read_reply(reply) == (identified,)
    schema = _contracts.schema("OCMWCPASIdentifyPerson")
    assert schema is not None and schema.validate(reply), schema.error_log if schema else None


def test_a_diplomatic_post_and_a_bis_person_map_onto_person() -> None:
    person = dataclasses.replace(
        _identified().person, register=Register.BIS,
        addresses=(Address(AddressKind.DIPLOMATIC_POST, street="12 Avenue X, Dakar",
                           country_code="350"),),
        birth=Birth(PartialDate(1985, 7), Place(country_code="350", name="Dakar")))
    identified = IdentifiedPerson(person, Origin.BCSS_KSZ, True, diplomatic_post="35001")
    (back,) = _wire.read_reply(_wire.write_reply([identified]))
    assert back == identified and back.person.register is Register.BIS


def test_reading_ignores_unknown_elements_and_refuses_bad_data() -> None:
    reply = _wire.write_reply([_identified()])
    record = reply.find(f"{_I}SearchResults/{_I}LimitedLegalData")
    etree.SubElement(record.find(f"{_I}Extended"), f"{_I}Future").text = "x"
    assert _wire.read_reply(reply)[0].verified
    basic = record.find(f"{_I}Basic")
    basic.find(f"{_I}Gender").text = "7"
    with pytest.raises(ResponseError, match="gender"):
        _wire.read_reply(reply)
    basic.find(f"{_I}Gender").text = "0"
    assert _wire.read_reply(reply)[0].person.gender is None
    record.set("origin", "ELSEWHERE")
    with pytest.raises(ResponseError, match="origin"):
        _wire.read_reply(reply)
    del record.attrib["origin"]
    assert _wire.read_reply(reply)[0].person.register is Register.NR
    basic.find(f"{_I}BirthDate").text = "1985-13-45"
    with pytest.raises(ResponseError, match="date"):
        _wire.read_reply(reply)
    basic.find(f"{_I}BirthDate").text = "1985-00-00"
    assert _wire.read_reply(reply)[0].person.birth.date == PartialDate(1985)
    basic.remove(basic.find(f"{_I}LastName"))
    with pytest.raises(ResponseError, match="LastName"):
        _wire.read_reply(reply)
    basic.find(f"{_I}SocialSecurityUser").text = "12345678901"
    with pytest.raises(ResponseError):
        _wire.read_reply(reply)
    with pytest.raises(ResponseError, match="IdentifyPersonReply"):
        _wire.read_reply(etree.Element(f"{_I}Other"))


def test_requests_round_trip_and_validate_against_ours_and_the_official(
    official_contracts: Path,
) -> None:
    ours = _contracts.schema("OCMWCPASIdentifyPerson")
    official = official_schema(official_contracts,
                               "set-a/XSD/SSDN/OCMW_CPAS/IdentifyPerson/NamespaceRoot.xsd")
    requests = [
        _wire.Request(ssin=SSIN),
        _wire.Request(ssin=SSIN, verification=VerificationData(
            last_name="Peeters", birth_date=PartialDate(1985, 7, 30), first_name="Jan",
            middle_name="Luc", sis_card_number="1234567890",
            identity_card_number="123456789012")),
        _wire.Request(phonetic=PhoneticCriteria(
            "Peeters", PartialDate(1985, 7), first_name="Jan", middle_name="Luc",
            gender=Gender.FEMALE, tolerance=3, maximum=5)),
    ]
    for request in requests:
        payload = etree.Element(f"{_I}IdentifyPersonRequest")
        _wire.write_request(payload, request)
        assert _wire.read_request(payload) == request
        assert ours is not None and ours.validate(payload), ours.error_log
        assert official.validate(payload), official.error_log
    reply = _wire.write_reply([_identified(), _identified(verified=False)])
    assert official.validate(reply), official.error_log
    assert official.validate(_wire.write_reply([])), official.error_log


@pytest.mark.contracts
def test_our_schemas_have_the_official_names_types_and_occurrences(
    official_contracts: Path,
) -> None:
    base = official_contracts / "set-a/XSD/SSDN"
    assert assert_same_shapes(_contracts.WSDL_DIR / "ssdn" / "IdentifyPerson.xsd", [
        base / "OCMW_CPAS/IdentifyPerson/IdentifyPersonRequest.xsd",
        base / "OCMW_CPAS/IdentifyPerson/IdentifyPersonReply.xsd"]) >= 10
    assert assert_same_shapes(_contracts.WSDL_DIR / "ssdn" / "SSDNPerson.xsd", [
        base / "Person/CommonDataTypes.xsd", base / "Person/Citizen.xsd",
        base / "Person/AddressInformation.xsd"]) >= 15


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"last_name": " ", "birth_date": PartialDate(1985, 7, 30)}, "last name"),
        ({"last_name": "X", "birth_date": PartialDate(1985, 7)}, "needs a tolerance"),
        ({"last_name": "X", "birth_date": PartialDate(1985), "tolerance": 11}, "0 to 10 years"),
        ({"last_name": "X", "birth_date": PartialDate(1985, 7), "tolerance": 25},
         "0 to 24 months"),
        ({"last_name": "X", "birth_date": PartialDate(1985, 7, 1), "tolerance": -1},
         "0 to 365 days"),
        ({"last_name": "X", "birth_date": PartialDate(1985, 7, 1), "maximum": 81}, "1 to 80"),
        ({"last_name": "X", "birth_date": PartialDate(1985, 7, 1), "middle_name": "Y"},
         "needs the first name"),
        ({"last_name": "X" * 101, "birth_date": PartialDate(1985, 7, 1)}, "1 to 100"),
    ],
)
def test_phonetic_criteria_are_validated(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        PhoneticCriteria(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "person's data or a card number"),
        ({"last_name": "X"}, "both the last name and the birth date"),
        ({"first_name": "X", "sis_card_number": "1234567890"}, "needs the last name"),
        ({"sis_card_number": "123"}, "10 digits"),
        ({"identity_card_number": "1234567890"}, "12 digits"),
    ],
)
def test_verification_data_are_validated(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        VerificationData(**kwargs)  # type: ignore[arg-type]
    assert "Peeters" not in repr(VerificationData(last_name="Peeters",
                                                  birth_date=PartialDate(1985)))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda s: s.search("Peeters"), ValidationError, "needs a birth date"),
        (lambda s: s.search("", birth_date="1985-07-30"), ValidationError, "last name"),
        (lambda s: s.search("Peeters", birth_date="1985-07-00"), ValidationError, "tolerance"),
        (lambda s: s.search("Peeters", birth_date="1985-07-30", gender="X"), ValidationError,
         "M or F"),
        (lambda s: s.search("Peeters", birth_date="1985-07-30", max_results=0),
         ValidationError, "1 to 80"),
        (lambda s: s.get(SSIN, last_name="Peeters"), ValidationError, "birth date"),
        (lambda s: s.get("85073003329"), InvalidSsin, None),
    ],
)
def test_bad_input_raises_before_anything_is_sent(sandbox_config: KszConfig, call, error,
                                                  message) -> None:  # type: ignore[no-untyped-def]
    offline = KszClient(sandbox_config, transport=NoNetwork()).acting_for(
        user="u", legal_context="PCSA:SOCIAL_INQUIRY")
    with pytest.raises(error, match=message):
        call(offline.identify_person)


# --- end to end -------------------------------------------------------------------------------


@pytest.mark.e2e
def test_get_by_ssin_gives_the_basic_data_as_a_person(client: KszClient,
                                                      sandbox: Sandbox) -> None:
    index = person_index(sandbox, 310)
    expected = sandbox.population.person(index)
    result = client.identify_person.get(expected.ssin.formatted)
    assert result.status.value == "DATA_FOUND" and result.receipt.ticket_cbss
    assert str(expected.ssin) not in repr(result)
    assert str(expected.ssin) not in repr(_wire.Request(ssin=str(expected.ssin)))
    assert result.found and result.warnings == ()
    one = result.person
    assert one is not None and one.verified is False and one.origin is Origin.RN_RR
    person = one.person
    assert (person.ssin, person.register, person.gender) == (expected.ssin, Register.NR,
                                                             expected.gender)
    assert person.name.last_name == expected.name.last_name
    assert person.name.given_names[0] == expected.name.given_names[0]
    assert expected.birth is not None and person.birth == Birth(expected.birth.date)
    assert person.civil_states == () and person.nationalities == ()
    home = person.residential_address
    assert home is not None and expected.residential_address is not None
    assert dataclasses.replace(expected.residential_address, since=None) == home
    # The same person through PersonService V4: the same model, the same facts.
    modern = client.person.get(str(expected.ssin)).person
    assert modern is not None
    assert (modern.ssin, modern.name.last_name, modern.gender) == (
        person.ssin, person.name.last_name, person.gender)


@pytest.mark.e2e
def test_verification_data_unlock_the_extended_data(client: KszClient,
                                                    sandbox: Sandbox) -> None:
    population = sandbox.population
    deceased = next(i for i in range(300, population.size) if population.is_deceased(i))
    expected = population.person(deceased)
    proof = proof_of(sandbox, deceased)
    result = client.identify_person.get(str(expected.ssin), **proof)
    one = result.person
    assert one is not None and one.verified and result.warnings == ()
    assert expected.decease is not None
    assert one.person.decease == Decease(expected.decease.date)
    assert one.person.nationalities == (Nationality(expected.nationalities[0].code),)
    assert one.person.civil_states[0].code == expected.civil_states[0].code
    assert expected.birth is not None and one.person.birth == expected.birth
    assert one.inscription_register == "NR"
    by_card = client.identify_person.get(str(expected.ssin), sis_card_number="1234567890")
    assert by_card.person is not None and by_card.person.verified
    wrong = client.identify_person.get(str(expected.ssin), last_name="Nobody",
                                       birth_date="1900-01-01")
    assert wrong.person is not None and not wrong.person.verified
    assert [w.reason_code for w in wrong.warnings] == ["SBX00011"]


@pytest.mark.e2e
def test_a_bis_person_comes_from_the_ksz_register(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = next(i for i in range(population.size) if population.register_of(i).value == "BIS"
                 and population.replaced_by(i) is None and population.fault_of(i) is None)
    one = client.identify_person.get(str(population.ssin_of(index))).person
    assert one is not None and one.origin is Origin.BCSS_KSZ
    assert one.person.register is Register.BIS and one.person.addresses == ()


@pytest.mark.e2e
def test_refusals_for_unknown_and_replaced_ssins(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    with pytest.raises(NoResult) as unknown:
        client.identify_person.get(make(dt.date(2004, 12, 30), 995, kind=SsinKind.TEST))
    assert unknown.value.code == "MSG00005"
    replaced = next(i for i in range(population.size) if population.replaced_by(i) is not None)
    with pytest.raises(NoResult) as moved:
        client.identify_person.get(str(population.ssin_of(replaced)))
    assert moved.value.code == "MSG00006"


@pytest.mark.e2e
def test_phonetic_search(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = person_index(sandbox, 330)
    expected = population.person(index)
    assert expected.birth is not None
    born = expected.birth.date
    exact = client.identify_person.search(expected.name.last_name, birth_date=born.isoformat())
    assert expected.ssin in [p.person.ssin for p in exact.persons]
    assert all(not p.verified for p in exact.persons)
    wide = client.identify_person.search(
        expected.name.last_name.upper(), birth_date=PartialDate(born.year), tolerance=2,
        first_name=expected.name.given_names[0], gender=expected.gender)
    assert expected.ssin in [p.person.ssin for p in wide.persons]
    assert all(p.person.gender is expected.gender for p in wide.persons)
    assert all(abs(p.person.birth.date.year - born.year) <= 2 for p in wide.persons
               if p.person.birth)
    months = client.identify_person.search(
        expected.name.last_name, birth_date=PartialDate(born.year, born.month), tolerance=0)
    assert expected.ssin in [p.person.ssin for p in months.persons]
    capped = client.identify_person.search(expected.name.last_name, birth_date="1960-00-00",
                                           tolerance=10, max_results=1)
    assert len(capped.persons) <= 1
    nobody = client.identify_person.search("Xyzzyqwerty", birth_date="1900-01-01")
    assert nobody.status.value == "NO_DATA_FOUND" and nobody.persons == ()
    assert nobody.person is None and not nobody.found


@pytest.mark.e2e
def test_the_sandbox_answers_requests_the_sdk_would_not_send(client: KszClient,
                                                             sandbox: Sandbox) -> None:
    index = person_index(sandbox, 340)
    ssin = str(sandbox.population.ssin_of(index))
    op = SERVICE.operation("identifyPerson")

    def call(build, subjects=()):  # type: ignore[no-untyped-def]
        return client._core.call(SERVICE, op, build, context=client.context, subjects=subjects)

    def both(payload: etree._Element) -> None:
        criteria = etree.SubElement(payload, f"{_I}SearchCriteria")
        etree.SubElement(criteria, f"{_I}SSIN").text = ssin
        phonetic = etree.SubElement(criteria, f"{_I}PhoneticCriteria")
        etree.SubElement(phonetic, f"{_I}LastName").text = "Whatever"
        etree.SubElement(phonetic, f"{_I}BirthDate").text = "1980-01-01"

    reply = call(both, (ssin,))
    assert [w.reason_code for w in reply.warnings] == ["21007001"]
    assert len(_wire.read_reply(reply.payload)) == 1

    def neither(payload: etree._Element) -> None:
        etree.SubElement(payload, f"{_I}SearchCriteria")

    with pytest.raises(NoResult) as missing:
        call(neither)
    assert missing.value.code == "31000007"

    def incomplete(payload: etree._Element) -> None:
        phonetic = etree.SubElement(etree.SubElement(payload, f"{_I}SearchCriteria"),
                                    f"{_I}PhoneticCriteria")
        etree.SubElement(phonetic, f"{_I}LastName").text = "Peeters"
        etree.SubElement(phonetic, f"{_I}BirthDate").text = "1980-00-00"

    with pytest.raises(NoResult) as invalid:
        call(incomplete)
    assert invalid.value.code == "30000001" and "tolerance" in invalid.value.details[0].diagnostic

    def broken(payload: etree._Element) -> None:
        etree.SubElement(payload, f"{_I}Unexpected")

    with pytest.raises(NoResult) as bad:
        call(broken)
    assert bad.value.code == "30000001" and "contract" in bad.value.details[0].diagnostic


@pytest.mark.e2e
@pytest.mark.contracts
def test_what_travels_validates_against_the_official_schemas(
    sandbox_config: KszConfig, sandbox: Sandbox, official_contracts: Path
) -> None:
    index = person_index(sandbox, 350)
    ssin = str(sandbox.population.ssin_of(index))
    person = sandbox.population.person(index)
    assert person.birth is not None
    capture = Capture()
    with bound(sandbox_config, capture) as client:
        client.identify_person.get(ssin)
        client.identify_person.get(ssin, **proof_of(sandbox, index))
        client.identify_person.get(ssin, last_name="Nobody", birth_date="1900-00-00")
        client.identify_person.search(person.name.last_name, birth_date=PartialDate(
            person.birth.date.year), tolerance=5, max_results=20)
        client.identify_person.search("Xyzzyqwerty", birth_date="1900-01-01")
        with pytest.raises(NoResult):
            client.identify_person.get(make(dt.date(2004, 12, 30), 995, kind=SsinKind.TEST))
    assert check_official(official_contracts, capture,
                          "OCMW_CPAS/IdentifyPerson/NamespaceRoot.xsd") == 6


# --- command line ---------------------------------------------------------------------------------


@pytest.mark.e2e
def test_ksz_identify_person_get_and_search(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, sandbox_config_path: Path
) -> None:
    run = command(sandbox_config_path, user="sw")
    index = person_index(sandbox, 360)
    person = sandbox.population.person(index)
    assert person.birth is not None
    code, out, err = printed(capsys, run, "identify_person", "get",
                             person.ssin.formatted, "--json")
    assert (code, err) == (EXIT_OK, "")
    data = json.loads(out)
    assert data["persons"][0]["person"]["ssin"] == str(person.ssin)
    assert data["persons"][0]["verified"] is False
    code, out, _ = printed(capsys, run, "identify_person", "get", str(person.ssin),
                           "--last-name", person.name.last_name, "--birth-date",
                           person.birth.date.isoformat())
    assert code == EXIT_OK and person.ssin.formatted in out and "identity verified" in out
    code, out, _ = printed(capsys, run, "identify_person", "search",
                           person.name.last_name, "--birth-date", f"{person.birth.date.year}-00-00",
                           "--tolerance", "1", "--max", "50")
    assert code == EXIT_OK and person.ssin.formatted in out
    code, out, _ = printed(capsys, run, "identify_person", "search", "Xyzzyqwerty",
                           "--birth-date", "1900-01-01")
    assert code == EXIT_BUSINESS and "no data found" in out
    code, _, err = printed(capsys, run, "identify_person", "search", "Peeters")
    assert code == EXIT_USAGE and "birth date" in err
