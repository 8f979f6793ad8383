"""RetrieveTIGroups on the wire: searchInformation and the national-register record.

`read_record` turns ``rrn_it_implicit`` into a `NationalRegisterRecord` in one pass
over its TI groups (plain lxml, no schema binding: the record can be 100 KB);
`write_record` writes one, for the sandbox. The record's elements are qualified in
the national register's namespace (`RN`); the service's own elements are not.
"""

from __future__ import annotations

import bisect
import functools
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from ksz_client import _xml
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client.services.ti_groups.models import (
    BirthRecord,
    CivilStateRecord,
    Code,
    DeceaseRecord,
    HouseholdLink,
    Language,
    LegalCohabitation,
    MainAddress,
    NationalRegisterRecord,
    RegisteredName,
    RegisteredNationality,
    RegistrationRegister,
    RelatedPerson,
    Residence,
)
from ksz_client.ssin import Gender, Ssin, compact, is_valid
from ksz_client.types import Address, AddressKind, PartialDate, PersonName

__all__ = [
    "RN",
    "read_record",
    "read_search",
    "write_date",
    "write_record",
    "write_search",
]

RN = "http://www.ibz.rrn.fgov.be/XSD/xm25/rn25Schema"
_R = f"{{{RN}}}"


# --- searchInformation -------------------------------------------------------------


def write_search(payload: _xml.Element, ssin: str, language: Language, history: bool) -> None:
    search = _xml.sub(payload, "searchInformation")
    _xml.sub(search, "ssin", ssin)
    _xml.sub(search, "language", language.value)
    _xml.sub(search, "history", "true" if history else "false")


def read_search(payload: _xml.Element) -> tuple[str, Language, bool]:
    """(ssin, language, history) of a request, with the contract's defaults (fr, false)."""
    search = _xml.req(payload, "searchInformation")
    language = _xml.opt_text(search, "language") or Language.FR.value
    try:
        history = _xml.opt_bool(_xml.opt_text(search, "history")) or False
        return _xml.req_text(search, "ssin"), Language(language), history
    except (ResponseError, ValueError) as exc:
        raise ValidationError(str(exc)) from None


# --- reading ---------------------------------------------------------------------------


# Reading walks the children itself: ElementPath's find() costs microseconds per call,
# and a 100 KB record asks for some thirty thousand children.


def _child(el: _xml.Element | None, name: str) -> _xml.Element | None:
    if el is None:
        return None
    tag = _R + name
    for child in el:
        if child.tag == tag:
            return child
    return None


def _text(el: _xml.Element | None, name: str) -> str | None:
    child = _child(el, name)
    if child is None or child.text is None:
        return None
    return child.text.strip() or None


_CENTURY, _YEAR, _MONTH, _DAY = (_R + n for n in ("Century", "Year", "Month", "Day"))
_DATE, _DEL_DATE = _R + "Date", _R + "DelDate"


def _date(el: _xml.Element | None) -> PartialDate | None:
    """A DateType (Century, Year, Month, Day, each optional; 00 or absent for unknown)."""
    if el is None:
        return None
    century = year = month = day = None
    for child in el:
        tag, text = child.tag, child.text
        if tag == _CENTURY:
            century = text
        elif tag == _YEAR:
            year = text
        elif tag == _MONTH:
            month = text
        elif tag == _DAY:
            day = text
    if not century or not year or not century.strip() or not year.strip():
        return None
    return _date_of(century, year, month, day)


# A 100 KB record carries thousands of dates, most of them repeated (the same day
# starts several TI groups): each distinct text is converted and validated once.
@functools.lru_cache(maxsize=4096)
def _date_of(century: str, year: str, month: str | None, day: str | None) -> PartialDate:
    try:
        full_year = int(century) * 100 + int(year)
        month_number = int(month) if month and month.strip() else 0
        day_number = int(day) if day and day.strip() and month_number else 0
        return PartialDate(full_year, month_number or None, day_number or None)
    except (ValueError, ValidationError):
        raise ResponseError("a national-register date is not a valid (partial) date") from None


