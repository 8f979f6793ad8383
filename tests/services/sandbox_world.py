"""A module's own sandbox, a capturing client and two-sided integration, for service tests.

Modules that integrate persons use a sandbox of their own (module scope), so that
their integrations never change what another module's shared sandbox persons are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client.audit import Integration
from ksz_client.hooks import Exchange, Outcome
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, Sandbox
from ksz_client.sandbox.facts import Facts


@dataclass
class World:
    """The module's sandbox, its client configuration, and the bytes that travelled."""

    sandbox: Sandbox
    config_path: Path
    requests: list[bytes]
    responses: list[bytes]


class Capture:
    """An observer keeping every request and answer of the module's clients."""

    def __init__(self, world: World) -> None:
        self.world = world

    def before_send(self, exchange: Exchange) -> None:
        self.world.requests.append(exchange.request)

    def after_receive(self, exchange: Exchange, outcome: Outcome) -> None:
        if outcome.response is not None:
            self.world.responses.append(outcome.response)


@pytest.fixture(scope="module")
def world(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    with Sandbox(seed=1, persons=500) as sandbox:
        path = sandbox.write_config(tmp_path_factory.mktemp(name) / "ksz.toml")
        yield World(sandbox, path, [], [])


@pytest.fixture
def ocmw(world: World) -> Iterator[KszClient]:
    """A client with the service's default legal context, capturing what travels."""
    config = KszConfig.load(world.config_path, env={})
    with KszClient(config, observers=[Capture(world)]) as plain:
        yield plain.acting_for(user="test-social-worker", dossier="D-2026-6")


def integrate(world: World, client: KszClient, ssin: str) -> None:
    """Integrate on both sides: the sandbox's repertory and the client's register."""
    world.sandbox.integrate(ssin)
    client.integrations.add(Integration(organisation=SANDBOX_CBE_NUMBER, ssin=ssin,
                                        quality_code=2, start=dt.date(2020, 1, 1)))


def person(world: World, predicate: Callable[[int, Facts], bool] = lambda i, f: True,
           **where: object) -> int:
    """The index of a living, not replaced, fault-free sandbox person matching ``predicate``."""
    population = world.sandbox.population
    for profile in world.sandbox.persons(deceased=False, replaced=False, fault=None, **where):
        index = population.index_of(profile.ssin)
        assert index is not None
        if predicate(index, population.facts(index)):
            return index
    raise LookupError("no such sandbox person")
