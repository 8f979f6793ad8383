"""Quickstart: one PersonService consultation, printed.

    python examples/quickstart.py SSIN

The configuration comes from ./ksz.toml, $KSZ_CONFIG or KSZ_* variables
(`make run` points it at a local sandbox it starts for you).
"""

from __future__ import annotations

import sys

from ksz_client import KszClient, KszConfig, KszError, SsinReplaced


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    ssin = argv[1]
    config = KszConfig.load()
    with KszClient(config) as client:
        # Every call says who asks, why, and for which file (KSZ logging principle).
        social_worker = client.acting_for(
            user="demo-social-worker",
            legal_context="PCSA:SOCIAL_INQUIRY",
            dossier="DEMO-2026-0001",
        )
        try:
            result = social_worker.person.get(ssin)
        except SsinReplaced as exc:
            print(f"This SSIN was replaced; use {exc.new_ssin} from now on.")
            return 1
        except KszError as exc:
            print(f"The consultation failed: {exc}")
            return 1

    person = result.person
    if person is None:
        print(f"No data found ({result.status.code}).")
        return 1
    print(f"{person.name}  ({person.ssin.formatted}, {person.register.value} register)")
    if person.birth is not None:
        place = person.birth.place.name if person.birth.place else None
        print(f"  born      {person.birth.date}" + (f" in {place}" if place else ""))
    print(f"  gender    {person.gender.value if person.gender else 'unknown'}")
    if person.residential_address is not None:
        print(f"  address   {person.residential_address}")
    if person.decease is not None:
        print(f"  deceased  {person.decease.date}")
    print(f"  status    {result.status.value} {result.status.code}")
    print(f"  tickets   ours {result.receipt.ticket}, KSZ {result.receipt.ticket_cbss}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
