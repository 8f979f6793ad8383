"""The sandbox as a WSGI application: a local KSZ that signs, verifies and answers.

WS-Consult requests are routed by URL path to a catalogue service and by
payload element to its operation; SSDN requests arrive at the
WebServiceConnector path and are routed by ``ServiceId``. For every request,
in this order:

1. the WS-Security signature is verified against the client certificates the
   sandbox knows (failure: an unsigned ``wsse:InvalidSecurity`` fault);
2. the body is validated against the service's contract (``MSG00008``);
3. the organisation is identified: one the sandbox does not know gets
   NO_RESULT ``MSG00013`` (SSDN: error ``MSG00013``);
4. the legal context must be one the service accepts (``MSG00013``);
5. **finality**: an operation that needs integration, for an SSIN the calling
   organisation has not integrated for a period covering today, answers
   NO_RESULT ``MSG00012`` (SSDN: error ``MSG00012``);
6. a handler answers from the synthetic population and the sandbox state;
7. the answer echoes ``informationCustomer``, carries a fresh ``ticketCBSS``
   and the timestamps, and is signed with the sandbox's own key;
8. a fault asked for (header, reserved SSIN or `FaultSwitch`) spoils it.

Whatever goes wrong becomes a well-formed SOAP fault or HTTP error: a request
never takes the server down.
"""

from __future__ import annotations

import copy
import datetime as _dt
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from lxml import etree

from ksz_client import _contracts, _soap, _ssdn, _xml, catalogue
from ksz_client._exceptions import ResponseError, SignatureError, ValidationError
from ksz_client._pki import Credentials
from ksz_client.sandbox.faults import FAULT_HEADER, Fault, FaultKind, FaultSwitch
from ksz_client.sandbox.handlers import (
    HANDLERS,
    SSDN_HANDLERS,
    Answer,
    HandlerContext,
    SsdnAnswer,
    SsdnDetail,
    ssdn_error,
)
from ksz_client.sandbox.handlers import status as make_status
from ksz_client.sandbox.organisations import (
    DEFAULT_ORGANISATIONS,
    SandboxOrganisation,
    organisations_by_key,
)
from ksz_client.sandbox.population import Population
from ksz_client.sandbox.server import AbortConnection
from ksz_client.sandbox.state import MemoryState, SandboxState
from ksz_client.wsse import Signer, Verifier

__all__ = ["SandboxApp", "build_fault", "build_response"]

log = logging.getLogger("ksz_client.sandbox")

StartResponse = Callable[..., Any]
Headers = list[tuple[str, str]]
_XML_TYPE: Final = "text/xml; charset=utf-8"
_ENV = f"{{{_soap.SOAP_ENV_NS}}}"
_S = f"{{{_ssdn.SSDN_NS}}}"
_C = f"{{{_ssdn.SSDN_COMMON_NS}}}"
_WSSE_NS: Final = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
)
_EXPIRED_BY: Final = _dt.timedelta(minutes=10)  # a 5-minute Timestamp then expired 5 minutes ago


@dataclass
class _Reply:
    """A SOAP answer before it is signed and a fault spoils it."""

    status: str
    envelope: _xml.Element | None = None
    signed: bool = True
    # What the "fault" fault kind needs to build the contract's fault for this request.
    request: _xml.Element | None = None
    fault_element: tuple[str, str | None] | None = None
    subject: int | None = None
    """Index of the person the request is about (reserved persons trigger faults)."""


@dataclass
class _Response:
    status: str
    headers: Headers
    body: bytes
    stall: float = 0.0
    """Seconds to wait between the two halves of the body (slow-body)."""
    extra: Headers = field(default_factory=list)


