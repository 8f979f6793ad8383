"""Each notification type, pushed by the sandbox over HTTP, arrives as a typed event: verified,
stored with its audit record, handed to its handler, acknowledged OK."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import requests
from lxml import etree

from ksz_client import _xml
from ksz_client.audit import RecordKind
from ksz_client.notifications import (
    EVENT_TYPES,
    EntryState,
    FamilyCompositionChanged,
    Handlers,
    NotificationEvent,
    Outcome,
    contract_for,
    notification_operations,
)
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, MemoryState, WsgiServer, push
from ksz_client.wsse import Verifier

from ._support import POP, Kit, ack, payload_of, ssin

OPERATIONS = [c.operation.name for c in notification_operations()]


@pytest.fixture
def served(kit: Kit) -> Iterator[tuple[Kit, list[NotificationEvent], str]]:
    seen: list[NotificationEvent] = []
    handlers = Handlers()
    handlers.on(NotificationEvent)(seen.append)
    receiver = kit.receiver(handlers)
    with WsgiServer(receiver, max_body_bytes=receiver.max_body_bytes) as server:
        yield kit, seen, server.url + "/ksz/notifications"


@pytest.mark.parametrize("operation", OPERATIONS)
def test_each_notification_type_round_trips_from_the_sandbox_to_a_typed_event(
    served: tuple[Kit, list[NotificationEvent], str], operation: str,
) -> None:
    kit, seen, url = served
    person = ssin(12)
    (result,) = push(url, operation, person, population=POP, state=MemoryState(),
                     signing=kit.signing)
    assert result.http_status == 200
    (event,) = seen
    assert type(event) is EVENT_TYPES[operation]
    assert event.ssin == person
    info = event.notification
    assert (info.operation, info.ticket, info.sequence_number) == (operation, result.ticket, 1)
    assert info.receiver == SANDBOX_CBE_NUMBER
    assert info.legal_context == "PCSA:SOCIAL_INQUIRY"
    assert info.event_id == f"{operation}:ticket:{result.ticket}#0"
    # Stored as it was handed over, and marked handled.
    (entry,) = kit.receivers[0].inbox.entries()
    assert entry.state is EntryState.HANDLED and entry.attempts == 1
    assert entry.event() == event
    assert entry.ssin == person and entry.event_type == type(event).__name__
    if isinstance(event, FamilyCompositionChanged):
        household = POP.household(POP.index_of(person) or 0)
        assert [(str(m.ssin), m.relationship, m.since) for m in event.members] == \
            [(str(m.ssin), m.relationship, m.since) for m in household.members]
        assert event.head is not None and event.head.ssin == household.head.ssin


def test_the_acknowledgement_is_a_status_ok_of_the_contract(kit: Kit) -> None:
    receiver = kit.receiver()
    message = kit.message("notifyFamilyComposition", ssin(4), sequence=9)
    reply = receiver.receive(message)
    assert (reply.status, reply.outcome) == (200, Outcome.RECEIVED)
    assert reply.content_type.startswith("text/xml")
    value, code, ticket = ack(reply.body)
    assert (value, code) == ("OK", "MSG00000")
    assert ticket == payload_of(message).findtext("sender/ticket")
    response = payload_of(reply.body)
    contract = contract_for(etree.QName(response).namespace, "notifyFamilyComposition")
    assert contract is not None
    assert etree.QName(response).localname == contract.operation.response_element
    from ksz_client._contracts import schema_at

    schema = schema_at(contract.path)
    assert schema.validate(response), schema.error_log
    assert response.findtext("sequenceNumber") == "9"


def test_receipt_and_handling_are_audited_in_the_chain(kit: Kit) -> None:
    handlers = Handlers()
    handlers.on(FamilyCompositionChanged)(lambda event: None)
    receiver = kit.receiver(handlers)
    person = ssin(5)
    message = kit.message("notifyFamilyComposition", person)
    reply = receiver.receive(message)
    assert reply.outcome is Outcome.RECEIVED and len(reply.entries) == 1
    received = kit.log.query(reader="dpo", kinds=[RecordKind.NOTIFICATION_RECEIVED])
    handled = kit.log.query(reader="dpo", kinds=[RecordKind.NOTIFICATION_HANDLED])
    (r,), (h,) = received, handled
    assert r.service == "FamilyCompositionNotifications"
    assert r.operation == "notifyFamilyComposition" and r.operation_kind == "notification"
    assert person in r.subjects and r.status_value == "OK" and r.http_status == 200
    assert r.ticket_cbss == payload_of(message).findtext("sender/ticket")
    assert r.detail["duplicate"] is False and r.detail["events"] == 1
    assert r.organisation == SANDBOX_CBE_NUMBER and r.request_sha256
    assert h.call_id == r.call_id and h.subjects == (person,)
    assert h.detail["attempts"] == 1 and h.detail["inbox_id"] == reply.entries[0]
    assert h.detail["handlers"][0].endswith("<lambda>")
    # The SSIN is in the log for the DPO, never in a repr.
    assert person not in repr(r) and person not in repr(h)
    assert kit.log.verify().ok


def test_the_signed_message_is_kept_as_received(kit: Kit) -> None:
    receiver = kit.receiver()
    sent_at = dt.datetime.now(dt.UTC)
    message = kit.message("notifyPersonnelFile", ssin(6), now=sent_at)
    receiver.receive(message)
    (entry,) = receiver.inbox.entries()
    kept = receiver.inbox.message(entry.key)
    assert kept is not None
    # Still verifiable later: evidence that the KSZ sent it.
    Verifier([kit.signing.cert_pem]).verify(_xml.parse(kept.encode()), now=sent_at)
    assert receiver.inbox.message("no-such-key") is None


def test_a_message_of_several_persons_becomes_one_event_each(kit: Kit) -> None:
    seen: list[NotificationEvent] = []
    handlers = Handlers()
    handlers.on(NotificationEvent)(seen.append)
    receiver = kit.receiver(handlers)
    others = [ssin(20), ssin(21)]

    def two_more(payload: _xml.Element) -> None:
        seekers = payload.find("jobSeekers")
        assert seekers is not None
        first = seekers[0]
        for person in others:
            copy = etree.fromstring(etree.tostring(first))
            ssin_element = copy.find("ssin")
            assert ssin_element is not None
            ssin_element.text = person
            seekers.append(copy)

    reply = receiver.receive(kit.message("notifyJobSeekerStatus", ssin(19), change=two_more))
    assert reply.outcome is Outcome.RECEIVED and len(reply.entries) == 3
    assert [str(e.ssin) for e in seen] == [ssin(19), *others]
    assert [e.notification.item for e in seen] == [0, 1, 2]
    (record,) = kit.log.query(reader="dpo", kinds=[RecordKind.NOTIFICATION_RECEIVED])
    assert sorted(record.subjects) == sorted([ssin(19), *others])


def test_get_says_what_the_endpoint_is(sqlite_kit: Kit) -> None:
    receiver = sqlite_kit.receiver()
    with WsgiServer(receiver) as server:
        answer = requests.get(server.url + "/", timeout=10)
    assert answer.status_code == 200 and "notification receiver" in answer.text
    started: list[tuple[str, list[tuple[str, str]]]] = []
    body = receiver({"REQUEST_METHOD": "PUT", "CONTENT_LENGTH": "1"},
                    lambda status, headers: started.append((status, headers)))
    ((status, headers),) = started
    assert status.startswith("405") and ("Allow", "GET, POST") in headers
    assert b"POST" in b"".join(body)
