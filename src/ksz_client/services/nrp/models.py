"""Typed models of NRPPersonService V1 (persons of the national register by address)."""

from __future__ import annotations

from dataclasses import dataclass

from ksz_client._exceptions import ValidationError
from ksz_client.services.person.models import Person
from ksz_client.types import Receipt, Status

__all__ = ["AddressCriteria", "AddressSearchResult"]


@dataclass(frozen=True)
class AddressCriteria:
    """An address as the national register codes it; validated on construction.

    `street_code` is the national register's code of the street (per
    municipality, up to four digits; shorter codes are padded with zeros).
    Without `house_number` the whole street is searched; a `box` needs a
    house number.
    """

    postal_code: str
    street_code: str
    house_number: str | None = None
    box: str | None = None

    def __post_init__(self) -> None:
        code = self.postal_code.strip() if isinstance(self.postal_code, str) else ""
        if not (len(code) == 4 and code.isascii() and code.isdigit() and code[0] != "0"):
            raise ValidationError("a postal code has 4 digits (1000-9999)")
        street = self.street_code.strip() if isinstance(self.street_code, str) else ""
        if not (1 <= len(street) <= 4 and street.isascii() and street.isdigit()):
            raise ValidationError("a national-register street code has 1 to 4 digits")
        object.__setattr__(self, "postal_code", code)
        object.__setattr__(self, "street_code", street.zfill(4))
        for name in ("house_number", "box"):
            value = getattr(self, name)
            if value is not None:
                value = value.strip()
                if not 1 <= len(value) <= 16:
                    raise ValidationError("house number and box have 1 to 16 characters")
                object.__setattr__(self, name, value)
        if self.box is not None and self.house_number is None:
            raise ValidationError("a box needs a house number")


@dataclass(frozen=True)
class AddressSearchResult:
    """The answer to `NrpPersonService.search`: the persons living at the address.

    Only persons the caller has integrated come back (the KSZ filters); none
    gives status NO_DATA_FOUND and an empty tuple.
    """

    persons: tuple[Person, ...]
    status: Status
    receipt: Receipt
