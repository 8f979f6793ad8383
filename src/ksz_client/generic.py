"""Any other KSZ service in a few lines: declare it, call it through the same pipeline.

For a service the SDK does not ship (a VESTA service, a new KSZ service, an
official WSDL the KSZ handed you), declare it from its WSDL or by hand and call
it like the built-in ones: the same signed transport, audit log, finality guard,
status mapping and retry by kind. The answer is a `GenericResult`: the KSZ
status, both tickets, and the verified response payload (`GenericResult.body`,
an lxml element: the documented escape hatch of the public API) or
`GenericResult.to_dict()`.

>>> efd = declare_service("EnterpriseFiscalDebtV2.wsdl", name="EnterpriseFiscalDebt",
...                       version="2", needs_integration=False)
>>> result = client.custom(efd).call(
...     "checkEnterpriseDebt",
...     {"criteria": {"enterpriseNumber": "0123456749", "includeAmount": True}})
>>> result.status.code, result.to_dict()["fiscalDebt"]["hasFiscalDebt"]

Without a WSDL (VESTA has no public contract), `declare` builds the same
`Service` by hand from the WS-Consult conventions (``<op>Request``,
``<op>Response``, ``<op>Fault``, SOAPAction ``http://kszbcss.fgov.be/<Segment>/<op>``):

>>> vesta = declare("VESTA", namespace="http://kszbcss.fgov.be/intf/VESTAService/v1",
...                 path="VESTAService/v1/consult",
...                 operations={"consultHomeCare": OperationKind.CONSULTATION,
...                             "registerHomeCare": OperationKind.MUTATION},
...                 needs_integration=True)

WSDLs are read locally (zeep, no network, no DTD or entities); a WSDL that
imports over http(s) is refused.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias
from urllib.parse import urlparse

from lxml import etree

from ksz_client import _xml
from ksz_client._exceptions import ConfigError, FaultDetail, ValidationError
from ksz_client.catalogue import (
    ContractStatus,
    Group,
    Operation,
    OperationKind,
    Service,
    WireStyle,
)
from ksz_client.types import CallContext, Receipt, Status

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["Criteria", "GenericResult", "GenericService", "declare", "declare_service"]

# What `call` accepts for the service-specific part of a request.
Criteria: TypeAlias = Mapping[str, Any] | Callable[[_xml.Element], None]


@dataclass(frozen=True)
class GenericResult:
    """The answer of a declared service: status, receipt and the verified payload.

    ``body`` is the response element as verified (lxml): the one place where the
    public API hands out an lxml element, for services the SDK does not model.
    """

    status: Status
    receipt: Receipt
    body: _xml.Element
    warnings: tuple[FaultDetail, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The payload as plain data: elements by local name, repeated ones as lists."""
        converted = _to_plain(self.body)
        return converted if isinstance(converted, dict) else {"value": converted}

    def findtext(self, path: str) -> str | None:
        """Text at an (unqualified) path below the payload, e.g. ``fiscalDebt/amount``."""
        return _xml.opt_text(self.body, path)

    def __repr__(self) -> str:
        return (f"GenericResult(status={self.status!r}, receipt={self.receipt!r}, "
                f"body=<{etree.QName(self.body).localname}>)")


def _to_plain(element: _xml.Element) -> Any:
    children = [c for c in element if isinstance(c.tag, str)]
    if not children:
        return (element.text or "").strip() or None
    out: dict[str, Any] = {}
    for child in children:
        key = etree.QName(child).localname
        value = _to_plain(child)
        if key in out:
            existing = out[key]
            out[key] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            out[key] = value
    return out


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, _dt.date | _dt.datetime):
        return value.isoformat()
    if isinstance(value, float):
        raise ValidationError("a float cannot go on the wire: use a Decimal or a string")
    if isinstance(value, int | str | Decimal):
        return str(value)
    raise ValidationError(f"cannot write a {type(value).__name__} into a request")


def _append(parent: _xml.Element, name: str, value: Any, namespace: str | None) -> None:
    tag = f"{{{namespace}}}{name}" if namespace else name
    if isinstance(value, Mapping):
        child = etree.SubElement(parent, tag)
        for key, item in value.items():
            _append(child, key, item, namespace)
    elif isinstance(value, list | tuple):
        for item in value:
            _append(parent, name, item, namespace)
    elif value is not None:
        etree.SubElement(parent, tag).text = _scalar(value)


