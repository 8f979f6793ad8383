"""The BIS register services on the wire, both directions (client writes and reads,
the sandbox reads and writes with the same code).

The data groups (name, nationalities, birth, decease, gender, civil states,
addresses) have the PersonService V4 shapes; the person elements of the answers
are PersonService ``PersonType`` and are read with its mapping.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

from ksz_client import _xml
from ksz_client._exceptions import InvalidSsin, ResponseError, ValidationError
from ksz_client.services.bis.models import (
    BisDeclaration,
    DataGroup,
    DataGroupUpdate,
    DeclaredNationality,
    PersonChanges,
    UpdateOutcome,
)
from ksz_client.services.person import _wire as _person
from ksz_client.services.person.models import Birth, CivilState, Decease, Person
from ksz_client.ssin import Gender, Ssin
from ksz_client.types import Address, AddressKind, PartialDate, PersonName

__all__ = [
    "read_changes",
    "read_declaration",
    "read_registration",
    "read_update",
    "write_changes",
    "write_declaration",
    "write_registration",
    "write_update",
]

_ORDER = (AddressKind.RESIDENTIAL, AddressKind.CONTACT)


# --- data groups -------------------------------------------------------------------------


def _write_name(parent: _xml.Element, name: PersonName) -> None:
    el = _xml.sub(parent, "name")
    _xml.sub(el, "lastName", name.last_name)
    for seq, given in enumerate(name.given_names, start=1):
        _xml.sub(el, "givenName", given).set("sequence", str(seq))


def _write_groups(
    parent: _xml.Element,
    *,
    nationalities: Iterable[DeclaredNationality] | None,
    birth: Birth | None,
    decease: Decease | None,
    gender: Gender | None,
    civil_states: Iterable[CivilState] | None,
    addresses: Iterable[Address],
) -> None:
    if nationalities is not None:
        group = _xml.sub(parent, "nationalities")
        for n in nationalities:
            item = _xml.sub(group, "nationality")
            _xml.sub(item, "nationalityCode", n.code)
            if n.since is not None:
                _xml.sub(item, "inceptionDate", n.since.isoformat())
            if n.until is not None:
                _xml.sub(item, "expiryDate", n.until.isoformat())
    if birth is not None:
        el = _xml.sub(parent, "birth")
        _xml.sub(el, "birthDate", birth.date.isoformat())
        _person._write_place(el, "birthPlace", birth.place)
    if decease is not None:
        el = _xml.sub(parent, "decease")
        _xml.sub(el, "deceaseDate", decease.date.isoformat())
        _person._write_place(el, "deceasePlace", decease.place)
    if gender is not None:
        _xml.sub(_xml.sub(parent, "gender"), "genderCode", gender.value)
    if civil_states is not None:
        group = _xml.sub(parent, "civilStates")
        for c in civil_states:
            item = _xml.sub(group, "civilState")
            _xml.sub(item, "civilStateCode", c.code)
            if c.partner_ssin or c.partner_reference:
                partner = _xml.sub(item, "partner")
                if c.partner_ssin:
                    _xml.sub(partner, "ssin", str(c.partner_ssin))
                else:
                    _xml.sub(partner, "partnerReference", c.partner_reference)
            _person._write_place(item, "location", c.place)
            if c.since:
                _xml.sub(item, "inceptionDate", c.since.isoformat())
    ordered = sorted(addresses, key=lambda a: _ORDER.index(a.kind))
    if ordered:
        group = _xml.sub(parent, "addresses")
        for a in ordered:
            item = _xml.sub(group, "address")
            _xml.sub(item, "addressType", a.kind.value)
            for tag, value in (
                ("street", a.street),
                ("houseNumber", a.house_number),
                ("box", a.box),
                ("postalCode", a.postal_code),
                ("municipality", a.municipality),
                ("municipalityCode", a.municipality_code),
                ("countryCode", a.country_code),
                ("inceptionDate", a.since.isoformat() if a.since else None),
            ):
                if value:
                    _xml.sub(item, tag, value)


def _partial(el: _xml.Element | None, path: str) -> PartialDate | None:
    text = _xml.opt_text(el, path)
    return PartialDate.parse(text) if text is not None else None


def _ssin(text: str) -> Ssin:
    try:
        return Ssin(text, allow_test=True)
    except InvalidSsin:
        raise ValidationError("a partner SSIN is malformed") from None


def _read_name(el: _xml.Element) -> PersonName:
    givens = sorted(
        ((int(g.get("sequence") or i + 1), (g.text or "").strip())
         for i, g in enumerate(el.iterfind("givenName"))),
    )
    return PersonName(_xml.req_text(el, "lastName"), tuple(text for _, text in givens if text))


class _Groups(TypedDict, total=False):
    nationalities: tuple[DeclaredNationality, ...]
    birth: Birth
    decease: Decease
    gender: Gender
    civil_states: tuple[CivilState, ...]
    residential_address: Address
    contact_address: Address


def _read_groups(el: _xml.Element) -> _Groups:
    """The data groups present under `el` (the sandbox's side: bad data is a ValidationError)."""
    groups: _Groups = {}
    if el.find("nationalities") is not None:
        groups["nationalities"] = tuple(
            DeclaredNationality(
                code=_xml.req_text(n, "nationalityCode"),
                since=_xml.opt_date(n, "inceptionDate"),
                until=_xml.opt_date(n, "expiryDate"),
            )
            for n in el.iterfind("nationalities/nationality")
        )
    birth = el.find("birth")
    if birth is not None:
        groups["birth"] = Birth(
            date=PartialDate.parse(_xml.req_text(birth, "birthDate")),
            place=_person._place(birth.find("birthPlace")),
        )
    decease = el.find("decease")
    if decease is not None:
        groups["decease"] = Decease(
            date=PartialDate.parse(_xml.req_text(decease, "deceaseDate")),
            place=_person._place(decease.find("deceasePlace")),
        )
    gender = _xml.opt_text(el, "gender/genderCode")
    if gender is not None:
        groups["gender"] = Gender(gender)
    if el.find("civilStates") is not None:
        groups["civil_states"] = tuple(
            CivilState(
                code=_xml.req_text(c, "civilStateCode"),
                partner_ssin=_ssin(p) if (p := _xml.opt_text(c, "partner/ssin")) else None,
                partner_reference=_xml.opt_text(c, "partner/partnerReference"),
                place=_person._place(c.find("location")),
                since=_partial(c, "inceptionDate"),
            )
            for c in el.iterfind("civilStates/civilState")
        )
    for a in el.iterfind("addresses/address"):
        kind = AddressKind(_xml.req_text(a, "addressType"))
        if kind not in _ORDER:
            raise ValidationError("a BIS person has a residential and a contact address only")
        address = Address(
            kind=kind,
            street=_xml.opt_text(a, "street"),
            house_number=_xml.opt_text(a, "houseNumber"),
            box=_xml.opt_text(a, "box"),
            postal_code=_xml.opt_text(a, "postalCode"),
            municipality=_xml.opt_text(a, "municipality"),
            municipality_code=_xml.opt_text(a, "municipalityCode"),
            country_code=_xml.opt_text(a, "countryCode"),
            since=_xml.opt_date(a, "inceptionDate"),
        )
        if kind is AddressKind.RESIDENTIAL and "residential_address" not in groups:
            groups["residential_address"] = address
        elif kind is AddressKind.CONTACT and "contact_address" not in groups:
            groups["contact_address"] = address
        else:
            raise ValidationError("one residential and one contact address at most")
    return groups


# --- registerPerson / createKSZCitizen -------------------------------------------------------


def write_declaration(payload: _xml.Element, declaration: BisDeclaration) -> None:
    el = _xml.sub(payload, "declaration")
    _write_name(el, declaration.name)
    birth = None
    if declaration.birth_date is not None:
        birth = Birth(declaration.birth_date, declaration.birth_place)
    _write_groups(
        el,
        nationalities=declaration.nationalities or None,
        birth=birth,
        decease=declaration.decease,
        gender=declaration.gender,
        civil_states=declaration.civil_states or None,
        addresses=declaration.addresses,
    )


def read_declaration(payload: _xml.Element) -> BisDeclaration:
    """The declaration of a request (the sandbox's side); invalid data raises ValidationError."""
    el = _xml.req(payload, "declaration")
    try:
        groups = _read_groups(el)
        birth = groups.get("birth")
        return BisDeclaration(
            name=_read_name(_xml.req(el, "name")),
            birth_date=birth.date if birth is not None else None,
            birth_place=birth.place if birth is not None else None,
            gender=groups.get("gender"),
            nationalities=groups.get("nationalities", ()),
            decease=groups.get("decease"),
            civil_states=groups.get("civil_states", ()),
            residential_address=groups.get("residential_address"),
            contact_address=groups.get("contact_address"),
        )
    except (ValueError, ResponseError) as exc:
        raise ValidationError(str(exc)) from None


def write_registration(result: _xml.Element, *, person: Person | None = None,
                       candidates: Iterable[Person] = ()) -> None:
    """``newlyRegisteredPerson`` (when `person`) or ``existingPersons`` into ``result``."""
    if person is not None:
        registered = _person.write_person(result, person)
        registered.tag = "newlyRegisteredPerson"
        return
    group = _xml.sub(result, "existingPersons")
    for candidate in candidates:
        _person.write_person(group, candidate)


def read_registration(payload: _xml.Element) -> tuple[Person | None, tuple[Person, ...]]:
    """(the newly registered person, the existing candidates) of an answer."""
    registered = payload.find("result/newlyRegisteredPerson")
    candidates = tuple(_person.read_person(p)
                       for p in payload.iterfind("result/existingPersons/person"))
    if registered is None and not candidates and payload.find("result") is not None:
        raise ResponseError("the answer carries neither a registered person nor candidates")
    return (_person.read_person(registered) if registered is not None else None), candidates


# --- updatePerson -----------------------------------------------------------------------------


def write_changes(payload: _xml.Element, ssin: str, changes: PersonChanges) -> None:
    _xml.sub(_xml.sub(payload, "criteria"), "ssin", ssin)
    el = _xml.sub(payload, "personData")
    if changes.name is not None:
        _write_name(el, changes.name)
    _write_groups(
        el,
        nationalities=changes.nationalities,
        birth=changes.birth,
        decease=changes.decease,
        gender=changes.gender,
        civil_states=changes.civil_states,
        addresses=tuple(a for a in (changes.residential_address, changes.contact_address)
                        if a is not None),
    )


def read_changes(payload: _xml.Element) -> tuple[str, PersonChanges]:
    """(SSIN, changes) of an update request (the sandbox's side)."""
    ssin = _xml.req_text(payload, "criteria/ssin")
    el = _xml.req(payload, "personData")
    try:
        groups = _read_groups(el)
        name = el.find("name")
        return ssin, PersonChanges(
            name=_read_name(name) if name is not None else None,
            nationalities=groups.get("nationalities"),
            birth=groups.get("birth"),
            decease=groups.get("decease"),
            gender=groups.get("gender"),
            civil_states=groups.get("civil_states"),
            residential_address=groups.get("residential_address"),
            contact_address=groups.get("contact_address"),
        )
    except (ValueError, ResponseError) as exc:
        raise ValidationError(str(exc)) from None


def write_update(result: _xml.Element, updates: Iterable[DataGroupUpdate],
                 person: Person | None) -> None:
    for update in updates:
        item = _xml.sub(result, "dataGroupResult")
        _xml.sub(item, "dataGroup", update.group.value)
        _xml.sub(item, "result", update.outcome.value)
        if update.reason_code:
            _xml.sub(item, "reasonCode", update.reason_code)
        if update.description:
            _xml.sub(item, "description", update.description)
    if person is not None:
        _person.write_person(result, person)


def read_update(payload: _xml.Element) -> tuple[tuple[DataGroupUpdate, ...], Person | None]:
    updates = []
    for item in payload.iterfind("result/dataGroupResult"):
        try:
            group = DataGroup(_xml.req_text(item, "dataGroup"))
            outcome = UpdateOutcome(_xml.req_text(item, "result"))
        except ValueError:
            raise ResponseError("unknown data group or update result in the answer") from None
        updates.append(DataGroupUpdate(group, outcome, _xml.opt_text(item, "reasonCode"),
                                       _xml.opt_text(item, "description")))
    person = payload.find("result/person")
    return tuple(updates), _person.read_person(person) if person is not None else None
