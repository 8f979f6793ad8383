"""Tests for ksz_client.catalogue (SPEC.md §1, §2, §4, §7)."""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import re
import sys
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import catalogue
from ksz_client.catalogue import (
    LEGAL_CONTEXTS,
    QUALITY_CODES,
    SERVICES,
    SSDN_CONNECTOR_NAMESPACE,
    SSDN_CONNECTOR_OFFICIAL_FILES,
    SSDN_CONNECTOR_PATH,
    SSDN_SOAP_ACTION,
    ContractStatus,
    Group,
    Operation,
    OperationKind,
    Service,
    WireStyle,
)

REPO = Path(__file__).resolve().parents[1]
CONTRACTS = Path(os.environ.get("KSZ_CONTRACTS_DIR", REPO.parent / "shared" / "ksz-contracts"))

WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
SOAP_NS = "http://schemas.xmlsoap.org/wsdl/soap/"
XSD_NS = "http://www.w3.org/2001/XMLSchema"

# Every technical name of SPEC §2, spelled as the SPEC spells it. "Service.op" means the
# operation must exist too; lookups are as lenient as the catalogue's (case, aliases).
SPEC_2_1 = [
    "BisPersonService.registerPerson",
    "ManagePerson.createKSZCitizen",
    "CBSSPersonService.updatePerson",
    "OCMWCPASManageAccess",
    "ReferenceManage",
    "SSINInformationService",
    "PersonService",
    "OCMWCPASIdentifyPerson",
    "NRPPersonService",
    "FamilyComposition",
    "OCMWCPASPerformInvestigation",
    "RetrieveTIGroupsV2",
    "RetrieveTIGroupsV5",
]
SPEC_2_2 = [
    "Dolsis.findEmployersByWorker",
    "Dolsis.getEmploymentDetail",
    "Dolsis.getEmployerDetail",
    "Dolsis.findPostedWorkers",
    "Dolsis.PostedWorkerDetail",
    "Dolsis.FindPostingDocumentDetail",
    "DmfaConsultation",
    "SelfEmployed.consultCareer",
    "SelfEmployed.consultContributions",
    "HealthCareInsurance",
    "TaxAssessment",
    "PatrimonyService",
    "HandiService.consultFilesByDate",
    "HandiService.consultFilesByPeriod",
    "HandiService.consultPayments",
    "UnemploymentDataService",
    "ChildBenefits",
    "SocialRateInvestigation",
    "OCMWCPASPensionRegisterConsult",
    "JobSeeker.consultContactAndInscription",
    "HdiIndemnityAllowance.ConsultAttest",
    "HolidayAttestationService",
]
SPEC_2_3 = [
    "OCMWCPASRegisterAttest",
    "OCMWCPASWet65Loi65AB",
    "OCMWCPASOrganicLaw",
    "OCMWCPASRegisterRecoveredAmount",
    "OCMWCPASWet65Loi65DF",
    "OCMWCPASStopAttest",
    "OCMWCPASWet65Loi65C",
    "OCMWCPASListOfAttestation",
    "OCMWCPASA036",
    "OCMWCPASL036",
    "LivingWages",
    "OCMWCPASHeatingAllocation",
    "OCMWCPASHouseholdIncome",
    "ElectronicSocialReport",
    "PCSAAlertReaction",
    "PCSASocialInquiry",
]
SPEC_2_4 = [
    "ManageCarmed.openCarmed",
    "ManageCarmed.modifyCarmed",
    "ManageCarmed.stopCarmed",
    "ManageCarmed.consultCarmed",
    "ManageCarmed.evaluateCarmed",
    "ManageCarmed.evaluateModifiedCarmed",
    "ManageCarmed.consultCarmedHistory",
]
SPEC_2_5 = ["QualificationCertificateService", "VESTA", "InburgeringService"]
# §2.6 names, mapped to the catalogue entry where the SPEC name is an operation or
# would collide with a consultation service ("HDIIndemnityAllowance").
SPEC_2_6 = {
    "notifyPerson": "PersonNotifications",
    "notifyFamilyComposition": "FamilyCompositionNotifications",
    "PensionRegisterMutation": "PensionRegisterMutation",
    "PersonnelFile": "PersonnelFile",
    "SelfEmployedCareerNotifications": "SelfEmployedCareerNotifications",
    "eCarmedCalculationNotification": "eCarmedCalculationNotification",
    "PensionablePCSABeneficiaries": "PensionablePCSABeneficiaries",
    "HDIIndemnityAllowance": "HdiIndemnityAllowanceNotifications",
    "LEA-Voucher.notifyPayments": "LEA-Voucher",
    "DismissalCompensation": "DismissalCompensation",
    "PensionHolidayPay": "PensionHolidayPay",
}
EXTRA_NOTIFICATIONS = ["JobSeekerStatusNotifications", "EmployeeContributionDeductionNotifications"]
TECHNICAL = ["TestConnectionService", "EnterpriseFiscalDebt"]

