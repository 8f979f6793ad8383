"""PatrimonyService V1 on the wire: the search criterion and the properties, both directions.

Cadastral incomes travel in euro with two decimals and become `Money` without
a float. `refusal` turns the Cadnet refusal codes into the SDK's typed errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ksz_client import _xml
from ksz_client._exceptions import (
    InvalidData,
    InvalidSsin,
    NoResult,
    NotIntegrated,
    ResponseError,
    ValidationError,
)
from ksz_client.services.patrimony.models import (
    CadastralParcel,
    NaturePerson,
    PatrimonyOutcome,
    Property,
    PropertyRight,
    RightKind,
    Share,
)
from ksz_client.ssin import Ssin
from ksz_client.types import Money

__all__ = [
    "REFUSALS",
    "Criterion",
    "read_criterion",
    "read_partner",
    "read_property",
    "refusal",
    "write_criterion",
    "write_partner",
    "write_property",
]


@dataclass(frozen=True)
class Criterion:
    ssin: str
    nature: NaturePerson = NaturePerson.APPLICANT
    language: str | None = None


def write_criterion(payload: _xml.Element, c: Criterion) -> None:
    el = _xml.sub(payload, "searchCriterion")
    _xml.sub(_xml.sub(el, "naturalPerson"), "ssin", c.ssin)
    _xml.sub(el, "naturePerson", c.nature.code)
    if c.language:
        _xml.sub(el, "language", c.language)


def read_criterion(payload: _xml.Element) -> Criterion:
    el = _xml.req(payload, "searchCriterion")
    return Criterion(
        ssin=_xml.req_text(el, "naturalPerson/ssin"),
        nature=NaturePerson.from_code(_xml.req_text(el, "naturePerson")),
        language=_xml.opt_text(el, "language"),
    )


# --- refusals -------------------------------------------------------------------------------

REFUSALS: Final[dict[str, tuple[type[NoResult], str]]] = {
    PatrimonyOutcome.INVALID_RESPONSE_FODFIN: (
        NoResult, "FOD Financien gave an answer the KSZ could not read; try again later"),
    PatrimonyOutcome.ERROR_FODFIN: (
        NoResult, "FOD Financien could not answer; try again later"),
    PatrimonyOutcome.VALIDATION_ERROR: (
        InvalidData, "the source found the request data invalid"),
    PatrimonyOutcome.INSZ_UNKNOW_IN_LEGAL_CONTEXT_CBSS: (
        NotIntegrated, "the SSIN is not known to the KSZ for this legal context (integration)"),
    PatrimonyOutcome.INSZ_UNKNOW_IN_LEGAL_CONTEXT_PPSSI: (
        NotIntegrated, "the SSIN is not known to the POD MI for this legal context"),
    PatrimonyOutcome.SSIN_PROBLEM: (
        NoResult, "the source has a problem with this SSIN"),
}
"""Cadnet codes the SDK raises, with the exception class and a message of its own."""


def refusal(exc: NoResult) -> NoResult | None:
    """The typed error for a Cadnet refusal code, or None when `exc` is not one."""
    known = REFUSALS.get(exc.code)
    if known is None:
        return None
    cls, text = known
    return cls(
        f"{exc.code}: {text} (ticketCBSS {exc.ticket_cbss})",
        value=exc.value, code=exc.code, ticket=exc.ticket, ticket_cbss=exc.ticket_cbss,
        details=exc.details,
    )


# --- result ------------------------------------------------------------------------------------


def read_partner(result: _xml.Element) -> Ssin | None:
    text = _xml.opt_text(result, "person/partner/ssin")
    if text is None:
        return None
    try:
        return Ssin(text, allow_test=True)
    except InvalidSsin:
        raise ResponseError("the answer carries a malformed SSIN") from None


def write_partner(result: _xml.Element, ssin: str, partner: str | None) -> None:
    person = _xml.sub(result, "person")
    _xml.sub(person, "ssin", ssin)
    if partner is not None:
        _xml.sub(_xml.sub(person, "partner"), "ssin", partner)


def read_property(el: _xml.Element) -> Property:
    parcel = _xml.req(el, "parcel")
    right = _xml.req(el, "right")
    income = _xml.req_text(el, "cadastralIncome")
    kind = _xml.req_text(right, "type")
    try:
        return Property(
            parcel=CadastralParcel(
                division=_xml.req_text(parcel, "division"),
                section=_xml.req_text(parcel, "section"),
                number=_xml.req_text(parcel, "number"),
            ),
            municipality_code=_xml.req_text(el, "location/municipalityCode"),
            municipality=_xml.opt_text(el, "location/municipality"),
            street=_xml.opt_text(el, "location/street"),
            house_number=_xml.opt_text(el, "location/houseNumber"),
            nature=_xml.req_text(el, "nature/code"),
            nature_description=_xml.opt_text(el, "nature/description"),
            cadastral_income=Money.parse(income),
            right=PropertyRight(
                kind=RightKind(kind) if kind in RightKind.__members__ else RightKind.OTHER,
                share=Share(_int(right, "share/numerator"), _int(right, "share/denominator")),
            ),
        )
    except ValidationError:
        raise ResponseError("a property of the answer has an invalid amount or share") from None


def _int(el: _xml.Element, path: str) -> int:
    value = _xml.opt_int(el, path)
    if value is None:
        raise ResponseError(f"the answer lacks {path}")
    return value


def write_property(parent: _xml.Element, p: Property) -> None:
    el = _xml.sub(parent, "property")
    parcel = _xml.sub(el, "parcel")
    _xml.sub(parcel, "division", p.parcel.division)
    _xml.sub(parcel, "section", p.parcel.section)
    _xml.sub(parcel, "number", p.parcel.number)
    location = _xml.sub(el, "location")
    _xml.sub(location, "municipalityCode", p.municipality_code)
    for tag, value in (("municipality", p.municipality), ("street", p.street),
                       ("houseNumber", p.house_number)):
        if value:
            _xml.sub(location, tag, value)
    nature = _xml.sub(el, "nature")
    _xml.sub(nature, "code", p.nature)
    if p.nature_description:
        _xml.sub(nature, "description", p.nature_description)
    _xml.sub(el, "cadastralIncome", str(p.cadastral_income))
    right = _xml.sub(el, "right")
    _xml.sub(right, "type", p.right.kind.value)
    share = _xml.sub(right, "share")
    _xml.sub(share, "numerator", str(p.right.share.numerator))
    _xml.sub(share, "denominator", str(p.right.share.denominator))
