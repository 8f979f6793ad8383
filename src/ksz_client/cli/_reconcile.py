"""``ksz reconcile CALL_ID``: establish what became of an in-doubt mutation, and record it.

The call is looked up among the audit log's unresolved IN_DOUBT records (``ksz
audit in-doubt`` lists them); its service's reconciliation checks the state
through the matching consultation (ManageAccess LIST, ListOfAttestations,
L036, consultCarmed) and records a RECOVERY (`KszClient.reconcile`). What the
audit log does not hold (the period the call asked, a reference) is given
with ``--start``/``--end`` or ``--arg NAME=VALUE``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ksz_client.cli import EXIT_BUSINESS, EXIT_OK

__all__ = ["register"]


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "reconcile", help="establish what became of an in-doubt mutation and record it")
    parser.add_argument("call_id", help="the ticket of the in-doubt call (ksz audit in-doubt)")
    parser.add_argument("--start", help="first day of the period the call asked (YYYY-MM-DD)")
    parser.add_argument("--end", help="last day of the period the call asked (YYYY-MM-DD)")
    parser.add_argument("--arg", action="append", default=[], metavar="NAME=VALUE",
                        help="a further argument of the service's reconciliation, e.g. "
                        "reference=ATT-1 or quality_code=2; repeatable")
    parser.add_argument("--json", action="store_true", help="JSON output")
    parser.set_defaults(run=run)


def _details(args: argparse.Namespace) -> dict[str, Any]:
    from ksz_client._exceptions import ValidationError

    details: dict[str, Any] = {}
    for name in ("start", "end"):
        value = getattr(args, name)
        if value is not None:
            details[name] = value
    for item in args.arg:
        name, sep, value = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or not name.isidentifier():
            raise ValidationError("--arg takes NAME=VALUE")
        # Quality codes are the only whole numbers the reconciliations take.
        details[name] = int(value) if name == "quality_code" and value.isdigit() else value
    return details


def run(args: argparse.Namespace) -> int:
    from ksz_client.cli._context import client_from_args
    from ksz_client.cli._output import plain, print_json

    details = _details(args)
    with client_from_args(args) as client:
        result = client.reconcile(args.call_id, **details)
    data = plain(result)
    applied = data.get("applied") if isinstance(data, dict) else None
    if args.json:
        print_json(result)
    else:
        what = "could not be established" if not isinstance(applied, bool) \
            else ("applied" if applied else "not applied")
        recorded = isinstance(data, dict) and bool(data.get("recorded"))
        sys.stdout.write(f"call {args.call_id}: {what}"
                         f"{'; recorded in the audit log' if recorded else ''}\n")
    return EXIT_OK if isinstance(applied, bool) else EXIT_BUSINESS
