"""PCSAAlertReaction V1: ``client.alerts.motivate(alert_id, ...)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ksz_client import catalogue
from ksz_client._exceptions import ResponseError
from ksz_client.services._registry import operation
from ksz_client.services.alert_reaction import _wire
from ksz_client.services.alert_reaction.models import Motivation, MotivationResult
from ksz_client.types import CallContext

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["AlertReactionService"]


class AlertReactionService:
    """PCSAAlertReaction V1 (KSZ; source: POD MI / SPP IS).

    The OCMW's reaction to the POD MI's alerts ("knipperlichten"): it
    motivates the decision an alert questions. A MUTATION: an alert is
    motivated once (a second reaction is refused with NO_RESULT MSG00008,
    `InvalidData`), and a lost answer raises `InDoubtError` and is never sent
    again. No consultation of motivations exists: resolve an in-doubt call
    by hand (``ksz audit resolve``) after checking with the POD MI. No SSIN
    travels, so there is no finality check. Contract: modelled, minimal.
    """

    service = catalogue.get("PCSAAlertReaction")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("motivateDecision")
    def motivate(
        self,
        alert_id: str,
        *,
        form_number: str,
        code: str,
        comment: str | None = None,
        context: CallContext | None = None,
    ) -> MotivationResult:
        """Motivate the decision behind an alert (``motivateDecision``).

        PCSAAlertReaction V1, source POD MI / SPP IS. Registers the
        motivation and returns the POD MI's response. A malformed alert id,
        form number, code or comment raises `ValidationError` before
        sending; an alert already motivated raises `InvalidData` (MSG00008).

        Args:
            alert_id: the id of the alert (digits)
            form_number: the number of the form the decision was taken on
            code: the POD MI's motivation code
            comment: free text explaining the decision (at most 1000 characters)
            context: the call context, when not bound with `acting_for`
        """
        motivation = Motivation(alert_id=str(alert_id).strip(), form_number=form_number.strip(),
                                code=code.strip().upper(), comment=comment)
        reply = self._client._call(
            self.service,
            "motivateDecision",
            lambda payload: _wire.write_motivation(payload, motivation),
            context=context,
            subjects=(),
        )
        response = _wire.read_response(reply.payload)
        if response.alert_id != motivation.alert_id:
            raise ResponseError("the answer is about another alert")
        return MotivationResult(motivation=motivation, response=response, status=reply.status,
                                receipt=reply.receipt)
