"""ChildBenefits V1: ``client.child_benefits.files(ssin)``."""

from __future__ import annotations

import datetime as _dt
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from ksz_client import catalogue
from ksz_client._exceptions import ValidationError
from ksz_client.services._registry import operation
from ksz_client.services.child_benefits import _wire
from ksz_client.services.child_benefits.models import (
    AuthenticSource,
    ChildBenefitsResult,
    SourceAnswer,
)
from ksz_client.types import CallContext, Month, StatusValue

if TYPE_CHECKING:
    from ksz_client._client import KszClient

__all__ = ["ChildBenefitsService"]

MonthLike = Month | _dt.date | str


class ChildBenefitsService:
    """ChildBenefits V1 (KSZ; sources: Opgroeien, AVIQ/FAMIWAL, IRISCARE, the German-speaking
    Community and FAMIFED, through the child-benefit cadastre).

    Child-benefit files and their family composition (attributed, allocated,
    beneficiary children), without amounts. The KSZ answers one authentic
    source per call; `files` asks every source wanted and merges the files.
    Needs a covering integration. Default legal context
    ``PCSA:SOCIAL_INQUIRY``. Contract: modelled on the WS-Consult conventions
    (no public contract).
    """

    service = catalogue.get("ChildBenefits")

    def __init__(self, client: KszClient) -> None:
        self._client = client

    @operation("consultFilesBySsin", aliases={"sources": ("--source",)})
    def files(
        self,
        ssin: str,
        *,
        sources: tuple[AuthenticSource | str, ...] | list[AuthenticSource | str] | str = (),
        begin_month: MonthLike | None = None,
        end_month: MonthLike | None = None,
        sequential: bool = False,
        context: CallContext | None = None,
    ) -> ChildBenefitsResult:
        """Child-benefit files of a person, merged over the sources (``consultFilesBySsin``).

        One call per source (the KSZ takes one authentic source a call). With
        several sources the calls run concurrently, one thread each, unless
        `sequential`; when any call fails, the first failure in the order of
        `sources` is raised once all calls are done. Each call is audited and
        checked for finality on its own.

        Args:
            ssin: the person's SSIN, in any written form
            sources: authentic sources to ask (FLANDERS, WALLONIA, BRUSSELS, EASTBELGIUM,
                FEDERAL; default all five)
            begin_month: first month, YYYY-MM (default: 11 months before the end month)
            end_month: last month, YYYY-MM (default: this month)
            sequential: ask the sources one after the other instead of concurrently
            context: the call context, when not bound with `acting_for`
        """
        subject = self._client._validate_ssin(ssin)
        wanted = (sources,) if isinstance(sources, str) else tuple(sources)
        asked = tuple(dict.fromkeys(AuthenticSource.parse(s) for s in wanted)) \
            or tuple(AuthenticSource)
        last = Month.parse(end_month) if end_month is not None \
            else Month.parse(self._client._today())
        if begin_month is None:
            index = last.year * 12 + last.month - 1 - 11
            first = Month(index // 12, index % 12 + 1)
        else:
            first = Month.parse(begin_month)
        if last < first:
            raise ValidationError("the end month comes before the begin month")

        def ask(source: AuthenticSource) -> SourceAnswer:
            criteria = _wire.Criteria(str(subject), first, last, source)
            reply = self._client._call(
                self.service,
                "consultFilesBySsin",
                lambda payload: _wire.write_criteria(payload, criteria),
                context=context,
                subjects=(subject,),
            )
            result = reply.payload.find("result")
            files = tuple(_wire.read_file(f) for f in result.iterfind("file")) \
                if result is not None else ()
            return SourceAnswer(source, files, reply.status, reply.receipt)

        if sequential or len(asked) == 1:
            answers = tuple(ask(s) for s in asked)
        else:
            with ThreadPoolExecutor(max_workers=len(asked),
                                    thread_name_prefix="ksz-child-benefits") as pool:
                futures = [pool.submit(ask, s) for s in asked]
            # Every call is done here; .result() raises the first failure in source order.
            answers = tuple(f.result() for f in futures)
        found = next((a for a in answers if a.status.value == StatusValue.DATA_FOUND), None)
        return ChildBenefitsResult(
            files=tuple(f for a in answers for f in a.files),
            answers=answers,
            begin_month=first,
            end_month=last,
            status=found.status if found is not None else answers[0].status,
            receipt=answers[0].receipt,
        )
