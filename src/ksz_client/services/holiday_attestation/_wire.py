"""HolidayAttestationService V1 on the wire: criteria and attestations <-> XML, both directions.

Amounts travel as whole euro cents. The client reads with `read_attestations`;
the sandbox writes with `write_attestation`, so one mapping serves both.
"""

from __future__ import annotations

from ksz_client import _xml
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client.services.holiday_attestation.models import HolidayAttestation, HolidayYears
from ksz_client.types import EmployerRef, Money

__all__ = [
    "read_attestation",
    "read_attestations",
    "read_criteria",
    "write_attestation",
    "write_criteria",
]


def write_criteria(payload: _xml.Element, ssin: str, years: HolidayYears) -> None:
    criteria = _xml.sub(payload, "criteria")
    _xml.sub(criteria, "ssin", ssin)
    _xml.sub(criteria, "beginYear", str(years.first))
    _xml.sub(criteria, "endYear", str(years.last))


def read_criteria(payload: _xml.Element) -> tuple[str, HolidayYears]:
    """The SSIN and years of a request (the sandbox's side); bad years raise ValidationError."""
    criteria = _xml.req(payload, "criteria")
    first = _xml.opt_int(criteria, "beginYear")
    last = _xml.opt_int(criteria, "endYear")
    if first is None or last is None:
        raise ValidationError("the criteria need a beginYear and an endYear")
    return _xml.req_text(criteria, "ssin"), HolidayYears(first, last)


def _int(el: _xml.Element, path: str) -> int:
    value = _xml.opt_int(el, path)
    if value is None:
        raise ResponseError(f"the answer lacks the required element {path}")
    return value


def read_attestation(el: _xml.Element) -> HolidayAttestation:
    """An attestation from a HolidayAttestationType element; unknown elements are ignored."""
    employer_el = el.find("employer")
    employer = None
    if employer_el is not None:
        try:
            employer = EmployerRef(
                name=_xml.opt_text(employer_el, "name"),
                cbe_number=_xml.opt_text(employer_el, "cbeNumber"),
                noss_number=_xml.opt_text(employer_el, "nossRegistrationNumber"),
            )
        except ValidationError:
            raise ResponseError("the answer carries a malformed employer number") from None
    return HolidayAttestation(
        holiday_year=_int(el, "holidayYear"),
        reference_year=_int(el, "referenceYear"),
        days=_int(el, "holidayDays"),
        single_pay=Money.from_cents(_int(el, "singleHolidayPay")),
        double_pay=Money.from_cents(_int(el, "doubleHolidayPay")),
        employer=employer,
    )


def read_attestations(payload: _xml.Element) -> tuple[HolidayAttestation, ...]:
    return tuple(read_attestation(a) for a in payload.iterfind("result/holidayAttestation"))


def write_attestation(parent: _xml.Element, attestation: HolidayAttestation) -> _xml.Element:
    """Append a ``holidayAttestation`` element for `attestation`."""
    el = _xml.sub(parent, "holidayAttestation")
    _xml.sub(el, "holidayYear", str(attestation.holiday_year))
    _xml.sub(el, "referenceYear", str(attestation.reference_year))
    employer = attestation.employer
    if employer is not None:
        item = _xml.sub(el, "employer")
        for tag, value in (("name", employer.name), ("cbeNumber", employer.cbe_number),
                           ("nossRegistrationNumber", employer.noss_number)):
            if value:
                _xml.sub(item, tag, value)
    _xml.sub(el, "holidayDays", str(attestation.days))
    _xml.sub(el, "singleHolidayPay", str(attestation.single_pay.cents))
    _xml.sub(el, "doubleHolidayPay", str(attestation.double_pay.cents))
    return el
