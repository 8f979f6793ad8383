"""HTTP transport (a pluggable object with one method) and retry by operation kind.

`Transport.handle` sends one request and returns one response, nothing more:
no retry, no parsing. `RequestsTransport` is the default, on a pooled
`requests.Session`. `RetryPolicy` decides, per operation kind, whether a
failed attempt may be tried again: consultations on connection errors,
timeouts and HTTP 5xx; mutations only when nothing can have left.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import requests
import requests.adapters
from urllib3.exceptions import NameResolutionError, NewConnectionError, ReadTimeoutError

from ksz_client._exceptions import (
    ConnectError,
    HttpStatusError,
    KszTimeout,
    ResponseError,
    TransportError,
)

__all__ = [
    "HttpRequest",
    "HttpResponse",
    "RequestsTransport",
    "RetryPolicy",
    "Transport",
]


@dataclass(frozen=True)
class HttpRequest:
    """One POST of a SOAP message."""

    url: str
    content: bytes
    headers: Mapping[str, str]
    connect_timeout: float
    read_timeout: float


@dataclass(frozen=True)
class HttpResponse:
    """The raw answer: status, headers and the whole body."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes


@runtime_checkable
class Transport(Protocol):
    """Sends one request; raises `ConnectError`, `KszTimeout` or `TransportError`."""

    def handle(self, request: HttpRequest) -> HttpResponse:
        """Send the request and return the response, whatever its HTTP status."""
        ...

    def close(self) -> None:
        """Release pooled connections."""
        ...


class RequestsTransport:
    """The default transport: a pooled `requests.Session`, TLS verified, timeouts always set."""

    def __init__(
        self,
        *,
        pool_size: int = 16,
        verify: bool | str = True,
        client_cert: tuple[str, str] | str | None = None,
        basic_auth: tuple[str, str] | None = None,
        max_response_bytes: int = 20 * 1024 * 1024,
    ) -> None:
        # requests also skips verification for any falsy value, such as "".
        if not verify:
            raise ValueError("TLS verification cannot be switched off")
        self._session = requests.Session()
        # Pool as large as the number of concurrent callers we expect, and no
        # urllib3 retries: retrying is the client's decision, per operation kind.
        adapter = requests.adapters.HTTPAdapter(
            pool_connections=4, pool_maxsize=pool_size, max_retries=0, pool_block=False
        )
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)
        self._session.verify = verify
        self._verify: bool | str = verify
        self._session.trust_env = False  # no proxy or netrc surprises for social data
        if client_cert is not None:
            self._session.cert = client_cert
        self._auth = basic_auth
        self._max = max_response_bytes
        # One prepared POST per endpoint URL, copied for each request (see handle).
        self._templates: dict[str, requests.PreparedRequest] = {}

    def _prepare(self, request: HttpRequest) -> requests.PreparedRequest:
        template = self._templates.get(request.url)
        if template is None:
            template = requests.PreparedRequest()
            template.prepare(method="POST", url=request.url)
            if len(self._templates) < 256:  # a client calls a few dozen endpoints
                self._templates[request.url] = template
        prepared = template.copy()
        # The session's defaults (User-Agent, Accept-Encoding...) as Session.request sent them.
        prepared.prepare_headers({**self._session.headers, **request.headers})
        prepared.prepare_body(request.content, None)
        if self._auth is not None:
            prepared.prepare_auth(self._auth)
        return prepared

    def handle(self, request: HttpRequest) -> HttpResponse:
        # Straight to the session's adapter: what Session.request adds around it
        # (cookies, environment proxies and settings, hooks, redirects) is what
        # the KSZ exchange must not have, and it cost more CPU than the rest of
        # the HTTP exchange. The URL is parsed once per endpoint.
        try:
            prepared = self._prepare(request)
            response = self._session.get_adapter(request.url).send(
                prepared,
                stream=True,
                timeout=(request.connect_timeout, request.read_timeout),
                verify=self._verify,
                cert=self._session.cert,
                proxies=None,
            )
        except requests.exceptions.ConnectTimeout:
            raise ConnectError("connect timeout: no connection to the KSZ endpoint") from None
        except requests.exceptions.ReadTimeout:
            raise KszTimeout("read timeout: the request was sent but no answer came") from None
        except requests.exceptions.SSLError as exc:
            raise ConnectError(f"TLS handshake failed: {_short(exc)}") from None
        except requests.exceptions.ConnectionError as exc:
            raise _connection_error(exc) from None
        except requests.exceptions.RequestException as exc:
            raise TransportError(f"HTTP exchange failed: {_short(exc)}") from None
        try:
            content = self._read(response)
        finally:
            response.close()
        return HttpResponse(response.status_code, dict(response.headers), content)

    def _read(self, response: requests.Response) -> bytes:
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self._max:
            raise ResponseError(f"response is larger than the {self._max}-byte limit")
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(chunk_size=65536):
                size += len(chunk)
                if size > self._max:
                    raise ResponseError(f"response is larger than the {self._max}-byte limit")
                chunks.append(chunk)
        except requests.exceptions.ConnectionError as exc:
            # requests reports a read timeout in the body as a ConnectionError.
            if any(isinstance(e, ReadTimeoutError) for e in _causes(exc)):
                raise KszTimeout("read timeout while receiving the answer") from None
            raise TransportError(
                f"connection lost while reading the answer: {_short(exc)}"
            ) from None
        except requests.exceptions.ChunkedEncodingError:
            raise TransportError("connection lost while reading the answer") from None
        except requests.exceptions.Timeout:
            raise KszTimeout("read timeout while receiving the answer") from None
        except requests.exceptions.RequestException as exc:  # e.g. a corrupt gzip body
            raise TransportError(f"the answer could not be read: {_short(exc)}") from None
        return b"".join(chunks)

    def close(self) -> None:
        self._session.close()


