"""Interoperability of ksz_client.wsse with an independent XML-DSig stack (signxml)."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from cryptography.hazmat.primitives import serialization
from lxml import etree
from signxml import SignatureConfiguration, XMLSigner, XMLVerifier, methods
from signxml.exceptions import InvalidSignature as SignxmlInvalidSignature

from ksz_client._exceptions import InvalidSignature, UntrustedCertificate
from ksz_client._pki import Credentials, generate_self_signed
from ksz_client.wsse import DS_NS, SOAP_ENV_NS, WSSE_NS, WSU_NS, Signer, Verifier

NS = {"soap": SOAP_ENV_NS, "wsse": WSSE_NS, "wsu": WSU_NS, "ds": DS_NS}
X509V3 = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
WSU_ID = f"{{{WSU_NS}}}Id"
PAYLOAD = "interop payload"


@pytest.fixture(scope="module")
def creds() -> Credentials:
    return generate_self_signed("interop.example")


def on_the_wire(envelope: etree._Element) -> bytes:
    return etree.tostring(envelope)


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def make_envelope() -> etree._Element:
    return etree.fromstring(
        f"<soapenv:Envelope xmlns:soapenv='{SOAP_ENV_NS}'><soapenv:Body>"
        f"<x:req xmlns:x='urn:test'><v>{PAYLOAD}</v></x:req></soapenv:Body></soapenv:Envelope>"
    )


# --- ours -> signxml ------------------------------------------------------------------------


def test_signxml_verifies_what_our_signer_produced(creds: Credentials) -> None:
    envelope = make_envelope()
    Signer(creds.key_pem, creds.cert_pem).sign(envelope)
    data = on_the_wire(envelope)

    results = XMLVerifier().verify(
        data,
        x509_cert=creds.cert_pem.decode(),
        expect_config=SignatureConfiguration(expect_references=3),
    )
    assert isinstance(results, list)
    signed_tags = [result.signed_xml.tag for result in results]
    assert signed_tags == [
        f"{{{SOAP_ENV_NS}}}Body",
        f"{{{WSU_NS}}}Timestamp",
        f"{{{WSSE_NS}}}BinarySecurityToken",
    ]
    assert results[0].signed_xml.findtext("{urn:test}req/v") == PAYLOAD


def test_signxml_rejects_our_signature_after_tampering(creds: Credentials) -> None:
    # The interop check above can fail: signxml does look at what we produced.
    envelope = make_envelope()
    Signer(creds.key_pem, creds.cert_pem).sign(envelope)
    data = on_the_wire(envelope).replace(PAYLOAD.encode(), b"tampered payload")
    with pytest.raises(SignxmlInvalidSignature):
        XMLVerifier().verify(
            data,
            x509_cert=creds.cert_pem.decode(),
            expect_config=SignatureConfiguration(expect_references=3),
        )


# --- signxml -> ours ----------------------------------------------------------------------------


def signxml_signed(creds: Credentials, *, created: dt.datetime) -> etree._Element:
    """A WS-Security envelope whose ds:Signature is made by signxml."""
    expires = created + dt.timedelta(minutes=5)
    cert_der = creds.certificate.public_bytes(serialization.Encoding.DER)
    envelope = etree.fromstring(
        f"""<soapenv:Envelope xmlns:soapenv="{SOAP_ENV_NS}" xmlns:wsu="{WSU_NS}">
  <soapenv:Header>
    <wsse:Security xmlns:wsse="{WSSE_NS}" soapenv:mustUnderstand="1">
      <wsu:Timestamp wsu:Id="TS-1">
        <wsu:Created>{created:%Y-%m-%dT%H:%M:%S}Z</wsu:Created>
        <wsu:Expires>{expires:%Y-%m-%dT%H:%M:%S}Z</wsu:Expires>
      </wsu:Timestamp>
      <wsse:BinarySecurityToken wsu:Id="X509-1" ValueType="{X509V3}"
        >{base64.b64encode(cert_der).decode()}</wsse:BinarySecurityToken>
    </wsse:Security>
  </soapenv:Header>
  <soapenv:Body wsu:Id="Body-1"><x:req xmlns:x="urn:test"><v>{PAYLOAD}</v></x:req></soapenv:Body>
</soapenv:Envelope>"""
    )
    key_info = etree.Element(f"{{{DS_NS}}}KeyInfo", nsmap={"ds": DS_NS})
    token_ref = etree.SubElement(key_info, f"{{{WSSE_NS}}}SecurityTokenReference")
    etree.SubElement(token_ref, f"{{{WSSE_NS}}}Reference", URI="#X509-1", ValueType=X509V3)

    signer = XMLSigner(
        method=methods.detached,
        signature_algorithm="rsa-sha256",
        digest_algorithm="sha256",
        c14n_algorithm=EXC_C14N,
    )
    signature = signer.sign(
        envelope,
        key=creds.key_pem,
        reference_uri=["#Body-1", "#TS-1", "#X509-1"],
        key_info=key_info,
    )
    security = envelope.find("soap:Header/wsse:Security", NS)
    assert security is not None
    security.append(signature)
    return parse(on_the_wire(envelope))


def test_our_verifier_accepts_a_signxml_signature(creds: Credentials) -> None:
    created = dt.datetime(2025, 6, 2, 8, 0, tzinfo=dt.UTC)
    envelope = signxml_signed(creds, created=created)
    # What signxml produced is the profile we expect, checked on the wire.
    signed_info = envelope.find(".//ds:SignedInfo", NS)
    assert signed_info is not None
    assert [r.get("URI") for r in signed_info.findall("ds:Reference", NS)] == [
        "#Body-1",
        "#TS-1",
        "#X509-1",
    ]

    result = Verifier([creds.cert_pem], require_signed_token=True).verify(
        envelope, now=created + dt.timedelta(seconds=5)
    )
    assert result.body is envelope.find("soap:Body", NS)
    assert result.body.findtext("{urn:test}req/v") == PAYLOAD
    assert result.created == created
    assert result.certificate == creds.certificate


def test_our_verifier_rejects_a_tampered_signxml_signature(creds: Credentials) -> None:
    created = dt.datetime(2025, 6, 2, 8, 0, tzinfo=dt.UTC)
    envelope = signxml_signed(creds, created=created)
    value = envelope.find("soap:Body/{urn:test}req/v", NS)
    assert value is not None
    value.text = "tampered"
    with pytest.raises(InvalidSignature):
        Verifier([creds.cert_pem]).verify(envelope, now=created)


def test_our_verifier_pins_against_signxml_signatures(creds: Credentials) -> None:
    created = dt.datetime(2025, 6, 2, 8, 0, tzinfo=dt.UTC)
    envelope = signxml_signed(creds, created=created)
    other = generate_self_signed("someone-else.example")
    with pytest.raises(UntrustedCertificate):
        Verifier([other.cert_pem]).verify(envelope, now=created)
