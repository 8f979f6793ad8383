"""A threaded HTTP/1.1 server for the sandbox's WSGI app, on loopback by default.

Keep-alive connections and TCP_NODELAY: without it a local server stalls
about 40 ms per call on delayed ACKs. One thread per connection; a
failing request never stops the server.
"""

from __future__ import annotations

import io
import socket
import socketserver
import sys
import threading
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

__all__ = ["WsgiServer"]

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


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

        chunks = b"".join(self.server.app(environ, start_response))
        code, _, reason = status_line[0].partition(" ")
        self.send_response(int(code), reason)
        has_length = False
        for name, value in headers:
            has_length = has_length or name.lower() == "content-length"
            self.send_header(name, value)
        if not has_length:
            self.send_header("Content-Length", str(len(chunks)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(chunks)


class _ThreadingServer(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: WsgiApp, *, verbose: bool,
                 max_body_bytes: int, tls: bool) -> None:
        self.app = app
        self.verbose = verbose
        self.max_body_bytes = max_body_bytes
        self.tls = tls
        super().__init__(address, _Handler)

    def get_request(self) -> tuple[socket.socket, Any]:
        conn, addr = super().get_request()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn, addr


class WsgiServer:
    """Serve a WSGI app on ``host:port`` (port 0 picks a free one) in threads."""

    def __init__(
        self,
        app: WsgiApp,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        verbose: bool = False,
        max_body_bytes: int = 1024 * 1024,
    ) -> None:
        self._server = _ThreadingServer(
            (host, port), app, verbose=verbose, max_body_bytes=max_body_bytes, tls=False
        )
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        host = str(self._server.server_address[0])
        return f"http://{host}:{self.port}"

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
