"""A minimal notification receiver: keeps each person's household record up to date.

    python examples/notification_receiver.py [--port P] [--households FILE]

The configuration comes from ./ksz.toml, $KSZ_CONFIG or KSZ_* variables. It
must name the audit database (``audit.path`` or ``audit.dsn``): the inbox is
kept there, and every notification is stored before it is acknowledged. The
certificate that signs the KSZ's notifications is ``trust.ksz_certificates``
(or ``notifications.trusted_certificates``).

Try it against the sandbox (its ``--state`` keeps the signing key that the
configuration it writes pins):

    ksz sandbox serve --state sandbox.db --write-config build/ksz.toml &
    # add [audit] path = "audit.sqlite3" to build/ksz.toml, then:
    KSZ_CONFIG=build/ksz.toml python examples/notification_receiver.py --port 8766
    ksz sandbox notify --state sandbox.db --to http://127.0.0.1:8766/ \
        --type notifyFamilyComposition --ssin SSIN

The receiver is a WSGI application: here the standard library's wsgiref
serves it; in production mount it in your WSGI server or framework.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

from ksz_client import KszConfig
from ksz_client.notifications import FamilyCompositionChanged, Receiver
from ksz_client.ssin import mask


class HouseholdRecords:
    """The application's own data: one household record per person, in a JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, Any]:
        if not self.path.is_file():
            return {}
        records: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        return records

    def save(self, records: dict[str, Any]) -> None:
        # Write-then-rename: a crash never leaves half a file behind.
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(records, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(temporary, self.path)


def build(config: KszConfig, households: HouseholdRecords) -> Receiver:
    """The receiver with its one handler."""
    receiver = Receiver.from_config(config)

    @receiver.on(FamilyCompositionChanged)
    def update_household(event: FamilyCompositionChanged) -> None:
        records = households.load()
        person = str(event.ssin)
        if records.get(person, {}).get("event") == event.notification.event_id:
            return  # delivered again after a crash: already applied (handlers are idempotent)
        head = event.head
        records[person] = {
            "event": event.notification.event_id,
            "changed_on": event.date.isoformat(),
            "reason": event.reason,
            "head": str(head.ssin) if head else None,
            "members": [{"ssin": str(m.ssin), "relationship": m.relationship,
                         "since": m.since.isoformat()} for m in event.members],
        }
        households.save(records)
        print(f"household of {mask(person)} updated: {len(event.members)} member(s)",
              flush=True)

    return receiver


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # request lines name no one, but stay quiet: the handler prints what matters


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8766, help="0 picks a free port")
    parser.add_argument("--households", type=Path, default=Path("households.json"),
                        help="where the household records are kept")
    args = parser.parse_args(argv[1:])

    config = KszConfig.load()
    with build(config, HouseholdRecords(args.households)) as receiver:
        # Pending events a previous run could not hand over (a crash, a failing handler).
        receiver.process_pending()
        server = make_server("127.0.0.1", args.port, receiver, handler_class=_QuietHandler)
        stopping = threading.Event()

        def stop(signum: int, frame: object) -> None:
            stopping.set()  # the request being answered is finished first

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        print(f"listening on http://127.0.0.1:{server.server_port}/ (Ctrl-C stops)",
              flush=True)
        server.timeout = 0.2
        try:
            while not stopping.is_set():
                server.handle_request()
        finally:
            server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
