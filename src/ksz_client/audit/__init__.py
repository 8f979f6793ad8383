"""The audit log and the finality guard (KSZ principles: logging, finality, DPO).

Every call is recorded before it leaves (INTENT, committed first: if that
fails nothing is sent and `AuditError` is raised) and after (OUTCOME, or
IN_DOUBT). Records are never updated: they form one hash chain
(``hash = SHA-256(prev_hash || canonical JSON body)``, contiguous ``seq``),
sealed every N records or T minutes by a CHECKPOINT signed with an Ed25519
key kept outside the database and exported to a folder or a callback.

>>> from ksz_client.audit import AuditLog
>>> with AuditLog.sqlite("audit.sqlite3") as log:              # doctest: +SKIP
...     client = KszClient(config, observers=[log.observer(config)])
...     report = log.verify()
...     mine = log.query(reader="dpo-anna", ssin="85073003328")

`KszClient` opens the configured log by itself (``[audit]`` keys; on by
default outside the sandbox) and refuses, before sending, a consultation that
no integration in the local register covers (`FinalityGuard`, ``[finality]``
keys). `install_log_redaction` masks SSINs in the SDK's and zeep's log lines.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ksz_client._config import FinalityMode
from ksz_client._exceptions import AuditError
from ksz_client._redact import SsinRedactingFilter, install_log_redaction, redact_ssins
from ksz_client.audit._guard import FinalityGuard
from ksz_client.audit._observer import AuditObserver, RecordMeta, organisation_id
from ksz_client.audit._records import AuditRecord, RecordKind
from ksz_client.audit._register import (
    Integration,
    IntegrationRegister,
    MemoryRegister,
    StoreRegister,
)

if TYPE_CHECKING:
    from ksz_client.audit._checkpoint import Checkpoint, CheckpointKey, load_public_keys
    from ksz_client.audit._log import AuditLog, ExportFormat
    from ksz_client.audit._verify import VerifyReport

# The log itself (stores, SQL, checkpoints, verification) is imported on first use:
# a client without an audit log, or a one-off CLI command, never loads it.
_LAZY = {
    "AuditLog": "_log", "ExportFormat": "_log", "Checkpoint": "_checkpoint",
    "CheckpointKey": "_checkpoint", "load_public_keys": "_checkpoint",
    "VerifyReport": "_verify",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value

__all__ = [
    "AuditError",
    "AuditLog",
    "AuditObserver",
    "AuditRecord",
    "Checkpoint",
    "CheckpointKey",
    "ExportFormat",
    "FinalityGuard",
    "FinalityMode",
    "Integration",
    "IntegrationRegister",
    "MemoryRegister",
    "RecordKind",
    "RecordMeta",
    "SsinRedactingFilter",
    "StoreRegister",
    "VerifyReport",
    "install_log_redaction",
    "load_public_keys",
    "organisation_id",
    "redact_ssins",
]
