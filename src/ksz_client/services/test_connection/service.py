"""TestConnectionService V1: `client.test_connection.send(echo)`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from ksz_client import catalogue
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client.services._registry import operation
from ksz_client.services.test_connection import _wire
from ksz_client.services.test_connection.models import TestConnectionResult
from ksz_client.types import CallContext

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["TestConnectionService"]

MAX_ECHO: Final = 256
"""Longest echo accepted: a connection test needs no more."""


class TestConnectionService:
    """TestConnectionService V1 (KSZ / CBSS): echo a message over the signed connection.

    The KSZ answers with the echo and the certificate it saw: a check that the
    endpoint, the network path, TLS and the WS-Security signature all work,
    without touching personal data. No legal context, no integration.
    Contract: official (TestConnectionService.wsdl, TestConnectionServiceV1.xsd).
    """

    __test__ = False  # not a pytest test class, despite its name

    service = catalogue.get("TestConnectionService")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("sendTestMessage")
    def send(self, echo: str, *,
             context: CallContext | None = None) -> TestConnectionResult:
        """Send a test message (``sendTestMessage``) and read the echo and certificate seen.

        Raises `ValidationError` before sending for an echo over 256 characters or
        with control characters; `ResponseError` when the echo comes back changed.

        Args:
            echo: the text the KSZ must send back
            context: the call context (only its user counts), when not bound
        """
        if len(echo) > MAX_ECHO:
            raise ValidationError(f"the echo has at most {MAX_ECHO} characters")
        if any(ord(c) < 32 and c not in "\t\n\r" for c in echo):
            raise ValidationError("the echo cannot hold control characters")
        reply = self._client._call(
            self.service,
            "sendTestMessage",
            lambda payload: _wire.write_request(payload, echo),
            context=context,
            subjects=(),
        )
        echoed, text = _wire.read_answer(reply.payload)
        if echoed != echo:
            raise ResponseError("the answer echoes another message than the one sent")
        return TestConnectionResult(
            echo=echoed,
            certificate=_wire.read_certificate(text),
            status=reply.status,
            receipt=reply.receipt,
            certificate_text=text,
        )
