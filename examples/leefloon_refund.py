"""The leefloon refund with the POD-MI: integrate the file, ask the federal refund of the
leefloon granted, read the POD-MI's decision, then communicate the end of the right.

    python examples/leefloon_refund.py SSIN

The configuration comes from ./ksz.toml, $KSZ_CONFIG or KSZ_* variables.
`python examples/run_with_sandbox.py -- examples/leefloon_refund.py` runs it
against a local sandbox. Every mutation carries its own ticket; a lost answer
raises InDoubtError, and the example then reconciles instead of sending again.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal

from ksz_client import InDoubtError, KszClient, KszConfig, KszError


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    today = dt.date.today()
    start = today.replace(day=1)
    # The OCMW's own reference of the decision: what later calls (stop, reconcile) name.
    reference = f"LL-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}"
    with KszClient(KszConfig.load()) as client:
        worker = client.acting_for(user="demo-social-worker", legal_context="PCSA:SOCIAL_INQUIRY",
                                   dossier="DEMO-2026-0077", quality_code=2)
        try:
            person = worker.person.get(argv[1]).person
            if person is None or person.birth is None:
                print("The registers know nobody with this SSIN.")
                return 1
            # 1. Integrate the file for leefloon (quality code 2): without it the attest
            #    is refused before it is sent (finality).
            worker.access.register(person.ssin, quality_code=2, start=start,
                                   last_name=person.name.last_name,
                                   birth_date=person.birth.date)
            print(f"1. integrated {person.ssin.formatted} for quality code 2 from {start}")

            # 2. Ask the federal refund of the leefloon granted (amounts exact: Decimal).
            try:
                registered = worker.refund_attest.register(
                    person.ssin, reference=reference, start=start,
                    monthly_amount=Decimal("1263.17"), decision_date=today,
                    category="SINGLE")
            except InDoubtError as lost:
                # Never send it again blindly: ask the POD-MI what it holds.
                outcome = worker.refund_attest.reconcile(
                    lost.call_id, person.ssin, reference=reference, start=start, quality_code=2)
                print(f"2. the answer was lost; reconciled: applied={outcome.applied}")
                if not outcome.applied:
                    return 1
            else:
                attest = registered.attest
                print(f"2. attest {attest.attest_id} registered: {attest.monthly_amount} EUR a "
                      f"month from {attest.period.start} ({attest.state.value})")

            # 3. The POD-MI's decision, through ListOfAttestations.
            listing = worker.attestations.list(person.ssin, request_type="RIS", start=start)
            for decision in listing.by_reference(reference):
                print(f"3. POD-MI decision on {decision.reference}: {decision.status}, decided "
                      f"{decision.decision_date}")

            # 4. The right ends: communicate the last day.
            end = today + dt.timedelta(days=30)
            stopped = worker.stop_attest.stop(person.ssin, reference=reference, end=end)
            print(f"4. attest stopped on {stopped.attest.period.end} "
                  f"({stopped.attest.state.value})")
            for decision in worker.attestations.list(
                    person.ssin, request_type="RIS", start=start).by_reference(reference):
                print(f"   POD-MI now lists it as {decision.status} until {decision.end_date}")
        except KszError as exc:
            print(f"The refund could not be handled: {exc}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