def build_response(
    service: catalogue.Service,
    operation: catalogue.Operation,
    request: _xml.Element,
    answer: Answer,
    *,
    ticket: str,
    received: _dt.datetime,
    replied: _dt.datetime,
) -> _xml.Element:
    """The ``<op>Response`` of a WS-Consult request: the common blocks, status and result.

    Echoes ``informationCustomer``, ``legalContext`` and ``criteria``; adds
    ``informationCBSS`` with `ticket` and the timestamps. Shared by the
    sandbox and the ``ksz_mock`` pytest fixture.
    """
    root = etree.Element(
        f"{{{service.namespace}}}{operation.response_element}",
        nsmap={"ns": service.namespace},
    )
    if service.common_blocks:
        root.append(copy.deepcopy(_xml.req(request, "informationCustomer")))
    cbss = _xml.sub(root, "informationCBSS")
    _xml.sub(cbss, "ticketCBSS", ticket)
    _xml.sub(cbss, "timestampReceive", _soap.timestamp(received))
    _xml.sub(cbss, "timestampReply", _soap.timestamp(replied))
    if not service.common_blocks:
        # TestConnectionService: informationCBSS, then the service's own elements.
        if answer.fill is not None:
            answer.fill(root)
        return root
    _xml.sub(root, "legalContext", _xml.req_text(request, "legalContext"))
    criteria = request.find("criteria")
    if criteria is not None:
        root.append(copy.deepcopy(criteria))
    status_el = _xml.sub(root, "status")
    _xml.sub(status_el, "value", answer.status.value)
    _xml.sub(status_el, "code", answer.status.code)
    if answer.status.description:
        _xml.sub(status_el, "description", answer.status.description)
    for info in answer.status.information:
        item = _xml.sub(status_el, "information")
        _xml.sub(item, "fieldName", info.name)
        if info.value is not None:
            _xml.sub(item, "fieldValue", info.value)
    if answer.fill is not None:
        answer.fill(_xml.sub(root, answer.wrapper) if answer.wrapper else root)
    return root


def build_fault(
    faultcode: str,
    reason: str,
    diagnostic: str,
    *,
    request: _xml.Element | None = None,
    fault_element: tuple[str, str | None] | None = None,
    now: _dt.datetime,
) -> _xml.Element:
    """A SOAP 1.1 fault envelope (unsigned).

    With the operation known (`fault_element` names its ``<op>Fault``), the
    detail is the contract's CBSSFaultType echoing the request's
    ``informationCustomer``; otherwise a plain fault without CBSS detail.
    """
    env = etree.Element(f"{_ENV}Envelope", nsmap={"soapenv": _soap.SOAP_ENV_NS, "wsse": _WSSE_NS})
    etree.SubElement(env, f"{_ENV}Header")
    body = etree.SubElement(env, f"{_ENV}Body")
    fault = etree.SubElement(body, f"{_ENV}Fault")
    _xml.sub(fault, "faultcode", faultcode)
    _xml.sub(fault, "faultstring", f"{reason}: {diagnostic}"[:256])
    if fault_element is None or fault_element[1] is None:
        return env
    namespace, name = fault_element
    detail = _xml.sub(fault, "detail")
    cbss = etree.SubElement(detail, f"{{{namespace}}}{name}", nsmap={"ns": namespace})
    customer = request.find("informationCustomer") if request is not None else None
    if customer is not None:
        cbss.append(copy.deepcopy(customer))
    info = _xml.sub(cbss, "informationCBSS")
    _xml.sub(info, "ticketCBSS", str(uuid.uuid4()))
    stamp = _soap.timestamp(now)
    _xml.sub(info, "timestampReceive", stamp)
    _xml.sub(info, "timestampReply", stamp)
    item = _xml.sub(cbss, "detail")
    _xml.sub(item, "severity", "FATAL")
    _xml.sub(item, "reasonCode", reason)
    _xml.sub(item, "diagnostic", diagnostic[:256])
    _xml.sub(item, "authorCode", "CBSS")
    return env


