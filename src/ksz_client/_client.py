"""KszClient and the one pipeline every call goes through.

context check -> request built -> signed -> observers told (audit INTENT) ->
sent (retry by operation kind) -> signature verified -> status mapped ->
observers told (audit OUTCOME) -> typed result.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Final

from lxml import etree

from ksz_client import _soap, _ssdn, _transport, _xml
from ksz_client._config import AuthMode, Environment, KszConfig
from ksz_client._exceptions import (
    ConfigError,
    FaultDetail,
    HttpStatusError,
    InDoubtError,
    InvalidLegalContext,
    KszBusinessError,
    KszError,
    MissingCallContext,
    ResponseError,
    TransportError,
)
from ksz_client._pki import Credentials, load_certificate, load_pkcs12
from ksz_client._redact import install_log_redaction
from ksz_client.audit._guard import FinalityGuard, belgian_today
from ksz_client.audit._observer import AuditObserver, RecordMeta
from ksz_client.audit._register import IntegrationRegister, MemoryRegister
from ksz_client.catalogue import Operation, OperationKind, Service, WireStyle
from ksz_client.hooks import CallObserver, Exchange, Outcome
from ksz_client.ssin import Ssin
from ksz_client.ssin import validate as validate_ssin
from ksz_client.types import CallContext, Information, Receipt, Status, StatusValue

if TYPE_CHECKING:
    from ksz_client.audit import AuditLog
    from ksz_client.batch import Batch, BatchRow
    from ksz_client.generic import GenericService
    from ksz_client.services.alert_reaction import AlertReactionService
    from ksz_client.services.bis import BisPersonService, CBSSPersonService, ManagePersonService
    from ksz_client.services.child_benefits import ChildBenefitsService
    from ksz_client.services.dmfa import DmfaService
    from ksz_client.services.dolsis import DolsisService
    from ksz_client.services.family import FamilyCompositionService
    from ksz_client.services.flanders import InburgeringService, QualificationCertificateService
    from ksz_client.services.handi import HandiService
    from ksz_client.services.health_insurance import HealthInsuranceService
    from ksz_client.services.heating import HeatingAllocationService
    from ksz_client.services.holiday_attestation import HolidayAttestationService
    from ksz_client.services.household_income import HouseholdIncomeService
    from ksz_client.services.identify_person import IdentifyPersonService
    from ksz_client.services.incapacity import IncapacityService
    from ksz_client.services.investigation import InvestigationService
    from ksz_client.services.job_seeker import JobSeekerService
    from ksz_client.services.leefloon_refund import (
        AttestationsService,
        OrganicLawService,
        RecoveredAmountService,
        RegisterAttestService,
        StopAttestService,
    )
    from ksz_client.services.living_wages import LivingWagesService
    from ksz_client.services.manage_access import AccessService
    from ksz_client.services.mediprima import MediPrimaService
    from ksz_client.services.multifunctional_attest import A036Service, L036Service
    from ksz_client.services.nrp import NrpPersonService
    from ksz_client.services.patrimony import PatrimonyService
    from ksz_client.services.pension_register import PensionRegisterService
    from ksz_client.services.person import PersonService
    from ksz_client.services.reference_manager import ReferenceService
    from ksz_client.services.self_employed import SelfEmployedService
    from ksz_client.services.social_inquiry import SocialInquiryService
    from ksz_client.services.social_rate_investigation import SocialRateInvestigationService
    from ksz_client.services.social_report import SocialReportService
    from ksz_client.services.ssin_info import SsinInformationService
    from ksz_client.services.tax_assessment import TaxAssessmentService
    from ksz_client.services.test_connection import TestConnectionService
    from ksz_client.services.ti_groups import TIGroupsService, TIGroupsV5Service
    from ksz_client.services.unemployment import UnemploymentService
    from ksz_client.services.vesta import VestaService
    from ksz_client.services.wet65 import Wet65ABService, Wet65CService, Wet65DFService
    from ksz_client.wsse import Signer, Verifier

__all__ = ["Builder", "KszClient", "Reply", "WithTicket"]

# CommonV3 LegalContextType: at most 64 characters of this alphabet.
_LEGAL_CONTEXT: Final = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_:+\- ]*[a-zA-Z0-9_:+\-]")


@dataclass(frozen=True)
class Reply:
    """A verified answer: its payload element, the KSZ status and the receipt.

    For SSDN services the payload is the service's reply element (e.g.
    ManageAccessReply) and ``warnings`` the SSDN details of severity WARNING or
    INFORMATION (returned, not raised).
    """

    payload: _xml.Element
    status: Status
    receipt: Receipt
    warnings: tuple[FaultDetail, ...] = ()


@dataclass(frozen=True)
class WithTicket:
    """A payload builder that also gets the call's ticket (the SSDN Reference).

    Most builders only fill the payload (``build(payload)``). A few payloads
    repeat the call's own reference (L036's UniqueReference), which is drawn
    only once the call starts: wrap such a builder, ``WithTicket(lambda
    payload, ticket: ...)``, and the pipeline calls ``fill(payload, ticket)``
    with the ticket it sends and audits.
    """

    fill: Callable[[_xml.Element, str], None]


Builder = Callable[[_xml.Element], None] | WithTicket
"""What fills a request payload: a plain builder, or one that also needs the ticket."""


def _run_builder(build: Builder, payload: _xml.Element, ticket: str) -> None:
    if isinstance(build, WithTicket):
        build.fill(payload, ticket)
    else:
        build(payload)


def check_legal_context(value: str) -> str:
    """Refuse, before sending, a legal context the KSZ schema would refuse."""
    if not 2 <= len(value) <= 64:
        raise InvalidLegalContext("a legal context has 2 to 64 characters")
    if not _LEGAL_CONTEXT.fullmatch(value):
        raise InvalidLegalContext(
            "a legal context uses letters, digits, space and _ : + - only, "
            "and does not start or end with a space"
        )
    return value


class _Core:
    """What every facet of a client shares: config, keys, transport, observers."""

    def __init__(
        self,
        config: KszConfig,
        transport: _transport.Transport | None,
        observers: Sequence[CallObserver],
        retry: _transport.RetryPolicy,
        clock: Callable[[], _dt.datetime],
    ) -> None:
        self.config = config
        self.retry = retry
        self.clock = clock
        key = config.audit.redaction_key
        install_log_redaction(key.reveal().encode() if key is not None else None)
        # The audit log: the one an AuditObserver passed in writes to, else the
        # configured one (opened on first use, shared per process), else none.
        meta = RecordMeta.from_config(config)
        self._audit_lock = threading.Lock()
        self._audit: AuditLog | None = None
        self._explicit_audit = next((o for o in observers if isinstance(o, AuditObserver)), None)
        auto: tuple[CallObserver, ...] = ()
        if self._explicit_audit is None and config.audit_enabled:
            auto = (AuditObserver(self._required_audit_log, meta),)
        self.observers = (*auto, *observers)
        self._memory_register = MemoryRegister()
        self.guard = FinalityGuard(
            config.finality, self.register, meta=meta, audit=self.audit_log, clock=clock
        )
        self.signer: Signer | None = None
        self.verifier: Verifier | None = None
        if config.auth.mode is AuthMode.X509:
            creds = _load_credentials(config)
            from ksz_client._credentials import require_usable, signing_refused

            # Expired, not yet valid or another key's certificate: refused here,
            # naming the file and the date, rather than by the KSZ on every call.
            # Against the wall clock: `clock` may be a test's deliberately wrong one.
            require_usable(creds, config, now=_utcnow())
            try:
                self.signer = _signer(creds.key_pem, creds.cert_pem, config.timestamp_ttl)
            except ConfigError as exc:
                raise signing_refused(config, exc) from None
        if config.tls_client_cert is not None:
            from ksz_client._credentials import require_valid_file

            require_valid_file(config.tls_client_cert, key="tls.client_cert", now=_utcnow(),
                               skew=config.clock_skew)
        if config.trust.ksz_certificates:
            from ksz_client.wsse import Verifier

            self.verifier = Verifier(
                [_read_trusted(p) for p in config.trust.ksz_certificates],
                clock_skew=config.clock_skew,
                allow_sha1=config.trust.allow_sha1,
            )
        self.transport = transport or _default_transport(config)

    # --- the pipeline -----------------------------------------------------------

    def call(
        self,
        service: Service,
        operation: Operation,
        build: Builder,
        *,
        context: CallContext,
        subjects: tuple[str, ...],
    ) -> Reply:
        # A service without the common blocks (TestConnectionService) has no legal
        # context: none is asked for, sent or recorded.
        legal_context = (context.legal_context or service.legal_context
                         if service.common_blocks else None)
        if not context.user:
            raise MissingCallContext(
                "every call names its user (client.acting_for(user=...) or context=)"
            )
        if not legal_context and service.common_blocks:
            raise MissingCallContext(
                f"{service.name} needs a legal context (client.acting_for(legal_context=...))"
            )
        if legal_context:
            check_legal_context(legal_context)
        context = CallContext(
            user=context.user,
            legal_context=legal_context,
            dossier=context.dossier,
            quality_code=context.quality_code,
        )
        ticket = str(uuid.uuid4())
        # Finality and in-doubt rules: refused calls are recorded DENIED and never built.
        self.guard.check(service, operation, context, subjects, call_id=ticket)
        sent_at = self.clock()
        envelope = _soap.envelope(
            self._build_body(service, operation, build, ticket=ticket, sent_at=sent_at,
                             legal_context=legal_context)
        )
        if self.signer is not None:
            self.signer.sign(envelope, now=sent_at)
        content = _xml.to_bytes(envelope)
        url = self.config.url_for(service.name, service.path, ssdn=service.wire is WireStyle.SSDN)
        request = _transport.HttpRequest(
            url=url,
            content=content,
            headers={
                "Content-Type": "text/xml; charset=utf-8",
                "SOAPAction": f'"{operation.soap_action}"',
                "Accept": "text/xml",
            },
            connect_timeout=self.config.timeouts.connect,
            read_timeout=self.config.timeouts.read,
        )
        mutation = operation.kind is OperationKind.MUTATION
        attempt = 0
        while True:
            attempt += 1
            exchange = Exchange(
                call_id=ticket,
                attempt=attempt,
                service=service.name,
                version=service.version,
                operation=operation.name,
                kind=operation.kind.value,
                url=url,
                context=context,
                subjects=subjects,
                request=content,
                started_at=self.clock(),
            )
            for observer in self.observers:
                observer.before_send(exchange)
            started = time.monotonic()
            response: _transport.HttpResponse | None = None
            try:
                response = self.transport.handle(request)
                reply = self._interpret(response, service, operation, ticket, sent_at)
            except (TransportError, HttpStatusError) as exc:
                retry = self.retry.should_retry(mutation=mutation, error=exc, attempt=attempt)
                error: KszError = exc
                if mutation and exc.sent and not retry:
                    error = InDoubtError(
                        f"{operation.name} may have reached the KSZ but no answer came back "
                        f"({exc}); it is not re-sent: reconcile call {ticket} first",
                        call_id=ticket,
                    )
                self._notify(exchange, response, started, error=error, will_retry=retry)
                if retry:
                    _transport.sleep(self.retry.delay(attempt))
                    continue
                if error is exc:
                    raise
                raise error from exc
            except KszBusinessError as exc:
                status = Status(value=exc.value, code=exc.code) if exc.code else None
                self._notify(exchange, response, started, error=exc, status=status,
                             ticket_cbss=exc.ticket_cbss)
                raise
            except KszError as exc:
                self._notify(exchange, response, started, error=exc)
                raise
            self._notify(
                exchange, response, started, status=reply.status,
                ticket_cbss=reply.receipt.ticket_cbss,
                receive=reply.receipt.timestamp_receive, reply=reply.receipt.timestamp_reply,
            )
            try:
                _soap.raise_for_status(reply.status, reply.receipt)
            except KszBusinessError:
                raise
            return reply

    def _build_body(
        self,
        service: Service,
        operation: Operation,
        build: Builder,
        *,
        ticket: str,
        sent_at: _dt.datetime,
        legal_context: str | None,
    ) -> _xml.Element:
        """The SOAP Body's payload: a WS-Consult request, or an SSDN document in xmlString."""
        if service.wire is WireStyle.SSDN:
            # The service payload (e.g. ManageAccessRequest) inside SSDNRequest; the
            # legal context is not on the SSDN wire (it is in the audit record).
            payload = etree.Element(
                f"{{{service.namespace}}}{operation.request_element}",
                nsmap={"ns": service.namespace},
            )
            _run_builder(build, payload, ticket)
            document = _ssdn.build_request(
                organisation=self.config.organisation,
                reference=ticket,
                sent_at=sent_at,
                service_id=service.ssdn_service_id or service.name,
                version=self.config.ssdn_versions.get(service.name, service.version),
                payload=payload,
            )
            return _ssdn.wrap(document)
        if not service.common_blocks or legal_context is None:
            payload = etree.Element(f"{{{service.namespace}}}{operation.request_element}",
                                    nsmap={"ns": service.namespace})
            _run_builder(build, payload, ticket)
            return payload
        payload = _soap.new_request(
            operation.request_element,
            service.namespace,
            ticket=ticket,
            sent_at=sent_at,
            organisation=self.config.organisation,
            legal_context=legal_context,
        )
        _run_builder(build, payload, ticket)
        return payload

    def _interpret(
        self,
        response: _transport.HttpResponse,
        service: Service,
        operation: Operation,
        ticket: str,
        sent_at: _dt.datetime,
    ) -> Reply:
        if response.status_code not in (200, 500):
            raise HttpStatusError(
                f"HTTP {response.status_code} from the KSZ endpoint",
                status_code=response.status_code,
            )
        headers = {k.lower(): v for k, v in response.headers.items()}
        content_type = headers.get("content-type", "")
        if response.status_code == 500 and "xml" not in content_type.lower():
            raise HttpStatusError("HTTP 500 without a SOAP answer", status_code=500)
        root = _xml.parse(response.content, max_bytes=self.config.max_response_bytes)
        message = _soap.split(root)
        if message.is_fault:
            verified = False
            if self.verifier is not None and self.verifier.has_signature(root):
                verified_message = self.verifier.verify(root, now=self.clock())
                verified = verified_message.body is message.body
            raise _soap.fault_error(message.payload, ticket=ticket, verified=verified)
        body = message.body
        if self.verifier is not None:
            # Only what the signature covered is read: the verified Body.
            body = self.verifier.verify(root, now=self.clock()).body
        payload = next((c for c in body if isinstance(c.tag, str)), None)
        if service.wire is WireStyle.SSDN:
            if payload is None:
                raise ResponseError("the SOAP Body is empty")
            return self._interpret_ssdn(payload, service, operation, ticket, sent_at)
        expected = f"{{{service.namespace}}}{operation.response_element}"
        if payload is None or payload.tag != expected:
            raise ResponseError(f"the answer is not a {operation.response_element}")
        echoed = _xml.opt_text(payload, "informationCustomer/ticket")
        if echoed is not None and echoed != ticket:
            raise ResponseError("the answer echoes another request's ticket")
        return Reply(
            payload=payload,
            # Without the common blocks there is no status: an answer (not a fault)
            # is the service's success, recorded as DATA_FOUND MSG00000.
            status=(_soap.read_status(payload) if service.common_blocks
                    else Status(value=StatusValue.DATA_FOUND, code="MSG00000")),
            receipt=_soap.read_receipt(payload, ticket=ticket, sent_at=sent_at),
        )

    def _interpret_ssdn(
        self,
        wrapped: _xml.Element,
        service: Service,
        operation: Operation,
        ticket: str,
        sent_at: _dt.datetime,
    ) -> Reply:
        reply = _ssdn.parse_reply(
            _ssdn.unwrap(wrapped, max_bytes=self.config.max_response_bytes)
        )
        if reply.reference is not None and reply.reference != ticket:
            raise ResponseError("the answer echoes another request's reference")
        receipt = Receipt(
            ticket=ticket,
            ticket_cbss=reply.ticket,
            timestamp_sent=sent_at,
            timestamp_receive=reply.time_receive,
            timestamp_reply=reply.time_response,
        )
        # The message's summary and the service's are read as one: an error in
        # either raises the typed refusal (the details usually sit with the
        # service); warnings are handed back with the result.
        summaries = (reply.summary, *(r.summary for r in reply.service_replies))
        combined = _ssdn.ResultSummary(
            ok="NO" if any(s.is_error for s in summaries) else reply.summary.ok,
            return_code=max(s.return_code for s in summaries),
            details=tuple(d for s in reversed(summaries) for d in s.details),
        )
        warnings = _ssdn.raise_for_summary(combined, ticket=ticket, ticket_cbss=reply.ticket)
        expected = f"{{{service.namespace}}}{operation.response_element}"
        served = next((r for r in reply.service_replies
                       if r.payload is not None and r.payload.tag == expected), None)
        if served is None or served.payload is None:
            raise ResponseError(f"the SSDN reply carries no {operation.response_element}")
        code = combined.return_code
        return Reply(
            payload=served.payload,
            status=Status(
                value=StatusValue.DATA_FOUND,
                code=str(code),
                description="warning" if warnings else "OK",
                information=tuple(
                    Information(w.reason_code, w.diagnostic or None) for w in warnings
                ),
            ),
            receipt=receipt,
            warnings=warnings,
        )

    def _notify(
        self,
        exchange: Exchange,
        response: _transport.HttpResponse | None,
        started: float,
        *,
        error: BaseException | None = None,
        status: Status | None = None,
        ticket_cbss: str | None = None,
        receive: _dt.datetime | None = None,
        reply: _dt.datetime | None = None,
        will_retry: bool = False,
    ) -> None:
        outcome = Outcome(
            response=response.content if response is not None else None,
            http_status=response.status_code if response is not None else None,
            status=status,
            ticket_cbss=ticket_cbss,
            timestamp_receive=receive,
            timestamp_reply=reply,
            duration=_dt.timedelta(seconds=time.monotonic() - started),
            error=error,
            will_retry=will_retry,
        )
        for observer in self.observers:
            observer.after_receive(exchange, outcome)

    # --- audit ------------------------------------------------------------------

    def audit_log(self) -> AuditLog | None:
        """The audit log calls are recorded in (opened on first use), or None."""
        if self._explicit_audit is not None:
            return self._explicit_audit.log
        if not self.config.audit_enabled:
            return None
        with self._audit_lock:
            if self._audit is None:
                from ksz_client.audit import _shared

                self._audit = _shared.acquire(self.config)
            return self._audit

    def _required_audit_log(self) -> AuditLog:
        log = self.audit_log()
        assert log is not None  # only called when auditing is on
        return log

    def register(self) -> IntegrationRegister:
        """The register of integrations: the audit log's, else one in memory."""
        log = self.audit_log()
        return log.integrations if log is not None else self._memory_register

    def close(self) -> None:
        self.transport.close()
        with self._audit_lock:
            log, self._audit = self._audit, None
        if log is not None:
            from ksz_client.audit import _shared

            _shared.release(log)


