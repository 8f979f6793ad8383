"""The legacy SSDN envelope: built and parsed as the official SSDN schemas say."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _ssdn, _xml
from ksz_client._config import Organisation
from ksz_client._exceptions import ConfigError, InvalidData, NoResult, ResponseError

ORG = Organisation(cbe_number="0123456749", user_id="00000000097", email="it@ocmw.example")
WHEN = dt.datetime(2026, 11, 28, 9, 30, 5, tzinfo=dt.UTC)
S = _ssdn.SSDN_NS
C = _ssdn.SSDN_COMMON_NS


def _official(contracts: Path, name: str) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(contracts / "set-a/XSD/SSDN/Service" / name), parser))


def _payload() -> _xml.Element:
    payload = etree.Element("{urn:example:service}Request")
    etree.SubElement(payload, "{urn:example:service}SSIN").text = "85073003328"
    return payload


def test_request_validates_against_the_official_ssdn_request_xsd(
    official_contracts: Path,
) -> None:
    document = _ssdn.build_request(organisation=ORG,
                                   reference="0f7e5d3c-1111-4222-8333-444455556666",
                                   sent_at=WHEN, service_id="OCMWCPASIdentifyPerson",
                                   version="20050930", payload=_payload())
    root = etree.fromstring(document)
    schema = _official(official_contracts, "SSDNRequest.xsd")
    assert schema.validate(root), schema.error_log
    assert root.findtext(f"{{{S}}}RequestContext/{{{S}}}Message/{{{S}}}TimeRequest") \
        == "20261128T093005"
    assert root.findtext(f".//{{{S}}}AuthorizedUser/{{{S}}}MatrixID") == "17"
    assert root.findtext(f".//{{{S}}}AuthorizedUser/{{{S}}}OrgUnit") == "0123456749"


def test_request_needs_user_id_and_email() -> None:
    with pytest.raises(ConfigError, match=r"organisation\.user_id"):
        _ssdn.build_request(organisation=Organisation(cbe_number="0123456749"), reference="r",
                            sent_at=WHEN, service_id="X", version="20050930", payload=_payload())
    with pytest.raises(ConfigError, match=r"organisation\.email"):
        _ssdn.build_request(
            organisation=Organisation(cbe_number="0123456749", user_id="00000000097"),
            reference="r", sent_at=WHEN, service_id="X", version="20050930", payload=_payload())


def test_wrap_and_unwrap_carry_the_document_as_a_string() -> None:
    document = _ssdn.build_request(organisation=ORG, reference="r", sent_at=WHEN,
                                   service_id="X", version="20050930", payload=_payload())
    wrapped = _ssdn.wrap(document)
    assert wrapped.tag == f"{{{_ssdn.CONNECTOR_NS}}}xmlString" and len(wrapped) == 0
    # Across the wire, the text is escaped and read back as text.
    again = etree.fromstring(etree.tostring(wrapped))
    assert _ssdn.unwrap(again).tag == f"{{{S}}}SSDNRequest"


def test_unwrap_refuses_a_dtd_inside_the_string() -> None:
    element = etree.Element(f"{{{_ssdn.CONNECTOR_NS}}}xmlString")
    element.text = '<!DOCTYPE x [<!ENTITY a "b">]><SSDNReply>&a;</SSDNReply>'
    with pytest.raises(ResponseError, match="DTD"):
        _ssdn.unwrap(element)
    with pytest.raises(ResponseError, match="xmlString"):
        _ssdn.unwrap(etree.Element("other"))


def _reply(ok: str = "YES", code: int = 0, details: str = "", service: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<SSDNReply xmlns="{S}" xmlns:c="{C}">
  <ReplyContext>
    <c:ResultSummary ok="{ok}"><c:ReturnCode>{code}</c:ReturnCode>{details}</c:ResultSummary>
    <Message>
      <Reference>ref-1</Reference><Ticket>KSZ-TICKET-1</Ticket>
      <TimeRequest>20261128T093005</TimeRequest><TimeReceive>20261128T093006</TimeReceive>
      <TimeResponse>20261128T093007</TimeResponse>
    </Message>
  </ReplyContext>{service}
</SSDNReply>""".encode()


SERVICE = """
  <ServiceReply>
    <c:ResultSummary ok="YES"><c:ReturnCode>0</c:ReturnCode></c:ResultSummary>
    <ServiceId>OCMWCPASIdentifyPerson</ServiceId><Version>20050930</Version>
    <Result xmlns="urn:example:service"><Name>Peeters</Name></Result>
    <FutureElement xmlns="urn:later">ignored</FutureElement>
  </ServiceReply>"""