def _validity(item: _xml.Element) -> tuple[PartialDate | None, PartialDate | None]:
    since = until = None
    for child in item:
        if child.tag == _DATE:
            since = _date(child)
        elif child.tag == _DEL_DATE:
            until = _date(child)
            break  # DelDate follows Date
    return since, until


def _code(el: _xml.Element | None) -> Code | None:
    if el is None:
        return None
    code = _text(el, "Code")
    if code is None:
        return None
    return Code(code, _text(el, "Label"))


def _req_code(el: _xml.Element, name: str, what: str) -> Code:
    found = _code(_child(el, name))
    if found is None:
        raise ResponseError(f"a national-register {what} item lacks its {name} code")
    return found


def _ssin(text: str | None) -> Ssin | None:
    if text is None:
        return None
    digits = compact(text)
    # Numbers that come from the register are taken as they are, test numbers included;
    # a number the register leaves at zero (unknown person) is no SSIN.
    return Ssin(digits, allow_test=True) if is_valid(digits, allow_test=True) else None


def _gender(text: str | None) -> Gender | None:
    return {"1": Gender.MALE, "2": Gender.FEMALE}.get(text or "")


def _name(el: _xml.Element | None) -> PersonName | None:
    if el is None:
        return None
    last = " ".join(t for t in (_text(n, "Label") for n in el.iterchildren(_R + "LastName")) if t)
    if not last:
        return None
    givens = tuple(t for t in (_text(n, "Label") for n in el.iterchildren(_R + "FirstName")) if t)
    return PersonName(last_name=last, given_names=givens)


def _person(el: _xml.Element | None) -> RelatedPerson | None:
    """A NationalNumberType plus the Name that follows it in the same parent."""
    if el is None:
        return None
    number = _child(el, "NationalNumber")
    if number is None:
        return None
    return RelatedPerson(
        ssin=_ssin(_text(number, "NationalNumber")),
        name=_name(_child(el, "Name")),
        birth_date=_date(_child(number, "Date")),
        gender=_gender(_text(number, "Sex")),
    )


def _place(el: _xml.Element | None) -> tuple[Code | None, Code | None, str | None]:
    """(Belgian place, country, place text) of an element holding Place1 or Place2."""
    if el is None:
        return None, None, None
    place1 = _child(el, "Place1")
    if place1 is not None:
        return _code(place1), None, None
    place2 = _child(el, "Place2")
    if place2 is not None:
        return None, _code(_child(place2, "Country")), _text(place2, "Graphic")
    return None, None, None


@dataclass
class _Reading:
    ssin: Ssin | None = None
    birth_date: PartialDate | None = None
    gender: Gender | None = None
    residences: list[Residence] = field(default_factory=list)
    names: list[RegisteredName] = field(default_factory=list)
    addresses: list[tuple[_xml.Element, PartialDate | None, PartialDate | None]] = \
        field(default_factory=list)
    nationalities: list[RegisteredNationality] = field(default_factory=list)
    birth: BirthRecord | None = None
    civil_states: list[CivilStateRecord] = field(default_factory=list)
    cohabitations: list[LegalCohabitation] = field(default_factory=list)
    members: list[HouseholdLink] = field(default_factory=list)
    heads: list[HouseholdLink] = field(default_factory=list)
    decease: DeceaseRecord | None = None
    registers: list[RegistrationRegister] = field(default_factory=list)
    other: list[str] = field(default_factory=list)


def _national_number(group: _xml.Element, r: _Reading) -> None:
    number = _child(group, "NationalNumber")
    text = _text(number, "NationalNumber")
    digits = compact(text or "")
    if not is_valid(digits, allow_test=True):
        raise ResponseError("the record carries a malformed SSIN")
    r.ssin = Ssin(digits, allow_test=True)
    r.birth_date = _date(_child(number, "Date") if number is not None else None)
    r.gender = _gender(_text(number, "Sex"))


