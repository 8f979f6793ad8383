"""Building a client from the global options (``--config``, ``--user`` ...)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ksz_client._client import KszClient


def client_from_args(args: argparse.Namespace) -> KszClient:
    """A client from the configuration, bound to the call context on the command line."""
    from ksz_client._client import KszClient
    from ksz_client._config import KszConfig

    config = KszConfig.load(args.config)
    return KszClient(config).acting_for(
        user=args.user, legal_context=args.legal_context, dossier=args.dossier
    )
