"""OCMWCPASPerformInvestigation on the wire: request, reply and its data groups <-> models.

The reply's elements are qualified in the PerformInvestigation namespace,
except ``person:Citizen`` and the address types, which are in the SSDN Person
namespace (official contract). The client writes requests and reads replies;
the sandbox reads requests and writes replies with the same code.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any, Final, TypeVar

from lxml import etree

from ksz_client import _ssdn, _xml, catalogue
from ksz_client._exceptions import InvalidSsin, ResponseError, ValidationError
from ksz_client.services.identify_person._wire import gender_code, gender_of, register_of
from ksz_client.services.identify_person.models import Origin
from ksz_client.services.investigation.models import (
    AddressHistory,
    CitizenData,
    DatedAddress,
    FamilyComposition,
    FamilyMember,
    ManagerLocation,
    RefugeeAdministrativeFile,
    RefugeeAlias,
    RefugeeDocument,
    RefugeeInstitution,
    RefugeeLocation,
    RefugeeSituation,
    Relationship,
    WaitRegisterRecord,
)
from ksz_client.services.person.models import Birth, CivilState, Decease, Nationality, Person
from ksz_client.ssin import Ssin
from ksz_client.types import Address, AddressKind, PartialDate, Period, PersonName, Place

__all__ = [
    "NS",
    "PERSON_NS",
    "DataGroups",
    "Reply",
    "dated_history",
    "read_reply",
    "read_request",
    "write_reply",
    "write_request",
]

NS: Final = catalogue.get("OCMWCPASPerformInvestigation").namespace
PERSON_NS: Final = "http://www.ksz-bcss.fgov.be/XSD/SSDN/Person"
_I: Final = f"{{{NS}}}"
_P: Final = f"{{{PERSON_NS}}}"
_BELGIUM: Final = "150"
_ONE_DAY: Final = _dt.timedelta(days=1)
_T = TypeVar("_T")


# --- small readers and writers ------------------------------------------------------------


def _sub(parent: _xml.Element, tag: str, text: str | None) -> _xml.Element | None:
    if text is None or text == "":
        return None
    el = etree.SubElement(parent, tag)
    el.text = text
    return el


def _ssin(text: str) -> Ssin:
    try:
        return Ssin(text, allow_test=True)
    except InvalidSsin:
        raise ResponseError("the answer carries a malformed SSIN") from None


def _partial_text(text: str | None) -> PartialDate | None:
    if text is None:
        return None
    try:
        return PartialDate.parse(text)
    except ValidationError:
        raise ResponseError("a date in the answer is not a (partial) date") from None


def _partial(el: _xml.Element | None, path: str) -> PartialDate | None:
    return _partial_text(_xml.opt_text(el, path))


def _origin(text: str | None) -> Origin | None:
    if text is None:
        return None
    try:
        return Origin(text)
    except ValueError:
        raise ResponseError("unknown origin in the answer") from None


def _set_origin(el: _xml.Element, origin: Origin | None) -> None:
    if origin is not None:
        el.set("origin", origin.value)


def _set_since(el: _xml.Element, since: PartialDate | None) -> None:
    if since is not None:
        el.set("modificationDate", since.isoformat())


def _since(el: _xml.Element) -> PartialDate | None:
    return _partial_text(el.get("modificationDate"))


def _location(el: _xml.Element | None) -> tuple[str | None, str | None]:
    """(NIS code, first description) of a ``person:LocationType``."""
    return _xml.opt_text(el, f"{_P}Code"), _xml.opt_text(el, f"{_P}Description")


def _write_location(parent: _xml.Element, tag: str, code: str | None,
                    name: str | None) -> _xml.Element:
    el = etree.SubElement(parent, tag)
    _sub(el, f"{_P}Code", code)
    _sub(el, f"{_P}Description", name)
    return el


def _place(el: _xml.Element | None) -> Place | None:
    if el is None:
        return None
    code, name = _location(el)
    if code is not None and len(code) == 5:
        # A five-digit NIS code is a Belgian municipality.
        return Place(country_code=_BELGIUM, municipality_code=code, name=name)
    return Place(country_code=code, name=name)


def _write_place(parent: _xml.Element, place: Place | None) -> None:
    if place is not None:
        _write_location(parent, f"{_P}Location", place.municipality_code or place.country_code,
                        place.name)


# --- requests ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DataGroups:
    """The data groups asked for; all False (or none given) means every group."""

    family: bool = False
    citizen: bool = False
    address_history: bool = False
    wait_register: bool = False

    @property
    def all(self) -> bool:
        return not (self.family or self.citizen or self.address_history or self.wait_register)

    def wants(self, group: str) -> bool:
        return self.all or bool(getattr(self, group))


_GROUPS: Final = (("family", "FamilyCompositionGroup"), ("citizen", "CitizenGroup"),
                  ("address_history", "AddressHistoryGroup"),
                  ("wait_register", "WaitRegisterGroup"))


def write_request(payload: _xml.Element, ssin: str, groups: DataGroups) -> None:
    etree.SubElement(payload, f"{_I}SocialSecurityUser").text = ssin
    if groups.all:
        return  # no DataGroups: every group (official XSD)
    el = etree.SubElement(payload, f"{_I}DataGroups")
    for name, tag in _GROUPS:
        etree.SubElement(el, f"{_I}{tag}").text = "true" if getattr(groups, name) else "false"


def read_request(payload: _xml.Element) -> tuple[str, frozenset[str]]:
    """The subject and the names of the groups asked (``family``, ``citizen``...) of a
    schema-valid request (the sandbox's side). No DataGroups: every group."""
    ssin = _xml.req_text(payload, f"{_I}SocialSecurityUser")
    el = payload.find(f"{_I}DataGroups")
    if el is None:
        return ssin, frozenset(name for name, _tag in _GROUPS)
    return ssin, frozenset(name for name, tag in _GROUPS
                           if _xml.opt_text(el, f"{_I}{tag}") in ("true", "1"))


# --- family composition ------------------------------------------------------------------


def _write_family(parent: _xml.Element, family: FamilyComposition) -> None:
    el = etree.SubElement(parent, f"{_I}FamilyComposition")
    _set_origin(el, family.origin)
    for member in family.members:
        item = etree.SubElement(el, f"{_I}FamilyMember")
        _sub(item, f"{_I}SocialSecurityUser", str(member.ssin))
        _sub(item, f"{_I}RelationShip", member.relationship.value)
        if member.entry_date is not None:
            _sub(item, f"{_I}EntryDate", member.entry_date.isoformat())


def _read_family(el: _xml.Element) -> FamilyComposition:
    members = []
    for item in el.iterfind(f"{_I}FamilyMember"):
        code = _xml.req_text(item, f"{_I}RelationShip")
        try:
            relationship = Relationship(code)
        except ValueError:
            raise ResponseError("a RelationShip is not a code 0-99") from None
        members.append(FamilyMember(
            ssin=_ssin(_xml.req_text(item, f"{_I}SocialSecurityUser")),
            relationship=relationship,
            entry_date=_xml.opt_date(item, f"{_I}EntryDate"),
        ))
    return FamilyComposition(members=tuple(members), origin=_origin(el.get("origin")))


# --- citizen (legal data) -------------------------------------------------------------------


def _write_standard(parent: _xml.Element, tag: str, address: Address, *,
                    since: PartialDate | None, street_code: str | None,
                    origin: Origin | None) -> None:
    el = etree.SubElement(parent, tag)
    _set_origin(el, origin)
    _set_since(el, since)
    _write_location(el, f"{_P}Country", address.country_code or _BELGIUM, None)
    if address.municipality_code or address.municipality or address.postal_code:
        municipality = _write_location(el, f"{_P}Municipality", address.municipality_code,
                                       address.municipality)
        _sub(municipality, f"{_P}PostalCode", address.postal_code)
    if address.street or street_code:
        _write_location(el, f"{_P}Street", street_code, address.street)
    _sub(el, f"{_P}HouseNumber", address.house_number)
    _sub(el, f"{_P}Box", address.box)


def _read_standard(el: _xml.Element, kind: AddressKind) -> DatedAddress:
    country, _name = _location(_xml.req(el, f"{_P}Country"))
    municipality = el.find(f"{_P}Municipality")
    code, name = _location(municipality)
    street_code, street = _location(el.find(f"{_P}Street"))
    since = _since(el)
    return DatedAddress(
        address=Address(
            kind=kind, street=street, house_number=_xml.opt_text(el, f"{_P}HouseNumber"),
            box=_xml.opt_text(el, f"{_P}Box"),
            postal_code=_xml.opt_text(municipality, f"{_P}PostalCode"),
            municipality=name, municipality_code=code, country_code=country,
            since=since.to_date() if since else None,
        ),
        since=since, street_code=street_code, origin=_origin(el.get("origin")),
    )


def _write_plain(parent: _xml.Element, tag: str, address: Address) -> None:
    el = etree.SubElement(parent, tag)
    if address.since is not None:
        el.set("modificationDate", address.since.isoformat())
    if address.country_code:
        _write_location(el, f"{_P}Country", address.country_code, None)
    _sub(el, f"{_P}Address", (address.street or "")[:100] or None)


def _read_plain(el: _xml.Element, kind: AddressKind) -> Address:
    country, _name = _location(el.find(f"{_P}Country"))
    since = _since(el)
    return Address(kind=kind, street=_xml.opt_text(el, f"{_P}Address"), country_code=country,
                   since=since.to_date() if since else None)


_PLAIN: Final = ((AddressKind.TEMPORARY, "TemporaryAddress"),
                 (AddressKind.POSTAL, "PostAddressAbroad"))


def _write_manager(parent: _xml.Element, tag: str, manager: ManagerLocation) -> None:
    el = _write_location(parent, tag, manager.code, manager.name)
    _sub(el, f"{_P}LinguisticRegime", manager.linguistic_regime)
    _set_origin(el, manager.origin)
    _set_since(el, manager.since)


def _read_manager(el: _xml.Element) -> ManagerLocation:
    code, name = _location(el)
    return ManagerLocation(code=code, name=name,
                           linguistic_regime=_xml.opt_text(el, f"{_P}LinguisticRegime"),
                           since=_since(el), origin=_origin(el.get("origin")))


def write_citizen(parent: _xml.Element, citizen: CitizenData) -> _xml.Element:
    """Append a ``person:Citizen``."""
    person = citizen.person
    el = etree.SubElement(parent, f"{_P}Citizen")
    _set_origin(el, citizen.origin)
    _sub(el, f"{_P}SocialSecurityUser", str(person.ssin))
    if citizen.inscription_register is not None:
        register = _sub(el, f"{_P}InscriptionRegister", str(citizen.inscription_register))
        if register is not None and person.register_since is not None:
            register.set("modificationDate", person.register_since.isoformat())
    legal = etree.SubElement(el, f"{_P}LegalData")
    name = etree.SubElement(legal, f"{_P}Name")
    _sub(name, f"{_P}LastName", person.name.last_name)
    givens = person.name.given_names
    _sub(name, f"{_P}MiddleName", " ".join(givens[1:]) or None)
    _sub(name, f"{_P}FirstName", givens[0] if givens else None)
    if person.gender is not None:
        _sub(legal, f"{_P}Gender", gender_code(person.gender))
    assert person.birth is not None  # every register person has a (possibly partial) birth date
    birth = etree.SubElement(legal, f"{_P}Birth")
    _sub(birth, f"{_P}Date", person.birth.date.isoformat())
    _write_place(birth, person.birth.place)
    if person.civil_states:
        current = person.civil_states[0]
        civil = etree.SubElement(legal, f"{_P}CivilState")
        _set_since(civil, current.since)
        _sub(civil, f"{_P}Code", current.code)
        _write_place(civil, current.place)
        if current.partner_ssin is not None:
            partner = etree.SubElement(civil, f"{_P}Partner")
            _sub(partner, f"{_P}SocialSecurityUser", str(current.partner_ssin))
    if person.decease is not None:
        decease = etree.SubElement(legal, f"{_P}Decease")
        _sub(decease, f"{_P}Date", person.decease.date.isoformat())
        _write_place(decease, person.decease.place)
    residence = next((a for a in person.addresses if a.kind is AddressKind.RESIDENTIAL), None)
    post = next((a for a in person.addresses if a.kind is AddressKind.DIPLOMATIC_POST), None)
    plain = [(a, tag) for kind, tag in _PLAIN for a in person.addresses if a.kind is kind]
    if citizen.manager or residence or post or plain:
        info = etree.SubElement(legal, f"{_P}AddressInformation")
        if citizen.manager is not None:
            _write_manager(info, f"{_P}ManagerLocation", citizen.manager)
        if residence is not None or post is not None:
            legal_address = etree.SubElement(info, f"{_P}LegalAddress")
            if residence is not None:
                _write_standard(legal_address, f"{_P}StandardAddress", residence,
                                since=PartialDate.of(residence.since) if residence.since
                                else None, street_code=None, origin=citizen.origin)
            elif post is not None:
                _write_plain(legal_address, f"{_P}DiplomaticPostAddress", post)
        for address, tag in plain:
            _write_plain(info, f"{_P}{tag}", address)
    if person.nationalities:
        nationality = person.nationalities[0]
        el_nat = _write_location(legal, f"{_P}Nationality", nationality.code, None)
        if nationality.since is not None:
            el_nat.set("modificationDate", nationality.since.isoformat())
    return el


def read_citizen(el: _xml.Element) -> CitizenData:
    """A `CitizenData` from a ``person:Citizen``; unknown elements are ignored."""
    origin = _origin(el.get("origin"))
    legal = _xml.req(el, f"{_P}LegalData")
    name = _xml.req(legal, f"{_P}Name")
    first = _xml.opt_text(name, f"{_P}FirstName")
    # Given names after the first travel in the middle name, separated by spaces.
    givens = (*((first,) if first else ()),
              *(_xml.opt_text(name, f"{_P}MiddleName") or "").split())
    birth_el = _xml.req(legal, f"{_P}Birth")
    born = _partial(birth_el, f"{_P}Date")
    if born is None:
        raise ResponseError("the answer lacks the required element Birth/Date")
    civil_states: tuple[CivilState, ...] = ()
    civil = legal.find(f"{_P}CivilState")
    if civil is not None:
        partner = _xml.opt_text(civil, f"{_P}Partner/{_P}SocialSecurityUser")
        civil_states = (CivilState(
            code=_xml.req_text(civil, f"{_P}Code"),
            partner_ssin=_ssin(partner) if partner else None,
            place=_place(civil.find(f"{_P}Location")),
            since=_since(civil),
        ),)
    decease_el = legal.find(f"{_P}Decease")
    died = _partial(decease_el, f"{_P}Date")
    addresses: list[Address] = []
    manager = None
    info = legal.find(f"{_P}AddressInformation")
    if info is not None:
        manager_el = info.find(f"{_P}ManagerLocation")
        manager = _read_manager(manager_el) if manager_el is not None else None
        standard = info.find(f"{_P}LegalAddress/{_P}StandardAddress")
        if standard is not None:
            addresses.append(_read_standard(standard, AddressKind.RESIDENTIAL).address)
        diplomatic = info.find(f"{_P}LegalAddress/{_P}DiplomaticPostAddress")
        if diplomatic is not None:
            addresses.append(_read_plain(diplomatic, AddressKind.DIPLOMATIC_POST))
        for kind, tag in _PLAIN:
            found = info.find(f"{_P}{tag}")
            if found is not None:
                addresses.append(_read_plain(found, kind))
    nationality_el = legal.find(f"{_P}Nationality")
    nationalities: tuple[Nationality, ...] = ()
    if nationality_el is not None:
        code, _name = _location(nationality_el)
        since = _since(nationality_el)
        if code is not None:
            nationalities = (Nationality(code, since.to_date() if since else None),)
    register_el = el.find(f"{_P}InscriptionRegister")
    register_since = _since(register_el) if register_el is not None else None
    person = Person(
        ssin=_ssin(_xml.req_text(el, f"{_P}SocialSecurityUser")),
        register=register_of(origin),
        name=PersonName(last_name=_xml.req_text(name, f"{_P}LastName"), given_names=givens),
        gender=gender_of(_xml.opt_text(legal, f"{_P}Gender")),
        birth=Birth(born, _place(birth_el.find(f"{_P}Location"))),
        decease=Decease(died, _place(decease_el.find(f"{_P}Location")))
        if died is not None and decease_el is not None else None,
        nationalities=nationalities,
        civil_states=civil_states,
        addresses=tuple(addresses),
        register_since=register_since.to_date() if register_since else None,
    )
    return CitizenData(
        person=person, origin=origin,
        inscription_register=_xml.opt_int(el, f"{_P}InscriptionRegister"), manager=manager,
    )


# --- address history ------------------------------------------------------------------------


def dated_history(addresses: Iterable[tuple[Address, PartialDate | None]],
                  ) -> tuple[DatedAddress, ...]:
    """Legal addresses, most recent first, each with the period it was the legal one.

    An address runs from its date to the day before the next (more recent)
    one; the most recent is open-ended. Unknown or partial dates give no period.
    """
    items = list(addresses)
    out: list[DatedAddress] = []
    later: _dt.date | None = None
    for address, since in items:
        start = since.to_date() if since is not None else None
        period = None
        if start is not None and (later is None or later > start):
            period = Period(start, later - _ONE_DAY if later is not None else None)
        out.append(DatedAddress(address=address, period=period, since=since))
        later = start
    return tuple(out)


def _write_history(parent: _xml.Element, history: AddressHistory) -> None:
    el = etree.SubElement(parent, f"{_I}AddressHistory")
    _sub(el, f"{_I}SocialSecurityUser", str(history.ssin))
    if history.managers:
        managers = etree.SubElement(el, f"{_I}ManagerLocations")
        for manager in history.managers:
            _write_manager(managers, f"{_I}ManagerLocation", manager)
    for tag, items in (("LegalAddresses", history.legal), ("DeclaredAddresses",
                                                           history.declared)):
        if items:
            group = etree.SubElement(el, f"{_I}{tag}")
            for item in items:
                _write_standard(group, f"{_I}StandardAddress", item.address,
                                since=item.since, street_code=item.street_code,
                                origin=item.origin)


def _read_history(el: _xml.Element) -> AddressHistory:
    legal = [_read_standard(a, AddressKind.RESIDENTIAL)
             for a in el.iterfind(f"{_I}LegalAddresses/{_I}StandardAddress")]
    periods = dated_history((d.address, d.since) for d in legal)
    return AddressHistory(
        ssin=_ssin(_xml.req_text(el, f"{_I}SocialSecurityUser")),
        legal=tuple(DatedAddress(d.address, p.period, d.since, d.street_code, d.origin)
                    for d, p in zip(legal, periods, strict=True)),
        managers=tuple(_read_manager(m) for m in el.iterfind(
            f"{_I}ManagerLocations/{_I}ManagerLocation")),
        declared=tuple(_read_standard(a, AddressKind.RESIDENTIAL)
                       for a in el.iterfind(f"{_I}DeclaredAddresses/{_I}StandardAddress")),
    )


# --- waiting register -----------------------------------------------------------------------

# (model field, wire element) of each H-screen's repeated record; the wire names are the
# official ones (lower camel case, and one capitalised InscriptionDate).
_SITUATION: Final = (("demand_date", "demandDate"), ("quality_code", "qualityCode"))
_FILE: Final = (
    ("structure_type", "structureType"),
    ("administrative_situation_date", "administrativeSituationDate"),
    ("administrative_situation_code", "administrativeSituationCode"),
    ("organism", "organism"), ("comment", "comment"), ("code_k2", "codeK2"),
    ("municipality_or_aid_center", "municipalityCodeOrAidCenter"),
    ("municipality_description", "municipalityDescription"),
    ("municipality_description_bilingual", "municipalityDescriptionBiLingual"),
    ("reference", "reference"), ("number_of_days", "numberOfDays"),
    ("open_closed_code", "openClosedCode"), ("nis_code", "nisCode"),
    ("declaration_date", "declarationDate"), ("certificate_date", "certificateDate"),
    ("delay_date", "delayDate"), ("original_organism", "originalOrganism"),
)
_INSTITUTION: Final = (
    ("inscription_date", "inscriptionDate"), ("remove_date", "removeDate"),
    ("type_of_aid", "typeOfAid"), ("municipality_description", "municipalityDescription"),
    ("municipality_description_bilingual", "municipalityDescriptionBiLingual"),
    ("cpas_code", "cpasCode"),
)
_DOCUMENT: Final = (("inscription_date", "InscriptionDate"),
                    ("document_type_code", "documentTypeCode"))
_LOCATION: Final = (("inscription_date", "inscriptionDate"), ("code", "code"),
                    ("description", "description"))
_ALIAS: Final = (
    ("date", "date"), ("alias_type_code", "aliasTypeCode"),
    ("nationality_code", "nationalityCode"), ("birth_date", "birthDate"),
    ("last_name", "lastName"), ("first_name", "firstName"),
    ("first_name_indicator", "firstNameIndicator"), ("birth_place", "birthPlace"),
)
# (record field, H-screen element, repeated element, model class, field map)
_SCREENS: Final[tuple[tuple[str, str, str, type[Any], tuple[tuple[str, str], ...]], ...]] = (
    ("situations", "RefugeeSituationH205", "RefugeeSituation", RefugeeSituation, _SITUATION),
    ("administrative_files", "RefugeeAdministriveFileH206", "RefugeeAdministrativeFile",
     RefugeeAdministrativeFile, _FILE),
    ("institutions", "RefugeeInstitutionH207", "RefugeeInstitution", RefugeeInstitution,
     _INSTITUTION),
    ("documents", "RefugeeDocumentH211", "RefugeeDocument", RefugeeDocument, _DOCUMENT),
    ("locations", "RefugeeLocationH212", "RefugeeLocation", RefugeeLocation, _LOCATION),
)


def _kinds(cls: type[Any]) -> dict[str, str]:
    """Field name -> "date", "int" or "str", from the model's annotations."""
    out = {}
    for f in fields(cls):
        hint = str(f.type)
        out[f.name] = "date" if "PartialDate" in hint else "int" if "int" in hint else "str"
    return out


def _write_record(parent: _xml.Element, tag: str, item: object,
                  names: tuple[tuple[str, str], ...]) -> None:
    el = etree.SubElement(parent, f"{_I}{tag}")
    for field_name, wire in names:
        value = getattr(item, field_name)
        if value is not None:
            _sub(el, f"{_I}{wire}", value.isoformat() if isinstance(value, PartialDate)
                 else str(value))


def _read_record(el: _xml.Element, cls: type[_T],
                 names: tuple[tuple[str, str], ...]) -> _T:
    kinds = _kinds(cls)
    values: dict[str, object] = {}
    for field_name, wire in names:
        path = f"{_I}{wire}"
        kind = kinds[field_name]
        values[field_name] = (_partial(el, path) if kind == "date"
                              else _xml.opt_int(el, path) if kind == "int"
                              else _xml.opt_text(el, path))
    return cls(**values)


def _write_wait(parent: _xml.Element, record: WaitRegisterRecord) -> None:
    el = etree.SubElement(parent, f"{_I}WaitRegister")
    _sub(el, f"{_I}SocialSecurityUser", str(record.ssin))
    for attribute, screen, tag, _cls, names in _SCREENS:
        items = getattr(record, attribute)
        if items:
            group = etree.SubElement(el, f"{_I}{screen}")
            for item in items:
                _write_record(group, tag, item, names)
    if record.alias_full is not None or record.aliases:
        group = etree.SubElement(el, f"{_I}RefugeeDataH213")
        _sub(group, f"{_I}aliasFull", record.alias_full)
        for alias in record.aliases:
            _write_record(group, "RefugeeDataBlockH213", alias, _ALIAS)


def _read_wait(el: _xml.Element) -> WaitRegisterRecord:
    screens = {
        attribute: tuple(_read_record(item, cls, names)
                         for item in el.iterfind(f"{_I}{screen}/{_I}{tag}"))
        for attribute, screen, tag, cls, names in _SCREENS
    }
    data = el.find(f"{_I}RefugeeDataH213")
    return WaitRegisterRecord(
        ssin=_ssin(_xml.req_text(el, f"{_I}SocialSecurityUser")),
        alias_full=_xml.opt_text(data, f"{_I}aliasFull"),
        aliases=tuple(_read_record(b, RefugeeAlias, _ALIAS)
                      for b in _xml.children(data, f"{_I}RefugeeDataBlockH213")),
        **screens,
    )


# --- the reply --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """The data groups of a PerformInvestigationReply."""

    ssin: Ssin
    family: FamilyComposition | None = None
    citizens: tuple[CitizenData, ...] = ()
    address_histories: tuple[AddressHistory, ...] = ()
    wait_register: tuple[WaitRegisterRecord, ...] = ()


def write_reply(reply: Reply) -> _xml.Element:
    root = etree.Element(f"{_I}PerformInvestigationReply",
                         nsmap={"pi": NS, "person": PERSON_NS, "common": _ssdn.SSDN_COMMON_NS})
    _sub(root, f"{_I}SocialSecurityUser", str(reply.ssin))
    if not (reply.family or reply.citizens or reply.address_histories or reply.wait_register):
        return root
    groups = etree.SubElement(root, f"{_I}DataGroups")
    if reply.family is not None and reply.family.members:
        _write_family(etree.SubElement(groups, f"{_I}FamilyCompositionGroup"), reply.family)
    if reply.citizens:
        group = etree.SubElement(groups, f"{_I}CitizenGroup")
        for citizen in reply.citizens:
            write_citizen(group, citizen)
    if reply.address_histories:
        group = etree.SubElement(groups, f"{_I}AddressHistoryGroup")
        for history in reply.address_histories:
            _write_history(group, history)
    if reply.wait_register:
        group = etree.SubElement(groups, f"{_I}WaitRegisterGroup")
        for record in reply.wait_register:
            _write_wait(group, record)
    return root


def read_reply(root: _xml.Element) -> Reply:
    """Read a PerformInvestigationReply; unknown extra elements are ignored."""
    if root.tag != f"{_I}PerformInvestigationReply":
        raise ResponseError("the answer is not a PerformInvestigationReply")
    groups = root.find(f"{_I}DataGroups")
    family_el = groups.find(f"{_I}FamilyCompositionGroup/{_I}FamilyComposition") \
        if groups is not None else None
    return Reply(
        ssin=_ssin(_xml.req_text(root, f"{_I}SocialSecurityUser")),
        family=_read_family(family_el) if family_el is not None else None,
        citizens=tuple(read_citizen(c) for c in _xml.children(
            groups.find(f"{_I}CitizenGroup") if groups is not None else None, f"{_P}Citizen")),
        address_histories=tuple(_read_history(h) for h in _xml.children(
            groups.find(f"{_I}AddressHistoryGroup") if groups is not None else None,
            f"{_I}AddressHistory")),
        wait_register=tuple(_read_wait(w) for w in _xml.children(
            groups.find(f"{_I}WaitRegisterGroup") if groups is not None else None,
            f"{_I}WaitRegister")),
    )
