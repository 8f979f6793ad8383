"""SocialRateInvestigation V1: ``client.social_tariff.get(ssin)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ksz_client import catalogue
from ksz_client.services._registry import operation
from ksz_client.services.social_rate_investigation import _wire
from ksz_client.services.social_rate_investigation.models import SocialTariffResult
from ksz_client.types import CallContext

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["SocialRateInvestigationService"]


class SocialRateInvestigationService:
    """SocialRateInvestigation V1 (KSZ; source: FOD Economie / SPF Economie).

    The right to the social energy tariff: per household of the person, what
    the person is (final customer, household head, protected person), the
    household's address and members, and the energy suppliers' contracts
    matched with it (EAN, electricity or gas, eligibility, social-tariff
    period). Needs a covering integration (finality). Legal context by
    default ``Social Rate Investigation``. Contract: modelled on the
    WS-Consult conventions (no public contract).
    """

    service = catalogue.get("SocialRateInvestigation")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("consultExchangedData")
    def get(self, ssin: str, *, context: CallContext | None = None) -> SocialTariffResult:
        """Social-tariff data of the person's household (``consultExchangedData``).

        SocialRateInvestigation V1, source FOD Economie / SPF Economie.
        Returns the households (status DATA_FOUND), none (NO_DATA_FOUND: no
        contract at the social tariff and no protected person; MSG00009 for a
        deceased person), or a household whose ``source_status`` is
        SSIN_NOT_FOUND when the social-tariff database does not know the SSIN
        (``result.ssin_not_found``). Raises `InvalidSsin` before sending,
        `NotIntegrated` before sending (finality) or for MSG00012,
        `NotAuthorized` for MSG00013 (another legal context), `SsinReplaced`,
        `UnknownSsin`.

        Args:
            ssin: the person's SSIN, in any written form
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        reply = self._client._call(
            self.service,
            "consultExchangedData",
            lambda payload: _wire.write_criterion(payload, subject),
            context=context,
            subjects=(subject,),
        )
        return SocialTariffResult(
            households=_wire.read_households(reply.payload),
            status=reply.status,
            receipt=reply.receipt,
        )
