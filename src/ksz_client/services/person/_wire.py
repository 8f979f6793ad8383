"""PersonService V4 on the wire: request criteria and Person <-> XML, both directions.

The client reads persons with `read_person`; the sandbox writes them with
`write_person`, so one mapping serves both and a round-trip test keeps them honest.
"""

from __future__ import annotations

import datetime as _dt
from enum import StrEnum
from typing import TypeVar

from ksz_client import _xml
from ksz_client._exceptions import InvalidSsin, ResponseError, ValidationError
from ksz_client.services.person.models import (
    Administrator,
    Anomaly,
    Birth,
    CivilState,
    DataGroupStatus,
    DataGroupStatusValue,
    DataSource,
    Decease,
    GivenNameMatching,
    LegalCohabitation,
    Nationality,
    Person,
    Register,
    SearchCriteria,
)
from ksz_client.ssin import Gender, Ssin
from ksz_client.types import Address, AddressKind, PartialDate, PersonName, Place

E = TypeVar("E", bound=StrEnum)

__all__ = [
    "read_criteria",
    "read_person",
    "read_ssin_criteria",
    "write_criteria",
    "write_person",
    "write_ssin_criteria",
]


# --- requests ------------------------------------------------------------------


def write_ssin_criteria(payload: _xml.Element, ssin: str, language: str | None) -> None:
    criteria = _xml.sub(payload, "criteria")
    _xml.sub(criteria, "ssin", ssin)
    if language:
        _xml.sub(criteria, "language", language)


def read_ssin_criteria(payload: _xml.Element) -> tuple[str, str | None]:
    criteria = _xml.req(payload, "criteria")
    return _xml.req_text(criteria, "ssin"), _xml.opt_text(criteria, "language")


def write_criteria(payload: _xml.Element, c: SearchCriteria) -> None:
    criteria = _xml.sub(payload, "criteria")
    name = _xml.sub(criteria, "name")
    _xml.sub(name, "lastName", c.last_name)
    for given in c.given_names:
        _xml.sub(name, "givenName", given)
    if c.given_name_matching is not None:
        _xml.sub(name, "givenNameMatching", c.given_name_matching.value)
    if c.birth_date is not None:
        birth = _xml.sub(criteria, "birth")
        _xml.sub(birth, "birthDate", c.birth_date.isoformat())
        if c.tolerance:
            _xml.sub(birth, "variation", str(c.tolerance))
    if c.gender is not None:
        _xml.sub(_xml.sub(criteria, "gender"), "genderCode", c.gender.value)
    if c.country_code or c.municipality_code:
        address = _xml.sub(criteria, "address")
        if c.country_code:
            _xml.sub(address, "countryCode", c.country_code)
        if c.municipality_code:
            _xml.sub(address, "cityCode", c.municipality_code)
    _xml.sub(criteria, "maximumResultCount", str(c.max_results))


def read_criteria(payload: _xml.Element) -> SearchCriteria:
    """Criteria of a phonetic request (the sandbox's side); invalid ones raise ValidationError."""
    criteria = _xml.req(payload, "criteria")
    name = _xml.req(criteria, "name")
    matching = _xml.opt_text(name, "givenNameMatching")
    birth = _xml.opt_text(criteria, "birth/birthDate")
    gender = _xml.opt_text(criteria, "gender/genderCode")
    try:
        return SearchCriteria(
            last_name=_xml.req_text(name, "lastName"),
            given_names=tuple(g.text or "" for g in name.iterfind("givenName")),
            given_name_matching=GivenNameMatching(matching) if matching else None,
            birth_date=PartialDate.parse(birth) if birth else None,
            tolerance=_xml.opt_int(criteria, "birth/variation") or 0,
            gender=Gender(gender) if gender else None,
            country_code=_xml.opt_text(criteria, "address/countryCode"),
            municipality_code=_xml.opt_text(criteria, "address/cityCode"),
            max_results=_xml.opt_int(criteria, "maximumResultCount") or 10,
        )
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


