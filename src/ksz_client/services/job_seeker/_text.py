"""Human-readable text of JobSeeker results, for the ``ksz job_seeker ...`` command."""

from __future__ import annotations

from ksz_client.services.job_seeker.models import JobSeekerResult, SourceStatusValue

__all__ = ["registration"]


def registration(result: JobSeekerResult) -> str:
    """The services and their status, the inscriptions in time order, the contact details."""
    from ksz_client.cli._output import table

    rows = [(s.service.value,
             f"unavailable ({s.status.code})"
             if s.status.value is SourceStatusValue.TECHNICAL_ERROR
             else f"{s.status.value.value} {s.status.code}",
             str(len(s.inscriptions)))
            for s in result.services]
    lines = [table(rows, header=("service", "status", "inscriptions"))]
    if not result.complete:
        lines.append("INCOMPLETE: no answer from "
                     + ", ".join(s.value for s in result.unavailable_services))
    if result.inscriptions:
        lines.append("")
        lines.append(table(
            [(i.at.date().isoformat(), service.value,
              "; ".join(str(c) for c in i.categories),
              ", ".join(c.code for c in i.neo_categories))
             for service, i in result.inscriptions],
            header=("since", "service", "category", "NEO")))
    for service in result.services:
        contact = service.contact
        if contact is None:
            continue
        where = str(contact.address) if contact.address else (contact.foreign_address or "")
        reach = ", ".join([*(str(p) for p in contact.phones),
                           *([contact.email] if contact.email else [])])
        lines.append(f"\ncontact at {service.service.value}: {where}"
                     + (f"; {reach}" if reach else ""))
    return "\n".join(lines)
