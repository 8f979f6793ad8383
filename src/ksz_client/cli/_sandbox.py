"""``ksz sandbox serve|persons|notify``: the local KSZ."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ksz_client.cli import EXIT_BUSINESS, EXIT_OK, EXIT_TRANSPORT, EXIT_USAGE


def register(sub: Any) -> None:
    parser = sub.add_parser("sandbox", help="run the local KSZ sandbox")
    commands = parser.add_subparsers(dest="sandbox_command", metavar="ACTION")
    commands.required = True

    serve = commands.add_parser("serve", help="serve the sandbox until Ctrl-C")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    _population_options(serve)
    serve.add_argument("--latency-ms", type=int, default=0, metavar="MS",
                       help="delay every answer by MS milliseconds")
    serve.add_argument("--tls", action="store_true",
                       help="serve HTTPS with a certificate from a generated sandbox CA")
    serve.add_argument("--state", metavar="PATH",
                       help="keep keys, integrations and mutations in this SQLite file")
    serve.add_argument("--write-config", metavar="PATH",
                       help="write a client ksz.toml (and its key files) for this sandbox")
    serve.add_argument("--verbose", action="store_true", help="log every request")
    serve.set_defaults(run=run_serve)

    persons = commands.add_parser(
        "persons", help="list sandbox persons to pick test cases",
        description="List sandbox persons with a one-line profile. --where filters on any "
        "profile field, e.g. --where has_employment=true --where deceased=false, "
        "--where fault=reset (or fault=any for every reserved fault person).")
    _population_options(persons)
    persons.add_argument("--limit", type=int, default=20)
    persons.add_argument("--where", action="append", default=[], metavar="KEY=VALUE",
                         help="keep persons whose profile field KEY is VALUE (repeatable)")
    persons.add_argument("--state", metavar="PATH",
                         help="the sandbox state file, to show which persons are integrated")
    persons.add_argument("--json", action="store_true", help="JSON output")
    persons.set_defaults(run=run_persons)

    notify = commands.add_parser(
        "notify", help="push a signed notification to a receiver",
        description="POST a notification, WS-Security signed with the sandbox's "
        "response-signing key, to a receiver. Use the same --state as `ksz sandbox serve` so "
        "that the receiver's pinned sandbox certificate matches.")
    notify.add_argument("--to", metavar="URL", help="the receiver's URL (required)")
    notify.add_argument("--type", metavar="TYPE",
                        help="notification operation, e.g. notifyFamilyComposition; several "
                        "separated by commas, or 'all' (required; see --types)")
    notify.add_argument("--ssin", help="the sandbox person it is about (required)")
    notify.add_argument("--burst", type=int, default=1, metavar="N",
                        help="send N notifications in a row (consecutive sequence numbers)")
    notify.add_argument("--senders", type=int, default=1, metavar="C",
                        help="for load: C concurrent senders, each sending --burst of each type")
    notify.add_argument("--types", action="store_true",
                        help="list the notification types the sandbox pushes, and exit")
    notify.add_argument("--receiver", metavar="KBO",
                        help="receiver's KBO number (default: the sandbox OCMW)")
    notify.add_argument("--ca-bundle", metavar="PATH",
                        help="CA bundle that verifies an https receiver")
    notify.add_argument("--state", metavar="PATH", help="the sandbox state file (its keys)")
    _population_options(notify)
    notify.add_argument("--json", action="store_true", help="JSON output")
    notify.set_defaults(run=run_notify)


def _population_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=1, help="population seed (default 1)")
    parser.add_argument("--persons", type=int, default=1000, help="population size")


def _usage(message: str) -> int:
    sys.stderr.write(f"ksz: error: {message}\n")
    return EXIT_USAGE


def run_serve(args: argparse.Namespace) -> int:
    from ksz_client.sandbox import Sandbox

    if args.latency_ms < 0:
        return _usage("--latency-ms cannot be negative")
    try:
        sandbox = Sandbox(seed=args.seed, persons=args.persons, host=args.host, port=args.port,
                          verbose=args.verbose, state=args.state, tls=args.tls,
                          latency_ms=args.latency_ms)
    except ValueError as exc:
        return _usage(str(exc))
    except OSError as exc:
        return _usage(f"cannot listen on {args.host}:{args.port}: {exc.strerror}")
    try:
        # Before "listening" is printed: whoever waits for that line may stop us at once.
        _stop_on_signals()
        if args.write_config:
            # Commands run one by one: the audit log keeps the integrations between them.
            path = sandbox.write_config(args.write_config, audit_log=True)
            sys.stdout.write(f"client configuration written to {path}\n")
        if args.state:
            sys.stdout.write(f"state kept in {args.state}\n")
        sys.stdout.write(f"ksz sandbox listening on {sandbox.url} (Ctrl-C stops)\n")
        sys.stdout.flush()
        sandbox.serve_forever()
    except KeyboardInterrupt:
        sys.stdout.write("ksz sandbox stopped\n")
    finally:
        sandbox.close()
    return EXIT_OK


def _stop_on_signals() -> None:
    # Ctrl-C, and also SIGTERM (service managers, `kill`) and a SIGINT that a
    # non-interactive shell set to ignored for a background job: all stop cleanly.
    import signal

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop)


def _where(items: list[str]) -> dict[str, str] | str:
    from ksz_client.sandbox.population import Profile

    known = [*Profile.__dataclass_fields__, "replaced"]
    where: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            return f"--where takes KEY=VALUE, not {item!r}"
        if key.strip() not in known:
            return f"unknown profile field {key.strip()!r}; known: {', '.join(known)}"
        where[key.strip()] = value
    return where


_FLAGS = ("has_employment", "self_employed", "unemployed", "pensioned", "job_seeker",
          "incapacitated", "has_disability", "leefloon", "mediprima", "integrated")


def run_persons(args: argparse.Namespace) -> int:
    from ksz_client.sandbox import select
    from ksz_client.sandbox.population import Population
    from ksz_client.sandbox.state import SqliteState

    where = _where(args.where)
    if isinstance(where, str):
        return _usage(where)
    if args.state and not Path(args.state).is_file():
        return _usage(f"no sandbox state at {args.state}")
    try:
        population = Population(seed=args.seed, size=args.persons)
    except ValueError as exc:
        return _usage(str(exc))
    state = SqliteState(args.state) if args.state else None
    try:
        profiles = select(population, state, where, limit=args.limit)
    except KeyError as exc:
        return _usage(str(exc.args[0]))
    finally:
        if state is not None:
            state.close()
    if args.json:
        sys.stdout.write(json.dumps([p.as_json() for p in profiles], ensure_ascii=False,
                                    indent=2) + "\n")
        return EXIT_OK
    from ksz_client.cli._output import table

    rows = []
    for p in profiles:
        notes = [f"fault={p.fault}"] if p.fault else []
        notes += ["deceased"] * p.deceased + ["replaced"] * p.replaced
        notes += [flag for flag in _FLAGS if getattr(p, flag)]
        rows.append((p.ssin.formatted, p.name, p.birth_date, p.gender, p.register,
                     str(p.household_size), " ".join(notes)))
    sys.stdout.write(table(rows, header=("SSIN", "name", "born", "sex", "register", "household",
                                         "profile")) + "\n")
    return EXIT_OK


def _list_types() -> int:
    from ksz_client.cli._output import table
    from ksz_client.sandbox.notify import types

    sys.stdout.write(table(
        [(op.name, service.name, service.contract.value) for service, op in types()],
        header=("type", "service", "contract"),
    ) + "\n")
    return EXIT_OK


def _notify_types(text: str) -> list[str] | str:
    from ksz_client.sandbox.notify import resolve, types

    if text.strip().casefold() == "all":
        return [op.name for _service, op in types()]
    names = []
    for name in (n.strip() for n in text.split(",")):
        if not name:
            continue
        try:
            names.append(resolve(name)[1].name)
        except (KeyError, ValueError) as exc:
            return str(exc.args[0])
    return names or "--type names at least one notification type"


def run_notify(args: argparse.Namespace) -> int:
    import concurrent.futures

    from ksz_client.sandbox import (
        SANDBOX_CBE_NUMBER,
        NotificationResult,
        push,
        sandbox_credentials,
    )
    from ksz_client.sandbox.population import Population
    from ksz_client.sandbox.state import MemoryState, SandboxState, SqliteState

    if args.types:
        return _list_types()
    for flag, value in (("--to", args.to), ("--type", args.type), ("--ssin", args.ssin)):
        if not value:
            return _usage(f"{flag} is required (or --types to list the types)")
    if args.burst < 1:
        return _usage("--burst is at least 1")
    if args.senders < 1:
        return _usage("--senders is at least 1")
    names = _notify_types(args.type)
    if isinstance(names, str):
        return _usage(names)
    try:
        population = Population(seed=args.seed, size=args.persons)
    except ValueError as exc:
        return _usage(str(exc))
    if population.index_of(args.ssin) is None:
        return _usage("--ssin is not a person of this sandbox (see `ksz sandbox persons`)")
    state: SandboxState = SqliteState(args.state) if args.state else MemoryState()

    def send(name: str) -> list[NotificationResult]:
        return push(args.to, name, args.ssin, population=population, state=state,
                    signing=signing, burst=args.burst,
                    receiver=args.receiver or SANDBOX_CBE_NUMBER,
                    verify=args.ca_bundle or True)

    try:
        signing, _client = sandbox_credentials(state)
        try:
            if args.senders == 1:
                results = [r for name in names for r in send(name)]
            else:
                with concurrent.futures.ThreadPoolExecutor(args.senders) as pool:
                    futures = [pool.submit(send, name)
                               for _ in range(args.senders) for name in names]
                    results = [r for f in futures for r in f.result()]
        except OSError as exc:  # requests' errors are OSErrors
            sys.stderr.write(f"ksz: the receiver could not be reached: {exc}\n")
            return EXIT_TRANSPORT
    finally:
        state.close()
    if args.json:
        sys.stdout.write(json.dumps([
            {"type": r.operation, "sequence_number": r.sequence_number, "ticket": r.ticket,
             "http_status": r.http_status, "delivered": r.delivered} for r in results
        ], indent=2) + "\n")
    else:
        for r in results:
            verdict = "delivered" if r.delivered else "refused"
            sys.stdout.write(f"{r.operation} #{r.sequence_number} {verdict} "
                             f"(HTTP {r.http_status}, ticket {r.ticket})\n")
    return EXIT_OK if all(r.delivered for r in results) else EXIT_BUSINESS
