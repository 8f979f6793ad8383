"""Dolsis V1: `client.dolsis` (RSZ/ONSS employment data for the social inquiry)."""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from ksz_client import _xml, catalogue
from ksz_client._exceptions import FaultDetail, NoResult, ValidationError
from ksz_client._inputs import date_arg, optional_date_arg
from ksz_client.services._registry import operation
from ksz_client.services.dolsis import _wire
from ksz_client.services.dolsis._rsz import (
    EmployerIdKind,
    check_quarters,
    default_quarters,
    employer_id,
)
from ksz_client.services.dolsis.models import (
    DolsisCode,
    EmployerDetailResult,
    EmploymentDetailCriteria,
    EmploymentDetailResult,
    EmploymentsCriteria,
    EmploymentsResult,
    PostedWorkerDetailResult,
    PostedWorkerSearch,
    PostedWorkersResult,
    PostingDocumentResult,
    Scope,
    SecurityContext,
    check_technical_id,
)
from ksz_client.types import CallContext, EmployerRef, Period, Quarter

if TYPE_CHECKING:
    from ksz_client._client import KszClient, Reply

__all__ = ["DolsisService"]

_EARLIEST_DAY: Final = _dt.date(1990, 1, 1)
_AHEAD: Final = _dt.timedelta(days=366)  # a Dimona IN may be declared ahead of the work