@functools.lru_cache(maxsize=8)
def _signer(key_pem: bytes, cert_pem: bytes, ttl: _dt.timedelta) -> Signer:
    # The private key is parsed once per process: clients built from the same
    # credentials (one per request in a web application, say) share the Signer,
    # which is thread-safe.
    from ksz_client.wsse import Signer

    try:
        return Signer(key_pem, cert_pem, ttl=ttl)
    except ConfigError:
        raise  # its own words: another key's certificate, an unreadable key, ...
    except Exception:  # an error of the crypto backend
        raise ConfigError(
            "the private key and certificate cannot be used for signing", key="auth"
        ) from None


def _load_credentials(config: KszConfig) -> Credentials:
    auth = config.auth
    if auth.pkcs12_file is not None:
        data = _read_file(auth.pkcs12_file, "auth.pkcs12_file")
        password = auth.pkcs12_password.reveal().encode() if auth.pkcs12_password else None
        try:
            return load_pkcs12(data, password)
        except ValueError:
            raise ConfigError(
                "cannot open the PKCS#12 file (wrong password or not PKCS#12)",
                key="auth.pkcs12_file",
            ) from None
    assert auth.key_file is not None and auth.cert_file is not None  # checked by Auth
    key_pem = _read_file(auth.key_file, "auth.key_file")
    cert_pem = _read_file(auth.cert_file, "auth.cert_file")
    try:
        load_certificate(cert_pem)
    except ValueError:
        raise ConfigError("is not a PEM or DER certificate", key="auth.cert_file") from None
    if auth.key_password is not None:
        from cryptography.hazmat.primitives import serialization

        try:
            key = serialization.load_pem_private_key(key_pem, auth.key_password.reveal().encode())
        except (ValueError, TypeError):
            raise ConfigError("cannot decrypt the private key (wrong password?)",
                              key="auth.key_file") from None
        key_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    elif b"ENCRYPTED" in key_pem:
        raise ConfigError(
            "the private key is encrypted: name the variable holding its password in "
            "auth.key_password_env",
            key="auth.key_file",
        )
    return Credentials(key_pem=key_pem, cert_pem=cert_pem)