UDS_OPERATIONS = {
    "consultActivationPaidSums",
    "consultExemptionHistory",
    "consultNoEarningCapacityAndLawsuitMutuality",
    "consultPaidSums",
    "consultPayments",
    "consultRights",
    "consultSanctionHistory",
    "consultScaleCodeHistory",
    "consultScheduledPayment",
    "consultWorkDisabilityHistory",
    "consultYoungAvailabilityDecisionHistory",
}
LIVING_WAGES_OPERATIONS = {
    "getLivingWagePeriods",
    "getLivingWagePeriodsFlanders",
    "getLivingWagePeriodsPerPCSA",
    "getLivingWagePeriodsPerPCSAFlanders",
    "getLivingWages",
}

# SPEC §4 (and the brief): the services on the legacy SSDN wire, with their Version.
SSDN_SERVICES = {
    "OCMWCPASIdentifyPerson": "20050930",
    "OCMWCPASManageAccess": "20050930",
    "OCMWCPASPerformInvestigation": "20080604",
    "OCMWCPASListOfAttestations": "20080317",
    "OCMWCPASL036": "20060315",
    "OCMWCPASA036": "20060315",
    "OCMWCPASPensionRegisterConsult": "20090706",
    "OCMWCPASHeatingAllocation": "20090409",
    "OCMWCPASHealthInsurance": "20070509",
    "ReferenceManager": "20050525",
    "OCMWCPASWet65Loi65AB": "00000000",
    "OCMWCPASWet65Loi65C": "00000000",
    "OCMWCPASWet65Loi65DF": "00000000",
}

# Official WS-Consult operations whose wrapper elements or fault deviate from the
# <op>Request/<op>Response/<op>Fault convention, as their WSDL says.
CONVENTION_EXCEPTIONS = {
    ("RetrieveTIGroups", "retrieveTI"),
    ("RetrieveTIGroupsV5", "retrieveTI"),
    ("TestConnectionService", "sendTestMessage"),
}


def _lookup(spec_name: str) -> Service:
    if "." in spec_name:
        service, _ = catalogue.resolve(spec_name)
        return service
    return catalogue.get(spec_name)


def _ws_operations() -> list[tuple[Service, Operation]]:
    return [
        (s, op)
        for s in SERVICES
        if s.wire is WireStyle.WS_CONSULT and s.group is not Group.NOTIFICATIONS
        for op in s.operations
    ]


# --- completeness -----------------------------------------------------------------


@pytest.mark.parametrize("spec_name", SPEC_2_1 + SPEC_2_2 + SPEC_2_3 + SPEC_2_4 + SPEC_2_5)
def test_every_spec_2_technical_name_is_catalogued(spec_name: str) -> None:
    service = _lookup(spec_name)
    assert service in SERVICES
    assert service.group is not Group.NOTIFICATIONS


@pytest.mark.parametrize(("spec_name", "entry"), sorted(SPEC_2_6.items()))
def test_every_spec_2_6_notification_is_catalogued(spec_name: str, entry: str) -> None:
    service = catalogue.get(entry)
    assert service.group is Group.NOTIFICATIONS
    assert service.kind == "notification"
    if "." in spec_name:
        service.operation(spec_name.split(".")[1])
    elif spec_name.startswith("notify"):
        assert catalogue.get(spec_name) is service
        service.operation(spec_name)


@pytest.mark.parametrize("name", EXTRA_NOTIFICATIONS)
def test_set_b_notifications_are_catalogued(name: str) -> None:
    service = catalogue.get(name)
    assert service.group is Group.NOTIFICATIONS
    assert service.contract is ContractStatus.OFFICIAL


@pytest.mark.parametrize("name", TECHNICAL)
def test_technical_services_are_catalogued(name: str) -> None:
    service = catalogue.get(name)
    assert service.group is Group.TECHNICAL
    assert service.contract is ContractStatus.OFFICIAL


def test_operation_lists_named_in_spec_7_are_complete() -> None:
    assert {op.name for op in catalogue.get("Dolsis").operations} == {
        "findEmployersByWorker",
        "getEmploymentDetail",
        "getEmployerDetail",
        "findPostedWorkers",
        "PostedWorkerDetail",
        "FindPostingDocumentDetail",
    }
    assert {op.name for op in catalogue.get("UnemploymentDataService").operations} == (
        UDS_OPERATIONS
    )
    assert catalogue.get("UnemploymentDataService").version == "3"
    assert {op.name for op in catalogue.get("LivingWages").operations} == LIVING_WAGES_OPERATIONS
    assert {op.name for op in catalogue.get("HdiIndemnityAllowance").operations} == {
        "consultAttest",
        "consultIndemnityPeriods",
    }
    assert {op.name for op in catalogue.get("DmfaConsultation").operations} == {
        "consultDmfaAttestationsBySsin",
        "consultPersonnelByEmployer",
    }
    assert {op.name for op in catalogue.get("ManageCarmed").operations} == {
        name.split(".")[1] for name in SPEC_2_4
    }
    assert {op.name for op in catalogue.get("OCMWCPASManageAccess").operations} == {
        "REGISTER",
        "UNREGISTER",
        "LIST",
    }
    assert catalogue.get("RetrieveTIGroupsV2").version == "2"
    assert catalogue.get("RetrieveTIGroupsV5").version == "5"
    assert catalogue.get("OCMWCPASA036") is not catalogue.get("OCMWCPASL036")


