"""Sandbox handlers of the leefloon refund exchanges with the POD-MI.

registerAttest stores an attest record (kind ``leefloon-attest``) for the
calling OCMW; stopAttest ends it; ListOfAttestations (SSDN 20080317) shows the
POD-MI's decision on every attest of the person, of any OCMW, whose right
overlaps the search period. Modelled behaviour (no public source):

- the POD-MI decides at once: an attest is ``ACCEPTED`` on the day it is
  registered, ``STOPPED`` once its end is communicated; RequestType ``RIS``
  lists the quality code 2 attests, ``STATUT65`` the quality code 3 ones and
  the Law of 1965 decisions (forms A, B1, B2, D1, D2, F, C: `wet65.statut65_decisions`);
  EXONERATIONSART35 and GPMI_PIIS have no sandbox data
  (an empty, successful reply);
- an attest needs an integration of the person by this OCMW for ITS quality
  code at some time of the right (else NO_RESULT MSG00012); the engine has
  already refused a caller that has not integrated the person at all;
- refusals (NO_RESULT MSG00008 with ``reason``): a reference this OCMW already
  registered (``DUPLICATE_REFERENCE``), a stop of an attest it does not know
  (``UNKNOWN_ATTEST``), of one already stopped (``ALREADY_STOPPED``) or with an
  end before the start of the right (``END_BEFORE_START``); the person as the
  registers refuse it (MSG00005 unknown, MSG00006 replaced, MSG00009
  deceased before the right starts);
- registerRecoveredAmount needs this OCMW's attest (``UNKNOWN_ATTEST``), a new
  recovery reference (``DUPLICATE_REFERENCE``) and a total recovered not above
  what the attest refunded up to the recovery date, the monthly amount per
  month begun (``ABOVE_REFUNDED``); RIS/STATUT65 list the recoveries;
- requestOrganicLawRefund: one premium per person (``ALREADY_GRANTED``, of any
  OCMW), a new reference, at most `PREMIUM_MAXIMUM` (``ABOVE_MAXIMUM``); an
  integration for the call's quality code on the installation date;
  PRIME_INSTALLATION lists the premiums with their amount;
- ListOfAttestations refuses a payload that breaks ``wsdl/ssdn/ListOfAttestations.xsd``
  (30000001), an unknown RequestType (30000001), a SearchPeriod with GPMI_PIIS
  or missing with another type (30000001), and the person (MSG00011/5/6).
"""

from __future__ import annotations

import datetime as _dt
import uuid
from typing import Final

from ksz_client import _xml, catalogue
from ksz_client.sandbox.handlers import (
    Answer,
    HandlerContext,
    SsdnAnswer,
    handles,
    handles_ssdn,
    ssdn_error,
    status,
)
from ksz_client.sandbox.handlers._legacy_ssdn import (
    INVALID,
    Refused,
    check_contract,
    person_index,
)
from ksz_client.sandbox.handlers.wet65 import statut65_decisions
from ksz_client.sandbox.state import Record
from ksz_client.services.leefloon_refund import _wire
from ksz_client.services.leefloon_refund.models import (
    REQUEST_TYPES,
    Attestation,
    AttestState,
    Duration,
    InstallationPremium,
    Recovery,
    RefundAttest,
)
from ksz_client.types import Money, Period

__all__ = [
    "ATTEST_KIND",
    "PREMIUM_KIND",
    "PREMIUM_MAXIMUM",
    "RECOVERY_KIND",
    "list_of_attestations",
    "register_attest",
    "register_recovered_amount",
    "request_organic_law_refund",
    "stop_attest",
]

ATTEST_KIND: Final = "leefloon-attest"
"""The state records of the refund attests."""
RECOVERY_KIND: Final = "leefloon-recovery"
"""The state records of the amounts recovered on an attest."""
PREMIUM_KIND: Final = "installation-premium"
"""The state records of the installation premiums."""
PREMIUM_MAXIMUM: Final = Money.from_cents(173_046)
"""The sandbox's maximum installation premium (the real one is indexed yearly)."""
_TYPE_OF_CODE: Final = {2: "RIS", 3: "STATUT65"}
_DESCRIPTION: Final = {2: "Leefloon / revenu d'intégration", 3: "Equivalent leefloon"}
_FORM: Final = {2: "RIS", 3: "L65"}
_LIST: Final = catalogue.get("OCMWCPASListOfAttestations")


