"""``ksz <service> <method> ...``: commands built from the service classes and the catalogue.

Each method a service class marks with `@operation` becomes a command named
after the method (``ksz person get``), also reachable by the catalogue's
operation name in kebab case (``ksz person search-person-by-ssin``). Its
positional parameters become positional arguments, its keyword-only ones
``--options``, typed from the annotations. Only the service named on the
command line is imported, so other commands stay fast.
"""

from __future__ import annotations

import argparse
import dataclasses
import enum
import inspect
import sys
import types
import typing
from collections.abc import Callable
from functools import partial
from typing import Any

from ksz_client.cli import EXIT_BUSINESS, EXIT_OK

_SKIP = frozenset({"self", "context"})


def register(sub: Any, selected: str | None) -> None:
    from ksz_client import catalogue
    from ksz_client.services._registry import BINDINGS, operations_of

    for binding in BINDINGS:
        service = catalogue.get(binding.service)
        summary = service.description.split(". ")[0].rstrip(".")
        parser = sub.add_parser(
            binding.command,
            aliases=[binding.attribute] if binding.attribute != binding.command else [],
            help=f"{service.name} V{service.version}: {summary}",
            description=f"{service.name} V{service.version} ({service.source}). "
            f"{service.description}",
        )
        if binding.attribute != selected:  # `selected` is the attribute name
            continue  # built only when chosen: importing a service loads lxml
        commands = parser.add_subparsers(dest="operation", metavar="OPERATION")
        commands.required = True
        methods = sorted(operations_of(binding.load()).items())
        # Several methods may serve one operation (ManageAccess LIST: list and
        # sync): the operation's name goes to the first, a method name wins.
        taken = {name for name, _ in methods}
        for method_name, (method, info) in methods:
            op = service.operation(info.name)
            doc = (inspect.getdoc(method) or "").split("\n")[0]
            aliases = [op.cli_name] if op.cli_name not in taken else []
            taken.add(op.cli_name)
            command = commands.add_parser(method_name, aliases=aliases,
                                          help=f"{doc} ({op.name}, {op.kind.value})")
            names = _add_arguments(command, method, info.aliases)
            command.add_argument("--json", action="store_true", help="JSON output")
            command.set_defaults(run=partial(_run, binding.attribute, method_name, names))


def _add_arguments(
    parser: argparse.ArgumentParser,
    method: Callable[..., Any],
    aliases: typing.Mapping[str, tuple[str, ...]],
) -> list[tuple[str, bool]]:
    hints = typing.get_type_hints(method)
    docs = _arg_docs(inspect.getdoc(method) or "")
    names: list[tuple[str, bool]] = []
    for param in inspect.signature(method).parameters.values():
        if param.name in _SKIP:
            continue
        hint = hints.get(param.name, str)
        members = [m for m in _union(hint) if m is not type(None)]
        if param.kind is inspect.Parameter.KEYWORD_ONLY and members and all(
            dataclasses.is_dataclass(m) for m in members
        ):
            continue  # a structured input for Python callers; the flat options cover it
        options = _options(hint)
        if param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD:
            options.pop("action", None)
            parser.add_argument(param.name, metavar=param.name.upper(),
                                help=docs.get(param.name), **options)
            names.append((param.name, True))
        elif param.kind is inspect.Parameter.KEYWORD_ONLY:
            flags = ["--" + param.name.replace("_", "-"), *aliases.get(param.name, ())]
            default = None if param.default is inspect.Parameter.empty else param.default
            shown = f" (default {default})" if default not in (None, (), "", False) else ""
            parser.add_argument(*flags, dest=param.name, default=None,
                                help=docs.get(param.name, param.name.replace("_", " ")) + shown,
                                **options)
            names.append((param.name, False))
    return names


def _arg_docs(doc: str) -> dict[str, str]:
    """``name: text`` lines of a docstring's ``Args:`` section."""
    docs: dict[str, str] = {}
    if "Args:" not in doc:
        return docs
    current = None
    for line in doc.split("Args:", 1)[1].splitlines()[1:]:
        if not line.strip():
            break
        stripped = line.strip()
        head, sep, text = stripped.partition(": ")
        if sep and line.startswith("    ") and not line.startswith("        ") \
                and head.isidentifier():
            current = head
            docs[current] = text
        elif current:
            docs[current] += " " + stripped
    return docs


def _options(hint: Any) -> dict[str, Any]:
    """argparse options for a type annotation."""
    members = [a for a in _union(hint) if a is not type(None)]
    if any(typing.get_origin(m) in (tuple, list) for m in members):
        return {"action": "append"}
    if bool in members:
        return {"action": "store_true"}
    enums = [m for m in members if isinstance(m, type) and issubclass(m, enum.Enum)]
    if enums:
        return {"choices": [e.value for e in enums[0]]}
    if int in members:
        return {"type": int}
    return {}


def _union(hint: Any) -> tuple[Any, ...]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return typing.get_args(hint)
    return (hint,)


def _run(attribute: str, method_name: str, names: list[tuple[str, bool]],
         args: argparse.Namespace) -> int:
    from ksz_client.cli._context import client_from_args
    from ksz_client.cli._render import exit_code, render

    kwargs = {name: getattr(args, name) for name, positional in names
              if positional or getattr(args, name) is not None}
    with client_from_args(args) as client:
        result = getattr(getattr(client, attribute), method_name)(**kwargs)
    if args.json:
        from ksz_client.cli._output import print_json

        print_json(result)
    else:
        sys.stdout.write(render(result) + "\n")
    return exit_code(result)


__all__ = ["EXIT_BUSINESS", "EXIT_OK", "register"]
