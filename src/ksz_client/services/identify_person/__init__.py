"""OCMWCPASIdentifyPerson (SSDN 20050930, legacy): identify a person; use PersonService V4."""

from ksz_client.services.identify_person.models import (
    IdentifiedPerson,
    IdentifyPersonResult,
    Origin,
    PhoneticCriteria,
    VerificationData,
)
from ksz_client.services.identify_person.service import IdentifyPersonService

__all__ = [
    "IdentifiedPerson",
    "IdentifyPersonResult",
    "IdentifyPersonService",
    "Origin",
    "PhoneticCriteria",
    "VerificationData",
]
