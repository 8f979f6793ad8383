"""Attack corpus for ksz_client.wsse.Verifier: each forged message is refused with its class.

Messages are built with xmlsec directly (``forge``) so that every variant carries a
cryptographically valid signature over exactly what the attack needs; only then is
the Verifier's refusal meaningful.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import xmlsec
from lxml import etree

from ksz_client import wsse
from ksz_client._exceptions import (
    DuplicateId,
    InvalidSignature,
    MissingSignature,
    SignatureError,
    SignatureWrapping,
    TimestampError,
    UnsignedPart,
    UntrustedCertificate,
    WeakAlgorithm,
)
from ksz_client._pki import Credentials, generate_self_signed
from ksz_client.wsse import DS_NS, SOAP_ENV_NS, WSSE_NS, WSU_NS, Signer, Verifier

C = xmlsec.constants
NS = {"soap": SOAP_ENV_NS, "wsse": WSSE_NS, "wsu": WSU_NS, "ds": DS_NS}
X509V3 = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"
WSU_ID = f"{{{WSU_NS}}}Id"
PAYLOAD = "SECRET-PAYLOAD-85073003328"
T0 = dt.datetime(2025, 3, 14, 9, 0, 0, tzinfo=dt.UTC)
NOW = T0 + dt.timedelta(seconds=10)
CREATED = "2025-03-14T09:00:00.000Z"
EXPIRES = "2025-03-14T09:05:00.000Z"
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


@pytest.fixture(scope="module")
def ksz() -> Credentials:
    return generate_self_signed("ksz.example")


@pytest.fixture(scope="module")
def attacker() -> Credentials:
    return generate_self_signed("attacker.example")


@pytest.fixture(scope="module")
def verifier(ksz: Credentials) -> Verifier:
    return Verifier([ksz.cert_pem])


def wire(envelope: etree._Element) -> etree._Element:
    """Serialise and re-parse, as the message would arrive."""
    return etree.fromstring(etree.tostring(envelope), SAFE_PARSER)


def signed(ksz: Credentials, *, now: dt.datetime = T0) -> etree._Element:
    envelope = etree.fromstring(
        f"<soapenv:Envelope xmlns:soapenv='{SOAP_ENV_NS}'><soapenv:Body>"
        f"<x:resp xmlns:x='urn:test'><v>{PAYLOAD}</v></x:resp></soapenv:Body></soapenv:Envelope>"
    )
    Signer(ksz.key_pem, ksz.cert_pem).sign(envelope, now=now)
    return wire(envelope)


def forge(
    creds: Credentials,
    *,
    sign: Sequence[str] = ("body", "timestamp", "token"),
    signature_method: Any = C.TransformRsaSha256,
    digest_method: Any = C.TransformSha256,
    c14n_method: Any = C.TransformExclC14N,
    reference_transforms: Sequence[Any] = (C.TransformExclC14N,),
    inclusive_prefixes: Sequence[str] = (),
    signed_info_prefixes: Sequence[str] = (),
    timestamp: bool = True,
    created: str = CREATED,
    expires: str | None = EXPIRES,
    key_info: str = "token",
    token_cert_pem: bytes | None = None,
    extra_uris: Sequence[str] = (),
    body_xml: str = f"<x:resp xmlns:x='urn:test'><v>{PAYLOAD}</v></x:resp>",
) -> etree._Element:
    """Build and sign a WS-Security envelope with xmlsec, every knob exposed."""
    envelope = etree.fromstring(
        f"<soapenv:Envelope xmlns:soapenv='{SOAP_ENV_NS}' xmlns:wsu='{WSU_NS}'>"
        f"<soapenv:Header/><soapenv:Body wsu:Id='body-1'>{body_xml}</soapenv:Body>"
        "</soapenv:Envelope>"
    )
    header, body = envelope[0], envelope[1]
    security = etree.SubElement(header, f"{{{WSSE_NS}}}Security", nsmap={"wsse": WSSE_NS})
    security.set(f"{{{SOAP_ENV_NS}}}mustUnderstand", "1")
    targets: dict[str, etree._Element] = {"body": body}
    if timestamp:
        ts = etree.SubElement(security, f"{{{WSU_NS}}}Timestamp", {WSU_ID: "ts-1"})
        etree.SubElement(ts, f"{{{WSU_NS}}}Created").text = created
        if expires is not None:
            etree.SubElement(ts, f"{{{WSU_NS}}}Expires").text = expires
        targets["timestamp"] = ts
    cert_pem = token_cert_pem or creds.cert_pem
    der = base64.b64decode(b"".join(cert_pem.strip().splitlines()[1:-1]))
    token = etree.SubElement(
        security, f"{{{WSSE_NS}}}BinarySecurityToken", {"ValueType": X509V3, WSU_ID: "bst-1"}
    )
    token.text = base64.b64encode(der).decode()
    targets["token"] = token

    signature = xmlsec.template.create(envelope, c14n_method, signature_method, ns="ds")
    security.append(signature)
    if signed_info_prefixes:
        xmlsec.template.transform_add_c14n_inclusive_namespaces(
            signature[0][0], list(signed_info_prefixes)
        )
    uris = [f"#{targets[name].get(WSU_ID)}" for name in sign] + list(extra_uris)
    for uri in uris:
        ref = xmlsec.template.add_reference(signature, digest_method, uri=uri)
        for transform in reference_transforms:
            node = xmlsec.template.add_transform(ref, transform)
            if inclusive_prefixes:
                xmlsec.template.transform_add_c14n_inclusive_namespaces(
                    node, list(inclusive_prefixes)
                )
    if key_info == "token":
        info = xmlsec.template.ensure_key_info(signature)
        str_node = etree.SubElement(info, f"{{{WSSE_NS}}}SecurityTokenReference")
        etree.SubElement(
            str_node, f"{{{WSSE_NS}}}Reference", {"URI": "#bst-1", "ValueType": X509V3}
        )
    elif key_info == "x509":
        info = xmlsec.template.ensure_key_info(signature)
        data = xmlsec.template.add_x509_data(info)
        xmlsec.template.x509_data_add_certificate(data).text = base64.b64encode(der).decode()

    ctx = xmlsec.SignatureContext()
    ctx.key = xmlsec.Key.from_memory(creds.key_pem, C.KeyDataFormatPem)
    for node in targets.values():
        ctx.register_id(node, "Id", WSU_NS)
    ctx.sign(signature)
    return wire(envelope)


def find(envelope: etree._Element, path: str) -> etree._Element:
    found = envelope.find(path, NS)
    assert found is not None, path
    return found


def refuse(
    verifier: Verifier, envelope: etree._Element, error: type[SignatureError], **kw: Any
) -> SignatureError:
    with pytest.raises(error) as caught:
        verifier.verify(envelope, now=kw.pop("now", NOW), **kw)
    assert type(caught.value) is error
    message = str(caught.value)
    assert message
    assert PAYLOAD not in message
    assert "85073003328" not in message
    return caught.value


# --- baselines: the forge produces valid messages ------------------------------------


def test_forged_baseline_verifies(ksz: Credentials, verifier: Verifier) -> None:
    envelope = forge(ksz)
    result = verifier.verify(envelope, now=NOW)
    assert result.body is find(envelope, "soap:Body")
    assert result.created == T0


def test_signer_baseline_verifies(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    assert verifier.verify(envelope, now=NOW).body.findtext("{urn:test}resp/v") == PAYLOAD


# --- content tampering -------------------------------------------------------------------


def test_tampered_body(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    find(envelope, "soap:Body/{urn:test}resp/v").text = "85073003327"
    refuse(verifier, envelope, InvalidSignature)


def test_tampered_timestamp(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    find(
        envelope, "soap:Header/wsse:Security/wsu:Timestamp/wsu:Expires"
    ).text = "2099-01-01T00:00:00.000Z"
    refuse(verifier, envelope, InvalidSignature, now=T0 + dt.timedelta(hours=1))


def test_tampered_signature_value(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    value = find(envelope, ".//ds:SignatureValue")
    raw = bytearray(base64.b64decode(value.text or ""))
    raw[10] ^= 1
    value.text = base64.b64encode(bytes(raw)).decode()
    refuse(verifier, envelope, InvalidSignature)


# --- signature wrapping ----------------------------------------------------------------


def test_signed_body_moved_into_header_with_unsigned_body_in_its_place(
    ksz: Credentials, verifier: Verifier
) -> None:
    envelope = signed(ksz)
    header, body = find(envelope, "soap:Header"), find(envelope, "soap:Body")
    wrapper = etree.SubElement(header, "{urn:evil}Wrapper")
    wrapper.append(body)
    evil = etree.SubElement(envelope, f"{{{SOAP_ENV_NS}}}Body")
    etree.SubElement(evil, "{urn:test}resp").text = "EVIL"
    refuse(verifier, wire(envelope), SignatureWrapping)


def test_signed_body_moved_into_security_header(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    security, body = find(envelope, "soap:Header/wsse:Security"), find(envelope, "soap:Body")
    security.append(body)
    etree.SubElement(envelope, f"{{{SOAP_ENV_NS}}}Body").text = "EVIL"
    refuse(verifier, wire(envelope), SignatureWrapping)


def test_unsigned_body_carrying_the_signed_bodys_id(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    header, body = find(envelope, "soap:Header"), find(envelope, "soap:Body")
    header.append(body)
    evil = etree.SubElement(envelope, f"{{{SOAP_ENV_NS}}}Body", {WSU_ID: str(body.get(WSU_ID))})
    evil.text = "EVIL"
    refuse(verifier, wire(envelope), DuplicateId)


def test_signed_timestamp_moved_out_and_fresh_unsigned_one_put_in(
    ksz: Credentials, verifier: Verifier
) -> None:
    envelope = signed(ksz)
    header = find(envelope, "soap:Header")
    security = find(envelope, "soap:Header/wsse:Security")
    old = find(envelope, "soap:Header/wsse:Security/wsu:Timestamp")
    etree.SubElement(header, "{urn:evil}Wrapper").append(old)
    fresh = etree.Element(f"{{{WSU_NS}}}Timestamp")
    etree.SubElement(fresh, f"{{{WSU_NS}}}Created").text = "2030-01-01T00:00:00Z"
    etree.SubElement(fresh, f"{{{WSU_NS}}}Expires").text = "2030-01-01T01:00:00Z"
    security.insert(0, fresh)
    refuse(verifier, wire(envelope), SignatureWrapping)


def test_signed_timestamp_moved_out_of_security(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    header = find(envelope, "soap:Header")
    old = find(envelope, "soap:Header/wsse:Security/wsu:Timestamp")
    etree.SubElement(header, "{urn:evil}Wrapper").append(old)
    refuse(verifier, wire(envelope), SignatureWrapping)


@pytest.mark.parametrize(
    ("where", "attribute"),
    [
        ("soap:Body/{urn:test}resp", WSU_ID),
        ("soap:Header", WSU_ID),
        ("soap:Body/{urn:test}resp/v", "Id"),
        ("soap:Body/{urn:test}resp", "ID"),
        ("soap:Body/{urn:test}resp", "id"),
        ("soap:Body/{urn:test}resp", "{http://www.w3.org/XML/1998/namespace}id"),
        ("soap:Body/{urn:test}resp", "{urn:other}Id"),
    ],
)
def test_duplicate_id(ksz: Credentials, verifier: Verifier, where: str, attribute: str) -> None:
    envelope = signed(ksz)
    body_id = str(find(envelope, "soap:Body").get(WSU_ID))
    find(envelope, where).set(attribute, body_id)
    refuse(verifier, wire(envelope), DuplicateId)


def test_duplicate_id_is_checked_before_anything_else(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    security = find(envelope, "soap:Header/wsse:Security")
    security.remove(find(envelope, "soap:Header/wsse:Security/ds:Signature"))
    body_id = str(find(envelope, "soap:Body").get(WSU_ID))
    find(envelope, "soap:Body/{urn:test}resp").set(WSU_ID, body_id)
    refuse(verifier, envelope, DuplicateId)


def test_document_with_a_dtd(ksz: Credentials, verifier: Verifier) -> None:
    # An internal subset can declare any attribute an ID, redirecting "#x".
    text = etree.tostring(signed(ksz))
    doctype = b"<!DOCTYPE soapenv:Envelope [<!ATTLIST v ref ID #IMPLIED>]>"
    envelope = etree.fromstring(doctype + text, etree.XMLParser(resolve_entities=False))
    refuse(verifier, envelope, SignatureWrapping)


@pytest.mark.parametrize(
    "uri",
    ["http://127.0.0.1:9/evil.xml", "file:///etc/passwd", "/etc/passwd", "", "#xpointer(/)"],
)
def test_reference_outside_the_document_is_rejected(
    ksz: Credentials, verifier: Verifier, uri: str
) -> None:
    envelope = signed(ksz)
    find(envelope, ".//ds:Reference").set("URI", uri)
    refuse(verifier, envelope, SignatureWrapping)


@contextmanager
def recording_io() -> Iterator[list[bytes]]:
    """Record every URI xmlsec tries to open, and let none of them open."""
    seen: list[bytes] = []

    def match(name: bytes) -> bool:
        seen.append(name)
        return False

    xmlsec.cleanup_callbacks()
    xmlsec.register_callbacks(match, lambda _n: None, lambda _c, _b: 0, lambda _c: None)
    try:
        yield seen
    finally:
        xmlsec.cleanup_callbacks()
        xmlsec.register_default_callbacks()


def test_external_reference_is_rejected_without_any_io(
    ksz: Credentials, verifier: Verifier, tmp_path: Path
) -> None:
    # A validly signed message whose extra reference points at a local file
    # (xmlsec reads it while signing; that is the attacker's side).
    target = tmp_path / "outside.xml"
    target.write_bytes(b"<x/>")
    envelope = forge(ksz, extra_uris=[target.as_uri()])

    with recording_io() as attempts:
        # The probe works: xmlsec left to itself does try to open the file.
        raw = xmlsec.SignatureContext()
        raw.key = xmlsec.Key.from_memory(ksz.cert_pem, C.KeyDataFormatCertPem)
        for node in envelope.iter():
            if node.get(WSU_ID):
                raw.register_id(node, "Id", WSU_NS)
        with pytest.raises(xmlsec.Error):
            raw.verify(find(envelope, ".//ds:Signature"))
        assert target.as_uri().encode() in attempts
        attempts.clear()

        refuse(verifier, envelope, SignatureWrapping)
        assert attempts == []


# --- timestamps --------------------------------------------------------------------------


def test_expired_timestamp(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    # Expires T0+5min, skew 1 min: still fine at +6min, refused a second later.
    verifier.verify(envelope, now=T0 + dt.timedelta(minutes=6))
    error = refuse(verifier, envelope, TimestampError, now=T0 + dt.timedelta(minutes=6, seconds=1))
    assert "expired" in str(error)


def test_future_timestamp(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    verifier.verify(envelope, now=T0 - dt.timedelta(minutes=1))
    error = refuse(verifier, envelope, TimestampError, now=T0 - dt.timedelta(minutes=1, seconds=1))
    assert "future" in str(error)


def test_expires_before_created(ksz: Credentials, verifier: Verifier) -> None:
    envelope = forge(ksz, created="2025-03-14T09:00:10Z", expires="2025-03-14T09:00:05Z")
    refuse(verifier, envelope, TimestampError)


def test_missing_timestamp(ksz: Credentials, verifier: Verifier) -> None:
    envelope = forge(ksz, timestamp=False, sign=("body", "token"))
    refuse(verifier, envelope, TimestampError)


def test_missing_expires(ksz: Credentials, verifier: Verifier) -> None:
    refuse(verifier, forge(ksz, expires=None), TimestampError)


@pytest.mark.parametrize(
    "created",
    ["2025-03-14T09:00:00", "2025-03-14 09:00:00Z", "2025-13-14T09:00:00Z", "yesterday", ""],
)
def test_malformed_created(ksz: Credentials, verifier: Verifier, created: str) -> None:
    refuse(verifier, forge(ksz, created=created), TimestampError)


@pytest.mark.parametrize(
    ("created", "expected"),
    [
        ("2025-03-14T09:00:00Z", T0),
        ("2025-03-14T10:00:00.123456789+01:00", T0 + dt.timedelta(microseconds=123456)),
        ("2025-03-14T09:00:00.5Z", T0 + dt.timedelta(milliseconds=500)),
    ],
)
def test_other_xsd_datetime_forms_are_read(
    ksz: Credentials, verifier: Verifier, created: str, expected: dt.datetime
) -> None:
    assert verifier.verify(forge(ksz, created=created), now=NOW).created == expected


def test_two_timestamps(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    security = find(envelope, "soap:Header/wsse:Security")
    extra = etree.SubElement(security, f"{{{WSU_NS}}}Timestamp")
    etree.SubElement(extra, f"{{{WSU_NS}}}Created").text = CREATED
    refuse(verifier, envelope, SignatureWrapping)


# --- algorithms -----------------------------------------------------------------------------


def test_sha1_signature_refused_by_default_accepted_when_allowed(ksz: Credentials) -> None:
    envelope = forge(ksz, signature_method=C.TransformRsaSha1, digest_method=C.TransformSha1)
    refuse(Verifier([ksz.cert_pem]), envelope, WeakAlgorithm)
    lenient = Verifier([ksz.cert_pem], allow_sha1=True)
    assert lenient.verify(envelope, now=NOW).body is find(envelope, "soap:Body")


def test_sha1_digest_alone_is_refused(ksz: Credentials, verifier: Verifier) -> None:
    envelope = forge(ksz, digest_method=C.TransformSha1)
    assert "SHA-1" in str(refuse(verifier, envelope, WeakAlgorithm))


def test_rsa_sha1_alone_is_refused(ksz: Credentials, verifier: Verifier) -> None:
    envelope = forge(ksz, signature_method=C.TransformRsaSha1)
    assert "SHA1" in str(refuse(verifier, envelope, WeakAlgorithm))


def test_stronger_rsa_and_digests_are_accepted(ksz: Credentials, verifier: Verifier) -> None:
    envelope = forge(ksz, signature_method=C.TransformRsaSha512, digest_method=C.TransformSha384)
    verifier.verify(envelope, now=NOW)


def test_inclusive_c14n_for_signed_info_is_accepted(ksz: Credentials, verifier: Verifier) -> None:
    verifier.verify(forge(ksz, c14n_method=C.TransformInclC14N), now=NOW)


def test_inclusive_namespaces_prefix_list_is_honoured(ksz: Credentials, verifier: Verifier) -> None:
    envelope = forge(
        ksz,
        inclusive_prefixes=["soapenv", "default"],
        body_xml=f"<resp xmlns='urn:test'><v>{PAYLOAD}</v></resp>",
    )
    transform = find(envelope, ".//ds:Transform")
    assert len(transform) == 1  # the InclusiveNamespaces element is there
    verifier.verify(envelope, now=NOW)


def test_inclusive_namespaces_on_signed_info_are_honoured(
    ksz: Credentials, verifier: Verifier
) -> None:
    envelope = forge(ksz, signed_info_prefixes=["soapenv", "wsse"])
    assert len(find(envelope, ".//ds:CanonicalizationMethod")) == 1
    verifier.verify(envelope, now=NOW)


def test_unknown_parameter_in_canonicalization_method(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    etree.SubElement(find(envelope, ".//ds:CanonicalizationMethod"), "{urn:evil}Param")
    refuse(verifier, envelope, WeakAlgorithm)


def test_inclusive_namespaces_with_inclusive_c14n_are_refused(
    ksz: Credentials, verifier: Verifier
) -> None:
    envelope = forge(ksz, c14n_method=C.TransformInclC14N, signed_info_prefixes=["soapenv"])
    refuse(verifier, envelope, WeakAlgorithm)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"c14n_method": C.TransformExclC14NWithComments},
        {"reference_transforms": ()},
        {"reference_transforms": (C.TransformInclC14N,)},
        {"reference_transforms": (C.TransformExclC14NWithComments,)},
        {"reference_transforms": (C.TransformEnveloped, C.TransformExclC14N)},
    ],
    ids=["c14n-with-comments", "no-transform", "inclusive", "with-comments", "two-transforms"],
)
def test_disallowed_canonicalization_or_transforms(
    ksz: Credentials, verifier: Verifier, kwargs: dict[str, Any]
) -> None:
    refuse(verifier, forge(ksz, **kwargs), WeakAlgorithm)


@pytest.mark.parametrize(
    ("path", "algorithm"),
    [
        (".//ds:SignatureMethod", "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256"),
        (".//ds:SignatureMethod", "http://www.w3.org/2000/09/xmldsig#dsa-sha1"),
        (".//ds:DigestMethod", "http://www.w3.org/2001/04/xmldsig-more#md5"),
        (".//ds:Transform", "http://www.w3.org/TR/1999/REC-xslt-19991116"),
        (".//ds:Transform", "http://www.w3.org/TR/1999/REC-xpath-19991116"),
    ],
)
def test_other_algorithms_are_refused(
    ksz: Credentials, verifier: Verifier, path: str, algorithm: str
) -> None:
    envelope = signed(ksz)
    find(envelope, path).set("Algorithm", algorithm)
    refuse(verifier, envelope, WeakAlgorithm)


def test_unknown_parameter_in_c14n_transform(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    etree.SubElement(find(envelope, ".//ds:Transform"), "{urn:evil}Param")
    refuse(verifier, envelope, WeakAlgorithm)


# --- trust ------------------------------------------------------------------------------------


def test_signature_by_untrusted_certificate(attacker: Credentials, verifier: Verifier) -> None:
    refuse(verifier, forge(attacker), UntrustedCertificate)


def test_message_signed_with_the_clients_own_key(ksz: Credentials) -> None:
    # zeep verifies with the client's own certificate; a response must not.
    client = generate_self_signed("client.example")
    envelope = forge(client)
    refuse(Verifier([ksz.cert_pem]), envelope, UntrustedCertificate)


def test_attacker_key_with_the_trusted_certificate_in_the_token(
    ksz: Credentials, attacker: Credentials, verifier: Verifier
) -> None:
    envelope = forge(attacker, token_cert_pem=ksz.cert_pem)
    refuse(verifier, envelope, InvalidSignature)


def test_x509data_key_info_is_accepted(ksz: Credentials, verifier: Verifier) -> None:
    envelope = forge(ksz, key_info="x509", sign=("body", "timestamp"))
    assert verifier.verify(envelope, now=NOW).certificate == verifier.trusted[0]


def test_x509data_with_untrusted_certificate(attacker: Credentials, verifier: Verifier) -> None:
    refuse(verifier, forge(attacker, key_info="x509"), UntrustedCertificate)


def test_no_key_info(ksz: Credentials, verifier: Verifier) -> None:
    refuse(verifier, forge(ksz, key_info="none"), UntrustedCertificate)


def test_key_info_naming_no_certificate(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    key_info = find(envelope, ".//ds:KeyInfo")
    key_info.remove(key_info[0])
    etree.SubElement(key_info, f"{{{DS_NS}}}KeyName").text = "ksz"
    refuse(verifier, envelope, UntrustedCertificate)


@pytest.mark.parametrize("uri", ["#nowhere", "http://evil.example/cert.der", ""])
def test_token_reference_that_does_not_resolve(
    ksz: Credentials, verifier: Verifier, uri: str
) -> None:
    envelope = signed(ksz)
    find(envelope, ".//ds:KeyInfo/wsse:SecurityTokenReference/wsse:Reference").set("URI", uri)
    refuse(verifier, envelope, UntrustedCertificate)


def test_token_reference_to_a_token_outside_the_security_header(
    ksz: Credentials, verifier: Verifier
) -> None:
    envelope = signed(ksz)
    token = find(envelope, "soap:Header/wsse:Security/wsse:BinarySecurityToken")
    find(envelope, "soap:Header").append(token)
    refuse(verifier, envelope, UntrustedCertificate)


def test_token_that_is_not_base64(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    find(envelope, ".//wsse:BinarySecurityToken").text = "not*base64!"
    refuse(verifier, envelope, UntrustedCertificate)


def test_token_that_is_not_an_x509v3_token(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    find(envelope, ".//wsse:BinarySecurityToken").set("ValueType", "urn:evil#PKIPath")
    refuse(verifier, envelope, UntrustedCertificate)


# --- missing or unsigned parts ------------------------------------------------------------------


def test_no_security_header(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    header = find(envelope, "soap:Header")
    header.remove(find(envelope, "soap:Header/wsse:Security"))
    refuse(verifier, envelope, MissingSignature)


def test_no_header_at_all(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    envelope.remove(find(envelope, "soap:Header"))
    refuse(verifier, envelope, MissingSignature)


def test_security_without_signature(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    security = find(envelope, "soap:Header/wsse:Security")
    security.remove(find(envelope, "soap:Header/wsse:Security/ds:Signature"))
    refuse(verifier, envelope, MissingSignature)


def test_not_a_soap_envelope(verifier: Verifier) -> None:
    refuse(verifier, etree.fromstring("<Envelope><Body/></Envelope>"), MissingSignature)


def test_timestamp_not_signed(ksz: Credentials, verifier: Verifier) -> None:
    refuse(verifier, forge(ksz, sign=("body", "token")), UnsignedPart)


def test_body_not_signed(ksz: Credentials, verifier: Verifier) -> None:
    refuse(verifier, forge(ksz, sign=("timestamp", "token")), UnsignedPart)


def test_token_not_signed_only_matters_when_required(ksz: Credentials) -> None:
    envelope = forge(ksz, sign=("body", "timestamp"))
    Verifier([ksz.cert_pem]).verify(envelope, now=NOW)
    refuse(Verifier([ksz.cert_pem], require_signed_token=True), envelope, UnsignedPart)
    signed_token = forge(ksz)
    Verifier([ksz.cert_pem], require_signed_token=True).verify(signed_token, now=NOW)


def test_required_token_with_x509data_key_info(ksz: Credentials) -> None:
    envelope = forge(ksz, key_info="x509", sign=("body", "timestamp"))
    refuse(Verifier([ksz.cert_pem], require_signed_token=True), envelope, UnsignedPart)


def test_no_body(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    envelope.remove(find(envelope, "soap:Body"))
    refuse(verifier, envelope, UnsignedPart)


# --- ambiguous structure -------------------------------------------------------------------------


def test_two_bodies(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    etree.SubElement(envelope, f"{{{SOAP_ENV_NS}}}Body").text = "EVIL"
    refuse(verifier, envelope, SignatureWrapping)


def test_two_headers(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    envelope.insert(0, etree.Element(f"{{{SOAP_ENV_NS}}}Header"))
    refuse(verifier, envelope, SignatureWrapping)


def test_two_security_headers(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    etree.SubElement(find(envelope, "soap:Header"), f"{{{WSSE_NS}}}Security")
    refuse(verifier, envelope, SignatureWrapping)


def test_two_signatures(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    etree.SubElement(find(envelope, "soap:Header/wsse:Security"), f"{{{DS_NS}}}Signature")
    refuse(verifier, envelope, SignatureWrapping)


def test_signature_without_signed_info(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    signature = find(envelope, ".//ds:Signature")
    signature.remove(find(envelope, ".//ds:SignedInfo"))
    refuse(verifier, envelope, InvalidSignature)


def test_signed_info_without_signature_method(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    find(envelope, ".//ds:SignedInfo").remove(find(envelope, ".//ds:SignatureMethod"))
    refuse(verifier, envelope, InvalidSignature)


def test_reference_with_unexpected_child(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    etree.SubElement(find(envelope, ".//ds:Reference"), f"{{{DS_NS}}}Extra")
    refuse(verifier, envelope, InvalidSignature)


def test_digest_value_that_is_not_base64(ksz: Credentials, verifier: Verifier) -> None:
    envelope = signed(ksz)
    find(envelope, ".//ds:DigestValue").text = "%%%"
    refuse(verifier, envelope, InvalidSignature)


def test_digests_are_computed_over_the_returned_elements(
    ksz: Credentials, verifier: Verifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One id resolver, one digest per reference: the Body handed back is the very
    # element object whose digest was checked against the signed DigestValue.
    envelope = signed(ksz)
    digested: list[etree._Element] = []
    real = wsse._digest

    def recording(element: etree._Element, ref: Any) -> bytes:
        digested.append(element)
        return real(element, ref)

    monkeypatch.setattr(wsse, "_digest", recording)
    verified = verifier.verify(envelope, now=NOW)
    assert any(element is verified.body for element in digested)


def test_a_digest_over_anything_else_is_refused(
    ksz: Credentials, verifier: Verifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    envelope = signed(ksz)

    class OtherElement:
        @staticmethod
        def new(name: str, data: bytes) -> Any:
            return hashlib.new(name, data + b"<other/>")

    monkeypatch.setattr(wsse, "hashlib", OtherElement)
    refuse(verifier, envelope, InvalidSignature)


# --- what is handed back -------------------------------------------------------------------------


def test_comments_inserted_after_signing_are_removed_from_the_body(
    ksz: Credentials, verifier: Verifier
) -> None:
    # Canonicalization ignores comments, so inserting one keeps the signature
    # valid; a consumer reading .text would then see a truncated value.
    envelope = signed(ksz)
    value = find(envelope, "soap:Body/{urn:test}resp/v")
    value.text = "SECRET-"
    comment = etree.Comment("cut")
    comment.tail = "PAYLOAD-85073003328"
    value.append(comment)
    value.addprevious(etree.Comment("before"))
    assert value.text == "SECRET-"
    result = verifier.verify(wire(envelope), now=NOW)
    assert result.body.findtext("{urn:test}resp/v") == PAYLOAD
    assert not list(result.body.iter(etree.Comment))


def test_processing_instructions_are_signed(ksz: Credentials, verifier: Verifier) -> None:
    # Unlike comments, C14N keeps processing instructions: adding one breaks the digest.
    envelope = signed(ksz)
    find(envelope, "soap:Body/{urn:test}resp/v").append(etree.ProcessingInstruction("pi", "x"))
    refuse(verifier, envelope, InvalidSignature)


def test_failed_verification_leaves_the_envelope_untouched(
    ksz: Credentials, verifier: Verifier
) -> None:
    envelope = signed(ksz)
    value = find(envelope, "soap:Body/{urn:test}resp/v")
    value.append(etree.Comment("kept"))
    before = etree.tostring(envelope)
    refuse(verifier, envelope, TimestampError, now=T0 + dt.timedelta(days=1))
    assert etree.tostring(envelope) == before