class GenericService:
    """A declared service bound to a client: `call(operation, criteria)`."""

    def __init__(self, client: KszClient, service: Service) -> None:
        self._client = client
        self.service = service

    def call(
        self,
        operation: str,
        criteria: Criteria,
        *,
        subjects: Sequence[str] = (),
        context: CallContext | None = None,
    ) -> GenericResult:
        """Call one operation; ``criteria`` is a mapping written in order, or a function.

        A mapping becomes child elements in its order (nested mappings become
        nested elements, lists repeat the element; booleans, dates and Decimals
        are written as XML Schema expects; floats are refused). WS-Consult
        children are unqualified, SSDN payload children are qualified. A
        function receives the request element (after informationCustomer and
        legalContext for WS-Consult) and fills it.

        Args:
            operation: the wire operation name (as in the WSDL)
            criteria: what follows the common blocks of the request
            subjects: the SSINs the call concerns (audit and finality guard)
            context: the call context, when not bound with `acting_for`
        """
        op = self.service.operation(operation)
        numbers = tuple(self._client._validate_ssin(s) for s in subjects)
        namespace = self.service.namespace if self.service.wire is WireStyle.SSDN else None
        if callable(criteria):
            build = criteria
        else:
            mapping = criteria

            def build(payload: _xml.Element) -> None:
                for key, value in mapping.items():
                    _append(payload, key, value, namespace)

        reply = self._client._call(self.service, op.name, build, context=context,
                                   subjects=tuple(str(n) for n in numbers))
        return GenericResult(status=reply.status, receipt=reply.receipt, body=reply.payload,
                             warnings=reply.warnings)


class _LocalOnly:
    """A zeep transport that reads local files and refuses the network."""

    def __init__(self) -> None:
        import zeep.transports

        self._files = zeep.transports.Transport()  # type: ignore[no-untyped-call]

    def load(self, url: str) -> bytes:
        scheme = urlparse(url).scheme
        if scheme not in ("", "file") and len(scheme) > 1:
            raise ConfigError(f"the WSDL imports {scheme}: URLs; only local files are read",
                              key="wsdl")
        data: bytes = self._files.load(url)  # type: ignore[no-untyped-call]
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._files, name)


def declare_service(
    wsdl: str | Path,
    *,
    name: str | None = None,
    version: str = "1",
    kinds: Mapping[str, OperationKind] | OperationKind = OperationKind.CONSULTATION,
    needs_integration: bool,
    legal_context: str | None = None,
    path: str | None = None,
    subject: str | None = None,
    source: str = "declared by the application",
) -> Service:
    """A catalogue `Service` read from a WSDL (operations, SOAPActions, elements, address).

    ``kinds`` says which operations are mutations (never re-sent after a
    possible send) — default all consultations; ``needs_integration`` puts
    the calls under the finality guard; ``path`` overrides the endpoint path
    taken from the WSDL's address (the base URL comes from the configuration).
    """
    import zeep

    file = Path(wsdl)
    if not file.is_file():
        raise ConfigError(f"no WSDL at {file}", key="wsdl")
    settings = zeep.Settings(forbid_dtd=True, forbid_entities=True, forbid_external=True,
                             xml_huge_tree=False)
    try:
        document = zeep.Client(  # type: ignore[no-untyped-call]
            str(file), settings=settings, transport=_LocalOnly()
        )
    except ConfigError:
        raise
    except Exception as exc:  # zeep reports unusable WSDLs with many exception types
        raise ConfigError(f"cannot read {file.name} as a WSDL: {type(exc).__name__}",
                          key="wsdl") from None
    services = list(document.wsdl.services.values())
    if len(services) != 1 or len(services[0].ports) != 1:
        raise ConfigError("the WSDL must describe one service with one port", key="wsdl")
    port = next(iter(services[0].ports.values()))
    binding = port.binding
    operations = []
    namespace = None
    for op_name, op in binding._operations.items():
        request = op.input.body.qname if op.input and op.input.body else None
        response = op.output.body.qname if op.output and op.output.body else None
        if request is None or response is None:
            raise ConfigError(f"operation {op_name} is not document/literal", key="wsdl")
        namespace = namespace or request.namespace
        kind = kinds.get(op_name, OperationKind.CONSULTATION) if isinstance(kinds, Mapping) \
            else kinds
        fault = next(iter(op.faults.values()), None) if op.faults else None
        operations.append(Operation(
            name=op_name,
            kind=kind,
            soap_action=op.soapaction or "",
            request_element=request.localname,
            response_element=response.localname,
            fault_element=fault.name if fault is not None else None,
            subject=subject,
            description=f"declared from {file.name}",
        ))
    if isinstance(kinds, Mapping):
        unknown = set(kinds) - {o.name for o in operations}
        if unknown:
            raise ConfigError(f"no operation {', '.join(sorted(unknown))} in the WSDL",
                              key="kinds")
    address = port.binding_options.get("address") or ""
    endpoint_path = path or urlparse(address).path.strip("/")
    if not endpoint_path:
        raise ConfigError("the WSDL has no address: give path=", key="path")
    service_name = name or services[0].name
    return Service(
        name=service_name,
        version=version,
        group=Group.TECHNICAL,
        source=source,
        description=f"Declared from {file.name}.",
        wire=WireStyle.WS_CONSULT,
        contract=ContractStatus.OFFICIAL,
        operations=tuple(operations),
        needs_integration=needs_integration,
        implemented=True,
        namespace=namespace or "",
        types_namespace=None,
        path=endpoint_path,
        legal_context=legal_context,
    )


