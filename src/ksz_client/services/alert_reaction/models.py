"""Typed models of PCSAAlertReaction V1: the OCMW's motivation of a POD MI alert."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Final

from ksz_client._exceptions import ValidationError
from ksz_client.types import Receipt, Status

__all__ = ["Motivation", "MotivationResponse", "MotivationResult"]

_ALERT: Final = re.compile(r"[0-9]{1,20}")
_FORM: Final = re.compile(r"[A-Za-z0-9]{1,20}")
_CODE: Final = re.compile(r"[A-Z0-9_]{1,20}")
_COMMENT_MAX: Final = 1000


@dataclass(frozen=True)
class Motivation:
    """The motivation of the decision behind an alert; validated on construction.

    ``alert_id`` names the alert (and through it the file: no SSIN travels);
    ``form_number`` the form the decision was taken on; ``code`` the POD MI's
    motivation code; ``comment`` free text (no personal data beyond need).
    """

    alert_id: str
    form_number: str
    code: str
    comment: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.alert_id, str) or not _ALERT.fullmatch(self.alert_id):
            raise ValidationError("the alert id is 1 to 20 digits")
        if not isinstance(self.form_number, str) or not _FORM.fullmatch(self.form_number):
            raise ValidationError("the form number is 1 to 20 letters or digits")
        if not isinstance(self.code, str) or not _CODE.fullmatch(self.code):
            raise ValidationError("the motivation code is 1 to 20 capitals, digits or _")
        if self.comment is not None and not 1 <= len(self.comment.strip()) <= _COMMENT_MAX:
            raise ValidationError("the comment is 1 to 1000 characters")

    def __repr__(self) -> str:
        # The comment may speak about a person: keep it out of logs.
        return f"Motivation(alert_id={self.alert_id!r}, code={self.code!r})"


@dataclass(frozen=True)
class MotivationResponse:
    """The POD MI's registration of a motivation."""

    alert_id: str
    motivation_id: str
    registered_on: _dt.date


@dataclass(frozen=True)
class MotivationResult:
    """The answer to `AlertReactionService.motivate`."""

    motivation: Motivation
    response: MotivationResponse
    status: Status
    receipt: Receipt
