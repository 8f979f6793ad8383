"""The naive baseline: plain zeep with ``BinarySignature``, as the issue describes it.

Kept free of ksz_client imports, so that ``python -m benchmarks._zeep`` (a one-off
zeep consultation, the baseline of the CLI wall time) loads only what zeep needs.

``python -m benchmarks._zeep WSDL BINDING URL KEY CERT KSZ_CERT CBE SSIN`` calls
searchPersonBySsin once and prints the answer as JSON.
"""

from __future__ import annotations

import datetime as _dt
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

LEGAL_CONTEXT = "PCSA:SOCIAL_INQUIRY"


def customer(cbe_number: str) -> dict[str, Any]:
    """The informationCustomer block of a WS-Consult request."""
    return {
        "ticket": str(uuid.uuid4()),
        "timestampSent": _dt.datetime.now(_dt.UTC),
        "customerIdentification": {"cbeNumber": cbe_number},
    }


def _add_timestamp(envelope: Any) -> None:
    # The KSZ requires a signed wsu:Timestamp; zeep's BinarySignature signs one if
    # present. Built with zeep's own helpers, as its UsernameToken builds its own.
    from zeep.wsse.utils import WSU, get_security_header

    now = _dt.datetime.now(_dt.UTC)
    get_security_header(envelope).append(WSU.Timestamp(
        WSU.Created(now.strftime("%Y-%m-%dT%H:%M:%SZ")),
        WSU.Expires((now + _dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")),
    ))


def zeep_service(wsdl: Path, binding: str, url: str, *, key: Path, cert: Path,
                 ksz_cert: bytes) -> Any:
    """A zeep service proxy: Client built once on the WSDL, BinarySignature RSA-SHA256.

    Answers are verified with the KSZ's certificate (zeep would use the client's
    own), the key read from it on each call as zeep's ``_make_verify_key`` does.
    """
    import xmlsec
    import zeep
    from zeep.wsse import signature

    class KszSignature(signature.BinarySignature):  # type: ignore[misc]
        def apply(self, envelope: Any, headers: Any) -> Any:
            _add_timestamp(envelope)
            return super().apply(envelope, headers)

        def verify(self, envelope: Any) -> Any:
            verify_key = xmlsec.Key.from_memory(ksz_cert, xmlsec.KeyFormat.CERT_PEM, None)
            signature._verify_envelope_with_key(envelope, verify_key)
            return envelope

    client = zeep.Client(
        str(wsdl),
        wsse=KszSignature(str(key), str(cert), signature_method=xmlsec.Transform.RSA_SHA256,
                          digest_method=xmlsec.Transform.SHA256),
    )
    return client.create_service(binding, url)


def main(argv: Sequence[str] | None = None) -> int:
    import json

    import zeep.helpers

    wsdl, binding, url, key, cert, ksz_cert, cbe, ssin = argv or sys.argv[1:]
    service = zeep_service(Path(wsdl), binding, url, key=Path(key), cert=Path(cert),
                           ksz_cert=Path(ksz_cert).read_bytes())
    answer = service.searchPersonBySsin(informationCustomer=customer(cbe),
                                        legalContext=LEGAL_CONTEXT, criteria={"ssin": ssin})
    sys.stdout.write(json.dumps(zeep.helpers.serialize_object(answer, dict), default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
