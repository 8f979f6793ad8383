"""Helpers for the services with an official set-b contract (SelfEmployed, Handi, JobSeeker,
HdiIndemnityAllowance): compile the official schemas, capture what travels, integrate."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import zeep
from lxml import etree

from ksz_client import _contracts, _xml, catalogue
from ksz_client._client import KszClient, _default_transport
from ksz_client._config import KszConfig
from ksz_client._exceptions import KszFault, KszTimeout, NotAuthorized, NotIntegrated, UnknownSsin
from ksz_client._transport import HttpRequest, HttpResponse, Transport
from ksz_client.audit import Integration
from ksz_client.audit._guard import belgian_today
from ksz_client.hooks import Exchange, Outcome
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, Sandbox
from ksz_client.ssin import Ssin, SsinKind, make
from ksz_client.types import CallContext

XS = "{http://www.w3.org/2001/XMLSchema}"
WSDL = "{http://schemas.xmlsoap.org/wsdl/}"
SET_B = "set-b/be/fgov/kszbcss"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(no_network=True, resolve_entities=False)


@cache
def official_wsdl_schema(contracts: Path, relative: str) -> etree.XMLSchema:
    """The schema embedded in an official WSDL (its wrapper elements), imports resolved
    beside the WSDL, never over the network."""
    path = contracts / relative
    root = etree.parse(str(path), _parser()).getroot()
    embedded = root.find(f"{WSDL}types/{XS}schema")
    assert embedded is not None, relative
    # Type references in attribute values use prefixes declared on wsdl:definitions.
    nsmap = {**{k: v for k, v in root.nsmap.items() if k}, **embedded.nsmap}
    schema = etree.Element(embedded.tag, attrib=dict(embedded.attrib), nsmap=nsmap)
    for child in embedded:
        schema.append(copy.deepcopy(child))
    data = etree.tostring(schema)
    return etree.XMLSchema(etree.fromstring(data, _parser(), base_url=str(path)))


@cache
def official_xsd_schema(contracts: Path, relative: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(contracts / relative), _parser()))


class Capture:
    """An observer keeping the bytes of every request sent and response received."""

    def __init__(self) -> None:
        self.requests: list[bytes] = []
        self.responses: list[bytes] = []

    def before_send(self, exchange: Exchange) -> None:
        self.requests.append(exchange.request)

    def after_receive(self, exchange: Exchange, outcome: Outcome) -> None:
        if outcome.response is not None:
            self.responses.append(outcome.response)


def payloads(messages: list[bytes]) -> list[_xml.Element]:
    """The SOAP Body payload of each message (detached copies)."""
    out = []
    for data in messages:
        body = _xml.parse(data).find("{http://schemas.xmlsoap.org/soap/envelope/}Body")
        assert body is not None
        out.append(copy.deepcopy(body[0]))
    return out


def assert_valid(schema: etree.XMLSchema, payload: _xml.Element) -> None:
    assert schema.validate(payload), (schema.error_log, etree.tostring(payload)[:3000])


def integrate(sandbox: Sandbox, client: KszClient, ssin: str) -> None:
    """Integrate `ssin` on both sides: the sandbox's repertory and the client's register."""
    today = belgian_today(dt.datetime.now(dt.UTC))
    sandbox.integrate(ssin, period=(today - dt.timedelta(days=2), None))
    client.integrations.add(Integration(organisation=SANDBOX_CBE_NUMBER, ssin=ssin,
                                        quality_code=2, start=today - dt.timedelta(days=2)))


def type_shapes(path: Path) -> dict[str, list[tuple[str, str, str]]]:
    """Each named type of a schema file: its elements (name, minOccurs, maxOccurs), in order."""
    tree = etree.parse(str(path), _parser())
    shapes: dict[str, list[tuple[str, str, str]]] = {}
    for kind in ("complexType", "simpleType"):
        for item in tree.getroot().iterfind(f"{XS}{kind}"):
            shapes[item.get("name") or ""] = [
                (el.get("name") or el.get("ref") or "", el.get("minOccurs", "1"),
                 el.get("maxOccurs", "1"))
                for el in item.iter(f"{XS}element")
            ]
    return shapes


def compare_types(ours: Path, official: Path, *,
                  restated: frozenset[str] = frozenset()) -> None:
    """Our file declares exactly the official file's types, element by element (name,
    minOccurs, maxOccurs), plus the CommonV3 restatements named in `restated`."""
    mine, theirs = type_shapes(ours), type_shapes(official)
    assert etree.parse(str(ours)).getroot().get("targetNamespace") == \
        etree.parse(str(official)).getroot().get("targetNamespace")
    for name, shape in mine.items():
        if name in restated:
            continue
        assert name in theirs, f"{name} is not an official type of {official.name}"
        assert shape == theirs[name], name
    missing = set(theirs) - set(mine)
    assert not missing, f"official types not restated: {sorted(missing)}"


def cli_config(sandbox: Sandbox, folder: Path, *ssins: str) -> Path:
    """A configuration for `sandbox` whose audit log (SQLite) holds integrations of `ssins`:
    what ``ksz ...`` commands need to pass the finality guard."""
    from ksz_client._config import KszConfig

    path = sandbox.write_config(folder / "ksz.toml")
    with path.open("a", encoding="utf-8") as fh:
        fh.write('\n[audit]\npath = "audit.sqlite3"\n')
    with KszClient(KszConfig.load(path, env={})) as client:
        for ssin in ssins:
            integrate(sandbox, client, ssin)
    return path


class OfficialCommonV3(etree.Resolver):
    """Resolves every import of CommonV3.xsd to the official file given: our contracts
    compiled this way check our messages against the official common types."""

    def __init__(self, official: Path) -> None:
        super().__init__()
        self.official = official

    def resolve(self, system_url, public_id, context):  # type: ignore[no-untyped-def]
        if system_url.endswith("CommonV3.xsd"):
            return self.resolve_filename(str(self.official), context)
        return None


# --- a module's own sandbox ---------------------------------------------------------------
# A module defines only ``box`` (its own sandbox, with its own seed) and imports these.

# A test SSIN the sandbox does not know (MSG00005 once integrated on both sides).
UNKNOWN = make(dt.date(2004, 12, 30), 995, kind=SsinKind.TEST)
# A legal context the catalogue knows but the set-b services refuse (MSG00013).
OTHER_CONTEXT = CallContext(legal_context="Social Rate Investigation")
# What ``ksz`` commands need on top of ``--config``.
CONTEXT = ("--user", "test-social-worker", "--legal-context", "PCSA:SOCIAL_INQUIRY")
# An organisation the sandbox knows that never integrated anyone of this module.
OTHER_ORGANISATION = "0123456749"
SOAP = "{http://schemas.xmlsoap.org/soap/envelope/}"


@pytest.fixture(scope="module")
def box_config_path(request: pytest.FixtureRequest, box: Sandbox,
                    tmp_path_factory: pytest.TempPathFactory) -> Path:
    name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    return box.write_config(tmp_path_factory.mktemp(name) / "ksz.toml")


@pytest.fixture
def capture() -> Capture:
    return Capture()


@pytest.fixture
def client(box_config_path: Path, capture: Capture) -> Iterator[KszClient]:
    """A client of the module's own sandbox whose requests and answers land in `capture`."""
    with KszClient(KszConfig.load(box_config_path, env={}), observers=[capture]) as plain:
        yield plain.acting_for(user="sw-1", legal_context="PCSA:SOCIAL_INQUIRY", dossier="D-1")


