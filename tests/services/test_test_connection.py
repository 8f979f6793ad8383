"""TestConnectionService V1: wire mapping (unit), end to end, official contract, command."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import zeep
from cryptography.hazmat.primitives import serialization
from lxml import etree
from tests.services.official_helpers import (  # noqa: F401 - fixtures
    Capture,
    capture,
    payloads,
    type_shapes,
)

from ksz_client import _contracts, _xml, catalogue
from ksz_client._client import KszClient
from ksz_client._config import Auth, KszConfig
from ksz_client._credentials import certificate_info
from ksz_client._exceptions import KszFault, ResponseError, ValidationError
from ksz_client._pki import generate_self_signed
from ksz_client.cli import EXIT_OK, main
from ksz_client.sandbox import Sandbox
from ksz_client.sandbox.handlers import HANDLERS, Answer, HandlerContext, status
from ksz_client.services.test_connection import _wire
from ksz_client.types import StatusValue

NS = "http://kszbcss.fgov.be/intf/TestConnectionServiceService/v1"
TYPES = "http://kszbcss.fgov.be/types/TestConnectionService/v1"
XS = "{http://www.w3.org/2001/XMLSchema}"
WSDL = "{http://schemas.xmlsoap.org/wsdl/}"
SOAP = "{http://schemas.xmlsoap.org/wsdl/soap/}"
OFFICIAL_XSD = "set-a/XSD/TestConnectionServiceV1.xsd"
OFFICIAL_WSDL = "set-a/WSDL/TestConnectionService.wsdl"
OUR_TYPES = _contracts.WSDL_DIR / "types/TestConnectionService/TestConnectionServiceV1.xsd"
OUR_WSDL = _contracts.WSDL_DIR / "intf/TestConnectionServiceService/TestConnectionService.wsdl"


# --- fixtures: the module's own sandbox ----------------------------------------------------


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    with Sandbox(seed=1, persons=20) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def config_path(sb: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = sb.write_config(tmp_path_factory.mktemp("test_connection") / "ksz.toml")
    with path.open("a", encoding="utf-8") as fh:
        fh.write('\n[audit]\npath = "audit.sqlite3"\n')
    return path


@pytest.fixture
def client(config_path: Path, capture: Capture) -> Iterator[KszClient]:
    with KszClient(KszConfig.load(config_path, env={}), observers=[capture]) as plain:
        # A legal context bound for other services is not sent, nor recorded, here.
        yield plain.acting_for(user="it-operator", legal_context="PCSA:SOCIAL_INQUIRY")


def _request(echo: str) -> _xml.Element:
    root = etree.Element(f"{{{NS}}}sendTestMessageRequest", nsmap={"ns": NS})
    _wire.write_request(root, echo)
    return root


def _answer(echo: str, certificate: str) -> _xml.Element:
    root = etree.Element(f"{{{NS}}}sendTestMessageResponse", nsmap={"ns": NS})
    _wire.write_answer(root, echo, certificate)
    return root


# --- wire mapping (unit) --------------------------------------------------------------------


def test_the_echo_and_the_certificate_round_trip_through_the_wire_mapping() -> None:
    creds = generate_self_signed("ocmw-test.example", days=30)
    certificate = creds.certificate
    echo = "  spaces kept, <&> escaped, é  "
    assert _wire.read_echo(_request(echo)) == echo
    echoed, text = _wire.read_answer(_answer(echo, _wire.certificate_text(certificate)))
    assert echoed == echo
    info = _wire.read_certificate(text)
    assert info == certificate_info(certificate)
    assert info is not None and info.subject.endswith("CN=ocmw-test.example")
    assert info.not_after - info.not_before == dt.timedelta(days=30)


def test_a_base64_der_certificate_is_read_as_well() -> None:
    certificate = generate_self_signed("der.example").certificate
    der = certificate.public_bytes(serialization.Encoding.DER)
    wrapped = "\n".join(base64.b64encode(der).decode()[i:i + 64] for i in range(0, 2000, 64))
    assert _wire.read_certificate(wrapped) == certificate_info(certificate)


@pytest.mark.parametrize("text", ["", "CN=ocmw,O=OCMW Gent,C=BE", "bm90IGEgY2VydGlmaWNhdGU="])
def test_text_that_is_no_certificate_is_kept_as_text(text: str) -> None:
    assert _wire.read_certificate(text) is None


def test_a_broken_pem_certificate_and_missing_elements_are_response_errors() -> None:
    with pytest.raises(ResponseError, match="not a certificate"):
        _wire.read_certificate("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")
    missing_certificate = _request("x")
    missing_certificate.tag = f"{{{NS}}}sendTestMessageResponse"
    with pytest.raises(ResponseError, match="sslCertificate"):
        _wire.read_answer(missing_certificate)
    with pytest.raises(ResponseError, match="echo"):
        _wire.read_echo(etree.Element(f"{{{NS}}}sendTestMessageResponse"))


# --- end to end --------------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_sandbox_echoes_and_reports_the_signing_certificate(
    sb: Sandbox, client: KszClient, capture: Capture
) -> None:
    result = client.test_connection.send("ksz-client <test> é ")
    assert result.echo == "ksz-client <test> é "
    assert result.certificate == certificate_info(sb.client.certificate)
    assert result.status.value is StatusValue.DATA_FOUND
    assert result.receipt.ticket_cbss is not None
    assert result.receipt.timestamp_receive is not None
    assert "certificate_text" not in repr(result)
    request, answer = payloads(capture.requests)[-1], payloads(capture.responses)[-1]
    # No common blocks travel: the request is the echo alone.
    assert [child.tag for child in request] == ["echo"]
    assert [child.tag for child in answer] == ["informationCBSS", "echo", "sslCertificate"]
    # Audited like every call, without a legal context.
    assert client.audit is not None
    records = client.audit.query(reader="test", service="TestConnectionService")
    assert records and {r.legal_context for r in records} == {None}
    assert {r.user for r in records} == {"it-operator"}


@pytest.mark.e2e
def test_the_command_prints_the_echo_and_the_certificate(
    sb: Sandbox, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--config", str(config_path), "--user", "it", "test-connection", "send",
                 "hello", "--json"])
    out = capsys.readouterr().out
    assert code == EXIT_OK
    data = json.loads(out)
    assert data["echo"] == "hello"
    assert data["certificate"]["sha256"] == certificate_info(sb.client.certificate).sha256


@pytest.mark.e2e
def test_bad_echoes_are_refused_before_sending(client: KszClient, capture: Capture) -> None:
    with pytest.raises(ValidationError, match="256"):
        client.test_connection.send("x" * 257)
    with pytest.raises(ValidationError, match="control"):
        client.test_connection.send("bell\x07")
    assert capture.requests == []


@pytest.mark.e2e
def test_an_answer_echoing_another_message_is_refused(
    client: KszClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def wrong(ctx: HandlerContext, payload: _xml.Element) -> Answer:
        return Answer(status("DATA_FOUND", "MSG00000"),
                      lambda root: _wire.write_answer(root, "something else", ""), wrapper=None)

    monkeypatch.setitem(HANDLERS, ("TestConnectionService", "sendTestMessage"), wrong)
    with pytest.raises(ResponseError, match="another message"):
        client.test_connection.send("mine")


@pytest.mark.e2e
def test_a_sandbox_fault_and_an_unknown_certificate_raise(
    sb: Sandbox, config_path: Path, client: KszClient, tmp_path: Path
) -> None:
    with sb.fault("fault"), pytest.raises(KszFault):
        client.test_connection.send("faulty")
    # A client signing with a certificate the sandbox does not trust: a security fault.
    stranger = generate_self_signed("stranger.example")
    (tmp_path / "key.pem").write_bytes(stranger.key_pem)
    (tmp_path / "cert.pem").write_bytes(stranger.cert_pem)
    config = KszConfig.load(config_path, env={}).with_overrides(
        auth=Auth(key_file=tmp_path / "key.pem", cert_file=tmp_path / "cert.pem"))
    with KszClient(config) as other, pytest.raises(KszFault) as caught:
        other.acting_for(user="it").test_connection.send("who am I")
    assert not caught.value.verified


# --- contracts ---------------------------------------------------------------------------------


def _official_schema(contracts: Path) -> etree.XMLSchema:
    """The official types with the wrapper elements the official WSDL declares."""
    types = contracts / OFFICIAL_XSD
    text = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:test="{TYPES}"
        targetNamespace="{NS}">
      <xs:import namespace="{TYPES}" schemaLocation="{types.as_uri()}"/>
      <xs:element name="sendTestMessageRequest" type="test:SendTestMessageRequestType"/>
      <xs:element name="sendTestMessageResponse" type="test:SendTestMessageResponseType"/>
    </xs:schema>"""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.fromstring(text.encode(), parser))


