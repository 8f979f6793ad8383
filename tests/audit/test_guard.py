"""The finality guard: no integration, no call; refusals are recorded DENIED; the register."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ksz_client import catalogue
from ksz_client._client import KszClient
from ksz_client._config import Audit, Finality, FinalityMode
from ksz_client._exceptions import (
    HttpStatusError,
    InvalidLegalContext,
    NotIntegrated,
    ValidationError,
)
from ksz_client.audit import AuditLog, Integration, MemoryRegister, RecordKind
from ksz_client.audit._guard import belgian_today
from ksz_client.types import CallContext

from ._support import ORG, SSIN_A, SSIN_B, SSIN_C, Backend, RecordingTransport, basic_config

FAMILY = catalogue.get("FamilyComposition")
CONSULT = FAMILY.operation("consultFamilyComposition")
PERSON = catalogue.get("PersonService")
TODAY = belgian_today(dt.datetime.now(dt.UTC))


def call(
    client: KszClient,
    *subjects: str,
    legal_context: str = "PCSA:SOCIAL_INQUIRY",
    quality_code: int | None = None,
    service: catalogue.Service = FAMILY,
) -> None:
    operation = service.operations[0]
    client._core.call(
        service, operation, lambda _payload: None,
        context=CallContext(user="sw-1", legal_context=legal_context, dossier="D-3",
                            quality_code=quality_code),
        subjects=subjects or (SSIN_A,),
    )


def integration(ssin: str = SSIN_A, *, code: int = 2, start: dt.date | None = None,
                end: dt.date | None = None, organisation: str = ORG) -> Integration:
    return Integration(organisation=organisation, ssin=ssin, quality_code=code,
                       start=start or TODAY - dt.timedelta(days=30), end=end)


Setup = Callable[..., tuple[KszClient, RecordingTransport, AuditLog]]


@pytest.fixture
def setup(backend: Backend, tmp_path: Path) -> Setup:
    def make(mode: FinalityMode = FinalityMode.ENFORCE, allowed: tuple[str, ...] = ()
             ) -> tuple[KszClient, RecordingTransport, AuditLog]:
        log = backend.open()
        config = basic_config(tmp_path, finality=Finality(mode=mode,
                                                          allowed_legal_contexts=allowed))
        transport = RecordingTransport()
        client = KszClient(config, transport=transport, observers=[log.observer(config)])
        return client, transport, log

    return make


def records(log: AuditLog, *kinds: str) -> list[Any]:
    return log.query(reader="t", kinds=list(kinds))


def test_a_consultation_without_integration_is_refused_and_denied_is_logged(
    setup: Setup,
) -> None:
    client, transport, log = setup()
    assert FAMILY.needs_integration_for(CONSULT)
    with pytest.raises(NotIntegrated) as info:
        call(client)
    assert transport.requests == []
    assert info.value.code == "MSG00012" and info.value.ticket_cbss is None
    assert SSIN_A not in str(info.value)
    (denied,) = records(log, "DENIED")
    assert denied.kind is RecordKind.DENIED
    assert (denied.service, denied.operation, denied.user) == (
        "FamilyComposition", "consultFamilyComposition", "sw-1")
    assert denied.subjects == (SSIN_A,) and denied.dossier == "D-3"
    assert denied.detail["rule"] == "integration"
    assert records(log, "INTENT") == []  # never prepared for sending
    assert log.verify().ok


def test_a_covering_integration_lets_the_call_through(setup: Setup) -> None:
    client, transport, log = setup()
    client.integrations.add(integration())
    with pytest.raises(HttpStatusError):  # the fake KSZ answers 400: the call was sent
        call(client)
    assert len(transport.requests) == 1
    assert records(log, "DENIED") == []
    assert [r.kind for r in records(log, "INTENT", "OUTCOME")] == [RecordKind.INTENT,
                                                                   RecordKind.OUTCOME]


@pytest.mark.parametrize(
    ("covering", "quality_code"),
    [
        (integration(end=TODAY - dt.timedelta(days=1)), None),  # ended yesterday
        (integration(start=TODAY + dt.timedelta(days=1)), None),  # starts tomorrow
        (integration(organisation="0999999999"), None),  # another OCMW's
        (integration(SSIN_B), None),  # another person's
        (integration(code=4), 2),  # another purpose than the call's quality code
    ],
    ids=["ended", "not-yet", "other-organisation", "other-person", "other-quality-code"],
)
def test_an_integration_that_does_not_cover_today_the_org_and_the_purpose_is_not_enough(
    setup: Setup, covering: Integration, quality_code: int | None
) -> None:
    client, transport, _ = setup()
    client.integrations.add(covering)
    with pytest.raises(NotIntegrated):
        call(client, quality_code=quality_code)
    assert transport.requests == []


def test_the_quality_code_of_the_call_is_matched(setup: Setup) -> None:
    client, transport, _ = setup()
    client.integrations.add(integration(code=4))
    with pytest.raises(HttpStatusError):
        call(client, quality_code=4)
    with pytest.raises(HttpStatusError):
        call(client)  # no quality code named: any integration of the organisation covers
    assert len(transport.requests) == 2


def test_every_subject_must_be_covered(setup: Setup) -> None:
    client, transport, log = setup()
    client.integrations.add(integration(SSIN_A))
    with pytest.raises(NotIntegrated):
        call(client, SSIN_A, SSIN_B)
    assert transport.requests == []
    (denied,) = records(log, "DENIED")
    assert denied.detail["uncovered"] == [2]


def test_warn_mode_sends_and_logs_a_warning_without_the_ssin(
    setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    client, transport, log = setup(FinalityMode.WARN)
    with caplog.at_level(logging.WARNING, logger="ksz_client.audit"), \
            pytest.raises(HttpStatusError):
        call(client)
    assert len(transport.requests) == 1
    assert "would be refused" in caplog.text and SSIN_A not in caplog.text
    assert records(log, "DENIED") == []


def test_off_mode_checks_nothing(setup: Setup) -> None:
    client, transport, _ = setup(FinalityMode.OFF)
    with pytest.raises(HttpStatusError):
        call(client, legal_context="SOME_OTHER_CONTEXT")
    assert len(transport.requests) == 1


def test_an_unknown_legal_context_is_refused_before_sending(setup: Setup) -> None:
    client, transport, log = setup()
    client.integrations.add(integration())
    with pytest.raises(InvalidLegalContext, match="allowed_legal_contexts"):
        call(client, legal_context="INVENTED_CONTEXT")
    assert transport.requests == []
    (denied,) = records(log, "DENIED")
    assert denied.detail["rule"] == "legal_context"
    assert denied.legal_context == "INVENTED_CONTEXT"


def test_a_legal_context_over_64_characters_is_refused_before_sending(setup: Setup) -> None:
    client, transport, _ = setup(allowed=())
    with pytest.raises(InvalidLegalContext):
        call(client, legal_context="A" * 65, service=PERSON)
    assert transport.requests == []


def test_configured_legal_contexts_are_allowed(setup: Setup) -> None:
    client, transport, _ = setup(allowed=("OCMW:LOCAL_PROJECT",))
    with pytest.raises(HttpStatusError):
        call(client, legal_context="OCMW:LOCAL_PROJECT", service=PERSON)
    assert len(transport.requests) == 1


def test_a_service_that_needs_no_integration_is_not_checked(setup: Setup) -> None:
    client, transport, _ = setup()
    assert not PERSON.needs_integration_for(PERSON.operations[0])
    with pytest.raises(HttpStatusError):
        call(client, service=PERSON)
    assert len(transport.requests) == 1


def test_without_an_audit_log_the_register_is_in_memory(tmp_path: Path) -> None:
    config = basic_config(tmp_path).with_overrides(audit=Audit())
    transport = RecordingTransport()
    with KszClient(config, transport=transport) as client:
        assert client.audit is None
        assert isinstance(client.integrations, MemoryRegister)
        with pytest.raises(NotIntegrated):
            call(client)
        assert transport.requests == []
        client.integrations.add(integration())
        with pytest.raises(HttpStatusError):
            call(client)
        assert len(transport.requests) == 1
    assert not (tmp_path / "audit.sqlite3").exists()


def test_the_date_is_the_belgian_date() -> None:
    late = dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert belgian_today(late) == dt.date(2026, 1, 1)
    assert belgian_today(dt.datetime(2025, 7, 1, 12, 0, tzinfo=dt.UTC)) == dt.date(2025, 7, 1)


# --- the register ---------------------------------------------------------------------------


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def register(request: pytest.FixtureRequest) -> Any:
    if request.param == "memory":
        return MemoryRegister()
    name = "pg_backend" if request.param == "postgres" else "sqlite_backend"
    backend: Backend = request.getfixturevalue(name)
    return backend.open().integrations


def test_register_add_remove_and_covering(register: Any) -> None:
    day = dt.date(2026, 3, 15)
    register.add(integration(SSIN_A, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)))
    register.add(integration(SSIN_A, code=4, start=dt.date(2026, 3, 1)))
    found = register.covering(ORG, "  " + SSIN_A[:6] + " " + SSIN_A[6:], day)
    assert found is not None and found.ssin == SSIN_A
    assert register.covering(ORG, SSIN_A, day, quality_code=4).quality_code == 4
    assert register.covering(ORG, SSIN_A, dt.date(2025, 12, 31)) is None
    assert register.covering(ORG, SSIN_B, day) is None
    # Adding the same integration again replaces it (here: it now ends).
    register.add(integration(SSIN_A, start=dt.date(2026, 1, 1), end=dt.date(2026, 2, 1)))
    assert register.covering(ORG, SSIN_A, day, quality_code=2) is None
    assert len(register.list(ORG, SSIN_A)) == 2
    assert register.remove(ORG, SSIN_A, 4) == 1
    assert register.covering(ORG, SSIN_A, day) is None
    assert SSIN_A not in repr(register.list()[0])


def test_register_replace_all_is_what_a_sync_from_list_calls(register: Any) -> None:
    register.add(integration(SSIN_A))
    register.add(integration(SSIN_B, organisation="0999999999"))
    count = register.replace_all(ORG, [integration(SSIN_B), integration(SSIN_C, code=5)])
    assert count == 2
    assert sorted(i.ssin for i in register.list(ORG)) == sorted([SSIN_B, SSIN_C])
    assert [i.organisation for i in register.list(ssin=SSIN_B)] == ["0212344876", "0999999999"]
    with pytest.raises(ValidationError):
        register.replace_all(ORG, [integration(SSIN_A, organisation="0999999999")])


def test_an_integration_is_validated() -> None:
    with pytest.raises(ValidationError):
        integration("12345678901")
    with pytest.raises(ValidationError):
        integration(start=dt.date(2026, 2, 1), end=dt.date(2026, 1, 1))
