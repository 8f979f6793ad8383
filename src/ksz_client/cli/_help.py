"""``ksz --help``: the commands listed by catalogue group, one line each.

argparse would list every command (and every alias) in one flat block; the
services are grouped here as the catalogue groups them, the other commands
after them. Only the catalogue (data) is read: no service module is imported,
so ``ksz --help`` stays fast and loads no lxml.
"""

from __future__ import annotations

import argparse
import shutil
from typing import Any

__all__ = ["command_listing", "group_commands"]

_GROUP_TITLES = {
    "registers": "registers (persons and integrations)",
    "social-data": "social data",
    "pod-mi": "POD MI / SPP IS",
    "mediprima": "MediPrima",
    "flanders": "Flanders",
    "notifications": "notifications",
    "technical": "technical",
}


def group_commands(parser: argparse.ArgumentParser, sub: Any) -> None:
    """Replace the flat command list of ``ksz --help`` by the grouped one."""
    usage = parser.format_usage().removeprefix("usage: ").strip()
    parser.usage = usage
    parser.description = f"{parser.description}\n\n{command_listing(sub)}"
    sub.help = argparse.SUPPRESS  # listed in the description instead


def command_listing(sub: Any) -> str:
    """The commands of ``sub`` as text: services under their catalogue group, then the rest."""
    from ksz_client import catalogue
    from ksz_client.services._registry import BINDINGS

    groups = {b.command: catalogue.get(b.service).group for b in BINDINGS}
    by_group: dict[catalogue.Group, list[tuple[str, str]]] = {}
    others: list[tuple[str, str]] = []
    for action in sub._choices_actions:
        if action.help == argparse.SUPPRESS:
            continue
        row = (action.dest, action.help or "")
        group = groups.get(action.dest)
        if group is None:
            others.append(row)
        else:
            by_group.setdefault(group, []).append(row)
    every = [r for rows in by_group.values() for r in rows] + others
    width = max((len(name) for name, _ in every), default=0) + 2
    columns = max(shutil.get_terminal_size((100, 24)).columns, 60)
    lines = ["services (ksz SERVICE --help lists its operations):"]
    for group in catalogue.Group:
        if group in by_group:
            lines.append(f"  {_GROUP_TITLES.get(group.value, group.value)}")
            lines += [_line(name, text, width, columns) for name, text in by_group[group]]
    lines += ["", "other commands:"]
    lines += [_line(name, text, width, columns) for name, text in others]
    return "\n".join(lines)


def _line(name: str, text: str, width: int, columns: int) -> str:
    head = f"    {name.ljust(width)}"
    room = columns - len(head) - 1
    if len(text) > room:
        text = text[: max(room - 3, 10)].rstrip(" ,;:") + "..."
    return head + text
