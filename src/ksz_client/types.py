"""Value types shared by every service: defined once, used everywhere.

Dates are `datetime.date`; a date the registers know only in part (``1985-07-00``)
is a `PartialDate`. Every result carries the KSZ `Status` and a `Receipt` with
both tickets, so that any answer can be traced with the KSZ.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

from ksz_client._exceptions import ValidationError

if TYPE_CHECKING:
    from ksz_client.ssin import Ssin

__all__ = [
    "HOUSEHOLD_RELATIONSHIPS",
    "Address",
    "AddressKind",
    "AnsweredSsin",
    "CallContext",
    "EmployerRef",
    "Information",
    "Money",
    "Month",
    "PartialDate",
    "Period",
    "PersonName",
    "Place",
    "Quarter",
    "Receipt",
    "Relationship",
    "Status",
    "StatusValue",
]

_PARTIAL = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date whose month or day may be unknown (KSZ ``IncompleteDateType``).

    ``PartialDate(1985)``, ``PartialDate(1985, 7)``, ``PartialDate(1985, 7, 30)``;
    the wire form writes unknown parts as ``00`` (``1985-07-00``).
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1000 <= self.year <= 2999:
            raise ValidationError("year of a date must have four digits")
        if self.month is None and self.day is not None:
            raise ValidationError("a date with a day must have a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValidationError("month of a date must be 1 to 12")
        if self.month is not None and self.day is not None:
            try:
                _dt.date(self.year, self.month, self.day)
            except ValueError:
                raise ValidationError("that day does not exist in that month") from None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``YYYY-MM-DD`` with ``00`` for unknown parts (also ``YYYY`` or ``YYYY-MM``)."""
        text = text.strip()
        if re.fullmatch(r"\d{4}", text):
            text += "-00-00"
        elif re.fullmatch(r"\d{4}-\d{2}", text):
            text += "-00"
        m = _PARTIAL.fullmatch(text)
        if not m:
            raise ValidationError("expected a date as YYYY-MM-DD, with 00 for unknown parts")
        year, month, day = (int(g) for g in m.groups())
        return cls(year, month or None, day or None)

    @classmethod
    def of(cls, value: PartialDate | _dt.date | str) -> PartialDate:
        """Accept a PartialDate, a full date, or its text form."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, _dt.date):
            return cls(value.year, value.month, value.day)
        return cls.parse(value)

    @property
    def is_complete(self) -> bool:
        return self.day is not None

    def to_date(self) -> _dt.date | None:
        """The full date, or None when a part is unknown."""
        if self.month is None or self.day is None:
            return None
        return _dt.date(self.year, self.month, self.day)

    def isoformat(self) -> str:
        """The wire form, ``YYYY-MM-DD`` with ``00`` for unknown parts."""
        return f"{self.year:04d}-{self.month or 0:02d}-{self.day or 0:02d}"

    def __str__(self) -> str:
        return self.isoformat()


@dataclass(frozen=True)
class Period:
    """A period of dates; ``end`` None means open-ended. Validated: end not before start."""

    start: _dt.date
    end: _dt.date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValidationError("a period cannot end before it starts")

    def contains(self, day: _dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


class StatusValue(StrEnum):
    """The global status of a KSZ answer."""

    DATA_FOUND = "DATA_FOUND"
    NO_DATA_FOUND = "NO_DATA_FOUND"
    NO_RESULT = "NO_RESULT"
    INCOMPLETE_DATA = "INCOMPLETE_DATA"  # HandiService: some sources unavailable
    PARTIAL_RESULT = "PARTIAL_RESULT"  # DmfaConsultation: some data, a source missing
    RESPONSE_IN_BATCH = "RESPONSE_IN_BATCH"  # DmfaConsultation: the answer comes by file


@dataclass(frozen=True)
class Information:
    """A ``fieldName``/``fieldValue`` pair the KSZ attaches to a status or fault."""

    name: str
    value: str | None = None


@dataclass(frozen=True)
class Status:
    """The KSZ status of an answer: ``value``, ``code`` (e.g. MSG00000), description."""

    value: str
    code: str
    description: str | None = None
    information: tuple[Information, ...] = ()

    @property
    def found(self) -> bool:
        return self.value == StatusValue.DATA_FOUND

    def info(self, name: str) -> str | None:
        """The value of one ``information`` field, if present."""
        return next((i.value for i in self.information if i.name == name), None)


@dataclass(frozen=True)
class Receipt:
    """How to trace a call: the ticket we sent and the KSZ's ``ticketCBSS``."""

    ticket: str
    ticket_cbss: str | None
    timestamp_sent: _dt.datetime
    timestamp_receive: _dt.datetime | None = None
    timestamp_reply: _dt.datetime | None = None


