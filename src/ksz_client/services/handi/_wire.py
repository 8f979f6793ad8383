"""HandiService V2 on the wire: criteria, files and payments per source <-> XML.

The client reads with the ``read_*`` functions, the sandbox writes with the
``write_*`` ones. Element names and order are those of the official
contract. Reading is the same for every source (a source simply lacks what
its schema does not have); writing follows each source's schema (`_SHAPES`),
so that what is written validates against the official regional files.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Final

from ksz_client import _xml
from ksz_client._exceptions import InvalidSsin, ResponseError, ValidationError
from ksz_client.services.handi.models import (
    PAYMENT_SOURCES,
    AdultAssessment,
    CardCategory,
    ChildAssessment,
    DisabilityFile,
    FilePart,
    HandicappedPerson,
    HandiSource,
    IncomeReplacementCategory,
    Payment,
    Pillars,
    Recognition,
    RecognitionDetails,
    RecognitionStatus,
    RequestEvolution,
    Right,
    SocialCard,
    SourceFile,
    SourcePayments,
    SourceStatus,
    SourceStatusValue,
)
from ksz_client.ssin import Ssin
from ksz_client.types import (
    Address,
    AddressKind,
    AnsweredSsin,
    Information,
    Money,
    Month,
    Period,
    PersonName,
)

__all__ = [
    "FilesCriteria",
    "PaymentsCriteria",
    "read_answered_ssin",
    "read_data_filters",
    "read_files",
    "read_files_criteria",
    "read_payments",
    "read_payments_criteria",
    "write_answered_ssin",
    "write_files",
    "write_files_criteria",
    "write_payments",
    "write_payments_criteria",
]

S = HandiSource


@dataclass(frozen=True)
class _Shape:
    """What one source's schema holds, and in which form."""

    admin_pending: bool
    recognition_pending: bool
    recognitions: bool
    rights: str | None  # "rights" (RightsType) or "right" (RightType) in a file at a date
    recognition_required: bool = False  # recognitionStatus, legislation, decisionStatus
    child: tuple[str, ...] = ()  # the child-assessment elements the source has
    adult: str | None = None  # "full" (DGPH) or "independence"
    person: bool = False  # addressHandicappedPerson
    details: bool = False  # handicapRecognitionDetails
    cards: bool = False
    full_rights: bool = False
    right_decision_required: bool = False


_REGIONAL_CHILD = ("inabilityFollowCourse", "pillars", "biiReady")
_SHAPES: Final = {
    S.DGPH: _Shape(True, True, True, "rights", child=(
        "inabilityFollowCourse", "inabilityToWork", "disabilityCode", "independencyScore",
        "pillars", "childPathology"), adult="full", person=True, details=True, cards=True,
        full_rights=True),
    S.VSB: _Shape(True, False, False, "rights"),
    S.KIND_EN_GEZIN: _Shape(False, True, True, None, child=("pillars",)),
    S.IRISCARE: _Shape(True, True, True, "right", True, _REGIONAL_CHILD, "independence",
                       right_decision_required=True),
    S.NICCIN: _Shape(True, True, True, "right", True, (), "independence",
                     right_decision_required=True),
    S.AVIQ: _Shape(False, True, True, None, True, _REGIONAL_CHILD),
    S.DSL: _Shape(False, True, True, None, True, _REGIONAL_CHILD, "independence"),
    S.MDG: _Shape(True, False, False, "right", right_decision_required=True),
}
_ORDER: Final = tuple(HandiSource)  # the contract's order of sources and results


# --- requests -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FilesCriteria:
    """The criteria of consultFilesByDate (`date`) or consultFilesByPeriod (`period`)."""

    ssin: str
    sources: tuple[HandiSource, ...]
    parts: tuple[FilePart, ...]
    date: _dt.date | None = None
    period: Period | None = None
    decision_status: bool = False
    enriched_recognition: bool = False


@dataclass(frozen=True)
class PaymentsCriteria:
    """The criteria of consultPayments."""

    ssin: str
    sources: tuple[HandiSource, ...]
    period: Period