@pytest.mark.contracts
@pytest.mark.e2e
def test_request_and_answer_validate_against_the_official_contract(
    client: KszClient, capture: Capture, official_contracts: Path
) -> None:
    client.test_connection.send("contract check")
    official = _official_schema(official_contracts)
    ours = _contracts.schema("TestConnectionService")
    assert ours is not None
    messages = payloads(capture.requests) + payloads(capture.responses)
    assert len(messages) == 2
    for payload in messages:
        assert official.validate(payload), official.error_log.last_error
        assert ours.validate(payload), ours.error_log.last_error
    # The check can fail: an answer without sslCertificate is not the contract's.
    answer = messages[1]
    answer.remove(answer.find("sslCertificate"))  # type: ignore[arg-type]
    assert not official.validate(answer) and not ours.validate(answer)


@pytest.mark.contracts
def test_our_types_restate_the_official_ones(official_contracts: Path) -> None:
    mine, theirs = type_shapes(OUR_TYPES), type_shapes(official_contracts / OFFICIAL_XSD)
    assert mine and all(theirs[name] == shape for name, shape in mine.items())
    assert etree.parse(str(OUR_TYPES)).getroot().get("targetNamespace") == TYPES


@pytest.mark.contracts
def test_our_wsdl_agrees_with_the_official_one_and_the_catalogue(
    official_contracts: Path,
) -> None:
    service = catalogue.get("TestConnectionService")
    (op,) = service.operations
    for path in (OUR_WSDL, official_contracts / OFFICIAL_WSDL):
        root = etree.parse(str(path)).getroot()
        assert root.get("targetNamespace") == service.namespace == NS
        action = root.find(f"{WSDL}binding/{WSDL}operation/{SOAP}operation")
        assert action is not None and action.get("soapAction") == op.soap_action
        parts = [p.get("element") for p in root.iter(f"{WSDL}part")]
        assert [e.split(":")[1] for e in parts if e] == [op.request_element,
                                                       op.response_element]
    wsdl = zeep.Client(str(OUR_WSDL)).wsdl
    binding = wsdl.bindings[f"{{{NS}}}TestConnectionServiceServiceHTTPBinding"]
    assert binding._operations[op.name].soapaction == op.soap_action
    port = wsdl.services["TestConnectionServiceService"].ports["TestConnectionServiceService"]
    assert port.binding_options["address"].endswith("/" + service.path)