def _refused(reason: str) -> Answer:
    return Answer(status("NO_RESULT", "MSG00008", reason=reason))


def _person(ctx: HandlerContext, number: str, start: _dt.date) -> Answer | None:
    population = ctx.population
    index = population.index_of(number)
    if index is None:
        return Answer(status("NO_RESULT", "MSG00005"))
    replaced = population.replaced_by(index)
    if replaced is not None:
        return Answer(status("NO_RESULT", "MSG00006", newSSIN=str(population.ssin_of(replaced))))
    died = population.death_date(index)
    if died is not None and died < start:
        return Answer(status("NO_RESULT", "MSG00009"))
    return None


def _integrated_for(ctx: HandlerContext, number: str, code: int, right: Period) -> bool:
    """Whether this OCMW integrated the person for `code` at some time of the right."""
    if ctx.state is None:
        return False
    return any(i.quality_code == code and _overlaps(i.period, right)
               for i in ctx.state.integrations(ssin=number, organisation=ctx.organisation))


def _own(ctx: HandlerContext, number: str, reference: str) -> Record | None:
    assert ctx.state is not None
    found = [r for r in ctx.state.records(ATTEST_KIND, ssin=number, organisation=ctx.organisation)
             if r.data.get("reference") == reference]
    return found[0] if found else None


def _attest(record: Record) -> RefundAttest:
    data = record.data
    end = data.get("end")
    return RefundAttest(
        attest_id=record.key,
        reference=str(data["reference"]),
        quality_code=int(str(data["quality_code"])),
        period=Period(_dt.date.fromisoformat(str(data["start"])),
                      _dt.date.fromisoformat(end) if isinstance(end, str) else None),
        monthly_amount=Money.from_cents(int(str(data["monthly_cents"]))),
        state=AttestState(str(data["state"])),
    )


def _fill(attest: RefundAttest) -> Answer:
    def fill(result: _xml.Element) -> None:
        _wire.write_attest(result, attest)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)


@handles("OCMWCPASRegisterAttest", "registerAttest")
def register_attest(ctx: HandlerContext, request: _xml.Element) -> Answer:
    """Store the attest; the POD-MI accepts it at once (modelled)."""
    asked = _wire.read_register(request)
    refused = _person(ctx, asked.ssin, asked.period.start)
    if refused is not None:
        return refused
    if not _integrated_for(ctx, asked.ssin, asked.quality_code, asked.period):
        return Answer(status("NO_RESULT", "MSG00012"))
    assert ctx.state is not None
    if _own(ctx, asked.ssin, asked.reference) is not None:
        return _refused("DUPLICATE_REFERENCE")
    record = ctx.state.add_record(ATTEST_KIND, {
        "reference": asked.reference,
        "quality_code": asked.quality_code,
        "start": asked.period.start.isoformat(),
        "end": asked.period.end.isoformat() if asked.period.end else None,
        "decision_date": asked.decision_date.isoformat(),
        "category": asked.category.value,
        "monthly_cents": asked.monthly_amount.cents,
        "state": AttestState.REGISTERED.value,
        "registered": ctx.today.isoformat(),
    }, ticket=ctx.ticket, at=ctx.now, ssin=asked.ssin, organisation=ctx.organisation,
        key=f"PODMI-{uuid.uuid4().hex[:16].upper()}")
    return _fill(_attest(record))


@handles("OCMWCPASStopAttest", "stopAttest")
def stop_attest(ctx: HandlerContext, request: _xml.Element) -> Answer:
    """End the attest with that reference of the calling OCMW."""
    asked = _wire.read_stop(request)
    refused = _person(ctx, asked.ssin, _dt.date.min)
    if refused is not None:
        return refused
    assert ctx.state is not None
    record = _own(ctx, asked.ssin, asked.reference)
    if record is None or int(str(record.data["quality_code"])) != asked.quality_code:
        return _refused("UNKNOWN_ATTEST")
    attest = _attest(record)
    if not _integrated_for(ctx, asked.ssin, asked.quality_code, attest.period):
        return Answer(status("NO_RESULT", "MSG00012"))
    if attest.state is AttestState.STOPPED:
        return _refused("ALREADY_STOPPED")
    if asked.end < attest.period.start:
        return _refused("END_BEFORE_START")
    changed = ctx.state.update_record(ATTEST_KIND, record.key, {
        "end": asked.end.isoformat(), "state": AttestState.STOPPED.value,
        "stopped": ctx.today.isoformat()}, ticket=ctx.ticket, at=ctx.now)
    return _fill(_attest(changed))


