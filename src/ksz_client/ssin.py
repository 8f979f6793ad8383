"""SSIN (INSZ/NISS): the Belgian social security identification number.

One module per identifier, in the style of python-stdnum: :func:`compact`,
:func:`validate`, :func:`is_valid`, :func:`format`, plus the :class:`Ssin`
value type that the rest of the SDK passes around.

Structure: 11 digits ``YYMMDDSSSCC``.

* ``CC = 97 - (int(YYMMDDSSS) mod 97)`` for births before 2000 and
  ``97 - (int('2' + YYMMDDSSS) mod 97)`` for births from 2000 on. Because
  ``2_000_000_000 mod 97 == 68`` (not 0), at most one century matches, and the
  one that matches gives the birth century.
* ``MM`` carries the kind of number as an offset: 01-12 national register,
  +20 BIS (gender unknown), +40 BIS (gender known), +60 test numbers, which
  can never belong to a real person and are only accepted with
  ``allow_test=True``. A month of 00 (after removing the offset) or a day of 00
  means "unknown"; when both are known the date must exist on the calendar.
* ``SSS`` is a counter: odd for men, even for women (not for BIS +20, where the
  gender is unknown). National numbers never use 000 or 999.

Accepted written forms: the 11 digits optionally split into the groups
``YY MM DD SSS CC`` by one separator (space, ``.`` or ``-``) between groups,
with surrounding whitespace: ``85073003328``, ``85.07.30-033.28``,
``850730 033-28``. Anything else is invalid. :func:`compact` is more lenient
(it removes every separator and does not validate), like python-stdnum's.

Known limit of the check digits (inherent to the two-century scheme, not to
this code): mod 97 detects every single-digit error except one: changing the
last digit of the year by 6 (e.g. ``85`` -> ``79``) while flipping the century
can yield another valid number (``85073003328`` is 1985, ``79073003328`` is a
valid 2079 number). No birth date is compared with today's date: the answer of
this validator does not change over time.

Exception messages (:class:`~ksz_client._exceptions.InvalidSsin`) say what is
wrong without repeating the number (only an out-of-range month or day is
named, e.g. "month 13 is out of range"); ``repr(Ssin(...))`` shows only the
check digits (see :func:`mask`).
"""

from __future__ import annotations

import calendar
import datetime
import enum
import re
from typing import Final, Self

from ksz_client._exceptions import InvalidSsin

__all__ = [
    "Gender",
    "Ssin",
    "SsinKind",
    "birth_date",
    "compact",
    "format",
    "gender",
    "is_valid",
    "kind",
    "make",
    "mask",
    "validate",
]


class SsinKind(enum.StrEnum):
    """Which register issued the number (read from the month offset)."""

    NATIONAL = "national"
    """National register (rijksregister / registre national): month 00-12."""
    BIS = "bis"
    """BIS register (KSZ): month +20 (gender unknown) or +40 (gender known)."""
    TEST = "test"
    """Test number: month +60; can never belong to a real person."""


class Gender(enum.StrEnum):
    """Gender as encoded by the parity of the SSIN counter."""

    MALE = "M"
    FEMALE = "F"


_LENGTH: Final = 11
_SEPARATORS: Final = " .-"
_REMOVE_SEPARATORS: Final = str.maketrans("", "", _SEPARATORS)
# [0-9], not \d: \d also matches non-ASCII digits, which int() would accept.
_WRITTEN: Final = re.compile(
    r"([0-9]{2})[ .-]?([0-9]{2})[ .-]?([0-9]{2})[ .-]?([0-9]{3})[ .-]?([0-9]{2})"
)
_TWO_THOUSAND: Final = 2_000_000_000
# Month offset band (MM // 20) -> kind; bands beyond 3 (MM >= 80) are invalid.
_KIND_BY_BAND: Final = (SsinKind.NATIONAL, SsinKind.BIS, SsinKind.BIS, SsinKind.TEST)
_BIS_GENDER_UNKNOWN_BAND: Final = 1
_MONTH_OFFSET: Final = {SsinKind.NATIONAL: 0, SsinKind.TEST: 60}
_DAYS_IN_MONTH: Final = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MASKED_UNKNOWN: Final = "*" * _LENGTH

_MSG_CHECK_DIGITS: Final = "check digits do not match"
_MSG_TEST_NUMBER: Final = "test numbers are not accepted unless allow_test=True"
_MSG_CALENDAR: Final = "the birth date does not exist on the calendar"
_MSG_COUNTER: Final = "the counter of a national number cannot be all zeros or all nines"
_MSG_BAD_CHARACTER: Final = (
    "contains a character that is not a digit or a separator (space, '.', '-')"
)
_MSG_SEPARATORS: Final = "separators are only allowed between the groups YY.MM.DD-SSS.CC"


