"""Human output of PersonService V4 results (the commands themselves are generated)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ksz_client.services.person import Person


def describe(person: Person) -> str:
    """A person as aligned human-readable lines."""
    lines: list[tuple[str, str]] = [
        ("SSIN", f"{person.ssin.formatted} ({person.register.value} register)"),
        ("name", str(person.name)),
        ("gender", person.gender.value if person.gender else "unknown"),
    ]
    if person.birth is not None:
        place = person.birth.place.name if person.birth.place and person.birth.place.name else ""
        lines.append(("born", f"{person.birth.date} {place}".strip()))
    if person.decease is not None:
        lines.append(("deceased", str(person.decease.date)))
    if person.nationalities:
        lines.append(("nationality", ", ".join(n.code for n in person.nationalities)))
    if person.civil_states:
        lines.append(("civil state", person.civil_states[0].code))
    for address in person.addresses:
        lines.append((f"address ({address.kind.value.lower()})", str(address)))
    width = max(len(k) for k, _ in lines)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in lines)
