"""Hardened parsing (_xml.parse), SOAP envelopes, status mapping and faults (_soap)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from ksz_client import _xml
from ksz_client._config import Organisation
from ksz_client._exceptions import (
    InvalidData,
    InvalidSsin,
    InvalidSsinStructure,
    KszBusinessError,
    KszFault,
    NoResult,
    NotAuthorized,
    NotIntegrated,
    ResponseError,
    SsinReplaced,
    UnknownSsin,
)
from ksz_client._soap import (
    COMMON_NS,
    SOAP_ENV_NS,
    envelope,
    fault_error,
    new_request,
    raise_for_status,
    read_receipt,
    read_status,
    split,
    timestamp,
)
from ksz_client.types import Information, Receipt, Status

NS = "http://kszbcss.fgov.be/intf/PersonService/v4"
SSIN = "85073003328"
NEW_SSIN = "85073003427"
SENT = dt.datetime(2026, 1, 2, 10, 0, 0, tzinfo=dt.UTC)
CET = dt.timezone(dt.timedelta(hours=1))
RECEIPT = Receipt(ticket="our-ticket", ticket_cbss="cbss-ticket", timestamp_sent=SENT)


def soap(body: str, header: str = "") -> bytes:
    return (
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV_NS}">{header}'
        f"<soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"
    ).encode()


# --- _xml.parse hardening ------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>"""


def xxe(target: str, *, encoding: str = "UTF-8") -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        f'<!DOCTYPE r [<!ENTITY x SYSTEM "{target}">]><r>&x;</r>'
    )


