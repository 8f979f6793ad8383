"""Typed models of HandiService V2: disability files, allowances and payments, per source.

The federal DG Persons with disabilities (DGPH) and seven regional sources
answer side by side; each has its own `SourceStatus`. A source that could not
be reached answers TECHNICAL_ERROR and the global status is INCOMPLETE_DATA
(HAN20200): a result, not an error (`FilesResult.complete`,
`FilesResult.unavailable_sources`).

The models type what the sources share and the DGPH's data in full; a
regional source fills the fields its own schema has (e.g. VSB has no
recognitions, Kind en Gezin no rights) and leaves the others empty.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from ksz_client._exceptions import ValidationError
from ksz_client.types import (
    Address,
    AnsweredSsin,
    Information,
    Money,
    Month,
    Period,
    PersonName,
    Receipt,
    Status,
    StatusValue,
)

__all__ = [
    "AdultAssessment",
    "CardCategory",
    "ChildAssessment",
    "DisabilityFile",
    "FilePart",
    "FilesResult",
    "HandiSource",
    "HandicappedPerson",
    "IncomeReplacementCategory",
    "Payment",
    "PaymentsResult",
    "Pillars",
    "Recognition",
    "RecognitionDetails",
    "RecognitionStatus",
    "RequestEvolution",
    "Right",
    "SocialCard",
    "SourceFile",
    "SourcePayments",
    "SourceStatus",
    "SourceStatusValue",
]


class HandiSource(StrEnum):
    """The authentic sources of HandiService, by their criteria element name."""

    DGPH = "DGPH"
    """DG Persons with disabilities (federal): income replacement and integration allowances."""
    VSB = "VSB"
    """Vlaamse sociale bescherming (Flanders): care budget."""
    KIND_EN_GEZIN = "KindEnGezin"
    """Kind en Gezin / Opgroeien (Flanders): recognitions of children."""
    IRISCARE = "IrisCare"
    """Iriscare (Brussels)."""
    NICCIN = "NicCin"
    """NIC/CIN, the mutualities (allowance for help to the elderly, ...)."""
    AVIQ = "AVIQ"
    """Agence pour une Vie de Qualité (Wallonia)."""
    DSL = "DSL"
    """Dienststelle für Selbstbestimmtes Leben (German-speaking Community)."""
    MDG = "MDG"
    """Ministerium der Deutschsprachigen Gemeinschaft."""

    @classmethod
    def parse(cls, value: HandiSource | str) -> HandiSource:
        """A source by its name, in any case (``dgph``, ``KindEnGezin``); ValidationError else."""
        if isinstance(value, HandiSource):
            return value
        for source in cls:
            if source.value.casefold() == value.strip().casefold():
                return source
        raise ValidationError("a source is one of " + ", ".join(s.value for s in cls))

    @property
    def result_element(self) -> str:
        """The element of this source's part of the results (``dgphResult``, ...)."""
        return _RESULT_ELEMENTS[self]

    @property
    def pays(self) -> bool:
        """Whether consultPayments can ask this source."""
        return self in PAYMENT_SOURCES


_RESULT_ELEMENTS = {
    HandiSource.DGPH: "dgphResult", HandiSource.VSB: "vsbResult",
    HandiSource.KIND_EN_GEZIN: "kindEnGezinResult", HandiSource.IRISCARE: "irisCareResult",
    HandiSource.NICCIN: "nicCinResult", HandiSource.AVIQ: "aviqResult",
    HandiSource.DSL: "dslResult", HandiSource.MDG: "mdgResult",
}
PAYMENT_SOURCES = (HandiSource.DGPH, HandiSource.VSB, HandiSource.IRISCARE, HandiSource.NICCIN,
                   HandiSource.MDG)
"""The sources consultPayments can ask, in contract order."""


class FilePart(StrEnum):
    """The parts of a file to ask for."""

    EVOLUTION_OF_REQUEST = "evolutionOfRequest"
    HANDICAP_RECOGNITIONS = "handicapRecognitions"
    RIGHTS = "rights"
    SOCIAL_CARDS = "socialCards"


