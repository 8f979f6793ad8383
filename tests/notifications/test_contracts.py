"""The SDK's notification contracts (wsdl/notify): complete, what the sandbox sends conforms,
and for the officially contracted types they accept what the official XSDs accept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _xml, catalogue
from ksz_client.notifications import (
    HdiAttestation,
    IncapacityAttestNotified,
    IndemnityPeriodsNotified,
    JobSeekerStatusChanged,
    contract_for,
    notification_operations,
    parse,
)
from ksz_client.sandbox import notify as sandbox_notify

from ._support import POP

XS = "{http://www.w3.org/2001/XMLSchema}"
B = "set-b/be/fgov/kszbcss/"
OFFICIAL = {
    "notifyHdiIndemnityAllowanceAttest":
        B + "intf/HdiIndemnityAllowanceNotifications/notifyHdiIndemnityAllowanceV1.xsd",
    "notifyHdiIndemnityAllowancePeriod":
        B + "intf/HdiIndemnityAllowanceNotifications/notifyHdiIndemnityAllowanceV1.xsd",
    "notifyHdiIndemnityAllowanceIndemnityPeriods":
        B + "intf/HdiIndemnityAllowanceNotifications/notifyHdiIndemnityAllowanceV1.xsd",
    "notifyJobSeekerStatus": B + "intf/jobseekerstatus/notify/notifyJobSeekerStatusV1.xsd",
    "notifyDeduction": B + "intf/EmployeeContribution/notify/"
                           "EmployeeContributionDeductionNotificationsReceiverV1.xsd",
}
CONTRACTS = notification_operations()
IDS = [c.operation.name for c in CONTRACTS]
# Persons with various facts: employed, job seeker, incapacitated, replaced SSIN, deceased...
PERSONS = [p.ssin for p in (
    next(POP.select({"has_employment": "true"})), next(POP.select({"job_seeker": "true"})),
    next(POP.select({"incapacitated": "true"})), next(POP.select({"replaced": "true"})),
    next(POP.select({"deceased": "true"})), next(POP.select({"pensioned": "true"})),
)]


def _official(contracts: Path, relative: str) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(contracts / relative), parser))


def _valid(schema: etree.XMLSchema, element: _xml.Element) -> bool:
    ok = bool(schema.validate(element))
    assert ok, schema.error_log
    return ok


@pytest.mark.parametrize("contract", CONTRACTS, ids=IDS)
def test_each_contract_declares_the_pushed_element_and_the_acknowledgement(contract) -> None:  # type: ignore[no-untyped-def]
    document = etree.parse(str(contract.path))
    root = document.getroot()
    assert root.get("targetNamespace") == contract.service.namespace
    assert root.get("elementFormDefault") == "unqualified"
    declared = {e.get("name") for e in root.iterfind(f"{XS}element")}
    assert contract.operation.request_element in declared
    assert contract.operation.response_element in declared
    assert contract.operation.request_element == contract.operation.name
    assert contract_for(contract.service.namespace, contract.operation.name) == contract
    # A contract of our own says what it is: official names, or modelled.
    comment = "".join(c.text or "" for c in document.getroot().itersiblings(preceding=True)
                      if isinstance(c, etree._Comment))
    expected = "OFFICIAL" if contract.service.contract is catalogue.ContractStatus.OFFICIAL \
        else "MODELLED"
    assert expected in comment


def test_unknown_elements_are_no_contract() -> None:
    assert contract_for("http://kszbcss.fgov.be/intf/PersonNotifications/notify/v1",
                        "notifyWeather") is None
    assert contract_for(None, "notifyPerson") is None


@pytest.mark.contracts
@pytest.mark.parametrize("operation", sorted(OFFICIAL))
def test_our_official_contracts_use_the_official_names(operation: str,
                                                       official_contracts: Path) -> None:
    contract = next(c for c in CONTRACTS if c.operation.name == operation)
    official = etree.parse(str(official_contracts / OFFICIAL[operation])).getroot()
    assert official.get("targetNamespace") == contract.service.namespace
    assert operation in {e.get("name") for e in official.iterfind(f"{XS}element")}
    assert contract.service.official_files[0] == OFFICIAL[operation]


@pytest.mark.parametrize("contract", CONTRACTS, ids=IDS)
def test_what_the_sandbox_pushes_conforms_and_parses(contract) -> None:  # type: ignore[no-untyped-def]
    for person in PERSONS:
        built = sandbox_notify.build(contract.operation.name, POP, person, sequence_number=3)
        assert contract.validate(built.payload) is None
        message = parse(contract, built.payload, key="k", received_at=dt.datetime.now(dt.UTC))
        (event,) = message.events
        assert event.ssin == person
        assert message.header.sequence_number == 3
        assert message.header.ticket == built.ticket


@pytest.mark.contracts
@pytest.mark.parametrize("operation", sorted(OFFICIAL))
def test_what_the_sandbox_pushes_also_conforms_to_the_official_xsd(
    operation: str, official_contracts: Path,
) -> None:
    schema = _official(official_contracts, OFFICIAL[operation])
    for person in PERSONS:
        built = sandbox_notify.build(operation, POP, person, sequence_number=1)
        _valid(schema, built.payload)


# Richer messages than the sandbox sends, valid against the official XSDs: our own
# contracts must accept them too, and the parser must read them.
_HEADER = """<sender><ticket>7d0c2f55-7c1b-4c51-9c39-1c1fb2b1d6a0</ticket>
<timestampSent>2026-03-02T10:00:00.000Z</timestampSent>
<organizationIdentification><cbeNumber>0345678997</cbeNumber></organizationIdentification>
</sender><receiver><organizationIdentification><sector>17</sector><institution>1</institution>
</organizationIdentification></receiver><legalContext>PCSA:SOCIAL_INQUIRY</legalContext>
<sequenceNumber>42</sequenceNumber>"""
HDI = "http://kszbcss.fgov.be/intf/HdiIndemnityAllowanceNotifications/v1"
RICH = {
    "notifyHdiIndemnityAllowanceAttest": f"""<h:notifyHdiIndemnityAllowanceAttest
 xmlns:h="{HDI}">{_HEADER}<dataFilters><filteredElement>payments</filteredElement></dataFilters>
