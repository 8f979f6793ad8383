"""Masking SSINs in free text that leaves the SDK (exception messages, logs).

Two tools. `mask_ssins` replaces everything shaped like an SSIN by ``<SSIN>``
(for reprs and messages, where losing an innocent number costs nothing).
`redact_ssins` and the `SsinRedactingFilter` for application logs replace
only *valid* SSINs (check digits right, test numbers included) by a keyed
token ``SSIN#<8 hex>``: the same SSIN gives the same token within a process
(or across processes sharing a configured key), so log lines about one
person can still be followed without showing who it is, and an 11-digit
invoice or phone number that fails mod 97 stays readable.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import threading
from typing import Final

from ksz_client import ssin as _ssin

__all__ = [
    "REDACTED_LOGGERS",
    "SsinRedactingFilter",
    "install_log_redaction",
    "mask_ssins",
    "redact_ssins",
]

# Any written form of an SSIN: 85073003328, 85.07.30-033.28, 850730 033-28.
_SSIN_LIKE: Final = re.compile(r"(?<!\d)\d{2}\.?\d{2}\.?\d{2}[-. ]?\d{3}[-. ]?\d{2}(?!\d)")

# The written forms `ssin.validate` accepts: the groups YY MM DD SSS CC with at
# most one separator between groups. ASCII digits only, and not inside a longer
# run of digits (a 13-digit number holds no SSIN).
_WRITTEN: Final = re.compile(
    r"(?<![0-9])[0-9]{2}[ .-]?[0-9]{2}[ .-]?[0-9]{2}[ .-]?[0-9]{3}[ .-]?[0-9]{2}(?![0-9])"
)

REDACTED_LOGGERS: Final = ("ksz_client", "zeep")
"""Loggers (and their children) whose records `install_log_redaction` redacts."""

# Loggers zeep creates at import; made now so they carry the filter even when
# zeep is imported after the installation.
_KNOWN_CHILDREN: Final = (
    "zeep.transports",
    "zeep.client",
    "zeep.wsdl.wsdl",
    "zeep.wsdl.bindings.soap",
    "zeep.xsd.schema",
    "ksz_client.audit",
    "ksz_client.sandbox",
)

_process_key: Final = os.urandom(32)


def mask_ssins(text: str) -> str:
    """Replace everything shaped like an SSIN by ``<SSIN>``."""
    return _SSIN_LIKE.sub("<SSIN>", text)


def ssin_token(digits: str, key: bytes | None = None) -> str:
    """The keyed token of an SSIN (11 digits): ``SSIN#`` + 8 hex of its HMAC-SHA256."""
    mac = hmac.new(key or _process_key, digits.encode("ascii"), hashlib.sha256)
    return f"SSIN#{mac.hexdigest()[:8]}"


def redact_ssins(text: str, key: bytes | None = None) -> str:
    """Replace every valid SSIN in `text`, in any written form, by its keyed token.

    Numbers of the same shape that fail the check digits are left as they are.
    Without `key` a random per-process key is used.
    """

    def replace(match: re.Match[str]) -> str:
        written = match.group(0)
        if not _ssin.is_valid(written, allow_test=True):
            return written
        return ssin_token(_ssin.compact(written), key)

    return _WRITTEN.sub(replace, text)


class SsinRedactingFilter(logging.Filter):
    """A `logging.Filter` that masks valid SSINs in a record's message, arguments,
    exception text and stack.

    The message is rendered (``msg % args``) and redacted, so arguments are
    covered whatever their type; the exception is formatted now and stored
    redacted as ``exc_text``, which formatters use instead of formatting it
    again. Records are never dropped.
    """

    def __init__(self, key: bytes | None = None) -> None:
        super().__init__()
        self._key = key
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_ksz_redacted", False):
            return True  # the same record seen by a parent logger's filter
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what can be shown, redacted
            message = f"{record.msg} {record.args}"
        record.msg = redact_ssins(message, self._key)
        record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            text = record.exc_text or self._formatter.formatException(record.exc_info)
            record.exc_text = redact_ssins(text, self._key)
        elif record.exc_text:
            record.exc_text = redact_ssins(record.exc_text, self._key)
        if record.stack_info:
            record.stack_info = redact_ssins(record.stack_info, self._key)
        record._ksz_redacted = True
        return True


_installed: list[SsinRedactingFilter] = []  # at most one, shared by every client
_install_lock = threading.Lock()


def install_log_redaction(key: bytes | None = None) -> SsinRedactingFilter:
    """Install the `SsinRedactingFilter` on the SDK's and zeep's loggers. Idempotent.

    A filter on a logger does not apply to its children, so it is put on
    ``ksz_client``, ``zeep`` and every existing child of theirs, plus the
    children zeep creates when it is imported later; and the log record
    factory is wrapped so that a record of a child logger created later is
    redacted too (records of other loggers are left alone). `key` (from
    ``audit.redaction_key_env``) makes tokens stable across processes; the
    first installation's key stays in force.
    """
    with _install_lock:
        if not _installed:
            _installed.append(SsinRedactingFilter(key))
            _wrap_record_factory(_installed[0])
        flt = _installed[0]
        for name in (*REDACTED_LOGGERS, *_KNOWN_CHILDREN):
            logging.getLogger(name)
        for name in list(logging.Logger.manager.loggerDict):
            if any(name == root or name.startswith(root + ".") for root in REDACTED_LOGGERS):
                logger = logging.getLogger(name)
                if flt not in logger.filters:
                    logger.addFilter(flt)
        return flt


def _wrap_record_factory(flt: SsinRedactingFilter) -> None:
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if any(record.name == root or record.name.startswith(root + ".")
               for root in REDACTED_LOGGERS):
            flt.filter(record)
        return record

    logging.setLogRecordFactory(factory)