def _whole_months(start: _dt.date, end: _dt.date) -> int:
    """Whole months from `start` to `end` inclusive (1 Jan..31 Jan is one)."""
    after = end + _dt.timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    return months if after.day >= start.day else months - 1


def _recoveries(ctx: HandlerContext, record: Record) -> list[Recovery]:
    assert ctx.state is not None
    return [Recovery(str(record.data["reference"]), str(r.data["recovery_reference"]),
                     _dt.date.fromisoformat(str(r.data["date"])),
                     Money.from_cents(int(str(r.data["cents"]))))
            for r in ctx.state.records(RECOVERY_KIND, ssin=record.ssin,
                                       organisation=record.organisation)
            if r.data.get("attest") == record.key]


def _months_begun(start: _dt.date, day: _dt.date) -> int:
    if day < start:
        return 0
    return (day.year - start.year) * 12 + day.month - start.month + (day.day >= start.day)


@handles("OCMWCPASRegisterRecoveredAmount", "registerRecoveredAmount")
def register_recovered_amount(ctx: HandlerContext, request: _xml.Element) -> Answer:
    """Store a recovery on this OCMW's attest."""
    asked = _wire.read_recovery_request(request)
    refused = _person(ctx, asked.ssin, _dt.date.min)
    if refused is not None:
        return refused
    assert ctx.state is not None
    record = _own(ctx, asked.ssin, asked.reference)
    if record is None or int(str(record.data["quality_code"])) != asked.quality_code:
        return _refused("UNKNOWN_ATTEST")
    attest = _attest(record)
    if not _integrated_for(ctx, asked.ssin, asked.quality_code, attest.period):
        return Answer(status("NO_RESULT", "MSG00012"))
    done = _recoveries(ctx, record)
    if any(r.recovery_reference == asked.recovery_reference for r in done):
        return _refused("DUPLICATE_REFERENCE")
    last = min(asked.date, attest.period.end or asked.date)
    refunded = attest.monthly_amount.cents * _months_begun(attest.period.start, last)
    total = sum(r.amount.cents for r in done) + asked.amount.cents
    if total > refunded:
        return _refused("ABOVE_REFUNDED")
    ctx.state.add_record(RECOVERY_KIND, {
        "attest": record.key, "recovery_reference": asked.recovery_reference,
        "date": asked.date.isoformat(), "cents": asked.amount.cents,
    }, ticket=ctx.ticket, at=ctx.now, ssin=asked.ssin, organisation=ctx.organisation)
    recovery = Recovery(asked.reference, asked.recovery_reference, asked.date, asked.amount,
                        Money.from_cents(total))

    def fill(result: _xml.Element) -> None:
        _wire.write_recovery(result, recovery)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)


def _premium(record: Record) -> InstallationPremium:
    return InstallationPremium(record.key, str(record.data["reference"]),
                               _dt.date.fromisoformat(str(record.data["installed"])),
                               Money.from_cents(int(str(record.data["cents"]))))


@handles("OCMWCPASOrganicLaw", "requestOrganicLawRefund")
def request_organic_law_refund(ctx: HandlerContext, request: _xml.Element) -> Answer:
    """Store an installation premium; one per person."""
    asked = _wire.read_premium_request(request)
    refused = _person(ctx, asked.ssin, asked.installation_date)
    if refused is not None:
        return refused
    assert ctx.state is not None
    if not _integrated_for(ctx, asked.ssin, asked.quality_code, Period(asked.installation_date,
                                                                       asked.installation_date)):
        return Answer(status("NO_RESULT", "MSG00012"))
    held = ctx.state.records(PREMIUM_KIND, ssin=asked.ssin)
    if any(r.organisation == ctx.organisation and r.data.get("reference") == asked.reference
           for r in held):
        return _refused("DUPLICATE_REFERENCE")
    if held:
        return _refused("ALREADY_GRANTED")
    if asked.amount > PREMIUM_MAXIMUM:
        return _refused("ABOVE_MAXIMUM")
    record = ctx.state.add_record(PREMIUM_KIND, {
        "reference": asked.reference, "installed": asked.installation_date.isoformat(),
        "decided": asked.decision_date.isoformat(), "cents": asked.amount.cents,
        "quality_code": asked.quality_code, "registered": ctx.today.isoformat(),
    }, ticket=ctx.ticket, at=ctx.now, ssin=asked.ssin, organisation=ctx.organisation,
        key=f"PRIME-{uuid.uuid4().hex[:16].upper()}")
    premium = _premium(record)

    def fill(result: _xml.Element) -> None:
        _wire.write_premium(result, premium)

    return Answer(status("DATA_FOUND", "MSG00000"), fill)


