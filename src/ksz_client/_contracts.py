"""The SDK's own contracts (``wsdl/``): compiled once, used to validate messages.

The sandbox validates every request body against the service's schema; the
tests validate what the SDK sends. Schemas load only local files: imports
resolve inside ``wsdl/``, never over the network.
"""

from __future__ import annotations

import functools
import threading
from importlib import resources
from pathlib import Path
from typing import Final

from lxml import etree

__all__ = ["WSDL_DIR", "schema", "schema_path"]

WSDL_DIR: Final = Path(str(resources.files("ksz_client") / "wsdl"))

# Service name -> the wrapper-element schema of its operations, relative to wsdl/.
_SCHEMAS: Final = {
    "PersonService": "intf/PersonService/PersonServiceV4.xsd",
    "HandiService": "intf/HandiService/HandiV2.xsd",
    "HdiIndemnityAllowance": "intf/HdiIndemnityAllowanceService/HdiIndemnityAllowanceV1.xsd",
    "ChildBenefits": "intf/ChildBenefitsService/ChildBenefitsV1.xsd",
    "Dolsis": "intf/DolsisService/DolsisV1.xsd",
    "DmfaConsultation": "intf/DmfaConsultationService/DmfaConsultationV1.xsd",
    "UnemploymentDataService": "intf/UnemploymentDataService/UnemploymentDataV3.xsd",
    "JobSeeker": "intf/JobSeeker/JobSeekerV1.xsd",
    "PatrimonyService": "intf/PatrimonyService/PatrimonyV1.xsd",
    "TaxAssessment": "intf/TaxAssessmentDataService/TaxAssessmentDataV2.xsd",
    "SelfEmployed": "intf/SelfEmployed/SelfEmployedV2.xsd",
    "HealthCareInsurance":
        "intf/HealthCareInsuranceService/HealthCareInsuranceV1.xsd",
    "SocialRateInvestigation":
        "intf/SocialRateInvestigationService/SocialRateInvestigationV1.xsd",
    "HolidayAttestationService": "intf/HolidayAttestationService/HolidayAttestationV1.xsd",
    "LivingWages": "intf/LivingWagesService/LivingWagesV1.xsd",
    "ManageCarmed": "intf/ManageCarmedService/ManageCarmedV1.xsd",
    "OCMWCPASRegisterAttest": "intf/OCMWCPASRegisterAttestService/RegisterAttestV1.xsd",
    "OCMWCPASStopAttest": "intf/OCMWCPASStopAttestService/StopAttestV1.xsd",
    "OCMWCPASRegisterRecoveredAmount":
        "intf/OCMWCPASRegisterRecoveredAmountService/RegisterRecoveredAmountV1.xsd",
    "OCMWCPASOrganicLaw": "intf/OCMWCPASOrganicLawService/OrganicLawV1.xsd",
    "QualificationCertificateService":
        "intf/QualificationCertificateService/QualificationCertificateV1.xsd",
    "InburgeringService": "intf/InburgeringService/InburgeringV1.xsd",
    "VESTA": "intf/VESTAService/VESTAV1.xsd",
    "OCMWCPASPensionRegisterConsult": "ssdn/PensionRegister.xsd",
    "OCMWCPASHeatingAllocation": "ssdn/HeatingAllocation.xsd",
    "OCMWCPASHouseholdIncome": "intf/OCMWCPASHouseholdIncomeService/HouseholdIncomeV1.xsd",
    "PCSAAlertReaction": "intf/PCSAAlertReactionService/PCSAAlertReactionV1.xsd",
    "ElectronicSocialReport": "intf/ElectronicSocialReportService/ElectronicSocialReportV1.xsd",
    "PCSASocialInquiry": "intf/PCSASocialInquiryService/PCSASocialInquiryV1.xsd",
    "SSINInformationService": "intf/SSINInformationService/SSINInformationServiceV1.xsd",
    "BisPersonService": "intf/BisPersonService/BisPersonServiceV1.xsd",
    "ManagePerson": "intf/ManagePersonService/ManagePersonServiceV1.xsd",
    "CBSSPersonService": "intf/CBSSPersonService/CBSSPersonServiceV1.xsd",
    "NRPPersonService": "intf/NRPPersonService/NRPPersonServiceV1.xsd",
    "FamilyComposition": "intf/FamilyComposition/FamilyCompositionV1.xsd",
    "RetrieveTIGroups": "intf/RetrieveTIGroupsService/RetrieveTIGroupsV2.xsd",
    "RetrieveTIGroupsV5": "intf/RetrieveTIGroupsService/RetrieveTIGroupsV5.xsd",
    "TestConnectionService": "intf/TestConnectionServiceService/TestConnectionServiceV1.xsd",
    # SSDN services: the schema of the ServiceRequest payload (the sandbox's handlers
    # validate it; the connector envelope has its own schemas in wsdl/ssdn).
    "OCMWCPASManageAccess": "ssdn/ManageAccess.xsd",
    "OCMWCPASL036": "ssdn/L036.xsd",
    "OCMWCPASA036": "ssdn/L036.xsd",
    "OCMWCPASWet65Loi65AB": "ssdn/Loi65Wet65.xsd",
    "OCMWCPASWet65Loi65DF": "ssdn/Loi65Wet65.xsd",
    "OCMWCPASWet65Loi65C": "ssdn/Loi65Wet65.xsd",
    "ReferenceManager": "ssdn/ReferenceManager.xsd",
    "OCMWCPASIdentifyPerson": "ssdn/IdentifyPerson.xsd",
    "OCMWCPASPerformInvestigation": "ssdn/PerformInvestigation.xsd",
    "OCMWCPASListOfAttestations": "ssdn/ListOfAttestations.xsd",
}


def schema_path(service: str) -> Path | None:
    relative = _SCHEMAS.get(service)
    return WSDL_DIR / relative if relative else None


def schema(service: str) -> etree.XMLSchema | None:
    """The compiled schema of a service's messages, or None when it has none here."""
    path = schema_path(service)
    return None if path is None else schema_at(path)


def schema_at(path: Path) -> etree.XMLSchema:
    """The compiled schema in the file `path` (imports resolve beside it, never online).

    Compiled once per process. The first calls may come from many threads at once
    (the sandbox's or the notification receiver's first requests): libxml2's schema
    compiler is not safe to run concurrently, so compiling is serialised.
    """
    return _compiled(path)[0]


def violation(service: str, element: etree._Element, *, optional: bool = False) -> int | None:
    """None when `element` conforms to `service`'s schema; else the line of the first
    error (0 when unknown). Raises `LookupError` when the service has no schema
    here, unless `optional` (then None).
    """
    path = schema_path(service)
    if path is None:
        if optional:
            return None
        raise LookupError(f"no schema for {service}")
    return violation_at(path, element)


def violation_at(path: Path, element: etree._Element) -> int | None:
    """`violation` for the schema in the file `path`.

    Only the line: lxml's messages quote the offending values, which may be personal
    data. One validation at a time per schema, as its error log is the schema
    object's own.
    """
    compiled, lock = _compiled(path)
    with lock:
        if compiled.validate(element):
            return None
        last = compiled.error_log.last_error  # type: ignore[attr-defined]  # missing in stubs
        return int(last.line) if last is not None and last.line else 0


_COMPILING: Final = threading.Lock()


def _compiled(path: Path) -> tuple[etree.XMLSchema, threading.Lock]:
    with _COMPILING:
        return _compile(path)


@functools.cache
def _compile(path: Path) -> tuple[etree.XMLSchema, threading.Lock]:
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(path), parser)), threading.Lock()
