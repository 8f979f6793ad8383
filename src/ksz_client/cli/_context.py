"""Building a client from the global options (``--config``, ``--user`` ...).

The call context comes from the command line, else from the environment
(``KSZ_CONTEXT_USER`` ...), else from the configuration file's ``[context]``
table: the environment already overrides the file in `KszConfig.load`, and the
command line is bound over both with `KszClient.acting_for`.

`client_from_args` also leaves a `CallInfo` on the arguments: what an error
message may say about the call that failed (`ksz_client.cli._output.error_exit`).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ksz_client._client import KszClient
    from ksz_client._config import KszConfig
    from ksz_client.cli._raw import CallRecorder
    from ksz_client.hooks import CallObserver
    from ksz_client.types import CallContext

__all__ = ["CallInfo", "client_from_args", "command_context"]


@dataclass
class CallInfo:
    """What the command knows about its call, for a helpful error message.

    ``ssins`` are the SSINs the user typed for this command: an error may show
    them on the terminal (the user just typed them), never in an exception.
    """

    config: KszConfig | None = None
    recorder: CallRecorder | None = None
    service: str | None = None
    ssins: tuple[str, ...] = ()
    quality_code: int | None = None
    global_options: tuple[str, ...] = field(default_factory=tuple)


def client_from_args(
    args: argparse.Namespace, *, observers: Sequence[CallObserver] = ()
) -> KszClient:
    """A client from the configuration, bound to the call context on the command line."""
    from ksz_client._client import KszClient
    from ksz_client._config import KszConfig
    from ksz_client.cli._raw import CallRecorder

    info: CallInfo = getattr(args, "call_info", None) or CallInfo()
    args.call_info = info
    info.global_options = _global_options(args)
    config = KszConfig.load(args.config)
    info.config = config
    info.recorder = CallRecorder()
    client = KszClient(config, observers=(*observers, info.recorder)).acting_for(
        user=args.user, legal_context=args.legal_context, dossier=args.dossier,
        quality_code=getattr(args, "context_quality_code", None),
    )
    info.quality_code = client.context.quality_code
    return client


def command_context(args: argparse.Namespace) -> CallContext | None:
    """The per-call context of a command: ``--legal-context`` typed for this command.

    It is passed with every call the command makes, so it wins over the service's
    own legal context and ``[legal_contexts]``, as a per-call context does in the
    library; ``context.legal_context`` (file or environment) stays a default, bound
    with `KszClient.acting_for`, for services without one of their own.
    """
    from ksz_client.types import CallContext

    if getattr(args, "legal_context", None) is None:
        return None
    return CallContext(legal_context=args.legal_context)


def _global_options(args: argparse.Namespace) -> tuple[str, ...]:
    """The global options given on the command line, to repeat them in a suggested command."""
    out: list[str] = []
    for flag, dest in (("--config", "config"), ("--user", "user"),
                       ("--legal-context", "legal_context"), ("--dossier", "dossier")):
        value = getattr(args, dest, None)
        if value is not None:
            out += [flag, str(value)]
    return tuple(out)