def _premium_decision(record: Record) -> Attestation:
    premium = _premium(record)
    return Attestation(
        ssin=str(record.ssin), cpas_kbo_number=str(record.organisation),
        entry_date=premium.installation_date, attest_type_code="PRIME_INSTALLATION",
        attest_type_description="Installation premium", form_type="PI", duration=None,
        decision_date=_dt.date.fromisoformat(str(record.data["registered"])),
        reference=premium.reference, status="ACCEPTED", relation_type="BENEFICIARY",
        amount=premium.amount,
    )


def _decision(ctx: HandlerContext, record: Record) -> Attestation:
    attest = _attest(record)
    end = attest.period.end
    duration = None
    if end is not None:
        days = (end - attest.period.start).days + 1
        duration = Duration(days=days, weeks=days // 7,
                            months=_whole_months(attest.period.start, end))
    return Attestation(
        ssin=str(record.ssin),
        cpas_kbo_number=str(record.organisation),
        entry_date=attest.period.start,
        attest_type_code=_TYPE_OF_CODE[attest.quality_code],
        attest_type_description=_DESCRIPTION[attest.quality_code],
        form_type=_FORM[attest.quality_code],
        duration=duration,
        decision_date=_dt.date.fromisoformat(str(record.data["registered"])),
        reference=attest.reference,
        status="STOPPED" if attest.state is AttestState.STOPPED else "ACCEPTED",
        relation_type="BENEFICIARY",
        end_date=end,
        recovered=tuple(_recoveries(ctx, record)),
    )


def _overlaps(a: Period, b: Period) -> bool:
    return (a.end is None or b.start <= a.end) and (b.end is None or a.start <= b.end)


@handles_ssdn("OCMWCPASListOfAttestations")
def list_of_attestations(ctx: HandlerContext, request: _xml.Element) -> SsdnAnswer:
    """The POD-MI decisions on the person's attests of the RequestType."""
    try:
        check_contract(_LIST, request)
        try:
            asked = _wire.read_list_request(request)
        except ValueError:
            return ssdn_error(INVALID, "the SearchPeriod cannot be read")
        if asked.request_type not in REQUEST_TYPES:
            return ssdn_error(INVALID, "unknown RequestType")
        if (asked.period is None) != (asked.request_type == "GPMI_PIIS"):
            return ssdn_error(INVALID, "GPMI_PIIS goes without SearchPeriod, the others with one")
        person_index(ctx, asked.ssin)
    except Refused as refused:
        return refused.answer
    decisions: list[Attestation] = []
    if ctx.state is not None and asked.period is not None:
        for record in ctx.state.records(ATTEST_KIND, ssin=asked.ssin):
            attest = _attest(record)
            if (_TYPE_OF_CODE[attest.quality_code] == asked.request_type
                    and _overlaps(attest.period, asked.period)):
                decisions.append(_decision(ctx, record))
        if asked.request_type == "STATUT65":
            # The Law of 1965 decisions (forms A..F) are equivalent leefloon decisions too.
            decisions.extend(statut65_decisions(ctx.state, asked.ssin, asked.period))
        if asked.request_type == "PRIME_INSTALLATION":
            decisions.extend(_premium_decision(r)
                             for r in ctx.state.records(PREMIUM_KIND, ssin=asked.ssin)
                             if asked.period.contains(_premium(r).installation_date))
    return SsdnAnswer(payload=_wire.write_list_reply(asked, decisions))
