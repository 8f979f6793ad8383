"""PersonService V4: `client.person.get(ssin)` and `client.person.search(...)`."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

from ksz_client import catalogue
from ksz_client._exceptions import ValidationError
from ksz_client.services._registry import operation
from ksz_client.services.person import _wire
from ksz_client.services.person.models import (
    GivenNameMatching,
    PersonResult,
    PersonSearchResult,
    SearchCriteria,
)
from ksz_client.ssin import Gender
from ksz_client.types import CallContext, PartialDate

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["PersonService"]


class PersonService:
    """PersonService V4 (KSZ; source: national register and KSZ BIS register).

    Legal data of a person: names, birth, gender, nationalities, civil states,
    addresses, decease and register. No prior integration is needed.
    Contract: modelled on the WS-Consult conventions (no public contract).
    """

    service = catalogue.get("PersonService")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("searchPersonBySsin")
    def get(
        self,
        ssin: str,
        *,
        language: str | None = None,
        context: CallContext | None = None,
    ) -> PersonResult:
        """Search a person by SSIN (``searchPersonBySsin``).

        Returns the person (status DATA_FOUND) or ``person=None`` with status
        NO_DATA_FOUND. Raises `InvalidSsin` before sending for a malformed SSIN,
        `SsinReplaced` (with ``new_ssin``) for MSG00006, `UnknownSsin` for MSG00005.

        Args:
            ssin: the person's SSIN, in any written form
            language: NL, FR or DE for the descriptions the registers give
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        if language is not None and language not in ("NL", "FR", "DE"):
            raise ValidationError("language is NL, FR or DE")
        reply = self._client._call(
            self.service,
            "searchPersonBySsin",
            lambda payload: _wire.write_ssin_criteria(payload, subject, language),
            context=context,
            subjects=(subject,),
        )
        person_el = reply.payload.find("result/person")
        return PersonResult(
            person=_wire.read_person(person_el) if person_el is not None else None,
            status=reply.status,
            receipt=reply.receipt,
        )

    @operation("searchPersonPhonetically",
               aliases={"given_names": ("--given-name",), "max_results": ("--max",)})
    def search(
        self,
        last_name: str,
        *,
        given_names: tuple[str, ...] | list[str] | str = (),
        given_name_matching: GivenNameMatching | None = None,
        birth_date: PartialDate | _dt.date | str | None = None,
        tolerance: int = 0,
        gender: Gender | str | None = None,
        country_code: str | None = None,
        municipality_code: str | None = None,
        max_results: int = 10,
        context: CallContext | None = None,
    ) -> PersonSearchResult:
        """Phonetic search (``searchPersonPhonetically``) by name, birth date, gender.

        Invalid criteria raise `ValidationError` before anything is sent.

        Args:
            last_name: the last name, compared phonetically
            given_names: up to 3 given names
            given_name_matching: how given names are compared
            birth_date: YYYY-MM-DD, with 00 for unknown parts (1985-07-00)
            tolerance: years either side of the birth year (0-10)
            gender: M or F
            country_code: national-register country code of the address (150 = Belgium)
            municipality_code: NIS code of the municipality of the address
            max_results: at most this many persons (1-100)
            context: the call context, when not bound with `acting_for`
        """
        if isinstance(gender, str) and gender not in ("M", "F"):
            raise ValidationError("gender is M or F")
        criteria = SearchCriteria(
            last_name=last_name,
            given_names=(given_names,) if isinstance(given_names, str) else tuple(given_names),
            given_name_matching=given_name_matching,
            birth_date=PartialDate.of(birth_date) if birth_date is not None else None,
            tolerance=tolerance,
            gender=Gender(gender) if isinstance(gender, str) else gender,
            country_code=country_code,
            municipality_code=municipality_code,
            max_results=max_results,
        )
        reply = self._client._call(
            self.service,
            "searchPersonPhonetically",
            lambda payload: _wire.write_criteria(payload, criteria),
            context=context,
            subjects=(),
        )
        return PersonSearchResult(
            persons=tuple(_wire.read_person(p) for p in reply.payload.iterfind("result/person")),
            status=reply.status,
            receipt=reply.receipt,
        )
