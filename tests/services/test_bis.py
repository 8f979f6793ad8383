"""The BIS register: BisPersonService registerPerson, ManagePerson createKSZCitizen (legacy)
and CBSSPersonService updatePerson.

Unit (declaration rules, wire mapping), end to end against the sandbox (registration,
duplicate checks, state seen by PersonService and SSINInformationService, updates per
data group, in-doubt mutations never re-sent), contracts and commands.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from ksz_client import _contracts, _xml, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import (
    InDoubtError,
    InvalidSsin,
    ResponseError,
    SsinReplaced,
    UnknownSsin,
    ValidationError,
)
from ksz_client.audit import AuditLog
from ksz_client.cli import EXIT_OK, EXIT_USAGE
from ksz_client.sandbox import Sandbox
from ksz_client.sandbox.handlers.bis import PERSON_KIND, UPDATE_KIND
from ksz_client.services.bis import (
    BisDeclaration,
    DataGroup,
    DataGroupUpdate,
    DeclaredNationality,
    PersonChanges,
    RegistrationOutcome,
    UpdateOutcome,
    _wire,
)
from ksz_client.services.person import Person, Register
from ksz_client.services.person.models import Birth, CivilState, Decease
from ksz_client.services.ssin_info import SsinState
from ksz_client.ssin import Gender, Ssin, SsinKind, make
from ksz_client.types import Address, AddressKind, PartialDate, PersonName, Place

from .official_helpers import (
    assert_unqualified,
    assert_wsdl_agrees,
    ours_with_official_common,
    service_payloads,
)
from .official_helpers import offline as offline_client
from .sandbox_world import Traffic, command

BIS = catalogue.get("BisPersonService")
LEGACY = catalogue.get("ManagePerson")
UPDATE = catalogue.get("CBSSPersonService")
ENVELOPE_BODY = "{http://schemas.xmlsoap.org/soap/envelope/}Body"
CONTACT = Address(AddressKind.CONTACT, "Kerkstraat", "12", "3", "2000", "Antwerpen",
                  country_code="150")
ABROAD = Address(AddressKind.RESIDENTIAL, "Rue Hassan II 4", municipality="Casablanca",
                 country_code="139")


def _name() -> str:
    """A name no other test (or run) uses, whose phonetic key is also most likely unused.

    Letters only (phonetic keys ignore the rest); a last and a first given name drawn
    this way make a phonetic collision between two tests' persons negligible.
    """
    rng = random.Random(uuid.uuid4().int)
    consonants, vowels = "bcdfgjklmnprstvz", "aeiou"
    return "".join(rng.choice(consonants if i % 2 == 0 else vowels)
                   for i in range(12)).capitalize()


def _declaration(last: str | None = None, **changes: Any) -> BisDeclaration:
    # Born after the population's last birth year (2004): no phonetic match with it.
    fields: dict[str, Any] = {
        "name": PersonName(last or _name(), (_name(), "Lea")),
        "birth_date": PartialDate(2012, 5, 17),
        "birth_place": Place(country_code="139", name="Casablanca"),
        "gender": Gender.FEMALE,
    }
    fields.update(changes)
    return BisDeclaration(**fields)


def _records(sandbox: Sandbox, last_name: str) -> list[Any]:
    return [r for r in sandbox.state.records(PERSON_KIND) if last_name in str(r.data["person"])]


def _bis_index(sandbox: Sandbox) -> int:
    population = sandbox.population
    return next(i for i in range(population.size)
                if population.register_of(i) is Register.BIS and population.fault_of(i) is None
                and population.replaced_by(i) is None and not population.is_deceased(i))


@pytest.fixture(scope="module")
def own_sandbox() -> Iterator[Sandbox]:
    """A sandbox of this module's own, for updates of population persons that other
    modules' tests read from the shared one."""
    with Sandbox(seed=5, persons=200) as running:
        yield running


