"""``ksz notifications serve|process|list``: receive the KSZ's notifications, hand them over.

``serve`` runs the receiver (`ksz_client.notifications.Receiver`) as an HTTP
server; ``process`` hands pending events to the application's handlers
(retries with backoff, at least once, in order per SSIN); ``list`` shows the
inbox. The handlers are the application's: ``--handlers module:attribute``
names a `Handlers` object, a `Receiver`, or a function that registers
handlers on the `Handlers` it is given. Without handlers, ``serve`` only
stores (acknowledging what it stored) and ``process`` refuses to run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from typing import TYPE_CHECKING, Any

from ksz_client.cli import EXIT_BUSINESS, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from ksz_client.notifications import Handlers


def register(sub: Any) -> None:
    parser = sub.add_parser("notifications",
                            help="receive the KSZ's notifications and hand them over")
    commands = parser.add_subparsers(dest="notifications_command", metavar="ACTION")
    commands.required = True

    serve = commands.add_parser(
        "serve", help="receive notifications over HTTP(S) until Ctrl-C",
        description="Serve the notification receiver: verify, store (inbox in the audit "
        "database), run the handlers, acknowledge. The KSZ pushes to this URL.")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1; 0.0.0.0 for all)")
    serve.add_argument("--port", type=int, default=8766, help="0 picks a free port")
    _handlers_option(serve)
    serve.add_argument("--no-dispatch", action="store_true",
                       help="only store and acknowledge; `ksz notifications process` hands over")
    serve.add_argument("--tls-cert", metavar="PEM", help="serve HTTPS with this certificate")
    serve.add_argument("--tls-key", metavar="PEM", help="the private key of --tls-cert")
    serve.add_argument("--verbose", action="store_true", help="log every request")
    serve.set_defaults(run=run_serve)

    process = commands.add_parser(
        "process", help="hand pending notifications to the handlers (retries with backoff)")
    _handlers_option(process, required=True)
    process.add_argument("--limit", type=int, help="at most this many events per pass")
    process.add_argument("--watch", type=float, metavar="SECONDS",
                         help="keep going: a pass every SECONDS until Ctrl-C")
    process.add_argument("--json", action="store_true", help="JSON output")
    process.set_defaults(run=run_process)

    listing = commands.add_parser("list", help="the inbox: entries, states, attempts")
    listing.add_argument("--state", choices=("pending", "handled"), help="only this state")
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--json", action="store_true", help="JSON output")
    listing.set_defaults(run=run_list)


def _handlers_option(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    parser.add_argument("--handlers", metavar="MODULE:ATTR", required=required,
                        help="the application's handlers: a Handlers or Receiver object, or a "
                        "function registering handlers on the Handlers it is given")


def _usage(message: str) -> int:
    sys.stderr.write(f"ksz: error: {message}\n")
    return EXIT_USAGE


def load_handlers(spec: str) -> Handlers:
    """The handlers named by ``module:attribute`` (see the module docstring).

    Raises ValueError saying what is wrong.
    """
    from ksz_client.notifications import Handlers, Receiver

    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise ValueError("--handlers takes MODULE:ATTRIBUTE, e.g. myapp.ksz:handlers")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"cannot import {module_name}: {exc}") from None
    target: Any = module
    for part in attribute.split("."):
        if not hasattr(target, part):
            raise ValueError(f"{module_name} has no attribute {attribute}")
        target = getattr(target, part)
    if isinstance(target, Handlers):
        return target
    if isinstance(target, Receiver):
        return target.handlers
    if callable(target):
        handlers = Handlers()
        target(handlers)
        return handlers
    raise ValueError(f"{spec} is neither Handlers, a Receiver nor a function")


def _stop_on_signals() -> None:
    import signal

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop)


def run_serve(args: argparse.Namespace) -> int:
    import ssl

    from ksz_client._config import KszConfig
    from ksz_client.notifications import Handlers, Receiver
    from ksz_client.sandbox.server import WsgiServer

    if bool(args.tls_cert) != bool(args.tls_key):
        return _usage("--tls-cert and --tls-key go together")
    handlers = Handlers()
    if args.handlers:
        try:
            handlers = load_handlers(args.handlers)
        except ValueError as exc:
            return _usage(str(exc))
    config = KszConfig.load(args.config)
    tls = None
    if args.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.minimum_version = ssl.TLSVersion.TLSv1_2
        try:
            tls.load_cert_chain(args.tls_cert, args.tls_key)
        except (OSError, ssl.SSLError) as exc:
            return _usage(f"cannot load the TLS certificate: {exc}")
    receiver = Receiver.from_config(config, handlers=handlers,
                                    dispatch=not args.no_dispatch)
    try:
        try:
            server = WsgiServer(receiver, host=args.host, port=args.port, verbose=args.verbose,
                                max_body_bytes=config.notifications.max_body_bytes, tls=tls)
        except OSError as exc:
            return _usage(f"cannot listen on {args.host}:{args.port}: {exc.strerror}")
        try:
            _stop_on_signals()
            if not len(handlers) or args.no_dispatch:
                sys.stdout.write("store only: hand over with `ksz notifications process "
                                 "--handlers MODULE:ATTR`\n")
            sys.stdout.write(f"inbox in {receiver.inbox.log.location}\n")
            sys.stdout.write(f"ksz notifications listening on {server.url} (Ctrl-C stops)\n")
            sys.stdout.flush()
            server.serve_forever()
        except KeyboardInterrupt:
            sys.stdout.write("ksz notifications stopped\n")
        finally:
            server.close()
    finally:
        receiver.close()
    return EXIT_OK


def run_process(args: argparse.Namespace) -> int:
    from ksz_client._config import KszConfig
    from ksz_client.notifications import ProcessReport, Receiver

    if args.limit is not None and args.limit < 1:
        return _usage("--limit is at least 1")
    if args.watch is not None and args.watch <= 0:
        return _usage("--watch takes a positive number of seconds")
    try:
        handlers = load_handlers(args.handlers)
    except ValueError as exc:
        return _usage(str(exc))
    if not len(handlers):
        return _usage(f"{args.handlers} registers no handler")
    config = KszConfig.load(args.config)
    total = ProcessReport()
    with Receiver.from_config(config, handlers=handlers, dispatch=False) as receiver:
        try:
            while True:
                report = receiver.process_pending(limit=args.limit)
                total = total + report
                if args.watch is None:
                    break
                if report.handled or report.failed or report.without_handler:
                    _print_report(report, receiver.inbox.counts(), as_json=args.json)
                time.sleep(args.watch)
        except KeyboardInterrupt:
            pass
        counts = receiver.inbox.counts()
    _print_report(total, counts, as_json=args.json)
    return EXIT_OK if total.failed == 0 else EXIT_BUSINESS


def _print_report(report: Any, counts: dict[str, int], *, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps({
            "handled": report.handled, "failed": report.failed,
            "without_handler": report.without_handler,
            "pending": counts.get("PENDING", 0), "done": counts.get("HANDLED", 0),
        }) + "\n")
    else:
        sys.stdout.write(f"handled {report.handled}, failed {report.failed} (retried later), "
                         f"without handler {report.without_handler}; "
                         f"inbox: {counts.get('PENDING', 0)} pending, "
                         f"{counts.get('HANDLED', 0)} handled\n")
    sys.stdout.flush()


def run_list(args: argparse.Namespace) -> int:
    from ksz_client._config import KszConfig
    from ksz_client.notifications import Inbox
    from ksz_client.ssin import mask

    config = KszConfig.load(args.config)
    with Inbox.from_config(config) as inbox:
        entries = inbox.entries(state=args.state.upper() if args.state else None,
                                limit=args.limit)
    # An operator's view: states and errors; the SSIN masked (the inbox is personal data).
    rows = [{
        "id": e.id, "received_at": e.received_at.isoformat(), "operation": e.operation,
        "event_type": e.event_type, "ssin": mask(e.ssin), "state": e.state.value,
        "attempts": e.attempts, "next_attempt_at": e.next_attempt_at.isoformat(),
        "last_error": e.last_error,
    } for e in entries]
    if args.json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return EXIT_OK
    from ksz_client.cli._output import table

    sys.stdout.write(table(
        [(str(r["id"]), str(r["received_at"])[:19], str(r["event_type"]), str(r["ssin"]),
          str(r["state"]), str(r["attempts"]), str(r["last_error"] or "")) for r in rows],
        header=("id", "received (UTC)", "event", "SSIN", "state", "attempts", "last error"),
    ) + "\n")
    return EXIT_OK
