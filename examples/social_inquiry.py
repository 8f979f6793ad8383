"""A social inquiry: for one integrated person, gather employment, unemployment,
insurability, taxes and disability into one summary, concurrently.

    python examples/social_inquiry.py SSIN

Every one of these sources needs a covering integration (finality): the example
integrates the person for leefloon (quality code 2) first. The configuration
comes from ./ksz.toml, $KSZ_CONFIG or KSZ_* variables;
`python examples/run_with_sandbox.py -- examples/social_inquiry.py` runs it
against a local sandbox.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ksz_client import KszClient, KszConfig, KszError
from ksz_client.types import Money


def summary(client: KszClient, ssin: str) -> dict[str, str]:
    """One line per source; the five calls run at once over the client's shared pool."""
    today = dt.date.today()
    this_month = dt.date(today.year, today.month, 1)
    year_ago = dt.date(today.year - 1, today.month, 1)
    calls: dict[str, Callable[[], Any]] = {
        "employment": lambda: client.dolsis.find_employers(ssin),
        "unemployment": lambda: client.unemployment.paid_sums(
            ssin, start_month=f"{year_ago:%Y-%m}", end_month=f"{this_month:%Y-%m}"),
        "insurability": lambda: client.health_insurance.insurability(ssin),
        "taxes": lambda: client.tax.assessment(ssin, derived_year="MOST_RECENT"),
        "disability": lambda: client.handi.files_by_date(ssin),
    }
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = {name: pool.submit(call) for name, call in calls.items()}
    lines: dict[str, str] = {}
    for name, future in futures.items():
        try:
            lines[name] = describe(name, future.result())
        except KszError as exc:
            lines[name] = f"not available ({type(exc).__name__}: {exc})"
    return lines


def describe(name: str, result: Any) -> str:
    if name == "employment":
        current = [e for e in result.employments if e.out_service is None]
        employers = ", ".join(str(e.employer) for e in current) or "none"
        return f"{len(result.employments)} Dimona periods; employed now by: {employers}"
    if name == "unemployment":
        total: Money = result.total_paid
        return f"{len(result.paid_sums)} months with benefits, EUR {total} paid in all"
    if name == "insurability":
        if result.insurability is None:
            return f"no affiliation known ({result.status.code})"
        mutuality = result.insurability.mutuality_at(dt.date.today())
        if mutuality is None:
            return "not affiliated today"
        return f"affiliated with mutuality {mutuality.code}"
    if name == "taxes":
        data = result.assessment
        if data is None:
            return f"no recent tax assessment ({result.status.code})"
        income = data.global_taxable_income or data.gross_income
        return (f"income year {data.income_year}: taxable income EUR {income or '-'}, "
                f"{data.dependants or 0} dependants")
    if name == "disability":
        files = result.files
        state = "" if result.complete else " (some sources unavailable)"
        return f"{len(files)} disability file(s){state}"
    return str(result)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    with KszClient(KszConfig.load()) as plain:
        client = plain.acting_for(user="demo-social-worker", legal_context="PCSA:SOCIAL_INQUIRY",
                                  dossier="DEMO-2026-0042")
        person = client.person.get(argv[1]).person
        if person is None or person.birth is None:
            print("The registers know nobody with this SSIN.")
            return 1
        today = dt.date.today()
        client.access.register(person.ssin, quality_code=2, start=today.replace(month=1, day=1),
                               last_name=person.name.last_name, birth_date=person.birth.date)
        print(f"Social inquiry for {person.name} ({person.ssin.formatted})")
        for name, line in summary(client, person.ssin).items():
            print(f"  {name:<13} {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