# --- persons ---------------------------------------------------------------------


def _ssin(text: str) -> Ssin:
    try:
        # Numbers that come from the registers are taken as they are, test numbers included.
        return Ssin(text, allow_test=True)
    except InvalidSsin:
        raise ResponseError("the answer carries a malformed SSIN") from None


def _place(el: _xml.Element | None) -> Place | None:
    if el is None:
        return None
    return Place(
        country_code=_xml.opt_text(el, "countryCode"),
        municipality_code=_xml.opt_text(el, "cityCode"),
        name=_xml.opt_text(el, "cityName"),
    )


def _partial(el: _xml.Element | None, path: str) -> PartialDate | None:
    text = _xml.opt_text(el, path)
    if text is None:
        return None
    try:
        return PartialDate.parse(text)
    except ValidationError:
        raise ResponseError(f"{path} is not a (partial) date") from None


def _enum(cls: type[E], value: str, what: str) -> E:
    try:
        return cls(value)
    except ValueError:
        raise ResponseError(f"unknown {what} code in the answer") from None


def read_person(el: _xml.Element) -> Person:
    """A Person from a PersonType element; unknown extra elements are ignored."""
    ssin_el = _xml.req(el, "ssin")
    replaces = ssin_el.get("replaces")
    name_el = _xml.req(el, "name")
    givens = sorted(
        ((int(g.get("sequence") or i + 1), (g.text or "").strip())
         for i, g in enumerate(name_el.iterfind("givenName"))),
    )
    birth_el = el.find("birth")
    decease_el = el.find("decease")
    gender = _xml.opt_text(el, "gender/genderCode")
    register = el.get("register")
    if register is None:
        raise ResponseError("the person carries no register attribute")
    return Person(
        ssin=_ssin(_xml.req_text(el, "ssin")),
        register=_enum(Register, register, "register"),
        name=PersonName(
            last_name=_xml.req_text(name_el, "lastName"),
            given_names=tuple(text for _, text in givens if text),
        ),
        gender=_enum(Gender, gender, "gender") if gender else None,
        birth=Birth(
            date=_partial(birth_el, "birthDate") or PartialDate(1000),
            place=_place(birth_el.find("birthPlace")),
            act_type=_xml.opt_text(birth_el, "actType"),
        ) if birth_el is not None and _xml.opt_text(birth_el, "birthDate") else None,
        decease=Decease(
            date=_partial(decease_el, "deceaseDate") or PartialDate(1000),
            place=_place(decease_el.find("deceasePlace")),
        ) if decease_el is not None and _xml.opt_text(decease_el, "deceaseDate") else None,
        nationalities=tuple(
            Nationality(code=_xml.req_text(n, "nationalityCode"),
                        since=_xml.opt_date(n, "inceptionDate"))
            for n in el.iterfind("nationalities/nationality")
        ),
        civil_states=tuple(
            CivilState(
                code=_xml.req_text(c, "civilStateCode"),
                partner_ssin=_ssin(p) if (p := _xml.opt_text(c, "partner/ssin")) else None,
                partner_reference=_xml.opt_text(c, "partner/partnerReference"),
                place=_place(c.find("location")),
                since=_partial(c, "inceptionDate"),
            )
            for c in el.iterfind("civilStates/civilState")
        ),
        addresses=tuple(_read_address(a) for a in el.iterfind("addresses/address")),
        nobility_title=_xml.opt_text(el, "nobilityTitle"),
        register_since=_attr_date(el, "registerInceptionDate"),
        canceled=_xml.opt_bool(ssin_el.get("canceled")) or False,
        replaces=_ssin(replaces) if replaces else None,
        name_since=_xml.opt_date(name_el, "inceptionDate"),
        legal_cohabitations=tuple(
            LegalCohabitation(
                partner_ssin=_ssin(p) if (p := _xml.opt_text(c, "partner/ssin")) else None,
                partner_reference=_xml.opt_text(c, "partner/partnerReference"),
                place=_place(c.find("location")),
                since=_partial(c, "inceptionDate"),
                until=_partial(c, "endDate"),
            )
            for c in el.iterfind("legalCohabitations/legalCohabitation")
        ),
        administrators=tuple(_read_administrator(a)
                             for a in el.iterfind("administrators/administrator")),
        subregister=el.get("subregister") or None,
        anomalies=tuple(
            Anomaly(code=_xml.req_text(a, "code"), description=_xml.opt_text(a, "description"))
            for a in el.iterfind("anomalies/anomaly")
        ),
        data_groups=tuple(
            DataGroupStatus(
                group=_xml.req_text(g, "name"),
                status=_enum(DataGroupStatusValue, _xml.req_text(g, "status"),
                             "data group status"),
                source=_enum(DataSource, source, "data group source")
                if (source := _xml.opt_text(g, "source")) else None,
            )
            for g in el.iterfind("dataGroups/dataGroup")
        ),
    )


