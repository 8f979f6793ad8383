"""OCMWCPASIdentifyPerson on the wire: IdentifyPersonRequest / IdentifyPersonReply <-> models.

Elements are qualified in the IdentifyPerson namespace (official contract).
The client writes requests and reads replies; the sandbox reads requests and
writes replies with the same code. See `models` for how a record maps onto
PersonService's `Person`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from lxml import etree

from ksz_client import _ssdn, _xml, catalogue
from ksz_client._exceptions import InvalidSsin, ResponseError, ValidationError
from ksz_client.services.identify_person.models import (
    IdentifiedPerson,
    Origin,
    PhoneticCriteria,
    VerificationData,
)
from ksz_client.services.person.models import (
    Birth,
    CivilState,
    Decease,
    Nationality,
    Person,
    Register,
)
from ksz_client.ssin import Gender, Ssin, mask
from ksz_client.types import Address, AddressKind, PartialDate, PersonName, Place

__all__ = [
    "NS",
    "Request",
    "gender_code",
    "gender_of",
    "origin_of",
    "read_identified",
    "read_reply",
    "read_request",
    "register_of",
    "write_identified",
    "write_reply",
    "write_request",
]

NS: Final = catalogue.get("OCMWCPASIdentifyPerson").namespace
_I: Final = f"{{{NS}}}"
_BELGIUM: Final = "150"


# --- shared small codes ------------------------------------------------------------------


def gender_code(gender: Gender | None) -> str:
    """``person:GenderCodeType``: 0 unknown, 1 male, 2 female."""
    return {Gender.MALE: "1", Gender.FEMALE: "2"}.get(gender, "0") if gender else "0"


def gender_of(code: str | None) -> Gender | None:
    if code is None or code == "0":
        return None
    if code == "1":
        return Gender.MALE
    if code == "2":
        return Gender.FEMALE
    raise ResponseError("unknown gender code in the answer")


def register_of(origin: Origin | None) -> Register:
    return Register.BIS if origin is Origin.BCSS_KSZ else Register.NR


def origin_of(register: Register) -> Origin:
    return Origin.BCSS_KSZ if register is Register.BIS else Origin.RN_RR


def _origin(text: str | None) -> Origin | None:
    if text is None:
        return None
    try:
        return Origin(text)
    except ValueError:
        raise ResponseError("unknown origin in the answer") from None


def _partial(el: _xml.Element | None, path: str) -> PartialDate | None:
    text = _xml.opt_text(el, path)
    if text is None:
        return None
    try:
        return PartialDate.parse(text)
    except ValidationError:
        raise ResponseError("a date in the answer is not a (partial) date") from None


def _ssin(text: str) -> Ssin:
    try:
        return Ssin(text, allow_test=True)
    except InvalidSsin:
        raise ResponseError("the answer carries a malformed SSIN") from None


def _sub(parent: _xml.Element, name: str, text: str | None) -> None:
    if text:
        etree.SubElement(parent, f"{_I}{name}").text = text


# --- requests ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """What an IdentifyPersonRequest asks: an SSIN (and verification data) or phonetic criteria."""

    ssin: str | None = None
    verification: VerificationData | None = None
    phonetic: PhoneticCriteria | None = None

    def __repr__(self) -> str:
        # The SSIN stays out of reprs (and so out of logs and assertion messages).
        shown = mask(self.ssin) if self.ssin else None
        return f"Request(ssin={shown!r}, verification={self.verification!r}, " \
               f"phonetic={'yes' if self.phonetic else 'no'})"


def write_request(payload: _xml.Element, request: Request) -> None:
    criteria = etree.SubElement(payload, f"{_I}SearchCriteria")
    _sub(criteria, "SSIN", request.ssin)
    c = request.phonetic
    if c is not None:
        el = etree.SubElement(criteria, f"{_I}PhoneticCriteria")
        _sub(el, "LastName", c.last_name)
        _sub(el, "FirstName", c.first_name)
        _sub(el, "MiddleName", c.middle_name)
        _sub(el, "BirthDate", c.birth_date.isoformat())
        if c.gender is not None:
            _sub(el, "Gender", gender_code(c.gender))
        if c.tolerance is not None:
            _sub(el, "Tolerance", str(c.tolerance))
        if c.maximum is not None:
            _sub(el, "Maximum", str(c.maximum))
    v = request.verification
    if v is not None:
        el = etree.SubElement(payload, f"{_I}VerificationData")
        _sub(el, "SISCardNumber", v.sis_card_number)
        _sub(el, "IdentityCardNumber", v.identity_card_number)
        if v.last_name is not None and v.birth_date is not None:
            data = etree.SubElement(el, f"{_I}PersonData")
            _sub(data, "LastName", v.last_name)
            _sub(data, "FirstName", v.first_name)
            _sub(data, "MiddleName", v.middle_name)
            _sub(data, "BirthDate", v.birth_date.isoformat())


def read_request(payload: _xml.Element) -> Request:
    """A schema-valid request (the sandbox's side); invalid criteria raise ValidationError."""
    criteria = _xml.req(payload, f"{_I}SearchCriteria")
    phonetic_el = criteria.find(f"{_I}PhoneticCriteria")
    phonetic = None
    if phonetic_el is not None:
        gender = _xml.opt_text(phonetic_el, f"{_I}Gender")
        birth = _xml.req_text(phonetic_el, f"{_I}BirthDate")
        phonetic = PhoneticCriteria(
            last_name=_xml.req_text(phonetic_el, f"{_I}LastName"),
            birth_date=PartialDate.parse(birth),
            first_name=_xml.opt_text(phonetic_el, f"{_I}FirstName"),
            middle_name=_xml.opt_text(phonetic_el, f"{_I}MiddleName"),
            gender=gender_of(gender) if gender else None,
            tolerance=_xml.opt_int(phonetic_el, f"{_I}Tolerance"),
            maximum=_xml.opt_int(phonetic_el, f"{_I}Maximum"),
        )
    verification_el = payload.find(f"{_I}VerificationData")
    verification = None
    if verification_el is not None:
        data = verification_el.find(f"{_I}PersonData")
        verification = VerificationData(
            last_name=_xml.opt_text(data, f"{_I}LastName"),
            birth_date=PartialDate.parse(born) if (born := _xml.opt_text(
                data, f"{_I}BirthDate")) else None,
            first_name=_xml.opt_text(data, f"{_I}FirstName"),
            middle_name=_xml.opt_text(data, f"{_I}MiddleName"),
            sis_card_number=_xml.opt_text(verification_el, f"{_I}SISCardNumber"),
            identity_card_number=_xml.opt_text(verification_el, f"{_I}IdentityCardNumber"),
        )
    return Request(ssin=_xml.opt_text(criteria, f"{_I}SSIN"), verification=verification,
                   phonetic=phonetic)


# --- persons -----------------------------------------------------------------------------


def _place(code: str | None, name: str | None) -> Place | None:
    if code is None and name is None:
        return None
    if code is not None and len(code) == 5:
        # A five-digit NIS code is a Belgian municipality.
        return Place(country_code=_BELGIUM, municipality_code=code, name=name)
    return Place(country_code=code, name=name)


def read_identified(el: _xml.Element) -> IdentifiedPerson:
    """An `IdentifiedPerson` from a ``LimitedLegalData`` element; unknown elements are ignored."""
    origin = _origin(el.get("origin"))
    basic = _xml.req(el, f"{_I}Basic")
    extended = el.find(f"{_I}Extended")
    birth = _partial(basic, f"{_I}BirthDate")
    if birth is None:
        raise ResponseError("the answer lacks the required element Basic/BirthDate")
    first = _xml.opt_text(basic, f"{_I}FirstName")
    # Given names after the first travel in the middle name, separated by spaces.
    givens = (*((first,) if first else ()),
              *(_xml.opt_text(basic, f"{_I}MiddleName") or "").split())
    addresses: list[Address] = []
    street_code = post = None
    address = basic.find(f"{_I}Address")
    if address is not None:
        street_code = _xml.opt_text(address, f"{_I}StreetCode")
        addresses.append(Address(
            kind=AddressKind.RESIDENTIAL,
            street=_xml.opt_text(address, f"{_I}Street"),
            house_number=_xml.opt_text(address, f"{_I}HouseNumber"),
            box=_xml.opt_text(address, f"{_I}Box"),
            postal_code=_xml.opt_text(address, f"{_I}PostalCode"),
            municipality=_xml.opt_text(address, f"{_I}Municipality"),
            municipality_code=_xml.opt_text(address, f"{_I}MunicipalityCode"),
            country_code=_xml.req_text(address, f"{_I}CountryCode"),
        ))
    diplomatic = basic.find(f"{_I}DiplomaticPost")
    if diplomatic is not None:
        post = _xml.req_text(diplomatic, f"{_I}Post")
        addresses.append(Address(
            kind=AddressKind.DIPLOMATIC_POST,
            street=_xml.req_text(diplomatic, f"{_I}AddressPlainText"),
            country_code=_xml.opt_text(diplomatic, f"{_I}CountryCode"),
        ))
    decease = _partial(extended, f"{_I}DeceaseDate")
    civil = _xml.opt_text(extended, f"{_I}CivilState")
    nationality = _xml.opt_text(extended, f"{_I}NationalityCode")
    person = Person(
        ssin=_ssin(_xml.req_text(basic, f"{_I}SocialSecurityUser")),
        register=register_of(origin),
        name=PersonName(last_name=_xml.req_text(basic, f"{_I}LastName"), given_names=givens),
        gender=gender_of(_xml.opt_text(basic, f"{_I}Gender")),
        birth=Birth(date=birth, place=_place(_xml.opt_text(extended, f"{_I}BirthLocationCode"),
                                             _xml.opt_text(extended, f"{_I}BirthLocation"))),
        decease=Decease(decease) if decease is not None else None,
        nationalities=(Nationality(nationality),) if nationality else (),
        civil_states=(CivilState(civil),) if civil else (),
        addresses=tuple(addresses),
    )
    return IdentifiedPerson(
        person=person,
        origin=origin,
        verified=extended is not None,
        inscription_register=_xml.opt_text(extended, f"{_I}InscriptionRegister"),
        street_code=street_code,
        diplomatic_post=post,
    )


def write_identified(parent: _xml.Element, identified: IdentifiedPerson) -> _xml.Element:
    """Append a ``LimitedLegalData`` element; Extended data only when `verified`."""
    person = identified.person
    el = etree.SubElement(parent, f"{_I}LimitedLegalData")
    if identified.origin is not None:
        el.set("origin", identified.origin.value)
    basic = etree.SubElement(el, f"{_I}Basic")
    _sub(basic, "SocialSecurityUser", str(person.ssin))
    _sub(basic, "LastName", person.name.last_name)
    givens = person.name.given_names
    _sub(basic, "FirstName", givens[0] if givens else None)
    _sub(basic, "MiddleName", " ".join(givens[1:]) or None)
    assert person.birth is not None  # every register person has a (possibly partial) birth date
    _sub(basic, "BirthDate", person.birth.date.isoformat())
    if person.gender is not None:
        _sub(basic, "Gender", gender_code(person.gender))
    residence = next((a for a in person.addresses if a.kind is AddressKind.RESIDENTIAL), None)
    post = next((a for a in person.addresses if a.kind is AddressKind.DIPLOMATIC_POST), None)
    if residence is not None:
        address = etree.SubElement(basic, f"{_I}Address")
        _sub(address, "CountryCode", residence.country_code or _BELGIUM)
        _sub(address, "MunicipalityCode", residence.municipality_code)
        _sub(address, "Municipality", residence.municipality)
        _sub(address, "PostalCode", residence.postal_code)
        _sub(address, "StreetCode", identified.street_code)
        _sub(address, "Street", residence.street)
        _sub(address, "HouseNumber", residence.house_number)
        _sub(address, "Box", residence.box)
    elif post is not None and identified.diplomatic_post:
        diplomatic = etree.SubElement(basic, f"{_I}DiplomaticPost")
        _sub(diplomatic, "CountryCode", post.country_code)
        _sub(diplomatic, "Post", identified.diplomatic_post)
        _sub(diplomatic, "AddressPlainText", post.street or "-")
    if not identified.verified:
        return el
    extended = etree.SubElement(el, f"{_I}Extended")
    current = person.civil_states[0] if person.civil_states else None
    _sub(extended, "CivilState", current.code if current else None)
    place = person.birth.place
    if place is not None:
        _sub(extended, "BirthLocationCode", place.municipality_code or place.country_code)
        _sub(extended, "BirthLocation", place.name)
    _sub(extended, "DeceaseDate", person.decease.date.isoformat() if person.decease else None)
    _sub(extended, "InscriptionRegister", identified.inscription_register)
    _sub(extended, "NationalityCode",
         person.nationalities[0].code if person.nationalities else None)
    return el


def read_reply(reply: _xml.Element) -> tuple[IdentifiedPerson, ...]:
    if reply.tag != f"{_I}IdentifyPersonReply":
        raise ResponseError("the answer is not an IdentifyPersonReply")
    return tuple(read_identified(el) for el in reply.iterfind(
        f"{_I}SearchResults/{_I}LimitedLegalData"))


def write_reply(persons: list[IdentifiedPerson]) -> _xml.Element:
    reply = etree.Element(f"{_I}IdentifyPersonReply",
                          nsmap={"ip": NS, "common": _ssdn.SSDN_COMMON_NS})
    if persons:
        results = etree.SubElement(reply, f"{_I}SearchResults")
        for identified in persons:
            write_identified(results, identified)
    return reply
