"""A deterministic synthetic population, generated lazily from a seed.

Every person is a pure function of (seed, index): nothing is stored, so a
population of 100,000 costs nothing until a person is asked for, and the
same seed always gives the same people. SSINs are *test numbers* (birth
month + 60, SPEC §6): valid mod 97 and impossible for a real person.

An SSIN maps back to its index without a search: the birth day and the
counter encode it (``index = round * DAYS + day_slot``, counter ``2 * round + 1 + gender bit``).
"""

from __future__ import annotations

import datetime as _dt
import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from ksz_client import ssin as _ssin
from ksz_client.services.person.models import (
    Birth,
    CivilState,
    Decease,
    Nationality,
    Person,
    Register,
)
from ksz_client.ssin import Gender, Ssin, SsinKind
from ksz_client.types import Address, AddressKind, PartialDate, PersonName, Place

__all__ = ["Population", "Profile"]

_ROUNDS: Final = 498  # counters 1..996 per birth day: two per round (odd men, even women)
_FIRST_DAY: Final = _dt.date(1935, 1, 1)
_DAYS: Final = 25_567  # up to 2004-12-31: every person is an adult
_STRIDE: Final = 7_919  # prime, coprime with _DAYS: a bijection that scatters birth days

# (municipality, NIS code, postal code, language)
_MUNICIPALITIES: Final = (
    ("Brussel", "21004", "1000", "nl"),
    ("Bruxelles", "21004", "1000", "fr"),
    ("Antwerpen", "11002", "2000", "nl"),
    ("Gent", "44021", "9000", "nl"),
    ("Leuven", "24062", "3000", "nl"),
    ("Brugge", "31005", "8000", "nl"),
    ("Hasselt", "71022", "3500", "nl"),
    ("Liège", "62063", "4000", "fr"),
    ("Namur", "92094", "5000", "fr"),
    ("Charleroi", "52011", "6000", "fr"),
    ("Mons", "53053", "7000", "fr"),
    ("Eupen", "63023", "4700", "de"),
    ("Sankt Vith", "63067", "4780", "de"),
)
_LAST: Final = {
    "nl": ("Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
           "Wouters", "De Smet", "Vermeulen", "Van den Broeck", "Hermans", "Aerts", "Pauwels"),
    "fr": ("Dubois", "Lambert", "Dupont", "Martin", "Simon", "Laurent", "Leclercq", "Lejeune",
           "Renard", "Lefèvre", "Mathieu", "François", "Denis", "Gilson", "Collard"),
    "de": ("Schmitz", "Müller", "Meyer", "Schröder", "Kessler", "Heinen", "Krings", "Lentz",
           "Thelen", "Cremer"),
}
_GIVEN: Final = {
    ("nl", Gender.MALE): ("Jan", "Pieter", "Luc", "Wouter", "Bart", "Tom", "Koen", "Jens"),
    ("nl", Gender.FEMALE): ("An", "Els", "Sofie", "Lotte", "Marie", "Griet", "Leen", "Emma"),
    ("fr", Gender.MALE): ("Jean", "Pierre", "Luc", "Michel", "Éric", "Olivier", "Hugo", "Noé"),
    ("fr", Gender.FEMALE): ("Marie", "Sophie", "Chloé", "Julie", "Anne", "Léa", "Camille"),
    ("de", Gender.MALE): ("Jürgen", "Stefan", "Klaus", "Lukas", "Jonas", "Matthias"),
    ("de", Gender.FEMALE): ("Anna", "Sabine", "Monika", "Lena", "Julia", "Ursula"),
}
_STREETS: Final = {
    "nl": ("Kerkstraat", "Stationsstraat", "Dorpsstraat", "Molenstraat", "Nieuwstraat"),
    "fr": ("Rue de la Station", "Rue de l'Église", "Chaussée de Namur", "Rue Haute"),
    "de": ("Kirchstraße", "Bahnhofstraße", "Hauptstraße", "Aachener Straße"),
}
_NATIONALITIES: Final = ("150", "150", "150", "150", "150", "150", "129", "111", "139", "173")


