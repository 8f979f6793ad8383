"""TestConnectionService V1 models: what the KSZ echoes and the certificate it saw."""

from __future__ import annotations

from dataclasses import dataclass, field

from ksz_client._credentials import CertificateInfo
from ksz_client.types import Receipt, Status

__all__ = ["CertificateInfo", "TestConnectionResult"]


@dataclass(frozen=True)
class TestConnectionResult:
    """The answer to ``sendTestMessage``.

    ``echo`` is the message as the KSZ returned it (the client checks it is the
    one sent). ``certificate`` is the certificate the KSZ says it saw on the
    connection (``sslCertificate``), read into typed fields when the KSZ sends
    a certificate (PEM or base64 DER); ``None`` when it sends something else,
    which ``certificate_text`` keeps as written. ``status`` is DATA_FOUND
    MSG00000: the service has no status of its own, an answer is its success.
    """

    __test__ = False  # not a pytest test class, despite its name

    echo: str
    certificate: CertificateInfo | None
    status: Status
    receipt: Receipt
    certificate_text: str = field(default="", repr=False)
