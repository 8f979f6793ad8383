"""OCMWCPASL036 / OCMWCPASA036 (SSDN 20060315): ``client.l036`` and ``client.a036``."""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, NoReturn, TypeVar

from ksz_client import catalogue
from ksz_client._client import WithTicket
from ksz_client._exceptions import ResponseError, ValidationError
from ksz_client._inputs import date_arg, optional_date_arg
from ksz_client.audit import organisation_id
from ksz_client.services._registry import operation
from ksz_client.services.multifunctional_attest import _wire
from ksz_client.services.multifunctional_attest.models import (
    A036Attest,
    A036Request,
    A036Result,
    AttestationStatus,
    BenefitType,
    Category,
    L036Page,
    L036Query,
    L036Result,
    ProcessType,
    Reconciliation,
    check_decision_date,
)
from ksz_client.ssin import Ssin
from ksz_client.types import CallContext, Period, StatusValue

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["A036Service", "L036Service"]

_E = TypeVar("_E", BenefitType, Category, ProcessType)
_MAX_PAGES = 1000
"""A listing that does not end after this many pages is a broken answer, not a long one."""


def _choice(cls: type[_E], value: _E | str, name: str) -> _E:
    try:
        return cls(value)
    except ValueError:
        pass
    try:
        return cls[str(value).upper()]
    except KeyError:
        names = ", ".join(m.name for m in cls)
        raise ValidationError(f"{name} is one of {names}") from None


def _loop() -> NoReturn:
    raise ResponseError("the L036 answer pages in a loop (NextAnswerReference repeats)")