def _write_sources(parent: _xml.Element, sources: Iterable[HandiSource],
                   order: tuple[HandiSource, ...]) -> None:
    el = _xml.sub(parent, "handicapAuthenticSources")
    wanted = set(sources)
    for source in order:
        if source in wanted:
            _xml.sub(el, source.value, "true")


def _read_sources(parent: _xml.Element, order: tuple[HandiSource, ...]
                  ) -> tuple[HandiSource, ...]:
    el = _xml.req(parent, "handicapAuthenticSources")
    return tuple(s for s in order if _xml.opt_text(el, s.value) in ("true", "1"))


def _write_period(parent: _xml.Element, tag: str, period: Period) -> None:
    el = _xml.sub(parent, tag)
    _xml.sub(el, "beginDate", period.start.isoformat())
    if period.end is not None:
        _xml.sub(el, "endDate", period.end.isoformat())


def write_files_criteria(payload: _xml.Element, criteria: FilesCriteria) -> None:
    el = _xml.sub(payload, "criteria")
    _xml.sub(el, "ssin", criteria.ssin)
    _write_sources(el, criteria.sources, _ORDER)
    if criteria.date is not None:
        _xml.sub(el, "referenceDate", criteria.date.isoformat())
    else:
        assert criteria.period is not None
        _write_period(el, "period", criteria.period)
    parts = _xml.sub(el, "parts")
    for part in FilePart:
        if part in criteria.parts:
            _xml.sub(parts, part.value, "true")
    if criteria.date is not None:
        if criteria.decision_status:
            _xml.sub(el, "decisionStatus", "true")
        if criteria.enriched_recognition:
            _xml.sub(el, "enrichedRecognition", "true")


def read_files_criteria(payload: _xml.Element) -> FilesCriteria:
    """The criteria of a files request (the sandbox's side); bad values: ValidationError."""
    el = _xml.req(payload, "criteria")
    parts_el = _xml.req(el, "parts")
    period_el = el.find("period")
    period = None
    if period_el is not None:
        start, end = _xml.opt_date(period_el, "beginDate"), _xml.opt_date(period_el, "endDate")
        if start is None or end is None:
            raise ValidationError("a period needs its beginDate and endDate")
        period = Period(start, end)
    return FilesCriteria(
        ssin=_xml.req_text(el, "ssin"),
        sources=_read_sources(el, _ORDER),
        parts=tuple(p for p in FilePart if _xml.opt_text(parts_el, p.value) in ("true", "1")),
        date=_xml.opt_date(el, "referenceDate"),
        period=period,
        decision_status=_xml.opt_text(el, "decisionStatus") in ("true", "1"),
        enriched_recognition=_xml.opt_text(el, "enrichedRecognition") in ("true", "1"),
    )


def write_payments_criteria(payload: _xml.Element, criteria: PaymentsCriteria) -> None:
    el = _xml.sub(payload, "criteria")
    _xml.sub(el, "ssin", criteria.ssin)
    _write_sources(el, criteria.sources, PAYMENT_SOURCES)
    _write_period(el, "period", criteria.period)


def read_payments_criteria(payload: _xml.Element) -> PaymentsCriteria:
    el = _xml.req(payload, "criteria")
    period = _xml.req(el, "period")
    start, end = _xml.opt_date(period, "beginDate"), _xml.opt_date(period, "endDate")
    if start is None or end is None:
        raise ValidationError("a period needs its beginDate and endDate")
    return PaymentsCriteria(_xml.req_text(el, "ssin"), _read_sources(el, PAYMENT_SOURCES),
                            Period(start, end))


# --- the SSIN the answer is about ---------------------------------------------------------


def _ssin(text: str) -> Ssin:
    try:
        return Ssin(text, allow_test=True)
    except InvalidSsin:
        raise ResponseError("the answer carries a malformed SSIN") from None


