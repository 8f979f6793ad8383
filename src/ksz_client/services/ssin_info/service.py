"""SSINInformationService V1: ``client.ssin_info.current(ssin)`` and ``.related(ssin)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ksz_client import catalogue
from ksz_client.services._registry import operation
from ksz_client.services.ssin_info import _wire
from ksz_client.services.ssin_info.models import CurrentSsinResult, RelatedSsinsResult
from ksz_client.types import CallContext

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["SsinInformationService"]


class SsinInformationService:
    """SSINInformationService V1 (KSZ; source: national register and KSZ BIS register).

    The history of an SSIN: the number to use now for a possibly replaced or
    cancelled one, and the other numbers of the same person (a BIS number
    replaced by a national number, cancelled numbers). No prior integration is
    needed. Contract: modelled on the WS-Consult conventions (no public contract).
    """

    service = catalogue.get("SSINInformationService")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("consultCurrentSsin")
    def current(self, ssin: str, *, context: CallContext | None = None) -> CurrentSsinResult:
        """The SSIN to use now for ``ssin`` (``consultCurrentSsin``).

        A replaced number is not an error here: the answer names the number that
        replaced it (``current.ssin``, with ``current.replaces`` the one asked).
        Raises `InvalidSsin` before sending for a malformed SSIN and `UnknownSsin`
        (MSG00005) for a number the registers do not know.

        Args:
            ssin: the SSIN (national or BIS number), in any written form
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        reply = self._client._call(
            self.service,
            "consultCurrentSsin",
            lambda payload: _wire.write_criteria(payload, subject),
            context=context,
            subjects=(subject,),
        )
        return CurrentSsinResult(
            current=_wire.read_current(reply.payload), status=reply.status, receipt=reply.receipt,
        )

    @operation("consultRelatedSsins")
    def related(self, ssin: str, *, context: CallContext | None = None) -> RelatedSsinsResult:
        """The other SSINs of the same person (``consultRelatedSsins``), oldest first.

        Each carries ``canceled`` and ``replaced_by``. A number without history
        answers NO_DATA_FOUND with an empty tuple. Raises `InvalidSsin` before
        sending and `UnknownSsin` (MSG00005) as `current` does.

        Args:
            ssin: the SSIN (national or BIS number), in any written form
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        reply = self._client._call(
            self.service,
            "consultRelatedSsins",
            lambda payload: _wire.write_criteria(payload, subject),
            context=context,
            subjects=(subject,),
        )
        return RelatedSsinsResult(
            related=_wire.read_related(reply.payload), status=reply.status, receipt=reply.receipt,
        )