def _residences(group: _xml.Element, r: _Reading) -> None:
    for item in group.iterchildren(_R + "Residences"):
        since, until = _validity(item)
        r.residences.append(Residence(_req_code(item, "Residence", "residence"),
                                      _text(item, "Language"), since, until))


def _names(group: _xml.Element, r: _Reading) -> None:
    for item in group.iterchildren(_R + "Name"):
        name = _name(_child(item, "Name"))
        if name is None:
            raise ResponseError("a national-register name item lacks its last name")
        r.names.append(RegisteredName(name, *_validity(item)))


def _addresses(group: _xml.Element, r: _Reading) -> None:
    # Resolved at the end, once the residences (TI 001) give the municipalities.
    for item in group.iterchildren(_R + "LegalMainAddress"):
        r.addresses.append((item, *_validity(item)))


def _nationalities(group: _xml.Element, r: _Reading) -> None:
    for item in group.iterchildren(_R + "Nationality"):
        r.nationalities.append(RegisteredNationality(
            _req_code(item, "Nationality", "nationality"), *_validity(item)))


def _birth(group: _xml.Element, r: _Reading) -> None:
    place, country, text = _place(group)
    r.birth = BirthRecord(_date(_child(group, "Date")), place, country, text,
                          _text(group, "ActNumber"))


def _civil_states(group: _xml.Element, r: _Reading) -> None:
    for item in group.iterchildren(_R + "CivilState"):
        place, country, _graphic = _place(_child(item, "Lieu"))
        since, until = _validity(item)
        r.civil_states.append(CivilStateRecord(
            state=_req_code(item, "CivilState", "civil state"),
            spouse=_person(_child(item, "Spouse")),
            place=place, country=country, act_number=_text(item, "ActNumber"),
            since=since, until=until,
        ))


def _cohabitations(group: _xml.Element, r: _Reading) -> None:
    for item in group.iterchildren(_R + "LegalCohabitation"):
        since, until = _validity(item)
        declaration = _child(item, "Declaration")
        cessation = _child(item, "Cessation")
        part = declaration if declaration is not None else cessation
        r.cohabitations.append(LegalCohabitation(
            partner=_person(_child(part, "Partner")) if part is not None else None,
            registered=_date(_child(declaration, "RegistrationDate"))
            if declaration is not None else None,
            place=_code(_child(part, "Place")) if part is not None else None,
            cessation=_code(_child(cessation, "Reason")) if cessation is not None else None,
            since=since, until=until,
        ))


def _links(tag: str, into: Callable[[_Reading], list[HouseholdLink]]
           ) -> Callable[[_xml.Element, _Reading], None]:
    def read(group: _xml.Element, r: _Reading) -> None:
        for item in group.iterchildren(_R + tag):
            since, until = _validity(item)
            into(r).append(HouseholdLink(
                role=_req_code(item, "FamilyRole", "household"),
                person=_person(item),
                housing=_code(_child(item, "Housing")),
                since=since, until=until,
            ))
    return read


def _deceases(group: _xml.Element, r: _Reading) -> None:
    for item in group.iterchildren(_R + "Decease"):
        detail = _child(item, "Decease")
        place, country, text = _place(detail)
        record = DeceaseRecord(_date(_child(item, "Date")), place, country, text,
                               _text(detail, "ActNumber"))
        if r.decease is None and _date(_child(item, "DelDate")) is None:
            r.decease = record


def _registers(group: _xml.Element, r: _Reading) -> None:
    for item in group.iterchildren(_R + "RegistrationRegister"):
        r.registers.append(RegistrationRegister(
            _req_code(item, "RegistrationRegister", "register"), *_validity(item)))


