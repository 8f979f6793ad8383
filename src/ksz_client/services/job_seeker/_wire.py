"""JobSeeker V1 on the wire: criteria and per-service results <-> XML, both directions.

The client reads with the ``read_*`` functions, the sandbox writes with the
``write_*`` ones. Element names and order are those of the official contract.
"""

from __future__ import annotations

from ksz_client import _xml
from ksz_client._exceptions import InvalidSsin, ResponseError, ValidationError
from ksz_client.services.job_seeker.models import (
    Category,
    Contact,
    Description,
    Inscription,
    Phone,
    PublicEmploymentService,
    ServiceResult,
    SourceStatus,
    SourceStatusValue,
)
from ksz_client.ssin import Ssin
from ksz_client.types import Address, AddressKind, AnsweredSsin, Information, Period

__all__ = [
    "read_answered_ssin",
    "read_criteria",
    "read_data_filters",
    "read_services",
    "write_answered_ssin",
    "write_criteria",
    "write_services",
]


# --- requests ------------------------------------------------------------------------


def write_criteria(payload: _xml.Element, ssin: str, period: Period | None,
                   services: tuple[PublicEmploymentService, ...]) -> None:
    criteria = _xml.sub(payload, "criteria")
    _xml.sub(criteria, "ssin", ssin)
    if period is not None:
        el = _xml.sub(criteria, "period")
        _xml.sub(el, "beginDate", period.start.isoformat())
        if period.end is not None:
            _xml.sub(el, "endDate", period.end.isoformat())
    if services:
        group = _xml.sub(criteria, "publicEmploymentServices")
        for service in services:
            _xml.sub(group, "publicEmploymentService", service.value)


def read_criteria(
    payload: _xml.Element,
) -> tuple[str, Period | None, tuple[PublicEmploymentService, ...]]:
    """The criteria of a request (the sandbox's side); bad values are a ValidationError."""
    criteria = _xml.req(payload, "criteria")
    period_el = criteria.find("period")
    period = None
    if period_el is not None:
        start = _xml.opt_date(period_el, "beginDate")
        if start is None:
            raise ValidationError("a period needs its beginDate")
        period = Period(start, _xml.opt_date(period_el, "endDate"))
    try:
        services = tuple(PublicEmploymentService(s.text or "") for s in
                         criteria.iterfind("publicEmploymentServices/publicEmploymentService"))
    except ValueError:
        raise ValidationError("unknown public employment service") from None
    return _xml.req_text(criteria, "ssin"), period, services


# --- the SSIN the answer is about ---------------------------------------------------------


def _ssin(text: str) -> Ssin:
    try:
        return Ssin(text, allow_test=True)
    except InvalidSsin:
        raise ResponseError("the answer carries a malformed SSIN") from None


def read_answered_ssin(payload: _xml.Element) -> AnsweredSsin | None:
    """The response's ``ssin`` (SsinWithCanceledAndReplacesStatusType), if present."""
    el = payload.find("ssin")
    if el is None or not (el.text or "").strip():
        return None
    replaces = el.get("replaces")
    return AnsweredSsin(
        ssin=_ssin((el.text or "").strip()),
        canceled=_xml.opt_bool(el.get("canceled")) or False,
        replaces=_ssin(replaces) if replaces else None,
    )


def write_answered_ssin(parent: _xml.Element, answered: AnsweredSsin) -> None:
    el = _xml.sub(parent, "ssin", str(answered.ssin))
    if answered.canceled:
        el.set("canceled", "true")
    if answered.replaces is not None:
        el.set("replaces", str(answered.replaces))


def read_data_filters(payload: _xml.Element) -> tuple[str, ...]:
    return tuple(t for t in (_xml.opt_text(f, "") for f in
                             payload.iterfind("dataFilters/filteredElement")) if t)


# --- results ------------------------------------------------------------------------------


def _read_status(el: _xml.Element) -> SourceStatus:
    value = _xml.req_text(el, "value")
    try:
        kind = SourceStatusValue(value)
    except ValueError:
        raise ResponseError("unknown status value of a public employment service") from None
    return SourceStatus(
        value=kind,
        code=_xml.req_text(el, "code"),
        description=_xml.opt_text(el, "description"),
        information=tuple(Information(_xml.req_text(i, "fieldName"),
                                      _xml.opt_text(i, "fieldValue"))
                          for i in el.iterfind("information")),
    )


def _write_status(parent: _xml.Element, status: SourceStatus) -> None:
    el = _xml.sub(parent, "status")
    _xml.sub(el, "value", status.value.value)
    _xml.sub(el, "code", status.code)
    if status.description:
        _xml.sub(el, "description", status.description)
    for info in status.information:
        item = _xml.sub(el, "information")
        _xml.sub(item, "fieldName", info.name)
        if info.value is not None:
            _xml.sub(item, "fieldValue", info.value)


