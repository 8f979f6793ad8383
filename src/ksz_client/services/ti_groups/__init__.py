"""RetrieveTIGroups V2 and V5: a person's full national-register record (TI groups)."""

from ksz_client.services.ti_groups.models import (
    MAPPED_GROUPS,
    BirthRecord,
    CivilStateRecord,
    Code,
    DeceaseRecord,
    HouseholdLink,
    Language,
    LegalCohabitation,
    MainAddress,
    NationalRegisterRecord,
    RegisteredName,
    RegisteredNationality,
    RegistrationRegister,
    RelatedPerson,
    Residence,
    TIGroupsResult,
)
from ksz_client.services.ti_groups.service import (
    V5_LEGAL_CONTEXTS,
    TIGroupsService,
    TIGroupsV5Service,
)

__all__ = [
    "MAPPED_GROUPS",
    "V5_LEGAL_CONTEXTS",
    "BirthRecord",
    "CivilStateRecord",
    "Code",
    "DeceaseRecord",
    "HouseholdLink",
    "Language",
    "LegalCohabitation",
    "MainAddress",
    "NationalRegisterRecord",
    "RegisteredName",
    "RegisteredNationality",
    "RegistrationRegister",
    "RelatedPerson",
    "Residence",
    "TIGroupsResult",
    "TIGroupsService",
    "TIGroupsV5Service",
]
