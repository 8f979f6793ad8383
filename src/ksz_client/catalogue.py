"""The catalogue: every KSZ service the SDK knows about, as data.

One `Operation` per wire operation and one `Service` per KSZ service (SPEC.md
§2, §4, §7). Everything that is the same for all operations is driven from
here: CLI commands, sandbox routing, audit metadata, the retry policy
(consultations are safe to retry, mutations never are) and the finality check
(`Service.needs_integration_for`).

Contract status. ``OFFICIAL`` means the interface contract (WSDL, or XSD for
SSDN payloads and notifications) is among the reference contracts in
``KSZ_CONTRACTS_DIR``; `Service.official_files` names those files, the first
being the interface file. ``MODELLED`` means no public contract exists: names,
namespaces, paths and soapActions then follow the new-style conventions of
SPEC §7 and are meant to be swapped for the official WSDL that the KSZ hands
to its integrators.

Conventions applied to modelled new-style (WS-Consult) services, derived from
the official ones: the interface namespace is
``http://kszbcss.fgov.be/intf/<Segment>/vN`` where ``<Segment>`` is the
service name with a ``Service`` suffix; the types namespace is
``http://kszbcss.fgov.be/types/<Segment without Service>/vN``; the SOAPAction
is ``http://kszbcss.fgov.be/<Segment>/<op>``; the wrapper elements are
``<op>Request`` / ``<op>Response`` / ``<op>Fault``; the endpoint path is
``<Segment>/vN/consult`` (the PersonService pattern).

Paths. For WS-Consult services `Service.path` is relative to the SOA base URL
(``https://b2b…:4520/`` direct, ``…/SOA4520/`` through the Smals proxy). SSDN
services all share the WebServiceConnector, whose path (`SSDN_CONNECTOR_PATH`)
is relative to the host root. Notifications are pushed by the KSZ to the
OCMW: their path is where the SDK's receiver listens, relative to its own base.

The module is stdlib-only and cheap to import (the CLI imports it on every
start): the service table is built at import, the lookup indices on first use.
Lookups raise `KeyError` and never echo an input that could be an SSIN.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from types import MappingProxyType

__all__ = [
    "LEGAL_CONTEXTS",
    "OCMW_DATA_CLIENTS",
    "OCMW_DATA_FLOWS",
    "OCMW_DATA_PRODUCTS",
    "OCMW_SECTOR",
    "OCMW_SUB_SECTOR",
    "QUALITY_CODES",
    "SERVICES",
    "SSDN_CONNECTOR_NAMESPACE",
    "SSDN_CONNECTOR_OFFICIAL_FILES",
    "SSDN_CONNECTOR_PATH",
    "SSDN_ENVELOPE_NAMESPACE",
    "SSDN_SOAP_ACTION",
    "ContractStatus",
    "DataFlow",
    "Group",
    "LegalContext",
    "Operation",
    "OperationKind",
    "Service",
    "WireStyle",
    "as_json",
    "by_endpoint",
    "by_ssdn_service_id",
    "get",
    "render_clients",
    "render_table",
    "resolve",
    "services",
]


class OperationKind(StrEnum):
    """What an operation does, which decides how it may be retried."""

    CONSULTATION = "consultation"
    """Reads data; safe to retry on a transport failure."""
    MUTATION = "mutation"
    """Changes state at the KSZ or the POD-MI; never retried blindly."""
    NOTIFICATION = "notification"
    """Pushed by the KSZ to the OCMW; the SDK receives it."""


class WireStyle(StrEnum):
    """The generation of KSZ messaging an operation travels on (SPEC §4)."""

    WS_CONSULT = "ws-consult"
    """New-style document/literal SOAP 1.1, common types in CommonV3."""
    SSDN = "ssdn"
    """Legacy SSDNRequest sent as a string through WebServiceConnector sendXML."""


class ContractStatus(StrEnum):
    """Whether the contract comes from the KSZ or was modelled on its conventions."""

    OFFICIAL = "official"
    MODELLED = "modelled"


class Group(StrEnum):
    """Catalogue sections, following SPEC §2."""

    REGISTERS = "registers"
    SOCIAL_DATA = "social-data"
    PODMI = "pod-mi"
    MEDIPRIMA = "mediprima"
    FLANDERS = "flanders"
    NOTIFICATIONS = "notifications"
    TECHNICAL = "technical"


# --- SSDN transport ----------------------------------------------------------

SSDN_ENVELOPE_NAMESPACE = "http://www.ksz-bcss.fgov.be/XSD/SSDN/Service"
"""Namespace of SSDNRequest / SSDNReply."""
SSDN_CONNECTOR_NAMESPACE = "http://ksz-bcss.fgov.be/connectors/WebServiceConnector"
"""Namespace of the WebServiceConnector and its ``xmlString`` element."""
SSDN_SOAP_ACTION = "http://ksz-bcss.fgov.be/connectors/WebServiceConnector/sendXML"
"""SOAPAction of ``sendXML``, shared by every SSDN service."""
SSDN_CONNECTOR_PATH = "connectors/webservice/KSZBCSSWebServiceConnectorPort"
"""Connector path, relative to the host root (not to the SOA base)."""
SSDN_CONNECTOR_OFFICIAL_FILES: tuple[str, ...] = (
    "set-a/WSDL/WebServiceConnector.wsdl",
    "set-a/XSD/SSDN/Service/SSDNRequest.xsd",
    "set-a/XSD/SSDN/Service/SSDNReply.xsd",
    "set-b/KSZBCSSWebService.wsdl",
    "set-b/be/fgov/kszbcss/SSDN/SSDNRequest.xsd",
    "set-b/be/fgov/kszbcss/SSDN/SSDNReply.xsd",
)
"""Official contract of the SSDN envelope and connector, relative to the contracts folder.

set-b holds newer copies: its connector names the operation ``SendXML`` but uses the
same SOAPAction, and its envelope adds optional blocks."""

_SSDN_COMMON = "http://www.ksz-bcss.fgov.be/XSD/SSDN/Common"
_SSDN_ROOT = "http://www.ksz-bcss.fgov.be/XSD/SSDN"
_KSZ = "http://kszbcss.fgov.be"

OCMW_SECTOR = 17
"""KSZ network sector of the OCMWs/CPAS (SSDN ``MatrixID``)."""
OCMW_SUB_SECTOR = 1
"""KSZ network sub-sector of the OCMWs/CPAS (SSDN ``MatrixSubID``)."""


# --- model -------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """One wire operation of a service.

    For SSDN services there is a single wire operation (``sendXML``); an
    `Operation` then stands for one use of the payload (for ManageAccess: one
    per ``Action`` value, and `name` is that value).

    `subject` names the request field that carries the person's SSIN, for the
    audit log and the finality guard; it is ``None`` when no SSIN travels
    (search by name or address, employer or enterprise lookups, technical
    calls). An operation that needs integration but has no subject cannot be
    checked locally before sending: the KSZ filters its results itself.

    For notifications `request_element` is the pushed root element (named
    after the operation, as in the official notification contracts) and
    `response_element` the modelled acknowledgement the receiver returns.
    """

    name: str
    """Wire operation name, e.g. ``searchPersonBySsin``."""
    kind: OperationKind
    soap_action: str
    """SOAPAction; for SSDN the WebServiceConnector ``sendXML`` action."""
    request_element: str
    """Request wrapper element; for SSDN the ServiceRequest payload root."""
    response_element: str
    fault_element: str | None
    """SOAP fault detail element; ``None`` for SSDN (errors in ResultSummary)."""
    needs_integration: bool | None = None
    """``None`` inherits `Service.needs_integration`."""
    description: str = ""
    subject: str | None = "ssin"

    @property
    def retryable(self) -> bool:
        """True when a transport failure may be retried (consultations only)."""
        return self.kind is OperationKind.CONSULTATION

    @property
    def cli_name(self) -> str:
        """Kebab-case command name, e.g. ``search-person-by-ssin``."""
        return _kebab(self.name)


@dataclass(frozen=True)
class Service:
    """One KSZ service (a WSDL, or an SSDN ServiceId) and its operations."""

    name: str
    """Technical name, e.g. ``PersonService``; unique, case-insensitively."""
    version: str
    """Interface version (``"4"``) or SSDN version (``"20050930"``)."""
    group: Group
    source: str
    """Authentic source institution."""
    description: str
    wire: WireStyle
    contract: ContractStatus
    operations: tuple[Operation, ...]
    needs_integration: bool
    """Default for operations: a covering ManageAccess integration is required."""
    implemented: bool
    """The SDK has a client module for it."""
    namespace: str
    """Interface namespace; for SSDN the payload's XSD namespace."""
    types_namespace: str | None
    path: str
    """Endpoint path, see the module docstring."""
    ssdn_service_id: str | None = None
    legacy: bool = False
    successor: str | None = None
    legal_context: str | None = None
    """Default legal context; ``None`` when the caller must choose one or the
    wire carries none (SSDN, notifications)."""
    official_files: tuple[str, ...] = ()
    """Official contract files relative to the contracts folder, interface first."""
    aliases: tuple[str, ...] = ()
    """Other names the service goes by (SPEC spellings), accepted by `get`."""
    common_blocks: bool = True
    """WS-Consult requests carry informationCustomer and legalContext, answers a
    status. False for TestConnectionService, whose messages carry only its own
    elements (the echo, the certificate seen)."""

    @property
    def kind(self) -> str:
        """``consultation``, ``mutation``, ``notification`` or ``mixed``."""
        kinds = {op.kind for op in self.operations}
        if len(kinds) == 1:
            return next(iter(kinds)).value
        return "mixed"

    @property
    def cli_name(self) -> str:
        """Kebab-case command name, e.g. ``person-service``."""
        return _kebab(self.name)

    @property
    def carries_legal_context(self) -> bool:
        """True when requests carry a ``legalContext`` element (WS-Consult calls)."""
        return (self.wire is WireStyle.WS_CONSULT and self.group is not Group.NOTIFICATIONS
                and self.common_blocks)

    def operation(self, name: str) -> Operation:
        """The operation called `name` (exact, else case-insensitive).

        Raises `KeyError` naming the service's operations when unknown.
        """
        for op in self.operations:
            if op.name == name:
                return op
        folded = name.casefold()
        for op in self.operations:
            if op.name.casefold() == folded or op.cli_name == folded:
                return op
        known = ", ".join(op.name for op in self.operations)
        raise KeyError(f"{self.name} has no operation {_safe_echo(name)}; its operations: {known}")

    def needs_integration_for(self, operation: str | Operation) -> bool:
        """Whether `operation` needs a covering integration (finality)."""
        op = self.operation(operation) if isinstance(operation, str) else operation
        if op.needs_integration is None:
            return self.needs_integration
        return op.needs_integration