_READERS: dict[str, Callable[[_xml.Element, _Reading], None]] = {
    _R + "NationalNumber": _national_number,
    _R + "FileOwner": _residences,
    _R + "Names": _names,
    _R + "LegalMainAddresses": _addresses,
    _R + "Nationalities": _nationalities,
    _R + "BirthPlace": _birth,
    _R + "CivilStates": _civil_states,
    _R + "LegalCohabitations": _cohabitations,
    _R + "FamilyMembers": _links("FamilyMember", lambda r: r.members),
    _R + "HeadOfFamily": _links("HeadOfFamily", lambda r: r.heads),
    _R + "Deceases": _deceases,
    _R + "RegistrationRegisters": _registers,
}


def _key(day: PartialDate) -> int:
    return day.year * 10_000 + (day.month or 0) * 100 + (day.day or 0)


class _Municipalities:
    """Which TI 001 residence covers a day: a sorted look-up, not a scan per address."""

    def __init__(self, residences: list[Residence]) -> None:
        spans = sorted((_key(r.since), _key(r.until) if r.until is not None else 99_999_999,
                        r.municipality) for r in residences if r.since is not None)
        self._starts = [start for start, _end, _code in spans]
        self._spans = spans

    def at(self, day: PartialDate | None) -> Code | None:
        if day is None:
            return None
        key = _key(day)
        position = bisect.bisect_right(self._starts, key) - 1
        if position < 0:
            return None
        _start, end, municipality = self._spans[position]
        return municipality if key <= end else None


def _address(item: _xml.Element, since: PartialDate | None, until: PartialDate | None,
             municipalities: _Municipalities) -> MainAddress:
    address = _child(item, "Address")
    if address is None:
        raise ResponseError("a national-register address item lacks its Address")
    street = _child(address, "Street")
    municipality = municipalities.at(since)
    return MainAddress(
        address=Address(
            kind=AddressKind.RESIDENTIAL,
            street=_text(street, "Label") or _text(street, "Graphic"),
            house_number=_text(address, "HouseNumber"),
            box=_text(address, "Box"),
            postal_code=_text(address, "ZipCode"),
            municipality=municipality.label if municipality is not None else None,
            municipality_code=municipality.code if municipality is not None else None,
            country_code="150",
            since=since.to_date() if since is not None else None,
        ),
        street_code=_text(street, "Code"),
        since=since,
        until=until,
    )


def read_record(el: _xml.Element) -> NationalRegisterRecord:
    """The record in ``rrn_it_implicit``; TI groups it does not map are listed by name."""
    r = _Reading()
    for group in el:
        tag = group.tag
        if not isinstance(tag, str):
            continue
        reader = _READERS.get(tag)
        if reader is not None:
            reader(group, r)
        elif tag.startswith(_R):
            r.other.append(tag[len(_R):])
    if r.ssin is None:
        raise ResponseError("the record lacks its NationalNumber (TI 000)")
    municipalities = _Municipalities(r.residences)
    return NationalRegisterRecord(
        ssin=r.ssin,
        birth_date=r.birth_date,
        gender=r.gender,
        residences=tuple(r.residences),
        names=tuple(r.names),
        addresses=tuple(_address(item, since, until, municipalities)
                        for item, since, until in r.addresses),
        nationalities=tuple(r.nationalities),
        birth=r.birth,
        civil_states=tuple(r.civil_states),
        legal_cohabitations=tuple(r.cohabitations),
        household_members=tuple(r.members),
        heads_of_household=tuple(r.heads),
        decease=r.decease,
        registers=tuple(r.registers),
        other_groups=tuple(r.other),
    )


# --- writing (the sandbox's side) --------------------------------------------------------


def _sub(parent: _xml.Element, name: str, text: str | None = None) -> _xml.Element:
    child = etree.SubElement(parent, _R + name)
    if text is not None:
        child.text = text
    return child


def write_date(parent: _xml.Element, name: str, day: PartialDate | None) -> None:
    """A DateType element (``00`` for an unknown month or day); nothing for None."""
    if day is None:
        return
    el = _sub(parent, name)
    _sub(el, "Century", f"{day.year // 100:02d}")
    _sub(el, "Year", f"{day.year % 100:02d}")
    _sub(el, "Month", f"{day.month or 0:02d}")
    _sub(el, "Day", f"{day.day or 0:02d}")


