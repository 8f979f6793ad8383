"""``ksz sandbox serve|persons``: the local KSZ."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ksz_client.cli import EXIT_OK


def register(sub: Any) -> None:
    parser = sub.add_parser("sandbox", help="run the local KSZ sandbox")
    commands = parser.add_subparsers(dest="sandbox_command", metavar="ACTION")
    commands.required = True
    serve = commands.add_parser("serve", help="serve the sandbox until Ctrl-C")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    _population_options(serve)
    serve.add_argument("--write-config", metavar="PATH",
                       help="write a client ksz.toml (and its key files) for this sandbox")
    serve.add_argument("--verbose", action="store_true", help="log every request")
    serve.set_defaults(run=run_serve)
    persons = commands.add_parser("persons", help="list sandbox persons to pick test cases")
    _population_options(persons)
    persons.add_argument("--limit", type=int, default=20)
    persons.add_argument("--json", action="store_true", help="JSON output")
    persons.set_defaults(run=run_persons)


def _population_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=1, help="population seed (default 1)")
    parser.add_argument("--persons", type=int, default=1000, help="population size")


def run_serve(args: argparse.Namespace) -> int:
    from ksz_client.sandbox import Sandbox

    sandbox = Sandbox(seed=args.seed, persons=args.persons, host=args.host, port=args.port,
                      verbose=args.verbose)
    if args.write_config:
        path = sandbox.write_config(args.write_config)
        sys.stdout.write(f"client configuration written to {path}\n")
    sys.stdout.write(f"ksz sandbox listening on {sandbox.url} (Ctrl-C stops)\n")
    sys.stdout.flush()
    try:
        sandbox.serve_forever()
    except KeyboardInterrupt:
        sys.stdout.write("ksz sandbox stopped\n")
    finally:
        sandbox.server.close()
    return EXIT_OK


def run_persons(args: argparse.Namespace) -> int:
    from ksz_client.sandbox.population import Population

    population = Population(seed=args.seed, size=args.persons)
    count = max(0, min(args.limit, population.size))
    profiles = [population.profile(i) for i in range(count)]
    if args.json:
        sys.stdout.write(json.dumps([p.as_json() for p in profiles], ensure_ascii=False,
                                    indent=2) + "\n")
        return EXIT_OK
    from ksz_client.cli._output import table

    rows = [
        (p.ssin.formatted, p.name, p.birth_date, p.gender, p.register,
         "deceased" if p.deceased else ("replaced" if p.replaced_by else ""))
        for p in profiles
    ]
    sys.stdout.write(table(rows, header=("SSIN", "name", "born", "sex", "register", "note"))
                     + "\n")
    return EXIT_OK
