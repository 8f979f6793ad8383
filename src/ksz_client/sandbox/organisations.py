"""The organisations the sandbox knows, and fictitious enterprise numbers.

The KSZ identifies every caller: a WS-Consult request names its organisation
in ``informationCustomer/customerIdentification`` (a KBO number, or sector +
institution), an SSDN request in ``AuthorizedUser/OrgUnit``. The sandbox
answers only organisations it knows; any other gets ``MSG00013`` (operation
not allowed for these credentials), as an unauthorised caller would at the KSZ.

Two OCMWs are known by default, so that tests can show that integrations are
per organisation. Every number here has valid check digits and is made up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

__all__ = [
    "DEFAULT_ORGANISATIONS",
    "SANDBOX_CBE_NUMBER",
    "SANDBOX_KSZ_CBE_NUMBER",
    "SECOND_OCMW_CBE_NUMBER",
    "SandboxOrganisation",
    "kbo_number",
    "organisations_by_key",
]

SANDBOX_CBE_NUMBER: Final = "0123456749"
"""The sandbox's default OCMW (sector 17, institution 1); ``write_config`` uses it."""
SECOND_OCMW_CBE_NUMBER: Final = "0234567873"
"""A second OCMW (sector 17, institution 2), to show that integrations are per organisation."""
SANDBOX_KSZ_CBE_NUMBER: Final = "0345678997"
"""The number the sandbox signs notifications with as sender (it stands in for the KSZ)."""


def kbo_number(base: int) -> str:
    """A 10-digit KBO/BCE number from 8 digits, with its mod 97 check digits."""
    if not 0 <= base <= 99_999_999:
        raise ValueError("a KBO base has at most 8 digits")
    return f"{base:08d}{97 - base % 97:02d}"


@dataclass(frozen=True)
class SandboxOrganisation:
    """An organisation the sandbox answers."""

    cbe_number: str
    name: str
    sector: int = 17
    institution: int | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        """How a request may name it: the KBO number, or ``sector/institution``."""
        keys = [self.cbe_number]
        if self.institution is not None:
            keys.append(f"{self.sector}/{self.institution}")
        return tuple(keys)


DEFAULT_ORGANISATIONS: Final = (
    SandboxOrganisation(SANDBOX_CBE_NUMBER, "OCMW Sandbox / CPAS Sandbox", 17, 1),
    SandboxOrganisation(SECOND_OCMW_CBE_NUMBER, "OCMW Tweede / CPAS Second", 17, 2),
)


def organisations_by_key(
    organisations: Iterable[SandboxOrganisation],
) -> Mapping[str, SandboxOrganisation]:
    """Index organisations by every key a request may use for them."""
    return MappingProxyType({key: org for org in organisations for key in org.keys})