@dataclass(frozen=True)
class LegalContext:
    """A legal context seen in real use (SPEC §4, §7), kept as configurable data."""

    value: str
    description: str
    evidence: str
    """Where public sources show it."""
    services: tuple[str, ...] = ()
    """Services of the catalogue that default to it (derived from SERVICES)."""


# --- helpers to write the data compactly -------------------------------------


def _kebab(name: str) -> str:
    out: list[str] = []
    n = len(name)
    for i, ch in enumerate(name):
        if ch in "-_ .":
            if out and out[-1] != "-":
                out.append("-")
            continue
        if ch.isupper() and out and out[-1] != "-":
            prev = name[i - 1]
            nxt = name[i + 1] if i + 1 < n else ""
            if prev.islower() or prev.isdigit() or (prev.isupper() and nxt.islower()):
                out.append("-")
        out.append(ch.lower())
    return "".join(out)


def _safe_echo(text: str) -> str:
    # Never echo something that could be an SSIN back into an error message.
    if sum(ch.isdigit() for ch in text) > 4 or len(text) > 64:
        return "(given name)"
    return repr(text)


def _op(
    segment: str,
    name: str,
    kind: OperationKind,
    description: str,
    *,
    subject: str | None = "ssin",
    needs_integration: bool | None = None,
) -> Operation:
    """A WS-Consult operation that follows the new-style conventions."""
    return Operation(
        name=name,
        kind=kind,
        soap_action=f"{_KSZ}/{segment}/{name}",
        request_element=f"{name}Request",
        response_element=f"{name}Response",
        fault_element=f"{name}Fault",
        needs_integration=needs_integration,
        description=description,
        subject=subject,
    )


def _ssdn_op(
    name: str,
    kind: OperationKind,
    request_element: str,
    response_element: str,
    description: str,
    *,
    subject: str | None,
    needs_integration: bool | None = None,
) -> Operation:
    return Operation(
        name=name,
        kind=kind,
        soap_action=SSDN_SOAP_ACTION,
        request_element=request_element,
        response_element=response_element,
        fault_element=None,
        needs_integration=needs_integration,
        description=description,
        subject=subject,
    )


def _notify_op(service: str, name: str, description: str, *, subject: str = "ssin") -> Operation:
    return Operation(
        name=name,
        kind=OperationKind.NOTIFICATION,
        soap_action=f"{_KSZ}/{service}/{name}",
        request_element=name,
        response_element=f"{name}Response",
        fault_element=None,
        description=description,
        subject=subject,
    )


def _ws(  # noqa: PLR0917 - positional fields keep the data tables readable
    name: str,
    version: str,
    group: Group,
    source: str,
    description: str,
    operations: Iterable[Operation],
    *,
    needs_integration: bool,
    segment: str | None = None,
    types_domain: str | None = None,
    path: str | None = None,
    contract: ContractStatus = ContractStatus.MODELLED,
    official_files: tuple[str, ...] = (),
    legal_context: str | None = None,
    legacy: bool = False,
    successor: str | None = None,
    aliases: tuple[str, ...] = (),
    implemented: bool = False,
) -> Service:
    """A WS-Consult service; namespaces and path default to the conventions."""
    seg = segment or _segment(name)
    domain = types_domain or seg.removesuffix("Service")
    return Service(
        name=name,
        version=version,
        group=group,
        source=source,
        description=description,
        wire=WireStyle.WS_CONSULT,
        contract=contract,
        operations=tuple(operations),
        needs_integration=needs_integration,
        implemented=implemented,
        namespace=f"{_KSZ}/intf/{seg}/v{version}",
        types_namespace=f"{_KSZ}/types/{domain}/v{version}",
        path=path if path is not None else f"{seg}/v{version}/consult",
        legacy=legacy,
        successor=successor,
        legal_context=legal_context,
        official_files=official_files,
        aliases=aliases,
    )


def _segment(name: str) -> str:
    return name if name.endswith("Service") else f"{name}Service"


def _ssdn(  # noqa: PLR0917 - positional fields keep the data tables readable
    name: str,
    version: str,
    group: Group,
    source: str,
    description: str,
    operations: Iterable[Operation],
    *,
    namespace: str,
    needs_integration: bool,
    types_namespace: str | None = _SSDN_COMMON,
    contract: ContractStatus = ContractStatus.MODELLED,
    official_files: tuple[str, ...] = (),
    service_id: str | None = None,
    legacy: bool = False,
    successor: str | None = None,
    aliases: tuple[str, ...] = (),
    implemented: bool = False,
) -> Service:
    return Service(
        name=name,
        version=version,
        group=group,
        source=source,
        description=description,
        wire=WireStyle.SSDN,
        contract=contract,
        operations=tuple(operations),
        needs_integration=needs_integration,
        implemented=implemented,
        namespace=namespace,
        types_namespace=types_namespace,
        path=SSDN_CONNECTOR_PATH,
        ssdn_service_id=service_id or name,
        legacy=legacy,
        successor=successor,
        official_files=official_files,
        aliases=aliases,
    )


def _notification(
    name: str,
    source: str,
    description: str,
    operations: Iterable[Operation],
    *,
    namespace: str | None = None,
    types_namespace: str | None = None,
    contract: ContractStatus = ContractStatus.MODELLED,
    official_files: tuple[str, ...] = (),
    aliases: tuple[str, ...] = (),
) -> Service:
    # Notifications concern integrated SSINs only (SPEC §2.6): an incoming one
    # for a person the OCMW does not manage is a finality anomaly.
    return Service(
        name=name,
        version="1",
        group=Group.NOTIFICATIONS,
        source=source,
        description=description,
        wire=WireStyle.WS_CONSULT,
        contract=contract,
        operations=tuple(operations),
        needs_integration=True,
        implemented=True,  # received by ksz_client.notifications.Receiver
        namespace=namespace or f"{_KSZ}/intf/{name}/notify/v1",
        types_namespace=types_namespace
        if types_namespace is not None or namespace is not None
        else f"{_KSZ}/types/{name}/notify/v1",
        path=f"notify/{name}/v1",
        official_files=official_files,
        aliases=aliases,
    )


# The data tables below are laid out by hand, one service per block.
# fmt: off
C = OperationKind.CONSULTATION
M = OperationKind.MUTATION
R, S, P, MP, F, T = (
    Group.REGISTERS,
    Group.SOCIAL_DATA,
    Group.PODMI,
    Group.MEDIPRIMA,
    Group.FLANDERS,
    Group.TECHNICAL,
)
OFFICIAL = ContractStatus.OFFICIAL

_SOCIAL_INQUIRY = "PCSA:SOCIAL_INQUIRY"
_SOCIAL_INVESTIGATION = "SOCIAL_INVESTIGATION_OF_PCSA"
# RetrieveTIGroups V5 (v1 interface) restricts legalContext to an enumeration of its own.
_V5_SOCIAL_ISSUES = "social issues"
_V5_ADMINISTRATIVE_STAFF = "administrative staff"

_A = "set-a/XSD/SSDN/OCMW_CPAS"
_B = "set-b/be/fgov/kszbcss"

_NR_BIS = "National Register / KSZ BIS register"
_PODMI_SRC = "POD MI / SPP IS (PPS Social Integration)"


# --- 2.1 registers and repertory ---------------------------------------------

