"""NRPPersonService V1 on the wire, both directions (client writes, sandbox reads)."""

from __future__ import annotations

from ksz_client import _xml
from ksz_client.services.nrp.models import AddressCriteria

__all__ = ["read_criteria", "write_criteria"]


def write_criteria(payload: _xml.Element, criteria: AddressCriteria) -> None:
    el = _xml.sub(payload, "criteria")
    _xml.sub(el, "postalCode", criteria.postal_code)
    _xml.sub(el, "streetCode", criteria.street_code)
    if criteria.house_number is not None:
        _xml.sub(el, "houseNumber", criteria.house_number)
    if criteria.box is not None:
        _xml.sub(el, "box", criteria.box)


def read_criteria(payload: _xml.Element) -> AddressCriteria:
    """The criteria of a request (the sandbox's side); invalid ones raise ValidationError."""
    el = _xml.req(payload, "criteria")
    return AddressCriteria(
        postal_code=_xml.req_text(el, "postalCode"),
        street_code=_xml.req_text(el, "streetCode"),
        house_number=_xml.opt_text(el, "houseNumber"),
        box=_xml.opt_text(el, "box"),
    )