def test_groups_follow_spec_sections() -> None:
    for names, group in (
        (SPEC_2_1, Group.REGISTERS),
        (SPEC_2_2, Group.SOCIAL_DATA),
        (SPEC_2_3, Group.PODMI),
        (SPEC_2_4, Group.MEDIPRIMA),
        (SPEC_2_5, Group.FLANDERS),
    ):
        for name in names:
            assert _lookup(name).group is group, name
    assert catalogue.get("OCMWCPASHealthInsurance").group is Group.SOCIAL_DATA


def test_every_group_has_services_and_every_service_has_operations() -> None:
    for group in Group:
        assert catalogue.services(group=group), group
    for service in SERVICES:
        assert service.operations, service.name
        assert service.description and service.source, service.name


# --- uniqueness and shape -----------------------------------------------------------


def test_service_names_aliases_and_cli_names_are_unique() -> None:
    keys: dict[str, str] = {}
    for service in SERVICES:
        for key in {k.casefold() for k in (service.name, *service.aliases, service.cli_name)}:
            assert key not in keys, f"{key} used by {keys.get(key)} and {service.name}"
            keys[key] = service.name


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.name)
def test_operation_names_are_unique_per_service(service: Service) -> None:
    names = [op.name for op in service.operations]
    assert len(names) == len(set(names))
    cli_names = [op.cli_name for op in service.operations]
    assert len(cli_names) == len(set(cli_names))


def test_ws_consult_endpoints_route_to_exactly_one_operation() -> None:
    pairs = [
        (s.path, op.soap_action)
        for s in SERVICES
        if s.wire is WireStyle.WS_CONSULT
        for op in s.operations
    ]
    assert len(pairs) == len(set(pairs))
    for service in SERVICES:
        if service.wire is WireStyle.WS_CONSULT:
            for op in service.operations:
                assert catalogue.by_endpoint(service.path, op.soap_action) == (service, op)


def test_ssdn_service_ids_are_unique() -> None:
    ids = [s.ssdn_service_id for s in SERVICES if s.ssdn_service_id is not None]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("service", "op"),
    _ws_operations(),
    ids=lambda v: v.name if isinstance(v, (Service, Operation)) else str(v),
)
def test_ws_consult_operations_follow_the_convention(service: Service, op: Operation) -> None:
    match = re.fullmatch(r"http://kszbcss\.fgov\.be/intf/([A-Za-z]+)/v(\d+)", service.namespace)
    assert match, service.namespace
    segment = match.group(1)
    assert segment.endswith("Service")
    assert op.soap_action == f"http://kszbcss.fgov.be/{segment}/{op.name}"
    assert service.types_namespace is not None
    assert service.types_namespace.startswith("http://kszbcss.fgov.be/types/")
    assert not service.path.startswith("/") and not service.path.endswith("/")
    assert service.ssdn_service_id is None
    if (service.name, op.name) in CONVENTION_EXCEPTIONS:
        return
    assert op.request_element == f"{op.name}Request"
    assert op.response_element == f"{op.name}Response"
    assert op.fault_element == f"{op.name}Fault"
    if service.contract is ContractStatus.MODELLED:
        assert match.group(2) == service.version
        assert service.path == f"{segment}/v{service.version}/consult"


@pytest.mark.parametrize("name", sorted(SSDN_SERVICES))
def test_ssdn_services_use_the_connector(name: str) -> None:
    service = catalogue.get(name)
    assert service.wire is WireStyle.SSDN
    assert service.version == SSDN_SERVICES[name]
    assert service.ssdn_service_id is not None
    assert catalogue.by_ssdn_service_id(service.ssdn_service_id) is service
    assert service.path == SSDN_CONNECTOR_PATH
    assert service.namespace.startswith(
        ("http://www.ksz-bcss.fgov.be/XSD/SSDN/", "http://www.smals.be/XSD/")
    )
    assert not service.carries_legal_context
    assert service.legal_context is None
    for op in service.operations:
        assert op.soap_action == SSDN_SOAP_ACTION
        assert op.fault_element is None
        assert op.subject is not None


def test_only_spec_4_services_are_ssdn() -> None:
    assert {s.name for s in SERVICES if s.wire is WireStyle.SSDN} == set(SSDN_SERVICES)


