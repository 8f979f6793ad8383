"""Load: 1,000 notifications pushed by 8 concurrent senders are all stored and handled exactly
once, in order per SSIN (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

from ksz_client.audit import RecordKind
from ksz_client.notifications import EntryState, Handlers, NotificationEvent
from ksz_client.sandbox import MemoryState, WsgiServer, push

from ._support import POP, Kit, ssin

SENDERS = 8
PER_SENDER = 125
TYPES = ("notifyFamilyComposition", "notifyJobSeekerStatus", "notifyPerson", "notifyDeduction")


def test_a_thousand_notifications_from_eight_senders_are_handled_exactly_once(kit: Kit) -> None:
    lock = threading.Lock()
    deliveries: Counter[str] = Counter()
    per_person: defaultdict[str, list[int]] = defaultdict(list)
    handlers = Handlers()

    @handlers.on(NotificationEvent)
    def count(event: NotificationEvent) -> None:
        with lock:
            deliveries[event.notification.event_id] += 1
            per_person[str(event.ssin)].append(event.notification.sequence_number)

    receiver = kit.receiver(handlers)
    state = MemoryState()
    with WsgiServer(receiver, max_body_bytes=receiver.max_body_bytes) as server:

        def sender(n: int) -> list[int]:
            results = push(server.url, TYPES[n % len(TYPES)], ssin(40 + n), population=POP,
                           state=state, signing=kit.signing, burst=PER_SENDER)
            return [r.http_status for r in results]

        with ThreadPoolExecutor(SENDERS) as pool:
            statuses = [s for f in [pool.submit(sender, n) for n in range(SENDERS)]
                        for s in f.result()]

    total = SENDERS * PER_SENDER
    assert statuses == [200] * total
    assert len(deliveries) == total and set(deliveries.values()) == {1}
    # Each sender's notifications carry rising sequence numbers: handled in that order.
    assert len(per_person) == SENDERS
    assert all(numbers == sorted(numbers) for numbers in per_person.values())
    assert receiver.inbox.counts() == {EntryState.PENDING.value: 0,
                                       EntryState.HANDLED.value: total}
    assert kit.scalar("SELECT COUNT(*) FROM notification_receipt") == total
    for kind in (RecordKind.NOTIFICATION_RECEIVED, RecordKind.NOTIFICATION_HANDLED):
        assert kit.scalar("SELECT COUNT(*) FROM audit_log WHERE kind = ?", (kind.value,)) \
            == total
    report = kit.log.verify()
    assert report.ok, report.problem