def _item(parent: _xml.Element, name: str, ti: str, since: PartialDate | None,
          until: PartialDate | None, *, structure: str = "A1") -> _xml.Element:
    item = _sub(parent, name)
    item.set("Type", ti)
    item.set("Structure", structure)
    write_date(item, "Date", since)
    write_date(item, "DelDate", until)
    return item


def _write_code(parent: _xml.Element, name: str, code: Code | None) -> None:
    if code is None:
        return
    el = _sub(parent, name)
    _sub(el, "Code", code.code)
    if code.label is not None:
        _sub(el, "Label", code.label)


def _name_code(text: str) -> str:
    # The register codes every name; the sandbox derives a stable 8-digit one from the text.
    return f"{zlib.crc32(text.encode()) % 100_000_000:08d}"


def _write_name(parent: _xml.Element, name: PersonName | None) -> None:
    if name is None:
        return
    el = _sub(parent, "Name")
    last = _sub(el, "LastName")
    _sub(last, "Code", _name_code(name.last_name))
    _sub(last, "Label", name.last_name)
    for given in name.given_names:
        first = _sub(el, "FirstName")
        _sub(first, "Code", _name_code(given))
        _sub(first, "Label", given)


def _write_person(parent: _xml.Element, person: RelatedPerson | None) -> None:
    """NationalNumber (NationalNumberType) and Name, appended to `parent`."""
    if person is None:
        return
    number = _sub(parent, "NationalNumber")
    _sub(number, "NationalNumber", str(person.ssin) if person.ssin else "00000000000")
    write_date(number, "Date", person.birth_date)
    if person.gender is not None:
        _sub(number, "Sex", "1" if person.gender is Gender.MALE else "2")
    _write_name(parent, person.name)


def _write_place(parent: _xml.Element, place: Code | None, country: Code | None,
                 text: str | None) -> None:
    if place is not None:
        _write_code(parent, "Place1", place)
    else:
        place2 = _sub(parent, "Place2")
        _write_code(place2, "Country", country or Code("150"))
        if text:
            _sub(place2, "Graphic", text)


def write_record(parent: _xml.Element, record: NationalRegisterRecord) -> _xml.Element:
    """Append ``rrn_it_implicit`` with the record's typed TI groups (the sandbox's side)."""
    root = _xml.sub(parent, "rrn_it_implicit")
    if record.gender is None:
        raise ValueError("a national-register record carries the person's sex")
    group = _sub(root, "NationalNumber")
    group.set("Type", "000")
    group.set("Structure", "A1")
    ident = _sub(group, "NationalNumber")
    _sub(ident, "NationalNumber", str(record.ssin))
    if record.birth_date is not None:
        write_date(ident, "Date", record.birth_date)
    else:
        _sub(ident, "Date")  # required; every part of it unknown
    _sub(ident, "Sex", "1" if record.gender is Gender.MALE else "2")
    if record.residences:
        _write_residences(_sub(root, "FileOwner"), record.residences)
    if record.names:
        group = _sub(root, "Names")
        for name in record.names:
            _write_name(_item(group, "Name", "010", name.since, name.until), name.name)
    if record.addresses:
        _write_addresses(_sub(root, "LegalMainAddresses"), record.addresses)
    if record.nationalities:
        group = _sub(root, "Nationalities")
        for nationality in record.nationalities:
            item = _item(group, "Nationality", "031", nationality.since, nationality.until)
            _write_code(item, "Nationality", nationality.nationality)
    if record.birth is not None:
        item = _item(root, "BirthPlace", "100", record.birth.date, None)
        _sub(item, "ActNumber", record.birth.act_number or "0000")
        _write_place(item, record.birth.place, record.birth.country, record.birth.place_text)
    if record.civil_states:
        _write_civil_states(_sub(root, "CivilStates"), record.civil_states)
    if record.legal_cohabitations:
        _write_cohabitations(_sub(root, "LegalCohabitations"), record.legal_cohabitations)
    if record.household_members:
        _write_links(_sub(root, "FamilyMembers"), "FamilyMember", "140",
                     record.household_members)
    if record.heads_of_household:
        _write_links(_sub(root, "HeadOfFamily"), "HeadOfFamily", "141",
                     record.heads_of_household)
    if record.decease is not None:
        item = _item(_sub(root, "Deceases"), "Decease", "150", record.decease.date, None)
        detail = _sub(item, "Decease")
        _sub(detail, "ActNumber", record.decease.act_number or "0000")
        _write_place(detail, record.decease.place, record.decease.country,
                     record.decease.place_text)
    if record.registers:
        group = _sub(root, "RegistrationRegisters")
        for register in record.registers:
            item = _item(group, "RegistrationRegister", "210", register.since, register.until)
            _write_code(item, "RegistrationRegister", register.register)
    return root


