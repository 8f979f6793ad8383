"""RetrieveTIGroups: `client.ti_groups.get(ssin)` (V2) and `client.ti_groups_v5.get(ssin)` (V5)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Final

from lxml import etree

from ksz_client import _xml, catalogue
from ksz_client._exceptions import ValidationError
from ksz_client.services._registry import operation
from ksz_client.services.ti_groups import _wire
from ksz_client.services.ti_groups.models import Language, TIGroupsResult, _Deferred
from ksz_client.ssin import Ssin
from ksz_client.types import CallContext

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["V5_LEGAL_CONTEXTS", "TIGroupsService", "TIGroupsV5Service"]

V5_LEGAL_CONTEXTS: Final = ("social issues", "administrative staff")
"""The legal contexts the V5 contract accepts (an enumeration; absent means the first)."""


def _language(value: Language | str) -> Language:
    try:
        return Language(value.lower() if isinstance(value, str) else value)
    except ValueError:
        raise ValidationError("language is nl, fr or de") from None


class TIGroupsService:
    """RetrieveTIGroups V2 (KSZ; source: national register).

    A person's full national-register record with the municipal data (TI groups):
    identification, names, birth, sex, nationality, civil state, residence and
    address history, household, decease, registration register, and the rest as
    raw XML. Needs a covering integration; legal context ``PCSA:SOCIAL_INQUIRY`` by
    default (mandatory since V2). Contract: official (RetrieveTIGroupsV2.wsdl).
    """

    service = catalogue.get("RetrieveTIGroups")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("retrieveTI")
    def get(
        self,
        ssin: str,
        *,
        language: Language | str = Language.FR,
        history: bool = False,
        context: CallContext | None = None,
    ) -> TIGroupsResult:
        """The national-register record of a person (``retrieveTI``), V2.

        Returns the record (status DATA_FOUND), or ``record=None`` with status
        NO_DATA_FOUND (e.g. a person in the BIS register only). Raises
        `ValidationError` before sending for a malformed SSIN or language,
        `NotIntegrated` when no integration covers the person, `SsinReplaced`
        (MSG00006) and `UnknownSsin` (MSG00005).

        Args:
            ssin: the person's SSIN, in any written form
            language: nl, fr or de: the language of the register's labels
            history: also the items that no longer hold (past addresses, names...)
            context: the call context, when not bound with `acting_for`
        """
        return self._retrieve(ssin, language=language, history=history, context=context)

    def _retrieve(
        self,
        ssin: str,
        *,
        language: Language | str,
        history: bool,
        context: CallContext | None,
    ) -> TIGroupsResult:
        subject = self._client._validate_ssin(ssin)
        lang = _language(language)
        reply = self._client._call(
            self.service,
            "retrieveTI",
            lambda payload: self._build(payload, subject, lang, bool(history)),
            context=self._context(context),
            subjects=(subject,),
        )
        record_el = reply.payload.find("rrn_it_implicit")
        if record_el is None:
            return TIGroupsResult(None, reply.status, reply.receipt, lang, bool(history))
        record = _wire.read_record(record_el)
        result = TIGroupsResult(record, reply.status, reply.receipt, lang, bool(history))
        return result._with_raw(_Deferred(partial(_raw, record_el)))

    def _build(self, payload: _xml.Element, ssin: Ssin, language: Language,
               history: bool) -> None:
        _wire.write_search(payload, ssin, language, history)

    def _context(self, context: CallContext | None) -> CallContext | None:
        return context


def _raw(element: _xml.Element) -> bytes:
    return etree.tostring(element, encoding="UTF-8")


class TIGroupsV5Service(TIGroupsService):
    """RetrieveTIGroups V5 (KSZ; source: national register), on the v1 interface.

    The same record as V2 with the national-register schema rn25 (release 2014-11).
    Its contract differs from V2 on the common blocks: the legal context is one of
    "social issues" (default) and "administrative staff", and the ticket has at most
    32 characters, so the SDK leaves it out (the call is traced by ticketCBSS and the
    audit record). Needs a covering integration. Contract: official
    (RetrieveTIGroups-v1.wsdl with RetrieveTIGroupsV5.xsd).
    """

    service = catalogue.get("RetrieveTIGroupsV5")

    @operation("retrieveTI")
    def get(
        self,
        ssin: str,
        *,
        language: Language | str = Language.FR,
        history: bool = False,
        context: CallContext | None = None,
    ) -> TIGroupsResult:
        """The national-register record of a person (``retrieveTI``), V5.

        As V2. The legal context sent is "social issues" unless the call context
        names "administrative staff" (V5 accepts no other).

        Args:
            ssin: the person's SSIN, in any written form
            language: nl, fr or de: the language of the register's labels
            history: also the items that no longer hold (past addresses, names...)
            context: the call context, when not bound with `acting_for`
        """
        return self._retrieve(ssin, language=language, history=history, context=context)

    def _build(self, payload: _xml.Element, ssin: Ssin, language: Language,
               history: bool) -> None:
        customer = payload.find("informationCustomer")
        ticket = customer.find("ticket") if customer is not None else None
        if customer is not None and ticket is not None:
            # V5's ticket holds 32 characters, the SDK's UUID 36; it is optional.
            customer.remove(ticket)
        super()._build(payload, ssin, language, history)

    def _context(self, context: CallContext | None) -> CallContext | None:
        wanted = self._client.context.merged(context).legal_context
        if wanted in V5_LEGAL_CONTEXTS:
            return context
        return (context or CallContext()).merged(CallContext(legal_context=V5_LEGAL_CONTEXTS[0]))

