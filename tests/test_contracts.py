"""Conformance: what the SDK sends and what the sandbox answers match the contracts.

Our own ``wsdl/`` files are checked always; where the official KSZ contracts are
present (KSZ_CONTRACTS_DIR), our PersonService messages are also validated with
the *official* CommonV3.xsd substituted for ours, and our CommonV3 restatement is
compared with the official one, type by type.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import zeep
from lxml import etree

from ksz_client import _contracts, _xml, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client.hooks import Exchange, Outcome
from ksz_client.sandbox import Sandbox

PERSON_NS = "http://kszbcss.fgov.be/intf/PersonService/v4"
XS = "{http://www.w3.org/2001/XMLSchema}"
pytestmark = pytest.mark.contracts


class _CommonV3Resolver(etree.Resolver):
    """Resolve every import of CommonV3.xsd to the official file."""

    def __init__(self, official: Path) -> None:
        super().__init__()
        self.official = official

    def resolve(self, system_url, public_id, context):  # type: ignore[no-untyped-def]
        if system_url.endswith("CommonV3.xsd"):
            return self.resolve_filename(str(self.official), context)
        return None


def _official_common(contracts: Path) -> Path:
    return contracts / "set-b" / "be" / "fgov" / "kszbcss" / "types" / "common" / "CommonV3.xsd"


def _schema_with_official_common(contracts: Path) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_CommonV3Resolver(_official_common(contracts)))
    path = _contracts.schema_path("PersonService")
    assert path is not None
    return etree.XMLSchema(etree.parse(str(path), parser))


class _Capture:
    def __init__(self) -> None:
        self.requests: list[bytes] = []
        self.responses: list[bytes] = []

    def before_send(self, exchange: Exchange) -> None:
        self.requests.append(exchange.request)

    def after_receive(self, exchange: Exchange, outcome: Outcome) -> None:
        if outcome.response is not None:
            self.responses.append(outcome.response)


@pytest.fixture
def captured(sandbox_config: KszConfig, sandbox: Sandbox) -> _Capture:
    capture = _Capture()
    with KszClient(sandbox_config, observers=[capture]) as plain:
        client = plain.acting_for(user="u", legal_context="PCSA:SOCIAL_INQUIRY")
        person = sandbox.population.person(0)
        client.person.get(person.ssin, language="NL")
        client.person.search(person.name.last_name, given_names=[person.name.given_names[0]],
                             birth_date="1900-00-00", tolerance=10, gender="M", max_results=3,
                             country_code="150", municipality_code="21004")
        client.person.search("Nobodyatall")
    return capture


def _payloads(messages: list[bytes]) -> list[_xml.Element]:
    out = []
    for data in messages:
        body = _xml.parse(data).find("{http://schemas.xmlsoap.org/soap/envelope/}Body")
        assert body is not None
        out.append(copy.deepcopy(body[0]))
    return out


def test_requests_and_responses_validate_against_our_contract(captured: _Capture) -> None:
    schema = _contracts.schema("PersonService")
    assert schema is not None
    for payload in _payloads(captured.requests) + _payloads(captured.responses):
        assert schema.validate(payload), schema.error_log


def test_requests_and_responses_validate_with_the_official_commonv3(
    captured: _Capture, official_contracts: Path
) -> None:
    schema = _schema_with_official_common(official_contracts)
    payloads = _payloads(captured.requests) + _payloads(captured.responses)
    assert len(payloads) == 6
    for payload in payloads:
        assert schema.validate(payload), schema.error_log


def test_the_official_check_can_fail(official_contracts: Path, captured: _Capture) -> None:
    schema = _schema_with_official_common(official_contracts)
    payload = _payloads(captured.requests)[0]
    ident = payload.find("informationCustomer/customerIdentification/cbeNumber")
    assert ident is not None
    ident.text = "12345"  # CbeNumberType is ten digits
    assert not schema.validate(payload)


def test_children_are_unqualified_and_the_root_is_qualified(captured: _Capture) -> None:
    for payload in _payloads(captured.requests):
        assert etree.QName(payload).namespace == PERSON_NS
        for element in payload.iterdescendants():
            if isinstance(element.tag, str):
                assert etree.QName(element).namespace is None, element.tag


def test_our_commonv3_matches_the_official_one_type_by_type(official_contracts: Path) -> None:
    ours = etree.parse(str(_contracts.WSDL_DIR / "types" / "common" / "CommonV3.xsd"))
    official = etree.parse(str(_official_common(official_contracts)))
    assert ours.getroot().get("targetNamespace") == official.getroot().get("targetNamespace")

    def shapes(tree: etree._ElementTree) -> dict[str, list[tuple[str | None, str | None, str]]]:
        result = {}
        for ctype in tree.getroot().iterfind(f"{XS}complexType"):
            result[ctype.get("name")] = [
                (el.get("name"), (el.get("type") or "").split(":")[-1] or None,
                 el.get("minOccurs", "1"))
                for el in ctype.iter(f"{XS}element")
            ]
        for stype in tree.getroot().iterfind(f"{XS}simpleType"):
            result[stype.get("name")] = [
                (f.tag.split("}")[1], None, f.get("value", ""))
                for f in stype.iter()
                if f.tag in (f"{XS}enumeration", f"{XS}maxLength", f"{XS}length")
            ]
        return result

    mine, theirs = shapes(ours), shapes(official)
    for name, shape in mine.items():
        assert name in theirs, f"{name} is not an official CommonV3 type"
        assert shape == theirs[name], name


def test_zeep_loads_our_wsdl_and_it_agrees_with_the_catalogue() -> None:
    wsdl = _contracts.WSDL_DIR / "intf" / "PersonService" / "PersonServiceV4.wsdl"
    client = zeep.Client(str(wsdl))
    service = catalogue.get("PersonService")
    binding = client.service._binding
    assert set(binding._operations) == {op.name for op in service.operations}
    for op in service.operations:
        assert binding._operations[op.name].soapaction == op.soap_action
        element = client.get_element(f"{{{service.namespace}}}{op.request_element}")
        assert element.qname.localname == op.request_element
    port = client.wsdl.services["PersonService"].ports["PersonServicePort"]
    assert port.binding_options["address"].endswith("/" + service.path)


def test_contracts_ship_inside_the_package() -> None:
    files = {p.relative_to(_contracts.WSDL_DIR).as_posix()
             for p in _contracts.WSDL_DIR.rglob("*") if p.is_file()}
    assert "types/common/CommonV3.xsd" in files
    assert "intf/PersonService/PersonServiceV4.wsdl" in files


def test_schemas_are_compiled_one_at_a_time_and_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # The sandbox's first requests arrive together: libxml2 must not compile two
    # schemas at once (its schema compiler and type tables are not thread-safe).
    import threading

    held: list[bool] = []
    real = _contracts._compile

    def compiling(path: Path) -> tuple[etree.XMLSchema, object]:
        held.append(_contracts._COMPILING.locked())
        return real(path)

    monkeypatch.setattr(_contracts, "_compile", compiling)
    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(_contracts.schema("PersonService")))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert held and all(held)
    assert len(results) == 8 and all(r is results[0] and r is not None for r in results)


def test_violation_gives_the_line_of_the_first_error_never_the_value(
    captured: _Capture,
) -> None:
    payload = _payloads(captured.requests)[0]
    assert _contracts.violation("PersonService", payload) is None
    broken = copy.deepcopy(payload)
    etree.SubElement(broken, "unexpected").text = "85073003328"
    line = _contracts.violation("PersonService", broken)
    assert isinstance(line, int) and line >= 0
    with pytest.raises(LookupError):
        _contracts.violation("NoSuchService", payload)
    assert _contracts.violation("NoSuchService", payload, optional=True) is None