def _write_residences(group: _xml.Element, residences: tuple[Residence, ...]) -> None:
    for residence in residences:
        item = _item(group, "Residences", "001", residence.since, residence.until)
        _write_code(item, "Residence", residence.municipality)
        _sub(item, "Fusion", "0")
        _sub(item, "Language", residence.language or "1")


def _write_addresses(group: _xml.Element, addresses: tuple[MainAddress, ...]) -> None:
    for main in addresses:
        item = _item(group, "LegalMainAddress", "020", main.since, main.until)
        address = _sub(item, "Address")
        _sub(address, "ZipCode", main.address.postal_code or "")
        street = _sub(address, "Street")
        if main.street_code is not None:
            _sub(street, "Code", main.street_code)
            _sub(street, "Label", main.address.street or "")
        else:
            _sub(street, "Graphic", main.address.street or "")
        _sub(address, "HouseNumber", main.address.house_number or "")
        if main.address.box:
            _sub(address, "Box", main.address.box)


def _write_civil_states(group: _xml.Element, states: tuple[CivilStateRecord, ...]) -> None:
    for state in states:
        item = _item(group, "CivilState", "120", state.since, state.until)
        _write_code(item, "CivilState", state.state)
        if state.spouse is not None:
            _write_person(_sub(item, "Spouse"), state.spouse)
        if state.place is not None or state.country is not None:
            _write_place(_sub(item, "Lieu"), state.place, state.country, None)
        if state.act_number:
            _sub(item, "ActNumber", state.act_number)


def _write_cohabitations(group: _xml.Element,
                         cohabitations: tuple[LegalCohabitation, ...]) -> None:
    for cohabitation in cohabitations:
        item = _item(group, "LegalCohabitation", "123", cohabitation.since, cohabitation.until)
        if cohabitation.cessation is None:
            part = _sub(item, "Declaration")
            write_date(part, "RegistrationDate",
                       cohabitation.registered or cohabitation.since or PartialDate(1900))
            _write_person(_sub(part, "Partner"), cohabitation.partner)
            _write_code(part, "Place", cohabitation.place or Code("00000"))
        else:
            part = _sub(item, "Cessation")
            _write_code(part, "Reason", cohabitation.cessation)
            _write_code(part, "Place" if cohabitation.place is not None else "Country",
                        cohabitation.place or Code("150"))
            if cohabitation.partner is not None:
                _write_person(_sub(part, "Partner"), cohabitation.partner)


def _write_links(group: _xml.Element, tag: str, ti: str,
                 links: tuple[HouseholdLink, ...]) -> None:
    for link in links:
        item = _item(group, tag, ti, link.since, link.until,
                     structure="A1" if link.person is None else "B1")
        _write_code(item, "Housing", link.housing)
        _write_code(item, "FamilyRole", link.role)
        _write_person(item, link.person)
