"""Sandbox state: the repertory rules, records, sequences and keys, in memory and in SQLite."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ksz_client._pki import generate_self_signed
from ksz_client.sandbox.state import MemoryState, SandboxState, SqliteState, open_state
from ksz_client.types import Period

D = dt.date
NOW = dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC)
ORG, OTHER = "0123456749", "0234567873"
SSIN = "85623000133"


@pytest.fixture(params=["memory", "sqlite"])
def state(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SandboxState]:
    made: SandboxState = MemoryState() if request.param == "memory" else SqliteState(
        tmp_path / "state.db")
    yield made
    made.close()


def _register(state: SandboxState, start: D, end: D | None = None, *, org: str = ORG,
              code: int = 2, ticket: str = "t") -> bool:
    return state.register(org, SSIN, code, Period(start, end), ticket=ticket, at=NOW).changed


def _periods(state: SandboxState, **filters: object) -> list[tuple[D, D | None]]:
    return [(i.period.start, i.period.end)
            for i in state.integrations(ssin=SSIN, **filters)]  # type: ignore[arg-type]


def test_overlapping_and_adjacent_periods_merge(state: SandboxState) -> None:
    assert _register(state, D(2026, 1, 1), D(2026, 1, 31))
    assert _register(state, D(2026, 2, 1), D(2026, 2, 28))  # adjacent
    assert _register(state, D(2026, 2, 15), D(2026, 3, 15))  # overlapping
    assert _register(state, D(2026, 6, 1), D(2026, 6, 30))  # apart
    assert _periods(state) == [(D(2026, 1, 1), D(2026, 3, 15)), (D(2026, 6, 1), D(2026, 6, 30))]
    assert _register(state, D(2026, 3, 10))  # open-ended swallows what follows
    assert _periods(state) == [(D(2026, 1, 1), None)]


def test_registering_a_covered_period_changes_nothing(state: SandboxState) -> None:
    assert _register(state, D(2026, 1, 1), ticket="first")
    outcome = state.register(ORG, SSIN, 2, Period(D(2026, 5, 1), D(2026, 5, 2)), ticket="second",
                             at=NOW)
    assert not outcome.changed
    (kept,) = outcome.integrations
    assert kept.ticket == "first" and kept.period == Period(D(2026, 1, 1))


def test_unregister_cuts_splits_and_removes(state: SandboxState) -> None:
    _register(state, D(2026, 1, 1), D(2026, 12, 31))
    outcome = state.unregister(ORG, SSIN, 2, Period(D(2026, 5, 1), D(2026, 5, 31)), ticket="u",
                               at=NOW)
    assert outcome.changed and outcome.integrations == ()
    assert _periods(state) == [(D(2026, 1, 1), D(2026, 4, 30)), (D(2026, 6, 1), D(2026, 12, 31))]
    assert all(i.ticket == "u" for i in state.integrations(ssin=SSIN))
    state.unregister(ORG, SSIN, 2, Period(D(2026, 11, 1)), ticket="u2", at=NOW)
    assert _periods(state) == [(D(2026, 1, 1), D(2026, 4, 30)), (D(2026, 6, 1), D(2026, 10, 31))]
    state.unregister(ORG, SSIN, 2, Period(D(2025, 1, 1)), ticket="u3", at=NOW)
    assert _periods(state) == []


def test_unregistering_nothing_changes_nothing(state: SandboxState) -> None:
    _register(state, D(2026, 1, 1), D(2026, 1, 31))
    outcome = state.unregister(ORG, SSIN, 2, Period(D(2026, 3, 1)), ticket="u", at=NOW)
    assert not outcome.changed
    assert not state.unregister(ORG, SSIN, 3, Period(D(2026, 1, 1)), ticket="u", at=NOW).changed
    assert _periods(state) == [(D(2026, 1, 1), D(2026, 1, 31))]


def test_integration_is_per_organisation_and_quality_code_with_inclusive_ends(
    state: SandboxState,
) -> None:
    _register(state, D(2026, 1, 1), D(2026, 1, 31))
    _register(state, D(2026, 3, 1), code=5)
    _register(state, D(2026, 1, 1), org=OTHER, code=2)
    assert state.is_integrated(ORG, SSIN, D(2026, 1, 1))
    assert state.is_integrated(ORG, SSIN, D(2026, 1, 31))
    assert not state.is_integrated(ORG, SSIN, D(2026, 2, 1))
    assert not state.is_integrated(ORG, SSIN, D(2025, 12, 31))
    assert state.is_integrated(ORG, SSIN, D(2030, 1, 1))  # quality code 5, open-ended
    assert not state.is_integrated(ORG, "85623000232", D(2026, 1, 15))
    state.unregister(OTHER, SSIN, 2, Period(D(2026, 1, 1)), ticket="u", at=NOW)
    assert state.is_integrated(ORG, SSIN, D(2026, 1, 15))
    assert not state.is_integrated(OTHER, SSIN, D(2026, 1, 15))
    assert _periods(state, quality_code=5) == [(D(2026, 3, 1), None)]
    assert len(state.integrations(ssin=SSIN, overlapping=Period(D(2026, 2, 1),
                                                                  D(2026, 2, 28)))) == 0


def test_records(state: SandboxState) -> None:
    first = state.add_record("attest", {"amount_cents": 87_613, "category": "COHABITANT",
                                        "ended": False, "note": None},
                             ticket="t1", at=NOW, ssin=SSIN, organisation=ORG)
    state.add_record("attest", {"amount_cents": 1}, ticket="t2", at=NOW, ssin="85623000232",
                     key="fixed")
    assert [r.key for r in state.records("attest", ssin=SSIN)] == [first.key]
    assert state.records("attest", key="fixed")[0].data == {"amount_cents": 1}
    updated = state.update_record("attest", first.key, {"ended": True}, ticket="t3", at=NOW)
    assert updated.data == {"amount_cents": 87_613, "category": "COHABITANT", "ended": True,
                            "note": None}
    assert updated.ticket == "t3"
    assert state.records("attest", organisation=ORG)[0].data["ended"] is True
    assert state.records("decision") == []
    with pytest.raises(ValueError, match="exists"):
        state.add_record("attest", {}, ticket="t", at=NOW, key="fixed")
    with pytest.raises(TypeError, match="int"):
        state.add_record("attest", {"amount": 876.13}, ticket="t", at=NOW)  # type: ignore[dict-item]
    with pytest.raises(KeyError):
        state.update_record("attest", "missing", {}, ticket="t", at=NOW)
    assert SSIN not in repr(first)


def test_sequences_keys_and_clear(state: SandboxState) -> None:
    assert [state.next_sequence("a") for _ in range(3)] == [1, 2, 3]
    assert state.next_sequence("b") == 1
    made: list[int] = []

    def create() -> object:
        made.append(1)
        return generate_self_signed("state test")

    keys = state.credentials("signing", create)  # type: ignore[arg-type]
    assert state.credentials("signing", create) == keys  # type: ignore[arg-type]
    assert made == [1]
    _register(state, D(2026, 1, 1))
    state.add_record("attest", {}, ticket="t", at=NOW)
    state.clear()
    assert state.integrations() == [] and state.records("attest") == []
    assert state.next_sequence("a") == 1
    assert state.credentials("signing", create) == keys  # type: ignore[arg-type]


def test_sqlite_state_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "state.db"
    first = SqliteState(path)
    keys = first.credentials("signing", lambda: generate_self_signed("kept"))
    first.register(ORG, SSIN, 2, Period(D(2026, 1, 1), D(2026, 6, 30)), ticket="t1", at=NOW)
    record = first.add_record("decision", {"version": 1}, ticket="t2", at=NOW, ssin=SSIN)
    first.next_sequence("notify")
    first.close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600  # it holds private keys
    again = open_state(path)
    try:
        (integration,) = again.integrations(ssin=SSIN)
        assert integration.period == Period(D(2026, 1, 1), D(2026, 6, 30))
        assert integration.ticket == "t1" and integration.changed_at == NOW
        assert again.records("decision")[0] == record
        assert again.next_sequence("notify") == 2
        assert again.credentials("signing", lambda: generate_self_signed("new")) == keys
    finally:
        again.close()
    assert isinstance(open_state(None), MemoryState)


@pytest.mark.parametrize("make", [lambda p: MemoryState(), lambda p: SqliteState(p / "s.db")],
                         ids=["memory", "sqlite"])
def test_state_is_thread_safe(make: Callable[[Path], SandboxState], tmp_path: Path) -> None:
    state = make(tmp_path)

    def worker(n: int) -> list[int]:
        numbers = []
        for k in range(40):
            start = D(2000, 1, 1) + dt.timedelta(days=3 * (n * 40 + k))
            state.register(ORG, SSIN, 2, Period(start, start + dt.timedelta(days=1)),
                           ticket="t", at=NOW)
            numbers.append(state.next_sequence("shared"))
        return numbers

    with ThreadPoolExecutor(8) as pool:
        numbers = [n for batch in pool.map(worker, range(8)) for n in batch]
    assert sorted(numbers) == list(range(1, 321))
    # Every two-day period was kept apart (a gap of one day between them): none was lost.
    assert len(state.integrations(ssin=SSIN)) == 320
    state.close()


def test_a_sandbox_closes_only_the_state_it_opened(tmp_path: Path) -> None:
    from ksz_client.sandbox import Sandbox

    given = SqliteState(tmp_path / "given.db")
    with Sandbox(seed=1, persons=50, state=given):
        pass
    assert given.next_sequence("still-open") == 1  # the caller's state stays usable
    given.close()
    with Sandbox(seed=1, persons=50, state=tmp_path / "owned.db") as sandbox:
        owned = sandbox.state
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        owned.next_sequence("closed")
