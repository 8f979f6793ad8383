"""The public surface: `__all__` is explicit, complete, documented, and import stays light."""

from __future__ import annotations

import subprocess
import sys

import ksz_client

EXPECTED = {
    # client and configuration
    "KszClient", "KszConfig", "Organisation", "Auth", "AuthMode", "Trust", "Timeouts",
    "Application", "Environment", "Secret",
    # value types
    "CallContext", "PartialDate", "Period", "Status", "StatusValue", "Receipt", "Information",
    "PersonName", "Address", "AddressKind", "Place", "Ssin", "Gender", "SsinKind",
    # audit log
    "AuditLog", "AuditError",
    # batches
    "Batch", "BatchResult", "RowStatus",
    # seams
    "CallObserver", "Exchange", "Outcome", "Transport", "HttpRequest", "HttpResponse",
    "RequestsTransport", "RetryPolicy",
    # errors
    "KszError", "ConfigError", "ValidationError", "InvalidSsin", "MissingCallContext",
    "InvalidLegalContext", "TransportError", "ConnectError", "KszTimeout", "HttpStatusError",
    "InDoubtError", "ResponseError", "SignatureError", "MissingSignature",
    "UntrustedCertificate", "InvalidSignature", "UnsignedPart", "SignatureWrapping",
    "DuplicateId", "WeakAlgorithm", "TimestampError", "KszBusinessError", "NoResult",
    "UnknownSsin", "SsinReplaced", "InvalidData", "InvalidSsinStructure", "NotIntegrated",
    "NotAuthorized", "KszFault", "FaultDetail",
    "__version__",
}


def test_all_is_exactly_the_public_api() -> None:
    assert set(ksz_client.__all__) == EXPECTED
    assert ksz_client.__all__ == sorted(ksz_client.__all__, key=lambda n: (n.startswith("_"), n))


def test_every_public_name_resolves_and_is_documented() -> None:
    for name in ksz_client.__all__:
        value = getattr(ksz_client, name)
        if name != "__version__":
            assert value.__doc__, f"{name} has no docstring"
    assert sorted(dir(ksz_client)) == sorted(ksz_client.__all__)


def test_unknown_attribute_raises_attribute_error() -> None:
    try:
        ksz_client.NoSuchThing  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchThing" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")


def test_importing_the_package_and_the_ssin_module_loads_no_heavy_dependency() -> None:
    code = (
        "import sys, ksz_client, ksz_client.ssin, ksz_client.cli;"
        "heavy = [m for m in ('lxml', 'xmlsec', 'requests', 'zeep', 'cryptography')"
        " if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""


def test_exception_tree_is_drawn_in_the_module_docstring() -> None:
    from ksz_client import _exceptions

    doc = _exceptions.__doc__ or ""
    for name in _exceptions.__all__:
        if name != "FaultDetail":
            assert name in doc, f"{name} is missing from the drawn tree"
