"""The KSZ BIS register: ``client.bis.register``, ``client.manage_person.create`` (legacy)
and ``client.cbss_person.update``.

Creating a BIS number is a mutation the KSZ cannot undo for you: a duplicate
BIS number for someone already known is a real nuisance for every institution
on the network. So, before sending, `BisPersonService.register` searches the
registers phonetically (PersonService V4) and, when that finds anyone, returns
the candidates instead of creating (outcome POSSIBLE_DUPLICATES). The caller
looks at them and either uses one, or confirms with ``create_anyway=True``.
The KSZ's own duplicate check still applies (outcome EXISTING_PERSONS).

Like every mutation, a registration or an update that may have reached the
KSZ without an answer raises `InDoubtError` and is never re-sent; with an
audit log, the next registration is refused until the doubt is resolved
(`AuditLog.resolve`) - search the person first: the registration may have
been made.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from ksz_client import catalogue
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client.catalogue import Service
from ksz_client.services._registry import operation
from ksz_client.services.bis import _wire
from ksz_client.services.bis.models import (
    BELGIUM,
    BisDeclaration,
    BisRegistration,
    DeclaredNationality,
    PersonChanges,
    PersonUpdateResult,
    RegistrationOutcome,
)
from ksz_client.services.person.models import Birth, Decease
from ksz_client.ssin import Gender
from ksz_client.types import Address, AddressKind, CallContext, PartialDate, PersonName, Place

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["BisPersonService", "CBSSPersonService", "ManagePersonService"]

DUPLICATE_CHECK_TOLERANCE = 1
"""Years either side of the declared birth year that the duplicate check searches."""
DUPLICATE_CHECK_MAX = 50
"""At most this many candidates, as the KSZ's own ``existingPersons``."""


# --- building the models from command-line style options ------------------------------------


