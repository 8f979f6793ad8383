"""PCSASocialInquiry V1 (Nova+): ``client.social_inquiry.get(ssin)`` and ``.simulate_residence``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ksz_client import catalogue
from ksz_client.services._registry import operation
from ksz_client.services.social_inquiry import _wire
from ksz_client.services.social_inquiry.models import InquiryResult, ResidenceResult
from ksz_client.types import CallContext

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["SocialInquiryService"]


class SocialInquiryService:
    """PCSASocialInquiry V1 (KSZ; source: POD MI / SPP IS, Nova+).

    Help in the social inquiry: which social sources know something about a
    person (the services to consult next), and a simulation of the residence
    status and what it means for the right to social integration. Needs a
    covering integration (finality). Contract: modelled, minimal.
    """

    service = catalogue.get("PCSASocialInquiry")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("consultSocialInquiry")
    def get(self, ssin: str, *, context: CallContext | None = None) -> InquiryResult:
        """The sources that know something about a person (``consultSocialInquiry``).

        PCSASocialInquiry V1, source POD MI / SPP IS (Nova+). DATA_FOUND with
        the household size and, per source, whether it knows something today;
        NO_DATA_FOUND MSG00009 for a deceased person.

        Args:
            ssin: the person's SSIN, in any written form
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        reply = self._client._call(self.service, "consultSocialInquiry",
                                   lambda payload: _wire.write_criteria(payload, subject),
                                   context=context, subjects=(subject,))
        return InquiryResult(_wire.read_inquiry(reply.payload), reply.status, reply.receipt)

    @operation("simulateResidenceStatus")
    def simulate_residence(self, ssin: str, *,
                           context: CallContext | None = None) -> ResidenceResult:
        """Simulate the residence status of a person (``simulateResidenceStatus``).

        PCSASocialInquiry V1, source POD MI / SPP IS (Nova+). The register
        the person is in and what it means for the right to social
        integration (INTEGRATION_INCOME, TO_CHECK or NONE): a simulation to
        prepare the inquiry, never a decision.

        Args:
            ssin: the person's SSIN, in any written form
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        reply = self._client._call(self.service, "simulateResidenceStatus",
                                   lambda payload: _wire.write_criteria(payload, subject),
                                   context=context, subjects=(subject,))
        read = _wire.read_residence(reply.payload)
        return ResidenceResult(None if read is None else read[0],
                               None if read is None else read[1], reply.status, reply.receipt)