@dataclass(frozen=True)
class Profile:
    """A one-line description of a sandbox person, for picking test cases."""

    ssin: Ssin
    name: str
    gender: str
    birth_date: str
    register: str
    deceased: bool
    replaced_by: Ssin | None
    language: str

    def as_json(self) -> dict[str, object]:
        return {
            "ssin": str(self.ssin),
            "name": self.name,
            "gender": self.gender,
            "birth_date": self.birth_date,
            "register": self.register,
            "deceased": self.deceased,
            "replaced_by": str(self.replaced_by) if self.replaced_by else None,
            "language": self.language,
        }


class Population:
    """``size`` persons derived from ``seed``; look-ups by index or SSIN are O(1)."""

    def __init__(self, *, seed: int = 1, size: int = 1000) -> None:
        if size < 1 or size > _DAYS * _ROUNDS:
            raise ValueError("population size out of range")
        self.seed = seed
        self.size = size

    # --- identity -----------------------------------------------------------------

    def _offset(self) -> int:
        return (self.seed * 104_729) % _DAYS

    def _gender_bit(self, index: int) -> int:
        return (index * 2_654_435_761 + self.seed) >> 7 & 1

    def ssin_of(self, index: int) -> Ssin:
        # Consecutive indexes get scattered birth days; the counter (odd men,
        # even women) carries the rest of the index and a pseudo-random gender.
        round_, day_slot = divmod(index, _DAYS)
        birth = _FIRST_DAY + _dt.timedelta(days=(day_slot * _STRIDE + self._offset()) % _DAYS)
        return _ssin.make(birth, 2 * round_ + 1 + self._gender_bit(index), kind=SsinKind.TEST)

    def index_of(self, value: str) -> int | None:
        """The index of a sandbox SSIN, or None when it is not one of ours."""
        if not _ssin.is_valid(value, allow_test=True):
            return None
        number = Ssin(value, allow_test=True)
        birth = number.birth_date
        if number.kind is not SsinKind.TEST or birth is None:
            return None
        offset = (birth - _FIRST_DAY).days
        if not 0 <= offset < _DAYS:
            return None
        day_slot = ((offset - self._offset()) * pow(_STRIDE, -1, _DAYS)) % _DAYS
        round_, bit = divmod(int(number[6:9]) - 1, 2)
        index = round_ * _DAYS + day_slot
        if index >= self.size or bit != self._gender_bit(index):
            return None
        return index

    # --- persons --------------------------------------------------------------------

    def _rng(self, index: int) -> random.Random:
        return random.Random(f"{self.seed}:{index}")  # noqa: S311 - synthetic data

    def replaced_by(self, index: int) -> int | None:
        """Index of the person whose SSIN replaced this one (MSG00006), if any."""
        if index % 50 == 7 and index + 1 < self.size:
            return index + 1
        return None

    def is_deceased(self, index: int) -> bool:
        return index % 40 == 3

    def person(self, index: int) -> Person:
        if not 0 <= index < self.size:
            raise IndexError(index)
        rng = self._rng(index)
        number = self.ssin_of(index)
        gender = number.gender or Gender.FEMALE
        municipality, nis, postal, language = rng.choice(_MUNICIPALITIES)
        last = rng.choice(_LAST[language])
        givens = tuple(
            dict.fromkeys(rng.choice(_GIVEN[(language, gender)]) for _ in range(rng.randint(1, 3)))
        )
        birth_date = number.birth_date
        assert birth_date is not None  # sandbox numbers always carry a full birth date
        birth_place = rng.choice(_MUNICIPALITIES)
        register = Register.BIS if index % 25 == 11 else Register.NR
        decease = None
        if self.is_deceased(index):
            died = birth_date + _dt.timedelta(days=rng.randint(18 * 365, 80 * 365))
            died = min(died, _dt.date(2025, 12, 31))
            decease = Decease(
                date=PartialDate.of(died),
                place=Place(country_code="150", municipality_code=nis, name=municipality),
            )
        adult = birth_date + _dt.timedelta(days=18 * 365)
        civil = CivilState(code="10", since=PartialDate.of(birth_date))
        civil_states = [civil]
        if rng.random() < 0.5:
            partner_index = (index + 1 + rng.randint(0, 20)) % self.size
            civil_states.insert(0, CivilState(
                code="20",
                partner_ssin=self.ssin_of(partner_index) if partner_index != index else None,
                partner_reference=None if partner_index != index else f"FICT{index:08d}",
                place=Place(country_code="150", municipality_code=nis, name=municipality),
                since=PartialDate.of(adult + _dt.timedelta(days=rng.randint(0, 9000))),
            ))
        moved_in = adult + _dt.timedelta(days=rng.randint(0, 12000))
        address = Address(
            kind=AddressKind.RESIDENTIAL,
            street=rng.choice(_STREETS[language]),
            house_number=str(rng.randint(1, 250)),
            box=str(rng.randint(1, 12)) if rng.random() < 0.2 else None,
            postal_code=postal,
            municipality=municipality,
            municipality_code=nis,
            country_code="150",
            since=min(moved_in, _dt.date(2025, 6, 30)),
        )
        replaced = self.replaced_by(index)
        return Person(
            ssin=number,
            register=register,
            name=PersonName(last_name=last, given_names=givens),
            gender=number.gender,
            birth=Birth(
                date=PartialDate.of(birth_date),
                place=Place(country_code="150", municipality_code=birth_place[1],
                            name=birth_place[0]),
            ),
            decease=decease,
            nationalities=(Nationality(code=rng.choice(_NATIONALITIES), since=birth_date),),
            civil_states=tuple(civil_states),
            addresses=(address,),
            register_since=birth_date,
            canceled=replaced is not None,
        )

    def profile(self, index: int) -> Profile:
        person = self.person(index)
        replaced = self.replaced_by(index)
        assert person.birth is not None
        return Profile(
            ssin=person.ssin,
            name=str(person.name),
            gender=person.gender.value if person.gender else "",
            birth_date=person.birth.date.isoformat(),
            register=person.register.value,
            deceased=person.deceased,
            replaced_by=self.ssin_of(replaced) if replaced is not None else None,
            language=_language_of(person),
        )

    def __iter__(self) -> Iterator[Person]:
        return (self.person(i) for i in range(self.size))

    def search(
        self,
        *,
        last_name: str,
        given_names: tuple[str, ...] = (),
        birth: PartialDate | None = None,
        tolerance: int = 0,
        gender: Gender | None = None,
        limit: int = 10,
    ) -> list[Person]:
        """Phonetic search: names compared by a Soundex-like key, birth year +/- tolerance."""
        want_last = phonetic_key(last_name)
        want_given = phonetic_key(given_names[0]) if given_names else None
        found: list[Person] = []
        for index in range(self.size):
            person = self.person(index)
            if phonetic_key(person.name.last_name) != want_last:
                continue
            if want_given and not any(phonetic_key(g) == want_given
                                      for g in person.name.given_names):
                continue
            if gender is not None and person.gender is not gender:
                continue
            if birth is not None and person.birth is not None and not _birth_matches(
                person.birth.date, birth, tolerance
            ):
                continue
            found.append(person)
            if len(found) >= limit:
                break
        return found


def _birth_matches(actual: PartialDate, wanted: PartialDate, tolerance: int) -> bool:
    if abs(actual.year - wanted.year) > tolerance:
        return False
    if tolerance == 0 and wanted.month is not None and actual.month != wanted.month:
        return False
    return not (tolerance == 0 and wanted.day is not None and actual.day != wanted.day)


def _language_of(person: Person) -> str:
    address = person.residential_address
    for name, _nis, _postal, language in _MUNICIPALITIES:
        if address is not None and address.municipality == name:
            return language
    return "nl"


_SOUNDEX: Final = str.maketrans(
    "bfpvcgjkqsxzdtlmnr", "111122222222334556"
)


def phonetic_key(name: str) -> str:
    """A Soundex-like key, accent- and case-insensitive ("Lefèvre" ~ "Lefevre" ~ "Lefebvre")."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    letters = [c for c in plain if c.isalpha()]
    if not letters:
        return ""
    coded = "".join(c.translate(_SOUNDEX) if c in "bfpvcgjkqsxzdtlmnr" else "0" for c in letters)
    key = letters[0]
    previous = coded[0]
    for code in coded[1:]:
        if code not in (previous, "0"):
            key += code
        previous = code
    return (key + "000")[:4]