def _names(value: tuple[str, ...] | list[str] | str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _gender(value: Gender | str | None) -> Gender | None:
    if value is None or isinstance(value, Gender):
        return value
    if value not in ("M", "F"):
        raise ValidationError("gender is M or F")
    return Gender(value)


def _place(place: str | None, country: str | None) -> Place | None:
    """A NIS code (5 digits) is a Belgian municipality; other text a place name."""
    if place is None:
        return Place(country_code=country) if country else None
    if len(place) == 5 and place.isdigit():
        return Place(country_code=country or BELGIUM, municipality_code=place)
    return Place(country_code=country, name=place)


def _residence(country: str | None, city: str | None, street: str | None) -> Address | None:
    if country is None and city is None and street is None:
        return None
    if country is None:
        raise ValidationError("a residence names its country (national-register code)")
    return Address(kind=AddressKind.RESIDENTIAL, street=street, municipality=city,
                   country_code=country)


def _contact(street: str | None, house_number: str | None, box: str | None,
             postal_code: str | None, municipality: str | None) -> Address | None:
    if all(v is None for v in (street, house_number, box, postal_code, municipality)):
        return None
    return Address(kind=AddressKind.CONTACT, street=street, house_number=house_number, box=box,
                   postal_code=postal_code, municipality=municipality, country_code=BELGIUM)


def _declaration(person: BisDeclaration | str, options: dict[str, Any]) -> BisDeclaration:
    given = {k: v for k, v in options.items() if v not in (None, (), [])}
    if isinstance(person, BisDeclaration):
        if given:
            raise ValidationError("give either a BisDeclaration or the person's data as options, "
                                  f"not both ({', '.join(sorted(given))})")
        return person
    if not isinstance(person, str):
        raise ValidationError("person is a BisDeclaration or a last name")
    birth_date = options["birth_date"]
    return BisDeclaration(
        name=PersonName(person, _names(options["given_names"])),
        birth_date=PartialDate.of(birth_date) if birth_date is not None else None,
        birth_place=_place(options["birth_place"], options["birth_country"]),
        gender=_gender(options["gender"]),
        nationalities=tuple(DeclaredNationality(code)
                            for code in _names(options["nationalities"])),
        residential_address=_residence(options["residence_country"], options["residence_city"],
                                       options["residence_street"]),
        contact_address=_contact(options["contact_street"], options["contact_house_number"],
                                 options["contact_box"], options["contact_postal_code"],
                                 options["contact_municipality"]),
    )


def _register(
    client: KszClient,
    service: Service,
    operation_name: str,
    declaration: BisDeclaration,
    *,
    create_anyway: bool,
    context: CallContext | None,
) -> BisRegistration:
    if not create_anyway:
        # Before the mutation: anyone the registers already know under (about) this name?
        found = client.person.search(
            declaration.name.last_name,
            given_names=declaration.name.given_names[:1],
            birth_date=PartialDate(declaration.birth_date.year)
            if declaration.birth_date is not None else None,
            tolerance=DUPLICATE_CHECK_TOLERANCE if declaration.birth_date is not None else 0,
            gender=declaration.gender,
            max_results=DUPLICATE_CHECK_MAX,
            context=context,
        )
        if found.persons:
            return BisRegistration(RegistrationOutcome.POSSIBLE_DUPLICATES, None, found.persons,
                                   found.status, found.receipt)
    reply = client._call(
        service,
        operation_name,
        lambda payload: _wire.write_declaration(payload, declaration),
        context=context,
        subjects=(),
    )
    person, candidates = _wire.read_registration(reply.payload)
    if person is not None:
        return BisRegistration(RegistrationOutcome.REGISTERED, person, (), reply.status,
                               reply.receipt)
    if not candidates:
        raise ResponseError("the answer carries neither a registered person nor candidates")
    return BisRegistration(RegistrationOutcome.EXISTING_PERSONS, None, candidates, reply.status,
                           reply.receipt)


_REGISTER_ARGS = """
        Args:
            person: a BisDeclaration, or the last name with the other data as options
            given_names: given names, in order
            birth_date: YYYY-MM-DD, with 00 for unknown parts (1985-07-00)
            birth_place: NIS code of a Belgian municipality, or a foreign place name
            birth_country: national-register country code of the birthplace
            gender: M or F
            nationalities: national-register country codes (150 = Belgian)
            residence_country: country code of a foreign residence
            residence_city: place of the foreign residence
            residence_street: street and number of the foreign residence
            contact_street: street of the Belgian contact address
            contact_house_number: house number of the contact address
            contact_box: box of the contact address
            contact_postal_code: postal code of the contact address (4 digits)
            contact_municipality: municipality of the contact address
            create_anyway: skip the phonetic duplicate check (you confirm the candidates it
                found are not this person)
            context: the call context, when not bound with `acting_for`
"""


class BisPersonService:
    """BisPersonService V1 (KSZ; source: KSZ BIS register).

    Registers a person who is not in the national register and gets a BIS
    number (``registerPerson``). No prior integration is needed (the person has
    no number yet). Contract: modelled on the WS-Consult conventions.
    """

    service = catalogue.get("BisPersonService")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("registerPerson", aliases={"given_names": ("--given-name",),
                                          "nationalities": ("--nationality",)})
    def register(
        self,
        person: BisDeclaration | str,
        *,
        given_names: tuple[str, ...] | list[str] | str | None = None,
        birth_date: PartialDate | _dt.date | str | None = None,
        birth_place: str | None = None,
        birth_country: str | None = None,
        gender: Gender | str | None = None,
        nationalities: tuple[str, ...] | list[str] | str | None = None,
        residence_country: str | None = None,
        residence_city: str | None = None,
        residence_street: str | None = None,
        contact_street: str | None = None,
        contact_house_number: str | None = None,
        contact_box: str | None = None,
        contact_postal_code: str | None = None,
        contact_municipality: str | None = None,
        create_anyway: bool = False,
        context: CallContext | None = None,
    ) -> BisRegistration:
        """Register a person in the BIS register (``registerPerson``; a mutation).

        Without ``create_anyway``, a phonetic search (PersonService V4: last
        name, first given name, birth year +/- 1, gender) runs first; when it
        finds anyone, nothing is registered and the candidates come back
        (outcome POSSIBLE_DUPLICATES). Otherwise the KSZ answers the new BIS
        number (REGISTERED, ``result.ssin``) or its own candidates
        (EXISTING_PERSONS). Too little data for a registration raises
        `ValidationError` naming what is missing, before anything is sent; a
        lost answer raises `InDoubtError` and is never re-sent.
        """
        declaration = _declaration(person, {
            "given_names": given_names, "birth_date": birth_date, "birth_place": birth_place,
            "birth_country": birth_country, "gender": gender, "nationalities": nationalities,
            "residence_country": residence_country, "residence_city": residence_city,
            "residence_street": residence_street, "contact_street": contact_street,
            "contact_house_number": contact_house_number, "contact_box": contact_box,
            "contact_postal_code": contact_postal_code,
            "contact_municipality": contact_municipality,
        })
        return _register(self._client, self.service, "registerPerson", declaration,
                         create_anyway=create_anyway, context=context)

    register.__doc__ = (register.__doc__ or "") + _REGISTER_ARGS


class ManagePersonService:
    """ManagePerson V1 (KSZ; source: KSZ BIS register) - LEGACY.

    The old interface to create a BIS number (``createKSZCitizen``), for
    software still on it; new code uses `BisPersonService.register`, which
    takes the same declaration and answers the same way. Contract: modelled.
    """

    service = catalogue.get("ManagePerson")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("createKSZCitizen", aliases={"given_names": ("--given-name",),
                                            "nationalities": ("--nationality",)})
    def create(
        self,
        person: BisDeclaration | str,
        *,
        given_names: tuple[str, ...] | list[str] | str | None = None,
        birth_date: PartialDate | _dt.date | str | None = None,
        birth_place: str | None = None,
        birth_country: str | None = None,
        gender: Gender | str | None = None,
        nationalities: tuple[str, ...] | list[str] | str | None = None,
        residence_country: str | None = None,
        residence_city: str | None = None,
        residence_street: str | None = None,
        contact_street: str | None = None,
        contact_house_number: str | None = None,
        contact_box: str | None = None,
        contact_postal_code: str | None = None,
        contact_municipality: str | None = None,
        create_anyway: bool = False,
        context: CallContext | None = None,
    ) -> BisRegistration:
        """Create a BIS number the old way (``createKSZCitizen``; a mutation).

        Same declaration, duplicate check and outcomes as
        `BisPersonService.register` (its successor).
        """
        declaration = _declaration(person, {
            "given_names": given_names, "birth_date": birth_date, "birth_place": birth_place,
            "birth_country": birth_country, "gender": gender, "nationalities": nationalities,
            "residence_country": residence_country, "residence_city": residence_city,
            "residence_street": residence_street, "contact_street": contact_street,
            "contact_house_number": contact_house_number, "contact_box": contact_box,
            "contact_postal_code": contact_postal_code,
            "contact_municipality": contact_municipality,
        })
        return _register(self._client, self.service, "createKSZCitizen", declaration,
                         create_anyway=create_anyway, context=context)

    create.__doc__ = (create.__doc__ or "") + _REGISTER_ARGS


def _changes(changes: PersonChanges | None, options: dict[str, Any]) -> PersonChanges:
    given = {k: v for k, v in options.items() if v not in (None, (), [])}
    if changes is not None:
        if not isinstance(changes, PersonChanges):
            raise ValidationError("changes is a PersonChanges (Python API); on the command line "
                                  "give the data as options")
        if given:
            raise ValidationError("give either changes or the data as options, not both "
                                  f"({', '.join(sorted(given))})")
        return changes
    last_name = options["last_name"]
    if options["given_names"] is not None and last_name is None:
        raise ValidationError("a name change gives the last name too")
    birth_date = options["birth_date"]
    if (options["birth_place"] or options["birth_country"]) and birth_date is None:
        raise ValidationError("a birth change gives the birth date too")
    decease = options["decease_date"]
    nationalities = options["nationalities"]
    return PersonChanges(
        name=PersonName(last_name, _names(options["given_names"]))
        if last_name is not None else None,
        nationalities=tuple(DeclaredNationality(code) for code in _names(nationalities))
        if nationalities is not None else None,
        birth=Birth(PartialDate.of(birth_date),
                    _place(options["birth_place"], options["birth_country"]))
        if birth_date is not None else None,
        decease=Decease(PartialDate.of(decease)) if decease is not None else None,
        gender=_gender(options["gender"]),
        residential_address=_residence(options["residence_country"], options["residence_city"],
                                       options["residence_street"]),
        contact_address=_contact(options["contact_street"], options["contact_house_number"],
                                 options["contact_box"], options["contact_postal_code"],
                                 options["contact_municipality"]),
    )


class CBSSPersonService:
    """CBSSPersonService V1 (KSZ; source: KSZ BIS register).

    Changes data groups of a BIS number (``updatePerson``; rarely used), e.g.
    its contact address. No prior integration is needed. Contract: modelled on
    the WS-Consult conventions.
    """

    service = catalogue.get("CBSSPersonService")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("updatePerson", aliases={"given_names": ("--given-name",),
                                        "nationalities": ("--nationality",)})
    def update(
        self,
        ssin: str,
        *,
        changes: PersonChanges | None = None,
        last_name: str | None = None,
        given_names: tuple[str, ...] | list[str] | str | None = None,
        birth_date: PartialDate | _dt.date | str | None = None,
        birth_place: str | None = None,
        birth_country: str | None = None,
        gender: Gender | str | None = None,
        nationalities: tuple[str, ...] | list[str] | str | None = None,
        decease_date: PartialDate | _dt.date | str | None = None,
        residence_country: str | None = None,
        residence_city: str | None = None,
        residence_street: str | None = None,
        contact_street: str | None = None,
        contact_house_number: str | None = None,
        contact_box: str | None = None,
        contact_postal_code: str | None = None,
        contact_municipality: str | None = None,
        context: CallContext | None = None,
    ) -> PersonUpdateResult:
        """Change data groups of a BIS person (``updatePerson``; a mutation).

        The answer says per data group OK (applied), NOK (refused, with a
        reason), NO_UPDATE (already so) or DEFERRED (applied after a check by
        the KSZ), and gives the person as the register now holds it. Raises
        `InvalidSsin` or `ValidationError` before sending, `UnknownSsin` /
        `SsinReplaced` for the number, and `InDoubtError` when the answer is
        lost (never re-sent).

        Args:
            ssin: the BIS number of the person
            changes: (Python) a PersonChanges; not with the options below
            last_name: new last name (a name change replaces the whole name)
            given_names: new given names, in order (with last_name)
            birth_date: corrected birth date, YYYY-MM-DD with 00 for unknown parts
            birth_place: NIS code of a Belgian municipality, or a foreign place name
            birth_country: national-register country code of the birthplace
            gender: M or F
            nationalities: the nationality codes (replace those registered)
            decease_date: date of decease, YYYY-MM-DD with 00 for unknown parts
            residence_country: country code of a foreign residence
            residence_city: place of the foreign residence
            residence_street: street and number of the foreign residence
            contact_street: street of the Belgian contact address
            contact_house_number: house number of the contact address
            contact_box: box of the contact address
            contact_postal_code: postal code of the contact address (4 digits)
            contact_municipality: municipality of the contact address
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        wanted = _changes(changes, {
            "last_name": last_name, "given_names": given_names, "birth_date": birth_date,
            "birth_place": birth_place, "birth_country": birth_country, "gender": gender,
            "nationalities": nationalities, "decease_date": decease_date,
            "residence_country": residence_country, "residence_city": residence_city,
            "residence_street": residence_street, "contact_street": contact_street,
            "contact_house_number": contact_house_number, "contact_box": contact_box,
            "contact_postal_code": contact_postal_code,
            "contact_municipality": contact_municipality,
        })
        reply = self._client._call(
            self.service,
            "updatePerson",
            lambda payload: _wire.write_changes(payload, subject, wanted),
            context=context,
            subjects=(subject,),
        )
        updates, person = _wire.read_update(reply.payload)
        return PersonUpdateResult(updates=updates, person=person, status=reply.status,
                                  receipt=reply.receipt)