class DolsisService:
    """Dolsis V1 (KSZ; sources: RSZ/ONSS Dimona, DmfA and employer repertory, and Limosa).

    Employment periods (Dimona), quarterly wages and working time (DmfA), the
    employer's record and foreign workers posted to Belgium (Limosa). Every
    request carries a `SecurityContext` (default: service WELFARE, legal context
    SOCIAL_INVESTIGATION_OF_PCSA, role Agent); `using` gives a view with other
    defaults, and each method takes ``role=``. The calls need a covering
    integration of the person (finality); the searches that carry no SSIN are
    filtered by the KSZ. Contract: modelled on the WS-Consult conventions (the
    KSZ's ``dolsis2011CBSS_subsetPSWC.wsdl`` is not public).

    Status codes: DOLS0004 and DOLS0005 (a source did not answer) are results
    with ``partial`` True; DOLS0000 (no match in the national or KSZ register)
    is a result without data; DOLS0009 (an error while composing the family)
    raises `NoResult`.
    """

    service = catalogue.get("Dolsis")

    def __init__(self, client: KszClient, security: SecurityContext | None = None) -> None:
        self._client = client
        self.security = security if security is not None else SecurityContext()

    def using(self, security: SecurityContext) -> DolsisService:
        """This service with another default security context (same client, same pool)."""
        return DolsisService(self._client, security)

    def __repr__(self) -> str:
        return f"DolsisService(security={self.security!r})"

    # --- the pipeline ------------------------------------------------------------------

    def _call(
        self,
        op: str,
        build: Callable[[_xml.Element], None],
        *,
        role: str | None,
        context: CallContext | None,
        subjects: tuple[str, ...],
    ) -> Reply:
        security = self.security if role is None else dataclasses.replace(self.security,
                                                                          role=role)

        def payload(root: _xml.Element) -> None:
            _wire.write_security_context(root, security)
            build(root)

        reply = self._client._call(self.service, op, payload, context=context,
                                   subjects=subjects)
        if reply.status.code == DolsisCode.FAMILY_COMPOSITION_ERROR:
            # An error at the KSZ, whatever the status value says: there is no answer to use.
            raise NoResult(
                f"{DolsisCode.FAMILY_COMPOSITION_ERROR.value}: the KSZ met an error while "
                f"composing the family (ticketCBSS {reply.receipt.ticket_cbss})",
                value=reply.status.value,
                code=reply.status.code,
                ticket=reply.receipt.ticket,
                ticket_cbss=reply.receipt.ticket_cbss,
                details=(FaultDetail("ERROR", reply.status.code,
                                     reply.status.description or ""),),
            )
        return reply

    # --- Dimona ------------------------------------------------------------------------

    @operation("findEmployersByWorker")
    def find_employers(
        self,
        ssin: str,
        *,
        scope: Scope | str = Scope.ACTIVE,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        role: str | None = None,
        context: CallContext | None = None,
    ) -> EmploymentsResult:
        """Employment periods of a worker from Dimona (``findEmployersByWorker``).

        Students and interim workers included; no wages (see `employment_detail`).
        Raises `ValidationError` before sending for a bad SSIN, scope or period.

        Args:
            ssin: the worker's SSIN, in any written form
            scope: active (running today, no period), activeInPeriod (ran during the
                period) or mutations (declared or changed during the period)
            start: first day of the period (YYYY-MM-DD), for activeInPeriod and mutations
            end: last day of the period (default: today)
            role: the securityContext role, when not the default (Agent)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        try:
            wanted = Scope(scope)
        except ValueError:
            raise ValidationError("the scope is active, activeInPeriod or mutations") from None
        period = None
        if wanted is Scope.ACTIVE:
            if start is not None or end is not None:
                raise ValidationError("the scope active takes no period")
        else:
            if start is None:
                raise ValidationError(f"the scope {wanted.value} needs the start of a period")
            today = self._client._today()
            first = date_arg(start, "start")
            last = optional_date_arg(end, "end") or today
            period = Period(first, last)
            if first < _EARLIEST_DAY or last > today + _AHEAD:
                raise ValidationError("the period lies outside what Dimona holds "
                                      "(1990 to a year from now)")
        criteria = EmploymentsCriteria(subject, wanted, period)
        reply = self._call(
            "findEmployersByWorker",
            lambda root: _wire.write_employments_criteria(root, criteria),
            role=role, context=context, subjects=(subject,),
        )
        return EmploymentsResult(
            employments=_wire.read_employments(reply.payload.find("result")),
            status=reply.status,
            receipt=reply.receipt,
        )

    # --- DmfA ----------------------------------------------------------------------------

    @operation("getEmploymentDetail")
    def employment_detail(
        self,
        ssin: str,
        *,
        employer: str | EmployerRef | None = None,
        employer_kind: EmployerIdKind | None = None,
        start: Quarter | str | None = None,
        end: Quarter | str | None = None,
        role: str | None = None,
        context: CallContext | None = None,
    ) -> EmploymentDetailResult:
        """Quarterly wages and working time with one employer (DmfA, ``getEmploymentDetail``).

        One to four quarters; without `start` and `end`, the last four quarters
        that have ended. Raises `ValidationError` before sending for a bad SSIN,
        employer number or quarter range.

        Args:
            ssin: the worker's SSIN, in any written form
            employer: the employer's KBO/BCE number (or RSZ/ONSS number with employer_kind noss)
            employer_kind: cbe (default) or noss
            start: first quarter, YYYYQn (e.g. 2025Q1)
            end: last quarter, YYYYQn; at most 4 quarters from start
            role: the securityContext role, when not the default (Agent)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        if employer is None:
            raise ValidationError("getEmploymentDetail needs the employer (KBO/BCE or RSZ number)")
        today = self._client._today()
        first, last = default_quarters(start, end, today=today)
        check_quarters(first, last, today=today)
        criteria = EmploymentDetailCriteria(subject, employer_id(employer, employer_kind),
                                            first, last)
        reply = self._call(
            "getEmploymentDetail",
            lambda root: _wire.write_employment_detail_criteria(root, criteria),
            role=role, context=context, subjects=(subject,),
        )
        found, vat, quarters = _wire.read_employment_detail(reply.payload.find("result"))
        return EmploymentDetailResult(
            employer=found, quarters=quarters, status=reply.status, receipt=reply.receipt,
            employer_vat_number=vat,
        )

    # --- employer repertory ----------------------------------------------------------------

    @operation("getEmployerDetail")
    def employer_detail(
        self,
        employer: str | EmployerRef,
        *,
        employer_kind: EmployerIdKind | None = None,
        role: str | None = None,
        context: CallContext | None = None,
    ) -> EmployerDetailResult:
        """An employer's record in the RSZ repertory (``getEmployerDetail``).

        KBO number, employer type, social secretariat, family allowance fund,
        curator (of a bankrupt employer). No SSIN travels.

        Args:
            employer: the employer's KBO/BCE number (or RSZ/ONSS number with employer_kind noss)
            employer_kind: cbe (default) or noss
            role: the securityContext role, when not the default (Agent)
            context: the call context, when not bound with `acting_for`
        """
        wanted = employer_id(employer, employer_kind)
        reply = self._call(
            "getEmployerDetail",
            lambda root: _wire.write_employer_detail_criteria(root, wanted),
            role=role, context=context, subjects=(),
        )
        return EmployerDetailResult(
            employer=_wire.read_employer_detail(reply.payload.find("result")),
            status=reply.status,
            receipt=reply.receipt,
        )

    # --- Limosa --------------------------------------------------------------------------

    @operation("findPostedWorkers", aliases={"max_results": ("--max",)})
    def find_posted_workers(
        self,
        last_name: str,
        *,
        given_name: str | None = None,
        birth_date: _dt.date | str | None = None,
        max_results: int = 10,
        role: str | None = None,
        context: CallContext | None = None,
    ) -> PostedWorkersResult:
        """Foreign workers posted to Belgium, searched by name in Limosa (``findPostedWorkers``).

        No SSIN travels; the KSZ returns only workers the OCMW has integrated.
        More matches than `max_results` give the first ones with status
        DOLS0004 (``partial``).

        Args:
            last_name: the worker's last name
            given_name: a given name, to narrow the search
            birth_date: the birth date (YYYY-MM-DD), to narrow the search
            max_results: at most this many workers (1-50)
            role: the securityContext role, when not the default (Agent)
            context: the call context, when not bound with `acting_for`
        """
        search = PostedWorkerSearch(
            last_name=last_name.strip(),
            given_name=given_name.strip() if given_name is not None else None,
            birth_date=optional_date_arg(birth_date, "birth_date"),
            max_results=max_results,
        )
        reply = self._call(
            "findPostedWorkers",
            lambda root: _wire.write_posted_workers_criteria(root, search),
            role=role, context=context, subjects=(),
        )
        return PostedWorkersResult(
            workers=_wire.read_posted_workers(reply.payload.find("result")),
            status=reply.status,
            receipt=reply.receipt,
        )

    @operation("PostedWorkerDetail")
    def posted_worker_detail(
        self,
        worker_id: str,
        *,
        role: str | None = None,
        context: CallContext | None = None,
    ) -> PostedWorkerDetailResult:
        """A posted worker, the employers and the postings, by Limosa id (``PostedWorkerDetail``).

        Args:
            worker_id: the worker's Limosa technical id (from `find_posted_workers`)
            role: the securityContext role, when not the default (Agent)
            context: the call context, when not bound with `acting_for`
        """
        wanted = check_technical_id(worker_id, "worker id")
        reply = self._call(
            "PostedWorkerDetail",
            lambda root: _wire.write_technical_id(root, "workerId", wanted),
            role=role, context=context, subjects=(),
        )
        worker, postings = _wire.read_posted_worker_detail(reply.payload.find("result"))
        return PostedWorkerDetailResult(worker=worker, postings=postings, status=reply.status,
                                        receipt=reply.receipt)

    @operation("FindPostingDocumentDetail")
    def posting_document_detail(
        self,
        document_id: str,
        *,
        role: str | None = None,
        context: CallContext | None = None,
    ) -> PostingDocumentResult:
        """A posting document by its technical id (``FindPostingDocumentDetail``).

        Args:
            document_id: the posting document's Limosa technical id
            role: the securityContext role, when not the default (Agent)
            context: the call context, when not bound with `acting_for`
        """
        wanted = check_technical_id(document_id, "posting document id")
        reply = self._call(
            "FindPostingDocumentDetail",
            lambda root: _wire.write_technical_id(root, "postingDocumentId", wanted),
            role=role, context=context, subjects=(),
        )
        return PostingDocumentResult(
            document=_wire.read_posting_document(reply.payload.find("result")),
            status=reply.status,
            receipt=reply.receipt,
        )
