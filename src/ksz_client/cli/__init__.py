"""The ``ksz`` command: one-off consultations, the service catalogue, the sandbox.

Exit codes: 0 ok; 1 business result (no data, refused by the KSZ);
2 usage or configuration error; 3 transport, response or signature failure.

Imports are lazy: ``ksz ssin check`` and ``ksz --help`` load neither lxml nor
requests; only the service named on the command line is imported.

The call context (who calls, why, for which file) comes from the command line
(``--user``, ``--legal-context``, ``--quality-code``, ``--dossier``), else from
the ``KSZ_CONTEXT_*`` environment variables, else from the ``[context]`` table
of the configuration file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Final

__all__ = [
    "EXIT_BUSINESS",
    "EXIT_OK",
    "EXIT_TRANSPORT",
    "EXIT_USAGE",
    "console_main",
    "main",
]

EXIT_OK: Final = 0
EXIT_BUSINESS: Final = 1
EXIT_USAGE: Final = 2
EXIT_TRANSPORT: Final = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"ksz: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The ``ksz`` parser; only the service command named in ``argv`` is built in full."""
    from ksz_client.cli import (
        _audit,
        _batch,
        _check,
        _completion,
        _generated,
        _help,
        _notifications,
        _reconcile,
        _sandbox,
        _services,
        _ssin,
    )

    parser = _Parser(
        prog="ksz",
        description="Call the KSZ/BCSS web services from the command line.",
        epilog="Exit codes: 0 ok, 1 no data or refused, 2 usage/config error, "
        "3 transport or signature failure.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", metavar="PATH",
                        help="configuration file (default $KSZ_CONFIG, else ./ksz.toml)")
    context = parser.add_argument_group(
        "call context", "default: the KSZ_CONTEXT_* variable, else [context] in the "
        "configuration file")
    context.add_argument("--user", help="who calls: the social worker's or program's id "
                         "(context.user)")
    context.add_argument("--legal-context", metavar="CONTEXT",
                         help="legal context of this call, e.g. PCSA:SOCIAL_INQUIRY; wins over "
                         "the service's own and [legal_contexts] (context.legal_context / "
                         "KSZ_CONTEXT_LEGAL_CONTEXT only for services without one)")
    # Its own dest: several operations take a --quality-code of their own, whose
    # default (None) would otherwise overwrite this one.
    context.add_argument("--quality-code", dest="context_quality_code", type=int,
                         metavar="CODE", help="sector 17 quality code of the file, e.g. 2 "
                         "leefloon (context.quality_code)")
    context.add_argument("--dossier", metavar="REF",
                         help="file (dossier) reference the call is for (context.dossier)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    _ssin.register(sub)
    _services.register(sub)
    _generated.register(sub, _selected_service(argv))
    _sandbox.register(sub)
    _audit.register(sub)
    _reconcile.register(sub)
    _batch.register(sub)
    _notifications.register(sub)
    _check.register(sub)
    _completion.register(sub)
    _help.group_commands(parser, sub)
    return parser


def _selected_service(argv: Sequence[str]) -> str | None:
    from ksz_client.services._registry import binding

    found = next((b for b in map(binding, argv) if b is not None), None)
    return found.attribute if found is not None else None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``ksz`` command; returns its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["__complete"]:  # hidden: what the shell completion scripts call
        from ksz_client.cli._completion import complete_main

        return complete_main(argv[1:])
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error of ours.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # mapped to an exit code and a one-line message
        from ksz_client.cli._output import error_exit

        return error_exit(exc, getattr(args, "call_info", None))
    return code


def console_main() -> None:
    """Entry point of the ``ksz`` console script."""
    sys.exit(main())