@pytest.fixture(scope="module")
def own_config_path(own_sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return own_sandbox.write_config(tmp_path_factory.mktemp("bis") / "ksz.toml")


@pytest.fixture
def own_client(own_config_path: Path) -> Iterator[KszClient]:
    with KszClient(KszConfig.load(own_config_path, env={})) as plain:
        yield plain.acting_for(user="sw", legal_context="PCSA:SOCIAL_INQUIRY")


# --- the declaration (unit) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {},  # name + full birth date + birthplace + gender
        {"birth_date": PartialDate(2012), "birth_place": None, "gender": None,
         "residential_address": ABROAD},
        {"birth_date": PartialDate(2012, 5), "birth_place": None, "gender": None,
         "contact_address": CONTACT},
    ],
    ids=["full-birth", "foreign-residence", "belgian-contact"],
)
def test_each_minimum_data_rule_is_enough(fields: dict[str, Any]) -> None:
    declaration = _declaration(**fields)
    assert declaration.missing() == ()


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({"birth_date": None}, "birth date"),
        ({"birth_place": None, "gender": None}, "birthplace, gender"),
        ({"birth_date": PartialDate(2012, 5)}, "the full birth date"),
        ({"birth_place": Place(country_code="139")}, "birthplace"),
        ({"gender": None, "residential_address": replace(ABROAD, country_code="150")}, "gender"),
    ],
    ids=["no-birth-date", "no-place-no-gender", "partial-date", "country-only", "not-foreign"],
)
def test_too_little_data_names_what_is_missing(fields: dict[str, Any], missing: str) -> None:
    with pytest.raises(ValidationError, match="missing") as caught:
        _declaration(**fields)
    assert missing in str(caught.value)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": PersonName(" ")}, "last name"),
        ({"name": PersonName("X", ("",))}, "given name"),
        ({"name": PersonName("X" * 101)}, "100 characters"),
        ({"birth_date": PartialDate(2999, 1, 1)}, "future"),
        ({"birth_date": PartialDate(1899, 1, 1)}, "before 1900"),
        ({"decease": Decease(PartialDate(2011))}, "die before"),
        ({"nationalities": tuple(DeclaredNationality("150") for _ in range(11))}, "10"),
        ({"birth_place": Place(municipality_code="2000")}, "NIS"),
        ({"contact_address": Address(street="Kerkstraat", municipality="Antwerpen")},
         "contact address"),
        ({"contact_address": replace(CONTACT, country_code="139")}, "contact address"),
    ],
)
def test_bad_declarations_are_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _declaration(**fields)



def test_a_nationality_cannot_expire_before_it_starts() -> None:
    with pytest.raises(ValidationError, match="3 digits"):
        DeclaredNationality("BE")
    with pytest.raises(ValidationError, match="expire"):
        DeclaredNationality("150", dt.date(2020, 1, 1), dt.date(2019, 1, 1))
    assert DeclaredNationality("150", until=dt.date(2020, 1, 1)).valid_on(dt.date(2020, 1, 1))


def test_address_fields_take_the_kind_their_name_says() -> None:
    declaration = _declaration(contact_address=replace(CONTACT, kind=AddressKind.RESIDENTIAL),
                               residential_address=replace(ABROAD, kind=AddressKind.POSTAL))
    assert declaration.contact_address is not None and declaration.residential_address is not None
    assert declaration.contact_address.kind is AddressKind.CONTACT
    assert declaration.residential_address.kind is AddressKind.RESIDENTIAL



def test_person_changes_need_a_group_and_consistent_data() -> None:
    with pytest.raises(ValidationError, match="at least one"):
        PersonChanges()
    with pytest.raises(ValidationError, match="die before"):
        PersonChanges(birth=Birth(PartialDate(2000)), decease=Decease(PartialDate(1999)))
    with pytest.raises(ValidationError, match="1 to 10"):
        PersonChanges(nationalities=())
    with pytest.raises(ValidationError, match="at least one"):
        PersonChanges(civil_states=())
    changes = PersonChanges(gender=Gender.MALE, contact_address=CONTACT)
    assert changes.groups == (DataGroup.GENDER, DataGroup.CONTACT_ADDRESS)


# --- wire mapping (unit) -------------------------------------------------------------------


def _full_declaration() -> BisDeclaration:
    partner = make(dt.date(1980, 2, 3), 2, kind=SsinKind.TEST)
    return BisDeclaration(
        name=PersonName("El Amrani", ("Youssef", "Karim")),
        birth_date=PartialDate(1980, 2),
        birth_place=Place(country_code="139", name="Fès"),
        gender=Gender.MALE,
        nationalities=(DeclaredNationality("139", dt.date(1980, 2, 1)),
                       DeclaredNationality("150", dt.date(2010, 1, 1), dt.date(2030, 1, 1))),
        decease=Decease(PartialDate(2024, 1, 2), Place(country_code="150",
                                                       municipality_code="11002")),
        civil_states=(CivilState("20", partner_ssin=partner, since=PartialDate(2005, 6, 1)),
                      CivilState("10", partner_reference="FICT9")),
        residential_address=ABROAD,
        contact_address=CONTACT,
    )


def test_declaration_round_trips() -> None:
    declaration = _full_declaration()
    payload = etree.Element("request")
    _wire.write_declaration(payload, declaration)
    assert _wire.read_declaration(payload) == declaration


