"""Any other KSZ service in a few lines: EnterpriseFiscalDebt V2 from the official WSDL."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _xml
from ksz_client._client import KszClient
from ksz_client._exceptions import ConfigError, InvalidData, ValidationError
from ksz_client.catalogue import OperationKind
from ksz_client.generic import declare_service
from ksz_client.hooks import Exchange, Outcome

EFD = "set-b/be/fgov/kszbcss/intf/EnterpriseFiscalDebtService/EnterpriseFiscalDebtV2.wsdl"


@pytest.fixture
def efd_wsdl(official_contracts: Path) -> Path:
    return official_contracts / EFD


def test_declaring_reads_operations_actions_elements_and_path(efd_wsdl: Path) -> None:
    service = declare_service(efd_wsdl, name="EnterpriseFiscalDebt", version="2",
                              needs_integration=False)
    (op,) = service.operations
    assert op.name == "checkEnterpriseDebt" and op.kind is OperationKind.CONSULTATION
    assert op.soap_action == "http://kszbcss.fgov.be/EnterpriseFiscalDebtService/checkEnterpriseDebt"
    assert (op.request_element, op.response_element) == (
        "checkEnterpriseDebtRequest", "checkEnterpriseDebtResponse")
    assert service.namespace == "http://kszbcss.fgov.be/intf/EnterpriseFiscalDebtService/v2"
    assert service.path == "EnterpriseFiscalDebtService/v2/consult"


@pytest.mark.e2e
def test_a_declared_service_is_called_through_the_same_pipeline(
    efd_wsdl: Path, sandbox_config, official_contracts: Path  # type: ignore[no-untyped-def]
) -> None:
    seen: list[bytes] = []

    class Recorder:
        def before_send(self, exchange: Exchange) -> None:
            seen.append(exchange.request)

        def after_receive(self, exchange: Exchange, outcome: Outcome) -> None:
            assert outcome.response is not None
            seen.append(outcome.response)

    service = declare_service(efd_wsdl, name="EnterpriseFiscalDebt", version="2",
                              needs_integration=False, legal_context="PCSA:SOCIAL_INQUIRY")
    with KszClient(sandbox_config, observers=[Recorder()]) as plain:
        efd = plain.acting_for(user="u").custom(service)
        result = efd.call("checkEnterpriseDebt",
                          {"criteria": {"enterpriseNumber": "0123456749", "includeAmount": True}})
    assert result.status.code == "MSG00000" and result.receipt.ticket_cbss
    debt = result.to_dict()["fiscalDebt"]
    assert debt["hasFiscalDebt"] == "true" and result.findtext("fiscalDebt/amount")
    assert "<checkEnterpriseDebtResponse>" in repr(result)
    # The request and the answer conform to the official contract.
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    types = official_contracts / "set-b/be/fgov/kszbcss/types/EnterpriseFiscalDebt"
    wrapper = etree.XMLSchema(etree.XML(f"""
      <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
        xmlns:efd="http://kszbcss.fgov.be/types/EnterpriseFiscalDebt/v2"
        targetNamespace="http://kszbcss.fgov.be/intf/EnterpriseFiscalDebtService/v2">
        <xs:import namespace="http://kszbcss.fgov.be/types/EnterpriseFiscalDebt/v2"
          schemaLocation="{(types / 'EnterpriseFiscalDebtV2.xsd').as_uri()}"/>
        <xs:element name="checkEnterpriseDebtRequest" type="efd:CheckEnterpriseDebtRequestType"/>
        <xs:element name="checkEnterpriseDebtResponse" type="efd:CheckEnterpriseDebtResponseType"/>
      </xs:schema>""".encode(), parser))
    for data in seen:
        body = _xml.parse(data).find("{http://schemas.xmlsoap.org/soap/envelope/}Body")
        assert body is not None
        payload = copy.deepcopy(body[0])
        assert wrapper.validate(payload), wrapper.error_log


@pytest.mark.e2e
def test_a_function_can_fill_the_request_and_refusals_are_typed(
    efd_wsdl: Path, client: KszClient
) -> None:
    service = declare_service(efd_wsdl, name="EnterpriseFiscalDebt", version="2",
                              needs_integration=False)

    def criteria(payload: _xml.Element) -> None:
        block = etree.SubElement(payload, "criteria")
        etree.SubElement(block, "enterpriseNumber").text = "9999999999"
        etree.SubElement(block, "includeAmount").text = "false"

    with pytest.raises(InvalidData):
        client.custom(service).call("checkEnterpriseDebt", criteria)


def test_bad_declarations_and_criteria_are_refused(tmp_path: Path, efd_wsdl: Path,
                                                   client: KszClient) -> None:
    with pytest.raises(ConfigError, match="no WSDL"):
        declare_service(tmp_path / "none.wsdl", needs_integration=False)
    (tmp_path / "bad.wsdl").write_text("<not a wsdl/>")
    with pytest.raises(ConfigError, match="cannot read"):
        declare_service(tmp_path / "bad.wsdl", needs_integration=False)
    with pytest.raises(ConfigError, match="no operation"):
        declare_service(efd_wsdl, needs_integration=False, kinds={"nope": OperationKind.MUTATION})
    remote = tmp_path / "remote.wsdl"
    remote.write_text("""<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
        xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:x">
      <wsdl:types><xs:schema targetNamespace="urn:x">
        <xs:import namespace="urn:y" schemaLocation="http://example.invalid/y.xsd"/>
      </xs:schema></wsdl:types></wsdl:definitions>""")
    # zeep refuses external references itself; our transport would refuse them too.
    with pytest.raises(ConfigError, match=r"only local files|ExternalReferenceForbidden"):
        declare_service(remote, needs_integration=False)
    service = declare_service(efd_wsdl, name="EnterpriseFiscalDebt", needs_integration=False)
    with pytest.raises(ValidationError, match="float"):
        client.custom(service).call("checkEnterpriseDebt",
                                    {"criteria": {"enterpriseNumber": 1.5}})
    with pytest.raises(KeyError):
        client.custom(service).call("noSuchOperation", {})
