"""PersonService V4: model mapping (unit) and end to end against the sandbox over HTTP."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree

from ksz_client import _xml
from ksz_client._client import KszClient
from ksz_client._exceptions import (
    InvalidSsin,
    MissingCallContext,
    ResponseError,
    SsinReplaced,
    UnknownSsin,
    ValidationError,
)
from ksz_client.hooks import Exchange, Outcome
from ksz_client.sandbox import Sandbox
from ksz_client.services.person import GivenNameMatching, Person, Register, SearchCriteria, _wire
from ksz_client.ssin import Gender, SsinKind, make
from ksz_client.types import Address, AddressKind, PartialDate, PersonName, Place

NS = "http://kszbcss.fgov.be/intf/PersonService/v4"


def _index(sandbox: Sandbox, predicate) -> int:  # type: ignore[no-untyped-def]
    population = sandbox.population
    return next(i for i in range(population.size) if predicate(i))


# --- mapping (unit) ---------------------------------------------------------------------


def _full_person() -> Person:
    from ksz_client.services.person.models import Birth, CivilState, Decease, Nationality

    partner = make(dt.date(1980, 2, 3), 2, kind=SsinKind.TEST)
    return Person(
        ssin=make(dt.date(1979, 5, 6), 3, kind=SsinKind.TEST),
        register=Register.BIS,
        name=PersonName("Van den Broeck", ("Émile", "Jan")),
        gender=Gender.MALE,
        birth=Birth(PartialDate(1979, 5), Place(country_code="150", municipality_code="11002",
                                               name="Antwerpen")),
        decease=Decease(PartialDate(2020, 1, 2), None),
        nationalities=(Nationality("150", dt.date(1979, 5, 6)), Nationality("129")),
        civil_states=(
            CivilState("20", partner_ssin=partner, since=PartialDate(2001, 6, 1)),
            CivilState("10", partner_reference="FICT1"),
        ),
        addresses=(
            Address(AddressKind.RESIDENTIAL, "Kerkstraat", "1", "2", "2000", "Antwerpen",
                    "11002", "150", dt.date(2005, 1, 1)),
            Address(AddressKind.CONTACT, "Rue Haute", "9", None, "1000", "Bruxelles"),
        ),
        nobility_title="Baron",
        register_since=dt.date(1999, 1, 1),
        canceled=True,
        replaces=make(dt.date(1979, 5, 6), 5, kind=SsinKind.TEST),
    )


def test_person_round_trips_through_the_wire_mapping() -> None:
    person = _full_person()
    parent = etree.Element("result")
    _wire.write_person(parent, person)
    assert _wire.read_person(parent[0]) == person


def test_reading_ignores_unknown_elements_and_requires_known_ones() -> None:
    parent = etree.Element("result")
    el = _wire.write_person(parent, _full_person())
    etree.SubElement(el, "{urn:future}newDataGroup").text = "later"
    etree.SubElement(el.find("name"), "pronunciation").text = "?"
    assert _wire.read_person(el).name.last_name == "Van den Broeck"
    el.remove(el.find("name"))
    with pytest.raises(ResponseError, match="name"):
        _wire.read_person(el)


def test_reading_rejects_a_malformed_ssin_and_an_unknown_register() -> None:
    parent = etree.Element("result")
    el = _wire.write_person(parent, _full_person())
    el.find("ssin").text = "12345678901"
    with pytest.raises(ResponseError, match="SSIN"):
        _wire.read_person(el)
    el = _wire.write_person(etree.Element("result"), _full_person())
    el.set("register", "XX")
    with pytest.raises(ResponseError, match="register"):
        _wire.read_person(el)


def test_repr_of_a_person_does_not_show_ssins() -> None:
    person = _full_person()
    text = repr(person)
    assert str(person.ssin) not in text
    assert str(person.civil_states[0].partner_ssin) not in text


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"last_name": ""}, "last name"),
        ({"last_name": "  "}, "last name"),
        ({"last_name": "X", "given_names": ("a", "b", "c", "d")}, "at most 3"),
        ({"last_name": "X", "tolerance": 11, "birth_date": PartialDate(1980)}, "tolerance"),
        ({"last_name": "X", "tolerance": 2}, "needs a birth date"),
        ({"last_name": "X", "max_results": 0}, "max_results"),
        ({"last_name": "X", "country_code": "BE"}, "country code"),
        ({"last_name": "X", "municipality_code": "1000"}, "municipality code"),
        ({"last_name": "X" * 101}, "100 characters"),
    ],
)
def test_phonetic_criteria_are_validated(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        SearchCriteria(**kwargs)  # type: ignore[arg-type]


def test_criteria_written_and_read_back() -> None:
    criteria = SearchCriteria(
        last_name="Peeters", given_names=("Jan",),
        given_name_matching=GivenNameMatching.COMPLETE_FIRST_GIVENNAME,
        birth_date=PartialDate(1980, 7), tolerance=2, gender=Gender.FEMALE,
        country_code="150", municipality_code="11002", max_results=5,
    )
    payload = etree.Element("req")
    _wire.write_criteria(payload, criteria)
    assert _wire.read_criteria(payload) == criteria


# --- end to end over HTTP -------------------------------------------------------------


@pytest.mark.e2e
def test_get_returns_the_person_with_both_tickets(client: KszClient, sandbox: Sandbox) -> None:
    expected = sandbox.population.person(0)
    result = client.person.get(expected.ssin.formatted)
    assert result.found
    assert result.person == expected
    assert result.status.value == "DATA_FOUND" and result.status.code == "MSG00000"
    assert len(result.receipt.ticket) == 36
    assert result.receipt.ticket_cbss and result.receipt.ticket_cbss != result.receipt.ticket
    assert result.receipt.timestamp_reply is not None


@pytest.mark.e2e
def test_get_a_deceased_person(client: KszClient, sandbox: Sandbox) -> None:
    index = _index(sandbox, sandbox.population.is_deceased)
    result = client.person.get(sandbox.population.ssin_of(index))
    assert result.person is not None and result.person.deceased


@pytest.mark.e2e
def test_replaced_ssin_raises_with_the_new_one(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = _index(sandbox, lambda i: population.replaced_by(i) is not None)
    with pytest.raises(SsinReplaced) as caught:
        client.person.get(population.ssin_of(index))
    assert caught.value.code == "MSG00006"
    assert caught.value.new_ssin == population.ssin_of(population.replaced_by(index))
    assert caught.value.ticket_cbss
    assert str(population.ssin_of(index)) not in str(caught.value)


@pytest.mark.e2e
def test_unknown_ssin(client: KszClient) -> None:
    with pytest.raises(UnknownSsin) as caught:
        client.person.get(make(dt.date(2004, 12, 30), 995, kind=SsinKind.TEST))
    assert caught.value.code == "MSG00005"


def test_invalid_ssin_raises_before_any_io(sandbox_config) -> None:  # type: ignore[no-untyped-def]
    sent: list[object] = []

    class Recorder:
        def handle(self, request):  # type: ignore[no-untyped-def]
            sent.append(request)
            raise AssertionError("nothing may be sent")

        def close(self) -> None:
            pass

    client = KszClient(sandbox_config, transport=Recorder()).acting_for(
        user="u", legal_context="PCSA:SOCIAL_INQUIRY")
    with pytest.raises(InvalidSsin):
        client.person.get("85073003329")
    with pytest.raises(ValidationError):
        client.person.search("")
    assert sent == []


def test_a_call_without_user_or_legal_context_is_refused_before_sending(
    sandbox_config,  # type: ignore[no-untyped-def]
) -> None:
    client = KszClient(sandbox_config)
    ssin = make(dt.date(1980, 1, 1), 1, kind=SsinKind.TEST)
    with pytest.raises(MissingCallContext, match="user"):
        client.person.get(ssin)
    with pytest.raises(MissingCallContext, match="legal context"):
        client.acting_for(user="u").person.get(ssin)


def test_test_numbers_are_refused_in_production(sandbox_config) -> None:  # type: ignore[no-untyped-def]
    from ksz_client._config import Environment

    prod = sandbox_config.with_overrides(environment=Environment.PROD, endpoint=None)
    client = KszClient(prod).acting_for(user="u", legal_context="PCSA:SOCIAL_INQUIRY")
    with pytest.raises(InvalidSsin, match="test numbers"):
        client.person.get(make(dt.date(1980, 1, 1), 1, kind=SsinKind.TEST))


@pytest.mark.e2e
def test_search_phonetically(client: KszClient, sandbox: Sandbox) -> None:
    target = sandbox.population.person(3)
    assert target.birth is not None
    result = client.person.search(
        target.name.last_name.upper(),
        given_names=[target.name.given_names[0]],
        birth_date=PartialDate(target.birth.date.year),
        gender=target.gender,
        max_results=100,
    )
    assert target.ssin in [p.ssin for p in result.persons]
    assert all(p.name.last_name == target.name.last_name for p in result.persons)
    assert result.status.code == "MSG00000"


@pytest.mark.e2e
def test_search_with_tolerance_and_no_match(client: KszClient, sandbox: Sandbox) -> None:
    target = sandbox.population.person(4)
    assert target.birth is not None
    wrong_year = PartialDate(target.birth.date.year + 3)
    none = client.person.search(target.name.last_name, birth_date=wrong_year, max_results=100)
    assert target.ssin not in [p.ssin for p in none.persons]
    tolerant = client.person.search(
        target.name.last_name, birth_date=wrong_year, tolerance=3, max_results=100
    )
    assert target.ssin in [p.ssin for p in tolerant.persons]
    empty = client.person.search("Zzyzx")
    assert empty.persons == () and empty.status.value == "NO_DATA_FOUND"


@pytest.mark.e2e
def test_observers_see_the_exact_bytes_and_the_context(
    sandbox_config, sandbox: Sandbox  # type: ignore[no-untyped-def]
) -> None:
    seen: list[tuple[Exchange, Outcome | None]] = []

    class Recorder:
        def before_send(self, exchange: Exchange) -> None:
            seen.append((exchange, None))

        def after_receive(self, exchange: Exchange, outcome: Outcome) -> None:
            seen.append((exchange, outcome))

    with KszClient(sandbox_config, observers=[Recorder()]) as plain:
        client = plain.acting_for(user="sw-7", legal_context="PCSA:SOCIAL_INQUIRY",
                                  dossier="D-9", quality_code=2)
        result = client.person.get(sandbox.population.ssin_of(0))
    (before, none), (after, outcome) = seen
    assert none is None and before == after
    assert before.call_id == result.receipt.ticket and before.attempt == 1
    assert before.service == "PersonService" and before.operation == "searchPersonBySsin"
    assert before.context.user == "sw-7" and before.context.dossier == "D-9"
    assert before.context.quality_code == 2
    assert before.subjects == (str(result.person.ssin),)  # type: ignore[union-attr]
    root = _xml.parse(before.request)
    assert root.find(f".//{{{NS}}}searchPersonBySsinRequest/informationCustomer/ticket").text \
        == result.receipt.ticket
    assert outcome is not None and outcome.response is not None
    assert outcome.status == result.status and outcome.ticket_cbss == result.receipt.ticket_cbss
    assert b"searchPersonBySsinResponse" in outcome.response
    assert str(result.person.ssin) not in repr(before)  # type: ignore[union-attr]


@pytest.mark.e2e
def test_concurrent_clients_share_one_pool(client: KszClient, sandbox: Sandbox) -> None:
    from concurrent.futures import ThreadPoolExecutor

    ssins = [sandbox.population.ssin_of(i) for i in range(0, 160, 2)
             if sandbox.population.replaced_by(i) is None]
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(client.person.get, ssins))
    assert [r.person.ssin for r in results] == ssins  # type: ignore[union-attr]
    assert len({r.receipt.ticket for r in results}) == len(ssins)
