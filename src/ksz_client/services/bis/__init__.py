"""The KSZ BIS register: register a person (BisPersonService, ManagePerson) and change
the data of a BIS number (CBSSPersonService)."""

from ksz_client.services.bis.models import (
    BisDeclaration,
    BisRegistration,
    DataGroup,
    DataGroupUpdate,
    DeclaredNationality,
    PersonChanges,
    PersonUpdateResult,
    RegistrationOutcome,
    UpdateOutcome,
)
from ksz_client.services.bis.service import (
    BisPersonService,
    CBSSPersonService,
    ManagePersonService,
)

__all__ = [
    "BisDeclaration",
    "BisPersonService",
    "BisRegistration",
    "CBSSPersonService",
    "DataGroup",
    "DataGroupUpdate",
    "DeclaredNationality",
    "ManagePersonService",
    "PersonChanges",
    "PersonUpdateResult",
    "RegistrationOutcome",
    "UpdateOutcome",
]
