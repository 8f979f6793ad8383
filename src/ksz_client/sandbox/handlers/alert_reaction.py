"""Sandbox handler of PCSAAlertReaction V1: the OCMW motivates a POD MI alert.

MODELLED. The sandbox keeps no list of alerts: any alert id of the right
form is one. It remembers every motivation (``alert-motivation`` records,
keyed by alert id), so a second reaction to the same alert is NO_RESULT
MSG00008, whichever OCMW sends it. The motivation id is ``MOT-`` and a
sequence number; the registration date is the day of the answer.
"""

from __future__ import annotations

from typing import Final

from ksz_client import _xml
from ksz_client._exceptions import ValidationError
from ksz_client.sandbox.handlers import Answer, HandlerContext, handles, status
from ksz_client.services.alert_reaction import _wire
from ksz_client.services.alert_reaction.models import MotivationResponse

__all__ = ["KIND", "motivate_decision"]

KIND: Final = "alert-motivation"


@handles("PCSAAlertReaction", "motivateDecision")
def motivate_decision(ctx: HandlerContext, request: _xml.Element) -> Answer:
    """Register the motivation of an alert, once."""
    try:
        motivation = _wire.read_motivation(request)
    except ValidationError:
        return Answer(status("NO_RESULT", "MSG00008"))
    state = ctx.state
    assert state is not None
    if state.records(KIND, key=motivation.alert_id):
        return Answer(status("NO_RESULT", "MSG00008", alertId=motivation.alert_id))
    number = f"MOT-{state.next_sequence(KIND):08d}"
    state.add_record(KIND, {"motivation_id": number, "form": motivation.form_number,
                            "code": motivation.code}, ticket=ctx.ticket, at=ctx.now,
                     organisation=ctx.organisation, key=motivation.alert_id)
    response = MotivationResponse(motivation.alert_id, number, ctx.today)

    def fill(result: _xml.Element) -> None:
        _wire.write_response(result, response)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)