_REGISTERS: tuple[Service, ...] = (
    _ws(
        "BisPersonService", "1", R, "KSZ BIS register",
        "Create a BIS number for a person not in the national register (registerPerson). "
        "Answers newlyRegisteredPerson, or up to 50 existingPersons when a possible "
        "duplicate exists and the caller must choose. No SSIN travels in the request.",
        [_op("BisPersonService", "registerPerson", M,
             "Declare a person and get a BIS number (or duplicate candidates).",
             subject=None)],
        needs_integration=False, implemented=True,
    ),
    _ws(
        "ManagePerson", "1", R, "KSZ BIS register",
        "Old BIS-number creation (createKSZCitizen); replaced by BisPersonService.registerPerson.",
        [_op("ManagePersonService", "createKSZCitizen", M,
             "Create a BIS number (old interface).", subject=None)],
        needs_integration=False, legacy=True, successor="BisPersonService", implemented=True,
    ),
    _ws(
        "CBSSPersonService", "1", R, "KSZ BIS register",
        "Change a datum (e.g. the address) of a BIS number; rarely used. Answers per data "
        "group OK / NOK / NO_UPDATE / DEFERRED.",
        [_op("CBSSPersonService", "updatePerson", M, "Update data groups of a BIS person.")],
        needs_integration=False, implemented=True,
    ),
    _ssdn(
        "OCMWCPASManageAccess", "20050930", R, "KSZ reference repertory",
        "Integrate an SSIN in the KSZ reference repertory for this OCMW, a quality code and "
        "a period (REGISTER / UNREGISTER), and list integrations (LIST; QueryRegister "
        "PRIMARY / SECONDARY / ALL). One payload, ManageAccessRequest, whose Action value "
        "is the operation name here, so kind and retry policy are per action. None of the "
        "three needs a prior integration: REGISTER creates it, UNREGISTER ends it (ending a "
        "file must never be blocked locally) and LIST is how the local register is "
        "reconciled with the KSZ. New-style successor at the KSZ: InscriptionService.",
        [
            _ssdn_op("REGISTER", M, "ManageAccessRequest", "ManageAccessReply",
                     "Integrate the SSIN for a quality code (Purpose) and period.",
                     subject="SSIN", needs_integration=False),
            _ssdn_op("UNREGISTER", M, "ManageAccessRequest", "ManageAccessReply",
                     "End an integration (Purpose and period as registered).",
                     subject="SSIN", needs_integration=False),
            _ssdn_op("LIST", C, "ManageAccessRequest", "ManageAccessReply",
                     "List integrations of the SSIN (OCMW and other sectors).",
                     subject="SSIN", needs_integration=False),
        ],
        namespace=f"{_SSDN_ROOT}/OCMW_CPAS/ManageAccess",
        needs_integration=False, contract=OFFICIAL, implemented=True,
        official_files=(
            f"{_A}/ManageAccess/ManageAccessRequest.xsd",
            f"{_A}/ManageAccess/ManageAccessReply.xsd",
            f"{_A}/ManageAccess/CommonDataTypes.xsd",
        ),
    ),
    _ssdn(
        "ReferenceManager", "20050525", R, "KSZ reference repertory",
        "Consult the integrations of an SSIN in other sectors (ReferenceManager.consult). "
        "The criteria name the requester's own quality code and integrated period, so the "
        "OCMW's own integration is a precondition.",
        [_ssdn_op("consult", C, "ConsultOtherSectorsCriteria", "ConsultOtherSectorsResult",
                  "Integrations of the SSIN in other sectors, with nl/fr descriptions.",
                  subject="RequestedSsin")],
        namespace=f"{_SSDN_ROOT}/ReferenceManagerFacade",
        needs_integration=True, aliases=("ReferenceManage",), implemented=True,
    ),
    _ws(
        "SSINInformationService", "1", R, _NR_BIS,
        "History of an SSIN: the current SSIN (canceled / replaces) and related SSINs, e.g. "
        "a BIS number replaced by a national number. No prior integration needed.",
        [
            _op("SSINInformationService", "consultCurrentSsin", C,
                "The current SSIN for a given (possibly replaced) SSIN."),
            _op("SSINInformationService", "consultRelatedSsins", C,
                "All SSINs related to the given one."),
        ],
        needs_integration=False, implemented=True,
    ),
    _ws(
        "PersonService", "4", R, _NR_BIS,
        "Legal data of a person from the national register and the BIS register: search by "
        "SSIN or phonetically (name, birth date, gender, tolerance). Replaces "
        "OCMWCPASIdentifyPerson. No prior integration needed; the legal context is chosen "
        "by the caller.",
        [
            _op("PersonService", "searchPersonBySsin", C,
                "The person's legal data groups by SSIN."),
            _op("PersonService", "searchPersonPhonetically", C,
                "Person identifications matching name, birth, gender (and address).",
                subject=None),
        ],
        needs_integration=False, types_domain="PersonService", implemented=True,
    ),
    _ssdn(
        "OCMWCPASIdentifyPerson", "20050930", R, _NR_BIS,
        "Classic identification of a person by SSIN or phonetic criteria; no longer "
        "evolves, use PersonService.",
        [_ssdn_op("identifyPerson", C, "IdentifyPersonRequest", "IdentifyPersonReply",
                  "Identify a person by SSIN (with verification data) or phonetically.",
                  subject="SSIN")],
        namespace=f"{_SSDN_ROOT}/OCMW_CPAS/IdentifyPerson",
        needs_integration=False, contract=OFFICIAL, legacy=True, successor="PersonService",
        implemented=True,
        official_files=(
            f"{_A}/IdentifyPerson/IdentifyPersonRequest.xsd",
            f"{_A}/IdentifyPerson/IdentifyPersonReply.xsd",
        ),
    ),
    _ws(
        "NRPPersonService", "1", R, "National Register",
        "Search persons by address (postal code, national-register street code, house "
        "number, box); national register only. An invalid street code is a typed error. "
        "No SSIN travels: the KSZ filters the results by integration.",
        [_op("NRPPersonService", "searchPersonsByAddress", C,
             "Persons living at an address.", subject=None)],
        needs_integration=True, legal_context=_SOCIAL_INQUIRY, implemented=True,
    ),
    _ws(
        "FamilyComposition", "1", R, _NR_BIS,
        "Household composition by SSIN, at a date (snapshot) or from a date (history); "
        "relationship codes 01 head of household, 02 spouse, 03 child, ...",
        [_op("FamilyCompositionService", "consultFamilyComposition", C,
             "Members of the person's household, with their relationship.")],
        needs_integration=True, legal_context=_SOCIAL_INQUIRY, implemented=True,
    ),
    _ssdn(
        "OCMWCPASPerformInvestigation", "20080604", R,
        "National Register / KSZ BIS register (incl. waiting register)",
        "Social inquiry: legal data, family composition, address history and waiting "
        "register, selected by data group.",
        [_ssdn_op("performInvestigation", C, "PerformInvestigationRequest",
                  "PerformInvestigationReply",
                  "The requested data groups for one SSIN.", subject="SocialSecurityUser")],
        namespace=f"{_SSDN_ROOT}/OCMW_CPAS/PerformInvestigation",
        needs_integration=True, contract=OFFICIAL, implemented=True,
        official_files=(
            f"{_A}/PerformInvestigation/PerformInvestigationRequest.xsd",
            f"{_A}/PerformInvestigation/PerformInvetigationReply.xsd",
            f"{_A}/PerformInvestigation/FamilyComposition.xsd",
            f"{_A}/PerformInvestigation/AddressHistory.xsd",
            f"{_A}/PerformInvestigation/WaitRegister.xsd",
        ),
    ),
    Service(
        name="RetrieveTIGroups",
        version="2",
        group=R,
        source="National Register",
        description="Full national-register record with municipal data (TI groups) of an "
        "SSIN. legalContext is mandatory since v2. The operation is retrieveTI but the "
        "wrapper elements are retrieveTIGroups{Request,Response,Fault}.",
        wire=WireStyle.WS_CONSULT,
        contract=OFFICIAL,
        operations=(
            Operation(
                name="retrieveTI",
                kind=C,
                soap_action=f"{_KSZ}/RetrieveTIGroupsService/retrieveTI",
                request_element="retrieveTIGroupsRequest",
                response_element="retrieveTIGroupsResponse",
                fault_element="retrieveTIGroupsFault",
                description="The national-register record (rrn_it_implicit) of an SSIN.",
            ),
        ),
        needs_integration=True,
        implemented=True,
        namespace=f"{_KSZ}/intf/RetrieveTIGroupsService/v2",
        types_namespace=f"{_KSZ}/types/RetrieveTIGroups/v2",
        path="RetrieveTIGroupsService/v2/retrieveTI",
        legal_context=_SOCIAL_INQUIRY,
        official_files=(
            "set-a/XSD/be/fgov/kszbcss/intf/RetrieveTIGroupsService/RetrieveTIGroupsV2.wsdl",
            "set-a/XSD/be/fgov/kszbcss/types/RetrieveTIGroups/RetrieveTIGroupsV2.xsd",
            "set-a/WSDL/RetrieveTIGroups-v2.wsdl",
        ),
        aliases=("RetrieveTIGroupsV2",),
    ),
    Service(
        name="RetrieveTIGroupsV5",
        version="5",
        group=R,
        source="National Register",
        description="RetrieveTIGroups on the v1 interface with the V5 types (national-register "
        "schema rn25 release 2014-11); the V5 file declares the .../RetrieveTIGroups/v1 "
        "namespace. legalContext is optional here and an enumeration: 'social issues' (the "
        "default) or 'administrative staff'. Same soapAction as V2: route by path.",
        wire=WireStyle.WS_CONSULT,
        contract=OFFICIAL,
        operations=(
            Operation(
                name="retrieveTI",
                kind=C,
                soap_action=f"{_KSZ}/RetrieveTIGroupsService/retrieveTI",
                request_element="retrieveTIGroupsRequest",
                response_element="retrieveTIGroupsResponse",
                fault_element="retrieveTIGroupsFault",
                description="The national-register record of an SSIN.",
            ),
        ),
        needs_integration=True,
        implemented=True,
        namespace=f"{_KSZ}/intf/RetrieveTIGroupsService/v1",
        types_namespace=f"{_KSZ}/types/RetrieveTIGroups/v1",
        path="RetrieveTIGroupsService/retrieveTI",
        legal_context=_V5_SOCIAL_ISSUES,
        official_files=(
            "set-a/WSDL/RetrieveTIGroups-v1.wsdl",
            "set-a/XSD/20190612/RetrieveTIGroupsV5.xsd",
            "set-a/XSD/20190612/rn25_Release201411.xsd",
        ),
    ),
)