def _read_address(el: _xml.Element) -> Address:
    # Most fields of an address are read: one pass over its children.
    t = _xml.texts(el)
    kind = t.get("addressType")
    if kind is None:
        raise ResponseError("the answer lacks the required element address/addressType")
    return Address(
        kind=_enum(AddressKind, kind, "address type"),
        street=t.get("street"),
        house_number=t.get("houseNumber"),
        box=t.get("box"),
        postal_code=t.get("postalCode"),
        municipality=t.get("municipality"),
        municipality_code=t.get("municipalityCode"),
        country_code=t.get("countryCode"),
        since=_xml.date_value(t.get("inceptionDate"), "address/inceptionDate"),
    )


def _read_administrator(el: _xml.Element) -> Administrator:
    ssin = _xml.opt_text(el, "ssin")
    name = el.find("name")
    return Administrator(
        kind=_xml.req_text(el, "administratorType"),
        ssin=_ssin(ssin) if ssin else None,
        name=PersonName(
            last_name=_xml.req_text(name, "lastName"),
            given_names=tuple(t for t in (_xml.opt_text(g, "") for g in
                                          name.iterfind("givenName")) if t),
        ) if name is not None else None,
        since=_xml.opt_date(el, "inceptionDate"),
        until=_xml.opt_date(el, "endDate"),
    )


def _attr_date(el: _xml.Element, name: str) -> _dt.date | None:
    value = el.get(name)
    if not value:
        return None
    try:
        return _dt.date.fromisoformat(value[:10])
    except ValueError:
        raise ResponseError(f"{name} is not a date") from None


def _write_place(parent: _xml.Element, tag: str, place: Place | None) -> None:
    if place is None:
        return
    el = _xml.sub(parent, tag)
    if place.country_code:
        _xml.sub(el, "countryCode", place.country_code)
    if place.municipality_code:
        _xml.sub(el, "cityCode", place.municipality_code)
    if place.name:
        _xml.sub(el, "cityName", place.name)


