"""Human output of any typed result: aligned fields, tables for lists, status and tickets.

A service may register a renderer of its own for a result type (`RENDERERS`);
everything else is shown by walking the frozen dataclass.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
from collections.abc import Callable, Sequence
from typing import Any

from ksz_client.cli import EXIT_BUSINESS, EXIT_OK
from ksz_client.types import Period

__all__ = ["RENDERERS", "code_text", "exit_code", "render"]

_META = ("status", "receipt")


def _person_result(result: Any) -> str:
    from ksz_client.cli._person import describe

    if result.person is None:
        return f"no data found ({result.status.code})"
    return describe(result.person)


def _person_search(result: Any) -> str:
    from ksz_client.cli._output import table

    if not result.persons:
        return f"no data found ({result.status.code})"
    rows = [
        (p.ssin.formatted, str(p.name), p.birth.date.isoformat() if p.birth else "",
         p.gender.value if p.gender else "", str(p.residential_address or ""))
        for p in result.persons
    ]
    return table(rows, header=("SSIN", "name", "born", "sex", "address"))


def _a036_rows(attests: Any) -> str:
    from ksz_client.cli._output import table

    rows = [
        (a.attestation.attestation_id, a.attestation.benefit.value,
         a.attestation.category.value, a.attestation.validity.start.isoformat(),
         a.attestation.validity.end.isoformat() if a.attestation.validity.end else "",
         a.ocmw, a.attestation.status.value + ("" if a.recent else " (old version)"),
         a.attestation.update_attestation_id or "")
        for a in attests
    ]
    return table(rows, header=("attest", "benefit", "category", "from", "to", "OCMW",
                               "status", "replaces"))


def _l036_result(result: Any) -> str:
    if not result.attests:
        return "no multifunctional attest in the period"
    return _a036_rows(result.attests) + f"\n{len(result.attests)} attest(s), {result.pages} page(s)"


def _l036_page(result: Any) -> str:
    body = _a036_rows(result.attests) if result.attests else "no attest on this page"
    if result.next_reference:
        body += (f"\nnext page: --next-reference {result.next_reference} "
                 f"--unique-reference {result.unique_reference}")
    return body


def _a036_result(result: Any) -> str:
    return f"A036 {result.process.name}\n" + _a036_rows((result.attest,))


def _warnings(warnings: Any) -> list[str]:
    from ksz_client._redact import mask_ssins

    return [f"warning {w.reason_code}: {mask_ssins(w.diagnostic)}" for w in warnings]


def _access_result(result: Any) -> str:
    from ksz_client.cli._output import table

    what = f"{result.action.value} {result.ssin.formatted}"
    if result.quality_code is not None:
        what += f" quality code {result.quality_code}"
    what += f" from {result.period.start}" + (f" to {result.period.end}"
                                              if result.period.end else "")
    rows = [
        (str(r.quality_code), r.quality or "", r.period.start.isoformat(),
         r.period.end.isoformat() if r.period.end else "", r.org_unit, r.register.value)
        for r in result.registrations
    ]
    lines = [what, *_warnings(result.warnings)]
    lines.append(table(rows, header=("code", "quality", "from", "to", "org unit", "register"))
                 if rows else "no registrations")
    return "\n".join(lines)


def _sync_result(result: Any) -> str:
    from ksz_client.cli._output import table

    count = len(result.integrations)
    head = (f"{count} integration{'' if count == 1 else 's'} of {result.organisation} for "
            f"{result.subjects} SSIN(s): {result.added} added, {result.removed} removed")
    rows = [(i.ssin, str(i.quality_code), i.start.isoformat(),
             i.end.isoformat() if i.end else "") for i in result.integrations]
    return head + ("\n" + table(rows, header=("SSIN", "code", "from", "to")) if rows else "")


def _persons_table(persons: Any) -> str:
    from ksz_client.cli._output import table

    return table([
        (p.ssin.formatted, p.register.value, str(p.name),
         p.birth.date.isoformat() if p.birth else "", p.gender.value if p.gender else "",
         str(p.addresses[0]) if p.addresses else "")
        for p in persons
    ], header=("SSIN", "register", "name", "born", "sex", "address"))


def _bis_registration(result: Any) -> str:
    from ksz_client.cli._person import describe

    if result.person is not None:
        return f"registered: BIS number {result.person.ssin.formatted}\n{describe(result.person)}"
    if result.outcome.value == "POSSIBLE_DUPLICATES":
        head = ("not registered: the phonetic check found persons this may be (nothing was sent "
                "to the BIS register); use one of them, or confirm with --create-anyway")
    else:
        head = "not registered: the KSZ knows persons this may be; use one of them"
    return f"{head}\n{_persons_table(result.candidates)}"


def _address_search(result: Any) -> str:
    if not result.persons:
        return f"no data found ({result.status.code})"
    return _persons_table(result.persons)


def _person_update(result: Any) -> str:
    from ksz_client.cli._output import table

    rows = [(u.group.value, u.outcome.value, u.reason_code or "", u.description or "")
            for u in result.updates]
    text = table(rows, header=("data group", "result", "reason", "description"))
    if result.person is not None:
        text = f"{result.person.ssin.formatted} ({result.person.register.value})\n{text}"
    return text


def _social_tariff(result: Any) -> str:
    from ksz_client.cli._output import table

    if not result.households:
        return f"no data found ({result.status.code})"
    blocks = []
    for h in result.households:
        if h.source_status is not None:
            blocks.append(f"unknown to the social-tariff database ({h.source_status.value})")
            continue
        roles = [name for name, on in (("final customer", h.roles.final_customer),
                                       ("household head", h.roles.household_head),
                                       ("protected person", h.roles.protected_person)) if on]
        lines = [f"the person is: {', '.join(roles) or 'a member of the household'}"]
        if h.address is not None:
            lines.append(f"address: {h.address}")
        if h.members:
            lines.append("members: " + "; ".join(f"{m.name} ({m.ssin.formatted})"
                                                  for m in h.members))
        rows = [
            (m.product.name.lower(), m.supplier, m.ean, str(m.customer or ""),
             {True: "yes", False: "no", None: "?"}[m.eligible],
             m.social_tariff.start.isoformat() if m.social_tariff else "",
             m.social_tariff.end.isoformat() if m.social_tariff and m.social_tariff.end else "")
            for m in h.matches
        ]
        lines.append(table(rows, header=("energy", "supplier", "EAN", "customer", "eligible",
                                         "from", "to")) if rows
                     else "no supplier contract matched")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _pensions(result: Any) -> str:
    from ksz_client.cli._output import table

    if not result.items:
        return "\n".join([f"no pension in the period ({result.status.code})",
                          *_warnings(result.warnings)])
    rows = [(i.pillar.value, i.kind.value, i.period.start.isoformat(),
             i.period.end.isoformat() if i.period.end else "", str(i.monthly_gross),
             i.institution or "") for i in result.items]
    return "\n".join([*_warnings(result.warnings), table(rows, header=(
        "pillar", "kind", "from", "to", "gross/month", "institution"))])


def _holiday_pay(result: Any) -> str:
    from ksz_client.cli._output import table

    if not result.attestations:
        return f"no holiday pay found ({result.status.code})"
    rows = [(str(a.holiday_year), str(a.employer or ""), str(a.days), str(a.single_pay),
             str(a.double_pay), str(a.total)) for a in result.attestations]
    return table(rows, header=("year", "employer", "days", "holiday pay", "double", "total"))


def _identify_result(result: Any) -> str:
    from ksz_client.cli._output import table

    if not result.persons:
        return "\n".join([*_warnings(result.warnings),
                          f"no data found ({result.status.code})"])
    if len(result.persons) == 1:
        from ksz_client.cli._person import describe

        one = result.persons[0]
        extra = ("\n(identity verified: extended data included)" if one.verified
                 else "\n(identity not verified: basic data only)")
        return "\n".join([*_warnings(result.warnings), describe(one.person) + extra])
    rows = [
        (i.person.ssin.formatted, str(i.person.name),
         i.person.birth.date.isoformat() if i.person.birth else "",
         i.person.gender.value if i.person.gender else "",
         str(i.person.residential_address or ""))
        for i in result.persons
    ]
    return "\n".join([*_warnings(result.warnings),
                      table(rows, header=("SSIN", "name", "born", "sex", "address"))])


def _family(result: Any) -> str:
    from ksz_client.cli._output import table

    if not result.compositions:
        return f"no household found ({result.status.code})"
    blocks = []
    for c in result.compositions:
        period = f"{c.period.start} - {c.period.end or 'today'}"
        head = f"{period}  ({c.source.value})  {c.address or ''}".rstrip()
        rows = [
            (m.relationship, m.relationship_label or "",
             m.ssin.formatted if m.ssin is not None else (m.fictional_id or ""), str(m.name),
             m.birth_date.isoformat() if m.birth_date else "",
             m.gender.value if m.gender else "")
            for m in c.members
        ]
        blocks.append(head + "\n" + table(
            rows, header=("code", "relationship", "SSIN", "name", "born", "sex")))
    return "\n\n".join(blocks)


def _ti_groups(result: Any) -> str:
    record = result.record
    if record is None:
        return f"not in the national register ({result.status.code})"
    lines: list[tuple[str, str]] = [
        ("SSIN", record.ssin.formatted),
        ("name", str(record.name or "")),
        ("born", f"{record.birth_date or ''} {record.birth.place or '' if record.birth else ''}"),
        ("sex", record.gender.value if record.gender else ""),
        ("nationality", str(record.nationality or "")),
        ("civil state", str(record.civil_state.state) if record.civil_state else ""),
        ("address", str(record.address or "")),
        ("register", str(record.register or "")),
    ]
    if record.decease is not None:
        lines.append(("deceased", str(record.decease.date or "")))
    for link in record.household:
        who = link.person
        lines.append(("household", f"{link.role}: " + (
            f"{who.name or ''} {who.ssin.formatted if who.ssin else ''}".strip()
            if who is not None else "(the person)")))
    if result.history:
        for main in record.addresses:
            lines.append(("address history", f"{main.since} - {main.until or 'today'}  "
                                              f"{main.address}"))
    if record.other_groups:
        lines.append(("other TI groups", ", ".join(record.other_groups)))
    width = max(len(k) for k, _ in lines)
    return "\n".join(f"{k.ljust(width)}  {v}".rstrip() for k, v in lines)


def _investigation(result: Any) -> str:
    from ksz_client.cli._output import table
    from ksz_client.cli._person import describe

    parts = list(_warnings(result.warnings))
    if result.family is not None:
        names = {str(c.person.ssin): str(c.person.name) for c in result.citizens}
        rows = [(m.ssin.formatted, f"{m.relationship.value} {m.relationship.description}",
                 m.entry_date.isoformat() if m.entry_date else "", names.get(str(m.ssin), ""))
                for m in result.family.members]
        parts += ["household", table(rows, header=("SSIN", "relationship", "since", "name"))]
    person = result.person
    if person is not None:
        parts += ["", describe(person)]
    history = result.address_history()
    if history is not None and history.legal:
        dated = [(d.period.start.isoformat() if d.period else str(d.since or ""),
                  d.period.end.isoformat() if d.period and d.period.end else "",
                  str(d.address)) for d in history.legal]
        parts += ["", "address history", table(dated, header=("from", "to", "address"))]
    for record in result.wait_register:
        parts += ["", f"waiting register: {record.ssin.formatted}: "
                  f"{len(record.situations)} asylum request(s), "
                  f"{len(record.administrative_files)} administrative file(s)"]
    return "\n".join(parts).strip() or "no data"


# --- UnemploymentDataService and ChildBenefits (tables of months, payments, entries) -----


def _opt(value: Any) -> str:
    return "" if value is None else str(value.value if isinstance(value, enum.Enum) else value)


def _uds_table(rows: Sequence[Sequence[str]], header: tuple[str, ...], result: Any) -> str:
    from ksz_client.cli._output import table

    if not rows:
        return f"no data found ({result.status.code})"
    return table(rows, header=header)


def _uds_paid_sums(result: Any) -> str:
    rows = [(str(s.related_month), s.dossier_status.value, str(s.allowances), str(s.paid),
             _opt(s.accepted)) for s in result.paid_sums]
    text = _uds_table(rows, ("month", "file", "allowances", "paid", "accepted"), result)
    return text + (f"\ntotal paid {result.total_paid}" if rows else "")


def _uds_activation(result: Any) -> str:
    rows = [(str(s.related_month), s.activation_type, s.dossier_status.value, str(s.paid),
             _opt(s.mean_working_hours), _opt(s.entry_into_employment),
             str(s.employer) if s.employer else "") for s in result.paid_sums]
    return _uds_table(rows, ("month", "type", "file", "paid", "hours/week", "employed since",
                             "employer"), result)


def _uds_payments(result: Any) -> str:
    rows = [(p.payment_date.isoformat(), str(p.related_month), str(p.allowances), str(p.paid),
             _opt(p.paying_organisation)) for p in result.payments]
    return _uds_table(rows, ("paid on", "month", "allowances", "amount", "paid by"), result)


def _uds_rights(result: Any) -> str:
    rows = [(r.period.start.isoformat(), _opt(r.period.end), r.kind, _opt(r.family_category),
             str(r.theoretical_daily_allowance), _opt(r.dossier_status)) for r in result.rights]
    return _uds_table(rows, ("from", "to", "right", "category", "daily", "file"), result)


def _uds_scheduled(result: Any) -> str:
    rows = [(str(p.related_month), p.planned_date.isoformat(), str(p.allowances), str(p.amount))
            for p in result.payments]
    return _uds_table(rows, ("month", "planned", "allowances", "amount"), result)


def _uds_entries(entries: Any) -> list[tuple[str, ...]]:
    return [(e.period.start.isoformat(), _opt(e.period.end), e.code, _opt(e.description),
             _opt(e.decision_date)) for e in entries]


_ENTRY_HEADER = ("from", "to", "code", "description", "decided")


def _uds_history(result: Any) -> str:
    return _uds_table(_uds_entries(result.entries), _ENTRY_HEADER, result)


def _uds_no_earning_capacity(result: Any) -> str:
    from ksz_client.cli._output import table

    rows = _uds_entries(result.no_earning_capacity)
    lawsuits = _uds_entries(result.lawsuits)
    if not rows and not lawsuits:
        return f"no data found ({result.status.code})"
    parts = []
    if rows:
        parts.append("no earning capacity\n" + table(rows, header=_ENTRY_HEADER))
    if lawsuits:
        parts.append("lawsuits with the mutuality\n" + table(lawsuits, header=_ENTRY_HEADER))
    return "\n\n".join(parts)


def _child_benefits(result: Any) -> str:
    from ksz_client.cli._output import table

    lines = [f"{a.source.value:<12} {a.status.value} {a.status.code}  "
             f"ticketCBSS {a.receipt.ticket_cbss}" for a in result.answers]
    for f in result.files:
        lines.append(f"\nfile {f.file_number} at {f.source.value}, {f.role.value}, "
                     f"{f.start_month} - {_opt(f.end_month)}"
                     + (f", paid by {f.payment_fund}" if f.payment_fund else ""))
        if f.members:
            lines.append(table([(m.ssin.formatted, m.role.value, _opt(m.since))
                                for m in f.members], header=("SSIN", "role", "since")))
    return "\n".join(lines)


def _handi_files(result: Any) -> str:
    from ksz_client.services.handi._text import files

    return files(result)


def _handi_payments(result: Any) -> str:
    from ksz_client.services.handi._text import payments

    return payments(result)


def _job_seeker(result: Any) -> str:
    from ksz_client.services.job_seeker._text import registration

    return registration(result)


def _self_employed_contributions(result: Any) -> str:
    from ksz_client.services.self_employed._text import contributions

    return contributions(result)


# Result class name -> renderer of its data part (status and tickets are added below).
def _dolsis_employments(result: Any) -> str:
    from ksz_client.cli._output import table

    if not result.employments:
        return f"no employment found ({result.status.code})"
    rows = [
        (e.employer.name or "", e.employer.cbe_number or "", e.worker_type_code,
         e.in_service.isoformat(), e.out_service.isoformat() if e.out_service else "",
         e.last_action.value + (" (cancelled)" if e.cancelled else ""),
         str(e.using_employer) if e.using_employer else "")
        for e in result.employments
    ]
    lines = [table(rows, header=("employer", "KBO", "type", "in", "out", "last Dimona",
                                 "user company"))]
    if result.partial:
        lines.append(f"partial result ({result.status.code}): a source did not answer")
    return "\n".join(lines)


def _dolsis_employment_detail(result: Any) -> str:
    from ksz_client.cli._output import table

    if not result.quarters:
        return f"no quarter found ({result.status.code})"
    rows = [
        (str(q.quarter), f"{q.worker_code:03d}", q.contract_type.value, str(q.worked_days),
         str(q.working_time) if q.working_time is not None else "", str(q.gross_remuneration))
        for q in result.quarters
    ]
    return f"{result.employer}\n" + table(
        rows, header=("quarter", "worker code", "contract", "days", "Q/S", "gross EUR"))


def _dmfa_attestations(result: Any) -> str:
    from ksz_client.cli._output import table

    if result.in_batch:
        return "the attestations are delivered by batch (RESPONSE_IN_BATCH)"
    if not result.attestations:
        return f"no attestation found ({result.status.code})"
    rows = [
        (str(a.quarter), a.enterprise_number or a.noss_number,
         f"{a.worker.worker_code:03d}" if a.worker and a.worker.worker_code is not None else "",
         str(sum((o.days for o in a.occupations), 0)),
         ", ".join(str(o.working_time) for o in a.occupations if o.working_time is not None),
         str(a.gross_remuneration), str(a.attestation_id), a.status.value)
        for a in result.attestations
    ]
    lines = [table(rows, header=("quarter", "employer", "worker code", "days", "Q/S",
                                 "gross EUR", "attestation", "status"))]
    if result.partial:
        lines.append(f"partial result ({result.status.code}): a source did not answer")
    if result.next_page:
        lines.append(f"more attestations: --next-page {result.next_page}")
    return "\n".join(lines)


RENDERERS: dict[str, Callable[[Any], str]] = {
    "PersonResult": _person_result,
    "PersonSearchResult": _person_search,
    "FilesResult": _handi_files,
    "PaymentsResult": _handi_payments,
    "JobSeekerResult": _job_seeker,
    "ContributionsResult": _self_employed_contributions,
    "FamilyCompositionResult": _family,
    "TIGroupsResult": _ti_groups,
    "BisRegistration": _bis_registration,
    "AddressSearchResult": _address_search,
    "PersonUpdateResult": _person_update,
    "AccessResult": _access_result,
    "SyncResult": _sync_result,
    "IdentifyPersonResult": _identify_result,
    "Investigation": _investigation,
    "SocialTariffResult": _social_tariff,
    "PensionResult": _pensions,
    "HolidayPayResult": _holiday_pay,
    "PaidSumsResult": _uds_paid_sums,
    "ActivationPaidSumsResult": _uds_activation,
    "BenefitPaymentsResult": _uds_payments,
    "BenefitRightsResult": _uds_rights,
    "ScheduledPaymentResult": _uds_scheduled,
    "UnemploymentHistoryResult": _uds_history,
    "NoEarningCapacityResult": _uds_no_earning_capacity,
    "ChildBenefitsResult": _child_benefits,
    "EmploymentsResult": _dolsis_employments,
    "EmploymentDetailResult": _dolsis_employment_detail,
    "DmfaAttestationsResult": _dmfa_attestations,
    "L036Result": _l036_result,
    "L036Page": _l036_page,
    "A036Result": _a036_result,
}


def render(result: Any) -> str:
    custom = RENDERERS.get(type(result).__name__)
    body = custom(result) if custom else _generic(result)
    lines = [body] if body else []
    status = getattr(result, "status", None)
    receipt = getattr(result, "receipt", None)
    if status is not None:
        lines.append(f"\nstatus {status.value} {status.code}"
                     + (f" ({status.description})" if status.description else ""))
    if receipt is not None:
        lines.append(f"ticket {receipt.ticket}  ticketCBSS {receipt.ticket_cbss}")
    return "\n".join(lines)


def exit_code(result: Any) -> int:
    """1 when the KSZ found no data, else 0."""
    status = getattr(result, "status", None)
    return EXIT_BUSINESS if status is not None and status.value == "NO_DATA_FOUND" else EXIT_OK


def _scalar(value: Any) -> str | None:
    if value is None or value == ():
        return None
    if isinstance(value, enum.Enum):
        return code_text(value)
    if isinstance(value, _dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Period):
        return f"{value.start} - {value.end or '(open)'}"
    if dataclasses.is_dataclass(value) and type(value).__str__ is object.__str__:
        return None  # a structure, shown as nested lines
    if hasattr(value, "formatted"):
        return str(value.formatted)  # an Ssin
    return str(value)


def code_text(member: enum.Enum) -> str:
    """A code with its meaning: ``M (male)``, ``DOLS0004 (partial no nr data)``, ``stu (student
    ...)``; the member's ``meaning`` / ``description`` / ``label`` when it has one, else its
    name when the name says more than the code."""
    code = str(member.value)
    for attribute in ("meaning", "description", "label"):
        text = getattr(member, attribute, None)
        if isinstance(text, str) and text and text.casefold() != code.casefold():
            return f"{code} ({text})"
    name = member.name.replace("_", " ").lower()
    if name.replace(" ", "") == code.replace("_", "").replace(" ", "").lower() \
            or name.startswith("code "):
        return code
    return f"{code} ({name})"


def _flat(element: Any) -> bool:
    """A record whose fields all fit in one table cell each."""
    for f in dataclasses.fields(element):
        item = getattr(element, f.name)
        if isinstance(item, tuple) and item and dataclasses.is_dataclass(item[0]):
            return False
        if dataclasses.is_dataclass(item) and _scalar(item) is None:
            return False
    return True


def _table_of(items: tuple[Any, ...]) -> str:
    from ksz_client.cli._output import table

    names = [f.name for f in dataclasses.fields(items[0])]
    rows = [[_cell(getattr(e, n)) for n in names] for e in items]
    keep = [i for i in range(len(names)) if any(r[i] for r in rows)]  # drop empty columns
    return table([[r[i] for i in keep] for r in rows],
                 header=[names[i].replace("_", " ") for i in keep])


def _cell(value: Any) -> str:
    if isinstance(value, tuple):
        return ", ".join(t for t in (_scalar(v) for v in value) if t)
    return _scalar(value) or ""


def _lines(value: Any, prefix: str = "",
           tables: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for f in dataclasses.fields(value):
        if not prefix and f.name in _META:
            continue
        item = getattr(value, f.name)
        key = f"{prefix}{f.name.replace('_', ' ')}"
        if isinstance(item, tuple) and item and dataclasses.is_dataclass(item[0]):
            same = all(type(e) is type(item[0]) for e in item)
            if tables is not None and same and _scalar(item[0]) is None \
                    and all(_flat(e) for e in item):
                tables.append((key, _table_of(item)))  # a list of records reads as a table
                continue
            for i, element in enumerate(item, start=1):
                text = _scalar(element)
                if text is not None:
                    out.append((f"{key} {i}", text))
                else:
                    out.extend(_lines(element, f"{key} {i} / ", tables))
            continue
        if isinstance(item, tuple):
            text = ", ".join(t for t in (_scalar(i) for i in item) if t) or None
        else:
            text = _scalar(item)
        if text is not None:
            out.append((key, text))
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            out.extend(_lines(item, f"{key} / ", tables))
    return out


def _generic(result: Any) -> str:
    if not dataclasses.is_dataclass(result):
        return str(result)
    tables: list[tuple[str, str]] = []
    lines = _lines(result, tables=tables)
    if not lines and not tables:
        return "no data"
    blocks = []
    if lines:
        width = max(len(k) for k, _ in lines)
        blocks.append("\n".join(f"{k.ljust(width)}  {v}" for k, v in lines))
    blocks += [f"{key}\n{text}" for key, text in tables]
    return "\n\n".join(blocks)
