"""Helpers shared by the tests of the legacy SSDN services (ManageAccess, ReferenceManager,
IdentifyPerson, PerformInvestigation): what travelled, the official schemas, test persons."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from lxml import etree

from ksz_client import _soap, _ssdn, _xml
from ksz_client._client import KszClient
from ksz_client._config import Audit, KszConfig
from ksz_client._transport import HttpRequest, HttpResponse
from ksz_client.hooks import Exchange, Outcome
from ksz_client.sandbox import Sandbox

SSDN_BASE = "set-a/XSD/SSDN/"


class Capture:
    """An observer keeping every exchange and its outcome."""

    def __init__(self) -> None:
        self.seen: list[tuple[Exchange, Outcome]] = []

    def before_send(self, exchange: Exchange) -> None:
        pass

    def after_receive(self, exchange: Exchange, outcome: Outcome) -> None:
        self.seen.append((exchange, outcome))

    def operations(self) -> list[str]:
        return [e.operation for e, _ in self.seen]


def _inner(envelope: bytes) -> _xml.Element:
    root = _xml.parse(envelope)
    body = _soap.split(root).body
    wrapped = next(c for c in body if isinstance(c.tag, str))
    return _ssdn.unwrap(wrapped)


def ssdn_request(envelope: bytes) -> tuple[_xml.Element, _xml.Element]:
    """(SSDNRequest, its service payload) of a request the SDK sent."""
    document = _inner(envelope)
    request = document.find(f"{{{_ssdn.SSDN_NS}}}ServiceRequest")
    assert request is not None
    payload = next(c for c in request if isinstance(c.tag, str)
                   and etree.QName(c).localname not in ("ServiceId", "Version"))
    return document, payload


def ssdn_reply(envelope: bytes) -> tuple[_xml.Element, _xml.Element | None]:
    """(SSDNReply, its service payload or None) of an answer the sandbox sent."""
    document = _inner(envelope)
    (reply,) = _ssdn.parse_reply(document).service_replies
    return document, reply.payload


def official_schema(contracts: Path, *relative: str) -> etree.XMLSchema:
    """Official schema files compiled together (offline), e.g. SSDNReply with a payload root."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    if len(relative) == 1:
        return etree.XMLSchema(etree.parse(str(contracts / relative[0]), parser))
    imports = ""
    for item in relative:
        path = contracts / item
        namespace = etree.parse(str(path), parser).getroot().get("targetNamespace")
        location = path.resolve().as_uri()
        imports += f'<xs:import namespace="{namespace}" schemaLocation="{location}"/>'
    wrapper = ('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
               f'targetNamespace="urn:ksz-client:tests:combined">{imports}</xs:schema>')
    return etree.XMLSchema(etree.fromstring(wrapper, parser))


def perform_investigation_root(contracts: Path, folder: Path) -> Path:
    """A root schema of the official PerformInvestigation files, written into `folder`.

    The official NamespaceRoot.xsd includes ``PerformInvestigationReply.xsd`` while the
    file is named ``PerformInvetigationReply.xsd``: this root includes the files that exist.
    """
    base = contracts / SSDN_BASE / "OCMW_CPAS/PerformInvestigation"
    namespace = "http://www.ksz-bcss.fgov.be/XSD/SSDN/OCMW_CPAS/PerformInvestigation"
    includes = "".join(
        f'<xs:include schemaLocation="{(base / name).resolve().as_uri()}"/>'
        for name in ("PerformInvetigationReply.xsd", "PerformInvestigationRequest.xsd"))
    path = folder / "PerformInvestigationRoot.xsd"
    path.write_text('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
                    f'targetNamespace="{namespace}" elementFormDefault="qualified">'
                    f"{includes}</xs:schema>", encoding="utf-8")
    return path