def _soap_action(namespace: str, operation: str) -> str:
    # The KSZ convention: interface namespace http://kszbcss.fgov.be/intf/<Segment>/vN
    # gives SOAPAction http://kszbcss.fgov.be/<Segment>/<operation>.
    parsed = urlparse(namespace)
    parts = [p for p in parsed.path.split("/") if p]
    if len(parts) >= 2 and parts[0] == "intf":
        return f"{parsed.scheme}://{parsed.netloc}/{parts[1]}/{operation}"
    return f"{namespace.rstrip('/')}/{operation}"


def declare(
    name: str,
    *,
    namespace: str,
    path: str,
    operations: Mapping[str, OperationKind],
    needs_integration: bool,
    version: str = "1",
    legal_context: str | None = None,
    subject: str | None = "ssin",
    soap_actions: Mapping[str, str] | None = None,
    source: str = "declared by the application",
    description: str = "",
) -> Service:
    """A catalogue `Service` declared by hand, for a service without a WSDL at hand.

    Element names follow the WS-Consult conventions (``<op>Request``,
    ``<op>Response``, ``<op>Fault``); SOAPActions follow the KSZ's
    (``http://kszbcss.fgov.be/<Segment>/<op>`` for an interface namespace
    ``http://kszbcss.fgov.be/intf/<Segment>/vN``) unless ``soap_actions``
    names them. The contract is marked modelled.

    Args:
        name: the service's name (audit log, commands, errors)
        namespace: the interface namespace of the request and response elements
        path: the endpoint path below the configured base URL
        operations: operation name -> kind; mutations are never re-sent after a possible send
        needs_integration: put the calls under the finality guard
        version: the interface version
        legal_context: the default legal context of the calls
        subject: the request field carrying the person's SSIN (None: no person)
        soap_actions: operation name -> SOAPAction, where the convention does not hold
        source: the authentic source, for the catalogue's description
        description: what the service does
    """
    if not operations:
        raise ValidationError("declare at least one operation")
    if not namespace or not path.strip("/"):
        raise ValidationError("a declared service needs a namespace and a path")
    unknown = set(soap_actions or {}) - set(operations)
    if unknown:
        raise ValidationError(f"SOAPAction for undeclared operations: {', '.join(sorted(unknown))}")
    declared = tuple(
        Operation(
            name=op_name,
            kind=kind,
            soap_action=(soap_actions or {}).get(op_name) or _soap_action(namespace, op_name),
            request_element=f"{op_name}Request",
            response_element=f"{op_name}Response",
            fault_element=f"{op_name}Fault",
            subject=subject,
            description=f"declared by hand ({kind.value})",
        )
        for op_name, kind in operations.items()
    )
    return Service(
        name=name,
        version=version,
        group=Group.TECHNICAL,
        source=source,
        description=description or "Declared by hand.",
        wire=WireStyle.WS_CONSULT,
        contract=ContractStatus.MODELLED,
        operations=declared,
        needs_integration=needs_integration,
        implemented=True,
        namespace=namespace,
        types_namespace=None,
        path=path.strip("/"),
        legal_context=legal_context,
    )
