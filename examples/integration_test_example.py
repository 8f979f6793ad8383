"""How a software house tests its own code against the KSZ, with the ksz-client pytest plugin.

    pytest examples/integration_test_example.py

Installing ksz-client installs the plugin: the fixtures ``ksz_sandbox`` (a
local KSZ for the test session), ``ksz_client`` (a client bound to it) and
``ksz_mock`` (canned, signed answers without any server) need no setup.

`intake` below stands for the application's own code; the tests show the
three usual ways to test it: against the sandbox's synthetic population,
against the sandbox misbehaving on demand, and against canned answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from ksz_client import KszClient, SsinReplaced, TransportError, UnknownSsin
from ksz_client.services.person import Person, Register
from ksz_client.ssin import SsinKind, make
from ksz_client.testing import KszMock, SandboxFixture
from ksz_client.types import PersonName

# --- the application's code --------------------------------------------------------------


@dataclass(frozen=True)
class Intake:
    """What the intake screen of an OCMW application shows about a person."""

    outcome: str  # "ok", "deceased", "replaced" or "unknown"
    name: str | None = None
    municipality: str | None = None
    new_ssin: str | None = None


def intake(client: KszClient, ssin: str) -> Intake:
    """Look a person up at the KSZ and say what the social worker should see."""
    try:
        result = client.person.get(ssin)
    except SsinReplaced as exc:
        return Intake("replaced", new_ssin=exc.new_ssin)
    except UnknownSsin:
        return Intake("unknown")
    person = result.person
    assert person is not None
    address = person.addresses[0] if person.addresses else None
    return Intake(
        "deceased" if person.deceased else "ok",
        name=str(person.name),
        municipality=address.municipality if address else None,
    )


# --- against the sandbox ---------------------------------------------------------------------


def test_a_person_is_shown_with_name_and_municipality(
    ksz_sandbox: SandboxFixture, ksz_client: KszClient
) -> None:
    (profile,) = ksz_sandbox.persons(limit=1, deceased=False, replaced=False, fault=None)
    shown = intake(ksz_client, profile.ssin)
    assert shown.outcome == "ok"
    assert shown.name == profile.name
    assert shown.municipality == ksz_sandbox.person(profile.ssin).addresses[0].municipality


def test_a_deceased_person_is_flagged(ksz_sandbox: SandboxFixture, ksz_client: KszClient) -> None:
    (profile,) = ksz_sandbox.persons(limit=1, deceased=True)
    assert intake(ksz_client, profile.ssin).outcome == "deceased"


def test_a_replaced_ssin_leads_to_the_new_one(
    ksz_sandbox: SandboxFixture, ksz_client: KszClient
) -> None:
    (profile,) = ksz_sandbox.persons(limit=1, replaced=True)
    shown = intake(ksz_client, profile.ssin)
    assert shown == Intake("replaced", new_ssin=profile.replaced_by)


def test_a_brief_ksz_outage_goes_unnoticed(
    ksz_sandbox: SandboxFixture, ksz_client: KszClient
) -> None:
    (profile,) = ksz_sandbox.persons(limit=1, deceased=False, replaced=False, fault=None)
    # The first attempt gets HTTP 503; the client retries the consultation.
    with ksz_sandbox.fault("http503", times=1):
        assert intake(ksz_client, profile.ssin).outcome == "ok"


def test_a_ksz_that_drops_every_connection_is_an_error(
    ksz_sandbox: SandboxFixture, ksz_client: KszClient
) -> None:
    # A reserved sandbox person whose every request loses its connection.
    with pytest.raises(TransportError):
        intake(ksz_client, ksz_sandbox.fault_ssin("reset"))


# --- against canned answers -----------------------------------------------------------------


def test_with_a_canned_person(ksz_mock: KszMock) -> None:
    ssin = make(dt.date(1980, 5, 17), 7, kind=SsinKind.TEST)
    ksz_mock.add("PersonService", "searchPersonBySsin",
                 person=Person(ssin=ssin, register=Register.NR,
                               name=PersonName("Peeters", ("An",))))
    assert intake(ksz_mock.client, ssin) == Intake("ok", name="An Peeters")


def test_with_a_canned_refusal(ksz_mock: KszMock) -> None:
    old = make(dt.date(1980, 5, 17), 7, kind=SsinKind.TEST)
    new = make(dt.date(1980, 5, 17), 9, kind=SsinKind.TEST)
    ksz_mock.add("PersonService", "searchPersonBySsin", status="NO_RESULT", code="MSG00006",
                 information={"newSSIN": str(new)})
    assert intake(ksz_mock.client, old) == Intake("replaced", new_ssin=new)
