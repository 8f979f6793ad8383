"""Which Python class serves which catalogue service, and which method which operation.

A service module marks each method with `@operation("<wire operation>")`; the
registry `BINDINGS` names the client attribute and the class. The command line
builds ``ksz <attribute> <method>`` from these and the method signatures, so a
new service gets its commands by being declared here, not by more CLI code.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

__all__ = ["BINDINGS", "OperationInfo", "ServiceBinding", "binding", "operation", "operations_of"]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class OperationInfo:
    """What `@operation` records on a method."""

    name: str  # the catalogue (wire) operation name
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # param -> extra flags


def operation(
    name: str, *, aliases: Mapping[str, tuple[str, ...]] | None = None
) -> Callable[[F], F]:
    """Mark a service method as the client side of catalogue operation ``name``.

    ``aliases`` adds command-line flags for a parameter (``{"max_results": ("--max",)}``).
    """

    def mark(fn: F) -> F:
        fn.__ksz_operation__ = OperationInfo(name, dict(aliases or {}))  # type: ignore[attr-defined]
        return fn

    return mark


@dataclass(frozen=True)
class ServiceBinding:
    """A catalogue service served by a class, reachable as ``client.<attribute>``."""

    attribute: str
    service: str
    module: str
    cls: str

    def load(self) -> type[Any]:
        return getattr(importlib.import_module(self.module), self.cls)  # type: ignore[no-any-return]


BINDINGS: Final[tuple[ServiceBinding, ...]] = (
    ServiceBinding("person", "PersonService", "ksz_client.services.person", "PersonService"),
)


def binding(attribute: str) -> ServiceBinding | None:
    return next((b for b in BINDINGS if b.attribute == attribute), None)


def operations_of(cls: type[Any]) -> dict[str, tuple[Callable[..., Any], OperationInfo]]:
    """The methods of a service class that implement catalogue operations, by method name."""
    found = {}
    for name in dir(cls):
        if name.startswith("_"):
            continue
        method = getattr(cls, name)
        info = getattr(method, "__ksz_operation__", None)
        if isinstance(info, OperationInfo):
            found[name] = (method, info)
    return found
