"""FamilyComposition: `client.family.get(ssin, at=... | since=...)`."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

from ksz_client import catalogue
from ksz_client._exceptions import ValidationError
from ksz_client._inputs import optional_date_arg
from ksz_client.services._registry import operation
from ksz_client.services.family import _wire
from ksz_client.services.family.models import FamilyCompositionResult
from ksz_client.types import CallContext

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["FamilyCompositionService"]


class FamilyCompositionService:
    """FamilyComposition V1 (KSZ; source: national register, KSZ BIS register).

    The household a person belongs to: its members with their relationship to the
    head of household (01 head, 02 spouse or partner, 03 child, ...), name, birth,
    gender and address, at a date or over time. Needs a covering integration.
    Contract: modelled on the WS-Consult conventions (no public contract).
    """

    service = catalogue.get("FamilyComposition")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("consultFamilyComposition")
    def get(
        self,
        ssin: str,
        *,
        at: _dt.date | str | None = None,
        since: _dt.date | str | None = None,
        context: CallContext | None = None,
    ) -> FamilyCompositionResult:
        """The household composition of a person (``consultFamilyComposition``).

        Without a date: the composition today. With ``at``: the composition on that
        day (a snapshot). With ``since``: every composition from that day until today
        (a history, oldest first). Status NO_DATA_FOUND with no composition when the
        registers hold no household for the person then (e.g. a BIS person).
        Raises `ValidationError` before sending for a malformed SSIN, both dates
        given or a date in the future; `NotIntegrated` when no integration covers
        the person; `SsinReplaced` (MSG00006) and `UnknownSsin` (MSG00005).

        Args:
            ssin: the person's SSIN, in any written form
            at: the day of the snapshot, YYYY-MM-DD (default today)
            since: the first day of the history, YYYY-MM-DD (not with at)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        day = optional_date_arg(at, "at")
        start = optional_date_arg(since, "since")
        if day is not None and start is not None:
            raise ValidationError("give at (a snapshot) or since (a history), not both")
        today = self._client._today()
        for value, what in ((day, "at"), (start, "since")):
            # A day's slack: the KSZ's date (Belgium) may be ahead of the caller's.
            if value is not None and value > today + _dt.timedelta(days=1):
                raise ValidationError(f"{what} cannot be in the future")
        reply = self._client._call(
            self.service,
            "consultFamilyComposition",
            lambda payload: _wire.write_criteria(payload, subject, at=day, since=start),
            context=context,
            subjects=(subject,),
        )
        return FamilyCompositionResult(
            compositions=tuple(_wire.read_composition(c)
                               for c in reply.payload.iterfind("result/familyComposition")),
            status=reply.status,
            receipt=reply.receipt,
        )
