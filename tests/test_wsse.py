"""Signing and verifying with ksz_client.wsse: layout, round trips, configuration."""

from __future__ import annotations

import base64
import datetime as dt
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from xml.sax.saxutils import escape

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from lxml import etree

from ksz_client._exceptions import ConfigError, TimestampError, UntrustedCertificate
from ksz_client._pki import Credentials, generate_self_signed
from ksz_client.wsse import DS_NS, SOAP_ENV_NS, WSSE_NS, WSU_NS, Signer, Verifier

NS = {"soap": SOAP_ENV_NS, "wsse": WSSE_NS, "wsu": WSU_NS, "ds": DS_NS}
X509V3 = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"
BASE64_BINARY = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"
)
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
WSU_ID = f"{{{WSU_NS}}}Id"
T0 = dt.datetime(2025, 3, 14, 9, 26, 53, 589_793, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def client() -> Credentials:
    return generate_self_signed("client.example")


@pytest.fixture(scope="module")
def server() -> Credentials:
    return generate_self_signed("ksz.example")


@pytest.fixture(scope="module")
def signer(client: Credentials) -> Signer:
    return Signer(client.key_pem, client.cert_pem)


def make_envelope(payload: str = "hello", *, header: bool = False) -> etree._Element:
    head = "<soapenv:Header><a:Action xmlns:a='urn:addr'>op</a:Action></soapenv:Header>"
    return etree.fromstring(
        f"<soapenv:Envelope xmlns:soapenv='{SOAP_ENV_NS}'>{head if header else ''}"
        f"<soapenv:Body><x:req xmlns:x='urn:test'><v>{escape(payload)}</v></x:req></soapenv:Body>"
        "</soapenv:Envelope>"
    )


def security_of(envelope: etree._Element) -> etree._Element:
    found = envelope.find("soap:Header/wsse:Security", NS)
    assert found is not None
    return found


# --- round trip -----------------------------------------------------------------------


def test_round_trip_returns_the_envelopes_own_body(signer: Signer, client: Credentials) -> None:
    envelope = make_envelope()
    signer.sign(envelope, now=T0)
    result = Verifier([client.cert_pem]).verify(envelope, now=T0 + dt.timedelta(seconds=3))
    assert result.body is envelope.find("soap:Body", NS)
    assert result.body.findtext("{urn:test}req/v") == "hello"
    assert result.certificate == signer.certificate
    assert result.created == dt.datetime(2025, 3, 14, 9, 26, 53, 589_000, tzinfo=dt.UTC)
    assert result.expires == result.created + dt.timedelta(minutes=5)


def test_round_trip_survives_serialisation(signer: Signer, client: Credentials) -> None:
    envelope = make_envelope("é ü & <x>")
    signer.sign(envelope)
    wire = etree.tostring(envelope)
    parsed = etree.fromstring(wire, etree.XMLParser(resolve_entities=False, no_network=True))
    result = Verifier([client.cert_pem]).verify(parsed)
    assert result.body.findtext("{urn:test}req/v") == "é ü & <x>"


def test_both_directions_client_and_sandbox(client: Credentials, server: Credentials) -> None:
    # The sandbox verifies requests against the client certificates it knows
    # and signs its answers with its own key; the client pins the server's.
    request = make_envelope("ping")
    Signer(client.key_pem, client.cert_pem).sign(request)
    sandbox_verifier = Verifier([server.cert_pem, client.cert_pem])
    assert sandbox_verifier.verify(request).certificate == x509.load_pem_x509_certificate(
        client.cert_pem
    )

    response = make_envelope("pong")
    Signer(server.key_pem, server.cert_pem).sign(response)
    client_verifier = Verifier([server.cert_pem])
    assert client_verifier.verify(response).body.findtext("{urn:test}req/v") == "pong"
    with pytest.raises(UntrustedCertificate):
        client_verifier.verify(request)


def test_trusted_accepts_pem_der_and_certificate_objects(
    signer: Signer, client: Credentials, server: Credentials
) -> None:
    certificate = x509.load_pem_x509_certificate(client.cert_pem)
    der = certificate.public_bytes(serialization.Encoding.DER)
    envelope = make_envelope()
    signer.sign(envelope)
    for trusted in ([der], [certificate], [server.cert_pem, client.cert_pem]):
        assert Verifier(trusted).verify(envelope).certificate == certificate
    assert Verifier([der, server.cert_pem]).trusted[0] == certificate


# --- layout ---------------------------------------------------------------------------


def test_security_header_layout(signer: Signer) -> None:
    envelope = make_envelope()
    signer.sign(envelope, now=T0)
    header = envelope[0]
    assert header.tag == f"{{{SOAP_ENV_NS}}}Header"
    security = header[0]
    assert security.tag == f"{{{WSSE_NS}}}Security"
    assert security.get(f"{{{SOAP_ENV_NS}}}mustUnderstand") == "1"
    assert [child.tag for child in security] == [
        f"{{{WSU_NS}}}Timestamp",
        f"{{{WSSE_NS}}}BinarySecurityToken",
        f"{{{DS_NS}}}Signature",
    ]
    token = security[1]
    assert token.get("ValueType") == X509V3
    assert token.get("EncodingType") == BASE64_BINARY
    assert base64.b64decode(token.text or "") == signer.certificate.public_bytes(
        serialization.Encoding.DER
    )
    # Conventional prefixes on the wire (meaningless to XML, but some stacks care).
    wire = etree.tostring(envelope).decode()
    assert "<wsse:Security" in wire
    assert "<wsu:Timestamp" in wire
    assert "<ds:Signature" in wire
    assert re.search(r"<soapenv:Body [^>]*wsu:Id=", wire)


def test_existing_header_is_kept_and_security_comes_first(signer: Signer) -> None:
    envelope = make_envelope(header=True)
    signer.sign(envelope)
    header = envelope[0]
    assert [child.tag for child in header] == [f"{{{WSSE_NS}}}Security", "{urn:addr}Action"]
    assert len(envelope) == 2


def test_timestamp_format_and_ttl(client: Credentials) -> None:
    envelope = make_envelope()
    Signer(client.key_pem, client.cert_pem, ttl=dt.timedelta(seconds=90)).sign(envelope, now=T0)
    created = envelope.findtext("soap:Header/wsse:Security/wsu:Timestamp/wsu:Created", None, NS)
    expires = envelope.findtext("soap:Header/wsse:Security/wsu:Timestamp/wsu:Expires", None, NS)
    assert created == "2025-03-14T09:26:53.589Z"
    assert expires == "2025-03-14T09:28:23.589Z"


def test_now_in_another_time_zone_is_written_in_utc(signer: Signer) -> None:
    brussels = dt.timezone(dt.timedelta(hours=2))
    envelope = make_envelope()
    signer.sign(envelope, now=dt.datetime(2025, 7, 1, 12, 0, tzinfo=brussels))
    created = envelope.findtext("soap:Header/wsse:Security/wsu:Timestamp/wsu:Created", None, NS)
    assert created == "2025-07-01T10:00:00.000Z"


def test_default_ttl_is_five_minutes(signer: Signer) -> None:
    assert signer.ttl == dt.timedelta(minutes=5)
    envelope = make_envelope()
    signer.sign(envelope, now=T0)
    created = envelope.findtext("soap:Header/wsse:Security/wsu:Timestamp/wsu:Created", None, NS)
    expires = envelope.findtext("soap:Header/wsse:Security/wsu:Timestamp/wsu:Expires", None, NS)
    assert (created, expires) == ("2025-03-14T09:26:53.589Z", "2025-03-14T09:31:53.589Z")


def test_algorithms_and_references(signer: Signer) -> None:
    envelope = make_envelope()
    signer.sign(envelope)
    security = security_of(envelope)
    signed_info = security.find("ds:Signature/ds:SignedInfo", NS)
    assert signed_info is not None
    c14n = signed_info.find("ds:CanonicalizationMethod", NS)
    method = signed_info.find("ds:SignatureMethod", NS)
    assert c14n is not None and c14n.get("Algorithm") == EXC_C14N
    assert method is not None and method.get("Algorithm") == RSA_SHA256

    body = envelope.find("soap:Body", NS)
    timestamp = security.find("wsu:Timestamp", NS)
    token = security.find("wsse:BinarySecurityToken", NS)
    assert body is not None and timestamp is not None and token is not None
    expected = [f"#{node.get(WSU_ID)}" for node in (body, timestamp, token)]
    references = signed_info.findall("ds:Reference", NS)
    assert [ref.get("URI") for ref in references] == expected
    for ref in references:
        transforms = ref.findall("ds:Transforms/ds:Transform", NS)
        assert [t.get("Algorithm") for t in transforms] == [EXC_C14N]
        digest = ref.find("ds:DigestMethod", NS)
        assert digest is not None and digest.get("Algorithm") == SHA256

    str_ref = security.find(
        "ds:Signature/ds:KeyInfo/wsse:SecurityTokenReference/wsse:Reference", NS
    )
    assert str_ref is not None
    assert str_ref.get("URI") == f"#{token.get(WSU_ID)}"
    assert str_ref.get("ValueType") == X509V3


def test_ids_are_unique_per_message(signer: Signer) -> None:
    first, second = make_envelope(), make_envelope()
    signer.sign(first)
    signer.sign(second)

    def ids(envelope: etree._Element) -> list[str]:
        return [str(node.get(WSU_ID)) for node in envelope.iter() if node.get(WSU_ID)]

    assert len(set(ids(first))) == 3
    assert not set(ids(first)) & set(ids(second))
    assert all(re.fullmatch(r"id-[0-9a-f]{32}", value) for value in ids(first))


# --- concurrency and keys ---------------------------------------------------------------


def test_signing_from_eight_threads(signer: Signer, client: Credentials) -> None:
    envelopes = [make_envelope(f"message {i}") for i in range(160)]
    barrier = threading.Barrier(8)

    def sign_batch(batch: list[etree._Element]) -> None:
        barrier.wait()
        for envelope in batch:
            signer.sign(envelope)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(sign_batch, [envelopes[i::8] for i in range(8)]))

    verifier = Verifier([client.cert_pem])
    for i, envelope in enumerate(envelopes):
        assert verifier.verify(envelope).body.findtext("{urn:test}req/v") == f"message {i}"