# --- 2.2 social databases ----------------------------------------------------

_UDS = "UnemploymentDataService"
_UDS_OPS: tuple[tuple[str, str], ...] = (
    ("consultActivationPaidSums", "Activation allowances paid, per month (period <= 48 months)."),
    ("consultExemptionHistory", "History of exemptions."),
    ("consultNoEarningCapacityAndLawsuitMutuality",
     "No earning capacity and lawsuits with the mutuality."),
    ("consultPaidSums", "Sums paid per month (period startMonth-endMonth, <= 48 months)."),
    ("consultPayments", "Payments at a date (absent = latest)."),
    ("consultRights", "State of the right at a date (absent = latest)."),
    ("consultSanctionHistory", "History of sanctions."),
    ("consultScaleCodeHistory", "History of scale codes."),
    ("consultScheduledPayment", "Scheduled payment for a quarter."),
    ("consultWorkDisabilityHistory", "History of work disability."),
    ("consultYoungAvailabilityDecisionHistory",
     "History of availability decisions for young people."),
)

_SOCIAL_DATA: tuple[Service, ...] = (
    _ws(
        "Dolsis", "1", S,
        "RSZ / ONSS (Dimona, DmfA, employer repertory) and Limosa",
        "Employment data of the RSZ (WSDL dolsis2011CBSS_subsetPSWC). Every request carries "
        "securityContext{service WELFARE, legalContext SOCIAL_INVESTIGATION_OF_PCSA, role "
        "Agent}. Operation names as in SPEC §2.2; the detail operations are inferred to "
        "take an id-based criteria block.",
        [
            _op("DolsisService", "findEmployersByWorker", C,
                "Employment periods (Dimona) of an SSIN: active, activeInPeriod or mutations."),
            _op("DolsisService", "getEmploymentDetail", C,
                "Quarterly wage and working-time data (DmfA) with one employer, 1-4 quarters."),
            _op("DolsisService", "getEmployerDetail", C,
                "Employer detail: KBO number, type, social secretariat, family allowance "
                "fund, curator.", subject=None),
            _op("DolsisService", "findPostedWorkers", C,
                "Foreign workers posted in Belgium (Limosa), searched by name.", subject=None),
            _op("DolsisService", "PostedWorkerDetail", C,
                "Posted worker, employers and posting document.", subject=None),
            _op("DolsisService", "FindPostingDocumentDetail", C,
                "Posting document detail by technical id.", subject=None),
        ],
        needs_integration=True, legal_context=_SOCIAL_INVESTIGATION, implemented=True,
    ),
    _ws(
        "DmfaConsultation", "1", S, "RSZ / ONSS (DmfA)",
        "DmfA attestations of a worker, and the personnel of an employer.",
        [
            _op("DmfaConsultationService", "consultDmfaAttestationsBySsin", C,
                "DmfA attestations of an SSIN, paged (next)."),
            _op("DmfaConsultationService", "consultPersonnelByEmployer", C,
                "Workers declared by an employer; answered by batch only "
                "(RESPONSE_IN_BATCH).", subject=None),
        ],
        needs_integration=True, path="DmfaConsultationService/consult",
        contract=OFFICIAL, legal_context=_SOCIAL_INQUIRY, implemented=True,
        official_files=(
            f"{_B}/intf/DmfaConsultationService/DmfaConsultationV1.wsdl",
            f"{_B}/types/DmfaConsultation/DmfaConsultationV1.xsd",
            f"{_B}/types/dmfa/attestation/DmfaAttestationV1.xsd",
            f"{_B}/types/dmfa/common/DmfaCommonV1.xsd",
        ),
    ),
    _ws(
        "SelfEmployed", "2", S, "RSVZ / INASTI",
        "Self-employed career and regularity of contribution payments.",
        [
            _op("SelfEmployedService", "consultCareer", C, "Self-employed career periods."),
            _op("SelfEmployedService", "consultContributions", C,
                "Contributions due and their payment."),
        ],
        needs_integration=True, contract=OFFICIAL, legal_context=_SOCIAL_INQUIRY,
        official_files=(
            f"{_B}/intf/SelfEmployed/SelfEmployedV2.wsdl",
            f"{_B}/types/SelfEmployed/SelfEmployedTypesV2.xsd",
            "set-b/be/fgov/rsvz-inasti/types/SelfEmployed/common/SelfEmployedCommonTypesV1.xsd",
        ),
        implemented=True,
    ),
    _ws(
        "HealthCareInsurance", "1", S, "Mutualities (health insurance organisations)",
        "Insurability: periods, mutuality, reimbursement right, third-party payer, medical "
        "house, increased intervention, ... selected through desiredData.",
        [_op("HealthCareInsuranceService", "getInsuranceOrganizationInformations", C,
             "Insurability data of an SSIN at a date or today.")],
        needs_integration=True, legal_context="social inquiry and financial help",
        implemented=True,
    ),
    _ssdn(
        "OCMWCPASHealthInsurance", "20070509", S, "Mutualities (health insurance organisations)",
        "Classic (SSDN) form of the insurability consultation: Assurability or Indemnity "
        "for a period; insurance parts with holder codes and paying-third indicator.",
        [_ssdn_op("consultHealthInsurance", C, "HealthInsuranceRequest",
                  "HealthInsuranceReply", "Insurability or indemnity of an SSIN for a period.",
                  subject="SSIN")],
        namespace=f"{_SSDN_ROOT}/HealthInsurance",
        needs_integration=True, legacy=True, successor="HealthCareInsurance",
    ),
    _ws(
        "TaxAssessment", "2", S, "FOD Financien / SPF Finances",
        "Tax assessment data: gross income, dependants, foreign real-estate income, by "
        "reference year and selected elements/groups.",
        [_op("TaxAssessmentDataService", "consultTaxAssessmentData", C,
             "Tax assessment data of an SSIN for a reference year.")],
        needs_integration=True, segment="TaxAssessmentDataService",
        legal_context=_SOCIAL_INVESTIGATION, aliases=("TaxAssessmentData",),
        implemented=True,
    ),
    _ws(
        "PatrimonyService", "1", S, "FOD Financien / SPF Finances (Cadnet)",
        "Real estate in Belgium of an applicant, cohabitant or maintenance debtor, with the "
        "partner (ConsultPatrimonyCPAS). The newer interface also searches by enterprise "
        "number.",
        [_op("PatrimonyService", "findProperties", C,
             "Properties of a natural person (naturePerson 1/2/3) and the partner's SSIN.")],
        needs_integration=True, legal_context=_SOCIAL_INQUIRY, aliases=("Patrimony",),
        implemented=True,
    ),
    _ws(
        "HandiService", "2", S,
        "DG Persons with disabilities and regional agencies (AVIQ, VSB, Iriscare, DSL, "
        "Kind en Gezin, ...)",
        "Disability files, allowances, payments and social cards; status may be "
        "INCOMPLETE_DATA (HAN20200) when some sources are unavailable.",
        [
            _op("HandiService", "consultFilesByDate", C, "Disability files at a date."),
            _op("HandiService", "consultFilesByPeriod", C, "Disability files over a period."),
            _op("HandiService", "consultPayments", C, "Allowance payments."),
        ],
        needs_integration=True, contract=OFFICIAL, legal_context=_SOCIAL_INQUIRY,
        official_files=(
            f"{_B}/intf/HandiService/HandiV2.wsdl",
            f"{_B}/types/Handi/HandiV2.xsd",
            f"{_B}/types/Handi/common/HandiCommonV1.xsd",
            f"{_B}/types/Handi/dgph/common/DGPHHandiCommonV1.xsd",
        ),
        implemented=True,
    ),
    _ws(
        _UDS, "3", S, "RVA / ONEM",
        "Unemployment periods and benefits, activation, state of the right; searchCriteria "
        "with ssin and a period, date or quarter. UDS000x codes: no data.",
        [_op(_UDS, name, C, text) for name, text in _UDS_OPS],
        needs_integration=True, types_domain="UnemploymentData",
        legal_context=_SOCIAL_INVESTIGATION, implemented=True,
    ),
    _ws(
        "ChildBenefits", "1", S, "Famifed / ORINT / IRISCARE / Opgroeien (child-benefit cadastre)",
        "Child-benefit files and family composition (no amounts); one call per authentic "
        "source (WALLONIA, FEDERAL, BRUSSELS, EASTBELGIUM, FLANDERS).",
        [_op("ChildBenefitsService", "consultFilesBySsin", C,
             "Child-benefit files of an SSIN for a month range and source.")],
        needs_integration=True, legal_context=_SOCIAL_INQUIRY, implemented=True,
    ),
    _ws(
        "SocialRateInvestigation", "1", S, "FOD Economie / SPF Economie",
        "Right to the social energy tariff: household, members and energy supplier matches.",
        [_op("SocialRateInvestigationService", "consultExchangedData", C,
             "Social-tariff data of the household of an SSIN.")],
        needs_integration=True, legal_context="Social Rate Investigation", implemented=True,
    ),
    _ssdn(
        "OCMWCPASPensionRegisterConsult", "20090706", S, "Pension cadastre (SFP / Sigedis)",
        "Pension rights and amounts (Penskad OpenPK) for a period, by pillar and requested "
        "information.",
        [_ssdn_op("consultPensionRegister", C, "Penskad_OpenPK_ConsultRequest",
                  "Penskad_OpenPK_ConsultReply", "Pension items of an SSIN for a period.",
                  subject="TargetSSIN")],
        namespace=f"{_SSDN_ROOT}/PensionRegister",
        needs_integration=True, implemented=True,
    ),
    _ws(
        "JobSeeker", "1", S, "FOREM / ACTIRIS / VDAB",
        "Registration as a job seeker and contact details at the regional employment service.",
        [_op("JobSeekerService", "consultContactAndInscription", C,
             "Job-seeker inscriptions and contact of an SSIN.")],
        needs_integration=True, path="JobSeekerService/consult",
        contract=OFFICIAL, legal_context=_SOCIAL_INQUIRY,
        official_files=(
            f"{_B}/intf/JobSeeker/JobSeekerV1.wsdl",
            f"{_B}/types/JobSeeker/JobSeekerTypesV1.xsd",
            f"{_B}/types/JobSeeker/JobSeekerV1.xsd",
            f"{_B}/types/JobSeeker/common/JobSeekerCommonV1.xsd",
        ),
        implemented=True,
    ),
    _ws(
        "HdiIndemnityAllowance", "1", S, "RIZIV / INAMI and NIC / CIN (mutualities)",
        "Incapacity for work: attests and indemnity periods.",
        [
            _op("HdiIndemnityAllowanceService", "consultAttest", C,
                "Incapacity attests of an SSIN."),
            _op("HdiIndemnityAllowanceService", "consultIndemnityPeriods", C,
                "Indemnity periods of an SSIN."),
        ],
        needs_integration=True, contract=OFFICIAL, legal_context=_SOCIAL_INQUIRY,
        official_files=(
            f"{_B}/intf/HdiIndemnityAllowanceService/HdiIndemnityAllowanceV1.wsdl",
            f"{_B}/types/HdiIndemnityAllowance/HdiIndemnityAllowanceV1.xsd",
            f"{_B}/types/HdiIndemnityAllowance/common/HdiIndemnityAllowanceCommonV1.xsd",
            "set-b/be/fgov/cinnic/types/allowance/common/AllowanceAttestCommonTypes.xsd",
        ),
        implemented=True,
    ),
    _ws(
        "HolidayAttestationService", "1", S, "RJV / ONVA",
        "Holiday pay and double holiday pay. No public contract: operation modelled.",
        [_op("HolidayAttestationService", "consultHolidayAttestations", C,
             "Holiday attestations of an SSIN.")],
        needs_integration=True, legal_context=_SOCIAL_INQUIRY, implemented=True,
    ),
)