def read_answered_ssin(payload: _xml.Element) -> AnsweredSsin | None:
    """The response's ``ssin`` (SsinWithCanceledAndReplacedByStatusType), if present."""
    el = payload.find("ssin")
    if el is None or not (el.text or "").strip():
        return None
    replaced_by = el.get("replacedBy")
    return AnsweredSsin(
        ssin=_ssin((el.text or "").strip()),
        canceled=_xml.opt_bool(el.get("canceled")) or False,
        replaced_by=_ssin(replaced_by) if replaced_by else None,
    )


def write_answered_ssin(parent: _xml.Element, answered: AnsweredSsin) -> None:
    el = _xml.sub(parent, "ssin", str(answered.ssin))
    if answered.canceled:
        el.set("canceled", "true")
    if answered.replaced_by is not None:
        el.set("replacedBy", str(answered.replaced_by))


def read_data_filters(payload: _xml.Element) -> tuple[str, ...]:
    return tuple(t for t in (_xml.opt_text(f, "") for f in
                             payload.iterfind("dataFilters/filteredElement")) if t)


# --- small readers and writers ------------------------------------------------------------


def _bool(el: _xml.Element | None, path: str) -> bool | None:
    text = _xml.opt_text(el, path)
    if text is None:
        return None
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise ResponseError(f"{path} is neither true nor false")


def _req_bool(el: _xml.Element, path: str) -> bool:
    value = _bool(el, path)
    if value is None:
        raise ResponseError(f"the answer lacks the required element {path}")
    return value


def _decimal(el: _xml.Element | None, path: str) -> Decimal | None:
    text = _xml.opt_text(el, path)
    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ResponseError(f"{path} is not a number") from None
    if not value.is_finite():
        raise ResponseError(f"{path} is not a number")
    return value


def _money(el: _xml.Element, path: str) -> Money:
    # MoneyAmountType: euro as xs:decimal with two decimals; never through a float.
    value = _decimal(el, path)
    if value is None:
        raise ResponseError(f"the answer lacks the required element {path}")
    cents = value * 100
    if cents != cents.to_integral_value():
        raise ResponseError(f"{path} has more than two decimals")
    return Money(int(cents))


def _opt_money(el: _xml.Element, path: str) -> Money | None:
    return _money(el, path) if _xml.opt_text(el, path) is not None else None


def _period(el: _xml.Element) -> Period:
    start = _xml.opt_date(el, "beginDate")
    if start is None:
        raise ResponseError("a period lacks its beginDate")
    try:
        return Period(start, _xml.opt_date(el, "endDate"))
    except ValidationError:
        raise ResponseError("a period ends before it starts") from None


def _put(parent: _xml.Element, tag: str, value: object) -> None:
    """Append ``tag`` with the wire form of `value`; nothing for None."""
    if value is None:
        return
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, _dt.date):
        text = value.isoformat()
    else:
        text = str(value)
    _xml.sub(parent, tag, text)


# --- the person ---------------------------------------------------------------------------

_ADDRESS_CLASS: Final = {"belgianAddress": AddressKind.RESIDENTIAL,
                         "foreignAddress": AddressKind.RESIDENTIAL,
                         "diplomaticPost": AddressKind.DIPLOMATIC_POST}


def _read_person(el: _xml.Element) -> HandicappedPerson:
    first = _xml.opt_text(el, "firstName")
    address = el.find("address")
    return HandicappedPerson(
        name=PersonName(_xml.req_text(el, "lastName"), (first,) if first else ()),
        address=Address(
            kind=_ADDRESS_CLASS.get(address.get("class") or "", AddressKind.RESIDENTIAL),
            street=_xml.opt_text(address, "streetName"),
            house_number=_xml.opt_text(address, "houseNumber"),
            box=_xml.opt_text(address, "boxNumber"),
            postal_code=_xml.opt_text(address, "postalCode"),
            municipality=_xml.opt_text(address, "cityName"),
            municipality_code=_xml.opt_text(address, "cityCode"),
            country_code=_xml.req_text(address, "countryCode"),
            since=_xml.opt_date(address, "date"),
        ) if address is not None else None,
    )