<hiaAttestNotifications><hiaAttestNotification>
<ssin canceled="true" replacedBy="{PERSONS[1]}">{PERSONS[0]}</ssin>
<attestationIdentification><yearQuarter>2026Q1</yearQuarter><creationDate>2026-03-01</creationDate>
<temporaryAttest></temporaryAttest></attestationIdentification>
<allowances><allowance><socialRisk>
<socialRiskCategory>GeneralIncapacityForWorkAllowance</socialRiskCategory><generalIncapacityForWork><socialStatus>2</socialStatus>
<period><beginDate>2026-01-05</beginDate><endDate>2026-02-27</endDate></period>
<exitCode>1</exitCode><initialStartDate>2026-01-05</initialStartDate><activityCode>1</activityCode>
</generalIncapacityForWork></socialRisk>
<payments><payment><period><beginDate>2026-01-05</beginDate><endDate>2026-01-31</endDate></period>
<amount>1234.56</amount><days>23</days></payment>
<payment><period><beginDate>2026-02-01</beginDate><endDate>2026-02-27</endDate></period>
<hours>38.5</hours></payment></payments></allowance></allowances>
</hiaAttestNotification></hiaAttestNotifications></h:notifyHdiIndemnityAllowanceAttest>""",
    "notifyHdiIndemnityAllowanceIndemnityPeriods":
        f"""<h:notifyHdiIndemnityAllowanceIndemnityPeriods xmlns:h="{HDI}">{_HEADER}
