"""Helpers for the sandbox tests: raw signed requests, WS-Consult and SSDN, over real HTTP."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests
from lxml import etree

from ksz_client import _soap, _ssdn, _xml, catalogue
from ksz_client._config import Organisation
from ksz_client._pki import Credentials
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, Sandbox
from ksz_client.wsse import Signer, Verifier

ENV = "{http://schemas.xmlsoap.org/soap/envelope/}"
MA = catalogue.get("OCMWCPASManageAccess")
MA_NS = MA.namespace
FAMILY = catalogue.get("FamilyComposition")
FAMILY_OP = FAMILY.operation("consultFamilyComposition")


@dataclass
class Raw:
    """An answer as it came over the wire, and its parsed envelope."""

    response: requests.Response
    root: _xml.Element

    @property
    def payload(self) -> _xml.Element:
        body = self.root.find(f"{ENV}Body")
        assert body is not None
        return next(c for c in body if isinstance(c.tag, str))


def post(sandbox: Sandbox, path: str, data: bytes, soap_action: str,
         headers: dict[str, str] | None = None) -> requests.Response:
    return requests.post(
        f"{sandbox.url}/{path.strip('/')}", data=data, timeout=10,
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{soap_action}"',
                 **(headers or {})},
    )


def signed(payload: _xml.Element, credentials: Credentials) -> bytes:
    envelope = _soap.envelope(payload)
    Signer(credentials.key_pem, credentials.cert_pem).sign(envelope)
    return _xml.to_bytes(envelope)


def consult_payload(service: catalogue.Service, operation: catalogue.Operation, ssin: str, *,
                    legal_context: str | None = None,
                    organisation: Organisation | None = None) -> _xml.Element:
    payload = _soap.new_request(
        operation.request_element, service.namespace, ticket=str(uuid.uuid4()),
        sent_at=dt.datetime.now(dt.UTC),
        organisation=organisation or Organisation(cbe_number=SANDBOX_CBE_NUMBER),
        legal_context=legal_context or service.legal_context or "PCSA:SOCIAL_INQUIRY",
    )
    _xml.sub(_xml.sub(payload, "criteria"), "ssin", ssin)
    return payload


def consult(sandbox: Sandbox, service: catalogue.Service, operation: catalogue.Operation,
            payload: _xml.Element, headers: dict[str, str] | None = None) -> Raw:
    response = post(sandbox, service.path, signed(payload, sandbox.client),
                    operation.soap_action, headers)
    root = _xml.parse(response.content)
    if Verifier.has_signature(root):
        Verifier([sandbox.signing.cert_pem]).verify(root)
    return Raw(response, root)


def status_of(raw: Raw) -> tuple[str, str]:
    return raw.payload.findtext("status/value") or "", raw.payload.findtext("status/code") or ""


def manage_access(ssin: str, action: str, *, purpose: int | None = 2,
                  start: dt.date | None = None, end: dt.date | None = None,
                  last_name: str | None = None, birth_date: str | None = None,
                  query: str | None = None, sector: int | None = None) -> _xml.Element:
    """A ManageAccessRequest payload (element order of the official XSD)."""
    m, c = f"{{{MA_NS}}}", f"{{{_ssdn.SSDN_COMMON_NS}}}"
    root = etree.Element(f"{m}ManageAccessRequest", nsmap={"ma": MA_NS, "common": c[1:-1]})
    etree.SubElement(root, f"{m}SSIN").text = ssin
    if purpose is not None:
        etree.SubElement(root, f"{m}Purpose").text = str(purpose)
    period = etree.SubElement(root, f"{m}Period")
    etree.SubElement(period, f"{c}StartDate").text = (start or dt.date.today()).isoformat()
    if end is not None:
        etree.SubElement(period, f"{c}EndDate").text = end.isoformat()
    etree.SubElement(root, f"{m}Action").text = action
    if sector is not None:
        etree.SubElement(root, f"{m}Sector").text = str(sector)
    if query is not None:
        etree.SubElement(root, f"{m}QueryRegister").text = query
    proof = etree.SubElement(root, f"{m}ProofOfAuthentication")
    if last_name is not None:
        data = etree.SubElement(proof, f"{m}PersonData")
        etree.SubElement(data, f"{m}LastName").text = last_name
        etree.SubElement(data, f"{m}BirthDate").text = birth_date or "0000-00-00"
    else:
        etree.SubElement(proof, f"{m}SISCardNumber").text = "1234567890"
    return root


ORG = Organisation(cbe_number=SANDBOX_CBE_NUMBER, user_id="00000000097",
                   email="it@ocmw.example")


def ssdn_document(payload: _xml.Element, *, organisation: Organisation = ORG,
                  service_id: str = "OCMWCPASManageAccess", version: str = "20050930") -> bytes:
    return _ssdn.build_request(organisation=organisation, reference=str(uuid.uuid4()),
                               sent_at=dt.datetime.now(dt.UTC), service_id=service_id,
                               version=version, payload=payload)


@dataclass
class SsdnRaw:
    raw: Raw
    document: _xml.Element
    reply: _ssdn.SsdnReply

    @property
    def service_reply(self) -> _ssdn.ServiceReply:
        (reply,) = self.reply.service_replies
        return reply

    @property
    def payload(self) -> _xml.Element:
        payload = self.service_reply.payload
        assert payload is not None
        return payload


def send_ssdn(sandbox: Sandbox, document: bytes, headers: dict[str, str] | None = None,
              credentials: Credentials | None = None) -> SsdnRaw:
    response = post(sandbox, catalogue.SSDN_CONNECTOR_PATH,
                    signed(_ssdn.wrap(document), credentials or sandbox.client),
                    catalogue.SSDN_SOAP_ACTION, headers)
    assert response.status_code == 200, response.text
    root = _xml.parse(response.content)
    verified = Verifier([sandbox.signing.cert_pem]).verify(root)
    xml_string = next(c for c in verified.body if isinstance(c.tag, str))
    inner = _ssdn.unwrap(xml_string)
    return SsdnRaw(Raw(response, root), inner, _ssdn.parse_reply(inner))


def ask(sandbox: Sandbox, payload: _xml.Element, **kwargs: object) -> SsdnRaw:
    return send_ssdn(sandbox, ssdn_document(payload, **kwargs))  # type: ignore[arg-type]


def official_schema(contracts: Path, *relative: str) -> etree.XMLSchema:
    """The official schema file(s), compiled together (for strict xs:any wildcards)."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    if len(relative) == 1:
        return etree.XMLSchema(etree.parse(str(contracts / relative[0]), parser))
    imports = ""
    for item in relative:
        path = contracts / item
        namespace = etree.parse(str(path), parser).getroot().get("targetNamespace")
        location = path.resolve().as_uri()
        imports += f'<xs:import namespace="{namespace}" schemaLocation="{location}"/>'

    wrapper = ('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
               f'targetNamespace="urn:ksz-client:tests:combined">{imports}</xs:schema>')
    return etree.XMLSchema(etree.fromstring(wrapper, parser))


Check = Callable[[_xml.Element], None]
