"""What the two RSZ/ONSS services (Dolsis and DmfaConsultation) check the same way.

Employer identifications (a KBO/BCE enterprise number or an RSZ/ONSS
registration number) and quarter ranges are validated here, before anything
is sent; the sandbox reads requests back through the same checks.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from ksz_client._exceptions import ValidationError
from ksz_client.types import EmployerRef, Quarter

__all__ = [
    "EARLIEST_DMFA_QUARTER",
    "EmployerId",
    "EmployerIdKind",
    "check_quarters",
    "default_quarters",
    "employer_id",
    "is_cbe_number",
]

EARLIEST_DMFA_QUARTER: Final = Quarter(2003, 1)
"""The DmfA replaced the quarterly declaration in 2003: nothing older exists."""

_NOSS: Final = re.compile(r"0\d{9}|5[01]\d{8}")


class EmployerIdKind(StrEnum):
    """How an employer is identified on the wire."""

    CBE = "cbe"
    """KBO/BCE enterprise number (``cbeNumber`` / ``enterpriseNumber``)."""
    NOSS = "noss"
    """RSZ/ONSS registration number (``nossRegistrationNumber``)."""


def is_cbe_number(digits: str) -> bool:
    """Ten digits starting with 0 or 1 whose last two are the mod-97 check of the first eight."""
    if not re.fullmatch(r"[01]\d{9}", digits):
        return False
    return 97 - int(digits[:8]) % 97 == int(digits[8:])


@dataclass(frozen=True)
class EmployerId:
    """An employer by KBO/BCE number or RSZ/ONSS number, validated on construction."""

    kind: EmployerIdKind
    number: str

    def __post_init__(self) -> None:
        if self.kind is EmployerIdKind.CBE and not is_cbe_number(self.number):
            raise ValidationError(
                "a KBO/BCE number has 10 digits, starts with 0 or 1, and ends with its "
                "mod-97 check digits"
            )
        if self.kind is EmployerIdKind.NOSS and not _NOSS.fullmatch(self.number):
            raise ValidationError(
                "an RSZ/ONSS registration number is 0 and 9 digits (or 50/51 and 8 digits)"
            )

    def matches(self, ref: EmployerRef) -> bool:
        """Whether `ref` names this employer."""
        if self.kind is EmployerIdKind.CBE:
            return ref.cbe_number == self.number
        return ref.noss_number == self.number


def _digits(text: str) -> str:
    # Written forms: 0411.120.147, BE 0411 120 147, 0411120-00.
    cleaned = text.strip().upper().removeprefix("BE")
    if not re.fullmatch(r"[0-9 .\-/]+", cleaned):
        raise ValidationError("an employer number is written with digits only")
    return re.sub(r"[ .\-/]", "", cleaned)


def employer_id(
    value: str | EmployerRef | EmployerId, kind: EmployerIdKind | str | None = None
) -> EmployerId:
    """An `EmployerId` from a number (with `kind`, default KBO) or an `EmployerRef`.

    An `EmployerRef` is identified by its KBO number when it has one, else by
    its RSZ number. A 9-digit RSZ number gets its leading 0.
    """
    if isinstance(value, EmployerId):
        return value
    wanted = _kind(kind)
    if isinstance(value, EmployerRef):
        if wanted is not EmployerIdKind.NOSS and value.cbe_number:
            return EmployerId(EmployerIdKind.CBE, value.cbe_number)
        if value.noss_number:
            return EmployerId(EmployerIdKind.NOSS, value.noss_number.zfill(10))
        raise ValidationError("the employer has no KBO/BCE or RSZ/ONSS number")
    digits = _digits(value)
    if wanted is EmployerIdKind.NOSS:
        return EmployerId(EmployerIdKind.NOSS, digits.zfill(10) if len(digits) == 9 else digits)
    return EmployerId(EmployerIdKind.CBE, digits)


def _kind(kind: EmployerIdKind | str | None) -> EmployerIdKind | None:
    if kind is None or isinstance(kind, EmployerIdKind):
        return kind
    try:
        return EmployerIdKind(kind.strip().lower())
    except ValueError:
        raise ValidationError("the employer number kind is cbe or noss") from None


def previous_quarter(today: _dt.date) -> Quarter:
    """The last quarter that has ended on `today`."""
    current = Quarter.of(today)
    if current.quarter == 1:
        return Quarter(current.year - 1, 4)
    return Quarter(current.year, current.quarter - 1)


def default_quarters(
    start: Quarter | str | None, end: Quarter | str | None, *, today: _dt.date, span: int = 4
) -> tuple[Quarter, Quarter]:
    """The quarter range a call asks for; missing ends are filled in.

    Neither given: the last `span` quarters that have ended. Only `start`: up to
    `span` quarters from it, not past the current quarter. Only `end`: the
    `span` quarters up to it.
    """
    first = Quarter.parse(start) if start is not None else None
    last = Quarter.parse(end) if end is not None else None
    if first is None and last is None:
        last = previous_quarter(today)
    if first is None:
        assert last is not None
        first = _shift(last, -(span - 1))
    if last is None:
        current = Quarter.of(today)
        last = min(_shift(first, span - 1), max(current, first))
    return first, last


def _shift(quarter: Quarter, by: int) -> Quarter:
    index = quarter.year * 4 + quarter.quarter - 1 + by
    return Quarter(index // 4, index % 4 + 1)


def check_quarters(
    start: Quarter, end: Quarter, *, max_quarters: int = 4, today: _dt.date | None = None
) -> None:
    """Refuse a quarter range out of order, too long, before the DmfA or in the future."""
    if end < start:
        raise ValidationError("the quarter range ends before it starts")
    count = start.quarters_until(end) + 1
    if count > max_quarters:
        raise ValidationError(f"at most {max_quarters} quarters can be asked at once")
    if start < EARLIEST_DMFA_QUARTER:
        raise ValidationError("the DmfA holds nothing before 2003Q1")
    if today is not None and end > Quarter.of(today):
        raise ValidationError("the quarter range lies in the future")