def check_official(contracts: Path, capture: Capture, payload_root: str | Path) -> int:
    """Every captured request and reply validates against the official SSDN schemas.

    `payload_root` is the service's NamespaceRoot.xsd relative to ``set-a/XSD/SSDN/``
    (or an absolute path). Returns how many exchanges were checked.
    """
    root = str(payload_root) if isinstance(payload_root, Path) else SSDN_BASE + payload_root
    payload_xsd = official_schema(contracts, root)
    request_xsd = official_schema(contracts, SSDN_BASE + "Service/SSDNRequest.xsd")
    # SSDNReply's xs:any is strict: the payload schema is compiled with it.
    reply_xsd = official_schema(contracts, SSDN_BASE + "Service/SSDNReply.xsd", root)
    checked = 0
    for exchange, outcome in capture.seen:
        document, payload = ssdn_request(exchange.request)
        assert request_xsd.validate(document), request_xsd.error_log
        assert payload_xsd.validate(payload), payload_xsd.error_log
        assert outcome.response is not None
        reply, served = ssdn_reply(outcome.response)
        assert reply_xsd.validate(reply), reply_xsd.error_log
        if served is not None:
            assert payload_xsd.validate(served), payload_xsd.error_log
        checked += 1
    return checked


def person_index(sandbox: Sandbox, start: int,
                 predicate: Callable[[int], bool] | None = None) -> int:
    """The first ordinary person from `start` on: alive, current SSIN, no fault, in the NR."""
    population = sandbox.population
    return next(
        i for i in range(start, population.size)
        if population.replaced_by(i) is None and not population.is_deceased(i)
        and population.fault_of(i) is None and population.register_of(i).value == "NR"
        and (predicate is None or predicate(i))
    )


def proof_of(sandbox: Sandbox, index: int) -> dict[str, str]:
    person = sandbox.population.person(index)
    assert person.birth is not None
    return {"last_name": person.name.last_name, "birth_date": person.birth.date.isoformat()}


def audited(config: KszConfig, folder: Path) -> KszConfig:
    """The sandbox configuration with an audit log in `folder`."""
    return dataclasses.replace(config, audit=Audit(
        path=folder / "audit.sqlite3", checkpoint_key_file=folder / "checkpoint.key"))


@contextmanager
def bound(config: KszConfig, *observers: object, **kwargs: object) -> Iterator[KszClient]:
    with KszClient(config, observers=list(observers), **kwargs) as plain:  # type: ignore[arg-type]
        yield plain.acting_for(user="test-social-worker", legal_context="PCSA:SOCIAL_INQUIRY",
                               dossier="D-2026-5")


class NoNetwork:
    """A transport that fails the test if anything is sent."""

    def handle(self, request: HttpRequest) -> HttpResponse:
        raise AssertionError("nothing may be sent for bad input")

    def close(self) -> None:
        pass


_XS = "{http://www.w3.org/2001/XMLSchema}"


def _type_name(element: etree._Element) -> str | None:
    # An anonymous restriction of xs:string and xs:string itself are the same
    # shape for what is compared (names, occurrences, enumerations).
    name = (element.get("type") or "").split(":")[-1]
    return None if name in ("", "string") else name


def schema_shapes(paths: list[Path]) -> dict[str, set[tuple[str | None, str | None, str]]]:
    """Per named type or element: its child elements (name, type, occurrences) and facets."""
    result: dict[str, set[tuple[str | None, str | None, str]]] = {}
    for path in paths:
        root = etree.parse(str(path)).getroot()
        for kind in ("complexType", "simpleType", "element"):
            for node in root.iterfind(f"{_XS}{kind}"):
                result[node.get("name")] = {
                    (el.get("name") or el.get("ref", "").split(":")[-1] or None,
                     _type_name(el),
                     el.get("minOccurs", "1") + "/" + el.get("maxOccurs", "1"))
                    for el in node.iter(f"{_XS}element")
                } | {
                    (f.tag.split("}")[1], None, f.get("value", ""))
                    for f in node.iter()
                    if f.tag in (f"{_XS}enumeration", f"{_XS}length", f"{_XS}maxLength")
                }
    return result


def assert_same_shapes(ours: Path, official: list[Path]) -> int:
    """Every type and element of `ours` exists in `official` with the same shape."""
    mine, theirs = schema_shapes([ours]), schema_shapes(official)
    for name, shape in mine.items():
        assert name in theirs, f"{name} is not in the official contract"
        assert shape == theirs[name], name
    return len(mine)