def test_a_declaration_read_by_the_sandbox_is_validated() -> None:
    payload = etree.Element("request")
    _wire.write_declaration(payload, _declaration())
    birth = payload.find("declaration/birth")
    assert birth is not None
    birth.getparent().remove(birth)
    with pytest.raises(ValidationError, match="birth date"):
        _wire.read_declaration(payload)
    payload = etree.Element("request")
    _wire.write_declaration(payload, _full_declaration())
    kind = payload.find("declaration/addresses/address/addressType")
    assert kind is not None
    kind.text = "POSTAL"
    with pytest.raises(ValidationError, match="residential and a contact"):
        _wire.read_declaration(payload)


def test_changes_round_trip() -> None:
    full = _full_declaration()
    changes = PersonChanges(
        name=full.name, nationalities=full.nationalities, birth=Birth(PartialDate(1980, 2, 3)),
        decease=full.decease, gender=Gender.FEMALE, civil_states=full.civil_states,
        residential_address=ABROAD, contact_address=CONTACT,
    )
    number = make(dt.date(1980, 2, 3), 997, kind=SsinKind.TEST)
    payload = etree.Element("request")
    _wire.write_changes(payload, number, changes)
    assert _wire.read_changes(payload) == (number, changes)
    payload = etree.Element("request")
    _wire.write_changes(payload, number, PersonChanges(gender=Gender.MALE))
    assert _wire.read_changes(payload) == (number, PersonChanges(gender=Gender.MALE))


def _person(last: str = "El Amrani") -> Person:
    return Person(ssin=make(dt.date(1980, 2, 3), 997, kind=SsinKind.TEST), register=Register.BIS,
                  name=PersonName(last, ("Youssef",)), gender=Gender.MALE,
                  addresses=(CONTACT,), register_since=dt.date(2026, 1, 2))


def test_registration_results_round_trip() -> None:
    payload = etree.Element("response")
    _wire.write_registration(_xml.sub(payload, "result"), person=_person())
    assert _wire.read_registration(payload) == (_person(), ())
    payload = etree.Element("response")
    candidates = (_person(), _person("Amrani"))
    _wire.write_registration(_xml.sub(payload, "result"), candidates=candidates)
    assert _wire.read_registration(payload) == (None, candidates)
    payload = etree.Element("response")
    _xml.sub(payload, "result")
    with pytest.raises(ResponseError, match="neither"):
        _wire.read_registration(payload)


def test_update_results_round_trip() -> None:
    updates = (DataGroupUpdate(DataGroup.NAME, UpdateOutcome.DEFERRED, "VALIDATION", "later"),
               DataGroupUpdate(DataGroup.CONTACT_ADDRESS, UpdateOutcome.OK))
    payload = etree.Element("response")
    _wire.write_update(_xml.sub(payload, "result"), updates, _person())
    assert _wire.read_update(payload) == (updates, _person())
    item = payload.find("result/dataGroupResult/result")
    assert item is not None
    item.text = "MAYBE"
    with pytest.raises(ResponseError, match="update result"):
        _wire.read_update(payload)


# --- bad input never leaves ----------------------------------------------------------------


@pytest.fixture
def offline(sandbox_config_path: Path) -> Iterator[KszClient]:
    client, transport = offline_client(sandbox_config_path)
    yield client
    assert transport.sent == []


def test_bad_registrations_are_refused_before_sending(offline: KszClient) -> None:
    with pytest.raises(ValidationError, match="missing: birth date"):
        offline.bis.register("Dupont")
    with pytest.raises(ValidationError, match="birthplace, gender"):
        offline.bis.register("Dupont", birth_date="2001-02-03", create_anyway=True)
    with pytest.raises(ValidationError, match="not both"):
        offline.bis.register(_declaration(), gender="M")
    with pytest.raises(ValidationError, match="gender is M or F"):
        offline.manage_person.create("Dupont", birth_date="2001-02-03", gender="X")
    with pytest.raises(ValidationError, match="country"):
        offline.bis.register("Dupont", birth_date="2001-02-00", residence_city="Paris")
    with pytest.raises(ValidationError, match="BisDeclaration"):
        offline.bis.register(42)  # type: ignore[arg-type]


def test_bad_updates_are_refused_before_sending(offline: KszClient) -> None:
    number = make(dt.date(1980, 2, 3), 997, kind=SsinKind.TEST)
    with pytest.raises(InvalidSsin):
        offline.cbss_person.update("85073003329", gender="M")
    with pytest.raises(ValidationError, match="at least one"):
        offline.cbss_person.update(number)
    with pytest.raises(ValidationError, match="not both"):
        offline.cbss_person.update(number, changes=PersonChanges(gender=Gender.MALE),
                                   gender="F")
    with pytest.raises(ValidationError, match="PersonChanges"):
        offline.cbss_person.update(number, changes="gender=F")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="last name too"):
        offline.cbss_person.update(number, given_names=["Jan"])
    with pytest.raises(ValidationError, match="birth date too"):
        offline.cbss_person.update(number, birth_place="Paris")
    with pytest.raises(ValidationError, match="contact address"):
        offline.cbss_person.update(number, contact_street="Kerkstraat")


