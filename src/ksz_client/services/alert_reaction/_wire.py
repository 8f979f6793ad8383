"""PCSAAlertReaction V1 on the wire: the motivation and its response <-> XML, both directions.

Children are unqualified (WS-Consult conventions). The client writes the
motivation and reads the response; the sandbox does the reverse with the
same code.
"""

from __future__ import annotations

from ksz_client import _xml
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client.services.alert_reaction.models import Motivation, MotivationResponse

__all__ = ["read_motivation", "read_response", "write_motivation", "write_response"]


def write_motivation(payload: _xml.Element, motivation: Motivation) -> None:
    el = _xml.sub(payload, "motivation")
    _xml.sub(el, "alertId", motivation.alert_id)
    _xml.sub(el, "formNumber", motivation.form_number)
    _xml.sub(el, "motivationCode", motivation.code)
    if motivation.comment is not None:
        _xml.sub(el, "comment", motivation.comment.strip())


def read_motivation(payload: _xml.Element) -> Motivation:
    """The motivation of a request (the sandbox's side); bad values raise ValidationError."""
    el = payload.find("motivation")
    if el is None:
        raise ValidationError("the request has no motivation")
    return Motivation(
        alert_id=_xml.opt_text(el, "alertId") or "",
        form_number=_xml.opt_text(el, "formNumber") or "",
        code=_xml.opt_text(el, "motivationCode") or "",
        comment=_xml.opt_text(el, "comment"),
    )


def write_response(result: _xml.Element, response: MotivationResponse) -> None:
    el = _xml.sub(result, "motivationResponse")
    _xml.sub(el, "alertId", response.alert_id)
    _xml.sub(el, "motivationId", response.motivation_id)
    _xml.sub(el, "registrationDate", response.registered_on.isoformat())


def read_response(payload: _xml.Element) -> MotivationResponse:
    """The motivation response of an answer; a missing part is a ResponseError."""
    el = _xml.req(payload, "result/motivationResponse")
    day = _xml.opt_date(el, "registrationDate")
    if day is None:
        raise ResponseError("the answer lacks the required element registrationDate")
    return MotivationResponse(alert_id=_xml.req_text(el, "alertId"),
                              motivation_id=_xml.req_text(el, "motivationId"),
                              registered_on=day)