@pytest.fixture
def audited_config(box_config_path: Path, tmp_path: Path) -> Path:
    """The module sandbox's configuration with an audit log, whose register the command's
    finality guard reads."""
    path = tmp_path / "ksz.toml"
    for name in ("client-key.pem", "client-cert.pem", "sandbox-signing-cert.pem"):
        (tmp_path / name).write_bytes((box_config_path.parent / name).read_bytes())
    path.write_text(box_config_path.read_text() + '\n[audit]\nenabled = true\npath = "audit.db"\n')
    return path


def captured(config_path: Path, exercise: Callable[[KszClient], None]) -> Capture:
    """What travelled while `exercise` used a fresh client of the sandbox at `config_path`."""
    capture = Capture()
    with KszClient(KszConfig.load(config_path, env={}), observers=[capture]) as plain:
        exercise(plain.acting_for(user="u", legal_context="PCSA:SOCIAL_INQUIRY"))
    return capture


def index_where(box: Sandbox, predicate: Callable[[int], bool]) -> int:
    """The first person with a current SSIN (not among the last 50) matching `predicate`."""
    population = box.population
    return next(i for i in range(population.size - 50)
                if population.replaced_by(i) is None and predicate(i))


def replaced_index(box: Sandbox) -> int:
    """The first person whose SSIN was replaced by another."""
    population = box.population
    return next(i for i in range(population.size) if population.replaced_by(i) is not None)


