"""A new case: identify the person, integrate the file for leefloon, read the household,
then show what the audit log recorded of the whole session.

    python examples/new_case.py SSIN

The configuration comes from ./ksz.toml, $KSZ_CONFIG or KSZ_* variables; the
audit log must be on (`[audit] path`, or KSZ_AUDIT_PATH) for the last step.
`python examples/run_with_sandbox.py -- examples/new_case.py` runs it against
a local sandbox.
"""

from __future__ import annotations

import datetime as dt
import sys

from ksz_client import KszClient, KszConfig, KszError


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    started = dt.datetime.now(dt.UTC)
    with KszClient(KszConfig.load()) as client:
        social_worker = client.acting_for(
            user="demo-social-worker", legal_context="PCSA:SOCIAL_INQUIRY",
            dossier="DEMO-2026-0042",
        )
        try:
            # 1. Identify: PersonService needs no prior integration.
            person = social_worker.person.get(argv[1]).person
            if person is None or person.birth is None:
                print("The registers know nobody with this SSIN.")
                return 1
            print(f"1. identified {person.name} ({person.ssin.formatted}), "
                  f"born {person.birth.date}")

            # 2. Integrate the file for leefloon (quality code 2) for this year: this is
            #    what makes the consultations that follow lawful (finality).
            today = dt.date.today()
            registered = social_worker.access.register(
                person.ssin, quality_code=2, start=today.replace(month=1, day=1),
                end=today.replace(month=12, day=31),
                last_name=person.name.last_name, birth_date=person.birth.date,
            )
            note = " (already integrated)" if registered.warnings else ""
            print(f"2. integrated for quality code 2 from {registered.period.start} to "
                  f"{registered.period.end}{note}")

            # 3. The household: FamilyComposition needs the integration of step 2.
            family = social_worker.family.get(person.ssin)
            for composition in family.compositions:
                print(f"3. household of {len(composition.members)}:")
                for member in composition.members:
                    print(f"   - {member.name} ({member.relationship_label})")
            if not family.compositions:
                print(f"3. no household known ({family.status.code})")
        except KszError as exc:
            print(f"The case could not be opened: {exc}")
            return 1

        # 4. What the audit log recorded: who did what, why, for which file.
        audit = client.audit
        if audit is None:
            print("4. the audit log is off: set [audit] path to see the records")
            return 0
        records = audit.query(reader="demo-dpo", dossier="DEMO-2026-0042", since=started)
        print(f"4. the audit log holds {len(records)} records of this session:")
        for record in records:
            what = f"{record.service}.{record.operation}" if record.service else ""
            outcome = f"{record.status_value or ''} {record.status_code or ''}".strip()
            print(f"   #{record.seq:<4} {record.kind.value:<8} {what:<44} {outcome}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