def _read_file(path: Path, key: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"file not found: {path}", key=key) from None
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}", key=key) from None


def _read_trusted(path: Path) -> bytes:
    data = _read_file(path, "trust.ksz_certificates")
    try:
        load_certificate(data)
    except ValueError:
        raise ConfigError(
            f"{path.name} is not a certificate", key="trust.ksz_certificates"
        ) from None
    return data


def _default_transport(config: KszConfig) -> _transport.RequestsTransport:
    client_cert: tuple[str, str] | None = None
    if config.tls_client_cert is not None:
        if config.tls_client_key is None:
            raise ConfigError("is required with tls.client_cert", key="tls.client_key")
        client_cert = (str(config.tls_client_cert), str(config.tls_client_key))
    basic = None
    if config.auth.mode is AuthMode.BASIC:
        assert config.auth.username is not None and config.auth.password is not None
        basic = (config.auth.username, config.auth.password.reveal())
    return _transport.RequestsTransport(
        pool_size=config.pool_size,
        verify=str(config.trust.ca_bundle) if config.trust.ca_bundle else True,
        client_cert=client_cert,
        basic_auth=basic,
        max_response_bytes=config.max_response_bytes,
    )


def _utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


class KszClient:
    """A client for the KSZ web services; services are lazy attributes.

    >>> client = KszClient(KszConfig.load()).acting_for(
    ...     user="social-worker-42", legal_context="PCSA:SOCIAL_INQUIRY", dossier="2026/123")
    >>> client.person.get("85.07.30-033.28").person.name

    Thread-safe: one client (and its connection pool) serves many threads.
    `acting_for` returns a view bound to a call context that shares the pool.
    """

    def __init__(
        self,
        config: KszConfig | None = None,
        *,
        transport: _transport.Transport | None = None,
        observers: Sequence[CallObserver] = (),
        retry: _transport.RetryPolicy | None = None,
        context: CallContext | None = None,
        clock: Callable[[], _dt.datetime] | None = None,
    ) -> None:
        config = config if config is not None else KszConfig.load()
        self._core = _Core(
            config, transport, observers, retry or _transport.RetryPolicy(), clock or _utcnow
        )
        base = CallContext(
            user=config.default_user,
            legal_context=config.default_legal_context,
            dossier=config.default_dossier,
            quality_code=config.default_quality_code,
        )
        self._context = base.merged(context)

    @classmethod
    def _bound(cls, core: _Core, context: CallContext) -> KszClient:
        client = cls.__new__(cls)
        client._core = core
        client._context = context
        return client

    @property
    def config(self) -> KszConfig:
        return self._core.config

    @property
    def context(self) -> CallContext:
        """The call context bound to this client (user, legal context, dossier, quality code)."""
        return self._context

    def acting_for(
        self,
        *,
        user: str | None = None,
        legal_context: str | None = None,
        dossier: str | None = None,
        quality_code: int | None = None,
    ) -> KszClient:
        """A client bound to who calls, why and for which file; shares this client's pool."""
        if legal_context is not None:
            check_legal_context(legal_context)
        return KszClient._bound(
            self._core,
            self._context.merged(
                CallContext(
                    user=user, legal_context=legal_context, dossier=dossier,
                    quality_code=quality_code,
                )
            ),
        )

    @property
    def audit(self) -> AuditLog | None:
        """The audit log this client records its calls in (None when auditing is off).

        Opened on first use; shared with the other clients of the process that
        name the same log. Query it with ``client.audit.query(reader=...)``.
        """
        return self._core.audit_log()

    @property
    def integrations(self) -> IntegrationRegister:
        """The local register of integrations the finality guard checks.

        Kept in the audit log's database; in memory when auditing is off (the
        sandbox by default). ManageAccess REGISTER/UNREGISTER and ``ksz access
        sync`` feed it through ``add``, ``remove`` and ``replace_all``.
        """
        return self._core.register()

    def batch(
        self,
        service: str,
        operation: str,
        rows: Iterable[Mapping[str, object] | BatchRow],
        *,
        concurrency: int = 8,
        rate: float | None = None,
        window: int | None = None,
        context: CallContext | None = None,
    ) -> Batch:
        """Call one operation for every row, concurrently, yielding results in input order.

        Returns a `ksz_client.batch.Batch`: iterate it for one `BatchResult` per
        row (``row``, ``status`` ok / error / in_doubt, the typed ``result`` or
        the ``error``); a failed row does not stop the others. Up to
        ``concurrency`` calls run at once over this client's pooled transport;
        rows are read only ``window`` (default 4 x concurrency) ahead, so memory
        stays flat. Ctrl-C stops sending: the calls already on their way are
        handed over, then KeyboardInterrupt is raised again.

        Args:
            service: as on the command line (``ssin_info``, ``ssin-info``) or the
                catalogue name (``SSINInformationService``)
            operation: the method (``current``) or operation name (``consultCurrentSsin``)
            rows: the method's arguments by parameter name, one mapping per call (or
                `BatchRow` from `ksz_client.batch.read_rows`)
            concurrency: calls at once
            rate: at most this many calls per second (all threads together)
            window: rows read ahead of the oldest unfinished one
            context: the call context of every call, when not bound with `acting_for`
        """
        from ksz_client.batch import start

        return start(self, service, operation, rows, concurrency=concurrency, rate=rate,
                     window=window, context=context)

    def _today(self) -> _dt.date:
        """Today in Belgium by the client's clock: the day the KSZ's dates count in.

        Services use it for defaults and "not in the future" checks, so that a
        machine on UTC (or a test's clock) agrees with the finality guard.
        """
        return belgian_today(self._core.clock())

    def custom(self, service: Service) -> GenericService:
        """A service the SDK does not ship, declared with `ksz_client.generic.declare_service`.

        Calls go through the same pipeline: signature, audit, finality guard,
        status mapping, retry by kind.
        """
        from ksz_client.generic import GenericService

        return GenericService(self, service)

    def reconcile(self, call_id: str, *, context: CallContext | None = None,
                  **details: object) -> object:
        """Establish what became of an in-doubt mutation, and record it in the audit log.

        Looks the call up among the audit log's unresolved IN_DOUBT records
        (service, operation, subjects, quality code), then calls the
        ``reconcile`` method of the service's client class (found through the
        service bindings: ``client.access.reconcile``, the POD-MI,
        MediPrima and VESTA services), which checks the state through the matching
        consultation and records the result with `AuditLog.resolve`. The
        call's SSIN, operation (as ``action`` or ``operation``) and quality
        code are passed when that method takes them; ``details`` adds what
        the audit log does not hold (e.g. ``start=`` of the period asked).
        Returns that method's result (a ``Reconciliation``).

        Raises `AuditError` when auditing is off, the log knows no unresolved
        in-doubt call with that id, or its service has no ``reconcile``;
        `ValidationError` (before sending anything) for details the method
        does not take or misses.

        Args:
            call_id: the ticket of the in-doubt call (InDoubtError.call_id)
            context: the call context, when not bound with `acting_for`
            details: further arguments of the service's reconcile method
        """
        import inspect

        from ksz_client._exceptions import AuditError, ValidationError
        from ksz_client.services._registry import BINDINGS

        log = self.audit
        if log is None:
            raise AuditError("reconciling needs the audit log: set [audit] path")
        reader = self.context.merged(context).user or "ksz-client"
        record = next((r for r in log.in_doubt(reader=reader) if r.call_id == call_id), None)
        if record is None:
            raise AuditError("the audit log knows no unresolved in-doubt call with that id")
        bound = next((b for b in BINDINGS if b.service == record.service), None)
        if bound is None or not callable(getattr(bound.load(), "reconcile", None)):
            raise AuditError(f"{record.service} has no reconciliation in the SDK: establish "
                             "the outcome yourself and record it with `ksz audit resolve`")
        method = getattr(self, bound.attribute).reconcile
        parameters = inspect.signature(method).parameters
        known: dict[str, object] = {
            "ssin": record.subjects[0] if len(record.subjects) == 1 else None,
            "action": record.operation,
            "operation": record.operation,
            "quality_code": record.quality_code,
            "context": context,
        }
        unknown = sorted(set(details) - set(parameters))
        if unknown:
            raise ValidationError(f"{record.service} reconcile takes no {', '.join(unknown)}")
        arguments = {name: value for name, value in known.items()
                     if name in parameters and value is not None}
        arguments.update(details)
        missing = sorted(name for name, p in parameters.items()
                         if name != "call_id" and p.default is inspect.Parameter.empty
                         and p.kind is not inspect.Parameter.VAR_KEYWORD
                         and name not in arguments)
        if missing:
            raise ValidationError(f"reconciling this {record.service} {record.operation} also "
                                  f"needs: {', '.join(missing)}")
        result: object = method(call_id, **arguments)
        return result

    @cached_property
    def person(self) -> PersonService:
        """PersonService V4: legal data of a person, by SSIN or phonetic search."""
        from ksz_client.services.person import PersonService

        return PersonService(self)

    @cached_property
    def mediprima(self) -> MediPrimaService:
        """ManageCarmed (MediPrima): open, change, stop and consult medical-cost decisions."""
        from ksz_client.services.mediprima import MediPrimaService

        return MediPrimaService(self)

    @cached_property
    def refund_attest(self) -> RegisterAttestService:
        """OCMWCPASRegisterAttest: request the federal refund of (equivalent) leefloon."""
        from ksz_client.services.leefloon_refund import RegisterAttestService

        return RegisterAttestService(self)

    @cached_property
    def stop_attest(self) -> StopAttestService:
        """OCMWCPASStopAttest: communicate the end of a right a refund attest covers."""
        from ksz_client.services.leefloon_refund import StopAttestService

        return StopAttestService(self)

    @cached_property
    def attestations(self) -> AttestationsService:
        """OCMWCPASListOfAttestations: the POD-MI decisions on a person's attests."""
        from ksz_client.services.leefloon_refund import AttestationsService

        return AttestationsService(self)

    @cached_property
    def recovered_amounts(self) -> RecoveredAmountService:
        """OCMWCPASRegisterRecoveredAmount: communicate aid recovered on a refunded attest."""
        from ksz_client.services.leefloon_refund import RecoveredAmountService

        return RecoveredAmountService(self)

    @cached_property
    def installation_premium(self) -> OrganicLawService:
        """OCMWCPASOrganicLaw: request the federal refund of an installation premium."""
        from ksz_client.services.leefloon_refund import OrganicLawService

        return OrganicLawService(self)

    @cached_property
    def l036(self) -> L036Service:
        """OCMWCPASL036: consult the multifunctional attests (A036) of a person, paged."""
        from ksz_client.services.multifunctional_attest import L036Service

        return L036Service(self)

    @cached_property
    def a036(self) -> A036Service:
        """OCMWCPASA036: create, change or delete a multifunctional attest (leefloon)."""
        from ksz_client.services.multifunctional_attest import A036Service

        return A036Service(self)

    @cached_property
    def living_wages(self) -> LivingWagesService:
        """LivingWages: leefloon periods and amounts of a person (POD MI)."""
        from ksz_client.services.living_wages import LivingWagesService

        return LivingWagesService(self)

    @cached_property
    def wet65_ab(self) -> Wet65ABService:
        """OCMWCPASWet65Loi65AB: Law of 1965 forms A/B, the refund request (POD MI)."""
        from ksz_client.services.wet65 import Wet65ABService

        return Wet65ABService(self)

    @cached_property
    def wet65_df(self) -> Wet65DFService:
        """OCMWCPASWet65Loi65DF: Law of 1965 form F, the amounts recovered (POD MI)."""
        from ksz_client.services.wet65 import Wet65DFService

        return Wet65DFService(self)

    @cached_property
    def wet65_c(self) -> Wet65CService:
        """OCMWCPASWet65Loi65C: Law of 1965 form C, the end of a right (POD MI)."""
        from ksz_client.services.wet65 import Wet65CService

        return Wet65CService(self)

    @cached_property
    def heating(self) -> HeatingAllocationService:
        """OCMWCPASHeatingAllocation: register a heating allowance (Social Heating Fund)."""
        from ksz_client.services.heating import HeatingAllocationService

        return HeatingAllocationService(self)

    @cached_property
    def household_income(self) -> HouseholdIncomeService:
        """OCMWCPASHouseholdIncome: the household income for the heating allowance."""
        from ksz_client.services.household_income import HouseholdIncomeService

        return HouseholdIncomeService(self)

    @cached_property
    def alerts(self) -> AlertReactionService:
        """PCSAAlertReaction: motivate the decision behind a POD MI alert."""
        from ksz_client.services.alert_reaction import AlertReactionService

        return AlertReactionService(self)

    @cached_property
    def social_report(self) -> SocialReportService:
        """ElectronicSocialReport: send a social report to another OCMW."""
        from ksz_client.services.social_report import SocialReportService

        return SocialReportService(self)

    @cached_property
    def social_inquiry(self) -> SocialInquiryService:
        """PCSASocialInquiry (Nova+): social-inquiry help and residence-status simulation."""
        from ksz_client.services.social_inquiry import SocialInquiryService

        return SocialInquiryService(self)

    @cached_property
    def qualifications(self) -> QualificationCertificateService:
        """QualificationCertificateService V1: certificates and diplomas of the Flemish LED."""
        from ksz_client.services.flanders import QualificationCertificateService

        return QualificationCertificateService(self)

    @cached_property
    def inburgering(self) -> InburgeringService:
        """InburgeringService V1: the civic-integration trajectory of newcomers in Flanders."""
        from ksz_client.services.flanders import InburgeringService

        return InburgeringService(self)

    @cached_property
    def vesta(self) -> VestaService:
        """VESTA (modelled): home-care episodes in Flanders; other VESTA exchanges via custom()."""
        from ksz_client.services.vesta import VestaService

        return VestaService(self)

    @cached_property
    def handi(self) -> HandiService:
        """HandiService V2: disability files, allowances, social cards and payments."""
        from ksz_client.services.handi import HandiService

        return HandiService(self)

    @cached_property
    def incapacity(self) -> IncapacityService:
        """HdiIndemnityAllowance V1: incapacity for work, attests and indemnity periods."""
        from ksz_client.services.incapacity import IncapacityService

        return IncapacityService(self)

    @cached_property
    def child_benefits(self) -> ChildBenefitsService:
        """ChildBenefits V1: files and family composition of the child-benefit cadastre."""
        from ksz_client.services.child_benefits import ChildBenefitsService

        return ChildBenefitsService(self)

    @cached_property
    def dolsis(self) -> DolsisService:
        """Dolsis V1: employment data of the RSZ (Dimona, DmfA, employers) and Limosa postings."""
        from ksz_client.services.dolsis import DolsisService

        return DolsisService(self)

    @cached_property
    def dmfa(self) -> DmfaService:
        """DmfaConsultation V1: the DmfA attestations of a worker (RSZ / ONSS)."""
        from ksz_client.services.dmfa import DmfaService

        return DmfaService(self)

    @cached_property
    def unemployment(self) -> UnemploymentService:
        """UnemploymentDataService V3: unemployment rights, payments and histories (RVA)."""
        from ksz_client.services.unemployment import UnemploymentService

        return UnemploymentService(self)

    @cached_property
    def job_seeker(self) -> JobSeekerService:
        """JobSeeker V1: registration as a job seeker (FOREM / ACTIRIS / VDAB / ADG)."""
        from ksz_client.services.job_seeker import JobSeekerService

        return JobSeekerService(self)

    @cached_property
    def patrimony(self) -> PatrimonyService:
        """PatrimonyService V1: real estate in Belgium (Cadnet, FOD Financien)."""
        from ksz_client.services.patrimony import PatrimonyService

        return PatrimonyService(self)

    @cached_property
    def tax(self) -> TaxAssessmentService:
        """TaxAssessment V2: tax assessment data (income, dependants) of FOD Financien."""
        from ksz_client.services.tax_assessment import TaxAssessmentService

        return TaxAssessmentService(self)

    @cached_property
    def self_employed(self) -> SelfEmployedService:
        """SelfEmployed V2: self-employed career and contribution payments (RSVZ / INASTI)."""
        from ksz_client.services.self_employed import SelfEmployedService

        return SelfEmployedService(self)

    @cached_property
    def health_insurance(self) -> HealthInsuranceService:
        """HealthCareInsurance V1: insurability at the mutualities (mutuality, third payer, ...)."""
        from ksz_client.services.health_insurance import HealthInsuranceService

        return HealthInsuranceService(self)

    @cached_property
    def social_tariff(self) -> SocialRateInvestigationService:
        """SocialRateInvestigation: the right to the social energy tariff (FOD Economie)."""
        from ksz_client.services.social_rate_investigation import SocialRateInvestigationService

        return SocialRateInvestigationService(self)

    @cached_property
    def pensions(self) -> PensionRegisterService:
        """OCMWCPASPensionRegisterConsult: pension rights and amounts (pension cadastre)."""
        from ksz_client.services.pension_register import PensionRegisterService

        return PensionRegisterService(self)

    @cached_property
    def holiday_pay(self) -> HolidayAttestationService:
        """HolidayAttestationService: holiday pay and double holiday pay (RJV / ONVA)."""
        from ksz_client.services.holiday_attestation import HolidayAttestationService

        return HolidayAttestationService(self)

    @cached_property
    def ssin_info(self) -> SsinInformationService:
        """SSINInformationService: the current and related SSINs of a (replaced) number."""
        from ksz_client.services.ssin_info import SsinInformationService

        return SsinInformationService(self)

    @cached_property
    def bis(self) -> BisPersonService:
        """BisPersonService: register a person in the BIS register (with a duplicate check)."""
        from ksz_client.services.bis import BisPersonService

        return BisPersonService(self)

    @cached_property
    def manage_person(self) -> ManagePersonService:
        """ManagePerson (legacy): create a BIS number the old way (createKSZCitizen)."""
        from ksz_client.services.bis import ManagePersonService

        return ManagePersonService(self)

    @cached_property
    def cbss_person(self) -> CBSSPersonService:
        """CBSSPersonService: change data groups of a BIS number."""
        from ksz_client.services.bis import CBSSPersonService

        return CBSSPersonService(self)

    @cached_property
    def nrp(self) -> NrpPersonService:
        """NRPPersonService: persons of the national register living at an address."""
        from ksz_client.services.nrp import NrpPersonService

        return NrpPersonService(self)

    @cached_property
    def family(self) -> FamilyCompositionService:
        """FamilyComposition: a person's household composition, at a date or over time."""
        from ksz_client.services.family import FamilyCompositionService

        return FamilyCompositionService(self)

    @cached_property
    def ti_groups(self) -> TIGroupsService:
        """RetrieveTIGroups V2: a person's full national-register record (TI groups)."""
        from ksz_client.services.ti_groups import TIGroupsService

        return TIGroupsService(self)

    @cached_property
    def ti_groups_v5(self) -> TIGroupsV5Service:
        """RetrieveTIGroups V5: the national-register record on the older v1 interface."""
        from ksz_client.services.ti_groups import TIGroupsV5Service

        return TIGroupsV5Service(self)

    @cached_property
    def access(self) -> AccessService:
        """OCMWCPASManageAccess: integrate persons in the KSZ repertory (REGISTER, LIST...)."""
        from ksz_client.services.manage_access import AccessService

        return AccessService(self)

    @cached_property
    def test_connection(self) -> TestConnectionService:
        """TestConnectionService: echo test of the connection and the certificate the KSZ saw."""
        from ksz_client.services.test_connection import TestConnectionService

        return TestConnectionService(self)

    @cached_property
    def references(self) -> ReferenceService:
        """ReferenceManager.consult: a person's integrations in other sectors."""
        from ksz_client.services.reference_manager import ReferenceService

        return ReferenceService(self)

    @cached_property
    def identify_person(self) -> IdentifyPersonService:
        """OCMWCPASIdentifyPerson (legacy; use `person`): identify a person by SSIN or name."""
        from ksz_client.services.identify_person import IdentifyPersonService

        return IdentifyPersonService(self)

    @cached_property
    def investigation(self) -> InvestigationService:
        """OCMWCPASPerformInvestigation: social inquiry (household, legal data, addresses)."""
        from ksz_client.services.investigation import InvestigationService

        return InvestigationService(self)

    def _validate_ssin(self, value: str) -> Ssin:
        """Validate an SSIN argument before anything is sent.

        Test numbers (month +60) exist only in the sandbox and the KSZ's test
        and acceptance environments; production refuses them.
        """
        return validate_ssin(value, allow_test=self.config.environment is not Environment.PROD)

    def _call(
        self,
        service: Service,
        operation: str,
        build: Builder,
        *,
        context: CallContext | None,
        subjects: tuple[str, ...],
    ) -> Reply:
        merged = self._context.merged(context)
        # Which legal context: one given for this call wins; else the one the
        # configuration sets for this service; else the service's own (legal
        # contexts are fixed per service by the KSZ's authorisation); else the
        # one bound with acting_for.
        chosen = (
            (context.legal_context if context is not None else None)
            or self._core.config.legal_contexts.get(service.name)
            or service.legal_context
            or merged.legal_context
        )
        return self._core.call(
            service,
            service.operation(operation),
            build,
            context=CallContext(user=merged.user, legal_context=chosen, dossier=merged.dossier,
                                quality_code=merged.quality_code),
            subjects=subjects,
        )

    def close(self) -> None:
        """Close pooled connections (the client is unusable afterwards)."""
        self._core.close()

    def __enter__(self) -> KszClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"KszClient({self._core.config!r}, user={self._context.user!r})"
