"""The README keeps up with the code: two commands first, every configuration key."""

from __future__ import annotations

from pathlib import Path

from ksz_client._config import config_keys

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands() -> None:
    block = README.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make run", "make test"]


def test_every_configuration_key_is_documented() -> None:
    missing = [key for key in config_keys() if f"`{key}`" not in README]
    assert missing == []