def test_notifications_are_pushed_documents() -> None:
    for service in catalogue.services(group=Group.NOTIFICATIONS):
        assert service.kind == "notification"
        assert service.needs_integration  # they arrive only for integrated SSINs
        assert not service.carries_legal_context
        for op in service.operations:
            assert op.kind is OperationKind.NOTIFICATION
            assert op.request_element == op.name
            assert op.fault_element is None
            assert not op.retryable
    for service in SERVICES:
        if service.group is not Group.NOTIFICATIONS:
            assert all(op.kind is not OperationKind.NOTIFICATION for op in service.operations)


def test_catalogue_objects_are_frozen() -> None:
    service = catalogue.get("PersonService")
    with pytest.raises(dataclasses.FrozenInstanceError):
        service.implemented = False  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        service.operations[0].kind = OperationKind.MUTATION  # type: ignore[misc]


# --- the PersonService row, implementation state, kinds, integration -------------------


def test_person_service_row_is_exact() -> None:
    s = catalogue.get("PersonService")
    assert (s.name, s.version, s.group, s.wire, s.contract) == (
        "PersonService",
        "4",
        Group.REGISTERS,
        WireStyle.WS_CONSULT,
        ContractStatus.MODELLED,
    )
    assert s.needs_integration is False
    assert s.implemented is True
    assert s.namespace == "http://kszbcss.fgov.be/intf/PersonService/v4"
    assert s.types_namespace == "http://kszbcss.fgov.be/types/PersonService/v4"
    assert s.path == "PersonService/v4/consult"
    assert s.legal_context is None
    assert s.official_files == ()
    assert [op.name for op in s.operations] == ["searchPersonBySsin", "searchPersonPhonetically"]
    for op in s.operations:
        assert op.kind is OperationKind.CONSULTATION
        assert op.soap_action == f"http://kszbcss.fgov.be/PersonService/{op.name}"
        assert op.request_element == f"{op.name}Request"
        assert op.response_element == f"{op.name}Response"
        assert op.fault_element == f"{op.name}Fault"
        assert s.needs_integration_for(op) is False
    assert s.operation("searchPersonBySsin").subject == "ssin"
    assert s.operation("searchPersonPhonetically").subject is None


def test_implemented_and_not_implemented_partition_the_catalogue() -> None:
    # Which services are implemented is checked against the client classes in
    # tests/test_service_bindings.py; here: the flag splits the catalogue.
    done = catalogue.services(implemented=True)
    todo = catalogue.services(implemented=False)
    assert "PersonService" in [s.name for s in done]
    assert len(done) + len(todo) == len(SERVICES)


def test_manage_access_kinds_per_action() -> None:
    s = catalogue.get("OCMWCPASManageAccess")
    assert s.operation("REGISTER").kind is OperationKind.MUTATION
    assert s.operation("UNREGISTER").kind is OperationKind.MUTATION
    assert s.operation("LIST").kind is OperationKind.CONSULTATION
    assert s.kind == "mixed"
    assert s.operation("LIST").retryable
    assert not s.operation("REGISTER").retryable
    assert s.contract is ContractStatus.OFFICIAL
    for op in s.operations:
        assert op.request_element == "ManageAccessRequest"
        assert op.response_element == "ManageAccessReply"
        assert s.needs_integration_for(op) is False


def test_manage_carmed_kinds() -> None:
    s = catalogue.get("ManageCarmed")
    for name in ("openCarmed", "modifyCarmed", "stopCarmed"):
        assert s.operation(name).kind is OperationKind.MUTATION, name
        assert not s.operation(name).retryable
    for name in (
        "consultCarmed",
        "evaluateCarmed",
        "evaluateModifiedCarmed",
        "consultCarmedHistory",
    ):
        assert s.operation(name).kind is OperationKind.CONSULTATION, name
        assert s.operation(name).retryable
    assert s.kind == "mixed"


def test_spec_2_3_kinds() -> None:
    mutations = {
        "OCMWCPASRegisterAttest",
        "OCMWCPASWet65Loi65AB",
        "OCMWCPASOrganicLaw",
        "OCMWCPASRegisterRecoveredAmount",
        "OCMWCPASWet65Loi65DF",
        "OCMWCPASStopAttest",
        "OCMWCPASWet65Loi65C",
        "OCMWCPASA036",
        "OCMWCPASHeatingAllocation",
        "ElectronicSocialReport",
        "PCSAAlertReaction",
    }
    for service in catalogue.services(group=Group.PODMI):
        expected = "mutation" if service.name in mutations else "consultation"
        assert service.kind == expected, service.name


def test_spec_2_1_and_2_2_kinds() -> None:
    for name in ("BisPersonService", "ManagePerson", "CBSSPersonService"):
        assert catalogue.get(name).kind == "mutation"
    for name in SPEC_2_1[4:]:
        assert _lookup(name).kind == "consultation", name
    for service in catalogue.services(group=Group.SOCIAL_DATA):
        assert service.kind == "consultation", service.name


