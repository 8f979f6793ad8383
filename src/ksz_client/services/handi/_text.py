"""Human-readable text of HandiService results, for the ``ksz handi ...`` commands."""

from __future__ import annotations

from collections.abc import Sequence

from ksz_client.services.handi.models import (
    DisabilityFile,
    FilesResult,
    PaymentsResult,
    SourceStatus,
    SourceStatusValue,
)

__all__ = ["files", "payments"]


def _table(rows: Sequence[Sequence[str]], header: tuple[str, ...]) -> str:
    from ksz_client.cli._output import table

    return table(rows, header=header)


def _status(status: SourceStatus) -> str:
    if status.value is SourceStatusValue.TECHNICAL_ERROR:
        return f"unavailable ({status.code})"
    return f"{status.value.value} {status.code}"


def _file_lines(file: DisabilityFile) -> list[str]:
    lines = []
    if file.person is not None:
        lines.append(f"  person: {file.person.name}" + (
            f", {file.person.address}" if file.person.address else ""))
    if file.evolution is not None:
        e = file.evolution
        pending = [name for name, flag in (("administrative", e.administrative_pending),
                                           ("recognition", e.recognition_pending)) if flag]
        lines.append(f"  request: {e.request_date or '?'}, legislation {e.legislation}"
                     + (f", pending: {', '.join(pending)}" if pending else "")
                     + (", in appeal" if e.appeal else ""))
    for r in file.recognitions:
        period = (f"{r.status.period.start} to {r.status.period.end or '...'}, decided "
                  f"{r.status.decided}" if r.status else "no dates")
        points = (f", {r.adult.total_points} points" if r.adult and r.adult.total_points
                  is not None else "")
        lines.append(f"  recognition: {period}{points}"
                     + (f" [{r.decision_status}]" if r.decision_status else ""))
    for right in file.rights:
        extra = ", ".join(p for p in (
            f"IT category {right.category_it}" if right.category_it is not None else "",
            f"IVT category {right.category_ivt.value}" if right.category_ivt else "") if p)
        lines.append(f"  right: {right.period.start} to {right.period.end or '...'}: "
                     f"{right.total_monthly} euro a month" + (f" ({extra})" if extra else "")
                     + (f" [{right.decision_status}]" if right.decision_status else ""))
    for card in file.social_cards:
        lines.append(f"  card: {card.category.value} {card.number} from {card.delivered}"
                     + (f" to {card.end}" if card.end else ""))
    return lines


def files(result: FilesResult) -> str:
    """A table of the sources and their status, then each file found."""
    rows = [(s.source.value, _status(s.status), "file" if s.file is not None else "")
            for s in result.sources]
    lines = [_table(rows, ("source", "status", "data"))] if rows else ["no source answered"]
    if not result.complete:
        lines.append("INCOMPLETE: no answer from "
                     + ", ".join(s.value for s in result.unavailable_sources))
    for source, file in result.files:
        lines.append(f"\n{source.value}")
        lines.extend(_file_lines(file))
    return "\n".join(lines)


def payments(result: PaymentsResult) -> str:
    """A table of the sources, then the payments month by month."""
    rows = [(s.source.value, _status(s.status), str(len(s.payments)), str(s.total))
            for s in result.sources]
    lines = [_table(rows, ("source", "status", "months", "total"))]
    if not result.complete:
        lines.append("INCOMPLETE: no answer from "
                     + ", ".join(s.value for s in result.unavailable_sources))
    paid = [(str(p.month), s.source.value, str(p.amount), "cancelled" if p.cancelled else "")
            for s in result.sources for p in s.payments]
    if paid:
        lines.append("")
        lines.append(_table(sorted(paid), ("month", "source", "amount", "note")))
    return "\n".join(lines)
