"""Helpers of the notification tests: keys, messages signed as the KSZ signs them, a clock."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from ksz_client import _soap, _xml
from ksz_client._config import Organisation
from ksz_client._pki import Credentials
from ksz_client.audit import AuditLog, RecordMeta
from ksz_client.notifications import Backoff, Handlers, Inbox, Receiver
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, Population
from ksz_client.sandbox import notify as sandbox_notify
from ksz_client.wsse import Signer, Verifier

PG_DSN_VAR = "KSZ_TEST_POSTGRES_DSN"
POP = Population(seed=3, size=300)
META = RecordMeta(organisation=SANDBOX_CBE_NUMBER, environment="sandbox",
                  application="ksz-client-tests")


def pg_dsn() -> str:
    dsn = os.environ.get(PG_DSN_VAR)
    if not dsn:
        pytest.skip(f"PostgreSQL tests need {PG_DSN_VAR} (.ci/run starts a server and sets it)")
    return dsn


def ssin(index: int) -> str:
    return str(POP.ssin_of(index))


@dataclass
class Clock:
    """A clock the tests move by hand."""

    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@dataclass
class Kit:
    """Everything a test needs to receive notifications: keys, a log, receivers."""

    signing: Credentials
    other: Credentials
    log: AuditLog
    backend: str
    tmp: Path
    receivers: list[Receiver] = field(default_factory=list)

    @property
    def signer(self) -> Signer:
        return Signer(self.signing.key_pem, self.signing.cert_pem)

    def receiver(self, handlers: Handlers | None = None, *, clock: Clock | None = None,
                 backoff: Backoff | None = None, lease: dt.timedelta | None = None,
                 **kwargs: Any) -> Receiver:
        inbox = Inbox(self.log, clock=clock, backoff=backoff or Backoff(),
                      lease=lease or dt.timedelta(minutes=5))
        receiver = Receiver(
            inbox, Verifier([self.signing.cert_pem]), handlers=handlers,
            organisation=kwargs.pop("organisation", Organisation(cbe_number=SANDBOX_CBE_NUMBER)),
            meta=META, clock=clock, **kwargs,
        )
        self.receivers.append(receiver)
        return receiver

    def message(self, operation: str, person: str, *, sequence: int = 1,
                now: dt.datetime | None = None, receiver: str = SANDBOX_CBE_NUMBER,
                change: Callable[[_xml.Element], None] | None = None,
                signer: Signer | None = None) -> bytes:
        """A signed notification as the sandbox builds it (`change` edits the payload first)."""
        built = sandbox_notify.build(operation, POP, person, sequence_number=sequence,
                                     receiver=receiver, now=now)
        if change is not None:
            change(built.payload)
        return sandbox_notify.envelope(built, signer or self.signer, now=now)

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = self.log.read_rows(sql, params)
        return rows[0][0] if rows else None


def unsigned(payload_xml: bytes) -> bytes:
    """The message without its Security header (what an impostor could send)."""
    root = _xml.parse(payload_xml)
    header = root.find(f"{{{_soap.SOAP_ENV_NS}}}Header")
    assert header is not None
    for child in list(header):
        header.remove(child)
    return _xml.to_bytes(root)


def payload_of(message: bytes) -> _xml.Element:
    return _soap.split(_xml.parse(message)).payload


def ack(body: bytes) -> tuple[str, str, str | None]:
    """value, code, ticket of an acknowledgement."""
    payload = payload_of(body)
    return (payload.findtext("status/value") or "", payload.findtext("status/code") or "",
            payload.findtext("ticket"))


def faultcode(body: bytes) -> str:
    payload = payload_of(body)
    assert etree.QName(payload).localname == "Fault"
    return payload.findtext("faultcode") or ""


def sqlite_raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)
