"""Typed models of JobSeeker V1: registration as a job seeker at FOREM, ACTIRIS, VDAB, ADG."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from enum import StrEnum

from ksz_client.types import Address, AnsweredSsin, Information, Receipt, Status, StatusValue

__all__ = [
    "Category",
    "Contact",
    "Description",
    "Inscription",
    "JobSeekerResult",
    "Phone",
    "PublicEmploymentService",
    "ServiceResult",
    "SourceStatus",
    "SourceStatusValue",
]


class PublicEmploymentService(StrEnum):
    """The regional public employment services (PESValueType)."""

    ACTIRIS = "ACTIRIS"  # Brussels
    VDAB = "VDAB"  # Flanders
    FOREM = "FOREM"  # Wallonia
    ADG = "ADG"  # German-speaking Community (Arbeitsamt der DG)


class SourceStatusValue(StrEnum):
    """The status of one service's part of the answer."""

    DATA_FOUND = "DATA_FOUND"
    NO_DATA_FOUND = "NO_DATA_FOUND"
    NO_RESULT = "NO_RESULT"
    TECHNICAL_ERROR = "TECHNICAL_ERROR"
    """The service could not be reached: its part is missing (global INCOMPLETE_DATA)."""


@dataclass(frozen=True)
class SourceStatus:
    """The status one public employment service answered with."""

    value: SourceStatusValue
    code: str
    description: str | None = None
    information: tuple[Information, ...] = ()


@dataclass(frozen=True)
class Description:
    """A description in one language (NL, FR or DE)."""

    language: str
    text: str


@dataclass(frozen=True)
class Category:
    """A job-seeker category: the service's own (``VDAB001``) or a national NEO code (``010``)."""

    code: str
    descriptions: tuple[Description, ...] = ()

    def description(self, language: str = "NL") -> str | None:
        """The description in `language`, else the first one, else None."""
        for item in self.descriptions:
            if item.language == language:
                return item.text
        return self.descriptions[0].text if self.descriptions else None

    def __str__(self) -> str:
        text = self.description()
        return f"{self.code} {text}" if text else self.code


@dataclass(frozen=True)
class Phone:
    """A phone number; `fixed` True for a fixed line, False for a mobile, None when unknown."""

    number: str
    fixed: bool | None = None

    def __str__(self) -> str:
        return self.number


@dataclass(frozen=True)
class Contact:
    """The contact details the service keeps: a Belgian address or a foreign one (free text)."""

    address: Address | None = None
    foreign_address: str | None = None
    phones: tuple[Phone, ...] = ()
    email: str | None = None
    updated: _dt.datetime | None = None


@dataclass(frozen=True)
class Inscription:
    """An inscription (registration event) with the categories it was filed under."""

    at: _dt.datetime
    categories: tuple[Category, ...]
    """The service's categories (1 or 2), e.g. ``VDAB001``."""
    neo_categories: tuple[Category, ...] = ()
    """The national NEO categories (up to 2)."""
    eurostat_date: _dt.date | None = None


@dataclass(frozen=True)
class ServiceResult:
    """What one public employment service answered."""

    service: PublicEmploymentService
    status: SourceStatus
    contact: Contact | None = None
    inscriptions: tuple[Inscription, ...] = ()

    @property
    def answered(self) -> bool:
        """The service answered (with or without data)."""
        return self.status.value in (SourceStatusValue.DATA_FOUND,
                                     SourceStatusValue.NO_DATA_FOUND)


@dataclass(frozen=True)
class JobSeekerResult:
    """The answer to `JobSeekerService.contact_and_inscription`, per public employment service.

    ``status`` is DATA_FOUND, NO_DATA_FOUND, or INCOMPLETE_DATA when some
    service could not answer: `complete` is False then and
    `unavailable_services` names them; the other services' data is there.
    """

    services: tuple[ServiceResult, ...]
    status: Status
    receipt: Receipt
    ssin: AnsweredSsin | None = None
    data_filters: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return self.status.value != StatusValue.INCOMPLETE_DATA

    @property
    def unavailable_services(self) -> tuple[PublicEmploymentService, ...]:
        return tuple(s.service for s in self.services if not s.answered)

    @property
    def inscriptions(self) -> tuple[tuple[PublicEmploymentService, Inscription], ...]:
        """Every inscription of every service, oldest first."""
        return tuple(sorted(((s.service, i) for s in self.services for i in s.inscriptions),
                            key=lambda pair: pair[1].at))

    @property
    def registered(self) -> bool:
        """Some service knows an inscription for the person."""
        return bool(self.inscriptions)

    def of(self, service: PublicEmploymentService | str) -> ServiceResult | None:
        """The part of one service, if it was asked."""
        wanted = PublicEmploymentService(service)
        return next((s for s in self.services if s.service is wanted), None)
