"""Every implemented catalogue operation has a client method and a command, and vice versa."""

from __future__ import annotations

import functools

import pytest

from ksz_client import catalogue
from ksz_client._client import KszClient
from ksz_client.cli import build_parser
from ksz_client.services._registry import BINDINGS, operations_of


def test_bindings_are_exactly_the_implemented_services() -> None:
    # Notifications are pushed by the KSZ: the receiver implements them, not a client
    # class (tests/notifications/test_catalogue_events.py checks those).
    implemented = {s.name for s in catalogue.services(implemented=True)
                   if s.kind != catalogue.OperationKind.NOTIFICATION.value}
    assert {b.service for b in BINDINGS} == implemented


@pytest.mark.parametrize("binding", BINDINGS, ids=lambda b: b.attribute)
def test_every_operation_of_an_implemented_service_has_a_method(binding) -> None:  # type: ignore[no-untyped-def]
    service = catalogue.get(binding.service)
    methods = operations_of(binding.load())
    covered = {info.name for _, info in methods.values()}
    assert covered == {op.name for op in service.operations}
    assert isinstance(getattr(KszClient, binding.attribute), functools.cached_property)


@pytest.mark.parametrize("binding", BINDINGS, ids=lambda b: b.attribute)
def test_every_operation_has_a_command(binding) -> None:  # type: ignore[no-untyped-def]
    service = catalogue.get(binding.service)
    for method_name, (_, info) in operations_of(binding.load()).items():
        op = service.operation(info.name)
        for command in (method_name, op.cli_name):
            args = build_parser([binding.attribute]).parse_args(
                [binding.attribute, command, *(["85073003328"] if op.subject else ["X"])]
            )
            assert callable(args.run), (binding.attribute, command)


def test_a_method_without_the_catalogue_operation_is_caught() -> None:
    from ksz_client.services._registry import operation

    class Broken:
        @operation("noSuchOperation")
        def oops(self) -> None:
            """Nothing."""

    service = catalogue.get("PersonService")
    (_, info), = operations_of(Broken).values()
    with pytest.raises(KeyError):
        service.operation(info.name)