def test_integration_flags_follow_spec_2() -> None:
    for name in ("PersonService", "SSINInformationService", "BisPersonService", "ManagePerson"):
        assert catalogue.get(name).needs_integration is False, name
    for name in (
        "FamilyComposition",
        "NRPPersonService",
        "OCMWCPASPerformInvestigation",
        "RetrieveTIGroups",
        "RetrieveTIGroupsV5",
    ):
        assert catalogue.get(name).needs_integration is True, name
    for service in catalogue.services(group=Group.SOCIAL_DATA):
        assert service.needs_integration is True, service.name
        for op in service.operations:
            assert service.needs_integration_for(op) is True
    assert catalogue.get("PCSAAlertReaction").operation("motivateDecision").subject is None


def test_needs_integration_for_inherits_or_overrides() -> None:
    base = catalogue.get("FamilyComposition")
    inherited = base.operations[0]
    assert inherited.needs_integration is None
    assert base.needs_integration_for(inherited) is True
    assert base.needs_integration_for(inherited.name) is True
    overridden = dataclasses.replace(inherited, needs_integration=False)
    assert base.needs_integration_for(overridden) is False


def test_legacy_services_name_an_existing_successor() -> None:
    legacy = {s.name: s.successor for s in SERVICES if s.legacy}
    assert legacy["OCMWCPASIdentifyPerson"] == "PersonService"
    assert legacy["ManagePerson"] == "BisPersonService"
    for successor in legacy.values():
        assert successor is not None
        catalogue.get(successor)
    assert all(s.successor is None for s in SERVICES if not s.legacy)


# --- lookups --------------------------------------------------------------------------


def test_get_is_case_insensitive_and_accepts_aliases_and_cli_names() -> None:
    person = catalogue.get("PersonService")
    assert catalogue.get("personservice") is person
    assert catalogue.get("PERSONSERVICE") is person
    assert catalogue.get("person-service") is person
    assert catalogue.get("ReferenceManage") is catalogue.get("ReferenceManager")
    assert catalogue.get("OCMWCPASListOfAttestation") is catalogue.get("OCMWCPASListOfAttestations")
    assert catalogue.get("TaxAssessmentData") is catalogue.get("TaxAssessment")


def test_get_unknown_name_raises_key_error_with_suggestion() -> None:
    with pytest.raises(KeyError) as info:
        catalogue.get("PersonServise")
    message = str(info.value)
    assert "unknown KSZ service" in message
    assert "did you mean" in message and "PersonService" in message


def test_get_unknown_name_without_close_match_has_no_suggestion() -> None:
    with pytest.raises(KeyError) as info:
        catalogue.get("zzzz")
    assert "did you mean" not in str(info.value)


def test_get_never_echoes_an_ssin_like_name() -> None:
    with pytest.raises(KeyError) as info:
        catalogue.get("85073003328")
    assert "85073003328" not in str(info.value)
    assert "0733" not in str(info.value)


def test_operation_lookup() -> None:
    person = catalogue.get("PersonService")
    op = person.operation("searchPersonBySsin")
    assert person.operation("SEARCHPERSONBYSSIN") is op
    assert person.operation("search-person-by-ssin") is op
    with pytest.raises(KeyError) as info:
        person.operation("deletePerson")
    assert "searchPersonBySsin" in str(info.value)
    with pytest.raises(KeyError) as info:
        person.operation("85073003328")
    assert "85073003328" not in str(info.value)


def test_resolve() -> None:
    service, op = catalogue.resolve("PersonService.searchPersonBySsin")
    assert (service.name, op.name) == ("PersonService", "searchPersonBySsin")
    with pytest.raises(KeyError):
        catalogue.resolve("PersonService")
    with pytest.raises(KeyError):
        catalogue.resolve("PersonService.nope")
    with pytest.raises(KeyError):
        catalogue.resolve("Nope.searchPersonBySsin")


def test_by_endpoint_separates_services_sharing_a_soap_action() -> None:
    v2 = catalogue.get("RetrieveTIGroups")
    v5 = catalogue.get("RetrieveTIGroupsV5")
    action = v2.operation("retrieveTI").soap_action
    assert v5.operation("retrieveTI").soap_action == action
    assert catalogue.by_endpoint("/RetrieveTIGroupsService/v2/retrieveTI", action)[0] is v2
    assert catalogue.by_endpoint("RetrieveTIGroupsService/retrieveTI", f'"{action}"')[0] is v5
    with pytest.raises(KeyError):
        catalogue.by_endpoint("PersonService/v4/consult", action)


def test_by_ssdn_service_id_unknown() -> None:
    assert catalogue.by_ssdn_service_id("OCMWCPASManageAccess").name == "OCMWCPASManageAccess"
    with pytest.raises(KeyError):
        catalogue.by_ssdn_service_id("NoSuchService")


