"""The sandbox as a WSGI application: a local KSZ that signs, verifies and answers.

Each request is routed by URL path to a catalogue service and by payload
element to its operation; its WS-Security signature is verified against the
client certificates the sandbox knows; its body is validated against the
service's contract; a handler answers from the synthetic population; the
answer is signed with the sandbox's own key. Whatever goes wrong becomes a
well-formed SOAP fault or HTTP error: a request never takes the server down.
"""

from __future__ import annotations

import copy
import datetime as _dt
import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from lxml import etree

from ksz_client import _contracts, _soap, _xml, catalogue
from ksz_client._exceptions import ResponseError, SignatureError, ValidationError
from ksz_client._pki import Credentials
from ksz_client.sandbox.handlers import HANDLERS, Answer, HandlerContext
from ksz_client.sandbox.handlers import status as make_status
from ksz_client.sandbox.population import Population
from ksz_client.wsse import Signer, Verifier

__all__ = ["SandboxApp"]

log = logging.getLogger("ksz_client.sandbox")

StartResponse = Callable[..., Any]
_XML_TYPE: Final = "text/xml; charset=utf-8"
_ENV = f"{{{_soap.SOAP_ENV_NS}}}"


@dataclass(frozen=True)
class _Route:
    service: catalogue.Service
    operations: dict[str, catalogue.Operation]  # by request element name


