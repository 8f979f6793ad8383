"""SocialRateInvestigation V1 on the wire: criterion and households <-> XML, both directions.

The client reads households with `read_households`; the sandbox writes them
with `write_household`, so one mapping serves both and a round-trip test
keeps them honest. Unknown elements are ignored; a missing required one is a
`ResponseError`.
"""

from __future__ import annotations

import datetime as _dt

from ksz_client import _xml
from ksz_client._exceptions import InvalidSsin, ResponseError, ValidationError
from ksz_client.services.social_rate_investigation.models import (
    EnergyProduct,
    HouseholdMember,
    HouseholdRoles,
    ReferenceDates,
    SocialTariffHousehold,
    SourceStatus,
    SupplierMatch,
)
from ksz_client.ssin import Ssin
from ksz_client.types import Address, AddressKind, Period, PersonName

__all__ = [
    "read_criterion",
    "read_household",
    "read_households",
    "write_criterion",
    "write_household",
]


# --- request ------------------------------------------------------------------------


def write_criterion(payload: _xml.Element, ssin: str) -> None:
    _xml.sub(_xml.sub(payload, "criterion"), "ssin", ssin)


def read_criterion(payload: _xml.Element) -> str:
    """The SSIN of a request (the sandbox's side)."""
    return _xml.req_text(_xml.req(payload, "criterion"), "ssin")


# --- reading ------------------------------------------------------------------------


def _ssin(text: str) -> Ssin:
    try:
        # Numbers that come from the registers are taken as they are, test numbers included.
        return Ssin(text, allow_test=True)
    except InvalidSsin:
        raise ResponseError("the answer carries a malformed SSIN") from None


def _bool(el: _xml.Element, path: str, *, required: bool = True) -> bool | None:
    text = _xml.req_text(el, path) if required else _xml.opt_text(el, path)
    if text is None:
        return None
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise ResponseError(f"{path} is neither true nor false")


def _period(el: _xml.Element | None) -> Period | None:
    if el is None:
        return None
    start = _xml.opt_date(el, "beginDate")
    if start is None:
        raise ResponseError("a period of the answer has no beginDate")
    try:
        return Period(start, _xml.opt_date(el, "endDate"))
    except ValidationError:
        raise ResponseError("a period of the answer ends before it starts") from None


def _name(el: _xml.Element) -> PersonName:
    return PersonName(
        last_name=_xml.req_text(el, "lastName"),
        given_names=tuple(t for t in (_xml.opt_text(g, "") for g in el.iterfind("givenName"))
                          if t),
    )


def _address(el: _xml.Element | None) -> Address | None:
    if el is None:
        return None
    return Address(
        kind=AddressKind.RESIDENTIAL,
        street=_xml.opt_text(el, "streetName"),
        house_number=_xml.opt_text(el, "houseNumber"),
        box=_xml.opt_text(el, "boxNumber"),
        postal_code=_xml.opt_text(el, "postalCode"),
        municipality=_xml.opt_text(el, "municipality"),
        municipality_code=_xml.opt_text(el, "municipalityCode"),
        country_code=_xml.opt_text(el, "countryCode"),
    )


def _product(text: str) -> EnergyProduct:
    try:
        return EnergyProduct(text)
    except ValueError:
        raise ResponseError("unknown energy product code in the answer") from None


def _match(el: _xml.Element) -> SupplierMatch:
    customer = el.find("customer")
    return SupplierMatch(
        supplier=_xml.req_text(el, "supplierName"),
        ean=_xml.req_text(el, "ean"),
        product=_product(_xml.req_text(el, "product")),
        customer=_name(customer) if customer is not None else None,
        customer_number=_xml.opt_text(el, "customerNumber"),
        eligible=_bool(el, "eligible", required=False),
        social_tariff=_period(el.find("socialTariffPeriod")),
        supplier_informed=_xml.opt_date(el, "supplierInformedDate"),
        contract=_period(el.find("contractPeriod")),
    )


