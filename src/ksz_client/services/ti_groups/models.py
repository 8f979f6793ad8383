"""Typed models of RetrieveTIGroups: the national-register record of a person.

The national register keeps a person's data as *information types* (TI), each
with a validity: the date it took effect (``since``) and, for an item that no
longer holds, the date it ended (``until``, the register's ``DelDate``). Without
history the register sends current items only; with history, the past ones too.

The TI groups an OCMW needs are read into the models below (`MAPPED_GROUPS` says
which). The record holds some ninety more (identity cards, driving licences,
elections...): their names are in `NationalRegisterRecord.other_groups` and the
whole record stays available as XML through `TIGroupsResult.raw_xml` - the one
documented escape hatch, for a TI the SDK does not map.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import ClassVar, Final

from ksz_client.ssin import Gender, Ssin
from ksz_client.types import Address, PartialDate, PersonName, Receipt, Status

__all__ = [
    "MAPPED_GROUPS",
    "BirthRecord",
    "CivilStateRecord",
    "Code",
    "DeceaseRecord",
    "HouseholdLink",
    "Language",
    "LegalCohabitation",
    "MainAddress",
    "NationalRegisterRecord",
    "RegisteredName",
    "RegisteredNationality",
    "RegistrationRegister",
    "RelatedPerson",
    "Residence",
    "TIGroupsResult",
]

MAPPED_GROUPS: Final[Mapping[str, tuple[str, str]]] = MappingProxyType({
    "NationalNumber": ("000", "identification number, birth date and sex"),
    "FileOwner": ("001", "municipality of residence"),
    "Names": ("010", "last name and given names"),
    "LegalMainAddresses": ("020", "main residence address"),
    "Nationalities": ("031", "nationality"),
    "BirthPlace": ("100", "place of birth"),
    "CivilStates": ("120", "civil state, with the spouse"),
    "LegalCohabitations": ("123", "legal cohabitation, with the partner"),
    "FamilyMembers": ("140", "household: its members, as the head of household sees them"),
    "HeadOfFamily": ("141", "household: its head, as a member sees them"),
    "Deceases": ("150", "decease"),
    "RegistrationRegisters": ("210", "register of registration (population, waiting...)"),
})
"""The TI groups read into typed models: record element -> (TI number, what it holds)."""


class Language(StrEnum):
    """The language of the labels the national register gives with its codes."""

    NL = "nl"
    FR = "fr"
    DE = "de"


class _Validity:
    """What every TI item has: when it took effect and, once past, when it ended."""

    since: PartialDate | None
    until: PartialDate | None

    @property
    def current(self) -> bool:
        """True for an item that still holds (no end date)."""
        return self.until is None


@dataclass(frozen=True)
class Code:
    """A national-register code with its label in the requested language (when given)."""

    code: str
    label: str | None = None

    def __str__(self) -> str:
        return self.label or self.code


@dataclass(frozen=True)
class RelatedPerson:
    """A person a TI item refers to: a spouse, a partner, a household member or head.

    ``ssin`` is None when the register gives no valid number for them.
    """

    ssin: Ssin | None
    name: PersonName | None = None
    birth_date: PartialDate | None = None
    gender: Gender | None = None


@dataclass(frozen=True)
class Residence(_Validity):
    """TI 001: the municipality of residence (NIS code; a country code when abroad).

    ``language`` is the register's language code of the file: 1 French, 2 Dutch or German.
    """

    municipality: Code
    language: str | None = None
    since: PartialDate | None = None
    until: PartialDate | None = None


@dataclass(frozen=True)
class RegisteredName(_Validity):
    """TI 010: last name and given names."""

    name: PersonName
    since: PartialDate | None = None
    until: PartialDate | None = None


@dataclass(frozen=True)
class MainAddress(_Validity):
    """TI 020: the main residence address; municipality from TI 001 of the same time."""

    address: Address
    street_code: str | None = None
    since: PartialDate | None = None
    until: PartialDate | None = None


@dataclass(frozen=True)
class RegisteredNationality(_Validity):
    """TI 031: a nationality (national-register country code, 150 = Belgian)."""

    nationality: Code
    since: PartialDate | None = None
    until: PartialDate | None = None


@dataclass(frozen=True)
class BirthRecord:
    """TI 100: date and place of birth (a Belgian municipality, or a country and place)."""

    date: PartialDate | None
    place: Code | None = None
    country: Code | None = None
    place_text: str | None = None
    act_number: str | None = None


@dataclass(frozen=True)
class CivilStateRecord(_Validity):
    """TI 120: a civil state (10 single, 20 married, ...) with the spouse when there is one."""

    state: Code
    spouse: RelatedPerson | None = None
    place: Code | None = None
    country: Code | None = None
    act_number: str | None = None
    since: PartialDate | None = None
    until: PartialDate | None = None


@dataclass(frozen=True)
class LegalCohabitation(_Validity):
    """TI 123: a declaration of legal cohabitation, or its cessation (``cessation`` set)."""

    partner: RelatedPerson | None = None
    registered: PartialDate | None = None
    place: Code | None = None
    cessation: Code | None = None
    since: PartialDate | None = None
    until: PartialDate | None = None


@dataclass(frozen=True)
class HouseholdLink(_Validity):
    """TI 140 / 141: a household relationship.

    In `NationalRegisterRecord.household_members` (TI 140, the person is the head):
    ``person`` is a member and ``role`` their relationship to the head; the entry
    without a person is the head's own (role 01). In
    `NationalRegisterRecord.heads_of_household` (TI 141, the person is a member):
    ``person`` is the head and ``role`` the person's own relationship to them.
    """

    role: Code
    person: RelatedPerson | None = None
    housing: Code | None = None
    since: PartialDate | None = None
    until: PartialDate | None = None


@dataclass(frozen=True)
class DeceaseRecord:
    """TI 150: date and place of decease."""

    date: PartialDate | None
    place: Code | None = None
    country: Code | None = None
    place_text: str | None = None
    act_number: str | None = None


@dataclass(frozen=True)
class RegistrationRegister(_Validity):
    """TI 210: the register the person is registered in (population, waiting register...)."""

    register: Code
    since: PartialDate | None = None
    until: PartialDate | None = None


def _latest(items: tuple[_Validity, ...]) -> _Validity | None:
    current = [i for i in items if i.current]
    return current[0] if current else None


@dataclass(frozen=True)
class NationalRegisterRecord:
    """A person's national-register record, with the TI groups of `MAPPED_GROUPS` typed.

    Lists keep the register's order (most recent first). The properties give the
    current item of each group.
    """

    ssin: Ssin
    birth_date: PartialDate | None = None
    gender: Gender | None = None
    residences: tuple[Residence, ...] = ()
    names: tuple[RegisteredName, ...] = ()
    addresses: tuple[MainAddress, ...] = ()
    nationalities: tuple[RegisteredNationality, ...] = ()
    birth: BirthRecord | None = None
    civil_states: tuple[CivilStateRecord, ...] = ()
    legal_cohabitations: tuple[LegalCohabitation, ...] = ()
    household_members: tuple[HouseholdLink, ...] = ()
    heads_of_household: tuple[HouseholdLink, ...] = ()
    decease: DeceaseRecord | None = None
    registers: tuple[RegistrationRegister, ...] = ()
    other_groups: tuple[str, ...] = ()
    """Names of the record's other TI groups (e.g. ``IdentityCards``).

    Their content is in `TIGroupsResult.raw_xml`."""

    @property
    def name(self) -> PersonName | None:
        item = _latest(self.names)
        return item.name if isinstance(item, RegisteredName) else None

    @property
    def address(self) -> Address | None:
        """The current main residence address."""
        item = _latest(self.addresses)
        return item.address if isinstance(item, MainAddress) else None

    @property
    def nationality(self) -> Code | None:
        item = _latest(self.nationalities)
        return item.nationality if isinstance(item, RegisteredNationality) else None

    @property
    def civil_state(self) -> CivilStateRecord | None:
        item = _latest(self.civil_states)
        return item if isinstance(item, CivilStateRecord) else None

    @property
    def register(self) -> Code | None:
        item = _latest(self.registers)
        return item.register if isinstance(item, RegistrationRegister) else None

    @property
    def deceased(self) -> bool:
        return self.decease is not None

    @property
    def household(self) -> tuple[HouseholdLink, ...]:
        """The current household links: the members (as head), or the head (as a member)."""
        return tuple(link for link in (*self.household_members, *self.heads_of_household)
                     if link.current)


class _Deferred:
    """Bytes made when first asked for."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], bytes]) -> None:
        self.make = make