def test_services_filters() -> None:
    assert catalogue.services() == SERVICES
    registers = catalogue.services(group=Group.REGISTERS)
    assert registers and all(s.group is Group.REGISTERS for s in registers)
    both = catalogue.services(group=Group.REGISTERS, implemented=True)
    assert "PersonService" in [s.name for s in both]
    assert all(s.group is Group.REGISTERS and s.implemented for s in both)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("searchPersonBySsin", "search-person-by-ssin"),
        ("OCMWCPASManageAccess", "ocmwcpas-manage-access"),
        ("LEA-Voucher", "lea-voucher"),
        ("REGISTER", "register"),
        ("consultL036", "consult-l036"),
        ("eCarmedCalculationNotification", "e-carmed-calculation-notification"),
        ("NRPPersonService", "nrp-person-service"),
    ],
)
def test_cli_names(name: str, expected: str) -> None:
    assert catalogue._kebab(name) == expected


# --- JSON and table -------------------------------------------------------------------


def test_as_json() -> None:
    data = catalogue.as_json()
    assert json.loads(json.dumps(data)) == data
    assert [entry["name"] for entry in data] == [s.name for s in SERVICES]
    required = {
        "name",
        "group",
        "operations",
        "kind",
        "needs_integration",
        "contract",
        "implemented",
    }
    allowed = required | {"version", "wire", "source", "legacy", "successor"}
    for entry, service in zip(data, SERVICES, strict=True):
        assert required <= entry.keys() <= allowed
        assert entry["group"] == service.group.value
        assert entry["kind"] == service.kind
        assert entry["contract"] == service.contract.value
        assert entry["implemented"] is service.implemented
        ops = entry["operations"]
        assert isinstance(ops, list)
        for op_json, op in zip(ops, service.operations, strict=True):
            assert op_json == {
                "name": op.name,
                "kind": op.kind.value,
                "needs_integration": service.needs_integration_for(op),
            }


def test_render_table_lists_every_service_in_aligned_columns() -> None:
    text = catalogue.render_table()
    lines = text.splitlines()
    for group in Group:
        assert group.value in lines
    for service in SERVICES:
        assert any(line.split()[0] == service.name for line in lines if line.startswith("  "))
    headers = [line for line in lines if line.split()[:2] == ["name", "version"]]
    assert len(headers) == len(Group)
    assert len(set(headers)) == 1  # same widths in every group
    header = headers[0]
    starts = [header.index(col) for col in catalogue._COLUMNS]
    for line in lines:
        if not line.startswith("  ") or line in headers:
            continue
        for start in starts[1:6]:
            assert line[start - 1] == " " and line[start] != " ", line
    person = next(line for line in lines if line.split()[0] == "PersonService")
    assert person.split()[1:6] == ["4", "consultation", "no", "modelled", "yes"]
    access = next(line for line in lines if line.split()[0] == "OCMWCPASManageAccess")
    assert access.split()[2] == "mixed"
    identify = next(line for line in lines if line.split()[0] == "OCMWCPASIdentifyPerson")
    assert "legacy, use PersonService" in identify


def test_integration_label_per_op() -> None:
    mixed = dataclasses.replace(
        catalogue.get("FamilyComposition"),
        operations=(
            catalogue.get("FamilyComposition").operations[0],
            dataclasses.replace(
                catalogue.get("FamilyComposition").operations[0],
                name="other",
                needs_integration=False,
            ),
        ),
    )
    assert catalogue._integration_label(mixed) == "per op"


# --- code lists --------------------------------------------------------------------------


def test_quality_codes_are_the_sector_17_list() -> None:
    assert sorted(QUALITY_CODES) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 20, 21, 40]
    assert "leefloon" in QUALITY_CODES[2]
    assert "heating" in QUALITY_CODES[40]
    with pytest.raises(TypeError):
        QUALITY_CODES[99] = "x"  # type: ignore[index]


LEGAL_CONTEXT_PATTERN = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_:+\- ]*[a-zA-Z0-9_:+\-]")


def test_legal_contexts() -> None:
    assert set(LEGAL_CONTEXTS) == {
        "PCSA:SOCIAL_INQUIRY",
        "SOCIAL_INVESTIGATION_OF_PCSA",
        "Social Rate Investigation",
        "social inquiry and financial help",
        # RetrieveTIGroups V5 allows only these two (official schema).
        "social issues",
        "administrative staff",
    }
    for value, context in LEGAL_CONTEXTS.items():
        assert context.value == value
        # CommonV3 (set-b) LegalContextType: at most 64 characters, restricted pattern.
        assert len(value) <= 64 and LEGAL_CONTEXT_PATTERN.fullmatch(value)
        assert context.services == tuple(s.name for s in SERVICES if s.legal_context == value)
    for service in SERVICES:
        if service.legal_context is not None:
            assert service.legal_context in LEGAL_CONTEXTS, service.name
            assert service.carries_legal_context, service.name
    assert catalogue.get("RetrieveTIGroups").legal_context == "PCSA:SOCIAL_INQUIRY"
    assert catalogue.get("Dolsis").legal_context == "SOCIAL_INVESTIGATION_OF_PCSA"
    assert catalogue.get("SocialRateInvestigation").legal_context == "Social Rate Investigation"