class NoSend:
    """A transport that keeps and refuses whatever would be sent: bad input never travels."""

    def __init__(self) -> None:
        self.sent: list[object] = []

    def handle(self, request: object) -> Any:
        self.sent.append(request)
        raise AssertionError("nothing may be sent")

    def close(self) -> None:
        pass


class LoseFirst:
    """A transport that times out on the first request without sending it (the KSZ never
    saw it), then sends through `inner`."""

    def __init__(self, inner: Transport) -> None:
        self.inner = inner
        self.lost = 0

    def handle(self, request: HttpRequest) -> HttpResponse:
        if not self.lost:
            self.lost += 1
            raise KszTimeout("read timeout")
        return self.inner.handle(request)

    def close(self) -> None:
        self.inner.close()


def losing_first(config: KszConfig) -> LoseFirst:
    """The default transport of `config`, its first request lost unsent."""
    return LoseFirst(_default_transport(config))


def offline(config_path: Path) -> tuple[KszClient, NoSend]:
    """A client of the sandbox at `config_path` whose transport refuses to send anything."""
    transport = NoSend()
    plain = KszClient(KszConfig.load(config_path, env={}), transport=transport)  # type: ignore[arg-type]
    return plain.acting_for(user="u", legal_context="PCSA:SOCIAL_INQUIRY"), transport


# --- refusals: the same shape for every service -------------------------------------------

Call = Callable[..., Any]


def refuse_unknown(box: Sandbox, client: KszClient, call: Call) -> UnknownSsin:
    """An SSIN integrated on both sides that the sandbox does not know: UnknownSsin."""
    integrate(box, client, UNKNOWN)
    with pytest.raises(UnknownSsin) as caught:
        call(UNKNOWN)
    assert caught.value.code == "MSG00005" and str(UNKNOWN) not in str(caught.value)
    return caught.value


def refuse_not_integrated(box: Sandbox, client: KszClient, capture: Capture, call: Call,
                          remote: Call | None = None,
                          predicate: Callable[[int], bool] = lambda i: True) -> Ssin:
    """A person nobody integrated: refused before sending (nothing travels); then
    integrated on the client's side only: the sandbox refuses it (MSG00012, with a ticket).
    Returns the person, integrated on neither side's register for the organisation."""
    population = box.population
    fresh = index_where(box, lambda i: predicate(i) and not box.state.is_integrated(
        OTHER_ORGANISATION, str(population.ssin_of(i)), dt.date.today()))
    ssin = population.ssin_of(fresh)
    sent = len(capture.requests)
    with pytest.raises(NotIntegrated) as local:
        call(ssin)
    assert local.value.ticket_cbss is None and len(capture.requests) == sent
    client.integrations.add(Integration(organisation=OTHER_ORGANISATION, ssin=ssin,
                                        quality_code=2,
                                        start=dt.date.today() - dt.timedelta(days=1)))
    with pytest.raises(NotIntegrated) as refused:
        (remote or call)(ssin)
    assert refused.value.code == "MSG00012" and refused.value.ticket_cbss
    assert len(capture.requests) == sent + 1
    return ssin


def refuse_other_context(call: Call, ssin: Ssin) -> None:
    """A legal context the service does not accept: NotAuthorized (MSG00013)."""
    with pytest.raises(NotAuthorized) as caught:
        call(ssin, context=OTHER_CONTEXT)
    assert caught.value.code == "MSG00013"


def refuse_fault(box: Sandbox, call: Call, ssin: Ssin) -> KszFault:
    """A SOAP fault of the service: KszFault MSG00003, its signature verified."""
    with box.fault("fault", times=1), pytest.raises(KszFault) as caught:
        call(ssin)
    assert caught.value.code == "MSG00003" and caught.value.verified
    return caught.value


def retried(box: Sandbox, call: Call, ssin: Ssin, transient: str = "http503") -> Any:
    """A consultation is safe to retry: after one `transient` failure the retry answers."""
    with box.fault(transient, times=1):
        return call(ssin)


def assert_refusals(box: Sandbox, client: KszClient, capture: Capture, call: Call, *,
                    unknown: Call | None = None, remote: Call | None = None,
                    other_context: Call | None = None, transient: str = "http503") -> Any:
    """Every refusal of a set-b consultation, in order: unknown SSIN, not integrated (locally,
    then by the sandbox), another legal context, a fault; then a retried `transient` failure,
    whose result is returned for the caller's own check. `call(ssin, **kwargs)` consults;
    `unknown`, `remote` and `other_context` put other operations at those steps."""
    refuse_unknown(box, client, unknown or call)
    ssin = refuse_not_integrated(box, client, capture, call, remote)
    integrate(box, client, ssin)
    refuse_other_context(other_context or call, ssin)
    refuse_fault(box, call, ssin)
    return retried(box, call, ssin, transient)