@dataclass(frozen=True)
class TIGroupsResult:
    """The answer to `TIGroupsService.get`: the record (None when not found) and its status."""

    record: NationalRegisterRecord | None
    status: Status
    receipt: Receipt
    language: Language = Language.FR
    history: bool = False

    # Not a field: the raw record stays out of repr, equality and JSON output. It is
    # serialised on first use (most callers never ask; 0.7 ms for a 100 KB record).
    _raw: ClassVar[bytes | _Deferred | None] = None

    @property
    def found(self) -> bool:
        return self.record is not None

    def raw_xml(self) -> bytes | None:
        """The ``rrn_it_implicit`` element exactly as received (UTF-8 XML), or None.

        The documented escape hatch for the TI groups this SDK does not map (see
        `NationalRegisterRecord.other_groups`): parse it with lxml or any XML parser.
        Its elements are in the national register's namespace
        ``http://www.ibz.rrn.fgov.be/XSD/xm25/rn25Schema`` (schema xm25 / rn25).
        It holds personal data: handle it as such (never log it).
        """
        raw = self._raw
        if isinstance(raw, _Deferred):
            raw = raw.make()
            object.__setattr__(self, "_raw", raw)
        return raw

    def _with_raw(self, raw: bytes | _Deferred | None) -> TIGroupsResult:
        object.__setattr__(self, "_raw", raw)
        return self
