"""`Receiver`: the WSGI application that receives the KSZ's notifications.

For each POSTed message, in this order (the first failure answers):

1. a body over the limit is refused before it is read (HTTP 413);
2. hardened parse; a SOAP 1.1 envelope is required (``soapenv:Client`` fault);
3. the WS-Security signature must verify against the trusted KSZ
   certificates, with a fresh Timestamp (a WS-Security fault: ``wsse:InvalidSecurity``,
   ``wsse:FailedAuthentication``, ``wsse:FailedCheck``, ``wsse:UnsupportedAlgorithm``
   or ``wsse:MessageExpired``);
4. the Body must be a notification of the catalogue (``soapenv:Client`` fault);
5. it must conform to its contract (``wsdl/notify``), be addressed to this
   organisation and read into typed events (acknowledged NOK ``MSG00008``);
6. the events are stored in the inbox together with the NOTIFICATION_RECEIVED
   audit record, or recognised as a redelivery of a stored message (same
   ticket); if that fails, a ``soapenv:Server`` fault asks the KSZ to send again;
7. the handlers run (unless dispatching is off), in order per SSIN; a failing
   handler leaves its event pending for `Receiver.process_pending`;
8. acknowledged OK ``MSG00000`` (``StatusOkType``).

Every refusal writes a NOTIFICATION_REFUSED audit record. No answer, log line
or audit record quotes an SSIN or a payload.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import logging
import threading
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, TypeVar

from lxml import etree

from ksz_client import _soap, _xml
from ksz_client._exceptions import (
    AuditError,
    ConfigError,
    MissingSignature,
    ResponseError,
    SignatureError,
    TimestampError,
    UntrustedCertificate,
    WeakAlgorithm,
)
from ksz_client._redact import mask_ssins
from ksz_client.audit._observer import RecordMeta, organisation_id
from ksz_client.audit._records import AuditRecord, RecordKind
from ksz_client.notifications._contracts import Contract, contract_for
from ksz_client.notifications._events import NotificationEvent
from ksz_client.notifications._inbox import Inbox, InboxEntry, StoreResult, worker_id
from ksz_client.notifications._parse import Header, parse, parse_header
from ksz_client.wsse import Verifier

if TYPE_CHECKING:
    from ksz_client._config import KszConfig, Organisation

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "Handlers",
    "Outcome",
    "ProcessReport",
    "Receiver",
    "Reply",
]

log = logging.getLogger("ksz_client.notifications")

DEFAULT_MAX_BODY_BYTES: Final = 10 * 1024 * 1024
_XML: Final = "text/xml; charset=utf-8"
_ENV: Final = f"{{{_soap.SOAP_ENV_NS}}}"
_WSSE_NS: Final = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
)
OK_CODE: Final = "MSG00000"
INVALID_CODE: Final = "MSG00008"
INTERNAL_CODE: Final = "MSG00003"

E = TypeVar("E", bound=NotificationEvent)
Handler = Callable[[Any], object]


def _utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


# --- handlers ------------------------------------------------------------------------------


class Handlers:
    """Which functions handle which event types.

    >>> handlers = Handlers()
    >>> @handlers.on(FamilyCompositionChanged)             # doctest: +SKIP
    ... def update_household(event): ...

    A handler registered for a base class (`NotificationEvent`) receives every
    subclass. The handlers of an event run in registration order; if one
    raises, the event is retried later and *all* of them run again: handlers
    must be idempotent (``event.notification.event_id`` is stable).
    """

    def __init__(self) -> None:
        self._by_type: dict[type[NotificationEvent], list[Handler]] = {}
        self._lock = threading.Lock()

    def on(self, event_type: type[E]) -> Callable[[Callable[[E], object]],
                                                  Callable[[E], object]]:
        """Decorator: register the function as a handler of `event_type`."""

        def register(fn: Callable[[E], object]) -> Callable[[E], object]:
            self.add(event_type, fn)
            return fn

        return register

    def add(self, event_type: type[E], fn: Callable[[E], object]) -> None:
        """Register `fn` as a handler of `event_type` (and its subclasses)."""
        if not (isinstance(event_type, type) and issubclass(event_type, NotificationEvent)):
            raise TypeError("handlers are registered for a NotificationEvent type")
        if not callable(fn):
            raise TypeError("a handler is a callable taking the event")
        with self._lock:
            self._by_type.setdefault(event_type, []).append(fn)

    def for_event(self, event: NotificationEvent) -> list[Handler]:
        """The handlers of `event`, most specific type first, each in registration order."""
        with self._lock:
            return [fn for cls in type(event).__mro__
                    for fn in self._by_type.get(cls, ())]

    def __len__(self) -> int:
        with self._lock:
            return sum(len(v) for v in self._by_type.values())

    def __repr__(self) -> str:
        with self._lock:
            names = sorted(cls.__name__ for cls in self._by_type)
        return f"Handlers({', '.join(names)})"


# --- results --------------------------------------------------------------------------------


class Outcome(StrEnum):
    """What became of one received message."""

    RECEIVED = "received"
    """Verified, valid and stored (OK)."""
    DUPLICATE = "duplicate"
    """A redelivery of a stored message: acknowledged OK, not stored or handed over again."""
    REFUSED = "refused"
    """Refused (fault, NOK or an HTTP error), or no notification at all (a GET); nothing
    stored."""
    UNAVAILABLE = "unavailable"
    """The inbox could not store it: a server fault asks the sender to try again."""


@dataclass(frozen=True)
class Reply:
    """The HTTP answer to one message, and what became of the message."""

    status: int
    body: bytes
    outcome: Outcome
    reason: str | None = None
    """Why it was refused (an exception class name or a short code), if it was."""
    entries: tuple[int, ...] = ()
    """The inbox entries stored for it."""
    content_type: str = _XML

    @property
    def status_line(self) -> str:
        """The WSGI status line, e.g. ``200 OK``."""
        texts = {200: "OK", 405: "Method Not Allowed", 411: "Length Required",
                 413: "Payload Too Large", 500: "Internal Server Error"}
        return f"{self.status} {texts.get(self.status, 'Error')}"


@dataclass(frozen=True)
class ProcessReport:
    """What one `Receiver.process_pending` (or inline dispatch) did."""

    handled: int = 0
    """Events whose handlers all returned."""
    failed: int = 0
    """Events whose handler raised: pending again, retried after a backoff."""
    without_handler: int = 0
    """Events of a type no handler is registered for: marked handled."""

    def __add__(self, other: ProcessReport) -> ProcessReport:
        """The sum of two reports."""
        return ProcessReport(self.handled + other.handled, self.failed + other.failed,
                             self.without_handler + other.without_handler)


# --- the receiver -----------------------------------------------------------------------------


_SECURITY_FAULTS: Final[Sequence[tuple[type[SignatureError], str]]] = (
    (MissingSignature, "wsse:InvalidSecurity"),
    (UntrustedCertificate, "wsse:FailedAuthentication"),
    (TimestampError, "wsse:MessageExpired"),
    (WeakAlgorithm, "wsse:UnsupportedAlgorithm"),
    (SignatureError, "wsse:FailedCheck"),
)


class _Refusal(Exception):  # noqa: N818 - internal control flow, never escapes `receive`
    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.reason)
        self.reply = reply


class Receiver:
    """Receives, verifies, stores and hands over the notifications the KSZ pushes.

    A WSGI application: mount it under the URL the KSZ pushes to (see README
    "Receiving notifications"), or serve it with ``ksz notifications serve``.

    >>> receiver = Receiver.from_config(KszConfig.load())          # doctest: +SKIP
    >>> @receiver.on(FamilyCompositionChanged)
    ... def update_household(event): ...

    `organisation`, when given, is checked against the notification's
    receiver. With `dispatch` False the receiver only stores; a separate
    worker then calls `process_pending`. Thread-safe.
    """

    def __init__(
        self,
        inbox: Inbox,
        verifier: Verifier,
        *,
        handlers: Handlers | None = None,
        organisation: Organisation | None = None,
        meta: RecordMeta | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        dispatch: bool = True,
        clock: Callable[[], _dt.datetime] | None = None,
        owns_inbox: bool = False,
    ) -> None:
        if max_body_bytes <= 0:
            raise ConfigError("must be positive", key="notifications.max_body_bytes")
        self.inbox = inbox
        self.verifier = verifier
        self.handlers = handlers if handlers is not None else Handlers()
        self.organisation = organisation
        self.meta = meta
        self.max_body_bytes = max_body_bytes
        self.dispatch = dispatch
        self._clock = clock or _utcnow
        self._owns_inbox = owns_inbox
        self._receiver_id = organisation_id(organisation) if organisation is not None else None

    @classmethod
    def from_config(
        cls,
        config: KszConfig,
        *,
        handlers: Handlers | None = None,
        dispatch: bool = True,
        clock: Callable[[], _dt.datetime] | None = None,
    ) -> Receiver:
        """A receiver for `config`: its audit database, trusted certificates and limits."""
        settings = config.notifications
        paths = settings.trusted_certificates or config.trust.ksz_certificates
        key = ("notifications.trusted_certificates" if settings.trusted_certificates
               else "trust.ksz_certificates")
        if not paths:
            raise ConfigError(
                "pin the KSZ certificate(s) whose notification signatures are accepted",
                key="notifications.trusted_certificates")
        certificates = []
        for path in paths:
            try:
                certificates.append(path.read_bytes())
            except OSError as exc:
                raise ConfigError(f"cannot read {path.name}: {exc.strerror}", key=key) from None
        verifier = Verifier(certificates, clock_skew=config.clock_skew,
                            allow_sha1=config.trust.allow_sha1)
        inbox = Inbox.from_config(config, clock=clock)
        return cls(
            inbox, verifier, handlers=handlers,
            organisation=config.organisation if settings.check_receiver else None,
            meta=RecordMeta.from_config(config), max_body_bytes=settings.max_body_bytes,
            dispatch=dispatch, clock=clock, owns_inbox=True,
        )

    def __repr__(self) -> str:
        return f"Receiver({self.inbox!r}, {self.handlers!r})"

    def close(self) -> None:
        """Close the inbox when this receiver opened it (`from_config`)."""
        if self._owns_inbox:
            self.inbox.close()

    def __enter__(self) -> Receiver:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def on(self, event_type: type[E]) -> Callable[[Callable[[E], object]],
                                                  Callable[[E], object]]:
        """Decorator: handle `event_type` (see `Handlers.on`)."""
        return self.handlers.on(event_type)

    # --- WSGI ------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        """The WSGI entry point."""
        reply = self._wsgi(environ)
        headers = [("Content-Type", reply.content_type),
                   ("Content-Length", str(len(reply.body)))]
        if reply.status == 405:
            headers.append(("Allow", "GET, POST"))
        start_response(reply.status_line, headers)
        return [reply.body]

    def _wsgi(self, environ: dict[str, Any]) -> Reply:
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "GET":
            return _text(200, "ksz-client notification receiver: the KSZ POSTs notifications "
                         "here", Outcome.REFUSED)
        if method != "POST":
            return _text(405, "notifications are POSTed", Outcome.REFUSED, "method")
        length_text = str(environ.get("CONTENT_LENGTH") or "")
        if not length_text.isdigit():
            return _text(411, "a Content-Length is required", Outcome.REFUSED, "length")
        length = int(length_text)
        if length > self.max_body_bytes:
            # Refused before reading: a body this size is not even looked at.
            return self._too_large()
        data = environ["wsgi.input"].read(length)
        return self.receive(data)

    # --- one message -----------------------------------------------------------------------

    def receive(self, data: bytes) -> Reply:
        """Receive one message (the POSTed body): verify, store, hand over, acknowledge.

        For frameworks that are not mounted as WSGI: answer with the
        returned `Reply` (``status``, ``content_type``, ``body``).
        """
        now = self._clock()
        if len(data) > self.max_body_bytes:
            return self._too_large()
        digest = hashlib.sha256(data).hexdigest()
        try:
            return self._receive(data, digest, now)
        except _Refusal as refusal:
            return refusal.reply

    def _receive(self, data: bytes, digest: str, now: _dt.datetime) -> Reply:
        try:
            root = _xml.parse(data, max_bytes=self.max_body_bytes, what="notification")
            _soap.split(root)
        except ResponseError as exc:
            raise self._fault("soapenv:Client", f"{INVALID_CODE}: {exc}", "Malformed",
                              digest) from None
        try:
            verified = self.verifier.verify(root, now=now)
        except SignatureError as exc:
            code = next(c for cls, c in _SECURITY_FAULTS if isinstance(exc, cls))
            raise self._fault(code, f"security error: {exc}", type(exc).__name__,
                              digest) from None
        # Read from the Body the signature covers (split already found an element in it).
        payload = next(c for c in verified.body if isinstance(c.tag, str))
        qname = etree.QName(payload)
        contract = contract_for(qname.namespace, qname.localname)
        if contract is None:
            raise self._fault("soapenv:Client",
                              f"{INVALID_CODE}: the Body is not a known notification",
                              "UnknownNotification", digest)
        line = contract.validate(payload)
        if line is not None:
            raise self._nok(contract, None, f"the notification does not conform to its "
                            f"contract (line {line})", "SchemaInvalid", digest)
        try:
            header = parse_header(payload)
        except ResponseError as exc:
            raise self._nok(contract, None, str(exc), "Unreadable", digest) from None
        if self._receiver_id is not None and header.receiver != self._receiver_id:
            raise self._nok(contract, header, "the notification is addressed to another "
                            "organisation", "OtherReceiver", digest)
        canonical = etree.tostring(payload, method="c14n", exclusive=True, with_comments=False)
        content = hashlib.sha256(canonical).hexdigest()
        # The KSZ's ticket identifies a message across redeliveries (each one signed anew);
        # without a ticket, its content does.
        key = (f"{contract.operation.name}:ticket:{header.ticket}" if header.ticket
               else f"{contract.operation.name}:sha256:{content}")
        try:
            parsed = parse(contract, payload, key=key, received_at=now)
        except ResponseError as exc:
            raise self._nok(contract, header, str(exc), "Unreadable", digest) from None
        events = parsed.events
        owner = worker_id() if self.dispatch and len(self.handlers) else None
        try:
            result = self.inbox.store(
                key=key, service=contract.service.name, operation=contract.operation.name,
                ticket=header.ticket, sequence_number=header.sequence_number,
                message=etree.tostring(root, encoding="unicode"), message_sha256=content,
                events=events, received_at=now,
                record=lambda r: self._received_record(contract, header, events, r, digest),
                claim_for=owner,
            )
        except AuditError as exc:
            log.error("a %s notification could not be stored (%s); the sender is asked to "
                      "send it again", contract.operation.name, exc)
            return self._fault_reply("soapenv:Server",
                                     f"{INTERNAL_CODE}: the notification could not be stored; "
                                     "send it again later", Outcome.UNAVAILABLE, "StoreFailed")
        if result.duplicate:
            if not result.same_content:
                log.warning("a %s notification came again with the same key but another "
                            "content; the first one is kept", contract.operation.name)
            return self._ack(contract, header, Outcome.DUPLICATE,
                             description="notification already received")
        if owner is not None:
            try:
                for entry in result.claimed:
                    self._handle(entry, owner)
                # Events of these persons that had to wait for an earlier one of theirs.
                self._drain({str(e.ssin) for e in events}, limit=2 * len(events),
                            owner=owner)
            except AuditError as exc:
                # Stored: acknowledged all the same; process_pending hands it over later.
                log.error("a %s notification was stored but not handed over: %s",
                          contract.operation.name, exc)
        return self._ack(contract, header, Outcome.RECEIVED, description="notification received",
                         entries=result.entries)

    # --- delivery ------------------------------------------------------------------------------

    def process_pending(self, *, limit: int | None = None) -> ProcessReport:
        """Hand every event that is due to its handlers, in order per SSIN; at least once.

        Events whose handler raised are retried once their backoff has passed;
        events of a dead worker of this machine are taken over at once. Returns
        what was done. Raises `ConfigError` when no handler is registered
        (processing would mark every event handled without handing it to
        anyone).
        """
        if not len(self.handlers):
            raise ConfigError("register a handler (receiver.on(EventType)) before processing "
                              "the inbox")
        self.inbox.release_dead_leases()
        return self._drain(None, limit=limit)

    def _drain(self, ssins: Collection[str] | None, *, limit: int | None,
               owner: str | None = None) -> ProcessReport:
        owner = owner or worker_id()
        report = ProcessReport()
        done = 0
        while limit is None or done < limit:
            entry = self.inbox.claim(owner=owner, ssins=ssins)
            if entry is None:
                break
            report = report + self._handle(entry, owner)
            done += 1
        return report

    def _handle(self, entry: InboxEntry, owner: str) -> ProcessReport:
        try:
            event = entry.event()
        except Exception as exc:  # a stored event this version cannot read back
            self.inbox.retry_later(entry, owner=owner, error=f"Undecodable:{type(exc).__name__}")
            log.error("inbox entry %d (%s) cannot be read back: %s", entry.id, entry.operation,
                      type(exc).__name__)
            return ProcessReport(failed=1)
        handlers = self.handlers.for_event(event)
        try:
            for handler in handlers:
                handler(event)
        except Exception as exc:
            due = self.inbox.retry_later(entry, owner=owner, error=type(exc).__name__)
            log.warning("a handler of inbox entry %d (%s, attempt %d) failed: %s: %s; "
                        "retried from %s", entry.id, entry.event_type, entry.attempts,
                        type(exc).__name__, mask_ssins(str(exc))[:200], due.isoformat())
            return ProcessReport(failed=1)
        record = self._record(
            RecordKind.NOTIFICATION_HANDLED, call_id=entry.receipt_id,
            service=entry.service, operation=entry.operation, subjects=(str(entry.ssin),),
            ticket=event.notification.ticket, status=("OK", None),
            detail={"inbox_id": entry.id, "event_type": entry.event_type,
                    "attempts": entry.attempts,
                    "handlers": [_name(h) for h in handlers]},
        )
        try:
            if not self.inbox.complete(entry, owner=owner, record=record):
                log.warning("inbox entry %d was taken over by another worker while its "
                            "handlers ran (they ran longer than the lease)", entry.id)
        except AuditError as exc:
            # The handlers ran; the event stays leased and will be handed over again.
            log.error("inbox entry %d was handled but could not be marked so: %s", entry.id, exc)
            return ProcessReport(failed=1)
        if not handlers:
            return ProcessReport(without_handler=1)
        return ProcessReport(handled=1)

    # --- answers and audit records -------------------------------------------------------------

    def _too_large(self) -> Reply:
        self._refused(None, "TooLarge", None, http_status=413, status=("REFUSED", None),
                      text=f"the body is over the {self.max_body_bytes}-byte limit")
        return _text(413, "the notification is too large", Outcome.REFUSED, "TooLarge")

    def _fault(self, faultcode: str, text: str, reason: str, digest: str) -> _Refusal:
        self._refused(None, reason, digest, http_status=500, status=("FAULT", faultcode),
                      text=text)
        return _Refusal(self._fault_reply(faultcode, text, Outcome.REFUSED, reason))

    def _fault_reply(self, faultcode: str, text: str, outcome: Outcome, reason: str) -> Reply:
        env = etree.Element(f"{_ENV}Envelope",
                            nsmap={"soapenv": _soap.SOAP_ENV_NS, "wsse": _WSSE_NS})
        body = etree.SubElement(env, f"{_ENV}Body")
        fault = etree.SubElement(body, f"{_ENV}Fault")
        _xml.sub(fault, "faultcode", faultcode)
        _xml.sub(fault, "faultstring", text[:256])
        return Reply(500, _xml.to_bytes(env), outcome, reason)

    def _nok(self, contract: Contract, header: Header | None, text: str, reason: str,
             digest: str) -> _Refusal:
        self._refused(contract, reason, digest, http_status=200, status=("NOK", INVALID_CODE),
                      text=text, ticket=header.ticket if header is not None else None)
        return _Refusal(self._ack(contract, header, Outcome.REFUSED, value="NOK",
                                  code=INVALID_CODE, description=text, reason=reason))

    def _ack(self, contract: Contract, header: Header | None, outcome: Outcome, *,
             description: str, value: str = "OK", code: str = OK_CODE,
             reason: str | None = None, entries: tuple[int, ...] = ()) -> Reply:
        namespace = contract.service.namespace
        root = etree.Element(f"{{{namespace}}}{contract.operation.response_element}",
                             nsmap={"ns": namespace})
        if header is not None and header.ticket:
            _xml.sub(root, "ticket", header.ticket)
        if header is not None:
            _xml.sub(root, "sequenceNumber", str(header.sequence_number))
        status = _xml.sub(root, "status")
        _xml.sub(status, "value", value)
        _xml.sub(status, "code", code)
        _xml.sub(status, "description", description[:256])
        return Reply(200, _xml.to_bytes(_soap.envelope(root)), outcome, reason, entries)

    def _record(self, kind: RecordKind, *, call_id: str | None = None,
                service: str | None = None, operation: str | None = None,
                subjects: Sequence[str] = (), ticket: str | None = None,
                status: tuple[str, str | None] | None = None, http_status: int | None = None,
                digest: str | None = None, error: str | None = None,
                legal_context: str | None = None, detail: dict[str, Any] | None = None,
                version: str | None = None) -> AuditRecord:
        meta = self.meta
        return AuditRecord(
            seq=0, kind=kind, at=self._clock(), call_id=call_id or str(uuid.uuid4()),
            organisation=meta.organisation if meta else self._receiver_id,
            environment=meta.environment if meta else None,
            application=meta.application if meta else None,
            application_version=meta.application_version if meta else None,
            legal_context=legal_context, service=service, version=version,
            operation=operation, operation_kind="notification" if service else None,
            subjects=tuple(subjects), request_sha256=digest, http_status=http_status,
            status_value=status[0] if status else None,
            status_code=status[1] if status else None, ticket_cbss=ticket, error=error,
            detail=detail or {},
        )

    def _received_record(self, contract: Contract, header: Header,
                         events: Sequence[NotificationEvent], result: StoreResult,
                         digest: str) -> AuditRecord:
        subjects = sorted({str(e.ssin) for e in events})
        detail: dict[str, Any] = {"sequence_number": header.sequence_number,
                                  "sender": header.sender, "events": len(events),
                                  "duplicate": result.duplicate}
        if result.duplicate and not result.same_content:
            detail["same_content"] = False
        return self._record(
            RecordKind.NOTIFICATION_RECEIVED, call_id=result.receipt_id,
            service=contract.service.name, version=contract.service.version,
            operation=contract.operation.name, subjects=subjects, ticket=header.ticket,
            status=("OK", OK_CODE), http_status=200, digest=digest,
            legal_context=header.legal_context, detail=detail,
        )

    def _refused(self, contract: Contract | None, reason: str, digest: str | None, *,
                 http_status: int, status: tuple[str, str | None], text: str,
                 ticket: str | None = None) -> None:
        record = self._record(
            RecordKind.NOTIFICATION_REFUSED,
            service=contract.service.name if contract else None,
            version=contract.service.version if contract else None,
            operation=contract.operation.name if contract else None, ticket=ticket,
            status=status, http_status=http_status, digest=digest, error=reason,
            detail={"reason": mask_ssins(text)[:256]},
        )
        try:
            self.inbox.log.write(record)
        except AuditError as exc:
            log.error("a refused notification could not be recorded in the audit log: %s", exc)
        log.warning("notification refused: %s", reason)


def _text(status: int, text: str, outcome: Outcome, reason: str | None = None) -> Reply:
    return Reply(status, text.encode("utf-8"), outcome, reason,
                 content_type="text/plain; charset=utf-8")


def _name(fn: Handler) -> str:
    module = getattr(fn, "__module__", None) or "?"
    qualname = getattr(fn, "__qualname__", None) or type(fn).__name__
    return f"{module}.{qualname}"
