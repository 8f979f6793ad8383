"""NRPPersonService V1: ``client.nrp.search(postal_code, street_code=..., house_number=...)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ksz_client import catalogue
from ksz_client._exceptions import InvalidData, ValidationError
from ksz_client.services._registry import operation
from ksz_client.services.nrp import _wire
from ksz_client.services.nrp.models import AddressCriteria, AddressSearchResult
from ksz_client.services.person import _wire as _person
from ksz_client.types import CallContext

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["STREET_CODE_FIELD", "NrpPersonService"]

STREET_CODE_FIELD = "streetCode"
"""The status ``information`` field the KSZ names when it refuses the street code."""


class NrpPersonService:
    """NRPPersonService V1 (KSZ; source: national register).

    The persons of the national register living at an address (postal code,
    national-register street code, house number, box). The service needs
    integration, but no SSIN travels: the KSZ answers only the persons the
    organisation has integrated (a local finality check is not possible).
    Contract: modelled on the WS-Consult conventions.
    """

    service = catalogue.get("NRPPersonService")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("searchPersonsByAddress")
    def search(
        self,
        postal_code: str,
        *,
        street_code: str | None = None,
        house_number: str | None = None,
        box: str | None = None,
        context: CallContext | None = None,
    ) -> AddressSearchResult:
        """Persons living at an address (``searchPersonsByAddress``).

        Bad criteria raise `ValidationError` before sending. A street code the
        national register does not know for that postal code raises
        `InvalidData` (MSG00008) saying so.

        Args:
            postal_code: Belgian postal code (4 digits)
            street_code: national-register street code (up to 4 digits); required
            house_number: house number; without it, the whole street
            box: box number (with a house number)
            context: the call context, when not bound with `acting_for`
        """
        if street_code is None:
            raise ValidationError("a search by address needs the street code")
        criteria = AddressCriteria(postal_code, street_code, house_number, box)
        try:
            reply = self._client._call(
                self.service,
                "searchPersonsByAddress",
                lambda payload: _wire.write_criteria(payload, criteria),
                context=context,
                subjects=(),
            )
        except InvalidData as exc:
            if not any(name == STREET_CODE_FIELD for d in exc.details for name, _ in d.information):
                raise
            raise InvalidData(
                f"{exc.code}: the street code is not a national-register street of that postal "
                f"code (ticketCBSS {exc.ticket_cbss})",
                value=exc.value, code=exc.code, ticket=exc.ticket, ticket_cbss=exc.ticket_cbss,
                details=exc.details,
            ) from None
        return AddressSearchResult(
            persons=tuple(_person.read_person(p) for p in reply.payload.iterfind("result/person")),
            status=reply.status,
            receipt=reply.receipt,
        )
