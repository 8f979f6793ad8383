"""The public surface of ``ksz_client.audit``: explicit, documented, light to import."""

from __future__ import annotations

import subprocess
import sys

import ksz_client
from ksz_client import audit


def test_every_public_name_resolves_and_is_documented() -> None:
    assert audit.__all__ == sorted(audit.__all__)
    for name in audit.__all__:
        value = getattr(audit, name)
        if name != "ExportFormat":  # a Literal alias
            assert value.__doc__, f"{name} has no docstring"
    assert ksz_client.AuditLog is audit.AuditLog
    assert ksz_client.AuditError is audit.AuditError


def test_importing_the_audit_package_loads_no_heavy_dependency() -> None:
    code = (
        "import sys, ksz_client.audit;"
        "heavy = [m for m in ('lxml', 'xmlsec', 'requests', 'zeep', 'cryptography', 'psycopg')"
        " if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""