class SandboxApp:
    """WSGI callable: ``SandboxApp(population=..., signing=..., client_certificates=[...])``.

    `state` holds the repertory and what mutations created (default: in
    memory); `organisations` the callers it answers; `legal_contexts` maps a
    service name to the legal contexts it accepts (default: the service's own
    legal context, or every known one when the catalogue leaves the choice to
    the caller); `latency_ms` delays every answer; `faults` forces faults on
    the next requests.
    """

    def __init__(
        self,
        *,
        population: Population,
        signing: Credentials,
        client_certificates: Sequence[bytes],
        state: SandboxState | None = None,
        organisations: Iterable[SandboxOrganisation] = DEFAULT_ORGANISATIONS,
        legal_contexts: Mapping[str, Iterable[str]] | None = None,
        max_body_bytes: int = 1024 * 1024,
        clock: Callable[[], _dt.datetime] | None = None,
        clock_skew: _dt.timedelta = _dt.timedelta(minutes=1),
        latency_ms: int = 0,
        faults: FaultSwitch | None = None,
    ) -> None:
        if latency_ms < 0:
            raise ValueError("latency_ms cannot be negative")
        self.population = population
        self.signer = Signer(signing.key_pem, signing.cert_pem)
        self.verifier = Verifier(list(client_certificates), clock_skew=clock_skew)
        self.state = state if state is not None else MemoryState()
        self.organisations = organisations_by_key(organisations)
        self.legal_contexts = {name: frozenset(values)
                               for name, values in (legal_contexts or {}).items()}
        self.max_body_bytes = max_body_bytes
        self.clock = clock or (lambda: _dt.datetime.now(_dt.UTC))
        self.latency = latency_ms / 1000
        self.faults = faults or FaultSwitch()
        self._by_path = {
            s.path.strip("/"): s for s in catalogue.SERVICES
            if s.wire is catalogue.WireStyle.WS_CONSULT
            and s.group is not catalogue.Group.NOTIFICATIONS
        }

    # --- routing -------------------------------------------------------------------

    def served_paths(self) -> list[str]:
        """The paths the sandbox answers: services with a handler, and the SSDN connector."""
        names = {service for service, _op in HANDLERS}
        paths = sorted(path for path, s in self._by_path.items() if s.name in names)
        if SSDN_HANDLERS:
            paths.append(catalogue.SSDN_CONNECTOR_PATH)
        return paths

    def _service_at(self, path: str) -> catalogue.Service | None:
        service = self._by_path.get(path)
        if service is None or not any(name == service.name for name, _op in HANDLERS):
            return None
        return service

    def accepted_legal_contexts(self, service: catalogue.Service) -> frozenset[str]:
        """The legal contexts `service` answers; any other gets MSG00013."""
        override = self.legal_contexts.get(service.name)
        if override is not None:
            return override
        if service.legal_context:
            return frozenset({service.legal_context})
        return frozenset(catalogue.LEGAL_CONTEXTS)

    # --- WSGI -------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            response = self.handle(environ)
        except AbortConnection:
            raise
        except Exception:  # a crash of one request never takes the server down
            log.exception("sandbox: unexpected error")
            response = self._render(self._fault("soapenv:Server", "MSG00003",
                                                "unexpected internal error", signed=False))
        start_response(response.status, [*response.headers, *response.extra,
                                          ("Content-Length", str(len(response.body)))])
        if response.stall <= 0:
            return [response.body]
        return _slowly(response.body, response.stall)

    def handle(self, environ: dict[str, Any]) -> _Response:
        """Answer one request (the WSGI call without its error net)."""
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/").strip("/")
        if method == "GET" and path == "":
            text = "ksz-client sandbox: POST SOAP requests to " + ", ".join(
                "/" + p for p in self.served_paths()
            )
            return _Response("200 OK", [("Content-Type", "text/plain; charset=utf-8")],
                             text.encode())
        connector = path == catalogue.SSDN_CONNECTOR_PATH.strip("/") and bool(SSDN_HANDLERS)
        service = None if connector else self._service_at(path)
        if service is None and not connector:
            return _plain("404 Not Found", "no service at this path")
        if method != "POST":
            return _plain("405 Method Not Allowed", "SOAP requests are POSTed")
        length_text = environ.get("CONTENT_LENGTH") or ""
        if not length_text.isdigit():
            return _plain("411 Length Required", "a Content-Length is required")
        length = int(length_text)
        if length > self.max_body_bytes:
            return _plain("413 Payload Too Large", "request body over the sandbox limit")
        fault: Fault | None = None
        asked = environ.get("HTTP_" + FAULT_HEADER.upper().replace("-", "_"))
        if asked:
            try:
                fault = Fault.parse(asked)
            except ValueError as exc:
                return _plain("400 Bad Request", f"{FAULT_HEADER}: {exc}")
        data = environ["wsgi.input"].read(length)
        fault = fault or self.faults.take()
        soap_action = environ.get("HTTP_SOAPACTION")
        if service is None:
            reply = self.connector(data, soap_action=soap_action)
        else:
            reply = self.consult(service, data, soap_action=soap_action)
        if fault is None and reply.subject is not None:
            fault = self.population.fault_of(reply.subject)
        if self.latency:
            time.sleep(self.latency)
        return self._render(reply, fault)

    # --- WS-Consult ---------------------------------------------------------------

    def consult(self, service: catalogue.Service, data: bytes, *,
                soap_action: str | None) -> _Reply:
        """Answer a WS-Consult request for `service` (not yet signed)."""
        received = self.clock()
        try:
            root = _xml.parse(data, max_bytes=self.max_body_bytes, what="request")
            _soap.split(root)
        except ResponseError as exc:
            return self._fault("soapenv:Client", "MSG00008", str(exc), signed=False)
        try:
            verified = self.verifier.verify(root, now=received)
        except SignatureError as exc:
            # What the KSZ's gateway says for a security failure: a WS-Security fault code.
            return self._fault("wsse:InvalidSecurity", "SECURITY", f"security error: {exc}",
                               signed=False)
        payload = next((c for c in verified.body if isinstance(c.tag, str)), None)
        if payload is None:
            return self._fault("soapenv:Client", "MSG00008", "empty SOAP Body", signed=False)
        qname = etree.QName(payload)
        operation = next((op for op in service.operations
                          if op.request_element == qname.localname
                          and (service.name, op.name) in HANDLERS), None)
        if qname.namespace != service.namespace or operation is None:
            return self._fault("soapenv:Client", "MSG00008", "unknown operation for this service",
                               signed=True)
        fault_element = (service.namespace, operation.fault_element)
        subject = _subject(payload, operation.subject)
        index = self.population.index_of(subject) if subject else None

        def refuse(faultcode: str, reason: str, diagnostic: str) -> _Reply:
            reply = self._fault(faultcode, reason, diagnostic, signed=True, request=payload,
                                fault_element=fault_element)
            reply.subject = index
            return reply

        if soap_action is not None and soap_action.strip('"') not in ("", operation.soap_action):
            return refuse("soapenv:Client", "MSG00008", "SOAPAction does not match the body")
        line = _contracts.violation(service.name, payload, optional=True)
        if line is not None:
            where = f" (line {line})" if line else ""
            return refuse("soapenv:Client", "MSG00008",
                          f"the request does not conform to the {service.name} contract{where}")
        ticket = str(uuid.uuid4())
        caller = self.organisations.get(_organisation(payload))
        legal_context = _xml.opt_text(payload, "legalContext") or ""
        answer: Answer | None = None
        # Without the common blocks (TestConnectionService) the request names no
        # organisation or legal context: the verified signature is all there is.
        if service.common_blocks and (
                caller is None or (service.carries_legal_context
                                   and legal_context not in self.accepted_legal_contexts(service))):
            # An unknown organisation and a legal context the service refuses look alike
            # at the KSZ: not allowed for this legal context and these credentials.
            answer = Answer(make_status("NO_RESULT", "MSG00013"))
        elif (service.needs_integration_for(operation) and subject is not None
              and caller is not None
              and not self.state.is_integrated(caller.cbe_number, subject, received.date())):
            answer = Answer(make_status("NO_RESULT", "MSG00012"))
        if answer is None:
            context = HandlerContext(
                population=self.population, legal_context=legal_context,
                organisation=caller.cbe_number if caller is not None else "", now=received,
                state=self.state, ticket=ticket, caller=caller, certificate=verified.certificate,
            )
            handler = HANDLERS[(service.name, operation.name)]
            try:
                answer = handler(context, payload)
            except ValidationError:
                # Data the schema lets through but the service refuses: NO_RESULT MSG00008.
                answer = Answer(make_status("NO_RESULT", "MSG00008"))
            except Exception:
                log.exception("sandbox: handler %s.%s failed", service.name, operation.name)
                return refuse("soapenv:Server", "MSG00003", "unexpected internal error")
        response = self._response(service, operation, payload, answer, received, ticket=ticket)
        return _Reply("200 OK", _soap.envelope(response), request=payload,
                      fault_element=fault_element, subject=index)

    def _response(
        self,
        service: catalogue.Service,
        operation: catalogue.Operation,
        request: _xml.Element,
        answer: Answer,
        received: _dt.datetime,
        *,
        ticket: str | None = None,
    ) -> _xml.Element:
        return build_response(service, operation, request, answer,
                              ticket=ticket or str(uuid.uuid4()), received=received,
                              replied=self.clock())

    # --- SSDN ----------------------------------------------------------------------

    def connector(self, data: bytes, *, soap_action: str | None) -> _Reply:
        """Answer a WebServiceConnector ``sendXML`` request carrying an SSDNRequest."""
        received = self.clock()
        try:
            root = _xml.parse(data, max_bytes=self.max_body_bytes, what="request")
            _soap.split(root)
        except ResponseError as exc:
            return self._fault("soapenv:Client", "MSG00008", str(exc), signed=False)
        try:
            verified = self.verifier.verify(root, now=received)
        except SignatureError as exc:
            return self._fault("wsse:InvalidSecurity", "SECURITY", f"security error: {exc}",
                               signed=False)
        payload = next((c for c in verified.body if isinstance(c.tag, str)), None)
        if payload is None or payload.tag != f"{{{_ssdn.CONNECTOR_NS}}}xmlString":
            return self._fault("soapenv:Client", "MSG00008",
                               "unknown operation: the connector takes sendXML/xmlString",
                               signed=True)
        if soap_action is not None and soap_action.strip('"') not in (
                "", catalogue.SSDN_SOAP_ACTION):
            return self._fault("soapenv:Client", "MSG00008", "SOAPAction does not match the body",
                               signed=True)
        ticket = str(uuid.uuid4())
        try:
            document = _ssdn.unwrap(payload, max_bytes=self.max_body_bytes)
        except ResponseError:
            return self._ssdn_reply(None, ssdn_error(
                "30000001", "the xmlString does not hold a well-formed SSDN document"),
                ticket=ticket, received=received)
        answer, index, service = self._ssdn_answer(document, ticket, received)
        reply = self._ssdn_reply(document, answer, ticket=ticket, received=received,
                                 service=service)
        reply.subject = index
        return reply

    def _ssdn_answer(
        self, document: _xml.Element, ticket: str, received: _dt.datetime,
    ) -> tuple[SsdnAnswer, int | None, catalogue.Service | None]:
        """The answer, the subject's index, and the service when the request reached it."""
        if document.tag != f"{_S}SSDNRequest":
            return ssdn_error("30000001", "the document is not an SSDNRequest"), None, None
        user = document.find(f"{_S}RequestContext/{_S}AuthorizedUser")
        message = document.find(f"{_S}RequestContext/{_S}Message")
        request = document.find(f"{_S}ServiceRequest")
        for element, name in ((user, "AuthorizedUser"), (message, "Message"),
                              (request, "ServiceRequest")):
            if element is None:
                return ssdn_error("31000007", f"mandatory argument missing: {name}"), None, None
        assert user is not None and request is not None
        for name in ("UserID", "Email", "MatrixID"):
            if _xml.opt_text(user, f"{_S}{name}") is None:
                return ssdn_error("31000007", f"mandatory argument missing: {name}"), None, None
        caller = self.organisations.get(_xml.opt_text(user, f"{_S}OrgUnit") or "")
        if caller is None or _xml.opt_text(user, f"{_S}MatrixID") != str(caller.sector):
            return ssdn_error("MSG00013", "organisation not allowed for this service"), None, None
        service_id = _xml.opt_text(request, f"{_S}ServiceId")
        version = _xml.opt_text(request, f"{_S}Version")
        if service_id is None or version is None:
            return (ssdn_error("31000007", "mandatory argument missing: ServiceId/Version"),
                    None, None)
        try:
            service = catalogue.by_ssdn_service_id(service_id)
        except KeyError:
            return ssdn_error("30000001", "unknown ServiceId"), None, None
        handler = SSDN_HANDLERS.get(service_id)
        if handler is None:
            return ssdn_error("30000001", "the sandbox does not serve this ServiceId"), None, None
        if version != service.version:
            return (ssdn_error("30000001", f"{service_id} exists in version {service.version}"),
                    None, None)
        payload = next((c for c in request if isinstance(c.tag, str)
                        and c.tag not in (f"{_S}ServiceId", f"{_S}Version")), None)
        operations = [] if payload is None else [
            op for op in service.operations
            if payload.tag == f"{{{service.namespace}}}{op.request_element}"
        ]
        if payload is None or not operations:
            return (ssdn_error("31000007", f"mandatory argument missing: {service_id} payload"),
                    None, service)
        subject = _subject(payload, operations[0].subject)
        index = self.population.index_of(subject) if subject else None
        if (subject is not None
                and all(service.needs_integration_for(op) for op in operations)
                and not self.state.is_integrated(caller.cbe_number, subject, received.date())):
            return ssdn_error("MSG00012", "SSIN not sufficiently integrated"), index, service
        context = HandlerContext(
            population=self.population, legal_context="", organisation=caller.cbe_number,
            now=received, state=self.state, ticket=ticket, caller=caller,
        )
        try:
            return handler(context, payload), index, service
        except Exception:
            log.exception("sandbox: SSDN handler %s failed", service_id)
            return ssdn_error("MSG00003", "unexpected internal error"), index, service

    def _ssdn_reply(self, document: _xml.Element | None, answer: SsdnAnswer, *, ticket: str,
                    received: _dt.datetime, service: catalogue.Service | None = None) -> _Reply:
        """The SSDNReply in a signed-to-be envelope; a ServiceReply once the service was reached."""
        reply = etree.Element(f"{_S}SSDNReply",
                              nsmap={"ssdn": _ssdn.SSDN_NS, "common": _ssdn.SSDN_COMMON_NS})
        context = etree.SubElement(reply, f"{_S}ReplyContext")
        # The service's own details go in its ServiceReply; the context mirrors its verdict.
        _summary(context, SsdnAnswer(answer.ok, answer.return_code)
                 if service is not None else answer)
        asked_context = document.find(f"{_S}RequestContext") if document is not None else None
        user = asked_context.find(f"{_S}AuthorizedUser") if asked_context is not None else None
        if user is not None:
            context.append(copy.deepcopy(user))
        asked = asked_context.find(f"{_S}Message") if asked_context is not None else None
        message = etree.SubElement(context, f"{_S}Message")
        reference = _xml.opt_text(asked, f"{_S}Reference")
        if reference is not None:
            etree.SubElement(message, f"{_S}Reference").text = reference
        etree.SubElement(message, f"{_S}Ticket").text = ticket
        time_request = _xml.opt_text(asked, f"{_S}TimeRequest")
        if time_request is not None:
            etree.SubElement(message, f"{_S}TimeRequest").text = time_request
        etree.SubElement(message, f"{_S}TimeReceive").text = _ssdn.time_request(received)
        etree.SubElement(message, f"{_S}TimeResponse").text = _ssdn.time_request(self.clock())
        if service is not None:
            service_reply = etree.SubElement(reply, f"{_S}ServiceReply")
            _summary(service_reply, answer)
            etree.SubElement(service_reply, f"{_S}ServiceId").text = service.ssdn_service_id
            etree.SubElement(service_reply, f"{_S}Version").text = service.version
            if answer.payload is not None:
                service_reply.append(answer.payload)
        document_bytes = etree.tostring(reply, xml_declaration=True, encoding="UTF-8")
        envelope = _soap.envelope(_ssdn.wrap(document_bytes))
        return _Reply("200 OK", envelope, fault_element=(_ssdn.CONNECTOR_NS, None))

    # --- faults and rendering ---------------------------------------------------------

    def _fault(
        self,
        faultcode: str,
        reason: str,
        diagnostic: str,
        *,
        signed: bool,
        request: _xml.Element | None = None,
        fault_element: tuple[str, str | None] | None = None,
    ) -> _Reply:
        envelope = build_fault(faultcode, reason, diagnostic, request=request,
                               fault_element=fault_element, now=self.clock())
        return _Reply("500 Internal Server Error", envelope, signed=signed, request=request,
                      fault_element=fault_element)

    def _render(self, reply: _Reply, fault: Fault | None = None) -> _Response:
        """Sign the reply and spoil it as `fault` asks."""
        kind = fault.kind if fault is not None else None
        if fault is not None and kind is FaultKind.LATENCY:
            time.sleep(fault.delay)
        if kind is FaultKind.RESET:
            raise AbortConnection
        if kind is FaultKind.HTTP500:
            return _plain("500 Internal Server Error", "sandbox fault: http500")
        if kind is FaultKind.HTTP503:
            response = _plain("503 Service Unavailable", "sandbox fault: http503")
            response.extra.append(("Retry-After", "1"))
            return response
        if kind is FaultKind.FAULT:
            reply = self._fault("soapenv:Server", "MSG00003", "unexpected internal error",
                                signed=True, request=reply.request,
                                fault_element=reply.fault_element)
        envelope = reply.envelope
        assert envelope is not None
        if reply.signed and kind is not FaultKind.UNSIGNED:
            now = self.clock()
            self.signer.sign(envelope, now=now - _EXPIRED_BY
                             if kind is FaultKind.EXPIRED_TIMESTAMP else now)
        if kind is FaultKind.BAD_SIGNATURE:
            _alter_body(envelope)
        data = _xml.to_bytes(envelope)
        if kind is FaultKind.MALFORMED_XML:
            data = data[:data.rindex(b"</")] + b"</broken>"
        elif kind is FaultKind.TRUNCATED:
            data = data[: len(data) * 2 // 3]
        stall = fault.delay if fault is not None and kind is FaultKind.SLOW_BODY else 0.0
        return _Response(reply.status, [("Content-Type", _XML_TYPE)], data, stall)


def _summary(parent: _xml.Element, answer: SsdnAnswer) -> None:
    summary = etree.SubElement(parent, f"{_C}ResultSummary", ok=answer.ok)
    etree.SubElement(summary, f"{_C}ReturnCode").text = str(answer.return_code)
    for detail in answer.details:
        _detail(summary, detail)


def _detail(parent: _xml.Element, detail: SsdnDetail) -> None:
    item = etree.SubElement(parent, f"{_C}Detail")
    etree.SubElement(item, f"{_C}Severity").text = detail.severity
    etree.SubElement(item, f"{_C}ReasonCode").text = detail.reason_code
    etree.SubElement(item, f"{_C}Diagnostic").text = detail.diagnostic
    etree.SubElement(item, f"{_C}AuthorCodeList").text = "CBSS"
    for name, value in detail.information[:5]:
        info = etree.SubElement(item, f"{_C}Information")
        etree.SubElement(info, f"{_C}FieldName").text = name
        etree.SubElement(info, f"{_C}FieldValue").text = value


def _alter_body(envelope: _xml.Element) -> None:
    # A trailing space in the first text of the Body: still readable, no longer what was signed.
    body = envelope.find(f"{_ENV}Body")
    assert body is not None
    for element in body.iter():
        if isinstance(element.tag, str) and element.text and element.text.strip():
            element.text += " "
            return


def _slowly(body: bytes, stall: float) -> Iterator[bytes]:
    half = len(body) // 2
    yield body[:half]
    time.sleep(stall)
    yield body[half:]


def _subject(payload: _xml.Element, name: str | None) -> str | None:
    """The text of the first element named `name` (any namespace) in the payload."""
    if name is None:
        return None
    for element in payload.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname == name:
            text = (element.text or "").strip()
            if text:
                return text
    return None


def _organisation(payload: _xml.Element) -> str:
    ident = payload.find("informationCustomer/customerIdentification")
    cbe = _xml.opt_text(ident, "cbeNumber")
    if cbe:
        return cbe
    return f"{_xml.opt_text(ident, 'sector')}/{_xml.opt_text(ident, 'institution')}"


def _plain(status: str, text: str) -> _Response:
    return _Response(status, [("Content-Type", "text/plain; charset=utf-8")], text.encode())