def test_verifying_from_eight_threads(signer: Signer, client: Credentials) -> None:
    envelopes = [make_envelope(f"message {i}") for i in range(80)]
    for envelope in envelopes:
        signer.sign(envelope)
    verifier = Verifier([client.cert_pem])
    barrier = threading.Barrier(8)

    def verify_batch(batch: list[etree._Element]) -> list[str | None]:
        barrier.wait()
        return [verifier.verify(e).body.findtext("{urn:test}req/v") for e in batch]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(verify_batch, [envelopes[i::8] for i in range(8)]))
    assert sorted(v for batch in results for v in batch if v) == sorted(
        f"message {i}" for i in range(80)
    )


def test_key_with_password(client: Credentials) -> None:
    key = serialization.load_pem_private_key(client.key_pem, password=None)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"s\xe9cret"),
    )
    envelope = make_envelope()
    Signer(encrypted, client.cert_pem, key_password=b"s\xe9cret").sign(envelope)
    assert Verifier([client.cert_pem]).verify(envelope).body is envelope[1]

    with pytest.raises(ConfigError) as wrong:
        Signer(encrypted, client.cert_pem, key_password=b"hunter2")
    assert "hunter2" not in str(wrong.value)
    with pytest.raises(ConfigError):
        Signer(encrypted, client.cert_pem)


