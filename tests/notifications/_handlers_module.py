"""Handlers an application would name with ``--handlers`` (written to a file per event)."""

from __future__ import annotations

import os
from pathlib import Path

from ksz_client.notifications import FamilyCompositionChanged, Handlers, NotificationEvent

handlers = Handlers()
OUT = Path(os.environ.get("KSZ_TEST_HANDLED", "handled.txt"))


@handlers.on(NotificationEvent)
def note(event: NotificationEvent) -> None:
    with OUT.open("a", encoding="utf-8") as fh:
        fh.write(f"{type(event).__name__} {event.notification.event_id}\n")


def register(found: Handlers) -> None:
    """The function form: registers on the Handlers it is given."""
    found.on(FamilyCompositionChanged)(note)


def register_nothing(found: Handlers) -> None:
    """Registers no handler at all."""


def failing(found: Handlers) -> None:
    def broken(event: NotificationEvent) -> None:
        raise RuntimeError("the application is down")

    found.on(NotificationEvent)(broken)


NOT_HANDLERS = 42
