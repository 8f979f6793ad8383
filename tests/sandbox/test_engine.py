"""The engine's KSZ rules for WS-Consult: organisation, legal context, finality, routing."""

from __future__ import annotations

import datetime as dt

import pytest
import requests

from ksz_client import catalogue
from ksz_client._config import Organisation
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, SECOND_OCMW_CBE_NUMBER, Sandbox
from ksz_client.sandbox.organisations import SandboxOrganisation, kbo_number

from .helpers import FAMILY, FAMILY_OP, consult, consult_payload, status_of

PERSON = catalogue.get("PersonService")
BY_SSIN = PERSON.operation("searchPersonBySsin")
TODAY = dt.datetime.now(dt.UTC).date()
DAY = dt.timedelta(days=1)


def _normal(sandbox: Sandbox, n: int = 0) -> str:
    found = sandbox.persons(limit=n + 1, deceased=False, replaced=False, fault=None)
    return str(found[n].ssin)


# --- organisation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("organisation", "expected"),
    [
        (Organisation(cbe_number=SANDBOX_CBE_NUMBER), ("DATA_FOUND", "MSG00000")),
        (Organisation(cbe_number=SECOND_OCMW_CBE_NUMBER), ("DATA_FOUND", "MSG00000")),
        (Organisation(sector=17, institution=1), ("DATA_FOUND", "MSG00000")),
        (Organisation(cbe_number=kbo_number(9_876_543)), ("NO_RESULT", "MSG00013")),
        (Organisation(sector=17, institution=99), ("NO_RESULT", "MSG00013")),
    ],
    ids=["sandbox-ocmw", "second-ocmw", "by-sector", "unknown-kbo", "unknown-institution"],
)
def test_the_organisation_is_identified(
    sandbox: Sandbox, organisation: Organisation, expected: tuple[str, str]
) -> None:
    raw = consult(sandbox, PERSON, BY_SSIN,
                  consult_payload(PERSON, BY_SSIN, _normal(sandbox), organisation=organisation))
    assert raw.response.status_code == 200
    assert status_of(raw) == expected
    if expected[1] == "MSG00013":
        assert raw.payload.find("result") is None  # no data for a stranger


def test_a_sandbox_can_know_other_organisations() -> None:
    own = SandboxOrganisation(kbo_number(5_555_555), "OCMW Elders", 17, 7)
    with Sandbox(seed=2, persons=60, organisations=[own]) as sandbox:
        ssin = _normal(sandbox)
        mine = consult(sandbox, PERSON, BY_SSIN, consult_payload(
            PERSON, BY_SSIN, ssin, organisation=Organisation(cbe_number=own.cbe_number)))
        default = consult(sandbox, PERSON, BY_SSIN, consult_payload(PERSON, BY_SSIN, ssin))
    assert status_of(mine) == ("DATA_FOUND", "MSG00000")
    assert status_of(default) == ("NO_RESULT", "MSG00013")


# --- legal context ---------------------------------------------------------------------------


@pytest.mark.parametrize("context", sorted(catalogue.LEGAL_CONTEXTS))
def test_person_service_accepts_the_known_ocmw_contexts(sandbox: Sandbox, context: str) -> None:
    raw = consult(sandbox, PERSON, BY_SSIN,
                  consult_payload(PERSON, BY_SSIN, _normal(sandbox), legal_context=context))
    assert status_of(raw) == ("DATA_FOUND", "MSG00000")


def test_another_legal_context_is_msg00013(sandbox: Sandbox) -> None:
    raw = consult(sandbox, PERSON, BY_SSIN, consult_payload(
        PERSON, BY_SSIN, _normal(sandbox), legal_context="PCSA:TAX_REDUCTION"))
    assert status_of(raw) == ("NO_RESULT", "MSG00013")
    assert raw.payload.find("result") is None


def test_a_service_with_its_own_legal_context_refuses_the_others(
    sandbox: Sandbox, family_handler: list[str]
) -> None:
    ssin = _normal(sandbox, 3)
    sandbox.integrate(ssin)
    right = consult(sandbox, FAMILY, FAMILY_OP, consult_payload(FAMILY, FAMILY_OP, ssin))
    wrong = consult(sandbox, FAMILY, FAMILY_OP, consult_payload(
        FAMILY, FAMILY_OP, ssin, legal_context="SOCIAL_INVESTIGATION_OF_PCSA"))
    assert status_of(right) == ("DATA_FOUND", "MSG00000")
    assert status_of(wrong) == ("NO_RESULT", "MSG00013")
    assert family_handler == [ssin]


