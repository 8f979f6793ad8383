"""Tamper evidence: every kind of damage is found, with the first broken sequence number."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ksz_client._exceptions import AuditError
from ksz_client.audit import AuditLog, Checkpoint, CheckpointKey, RecordKind, load_public_keys
from ksz_client.audit._records import GENESIS_HASH, canonical, chain_hash

from ._support import SSIN_A, SSIN_B, Backend, fill, intent


def rows(backend: Backend) -> list[dict[str, Any]]:
    conn = backend.raw()
    try:
        cursor = conn.execute(
            "SELECT seq, kind, body, prev_hash, hash FROM audit_log ORDER BY seq")
        return [dict(zip(("seq", "kind", "body", "prev_hash", "hash"), r, strict=True))
                for r in cursor.fetchall()]
    finally:
        conn.close()


# --- an intact log ---------------------------------------------------------------------------


def test_an_intact_log_verifies_with_contiguous_seq_and_signed_checkpoints(
    backend: Backend,
) -> None:
    log = backend.open(checkpoint_every=5)
    fill(log, 12)
    report = log.verify()
    assert report.ok, report.problem
    # 12 intents, a checkpoint after every 5 records: seq 6 and 12.
    assert (report.first_seq, report.last_seq, report.records) == (1, 14, 14)
    assert report.checkpoints == 2 and report.signatures_checked
    assert report.unsealed == 2
    table = rows(backend)
    assert [r["seq"] for r in table] == list(range(1, 15))
    assert table[0]["prev_hash"] == GENESIS_HASH
    for before, after in itertools.pairwise(table):
        assert after["prev_hash"] == before["hash"]
        assert after["hash"] == chain_hash(after["prev_hash"], after["body"].encode())
    assert [r["kind"] for r in table if r["kind"] == "CHECKPOINT"] == ["CHECKPOINT"] * 2
    checkpoint = json.loads(table[5]["body"])["detail"]
    assert checkpoint["size"] == 5 and checkpoint["head_hash"] == table[4]["hash"]
    assert "INTACT" not in report.summary() and "intact" in report.summary()


def test_bodies_are_canonical_json_without_payloads(backend: Backend) -> None:
    log = backend.open()
    (record,) = log.write(intent(1))
    body = rows(backend)[0]["body"]
    assert body == canonical(json.loads(body)).decode()
    data = json.loads(body)
    assert data["request_sha256"] == "ab" * 32 and "request" not in data
    assert data["subjects"] == [SSIN_A]
    assert record.seq == 1 and record.kind is RecordKind.INTENT
    assert SSIN_A not in repr(record)


def test_a_checkpoint_is_also_written_after_the_configured_minutes(tmp_path: Path) -> None:
    now = [dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)]
    seen: list[Checkpoint] = []
    log = AuditLog.sqlite(tmp_path / "a.sqlite3", checkpoint_minutes=10, clock=lambda: now[0],
                          on_checkpoint=seen.append)
    with log:
        log.write(intent(1))
        assert seen == []
        now[0] += dt.timedelta(minutes=11)
        log.write(intent(2))
        assert [c.size for c in seen] == [2]
        assert (tmp_path / "audit-checkpoints").is_dir()
        exported = sorted((tmp_path / "audit-checkpoints").glob("*.json"))
        assert len(exported) == 1
        assert Checkpoint.load(exported[0]) == seen[0]
        assert seen[0].signed_by(load_public_keys([tmp_path / "audit-checkpoint.key.pub"]))


# --- damage ------------------------------------------------------------------------------


def test_one_byte_changed_is_detected(backend: Backend) -> None:
    log = backend.open(checkpoint_every=100)
    fill(log, 8)
    assert log.verify().ok
    backend.tamper(("UPDATE audit_log SET body = replace(body, '\"sw-1\"', '\"sw-2\"') "
                    "WHERE seq = ?", (5,)))
    report = log.verify()
    assert not report.ok
    assert report.first_broken_seq == 5
    assert "hash" in (report.problem or "")


def test_a_deleted_row_is_detected(backend: Backend) -> None:
    log = backend.open(checkpoint_every=100)
    fill(log, 8)
    backend.tamper(("DELETE FROM audit_subject WHERE seq = ?", (5,)),
                   ("DELETE FROM audit_log WHERE seq = ?", (5,)))
    report = log.verify()
    assert not report.ok and report.first_broken_seq == 5
    assert "missing" in (report.problem or "")


def test_two_swapped_rows_are_detected(backend: Backend) -> None:
    log = backend.open(checkpoint_every=100)
    fill(log, 8)
    swap = [
        ("UPDATE {t} SET seq = -1 WHERE seq = ?", (4,)),
        ("UPDATE {t} SET seq = 4 WHERE seq = ?", (6,)),
        ("UPDATE {t} SET seq = 6 WHERE seq = ?", (-1,)),
    ]
    backend.tamper(*[(sql.format(t=t), p) for t in ("audit_subject", "audit_log")
                     for sql, p in swap])
    report = log.verify()
    assert not report.ok and report.first_broken_seq == 4


def test_a_changed_queryable_column_is_detected(backend: Backend) -> None:
    log = backend.open()
    fill(log, 4)
    backend.tamper(("UPDATE audit_log SET user_id = 'someone-else' WHERE seq = ?", (3,)))
    report = log.verify()
    assert not report.ok and report.first_broken_seq == 3
    assert "column" in (report.problem or "")


def test_a_changed_subject_index_is_detected(backend: Backend) -> None:
    log = backend.open()
    fill(log, 4)
    backend.tamper(("UPDATE audit_subject SET ssin = ? WHERE seq = ?", (SSIN_B, 2)))
    report = log.verify()
    assert not report.ok and report.first_broken_seq == 2
    assert "subject index" in (report.problem or "")


def _recompute_from(
    backend: Backend, first: int, *, change: tuple[str, str], resign: CheckpointKey | None
) -> None:
    """Rewrite record `first` and recompute every hash after it, as an attacker would.

    Checkpoint bodies are kept (their signature cannot be redone without the
    key) unless `resign` gives the attacker's own key to re-sign them with.
    """
    table = rows(backend)
    prev = table[first - 2]["hash"] if first > 1 else GENESIS_HASH
    updates: list[tuple[str, tuple[Any, ...]]] = []
    for row in table[first - 1:]:
        body = json.loads(row["body"])
        if row["seq"] == first:
            body["user"] = body["user"].replace(*change)
        if body["kind"] == "CHECKPOINT" and resign is not None:
            old = Checkpoint.from_json(body["detail"])
            body["detail"] = resign.sign(old.log_id, old.size, prev, old.at).to_json()
        text = canonical(body).decode()
        digest = chain_hash(prev, text.encode())
        updates.append(("UPDATE audit_log SET body = ?, user_id = ?, prev_hash = ?, hash = ? "
                        "WHERE seq = ?", (text, body.get("user"), prev, digest, row["seq"])))
        prev = digest
    backend.tamper(*updates)


@pytest.mark.parametrize("resign", [False, True], ids=["checkpoints-kept", "re-signed"])
def test_a_chain_recomputed_without_the_checkpoint_key_is_detected(
    backend: Backend, resign: bool
) -> None:
    log = backend.open(checkpoint_every=5)
    fill(log, 12)  # checkpoints at seq 6 and 12
    attacker = CheckpointKey(Ed25519PrivateKey.generate()) if resign else None
    _recompute_from(backend, 3, change=("sw-1", "sw-9"), resign=attacker)
    # Every hash and link is consistent again: only the checkpoints can tell.
    report = log.verify(use_exported=False)
    assert not report.ok
    assert report.first_broken_seq == 1  # the segment sealed by checkpoint 6
    assert "checkpoint 6" in (report.problem or "")
    if resign:
        assert "trusted key" in (report.problem or "")
        unsigned = log.verify(public_keys=[], use_exported=False)
        assert unsigned.ok and not unsigned.signatures_checked  # the key is what catches it


def test_tail_truncation_is_detected_against_an_exported_checkpoint(backend: Backend) -> None:
    log = backend.open(checkpoint_every=1000)
    fill(log, 6)
    exported = log.checkpoint()
    assert exported is not None and exported.size == 6
    fill(log, 3)
    files = sorted((backend.tmp / "checkpoints").glob("checkpoint-*.json"))
    assert [Checkpoint.load(f).size for f in files] == [6]
    # The attacker cuts everything from seq 5 on, and moves the head back to 4.
    table = rows(backend)
    backend.tamper(
        ("DELETE FROM audit_subject WHERE seq >= ?", (5,)),
        ("DELETE FROM audit_log WHERE seq >= ?", (5,)),
        ("UPDATE audit_head SET seq = 4, hash = ?", (table[3]["hash"],)),
    )
    alone = log.verify(use_exported=False)
    assert alone.ok  # what remains is a valid chain...
    report = log.verify(checkpoint=files[0])
    assert not report.ok and report.first_broken_seq == 5  # ...shorter than the export says
    assert "truncated" in (report.problem or "")
    assert not log.verify().ok  # the latest export is compared by default


def test_an_exported_checkpoint_of_another_content_is_detected(backend: Backend) -> None:
    log = backend.open()
    fill(log, 4)
    exported = log.checkpoint()
    assert exported is not None
    _recompute_from(backend, 2, change=("sw-1", "sw-7"), resign=None)
    report = log.verify(checkpoint=exported)
    assert not report.ok


def test_dropping_the_first_records_without_tombstone_is_detected(backend: Backend) -> None:
    log = backend.open(checkpoint_every=4)
    fill(log, 8)
    backend.tamper(("DELETE FROM audit_subject WHERE seq < ?", (5,)),
                   ("DELETE FROM audit_log WHERE seq < ?", (5,)))
    report = log.verify(use_exported=False)
    assert not report.ok and report.first_broken_seq == 1


# --- append-only -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_log SET user_id = 'x' WHERE seq = 1",
        "UPDATE audit_log SET body = body WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 2",
        "DELETE FROM audit_log",
        "UPDATE audit_subject SET ssin = '0' WHERE seq = 1",
        "DELETE FROM audit_subject",
        "UPDATE audit_meta SET value = 'x' WHERE name = 'log_id'",
        "DELETE FROM audit_meta",
    ],
)
def test_update_and_delete_are_refused(backend: Backend, sql: str) -> None:
    log = backend.open()
    fill(log, 3)
    conn = backend.raw()
    try:
        with pytest.raises(Exception, match="append-only"):
            conn.execute(sql)
    finally:
        conn.close()
    assert backend.scalar("SELECT COUNT(*) FROM audit_log") == 3
    assert log.verify().ok


def test_truncate_is_refused_in_postgresql(pg_backend: Backend) -> None:
    log = pg_backend.open()
    fill(log, 2)
    conn = pg_backend.raw()
    try:
        with pytest.raises(Exception, match="append-only"):
            conn.execute("TRUNCATE audit_log")
    finally:
        conn.close()
    assert pg_backend.scalar("SELECT COUNT(*) FROM audit_log") == 2


def test_a_read_only_log_refuses_to_write(backend: Backend) -> None:
    backend.open().close()
    reader = backend.open(readonly=True)
    with pytest.raises(AuditError, match="read-only"):
        reader.write(intent(1))
    assert reader.verify().ok


# --- retention ---------------------------------------------------------------------------


def test_retention_drops_whole_sealed_segments_and_leaves_a_tombstone(backend: Backend) -> None:
    then = dt.datetime(2014, 5, 1, 12, 0, tzinfo=dt.UTC)
    old = backend.open(checkpoint_every=1000, clock=lambda: then)
    fill(old, 5, at=then)
    sealed = old.checkpoint(retention=False)  # seq 6 seals 1..5, eleven years ago
    assert sealed is not None and sealed.size == 5
    fill(old, 3, at=then)  # 7..9: after the old checkpoint, never dropped by it
    old.close()

    today = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
    log = backend.open(checkpoint_every=1000, clock=lambda: today)
    assert log.apply_retention() == 5
    table = rows(backend)
    assert [r["seq"] for r in table] == [6, 7, 8, 9, 10]
    tombstone = json.loads(table[-1]["body"])
    assert tombstone["kind"] == "TOMBSTONE"
    assert tombstone["detail"]["dropped_through"] == 5
    assert tombstone["detail"]["records"] == 5
    assert backend.scalar("SELECT COUNT(*) FROM audit_subject WHERE seq < 6") == 0
    report = log.verify()  # the exported checkpoint of size 5 predates what remains
    assert report.ok, report.problem
    assert report.first_seq == 6
    assert log.apply_retention() == 0  # nothing older is sealed any more
    # Retention did not open a door: unsealed records still cannot be deleted.
    conn = backend.raw()
    try:
        with pytest.raises(Exception, match="append-only"):
            conn.execute("DELETE FROM audit_log WHERE seq = 7")
    finally:
        conn.close()


def test_retention_keeps_everything_younger_than_the_period(backend: Backend) -> None:
    log = backend.open(checkpoint_every=3)
    fill(log, 7)
    assert log.apply_retention() == 0
    assert backend.scalar("SELECT MIN(seq) FROM audit_log") == 1
    assert log.verify().ok


def test_removing_the_tombstone_after_retention_is_detected(sqlite_backend: Backend) -> None:
    then = dt.datetime(2010, 1, 1, tzinfo=dt.UTC)
    old = sqlite_backend.open(clock=lambda: then)
    fill(old, 3, at=then)
    old.checkpoint(retention=False)
    old.close()
    log = sqlite_backend.open(clock=lambda: dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    assert log.apply_retention() == 3
    last = sqlite_backend.scalar("SELECT MAX(seq) FROM audit_log")
    sqlite_backend.tamper(("DELETE FROM audit_log WHERE seq = ?", (last,)))
    report = log.verify(use_exported=False)
    assert not report.ok and report.first_broken_seq == 1
