"""OCMWCPASManageAccess on the wire: ManageAccessRequest / ManageAccessReply <-> models.

Elements are qualified in the ManageAccess namespace, except the children of
``Period`` (``common:StartingPeriodType``): StartDate and EndDate are in the
SSDN Common namespace. The client writes requests and reads replies; the
sandbox writes replies with the same code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from lxml import etree

from ksz_client import _ssdn, _xml, catalogue
from ksz_client._exceptions import InvalidSsin, ResponseError, ValidationError
from ksz_client.services.manage_access.models import (
    AccessAction,
    ProofOfAuthentication,
    Registration,
    RepertoryRegister,
)
from ksz_client.ssin import Ssin
from ksz_client.types import Period

__all__ = [
    "NS",
    "OriginalRequest",
    "read_period",
    "read_reply",
    "write_period",
    "write_reply",
    "write_request",
]

NS: Final = catalogue.get("OCMWCPASManageAccess").namespace
_M: Final = f"{{{NS}}}"
_C: Final = f"{{{_ssdn.SSDN_COMMON_NS}}}"


def write_period(parent: _xml.Element, tag: str, period: Period) -> _xml.Element:
    """A ``common:StartingPeriodType`` element (children in the Common namespace)."""
    el = etree.SubElement(parent, tag)
    etree.SubElement(el, f"{_C}StartDate").text = period.start.isoformat()
    if period.end is not None:
        etree.SubElement(el, f"{_C}EndDate").text = period.end.isoformat()
    return el


def read_period(el: _xml.Element) -> Period:
    start = _xml.opt_date(el, f"{_C}StartDate")
    if start is None:
        raise ResponseError("a Period lacks its StartDate")
    try:
        return Period(start, _xml.opt_date(el, f"{_C}EndDate"))
    except ValidationError:
        raise ResponseError("a Period in the answer ends before it starts") from None


def write_request(
    payload: _xml.Element,
    *,
    ssin: str,
    action: AccessAction,
    quality_code: int | None,
    period: Period,
    query_register: RepertoryRegister | None = None,
    proof: ProofOfAuthentication | None = None,
) -> None:
    """Fill an empty ManageAccessRequest (element order of the official XSD)."""
    etree.SubElement(payload, f"{_M}SSIN").text = ssin
    if quality_code is not None:
        etree.SubElement(payload, f"{_M}Purpose").text = str(quality_code)
    write_period(payload, f"{_M}Period", period)
    etree.SubElement(payload, f"{_M}Action").text = action.value
    # Ignored for REGISTER/UNREGISTER (official XSD); the OCMWs' sector for a LIST.
    etree.SubElement(payload, f"{_M}Sector").text = str(catalogue.OCMW_SECTOR)
    if query_register is not None:
        etree.SubElement(payload, f"{_M}QueryRegister").text = query_register.value
    # Always present (the schema requires it), empty when no proof is given.
    auth = etree.SubElement(payload, f"{_M}ProofOfAuthentication")
    if proof is None:
        return
    if proof.sis_card_number:
        etree.SubElement(auth, f"{_M}SISCardNumber").text = proof.sis_card_number
    if proof.identity_card_number:
        etree.SubElement(auth, f"{_M}IdentityCardNumber").text = proof.identity_card_number
    if proof.last_name is not None and proof.birth_date is not None:
        person = etree.SubElement(auth, f"{_M}PersonData")
        etree.SubElement(person, f"{_M}LastName").text = proof.last_name
        if proof.first_name:
            etree.SubElement(person, f"{_M}FirstName").text = proof.first_name
        etree.SubElement(person, f"{_M}BirthDate").text = proof.birth_date.isoformat()


@dataclass(frozen=True)
class OriginalRequest:
    """The ``OriginalRequest`` a reply echoes."""

    ssin: Ssin
    quality_code: int
    period: Period
    action: AccessAction
    register: RepertoryRegister | None = None


def _int(el: _xml.Element, name: str) -> int:
    value = _xml.opt_int(el, f"{_M}{name}")
    if value is None:
        raise ResponseError(f"the answer lacks {name}")
    return value


def _enum_register(text: str | None) -> RepertoryRegister | None:
    if text is None:
        return None
    try:
        return RepertoryRegister(text)
    except ValueError:
        raise ResponseError("unknown Register in the answer") from None


def read_reply(reply: _xml.Element) -> tuple[OriginalRequest, tuple[Registration, ...]]:
    """Read a ManageAccessReply; unknown extra elements are ignored."""
    if reply.tag != f"{_M}ManageAccessReply":
        raise ResponseError("the answer is not a ManageAccessReply")
    original = _xml.req(reply, f"{_M}OriginalRequest")
    try:
        ssin = Ssin(_xml.req_text(original, f"{_M}SSIN"), allow_test=True)
    except InvalidSsin:
        raise ResponseError("the answer carries a malformed SSIN") from None
    try:
        action = AccessAction(_xml.req_text(original, f"{_M}Action"))
    except ValueError:
        raise ResponseError("unknown Action in the answer") from None
    echoed = OriginalRequest(
        ssin=ssin,
        quality_code=_int(original, "Purpose"),
        period=read_period(_xml.req(original, f"{_M}Period")),
        action=action,
        register=_enum_register(_xml.opt_text(original, f"{_M}Register")),
    )
    registrations = []
    for item in reply.iterfind(f"{_M}Registrations"):
        register = _enum_register(_xml.req_text(item, f"{_M}Register"))
        assert register is not None
        registrations.append(Registration(
            quality_code=_int(item, "Purpose"),
            period=read_period(_xml.req(item, f"{_M}Period")),
            org_unit=_xml.req_text(item, f"{_M}OrgUnit"),
            register=register,
        ))
    return echoed, tuple(registrations)


def write_reply(original: OriginalRequest, registrations: tuple[Registration, ...] | list[
        Registration]) -> _xml.Element:
    """A ManageAccessReply (the sandbox's side)."""
    reply = etree.Element(f"{_M}ManageAccessReply",
                          nsmap={"ma": NS, "common": _ssdn.SSDN_COMMON_NS})
    el = etree.SubElement(reply, f"{_M}OriginalRequest")
    etree.SubElement(el, f"{_M}SSIN").text = str(original.ssin)
    etree.SubElement(el, f"{_M}Purpose").text = str(original.quality_code)
    write_period(el, f"{_M}Period", original.period)
    etree.SubElement(el, f"{_M}Action").text = original.action.value
    if original.register is not None:
        etree.SubElement(el, f"{_M}Register").text = original.register.value
    for r in registrations:
        item = etree.SubElement(reply, f"{_M}Registrations")
        etree.SubElement(item, f"{_M}Purpose").text = str(r.quality_code)
        write_period(item, f"{_M}Period", r.period)
        etree.SubElement(item, f"{_M}OrgUnit").text = r.org_unit
        etree.SubElement(item, f"{_M}Register").text = r.register.value
    return reply