def read_household(el: _xml.Element) -> SocialTariffHousehold:
    """A household from a HouseholdType element."""
    identifier = _xml.req(el, "identifier")
    roles = HouseholdRoles(
        final_customer=bool(_bool(identifier, "finalCustomer")),
        household_head=bool(_bool(identifier, "householdHead")),
        protected_person=bool(_bool(identifier, "protectedPerson")),
    )
    dates = el.find("referenceDates")
    status = _xml.opt_text(el, "sourceStatus/value")
    try:
        source_status = SourceStatus(status) if status is not None else None
    except ValueError:
        raise ResponseError("unknown source status in the answer") from None
    return SocialTariffHousehold(
        roles=roles,
        reference_dates=ReferenceDates(
            cbss=_xml.opt_date(dates, "cbssReferenceDate"),
            national_register=_xml.opt_date(dates, "nationalRegisterReferenceDate"),
            supplier=_xml.opt_date(dates, "supplierReferenceDate"),
        ) if dates is not None else None,
        address=_address(el.find("address")),
        members=tuple(
            HouseholdMember(ssin=_ssin(_xml.req_text(m, "ssin")), name=_name(_xml.req(m, "name")))
            for m in el.iterfind("members/member")
        ),
        matches=tuple(_match(m) for m in el.iterfind("matches/match")),
        source_status=source_status,
    )


def read_households(payload: _xml.Element) -> tuple[SocialTariffHousehold, ...]:
    """The households of a ``consultExchangedDataResponse`` (none without a result)."""
    return tuple(read_household(h) for h in payload.iterfind("result/household"))


# --- writing (the sandbox's side) ---------------------------------------------------


def _write_bool(parent: _xml.Element, tag: str, value: bool) -> None:
    _xml.sub(parent, tag, "true" if value else "false")


def _write_name(parent: _xml.Element, tag: str, name: PersonName) -> None:
    el = _xml.sub(parent, tag)
    _xml.sub(el, "lastName", name.last_name)
    for given in name.given_names:
        _xml.sub(el, "givenName", given)


def _write_period(parent: _xml.Element, tag: str, period: Period | None) -> None:
    if period is None:
        return
    el = _xml.sub(parent, tag)
    _xml.sub(el, "beginDate", period.start.isoformat())
    if period.end is not None:
        _xml.sub(el, "endDate", period.end.isoformat())


def _write_date(parent: _xml.Element, tag: str, day: _dt.date | None) -> None:
    if day is not None:
        _xml.sub(parent, tag, day.isoformat())


def write_household(parent: _xml.Element, household: SocialTariffHousehold) -> _xml.Element:
    """Append a ``household`` element (HouseholdType) for `household`."""
    el = _xml.sub(parent, "household")
    identifier = _xml.sub(el, "identifier")
    _write_bool(identifier, "finalCustomer", household.roles.final_customer)
    _write_bool(identifier, "householdHead", household.roles.household_head)
    _write_bool(identifier, "protectedPerson", household.roles.protected_person)
    if household.reference_dates is not None:
        dates = _xml.sub(el, "referenceDates")
        _write_date(dates, "cbssReferenceDate", household.reference_dates.cbss)
        _write_date(dates, "nationalRegisterReferenceDate",
                    household.reference_dates.national_register)
        _write_date(dates, "supplierReferenceDate", household.reference_dates.supplier)
    if household.address is not None:
        address = _xml.sub(el, "address")
        a = household.address
        for tag, value in (
            ("streetName", a.street),
            ("houseNumber", a.house_number),
            ("boxNumber", a.box),
            ("postalCode", a.postal_code),
            ("municipality", a.municipality),
            ("municipalityCode", a.municipality_code),
            ("countryCode", a.country_code),
        ):
            if value:
                _xml.sub(address, tag, value)
    if household.members:
        members = _xml.sub(el, "members")
        for member in household.members:
            item = _xml.sub(members, "member")
            _xml.sub(item, "ssin", str(member.ssin))
            _write_name(item, "name", member.name)
    if household.matches:
        matches = _xml.sub(el, "matches")
        for match in household.matches:
            item = _xml.sub(matches, "match")
            _xml.sub(item, "supplierName", match.supplier)
            _xml.sub(item, "ean", match.ean)
            _xml.sub(item, "product", match.product.value)
            if match.customer is not None:
                _write_name(item, "customer", match.customer)
            if match.customer_number:
                _xml.sub(item, "customerNumber", match.customer_number)
            if match.eligible is not None:
                _write_bool(item, "eligible", match.eligible)
            _write_period(item, "socialTariffPeriod", match.social_tariff)
            _write_date(item, "supplierInformedDate", match.supplier_informed)
            _write_period(item, "contractPeriod", match.contract)
    if household.source_status is not None:
        _xml.sub(_xml.sub(el, "sourceStatus"), "value", household.source_status.value)
    return el
