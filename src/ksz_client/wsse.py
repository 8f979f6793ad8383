"""WS-Security X.509 token profile: sign outgoing SOAP 1.1 envelopes, verify incoming ones.

The profile is the one the KSZ/BCSS B2B endpoints use (SPEC §5): in
``soap:Header`` a ``wsse:Security`` header (``mustUnderstand="1"``) holding, in
this order, a ``wsu:Timestamp``, a ``wsse:BinarySecurityToken`` with the X.509
certificate, and a ``ds:Signature`` (exclusive C14N, RSA-SHA256, SHA-256
digests) over the Body, the Timestamp and the token.

Both directions live here because the local sandbox uses the same code: the
client signs requests and verifies responses; the sandbox verifies requests and
signs responses.

The signatures are made and checked by xmlsec (``sign_binary`` /
``verify_binary`` over the canonical SignedInfo, with the key loaded once and
the pinned certificate's key). The reference processing around them is done
here, on lxml: the profile is fixed (exclusive C14N, one transform per
reference), so each reference is digested once, by libxml2's C14N (the one
xmlsec uses), over the very element object the checks then hand back. No
template engine, no second id resolver, no key ever read from the message.

Verification follows the "see what is signed" model: :meth:`Verifier.verify`
returns a :class:`VerifiedMessage` whose ``body`` is the very element the
signature covered, and raises a :class:`~ksz_client._exceptions.SignatureError`
subclass for anything else. Only pinned certificates are trusted, only
same-document ``#id`` references are followed, and nothing is fetched from the
network or the file system.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import hashlib
import hmac
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import xmlsec
from cryptography import x509
from cryptography.exceptions import InvalidSignature as _CryptoInvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

from ksz_client._exceptions import (
    ConfigError,
    DuplicateId,
    InvalidSignature,
    MissingSignature,
    SignatureWrapping,
    TimestampError,
    UnsignedPart,
    UntrustedCertificate,
    WeakAlgorithm,
)

if TYPE_CHECKING:
    from xmlsec.constants import __Transform as _Transform

__all__ = [
    "DS_NS",
    "SOAP_ENV_NS",
    "WSSE_NS",
    "WSU_NS",
    "Signer",
    "VerifiedMessage",
    "Verifier",
]

WSSE_NS: Final = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
"""Namespace of ``wsse:Security``, ``wsse:BinarySecurityToken`` and friends."""

WSU_NS: Final = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
"""Namespace of ``wsu:Timestamp`` and the ``wsu:Id`` attribute."""

DS_NS: Final = "http://www.w3.org/2000/09/xmldsig#"
"""XML-DSig namespace (``ds:Signature``)."""

SOAP_ENV_NS: Final = "http://schemas.xmlsoap.org/soap/envelope/"
"""SOAP 1.1 envelope namespace."""

_X509V3: Final = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"
)
_BASE64_BINARY: Final = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"
)

# lxml picks this prefix when it must declare the namespace for a new attribute
# (the wsu:Id on soap:Body); without it the Body would read ns0:Id. Only prefix
# choice is affected, never meaning.
etree.register_namespace("wsu", WSU_NS)

_EXC_C14N: Final = "http://www.w3.org/2001/10/xml-exc-c14n#"
_INCL_C14N: Final = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
_RSA_SHA1: Final = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
_SHA1: Final = "http://www.w3.org/2000/09/xmldsig#sha1"
_RSA_SHA256: Final = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
_SHA256: Final = "http://www.w3.org/2001/04/xmlenc#sha256"

# The allow-lists. Signature method URI -> its xmlsec transform.
_SIGNATURE_METHODS: Final[dict[str, _Transform]] = {
    _RSA_SHA256: xmlsec.constants.TransformRsaSha256,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": xmlsec.constants.TransformRsaSha384,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": xmlsec.constants.TransformRsaSha512,
}
# Digest URI -> hashlib name.
_DIGEST_METHODS: Final[dict[str, str]] = {
    _SHA256: "sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
}
# Canonicalization method URI -> exclusive?
_C14N_METHODS: Final[dict[str, bool]] = {_EXC_C14N: True, _INCL_C14N: False}

_TAG_ENVELOPE: Final = f"{{{SOAP_ENV_NS}}}Envelope"
_TAG_HEADER: Final = f"{{{SOAP_ENV_NS}}}Header"
_TAG_BODY: Final = f"{{{SOAP_ENV_NS}}}Body"
_ATTR_MUST_UNDERSTAND: Final = f"{{{SOAP_ENV_NS}}}mustUnderstand"
_TAG_SECURITY: Final = f"{{{WSSE_NS}}}Security"
_TAG_BST: Final = f"{{{WSSE_NS}}}BinarySecurityToken"
_TAG_STR: Final = f"{{{WSSE_NS}}}SecurityTokenReference"
_TAG_STR_REFERENCE: Final = f"{{{WSSE_NS}}}Reference"
_TAG_TIMESTAMP: Final = f"{{{WSU_NS}}}Timestamp"
_TAG_CREATED: Final = f"{{{WSU_NS}}}Created"
_TAG_EXPIRES: Final = f"{{{WSU_NS}}}Expires"
_ATTR_WSU_ID: Final = f"{{{WSU_NS}}}Id"
_TAG_SIGNATURE: Final = f"{{{DS_NS}}}Signature"
_TAG_SIGNED_INFO: Final = f"{{{DS_NS}}}SignedInfo"
_TAG_C14N_METHOD: Final = f"{{{DS_NS}}}CanonicalizationMethod"
_TAG_SIGNATURE_METHOD: Final = f"{{{DS_NS}}}SignatureMethod"
_TAG_REFERENCE: Final = f"{{{DS_NS}}}Reference"
_TAG_TRANSFORMS: Final = f"{{{DS_NS}}}Transforms"
_TAG_TRANSFORM: Final = f"{{{DS_NS}}}Transform"
_TAG_DIGEST_METHOD: Final = f"{{{DS_NS}}}DigestMethod"
_TAG_DIGEST_VALUE: Final = f"{{{DS_NS}}}DigestValue"
_TAG_SIGNATURE_VALUE: Final = f"{{{DS_NS}}}SignatureValue"
_TAG_KEY_INFO: Final = f"{{{DS_NS}}}KeyInfo"
_TAG_X509_DATA: Final = f"{{{DS_NS}}}X509Data"
_TAG_X509_CERTIFICATE: Final = f"{{{DS_NS}}}X509Certificate"
_TAG_INCLUSIVE_NAMESPACES: Final = f"{{{_EXC_C14N}}}InclusiveNamespaces"

# Local names treated as ID attributes (in any namespace) for the duplicate check:
# the union of what xmlsec, signxml and other WS-Security stacks resolve "#x" against.
_ID_LOCAL_NAMES: Final = frozenset({"Id", "ID", "id"})

# A same-document reference to a bare NCName id; anything else (an xpointer, a
# URI with a scheme, a path, a space that id() would split on) is refused.
_SAME_DOCUMENT_REF: Final = re.compile(r"#([A-Za-z_][A-Za-z0-9._-]*)")

# xsd:dateTime as WS-Security uses it; a time zone is required so that no
# local-time guess is ever made.
_DATETIME: Final = re.compile(
    r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})"
)


def _aware_now(now: _dt.datetime | None) -> _dt.datetime:
    if now is None:
        return _dt.datetime.now(_dt.UTC)
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    return now.astimezone(_dt.UTC)


def _format_time(moment: _dt.datetime) -> str:
    """Render ``YYYY-MM-DDTHH:MM:SS.mmmZ`` (UTC, milliseconds)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _new_id() -> str:
    return f"id-{uuid.uuid4().hex}"


