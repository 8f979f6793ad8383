"""DmfaConsultation V1: `client.dmfa` (the DmfA attestations of the RSZ/ONSS)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Final

from ksz_client import catalogue
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client.services._registry import operation
from ksz_client.services.dmfa import _wire
from ksz_client.services.dmfa.models import (
    AttestationsCriteria,
    DmfaAttestationsResult,
    LocalAuthorities,
    PersonnelCriteria,
    PersonnelRequestResult,
    SectorIndicator,
)
from ksz_client.services.dolsis._rsz import (
    EmployerIdKind,
    check_quarters,
    default_quarters,
    employer_id,
)
from ksz_client.types import CallContext, EmployerRef, Quarter

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["DmfaService"]

_MAX_PAGES: Final = 200


def _sectors(values: tuple[SectorIndicator | str, ...] | list[SectorIndicator | str] | str,
             ) -> tuple[SectorIndicator, ...]:
    items = (values,) if isinstance(values, str) else tuple(values)
    try:
        return tuple(SectorIndicator(str(v).strip().upper()) for v in items)
    except ValueError:
        raise ValidationError("a sector indicator is PRI, PFR or PLP") from None


def _authorities(value: LocalAuthorities | str | None) -> LocalAuthorities | None:
    if value is None or isinstance(value, LocalAuthorities):
        return value
    try:
        return LocalAuthorities(value.strip().lower())
    except ValueError:
        raise ValidationError("local_authorities is only or excluded") from None


class DmfaService:
    """DmfaConsultation V1 (KSZ; source: RSZ/ONSS, the DmfA quarterly declarations).

    The DmfA attestations of a worker: per quarter and employer, the occupation
    lines with working time, days and remunerations (in euro cents). The
    consultation needs a covering integration of the person (finality). The
    employer's whole personnel is only delivered by batch. Contract: official
    (set-b DmfaConsultationV1.wsdl); the blocks a social inquiry does not read
    are kept out of the models.

    Statuses: PARTIAL_RESULT (a source did not answer) and RESPONSE_IN_BATCH
    (delivered by batch) are results (``partial``, ``in_batch``); NO_RESULT
    codes raise as everywhere.
    """

    service = catalogue.get("DmfaConsultation")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    def _quarters(self, start: Quarter | str | None,
                  end: Quarter | str | None) -> tuple[Quarter, Quarter]:
        today = self._client._today()
        first, last = default_quarters(start, end, today=today)
        check_quarters(first, last, today=today)
        return first, last

    @operation("consultDmfaAttestationsBySsin", aliases={"sectors": ("--sector",)})
    def attestations(
        self,
        ssin: str,
        *,
        start: Quarter | str | None = None,
        end: Quarter | str | None = None,
        employer: str | EmployerRef | None = None,
        employer_kind: EmployerIdKind | None = None,
        employer_class: int | None = None,
        worker_code: int | None = None,
        attestation_id: int | None = None,
        attestation_version: int | None = None,
        all_versions: bool = False,
        local_authorities: LocalAuthorities | None = None,
        sectors: tuple[SectorIndicator | str, ...] | list[SectorIndicator | str] = (),
        batch: bool = False,
        next_page: str | None = None,
        context: CallContext | None = None,
    ) -> DmfaAttestationsResult:
        """The DmfA attestations of a worker (``consultDmfaAttestationsBySsin``).

        One page: when ``next_page`` is set in the result, ask again with it (or
        use `pages`). One to four quarters; without `start` and `end`, the last
        four quarters that have ended. Raises `ValidationError` before sending
        for a bad SSIN, quarter range or filter.

        Args:
            ssin: the worker's SSIN, in any written form
            start: first quarter, YYYYQn (e.g. 2025Q1)
            end: last quarter, YYYYQn; at most 4 quarters from start
            employer: only this employer's attestations (KBO/BCE number, or RSZ number
                with employer_kind noss)
            employer_kind: cbe (default) or noss
            employer_class: with employer: only this employer class (0-999)
            worker_code: with employer: only this worker code (e.g. 15, 495)
            attestation_id: only this attestation (not with employer)
            attestation_version: with attestation_id: this version of it
            all_versions: every version of the attestations, not only the latest situation
            local_authorities: only (provincial and local authorities only) or excluded
            sectors: up to two sector indicators PRI, PFR, PLP
            batch: ask for the answer by batch (RESPONSE_IN_BATCH) instead of online
            next_page: the next-page token of the previous page
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        first, last = self._quarters(start, end)
        criteria = AttestationsCriteria(
            ssin=subject,
            start=first,
            end=last,
            batch=batch,
            latest_only=not all_versions,
            local_authorities=_authorities(local_authorities),
            sectors=_sectors(sectors),
            attestation_id=attestation_id,
            attestation_version=attestation_version,
            employer=employer_id(employer, employer_kind) if employer is not None else None,
            employer_class=employer_class,
            worker_code=worker_code,
            next_page=next_page,
        )
        reply = self._client._call(
            self.service,
            "consultDmfaAttestationsBySsin",
            lambda payload: _wire.write_attestations_criteria(payload, criteria),
            context=context,
            subjects=(subject,),
        )
        page = _wire.read_attestations_page(reply.payload)
        return DmfaAttestationsResult(
            attestations=page.attestations,
            status=reply.status,
            receipt=reply.receipt,
            ssin=page.ssin,
            next_page=page.next_page,
            data_filters=page.data_filters,
            unsupported=page.unsupported,
        )

    def pages(
        self,
        ssin: str,
        *,
        start: Quarter | str | None = None,
        end: Quarter | str | None = None,
        employer: str | EmployerRef | None = None,
        employer_kind: EmployerIdKind | None = None,
        all_versions: bool = False,
        local_authorities: LocalAuthorities | None = None,
        context: CallContext | None = None,
    ) -> Iterator[DmfaAttestationsResult]:
        """Every page of `attestations`, following ``next_page`` (each page is a call).

        Raises `ResponseError` when the KSZ hands back a token it already gave.
        """
        seen: set[str] = set()
        token: str | None = None
        for _ in range(_MAX_PAGES):
            page = self.attestations(
                ssin, start=start, end=end, employer=employer, employer_kind=employer_kind,
                all_versions=all_versions, local_authorities=local_authorities,
                next_page=token, context=context,
            )
            yield page
            token = page.next_page
            if token is None:
                return
            if token in seen:
                raise ResponseError("the KSZ repeats a next-page token: the paging does not end")
            seen.add(token)
        raise ResponseError(f"more than {_MAX_PAGES} pages of attestations")

    @operation("consultPersonnelByEmployer", aliases={"sectors": ("--sector",)})
    def personnel(
        self,
        employer: str | EmployerRef,
        *,
        employer_kind: EmployerIdKind | None = None,
        start: Quarter | str | None = None,
        end: Quarter | str | None = None,
        employer_class: int | None = None,
        worker_code: int | None = None,
        all_versions: bool = False,
        local_authorities: LocalAuthorities | None = None,
        sectors: tuple[SectorIndicator | str, ...] | list[SectorIndicator | str] = (),
        context: CallContext | None = None,
    ) -> PersonnelRequestResult:
        """Ask for the workers an employer declared (``consultPersonnelByEmployer``).

        Answered by batch only: the result says RESPONSE_IN_BATCH (``in_batch``)
        and the attestations come by file transfer. No SSIN travels.

        Args:
            employer: the employer's KBO/BCE number (or RSZ number with employer_kind noss)
            employer_kind: cbe (default) or noss
            start: first quarter, YYYYQn (e.g. 2025Q1)
            end: last quarter, YYYYQn; at most 4 quarters from start
            employer_class: only this employer class (0-999)
            worker_code: only this worker code (e.g. 15, 495)
            all_versions: every version of the attestations, not only the latest situation
            local_authorities: only (provincial and local authorities only) or excluded
            sectors: up to two sector indicators PRI, PFR, PLP
            context: the call context, when not bound with `acting_for`
        """
        wanted = employer_id(employer, employer_kind)
        first, last = self._quarters(start, end)
        criteria = PersonnelCriteria(
            employer=wanted,
            start=first,
            end=last,
            latest_only=not all_versions,
            local_authorities=_authorities(local_authorities),
            sectors=_sectors(sectors),
            employer_class=employer_class,
            worker_code=worker_code,
        )
        reply = self._client._call(
            self.service,
            "consultPersonnelByEmployer",
            lambda payload: _wire.write_personnel_criteria(payload, criteria),
            context=context,
            subjects=(),
        )
        return PersonnelRequestResult(status=reply.status, receipt=reply.receipt)
