"""Every notification of the catalogue is implemented: a typed event, a parser, a contract.

The counterpart, for the receiver, of tests/test_service_bindings.py (which
demands a client class for every other implemented service).
"""

from __future__ import annotations

import dataclasses

import pytest

from ksz_client import catalogue
from ksz_client.notifications import (
    EVENT_TYPES,
    NOTIFY_DIR,
    PARSERS,
    SCHEMA_FILES,
    NotificationEvent,
    notification_operations,
)
from ksz_client.sandbox import notify as sandbox_notify

NOTIFICATION_SERVICES = catalogue.services(group=catalogue.Group.NOTIFICATIONS)
OPERATIONS = [(s, op) for s in NOTIFICATION_SERVICES for op in s.operations]


def test_the_catalogue_lists_every_notification_type_as_implemented() -> None:
    assert len(NOTIFICATION_SERVICES) == 13
    assert all(s.implemented for s in NOTIFICATION_SERVICES)
    assert all(s.kind == catalogue.OperationKind.NOTIFICATION.value
               for s in NOTIFICATION_SERVICES)
    # SPEC §2.6 and the two set-b extras, each under its own name or an alias.
    for name in ("notifyPerson", "notifyFamilyComposition", "PensionRegisterMutation",
                 "PersonnelFile", "SelfEmployedCareerNotifications",
                 "eCarmedCalculationNotification", "PensionablePCSABeneficiaries",
                 "HdiIndemnityAllowanceNotifications", "LEA-Voucher", "DismissalCompensation",
                 "PensionHolidayPay", "JobSeekerStatusNotifications",
                 "EmployeeContributionDeductionNotifications"):
        assert catalogue.get(name).implemented


@pytest.mark.parametrize(("service", "operation"), OPERATIONS,
                         ids=[op.name for _s, op in OPERATIONS])
def test_every_implemented_notification_has_an_event_type_and_a_parser(
    service: catalogue.Service, operation: catalogue.Operation,
) -> None:
    assert service.implemented
    cls = EVENT_TYPES[operation.name]
    assert issubclass(cls, NotificationEvent) and cls is not NotificationEvent
    assert (operation.name, service.name) == (cls.OPERATION, cls.SERVICE)
    assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
    assert cls.__doc__ and operation.name in cls.__doc__
    assert operation.name in PARSERS
    assert operation.name in sandbox_notify.SUPPORTED


def test_no_event_type_or_parser_without_a_catalogue_operation() -> None:
    names = {op.name for _s, op in OPERATIONS}
    assert set(EVENT_TYPES) == names
    assert set(PARSERS) == names
    assert set(sandbox_notify.SUPPORTED) == names
    assert len(names) == len(OPERATIONS)  # operation names are unique across services


def test_every_notification_service_has_its_contract_file() -> None:
    assert set(SCHEMA_FILES) == {s.name for s in NOTIFICATION_SERVICES}
    for file in SCHEMA_FILES.values():
        assert (NOTIFY_DIR / file).is_file()
    contracts = notification_operations()
    assert [(c.service.name, c.operation.name) for c in contracts] == \
        [(s.name, op.name) for s, op in OPERATIONS]