def test_ocmw_as_source_data() -> None:
    assert "multifunctional attest" in catalogue.OCMW_DATA_PRODUCTS
    clients = dict(catalogue.OCMW_DATA_CLIENTS)
    assert clients["STIB / MIVB"] == "public transport subscription"
    assert len(clients) == len(catalogue.OCMW_DATA_CLIENTS)


def test_module_imports_only_the_standard_library() -> None:
    tree = ast.parse(Path(catalogue.__file__).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert imported, "no imports found: the check is not looking at the module"
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)


# --- official contracts ------------------------------------------------------------------


def _contracts() -> Path:
    if not CONTRACTS.is_dir():
        pytest.skip(
            f"KSZ reference contracts not found at {CONTRACTS}; "
            "set KSZ_CONTRACTS_DIR to the ksz-contracts folder to run these checks"
        )
    return CONTRACTS


def _local(qname: str | None) -> str:
    assert qname is not None
    return qname.rpartition(":")[2]


def _schema_facts(paths: list[Path]) -> tuple[dict[str, set[str]], set[str]]:
    """Global element names per target namespace, and every namespace imported."""
    elements: dict[str, set[str]] = {}
    imported: set[str] = set()
    for path in paths:
        root = etree.parse(str(path)).getroot()
        schemas = [root] if root.tag == f"{{{XSD_NS}}}schema" else root.iter(f"{{{XSD_NS}}}schema")
        for schema in schemas:
            target = schema.get("targetNamespace", "")
            names = {e.get("name") for e in schema.iterfind(f"{{{XSD_NS}}}element")}
            elements.setdefault(target, set()).update(n for n in names if n)
            imported.update(i.get("namespace", "") for i in schema.iterfind(f"{{{XSD_NS}}}import"))
    return elements, imported


OFFICIAL_SERVICES = [s for s in SERVICES if s.contract is ContractStatus.OFFICIAL]


def test_contract_status_matches_official_files() -> None:
    assert OFFICIAL_SERVICES
    for service in SERVICES:
        if service.contract is ContractStatus.OFFICIAL:
            assert service.official_files, service.name
        else:
            assert service.official_files == (), service.name


@pytest.mark.contracts
@pytest.mark.parametrize("service", OFFICIAL_SERVICES, ids=lambda s: s.name)
def test_official_files_exist(service: Service) -> None:
    root = _contracts()
    for rel in service.official_files:
        assert not Path(rel).is_absolute() and ".." not in Path(rel).parts
        assert (root / rel).is_file(), rel


@pytest.mark.contracts
@pytest.mark.parametrize(
    "service",
    [s for s in OFFICIAL_SERVICES if s.official_files[0].endswith(".wsdl")],
    ids=lambda s: s.name,
)
def test_official_wsdl_matches_catalogue(service: Service) -> None:
    root = _contracts()
    wsdls = [root / rel for rel in service.official_files if rel.endswith(".wsdl")]
    xsds = [root / rel for rel in service.official_files if rel.endswith(".xsd")]
    for wsdl in wsdls:
        doc = etree.parse(str(wsdl)).getroot()
        assert doc.get("targetNamespace") == service.namespace, wsdl
        port_type = doc.find(f"{{{WSDL_NS}}}portType")
        assert port_type is not None
        port_ops = {op.get("name"): op for op in port_type.iterfind(f"{{{WSDL_NS}}}operation")}
        assert set(port_ops) == {op.name for op in service.operations}, wsdl
        messages = {
            m.get("name"): _local(m.find(f"{{{WSDL_NS}}}part").get("element"))  # type: ignore[union-attr]
            for m in doc.iterfind(f"{{{WSDL_NS}}}message")
        }
        actions = {
            op.get("name"): op.find(f"{{{SOAP_NS}}}operation").get("soapAction")  # type: ignore[union-attr]
            for op in doc.iterfind(f"{{{WSDL_NS}}}binding/{{{WSDL_NS}}}operation")
        }
        elements, imported = _schema_facts([wsdl])
        for op in service.operations:
            assert actions[op.name] == op.soap_action, (wsdl, op.name)
            port_op = port_ops[op.name]
            request = port_op.find(f"{{{WSDL_NS}}}input")
            response = port_op.find(f"{{{WSDL_NS}}}output")
            fault = port_op.find(f"{{{WSDL_NS}}}fault")
            assert request is not None and response is not None
            assert messages[_local(request.get("message"))] == op.request_element
            assert messages[_local(response.get("message"))] == op.response_element
            if fault is None:
                assert op.fault_element is None
            else:
                assert messages[_local(fault.get("message"))] == op.fault_element
            for element in (op.request_element, op.response_element, op.fault_element):
                if element is not None:
                    assert element in elements[service.namespace], element
        assert service.types_namespace in imported, wsdl
        addresses = [a.get("location", "") for a in doc.iter(f"{{{SOAP_NS}}}address")]
        assert addresses and all(a.endswith("/" + service.path) for a in addresses), addresses
    xsd_targets = {etree.parse(str(x)).getroot().get("targetNamespace") for x in xsds}
    assert service.types_namespace in xsd_targets


