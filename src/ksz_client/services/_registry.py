"""Which Python class serves which catalogue service, and which method which operation.

A service module marks each method with `@operation("<wire operation>")`; the
registry `BINDINGS` names the client attribute and the class. The command line
builds ``ksz <attribute> <method>`` from these and the method signatures, so a
new service gets its commands by being declared here, not by more CLI code.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

__all__ = ["BINDINGS", "OperationInfo", "ServiceBinding", "binding", "operation", "operations_of"]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class OperationInfo:
    """What `@operation` records on a method."""

    name: str  # the catalogue (wire) operation name
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # param -> extra flags


def operation(
    name: str, *, aliases: Mapping[str, tuple[str, ...]] | None = None
) -> Callable[[F], F]:
    """Mark a service method as the client side of catalogue operation ``name``.

    ``aliases`` adds command-line flags for a parameter (``{"max_results": ("--max",)}``).
    """

    def mark(fn: F) -> F:
        fn.__ksz_operation__ = OperationInfo(name, dict(aliases or {}))  # type: ignore[attr-defined]
        return fn

    return mark


@dataclass(frozen=True)
class ServiceBinding:
    """A catalogue service served by a class, reachable as ``client.<attribute>``."""

    attribute: str
    service: str
    module: str
    cls: str

    @property
    def command(self) -> str:
        """The command-line name: the attribute in kebab case (``ssin_info`` -> ``ssin-info``)."""
        return self.attribute.replace("_", "-")

    def load(self) -> type[Any]:
        return getattr(importlib.import_module(self.module), self.cls)  # type: ignore[no-any-return]


BINDINGS: Final[tuple[ServiceBinding, ...]] = (
    ServiceBinding("person", "PersonService", "ksz_client.services.person", "PersonService"),
    ServiceBinding("handi", "HandiService", "ksz_client.services.handi",
                   "HandiService"),
    ServiceBinding("incapacity", "HdiIndemnityAllowance", "ksz_client.services.incapacity",
                   "IncapacityService"),
    ServiceBinding("child_benefits", "ChildBenefits", "ksz_client.services.child_benefits",
                   "ChildBenefitsService"),
    ServiceBinding("dolsis", "Dolsis", "ksz_client.services.dolsis", "DolsisService"),
    ServiceBinding("dmfa", "DmfaConsultation", "ksz_client.services.dmfa", "DmfaService"),
    ServiceBinding("unemployment", "UnemploymentDataService", "ksz_client.services.unemployment",
                   "UnemploymentService"),
    ServiceBinding("job_seeker", "JobSeeker", "ksz_client.services.job_seeker",
                   "JobSeekerService"),
    ServiceBinding("patrimony", "PatrimonyService", "ksz_client.services.patrimony",
                   "PatrimonyService"),
    ServiceBinding("tax", "TaxAssessment", "ksz_client.services.tax_assessment",
                   "TaxAssessmentService"),
    ServiceBinding("self_employed", "SelfEmployed", "ksz_client.services.self_employed",
                   "SelfEmployedService"),
    ServiceBinding("health_insurance", "HealthCareInsurance",
                   "ksz_client.services.health_insurance", "HealthInsuranceService"),
    ServiceBinding("ssin_info", "SSINInformationService", "ksz_client.services.ssin_info",
                   "SsinInformationService"),
    ServiceBinding("bis", "BisPersonService", "ksz_client.services.bis", "BisPersonService"),
    ServiceBinding("manage_person", "ManagePerson", "ksz_client.services.bis",
                   "ManagePersonService"),
    ServiceBinding("cbss_person", "CBSSPersonService", "ksz_client.services.bis",
                   "CBSSPersonService"),
    ServiceBinding("nrp", "NRPPersonService", "ksz_client.services.nrp", "NrpPersonService"),
    ServiceBinding("family", "FamilyComposition", "ksz_client.services.family",
                   "FamilyCompositionService"),
    ServiceBinding("ti_groups", "RetrieveTIGroups", "ksz_client.services.ti_groups",
                   "TIGroupsService"),
    ServiceBinding("ti_groups_v5", "RetrieveTIGroupsV5", "ksz_client.services.ti_groups",
                   "TIGroupsV5Service"),
    ServiceBinding("access", "OCMWCPASManageAccess", "ksz_client.services.manage_access",
                   "AccessService"),
    ServiceBinding("mediprima", "ManageCarmed", "ksz_client.services.mediprima",
                   "MediPrimaService"),
    ServiceBinding("references", "ReferenceManager", "ksz_client.services.reference_manager",
                   "ReferenceService"),
    ServiceBinding("identify_person", "OCMWCPASIdentifyPerson",
                   "ksz_client.services.identify_person", "IdentifyPersonService"),
    ServiceBinding("investigation", "OCMWCPASPerformInvestigation",
                   "ksz_client.services.investigation", "InvestigationService"),
    ServiceBinding("social_tariff", "SocialRateInvestigation",
                   "ksz_client.services.social_rate_investigation",
                   "SocialRateInvestigationService"),
    ServiceBinding("pensions", "OCMWCPASPensionRegisterConsult",
                   "ksz_client.services.pension_register", "PensionRegisterService"),
    ServiceBinding("heating", "OCMWCPASHeatingAllocation", "ksz_client.services.heating",
                   "HeatingAllocationService"),
    ServiceBinding("household_income", "OCMWCPASHouseholdIncome",
                   "ksz_client.services.household_income", "HouseholdIncomeService"),
    ServiceBinding("alerts", "PCSAAlertReaction", "ksz_client.services.alert_reaction",
                   "AlertReactionService"),
    ServiceBinding("social_report", "ElectronicSocialReport",
                   "ksz_client.services.social_report", "SocialReportService"),
    ServiceBinding("social_inquiry", "PCSASocialInquiry", "ksz_client.services.social_inquiry",
                   "SocialInquiryService"),
    ServiceBinding("holiday_pay", "HolidayAttestationService",
                   "ksz_client.services.holiday_attestation", "HolidayAttestationService"),
    ServiceBinding("refund_attest", "OCMWCPASRegisterAttest",
                   "ksz_client.services.leefloon_refund", "RegisterAttestService"),
    ServiceBinding("stop_attest", "OCMWCPASStopAttest", "ksz_client.services.leefloon_refund",
                   "StopAttestService"),
    ServiceBinding("attestations", "OCMWCPASListOfAttestations",
                   "ksz_client.services.leefloon_refund", "AttestationsService"),
    ServiceBinding("recovered_amounts", "OCMWCPASRegisterRecoveredAmount",
                   "ksz_client.services.leefloon_refund", "RecoveredAmountService"),
    ServiceBinding("installation_premium", "OCMWCPASOrganicLaw",
                   "ksz_client.services.leefloon_refund", "OrganicLawService"),
    ServiceBinding("l036", "OCMWCPASL036", "ksz_client.services.multifunctional_attest",
                   "L036Service"),
    ServiceBinding("a036", "OCMWCPASA036", "ksz_client.services.multifunctional_attest",
                   "A036Service"),
    ServiceBinding("living_wages", "LivingWages", "ksz_client.services.living_wages",
                   "LivingWagesService"),
    ServiceBinding("wet65_ab", "OCMWCPASWet65Loi65AB", "ksz_client.services.wet65",
                   "Wet65ABService"),
    ServiceBinding("wet65_df", "OCMWCPASWet65Loi65DF", "ksz_client.services.wet65",
                   "Wet65DFService"),
    ServiceBinding("wet65_c", "OCMWCPASWet65Loi65C", "ksz_client.services.wet65",
                   "Wet65CService"),
    ServiceBinding("qualifications", "QualificationCertificateService",
                   "ksz_client.services.flanders", "QualificationCertificateService"),
    ServiceBinding("inburgering", "InburgeringService",
                   "ksz_client.services.flanders", "InburgeringService"),
    ServiceBinding("test_connection", "TestConnectionService",
                   "ksz_client.services.test_connection", "TestConnectionService"),
    ServiceBinding("vesta", "VESTA", "ksz_client.services.vesta", "VestaService"),
)


def binding(name: str) -> ServiceBinding | None:
    """The binding of a client attribute or command name (``ssin_info`` or ``ssin-info``)."""
    return next((b for b in BINDINGS if name in (b.attribute, b.command)), None)


def operations_of(cls: type[Any]) -> dict[str, tuple[Callable[..., Any], OperationInfo]]:
    """The methods of a service class that implement catalogue operations, by method name."""
    found = {}
    for name in dir(cls):
        if name.startswith("_"):
            continue
        method = getattr(cls, name)
        info = getattr(method, "__ksz_operation__", None)
        if isinstance(info, OperationInfo):
            found[name] = (method, info)
    return found
