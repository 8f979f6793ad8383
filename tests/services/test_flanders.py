"""Flemish services: QualificationCertificateService (LED) and InburgeringService V1.

Mapping (unit), end to end against the sandbox, every status, finality, contract, CLI.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import zeep
from lxml import etree

from ksz_client import _contracts, _xml, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import (
    InvalidSsin,
    NotIntegrated,
    ResponseError,
    SsinReplaced,
    UnknownSsin,
)
from ksz_client.audit import Integration
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK, main
from ksz_client.hooks import Exchange, Outcome
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, SECOND_OCMW_CBE_NUMBER, Sandbox
from ksz_client.sandbox.handlers.flanders import (
    certificates_of,
    lives_in_flanders,
    trajectories_of,
)
from ksz_client.services.flanders import (
    Certificate,
    CertificateKind,
    QualificationsResult,
    Trajectory,
    TrajectoryStatus,
    _wire,
)
from ksz_client.ssin import SsinKind, make
from ksz_client.types import Receipt, Status

from .official_helpers import OfficialCommonV3 as _OfficialCommon

LED = catalogue.get("QualificationCertificateService")
INBURGERING = catalogue.get("InburgeringService")
D = dt.date
BASE = 420  # persons from here on are picked (in this module's own sandbox)

@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """This module's own sandbox (overrides the shared one): its integrations stay here."""
    with Sandbox(seed=1, persons=500) as running:
        yield running


@pytest.fixture(scope="module")
def sandbox_config_path(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sandbox.write_config(tmp_path_factory.mktemp("flanders") / "ksz.toml")



def _integrate(sandbox: Sandbox, client: KszClient, ssin: str,
               organisation: str = SANDBOX_CBE_NUMBER) -> None:
    """Integrate on both sides: the sandbox's repertory and the client's register."""
    sandbox.integrate(ssin, organisation=organisation)
    client.integrations.add(Integration(organisation=organisation, ssin=str(ssin),
                                        quality_code=2, start=D(2020, 1, 1)))


def _index(sandbox: Sandbox, predicate: Callable[[int], bool], start: int = 0) -> int:
    population = sandbox.population
    return next(i for i in range(BASE + start, population.size)
                if population.fault_of(i) is None and population.replaced_by(i) is None
                and predicate(i))


@pytest.fixture
def client(sandbox_config: KszConfig) -> Iterator[KszClient]:
    with KszClient(sandbox_config) as plain:
        yield plain.acting_for(user="test-social-worker", legal_context="PCSA:SOCIAL_INQUIRY")


# --- mapping (unit) -------------------------------------------------------------------


_CERT = Certificate("LED0000001S", CertificateKind.DIPLOMA, "Diploma secundair onderwijs",
                    D(2010, 6, 30), 4, "Sint-Jozefscollege")
_TRAJ = Trajectory(True, TrajectoryStatus.COMPLETED, D(2019, 2, 1), D(2020, 3, 1),
                   D(2020, 3, 1), "Gent")


def test_certificates_and_trajectories_round_trip() -> None:
    for certificate in (_CERT, Certificate("X", CertificateKind.EQUIVALENCE, "t", D(2020, 1, 1))):
        parent = etree.Element("result")
        assert _wire.read_certificate(_wire.write_certificate(parent, certificate)) == certificate
    for trajectory in (_TRAJ, Trajectory(False, TrajectoryStatus.ONGOING, D(2024, 1, 1))):
        parent = etree.Element("result")
        assert _wire.read_trajectory(_wire.write_trajectory(parent, trajectory)) == trajectory
    payload = etree.Element("req")
    _wire.write_criteria(payload, "85073003328")
    assert _wire.read_criteria(payload) == "85073003328"


def test_reading_ignores_unknown_elements_and_requires_known_ones() -> None:
    el = _wire.write_certificate(etree.Element("result"), _CERT)
    etree.SubElement(el, "{urn:future}language").text = "nl"
    assert _wire.read_certificate(el) == _CERT
    el.remove(el.find("issueDate"))
    with pytest.raises(ResponseError, match="issueDate"):
        _wire.read_certificate(el)
    traj = _wire.write_trajectory(etree.Element("result"), _TRAJ)
    traj.remove(traj.find("startDate"))
    with pytest.raises(ResponseError, match="startDate"):
        _wire.read_trajectory(traj)


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [("kind", "DOCTORATE", "certificate kind"), ("level", "9", "out of 1..8"),
     ("level", "four", "whole number"), ("issueDate", "30/06/2010", "not a date")],
)
def test_reading_rejects_bad_certificate_values(path: str, text: str, message: str) -> None:
    el = _wire.write_certificate(etree.Element("result"), _CERT)
    el.find(path).text = text
    with pytest.raises(ResponseError, match=message):
        _wire.read_certificate(el)


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [("trajectoryStatus", "LOST", "trajectory status"), ("obliged", "ja", "boolean")],
)
def test_reading_rejects_bad_trajectory_values(path: str, text: str, message: str) -> None:
    el = _wire.write_trajectory(etree.Element("result"), _TRAJ)
    el.find(path).text = text
    with pytest.raises(ResponseError, match=message):
        _wire.read_trajectory(el)