def _elements(parent: etree._Element) -> list[etree._Element]:
    """Element children only (comments and processing instructions skipped)."""
    return [child for child in parent if isinstance(child.tag, str)]


def _children(parent: etree._Element, tag: str) -> list[etree._Element]:
    return [child for child in parent if child.tag == tag]


def _shorten(value: str | None, limit: int = 80) -> str:
    """Quote an attacker-controlled algorithm URI safely for an error message."""
    text = "" if value is None else value
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _load_cert(data: bytes | x509.Certificate) -> x509.Certificate:
    if isinstance(data, x509.Certificate):
        return data
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise ConfigError("a certificate is neither valid PEM nor valid DER") from exc


# --- signing ------------------------------------------------------------------------


class Signer:
    """Signs SOAP 1.1 envelopes in place with an X.509 certificate and its RSA key.

    The private key is parsed once, here, and reused by every :meth:`sign` call;
    one ``Signer`` may be shared by any number of threads (each call builds its own
    xmlsec context, which takes its own copy of the key).
    """

    def __init__(
        self,
        key_pem: bytes,
        cert_pem: bytes,
        *,
        key_password: bytes | None = None,
        ttl: _dt.timedelta = _dt.timedelta(minutes=5),
    ) -> None:
        if ttl <= _dt.timedelta(0):
            raise ConfigError("the Timestamp lifetime must be positive", key="ttl")
        try:
            # OpenSSL's full RSA key check costs some 80 ms, most of a one-off CLI
            # call's own work; the self-test below proves what matters instead.
            private_key = serialization.load_pem_private_key(
                key_pem, password=key_password, unsafe_skip_rsa_key_validation=True)
        except (ValueError, TypeError) as exc:
            raise ConfigError(
                "the private key cannot be read (wrong password, or not a PEM key)"
            ) from exc
        if not isinstance(private_key, rsa.RSAPrivateKey):
            raise ConfigError("the private key is not an RSA key (RSA-SHA256 is required)")
        certificate = _load_cert(cert_pem)
        if certificate.public_key() != private_key.public_key():
            raise ConfigError("the certificate does not belong to the private key")
        _self_test(private_key)

        # xmlsec receives an unencrypted copy so that a bytes password (not
        # necessarily UTF-8) never has to cross its str-only password API.
        plain = private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        self._key = xmlsec.Key.from_memory(plain, xmlsec.constants.KeyDataFormatPem)
        self._certificate = certificate
        self._cert_b64 = base64.b64encode(
            certificate.public_bytes(serialization.Encoding.DER)
        ).decode("ascii")
        self._ttl = ttl

    @property
    def certificate(self) -> x509.Certificate:
        """The certificate carried in every BinarySecurityToken."""
        return self._certificate

    @property
    def ttl(self) -> _dt.timedelta:
        """Lifetime of the Timestamp (Expires - Created)."""
        return self._ttl

    def __repr__(self) -> str:
        subject = self._certificate.subject.rfc4514_string()
        return f"Signer(subject={subject!r}, key=<redacted>)"

    def sign(self, envelope: etree._Element, *, now: _dt.datetime | None = None) -> None:
        """Add a ``wsse:Security`` header signing Body, Timestamp and token, in place.

        `envelope` is a SOAP 1.1 ``Envelope`` without a Security header; a
        ``soap:Header`` is created when missing. `now` (timezone-aware) sets
        ``Created``; it defaults to the current time.

        Raises ValueError when `envelope` is not an unsigned SOAP 1.1 envelope.
        """
        created = _aware_now(now)
        created = created.replace(microsecond=created.microsecond // 1000 * 1000)
        expires = created + self._ttl

        if envelope.tag != _TAG_ENVELOPE:
            raise ValueError("not a SOAP 1.1 Envelope")
        bodies = _children(envelope, _TAG_BODY)
        if len(bodies) != 1:
            raise ValueError("a SOAP Envelope needs exactly one Body")
        body = bodies[0]
        headers = _children(envelope, _TAG_HEADER)
        if len(headers) > 1:
            raise ValueError("a SOAP Envelope has at most one Header")
        if headers:
            header = headers[0]
            if _children(header, _TAG_SECURITY):
                raise ValueError("the envelope already carries a wsse:Security header")
        else:
            # SubElement picks up the envelope's own prefix for the SOAP namespace.
            header = etree.SubElement(envelope, _TAG_HEADER)
            envelope.insert(0, header)

        body_id, ts_id, bst_id = _new_id(), _new_id(), _new_id()
        body.set(_ATTR_WSU_ID, body_id)

        security = etree.Element(_TAG_SECURITY, nsmap={"wsse": WSSE_NS, "wsu": WSU_NS})
        header.insert(0, security)
        security.set(_ATTR_MUST_UNDERSTAND, "1")

        timestamp = etree.SubElement(security, _TAG_TIMESTAMP, {_ATTR_WSU_ID: ts_id})
        etree.SubElement(timestamp, _TAG_CREATED).text = _format_time(created)
        etree.SubElement(timestamp, _TAG_EXPIRES).text = _format_time(expires)

        token = etree.SubElement(
            security,
            _TAG_BST,
            {"EncodingType": _BASE64_BINARY, "ValueType": _X509V3, _ATTR_WSU_ID: bst_id},
        )
        token.text = self._cert_b64

        signature = etree.SubElement(security, _TAG_SIGNATURE, nsmap={"ds": DS_NS})
        signed_info = etree.SubElement(signature, _TAG_SIGNED_INFO)
        etree.SubElement(signed_info, _TAG_C14N_METHOD, {"Algorithm": _EXC_C14N})
        etree.SubElement(signed_info, _TAG_SIGNATURE_METHOD, {"Algorithm": _RSA_SHA256})
        for target_id, target in ((body_id, body), (ts_id, timestamp), (bst_id, token)):
            reference = etree.SubElement(signed_info, _TAG_REFERENCE, {"URI": f"#{target_id}"})
            transforms = etree.SubElement(reference, _TAG_TRANSFORMS)
            etree.SubElement(transforms, _TAG_TRANSFORM, {"Algorithm": _EXC_C14N})
            etree.SubElement(reference, _TAG_DIGEST_METHOD, {"Algorithm": _SHA256})
            # The target is complete (its wsu:Id set): its digest is final.
            etree.SubElement(reference, _TAG_DIGEST_VALUE).text = base64.b64encode(
                hashlib.sha256(_c14n(target, exclusive=True)).digest()).decode("ascii")
        ctx = xmlsec.SignatureContext()
        # The setter duplicates the key (xmlSecKeyDuplicate), so contexts in
        # concurrent calls never share mutable key state with self._key.
        ctx.key = self._key
        value = ctx.sign_binary(_c14n(signed_info, exclusive=True),
                                xmlsec.constants.TransformRsaSha256)
        etree.SubElement(signature, _TAG_SIGNATURE_VALUE).text = base64.b64encode(
            value).decode("ascii")
        key_info = etree.SubElement(signature, _TAG_KEY_INFO)
        token_ref = etree.SubElement(key_info, _TAG_STR)
        etree.SubElement(token_ref, _TAG_STR_REFERENCE, {"URI": f"#{bst_id}", "ValueType": _X509V3})


def _self_test(private_key: rsa.RSAPrivateKey) -> None:
    """Sign once and verify with the public key (the certificate's, checked equal).

    A private key whose parameters do not produce valid signatures (damaged or
    inconsistent: the case OpenSSL's skipped key check exists for) fails here,
    at configuration time, instead of on every call.
    """
    probe = b"ksz-client signer self-test"
    try:
        value = private_key.sign(probe, padding.PKCS1v15(), hashes.SHA256())
        private_key.public_key().verify(value, probe, padding.PKCS1v15(), hashes.SHA256())
    except (_CryptoInvalidSignature, ValueError) as exc:
        raise ConfigError("the private key is inconsistent: it does not sign verifiably") from exc


# --- verification -------------------------------------------------------------------


@dataclass(frozen=True)
class VerifiedMessage:
    """What a successful :meth:`Verifier.verify` vouches for, and nothing more.

    `body` is the envelope's own ``soap:Body`` element that the signature covers:
    read the payload from it, never from a fresh search of the document.
    """

    body: etree._Element
    certificate: x509.Certificate
    created: _dt.datetime
    expires: _dt.datetime


@dataclass(frozen=True)
class _Trusted:
    certificate: x509.Certificate
    key: xmlsec.Key


@dataclass(frozen=True)
class _Reference:
    target_id: str
    digest_uri: str
    digest_value: bytes
    inclusive_prefixes: tuple[str, ...]


@dataclass(frozen=True)
class _Structure:
    body: etree._Element
    security: etree._Element
    signature: etree._Element


class Verifier:
    """Verifies WS-Security X.509 signatures against pinned certificates.

    `trusted` holds the certificates (PEM, DER or ``x509.Certificate``) whose
    signatures are accepted; a message is checked with the pinned certificate's
    own public key, never with a key taken from the message. `clock_skew` is the
    tolerance applied to the Timestamp. SHA-1 is refused unless `allow_sha1`.
    With `require_signed_token`, the BinarySecurityToken must be signed as well.

    A ``Verifier`` holds no per-message state and may be shared between threads.
    """

    def __init__(
        self,
        trusted: Sequence[bytes | x509.Certificate],
        *,
        clock_skew: _dt.timedelta = _dt.timedelta(minutes=1),
        allow_sha1: bool = False,
        require_signed_token: bool = False,
    ) -> None:
        if isinstance(trusted, bytes | x509.Certificate):
            raise TypeError("trusted must be a sequence of certificates")
        if not trusted:
            raise ConfigError("at least one trusted certificate is required")
        if clock_skew < _dt.timedelta(0):
            raise ConfigError("the clock skew must not be negative", key="clock_skew")
        self._trusted: dict[bytes, _Trusted] = {}
        for item in trusted:
            certificate = _load_cert(item)
            der = certificate.public_bytes(serialization.Encoding.DER)
            key = xmlsec.Key.from_memory(der, xmlsec.constants.KeyDataFormatCertDer)
            self._trusted[der] = _Trusted(certificate, key)
        self._clock_skew = clock_skew
        self._allow_sha1 = allow_sha1
        self._require_signed_token = require_signed_token

    @property
    def trusted(self) -> tuple[x509.Certificate, ...]:
        """The pinned certificates."""
        return tuple(entry.certificate for entry in self._trusted.values())

    @staticmethod
    def has_signature(envelope: etree._Element) -> bool:
        """Tell whether `envelope` carries a ``wsse:Security/ds:Signature`` at all.

        This says nothing about validity; it lets a caller tell a SOAP fault that
        came unsigned (shown as unverified) from one whose signature must check.
        """
        if envelope.tag != _TAG_ENVELOPE:
            return False
        return any(
            _children(security, _TAG_SIGNATURE)
            for header in _children(envelope, _TAG_HEADER)
            for security in _children(header, _TAG_SECURITY)
        )

    def verify(
        self, envelope: etree._Element, *, now: _dt.datetime | None = None
    ) -> VerifiedMessage:
        """Verify the signature of `envelope`; return what it vouches for.

        `now` (timezone-aware) is the clock against which the Timestamp is
        checked; it defaults to the current time. Raises a
        :class:`~ksz_client._exceptions.SignatureError` subclass on any failure.

        On success, comments are removed from the Body (the text around them
        is joined back): canonicalization leaves them out of the digest, so they
        are the one part of the Body anyone could have inserted, e.g. to cut a
        text value short for a reader of ``.text``.
        """
        moment = _aware_now(now)
        tree = envelope.getroottree()
        if tree.docinfo.internalDTD is not None:
            # A DTD can declare ID attributes of any name, which would let "#x"
            # resolve somewhere the checks below do not look.
            raise SignatureWrapping("a document with a DTD is not accepted")
        wsu_ids = _collect_ids(tree.getroot())
        structure = _locate(envelope)
        signed_info = _signed_info(structure.signature)
        references = self._check_algorithms(signed_info)
        token, trusted = self._signing_certificate(structure)
        self._verify_crypto(structure.signature, signed_info, references, trusted, wsu_ids)
        timestamp = self._check_coverage(structure, references, wsu_ids, token)
        created, expires = self._check_timestamp(timestamp, moment)
        _drop_unsigned_nodes(structure.body)
        return VerifiedMessage(
            body=structure.body,
            certificate=trusted.certificate,
            created=created,
            expires=expires,
        )

    # -- steps ----------------------------------------------------------------------

    def _check_algorithms(self, signed_info: etree._Element) -> list[_Reference]:
        c14n, method, *reference_nodes = _elements(signed_info)
        c14n_uri = c14n.get("Algorithm")
        if c14n_uri not in _C14N_METHODS:
            raise WeakAlgorithm(f"canonicalization method {_shorten(c14n_uri)} is not allowed")
        # WSS4J-style stacks put an InclusiveNamespaces PrefixList here; nothing else.
        if any(
            c14n_uri != _EXC_C14N or param.tag != _TAG_INCLUSIVE_NAMESPACES
            for param in _elements(c14n)
        ):
            raise WeakAlgorithm("unexpected parameter in the canonicalization method")
        method_uri = method.get("Algorithm")
        if method_uri == _RSA_SHA1:
            if not self._allow_sha1:
                raise WeakAlgorithm("the signature uses RSA-SHA1")
        elif method_uri not in _SIGNATURE_METHODS:
            raise WeakAlgorithm(f"signature method {_shorten(method_uri)} is not allowed")

        references = []
        for node in reference_nodes:
            match = _SAME_DOCUMENT_REF.fullmatch(node.get("URI") or "")
            if match is None:
                raise SignatureWrapping("only same-document '#id' references are allowed")
            children = _elements(node)
            if not children or children[0].tag != _TAG_TRANSFORMS:
                raise WeakAlgorithm("a Reference must use exactly one exclusive C14N transform")
            expected = [_TAG_TRANSFORMS, _TAG_DIGEST_METHOD, _TAG_DIGEST_VALUE]
            if [child.tag for child in children] != expected:
                raise InvalidSignature(
                    "a Reference must hold Transforms, a DigestMethod and a DigestValue"
                )
            transforms, digest_method, digest_value = children
            prefixes = _reference_transform(transforms)
            digest_uri = digest_method.get("Algorithm") or ""
            if digest_uri == _SHA1:
                if not self._allow_sha1:
                    raise WeakAlgorithm("a reference digest uses SHA-1")
            elif digest_uri not in _DIGEST_METHODS:
                raise WeakAlgorithm(f"digest method {_shorten(digest_uri)} is not allowed")
            try:
                value = base64.b64decode("".join((digest_value.text or "").split()), validate=True)
            except binascii.Error as exc:
                raise InvalidSignature("a DigestValue is not valid base64") from exc
            references.append(_Reference(match.group(1), digest_uri, value, prefixes))
        return references

    def _signing_certificate(self, structure: _Structure) -> tuple[etree._Element | None, _Trusted]:
        """Find the certificate KeyInfo names and match it against the pinned set.

        Returns the BinarySecurityToken it came from (None for X509Data) and the
        pinned entry. Only byte-identical certificates are accepted.
        """
        key_infos = _children(structure.signature, _TAG_KEY_INFO)
        if len(key_infos) != 1:
            raise UntrustedCertificate("the signature has no KeyInfo naming its certificate")
        candidates: list[tuple[etree._Element | None, str]] = []
        for item in _elements(key_infos[0]):
            if item.tag == _TAG_STR:
                for ref in _children(item, _TAG_STR_REFERENCE):
                    token = _referenced_token(structure.security, ref.get("URI") or "")
                    candidates.append((token, token.text or ""))
            elif item.tag == _TAG_X509_DATA:
                candidates.extend(
                    (None, cert.text or "") for cert in _children(item, _TAG_X509_CERTIFICATE)
                )
        if not candidates:
            raise UntrustedCertificate("KeyInfo names no X.509 certificate")
        for source, text in candidates:
            try:
                der = base64.b64decode("".join(text.split()), validate=True)
            except binascii.Error as exc:
                raise UntrustedCertificate("a certificate in the message is not base64") from exc
            trusted = self._trusted.get(der)
            if trusted is not None:
                return source, trusted
        raise UntrustedCertificate("the signing certificate is not one of the trusted ones")

    def _verify_crypto(
        self,
        signature: etree._Element,
        signed_info: etree._Element,
        references: list[_Reference],
        trusted: _Trusted,
        wsu_ids: dict[str, etree._Element],
    ) -> None:
        """XML-DSig core validation, with the algorithms `_check_algorithms` allowed.

        Every reference is digested over the element its ``#id`` names in
        `wsu_ids` (ids are unique, see `_collect_ids`): the very objects the
        coverage checks then compare by identity. SignedInfo is canonicalized as
        its CanonicalizationMethod says and checked with the pinned key only.
        """
        for ref in references:
            target = wsu_ids.get(ref.target_id)
            if target is None:
                raise InvalidSignature("a Reference names no wsu:Id of this message")
            if not hmac.compare_digest(_digest(target, ref), ref.digest_value):
                raise InvalidSignature("the signature does not verify (a digest differs)")
        values = _children(signature, _TAG_SIGNATURE_VALUE)
        if len(values) != 1:
            raise InvalidSignature("the signature needs exactly one SignatureValue")
        try:
            value = base64.b64decode("".join((values[0].text or "").split()), validate=True)
        except binascii.Error as exc:
            raise InvalidSignature("the SignatureValue is not valid base64") from exc
        c14n, method = _elements(signed_info)[:2]
        c14n_uri = c14n.get("Algorithm") or ""
        prefixes = [p for extra in _elements(c14n) for p in (extra.get("PrefixList") or "").split()]
        data = _c14n(signed_info, exclusive=_C14N_METHODS[c14n_uri], prefixes=prefixes)
        method_uri = method.get("Algorithm") or ""
        transform = (xmlsec.constants.TransformRsaSha1 if method_uri == _RSA_SHA1
                     else _SIGNATURE_METHODS[method_uri])
        ctx = xmlsec.SignatureContext()
        ctx.key = trusted.key  # the pinned key only: nothing is read from KeyInfo
        try:
            ctx.verify_binary(data, transform, value)
        except xmlsec.Error as exc:
            raise InvalidSignature("the signature does not verify") from exc

    def _check_coverage(
        self,
        structure: _Structure,
        references: list[_Reference],
        wsu_ids: dict[str, etree._Element],
        token: etree._Element | None,
    ) -> etree._Element:
        """Make sure the Body and the Timestamp themselves are what was signed.

        Returns the Security header's Timestamp.
        """
        targets = [(ref, wsu_ids.get(ref.target_id)) for ref in references]

        def covering(element: etree._Element) -> _Reference | None:
            for ref, target in targets:
                if target is element:
                    return ref
            return None

        def signed_elsewhere(tag: str) -> bool:
            return any(target is not None and target.tag == tag for _ref, target in targets)

        timestamps = _children(structure.security, _TAG_TIMESTAMP)
        if len(timestamps) > 1:
            raise SignatureWrapping("the Security header holds more than one Timestamp")

        # Every reference's digest was checked by _verify_crypto over the element
        # object found here, so "covered" (identity) is "signed as it stands".
        body_ref = covering(structure.body)
        if body_ref is None:
            if signed_elsewhere(_TAG_BODY):
                raise SignatureWrapping("the signed Body is not the envelope's Body")
            raise UnsignedPart("the envelope's Body is not signed")

        if not timestamps:
            if signed_elsewhere(_TAG_TIMESTAMP):
                raise SignatureWrapping("the signed Timestamp is not in the Security header")
            raise TimestampError("the Security header has no Timestamp")
        timestamp = timestamps[0]
        ts_ref = covering(timestamp)
        if ts_ref is None:
            if signed_elsewhere(_TAG_TIMESTAMP):
                raise SignatureWrapping("the signed Timestamp is not the Security header's one")
            raise UnsignedPart("the Timestamp is not signed")

        if self._require_signed_token:
            token_ref = covering(token) if token is not None else None
            if token is None or token_ref is None:
                raise UnsignedPart("the BinarySecurityToken is not signed")
        return timestamp

    def _check_timestamp(
        self, timestamp: etree._Element, now: _dt.datetime
    ) -> tuple[_dt.datetime, _dt.datetime]:
        created_nodes = _children(timestamp, _TAG_CREATED)
        expires_nodes = _children(timestamp, _TAG_EXPIRES)
        if len(created_nodes) != 1 or len(expires_nodes) != 1:
            raise TimestampError("the Timestamp needs exactly one Created and one Expires")
        created = _parse_time(created_nodes[0].text, "Created")
        expires = _parse_time(expires_nodes[0].text, "Expires")
        if expires < created:
            raise TimestampError("the Timestamp expires before it was created")
        if expires < now - self._clock_skew:
            raise TimestampError("the Timestamp has expired")
        if created > now + self._clock_skew:
            raise TimestampError("the Timestamp was created in the future")
        return created, expires


# --- verification helpers -----------------------------------------------------------


# Every attribute some resolver could take for an ID, found by libxml2 in one pass.
_ID_ATTRIBUTES: Final = etree.XPath(
    "//@*[local-name()='Id' or local-name()='ID' or local-name()='id']")


def _collect_ids(root: etree._Element) -> dict[str, etree._Element]:
    """Map wsu:Id values to elements; refuse any id value carried twice.

    Every attribute that some resolver could treat as an ID (``wsu:Id``, ``Id``,
    ``ID``, ``id``, ``xml:id``, in any namespace) takes part in the uniqueness
    check, so "#x" can only ever mean one element.
    """
    owners: dict[str, etree._Element] = {}
    wsu_ids: dict[str, etree._Element] = {}
    found = _ID_ATTRIBUTES(root)
    assert isinstance(found, list)
    for attribute in found:
        value = str(attribute)
        element = attribute.getparent()  # type: ignore[union-attr]
        if not isinstance(element, etree._Element):
            continue  # an XPath result is always an attribute of an element
        owner = owners.setdefault(value, element)
        if owner is not element:
            raise DuplicateId("two elements carry the same id")
        if attribute.attrname == _ATTR_WSU_ID:  # type: ignore[union-attr]
            wsu_ids[value] = element
    return wsu_ids


def _locate(envelope: etree._Element) -> _Structure:
    if envelope.tag != _TAG_ENVELOPE:
        raise MissingSignature("not a SOAP 1.1 Envelope, so no wsse:Security header")
    headers = _children(envelope, _TAG_HEADER)
    if len(headers) > 1:
        raise SignatureWrapping("the envelope has more than one Header")
    securities = _children(headers[0], _TAG_SECURITY) if headers else []
    if not securities:
        raise MissingSignature("no wsse:Security header")
    if len(securities) > 1:
        raise SignatureWrapping("more than one wsse:Security header")
    security = securities[0]
    signatures = _children(security, _TAG_SIGNATURE)
    if not signatures:
        raise MissingSignature("the wsse:Security header holds no ds:Signature")
    if len(signatures) > 1:
        raise SignatureWrapping("the wsse:Security header holds more than one ds:Signature")
    bodies = _children(envelope, _TAG_BODY)
    if not bodies:
        raise UnsignedPart("the envelope has no Body")
    if len(bodies) > 1:
        raise SignatureWrapping("the envelope has more than one Body")
    return _Structure(body=bodies[0], security=security, signature=signatures[0])


def _signed_info(signature: etree._Element) -> etree._Element:
    children = _elements(signature)
    if not children or children[0].tag != _TAG_SIGNED_INFO:
        raise InvalidSignature("the signature does not start with SignedInfo")
    signed_info = children[0]
    parts = _elements(signed_info)
    if (
        len(parts) < 3
        or parts[0].tag != _TAG_C14N_METHOD
        or parts[1].tag != _TAG_SIGNATURE_METHOD
        or any(part.tag != _TAG_REFERENCE for part in parts[2:])
    ):
        raise InvalidSignature(
            "SignedInfo must hold CanonicalizationMethod, SignatureMethod and References"
        )
    return signed_info


def _reference_transform(transforms: etree._Element) -> tuple[str, ...]:
    """Check a Reference's Transforms: exactly one exclusive C14N, nothing else.

    Returns its InclusiveNamespaces PrefixList. Any other transform (XPath,
    XSLT, enveloped, inclusive C14N) is refused: with exclusive C14N alone a
    ``#id`` reference covers the whole element, which is what is re-checked.
    """
    items = _elements(transforms)
    if len(items) != 1 or items[0].tag != _TAG_TRANSFORM:
        raise WeakAlgorithm("a Reference must use exactly one exclusive C14N transform")
    transform = items[0]
    if transform.get("Algorithm") != _EXC_C14N:
        raise WeakAlgorithm(
            f"reference transform {_shorten(transform.get('Algorithm'))} is not allowed"
        )
    prefixes: list[str] = []
    for extra in _elements(transform):
        if extra.tag != _TAG_INCLUSIVE_NAMESPACES:
            raise WeakAlgorithm("unexpected parameter in the C14N transform")
        prefixes.extend((extra.get("PrefixList") or "").split())
    return tuple(prefixes)


def _referenced_token(security: etree._Element, uri: str) -> etree._Element:
    match = _SAME_DOCUMENT_REF.fullmatch(uri)
    if match is None:
        raise UntrustedCertificate("the token reference is not a same-document '#id'")
    for token in _children(security, _TAG_BST):
        if token.get(_ATTR_WSU_ID) == match.group(1):
            value_type = token.get("ValueType")
            encoding = token.get("EncodingType")
            if value_type != _X509V3 or encoding not in (None, _BASE64_BINARY):
                raise UntrustedCertificate("the referenced token is not a base64 X.509v3 token")
            return token
    raise UntrustedCertificate("KeyInfo references no BinarySecurityToken of this header")


def _c14n(element: etree._Element, *, exclusive: bool,
          prefixes: Sequence[str] = ()) -> bytes:
    """Canonical XML (without comments) of `element`, by libxml2 as xmlsec would."""
    return etree.tostring(element, method="c14n", exclusive=exclusive, with_comments=False,
                          inclusive_ns_prefixes=list(prefixes) or None)


def _digest(element: etree._Element, ref: _Reference) -> bytes:
    """The digest of `element` under `ref`'s exclusive C14N transform and digest method."""
    name = "sha1" if ref.digest_uri == _SHA1 else _DIGEST_METHODS[ref.digest_uri]
    return hashlib.new(name, _c14n(element, exclusive=True,
                                   prefixes=ref.inclusive_prefixes)).digest()


def _parse_time(text: str | None, field: str) -> _dt.datetime:
    match = _DATETIME.fullmatch((text or "").strip())
    if match is None:
        raise TimestampError(f"the Timestamp's {field} is not a UTC xsd:dateTime")
    main, fraction, zone = match.groups()
    micro = (fraction or "").ljust(6, "0")[:6]
    try:
        parsed = _dt.datetime.fromisoformat(f"{main}.{micro}{'+00:00' if zone == 'Z' else zone}")
    except ValueError as exc:
        raise TimestampError(f"the Timestamp's {field} is not a valid date") from exc
    return parsed.astimezone(_dt.UTC)


def _drop_unsigned_nodes(body: etree._Element) -> None:
    """Remove comments (outside the digest), keeping the text around them."""
    for node in list(body.iter(etree.Comment)):
        parent = node.getparent()
        if parent is None:
            continue
        if node.tail:
            previous = node.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + node.tail
            else:
                parent.text = (parent.text or "") + node.tail
        parent.remove(node)