def _write_person(parent: _xml.Element, person: HandicappedPerson) -> None:
    el = _xml.sub(parent, "addressHandicappedPerson")
    _xml.sub(el, "lastName", person.name.last_name[:48])
    if person.name.given_names:
        _xml.sub(el, "firstName", person.name.given_names[0][:24])
    address = person.address
    if address is None:
        return
    item = _xml.sub(el, "address")
    country = address.country_code or "150"
    item.set("class", "diplomaticPost" if address.kind is AddressKind.DIPLOMATIC_POST
             else "belgianAddress" if country == "150" else "foreignAddress")
    for tag, value in (("streetName", address.street), ("houseNumber", address.house_number),
                       ("boxNumber", address.box), ("postalCode", address.postal_code),
                       ("cityCode", address.municipality_code),
                       ("cityName", address.municipality), ("countryCode", country),
                       ("date", address.since)):
        _put(item, tag, value)


# --- evolution of the request -------------------------------------------------------------


def _read_evolution(el: _xml.Element) -> RequestEvolution:
    legislation = _xml.opt_int(el, "legislation")
    if legislation is None:
        raise ResponseError("the answer lacks the required element evolutionOfRequest/legislation")
    return RequestEvolution(
        legislation=legislation,
        appeal=_req_bool(el, "appeal"),
        request_date=_xml.opt_date(el, "requestDate"),
        administrative_pending=_bool(el, "administrativePendingRequest"),
        recognition_pending=_bool(el, "handicapRecognitionPending"),
        file_completion_date=_xml.opt_date(el, "fileCompletionDate"),
    )


def _write_evolution(parent: _xml.Element, shape: _Shape, evolution: RequestEvolution) -> None:
    el = _xml.sub(parent, "evolutionOfRequest")
    _put(el, "legislation", evolution.legislation)
    _put(el, "requestDate", evolution.request_date)
    if shape.admin_pending:
        _put(el, "administrativePendingRequest", bool(evolution.administrative_pending))
    if shape.recognition_pending:
        _put(el, "handicapRecognitionPending", bool(evolution.recognition_pending))
    _put(el, "fileCompletionDate", evolution.file_completion_date)
    _put(el, "appeal", evolution.appeal)


# --- recognitions -------------------------------------------------------------------------


def _read_pillars(el: _xml.Element | None) -> Pillars | None:
    if el is None:
        return None
    return Pillars(_xml.opt_int(el, "pillar1"), _xml.opt_int(el, "pillar2"),
                   _xml.opt_int(el, "pillar3"), _xml.opt_int(el, "pillarsTotal"))


def _read_child(el: _xml.Element | None) -> ChildAssessment | None:
    if el is None:
        return None
    return ChildAssessment(
        inability_to_follow_course=_bool(el, "inabilityFollowCourse"),
        inability_to_work=_bool(el, "inabilityToWork"),
        disability_code=_xml.opt_int(el, "disabilityCode"),
        independency_score=_xml.opt_int(el, "independencyScore"),
        pillars=_read_pillars(el.find("pillars")),
        child_pathology=_bool(el, "childPathology"),
        bii_ready=_bool(el, "biiReady"),
    )


def _read_adult(el: _xml.Element | None) -> AdultAssessment | None:
    if el is None:
        return None
    points = el.find("diminuationIndependence")
    return AdultAssessment(
        mobility=_xml.opt_int(points, "mobility"),
        nourishment=_xml.opt_int(points, "nourishment"),
        hygiene=_xml.opt_int(points, "hygiene"),
        household=_xml.opt_int(points, "household"),
        supervision=_xml.opt_int(points, "supervision"),
        social_skills=_xml.opt_int(points, "socialSkills"),
        total_points=_xml.opt_int(points, "totalPoints"),
        reduced_earning_capacity=_bool(el, "diminuationEarnings"),
        mental_unsuitability=_decimal(el, "unsuitability/mentalUnsuitability"),
        physical_unsuitability=_decimal(el, "unsuitability/physicalUnsuitability"),
    )