def write_person(parent: _xml.Element, person: Person) -> _xml.Element:
    """Append a ``person`` element (PersonType) for ``person``."""
    el = _xml.sub(parent, "person")
    el.set("register", person.register.value)
    if person.register_since is not None:
        el.set("registerInceptionDate", person.register_since.isoformat())
    if person.subregister:
        el.set("subregister", person.subregister)
    ssin = _xml.sub(el, "ssin", str(person.ssin))
    if person.canceled:
        ssin.set("canceled", "true")
    if person.replaces is not None:
        ssin.set("replaces", str(person.replaces))
    if person.nobility_title:
        _xml.sub(el, "nobilityTitle", person.nobility_title)
    name = _xml.sub(el, "name")
    _xml.sub(name, "lastName", person.name.last_name)
    for seq, given in enumerate(person.name.given_names, start=1):
        _xml.sub(name, "givenName", given).set("sequence", str(seq))
    if person.name_since is not None:
        _xml.sub(name, "inceptionDate", person.name_since.isoformat())
    if person.nationalities:
        group = _xml.sub(el, "nationalities")
        for n in person.nationalities:
            item = _xml.sub(group, "nationality")
            _xml.sub(item, "nationalityCode", n.code)
            if n.since:
                _xml.sub(item, "inceptionDate", n.since.isoformat())
    if person.birth is not None:
        birth = _xml.sub(el, "birth")
        _xml.sub(birth, "birthDate", person.birth.date.isoformat())
        _write_place(birth, "birthPlace", person.birth.place)
        if person.birth.act_type:
            _xml.sub(birth, "actType", person.birth.act_type)
    if person.decease is not None:
        decease = _xml.sub(el, "decease")
        _xml.sub(decease, "deceaseDate", person.decease.date.isoformat())
        _write_place(decease, "deceasePlace", person.decease.place)
    if person.gender is not None:
        _xml.sub(_xml.sub(el, "gender"), "genderCode", person.gender.value)
    if person.civil_states:
        group = _xml.sub(el, "civilStates")
        for c in person.civil_states:
            item = _xml.sub(group, "civilState")
            _xml.sub(item, "civilStateCode", c.code)
            if c.partner_ssin or c.partner_reference:
                partner = _xml.sub(item, "partner")
                if c.partner_ssin:
                    _xml.sub(partner, "ssin", str(c.partner_ssin))
                else:
                    _xml.sub(partner, "partnerReference", c.partner_reference)
            _write_place(item, "location", c.place)
            if c.since:
                _xml.sub(item, "inceptionDate", c.since.isoformat())
    if person.addresses:
        group = _xml.sub(el, "addresses")
        for a in person.addresses:
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
    _write_registry_groups(el, person)
    return el


def _write_partner(parent: _xml.Element, ssin: Ssin | None, reference: str | None) -> None:
    if ssin is None and reference is None:
        return
    partner = _xml.sub(parent, "partner")
    if ssin is not None:
        _xml.sub(partner, "ssin", str(ssin))
    else:
        _xml.sub(partner, "partnerReference", reference)


def _write_registry_groups(el: _xml.Element, person: Person) -> None:
    """Legal cohabitations, administrators, anomalies and the data-group statuses."""
    if person.legal_cohabitations:
        group = _xml.sub(el, "legalCohabitations")
        for c in person.legal_cohabitations:
            item = _xml.sub(group, "legalCohabitation")
            _write_partner(item, c.partner_ssin, c.partner_reference)
            _write_place(item, "location", c.place)
            if c.since is not None:
                _xml.sub(item, "inceptionDate", c.since.isoformat())
            if c.until is not None:
                _xml.sub(item, "endDate", c.until.isoformat())
    if person.administrators:
        group = _xml.sub(el, "administrators")
        for a in person.administrators:
            item = _xml.sub(group, "administrator")
            _xml.sub(item, "administratorType", a.kind)
            if a.ssin is not None:
                _xml.sub(item, "ssin", str(a.ssin))
            if a.name is not None:
                name = _xml.sub(item, "name")
                _xml.sub(name, "lastName", a.name.last_name)
                for given in a.name.given_names:
                    _xml.sub(name, "givenName", given)
            if a.since is not None:
                _xml.sub(item, "inceptionDate", a.since.isoformat())
            if a.until is not None:
                _xml.sub(item, "endDate", a.until.isoformat())
    if person.anomalies:
        group = _xml.sub(el, "anomalies")
        for anomaly in person.anomalies:
            item = _xml.sub(group, "anomaly")
            _xml.sub(item, "code", anomaly.code)
            if anomaly.description:
                _xml.sub(item, "description", anomaly.description)
    if person.data_groups:
        group = _xml.sub(el, "dataGroups")
        for status in person.data_groups:
            item = _xml.sub(group, "dataGroup")
            _xml.sub(item, "name", status.group)
            _xml.sub(item, "status", status.status.value)
            if status.source is not None:
                _xml.sub(item, "source", status.source.value)