# --- registration end to end --------------------------------------------------------------------


@pytest.mark.e2e
def test_register_a_new_person(sandbox_config: KszConfig, sandbox: Sandbox) -> None:
    capture = Traffic()
    declaration = _declaration(nationalities=(
        DeclaredNationality("139", dt.date(2012, 5, 17)),
        DeclaredNationality("150", dt.date(2015, 1, 1), dt.date(2016, 1, 1)),  # expired
    ), contact_address=CONTACT)
    with KszClient(sandbox_config, observers=[capture]) as plain:
        client = plain.acting_for(user="sw", legal_context="PCSA:SOCIAL_INQUIRY")
        result = client.bis.register(declaration)
        assert capture.operations() == ["searchPersonPhonetically", "registerPerson"]
        assert result.outcome is RegistrationOutcome.REGISTERED and result.registered
        person = result.person
        assert person is not None and result.ssin == person.ssin and result.candidates == ()
        assert person.register is Register.BIS and person.name == declaration.name
        assert person.birth == Birth(declaration.birth_date, declaration.birth_place)
        assert [n.code for n in person.nationalities] == ["139"]
        assert person.addresses == (CONTACT,)
        assert result.receipt.ticket == capture.requests[-1].call_id
        # A sandbox BIS number is a test number the population never uses.
        number = person.ssin
        assert number.kind is SsinKind.TEST and number.birth_date == dt.date(2012, 5, 17)
        assert int(number[6:9]) >= 997 and number.gender is Gender.FEMALE
        assert sandbox.population.index_of(number) is None
        # What later consultations see.
        assert client.person.get(number.formatted).person == person
        assert client.ssin_info.current(number).current == SsinState(number)
        assert client.ssin_info.related(number).related == ()
        found = client.person.search(declaration.name.last_name, birth_date="2012-00-00")
        # The phonetic key has four characters: another test's person may sound alike.
        assert [p.ssin for p in found.persons if p.name == declaration.name] == [number]
    (record,) = _records(sandbox, declaration.name.last_name)
    assert record.ssin == number and record.data["origin"] == "registerPerson"
    assert record.ticket == result.receipt.ticket_cbss


@pytest.mark.e2e
def test_a_second_registration_finds_the_first(sandbox_config: KszConfig,
                                               sandbox: Sandbox) -> None:
    capture = Traffic()
    declaration = _declaration(contact_address=CONTACT)
    with KszClient(sandbox_config, observers=[capture]) as plain:
        client = plain.acting_for(user="sw", legal_context="PCSA:SOCIAL_INQUIRY")
        first = client.bis.register(declaration)
        assert first.ssin is not None
        capture.requests.clear()
        # The phonetic check: nothing sent to the BIS register.
        shouted = PersonName(declaration.name.last_name.upper(), declaration.name.given_names)
        again = client.bis.register(replace(declaration, name=shouted))
        assert capture.operations() == ["searchPersonPhonetically"]
        assert again.outcome is RegistrationOutcome.POSSIBLE_DUPLICATES
        assert [p.ssin for p in again.candidates] == [first.ssin]
        assert again.person is None and again.ssin is None
        assert again.receipt.ticket == capture.requests[0].call_id
        # Confirmed anyway: the KSZ's own check answers existingPersons.
        capture.requests.clear()
        forced = client.bis.register(declaration, create_anyway=True)
        assert capture.operations() == ["registerPerson"]
        assert forced.outcome is RegistrationOutcome.EXISTING_PERSONS
        assert [p.ssin for p in forced.candidates] == [first.ssin]
    assert len(_records(sandbox, declaration.name.last_name)) == 1



@pytest.mark.e2e
def test_create_anyway_when_the_candidates_are_someone_else(client: KszClient,
                                                            sandbox: Sandbox) -> None:
    first = client.bis.register(_declaration(contact_address=CONTACT))
    assert first.person is not None
    # Same name, a year apart: the phonetic check (year +/- 1) suggests the first...
    sibling = _declaration(name=first.person.name, birth_date=PartialDate(2013, 8, 1),
                           contact_address=CONTACT)
    suggested = client.bis.register(sibling)
    assert suggested.outcome is RegistrationOutcome.POSSIBLE_DUPLICATES
    # ...the social worker confirms it is someone else.
    created = client.bis.register(sibling, create_anyway=True)
    assert created.outcome is RegistrationOutcome.REGISTERED
    assert created.ssin is not None and created.ssin != first.ssin
    assert len(_records(sandbox, first.person.name.last_name)) == 2