# --- contracts: the same checks for every service ------------------------------------------


def fault_detail(capture: Capture) -> _xml.Element:
    """The detail payload of the last answer, a SOAP fault."""
    detail = _xml.parse(capture.responses[-1]).find(f"{SOAP}Body/{SOAP}Fault/detail")
    assert detail is not None and len(detail) == 1
    return detail[0]


def assert_fault_validates(box: Sandbox, capture: Capture, call: Call, ssin: Ssin,
                           schema: etree.XMLSchema) -> None:
    """A fault the sandbox answers to `call(ssin)` validates against `schema`."""
    with box.fault("fault", times=1), pytest.raises(KszFault):
        call(ssin)
    assert_valid(schema, fault_detail(capture))


def assert_our_contract(name: str, capture: Capture) -> int:
    """Every captured request and answer validates against our contract of service `name`."""
    schema = _contracts.schema(name)
    assert schema is not None
    messages = payloads(capture.requests) + payloads(capture.responses)
    assert messages
    for payload in messages:
        assert_valid(schema, payload)
    return len(messages)


def service_payloads(messages: list[bytes], namespace: str) -> list[_xml.Element]:
    """The SOAP Body payloads of `messages` in the service's `namespace` (faults left out)."""
    return [p for p in payloads(messages) if etree.QName(p).namespace == namespace]


def assert_unqualified(messages: list[_xml.Element]) -> None:
    """Only the root of each payload is qualified (elementFormDefault="unqualified")."""
    for payload in messages:
        assert all(etree.QName(e).namespace is None for e in payload.iterdescendants()
                   if isinstance(e.tag, str)), etree.tostring(payload)[:300]


def assert_both_contracts(contracts: Path, name: str, messages: list[_xml.Element]) -> None:
    """Every payload validates against our contract of service `name`, and against it
    compiled with the official CommonV3.xsd."""
    ours = _contracts.schema(name)
    assert ours is not None
    official = ours_with_official_common(contracts, name)
    for payload in messages:
        assert ours.validate(payload), ours.error_log
        assert official.validate(payload), official.error_log


def assert_official_messages(schema: etree.XMLSchema, capture: Capture, namespace: str,
                             ) -> tuple[list[_xml.Element], list[_xml.Element]]:
    """Every request and answer validates against the official `schema`, one answer per
    request; requests qualify their root only (set-b's unqualified elements).
    Returns (requests, responses) for the caller's own checks."""
    requests, responses = payloads(capture.requests), payloads(capture.responses)
    assert len(requests) == len(responses) > 0
    for payload in requests + responses:
        assert_valid(schema, payload)
    assert all(etree.QName(payload).namespace == namespace for payload in requests)
    assert_unqualified(requests)
    return requests, responses


def assert_wsdl_agrees(service: catalogue.Service, wsdl: str, port_service: str, port: str,
                       *, faults: bool = False) -> None:
    """zeep loads our WSDL (``intf/<wsdl>``): its operations, SOAP actions, request and
    response elements (and fault elements if `faults`) and address are the catalogue's."""
    loaded = zeep.Client(str(_contracts.WSDL_DIR / "intf" / wsdl))
    operations = loaded.service._binding._operations
    assert set(operations) == {op.name for op in service.operations}
    for op in service.operations:
        assert operations[op.name].soapaction == op.soap_action
        elements = [op.request_element, op.response_element]
        if faults:
            assert op.fault_element is not None
            elements.append(op.fault_element)
        for element in elements:
            assert loaded.get_element(f"{{{service.namespace}}}{element}") is not None
    address = loaded.wsdl.services[port_service].ports[port].binding_options["address"]
    assert address.endswith("/" + service.path)


def ours_with_official_common(contracts: Path, name: str) -> etree.XMLSchema:
    """Our contract of service `name` compiled with the official CommonV3.xsd."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(OfficialCommonV3(contracts / f"{SET_B}/types/common/CommonV3.xsd"))
    path = _contracts.schema_path(name)
    assert path is not None
    return etree.XMLSchema(etree.parse(str(path), parser))
