"""TestConnectionService V1 <-> XML: the echo both ways and the certificate seen.

The client writes the request and reads the answer; the sandbox reads the
request and writes the answer with the same functions.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ksz_client import _xml
from ksz_client._credentials import CertificateInfo, certificate_info
from ksz_client._exceptions import ResponseError
from ksz_client._pki import load_certificate

__all__ = ["certificate_text", "read_answer", "read_certificate", "read_echo",
           "write_answer", "write_request"]

_BASE64: Final = re.compile(r"[A-Za-z0-9+/=\s]+")


def write_request(payload: _xml.Element, echo: str) -> None:
    """``sendTestMessageRequest{echo}``."""
    _xml.sub(payload, "echo", echo)


def read_echo(payload: _xml.Element) -> str:
    """The echo of a request or answer, unstripped: it must come back as sent."""
    return _xml.req(payload, "echo").text or ""


def write_answer(payload: _xml.Element, echo: str, certificate: str) -> None:
    """``echo`` and ``sslCertificate``, after the optional informationCBSS."""
    _xml.sub(payload, "echo", echo)
    _xml.sub(payload, "sslCertificate", certificate)


def read_answer(payload: _xml.Element) -> tuple[str, str]:
    """The echo and the ``sslCertificate`` text of an answer (both required)."""
    echo = read_echo(payload)
    _xml.req(payload, "sslCertificate")
    return echo, (payload.findtext("sslCertificate") or "").strip()


def certificate_text(certificate: x509.Certificate) -> str:
    """The certificate as the sandbox reports it: PEM."""
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def read_certificate(text: str) -> CertificateInfo | None:
    """The certificate in ``sslCertificate`` (PEM, or base64 DER), or None for other text.

    The official contract only says ``xsd:string``: what the KSZ writes there
    is not documented, so anything that is not a certificate is kept as text by
    the caller rather than refused.
    """
    data: bytes | None = None
    if "-----BEGIN CERTIFICATE-----" in text:
        data = text.encode("ascii", "replace")
    elif text and _BASE64.fullmatch(text):
        try:
            data = base64.b64decode("".join(text.split()), validate=True)
        except (binascii.Error, ValueError):
            return None
    if data is None:
        return None
    try:
        return certificate_info(load_certificate(data))
    except ValueError:
        if b"-----BEGIN" in data:
            raise ResponseError(
                "sslCertificate holds a PEM block that is not a certificate") from None
        return None