def _read_category(el: _xml.Element) -> Category:
    return Category(
        code=_xml.req_text(el, "code"),
        descriptions=tuple(Description(d.get("language") or "", (d.text or "").strip())
                           for d in el.iterfind("description")),
    )


def _write_category(parent: _xml.Element, tag: str, category: Category) -> None:
    el = _xml.sub(parent, tag)
    _xml.sub(el, "code", category.code)
    for item in category.descriptions[:3]:
        _xml.sub(el, "description", item.text).set("language", item.language)


def _read_contact(el: _xml.Element) -> Contact:
    belgian = el.find("belgianAddress")
    return Contact(
        address=Address(
            kind=AddressKind.CONTACT,
            street=_xml.req_text(belgian, "streetName"),
            house_number=_xml.opt_text(belgian, "houseNumber"),
            box=_xml.opt_text(belgian, "boxNumber"),
            postal_code=_xml.req_text(belgian, "postalCode"),
            municipality=_xml.req_text(belgian, "cityName"),
            municipality_code=_xml.opt_text(belgian, "cityCode"),
            country_code="150",
        ) if belgian is not None else None,
        foreign_address=_xml.opt_text(el, "foreignAddress"),
        phones=tuple(Phone((p.text or "").strip(), _xml.opt_bool(p.get("fix")))
                     for p in el.iterfind("phoneNumber")),
        email=_xml.opt_text(el, "emailAddress"),
        updated=_xml.opt_datetime(el, "updateTimestamp"),
    )


def _write_contact(parent: _xml.Element, contact: Contact) -> None:
    el = _xml.sub(parent, "contact")
    address = contact.address
    if address is not None:
        belgian = _xml.sub(el, "belgianAddress")
        _xml.sub(belgian, "postalCode", address.postal_code or "")
        _xml.sub(belgian, "cityName", address.municipality or "")
        if address.municipality_code:
            _xml.sub(belgian, "cityCode", address.municipality_code)
        _xml.sub(belgian, "streetName", address.street or "")
        if address.house_number:
            _xml.sub(belgian, "houseNumber", address.house_number)
        if address.box:
            _xml.sub(belgian, "boxNumber", address.box)
    else:
        _xml.sub(el, "foreignAddress", contact.foreign_address or "")
    for phone in contact.phones[:2]:
        item = _xml.sub(el, "phoneNumber", phone.number)
        if phone.fixed is not None:
            item.set("fix", "true" if phone.fixed else "false")
    if contact.email:
        _xml.sub(el, "emailAddress", contact.email)
    if contact.updated is not None:
        _xml.sub(el, "updateTimestamp", contact.updated.isoformat())


def _read_inscription(el: _xml.Element) -> Inscription:
    at = _xml.opt_datetime(el, "inceptionTimestamp")
    if at is None:
        raise ResponseError("the answer lacks the required element inscription/inceptionTimestamp")
    return Inscription(
        at=at,
        categories=tuple(_read_category(c) for c in el.iterfind("categoryPES")),
        neo_categories=tuple(_read_category(c) for c in el.iterfind("categoryNEO")),
        eurostat_date=_xml.opt_date(el, "eurostatDate"),
    )


def read_services(payload: _xml.Element) -> tuple[ServiceResult, ...]:
    """The per-service parts of a response (none when ``results`` is absent)."""
    out = []
    for pes in payload.iterfind("results/pes"):
        try:
            service = PublicEmploymentService(pes.get("source") or "")
        except ValueError:
            raise ResponseError("unknown public employment service in the answer") from None
        result = pes.find("result")
        contact = result.find("contact") if result is not None else None
        out.append(ServiceResult(
            service=service,
            status=_read_status(_xml.req(pes, "status")),
            contact=_read_contact(contact) if contact is not None else None,
            inscriptions=tuple(_read_inscription(i) for i in _xml.children(
                result, "inscriptions/inscription")),
        ))
    return tuple(out)


def write_services(parent: _xml.Element, services: tuple[ServiceResult, ...]) -> None:
    """Append ``results`` with one ``pes`` per service (nothing when there are none)."""
    if not services:
        return
    results = _xml.sub(parent, "results")
    for service in services[:4]:
        pes = _xml.sub(results, "pes")
        pes.set("source", service.service.value)
        _write_status(pes, service.status)
        if service.contact is None and not service.inscriptions:
            continue
        result = _xml.sub(pes, "result")
        if service.contact is not None:
            _write_contact(result, service.contact)
        if service.inscriptions:
            group = _xml.sub(result, "inscriptions")
            for inscription in service.inscriptions[:20]:
                item = _xml.sub(group, "inscription")
                _xml.sub(item, "inceptionTimestamp", inscription.at.isoformat())
                for category in inscription.neo_categories[:2]:
                    _write_category(item, "categoryNEO", category)
                for category in inscription.categories[:2]:
                    _write_category(item, "categoryPES", category)
                if inscription.eurostat_date is not None:
                    _xml.sub(item, "eurostatDate", inscription.eurostat_date.isoformat())
