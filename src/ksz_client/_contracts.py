"""The SDK's own contracts (``wsdl/``): compiled once, used to validate messages.

The sandbox validates every request body against the service's schema; the
tests validate what the SDK sends. Schemas load only local files: imports
resolve inside ``wsdl/``, never over the network.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Final

from lxml import etree

__all__ = ["WSDL_DIR", "schema", "schema_path"]

WSDL_DIR: Final = Path(str(resources.files("ksz_client") / "wsdl"))

# Service name -> the wrapper-element schema of its operations, relative to wsdl/.
_SCHEMAS: Final = {
    "PersonService": "intf/PersonService/PersonServiceV4.xsd",
}


def schema_path(service: str) -> Path | None:
    relative = _SCHEMAS.get(service)
    return WSDL_DIR / relative if relative else None


@functools.cache
def schema(service: str) -> etree.XMLSchema | None:
    """The compiled schema of a service's messages, or None when it has none here."""
    path = schema_path(service)
    if path is None:
        return None
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(path), parser))
