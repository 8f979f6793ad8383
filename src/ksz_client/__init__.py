"""ksz-client: a typed SDK for the web services of the KSZ/BCSS/CBSS."""

from ksz_client._exceptions import *  # noqa: F403  (temporary during bootstrap)