def _read_recognition(el: _xml.Element) -> Recognition:
    status_el = el.find("recognitionStatus")
    status = None
    if status_el is not None:
        decided = _xml.opt_date(status_el, "dateOfDecision")
        start = _xml.opt_date(status_el, "startDateRecognition")
        if decided is None or start is None:
            raise ResponseError("a recognitionStatus lacks its dates")
        try:
            period = Period(start, _xml.opt_date(status_el, "endDateRecognition"))
        except ValidationError:
            raise ResponseError("a recognition ends before it starts") from None
        status = RecognitionStatus(decided, period)
    details = el.find("handicapRecognitionDetails")
    return Recognition(
        status=status,
        legislation=_xml.opt_int(el, "legislation"),
        details=RecognitionDetails(
            _req_bool(details, "lowerLimbs50p"), _req_bool(details, "fullBlindness"),
            _req_bool(details, "upperLimbsAmputated"), _req_bool(details, "upperLimbsParalyzed"),
        ) if details is not None else None,
        child=_read_child(el.find("resultRecognitionChild")),
        adult=_read_adult(el.find("resultRecognitionAdult")),
        decision_status=_xml.opt_text(el, "decisionStatus"),
    )


def _write_child(parent: _xml.Element, shape: _Shape, child: ChildAssessment) -> None:
    el = _xml.sub(parent, "resultRecognitionChild")
    values: dict[str, object] = {
        "inabilityFollowCourse": child.inability_to_follow_course,
        "inabilityToWork": child.inability_to_work,
        "disabilityCode": child.disability_code,
        "independencyScore": child.independency_score,
        "childPathology": child.child_pathology,
        "biiReady": child.bii_ready,
    }
    for tag in shape.child:
        if tag == "pillars":
            if child.pillars is not None or shape.child == ("pillars",):
                pillars = child.pillars or Pillars()
                item = _xml.sub(el, "pillars")
                for name, value in (("pillar1", pillars.pillar1), ("pillar2", pillars.pillar2),
                                    ("pillar3", pillars.pillar3),
                                    ("pillarsTotal", pillars.total)):
                    _put(item, name, value)
        else:
            _put(el, tag, values[tag])


def _write_adult(parent: _xml.Element, shape: _Shape, adult: AdultAssessment) -> None:
    el = _xml.sub(parent, "resultRecognitionAdult")
    points = _xml.sub(el, "diminuationIndependence")
    for tag, value in (("mobility", adult.mobility), ("nourishment", adult.nourishment),
                       ("hygiene", adult.hygiene), ("household", adult.household),
                       ("supervision", adult.supervision), ("socialSkills", adult.social_skills),
                       ("totalPoints", adult.total_points)):
        _put(points, tag, value)
    if shape.adult != "full":
        return
    _put(el, "diminuationEarnings", adult.reduced_earning_capacity)
    if adult.mental_unsuitability is not None or adult.physical_unsuitability is not None:
        item = _xml.sub(el, "unsuitability")
        _put(item, "mentalUnsuitability", adult.mental_unsuitability)
        _put(item, "physicalUnsuitability", adult.physical_unsuitability)


def _write_recognition(parent: _xml.Element, shape: _Shape, recognition: Recognition) -> None:
    el = _xml.sub(parent, "handicapRecognition")
    if recognition.status is not None:
        item = _xml.sub(el, "recognitionStatus")
        _put(item, "dateOfDecision", recognition.status.decided)
        _put(item, "startDateRecognition", recognition.status.period.start)
        _put(item, "endDateRecognition", recognition.status.period.end)
    _put(el, "legislation", recognition.legislation)
    if shape.details and recognition.details is not None:
        details = _xml.sub(el, "handicapRecognitionDetails")
        for tag, value in (("lowerLimbs50p", recognition.details.lower_limbs_50p),
                           ("fullBlindness", recognition.details.full_blindness),
                           ("upperLimbsAmputated", recognition.details.upper_limbs_amputated),
                           ("upperLimbsParalyzed", recognition.details.upper_limbs_paralyzed)):
            _put(details, tag, value)
    if recognition.child is not None and shape.child:
        _write_child(el, shape, recognition.child)
    elif recognition.adult is not None and shape.adult is not None:
        _write_adult(el, shape, recognition.adult)
    if recognition.decision_status is not None or shape.recognition_required:
        _put(el, "decisionStatus", (recognition.decision_status or "")[:100])


