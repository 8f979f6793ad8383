"""Checking the chain: every hash, every link, every checkpoint, the subject index.

One pass over the rows in sequence order. What each check catches:

* a changed byte: the recomputed hash differs from the stored one;
* a deleted row: a gap in the sequence numbers;
* two rows swapped: a body's ``seq`` differs from its row, or a link breaks;
* the chain recomputed from a changed record on (without the key): the next
  CHECKPOINT's signed head hash no longer matches, or its signature fails;
* the tail truncated: the log is shorter than an exported checkpoint says;
* records dropped at the start without a TOMBSTONE (retention leaves one).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ksz_client._exceptions import AuditError
from ksz_client.audit._checkpoint import Checkpoint
from ksz_client.audit._records import GENESIS_HASH, RecordKind, chain_hash
from ksz_client.audit._store import COLUMNS, row_columns

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

__all__ = ["VerifyReport", "verify_rows"]


@dataclass(frozen=True)
class VerifyReport:
    """The result of `AuditLog.verify`.

    ``ok`` is False as soon as one check fails; ``first_broken_seq`` then
    names the first sequence number that cannot be trusted and ``problem``
    says why (never with personal data). ``signatures_checked`` is False
    when no public key was available: checkpoints were then only checked
    for consistency, which a rewrite of the whole chain would pass.
    """

    ok: bool
    records: int
    first_seq: int | None
    last_seq: int | None
    head_hash: str | None
    checkpoints: int
    signatures_checked: bool
    unsealed: int
    """Records after the last checkpoint (not yet covered by a signature)."""
    first_broken_seq: int | None = None
    problem: str | None = None
    against_checkpoint: int | None = None
    """Size of the exported checkpoint compared with, if one was given."""

    def summary(self) -> str:
        """One line for people."""
        if not self.ok:
            return f"BROKEN at seq {self.first_broken_seq}: {self.problem}"
        span = "empty" if self.first_seq is None else f"seq {self.first_seq}..{self.last_seq}"
        signed = "signatures verified" if self.signatures_checked else "signatures NOT checked"
        extra = (f", matches exported checkpoint of size {self.against_checkpoint}"
                 if self.against_checkpoint is not None else "")
        return (f"intact: {self.records} records ({span}), {self.checkpoints} checkpoints "
                f"({signed}), {self.unsealed} unsealed{extra}")


class _Broken(Exception):  # noqa: N818 - internal control flow
    def __init__(self, seq: int, problem: str) -> None:
        super().__init__(problem)
        self.seq = seq
        self.problem = problem


def verify_rows(
    rows: Iterable[Sequence[Any]],
    subjects: Iterator[tuple[int, str]],
    *,
    log_id: str,
    public_keys: Sequence[Ed25519PublicKey] | None,
    exported: Checkpoint | None = None,
) -> VerifyReport:
    """Verify rows (in `COLUMNS` order, by seq) and the subject index (by seq)."""
    state = _State(log_id, public_keys, exported.size if exported is not None else None)
    try:
        for row in rows:
            state.check_row(row, subjects)
        state.check_subjects_exhausted(subjects)
        state.check_start()
        if exported is not None:
            state.check_exported(exported)
    except _Broken as broken:
        return state.report(broken)
    return state.report(None, exported)


class _State:
    def __init__(
        self, log_id: str, keys: Sequence[Ed25519PublicKey] | None, watch: int | None
    ) -> None:
        self.log_id = log_id
        self.keys = keys
        self.watch = watch
        self.watched_hash: str | None = None
        self.first_prev: str | None = None
        self.first: int | None = None
        self.last: int | None = None
        self.head: str | None = None
        self.count = 0
        self.checkpoints = 0
        self.last_checkpoint = 0
        self.dropped_through = 0
        self.pending_subject: tuple[int, str] | None = None

    # --- per row -----------------------------------------------------------------

    def check_row(self, row: Sequence[Any], subjects: Iterator[tuple[int, str]]) -> None:
        values = dict(zip(COLUMNS, row, strict=True))
        seq = int(values["seq"])
        if self.first is None:
            self.first = seq
            self.first_prev = str(values["prev_hash"])
            if seq != 1:
                self.check_anchor(values)
            elif values["prev_hash"] != GENESIS_HASH:
                raise _Broken(seq, "the first record does not start the chain")
        else:
            assert self.last is not None
            if seq != self.last + 1:
                raise _Broken(self.last + 1, f"records {self.last + 1}..{seq - 1} are missing")
            if values["prev_hash"] != self.head:
                raise _Broken(seq, "the record does not link to the previous one")
        text = str(values["body"])
        if chain_hash(str(values["prev_hash"]), text.encode("utf-8")) != values["hash"]:
            raise _Broken(seq, "the record's content does not match its hash")
        try:
            body = json.loads(text)
            if not isinstance(body, dict):
                raise TypeError
            kind = RecordKind(body["kind"])
        except (ValueError, TypeError, KeyError):
            raise _Broken(seq, "the record's body is not a record") from None
        if body.get("seq") != seq:
            raise _Broken(seq, "the record was moved from another position")
        if tuple(row_columns(body)) != tuple(row[: len(COLUMNS) - 3]):
            raise _Broken(seq, "a queryable column differs from the record's content")
        self.check_subjects(seq, body, subjects)
        if kind is RecordKind.CHECKPOINT:
            self.check_checkpoint(seq, body, str(values["prev_hash"]))
        elif kind is RecordKind.TOMBSTONE:
            dropped = int(body.get("detail", {}).get("dropped_through", 0))
            if dropped >= seq:
                raise _Broken(seq, "a tombstone claims to drop records after itself")
            self.dropped_through = max(self.dropped_through, dropped)
        self.last = seq
        self.head = str(values["hash"])
        self.count += 1
        if seq == self.watch:
            self.watched_hash = self.head

    def check_anchor(self, values: dict[str, Any]) -> None:
        # What remains after retention starts at a checkpoint sealing what was dropped.
        seq = int(values["seq"])
        try:
            body = json.loads(str(values["body"]))
            checkpoint = Checkpoint.from_json(body.get("detail"))
            is_checkpoint = body.get("kind") == RecordKind.CHECKPOINT
        except (ValueError, AuditError, AttributeError):
            is_checkpoint = False
        if not is_checkpoint or checkpoint.size != seq - 1 \
                or checkpoint.head_hash != values["prev_hash"]:
            raise _Broken(1, f"records 1..{seq - 1} are missing and no checkpoint anchors the rest")

    def check_checkpoint(self, seq: int, body: dict[str, Any], prev_hash: str) -> None:
        since = self.last_checkpoint + 1 if self.last_checkpoint else (self.first or 1)
        try:
            checkpoint = Checkpoint.from_json(body.get("detail"))
        except AuditError:
            raise _Broken(since, f"checkpoint {seq} is unreadable") from None
        if checkpoint.log_id != self.log_id:
            raise _Broken(since, f"checkpoint {seq} belongs to another log")
        if checkpoint.size != seq - 1 or checkpoint.head_hash != prev_hash:
            raise _Broken(
                since, f"records {since}..{seq - 1} were rewritten: checkpoint {seq} "
                "does not match them"
            )
        if self.keys is not None and not checkpoint.signed_by(self.keys):
            raise _Broken(
                since, f"checkpoint {seq} is not signed by a trusted key: records "
                f"{since}..{seq - 1} cannot be trusted"
            )
        self.checkpoints += 1
        self.last_checkpoint = seq

    # --- the subject index ---------------------------------------------------------

    def check_subjects(
        self, seq: int, body: dict[str, Any], subjects: Iterator[tuple[int, str]]
    ) -> None:
        indexed: list[str] = []
        while True:
            item = self.pending_subject or next(subjects, None)
            self.pending_subject = None
            if item is None:
                break
            if item[0] < seq:
                raise _Broken(item[0], "the subject index names a record that is not there")
            if item[0] > seq:
                self.pending_subject = item
                break
            indexed.append(item[1])
        if sorted(indexed) != sorted(body.get("subjects", ())):
            raise _Broken(seq, "the subject index does not match the record")

    def check_subjects_exhausted(self, subjects: Iterator[tuple[int, str]]) -> None:
        item = self.pending_subject or next(subjects, None)
        if item is not None:
            raise _Broken(item[0], "the subject index names a record that is not there")

    def check_start(self) -> None:
        if self.first is not None and self.first != 1 and self.dropped_through != self.first - 1:
            raise _Broken(1, f"records 1..{self.first - 1} are missing without a tombstone")

    # --- against an exported checkpoint ------------------------------------------------

    def check_exported(self, exported: Checkpoint) -> None:
        if exported.log_id != self.log_id:
            raise _Broken(1, "the exported checkpoint belongs to another log")
        if self.keys is not None and not exported.signed_by(self.keys):
            raise _Broken(1, "the exported checkpoint is not signed by a trusted key")
        last = self.last or 0
        if exported.size > last:
            raise _Broken(last + 1, f"the log was truncated: the exported checkpoint "
                                    f"covers {exported.size} records, the log ends at {last}")
        if exported.size < (self.first or 1) - 1 or exported.size == 0:
            return  # dropped by retention (the anchor checked what remains)
        if exported.size == (self.first or 1) - 1:
            if self.first_prev != exported.head_hash:
                raise _Broken(1, "the log differs from the exported checkpoint")
            return
        if self.watched_hash != exported.head_hash:
            raise _Broken(exported.size, "the log differs from the exported checkpoint")

    # --- result -------------------------------------------------------------------

    def report(self, broken: _Broken | None, exported: Checkpoint | None = None) -> VerifyReport:
        unsealed = 0
        if self.last is not None:
            unsealed = self.last - max(self.last_checkpoint, (self.first or 1) - 1)
        return VerifyReport(
            ok=broken is None,
            records=self.count,
            first_seq=self.first,
            last_seq=self.last,
            head_hash=self.head,
            checkpoints=self.checkpoints,
            signatures_checked=self.keys is not None,
            unsealed=unsealed,
            first_broken_seq=broken.seq if broken else None,
            problem=broken.problem if broken else None,
            against_checkpoint=exported.size if exported is not None and broken is None
            else None,
        )
