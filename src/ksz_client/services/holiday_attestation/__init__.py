"""HolidayAttestationService V1: holiday pay and double holiday pay (RJV / ONVA)."""

from ksz_client.services.holiday_attestation.models import (
    HolidayAttestation,
    HolidayPayResult,
    HolidayYears,
)
from ksz_client.services.holiday_attestation.service import HolidayAttestationService

__all__ = ["HolidayAttestation", "HolidayAttestationService", "HolidayPayResult", "HolidayYears"]
