"""Reading the log is logged (READ_ACCESS), filters select, exports can be re-verified."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json

import pytest

from ksz_client._exceptions import AuditError, InvalidSsin
from ksz_client.audit import RecordKind
from ksz_client.audit._records import GENESIS_HASH, canonical, chain_hash

from ._support import SSIN_A, SSIN_B, Backend, fill, intent
from .test_pipeline import make_read_only


def test_a_query_writes_read_access_naming_the_reader_and_what_was_asked(
    backend: Backend,
) -> None:
    log = backend.open()
    fill(log, 3)
    log.write(intent(9, subjects=(SSIN_B,), user="sw-2"))
    found = log.query(reader="dpo-anna", ssin=SSIN_B, service="PersonService")
    assert [r.call_id for r in found] == ["call-9"]
    (access,) = log.query(reader="dpo-anna", kinds=["READ_ACCESS"], limit=1)
    assert access.kind is RecordKind.READ_ACCESS
    assert access.user == "dpo-anna"
    assert access.subjects == (SSIN_B,)  # "who looked at this person" includes the log
    assert access.detail["action"] == "query"
    assert access.detail["filters"] == {"service": "PersonService"}
    assert access.seq == 5  # committed before the records were read
    assert all(r.seq < access.seq for r in found)
    assert backend.scalar("SELECT COUNT(*) FROM audit_log WHERE kind = 'READ_ACCESS'") == 2


def test_reading_needs_a_reader_and_a_writable_log(backend: Backend) -> None:
    log = backend.open()
    fill(log, 2)
    with pytest.raises(AuditError, match="reader"):
        log.query(reader="")
    make_read_only(log, backend.name)
    with pytest.raises(AuditError):
        log.query(reader="dpo")
    with pytest.raises(AuditError):
        log.export(io.StringIO(), reader="dpo")
    assert backend.scalar("SELECT COUNT(*) FROM audit_log WHERE kind = 'READ_ACCESS'") == 0


def test_query_filters(backend: Backend) -> None:
    log = backend.open()
    early = dt.datetime(2026, 1, 10, 8, 0, tzinfo=dt.UTC)
    late = dt.datetime(2026, 2, 10, 8, 0, tzinfo=dt.UTC)
    log.write(
        intent(1, subjects=(SSIN_A,), user="sw-1", dossier="D-1", at=early),
        intent(2, subjects=(SSIN_A, SSIN_B), user="sw-2", dossier="D-2", at=late),
        intent(3, subjects=(), user="sw-2", dossier="D-2", service="NRPPersonService", at=late),
    )

    def ids(**filters: object) -> list[str | None]:
        return [r.call_id for r in log.query(reader="dpo", kinds=["INTENT"], **filters)]  # type: ignore[arg-type]

    assert ids() == ["call-1", "call-2", "call-3"]
    assert ids(ssin=SSIN_A) == ["call-1", "call-2"]
    assert ids(ssin="  " + SSIN_B) == ["call-2"]
    assert ids(user="sw-2") == ["call-2", "call-3"]
    assert ids(dossier="D-1") == ["call-1"]
    assert ids(service="NRPPersonService") == ["call-3"]
    assert ids(since=dt.date(2026, 2, 1)) == ["call-2", "call-3"]
    assert ids(until=dt.date(2026, 2, 1)) == ["call-1"]
    assert ids(call_id="call-2") == ["call-2"]
    assert ids(user="sw-2", ssin=SSIN_A) == ["call-2"]
    assert ids(limit=1) == ["call-1"]
    with pytest.raises(InvalidSsin):
        log.query(reader="dpo", ssin="12345678901")


def test_jsonl_export_is_logged_and_can_be_verified_outside_the_sdk(backend: Backend) -> None:
    log = backend.open(checkpoint_every=3)
    fill(log, 4)
    out = io.StringIO()
    count = log.export(out, reader="dpo", format="jsonl")
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    # 3 intents, a checkpoint, an intent: the log as it was before this export's READ_ACCESS.
    assert count == len(lines) == 5
    assert [line["kind"] for line in lines][3] == "CHECKPOINT"
    prev = GENESIS_HASH
    for line in lines:
        stored = line.pop("hash")
        assert line.pop("prev_hash") == prev
        assert chain_hash(prev, canonical(line)) == stored
        prev = stored
    (access,) = log.query(reader="dpo", kinds=["READ_ACCESS"])
    assert access.seq == 6 and access.user == "dpo"
    assert dict(access.detail) == {"action": "export", "filters": {}, "format": "jsonl"}


def test_csv_export_is_logged_and_neutralises_formulas(backend: Backend) -> None:
    log = backend.open()
    log.write(dataclasses.replace(intent(1), dossier="=HYPERLINK(\"http://x\")"))
    out = io.StringIO()
    assert log.export(out, reader="dpo", format="csv", kinds=["INTENT"]) == 1
    (row,) = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["dossier"] == "'=HYPERLINK(\"http://x\")"
    assert row["subjects"] == SSIN_A and row["kind"] == "INTENT" and row["seq"] == "1"
    (access,) = log.query(reader="dpo", kinds=["READ_ACCESS"], limit=1)
    assert access.detail["format"] == "csv" and access.detail["kinds"] == ["INTENT"]
    with pytest.raises(AuditError):
        log.export(out, reader="dpo", format="xml")  # type: ignore[arg-type]


def test_listing_calls_in_doubt_is_reading_too(backend: Backend) -> None:
    log = backend.open()
    assert log.in_doubt(reader="ops-1") == []
    (access,) = log.query(reader="dpo", kinds=["READ_ACCESS"], limit=1)
    assert access.user == "ops-1" and access.detail["action"] == "in_doubt"
