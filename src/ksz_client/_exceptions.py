"""Every error the SDK raises, in one tree.

```
KszError
├── ConfigError                     bad or missing configuration key (names the key)
├── ValidationError                 bad input, raised before anything is sent
│   ├── InvalidSsin                 an SSIN that fails structure or mod 97
│   ├── MissingCallContext          no user or no legal context for a call
│   └── InvalidLegalContext         a legal context the KSZ would refuse
├── TransportError                  the exchange itself failed (nothing business-level known)
│   ├── ConnectError                no connection; nothing was sent
│   ├── KszTimeout                  connect or read timeout
│   ├── HttpStatusError             HTTP status that is neither 200 nor a SOAP fault
│   └── InDoubtError                a mutation may have been received; it is never re-sent
├── ResponseError                   the answer is not a well-formed, expected KSZ message
├── AuditError                      the audit log cannot record or be read; nothing was sent
├── SignatureError                  WS-Security verification of a response failed
│   ├── MissingSignature            no Security header or no ds:Signature
│   ├── UntrustedCertificate        signed by a certificate that is not pinned in trust
│   ├── InvalidSignature            the cryptographic check failed (tampered content)
│   ├── UnsignedPart                Body or Timestamp not covered by the signature
│   ├── SignatureWrapping           a signed reference is not the envelope's Body/Timestamp
│   ├── DuplicateId                 two elements carry the same wsu:Id
│   ├── WeakAlgorithm               SHA-1 or another algorithm that is not allowed
│   └── TimestampError              Timestamp missing, expired or from the future
└── KszBusinessError                the KSZ answered; the answer is a refusal or a fault
    ├── NoResult                    status NO_RESULT not covered by a subclass below
    │   ├── UnknownSsin             MSG00005 SSIN does not exist
    │   ├── SsinReplaced            MSG00006 SSIN replaced (carries the new SSIN)
    │   ├── InvalidData             MSG00008 the KSZ found the request data invalid
    │   ├── InvalidSsinStructure    MSG00011 the KSZ found the SSIN malformed
    │   ├── NotIntegrated           MSG00012 finality: no covering integration
    │   └── NotAuthorized           MSG00013 not allowed for this legal context/credentials
    └── KszFault                    SOAP fault (e.g. MSG00003), with its details
```

`AuditError` stops a call before any byte leaves when its INTENT record
cannot be committed.

`InvalidSsin` is both a `ValidationError` (raised locally before I/O) and,
through `InvalidSsinStructure`, the KSZ's MSG00011 answer: catching
`InvalidSsin` catches both. `NotIntegrated` is raised by the KSZ (MSG00012)
and, before sending, by the finality guard (same code, no `ticket_cbss`: the
KSZ never saw the call).

No exception carries an SSIN, a secret or a payload in its message: SSINs are
available as attributes for code that needs them, never in `str(exc)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = [
    "AuditError",
    "ConfigError",
    "ConnectError",
    "DuplicateId",
    "FaultDetail",
    "HttpStatusError",
    "InDoubtError",
    "InvalidData",
    "InvalidLegalContext",
    "InvalidSignature",
    "InvalidSsin",
    "InvalidSsinStructure",
    "KszBusinessError",
    "KszError",
    "KszFault",
    "KszTimeout",
    "MissingCallContext",
    "MissingSignature",
    "NoResult",
    "NotAuthorized",
    "NotIntegrated",
    "ResponseError",
    "SignatureError",
    "SignatureWrapping",
    "SsinReplaced",
    "TimestampError",
    "TransportError",
    "UnknownSsin",
    "UnsignedPart",
    "UntrustedCertificate",
    "ValidationError",
    "WeakAlgorithm",
]


class KszError(Exception):
    """Base class of every error raised by ksz-client."""


# --- configuration and input -------------------------------------------------


class ConfigError(KszError):
    """A configuration key is missing or invalid.

    `key` is the dotted name of the offending key (e.g. ``auth.key_file``).
    The message never contains a secret value.
    """

    def __init__(self, message: str, *, key: str | None = None) -> None:
        super().__init__(f"{key}: {message}" if key else message)
        self.key = key


class ValidationError(KszError, ValueError):
    """Input that cannot be sent; raised before any network I/O."""


class InvalidSsin(ValidationError):  # noqa: N818 - named after the domain concept
    """An SSIN (INSZ/NISS) that is malformed or fails its check digits."""


class MissingCallContext(ValidationError):  # noqa: N818
    """A call without the user or legal context the KSZ principles require."""


class InvalidLegalContext(ValidationError):  # noqa: N818
    """A legal context the KSZ would refuse (over 64 characters, bad characters)."""


# --- transport ---------------------------------------------------------------


class TransportError(KszError):
    """The HTTP exchange failed; no KSZ answer was obtained.

    `sent` tells whether bytes may have reached the KSZ (False only when the
    failure happened before the request left, e.g. a refused connection).
    """

    def __init__(self, message: str, *, sent: bool = True) -> None:
        super().__init__(message)
        self.sent = sent


class ConnectError(TransportError):
    """No connection could be made; the request was not sent."""

    def __init__(self, message: str) -> None:
        super().__init__(message, sent=False)


class KszTimeout(TransportError):  # noqa: N818
    """Connect or read timeout."""


class HttpStatusError(TransportError):
    """An HTTP status that is neither a 200 answer nor a SOAP fault."""

    def __init__(self, message: str, *, status_code: int) -> None:
        super().__init__(message, sent=True)
        self.status_code = status_code


class InDoubtError(TransportError):
    """A mutation may have reached the KSZ but no answer came back.

    It is never re-sent automatically: reconcile through the matching
    consultation first. `call_id` is the ticket that was sent.
    """

    def __init__(self, message: str, *, call_id: str) -> None:
        super().__init__(message, sent=True)
        self.call_id = call_id


class ResponseError(KszError):
    """The response is not a well-formed, expected KSZ message.

    Raised for malformed, truncated, DTD-carrying or oversized documents and for
    a missing required element. Unknown extra elements are tolerated.
    """


# --- audit log ---------------------------------------------------------------


class AuditError(KszError):
    """The audit log could not record (or be read).

    Raised before sending when a call's INTENT record cannot be committed:
    nothing was sent. The message never contains an SSIN or a payload.
    """


# --- WS-Security ---------------------------------------------------------------


class SignatureError(KszError):
    """WS-Security verification of a message failed; its content is not used."""


class MissingSignature(SignatureError):  # noqa: N818
    """No wsse:Security header or no ds:Signature in it."""


class UntrustedCertificate(SignatureError):  # noqa: N818
    """The signing certificate is not one of the pinned KSZ certificates."""


class InvalidSignature(SignatureError):  # noqa: N818
    """The signature or a reference digest does not verify (tampered content)."""


class UnsignedPart(SignatureError):  # noqa: N818
    """The Body or the Timestamp is not covered by the signature."""


class SignatureWrapping(SignatureError):  # noqa: N818
    """A signed reference points elsewhere than the envelope's Body or Timestamp."""