@pytest.mark.e2e
def test_a_person_of_the_national_register_is_an_existing_person(client: KszClient,
                                                                  sandbox: Sandbox) -> None:
    population = sandbox.population
    index = next(i for i in range(population.size)
                 if population.register_of(i) is Register.NR and population.fault_of(i) is None
                 and population.replaced_by(i) is None)
    known = population.person(index)
    assert known.birth is not None and known.gender is not None
    declaration = BisDeclaration(
        name=PersonName(known.name.last_name.upper(), known.name.given_names[:1]),
        birth_date=known.birth.date, birth_place=Place(country_code="150", name="Elders"),
        gender=known.gender,
    )
    before = len(sandbox.state.records(PERSON_KIND))
    checked = client.bis.register(declaration)
    assert checked.outcome is RegistrationOutcome.POSSIBLE_DUPLICATES
    assert known.ssin in [p.ssin for p in checked.candidates]
    forced = client.bis.register(declaration, create_anyway=True)
    assert forced.outcome is RegistrationOutcome.EXISTING_PERSONS
    assert known.ssin in [p.ssin for p in forced.candidates]
    assert len(sandbox.state.records(PERSON_KIND)) == before


@pytest.mark.e2e
@pytest.mark.parametrize("birth", [PartialDate(2014, 6), PartialDate(2014)])
def test_a_partial_birth_date_gets_a_number_with_an_unknown_day(client: KszClient,
                                                                birth: PartialDate) -> None:
    result = client.bis.register(_declaration(birth_date=birth, birth_place=None, gender=None,
                                              residential_address=ABROAD))
    number = result.ssin
    assert number is not None and number.kind is SsinKind.TEST
    assert number[4:6] == "00" and int(number[2:4]) - 60 == (birth.month or 0)
    assert result.person is not None and result.person.birth is not None
    assert result.person.birth.date == birth and result.person.gender is None


@pytest.mark.e2e
def test_numbers_stay_unique_when_the_first_counters_are_taken(client: KszClient) -> None:
    numbers = set()
    for _ in range(4):  # 997 and 999 for men, then the day-unknown range
        result = client.bis.register(_declaration(gender=Gender.MALE,
                                                  birth_date=PartialDate(2010, 1, 9)),
                                     create_anyway=True)
        assert result.ssin is not None and result.ssin.gender is Gender.MALE
        numbers.add(result.ssin)
    assert len(numbers) == 4


@pytest.mark.e2e
def test_the_legacy_create_registers_the_same_way(client: KszClient, sandbox: Sandbox) -> None:
    declaration = _declaration(birth_date=PartialDate(2011, 3), birth_place=None, gender=None,
                               contact_address=CONTACT)
    result = client.manage_person.create(declaration)
    assert result.outcome is RegistrationOutcome.REGISTERED and result.ssin is not None
    assert client.person.get(result.ssin).person == result.person
    (record,) = _records(sandbox, declaration.name.last_name)
    assert record.data["origin"] == "createKSZCitizen"
    again = client.manage_person.create(declaration, create_anyway=True)
    assert again.outcome is RegistrationOutcome.EXISTING_PERSONS


@pytest.mark.e2e
def test_a_lost_answer_is_in_doubt_and_never_sent_again(sandbox_config: KszConfig,
                                                        sandbox: Sandbox) -> None:
    capture = Traffic()
    declaration = _declaration(contact_address=CONTACT)
    with KszClient(sandbox_config, observers=[capture]) as plain:
        client = plain.acting_for(user="sw", legal_context="PCSA:SOCIAL_INQUIRY")
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as caught:
            client.bis.register(declaration, create_anyway=True)
    assert capture.operations() == ["registerPerson"]  # one attempt, no retry
    assert caught.value.call_id == capture.requests[0].call_id
    # The KSZ (sandbox) did register it: exactly once.
    (record,) = _records(sandbox, declaration.name.last_name)
    assert record.data["origin"] == "registerPerson"