# --- rights, cards, payments --------------------------------------------------------------


def _read_right(el: _xml.Element) -> Right:
    legislation = _xml.opt_int(el, "legislation")
    category = _xml.opt_text(el, "categoryIVT")
    if legislation is None:
        raise ResponseError("the answer lacks the required element right/legislation")
    try:
        ivt = IncomeReplacementCategory(category) if category is not None else None
    except ValueError:
        raise ResponseError("unknown categoryIVT in the answer") from None
    return Right(
        period=_period(_xml.req(el, "period")),
        legislation=legislation,
        total_monthly=_money(el, "totalMonthAmount"),
        monthly=_opt_money(el, "monthAmount"),
        category_ivt=ivt,
        category_it=_xml.opt_int(el, "categoryIT"),
        partner_income=_bool(el, "partnerIncome"),
        decision_status=_xml.opt_text(el, "decisionStatus"),
    )


def _write_right(parent: _xml.Element, tag: str, shape: _Shape, right: Right) -> None:
    el = _xml.sub(parent, tag)
    _write_period(el, "period", right.period)
    _put(el, "legislation", right.legislation)
    _put(el, "totalMonthAmount", right.total_monthly)
    if shape.full_rights:
        _put(el, "monthAmount", right.monthly or right.total_monthly)
        _put(el, "categoryIVT", (right.category_ivt or IncomeReplacementCategory.NONE).value)
        _put(el, "categoryIT", right.category_it or 0)
        _put(el, "partnerIncome", bool(right.partner_income))
    if right.decision_status is not None or shape.right_decision_required:
        _put(el, "decisionStatus", (right.decision_status or "")[:100])


def _read_card(el: _xml.Element) -> SocialCard:
    delivered = _xml.opt_date(el, "deliveryDate")
    if delivered is None:
        raise ResponseError("a social card lacks its deliveryDate")
    try:
        category = CardCategory(_xml.req_text(el, "cardCategory"))
    except ValueError:
        raise ResponseError("unknown cardCategory in the answer") from None
    return SocialCard(delivered=delivered, number=_xml.req_text(el, "cardNumber"),
                      category=category, end=_xml.opt_date(el, "endDate"))


def _write_card(parent: _xml.Element, card: SocialCard) -> None:
    el = _xml.sub(parent, "socialCard")
    _put(el, "deliveryDate", card.delivered)
    _put(el, "endDate", card.end)
    _put(el, "cardNumber", card.number)
    _put(el, "cardCategory", card.category.value)


def _read_payment(el: _xml.Element) -> Payment:
    text = _xml.req_text(el, "yearMonth")
    try:
        month = Month.parse(text[:7])
    except ValidationError:
        raise ResponseError("a payment's yearMonth is not YYYY-MM") from None
    return Payment(month=month, amount=_money(el, "amount"),
                   cancelled=_req_bool(el, "cancelledPayment"))


# --- files --------------------------------------------------------------------------------


def read_file(el: _xml.Element) -> DisabilityFile:
    """A DisabilityFile from any source's FileType or FileByPeriodType element."""
    rights: list[Right] = []
    for child in el:
        if child.tag == "right":  # a regional file at a date
            rights.append(_read_right(child))
        elif child.tag == "rights":  # a file over a period, or the DGPH/VSB file at a date
            listed = list(child.iterfind("right"))
            if listed:
                rights.extend(_read_right(r) for r in listed)
            else:
                rights.append(_read_right(child))
    person = el.find("addressHandicappedPerson")
    evolution = el.find("evolutionOfRequest")
    return DisabilityFile(
        person=_read_person(person) if person is not None else None,
        evolution=_read_evolution(evolution) if evolution is not None else None,
        recognitions=tuple(_read_recognition(r) for r in
                           el.iterfind("handicapRecognitions/handicapRecognition")),
        rights=tuple(rights),
        social_cards=tuple(_read_card(c) for c in el.iterfind("socialCards/socialCard")),
    )