DETAIL = """<c:Detail><c:Severity>{sev}</c:Severity><c:ReasonCode>{code}</c:ReasonCode>
<c:Diagnostic>about 85.07.30-033.28</c:Diagnostic><c:AuthorCodeList>KSZ RR</c:AuthorCodeList>
<c:Information><c:FieldName>f</c:FieldName><c:FieldValue>v</c:FieldValue></c:Information>
</c:Detail>"""


def test_reply_is_read_and_validates_against_the_official_xsd(official_contracts: Path) -> None:
    # The official ServiceReply wildcard is strict: the envelope is validated
    # without a service payload, whose schema belongs to each service.
    schema = _official(official_contracts, "SSDNReply.xsd")
    assert schema.validate(etree.fromstring(_reply())), schema.error_log
    reply = _ssdn.parse_reply(_xml.parse(_reply(service=SERVICE)))
    assert reply.summary == _ssdn.ResultSummary(ok="YES", return_code=0)
    assert reply.ticket == "KSZ-TICKET-1" and reply.reference == "ref-1"
    assert reply.time_response == dt.datetime(2026, 11, 28, 9, 30, 7, tzinfo=dt.UTC)
    (service,) = reply.service_replies
    assert service.service_id == "OCMWCPASIdentifyPerson" and service.version == "20050930"
    assert service.payload is not None and service.payload.findtext("{urn:example:service}Name") \
        == "Peeters"


def test_unknown_elements_are_ignored() -> None:
    reply = _ssdn.parse_reply(_xml.parse(_reply(service=SERVICE)))
    assert reply.service_replies[0].payload is not None


def test_warnings_are_returned_not_raised() -> None:
    data = _reply("WARNING", 1, DETAIL.format(sev="WARNING", code="21007001"), SERVICE)
    reply = _ssdn.parse_reply(_xml.parse(data))
    warnings = _ssdn.raise_for_summary(reply.summary, ticket="t", ticket_cbss=reply.ticket)
    assert [w.reason_code for w in warnings] == ["21007001"]
    assert warnings[0].author_codes == ("KSZ", "RR")
    assert warnings[0].information == (("f", "v"),)


def test_errors_raise_typed_and_masked() -> None:
    data = _reply("NO", 10000, DETAIL.format(sev="ERROR", code="31000007"))
    reply = _ssdn.parse_reply(_xml.parse(data))
    with pytest.raises(InvalidData) as caught:
        _ssdn.raise_for_summary(reply.summary, ticket="t", ticket_cbss=reply.ticket)
    assert caught.value.code == "31000007" and caught.value.ticket_cbss == "KSZ-TICKET-1"
    assert "033" not in str(caught.value)
    other = _ssdn.parse_reply(_xml.parse(_reply("NO", 10000,
                                                DETAIL.format(sev="ERROR", code="30000001"))))
    with pytest.raises(NoResult) as generic:
        _ssdn.raise_for_summary(other.summary, ticket="t", ticket_cbss=None)
    assert type(generic.value) is NoResult and generic.value.code == "30000001"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_reply(ok="MAYBE"), "@ok"),
        (_reply(code="x"), "ReturnCode"),  # type: ignore[arg-type]
        (_reply().replace(b"<TimeReceive>20261128T093006", b"<TimeReceive>yesterday"),
         "YYYYMMDD"),
        (_reply().replace(b"ReplyContext", b"OtherContext"), "ReplyContext"),
        (b"<SSDNRequest xmlns='" + S.encode() + b"'/>", "not an SSDNReply"),
    ],
)
def test_malformed_replies_raise_response_error(data: bytes, message: str) -> None:
    with pytest.raises(ResponseError, match=message):
        _ssdn.parse_reply(_xml.parse(data))


def test_ssdn_refusals_with_ws_consult_codes_raise_the_same_exceptions() -> None:
    from ksz_client._exceptions import NotIntegrated, SsinReplaced

    def detail(code: str, info: str = "") -> str:
        return (f"<c:Detail><c:Severity>ERROR</c:Severity><c:ReasonCode>{code}</c:ReasonCode>"
                f"<c:Diagnostic>refused</c:Diagnostic>{info}</c:Detail>")

    not_integrated = _ssdn.parse_reply(_xml.parse(_reply("NO", 10000, detail("MSG00012"))))
    with pytest.raises(NotIntegrated):
        _ssdn.raise_for_summary(not_integrated.summary, ticket="t", ticket_cbss="T")
    info = ("<c:Information><c:FieldName>newSSIN</c:FieldName>"
            "<c:FieldValue>85073003328</c:FieldValue></c:Information>")
    replaced = _ssdn.parse_reply(_xml.parse(_reply("NO", 10000, detail("MSG00006", info))))
    with pytest.raises(SsinReplaced) as caught:
        _ssdn.raise_for_summary(replaced.summary, ticket="t", ticket_cbss="T")
    assert caught.value.new_ssin == "85073003328" and "85073003328" not in str(caught.value)