@pytest.mark.e2e
def test_with_an_audit_log_the_next_registration_waits_for_reconciliation(
    sandbox_config: KszConfig, sandbox: Sandbox, tmp_path: Path,
) -> None:
    capture = Traffic()
    with AuditLog.sqlite(tmp_path / "audit.sqlite3") as log, \
            KszClient(sandbox_config, observers=[log.observer(sandbox_config), capture]) as plain:
        client = plain.acting_for(user="sw", legal_context="PCSA:SOCIAL_INQUIRY")
        doubtful = _declaration(contact_address=CONTACT)
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError) as caught:
            client.bis.register(doubtful, create_anyway=True)
        with pytest.raises(InDoubtError) as refused:
            client.bis.register(_declaration(contact_address=CONTACT), create_anyway=True)
        assert refused.value.call_id == caught.value.call_id
        assert capture.operations() == ["registerPerson"]
        # Reconcile: the phonetic search shows the registration was made.
        found = client.person.search(doubtful.name.last_name)
        # Exactly one person with the declared name: the phonetic search may also
        # return someone else of the shared sandbox whose name merely sounds alike.
        assert [p.name for p in found.persons if p.name == doubtful.name] == [doubtful.name]
        log.resolve(caught.value.call_id, by="sw", applied=True, note="found by search")
        after = client.bis.register(_declaration(contact_address=CONTACT), create_anyway=True)
        assert after.registered


@pytest.mark.e2e
def test_the_sandbox_refuses_a_declaration_below_the_minimum(sandbox: Sandbox) -> None:
    """What a client that skips the SDK's checks gets: NO_RESULT MSG00008, nothing stored."""
    import requests

    from ksz_client import _soap
    from ksz_client._config import Organisation
    from ksz_client.sandbox import SANDBOX_CBE_NUMBER
    from ksz_client.wsse import Signer

    op = BIS.operation("registerPerson")
    payload = _soap.new_request(op.request_element, BIS.namespace, ticket=str(uuid.uuid4()),
                                sent_at=dt.datetime.now(dt.UTC),
                                organisation=Organisation(cbe_number=SANDBOX_CBE_NUMBER),
                                legal_context="PCSA:SOCIAL_INQUIRY")
    declaration = _declaration()
    _wire.write_declaration(payload, declaration)
    gender = payload.find("declaration/gender")
    assert gender is not None
    gender.getparent().remove(gender)
    envelope = _soap.envelope(payload)
    Signer(sandbox.client.key_pem, sandbox.client.cert_pem).sign(envelope)
    before = len(sandbox.state.records(PERSON_KIND))
    response = requests.post(f"{sandbox.url}/{BIS.path}", data=_xml.to_bytes(envelope),
                             timeout=10, headers={"Content-Type": "text/xml; charset=utf-8",
                                                  "SOAPAction": f'"{op.soap_action}"'})
    answer = _xml.parse(response.content).find(f"{ENVELOPE_BODY}/{{{BIS.namespace}}}"
                                               f"{op.response_element}")
    assert answer is not None
    assert (answer.findtext("status/value"), answer.findtext("status/code")) == \
        ("NO_RESULT", "MSG00008")
    assert answer.find("result") is None
    assert len(sandbox.state.records(PERSON_KIND)) == before


# --- update end to end ------------------------------------------------------------------------


@pytest.mark.e2e
def test_update_a_bis_person_of_the_population(own_client: KszClient,
                                               own_sandbox: Sandbox) -> None:
    client = own_client
    population = own_sandbox.population
    index = _bis_index(own_sandbox)
    number = population.ssin_of(index)
    before = client.person.get(number).person
    assert before is not None and before.birth is not None and before.gender is not None
    new_contact = Address(AddressKind.CONTACT, "Rue Haute", "9", None, "1000", "Bruxelles",
                          country_code="150", since=dt.date(2026, 1, 5))
    result = client.cbss_person.update(number, changes=PersonChanges(
        name=PersonName("Nieuwenaam", before.name.given_names),
        gender=before.gender,
        decease=Decease(PartialDate(before.birth.date.year - 1)),
        contact_address=new_contact,
    ))
    assert [(u.group, u.outcome, u.reason_code) for u in result.updates] == [
        (DataGroup.NAME, UpdateOutcome.DEFERRED, "VALIDATION"),
        (DataGroup.DECEASE, UpdateOutcome.NOK, "INCONSISTENT"),
        (DataGroup.GENDER, UpdateOutcome.NO_UPDATE, None),
        (DataGroup.CONTACT_ADDRESS, UpdateOutcome.OK, None),
    ]
    assert result.outcome(DataGroup.CONTACT_ADDRESS) is UpdateOutcome.OK
    assert result.outcome(DataGroup.BIRTH) is None
    assert [u.group for u in result.refused] == [DataGroup.DECEASE]
    after = client.person.get(number).person
    assert after == result.person
    assert after is not None and after.addresses == (new_contact,)
    assert after.name == before.name and after.decease is None  # deferred / refused
    # The same again changes nothing.
    again = client.cbss_person.update(number, contact_street="Rue Haute",
                                      contact_house_number="9", contact_postal_code="1000",
                                      contact_municipality="Bruxelles")
    assert again.updates == (DataGroupUpdate(DataGroup.CONTACT_ADDRESS,
                                             UpdateOutcome.NO_UPDATE),)
    assert client.person.get(number).person == after


