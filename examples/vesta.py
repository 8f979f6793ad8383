"""VESTA (Flemish home care) through the extension mechanism: declare, call, audit.

    python examples/vesta.py SSIN

VESTA counts about 30 exchanges and has no public contract. The SDK's typed
client (`client.vesta`) covers only the three modelled home-care episode
exchanges; for the others, an application declares the exchanges it is
authorised for, by hand, in a few lines (`ksz_client.generic.declare`), and
calls them with `client.custom(...)` through the same signed transport, audit
log and finality guard as the built-in services. This example declares the
three modelled exchanges that way, so that it runs against the sandbox; the
typed equivalent of `run` is in `run_typed`. Mutations (registerHomeCare,
stopHomeCare) carry their UUID ticket and are never re-sent after a possible
send; `client.reconcile(call_id, ...)` settles one whose answer was lost.
`python examples/run_with_sandbox.py -- examples/vesta.py` runs it against a
local sandbox (which answers the modelled VESTA exchanges).
"""

from __future__ import annotations

import datetime as dt
import sys

from ksz_client import KszClient, KszConfig, KszError
from ksz_client.catalogue import OperationKind
from ksz_client.generic import declare

# The declaration: namespace and path as the KSZ gave them, the kind of each exchange.
VESTA = declare(
    "VESTA",
    namespace="http://kszbcss.fgov.be/intf/VESTAService/v1",
    path="VESTAService/v1/consult",
    operations={
        "consultHomeCare": OperationKind.CONSULTATION,
        "registerHomeCare": OperationKind.MUTATION,
        "stopHomeCare": OperationKind.MUTATION,
    },
    needs_integration=True,
    source="Flemish home care (VESTA)",
)


def run(client: KszClient, ssin: str) -> list[str]:
    """Register a home-care episode, read it back, stop it; the lines to print."""
    vesta = client.custom(VESTA)
    today = dt.date.today()
    out = []
    started = vesta.call("registerHomeCare", {"criteria": {
        "ssin": ssin, "careType": "FAMILY_CARE", "provider": "Familiehulp Sandbox",
        "startDate": today}}, subjects=[ssin])
    reference = started.findtext("result/reference")
    out.append(f"1. home care registered: {reference} ({started.status.code}, "
               f"ticket {started.receipt.ticket})")
    episodes = vesta.call("consultHomeCare", {"criteria": {"ssin": ssin}}, subjects=[ssin])
    found = episodes.to_dict()["result"]["homeCare"]
    for episode in found if isinstance(found, list) else [found]:
        out.append(f"2. episode {episode['reference']}: {episode['careType']} by "
                   f"{episode['provider']} since {episode['startDate']}")
    stopped = vesta.call("stopHomeCare", {"criteria": {
        "ssin": ssin, "reference": reference, "endDate": today}}, subjects=[ssin])
    out.append(f"3. home care stopped: {stopped.status.code}")
    return out


def run_typed(client: KszClient, ssin: str) -> list[str]:
    """The same with the typed client: models in and out, input checked before sending."""
    today = dt.date.today()
    started = client.vesta.register(ssin, care_type="FAMILY_CARE",
                                    provider="Familiehulp Sandbox", start=today)
    out = [f"1. home care registered: {started.reference} ({started.status.code}, "
           f"ticket {started.receipt.ticket})"]
    for episode in client.vesta.get(ssin).ongoing:
        out.append(f"2. episode {episode.reference}: {episode.care_type.value} by "
                   f"{episode.provider} since {episode.period.start}")
    stopped = client.vesta.stop(ssin, reference=started.reference, end=today)
    out.append(f"3. home care stopped: {stopped.status.code}")
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    with KszClient(KszConfig.load()) as client:
        social_worker = client.acting_for(user="demo-social-worker",
                                          legal_context="PCSA:SOCIAL_INQUIRY")
        try:
            # VESTA needs a covering integration (finality): integrate the file first.
            person = social_worker.person.get(argv[1]).person
            if person is None or person.birth is None:
                print("The registers know nobody with this SSIN.")
                return 1
            today = dt.date.today()
            social_worker.access.register(
                person.ssin, quality_code=2, start=today.replace(month=1, day=1),
                end=today.replace(month=12, day=31),
                last_name=person.name.last_name, birth_date=person.birth.date)
            for line in run(social_worker, argv[1]):
                print(line)
            print("The same through the typed client (client.vesta):")
            for line in run_typed(social_worker, argv[1]):
                print(line)
        except KszError as exc:
            print(f"VESTA exchange failed: {exc}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
