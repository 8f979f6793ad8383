"""One `AuditLog` per location per process, shared by every client that names it.

Clients built from the same configuration (one per request in a web
application, say) then share one connection and one group commit, and the
log is recovered (IN_DOUBT) once, not at every client. The log is closed when
its last client closes.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ksz_client._config import default_data_dir

if TYPE_CHECKING:
    from ksz_client._config import KszConfig
    from ksz_client.audit._log import AuditLog

__all__ = ["acquire", "release"]

_lock = threading.Lock()
_open: dict[tuple[str, ...], tuple[AuditLog, int]] = {}


def _location(config: KszConfig) -> tuple[str, ...]:
    settings = config.audit
    if settings.dsn is not None:
        return ("postgres", settings.dsn.reveal(), settings.schema or "")
    path = settings.path or default_data_dir() / "audit.sqlite3"
    return ("sqlite", str(path.expanduser().resolve()))


def acquire(config: KszConfig) -> AuditLog:
    """The shared log of `config`, opened on first use."""
    from ksz_client.audit._log import AuditLog

    key = _location(config)
    with _lock:
        entry = _open.get(key)
        if entry is not None:
            _open[key] = (entry[0], entry[1] + 1)
            return entry[0]
        log = AuditLog.from_config(config)
        _open[key] = (log, 1)
        return log


def release(log: AuditLog) -> None:
    """A client is done with `log`; the last one closes it."""
    with _lock:
        for key, (shared, count) in list(_open.items()):
            if shared is log:
                if count <= 1:
                    del _open[key]
                    log.close()
                else:
                    _open[key] = (shared, count - 1)
                return
