"""TLS for the sandbox: a throw-away certificate authority and a server certificate.

``ksz sandbox serve --tls`` serves HTTPS with a server certificate (for
127.0.0.1, ::1, localhost and the host it listens on) issued by a CA that
the sandbox generates; ``--write-config`` points the client's
``trust.ca_bundle`` at that CA, so the client verifies the server as it
would the real KSZ.
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
import os
import ssl
import tempfile
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ksz_client._pki import Credentials, unencrypted_pem

__all__ = ["generate_ca", "generate_server", "server_context"]


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ksz-client sandbox"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "BE"),
    ])


def _usage(*, sign_certificates: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True, content_commitment=False,
        key_encipherment=not sign_certificates, data_encipherment=False, key_agreement=False,
        key_cert_sign=sign_certificates, crl_sign=sign_certificates, encipher_only=False,
        decipher_only=False,
    )


def generate_ca(days: int = 3650) -> Credentials:
    """A self-signed CA key pair for the sandbox's TLS server certificates."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    start = _dt.datetime.now(_dt.UTC) - _dt.timedelta(minutes=5)
    name = _name("ksz-client sandbox TLS CA")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + _dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(sign_certificates=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    return Credentials(unencrypted_pem(key), cert.public_bytes(serialization.Encoding.PEM))


def generate_server(ca: Credentials, hosts: Sequence[str], days: int = 825) -> Credentials:
    """A server key pair and certificate for `hosts` (names or IP addresses), issued by `ca`."""
    ca_key = serialization.load_pem_private_key(ca.key_pem, password=None)
    if not isinstance(ca_key, rsa.RSAPrivateKey):
        raise ValueError("the sandbox CA key is not an RSA key")
    ca_cert = ca.certificate
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    names: list[x509.GeneralName] = []
    for host in dict.fromkeys(("localhost", "127.0.0.1", "::1", *hosts)):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    start = _dt.datetime.now(_dt.UTC) - _dt.timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("ksz-client sandbox server"))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + _dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(sign_certificates=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return Credentials(unencrypted_pem(key), cert.public_bytes(serialization.Encoding.PEM))


def server_context(server: Credentials, ca: Credentials) -> ssl.SSLContext:
    """A server-side TLS context (TLS 1.2 or newer) serving `server` with its chain."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    # ssl only loads keys from files: a private directory, removed at once.
    with tempfile.TemporaryDirectory(prefix="ksz-sandbox-tls-") as folder:
        chain, key = Path(folder) / "chain.pem", Path(folder) / "key.pem"
        chain.write_bytes(server.cert_pem + ca.cert_pem)
        fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(server.key_pem)
        context.load_cert_chain(chain, key)
    return context