@pytest.mark.e2e
def test_update_a_registered_person(client: KszClient) -> None:
    registered = client.bis.register(_declaration(contact_address=CONTACT))
    assert registered.ssin is not None
    result = client.cbss_person.update(
        registered.ssin, nationalities=["139", "150"], residence_country="139",
        residence_city="Rabat", decease_date="2026-01-00",
    )
    assert {u.outcome for u in result.updates} == {UpdateOutcome.OK}
    person = client.person.get(registered.ssin).person
    assert person is not None and person.deceased
    assert [n.code for n in person.nationalities] == ["139", "150"]
    assert [a.kind for a in person.addresses] == [AddressKind.RESIDENTIAL, AddressKind.CONTACT]
    assert person.residential_address is not None
    assert person.residential_address.municipality == "Rabat"


@pytest.mark.e2e
def test_a_national_register_person_cannot_be_updated(client: KszClient,
                                                      sandbox: Sandbox) -> None:
    population = sandbox.population
    index = next(i for i in range(population.size)
                 if population.register_of(i) is Register.NR and population.fault_of(i) is None
                 and population.replaced_by(i) is None)
    result = client.cbss_person.update(population.ssin_of(index), gender="F", last_name="X")
    assert {(u.outcome, u.reason_code) for u in result.updates} == {(UpdateOutcome.NOK,
                                                                     "NOT_BIS")}
    assert client.person.get(population.ssin_of(index)).person == population.person(index)


@pytest.mark.e2e
def test_update_of_an_unknown_or_replaced_number(client: KszClient, sandbox: Sandbox) -> None:
    with pytest.raises(UnknownSsin):
        client.cbss_person.update(make(dt.date(2004, 12, 30), 995, kind=SsinKind.TEST),
                                  gender="F")
    population = sandbox.population
    old = next(i for i in range(population.size) if population.replaced_by(i) is not None)
    with pytest.raises(SsinReplaced) as caught:
        client.cbss_person.update(population.ssin_of(old), gender="F")
    assert caught.value.new_ssin == population.ssin_of(old + 1)


@pytest.mark.e2e
def test_a_lost_update_answer_is_in_doubt(sandbox_config: KszConfig, sandbox: Sandbox) -> None:
    capture = Traffic()
    with KszClient(sandbox_config, observers=[capture]) as plain:
        client = plain.acting_for(user="sw", legal_context="PCSA:SOCIAL_INQUIRY")
        registered = client.bis.register(_declaration(contact_address=CONTACT))
        number = registered.ssin
        assert number is not None
        capture.requests.clear()
        with sandbox.fault("reset", times=1), pytest.raises(InDoubtError):
            client.cbss_person.update(number, residence_country="139", residence_city="Oujda")
        assert capture.operations() == ["updatePerson"]
        assert len(sandbox.state.records(UPDATE_KIND, ssin=number)) == 1
        # It was applied: the reconciliation read shows it.
        person = client.person.get(number).person
        assert person is not None and person.residential_address is not None


# --- contracts ---------------------------------------------------------------------------------




@pytest.fixture
def exchanged(sandbox_config: KszConfig, sandbox: Sandbox) -> dict[str, list[_xml.Element]]:
    """Requests and responses of each BIS service: registered, existing, updated, refused."""
    capture = Traffic()
    with KszClient(sandbox_config, observers=[capture]) as plain:
        client = plain.acting_for(user="u", legal_context="PCSA:SOCIAL_INQUIRY")
        full = replace(_full_declaration(), name=PersonName(_name(), ("Youssef",)))
        registered = client.bis.register(replace(full, decease=None), create_anyway=True)
        client.bis.register(replace(full, decease=None), create_anyway=True)
        legacy = client.manage_person.create(_declaration(contact_address=CONTACT),
                                             create_anyway=True)
        assert registered.ssin is not None and legacy.ssin is not None
        client.cbss_person.update(registered.ssin, changes=PersonChanges(
            name=PersonName("Other"), nationalities=full.nationalities,
            birth=Birth(PartialDate(1980, 2, 3), Place(country_code="139", name="Fès")),
            decease=Decease(PartialDate(2025)), gender=Gender.FEMALE,
            civil_states=full.civil_states, residential_address=ABROAD,
            contact_address=CONTACT))
        client.cbss_person.update(sandbox.population.ssin_of(0), gender="F")
    for exchange, data in zip(capture.requests, capture.messages[::2], strict=True):
        assert exchange.request == data
    out = {service.name: service_payloads(capture.messages, service.namespace)
           for service in (BIS, LEGACY, UPDATE)}
    assert {k: len(v) for k, v in out.items()} == {BIS.name: 4, LEGACY.name: 2, UPDATE.name: 4}
    assert len(capture.messages) == 10  # none in another namespace
    return out



