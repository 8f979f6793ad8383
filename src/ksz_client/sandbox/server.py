"""A threaded HTTP/1.1 server for the sandbox's WSGI app, on loopback by default.

Keep-alive connections and TCP_NODELAY: without it a local server stalls
about 40 ms per call on delayed ACKs. One thread per connection; a
failing request never stops the server. With an `ssl.SSLContext` it serves
HTTPS; the TLS handshake happens in the connection's thread, so a slow or
broken client never blocks the accept loop.

A WSGI app may raise `AbortConnection` to have the connection dropped without
an answer (the sandbox's ``reset`` fault); response bodies are written chunk
by chunk as the app yields them (its ``slow-body`` fault).
"""

from __future__ import annotations

import contextlib
import io
import socket
import socketserver
import ssl
import struct
import sys
import threading
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

__all__ = ["AbortConnection", "WsgiServer"]

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

_HANDSHAKE_TIMEOUT = 10.0


class AbortConnection(Exception):  # noqa: N818 - it is a request, not an error
    """Raised by a WSGI app to drop the connection without answering (a TCP reset)."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ksz-sandbox"
    sys_version = ""
    server: _ThreadingServer

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            sys.stderr.write(f"sandbox: {self.address_string()} {format % args}\n")

    def do_GET(self) -> None:
        self._run()

    def do_POST(self) -> None:
        self._run()

    def _run(self) -> None:
        length = self.headers.get("Content-Length")
        chunked = "Transfer-Encoding" in self.headers
        body = b""
        if chunked:
            # Not supported (the app answers 411); the unread chunks must not be
            # taken for the next request on this connection.
            length = None
            self.close_connection = True
        elif length and length.isdigit() and int(length) <= self.server.max_body_bytes:
            body = self.rfile.read(int(length))
        elif length:
            # Too large or unparsable: answer without reading the body, and close
            # the connection so that the body is never read as the next request.
            self.close_connection = True
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.command,
            "PATH_INFO": self.path.split("?", 1)[0],
            "QUERY_STRING": self.path.split("?", 1)[1] if "?" in self.path else "",
            "CONTENT_LENGTH": length or "",
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "SERVER_NAME": self.server.server_address[0],
            "SERVER_PORT": str(self.server.server_address[1]),
            "SERVER_PROTOCOL": self.request_version,
            "REMOTE_ADDR": self.client_address[0],
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "https" if self.server.tls else "http",
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for key, value in self.headers.items():
            name = "HTTP_" + key.upper().replace("-", "_")
            if name not in ("HTTP_CONTENT_LENGTH", "HTTP_CONTENT_TYPE"):
                environ[name] = value
        status_line: list[str] = []
        headers: list[tuple[str, str]] = []

        def start_response(status: str, response_headers: list[tuple[str, str]],
                           exc_info: object = None) -> Callable[[bytes], None]:
            status_line[:] = [status]
            headers[:] = response_headers
            return lambda _data: None

        try:
            result = self.server.app(environ, start_response)
        except AbortConnection:
            self._abort()
            return
        try:
            chunks = iter(result)
            # A WSGI app may call start_response only when its first chunk is asked for.
            first = next(chunks, b"")
            self._send_head(status_line[0], headers)
            self.wfile.write(first)
            self.wfile.flush()
            for chunk in chunks:
                self.wfile.write(chunk)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True  # the client went away mid-answer
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()

    def _send_head(self, status: str, headers: list[tuple[str, str]]) -> None:
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason)
        has_length = False
        for name, value in headers:
            has_length = has_length or name.lower() == "content-length"
            self.send_header(name, value)
        if not has_length:
            # Without a length the end of the body is the end of the connection.
            self.close_connection = True
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()

    def _abort(self) -> None:
        # SO_LINGER with a zero timeout: close() sends a TCP RST, not a FIN.
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
        self.server.aborted.add(id(self.connection))


class _ThreadingServer(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: WsgiApp, *, verbose: bool,
                 max_body_bytes: int, tls: ssl.SSLContext | None) -> None:
        self.app = app
        self.verbose = verbose
        self.max_body_bytes = max_body_bytes
        self.tls = tls
        self.aborted: set[int] = set()
        super().__init__(address, _Handler)

    def get_request(self) -> tuple[socket.socket, Any]:
        conn, addr = super().get_request()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.tls is not None:
            conn = self.tls.wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
        return conn, addr

    def finish_request(self, request: Any, client_address: Any) -> None:
        if isinstance(request, ssl.SSLSocket):
            # In the connection's own thread: a client that never completes the
            # handshake holds up nobody else.
            request.settimeout(_HANDSHAKE_TIMEOUT)
            try:
                request.do_handshake()
            except (OSError, ssl.SSLError):
                return
            request.settimeout(None)
        super().finish_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        if id(request) in self.aborted:
            # No orderly shutdown: the close must reach the client as a reset.
            self.aborted.discard(id(request))
            self.close_request(request)
            return
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if self.verbose:
            super().handle_error(request, client_address)


class WsgiServer:
    """Serve a WSGI app on ``host:port`` (port 0 picks a free one) in threads.

    `tls` is a server-side `ssl.SSLContext`; with it the server speaks HTTPS.
    """

    def __init__(
        self,
        app: WsgiApp,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        verbose: bool = False,
        max_body_bytes: int = 1024 * 1024,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self._server = _ThreadingServer(
            (host, port), app, verbose=verbose, max_body_bytes=max_body_bytes, tls=tls
        )
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def url(self) -> str:
        scheme = "https" if self._server.tls is not None else "http"
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"{scheme}://{host}:{self.port}"

    def serve_forever(self) -> None:
        """Serve until `shutdown` (or Ctrl-C in the caller)."""
        self._server.serve_forever(poll_interval=0.2)

    def start(self) -> WsgiServer:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self.serve_forever, name="ksz-sandbox",
                                        daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Release the listening socket (after `serve_forever` returned)."""
        self._server.server_close()

    def shutdown(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> WsgiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
