"""``ksz person get SSIN`` and ``ksz person search LAST_NAME``: PersonService V4."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from ksz_client.cli import EXIT_BUSINESS, EXIT_OK

if TYPE_CHECKING:
    from ksz_client.services.person import Person


def register(sub: Any) -> None:
    parser = sub.add_parser("person", help="PersonService V4: legal data of a person")
    commands = parser.add_subparsers(dest="person_command", metavar="OPERATION")
    commands.required = True
    get = commands.add_parser("get", help="search a person by SSIN (searchPersonBySsin)")
    get.add_argument("ssin")
    get.add_argument("--language", choices=("NL", "FR", "DE"))
    get.add_argument("--json", action="store_true", help="JSON output")
    get.set_defaults(run=run_get)
    search = commands.add_parser(
        "search", help="phonetic search by name, birth date, gender (searchPersonPhonetically)"
    )
    search.add_argument("last_name")
    search.add_argument("--given-name", action="append", default=[], dest="given_names",
                        help="a given name (up to 3)")
    search.add_argument("--birth-date", help="YYYY-MM-DD, with 00 for unknown parts")
    search.add_argument("--tolerance", type=int, default=0, help="birth year +/- years")
    search.add_argument("--gender", choices=("M", "F"))
    search.add_argument("--max", type=int, default=10, dest="max_results")
    search.add_argument("--json", action="store_true", help="JSON output")
    search.set_defaults(run=run_search)


def run_get(args: argparse.Namespace) -> int:
    from ksz_client.cli._context import client_from_args
    from ksz_client.cli._output import print_json

    with client_from_args(args) as client:
        result = client.person.get(args.ssin, language=args.language)
    if args.json:
        print_json(result)
    elif result.person is None:
        sys.stdout.write(f"no data found ({result.status.code})\n")
    else:
        sys.stdout.write(describe(result.person) + "\n")
        sys.stdout.write(f"\nticket {result.receipt.ticket}  ticketCBSS "
                         f"{result.receipt.ticket_cbss}\n")
    return EXIT_OK if result.person is not None else EXIT_BUSINESS


def run_search(args: argparse.Namespace) -> int:
    from ksz_client.cli._context import client_from_args
    from ksz_client.cli._output import print_json, table

    with client_from_args(args) as client:
        result = client.person.search(
            args.last_name,
            given_names=args.given_names,
            birth_date=args.birth_date,
            tolerance=args.tolerance,
            gender=args.gender,
            max_results=args.max_results,
        )
    if args.json:
        print_json(result)
    elif not result.persons:
        sys.stdout.write(f"no data found ({result.status.code})\n")
    else:
        rows = [
            (
                p.ssin.formatted,
                str(p.name),
                p.birth.date.isoformat() if p.birth else "",
                p.gender.value if p.gender else "",
                str(p.residential_address or ""),
            )
            for p in result.persons
        ]
        sys.stdout.write(table(rows, header=("SSIN", "name", "born", "sex", "address")) + "\n")
    return EXIT_OK if result.persons else EXIT_BUSINESS


def describe(person: Person) -> str:
    """A person as aligned human-readable lines."""
    lines: list[tuple[str, str]] = [
        ("SSIN", f"{person.ssin.formatted} ({person.register.value} register)"),
        ("name", str(person.name)),
        ("gender", person.gender.value if person.gender else "unknown"),
    ]
    if person.birth is not None:
        place = person.birth.place.name if person.birth.place and person.birth.place.name else ""
        lines.append(("born", f"{person.birth.date} {place}".strip()))
    if person.decease is not None:
        lines.append(("deceased", str(person.decease.date)))
    if person.nationalities:
        lines.append(("nationality", ", ".join(n.code for n in person.nationalities)))
    if person.civil_states:
        lines.append(("civil state", person.civil_states[0].code))
    for address in person.addresses:
        lines.append((f"address ({address.kind.value.lower()})", str(address)))
    width = max(len(k) for k, _ in lines)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in lines)