@dataclass(frozen=True)
class CallContext:
    """Who calls, why and for which file: required on every call (KSZ logging principle).

    ``user`` is the social worker's (or program's) id in the OCMW application;
    ``legal_context`` the KSZ legal context (at most 64 characters);
    ``dossier`` the file reference; ``quality_code`` the sector 17 quality code.
    """

    user: str | None = None
    legal_context: str | None = None
    dossier: str | None = None
    quality_code: int | None = None

    def merged(self, other: CallContext | None) -> CallContext:
        """This context with the fields ``other`` sets taking precedence."""
        if other is None:
            return self
        return CallContext(
            user=other.user or self.user,
            legal_context=other.legal_context or self.legal_context,
            dossier=other.dossier or self.dossier,
            quality_code=other.quality_code if other.quality_code is not None
            else self.quality_code,
        )


@dataclass(frozen=True)
class PersonName:
    """A person's name: last name and given names in order."""

    last_name: str
    given_names: tuple[str, ...] = ()

    def __str__(self) -> str:
        return " ".join((*self.given_names, self.last_name)).strip()


@dataclass(frozen=True)
class Place:
    """A place: NIS/INS municipality code or foreign place name, and NR country code."""

    country_code: str | None = None
    municipality_code: str | None = None
    name: str | None = None


class AddressKind(StrEnum):
    """The kinds of address the national register knows."""

    RESIDENTIAL = "RESIDENTIAL"
    REFERENCE = "REFERENCE"
    DIPLOMATIC_POST = "DIPLOMATIC_POST"
    POSTAL = "POSTAL"
    TEMPORARY = "TEMPORARY"
    CONTACT = "CONTACT"


