"""OCMWCPASIdentifyPerson: `client.identify_person.get(ssin)` and `.search(last_name, ...)`."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

from ksz_client import catalogue
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client.services._registry import operation
from ksz_client.services.identify_person import _wire
from ksz_client.services.identify_person.models import (
    IdentifyPersonResult,
    PhoneticCriteria,
    VerificationData,
)
from ksz_client.ssin import Gender
from ksz_client.types import CallContext, PartialDate, Status, StatusValue

if TYPE_CHECKING:
    from ksz_client._client import KszClient, Reply

__all__ = ["IdentifyPersonService"]


class IdentifyPersonService:
    """OCMWCPASIdentifyPerson (SSDN 20050930; source: national register and KSZ BIS register).

    LEGACY: the classic identification service no longer evolves; new code
    uses PersonService V4 (`KszClient.person`), which returns the same
    `Person` model with more data. Kept for software still on it. No prior
    integration needed. Contract: official (SSDN).
    """

    service = catalogue.get("OCMWCPASIdentifyPerson")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    def _result(self, reply: Reply) -> IdentifyPersonResult:
        persons = _wire.read_reply(reply.payload)
        status = reply.status
        if not persons:
            # No SearchResults: the SDK says NO_DATA_FOUND, as PersonService would.
            status = Status(StatusValue.NO_DATA_FOUND, status.code, "no person found",
                            status.information)
        return IdentifyPersonResult(persons=persons, warnings=reply.warnings, status=status,
                                    receipt=reply.receipt)

    @operation("identifyPerson")
    def get(
        self,
        ssin: str,
        *,
        last_name: str | None = None,
        birth_date: PartialDate | _dt.date | str | None = None,
        first_name: str | None = None,
        middle_name: str | None = None,
        sis_card_number: str | None = None,
        identity_card_number: str | None = None,
        context: CallContext | None = None,
    ) -> IdentifyPersonResult:
        """Identify a person by SSIN (``identifyPerson`` with SearchCriteria/SSIN).

        Without verification data the answer holds the basic legal data
        (name, birth date, gender, legal address); with verification data that
        match (last name and birth date, or a card number) also the extended
        data (civil state, birth place, decease, nationality, register). Data
        that do not match come back as a warning, with the basic data only.

        Args:
            ssin: the person's SSIN, in any written form
            last_name: verification: the last name (exact, with the birth date)
            birth_date: verification: the birth date, YYYY-MM-DD with 00 for unknown parts
            first_name: verification: the first name
            middle_name: verification: the middle name
            sis_card_number: verification: the SIS card number (10 digits)
            identity_card_number: verification: the identity card number (12 digits)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        verification = None
        if any(v is not None for v in (last_name, birth_date, first_name, middle_name,
                                       sis_card_number, identity_card_number)):
            verification = VerificationData(
                last_name=last_name,
                birth_date=PartialDate.of(birth_date) if birth_date is not None else None,
                first_name=first_name, middle_name=middle_name,
                sis_card_number=sis_card_number, identity_card_number=identity_card_number,
            )
        request = _wire.Request(ssin=str(subject), verification=verification)
        reply = self._client._call(
            self.service, "identifyPerson",
            lambda payload: _wire.write_request(payload, request),
            context=context, subjects=(str(subject),),
        )
        result = self._result(reply)
        if any(p.person.ssin != subject for p in result.persons):
            raise ResponseError("the answer is about another person")
        return result

    @operation("identifyPerson", aliases={"max_results": ("--max",)})
    def search(
        self,
        last_name: str,
        *,
        birth_date: PartialDate | _dt.date | str | None = None,
        first_name: str | None = None,
        middle_name: str | None = None,
        gender: Gender | str | None = None,
        tolerance: int | None = None,
        max_results: int | None = None,
        context: CallContext | None = None,
    ) -> IdentifyPersonResult:
        """Phonetic search (``identifyPerson`` with SearchCriteria/PhoneticCriteria).

        The birth date is required; an incomplete one (1985-07-00, 1985-00-00)
        needs a tolerance, counted in its unit (days, months or years).
        Invalid criteria raise `ValidationError` before anything is sent.

        Args:
            last_name: the last name, compared phonetically
            birth_date: YYYY-MM-DD, with 00 for unknown parts
            first_name: the first name
            middle_name: the middle name (with a first name)
            gender: M or F
            tolerance: how far the birth date may be off, in days, months or years
                (the unit of the birth date's precision)
            max_results: at most this many persons (1-80)
            context: the call context, when not bound with `acting_for`
        """
        if not last_name or not last_name.strip():
            raise ValidationError("a phonetic search needs a last name")
        if birth_date is None:
            raise ValidationError("an IdentifyPerson phonetic search needs a birth date "
                                  "(possibly partial, with a tolerance)")
        if isinstance(gender, str) and gender not in ("M", "F"):
            raise ValidationError("gender is M or F")
        criteria = PhoneticCriteria(
            last_name=last_name,
            birth_date=PartialDate.of(birth_date),
            first_name=first_name,
            middle_name=middle_name,
            gender=Gender(gender) if isinstance(gender, str) else gender,
            tolerance=tolerance,
            maximum=max_results,
        )
        reply = self._client._call(
            self.service, "identifyPerson",
            lambda payload: _wire.write_request(payload, _wire.Request(phonetic=criteria)),
            context=context, subjects=(),
        )
        return self._result(reply)
