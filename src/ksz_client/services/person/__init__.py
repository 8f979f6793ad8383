"""PersonService V4: legal data of a person by SSIN or phonetic search."""

from ksz_client.services.person.models import (
    Administrator,
    Anomaly,
    Birth,
    CivilState,
    DataGroup,
    DataGroupStatus,
    DataGroupStatusValue,
    DataSource,
    Decease,
    GivenNameMatching,
    LegalCohabitation,
    Nationality,
    Person,
    PersonResult,
    PersonSearchResult,
    Register,
    SearchCriteria,
)
from ksz_client.services.person.service import PersonService

__all__ = [
    "Administrator",
    "Anomaly",
    "Birth",
    "CivilState",
    "DataGroup",
    "DataGroupStatus",
    "DataGroupStatusValue",
    "DataSource",
    "Decease",
    "GivenNameMatching",
    "LegalCohabitation",
    "Nationality",
    "Person",
    "PersonResult",
    "PersonSearchResult",
    "PersonService",
    "Register",
    "SearchCriteria",
]