@pytest.mark.contracts
def test_messages_validate_against_our_contracts(
    exchanged: dict[str, list[_xml.Element]],
) -> None:
    for service, payloads in exchanged.items():
        schema = _contracts.schema(service)
        assert schema is not None
        for payload in payloads:
            assert schema.validate(payload), (service, schema.error_log)
            if payload.tag.endswith("Request"):
                assert_unqualified([payload])
    bis = exchanged[BIS.name]
    assert bis[1].find("result/newlyRegisteredPerson") is not None
    assert bis[3].find("result/existingPersons/person") is not None


@pytest.mark.contracts
def test_messages_validate_with_the_official_commonv3(
    exchanged: dict[str, list[_xml.Element]], official_contracts: Path,
) -> None:
    for service, payloads in exchanged.items():
        schema = ours_with_official_common(official_contracts, service)
        for payload in payloads:
            assert schema.validate(payload), (service, schema.error_log)
        broken = payloads[0]
        cbe = broken.find("informationCustomer/customerIdentification/cbeNumber")
        assert cbe is not None
        cbe.text = "12345"
        assert not schema.validate(broken)


@pytest.mark.contracts
@pytest.mark.parametrize(("service", "wsdl"), [
    (BIS, "intf/BisPersonService/BisPersonServiceV1.wsdl"),
    (LEGACY, "intf/ManagePersonService/ManagePersonServiceV1.wsdl"),
    (UPDATE, "intf/CBSSPersonService/CBSSPersonServiceV1.wsdl"),
], ids=lambda v: getattr(v, "name", ""))
def test_the_wsdls_agree_with_the_catalogue(service: catalogue.Service, wsdl: str) -> None:
    assert len(service.operations) == 1
    assert_wsdl_agrees(service, wsdl.removeprefix("intf/"), service.name,
                       f"{service.name}Port")


# --- command line ----------------------------------------------------------------------------


def _cli(capsys: pytest.CaptureFixture[str], config: Path, *argv: str) -> tuple[int, str, str]:
    code = command(config, user="test-social-worker")(*argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.e2e
def test_cli_register_then_possible_duplicates(capsys: pytest.CaptureFixture[str],
                                               sandbox_config_path: Path,
                                               sandbox: Sandbox) -> None:
    last = _name()
    argv = ("bis", "register", last, "--given-name", "Omar", "--birth-date", "2015-04-00",
            "--residence-country", "139", "--residence-city", "Tanger", "--nationality", "139")
    code, out, err = _cli(capsys, sandbox_config_path, *argv, "--json")
    assert (code, err) == (EXIT_OK, "")
    data = json.loads(out)
    assert data["outcome"] == "REGISTERED"
    number = data["person"]["ssin"]
    assert Ssin(number, allow_test=True).kind is SsinKind.TEST
    code, out, _ = _cli(capsys, sandbox_config_path, *argv)
    assert code == EXIT_OK
    assert "--create-anyway" in out and Ssin(number, allow_test=True).formatted in out
    code, out, _ = _cli(capsys, sandbox_config_path, "manage_person", "create-ksz-citizen",
                        *argv[2:], "--create-anyway", "--json")
    assert code == EXIT_OK and json.loads(out)["outcome"] == "EXISTING_PERSONS"
    assert len(_records(sandbox, last)) == 1


@pytest.mark.e2e
def test_cli_update_and_bad_input(capsys: pytest.CaptureFixture[str], own_config_path: Path,
                                  own_sandbox: Sandbox) -> None:
    sandbox_config_path = own_config_path
    number = own_sandbox.population.ssin_of(_bis_index(own_sandbox))
    code, out, err = _cli(capsys, sandbox_config_path, "cbss_person", "update", number,
                          "--residence-country", "129", "--residence-city", "Paris", "--json")
    assert (code, err) == (EXIT_OK, "")
    data = json.loads(out)
    assert data["updates"] == [{"group": "RESIDENTIAL_ADDRESS", "outcome": "OK",
                                "reason_code": None, "description": None}]
    code, out, _ = _cli(capsys, sandbox_config_path, "cbss_person", "update", number,
                        "--residence-country", "129", "--residence-city", "Paris")
    assert code == EXIT_OK and "NO_UPDATE" in out and number.formatted in out
    code, _, err = _cli(capsys, sandbox_config_path, "cbss_person", "update", number)
    assert code == EXIT_USAGE and "at least one" in err
    code, _, err = _cli(capsys, sandbox_config_path, "bis", "register", "Dupont")
    assert code == EXIT_USAGE and "missing" in err
