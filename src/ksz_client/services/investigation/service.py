"""OCMWCPASPerformInvestigation: `client.investigation.perform(ssin, ...)`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ksz_client import catalogue
from ksz_client._exceptions import ResponseError
from ksz_client.services._registry import operation
from ksz_client.services.investigation import _wire
from ksz_client.services.investigation.models import Investigation
from ksz_client.types import CallContext

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["InvestigationService"]


class InvestigationService:
    """OCMWCPASPerformInvestigation (SSDN 20080604; source: national register and KSZ BIS
    register, incl. the waiting register).

    The OCMW's social inquiry in one call: the household (family composition
    with relationships), the legal data of the person and of every member,
    their address history and what the waiting register holds. Needs
    integration: refused before sending (`NotIntegrated`) when no local
    integration covers the person today. Contract: official (SSDN).
    """

    service = catalogue.get("OCMWCPASPerformInvestigation")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("performInvestigation")
    def perform(
        self,
        ssin: str,
        *,
        family: bool = False,
        citizen: bool = False,
        address_history: bool = False,
        wait_register: bool = False,
        context: CallContext | None = None,
    ) -> Investigation:
        """Perform a social inquiry (``performInvestigation``) on the data groups asked for.

        Name no group to get them all. With the family composition, the other
        groups come for every member of the household too.

        Args:
            ssin: the person's SSIN, in any written form
            family: the family composition (and the other groups for every member)
            citizen: the legal data (name, birth, civil state, address, nationality)
            address_history: legal addresses with their periods, and managing municipalities
            wait_register: what the waiting register holds (asylum seekers)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        groups = _wire.DataGroups(family=family, citizen=citizen,
                                  address_history=address_history, wait_register=wait_register)
        reply = self._client._call(
            self.service,
            "performInvestigation",
            lambda payload: _wire.write_request(payload, str(subject), groups),
            context=context,
            subjects=(str(subject),),
        )
        data = _wire.read_reply(reply.payload)
        if data.ssin != subject:
            raise ResponseError("the answer is about another person")
        return Investigation(
            ssin=subject,
            family=data.family,
            citizens=data.citizens,
            address_histories=data.address_histories,
            wait_register=data.wait_register,
            warnings=reply.warnings,
            status=reply.status,
            receipt=reply.receipt,
        )
