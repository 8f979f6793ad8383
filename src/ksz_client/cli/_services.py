"""``ksz services [--json]``: the service catalogue."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ksz_client.cli import EXIT_OK


def register(sub: Any) -> None:
    parser = sub.add_parser("services", help="list every KSZ service the SDK knows")
    parser.add_argument("--json", action="store_true", help="JSON output")
    parser.add_argument("--clients", action="store_true",
                        help="who receives the OCMW's own data, and in which context")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ksz_client import catalogue

    if args.clients:
        if args.json:
            flows = [flow.as_json() for flow in catalogue.OCMW_DATA_FLOWS]
            sys.stdout.write(json.dumps(flows, indent=2, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(catalogue.render_clients() + "\n")
    elif args.json:
        sys.stdout.write(json.dumps(catalogue.as_json(), indent=2) + "\n")
    else:
        sys.stdout.write(catalogue.render_table() + "\n")
    return EXIT_OK