def compact(value: str) -> str:
    """Return `value` without surrounding whitespace and separators (space, ``.``, ``-``).

    No validation: ``compact("85.07.30-033.28") == "85073003328"``, and junk
    stays junk.
    """
    return value.strip().translate(_REMOVE_SEPARATORS)


def _shape_error(value: str) -> str:
    """Say why `value` is not 11 digits in an accepted written form."""
    digits = compact(value)
    if digits and not (digits.isascii() and digits.isdigit()):
        return _MSG_BAD_CHARACTER
    if len(digits) != _LENGTH:
        return f"expected {_LENGTH} digits, got {len(digits)}"
    return _MSG_SEPARATORS


def _century(digits: str) -> int | None:
    """1900 or 2000 according to which check digits match, or None if neither does."""
    base = int(digits[:9])
    check = int(digits[9:])
    if 97 - base % 97 == check:
        return 1900
    if 97 - (_TWO_THOUSAND + base) % 97 == check:
        return 2000
    return None


def _days_in_month(year: int, month: int) -> int:
    # Not calendar.monthrange: it also computes a weekday, on every validation.
    if month == 2 and calendar.isleap(year):
        return 29
    return _DAYS_IN_MONTH[month]


def _diagnose(value: object, allow_test: bool) -> tuple[str, str | None]:
    """Return ``(compact digits, None)`` for a valid SSIN, else ``("", reason)``.

    Returns instead of raising so that :func:`is_valid` stays exception-free.
    The reason never contains the number (only a month or day that is out of
    range, as the caller needs to know which field is wrong).
    """
    if not isinstance(value, str):
        return "", f"expected a str, got {type(value).__name__}"
    if len(value) == _LENGTH and value.isascii() and value.isdigit():
        digits = value
    else:
        match = _WRITTEN.fullmatch(value.strip())
        if match is None:
            return "", _shape_error(value)
        digits = "".join(match.groups())

    raw_month = int(digits[2:4])
    band, month = divmod(raw_month, 20)
    if band >= len(_KIND_BY_BAND) or month > 12:
        return "", (
            f"month {raw_month} is out of range "
            "(01-12, +20 or +40 for BIS, +60 for test numbers; 00 means unknown)"
        )
    day = int(digits[4:6])
    if day > 31:
        return "", f"day {day} is out of range (01-31; 00 means unknown)"
    century = _century(digits)
    if century is None:
        return "", _MSG_CHECK_DIGITS
    if month and day and day > _days_in_month(century + int(digits[:2]), month):
        return "", _MSG_CALENDAR
    number_kind = _KIND_BY_BAND[band]
    if number_kind is SsinKind.NATIONAL and digits[6:9] in ("000", "999"):
        return "", _MSG_COUNTER
    if number_kind is SsinKind.TEST and not allow_test:
        return "", _MSG_TEST_NUMBER
    return digits, None


def mask(value: str) -> str:
    """Redacted form for logs and reprs: ``"*********28"`` (only the check digits).

    Anything that does not compact to 11 digits becomes ``"***********"``, so
    not even the length or the last characters of junk input leak.
    """
    if isinstance(value, str):
        digits = compact(value)
        if len(digits) == _LENGTH and digits.isascii() and digits.isdigit():
            return "*" * 9 + digits[9:]
    return _MASKED_UNKNOWN


