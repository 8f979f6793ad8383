"""HolidayAttestationService V1: ``client.holiday_pay.get(ssin, first_year=..., last_year=...)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ksz_client import catalogue
from ksz_client._exceptions import ValidationError
from ksz_client.services._registry import operation
from ksz_client.services.holiday_attestation import _wire
from ksz_client.services.holiday_attestation.models import HolidayPayResult, HolidayYears
from ksz_client.types import CallContext

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["HolidayAttestationService"]

_DEFAULT_YEARS = 3


class HolidayAttestationService:
    """HolidayAttestationService V1 (KSZ; source: RJV / ONVA, the national holiday office).

    Holiday pay and double holiday pay of blue-collar work, per holiday year
    and employer (white-collar workers get theirs from the employer, not from
    the RJV). Needs a covering integration (finality). Contract: modelled,
    minimal (no public contract exists).
    """

    service = catalogue.get("HolidayAttestationService")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("consultHolidayAttestations")
    def get(
        self,
        ssin: str,
        *,
        first_year: int | None = None,
        last_year: int | None = None,
        context: CallContext | None = None,
    ) -> HolidayPayResult:
        """Holiday attestations of a person (``consultHolidayAttestations``).

        HolidayAttestationService V1, source RJV / ONVA. Returns the
        attestations of the holiday years asked (status DATA_FOUND) or none
        (NO_DATA_FOUND: no holiday pay from the RJV, e.g. white-collar work;
        MSG00009 for a deceased person). Years that are out of order, out of
        range or after next year raise `ValidationError` before sending.

        Args:
            ssin: the person's SSIN, in any written form
            first_year: first holiday year (default: two years before the last)
            last_year: last holiday year (default: this year); at most next year
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        this_year = self._client._today().year
        last = last_year if last_year is not None else this_year
        first = first_year if first_year is not None else min(last, this_year) - (
            _DEFAULT_YEARS - 1)
        years = HolidayYears(first, last)
        if years.last > this_year + 1:
            raise ValidationError("a holiday year after next year has no attestation yet")
        reply = self._client._call(
            self.service,
            "consultHolidayAttestations",
            lambda payload: _wire.write_criteria(payload, subject, years),
            context=context,
            subjects=(subject,),
        )
        return HolidayPayResult(
            attestations=_wire.read_attestations(reply.payload),
            status=reply.status,
            receipt=reply.receipt,
        )