def write_file(parent: _xml.Element, source: HandiSource, file: DisabilityFile, *,
               by_period: bool) -> _xml.Element:
    """Append a ``file`` element in `source`'s schema (FileType, or FileByPeriodType)."""
    shape = _SHAPES[source]
    el = _xml.sub(parent, "file")
    if shape.person and file.person is not None:
        _write_person(el, file.person)
    if file.evolution is not None:
        _write_evolution(el, shape, file.evolution)
    if shape.recognitions and file.recognitions:
        group = _xml.sub(el, "handicapRecognitions")
        for recognition in file.recognitions[:50 if by_period else 10]:
            _write_recognition(group, shape, recognition)
    if shape.rights is not None and file.rights:
        if by_period:
            group = _xml.sub(el, "rights")
            for right in file.rights[:50]:
                _write_right(group, "right", shape, right)
        else:
            _write_right(el, shape.rights, shape, file.rights[0])
    if shape.cards and file.social_cards:
        group = _xml.sub(el, "socialCards")
        for card in file.social_cards[:10 if by_period else 2]:
            _write_card(group, card)
    return el


# --- per-source results -------------------------------------------------------------------


def _read_status(el: _xml.Element) -> SourceStatus:
    try:
        value = SourceStatusValue(_xml.req_text(el, "value"))
    except ValueError:
        raise ResponseError("unknown status value of a source") from None
    return SourceStatus(
        value=value,
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
    _put(el, "description", status.description)
    for info in status.information[:15]:
        item = _xml.sub(el, "information")
        _xml.sub(item, "fieldName", info.name)
        _put(item, "fieldValue", info.value)


def read_files(payload: _xml.Element) -> tuple[SourceFile, ...]:
    """Each source's part of a files response, in contract order (none without ``results``)."""
    results = payload.find("results")
    out = []
    for source in _ORDER:
        el = results.find(source.result_element) if results is not None else None
        if el is None:
            continue
        file = el.find("file")
        out.append(SourceFile(source, _read_status(_xml.req(el, "status")),
                              read_file(file) if file is not None else None))
    return tuple(out)


def write_files(parent: _xml.Element, sources: tuple[SourceFile, ...], *,
                by_period: bool) -> None:
    """Append ``results`` with each source's part, in contract order."""
    if not sources:
        return
    results = _xml.sub(parent, "results")
    by_source = {s.source: s for s in sources}
    for source in _ORDER:
        part = by_source.get(source)
        if part is None:
            continue
        el = _xml.sub(results, source.result_element)
        _write_status(el, part.status)
        if part.file is not None:
            write_file(el, source, part.file, by_period=by_period)


def read_payments(payload: _xml.Element) -> tuple[SourcePayments, ...]:
    results = payload.find("results")
    out = []
    for source in PAYMENT_SOURCES:
        el = results.find(source.result_element) if results is not None else None
        if el is None:
            continue
        out.append(SourcePayments(
            source, _read_status(_xml.req(el, "status")),
            tuple(_read_payment(p) for p in el.iterfind("payments/payment"))))
    return tuple(out)


def write_payments(parent: _xml.Element, sources: tuple[SourcePayments, ...]) -> None:
    if not sources:
        return
    results = _xml.sub(parent, "results")
    by_source = {s.source: s for s in sources}
    for source in PAYMENT_SOURCES:
        part = by_source.get(source)
        if part is None:
            continue
        el = _xml.sub(results, source.result_element)
        _write_status(el, part.status)
        if part.payments:
            group = _xml.sub(el, "payments")
            for payment in part.payments[:24]:
                item = _xml.sub(group, "payment")
                _put(item, "yearMonth", str(payment.month))
                _put(item, "amount", payment.amount)
                _put(item, "cancelledPayment", payment.cancelled)