class Ssin(str):
    """A validated SSIN in compact form (11 digits).

    A ``str`` subclass, so it goes on the wire as-is and compares equal to the
    plain string. Construction validates::

        Ssin("85.07.30-033.28")          # -> Ssin('*********28')
        Ssin(value, allow_test=True)     # also accept test numbers (month +60)

    and raises :class:`~ksz_client._exceptions.InvalidSsin` otherwise.
    ``repr()`` is redacted (see :func:`mask`) so that the repr of a dataclass
    holding an SSIN never shows it; ``str()`` and formatting give the number.
    """

    __slots__ = ()

    def __new__(cls, value: str, *, allow_test: bool = False) -> Self:
        """Validate `value` and return it in compact form."""
        if type(value) is cls and (allow_test or value.kind is not SsinKind.TEST):
            return value
        digits, error = _diagnose(value, allow_test)
        if error is not None:
            raise InvalidSsin(error)
        return super().__new__(cls, digits)

    def __repr__(self) -> str:
        """Redacted: ``Ssin('*********28')``."""
        return f"{type(self).__name__}({mask(self)!r})"

    def __reduce__(self) -> tuple[object, ...]:
        # The default str-subclass pickling would call Ssin(value) without
        # allow_test and so fail on test numbers; the value was validated once.
        return (_restore, (str(self),))

    @property
    def kind(self) -> SsinKind:
        """National register, BIS register or test number."""
        return _KIND_BY_BAND[int(self[2:4]) // 20]

    @property
    def birth_year(self) -> int:
        """Year of birth (century from the check digits); always known."""
        # Construction guaranteed that exactly one century matches.
        return (1900 if _century(self) == 1900 else 2000) + int(self[:2])

    @property
    def birth_date(self) -> datetime.date | None:
        """Date of birth, or None when the month or the day is unknown (00)."""
        month = int(self[2:4]) % 20
        day = int(self[4:6])
        if not (month and day):
            return None
        return datetime.date(self.birth_year, month, day)

    @property
    def gender(self) -> Gender | None:
        """Gender from the counter's parity; None for a BIS number with month +20."""
        if int(self[2:4]) // 20 == _BIS_GENDER_UNKNOWN_BAND:
            return None
        return Gender.MALE if int(self[6:9]) % 2 else Gender.FEMALE

    @property
    def formatted(self) -> str:
        """Written form ``YY.MM.DD-SSS.CC`` (e.g. ``85.07.30-033.28``)."""
        return f"{self[0:2]}.{self[2:4]}.{self[4:6]}-{self[6:9]}.{self[9:11]}"


def _restore(digits: str) -> Ssin:
    """Unpickle an :class:`Ssin` (it was validated when first built)."""
    return Ssin(digits, allow_test=True)


def validate(value: str, *, allow_test: bool = False) -> Ssin:
    """Return `value` as a compact, validated :class:`Ssin`.

    Raises :class:`~ksz_client._exceptions.InvalidSsin` saying what is wrong
    (never repeating the number).
    """
    return Ssin(value, allow_test=allow_test)


def is_valid(value: str, *, allow_test: bool = False) -> bool:
    """True when :func:`validate` would accept `value`; never raises."""
    if type(value) is Ssin:
        return allow_test or value.kind is not SsinKind.TEST
    return _diagnose(value, allow_test)[1] is None


def format(value: str) -> str:  # shadows the builtin on purpose: python-stdnum's name
    """Return the written form ``YY.MM.DD-SSS.CC``.

    Checks only that `value` compacts to 11 digits (so test numbers can be
    shown too); use :func:`validate` to check the number itself.
    """
    digits = compact(value)
    if not (len(digits) == _LENGTH and digits.isascii() and digits.isdigit()):
        raise InvalidSsin(_shape_error(value))
    return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}-{digits[6:9]}.{digits[9:11]}"


def birth_date(value: str, *, allow_test: bool = False) -> datetime.date | None:
    """Validate `value` and return its birth date (None when month or day is unknown)."""
    return validate(value, allow_test=allow_test).birth_date


def gender(value: str, *, allow_test: bool = False) -> Gender | None:
    """Validate `value` and return its gender (None for a BIS number with month +20)."""
    return validate(value, allow_test=allow_test).gender


def kind(value: str, *, allow_test: bool = False) -> SsinKind:
    """Validate `value` and return which kind of number it is."""
    return validate(value, allow_test=allow_test).kind


def make(
    birth: datetime.date | None,
    counter: int,
    *,
    kind: SsinKind = SsinKind.NATIONAL,
    gender_known: bool = True,
    birth_year: int | None = None,
) -> Ssin:
    """Build a valid SSIN, computing its check digits.

    `birth` None means month and day unknown (00); `birth_year` then gives the
    century and ``YY`` (when `birth` is given, `birth_year` may be omitted or
    must agree with it). The gender follows from `counter` (odd = male, even =
    female). For ``SsinKind.BIS``, `gender_known` selects month +40 (True) or
    +20 (False); other kinds always have a known gender. Test numbers
    (``SsinKind.TEST``, month +60) are what the sandbox uses for populations
    that cannot belong to real people.

    Raises :class:`~ksz_client._exceptions.InvalidSsin` for arguments that
    cannot make a valid number (year outside 1900-2099, counter outside
    0-999, or 000/999 for a national number).
    """
    if birth is None:
        if birth_year is None:
            raise InvalidSsin("birth_year is required when birth is None")
        year, month, day = birth_year, 0, 0
    else:
        if birth_year is not None and birth_year != birth.year:
            raise InvalidSsin("birth_year does not agree with birth")
        year, month, day = birth.year, birth.month, birth.day
    if not 1900 <= year <= 2099:
        raise InvalidSsin("the birth year must be between 1900 and 2099")
    if not 0 <= counter <= 999:
        raise InvalidSsin("the counter must be between 0 and 999")
    if kind == SsinKind.BIS:
        offset = 40 if gender_known else 20
    elif gender_known:
        offset = _MONTH_OFFSET[kind]
    else:
        raise InvalidSsin("gender_known=False is only possible for BIS numbers")
    base = f"{year % 100:02d}{month + offset:02d}{day:02d}{counter:03d}"
    check = 97 - (int(base) + (_TWO_THOUSAND if year >= 2000 else 0)) % 97
    return Ssin(f"{base}{check:02d}", allow_test=True)