class RecordingResolver(etree.Resolver):
    """Records every external resource libxml2 asks for (and lets it proceed)."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def resolve(self, system_url: str, public_id: str, *context: Any) -> Any:
        self.asked.append(system_url)
        return None


@pytest.fixture
def marker_file(tmp_path: Path) -> Path:
    file = tmp_path / "secret.txt"
    file.write_text("MARKER-FROM-A-LOCAL-FILE", encoding="utf-8")
    return file


def test_billion_laughs_is_refused() -> None:
    with pytest.raises(ResponseError, match="DTD"):
        _xml.parse(BILLION_LAUGHS)


def test_billion_laughs_in_utf16_is_refused() -> None:
    # UTF-16 hides "<!DOCTYPE" from the byte check: the parser itself must hold.
    data = BILLION_LAUGHS.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
    with pytest.raises(ResponseError):
        _xml.parse(data.encode("utf-16"))


def test_internal_entities_in_utf16_are_not_expanded() -> None:
    data = (
        '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE r [<!ENTITY a "AAAAAAAAAA">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><r>&b;&b;</r>'
    ).encode("utf-16")
    with pytest.raises(ResponseError, match="DTD"):
        _xml.parse(data)
    tree = etree.fromstring(data, _xml._parser())  # what the post-parse check saw
    assert b"AAAA" not in etree.tostring(tree)


def test_external_entity_is_refused(marker_file: Path) -> None:
    with pytest.raises(ResponseError, match="DTD") as info:
        _xml.parse(xxe(marker_file.as_uri()).encode())
    assert "MARKER" not in str(info.value)


@pytest.mark.parametrize("scheme", ["file", "http"])
def test_external_entity_is_never_fetched_by_the_parser(marker_file: Path, scheme: str) -> None:
    target = marker_file.as_uri() if scheme == "file" else "http://127.0.0.1:9/evil.dtd"
    data = xxe(target, encoding="UTF-16").encode("utf-16")

    # The recording resolver does see loads when entities are resolved ...
    control = RecordingResolver()
    loose = etree.XMLParser(resolve_entities=True, load_dtd=True, no_network=False)
    loose.resolvers.add(control)
    loaded = etree.tostring(etree.fromstring(data, loose))
    assert control.asked == [target]
    assert (b"MARKER" in loaded) is (scheme == "file")

    # ... and sees nothing from the hardened parser.
    recorder = RecordingResolver()
    parser = _xml._parser()
    parser.resolvers.add(recorder)
    try:
        with pytest.raises(ResponseError, match="DTD"):
            _xml.parse(data)
        tree = etree.fromstring(data, parser)
    finally:
        parser.resolvers.remove(recorder)
    assert recorder.asked == []
    assert b"MARKER" not in etree.tostring(tree)


def test_doctype_without_entities_is_refused() -> None:
    with pytest.raises(ResponseError, match="DTD"):
        _xml.parse(b'<!DOCTYPE Envelope SYSTEM "http://example/x.dtd"><Envelope/>')


@pytest.mark.parametrize(
    "data",
    [
        soap("<a>")[:-20],  # truncated
        b"<a><b></a>",  # malformed
        b"not xml at all",
        b"<a>\x00</a>",
        "<a>é</a>".encode("latin-1"),  # wrong encoding for a UTF-8 document
    ],
)
def test_truncated_or_malformed_is_a_response_error(data: bytes) -> None:
    with pytest.raises(ResponseError, match="well-formed"):
        _xml.parse(data)


def test_error_message_does_not_quote_the_document() -> None:
    with pytest.raises(ResponseError) as info:
        _xml.parse(f"<a><ssin>{SSIN}</ssin>".encode())
    assert SSIN not in str(info.value)


@pytest.mark.parametrize("data", [b"", b"  \n\t "])
def test_empty_is_a_response_error(data: bytes) -> None:
    with pytest.raises(ResponseError, match="empty"):
        _xml.parse(data)


def test_oversized_is_refused() -> None:
    data = b"<a>" + b"x" * 100 + b"</a>"
    assert _xml.parse(data, max_bytes=len(data)).text == "x" * 100
    with pytest.raises(ResponseError, match="limit"):
        _xml.parse(data, max_bytes=len(data) - 1)


def test_what_names_the_document() -> None:
    with pytest.raises(ResponseError, match=r"^request is empty"):
        _xml.parse(b"", what="request")


def test_comments_and_processing_instructions_are_harmless() -> None:
    data = (
        b'<?xml version="1.0"?><?xml-stylesheet href="http://127.0.0.1:9/x.xsl"?>'
        b"<!-- before --><r><!-- inside --><a>1</a><?app do-something?><b>2</b></r>"
    )
    root = _xml.parse(data)
    assert [c.tag for c in root] == ["a", "b"]
    assert etree.tostring(root) == b"<r><a>1</a><b>2</b></r>"


# --- small readers ------------------------------------------------------------------------


def test_readers() -> None:
    root = _xml.parse(
        b"<r><s> text </s><e/><n>42</n><bad>x</bad><d>1985-07-30+01:00</d>"
        b"<t>2026-01-02T10:00:00Z</t><u>2026-01-02T10:00:00</u></r>"
    )
    assert _xml.opt_text(root, "s") == "text"
    assert _xml.opt_text(root, "e") is None
    assert _xml.opt_text(root, "missing") is None
    assert _xml.opt_text(None, "s") is None
    assert _xml.opt_int(root, "n") == 42
    assert _xml.opt_date(root, "d") == dt.date(1985, 7, 30)
    assert _xml.opt_datetime(root, "t") == dt.datetime(2026, 1, 2, 10, tzinfo=dt.UTC)
    assert _xml.opt_datetime(root, "u") == dt.datetime(2026, 1, 2, 10, tzinfo=dt.UTC)
    assert _xml.opt_bool("true") is True
    assert _xml.opt_bool("0") is False
    assert _xml.opt_bool(None) is None
    with pytest.raises(ResponseError, match="r/missing"):
        _xml.req(root, "missing")
    with pytest.raises(ResponseError, match="r/e"):
        _xml.req_text(root, "e")
    with pytest.raises(ResponseError, match="whole number"):
        _xml.opt_int(root, "bad")
    with pytest.raises(ResponseError, match="not a date"):
        _xml.opt_date(root, "bad")
    with pytest.raises(ResponseError, match="date-time"):
        _xml.opt_datetime(root, "bad")
    with pytest.raises(ResponseError):
        _xml.opt_bool("yes")


# --- envelopes ----------------------------------------------------------------------------


def test_split_finds_header_body_and_payload() -> None:
    message = split(_xml.parse(soap("<x:p xmlns:x='urn:x'/>", header="<soapenv:Header/>")))
    assert message.header is not None
    assert message.payload.tag == "{urn:x}p"
    assert not message.is_fault


def test_split_without_header() -> None:
    message = split(_xml.parse(soap("<p/>")))
    assert message.header is None


@pytest.mark.parametrize(
    "data",
    [
        b"<Envelope><Body><p/></Body></Envelope>",
        b'<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope">'
        b"<e:Body><p/></e:Body></e:Envelope>",
        soap("<p/>").replace(b"Envelope", b"Envelop"),
    ],
)
def test_split_refuses_what_is_not_a_soap11_envelope(data: bytes) -> None:
    with pytest.raises(ResponseError, match=r"not a SOAP 1\.1 envelope"):
        split(_xml.parse(data))


def test_split_refuses_an_envelope_without_body() -> None:
    data = f'<s:Envelope xmlns:s="{SOAP_ENV_NS}"><s:Header/></s:Envelope>'.encode()
    with pytest.raises(ResponseError, match="no Body"):
        split(_xml.parse(data))


@pytest.mark.parametrize("body", ["", "   ", "<!-- only a comment -->"])
def test_split_refuses_an_empty_body(body: str) -> None:
    with pytest.raises(ResponseError, match="Body is empty"):
        split(_xml.parse(soap(body)))


def test_split_ignores_a_comment_before_the_payload_in_a_built_tree() -> None:
    env = envelope(etree.Element("{urn:x}p"))
    body = env[1]
    body.insert(0, etree.Comment("c"))
    assert split(env).payload.tag == "{urn:x}p"


def test_envelope_round_trip() -> None:
    env = envelope(etree.Element("{urn:x}p"))
    message = split(_xml.parse(_xml.to_bytes(env)))
    assert message.header is not None and len(message.header) == 0
    assert message.payload.tag == "{urn:x}p"
    assert _xml.to_bytes(env).startswith(b"<?xml version='1.0' encoding='UTF-8'?>")


def test_is_fault() -> None:
    data = soap("<soapenv:Fault><faultcode>soapenv:Server</faultcode></soapenv:Fault>")
    assert split(_xml.parse(data)).is_fault


# --- new_request ---------------------------------------------------------------------------


def test_new_request_with_cbe_number() -> None:
    root = new_request(
        "searchPersonBySsinRequest",
        NS,
        ticket="t-1",
        sent_at=dt.datetime(2026, 1, 2, 11, 0, 0, 123456, tzinfo=CET),
        organisation=Organisation(cbe_number="0212344876"),
        legal_context="PCSA:SOCIAL_INQUIRY",
    )
    assert root.tag == f"{{{NS}}}searchPersonBySsinRequest"
    assert all(etree.QName(e).namespace is None for e in root.iterdescendants())
    assert [c.tag for c in root] == ["informationCustomer", "legalContext"]
    assert _xml.opt_text(root, "informationCustomer/ticket") == "t-1"
    assert _xml.opt_text(root, "informationCustomer/timestampSent") == "2026-01-02T10:00:00.123Z"
    ident = _xml.req(root, "informationCustomer/customerIdentification")
    assert [c.tag for c in ident] == ["cbeNumber"]
    assert ident[0].text == "0212344876"
    assert root.findtext("legalContext") == "PCSA:SOCIAL_INQUIRY"
    # On the wire: only the root carries the namespace prefix.
    text = etree.tostring(root).decode()
    assert text.startswith(f'<ns:searchPersonBySsinRequest xmlns:ns="{NS}"><informationCustomer>')
    assert text.count("ns:") == 3  # the opening tag, its xmlns:ns and the closing tag


def test_new_request_with_sector_and_institution() -> None:
    root = new_request(
        "searchPersonBySsinRequest",
        NS,
        ticket="t-2",
        sent_at=SENT,
        organisation=Organisation(sector=17, institution=1),
        legal_context="PCSA:SOCIAL_INQUIRY",
    )
    ident = _xml.req(root, "informationCustomer/customerIdentification")
    assert [(c.tag, c.text) for c in ident] == [("sector", "17"), ("institution", "1")]


def test_timestamp_is_utc_with_milliseconds() -> None:
    assert timestamp(dt.datetime(2026, 6, 1, 2, 3, 4, 999999, tzinfo=dt.UTC)) == (
        "2026-06-01T02:03:04.999Z"
    )


# --- status and receipt --------------------------------------------------------------------


def response(status: str, extra: str = "") -> _xml.Element:
    return _xml.parse(
        f'<ns:searchPersonBySsinResponse xmlns:ns="{NS}">'
        "<informationCustomer><ticket>our-ticket</ticket></informationCustomer>"
        "<informationCBSS><ticketCBSS>cbss-1</ticketCBSS>"
        "<timestampReceive>2026-01-02T10:00:01.000Z</timestampReceive>"
        "<timestampReply>2026-01-02T10:00:02.500Z</timestampReply></informationCBSS>"
        f"<legalContext>PCSA:SOCIAL_INQUIRY</legalContext>{status}{extra}"
        "</ns:searchPersonBySsinResponse>".encode()
    )


def test_read_status_and_receipt() -> None:
    payload = response(
        "<status><value>NO_RESULT</value><code>MSG00006</code>"
        "<description>replaced</description>"
        f"<information><fieldName>newSSIN</fieldName><fieldValue>{NEW_SSIN}</fieldValue>"
        "</information><information><fieldName>empty</fieldName></information></status>"
    )
    status = read_status(payload)
    assert status == Status(
        value="NO_RESULT",
        code="MSG00006",
        description="replaced",
        information=(Information("newSSIN", NEW_SSIN), Information("empty", None)),
    )
    receipt = read_receipt(payload, ticket="our-ticket", sent_at=SENT)
    assert receipt.ticket == "our-ticket"
    assert receipt.ticket_cbss == "cbss-1"
    assert receipt.timestamp_sent == SENT
    assert receipt.timestamp_receive == dt.datetime(2026, 1, 2, 10, 0, 1, tzinfo=dt.UTC)
    assert receipt.timestamp_reply == dt.datetime(2026, 1, 2, 10, 0, 2, 500000, tzinfo=dt.UTC)


def test_read_receipt_without_information_cbss() -> None:
    payload = _xml.parse(b"<r/>")
    receipt = read_receipt(payload, ticket="t", sent_at=SENT)
    assert receipt.ticket_cbss is None
    assert receipt.timestamp_receive is None


@pytest.mark.parametrize(
    ("status", "missing"),
    [
        ("", "status"),
        ("<status><code>MSG00000</code></status>", "status/value"),
        ("<status><value>DATA_FOUND</value></status>", "status/code"),
        ("<status><value> </value><code>MSG00000</code></status>", "status/value"),
        (
            "<status><value>DATA_FOUND</value><code>MSG00000</code>"
            "<information><fieldValue>x</fieldValue></information></status>",
            "information/fieldName",
        ),
    ],
)
def test_read_status_missing_parts(status: str, missing: str) -> None:
    with pytest.raises(ResponseError, match=missing):
        read_status(response(status))


def test_unknown_elements_are_ignored() -> None:
    payload = response(
        "<status><value>DATA_FOUND</value><code>MSG00000</code>"
        "<futureFlag>yes</futureFlag></status>",
        extra="<result><person/><newBlock a='1'><x/></newBlock></result>"
        "<x:extension xmlns:x='urn:future'>v5</x:extension>",
    )
    assert read_status(payload) == Status(value="DATA_FOUND", code="MSG00000")
    assert read_receipt(payload, ticket="t", sent_at=SENT).ticket_cbss == "cbss-1"


# --- raise_for_status ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("DATA_FOUND", "MSG00000"),
        ("NO_DATA_FOUND", "MSG00100"),
        ("NO_DATA_FOUND", "MSG00009"),
        ("INCOMPLETE_DATA", "HAN20200"),
    ],
)
def test_answers_with_or_without_data_return(value: str, code: str) -> None:
    raise_for_status(Status(value=value, code=code), RECEIPT)  # returns, raises nothing


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("MSG00005", UnknownSsin),
        ("MSG00007", NoResult),
        ("MSG00008", InvalidData),
        ("MSG00011", InvalidSsinStructure),
        ("MSG00012", NotIntegrated),
        ("MSG00021", NotIntegrated),
        ("MSG00013", NotAuthorized),
        ("MSG99999", NoResult),
    ],
)
def test_no_result_codes_raise_their_class(code: str, cls: type[NoResult]) -> None:
    status = Status(
        value="NO_RESULT",
        code=code,
        description=f"The SSIN {SSIN} (85.07.30-033.28) was refused",
        information=(Information("ssin", SSIN),),
    )
    with pytest.raises(NoResult) as info:
        raise_for_status(status, RECEIPT)
    exc = info.value
    assert type(exc) is cls
    assert isinstance(exc, KszBusinessError)
    assert exc.value == "NO_RESULT"
    assert exc.code == code
    assert exc.ticket == "our-ticket"
    assert exc.ticket_cbss == "cbss-ticket"
    assert code in str(exc)
    assert "cbss-ticket" in str(exc)
    for text in (str(exc), repr(exc)):
        assert SSIN not in text
        assert "85.07.30-033.28" not in text
        assert "was refused" not in text  # the KSZ's description stays out of the message
    # ... but the caller can still read it.
    assert exc.details[0].reason_code == code
    assert exc.details[0].diagnostic == status.description
    assert exc.details[0].information == (("ssin", SSIN),)


def test_invalid_ssin_structure_is_also_an_invalid_ssin() -> None:
    with pytest.raises(InvalidSsin):
        raise_for_status(Status(value="NO_RESULT", code="MSG00011"), RECEIPT)


@pytest.mark.parametrize("name", ["newSSIN", "newSsin"])
def test_ssin_replaced_carries_the_new_ssin(name: str) -> None:
    status = Status(
        value="NO_RESULT",
        code="MSG00006",
        description=f"{SSIN} replaced by {NEW_SSIN}",
        information=(Information(name, NEW_SSIN),),
    )
    with pytest.raises(SsinReplaced) as info:
        raise_for_status(status, RECEIPT)
    assert info.value.new_ssin == NEW_SSIN
    assert info.value.ticket == "our-ticket"
    assert info.value.ticket_cbss == "cbss-ticket"
    assert NEW_SSIN not in str(info.value)
    assert SSIN not in str(info.value)


def test_ssin_replaced_without_the_new_ssin() -> None:
    with pytest.raises(SsinReplaced) as info:
        raise_for_status(Status(value="NO_RESULT", code="MSG00006"), RECEIPT)
    assert info.value.new_ssin is None


@pytest.mark.parametrize("value", ["UNKNOWN", "", "data_found", "FAULT"])
def test_unknown_status_value_is_a_response_error(value: str) -> None:
    with pytest.raises(ResponseError):
        raise_for_status(Status(value=value, code="MSG00000", description=SSIN), RECEIPT)


# --- fault_error ---------------------------------------------------------------------------


def fault(detail: str = "", faultstring: str = "Internal error") -> _xml.Element:
    message = split(
        _xml.parse(
            soap(
                "<soapenv:Fault><faultcode>soapenv:Server</faultcode>"
                f"<faultstring>{faultstring}</faultstring>{detail}</soapenv:Fault>"
            )
        )
    )
    assert message.is_fault
    return message.payload


CBSS_DETAIL = f"""<detail><c:searchPersonBySsinFault xmlns:c="{COMMON_NS}">
<informationCustomer><ticket>our-ticket</ticket></informationCustomer>
<informationCBSS><ticketCBSS>cbss-9</ticketCBSS></informationCBSS>
<detail><severity>FATAL</severity><reasonCode>MSG00003</reasonCode>
<diagnostic>Unexpected internal error for {SSIN}</diagnostic>
<authorCode>CBSS</authorCode><authorCode>NR</authorCode><authorCode/>
<information><fieldName>step</fieldName><fieldValue>3</fieldValue></information>
<futureElement/></detail>
<detail><severity>WARNING</severity><reasonCode>MSG00100</reasonCode></detail>
</c:searchPersonBySsinFault></detail>"""


def test_fault_with_cbss_detail() -> None:
    exc = fault_error(fault(CBSS_DETAIL), ticket="our-ticket", verified=True)
    assert isinstance(exc, KszFault)
    assert exc.verified is True
    assert exc.faultcode == "soapenv:Server"
    assert exc.code == "MSG00003"
    assert exc.value == "FAULT"
    assert exc.ticket == "our-ticket"
    assert exc.ticket_cbss == "cbss-9"
    first, second = exc.details
    assert first.severity == "FATAL"
    assert first.reason_code == "MSG00003"
    assert first.diagnostic == f"Unexpected internal error for {SSIN}"
    assert first.author_codes == ("CBSS", "NR")
    assert first.information == (("step", "3"),)
    assert second.severity == "WARNING"
    assert second.diagnostic == ""
    assert str(exc) == (
        "SOAP fault MSG00003: Unexpected internal error for <SSIN> (ticketCBSS cbss-9)"
    )
    assert SSIN not in str(exc)
    assert not str(exc).startswith("unverified")


def test_unverified_fault_says_so() -> None:
    exc = fault_error(fault(CBSS_DETAIL), ticket="t", verified=False)
    assert isinstance(exc, KszFault)
    assert exc.verified is False
    assert str(exc).startswith("unverified SOAP fault MSG00003")


def test_plain_soap_fault_without_detail() -> None:
    exc = fault_error(
        fault(faultstring=f"Bad request: ssin 85.07.30-033.28 / {SSIN}"), ticket="t", verified=False
    )
    assert isinstance(exc, KszFault)
    assert exc.details == ()
    assert exc.code == "soapenv:Server"
    assert exc.ticket_cbss is None
    assert str(exc) == "unverified SOAP fault soapenv:Server: Bad request: ssin <SSIN> / <SSIN>"


def test_empty_fault() -> None:
    element = etree.Element(f"{{{SOAP_ENV_NS}}}Fault")
    exc = fault_error(element, ticket="t", verified=True)
    assert str(exc) == "SOAP fault (no code): no diagnostic"


def test_fault_with_an_empty_detail_element() -> None:
    exc = fault_error(fault("<detail/>"), ticket="t", verified=True)
    assert exc.details == ()
    assert exc.code == "soapenv:Server"


def test_fault_detail_repr_masks_ssins_in_the_diagnostic() -> None:
    from ksz_client._exceptions import FaultDetail

    detail = FaultDetail(severity="FATAL", reason_code="MSG00003",
                         diagnostic="failure for 85.07.30-033.28 and 85073003328")
    assert "033" not in repr(detail) and "<SSIN>" in repr(detail)
