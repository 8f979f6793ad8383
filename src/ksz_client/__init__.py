"""ksz-client: a typed SDK for the web services of the KSZ/BCSS/CBSS.

>>> from ksz_client import KszClient, KszConfig
>>> client = KszClient(KszConfig.load()).acting_for(
...     user="social-worker-42", legal_context="PCSA:SOCIAL_INQUIRY", dossier="2026/0042")
>>> result = client.person.get("85.07.30-033.28")

The names below are the public API. Heavy modules (lxml, xmlsec, requests)
load on first use of a name that needs them, so that importing a light
module (``ksz_client.ssin``) or running ``ksz ssin check`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ksz_client._exceptions import (
    AuditError,
    ConfigError,
    ConnectError,
    DuplicateId,
    FaultDetail,
    HttpStatusError,
    InDoubtError,
    InvalidData,
    InvalidLegalContext,
    InvalidSignature,
    InvalidSsin,
    InvalidSsinStructure,
    KszBusinessError,
    KszError,
    KszFault,
    KszTimeout,
    MissingCallContext,
    MissingSignature,
    NoResult,
    NotAuthorized,
    NotIntegrated,
    ResponseError,
    SignatureError,
    SignatureWrapping,
    SsinReplaced,
    TimestampError,
    TransportError,
    UnknownSsin,
    UnsignedPart,
    UntrustedCertificate,
    ValidationError,
    WeakAlgorithm,
)
from ksz_client.ssin import Gender, Ssin, SsinKind

if TYPE_CHECKING:
    from ksz_client._client import KszClient
    from ksz_client._config import (
        Application,
        Auth,
        AuthMode,
        Environment,
        KszConfig,
        Organisation,
        Secret,
        Timeouts,
        Trust,
    )
    from ksz_client._transport import (
        HttpRequest,
        HttpResponse,
        RequestsTransport,
        RetryPolicy,
        Transport,
    )
    from ksz_client.audit import AuditLog
    from ksz_client.batch import Batch, BatchResult, RowStatus
    from ksz_client.hooks import CallObserver, Exchange, Outcome
    from ksz_client.types import (
        Address,
        AddressKind,
        CallContext,
        Information,
        PartialDate,
        Period,
        PersonName,
        Place,
        Receipt,
        Status,
        StatusValue,
    )

__version__ = "0.1.0"

_LAZY: dict[str, str] = {
    "KszClient": "ksz_client._client",
    "AuditLog": "ksz_client.audit",
    **dict.fromkeys(("Batch", "BatchResult", "RowStatus"), "ksz_client.batch"),
    **dict.fromkeys(
        ("Application", "Auth", "AuthMode", "Environment", "KszConfig", "Organisation",
         "Secret", "Timeouts", "Trust"),
        "ksz_client._config",
    ),
    **dict.fromkeys(
        ("HttpRequest", "HttpResponse", "RequestsTransport", "RetryPolicy", "Transport"),
        "ksz_client._transport",
    ),
    **dict.fromkeys(("CallObserver", "Exchange", "Outcome"), "ksz_client.hooks"),
    **dict.fromkeys(
        ("Address", "AddressKind", "CallContext", "Information", "PartialDate", "Period",
         "PersonName", "Place", "Receipt", "Status", "StatusValue"),
        "ksz_client.types",
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ksz_client' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "Address",
    "AddressKind",
    "Application",
    "AuditError",
    "AuditLog",
    "Auth",
    "AuthMode",
    "Batch",
    "BatchResult",
    "CallContext",
    "CallObserver",
    "ConfigError",
    "ConnectError",
    "DuplicateId",
    "Environment",
    "Exchange",
    "FaultDetail",
    "Gender",
    "HttpRequest",
    "HttpResponse",
    "HttpStatusError",
    "InDoubtError",
    "Information",
    "InvalidData",
    "InvalidLegalContext",
    "InvalidSignature",
    "InvalidSsin",
    "InvalidSsinStructure",
    "KszBusinessError",
    "KszClient",
    "KszConfig",
    "KszError",
    "KszFault",
    "KszTimeout",
    "MissingCallContext",
    "MissingSignature",
    "NoResult",
    "NotAuthorized",
    "NotIntegrated",
    "Organisation",
    "Outcome",
    "PartialDate",
    "Period",
    "PersonName",
    "Place",
    "Receipt",
    "RequestsTransport",
    "ResponseError",
    "RetryPolicy",
    "RowStatus",
    "Secret",
    "SignatureError",
    "SignatureWrapping",
    "Ssin",
    "SsinKind",
    "SsinReplaced",
    "Status",
    "StatusValue",
    "Timeouts",
    "TimestampError",
    "Transport",
    "TransportError",
    "Trust",
    "UnknownSsin",
    "UnsignedPart",
    "UntrustedCertificate",
    "ValidationError",
    "WeakAlgorithm",
    "__version__",
]
