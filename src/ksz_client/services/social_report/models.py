"""Typed models of ElectronicSocialReport V1: the social report one OCMW sends another."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Final

from ksz_client._exceptions import ValidationError
from ksz_client.ssin import Ssin
from ksz_client.types import Period, Receipt, Status

__all__ = ["FileInfo", "Gpmi", "ReportResult", "SocialReport", "check_cbe_number"]

_FILE: Final = re.compile(r"[A-Za-z0-9/\-]{1,30}")
_SUMMARY_MAX: Final = 4000


def check_cbe_number(value: str) -> str:
    """A KBO/BCE number: 10 digits, 0 or 1 first, whose last two are the mod-97 check."""
    number = value.replace(".", "").replace(" ", "")
    if not re.fullmatch(r"[01]\d{9}", number) or 97 - int(number[:8]) % 97 != int(number[8:]):
        raise ValidationError("the recipient is a KBO/BCE number (10 digits, valid check)")
    return number


@dataclass(frozen=True)
class FileInfo:
    """The social file the report is about, at the sending OCMW."""

    file_number: str
    opened_on: _dt.date
    closed_on: _dt.date | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.file_number, str) or not _FILE.fullmatch(self.file_number):
            raise ValidationError("the file number is 1 to 30 letters, digits, / or -")
        if self.closed_on is not None and self.closed_on < self.opened_on:
            raise ValidationError("the file closes before it opens")


@dataclass(frozen=True)
class Gpmi:
    """The GPMI / PIIS (individualised project for social integration) of the person."""

    signed_on: _dt.date
    period: Period

    def __post_init__(self) -> None:
        if self.period.start < self.signed_on:
            raise ValidationError("a GPMI starts on or after the day it is signed")


@dataclass(frozen=True)
class SocialReport:
    """What the report carries; the summary is free text and never shown in a repr."""

    ssin: Ssin
    recipient: str
    file: FileInfo
    gpmi: Gpmi | None = None
    summary: str | None = None

    def __post_init__(self) -> None:
        if self.summary is not None and not 1 <= len(self.summary.strip()) <= _SUMMARY_MAX:
            raise ValidationError("the summary is 1 to 4000 characters")

    def __repr__(self) -> str:
        return f"SocialReport(recipient={self.recipient!r}, file={self.file.file_number!r})"


@dataclass(frozen=True)
class ReportResult:
    """The answer to `SocialReportService.send`: the registration of the report."""

    report: SocialReport
    report_id: str
    registered_on: _dt.date
    status: Status
    receipt: Receipt