def test_result_helpers() -> None:
    receipt = Receipt("t", "c", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    ok = Status("DATA_FOUND", "MSG00000")
    bachelor = dataclasses.replace(_CERT, identifier="B", level=6)
    result = QualificationsResult((_CERT, bachelor), ok, receipt)
    assert result.found and result.highest_level == 6
    assert QualificationsResult((dataclasses.replace(_CERT, level=None),), ok,
                                receipt).highest_level is None


def test_sandbox_facts_are_deterministic_and_flemish_only(sandbox: Sandbox) -> None:
    population = sandbox.population
    for i in range(population.size):
        if certificates_of(population, i) or trajectories_of(population, i):
            assert lives_in_flanders(population, i)
    assert any(certificates_of(population, i) for i in range(population.size))
    assert any(trajectories_of(population, i) for i in range(population.size))
    assert [certificates_of(population, i) for i in range(50)] == [
        certificates_of(population, i) for i in range(50)]


def test_bad_ssin_raises_before_any_io(sandbox_config: KszConfig) -> None:
    class Refuse:
        def handle(self, request):  # type: ignore[no-untyped-def]
            raise AssertionError("nothing may be sent")

        def close(self) -> None:
            pass

    client = KszClient(sandbox_config, transport=Refuse()).acting_for(
        user="u", legal_context="PCSA:SOCIAL_INQUIRY")
    with pytest.raises(InvalidSsin):
        client.qualifications.get("85073003329")
    with pytest.raises(InvalidSsin):
        client.inburgering.get("not an ssin")


# --- end to end over HTTP ---------------------------------------------------------------


@pytest.mark.e2e
def test_certificates_of_a_flemish_person(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = _index(sandbox, lambda i: len(certificates_of(population, i)) > 1)
    ssin = population.ssin_of(index)
    _integrate(sandbox, client, ssin)
    result = client.qualifications.get(ssin.formatted)
    assert (result.status.value, result.status.code) == ("DATA_FOUND", "MSG00000")
    assert result.certificates == certificates_of(population, index)
    assert result.receipt.ticket_cbss
    none = population.ssin_of(_index(sandbox, lambda i: not certificates_of(population, i)))
    _integrate(sandbox, client, none)
    empty = client.qualifications.get(none)
    assert (empty.status.value, empty.status.code) == ("NO_DATA_FOUND", "MSG00100")
    assert not empty.found


@pytest.mark.e2e
def test_trajectory_of_a_newcomer(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = _index(sandbox, lambda i: bool(trajectories_of(population, i)))
    ssin = population.ssin_of(index)
    _integrate(sandbox, client, ssin)
    result = client.inburgering.get(ssin)
    assert (result.status.value, result.status.code) == ("DATA_FOUND", "MSG00000")
    assert result.trajectories == trajectories_of(population, index)
    assert result.current == (result.trajectories[0] if result.trajectories[0].status
                              is TrajectoryStatus.ONGOING else None)
    none = population.ssin_of(_index(sandbox, lambda i: not trajectories_of(population, i)))
    _integrate(sandbox, client, none)
    empty = client.inburgering.get(none)
    assert (empty.status.value, empty.status.code, empty.found) == (
        "NO_DATA_FOUND", "MSG00100", False)


@pytest.mark.e2e
@pytest.mark.parametrize("attribute", ["qualifications", "inburgering"])
def test_replaced_and_unknown_ssins(client: KszClient, sandbox: Sandbox, attribute: str) -> None:
    population = sandbox.population
    index = next(i for i in range(BASE, population.size)
                 if population.replaced_by(i) is not None)
    old = population.ssin_of(index)
    _integrate(sandbox, client, old)
    with pytest.raises(SsinReplaced) as caught:
        getattr(client, attribute).get(old)
    assert caught.value.new_ssin == population.ssin_of(population.replaced_by(index))  # type: ignore[arg-type]
    unknown = make(D(2004, 12, 30), 993, kind=SsinKind.TEST)
    _integrate(sandbox, client, unknown)
    with pytest.raises(UnknownSsin):
        getattr(client, attribute).get(unknown)


@pytest.mark.e2e
@pytest.mark.parametrize("attribute", ["qualifications", "inburgering"])
def test_finality_is_checked_before_sending_and_by_the_ksz(
    client: KszClient, sandbox_config: KszConfig, sandbox: Sandbox, attribute: str
) -> None:
    ssin = sandbox.population.ssin_of(_index(sandbox, lambda i: True, 65))
    with pytest.raises(NotIntegrated) as local:
        getattr(client, attribute).get(ssin)
    assert local.value.ticket_cbss is None
    second = sandbox_config.with_overrides(organisation=dataclasses.replace(
        sandbox_config.organisation, cbe_number=SECOND_OCMW_CBE_NUMBER))
    with KszClient(second) as plain:
        other = plain.acting_for(user="u", legal_context="PCSA:SOCIAL_INQUIRY")
        other.integrations.add(Integration(organisation=SECOND_OCMW_CBE_NUMBER, ssin=str(ssin),
                                           quality_code=2, start=D(2020, 1, 1)))
        with pytest.raises(NotIntegrated) as remote:
            getattr(other, attribute).get(ssin)
    assert remote.value.code == "MSG00012" and remote.value.ticket_cbss


# --- contract -----------------------------------------------------------------------------


class _Capture:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    def before_send(self, exchange: Exchange) -> None:
        self.messages.append(exchange.request)

    def after_receive(self, exchange: Exchange, outcome: Outcome) -> None:
        if outcome.response is not None:
            self.messages.append(outcome.response)




@pytest.fixture
def payloads(sandbox_config: KszConfig, sandbox: Sandbox) -> dict[str, list[_xml.Element]]:
    """Per service: request and response of a call with data and one without."""
    population = sandbox.population
    capture = _Capture()
    out: dict[str, list[_xml.Element]] = {}
    with KszClient(sandbox_config, observers=[capture]) as plain:
        client = plain.acting_for(user="u", legal_context="PCSA:SOCIAL_INQUIRY")
        for attribute, facts in (("qualifications", certificates_of),
                                 ("inburgering", trajectories_of)):
            capture.messages.clear()
            for index in (_index(sandbox, lambda i, f=facts: bool(f(population, i)), 10),  # type: ignore[misc]
                          _index(sandbox, lambda i, f=facts: not f(population, i), 10)):  # type: ignore[misc]
                _integrate(sandbox, client, population.ssin_of(index))
                getattr(client, attribute).get(population.ssin_of(index))
            bodies = []
            for data in capture.messages:
                body = _xml.parse(data).find("{http://schemas.xmlsoap.org/soap/envelope/}Body")
                assert body is not None
                bodies.append(copy.deepcopy(body[0]))
            assert len(bodies) == 4
            out[attribute] = bodies
    return out


_NAMES = {"qualifications": "QualificationCertificateService",
          "inburgering": "InburgeringService"}


@pytest.mark.e2e
def test_requests_and_responses_validate_against_our_contract(
    payloads: dict[str, list[_xml.Element]],
) -> None:
    for attribute, messages in payloads.items():
        schema = _contracts.schema(_NAMES[attribute])
        assert schema is not None
        for payload in messages:
            assert schema.validate(payload), schema.error_log
        assert messages[1].find("result") is not None and messages[3].find("result") is None
        broken = copy.deepcopy(messages[1])
        broken.find("result")[0].append(etree.Element("unexpected"))
        assert not schema.validate(broken)


@pytest.mark.contracts
@pytest.mark.e2e
def test_messages_validate_with_the_official_commonv3(
    payloads: dict[str, list[_xml.Element]], official_contracts: Path
) -> None:
    for attribute, messages in payloads.items():
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        parser.resolvers.add(_OfficialCommon(
            official_contracts / "set-b/be/fgov/kszbcss/types/common/CommonV3.xsd"))
        path = _contracts.schema_path(_NAMES[attribute])
        assert path is not None
        schema = etree.XMLSchema(etree.parse(str(path), parser))
        for payload in messages:
            assert schema.validate(payload), schema.error_log
        broken = copy.deepcopy(messages[0])
        broken.find("informationCustomer/customerIdentification/cbeNumber").text = "12345"
        assert not schema.validate(broken)


@pytest.mark.parametrize(("service", "folder", "file"), [
    (LED, "QualificationCertificateService", "QualificationCertificateV1.wsdl"),
    (INBURGERING, "InburgeringService", "InburgeringV1.wsdl"),
])
def test_zeep_loads_our_wsdl_and_it_agrees_with_the_catalogue(
    service: catalogue.Service, folder: str, file: str,
) -> None:
    loaded = zeep.Client(str(_contracts.WSDL_DIR / "intf" / folder / file))
    operations = loaded.service._binding._operations
    assert set(operations) == {op.name for op in service.operations}
    for op in service.operations:
        assert operations[op.name].soapaction == op.soap_action
        assert loaded.get_element(f"{{{service.namespace}}}{op.request_element}") is not None
    port = loaded.wsdl.services[folder].ports[f"{folder}Port"]
    assert port.binding_options["address"].endswith("/" + service.path)


# --- command line ---------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_generated_commands(
    sandbox: Sandbox, sandbox_config_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("KSZ_CONFIG", "KSZ_FINALITY_MODE"):
        monkeypatch.delenv(name, raising=False)
    for pem in sandbox_config_path.parent.glob("*.pem"):
        (tmp_path / pem.name).write_bytes(pem.read_bytes())
    config = tmp_path / "ksz.toml"
    config.write_text(sandbox_config_path.read_text(encoding="utf-8")
                      + f'\n[audit]\npath = "{tmp_path / "audit.db"}"\n', encoding="utf-8")
    population = sandbox.population
    graduate = population.ssin_of(_index(sandbox, lambda i: bool(certificates_of(population, i)),
                                         30))
    newcomer = population.ssin_of(_index(sandbox, lambda i: bool(trajectories_of(population, i)),
                                         30))
    nobody = population.ssin_of(_index(sandbox, lambda i: not certificates_of(population, i)
                                       and not trajectories_of(population, i), 30))
    with KszClient(KszConfig.load(config, env={})) as setup:
        for ssin in (graduate, newcomer, nobody):
            _integrate(sandbox, setup, ssin)
    context = ["--config", str(config), "--user", "sw-1", "--legal-context",
               "PCSA:SOCIAL_INQUIRY"]
    assert main([*context, "qualifications", "get", graduate.formatted, "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["certificates"][0]["identifier"].startswith("LED")
    assert main([*context, "inburgering", "get", str(newcomer), "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["trajectories"][0]["status"] in {s.value for s in TrajectoryStatus}
    assert main([*context, "inburgering", "consult-inburgering-trajectory", str(newcomer)]) \
        == EXIT_OK
    assert "Integratie" in capsys.readouterr().out
    for attribute in ("qualifications", "inburgering"):
        assert main([*context, attribute, "get", str(nobody)]) == EXIT_BUSINESS
        capsys.readouterr()
