"""NRPPersonService V1: persons of the national register by address."""

from ksz_client.services.nrp.models import AddressCriteria, AddressSearchResult
from ksz_client.services.nrp.service import NrpPersonService

__all__ = ["AddressCriteria", "AddressSearchResult", "NrpPersonService"]
