"""TestConnectionService V1 (``sendTestMessage``): the echo and the certificate seen.

- the answer echoes the request's ``echo`` unchanged and reports, as PEM in
  ``sslCertificate``, the certificate whose WS-Security signature the request
  carried (the engine verified it against the client certificates it trusts);
- no organisation, legal context or integration is checked: the request has
  none, and an untrusted signature never reaches the handler (the engine
  answers a ``wsse:InvalidSecurity`` fault);
- faults come from the engine (fault header, `FaultSwitch`): the WSDL declares
  none of its own.
"""

from __future__ import annotations

from ksz_client import _xml
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.services.test_connection import _wire


@handles("TestConnectionService", "sendTestMessage")
def send_test_message(ctx: HandlerContext, payload: _xml.Element) -> Answer:
    echo = _wire.read_echo(payload)
    # Signed requests are the only ones the engine lets through; the sandbox's
    # TLS does not ask for client certificates, so the signature's is the one seen.
    seen = _wire.certificate_text(ctx.certificate) if ctx.certificate is not None else ""

    def fill(root: _xml.Element) -> None:
        _wire.write_answer(root, echo, seen)

    return Answer(status("DATA_FOUND", "MSG00000"), fill, wrapper=None)