class DuplicateId(SignatureError):  # noqa: N818
    """Two elements carry the same wsu:Id (a signature-wrapping precondition)."""


class WeakAlgorithm(SignatureError):  # noqa: N818
    """A digest or signature algorithm that is not allowed (SHA-1 by default)."""


class TimestampError(SignatureError):
    """The wsu:Timestamp is missing, expired, or from the future beyond the skew."""


# --- business answers ------------------------------------------------------------


@dataclass(frozen=True)
class FaultDetail:
    """One `detail` of a CBSS fault or one SSDN `Detail`."""

    severity: str
    reason_code: str
    diagnostic: str = ""
    author_codes: tuple[str, ...] = ()
    information: tuple[tuple[str, str], ...] = field(default=())

    def __repr__(self) -> str:
        # The diagnostic is the KSZ's free text and may quote an SSIN.
        from ksz_client._redact import mask_ssins

        return (
            f"FaultDetail(severity={self.severity!r}, reason_code={self.reason_code!r}, "
            f"diagnostic={mask_ssins(self.diagnostic)!r})"
        )


class KszBusinessError(KszError):
    """The KSZ answered, and the answer is a refusal or a fault.

    Carries the status `value` and `code`, the `ticket` sent and the KSZ's
    `ticket_cbss` so the case can be traced with the KSZ helpdesk.
    """

    def __init__(
        self,
        message: str,
        *,
        value: str = "",
        code: str = "",
        ticket: str | None = None,
        ticket_cbss: str | None = None,
        details: Sequence[FaultDetail] = (),
    ) -> None:
        super().__init__(message)
        self.value = value
        self.code = code
        self.ticket = ticket
        self.ticket_cbss = ticket_cbss
        self.details = tuple(details)


class NoResult(KszBusinessError):  # noqa: N818
    """Status NO_RESULT with a code that has no more specific class."""


class UnknownSsin(NoResult):
    """MSG00005: the SSIN does not exist."""


class SsinReplaced(NoResult):
    """MSG00006: the SSIN was replaced; `new_ssin` is the one to use now."""

    def __init__(self, message: str, *, new_ssin: str | None, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.new_ssin = new_ssin


class InvalidData(NoResult):
    """MSG00008: the KSZ found the request data invalid."""


class InvalidSsinStructure(NoResult, InvalidSsin):
    """MSG00011: the KSZ found the SSIN structurally invalid."""


class NotIntegrated(NoResult):
    """MSG00012, or refused locally by the finality guard: no covering integration."""


class NotAuthorized(NoResult):
    """MSG00013: operation not allowed for this legal context and credentials."""


class KszFault(KszBusinessError):  # noqa: N818 - "fault" is the SOAP term
    """A SOAP fault (`CBSSFaultType` or a plain SOAP 1.1 fault).

    `verified` is False when the fault came without a valid signature: its
    content is shown for diagnosis but must not be trusted.
    """

    def __init__(
        self, message: str, *, faultcode: str = "", verified: bool = True, **kwargs: object
    ) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.faultcode = faultcode
        self.verified = verified