# --- 2.3 OCMW <-> POD-MI ----------------------------------------------------

# Judgement (documented per service): every POD-MI exchange about a person needs the
# OCMW's own integration. The refund requests concern the OCMW's own files (quality
# code 2/3/40...), and even the consultations of "its own" attests (ListOfAttestations,
# L036) return attests of other OCMWs (competent OCMW) for that person, so finality
# applies; the KSZ itself answers MSG00012 otherwise.
_INTEGRATED = "Needs the OCMW's integration of the SSIN (finality)."
_L65_NS = f"{_SSDN_ROOT}/OCMW_CPAS/LoiWet65"
_L65_TYPES = f"{_SSDN_ROOT}/OCMW_CPAS/LoiWet65Common"
_L65_FILES = (f"{_A}/Loi65Wet65/LoiWet65_Common.xsd",)
_L036_NS = f"{_SSDN_ROOT}/OCMW_CPAS/L036"
# The SSDN Version of the Loi65 decisions is not public (nor in the official XSDs); the
# SSDN envelope requires exactly 8 characters, so a placeholder that cannot pass for a
# real version date: the KSZ gives the real one at onboarding, and the configuration
# sets it (`ssdn_versions.OCMWCPASWet65Loi65AB = "YYYYMMDD"`).
_L65_VERSION = "00000000"