def test_accepted_legal_contexts_can_be_configured() -> None:
    with Sandbox(seed=2, persons=60,
                 legal_contexts={"PersonService": ["PCSA:SPECIAL"]}) as sandbox:
        ssin = _normal(sandbox)
        special = consult(sandbox, PERSON, BY_SSIN,
                          consult_payload(PERSON, BY_SSIN, ssin, legal_context="PCSA:SPECIAL"))
        usual = consult(sandbox, PERSON, BY_SSIN, consult_payload(PERSON, BY_SSIN, ssin))
    assert status_of(special) == ("DATA_FOUND", "MSG00000")
    assert status_of(usual) == ("NO_RESULT", "MSG00013")


# --- finality --------------------------------------------------------------------------------


def _family(sandbox: Sandbox, ssin: str, organisation: str = SANDBOX_CBE_NUMBER) -> tuple[
        str, str]:
    return status_of(consult(sandbox, FAMILY, FAMILY_OP, consult_payload(
        FAMILY, FAMILY_OP, ssin, organisation=Organisation(cbe_number=organisation))))


def test_finality_needs_an_integration_covering_today(
    fresh_sandbox: Sandbox, family_handler: list[str]
) -> None:
    sandbox = fresh_sandbox
    ssins = [str(p.ssin) for p in sandbox.persons(limit=5, deceased=False, replaced=False,
                                                   fault=None)]
    never, ended, future, current, other = ssins
    sandbox.integrate(ended, period=(TODAY - 30 * DAY, TODAY - DAY))
    sandbox.integrate(future, period=(TODAY + DAY, None))
    sandbox.integrate(current, period=(TODAY - 30 * DAY, TODAY))
    sandbox.integrate(other, organisation=SECOND_OCMW_CBE_NUMBER)
    assert _family(sandbox, never) == ("NO_RESULT", "MSG00012")
    assert _family(sandbox, ended) == ("NO_RESULT", "MSG00012")
    assert _family(sandbox, future) == ("NO_RESULT", "MSG00012")
    assert _family(sandbox, current) == ("DATA_FOUND", "MSG00000")
    # Integrations are per organisation.
    assert _family(sandbox, other) == ("NO_RESULT", "MSG00012")
    assert _family(sandbox, other, SECOND_OCMW_CBE_NUMBER) == ("DATA_FOUND", "MSG00000")
    # The handler only ever saw the integrated SSINs.
    assert family_handler == [current, other]
    # Ending the integration ends the access.
    assert sandbox.unintegrate(current, period=(TODAY, None))
    assert _family(sandbox, current) == ("NO_RESULT", "MSG00012")
    assert sandbox.profile(current).integrated is False
    assert sandbox.profile(ended).integrated is False


def test_a_service_without_finality_needs_no_integration(sandbox: Sandbox) -> None:
    assert not PERSON.needs_integration_for(BY_SSIN)
    ssin = _normal(sandbox, 5)
    assert sandbox.integrations(ssin) == []
    raw = consult(sandbox, PERSON, BY_SSIN, consult_payload(PERSON, BY_SSIN, ssin))
    assert status_of(raw) == ("DATA_FOUND", "MSG00000")


# --- routing ----------------------------------------------------------------------------------


def test_a_handler_registered_later_is_served(sandbox: Sandbox,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from ksz_client.sandbox.handlers import HANDLERS, Answer, status

    # Start from a service without a handler (FamilyComposition's own is set aside).
    for key in [k for k in HANDLERS if k[0] == FAMILY.name]:
        monkeypatch.delitem(HANDLERS, key)
    path = "/" + FAMILY.path.strip("/")
    assert path not in requests.get(sandbox.url + "/", timeout=10).text
    assert requests.post(sandbox.url + path, data=b"<x/>", timeout=10).status_code == 404

    monkeypatch.setitem(HANDLERS, (FAMILY.name, FAMILY_OP.name),
                        lambda ctx, request: Answer(status("NO_DATA_FOUND", "MSG00100")))
    listing = requests.get(sandbox.url + "/", timeout=10).text
    assert path in listing and "/" + catalogue.SSDN_CONNECTOR_PATH in listing
    ssin = _normal(sandbox, 6)
    sandbox.integrate(ssin)
    assert _family(sandbox, ssin) == ("NO_DATA_FOUND", "MSG00100")
