"""ReferenceManager.consult (client.references): mapping, finality, end to end, refusals, CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _contracts, _ssdn, catalogue
from ksz_client._client import KszClient
from ksz_client._config import Finality, FinalityMode, KszConfig
from ksz_client._exceptions import (
    InvalidSsin,
    NoResult,
    NotIntegrated,
    ResponseError,
    ValidationError,
)
from ksz_client.audit import Integration
from ksz_client.audit._guard import belgian_today
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, Sandbox
from ksz_client.sandbox.handlers.reference_manager import SECTORS, _from_facts
from ksz_client.services.reference_manager import Descriptions, SectorIntegration, _wire
from ksz_client.ssin import SsinKind, make
from ksz_client.types import Period

from .sandbox_world import command
from .ssdn_helpers import NoNetwork, person_index

ORG = SANDBOX_CBE_NUMBER
SERVICE = catalogue.get("ReferenceManager")
# The KSZ counts days in Belgium; the client does too (KszClient._today).
TODAY = belgian_today(dt.datetime.now(dt.UTC))
SSIN = make(dt.date(1985, 7, 30), 33, kind=SsinKind.TEST)
_R = f"{{{SERVICE.namespace}}}"


def _integrated(client: KszClient, sandbox: Sandbox, start: int, quality_code: int = 2,
                since: dt.date = TODAY) -> tuple[int, str]:
    """A person integrated on both sides (the KSZ repertory and the local register)."""
    index = person_index(sandbox, start, lambda i: bool(
        list(_from_facts(sandbox.population.facts(i)))))
    ssin = str(sandbox.population.ssin_of(index))
    sandbox.integrate(ssin, quality_code=quality_code, period=(since, None))
    client.integrations.add(Integration(ORG, ssin, quality_code, since))
    return index, ssin


def _expected(sandbox: Sandbox, index: int, period: Period) -> set[tuple[int, int, Period]]:
    return {(s, q, p) for s, q, p in _from_facts(sandbox.population.facts(index))
            if (p.end is None or period.start <= p.end)
            and (period.end is None or p.start <= period.end)}


# --- mapping (unit) ---------------------------------------------------------------------


def test_criteria_and_results_round_trip_through_the_wire_mapping() -> None:
    criteria = _wire.Criteria(quality_code=2, ssin=SSIN,
                              integrated_period=Period(dt.date(2026, 1, 1)),
                              requested_period=Period(dt.date(2020, 1, 1), dt.date(2026, 6, 30)),
                              descriptions=False)
    payload = etree.Element(f"{_R}ConsultOtherSectorsCriteria")
    _wire.write_criteria(payload, criteria)
    assert _wire.read_criteria(payload) == criteria
    rows = [
        SectorIntegration(6, 1, Period(dt.date(2001, 1, 1)), Descriptions("ZIV", "AMI"),
                          Descriptions(fr="titulaire")),
        SectorIntegration(3, 1, Period(dt.date(2010, 1, 1), dt.date(2011, 1, 1))),
    ]
    result = _wire.write_result(SSIN, rows)
    assert _wire.read_result(result) == (SSIN, tuple(rows))
    schema = _contracts.schema("ReferenceManager")
    assert schema is not None
    assert schema.validate(payload), schema.error_log
    assert schema.validate(result), schema.error_log


def test_reading_a_result_ignores_unknown_elements_and_requires_known_ones() -> None:
    result = _wire.write_result(SSIN, [SectorIntegration(6, 1, Period(dt.date(2001, 1, 1)))])
    etree.SubElement(result.find(f"{_R}Consultation"), f"{_R}Later").text = "x"
    assert len(_wire.read_result(result)[1]) == 1
    consultation = result.find(f"{_R}Consultation")
    consultation.remove(consultation.find(f"{_R}Sector"))
    with pytest.raises(ResponseError, match="Sector"):
        _wire.read_result(result)
    result.find(f"{_R}RequestedSsin").text = "12345678901"
    with pytest.raises(ResponseError, match="SSIN"):
        _wire.read_result(result)
    with pytest.raises(ResponseError, match="ConsultOtherSectorsResult"):
        _wire.read_result(etree.Element(f"{_R}Other"))


# --- bad input and finality: refused before sending --------------------------------------------


@pytest.fixture
def offline(sandbox_config: KszConfig) -> KszClient:
    return KszClient(sandbox_config, transport=NoNetwork()).acting_for(
        user="u", legal_context="PCSA:SOCIAL_INQUIRY")


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"quality_code": 10}, ValidationError, "not a sector 17 quality code"),
        ({"quality_code": 2, "start": "2026-02-01", "end": "2026-01-01"}, ValidationError,
         "end before it starts"),
        ({"quality_code": 2, "integrated_end": "2026-01-01"}, ValidationError,
         "needs its start"),
        ({"quality_code": 2, "integrated_start": "2026-13-01"}, ValidationError, "YYYY-MM-DD"),
        ({}, ValidationError, "quality code under which"),
    ],
)
def test_bad_input_raises_before_anything_is_sent(
    offline: KszClient, kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        offline.references.other_sectors(SSIN, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(InvalidSsin):
        offline.references.other_sectors("85073003329", quality_code=2)


def test_without_a_local_integration_it_is_refused_before_sending(offline: KszClient) -> None:
    with pytest.raises(NotIntegrated) as caught:
        offline.references.other_sectors(SSIN, quality_code=2)
    assert caught.value.code == "MSG00012" and caught.value.ticket_cbss is None
    # An integration for another quality code does not cover this one.
    offline.integrations.add(Integration(ORG, SSIN, 4, TODAY))
    with pytest.raises(NotIntegrated):
        offline.references.other_sectors(SSIN, quality_code=2)


# --- end to end -------------------------------------------------------------------------------


@pytest.mark.e2e
def test_other_sectors_come_from_the_persons_facts(client: KszClient, sandbox: Sandbox) -> None:
    index, ssin = _integrated(client, sandbox, 400, since=dt.date(2020, 1, 1))
    result = client.references.other_sectors(ssin, start="1990-01-01")
    assert result.status.value == "DATA_FOUND" and result.receipt.ticket_cbss
    assert ssin not in repr(result)
    assert ssin not in repr(_wire.Criteria(2, ssin, result.integrated_period,
                                           result.requested_period, True))
    assert result.quality_code == 2
    assert result.integrated_period == Period(dt.date(2020, 1, 1))
    assert result.requested_period == Period(dt.date(1990, 1, 1))
    assert {(i.sector, i.quality_code, i.period) for i in result.integrations} == _expected(
        sandbox, index, Period(dt.date(1990, 1, 1)))
    first = result.integrations[0]
    names = SECTORS[(first.sector, first.quality_code)]
    assert first.sector_description == Descriptions(names[0], names[1])
    assert str(first.quality_description) == f"{names[2]} / {names[3]}"
    assert result.in_sector(first.sector)
    plain = client.references.other_sectors(ssin, quality_code=2, start="1990-01-01",
                                            descriptions=False)
    assert all(i.sector_description is None for i in plain.integrations)


@pytest.mark.e2e
def test_without_a_local_register_the_integrated_period_is_today(
    sandbox_config: KszConfig, sandbox: Sandbox
) -> None:
    index = person_index(sandbox, 405, lambda i: bool(
        list(_from_facts(sandbox.population.facts(i)))))
    ssin = str(sandbox.population.ssin_of(index))
    sandbox.integrate(ssin, quality_code=2, period=(TODAY, TODAY + dt.timedelta(days=3)))
    config = dataclasses.replace(sandbox_config, finality=Finality(mode=FinalityMode.OFF))
    with KszClient(config) as plain:
        client = plain.acting_for(user="u", legal_context="PCSA:SOCIAL_INQUIRY")
        result = client.references.other_sectors(ssin, quality_code=2, start="1990-01-01")
    today = belgian_today(dt.datetime.now(dt.UTC))  # the SDK's today
    assert result.integrated_period == Period(today, today)
    assert result.integrations


@pytest.mark.e2e
def test_no_other_sector_in_the_period_is_no_data_found(client: KszClient,
                                                        sandbox: Sandbox) -> None:
    _index, ssin = _integrated(client, sandbox, 410)
    result = client.references.other_sectors(ssin, start="1900-01-01", end="1900-12-31")
    assert result.status.value == "NO_DATA_FOUND" and result.integrations == ()


@pytest.mark.e2e
def test_integrated_client_side_only_is_the_ksz_msg00012(client: KszClient,
                                                         sandbox: Sandbox) -> None:
    index = person_index(sandbox, 420)
    ssin = str(sandbox.population.ssin_of(index))
    client.integrations.add(Integration(ORG, ssin, 2, TODAY))
    with pytest.raises(NoResult) as caught:
        client.references.other_sectors(ssin)
    assert caught.value.code == "MSG00012" and caught.value.ticket_cbss


@pytest.mark.e2e
def test_an_integrated_period_the_repertory_does_not_cover_is_refused(
    client: KszClient, sandbox: Sandbox
) -> None:
    _index, ssin = _integrated(client, sandbox, 430)
    with pytest.raises(NoResult) as caught:
        client.references.other_sectors(ssin, integrated_start="2000-01-01")
    assert caught.value.code == "MSG00012"
    assert "integrated period" in caught.value.details[0].diagnostic


@pytest.mark.e2e
def test_the_sandbox_refuses_what_the_sdk_would_not_send(client: KszClient,
                                                         sandbox: Sandbox) -> None:
    _index, ssin = _integrated(client, sandbox, 440)

    def criteria(quality_code: int, *, requested: bool = True):  # type: ignore[no-untyped-def]
        def build(payload: etree._Element) -> None:
            etree.SubElement(payload, f"{_R}QualityCodeRequestor").text = str(quality_code)
            etree.SubElement(payload, f"{_R}RequestedSsin").text = ssin
            for tag in ("IntegratedPeriod", "RequestedPeriod")[: 2 if requested else 1]:
                period = etree.SubElement(payload, f"{_R}{tag}")
                etree.SubElement(period, f"{{{_ssdn.SSDN_COMMON_NS}}}StartDate").text = \
                    TODAY.isoformat()
        return build

    def call(build):  # type: ignore[no-untyped-def]
        return client._core.call(SERVICE, SERVICE.operation("consult"), build,
                                 context=client.context, subjects=(ssin,))

    with pytest.raises(NoResult) as bad_code:
        call(criteria(10))
    assert bad_code.value.code == "MSG00008"
    with pytest.raises(NoResult) as bad_payload:
        call(criteria(2, requested=False))
    assert bad_payload.value.code == "30000001"
    assert "contract" in bad_payload.value.details[0].diagnostic


# --- command line ---------------------------------------------------------------------------------


@pytest.mark.e2e
def test_ksz_references_after_ksz_access_register_with_an_audit_log(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, sandbox_config_path: Path,
    tmp_path: Path,
) -> None:
    # With an audit log the local register outlives each command: REGISTER feeds it.
    config = tmp_path / "ksz.toml"
    for pem in sandbox_config_path.parent.glob("*.pem"):
        (tmp_path / pem.name).write_bytes(pem.read_bytes())
    config.write_text(sandbox_config_path.read_text(encoding="utf-8")
                      + f'\n[audit]\npath = "{tmp_path / "audit.sqlite3"}"\n'
                      f'checkpoint_key_file = "{tmp_path / "checkpoint.key"}"\n',
                      encoding="utf-8")
    index = person_index(sandbox, 450)
    ssin = str(sandbox.population.ssin_of(index))
    person = sandbox.population.person(index)
    assert person.birth is not None
    ksz = command(config, user="sw")

    def run(*argv: str) -> tuple[int, str, str]:
        code = ksz(*argv)
        out, err = capsys.readouterr()
        return code, out, err

    code, _, err = run("references", "other_sectors", ssin, "--quality-code", "2")
    assert code == EXIT_BUSINESS and "NotIntegrated" in err and ssin not in err
    code, _, _ = run("access", "register", ssin, "--quality-code", "2", "--last-name",
                     person.name.last_name, "--birth-date", person.birth.date.isoformat())
    assert code == EXIT_OK
    code, out, err = run("references", "consult", ssin, "--start", "1990-01-01", "--json")
    assert (code, err) == (EXIT_OK, "")
    data = json.loads(out)
    assert data["quality_code"] == 2 and data["integrations"]
    code, out, _ = run("references", "other_sectors", ssin, "--start", "1900-01-01",
                       "--end", "1900-01-02")
    assert code == EXIT_BUSINESS and "NO_DATA_FOUND" in out