_PODMI: tuple[Service, ...] = (
    _ws(
        "OCMWCPASRegisterAttest", "1", P, _PODMI_SRC,
        f"Request the federal refund of leefloon / equivalent leefloon. {_INTEGRATED}",
        [_op("OCMWCPASRegisterAttestService", "registerAttest", M,
             "Register a refund attest for a decision.")],
        needs_integration=True, implemented=True,
    ),
    _ssdn(
        "OCMWCPASWet65Loi65AB", _L65_VERSION, P, _PODMI_SRC,
        "Law of 1965 decision forms A/B: request the refund of aid. SSDN ServiceId and "
        f"Version are not public (ServiceId inferred from the name). {_INTEGRATED}",
        [_ssdn_op("sendDecisionAB", M, "L65_AB_DecisionRequest", "L65_AB_DecisionReply",
                  "Send an A/B decision.", subject="SSIN")],
        namespace=_L65_NS, types_namespace=_L65_TYPES, needs_integration=True,
        implemented=True,
        contract=OFFICIAL,
        official_files=(
            f"{_A}/Loi65Wet65/LoiWet65_AB_decision_Request.xsd",
            f"{_A}/Loi65Wet65/LoiWet65_AB_decision_Reply.xsd",
            *_L65_FILES,
        ),
    ),
    _ws(
        "OCMWCPASOrganicLaw", "1", P, _PODMI_SRC,
        f"Request the federal refund of an installation premium. {_INTEGRATED}",
        [_op("OCMWCPASOrganicLawService", "requestOrganicLawRefund", M,
             "Request the refund of an installation premium.")],
        needs_integration=True, implemented=True,
    ),
    _ws(
        "OCMWCPASRegisterRecoveredAmount", "1", P, _PODMI_SRC,
        f"Communicate recovered aid (statistics and refund settlement). {_INTEGRATED}",
        [_op("OCMWCPASRegisterRecoveredAmountService", "registerRecoveredAmount", M,
             "Register an amount recovered from the beneficiary.")],
        needs_integration=True, implemented=True,
    ),
    _ssdn(
        "OCMWCPASWet65Loi65DF", _L65_VERSION, P, _PODMI_SRC,
        "Law of 1965 decision forms D/F: communicate recovered amounts. SSDN ServiceId and "
        f"Version are not public (ServiceId inferred from the name). {_INTEGRATED}",
        [_ssdn_op("sendDecisionDF", M, "L65_DF_DecisionRequest", "L65_DF_DecisionReply",
                  "Send a D/F decision.", subject="SSIN")],
        namespace=_L65_NS, types_namespace=_L65_TYPES, needs_integration=True,
        implemented=True,
        contract=OFFICIAL,
        official_files=(
            f"{_A}/Loi65Wet65/LoiWet65_DF_decision_Request.xsd",
            f"{_A}/Loi65Wet65/LoiWet65_DF_decision_Reply.xsd",
            *_L65_FILES,
        ),
    ),
    _ws(
        "OCMWCPASStopAttest", "1", P, _PODMI_SRC,
        f"Communicate the end of a granted right. {_INTEGRATED}",
        [_op("OCMWCPASStopAttestService", "stopAttest", M, "Stop a refund attest.")],
        needs_integration=True, implemented=True,
    ),
    _ssdn(
        "OCMWCPASWet65Loi65C", _L65_VERSION, P, _PODMI_SRC,
        "Law of 1965 decision form C: communicate the end (cancellation) of a right. SSDN "
        f"ServiceId and Version are not public (ServiceId inferred from the name). {_INTEGRATED}",
        [_ssdn_op("sendDecisionC", M, "L65_C_DecisionRequest", "L65_C_DecisionReply",
                  "Send a C (cancellation) decision.", subject="SSIN")],
        namespace=_L65_NS, types_namespace=_L65_TYPES, needs_integration=True,
        implemented=True,
        contract=OFFICIAL,
        official_files=(
            f"{_A}/Loi65Wet65/LoiWet65_C_decision_Request.xsd",
            f"{_A}/Loi65Wet65/LoiWet65_C_decision_Reply.xsd",
            *_L65_FILES,
        ),
    ),
    _ssdn(
        "OCMWCPASListOfAttestations", "20080317", P, _PODMI_SRC,
        "Consult decisions taken by the POD-MI (exoneration art. 35, installation premium, "
        "GPMI/PIIS, law of 1965 status, ...). The attests may come from other OCMWs, so the "
        f"OCMW's own integration is required. {_INTEGRATED}",
        [_ssdn_op("listOfAttestations", C, "ListOfAttestationsRequest",
                  "ListOfAttestationsReply",
                  "Attestations of an SSIN of a RequestType for a search period.",
                  subject="SocialSecurityUser")],
        namespace=f"{_SSDN_ROOT}/OCMW_CPAS/ManageAttests",
        needs_integration=True, aliases=("OCMWCPASListOfAttestation",), implemented=True,
    ),
    _ssdn(
        "OCMWCPASA036", "20060315", P, _PODMI_SRC,
        "Send a multifunctional attest (A036): the person receives leefloon or its "
        "equivalent from this OCMW for a period; to be created, changed or deleted within "
        "7 days of the decision. Payload inferred from the L036 exchange (same namespace). "
        f"{_INTEGRATED}",
        [_ssdn_op("sendA036", M, "A036RequestReply", "A036RequestReply",
                  "Create, change or delete a multifunctional attest.", subject="INSS")],
        namespace=_L036_NS, needs_integration=True, implemented=True,
    ),
    _ssdn(
        "OCMWCPASL036", "20060315", P, _PODMI_SRC,
        "Consult multifunctional attests (benefit type, period of right, competent OCMW), "
        "paged with NextAnswerReference until it comes back empty. The answer covers every "
        f"OCMW, so the OCMW's own integration is required. {_INTEGRATED}",
        [_ssdn_op("consultL036", C, "L036RequestReply", "L036RequestReply",
                  "One page of A036 attests of an INSS for a period.", subject="INSS")],
        namespace=_L036_NS, needs_integration=True, implemented=True,
    ),
    _ws(
        "LivingWages", "1", P, _PODMI_SRC,
        "Leefloon periods and amounts known to the POD-MI (SSIN and a date range), federal "
        f"and Flemish variants, overall or per OCMW. {_INTEGRATED}",
        [
            _op("LivingWagesService", "getLivingWagePeriods", C, "Leefloon periods."),
            _op("LivingWagesService", "getLivingWagePeriodsFlanders", C,
                "Leefloon periods (Flemish variant)."),
            _op("LivingWagesService", "getLivingWagePeriodsPerPCSA", C,
                "Leefloon periods per OCMW."),
            _op("LivingWagesService", "getLivingWagePeriodsPerPCSAFlanders", C,
                "Leefloon periods per OCMW (Flemish variant)."),
            _op("LivingWagesService", "getLivingWages", C, "Leefloon amounts."),
        ],
        needs_integration=True, legal_context=_SOCIAL_INQUIRY, implemented=True,
    ),
    _ssdn(
        "OCMWCPASHeatingAllocation", "20090409", P, "Social Heating Fund / POD MI",
        "Heating allowance: ComputeAllocation for a primary beneficiary and an invoice "
        "(amount in cents). Recorded as a mutation: it registers the allowance. Reply "
        f"element modelled. {_INTEGRATED}",
        [_ssdn_op("computeAllocation", M, "AllocationRequest", "AllocationReply",
                  "Register a heating allowance for an invoice.", subject="SSIN")],
        namespace="http://www.smals.be/XSD/OCMW_CPAS/HeatingAllocationRequest",
        types_namespace="http://www.smals.be/XSD/OCMW_CPAS/HeatingAllocationDataTypes",
        needs_integration=True, implemented=True,
    ),
    _ws(
        "OCMWCPASHouseholdIncome", "1", P, _PODMI_SRC,
        f"Household income for the heating allowance. {_INTEGRATED}",
        [_op("OCMWCPASHouseholdIncomeService", "consultHouseholdIncome", C,
             "Income of the household of an SSIN.")],
        needs_integration=True, legal_context=_SOCIAL_INQUIRY, implemented=True,
    ),
    _ws(
        "ElectronicSocialReport", "1", P, _PODMI_SRC,
        "Electronic social report between OCMWs (file information and GPMI). "
        f"{_INTEGRATED}",
        [_op("ElectronicSocialReportService", "sendSocialReport", M,
             "Send a social report to another OCMW.")],
        needs_integration=True, implemented=True,
    ),
    _ws(
        "PCSAAlertReaction", "1", P, _PODMI_SRC,
        "The OCMW's reaction to POD-MI alerts ('knipperlichten'): motivate a decision by "
        "alert id (unique, else MSG00008). No SSIN travels, so there is nothing to check "
        "locally for finality.",
        [_op("PCSAAlertReactionService", "motivateDecision", M,
             "Motivate the decision behind an alert.", subject=None)],
        needs_integration=False, implemented=True,
    ),
    _ws(
        "PCSASocialInquiry", "1", P, _PODMI_SRC,
        f"Nova+: help in the social inquiry and residence-status simulation. {_INTEGRATED}",
        [
            _op("PCSASocialInquiryService", "consultSocialInquiry", C,
                "Data assembled for the social inquiry of an SSIN."),
            _op("PCSASocialInquiryService", "simulateResidenceStatus", C,
                "Simulate the residence status of an SSIN."),
        ],
        needs_integration=True, legal_context=_SOCIAL_INQUIRY, implemented=True,
    ),
)


# --- 2.4 MediPrima -----------------------------------------------------------

_CARMED = "ManageCarmedService"
_MEDIPRIMA: tuple[Service, ...] = (
    _ws(
        "ManageCarmed", "1", MP, _PODMI_SRC + " (MediPrima)",
        "Decisions on taking charge of medical costs (MediPrima). A principle decision lasts "
        "at most 1 year, may be retroactive up to 60 days; every change is a new version; "
        "simulate (evaluate) before deciding.",
        [
            _op(_CARMED, "openCarmed", M, "Create a decision on taking charge of medical costs."),
            _op(_CARMED, "modifyCarmed", M, "Change a decision (new version)."),
            _op(_CARMED, "stopCarmed", M, "Stop (retroactively reduce) a decision."),
            _op(_CARMED, "consultCarmed", C, "Consult a decision."),
            _op(_CARMED, "evaluateCarmed", C, "Simulate a new decision."),
            _op(_CARMED, "evaluateModifiedCarmed", C, "Simulate a change or cancellation."),
            _op(_CARMED, "consultCarmedHistory", C, "All versions of a decision."),
        ],
        needs_integration=True, implemented=True,
    ),
)


# --- 2.5 Flanders ------------------------------------------------------------

_FLANDERS: tuple[Service, ...] = (
    _ws(
        "QualificationCertificateService", "1", F, "LED (Leer- en Ervaringsbewijzen, Flanders)",
        "Certificates and diplomas registered in the Flemish LED.",
        [_op("QualificationCertificateService", "consultQualificationCertificates", C,
             "Certificates and diplomas of an SSIN.")],
        needs_integration=True, legal_context=_SOCIAL_INQUIRY,
        implemented=True,
    ),
    _ws(
        "InburgeringService", "1", F, "Agentschap Integratie en Inburgering (Flanders)",
        "Civic-integration trajectory of newcomers (seen only through the Flemish "
        "integrator).",
        [_op("InburgeringService", "consultInburgeringTrajectory", C,
             "Civic-integration trajectory of an SSIN.")],
        needs_integration=True, legal_context=_SOCIAL_INQUIRY,
        implemented=True,
    ),
    _ws(
        "VESTA", "1", F, "Flemish home care (VESTA, over eHealth)",
        "Home-care episodes of a person (client.vesta): three modelled exchanges. VESTA "
        "counts about 30 exchanges for Flemish home care, carried by eHealth web services "
        "rather than named KSZ services, none with a public contract: the SDK models only "
        "these three. Declare the others you are authorised for with "
        "ksz_client.generic.declare and call them with client.custom(...) "
        "(examples/vesta.py).",
        [_op("VESTAService", "consultHomeCare", C,
             "Home-care episodes of an SSIN, by any organisation (modelled)."),
         _op("VESTAService", "registerHomeCare", M,
             "Start of a home-care episode; answers its reference (modelled)."),
         _op("VESTAService", "stopHomeCare", M,
             "End of a home-care episode (modelled).")],
        needs_integration=True,
        implemented=True,
    ),
)


# --- 2.6 notifications -------------------------------------------------------

