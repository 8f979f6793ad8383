"""The pytest plugin ``ksz_client.testing``: light to import, and its fixtures at work."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent


def test_importing_the_plugin_imports_nothing_heavy_and_starts_nothing() -> None:
    probe = (
        "import sys, threading\n"
        "import ksz_client.testing\n"
        "heavy = ('lxml', 'zeep', 'requests', 'xmlsec', 'responses', 'cryptography', "
        "'ksz_client.sandbox', 'ksz_client._client')\n"
        "print(sorted(m for m in heavy if m in sys.modules), threading.active_count())\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.strip() == "[] 1"


def test_the_plugin_is_registered_for_pytest() -> None:
    (plugin,) = [e for e in entry_points(group="pytest11") if e.name == "ksz"]
    assert plugin.value == "ksz_client.testing"


def test_the_sandbox_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nksz_sandbox_persons = 120\nksz_test_user = it-tests\n")
    pytester.makepyfile(test_app="""
        import pytest
        from ksz_client import KszClient, KszConfig, MissingSignature

        def test_fixtures(ksz_sandbox, ksz_client):
            assert ksz_sandbox.url.startswith("http://127.0.0.1:")
            assert isinstance(ksz_sandbox.config, KszConfig)
            assert ksz_sandbox.config.endpoint == ksz_sandbox.url
            assert isinstance(ksz_client, KszClient)
            assert ksz_client.context.user == "it-tests"
            assert ksz_sandbox.sandbox.population.size == 120
            (someone,) = ksz_sandbox.persons(limit=1, deceased=False, fault=None,
                                            replaced=False)
            assert ksz_client.person.get(someone.ssin).person.name.last_name \\
                == ksz_sandbox.person(someone.ssin).name.last_name

        def test_integrate_and_fault(ksz_sandbox, ksz_client):
            (someone,) = ksz_sandbox.persons(limit=1, deceased=False, fault=None,
                                            replaced=False)
            assert not ksz_sandbox.profile(someone.ssin).integrated
            integration = ksz_sandbox.integrate(someone.ssin, quality_code=5)
            assert integration.quality_code == 5
            assert ksz_sandbox.persons(integrated=True) == [ksz_sandbox.profile(someone.ssin)]
            with ksz_sandbox.fault("unsigned"):
                with pytest.raises(MissingSignature):
                    ksz_client.person.get(someone.ssin)
            assert ksz_client.person.get(someone.ssin).found
            ksz_sandbox.reset()
            assert ksz_sandbox.integrations() == []

        def test_the_same_sandbox_all_session(ksz_sandbox):
            assert ksz_sandbox.sandbox.population.size == 120
    """)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


def test_the_mock_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_mocked="""
        import datetime as dt
        import pytest
        from ksz_client import KszFault, SsinReplaced, HttpStatusError, InvalidSignature
        from ksz_client.services.person import Person, Register
        from ksz_client.ssin import SsinKind, make
        from ksz_client.testing import KszMockError
        from ksz_client.types import PersonName

        SSIN = make(dt.date(1980, 5, 17), 7, kind=SsinKind.TEST)
        PERSON = Person(ssin=SSIN, register=Register.BIS, name=PersonName("Maes", ("Els",)))

        def test_answers_in_order(ksz_mock):
            ksz_mock.add("PersonService", "searchPersonBySsin", person=PERSON)
            ksz_mock.add("PersonService", "searchPersonBySsin", status="NO_RESULT",
                         code="MSG00006", information={"newSSIN": "80051700971"})
            ksz_mock.add("PersonService", "searchPersonPhonetically", persons=[PERSON, PERSON])
            ksz_mock.add("PersonService", "search-person-by-ssin", fault="MSG00003")
            ksz_mock.add("PersonService", "searchPersonBySsin", http_status=503)
            ksz_mock.add("PersonService", "searchPersonBySsin", person=PERSON, signed=False)
            client = ksz_mock.client
            result = client.person.get(SSIN)
            assert result.person == PERSON and result.receipt.ticket_cbss
            with pytest.raises(SsinReplaced) as replaced:
                client.person.get(SSIN)
            assert replaced.value.new_ssin == "80051700971"
            assert len(client.person.search("Maes").persons) == 2
            with pytest.raises(KszFault) as fault:
                client.person.get(SSIN)
            assert fault.value.code == "MSG00003" and fault.value.verified
            # A 503 is retried: the next queued answer (unsigned) is what the retry gets.
            with pytest.raises(Exception) as unsigned:
                client.person.get(SSIN)
            assert type(unsigned.value).__name__ == "MissingSignature"
            assert [c.operation for c in ksz_mock.calls] == [
                "searchPersonBySsin", "searchPersonBySsin", "searchPersonPhonetically",
                "searchPersonBySsin", "searchPersonBySsin", "searchPersonBySsin"]
            assert ksz_mock.pending() == []

        def test_a_call_with_nothing_queued_fails(ksz_mock):
            with pytest.raises(KszMockError, match="no answer queued"):
                ksz_mock.client.person.get(SSIN)

        def test_bad_arguments(ksz_mock):
            with pytest.raises(KeyError):
                ksz_mock.add("NoSuchService", "x")
            with pytest.raises(ValueError, match="code"):
                ksz_mock.add("PersonService", "searchPersonBySsin", status="NO_RESULT")
            with pytest.raises(ValueError, match="WS-Consult"):
                ksz_mock.add("OCMWCPASManageAccess", "LIST")
            with pytest.raises(TypeError):
                ksz_mock.add("FamilyComposition", "consultFamilyComposition", person=PERSON)

        def test_mock_and_sandbox_together(ksz_mock, ksz_sandbox, ksz_client):
            # Requests to the live sandbox pass through the mock untouched.
            (someone,) = ksz_sandbox.persons(limit=1, deceased=False, fault=None,
                                            replaced=False)
            assert ksz_client.person.get(someone.ssin).found
            ksz_mock.add("PersonService", "searchPersonBySsin", person=PERSON)
            assert ksz_mock.client.person.get(SSIN).person == PERSON
    """)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_an_unused_queued_answer_fails_the_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_forgotten="""
        def test_forgot_to_call(ksz_mock):
            ksz_mock.add("PersonService", "searchPersonBySsin")
            ksz_mock.add("PersonService", "searchPersonPhonetically", status="NO_DATA_FOUND")
    """)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines([
        "*ERROR at teardown of test_forgot_to_call*",
        "*ksz_mock: 2 queued answer(s) never used: PersonService.searchPersonBySsin, "
        "PersonService.searchPersonPhonetically*",
    ])


def test_the_integration_test_example_runs(pytester: pytest.Pytester) -> None:
    example = (ROOT / "examples" / "integration_test_example.py").read_text(encoding="utf-8")
    pytester.makepyfile(test_integration_example=example)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=7)
