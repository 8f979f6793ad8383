"""``ksz <service> <method> ...``: commands built from the service classes and the catalogue.

Each method a service class marks with `@operation` becomes a command named
after the method (``ksz person get``), also reachable by the catalogue's
operation name in kebab case (``ksz person search-person-by-ssin``). Its
positional parameters become positional arguments, its keyword-only ones
``--options``, typed from the annotations. Only the service named on the
command line is imported, so other commands stay fast.

Every command prints the result for people by default (`_render`), as JSON
with ``--json`` (keys: `JSON_RULES`), or the answer's XML with ``--raw``
(`_raw`).
"""

from __future__ import annotations

import argparse
import dataclasses
import enum
import inspect
import re
import sys
import types
import typing
from collections.abc import Callable
from functools import partial
from typing import Any

from ksz_client.cli import EXIT_BUSINESS, EXIT_OK

_SKIP = frozenset({"self", "context"})
# A sentence ends at ". " before a capital, not after "e.g." or "i.e.".
_FIRST_SENTENCE = re.compile(r"(?<!\be\.g)(?<!\bi\.e)\.\s+(?=[A-Z(])")

JSON_RULES = (
    "JSON of the typed result: an object per result and per nested record, keyed by "
    "the Python field names (snake_case; stable, a field only ever added); "
    "absent values null, lists []; SSINs as 11 digits; dates YYYY-MM-DD, timestamps "
    "ISO 8601; months YYYY-MM, quarters YYYYQn, partial dates with 00 for unknown "
    "parts; amounts {\"cents\": int, \"euro\": \"12.34\"}; other decimals as "
    "strings; codes as the KSZ's own value; status and receipt (tickets) included"
)


def register(sub: Any, selected: str | None) -> None:
    from ksz_client import catalogue
    from ksz_client.services._registry import BINDINGS, operations_of

    for binding in BINDINGS:
        service = catalogue.get(binding.service)
        summary = _FIRST_SENTENCE.split(service.description, maxsplit=1)[0].rstrip(".")
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
            kebab = method_name.replace("_", "-")  # find_employers: also find-employers
            if kebab not in taken:
                aliases.append(kebab)
                taken.add(kebab)
            command = commands.add_parser(method_name, aliases=aliases,
                                          help=f"{doc} ({op.name}, {op.kind.value})")
            names = _add_arguments(command, method, info.aliases)
            output = command.add_mutually_exclusive_group()
            output.add_argument("--json", action="store_true", help=JSON_RULES)
            output.add_argument("--raw", action="store_true",
                                help="the answer's XML as received, pretty-printed (SSDN: "
                                "the document inside the envelope shown as XML); every "
                                "SSIN but the subject's masked, e.g. 850730*****")
            command.set_defaults(run=partial(_run, binding.attribute, method_name, names,
                                             binding.service))


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


def _run(attribute: str, method_name: str, names: list[tuple[str, bool]], service: str,
         args: argparse.Namespace) -> int:
    from ksz_client.cli._context import CallInfo, client_from_args, command_context
    from ksz_client.cli._render import exit_code, render

    kwargs = {name: getattr(args, name) for name, positional in names
              if positional or getattr(args, name) is not None}
    context = command_context(args)
    if context is not None:
        kwargs["context"] = context
    args.call_info = CallInfo(service=service, ssins=_typed_ssins(kwargs.values()))
    try:
        with client_from_args(args) as client:
            result = getattr(getattr(client, attribute), method_name)(**kwargs)
    except Exception:
        if args.raw:
            _print_raw(args, missing_ok=True)  # a refusal's answer is worth seeing too
        raise
    if args.raw:
        _print_raw(args)
    elif args.json:
        from ksz_client.cli._output import print_json

        print_json(result)
    else:
        sys.stdout.write(render(result) + "\n")
    return exit_code(result)


def _print_raw(args: argparse.Namespace, *, missing_ok: bool = False) -> None:
    recorder = args.call_info.recorder
    text = recorder.raw() if recorder is not None else None
    if text is not None:
        sys.stdout.write(text + "\n")
    elif not missing_ok:
        sys.stderr.write("ksz: no answer was received (nothing to show with --raw)\n")


def _typed_ssins(values: typing.Iterable[Any]) -> tuple[str, ...]:
    """The valid SSINs among the command's arguments, as the user typed them."""
    from ksz_client import ssin

    found: list[str] = []
    for value in values:
        items = value if isinstance(value, list | tuple) else [value]
        for item in items:
            if isinstance(item, str) and ssin.is_valid(item, allow_test=True):
                found.append(ssin.format(item))
    return tuple(found)


__all__ = ["EXIT_BUSINESS", "EXIT_OK", "JSON_RULES", "register"]
