"""A module's own sandbox, a capturing client and two-sided integration, for service tests;
and the shapes those tests share: finality refusals, captured payloads, the command line.

Modules that integrate persons use a sandbox of their own (module scope), so that
their integrations never change what another module's shared sandbox persons are.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ksz_client import _xml
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import KszBusinessError, NotIntegrated
from ksz_client.audit import Integration
from ksz_client.cli import main
from ksz_client.hooks import Exchange, Outcome
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, SECOND_OCMW_CBE_NUMBER, Sandbox
from ksz_client.sandbox.facts import Facts
from ksz_client.sandbox.handlers import Answer, HandlerContext


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


def integrate(where: World | Sandbox, client: KszClient, ssin: object,
              organisation: str = SANDBOX_CBE_NUMBER, *, quality_code: int = 2,
              since: dt.date | None = None) -> None:
    """Integrate on both sides with `quality_code`: the sandbox's repertory and the client's
    register (of `organisation`); both from `since` if given, else the register since 2020
    and the repertory from today."""
    sandbox = where.sandbox if isinstance(where, World) else where
    sandbox.integrate(str(ssin), organisation=organisation, quality_code=quality_code,
                      period=None if since is None else (since, None))
    client.integrations.add(Integration(organisation=organisation, ssin=str(ssin),
                                        quality_code=quality_code,
                                        start=since or dt.date(2020, 1, 1)))


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


def index_from(sandbox: Sandbox, start: int, predicate: Callable[[int], bool] = lambda i: True,
               *, living: bool = False) -> int:
    """The first person from `start` on (a module's own range of the population) without a
    fault, with a current SSIN (and alive if `living`), matching `predicate`."""
    population = sandbox.population
    return next(i for i in range(start, population.size)
                if population.fault_of(i) is None and population.replaced_by(i) is None
                and not (living and population.is_deceased(i)) and predicate(i))


def not_integrated(sandbox: Sandbox, top: int) -> str:
    """A living person with a current SSIN and no fault whom nobody integrated yet, searched
    downwards from `top` (the end of the population a module leaves to these refusals)."""
    population = sandbox.population
    return next(str(population.ssin_of(i)) for i in range(top, 0, -1)
                if population.fault_of(i) is None and population.replaced_by(i) is None
                and not population.is_deceased(i)
                and not sandbox.integrations(str(population.ssin_of(i))))


# --- a handler called directly --------------------------------------------------------------


def handler_context(sandbox: Sandbox, organisation: str = SANDBOX_CBE_NUMBER,
                    **fields: Any) -> HandlerContext:
    """What a handler sees when `organisation` calls it now on `sandbox` (its state, unless
    `fields` name another; no legal context)."""
    return HandlerContext(population=sandbox.population, legal_context="",
                          organisation=organisation, now=dt.datetime.now(dt.UTC),
                          **{"state": sandbox.state, **fields})


def refusal(answer: Answer) -> tuple[str, str]:
    """The reason code and diagnostic of a handler's refusal (NO, 10000, no payload)."""
    assert answer.ok == "NO" and answer.return_code == 10000 and answer.payload is None
    return answer.details[0].reason_code, answer.details[0].diagnostic


# --- a module's own sandbox under the session fixtures' names ------------------------------
# Imported by modules that integrate persons and register mutations: the session's sandbox
# is shared with modules that need persons nobody integrated.


def own_sandbox_seeded(seed: int) -> Any:
    """The fixture ``sandbox``: a module's own sandbox whose population grows from `seed`."""
    @pytest.fixture(scope="module", name="sandbox")
    def own_sandbox() -> Iterator[Sandbox]:
        with Sandbox(seed=seed, persons=500) as running:
            yield running
    return own_sandbox


own_sandbox = own_sandbox_seeded(1)


@pytest.fixture(scope="module", name="sandbox_config_path")
def own_sandbox_config_path(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sandbox.write_config(tmp_path_factory.mktemp("sandbox") / "ksz.toml")


@pytest.fixture(name="client")
def social_worker(sandbox_config: KszConfig) -> Iterator[KszClient]:
    """A client of the sandbox acting for a social worker in a social inquiry."""
    with KszClient(sandbox_config) as plain:
        yield plain.acting_for(user="test-social-worker", legal_context="PCSA:SOCIAL_INQUIRY")


# --- what travelled, in order --------------------------------------------------------------


class Traffic:
    """An observer keeping the exchanges sent and every message (request, answer) in order."""

    def __init__(self) -> None:
        self.requests: list[Exchange] = []
        self.messages: list[bytes] = []

    def before_send(self, exchange: Exchange) -> None:
        self.requests.append(exchange)
        self.messages.append(exchange.request)

    def after_receive(self, exchange: Exchange, outcome: Outcome) -> None:
        if outcome.response is not None:
            self.messages.append(outcome.response)

    def operations(self) -> list[str]:
        """The operation of each request sent, in order."""
        return [exchange.operation for exchange in self.requests]

    def payloads(self) -> list[_xml.Element]:
        """The SOAP Body payload of each message, in order (detached copies)."""
        out = []
        for data in self.messages:
            body = _xml.parse(data).find("{http://schemas.xmlsoap.org/soap/envelope/}Body")
            assert body is not None
            out.append(copy.deepcopy(body[0]))
        return out


@contextmanager
def traced(config: KszConfig, *observers: object, user: str = "u",
           legal_context: str = "PCSA:SOCIAL_INQUIRY") -> Iterator[tuple[KszClient, Traffic]]:
    """A client of `config` whose traffic is kept (before any other `observers`)."""
    traffic = Traffic()
    with KszClient(config, observers=[*observers, traffic]) as plain:  # type: ignore[list-item]
        yield plain.acting_for(user=user, legal_context=legal_context), traffic


def exchanged(config: KszConfig, sandbox: Sandbox, exercise: Callable[[KszClient], object],
              count: int, *ssins: object,
              legal_context: str = "PCSA:SOCIAL_INQUIRY") -> list[_xml.Element]:
    """The `count` payloads (requests and answers, in order) of `exercise` by a fresh
    client for which `ssins` are integrated on both sides."""
    with traced(config, legal_context=legal_context) as (client, traffic):
        for ssin in ssins:
            integrate(sandbox, client, ssin)
        exercise(client)
    payloads = traffic.payloads()
    assert len(payloads) == count
    return payloads


# --- finality: the same refusals for every service -----------------------------------------

Pick = Callable[[KszClient], Callable[..., Any]]


@contextmanager
def second_ocmw(config: KszConfig, legal_context: str = "PCSA:SOCIAL_INQUIRY",
                ) -> Iterator[KszClient]:
    """A client of another OCMW, for which the sandbox integrated nobody."""
    second = config.with_overrides(organisation=dataclasses.replace(
        config.organisation, cbe_number=SECOND_OCMW_CBE_NUMBER))
    with KszClient(second) as plain:
        yield plain.acting_for(user="u", legal_context=legal_context)


def assert_finality_checked(client: KszClient, config: KszConfig, ssin: object, pick: Pick, *,
                            also: Sequence[Pick] = (), legal_context: str = "PCSA:SOCIAL_INQUIRY",
                            remote: type[KszBusinessError] = NotIntegrated) -> None:
    """Nobody integrated `ssin`: `pick(client)(ssin)` (and each of `also`) is refused before
    sending; a second OCMW integrating it only in its own register is refused by the
    sandbox (MSG00012, with a ticket), as `remote` (NotIntegrated, or the SSDN's NoResult)."""
    for consult in (pick, *also):
        with pytest.raises(NotIntegrated) as local:
            consult(client)(ssin)
        assert local.value.ticket_cbss is None
    with second_ocmw(config, legal_context) as other:
        other.integrations.add(Integration(organisation=SECOND_OCMW_CBE_NUMBER, ssin=str(ssin),
                                           quality_code=2, start=dt.date(2020, 1, 1)))
        with pytest.raises(remote) as refused:
            pick(other)(ssin)
    assert refused.value.code == "MSG00012" and refused.value.ticket_cbss


def assert_refused_unless_integrated(sandbox: Sandbox, config: KszConfig, ssin: object,
                                     call: Callable[[KszClient, object], object], *,
                                     remote: type[KszBusinessError] = NotIntegrated) -> Traffic:
    """Nobody integrated `ssin`: `call(client, ssin)` is refused before anything is sent;
    integrated in the client's register only, the sandbox refuses it (MSG00012, with a
    ticket), as `remote`. Returns what travelled: that one request."""
    with traced(config) as (client, traffic):
        with pytest.raises(NotIntegrated) as local:
            call(client, ssin)
        assert local.value.ticket_cbss is None and traffic.requests == []
        client.integrations.add(Integration(organisation=SANDBOX_CBE_NUMBER, ssin=str(ssin),
                                            quality_code=2, start=dt.date(2020, 1, 1)))
        with pytest.raises(remote) as refused:
            call(client, ssin)
    assert refused.value.code == "MSG00012" and refused.value.ticket_cbss
    assert len(traffic.requests) == 1
    return traffic


# --- the command line ----------------------------------------------------------------------


def cli_setup(sandbox: Sandbox, sandbox_config_path: Path, folder: Path,
              monkeypatch: pytest.MonkeyPatch, *ssins: object) -> Path:
    """A copy of the sandbox configuration in `folder` whose audit log keeps the command's
    register, with `ssins` integrated on both sides; no KSZ_* variable interferes."""
    for name in ("KSZ_CONFIG", "KSZ_FINALITY_MODE"):
        monkeypatch.delenv(name, raising=False)
    for pem in sandbox_config_path.parent.glob("*.pem"):
        (folder / pem.name).write_bytes(pem.read_bytes())
    config = folder / "ksz.toml"
    config.write_text(sandbox_config_path.read_text(encoding="utf-8")
                      + f'\n[audit]\npath = "{folder / "audit.db"}"\n', encoding="utf-8")
    if ssins:
        with KszClient(KszConfig.load(config, env={})) as setup:
            for ssin in ssins:
                integrate(sandbox, setup, ssin)
    return config


def command(config: Path, *prefix: str, legal_context: str | None = "PCSA:SOCIAL_INQUIRY",
            user: str = "sw-1") -> Callable[..., int]:
    """``ksz --config <config> --user <user> --legal-context ... <prefix> <argv>``: its exit
    (without ``--legal-context`` if `legal_context` is None: the service's default)."""
    context = () if legal_context is None else ("--legal-context", legal_context)

    def run(*argv: str) -> int:
        return main(["--config", str(config), "--user", user, *context, *prefix, *argv])
    return run


def printed(capsys: pytest.CaptureFixture[str], run: Callable[..., int],
            *argv: str) -> tuple[int, str, str]:
    """`run(*argv)`'s exit, a usage error's (SystemExit) included, and what it printed
    (out, err)."""
    try:
        code = run(*argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err
