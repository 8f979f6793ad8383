"""``ksz ssin check|info SSIN``: no network, no configuration."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ksz_client.cli import EXIT_BUSINESS, EXIT_OK


def register(sub: Any) -> None:
    parser = sub.add_parser("ssin", help="check or describe an SSIN (INSZ/NISS); offline")
    commands = parser.add_subparsers(dest="ssin_command", metavar="ACTION")
    commands.required = True
    check = commands.add_parser("check", help="is this SSIN valid? (exit 0 yes, 1 no)")
    check.add_argument("ssin")
    check.add_argument("--allow-test", action="store_true",
                       help="accept test numbers (birth month + 60)")
    check.set_defaults(run=run_check)
    info = commands.add_parser("info", help="kind, birth date and gender of an SSIN")
    info.add_argument("ssin")
    info.add_argument("--allow-test", action="store_true",
                      help="accept test numbers (birth month + 60)")
    info.add_argument("--json", action="store_true", help="JSON output")
    info.set_defaults(run=run_info)


def run_check(args: argparse.Namespace) -> int:
    from ksz_client import ssin
    from ksz_client._exceptions import InvalidSsin

    try:
        number = ssin.validate(args.ssin, allow_test=args.allow_test)
    except InvalidSsin as exc:
        sys.stdout.write(f"invalid: {exc}\n")
        return EXIT_BUSINESS
    sys.stdout.write(f"valid: {number.formatted}\n")
    return EXIT_OK


def run_info(args: argparse.Namespace) -> int:
    from ksz_client import ssin

    number = ssin.validate(args.ssin, allow_test=args.allow_test)
    birth = number.birth_date
    info = {
        "ssin": str(number),
        "formatted": number.formatted,
        "kind": number.kind.value,
        "birth_date": birth.isoformat() if birth else None,
        "birth_year": number.birth_year,
        "gender": number.gender.value if number.gender else None,
    }
    if args.json:
        sys.stdout.write(json.dumps(info, indent=2) + "\n")
    else:
        width = max(len(k) for k in info)
        for key, value in info.items():
            sys.stdout.write(f"{key.ljust(width)}  {value if value is not None else '-'}\n")
    return EXIT_OK