_HDI_NOTIFY = "HdiIndemnityAllowanceNotifications"
_NOTIFICATIONS: tuple[Service, ...] = (
    _notification(
        "PersonNotifications", _NR_BIS,
        "Changes of the legal data of integrated SSINs (notifyPerson).",
        [_notify_op("PersonNotifications", "notifyPerson", "Legal data of a person changed.")],
        aliases=("notifyPerson",),
    ),
    _notification(
        "FamilyCompositionNotifications", _NR_BIS,
        "Changes of the household composition of integrated SSINs.",
        [_notify_op("FamilyCompositionNotifications", "notifyFamilyComposition",
                    "Household composition changed.")],
        aliases=("notifyFamilyComposition",),
    ),
    _notification(
        "PensionRegisterMutation", "Pension cadastre (SFP / Sigedis)",
        "Mutations in the pension register.",
        [_notify_op("PensionRegisterMutation", "notifyPensionRegisterMutation",
                    "Pension rights changed.")],
    ),
    _notification(
        "PersonnelFile", "RSZ / ONSS (Dimona)",
        "Dimona declarations (in/out of service) of integrated SSINs.",
        [_notify_op("PersonnelFile", "notifyPersonnelFile", "A Dimona declaration.")],
    ),
    _notification(
        "SelfEmployedCareerNotifications", "RSVZ / INASTI",
        "Changes of self-employed careers.",
        [_notify_op("SelfEmployedCareerNotifications", "notifySelfEmployedCareer",
                    "Self-employed career changed.")],
    ),
    _notification(
        "eCarmedCalculationNotification", _PODMI_SRC + " (MediPrima)",
        "MediPrima settlements (eCarmed calculations).",
        [_notify_op("eCarmedCalculationNotification", "notifyECarmedCalculation",
                    "A MediPrima settlement.")],
    ),
    _notification(
        "PensionablePCSABeneficiaries", "Federal Pension Service",
        "Leefloon beneficiaries without a known career at the pension service.",
        [_notify_op("PensionablePCSABeneficiaries", "notifyPensionablePCSABeneficiaries",
                    "A beneficiary who may have pension rights.")],
    ),
    _notification(
        _HDI_NOTIFY, "RIZIV / INAMI and NIC / CIN (mutualities)",
        "Incapacity attests, periods and indemnity periods (SPEC's HDIIndemnityAllowance "
        "notification; includes the announced HdiIndemnityPeriodNotification).",
        [
            _notify_op(_HDI_NOTIFY, "notifyHdiIndemnityAllowanceAttest",
                       "An incapacity attest."),
            _notify_op(_HDI_NOTIFY, "notifyHdiIndemnityAllowancePeriod",
                       "An incapacity period."),
            _notify_op(_HDI_NOTIFY, "notifyHdiIndemnityAllowanceIndemnityPeriods",
                       "Indemnity periods."),
        ],
        namespace=f"{_KSZ}/intf/HdiIndemnityAllowanceNotifications/v1",
        types_namespace=f"{_KSZ}/types/HdiIndemnityAllowanceNotifications/v1",
        contract=OFFICIAL,
        official_files=(
            f"{_B}/intf/HdiIndemnityAllowanceNotifications/notifyHdiIndemnityAllowanceV1.xsd",
            f"{_B}/types/HdiIndemnityAllowanceNotifications/"
            "HdiIndemnityAllowanceNotificationsV1.xsd",
        ),
    ),
    _notification(
        "LEA-Voucher", "RVA / ONEM",
        "Payments of service vouchers for unemployed persons (LEA-Voucher.notifyPayments).",
        [_notify_op("LEA-Voucher", "notifyPayments", "Service-voucher payments.")],
        namespace=f"{_KSZ}/intf/LeaVoucher/notify/v1",
        types_namespace=f"{_KSZ}/types/LeaVoucher/notify/v1",
    ),
    _notification(
        "DismissalCompensation", "RVA / ONEM",
        "Dismissal compensations.",
        [_notify_op("DismissalCompensation", "notifyDismissalCompensation",
                    "A dismissal compensation.")],
    ),
    _notification(
        "PensionHolidayPay", "Federal Pension Service",
        "Holiday pay of pensioners.",
        [_notify_op("PensionHolidayPay", "notifyPensionHolidayPay", "Pension holiday pay.")],
    ),
    _notification(
        "JobSeekerStatusNotifications", "FOREM / ACTIRIS / VDAB",
        "Job-seeker inscription events (registration, deregistration) of integrated SSINs.",
        [_notify_op("JobSeekerStatusNotifications", "notifyJobSeekerStatus",
                    "Job-seeker events, batched with a sequence number.")],
        namespace=f"{_KSZ}/intf/jobseekerstatus/notify/v1",
        contract=OFFICIAL,
        official_files=(f"{_B}/intf/jobseekerstatus/notify/notifyJobSeekerStatusV1.xsd",),
    ),
    _notification(
        "EmployeeContributionDeductionNotifications", "RSZ / ONSS",
        "Deductions of employee contributions, per quarter (for the OCMW as employer).",
        [_notify_op("EmployeeContributionDeductionNotifications", "notifyDeduction",
                    "Contribution deductions of a quarter.")],
        namespace=f"{_KSZ}/intf/EmployeeContribution/notify/v1",
        types_namespace=f"{_KSZ}/types/EmployeeContribution/notify/v1",
        contract=OFFICIAL,
        official_files=(
            f"{_B}/intf/EmployeeContribution/notify/"
            "EmployeeContributionDeductionNotificationsReceiverV1.xsd",
            f"{_B}/types/EmployeeContribution/notify/EmployeeContributionDeductionNotificationsV1.xsd",
        ),
    ),
)


# --- technical ---------------------------------------------------------------

_TECHNICAL: tuple[Service, ...] = (
    Service(
        name="TestConnectionService",
        version="1",
        group=T,
        source="KSZ / CBSS",
        description="Echo test of the connection and the client certificate; used by "
        "`ksz config check`. The WSDL declares no fault.",
        wire=WireStyle.WS_CONSULT,
        contract=OFFICIAL,
        operations=(
            Operation(
                name="sendTestMessage",
                kind=C,
                soap_action=f"{_KSZ}/TestConnectionServiceService/sendTestMessage",
                request_element="sendTestMessageRequest",
                response_element="sendTestMessageResponse",
                fault_element=None,
                description="Echo a message; the answer names the SSL certificate seen.",
                subject=None,
            ),
        ),
        needs_integration=False,
        implemented=True,
        common_blocks=False,
        namespace=f"{_KSZ}/intf/TestConnectionServiceService/v1",
        types_namespace=f"{_KSZ}/types/TestConnectionService/v1",
        path="TestConnectionServiceService/sendTestMessage",
        official_files=(
            "set-a/WSDL/TestConnectionService.wsdl",
            "set-a/XSD/TestConnectionServiceV1.xsd",
        ),
    ),
    _ws(
        "EnterpriseFiscalDebt", "2", T, "FOD Financien / SPF Finances",
        "Whether an enterprise (KBO number) has fiscal debts, optionally with the amount.",
        [_op("EnterpriseFiscalDebtService", "checkEnterpriseDebt", C,
             "Fiscal debt status of an enterprise.", subject=None)],
        needs_integration=False, contract=OFFICIAL,
        official_files=(
            f"{_B}/intf/EnterpriseFiscalDebtService/EnterpriseFiscalDebtV2.wsdl",
            f"{_B}/types/EnterpriseFiscalDebt/EnterpriseFiscalDebtV2.xsd",
        ),
    ),
)


SERVICES: tuple[Service, ...] = (
    *_REGISTERS,
    *_SOCIAL_DATA,
    *_PODMI,
    *_MEDIPRIMA,
    *_FLANDERS,
    *_NOTIFICATIONS,
    *_TECHNICAL,
)
"""Every service, in SPEC §2 order."""
# fmt: on

del C, M, R, S, P, MP, F, T, OFFICIAL


# --- code lists --------------------------------------------------------------

QUALITY_CODES: Mapping[int, str] = MappingProxyType(
    {
        1: "file under investigation",
        2: "leefloon (integration income)",
        3: "equivalent leefloon",
        4: "other aid",
        5: "cohabitant",
        6: "person employed through the OCMW",
        7: "collective debt mediation / budget guidance",
        8: "service file",
        9: "other guidance",
        11: "supervisor",
        12: "participant",
        20: "staff member on probation",
        21: "staff member (permanent)",
        40: "heating allowance beneficiary",
    }
)
"""Sector 17 quality codes (hoedanigheidscodes / codes qualite), the ManageAccess Purpose."""

_LEGAL_CONTEXT_DATA: tuple[tuple[str, str, str], ...] = (
    (
        _SOCIAL_INQUIRY,
        "Social inquiry by an OCMW/CPAS.",
        "Mandatory for RetrieveTIGroups since v2; also seen with SelfEmployed, DmfA, "
        "child benefits and unemployment consultations.",
    ),
    (
        _SOCIAL_INVESTIGATION,
        "Social investigation of an OCMW/CPAS.",
        "Dolsis (with securityContext service WELFARE, role Agent); also seen with "
        "TaxAssessment and UnemploymentDataService.",
    ),
    (
        "Social Rate Investigation",
        "Investigation of the right to the social energy tariff.",
        "SocialRateInvestigation.",
    ),
    (
        "social inquiry and financial help",
        "Social inquiry and financial help by an OCMW/CPAS.",
        "HealthCareInsurance (getInsuranceOrganizationInformations).",
    ),
    (
        _V5_SOCIAL_ISSUES,
        "Social issues (the default of RetrieveTIGroups V5).",
        "RetrieveTIGroupsV5.xsd: LegalContextType enumeration, documented as the default.",
    ),
    (
        _V5_ADMINISTRATIVE_STAFF,
        "Administrative staff.",
        "RetrieveTIGroupsV5.xsd: LegalContextType enumeration.",
    ),
)


def _legal_contexts() -> Mapping[str, LegalContext]:
    table: dict[str, LegalContext] = {}
    for value, description, evidence in _LEGAL_CONTEXT_DATA:
        users = tuple(s.name for s in SERVICES if s.legal_context == value)
        table[value] = LegalContext(value, description, evidence, users)
    return MappingProxyType(table)


LEGAL_CONTEXTS: Mapping[str, LegalContext] = _legal_contexts()
"""Known legal contexts, keyed by value, with the services that default to each."""

