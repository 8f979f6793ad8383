"""FamilyComposition on the wire: criteria and compositions <-> XML, both directions.

The client reads compositions with `read_composition`; the sandbox writes them with
`write_composition`, so one mapping serves both and a round-trip test keeps them honest.
"""

from __future__ import annotations

import datetime as _dt

from ksz_client import _xml
from ksz_client._exceptions import InvalidSsin, ResponseError, ValidationError
from ksz_client.services.family.models import FamilyComposition, FamilyMember, Source
from ksz_client.ssin import Gender, Ssin
from ksz_client.types import Address, AddressKind, PartialDate, Period, PersonName

__all__ = [
    "read_composition",
    "read_criteria",
    "write_composition",
    "write_criteria",
]


# --- requests ------------------------------------------------------------------


def write_criteria(payload: _xml.Element, ssin: str, *, at: _dt.date | None,
                   since: _dt.date | None) -> None:
    criteria = _xml.sub(payload, "criteria")
    _xml.sub(criteria, "ssin", ssin)
    if at is not None:
        _xml.sub(criteria, "referenceDate", at.isoformat())
    elif since is not None:
        _xml.sub(criteria, "startDate", since.isoformat())


def read_criteria(payload: _xml.Element) -> tuple[str, _dt.date | None, _dt.date | None]:
    """(ssin, reference date, start date) of a request (the sandbox's side)."""
    criteria = _xml.req(payload, "criteria")
    try:
        return (_xml.req_text(criteria, "ssin"), _xml.opt_date(criteria, "referenceDate"),
                _xml.opt_date(criteria, "startDate"))
    except ResponseError as exc:
        raise ValidationError(str(exc)) from None


# --- compositions ------------------------------------------------------------------


def _ssin(text: str) -> Ssin:
    try:
        # Numbers that come from the registers are taken as they are, test numbers included.
        return Ssin(text, allow_test=True)
    except InvalidSsin:
        raise ResponseError("the answer carries a malformed SSIN") from None


def _partial(el: _xml.Element, path: str) -> PartialDate | None:
    text = _xml.opt_text(el, path)
    if text is None:
        return None
    try:
        return PartialDate.parse(text)
    except ValidationError:
        raise ResponseError(f"{path} is not a (partial) date") from None


def _read_address(el: _xml.Element | None) -> Address | None:
    if el is None:
        return None
    return Address(
        kind=AddressKind.RESIDENTIAL,
        street=_xml.opt_text(el, "street"),
        house_number=_xml.opt_text(el, "houseNumber"),
        box=_xml.opt_text(el, "box"),
        postal_code=_xml.opt_text(el, "postalCode"),
        municipality=_xml.opt_text(el, "municipality"),
        municipality_code=_xml.opt_text(el, "municipalityCode"),
        country_code=_xml.opt_text(el, "countryCode"),
        since=_xml.opt_date(el, "inceptionDate"),
    )


def _write_address(parent: _xml.Element, address: Address | None) -> None:
    if address is None:
        return
    el = _xml.sub(parent, "address")
    for tag, value in (
        ("street", address.street),
        ("houseNumber", address.house_number),
        ("box", address.box),
        ("postalCode", address.postal_code),
        ("municipality", address.municipality),
        ("municipalityCode", address.municipality_code),
        ("countryCode", address.country_code),
        ("inceptionDate", address.since.isoformat() if address.since else None),
    ):
        if value:
            _xml.sub(el, tag, value)


def _read_member(el: _xml.Element) -> FamilyMember:
    ssin = _xml.opt_text(el, "ssin")
    fictional = _xml.opt_text(el, "fictionalIdentificationNumber")
    if (ssin is None) == (fictional is None):
        raise ResponseError("a family member carries neither or both of ssin and "
                            "fictionalIdentificationNumber")
    relationship = _xml.req_text(el, "relationship")
    if len(relationship) != 2 or not relationship.isdigit():
        raise ResponseError("a relationship code has two digits")
    name = _xml.req(el, "name")
    gender = _xml.opt_text(el, "gender")
    if gender is not None and gender not in ("M", "F"):
        raise ResponseError("unknown gender code in the answer")
    return FamilyMember(
        relationship=relationship,
        name=PersonName(
            last_name=_xml.req_text(name, "lastName"),
            given_names=tuple(t for t in (_xml.opt_text(g, "") for g in
                                          name.iterfind("givenName")) if t),
        ),
        ssin=_ssin(ssin) if ssin is not None else None,
        fictional_id=fictional,
        birth_date=_partial(el, "birthDate"),
        gender=Gender(gender) if gender else None,
        decease_date=_partial(el, "deceaseDate"),
        address=_read_address(el.find("address")),
        entry_date=_xml.opt_date(el, "entryDate"),
        exit_date=_xml.opt_date(el, "exitDate"),
    )


def read_composition(el: _xml.Element) -> FamilyComposition:
    """A composition from a ``familyComposition`` element; unknown extra elements are ignored."""
    period = _xml.req(el, "period")
    begin = _xml.opt_date(period, "beginDate")
    if begin is None:
        raise ResponseError("the answer lacks the required element period/beginDate")
    try:
        span = Period(begin, _xml.opt_date(period, "endDate"))
    except ValidationError:
        raise ResponseError("a composition period ends before it starts") from None
    source = _xml.req_text(el, "source")
    try:
        origin = Source(source)
    except ValueError:
        raise ResponseError("unknown source code in the answer") from None
    members = tuple(_read_member(m) for m in el.iterfind("member"))
    if not members:
        raise ResponseError("the answer lacks the required element familyComposition/member")
    return FamilyComposition(period=span, source=origin, members=members,
                             address=_read_address(el.find("address")))


def write_composition(parent: _xml.Element, composition: FamilyComposition) -> _xml.Element:
    """Append a ``familyComposition`` element for ``composition``."""
    el = _xml.sub(parent, "familyComposition")
    period = _xml.sub(el, "period")
    _xml.sub(period, "beginDate", composition.period.start.isoformat())
    if composition.period.end is not None:
        _xml.sub(period, "endDate", composition.period.end.isoformat())
    _xml.sub(el, "source", composition.source.value)
    _write_address(el, composition.address)
    for member in composition.members:
        item = _xml.sub(el, "member")
        if member.ssin is not None:
            _xml.sub(item, "ssin", str(member.ssin))
        else:
            _xml.sub(item, "fictionalIdentificationNumber", member.fictional_id)
        _xml.sub(item, "relationship", member.relationship)
        name = _xml.sub(item, "name")
        _xml.sub(name, "lastName", member.name.last_name)
        for given in member.name.given_names:
            _xml.sub(name, "givenName", given)
        if member.birth_date is not None:
            _xml.sub(item, "birthDate", member.birth_date.isoformat())
        if member.gender is not None:
            _xml.sub(item, "gender", member.gender.value)
        if member.decease_date is not None:
            _xml.sub(item, "deceaseDate", member.decease_date.isoformat())
        _write_address(item, member.address)
        if member.entry_date is not None:
            _xml.sub(item, "entryDate", member.entry_date.isoformat())
        if member.exit_date is not None:
            _xml.sub(item, "exitDate", member.exit_date.isoformat())
    return el
