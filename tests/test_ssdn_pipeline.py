"""The legacy SSDN path of the call pipeline, end to end against the sandbox's ManageAccess."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from lxml import etree

from ksz_client import _xml, catalogue
from ksz_client._client import KszClient, Reply
from ksz_client._exceptions import InvalidData, NoResult, ResponseError
from ksz_client.hooks import Exchange, Outcome
from ksz_client.sandbox import Sandbox

SERVICE = catalogue.get("OCMWCPASManageAccess")
M = SERVICE.namespace
C = "http://www.ksz-bcss.fgov.be/XSD/SSDN/Common"


def _request(ssin: str, action: str, *, purpose: int | None = 2,
             proof: tuple[str, str] | None = None) -> Callable[[_xml.Element], None]:
    def build(payload: _xml.Element) -> None:
        etree.SubElement(payload, f"{{{M}}}SSIN").text = ssin
        if purpose is not None:
            etree.SubElement(payload, f"{{{M}}}Purpose").text = str(purpose)
        period = etree.SubElement(payload, f"{{{M}}}Period")
        etree.SubElement(period, f"{{{C}}}StartDate").text = "2026-01-01"
        etree.SubElement(payload, f"{{{M}}}Action").text = action
        etree.SubElement(payload, f"{{{M}}}Sector").text = "17"
        auth = etree.SubElement(payload, f"{{{M}}}ProofOfAuthentication")
        if proof:
            person = etree.SubElement(auth, f"{{{M}}}PersonData")
            etree.SubElement(person, f"{{{M}}}LastName").text = proof[0]
            etree.SubElement(person, f"{{{M}}}BirthDate").text = proof[1]
    return build


def _call(client: KszClient, action: str, build: Callable[[_xml.Element], None],
          ssin: str) -> Reply:
    return client._core.call(SERVICE, SERVICE.operation(action), build,
                             context=client.context, subjects=(ssin,))


def _person(sandbox: Sandbox, start: int = 0) -> tuple[str, tuple[str, str]]:
    population = sandbox.population
    index = next(i for i in range(start, population.size)
                 if population.replaced_by(i) is None and not population.is_deceased(i))
    person = population.person(index)
    assert person.birth is not None
    return str(person.ssin), (person.name.last_name, person.birth.date.isoformat())


@pytest.mark.e2e
def test_register_then_list_over_the_ssdn_connector(client: KszClient, sandbox: Sandbox) -> None:
    ssin, proof = _person(sandbox, 100)
    reply = _call(client, "REGISTER", _request(ssin, "REGISTER", proof=proof), ssin)
    assert reply.payload.tag == f"{{{M}}}ManageAccessReply"
    assert reply.status.value == "DATA_FOUND" and reply.warnings == ()
    assert reply.receipt.ticket_cbss and reply.receipt.timestamp_reply is not None
    listing = _call(client, "LIST", _request(ssin, "LIST", purpose=None), ssin)
    purposes = [r.findtext(f"{{{M}}}Purpose") for r in listing.payload.iterfind(
        f"{{{M}}}Registrations")]
    assert "2" in purposes
    # Registering again changes nothing: a warning, returned and not raised.
    again = _call(client, "REGISTER", _request(ssin, "REGISTER", proof=proof), ssin)
    assert again.warnings and again.status.description == "warning"
    assert again.status.information[0].name == again.warnings[0].reason_code


@pytest.mark.e2e
def test_an_ssdn_error_raises_the_typed_refusal(client: KszClient, sandbox: Sandbox) -> None:
    ssin, _proof = _person(sandbox, 120)
    with pytest.raises((InvalidData, NoResult)) as caught:
        _call(client, "REGISTER", _request(ssin, "REGISTER", proof=("Wrongname", "1900-01-01")),
              ssin)
    assert caught.value.ticket_cbss
    assert ssin not in str(caught.value)


@pytest.mark.e2e
def test_the_request_document_travels_as_a_string_and_is_audited(
    sandbox_config, sandbox: Sandbox  # type: ignore[no-untyped-def]
) -> None:
    seen: list[tuple[Exchange, Outcome]] = []

    class Recorder:
        def before_send(self, exchange: Exchange) -> None:
            pass

        def after_receive(self, exchange: Exchange, outcome: Outcome) -> None:
            seen.append((exchange, outcome))

    ssin, _ = _person(sandbox, 140)
    with KszClient(sandbox_config, observers=[Recorder()]) as plain:
        client = plain.acting_for(user="u", legal_context="PCSA:SOCIAL_INQUIRY")
        reply = _call(client, "LIST", _request(ssin, "LIST", purpose=None), ssin)
    ((exchange, outcome),) = seen
    root = _xml.parse(exchange.request)
    wrapped = root.find(".//{http://ksz-bcss.fgov.be/connectors/WebServiceConnector}xmlString")
    assert wrapped is not None and len(wrapped) == 0 and "SSDNRequest" in (wrapped.text or "")
    assert f"<Reference>{reply.receipt.ticket}</Reference>" in (wrapped.text or "").replace(
        "ssdn:", "")
    assert outcome.ticket_cbss == reply.receipt.ticket_cbss


def test_an_ssdn_reply_without_the_service_payload_is_a_response_error(
    client: KszClient,
) -> None:
    from ksz_client import _ssdn

    document = f"""<SSDNReply xmlns="{_ssdn.SSDN_NS}" xmlns:c="{C}"><ReplyContext>
      <c:ResultSummary ok="YES"><c:ReturnCode>0</c:ReturnCode></c:ResultSummary>
      <Message><Ticket>T</Ticket><TimeReceive>20260101T000000</TimeReceive>
      <TimeResponse>20260101T000001</TimeResponse></Message></ReplyContext></SSDNReply>"""
    wrapped = etree.Element(f"{{{_ssdn.CONNECTOR_NS}}}xmlString")
    wrapped.text = document
    with pytest.raises(ResponseError, match="ManageAccessReply"):
        client._core._interpret_ssdn(wrapped, SERVICE, SERVICE.operation("LIST"), "t",
                                     dt.datetime.now(dt.UTC))


@pytest.mark.e2e
def test_a_configured_ssdn_version_is_the_one_sent(
    sandbox_config_path, sandbox: Sandbox  # type: ignore[no-untyped-def]
) -> None:
    # The KSZ gives the version of a service whose version is not public at onboarding;
    # the sandbox knows only the catalogue's, so it refuses the other with 30000001.
    from ksz_client._config import KszConfig

    config = KszConfig.load(sandbox_config_path,
                            env={"KSZ_SSDN_VERSIONS_OCMWCPASMANAGEACCESS": "20260101"})
    assert config.ssdn_versions == {SERVICE.name: "20260101"}
    sent: list[bytes] = []

    class Recorder:
        def before_send(self, exchange: Exchange) -> None:
            sent.append(exchange.request)

        def after_receive(self, exchange: Exchange, outcome: Outcome) -> None:
            pass

    ssin, _ = _person(sandbox, 160)
    with KszClient(config, observers=[Recorder()]) as plain:
        client = plain.acting_for(user="u", legal_context="PCSA:SOCIAL_INQUIRY")
        with pytest.raises(NoResult) as refused:
            _call(client, "LIST", _request(ssin, "LIST", purpose=None), ssin)
    assert refused.value.code == "30000001"
    (request,) = sent
    wrapped = _xml.parse(request).find(
        ".//{http://ksz-bcss.fgov.be/connectors/WebServiceConnector}xmlString")
    assert wrapped is not None
    assert "<Version>20260101</Version>" in (wrapped.text or "").replace("ssdn:", "")
