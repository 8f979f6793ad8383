"""ReferenceManager.consult: `client.references.other_sectors(ssin, ...)`."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

from ksz_client import catalogue
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client._inputs import optional_date_arg
from ksz_client.audit import organisation_id
from ksz_client.services._registry import operation
from ksz_client.services.manage_access.models import check_quality_code
from ksz_client.services.reference_manager import _wire
from ksz_client.services.reference_manager.models import OtherSectorsResult
from ksz_client.types import CallContext, Period, Status, StatusValue

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["ReferenceService"]


class ReferenceService:
    """ReferenceManager.consult (SSDN 20050525; source: the KSZ reference repertory).

    Which other sectors of the KSZ network (health insurance, unemployment,
    pensions, ...) have integrated the person, for which quality code and
    period. The question is asked under the OCMW's own integration (its
    quality code and period), so the person must be integrated first.
    Contract: modelled on the SSDN conventions (no public contract).
    """

    service = catalogue.get("ReferenceManager")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("consult")
    def other_sectors(
        self,
        ssin: str,
        *,
        quality_code: int | None = None,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        integrated_start: _dt.date | str | None = None,
        integrated_end: _dt.date | str | None = None,
        descriptions: bool = True,
        context: CallContext | None = None,
    ) -> OtherSectorsResult:
        """The person's integrations in other sectors (``ReferenceManager.consult``).

        The requester's quality code and integrated period default to the
        local integration that covers the person today (`KszClient.integrations`;
        without one the integrated period is today).
        Needs integration: refused before sending (`NotIntegrated`) when no
        local integration covers the person. No other sector found: status
        NO_DATA_FOUND and no integrations.

        Args:
            ssin: the person's SSIN, in any written form
            quality_code: your own quality code for the person (default: the call
                context's, else that of your integration covering today)
            start: integrations running on or after this day, YYYY-MM-DD (default today)
            end: ... and on or before this day, YYYY-MM-DD (default open-ended)
            integrated_start: first day of your own integration (default: from the local
                register, else today)
            integrated_end: last day of your own integration (default: from the local
                register, else today)
            descriptions: add the Dutch and French names of sectors and quality codes
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        today = self._client._today()
        code = quality_code
        if code is None:
            code = self._client.context.merged(context).quality_code
        held = None
        if code is None or integrated_start is None:
            held = self._client.integrations.covering(
                organisation_id(self._client.config.organisation), subject, today, code)
        if code is None:
            if held is None:
                raise ValidationError("name the quality code under which the person is "
                                      "integrated (quality_code=)")
            code = held.quality_code
        code = check_quality_code(code)
        requested = Period(optional_date_arg(start, "the start") or today,
                           optional_date_arg(end, "the end"))
        begin = optional_date_arg(integrated_start, "the integrated period's start")
        if begin is not None:
            integrated = Period(
                begin, optional_date_arg(integrated_end, "the integrated period's end"))
        elif integrated_end is not None:
            raise ValidationError("an integrated period's end needs its start")
        elif held is not None:
            integrated = Period(held.start, held.end)
        else:
            # Unknown locally (no audit log, finality guard off): what any integration
            # that lets this call through covers, today.
            integrated = Period(today, today)
        criteria = _wire.Criteria(quality_code=code, ssin=str(subject),
                                  integrated_period=integrated, requested_period=requested,
                                  descriptions=descriptions)
        reply = self._client._call(
            self.service,
            "consult",
            lambda payload: _wire.write_criteria(payload, criteria),
            # The guard checks the integration under this very quality code.
            context=(context or CallContext()).merged(CallContext(quality_code=code)),
            subjects=(str(subject),),
        )
        echoed, integrations = _wire.read_result(reply.payload)
        if echoed != subject:
            raise ResponseError("the answer is about another person")
        status = reply.status
        if not integrations:
            status = Status(StatusValue.NO_DATA_FOUND, status.code,
                            "no integration in another sector", status.information)
        return OtherSectorsResult(
            ssin=subject,
            integrations=integrations,
            quality_code=code,
            integrated_period=integrated,
            requested_period=requested,
            warnings=reply.warnings,
            status=status,
            receipt=reply.receipt,
        )
