"""Which legal context a call carries.

Per call > configured per service > the service's own > bound with acting_for.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ksz_client import catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import ConfigError, MissingCallContext
from ksz_client.hooks import Exchange, Outcome
from ksz_client.types import CallContext

FIXED = next(s for s in catalogue.SERVICES if s.legal_context and s.wire == "ws-consult"
             and any(op.kind == "consultation" for op in s.operations))
FREE = catalogue.get("PersonService")
# Another context the catalogue knows (the guard refuses unknown ones before sending).
OTHER = next(c for c in catalogue.LEGAL_CONTEXTS if c not in (FIXED.legal_context,
                                                             "PCSA:SOCIAL_INQUIRY"))


class StopError(Exception):
    pass


class Capture:
    def __init__(self) -> None:
        self.contexts: list[str | None] = []

    def before_send(self, exchange: Exchange) -> None:
        self.contexts.append(exchange.context.legal_context)
        raise StopError  # nothing needs to leave for this test

    def after_receive(self, exchange: Exchange, outcome: Outcome) -> None:
        pass


def _chosen(config: KszConfig, service: catalogue.Service, *, bound: str | None,
            per_call: str | None = None) -> str | None:
    capture = Capture()
    with KszClient(config, observers=[capture]) as plain:
        client = plain.acting_for(user="u", legal_context=bound)
        op = next(o for o in service.operations if o.kind == "consultation")
        with pytest.raises(StopError):
            client._call(service, op.name, lambda payload: None,
                         context=CallContext(legal_context=per_call) if per_call else None,
                         subjects=())
    return capture.contexts[0]


def test_the_service_s_own_legal_context_beats_the_bound_one(sandbox_config: KszConfig) -> None:
    assert FIXED.legal_context
    assert _chosen(sandbox_config, FIXED, bound="PCSA:SOCIAL_INQUIRY") == FIXED.legal_context
    assert _chosen(sandbox_config, FREE, bound="PCSA:SOCIAL_INQUIRY") == "PCSA:SOCIAL_INQUIRY"


def test_a_per_call_context_beats_everything(sandbox_config: KszConfig) -> None:
    assert _chosen(sandbox_config, FIXED, bound="PCSA:SOCIAL_INQUIRY",
                   per_call=OTHER) == OTHER


def test_the_configuration_can_set_one_per_service(sandbox_config_path: Path,
                                                   tmp_path: Path) -> None:
    extra = f'\n[legal_contexts]\n{FIXED.name.lower()} = "{OTHER}"\n'
    text = sandbox_config_path.read_text() + extra
    copy = sandbox_config_path.parent / "with-contexts.toml"
    copy.write_text(text)
    config = KszConfig.load(copy, env={})
    assert config.legal_contexts == {FIXED.name: OTHER}
    assert _chosen(config, FIXED, bound="PCSA:SOCIAL_INQUIRY") == OTHER
    env = KszConfig.load(sandbox_config_path,
                         env={f"KSZ_LEGAL_CONTEXTS_{FIXED.name.upper()}": "ENV:CTX"})
    assert env.legal_contexts == {FIXED.name: "ENV:CTX"}
    bad = sandbox_config_path.parent / "bad-contexts.toml"
    bad.write_text(sandbox_config_path.read_text() + '\n[legal_contexts]\nNoSuchService = "X:Y"\n')
    with pytest.raises(ConfigError, match=r"legal_contexts\.NoSuchService"):
        KszConfig.load(bad, env={})


def test_no_legal_context_at_all_is_refused(sandbox_config: KszConfig) -> None:
    with KszClient(sandbox_config) as plain, pytest.raises(MissingCallContext):
        plain.acting_for(user="u").person.get("85073003328")
