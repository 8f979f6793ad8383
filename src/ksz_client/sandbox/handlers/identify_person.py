"""Sandbox handler of OCMWCPASIdentifyPerson (SSDN 20050930): identify a person.

By SSIN: the person's basic legal data; with verification data that match
(last name and birth date exactly, accents and case ignored; card numbers
are accepted unchecked, sandbox persons have no cards) also the extended
data. Verification data that do not match give the basic data with a WARNING
``SBX00011`` (a sandbox code: the real one is not public). Phonetic search:
last name (and first name) by a Soundex-like key, gender, and the birth date
within the tolerance, counted in the unit of the date's precision (days,
months or years); at most ``Maximum`` (default 80) persons, cancelled SSINs
left out. An SSIN and phonetic criteria together: the criteria are ignored,
with the SSDN warning 21007001.

Refusals: the payload against ``wsdl/ssdn/IdentifyPerson.xsd`` (30000001);
neither SSIN nor criteria (31000007); an incomplete birth date without
tolerance (30000001); the SSIN (MSG00011, MSG00005, MSG00006 with newSSIN).
"""

from __future__ import annotations

import datetime as _dt
import unicodedata
from typing import Final

from ksz_client import _xml, catalogue
from ksz_client._exceptions import ValidationError
from ksz_client.sandbox.handlers import (
    HandlerContext,
    SsdnAnswer,
    SsdnDetail,
    handles_ssdn,
    ssdn_error,
)
from ksz_client.sandbox.handlers._legacy_ssdn import (
    INVALID,
    MISSING,
    Refused,
    check_contract,
    person_index,
)
from ksz_client.sandbox.population import Population, phonetic_key
from ksz_client.services.identify_person import _wire
from ksz_client.services.identify_person.models import (
    IdentifiedPerson,
    PhoneticCriteria,
    VerificationData,
)
from ksz_client.types import PartialDate

__all__ = ["CRITERIA_IGNORED", "NOT_VERIFIED", "identified", "identify_person"]

_SERVICE: Final = catalogue.get("OCMWCPASIdentifyPerson")
_OP: Final = "identifyPerson"
CRITERIA_IGNORED: Final = "21007001"
"""SSDN warning: phonetic criteria ignored (an SSIN was given)."""
NOT_VERIFIED: Final = "SBX00011"
"""Sandbox warning: the verification data do not match; extended data withheld."""
_DEFAULT_MAXIMUM: Final = 80


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.casefold().split())


def identified(population: Population, index: int, *, verified: bool) -> IdentifiedPerson:
    """The sandbox person as IdentifyPerson's limited legal data."""
    person = population.person(index)
    return IdentifiedPerson(
        person=person,
        origin=_wire.origin_of(person.register),
        verified=verified,
        inscription_register=person.register.value if verified else None,
    )


def _verified(population: Population, index: int, data: VerificationData) -> bool:
    if data.sis_card_number or data.identity_card_number:
        return True
    person = population.person(index)
    if data.last_name is None or data.birth_date is None or person.birth is None:
        return False
    givens = person.name.given_names
    return (_fold(data.last_name) == _fold(person.name.last_name)
            and data.birth_date == person.birth.date
            and (data.first_name is None or (bool(givens)
                                             and _fold(data.first_name) == _fold(givens[0])))
            and (data.middle_name is None
                 or _fold(data.middle_name) == _fold(" ".join(givens[1:]))))


def _months(day: _dt.date) -> int:
    return day.year * 12 + day.month - 1


def _born_within(born: _dt.date, wanted: PartialDate, tolerance: int) -> bool:
    if wanted.month is None:
        return abs(born.year - wanted.year) <= tolerance
    if wanted.day is None:
        return abs(_months(born) - (wanted.year * 12 + wanted.month - 1)) <= tolerance
    full = wanted.to_date()
    assert full is not None
    return abs((born - full).days) <= tolerance


def _search(population: Population, criteria: PhoneticCriteria) -> list[IdentifiedPerson]:
    want_last = phonetic_key(criteria.last_name)
    want_first = phonetic_key(criteria.first_name) if criteria.first_name else None
    limit = criteria.maximum or _DEFAULT_MAXIMUM
    found: list[IdentifiedPerson] = []
    for index in range(population.size):
        if not _born_within(population.birth_date(index), criteria.birth_date,
                            criteria.tolerance or 0):
            continue
        if population.replaced_by(index) is not None:
            continue
        if phonetic_key(population.last_name(index)) != want_last:
            continue
        person = population.person(index)
        if criteria.gender is not None and person.gender is not criteria.gender:
            continue
        if want_first and not any(phonetic_key(g) == want_first
                                  for g in person.name.given_names):
            continue
        found.append(identified(population, index, verified=False))
        if len(found) >= limit:
            break
    return found


@handles_ssdn("OCMWCPASIdentifyPerson")
def identify_person(ctx: HandlerContext, request: _xml.Element) -> SsdnAnswer:
    """IdentifyPersonRequest -> IdentifyPersonReply."""
    try:
        return _identify(ctx, request)
    except Refused as refused:
        return refused.answer


def _identify(ctx: HandlerContext, request: _xml.Element) -> SsdnAnswer:
    check_contract(_SERVICE, request, _OP)
    try:
        asked = _wire.read_request(request)
    except ValidationError as exc:
        return ssdn_error(INVALID, str(exc), operation=_OP)
    details: list[SsdnDetail] = []
    if asked.ssin is not None:
        index = person_index(ctx, asked.ssin, _OP)
        if asked.phonetic is not None:
            details.append(SsdnDetail("WARNING", CRITERIA_IGNORED,
                                      "phonetic criteria ignored: an SSIN was given"))
        verified = False
        if asked.verification is not None:
            verified = _verified(ctx.population, index, asked.verification)
            if not verified:
                details.append(SsdnDetail("WARNING", NOT_VERIFIED,
                                          "verification data do not match: basic data only"))
        persons = [identified(ctx.population, index, verified=verified)]
    elif asked.phonetic is not None:
        persons = _search(ctx.population, asked.phonetic)
    else:
        return ssdn_error(MISSING, "mandatory argument missing: SSIN or PhoneticCriteria",
                          operation=_OP)
    reply = _wire.write_reply(persons)
    if details:
        return SsdnAnswer(ok="WARNING", return_code=1, details=tuple(details), payload=reply,
                          operation=_OP)
    return SsdnAnswer(payload=reply, operation=_OP)