<hiaIndemnityPeriodsNotifications><hiaIndemnityPeriodsNotification>
<ssin>{PERSONS[2]}</ssin><attestationIdentification><yearQuarter>2025Q4</yearQuarter>
<creationDate>2026-01-10</creationDate>
<attestationId>0a6b1b4e-2f7d-4a57-9d7e-2b0b5e7e9a11</attestationId>
<attestationVersion>2</attestationVersion><attestationStatus>MODIFICATION</attestationStatus>
</attestationIdentification><allowances><allowance><period>
<beginDate>2025-10-01</beginDate></period><initialStartDate>2025-09-15</initialStartDate>
<exitCode>0</exitCode></allowance></allowances></hiaIndemnityPeriodsNotification>
</hiaIndemnityPeriodsNotifications></h:notifyHdiIndemnityAllowanceIndemnityPeriods>""",
    "notifyJobSeekerStatus": f"""<j:notifyJobSeekerStatus
 xmlns:j="http://kszbcss.fgov.be/intf/jobseekerstatus/notify/v1">{_HEADER}<jobSeekers>
<jobSeeker source="FOREM"><event><id>EV-1</id><type>DEREGISTRATION</type><date>2026-02-28</date>
</event><deregistrationDetails><registrationDate>2025-06-01</registrationDate>
<reason>BACK_TO_WORK</reason></deregistrationDetails><ssin>{PERSONS[1]}</ssin></jobSeeker>
<jobSeeker source="ACTIRIS"><event><id>EV-2</id><type>REGISTRATION</type><date>2026-03-01</date>
</event><ssin>{PERSONS[3]}</ssin></jobSeeker></jobSeekers></j:notifyJobSeekerStatus>""",
}


@pytest.mark.parametrize("operation", sorted(RICH))
def test_official_content_beyond_the_sandbox_is_accepted_and_read(operation: str) -> None:
    payload = _xml.parse(RICH[operation].encode())
    contract = contract_for(etree.QName(payload).namespace, operation)
    assert contract is not None
    assert contract.validate(payload) is None
    message = parse(contract, payload, key="k", received_at=dt.datetime.now(dt.UTC))
    assert message.header.receiver == "17/1"
    assert message.header.sequence_number == 42
    first = message.events[0]
    if isinstance(first, IncapacityAttestNotified):
        assert first.canceled and first.replaced_by == PERSONS[1]
        assert first.attestation == HdiAttestation(dt.date(2026, 3, 1), "2026Q1")
        assert first.attestation.temporary
        (allowance,) = first.allowances
        assert allowance.social_risk == "GeneralIncapacityForWorkAllowance"
        assert [p.days for p in allowance.payments] == [23, None]
        assert str(allowance.payments[0].amount) == "1234.56"
        assert str(allowance.payments[1].hours) == "38.5"
    elif isinstance(first, IndemnityPeriodsNotified):
        assert first.attestation.version == 2 and not first.attestation.temporary
        assert first.periods[0].initial_start_date == dt.date(2025, 9, 15)
        assert first.periods[0].period.end is None and first.periods[0].exit_code == 0
    else:
        assert isinstance(first, JobSeekerStatusChanged)
        assert [(e.source, e.event_type, e.registered) for e in message.events] == [
            ("FOREM", "DEREGISTRATION", False), ("ACTIRIS", "REGISTRATION", True)]
        assert first.deregistration_reason == "BACK_TO_WORK"
        assert first.registration_date == dt.date(2025, 6, 1)


@pytest.mark.contracts
@pytest.mark.parametrize("operation", sorted(RICH))
def test_the_richer_messages_are_valid_against_the_official_xsd(
    operation: str, official_contracts: Path,
) -> None:
    _valid(_official(official_contracts, OFFICIAL[operation]), _xml.parse(RICH[operation].encode()))


def test_a_message_the_contract_refuses_names_only_the_line() -> None:
    built = sandbox_notify.build("notifyFamilyComposition", POP, PERSONS[0], sequence_number=1)
    contract = contract_for(built.service.namespace, built.operation.name)
    assert contract is not None
    relation = built.payload.find(".//relationship")
    assert relation is not None
    relation.text = "head"
    line = contract.validate(built.payload)
    assert isinstance(line, int)
