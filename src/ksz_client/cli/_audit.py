"""``ksz audit verify|query|export|checkpoint|in-doubt|resolve``: the audit log, for the DPO.

The log is the configured one (``[audit]`` keys of ``--config``), or the
SQLite file given with ``--path``. Reading (query, export, in-doubt) is itself
recorded: a READ_ACCESS record names the reader, which is ``--reader``, else
the global ``--user``, else ``context.user`` of the configuration, else the
operating-system account.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import getpass
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from ksz_client.cli import EXIT_BUSINESS, EXIT_OK

if TYPE_CHECKING:
    from ksz_client.audit import AuditLog, AuditRecord


def register(sub: Any) -> None:
    parser = sub.add_parser("audit", help="the audit log: verify, query, export, checkpoint")
    commands = parser.add_subparsers(dest="audit_command", metavar="COMMAND")
    commands.required = True

    verify = commands.add_parser(
        "verify", help="check the hash chain and checkpoints (exit 1 with the first broken seq)"
    )
    _where(verify)
    verify.add_argument("--checkpoint", metavar="FILE",
                        help="an exported checkpoint to compare with (default: the latest "
                        "one in the export folder)")
    verify.add_argument("--public-key", metavar="FILE", action="append", default=[],
                        help="a trusted checkpoint public key (PEM); repeatable "
                        "(default: the configured checkpoint key)")
    verify.add_argument("--json", action="store_true", help="JSON output")
    verify.set_defaults(run=run_verify)

    query = commands.add_parser("query", help="records matching filters (logged as READ_ACCESS)")
    _where(query)
    _filters(query)
    query.add_argument("--limit", type=int, help="at most this many records")
    query.add_argument("--json", action="store_true", help="JSON lines output")
    query.set_defaults(run=run_query)

    export = commands.add_parser("export", help="export records as JSON lines or CSV "
                                 "(logged as READ_ACCESS)")
    _where(export)
    _filters(export)
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    export.add_argument("--output", metavar="FILE", help="write here (default: stdout)")
    export.set_defaults(run=run_export)

    checkpoint = commands.add_parser(
        "checkpoint", help="seal the log now with a signed checkpoint, then apply retention"
    )
    _where(checkpoint)
    checkpoint.add_argument("--no-retention", action="store_true",
                            help="do not drop records older than audit.retention_years")
    checkpoint.set_defaults(run=run_checkpoint)

    in_doubt = commands.add_parser(
        "in-doubt", help="calls whose outcome is unknown and not yet reconciled"
    )
    _where(in_doubt)
    in_doubt.add_argument("--reader", help="who reads (default: --user, context.user, "
                          "the OS account)")
    in_doubt.set_defaults(run=run_in_doubt)

    resolve = commands.add_parser(
        "resolve", help="record how an in-doubt call was reconciled (RECOVERY)"
    )
    _where(resolve)
    resolve.add_argument("call_id")
    resolve.add_argument("--applied", choices=("yes", "no", "unknown"), required=True,
                         help="whether the KSZ did process the call")
    resolve.add_argument("--note", default="", help="how it was established")
    resolve.add_argument("--reader", help="who reconciled (default: --user, context.user, "
                         "the OS account)")
    resolve.set_defaults(run=run_resolve)


def _where(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--path", metavar="DB", help="a SQLite audit log file "
                        "(default: the configured log)")
    parser.add_argument("--key-file", metavar="FILE", help="with --path: the checkpoint key "
                        "(default: audit-checkpoint.key beside the file)")


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ssin", help="calls about this person")
    parser.add_argument("--user", dest="filter_user", metavar="USER",
                        help="calls made by this user (the reader is the global --user "
                        "or --reader)")
    parser.add_argument("--dossier", dest="filter_dossier", metavar="DOSSIER",
                        help="calls for this file")
    parser.add_argument("--service", help="calls of this service (catalogue name)")
    parser.add_argument("--call-id", help="the records of one call (its ticket)")
    parser.add_argument("--kind", action="append", default=[],
                        help="only records of this kind (INTENT, OUTCOME, DENIED, ...); "
                        "repeatable")
    parser.add_argument("--from", dest="since", metavar="WHEN",
                        help="from this date or ISO time (UTC), inclusive")
    parser.add_argument("--to", dest="until", metavar="WHEN",
                        help="up to this date (inclusive) or ISO time (exclusive), UTC")
    parser.add_argument("--reader", help="who reads (default: --user, context.user, "
                        "the OS account)")


def _open(args: argparse.Namespace, *, readonly: bool = False) -> tuple[AuditLog, str | None]:
    from ksz_client.audit import AuditLog

    if args.path:
        if not os.path.isfile(args.path):
            from ksz_client._exceptions import ConfigError

            raise ConfigError("there is no audit log at that path", key="--path")
        log = AuditLog.sqlite(args.path, key_file=args.key_file, recover=not readonly,
                              readonly=readonly)
        return log, None
    from ksz_client._config import KszConfig
    from ksz_client._exceptions import ConfigError

    config = KszConfig.load(args.config)
    if not config.audit_enabled:
        raise ConfigError("no audit log is configured (set audit.path or audit.dsn, "
                          "or give --path)", key="audit.path")
    return AuditLog.from_config(config, recover=not readonly, readonly=readonly), \
        config.default_user


def _reader(args: argparse.Namespace, default_user: str | None) -> str:
    return args.reader or args.user or default_user or getpass.getuser()


def _when(text: str | None, *, end: bool) -> _dt.datetime | None:
    from ksz_client._exceptions import ValidationError

    if not text:
        return None
    try:
        if len(text) == 10:
            day = _dt.date.fromisoformat(text)
            moment = _dt.datetime(day.year, day.month, day.day, tzinfo=_dt.UTC)
            return moment + _dt.timedelta(days=1) if end else moment
        value = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError("--from and --to take YYYY-MM-DD or an ISO date and time") from None
    return value if value.tzinfo else value.replace(tzinfo=_dt.UTC)


def _service(name: str | None) -> str | None:
    if not name:
        return None
    from ksz_client import catalogue

    try:
        return catalogue.get(name).name
    except KeyError:
        return name  # a service of an older catalogue may still be in the log


def _kinds(values: list[str]) -> list[str]:
    from ksz_client._exceptions import ValidationError
    from ksz_client.audit import RecordKind

    known = {k.value for k in RecordKind}
    kinds = [v.upper().replace("-", "_") for v in values]
    if any(k not in known for k in kinds):
        raise ValidationError(f"--kind is one of {', '.join(sorted(known))}")
    return kinds


def _filter_args(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "ssin": args.ssin,
        "user": args.filter_user,
        "dossier": args.filter_dossier,
        "service": _service(args.service),
        "call_id": args.call_id,
        "since": _when(args.since, end=False),
        "until": _when(args.until, end=True),
        "kinds": _kinds(args.kind),
    }


def run_verify(args: argparse.Namespace) -> int:
    from ksz_client.audit import load_public_keys
    from ksz_client.cli._output import print_json

    log, _ = _open(args, readonly=True)
    with log:
        keys = load_public_keys(args.public_key) if args.public_key else None
        report = log.verify(public_keys=keys, checkpoint=args.checkpoint)
    if args.json:
        print_json(report)
    else:
        sys.stdout.write(f"{log.location}: {report.summary()}\n")
    if not report.ok:
        sys.stderr.write(f"ksz: audit log broken at seq {report.first_broken_seq}\n")
        return EXIT_BUSINESS
    return EXIT_OK


def run_query(args: argparse.Namespace) -> int:
    from ksz_client.cli._output import table

    log, default_user = _open(args)
    with log:
        records = log.query(reader=_reader(args, default_user), limit=args.limit,
                            **_filter_args(args))
    if args.json:
        for record in records:
            sys.stdout.write(json.dumps(record.to_json(), ensure_ascii=False, sort_keys=True)
                             + "\n")
    elif records:
        sys.stdout.write(table([_row(r) for r in records], header=(
            "seq", "at (UTC)", "kind", "user", "service.operation", "dossier", "status",
            "subjects")) + "\n")
    else:
        sys.stdout.write("no records\n")
    return EXIT_OK if records else EXIT_BUSINESS


def _row(record: AuditRecord) -> tuple[str, ...]:
    from ksz_client import ssin as _ssin

    operation = ".".join(p for p in (record.service, record.operation) if p)
    status = record.status_code or record.error or ""
    if record.kind.value in ("DENIED", "READ_ACCESS", "RECOVERY", "TOMBSTONE", "IN_DOUBT"):
        status = status or str(record.detail.get("rule") or record.detail.get("action") or "")
    return (
        str(record.seq),
        record.at.strftime("%Y-%m-%d %H:%M:%S"),
        record.kind.value,
        record.user or "",
        operation,
        record.dossier or "",
        status,
        " ".join(_ssin.format(s) for s in record.subjects),
    )


def run_export(args: argparse.Namespace) -> int:
    log, default_user = _open(args)
    with log:
        if args.output:
            # Personal data: the export file is readable by its owner only.
            fd = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
                count = log.export(out, reader=_reader(args, default_user), format=args.format,
                                   **_filter_args(args))
            sys.stderr.write(f"ksz: exported {count} records to {args.output}\n")
        else:
            count = log.export(sys.stdout, reader=_reader(args, default_user),
                               format=args.format, **_filter_args(args))
    return EXIT_OK


def run_checkpoint(args: argparse.Namespace) -> int:
    log, _ = _open(args)
    with log:
        checkpoint = log.checkpoint(retention=False)
        dropped = 0
        if checkpoint is None:
            sys.stdout.write("nothing new since the last checkpoint\n")
        else:
            where = f", exported to {log.checkpoint_dir}" if log.checkpoint_dir else ""
            sys.stdout.write(
                f"checkpoint: {checkpoint.size} records, head {checkpoint.head_hash[:16]}..., "
                f"signed by key {checkpoint.key_id}{where}\n"
            )
        if not args.no_retention:
            dropped = log.apply_retention()
            if dropped:
                sys.stdout.write(f"retention: dropped {dropped} records\n")
    return EXIT_OK


def run_in_doubt(args: argparse.Namespace) -> int:
    from ksz_client.cli._output import table

    log, default_user = _open(args)
    with log:
        records = log.in_doubt(reader=_reader(args, default_user))
    if not records:
        sys.stdout.write("no call in doubt\n")
        return EXIT_OK
    sys.stdout.write(table([
        (r.call_id or "", r.at.strftime("%Y-%m-%d %H:%M:%S"), r.user or "",
         f"{r.service}.{r.operation}", r.operation_kind or "")
        for r in records
    ], header=("call id", "at (UTC)", "user", "service.operation", "kind")) + "\n")
    return EXIT_BUSINESS


def run_resolve(args: argparse.Namespace) -> int:
    applied = {"yes": True, "no": False, "unknown": None}[args.applied]
    log, default_user = _open(args)
    with log:
        record = log.resolve(args.call_id, by=_reader(args, default_user), applied=applied,
                             note=args.note)
    sys.stdout.write(f"recorded RECOVERY seq {record.seq} for call {args.call_id}\n")
    return EXIT_OK
