"""Our SSDN contracts (wsdl/ssdn, wsdl/connector) against the official KSZ files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import zeep
from lxml import etree

from ksz_client import _contracts, _ssdn, catalogue
from ksz_client._config import Organisation

XS = "{http://www.w3.org/2001/XMLSchema}"
MA = "http://www.ksz-bcss.fgov.be/XSD/SSDN/OCMW_CPAS/ManageAccess"
OURS = _contracts.WSDL_DIR / "ssdn"
pytestmark = pytest.mark.contracts


def _schema(path: Path) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(path), parser))


def _manage_access_request() -> etree._Element:
    request = etree.Element(f"{{{MA}}}ManageAccessRequest", nsmap={None: MA})
    for tag, text in (("SSIN", "85073003328"), ("Purpose", "2")):
        etree.SubElement(request, f"{{{MA}}}{tag}").text = text
    period = etree.SubElement(request, f"{{{MA}}}Period")
    etree.SubElement(period, f"{{{_ssdn.SSDN_COMMON_NS}}}StartDate").text = "2026-01-01"
    for tag, text in (("Action", "REGISTER"), ("Sector", "17")):
        etree.SubElement(request, f"{{{MA}}}{tag}").text = text
    proof = etree.SubElement(request, f"{{{MA}}}ProofOfAuthentication")
    person = etree.SubElement(proof, f"{{{MA}}}PersonData")
    etree.SubElement(person, f"{{{MA}}}LastName").text = "Peeters"
    etree.SubElement(person, f"{{{MA}}}BirthDate").text = "1985-07-30"
    return request


def test_a_manage_access_request_validates_against_ours_and_the_official(
    official_contracts: Path,
) -> None:
    request = _manage_access_request()
    ours = _schema(OURS / "ManageAccess.xsd")
    official = _schema(
        official_contracts / "set-a/XSD/SSDN/OCMW_CPAS/ManageAccess/NamespaceRoot.xsd"
    )
    assert ours.validate(request), ours.error_log
    assert official.validate(request), official.error_log
    etree.SubElement(request, f"{{{MA}}}Unexpected")
    assert not ours.validate(request) and not official.validate(request)


def test_the_envelope_validates_against_ours_and_the_official(official_contracts: Path) -> None:
    document = etree.fromstring(_ssdn.build_request(
        organisation=Organisation(cbe_number="0123456749", user_id="00000000097",
                                  email="it@ocmw.example"),
        reference="r-1", sent_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        service_id="OCMWCPASManageAccess", version="20050930",
        payload=_manage_access_request(),
    ))
    assert _schema(OURS / "SSDNService.xsd").validate(document)
    official = _schema(official_contracts / "set-a/XSD/SSDN/Service/SSDNRequest.xsd")
    assert official.validate(document), official.error_log


def _type(element: etree._Element) -> str | None:
    # An anonymous restriction of xs:string and xs:string itself are the same
    # shape for what we compare (names, occurrences, enumerations).
    name = (element.get("type") or "").split(":")[-1]
    return None if name in ("", "string") else name


def _shapes(paths: list[Path]) -> dict[str, list[tuple[str | None, str | None, str]]]:
    result: dict[str, list[tuple[str | None, str | None, str]]] = {}
    for path in paths:
        root = etree.parse(str(path)).getroot()
        for kind in ("complexType", "simpleType", "element"):
            for node in root.iterfind(f"{XS}{kind}"):
                result[node.get("name")] = [
                    (el.get("name") or el.get("ref", "").split(":")[-1] or None,
                     _type(el),
                     el.get("minOccurs", "1") + "/" + el.get("maxOccurs", "1"))
                    for el in node.iter(f"{XS}element")
                ] + [
                    (f.tag.split("}")[1], None, f.get("value", ""))
                    for f in node.iter()
                    if f.tag in (f"{XS}enumeration", f"{XS}length", f"{XS}maxLength")
                ]
    return result


@pytest.mark.parametrize(
    ("ours", "official"),
    [
        ("SSDNCommon.xsd", ["set-a/XSD/SSDN/Common/CommonDataTypes.xsd",
                            "set-a/XSD/SSDN/Common/ResultSummary.xsd"]),
        ("SSDNService.xsd", ["set-a/XSD/SSDN/Service/CommonDataTypes.xsd",
                             "set-a/XSD/SSDN/Service/SSDNRequest.xsd",
                             "set-a/XSD/SSDN/Service/SSDNReply.xsd"]),
        ("ManageAccess.xsd", ["set-a/XSD/SSDN/OCMW_CPAS/ManageAccess/CommonDataTypes.xsd",
                              "set-a/XSD/SSDN/OCMW_CPAS/ManageAccess/ManageAccessRequest.xsd",
                              "set-a/XSD/SSDN/OCMW_CPAS/ManageAccess/ManageAccessReply.xsd"]),
    ],
)
def test_our_ssdn_schemas_match_the_official_ones(
    ours: str, official: list[str], official_contracts: Path
) -> None:
    mine = _shapes([OURS / ours])
    theirs = _shapes([official_contracts / p for p in official])
    for name, shape in mine.items():
        assert name in theirs, f"{name} is not in the official {ours}"
        # Names, types, occurrences and enumerations agree; our simple types may
        # leave out a facet the official one has (never add one).
        assert set(shape) <= set(theirs[name]), name


def test_the_connector_wsdl_agrees_with_the_catalogue() -> None:
    client = zeep.Client(str(_contracts.WSDL_DIR / "connector" / "WebServiceConnector.wsdl"))
    operation = client.service._binding._operations["sendXML"]
    assert operation.soapaction == catalogue.SSDN_SOAP_ACTION
    port = client.wsdl.services["KSZBCSSWebService"].ports["KSZBCSSWebServiceConnectorPort"]
    assert port.binding_options["address"].endswith("/" + catalogue.SSDN_CONNECTOR_PATH)