class SandboxApp:
    """WSGI callable: ``SandboxApp(population=..., signing=..., client_certificates=[...])``."""

    def __init__(
        self,
        *,
        population: Population,
        signing: Credentials,
        client_certificates: Sequence[bytes],
        max_body_bytes: int = 1024 * 1024,
        clock: Callable[[], _dt.datetime] | None = None,
        clock_skew: _dt.timedelta = _dt.timedelta(minutes=1),
    ) -> None:
        self.population = population
        self.signer = Signer(signing.key_pem, signing.cert_pem)
        self.verifier = Verifier(list(client_certificates), clock_skew=clock_skew)
        self.max_body_bytes = max_body_bytes
        self.clock = clock or (lambda: _dt.datetime.now(_dt.UTC))
        self.routes: dict[str, _Route] = {}
        for service in catalogue.SERVICES:
            ops = {
                op.request_element: op
                for op in service.operations
                if (service.name, op.name) in HANDLERS
            }
            if ops:
                self.routes[service.path.strip("/")] = _Route(service, ops)

    # --- WSGI -------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            status, headers, body = self.handle(environ)
        except Exception:  # a crash of one request never takes the server down
            log.exception("sandbox: unexpected error")
            status, headers, body = self._fault(
                "soapenv:Server", "MSG00003", "unexpected internal error", signed=False
            )
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]

    def handle(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/").strip("/")
        if method == "GET" and path == "":
            text = "ksz-client sandbox: POST SOAP requests to " + ", ".join(
                "/" + p for p in sorted(self.routes)
            )
            return "200 OK", [("Content-Type", "text/plain; charset=utf-8")], text.encode()
        route = self.routes.get(path)
        if route is None:
            return _plain("404 Not Found", "no service at this path")
        if method != "POST":
            return _plain("405 Method Not Allowed", "SOAP requests are POSTed")
        length_text = environ.get("CONTENT_LENGTH") or ""
        if not length_text.isdigit():
            return _plain("411 Length Required", "a Content-Length is required")
        length = int(length_text)
        if length > self.max_body_bytes:
            return _plain("413 Payload Too Large", "request body over the sandbox limit")
        data = environ["wsgi.input"].read(length)
        return self.answer(route, data, soap_action=environ.get("HTTP_SOAPACTION"))

    # --- SOAP -------------------------------------------------------------------

    def answer(
        self, route: _Route, data: bytes, *, soap_action: str | None
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        received = self.clock()
        try:
            root = _xml.parse(data, max_bytes=self.max_body_bytes, what="request")
            message = _soap.split(root)
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
        operation = route.operations.get(qname.localname)
        if qname.namespace != route.service.namespace or operation is None:
            return self._fault("soapenv:Client", "MSG00008", "unknown operation for this service",
                               signed=True)
        if soap_action is not None and soap_action.strip('"') not in ("", operation.soap_action):
            return self._fault("soapenv:Client", "MSG00008", "SOAPAction does not match the body",
                               signed=True, request=payload,
                               fault_element=(route.service.namespace, operation.fault_element))
        del message
        schema = _contracts.schema(route.service.name)
        if schema is not None and not schema.validate(payload):
            last = schema.error_log.last_error  # type: ignore[attr-defined]  # missing in stubs
            where = f" (line {last.line})" if last is not None else ""
            return self._fault(
                "soapenv:Client", "MSG00008",
                f"the request does not conform to the {route.service.name} contract{where}",
                signed=True, request=payload,
                fault_element=(route.service.namespace, operation.fault_element),
            )
        handler = HANDLERS[(route.service.name, operation.name)]
        context = HandlerContext(
            population=self.population,
            legal_context=_xml.opt_text(payload, "legalContext") or "",
            organisation=_organisation(payload),
            now=received,
        )
        try:
            answer = handler(context, payload)
        except ValidationError:
            # Data the schema lets through but the service refuses: NO_RESULT MSG00008.
            answer = Answer(make_status("NO_RESULT", "MSG00008"))
        except Exception:
            log.exception("sandbox: handler %s.%s failed", route.service.name, operation.name)
            return self._fault(
                "soapenv:Server", "MSG00003", "unexpected internal error", signed=True,
                request=payload, fault_element=(route.service.namespace, operation.fault_element),
            )
        response = self._response(route.service, operation, payload, answer, received)
        envelope = _soap.envelope(response)
        self.signer.sign(envelope, now=self.clock())
        return "200 OK", [("Content-Type", _XML_TYPE)], _xml.to_bytes(envelope)

    def _response(
        self,
        service: catalogue.Service,
        operation: catalogue.Operation,
        request: _xml.Element,
        answer: Answer,
        received: _dt.datetime,
    ) -> _xml.Element:
        root = etree.Element(
            f"{{{service.namespace}}}{operation.response_element}",
            nsmap={"ns": service.namespace},
        )
        root.append(copy.deepcopy(_xml.req(request, "informationCustomer")))
        cbss = _xml.sub(root, "informationCBSS")
        _xml.sub(cbss, "ticketCBSS", str(uuid.uuid4()))
        _xml.sub(cbss, "timestampReceive", _soap.timestamp(received))
        _xml.sub(cbss, "timestampReply", _soap.timestamp(self.clock()))
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
            answer.fill(_xml.sub(root, "result"))
        return root

    def _fault(
        self,
        faultcode: str,
        reason: str,
        diagnostic: str,
        *,
        signed: bool,
        request: _xml.Element | None = None,
        fault_element: tuple[str, str | None] | None = None,
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        """A SOAP 1.1 fault; with the operation known, its detail is the contract's
        ``<op>Fault`` (CBSSFaultType), else a plain fault without CBSS detail."""
        env = etree.Element(
            f"{_ENV}Envelope",
            nsmap={
                "soapenv": _soap.SOAP_ENV_NS,
                "wsse": "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
            },
        )
        etree.SubElement(env, f"{_ENV}Header")
        body = etree.SubElement(env, f"{_ENV}Body")
        fault = etree.SubElement(body, f"{_ENV}Fault")
        _xml.sub(fault, "faultcode", faultcode)
        _xml.sub(fault, "faultstring", f"{reason}: {diagnostic}"[:256])
        if fault_element is None or fault_element[1] is None:
            if signed:
                self.signer.sign(env, now=self.clock())
            return "500 Internal Server Error", [("Content-Type", _XML_TYPE)], _xml.to_bytes(env)
        namespace, name = fault_element
        detail = _xml.sub(fault, "detail")
        cbss = etree.SubElement(detail, f"{{{namespace}}}{name}", nsmap={"ns": namespace})
        customer = request.find("informationCustomer") if request is not None else None
        if customer is not None:
            cbss.append(copy.deepcopy(customer))
        info = _xml.sub(cbss, "informationCBSS")
        _xml.sub(info, "ticketCBSS", str(uuid.uuid4()))
        now = _soap.timestamp(self.clock())
        _xml.sub(info, "timestampReceive", now)
        _xml.sub(info, "timestampReply", now)
        item = _xml.sub(cbss, "detail")
        _xml.sub(item, "severity", "FATAL")
        _xml.sub(item, "reasonCode", reason)
        _xml.sub(item, "diagnostic", diagnostic[:256])
        _xml.sub(item, "authorCode", "CBSS")
        if signed:
            self.signer.sign(env, now=self.clock())
        return "500 Internal Server Error", [("Content-Type", _XML_TYPE)], _xml.to_bytes(env)


def _organisation(payload: _xml.Element) -> str:
    ident = payload.find("informationCustomer/customerIdentification")
    cbe = _xml.opt_text(ident, "cbeNumber")
    if cbe:
        return cbe
    return f"{_xml.opt_text(ident, 'sector')}/{_xml.opt_text(ident, 'institution')}"


def _plain(status: str, text: str) -> tuple[str, list[tuple[str, str]], bytes]:
    return status, [("Content-Type", "text/plain; charset=utf-8")], text.encode()