OCMW_DATA_PRODUCTS: tuple[str, ...] = (
    "multifunctional attest",
    "leefloon (integration income)",
    "equivalent leefloon",
    "advance on child benefits",
    "heating allowance",
    "electronic social report (between OCMWs)",
    "water allowance",
    "BailiffSolvencyInquiry (bailiffs)",
)
"""Data of which the OCMW is the authentic source (SPEC §3)."""

OCMW_DATA_CLIENTS: tuple[tuple[str, str], ...] = (
    ("STIB / MIVB", "public transport subscription"),
    ("Opgroeien / Kind en Gezin", "increased child benefit"),
    ("ORINT", "increased child benefit"),
    ("RSVZ / INASTI", "social fraud; stop recovering contributions"),
    ("Flemish study grants", "study grants"),
    ("RJV / ONVA", "holiday pay"),
    ("Immigration Office", "residence"),
    ("FOD Financien / SPF Finances", "tax reductions"),
    ("FOD Justitie / SPF Justice", "justice"),
    ("Federal police", "police"),
    ("Social and fiscal inspections", "inspection"),
    ("VLABEL", "Flemish taxes"),
    ("VDI", "regional integrator (Flanders)"),
    ("BCED", "regional integrator (Wallonia-Brussels)"),
    ("KBI", "civic integration; social rent"),
    ("Mutualities", "increased reimbursement"),
    ("Wonen in Vlaanderen", "social housing"),
    ("Vlaams Woningfonds", "social housing"),
    ("Other OCMWs", "period of financial aid"),
    ("IBPT / BIPT", "social telecom tariff"),
    ("DAVINCI", "education fee reduction"),
    ("Vesta", "Flemish home care"),
    ("Actiris / FOREM / VDAB", "job-seeker follow-up"),
    ("SSH", "derived rights"),
    ("Bailiffs", "BailiffSolvencyInquiry"),
)
"""``(client, context)``: who receives OCMW data and for what (SPEC §3).

Which product goes to which client is not public, so it is not paired here."""


@dataclass(frozen=True)
class DataFlow:
    """OCMW data a client institution receives through the KSZ, and why (SPEC §3).

    ``products`` are the OCMW data products (of `OCMW_DATA_PRODUCTS`) the
    client most plausibly receives for its context. SPEC §3 lists products and
    clients but not the pairs: ``inferred`` marks a pairing reasoned from the
    context (e.g. a derived right checks the leefloon status through the
    multifunctional attest), to be confirmed with the KSZ's authorisations.
    """

    client: str
    context: str
    products: tuple[str, ...]
    inferred: bool = True

    def as_json(self) -> dict[str, object]:
        return {"client": self.client, "context": self.context,
                "products": list(self.products), "inferred": self.inferred}


_ATTEST = "multifunctional attest"
_LEEFLOON = "leefloon (integration income)"
_EQUIVALENT = "equivalent leefloon"
# Pairings by context; a client not named here receives the multifunctional
# attest (the document through which derived rights are granted).
_FLOW_PRODUCTS: dict[str, tuple[str, ...]] = {
    "Opgroeien / Kind en Gezin": (_ATTEST, "advance on child benefits"),
    "ORINT": (_ATTEST, "advance on child benefits"),
    "RSVZ / INASTI": (_LEEFLOON, _EQUIVALENT),
    "FOD Financien / SPF Finances": (_LEEFLOON, _EQUIVALENT, "heating allowance"),
    "Other OCMWs": ("electronic social report (between OCMWs)", _LEEFLOON),
    "Bailiffs": ("BailiffSolvencyInquiry (bailiffs)",),
    "Mutualities": (_ATTEST, _LEEFLOON),
    "Vesta": (_ATTEST, "water allowance"),
}

OCMW_DATA_FLOWS: tuple[DataFlow, ...] = tuple(
    DataFlow(client, context, _FLOW_PRODUCTS.get(client, (_ATTEST,)))
    for client, context in OCMW_DATA_CLIENTS
)
"""Who receives which OCMW data product, and in which context: answers "who
receives what we send" (`ksz services --clients`)."""


def render_clients() -> str:
    """The data-flow table for `ksz services --clients`."""
    rows = [("client", "context", "products")]
    rows += [(f.client, f.context, "; ".join(f.products) + (" (inferred)" if f.inferred else ""))
             for f in OCMW_DATA_FLOWS]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                     for r in rows)


# --- indices and lookups -----------------------------------------------------


@cache
def _by_name() -> dict[str, Service]:
    # Built on first lookup, not at import: the CLI imports this module on every start.
    index: dict[str, Service] = {}
    for service in SERVICES:
        for key in (service.name, *service.aliases, service.cli_name):
            index.setdefault(key.casefold(), service)
    return index


@cache
def _by_endpoint() -> dict[tuple[str, str], tuple[Service, Operation]]:
    return {
        (s.path, op.soap_action): (s, op)
        for s in SERVICES
        if s.wire is WireStyle.WS_CONSULT
        for op in s.operations
    }


@cache
def _by_ssdn_id() -> dict[str, Service]:
    return {s.ssdn_service_id: s for s in SERVICES if s.ssdn_service_id is not None}


def get(name: str) -> Service:
    """The service called `name` (case-insensitive; aliases and CLI names accepted).

    Raises `KeyError` suggesting close matches when the name is unknown.
    """
    service = _by_name().get(name.casefold())
    if service is not None:
        return service
    # difflib is only needed on this error path: keep it off the import path.
    import difflib

    candidates = {s.name.casefold(): s.name for s in SERVICES}
    for s in SERVICES:
        for alias in s.aliases:
            candidates.setdefault(alias.casefold(), alias)
    close = difflib.get_close_matches(name.casefold(), list(candidates), n=3, cutoff=0.6)
    hint = f"; did you mean: {', '.join(candidates[c] for c in close)}?" if close else ""
    raise KeyError(f"unknown KSZ service {_safe_echo(name)}{hint}")


def resolve(qualified: str) -> tuple[Service, Operation]:
    """``"Service.operation"`` to its service and operation (both looked up leniently)."""
    service_name, sep, op_name = qualified.rpartition(".")
    if not sep:
        raise KeyError(f"expected 'Service.operation', got {_safe_echo(qualified)}")
    service = get(service_name)
    return service, service.operation(op_name)


def services(*, group: Group | None = None, implemented: bool | None = None) -> tuple[Service, ...]:
    """The services of a group and/or implementation state, in catalogue order."""
    return tuple(
        s
        for s in SERVICES
        if (group is None or s.group is group)
        and (implemented is None or s.implemented is implemented)
    )


def by_endpoint(path: str, soap_action: str) -> tuple[Service, Operation]:
    """The WS-Consult operation served at `path` for `soap_action` (sandbox routing).

    The path is compared without leading/trailing slashes. Raises `KeyError`.
    """
    found = _by_endpoint().get((path.strip("/"), soap_action.strip('"')))
    if found is None:
        raise KeyError("no WS-Consult operation at that path for that SOAPAction")
    return found


def by_ssdn_service_id(service_id: str) -> Service:
    """The SSDN service for a ``ServiceRequest/ServiceId`` value. Raises `KeyError`."""
    service = _by_ssdn_id().get(service_id)
    if service is None:
        raise KeyError(f"unknown SSDN ServiceId {_safe_echo(service_id)}")
    return service


# --- presentation ------------------------------------------------------------


def _integration_label(service: Service) -> str:
    flags = {service.needs_integration_for(op) for op in service.operations}
    if flags == {True}:
        return "yes"
    if flags == {False}:
        return "no"
    return "per op"


def as_json() -> list[dict[str, object]]:
    """The catalogue as JSON-ready objects, for ``ksz services --json``."""
    return [
        {
            "name": s.name,
            "version": s.version,
            "group": s.group.value,
            "wire": s.wire.value,
            "source": s.source,
            "kind": s.kind,
            "needs_integration": s.needs_integration,
            "contract": s.contract.value,
            "implemented": s.implemented,
            "legacy": s.legacy,
            "successor": s.successor,
            "operations": [
                {
                    "name": op.name,
                    "kind": op.kind.value,
                    "needs_integration": s.needs_integration_for(op),
                }
                for op in s.operations
            ],
        }
        for s in SERVICES
    ]


_COLUMNS = ("name", "version", "kind", "integration", "contract", "implemented", "note")


def render_table() -> str:
    """Human-readable catalogue for ``ksz services``: one aligned table per group.

    Columns: name, version, kind, integration (yes / no / per op), contract,
    implemented, and a note for legacy services naming their successor.
    """
    rows: dict[Group, list[tuple[str, ...]]] = {}
    for s in SERVICES:
        note = ""
        if s.legacy:
            note = f"legacy, use {s.successor}" if s.successor else "legacy"
        rows.setdefault(s.group, []).append(
            (
                s.name,
                s.version,
                s.kind,
                _integration_label(s),
                s.contract.value,
                "yes" if s.implemented else "no",
                note,
            )
        )
    every = [_COLUMNS, *(r for group_rows in rows.values() for r in group_rows)]
    widths = [max(len(r[i]) for r in every) for i in range(len(_COLUMNS))]

    def line(cells: tuple[str, ...]) -> str:
        return "  " + "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out: list[str] = []
    for group in Group:
        if group not in rows:
            continue
        if out:
            out.append("")
        out.append(group.value)
        out.append(line(_COLUMNS))
        out.extend(line(r) for r in rows[group])
    return "\n".join(out) + "\n"