class SourceStatusValue(StrEnum):
    """The status of one source's part of the answer."""

    DATA_FOUND = "DATA_FOUND"
    NO_DATA_FOUND = "NO_DATA_FOUND"
    TECHNICAL_ERROR = "TECHNICAL_ERROR"
    """The source could not be reached: its part is missing (global INCOMPLETE_DATA)."""
    NO_RESULT = "NO_RESULT"


class CardCategory(StrEnum):
    """The social cards the DGPH issues."""

    PARKINGCARD = "PARKINGCARD"
    REDUCTIONCARD = "REDUCTIONCARD"


class IncomeReplacementCategory(StrEnum):
    """The DGPH's category for the income replacement allowance (``categoryIVT``)."""

    A = "A"  # cohabiting
    B = "B"  # living alone
    C = "C"  # with a household
    NONE = "-"


@dataclass(frozen=True)
class SourceStatus:
    """The status one source answered with."""

    value: SourceStatusValue
    code: str
    description: str | None = None
    information: tuple[Information, ...] = ()


@dataclass(frozen=True)
class HandicappedPerson:
    """The person and address as the DGPH knows them (``addressHandicappedPerson``)."""

    name: PersonName
    address: Address | None = None


@dataclass(frozen=True)
class RequestEvolution:
    """Where the request for recognition or allowances stands.

    ``legislation`` is the source's code of the legislation the request falls
    under (0-20). The pending flags exist only at the sources that have them.
    """

    legislation: int
    appeal: bool
    request_date: _dt.date | None = None
    administrative_pending: bool | None = None
    recognition_pending: bool | None = None
    file_completion_date: _dt.date | None = None


@dataclass(frozen=True)
class RecognitionStatus:
    """When the recognition was decided and the period it covers."""

    decided: _dt.date
    period: Period


@dataclass(frozen=True)
class RecognitionDetails:
    """The DGPH's details of a recognition (they open rights such as tax reductions)."""

    lower_limbs_50p: bool
    full_blindness: bool
    upper_limbs_amputated: bool
    upper_limbs_paralyzed: bool


@dataclass(frozen=True)
class Pillars:
    """The three pillars of a child's assessment (0-6, 0-12, 0-18) and their total."""

    pillar1: int | None = None
    pillar2: int | None = None
    pillar3: int | None = None
    total: int | None = None


@dataclass(frozen=True)
class ChildAssessment:
    """The assessment of a child's disability; each source gives part of these fields."""

    inability_to_follow_course: bool | None = None
    inability_to_work: bool | None = None
    disability_code: int | None = None
    independency_score: int | None = None
    pillars: Pillars | None = None
    child_pathology: bool | None = None
    bii_ready: bool | None = None


@dataclass(frozen=True)
class AdultAssessment:
    """The reduced independence of an adult: six categories of 0-3 points, total 0-18.

    The DGPH adds the reduced earning capacity and the unsuitability
    percentages.
    """

    mobility: int | None = None
    nourishment: int | None = None
    hygiene: int | None = None
    household: int | None = None
    supervision: int | None = None
    social_skills: int | None = None
    total_points: int | None = None
    reduced_earning_capacity: bool | None = None
    mental_unsuitability: Decimal | None = None
    physical_unsuitability: Decimal | None = None


@dataclass(frozen=True)
class Recognition:
    """A recognition of the disability."""

    status: RecognitionStatus | None = None
    legislation: int | None = None
    details: RecognitionDetails | None = None
    child: ChildAssessment | None = None
    adult: AdultAssessment | None = None
    decision_status: str | None = None


@dataclass(frozen=True)
class Right:
    """A right to an allowance for a period, with its monthly amount.

    ``total_monthly`` is what every source gives; the DGPH adds the amount
    actually paid per month, the categories and whether a partner's income
    was taken into account.
    """

    period: Period
    legislation: int
    total_monthly: Money
    monthly: Money | None = None
    category_ivt: IncomeReplacementCategory | None = None
    category_it: int | None = None
    """The integration allowance category, 0 (none) to 5."""
    partner_income: bool | None = None
    decision_status: str | None = None

    def covers(self, day: _dt.date) -> bool:
        return self.period.contains(day)


@dataclass(frozen=True)
class SocialCard:
    """A parking card or reduction card."""

    delivered: _dt.date
    number: str
    category: CardCategory
    end: _dt.date | None = None


