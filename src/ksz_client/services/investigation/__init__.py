"""OCMWCPASPerformInvestigation (SSDN 20080604): the OCMW's social inquiry of a person."""

from ksz_client.services.investigation.models import (
    AddressHistory,
    CitizenData,
    DatedAddress,
    FamilyComposition,
    FamilyMember,
    Investigation,
    ManagerLocation,
    RefugeeAdministrativeFile,
    RefugeeAlias,
    RefugeeDocument,
    RefugeeInstitution,
    RefugeeLocation,
    RefugeeSituation,
    Relationship,
    WaitRegisterRecord,
)
from ksz_client.services.investigation.service import InvestigationService

__all__ = [
    "AddressHistory",
    "CitizenData",
    "DatedAddress",
    "FamilyComposition",
    "FamilyMember",
    "Investigation",
    "InvestigationService",
    "ManagerLocation",
    "RefugeeAdministrativeFile",
    "RefugeeAlias",
    "RefugeeDocument",
    "RefugeeInstitution",
    "RefugeeLocation",
    "RefugeeSituation",
    "Relationship",
    "WaitRegisterRecord",
]