@dataclass(frozen=True)
class Address:
    """A postal address as the registers give it."""

    kind: AddressKind = AddressKind.RESIDENTIAL
    street: str | None = None
    house_number: str | None = None
    box: str | None = None
    postal_code: str | None = None
    municipality: str | None = None
    municipality_code: str | None = None
    country_code: str | None = None
    since: _dt.date | None = None

    def __str__(self) -> str:
        line1 = " ".join(p for p in (self.street, self.house_number) if p)
        if self.box:
            line1 += f" bus {self.box}"
        line2 = " ".join(p for p in (self.postal_code, self.municipality) if p)
        return ", ".join(p for p in (line1, line2) if p)


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month (``2024-05``), as unemployment and child-benefit data use."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1000 <= self.year <= 2999 or not 1 <= self.month <= 12:
            raise ValidationError("a month is YYYY-MM with a month of 01 to 12")

    @classmethod
    def parse(cls, text: str | Month | _dt.date) -> Month:
        """``YYYY-MM`` (or a Month, or the month of a date)."""
        if isinstance(text, Month):
            return text
        if isinstance(text, _dt.date):
            return cls(text.year, text.month)
        m = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
        if not m:
            raise ValidationError("expected a month as YYYY-MM")
        return cls(int(m.group(1)), int(m.group(2)))

    def months_until(self, other: Month) -> int:
        """Months from this one to ``other`` (0 for the same month)."""
        return (other.year - self.year) * 12 + other.month - self.month

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter (``2024Q1``), the unit of DmfA declarations."""

    year: int
    quarter: int

    def __post_init__(self) -> None:
        if not 1000 <= self.year <= 2999 or not 1 <= self.quarter <= 4:
            raise ValidationError("a quarter is YYYYQn with n from 1 to 4")

    @classmethod
    def parse(cls, text: str | Quarter) -> Quarter:
        """``YYYYQn`` (CommonV3 ``YearQuarterType``) or ``YYYY-Qn``."""
        if isinstance(text, Quarter):
            return text
        m = re.fullmatch(r"(\d{4})-?[Qq]([1-4])", text.strip())
        if not m:
            raise ValidationError("expected a quarter as YYYYQn (e.g. 2024Q1)")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, day: _dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    def next(self) -> Quarter:
        return Quarter(self.year + self.quarter // 4, self.quarter % 4 + 1)

    def quarters_until(self, other: Quarter) -> int:
        """Quarters from this one to ``other`` (0 for the same quarter)."""
        return (other.year - self.year) * 4 + other.quarter - self.quarter

    @property
    def start(self) -> _dt.date:
        return _dt.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> _dt.date:
        following = self.next().start
        return following - _dt.timedelta(days=1)

    def __str__(self) -> str:
        return f"{self.year:04d}Q{self.quarter}"


@dataclass(frozen=True, order=True)
class Money:
    """An amount in euro, exact: held as integer cents, never a float.

    ``Money.from_cents(123456)``, ``Money.parse("1234.56")``; ``.euro`` is a
    ``Decimal``. Wire forms differ per service (cents or euro with decimals):
    each service's mapping chooses ``cents`` or ``euro``.
    """

    cents: int

    def __post_init__(self) -> None:
        if isinstance(self.cents, bool) or not isinstance(self.cents, int):
            raise ValidationError("an amount is a whole number of cents (never a float)")

    @classmethod
    def from_cents(cls, cents: int) -> Money:
        return cls(cents)

    @classmethod
    def parse(cls, value: str | Decimal | int | Money) -> Money:
        """Euro as text or Decimal (``"1234.56"``), or whole euro as int. Floats are refused."""
        if isinstance(value, Money):
            return value
        if isinstance(value, float):
            raise ValidationError("an amount is never a float: pass a string or a Decimal")
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(value * 100)
        try:
            amount = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            raise ValidationError("not an amount in euro") from None
        cents = amount * 100
        if cents != cents.to_integral_value():
            raise ValidationError("an amount in euro has at most two decimals")
        return cls(int(cents))

    @property
    def euro(self) -> Decimal:
        return Decimal(self.cents) / 100

    def __str__(self) -> str:
        sign = "-" if self.cents < 0 else ""
        return f"{sign}{abs(self.cents) // 100}.{abs(self.cents) % 100:02d}"


@dataclass(frozen=True)
class EmployerRef:
    """An employer as the social databases name it: KBO number and/or RSZ/ONSS number."""

    name: str | None = None
    cbe_number: str | None = None
    noss_number: str | None = None

    def __post_init__(self) -> None:
        if self.cbe_number is not None and not re.fullmatch(r"\d{10}", self.cbe_number):
            raise ValidationError("a KBO/BCE number has 10 digits")
        if self.noss_number is not None and not re.fullmatch(r"\d{9,10}", self.noss_number):
            raise ValidationError("an RSZ/ONSS registration number has 9 or 10 digits")

    def __str__(self) -> str:
        ident = self.cbe_number or self.noss_number or ""
        return f"{self.name} ({ident})" if self.name and ident else (self.name or ident)


@dataclass(frozen=True)
class AnsweredSsin:
    """The SSIN an answer is about, as the KSZ annotates it in the response.

    CommonV3 ``SsinWithCanceledAndReplacesStatusType`` (the answer names the
    current SSIN and the one it `replaces`) and
    ``SsinWithCanceledAndReplacedByStatusType`` (the answer names the SSIN
    asked for, `canceled`, and the one it was `replaced_by`). The repr of an
    `Ssin` is masked, so this one is too.
    """

    ssin: Ssin
    canceled: bool = False
    replaces: Ssin | None = None
    replaced_by: Ssin | None = None

    @property
    def current(self) -> Ssin:
        """The SSIN to use from now on."""
        return self.replaced_by if self.replaced_by is not None else self.ssin


HOUSEHOLD_RELATIONSHIPS: Final[Mapping[str, str]] = MappingProxyType({
    "01": "head of household (reference person)",
    "02": "spouse or legal partner",
    "03": "child",
    "15": "other member of the household",
})
"""Relationship to the head of household by national-register code (two digits, the
classic ``RelationShip`` 0-99). Kept as data: the registers know more codes than these,
and a code missing here is still returned as it came. 01-03 are the codes SPEC §7 names;
15 is the code the sandbox gives any other member (modelled)."""


class Relationship(StrEnum):
    """A member's position in the household relative to its head, code kept.

    The well-known codes are members; any other code of the national register
    (00-99) is accepted and kept as a member named ``CODE_nn``, so no code is
    ever lost: ``Relationship("07").value == "07"``.
    """

    HEAD = "01"
    SPOUSE = "02"
    PARTNER = "02"  # an alias of SPOUSE: spouse or legal partner
    CHILD = "03"
    OTHER = "15"

    @classmethod
    def _missing_(cls, value: object) -> Relationship | None:
        text = str(value)
        if text.isdigit() and len(text) <= 2:
            code = f"{int(text):02d}"
            known = cls._value2member_map_.get(code)
            if known is not None:
                return known  # type: ignore[return-value]
            member = str.__new__(cls, code)
            member._name_ = f"CODE_{code}"
            member._value_ = code
            return member
        return None

    @property
    def description(self) -> str:
        """The code's meaning (`HOUSEHOLD_RELATIONSHIPS`), or "relationship code nn"."""
        return HOUSEHOLD_RELATIONSHIPS.get(self.value, f"relationship code {self.value}")
