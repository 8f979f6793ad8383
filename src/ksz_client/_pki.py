"""Key and certificate helpers: loading credentials and making throw-away ones.

The sandbox and the tests generate self-signed certificates here; real
deployments load the certificate the KSZ/Smals issued (PEM or PKCS#12).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

__all__ = [
    "Credentials",
    "generate_self_signed",
    "load_certificate",
    "load_pkcs12",
    "unencrypted_pem",
]


@dataclass(frozen=True, repr=False)
class Credentials:
    """An unencrypted PEM private key and its PEM certificate (kept in memory only)."""

    key_pem: bytes
    cert_pem: bytes

    def __repr__(self) -> str:
        subject = self.certificate.subject.rfc4514_string()
        return f"Credentials(subject={subject!r}, key=<redacted>)"

    @property
    def certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.cert_pem)


def generate_self_signed(
    common_name: str,
    *,
    days: int = 365,
    key_size: int = 2048,
    not_before: _dt.datetime | None = None,
) -> Credentials:
    """Make an RSA key and a self-signed certificate for it (sandbox and tests only)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ksz-client sandbox"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "BE"),
        ]
    )
    start = not_before or (_dt.datetime.now(_dt.UTC) - _dt.timedelta(minutes=5))
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + _dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.DNSName(common_name)]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    return _pem(key, cert)


def _pem(key: PrivateKeyTypes, cert: x509.Certificate) -> Credentials:
    return Credentials(key_pem=unencrypted_pem(key), cert_pem=cert.public_bytes(
        serialization.Encoding.PEM))


def unencrypted_pem(key: PrivateKeyTypes) -> bytes:
    """A private key as unencrypted PKCS#8 PEM, for xmlsec (kept in memory only)."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_certificate(data: bytes) -> x509.Certificate:
    """Load a certificate from PEM or DER bytes."""
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def load_pkcs12(data: bytes, password: bytes | None) -> Credentials:
    """Load a PKCS#12 bundle into PEM credentials (raises ValueError when unreadable)."""
    key, cert, _chain = pkcs12.load_key_and_certificates(data, password)
    if key is None or cert is None:
        raise ValueError("the PKCS#12 file holds no private key and certificate pair")
    return _pem(key, cert)