@dataclass(frozen=True)
class DisabilityFile:
    """A source's disability file: the parts asked for that the source has."""

    person: HandicappedPerson | None = None
    evolution: RequestEvolution | None = None
    recognitions: tuple[Recognition, ...] = ()
    rights: tuple[Right, ...] = ()
    social_cards: tuple[SocialCard, ...] = ()

    def right_at(self, day: _dt.date) -> Right | None:
        """The right that covers `day`, if any."""
        return next((r for r in self.rights if r.covers(day)), None)


@dataclass(frozen=True)
class SourceFile:
    """One source's part of a files answer."""

    source: HandiSource
    status: SourceStatus
    file: DisabilityFile | None = None

    @property
    def answered(self) -> bool:
        """The source answered (with or without a file)."""
        return self.status.value in (SourceStatusValue.DATA_FOUND, SourceStatusValue.NO_DATA_FOUND)


@dataclass(frozen=True)
class Payment:
    """An allowance payment of one month (``cancelled``: the payment was cancelled)."""

    month: Month
    amount: Money
    cancelled: bool = False


@dataclass(frozen=True)
class SourcePayments:
    """One source's payments."""

    source: HandiSource
    status: SourceStatus
    payments: tuple[Payment, ...] = ()

    @property
    def answered(self) -> bool:
        return self.status.value in (SourceStatusValue.DATA_FOUND, SourceStatusValue.NO_DATA_FOUND)

    @property
    def total(self) -> Money:
        """The sum of the payments that were not cancelled."""
        return Money(sum(p.amount.cents for p in self.payments if not p.cancelled))


@dataclass(frozen=True)
class FilesResult:
    """The answer to `HandiService.files_by_date` / `files_by_period`, per source asked.

    ``status`` is DATA_FOUND, NO_DATA_FOUND, or INCOMPLETE_DATA (HAN20200)
    when some source could not answer; the others' files are there.
    """

    sources: tuple[SourceFile, ...]
    status: Status
    receipt: Receipt
    ssin: AnsweredSsin | None = None
    data_filters: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """False when some source could not answer (status INCOMPLETE_DATA, HAN20200)."""
        return self.status.value != StatusValue.INCOMPLETE_DATA

    @property
    def answered_sources(self) -> tuple[HandiSource, ...]:
        return tuple(s.source for s in self.sources if s.answered)

    @property
    def unavailable_sources(self) -> tuple[HandiSource, ...]:
        """The sources whose part is missing (TECHNICAL_ERROR or NO_RESULT)."""
        return tuple(s.source for s in self.sources if not s.answered)

    @property
    def files(self) -> tuple[tuple[HandiSource, DisabilityFile], ...]:
        """The files found, with their source."""
        return tuple((s.source, s.file) for s in self.sources if s.file is not None)

    def of(self, source: HandiSource | str) -> SourceFile | None:
        """The part of one source, if it was asked."""
        wanted = HandiSource.parse(source)
        return next((s for s in self.sources if s.source is wanted), None)


@dataclass(frozen=True)
class PaymentsResult:
    """The answer to `HandiService.payments`, per source asked."""

    sources: tuple[SourcePayments, ...]
    status: Status
    receipt: Receipt
    ssin: AnsweredSsin | None = None

    @property
    def complete(self) -> bool:
        """False when some source could not answer (status INCOMPLETE_DATA, HAN20200)."""
        return self.status.value != StatusValue.INCOMPLETE_DATA

    @property
    def answered_sources(self) -> tuple[HandiSource, ...]:
        return tuple(s.source for s in self.sources if s.answered)

    @property
    def unavailable_sources(self) -> tuple[HandiSource, ...]:
        """The sources whose part is missing (TECHNICAL_ERROR or NO_RESULT)."""
        return tuple(s.source for s in self.sources if not s.answered)

    @property
    def total(self) -> Money:
        """All sources' payments that were not cancelled."""
        return Money(sum(s.total.cents for s in self.sources))

    def of(self, source: HandiSource | str) -> SourcePayments | None:
        """The payments of one source, if it was asked."""
        wanted = HandiSource.parse(source)
        return next((s for s in self.sources if s.source is wanted), None)