def test_signer_refuses_a_key_with_a_damaged_crt_parameter(client: Credentials) -> None:
    # The key is loaded without OpenSSL's slow RSA check: its self-test signature
    # must catch a key that cannot sign (here the CRT exponent and d are both wrong,
    # so OpenSSL's own fallback from a faulty CRT result cannot repair it either).
    key = serialization.load_pem_private_key(client.key_pem, password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    good = key.private_numbers()
    damaged = rsa.RSAPrivateNumbers(
        p=good.p, q=good.q, d=good.d ^ 2, dmp1=good.dmp1 ^ 2, dmq1=good.dmq1, iqmp=good.iqmp,
        public_numbers=good.public_numbers,
    ).private_key(unsafe_skip_rsa_key_validation=True)
    pem = damaged.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    with pytest.raises(ConfigError, match="inconsistent"):
        Signer(pem, client.cert_pem)


def test_signer_rejects_bad_credentials(client: Credentials, server: Credentials) -> None:
    with pytest.raises(ConfigError, match="does not belong"):
        Signer(client.key_pem, server.cert_pem)
    with pytest.raises(ConfigError, match="cannot be read"):
        Signer(b"not a key", client.cert_pem)
    with pytest.raises(ConfigError, match="certificate"):
        Signer(client.key_pem, b"not a certificate")
    ec_key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(ConfigError, match="not an RSA key"):
        Signer(ec_key, client.cert_pem)
    with pytest.raises(ConfigError):
        Signer(client.key_pem, client.cert_pem, ttl=dt.timedelta(0))


def test_signer_accepts_der_certificate(client: Credentials) -> None:
    der = x509.load_pem_x509_certificate(client.cert_pem).public_bytes(serialization.Encoding.DER)
    envelope = make_envelope()
    Signer(client.key_pem, der).sign(envelope)
    Verifier([client.cert_pem]).verify(envelope)


def test_signer_repr_hides_the_key(signer: Signer, client: Credentials) -> None:
    text = repr(signer)
    assert "client.example" in text
    assert "PRIVATE" not in text
    assert client.key_pem.decode().splitlines()[1][:20] not in text


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (f"<x xmlns:s='{SOAP_ENV_NS}'><s:Body/></x>", "not a SOAP 1.1 Envelope"),
        (
            "<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'><s:Body/></s:Envelope>",
            "not a SOAP 1.1 Envelope",
        ),
        (f"<s:Envelope xmlns:s='{SOAP_ENV_NS}'/>", "exactly one Body"),
        (f"<s:Envelope xmlns:s='{SOAP_ENV_NS}'><s:Body/><s:Body/></s:Envelope>", "one Body"),
        (
            f"<s:Envelope xmlns:s='{SOAP_ENV_NS}'><s:Header/><s:Header/><s:Body/></s:Envelope>",
            "at most one Header",
        ),
    ],
)
def test_signer_rejects_what_is_not_an_unsigned_envelope(
    signer: Signer, xml: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        signer.sign(etree.fromstring(xml))


def test_signer_refuses_to_sign_twice(signer: Signer) -> None:
    envelope = make_envelope()
    signer.sign(envelope)
    with pytest.raises(ValueError, match="already"):
        signer.sign(envelope)


def test_naive_now_is_refused(signer: Signer, client: Credentials) -> None:
    envelope = make_envelope()
    with pytest.raises(ValueError, match="timezone-aware"):
        signer.sign(envelope, now=dt.datetime(2025, 1, 1))
    signer.sign(envelope)
    with pytest.raises(ValueError, match="timezone-aware"):
        Verifier([client.cert_pem]).verify(envelope, now=dt.datetime(2025, 1, 1))


# --- verifier configuration and clock -------------------------------------------------------


def test_verifier_configuration_errors(client: Credentials) -> None:
    with pytest.raises(ConfigError, match="at least one"):
        Verifier([])
    with pytest.raises(TypeError):
        Verifier(client.cert_pem)
    with pytest.raises(ConfigError, match="clock skew"):
        Verifier([client.cert_pem], clock_skew=dt.timedelta(seconds=-1))
    with pytest.raises(ConfigError, match="neither valid PEM nor valid DER"):
        Verifier([b"garbage"])


def test_verify_uses_the_injected_clock(signer: Signer, client: Credentials) -> None:
    envelope = make_envelope()
    signer.sign(envelope, now=T0)
    verifier = Verifier([client.cert_pem], clock_skew=dt.timedelta(seconds=30))
    # Well before the real current time, yet valid for this clock.
    verifier.verify(envelope, now=T0 + dt.timedelta(minutes=4))
    verifier.verify(envelope, now=T0 + dt.timedelta(minutes=5, seconds=29))
    with pytest.raises(TimestampError, match="expired"):
        verifier.verify(envelope, now=T0 + dt.timedelta(minutes=5, seconds=31))
    # Against the real clock the 2025 message is long expired.
    with pytest.raises(TimestampError, match="expired"):
        verifier.verify(envelope)


def test_has_signature(signer: Signer) -> None:
    envelope = make_envelope(header=True)
    assert not Verifier.has_signature(envelope)
    signer.sign(envelope)
    assert Verifier.has_signature(envelope)

    security_only = make_envelope()
    signer.sign(security_only)
    signature = security_of(security_only).find("ds:Signature", NS)
    assert signature is not None
    security_of(security_only).remove(signature)
    assert not Verifier.has_signature(security_only)
    assert not Verifier.has_signature(etree.fromstring("<fault/>"))
