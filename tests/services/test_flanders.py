"""Flemish services: QualificationCertificateService (LED) and InburgeringService V1.

Mapping (unit), end to end against the sandbox, every status, finality, contract, CLI.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _contracts, _xml, catalogue
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import (
    InvalidSsin,
    ResponseError,
    SsinReplaced,
    UnknownSsin,
)
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK
from ksz_client.sandbox import Sandbox
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

from .official_helpers import assert_wsdl_agrees, offline, ours_with_official_common
from .sandbox_world import (  # noqa: F401 - fixtures
    assert_finality_checked,
    cli_setup,
    command,
    exchanged,
    index_from,
    integrate,
    own_sandbox,
    own_sandbox_config_path,
    social_worker,
)

LED = catalogue.get("QualificationCertificateService")
INBURGERING = catalogue.get("InburgeringService")
D = dt.date
BASE = 420  # persons from here on are picked (in this module's own sandbox)


def _index(sandbox: Sandbox, predicate: Callable[[int], bool], start: int = 0) -> int:
    return index_from(sandbox, BASE + start, predicate)


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


def test_bad_ssin_raises_before_any_io(sandbox_config_path: Path) -> None:
    client, transport = offline(sandbox_config_path)
    with pytest.raises(InvalidSsin):
        client.qualifications.get("85073003329")
    with pytest.raises(InvalidSsin):
        client.inburgering.get("not an ssin")
    assert transport.sent == []


# --- end to end over HTTP ---------------------------------------------------------------


@pytest.mark.e2e
def test_certificates_of_a_flemish_person(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = _index(sandbox, lambda i: len(certificates_of(population, i)) > 1)
    ssin = population.ssin_of(index)
    integrate(sandbox, client, ssin)
    result = client.qualifications.get(ssin.formatted)
    assert (result.status.value, result.status.code) == ("DATA_FOUND", "MSG00000")
    assert result.certificates == certificates_of(population, index)
    assert result.receipt.ticket_cbss
    none = population.ssin_of(_index(sandbox, lambda i: not certificates_of(population, i)))
    integrate(sandbox, client, none)
    empty = client.qualifications.get(none)
    assert (empty.status.value, empty.status.code) == ("NO_DATA_FOUND", "MSG00100")
    assert not empty.found


@pytest.mark.e2e
def test_trajectory_of_a_newcomer(client: KszClient, sandbox: Sandbox) -> None:
    population = sandbox.population
    index = _index(sandbox, lambda i: bool(trajectories_of(population, i)))
    ssin = population.ssin_of(index)
    integrate(sandbox, client, ssin)
    result = client.inburgering.get(ssin)
    assert (result.status.value, result.status.code) == ("DATA_FOUND", "MSG00000")
    assert result.trajectories == trajectories_of(population, index)
    assert result.current == (result.trajectories[0] if result.trajectories[0].status
                              is TrajectoryStatus.ONGOING else None)
    none = population.ssin_of(_index(sandbox, lambda i: not trajectories_of(population, i)))
    integrate(sandbox, client, none)
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
    integrate(sandbox, client, old)
    with pytest.raises(SsinReplaced) as caught:
        getattr(client, attribute).get(old)
    assert caught.value.new_ssin == population.ssin_of(population.replaced_by(index))  # type: ignore[arg-type]
    unknown = make(D(2004, 12, 30), 993, kind=SsinKind.TEST)
    integrate(sandbox, client, unknown)
    with pytest.raises(UnknownSsin):
        getattr(client, attribute).get(unknown)


@pytest.mark.e2e
@pytest.mark.parametrize("attribute", ["qualifications", "inburgering"])
def test_finality_is_checked_before_sending_and_by_the_ksz(
    client: KszClient, sandbox_config: KszConfig, sandbox: Sandbox, attribute: str
) -> None:
    ssin = sandbox.population.ssin_of(_index(sandbox, lambda i: True, 65))
    assert_finality_checked(client, sandbox_config, ssin, lambda c: getattr(c, attribute).get)


# --- contract -----------------------------------------------------------------------------


@pytest.fixture
def payloads(sandbox_config: KszConfig, sandbox: Sandbox) -> dict[str, list[_xml.Element]]:
    """Per service: request and response of a call with data and one without."""
    population = sandbox.population
    out: dict[str, list[_xml.Element]] = {}
    for attribute, facts in (("qualifications", certificates_of),
                             ("inburgering", trajectories_of)):
        ssins = [population.ssin_of(index) for index in (
            _index(sandbox, lambda i, f=facts: bool(f(population, i)), 10),  # type: ignore[misc]
            _index(sandbox, lambda i, f=facts: not f(population, i), 10))]  # type: ignore[misc]
        out[attribute] = exchanged(
            sandbox_config, sandbox,
            lambda client, a=attribute, s=ssins: [getattr(client, a).get(x) for x in s],  # type: ignore[misc]
            4, *ssins)
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
        schema = ours_with_official_common(official_contracts, _NAMES[attribute])
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
    assert_wsdl_agrees(service, f"{folder}/{file}", folder, f"{folder}Port")


# --- command line ---------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_generated_commands(
    sandbox: Sandbox, sandbox_config_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    population = sandbox.population
    graduate = population.ssin_of(_index(sandbox, lambda i: bool(certificates_of(population, i)),
                                         30))
    newcomer = population.ssin_of(_index(sandbox, lambda i: bool(trajectories_of(population, i)),
                                         30))
    nobody = population.ssin_of(_index(sandbox, lambda i: not certificates_of(population, i)
                                       and not trajectories_of(population, i), 30))
    config = cli_setup(sandbox, sandbox_config_path, tmp_path, monkeypatch,
                       graduate, newcomer, nobody)
    run = command(config)
    assert run("qualifications", "get", graduate.formatted, "--json") == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["certificates"][0]["identifier"].startswith("LED")
    assert run("inburgering", "get", str(newcomer), "--json") == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["trajectories"][0]["status"] in {s.value for s in TrajectoryStatus}
    assert run("inburgering", "consult-inburgering-trajectory", str(newcomer)) \
        == EXIT_OK
    assert "Integratie" in capsys.readouterr().out
    for attribute in ("qualifications", "inburgering"):
        assert run(attribute, "get", str(nobody)) == EXIT_BUSINESS
        capsys.readouterr()
