"""Shared fixtures: a live sandbox on 127.0.0.1, a client bound to it, the official contracts."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client.sandbox import Sandbox

ROOT = Path(__file__).resolve().parent.parent


def contracts_dir() -> Path | None:
    """The official KSZ contracts (KSZ_CONTRACTS_DIR, default ../shared/ksz-contracts)."""
    path = Path(os.environ.get("KSZ_CONTRACTS_DIR", ROOT.parent / "shared" / "ksz-contracts"))
    return path if path.is_dir() else None


@pytest.fixture(scope="session")
def official_contracts() -> Path:
    path = contracts_dir()
    if path is None:
        pytest.skip("official KSZ contracts not found: set KSZ_CONTRACTS_DIR to ksz-contracts/")
    return path


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=1, persons=500) as running:
        yield running


@pytest.fixture(scope="session")
def sandbox_config_path(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sandbox.write_config(tmp_path_factory.mktemp("sandbox") / "ksz.toml")


@pytest.fixture
def sandbox_config(sandbox_config_path: Path) -> KszConfig:
    return KszConfig.load(sandbox_config_path, env={})


@pytest.fixture
def client(sandbox_config: KszConfig) -> Iterator[KszClient]:
    with KszClient(sandbox_config) as plain:
        yield plain.acting_for(
            user="test-social-worker", legal_context="PCSA:SOCIAL_INQUIRY", dossier="D-2026-1"
        )
