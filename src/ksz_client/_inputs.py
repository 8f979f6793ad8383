"""Reading the arguments of the service methods: one parser for a date argument.

Every public method that takes a day accepts a `datetime.date` or its text
``YYYY-MM-DD`` (what the commands and batch files pass). `date_arg` and
`optional_date_arg` turn that into a `datetime.date`, and anything else into a
`ValidationError` with one message, ``"<what> is a date as YYYY-MM-DD"``,
before any network I/O.

What they decide, and why:

- Text is exactly ``YYYY-MM-DD`` (ASCII digits) after surrounding white space
  is dropped, and must name a real day. `datetime.date.fromisoformat` alone
  would also take ``20240131`` or the week date ``2024-W05-3``; the methods
  document ``YYYY-MM-DD`` and the wire carries ``xs:date``, so nothing else
  is guessed at.
- A `datetime.datetime` is refused, although it is a `datetime.date`
  subclass. Let through, it reaches the wire as ``2024-01-31T10:00:00`` or
  fails with a `TypeError` when compared with a date; cut down to its
  ``.date()``, an aware timestamp in UTC can name the day before or after the
  Belgian day the caller meant. Which day a timestamp stands for is the
  caller's choice, so the message asks for ``.date()``.
- Any other type (an int, a float, bytes, a bool) is a `ValidationError`
  like malformed text, never an `AttributeError` from deep inside.
- Messages never echo the value: an argument put in the wrong place may be an
  SSIN.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Final

from ksz_client._exceptions import ValidationError

__all__ = ["date_arg", "optional_date_arg"]

_DAY: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def date_arg(value: object, what: str) -> _dt.date:
    """The day a required argument names.

    Args:
        value: a `datetime.date` or its text ``YYYY-MM-DD``, as the caller gave it
        what: how the message names the argument ("the start", "decision_date")

    Raises:
        ValidationError: ``"<what> is required"`` for None; ``"<what> is a date
            as YYYY-MM-DD"`` for anything that is not a date (with a hint for a
            `datetime.datetime`).
    """
    if value is None:
        raise ValidationError(f"{what} is required")
    if isinstance(value, _dt.datetime):
        raise ValidationError(f"{what} is a date as YYYY-MM-DD, not a date and time: "
                              "pass the day it stands for, e.g. its .date()")
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _DAY.fullmatch(text):
            try:
                return _dt.date.fromisoformat(text)
            except ValueError:  # shaped right, but no such day (2025-02-30)
                pass
    raise ValidationError(f"{what} is a date as YYYY-MM-DD")


def optional_date_arg(value: object, what: str) -> _dt.date | None:
    """Like `date_arg`, but None (the argument left out) stays None."""
    return None if value is None else date_arg(value, what)
