"""The SDK's notification contracts (``wsdl/notify``): which element is which notification,
and validation against its schema.

Schemas load local files only (imports resolve inside ``wsdl/``). A compiled
schema is shared; validation holds its lock, because lxml keeps the last
error log on the schema object.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Final

from ksz_client import _contracts, _xml, catalogue

__all__ = [
    "NOTIFY_DIR",
    "SCHEMA_FILES",
    "Contract",
    "contract_for",
    "notification_operations",
]

NOTIFY_DIR: Final = Path(str(resources.files("ksz_client") / "wsdl" / "notify"))
"""Where the notification contracts are (``wsdl/notify`` of the package)."""

SCHEMA_FILES: Final[Mapping[str, str]] = MappingProxyType({
    "PersonNotifications": "PersonNotificationsV1.xsd",
    "FamilyCompositionNotifications": "FamilyCompositionNotificationsV1.xsd",
    "PensionRegisterMutation": "PensionRegisterMutationV1.xsd",
    "PersonnelFile": "PersonnelFileV1.xsd",
    "SelfEmployedCareerNotifications": "SelfEmployedCareerNotificationsV1.xsd",
    "eCarmedCalculationNotification": "eCarmedCalculationNotificationV1.xsd",
    "PensionablePCSABeneficiaries": "PensionablePCSABeneficiariesV1.xsd",
    "HdiIndemnityAllowanceNotifications": "HdiIndemnityAllowanceNotificationsV1.xsd",
    "LEA-Voucher": "LeaVoucherV1.xsd",
    "DismissalCompensation": "DismissalCompensationV1.xsd",
    "PensionHolidayPay": "PensionHolidayPayV1.xsd",
    "JobSeekerStatusNotifications": "JobSeekerStatusNotificationsV1.xsd",
    "EmployeeContributionDeductionNotifications":
        "EmployeeContributionDeductionNotificationsV1.xsd",
})
"""The schema file (in `NOTIFY_DIR`) of every notification service of the catalogue."""


@dataclass(frozen=True)
class Contract:
    """A notification operation and the schema its messages must conform to."""

    service: catalogue.Service
    operation: catalogue.Operation
    path: Path

    def validate(self, payload: _xml.Element) -> int | None:
        """None when `payload` conforms; else the line of the first error (0 if unknown).

        Only the line is returned: lxml's messages quote the offending values,
        which may be personal data.
        """
        return _contracts.violation_at(self.path, payload)


@functools.cache
def _index() -> Mapping[tuple[str, str], Contract]:
    found: dict[tuple[str, str], Contract] = {}
    for service in catalogue.services(group=catalogue.Group.NOTIFICATIONS):
        path = NOTIFY_DIR / SCHEMA_FILES[service.name]
        for operation in service.operations:
            found[(service.namespace, operation.request_element)] = Contract(
                service, operation, path)
    return MappingProxyType(found)


def contract_for(namespace: str | None, element: str) -> Contract | None:
    """The notification whose pushed element is ``{namespace}element``, if any."""
    return _index().get((namespace or "", element))


def notification_operations() -> tuple[Contract, ...]:
    """Every notification operation of the catalogue, in catalogue order."""
    return tuple(_index().values())