def _connection_error(exc: requests.exceptions.ConnectionError) -> TransportError:
    # A refused or unresolvable connection means nothing left this machine;
    # anything else (reset, remote closed) may have happened after sending.
    if any(isinstance(e, NewConnectionError | NameResolutionError) for e in _causes(exc)):
        return ConnectError(f"cannot connect to the KSZ endpoint: {_short(exc)}")
    return TransportError(f"connection lost during the exchange: {_short(exc)}", sent=True)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    stack: list[object] = [exc]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        stack.extend((getattr(item, "reason", None), item.__cause__, item.__context__, *item.args))


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]


@dataclass(frozen=True)
class RetryPolicy:
    """When to try a failed attempt again.

    Consultations: at most ``max_attempts`` on connection errors, timeouts and
    HTTP 5xx, with full-jitter exponential backoff. Mutations: only when the
    error proves nothing was sent (`ConnectError`). Business answers and
    faults are never retried.
    """

    max_attempts: int = 3
    backoff_base: float = 0.2
    backoff_cap: float = 2.0
    retry_statuses: frozenset[int] = field(default=frozenset({500, 502, 503, 504}))

    def should_retry(self, *, mutation: bool, error: BaseException, attempt: int) -> bool:
        if attempt >= self.max_attempts:
            return False
        if isinstance(error, ConnectError):
            return True
        if mutation:
            return False
        if isinstance(error, HttpStatusError):
            return error.status_code in self.retry_statuses
        return isinstance(error, KszTimeout | TransportError) and not isinstance(
            error, ResponseError
        )

    def delay(self, attempt: int) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (full jitter)."""
        # The exponent is bounded: 2.0 ** 1024 would overflow a float.
        ceiling = min(self.backoff_cap, self.backoff_base * (2.0 ** min(attempt - 1, 64)))
        return random.uniform(0, ceiling)  # noqa: S311 - jitter, not cryptography


def sleep(seconds: float) -> None:
    """Indirection so tests can observe backoff without waiting."""
    if seconds > 0:
        time.sleep(seconds)