class L036Service:
    """OCMWCPASL036, SSDN 20060315 (KSZ; source: the OCMWs via the POD MI).

    Consults the multifunctional attests (A036) of a person for a period:
    benefit type (leefloon or equivalent leefloon), period of right, category
    and competent OCMW, with their history (replaced and deleted versions).
    The answer is paged: the first request asks, the following ones repeat it
    with the NextAnswerReference of the previous answer until it comes back
    empty. The answer covers every OCMW, so the OCMW's own integration of the
    person is required (finality). Contract: modelled (the XSD is not public).
    """

    service = catalogue.get("OCMWCPASL036")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    def _query(self, start: _dt.date | str | None, end: _dt.date | str | None,
               next_reference: str | None, unique_reference: str | None) -> L036Query:
        last = optional_date_arg(end, "end") or self._client._today()
        first = optional_date_arg(start, "start") or last.replace(month=1, day=1)
        return L036Query(Period(first, last), unique_reference or None, next_reference or None)

    def _page(self, subject: Ssin, query: L036Query, context: CallContext | None) -> L036Page:
        # A listing's first page has no UniqueReference yet: it is that call's ticket (the
        # SSDN Reference), so the KSZ, the audit log and the listing name it alike.
        reply = self._client._call(
            self.service,
            "consultL036",
            WithTicket(lambda payload, ticket: _wire.write_consult(
                payload, str(subject), query, ticket)),
            context=context,
            subjects=(str(subject),),
        )
        attests, following = _wire.read_page(reply.payload)
        if following is not None and following == query.next_reference:
            # The same reference again would page forever.
            _loop()
        return L036Page(attests=attests, next_reference=following,
                        unique_reference=query.unique_reference or reply.receipt.ticket,
                        status=reply.status, receipt=reply.receipt, warnings=reply.warnings)

    @operation("consultL036")
    def page(
        self,
        ssin: str,
        *,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        next_reference: str | None = None,
        unique_reference: str | None = None,
        context: CallContext | None = None,
    ) -> L036Page:
        """One page of the person's multifunctional attests (``L036 processType='L'``).

        OCMWCPASL036, SSDN version 20060315, source the OCMWs (via the POD MI).
        Without `next_reference` the first page; with the `next_reference` of
        the previous page (and its `unique_reference`) the following one. The
        last page has no `next_reference`. `list` and `pages` follow the pages
        for you. A period that ends before it starts raises `ValidationError`
        before sending; an SSDN refusal raises the typed `NoResult`.

        Args:
            ssin: the person's SSIN, in any written form
            start: first day of the period, YYYY-MM-DD (default: 1 January of the end's year)
            end: last day of the period, YYYY-MM-DD (default: today)
            next_reference: the NextAnswerReference of the previous page
            unique_reference: the UniqueReference of the listing (default: this call's
                ticket, the SSDN Reference, which a first page's listing takes)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        return self._page(subject, self._query(start, end, next_reference, unique_reference),
                          context)

    def pages(
        self,
        ssin: str,
        *,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        context: CallContext | None = None,
    ) -> Iterator[L036Page]:
        """Every page of the person's attests for a period, lazily (one L036 per page).

        Input is validated when iteration starts. Each page is a separate call
        (and audit record); stopping early sends no more.

        Args:
            ssin: the person's SSIN, in any written form
            start: first day of the period, YYYY-MM-DD (default: 1 January of the end's year)
            end: last day of the period, YYYY-MM-DD (default: today)
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        query = self._query(start, end, None, None)
        seen: set[str] = set()
        for _ in range(_MAX_PAGES):
            page = self._page(subject, query, context)
            yield page
            if page.next_reference is None:
                return
            if page.next_reference in seen:
                _loop()
            seen.add(page.next_reference)
            query = dataclasses.replace(query, unique_reference=page.unique_reference,
                                        next_reference=page.next_reference)
        _loop()

    @operation("consultL036")
    def list(
        self,
        ssin: str,
        *,
        start: _dt.date | str | None = None,
        end: _dt.date | str | None = None,
        context: CallContext | None = None,
    ) -> L036Result:
        """All the person's multifunctional attests for a period (every L036 page).

        OCMWCPASL036, SSDN version 20060315. Follows NextAnswerReference until
        it comes back empty and returns the attests of all pages; status
        NO_DATA_FOUND when there is none. `L036Result.in_force()` keeps the
        current versions, `on(day)` those covering a day.

        Args:
            ssin: the person's SSIN, in any written form
            start: first day of the period, YYYY-MM-DD (default: 1 January of the end's year)
            end: last day of the period, YYYY-MM-DD (default: today)
            context: the call context, when not bound with `acting_for`
        """
        pages = [*self.pages(ssin, start=start, end=end, context=context)]
        attests = tuple(a for p in pages for a in p.attests)
        last = pages[-1]
        status = last.status
        if not attests:
            status = dataclasses.replace(status, value=StatusValue.NO_DATA_FOUND,
                                         description="no multifunctional attest in the period")
        return L036Result(
            attests=attests,
            pages=len(pages),
            status=status,
            receipt=last.receipt,
            receipts=tuple(p.receipt for p in pages),
            warnings=tuple(w for p in pages for w in p.warnings),
        )


class A036Service:
    """OCMWCPASA036, SSDN 20060315 (KSZ; source: this OCMW, to the POD MI).

    Sends a multifunctional attest: the person receives leefloon (quality
    code 2) or equivalent leefloon (quality code 3) from this OCMW (the
    competent OCMW) for a period of right. An attest is created, changed or
    deleted within 7 days of the decision. A mutation: the person must be
    integrated for the benefit's quality code (finality, checked before
    sending); a lost answer raises `InDoubtError` and is never re-sent:
    `reconcile` establishes with an L036 listing what happened. Contract:
    modelled (payload inferred from the L036 exchange).
    """

    service = catalogue.get("OCMWCPASA036")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    def _request(
        self, process: ProcessType, *, decision_date: _dt.date | str,
        benefit: BenefitType | str, start: _dt.date | str, end: _dt.date | str | None,
        category: Category | str, attestation_id: str | None,
    ) -> A036Request:
        decided = date_arg(decision_date, "decision_date")
        check_decision_date(decided, self._client._today())
        return A036Request(
            process=process,
            ocmw=organisation_id(self._client.config.organisation),
            decision_date=decided,
            benefit=_choice(BenefitType, benefit, "benefit"),
            validity=Period(date_arg(start, "start"), optional_date_arg(end, "end")),
            category=_choice(Category, category, "category"),
            attestation_id=attestation_id.strip() if attestation_id else attestation_id,
        )

    def _send(self, ssin: str, request: A036Request, context: CallContext | None) -> A036Result:
        subject = self._client._validate_ssin(ssin)
        # The quality code travels in the call context: the finality guard checks
        # that the person is integrated for this benefit, and the audit says why.
        context = (context or CallContext()).merged(
            CallContext(quality_code=request.benefit.quality_code))
        # Its UniqueReference is the call's ticket: the in-doubt record names what the KSZ got.
        reply = self._client._call(
            self.service,
            "sendA036",
            WithTicket(lambda payload, ticket: _wire.write_send(
                payload, str(subject), ticket, request)),
            context=context,
            subjects=(str(subject),),
        )
        return A036Result(process=request.process, attest=_wire.read_sent(reply.payload),
                          status=reply.status, receipt=reply.receipt, warnings=reply.warnings)

    @operation("sendA036")
    def create(
        self,
        ssin: str,
        *,
        decision_date: _dt.date | str,
        start: _dt.date | str,
        end: _dt.date | str | None = None,
        benefit: BenefitType | str = BenefitType.LEEFLOON,
        category: Category | str,
        context: CallContext | None = None,
    ) -> A036Result:
        """Create a multifunctional attest (A036, ``processType='C'``) for this OCMW.

        OCMWCPASA036, SSDN version 20060315. The KSZ answers with the attest it
        now holds (its `attestation_id` is what a later change or deletion
        names). Raises `ValidationError` before sending for a decision in the
        future or more than 7 days old, a period that ends before it starts or
        an unknown code; `NotIntegrated` when the person is not integrated for
        the benefit's quality code (2 leefloon, 3 equivalent); `InvalidData`
        when the period overlaps an attest in force; `InDoubtError` when the
        answer is lost (never re-sent: see `reconcile`).

        Args:
            ssin: the person's SSIN, in any written form
            decision_date: the day the OCMW decided, YYYY-MM-DD (at most 7 days ago)
            start: first day of the right, YYYY-MM-DD
            end: last day of the right, YYYY-MM-DD (default: open-ended)
            benefit: LEEFLOON (quality code 2) or EQUIVALENT (equivalent leefloon, 3)
            category: COHABITANT, ISOLATED or FAMILY
            context: the call context, when not bound with `acting_for`
        """
        return self._send(ssin, self._request(
            ProcessType.CREATE, decision_date=decision_date, benefit=benefit, start=start,
            end=end, category=category, attestation_id=None), context)

    @operation("sendA036")
    def change(
        self,
        ssin: str,
        *,
        attestation_id: str,
        decision_date: _dt.date | str,
        start: _dt.date | str,
        end: _dt.date | str | None = None,
        benefit: BenefitType | str = BenefitType.LEEFLOON,
        category: Category | str,
        context: CallContext | None = None,
    ) -> A036Result:
        """Change an attest of this OCMW (A036, ``processType='M'``): a new version replaces it.

        OCMWCPASA036, SSDN version 20060315. The answer is the new version
        (new `attestation_id`, `update_attestation_id` naming the old one,
        which becomes REPLACED). Same checks as `create`; an attest that is
        not in force or belongs to another OCMW raises `InvalidData`, an
        unknown one `NoResult`.

        Args:
            ssin: the person's SSIN, in any written form
            attestation_id: the attest to change (its current version)
            decision_date: the day the OCMW decided the change, YYYY-MM-DD (at most 7 days ago)
            start: first day of the right as changed, YYYY-MM-DD
            end: last day of the right as changed, YYYY-MM-DD (default: open-ended)
            benefit: LEEFLOON (quality code 2) or EQUIVALENT (equivalent leefloon, 3)
            category: COHABITANT, ISOLATED or FAMILY
            context: the call context, when not bound with `acting_for`
        """
        return self._send(ssin, self._request(
            ProcessType.CHANGE, decision_date=decision_date, benefit=benefit, start=start,
            end=end, category=category, attestation_id=attestation_id), context)

    @operation("sendA036")
    def delete(
        self,
        ssin: str,
        *,
        attestation_id: str,
        decision_date: _dt.date | str,
        start: _dt.date | str,
        end: _dt.date | str | None = None,
        benefit: BenefitType | str = BenefitType.LEEFLOON,
        category: Category | str,
        context: CallContext | None = None,
    ) -> A036Result:
        """Delete an attest of this OCMW (A036, ``processType='D'``): it becomes CANCELLED.

        OCMWCPASA036, SSDN version 20060315. The attest is described as it
        stands (period and category). Same checks as `change`.

        Args:
            ssin: the person's SSIN, in any written form
            attestation_id: the attest to delete
            decision_date: the day the OCMW decided, YYYY-MM-DD (at most 7 days ago)
            start: first day of the right of the attest, YYYY-MM-DD
            end: last day of the right of the attest, YYYY-MM-DD (default: open-ended)
            benefit: LEEFLOON (quality code 2) or EQUIVALENT (equivalent leefloon, 3)
            category: COHABITANT, ISOLATED or FAMILY
            context: the call context, when not bound with `acting_for`
        """
        return self._send(ssin, self._request(
            ProcessType.DELETE, decision_date=decision_date, benefit=benefit, start=start,
            end=end, category=category, attestation_id=attestation_id), context)

    def reconcile(
        self,
        call_id: str,
        ssin: str,
        *,
        process: ProcessType | str,
        start: _dt.date | str,
        end: _dt.date | str | None = None,
        benefit: BenefitType | str = BenefitType.LEEFLOON,
        category: Category | str,
        attestation_id: str | None = None,
        context: CallContext | None = None,
    ) -> Reconciliation:
        """Establish with an L036 listing what became of an in-doubt A036.

        `call_id` is the `InDoubtError.call_id`; the other arguments repeat
        what that call sent. A CREATE counts as applied when an attest of this
        OCMW in force has exactly that benefit, category and period of right;
        a CHANGE when `attestation_id` is REPLACED and its successor is in
        force; a DELETE when `attestation_id` is CANCELLED. When auditing is
        on, the outcome is recorded with `AuditLog.resolve` (a mutation found
        not applied may then be sent again); `AuditError` when the audit log
        knows no unresolved in-doubt call with that id.

        Args:
            call_id: the ticket of the in-doubt call (InDoubtError.call_id)
            ssin: the person's SSIN the call was about
            process: C/CREATE, M/CHANGE or D/DELETE
            start: first day of the right the call sent
            end: last day of the right the call sent (default: open-ended)
            benefit: LEEFLOON or EQUIVALENT, as sent
            category: COHABITANT, ISOLATED or FAMILY, as sent
            attestation_id: the attest a CHANGE or DELETE named
            context: the call context, when not bound with `acting_for`
        """
        kind = _choice(ProcessType, process, "process")
        if kind is not ProcessType.CREATE and not attestation_id:
            raise ValidationError("a change or deletion names the attest (attestation_id)")
        validity = Period(date_arg(start, "start"), optional_date_arg(end, "end"))
        wanted_benefit = _choice(BenefitType, benefit, "benefit")
        wanted_category = _choice(Category, category, "category")
        today = self._client._today()
        listing = L036Service(self._client).list(
            ssin, start=min(validity.start, today), end=max(validity.end or today, today),
            context=context)
        own = organisation_id(self._client.config.organisation)
        found: A036Attest | None
        if kind is ProcessType.CREATE:
            found = next((a for a in listing.in_force()
                          if a.ocmw == own and a.attestation.validity == validity
                          and a.attestation.benefit is wanted_benefit
                          and a.attestation.category is wanted_category), None)
        elif kind is ProcessType.CHANGE:
            old = listing.find(attestation_id or "")
            found = next((a for a in listing.in_force()
                          if a.attestation.update_attestation_id == attestation_id), None)
            if old is None or old.attestation.status is not AttestationStatus.REPLACED:
                found = None
        else:
            found = listing.find(attestation_id or "")
            if found is not None and found.attestation.status is not AttestationStatus.CANCELLED:
                found = None
        applied = found is not None
        recorded = False
        log = self._client.audit
        if log is not None:
            user = self._client.context.merged(context).user or "ksz-client"
            log.resolve(call_id, by=user, applied=applied,
                        note=f"L036 (ticketCBSS {listing.receipt.ticket_cbss}): A036 "
                        f"{kind.name} {'applied' if applied else 'not applied'}")
            recorded = True
        return Reconciliation(call_id=call_id, process=kind, applied=applied, listing=listing,
                              recorded=recorded, attest=found)