@pytest.mark.contracts
@pytest.mark.parametrize(
    "service",
    [s for s in OFFICIAL_SERVICES if s.wire is WireStyle.SSDN],
    ids=lambda s: s.name,
)
def test_official_ssdn_payloads_match_catalogue(service: Service) -> None:
    root = _contracts()
    elements, imported = _schema_facts([root / rel for rel in service.official_files])
    own = elements.get(service.namespace, set())
    for op in service.operations:
        assert op.request_element in own, op.request_element
        assert op.response_element in own, op.response_element
    assert service.types_namespace in imported | set(elements)
    request_file = root / service.official_files[0]
    names = {e.get("name") for e in etree.parse(str(request_file)).iter(f"{{{XSD_NS}}}element")}
    for op in service.operations:
        assert op.subject in names, (op.name, op.subject)


@pytest.mark.contracts
@pytest.mark.parametrize(
    "service",
    [s for s in OFFICIAL_SERVICES if s.group is Group.NOTIFICATIONS],
    ids=lambda s: s.name,
)
def test_official_notifications_match_catalogue(service: Service) -> None:
    root = _contracts()
    interface = etree.parse(str(root / service.official_files[0])).getroot()
    assert interface.get("targetNamespace") == service.namespace
    elements, _ = _schema_facts([root / rel for rel in service.official_files])
    for op in service.operations:
        assert op.request_element in elements[service.namespace], op.name
    if service.types_namespace is not None:
        assert service.types_namespace in elements


@pytest.mark.contracts
def test_every_official_interface_contract_is_catalogued() -> None:
    root = _contracts()
    referenced = {rel for s in SERVICES for rel in s.official_files}
    referenced |= set(SSDN_CONNECTOR_OFFICIAL_FILES)
    interfaces = [p.relative_to(root).as_posix() for p in root.rglob("*.wsdl")]
    interfaces += [p.relative_to(root).as_posix() for p in root.rglob("notify*.xsd")]
    interfaces += [p.relative_to(root).as_posix() for p in root.rglob("*Request.xsd")]
    assert interfaces
    missing = sorted(set(interfaces) - referenced)
    assert missing == [], missing


@pytest.mark.contracts
def test_ssdn_connector_constants_match_the_official_wsdls() -> None:
    root = _contracts()
    wsdls = [rel for rel in SSDN_CONNECTOR_OFFICIAL_FILES if rel.endswith(".wsdl")]
    assert len(wsdls) == 2
    for rel in SSDN_CONNECTOR_OFFICIAL_FILES:
        assert (root / rel).is_file(), rel
    for rel in wsdls:
        doc = etree.parse(str(root / rel)).getroot()
        assert doc.get("targetNamespace") == SSDN_CONNECTOR_NAMESPACE
        actions = {o.get("soapAction") for o in doc.iter(f"{{{SOAP_NS}}}operation")}
        assert actions == {SSDN_SOAP_ACTION}
    smals = etree.parse(str(root / wsdls[0])).getroot()
    location = next(smals.iter(f"{{{SOAP_NS}}}address")).get("location", "")
    assert location.endswith("/" + SSDN_CONNECTOR_PATH)


def test_ocmw_data_flows_pair_every_client_with_known_products() -> None:
    clients = [client for client, _ in catalogue.OCMW_DATA_CLIENTS]
    assert [f.client for f in catalogue.OCMW_DATA_FLOWS] == clients
    for flow in catalogue.OCMW_DATA_FLOWS:
        assert flow.products and set(flow.products) <= set(catalogue.OCMW_DATA_PRODUCTS)
    bailiffs = next(f for f in catalogue.OCMW_DATA_FLOWS if f.client == "Bailiffs")
    assert bailiffs.products == ("BailiffSolvencyInquiry (bailiffs)",)
    assert "Bailiffs" in catalogue.render_clients()


def test_ksz_services_clients_prints_the_table_and_json(capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    from ksz_client.cli import main

    assert main(["services", "--clients"]) == 0
    assert "STIB / MIVB" in capsys.readouterr().out
    assert main(["services", "--clients", "--json"]) == 0
    flows = json.loads(capsys.readouterr().out)
    assert {"client", "context", "products", "inferred"} <= set(flows[0])
