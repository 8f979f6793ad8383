"""Fixtures of the sandbox tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ksz_client import _xml
from ksz_client.sandbox import Sandbox
from ksz_client.sandbox.handlers import HANDLERS, Answer, HandlerContext, status

from .helpers import FAMILY, FAMILY_OP


@pytest.fixture
def family_handler(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """A stand-in handler for FamilyComposition (a service that needs integration).

    Yields the SSINs it was asked about: the engine's finality check runs
    before it, so an SSIN reaches it only when integrated.
    """
    seen: list[str] = []

    def handler(ctx: HandlerContext, request: _xml.Element) -> Answer:
        seen.append(request.findtext("criteria/ssin") or "")
        return Answer(status("DATA_FOUND", "MSG00000"))

    monkeypatch.setitem(HANDLERS, (FAMILY.name, FAMILY_OP.name), handler)
    yield seen


@pytest.fixture
def fresh_sandbox() -> Iterator[Sandbox]:
    """A sandbox of its own (its state and faults are not shared with other tests)."""
    with Sandbox(seed=5, persons=300) as running:
        yield running
