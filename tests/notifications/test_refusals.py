"""Bad input is refused, audited as refused, and leaves nothing stored: unsigned, tampered,
expired, untrusted, malformed, unknown, schema-invalid, misaddressed, too large. A replay is
recognised: acknowledged, never handed over twice."""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable

import pytest

from ksz_client import _xml
from ksz_client._config import Organisation
from ksz_client.audit import RecordKind
from ksz_client.notifications import Handlers, NotificationEvent, Outcome
from ksz_client.wsse import Signer

from ._support import Kit, ack, faultcode, ssin, unsigned

PERSON = ssin(7)
Make = Callable[[Kit], bytes]


def _nothing_stored(kit: Kit) -> None:
    assert kit.scalar("SELECT COUNT(*) FROM notification_inbox") == 0
    assert kit.scalar("SELECT COUNT(*) FROM notification_receipt") == 0
    assert kit.log.query(reader="test", kinds=[RecordKind.NOTIFICATION_RECEIVED]) == []


def _tampered(kit: Kit) -> bytes:
    message = kit.message("notifyFamilyComposition", PERSON)
    # The head becomes a partner after signing: the digest of the Body no longer matches.
    assert b"<relationship>01</relationship>" in message
    return message.replace(b"<relationship>01</relationship>",
                           b"<relationship>02</relationship>", 1)


def _expired(kit: Kit) -> bytes:
    return kit.message("notifyFamilyComposition", PERSON,
                       now=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=20))


def _untrusted(kit: Kit) -> bytes:
    return kit.message("notifyFamilyComposition", PERSON,
                       signer=Signer(kit.other.key_pem, kit.other.cert_pem))


def _unknown_element(kit: Kit) -> bytes:
    def rename(payload: _xml.Element) -> None:
        payload.tag = "{http://kszbcss.fgov.be/intf/PersonNotifications/notify/v1}notifyWeather"

    return kit.message("notifyPerson", PERSON, change=rename)


def _weak_algorithm(kit: Kit) -> bytes:
    message = kit.message("notifyFamilyComposition", PERSON)
    return message.replace(b"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                           b"http://www.w3.org/2000/09/xmldsig#rsa-sha1", 1)


FAULTS: dict[str, tuple[Make, str, str]] = {
    "weak algorithm": (_weak_algorithm, "wsse:UnsupportedAlgorithm", "WeakAlgorithm"),
    "empty body": (lambda k: b'<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/">'
                   b"<e:Body></e:Body></e:Envelope>", "soapenv:Client", "Malformed"),
    "unsigned": (lambda k: unsigned(k.message("notifyFamilyComposition", PERSON)),
                 "wsse:InvalidSecurity", "MissingSignature"),
    "tampered": (_tampered, "wsse:FailedCheck", "InvalidSignature"),
    "expired": (_expired, "wsse:MessageExpired", "TimestampError"),
    "untrusted signer": (_untrusted, "wsse:FailedAuthentication", "UntrustedCertificate"),
    "not xml": (lambda k: b"this is not a notification", "soapenv:Client", "Malformed"),
    "truncated": (lambda k: k.message("notifyPerson", PERSON)[:400], "soapenv:Client",
                  "Malformed"),
    "not soap": (lambda k: b"<notifyPerson/>", "soapenv:Client", "Malformed"),
    "dtd": (lambda k: b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
            "soapenv:Client", "Malformed"),
    "unknown element": (_unknown_element, "soapenv:Client", "UnknownNotification"),
}


@pytest.mark.parametrize("case", sorted(FAULTS))
def test_a_message_that_cannot_be_trusted_gets_a_fault(kit: Kit, case: str) -> None:
    make, code, reason = FAULTS[case]
    handled: list[NotificationEvent] = []
    handlers = Handlers()
    handlers.on(NotificationEvent)(handled.append)
    reply = kit.receiver(handlers).receive(make(kit))
    assert (reply.status, reply.outcome, reply.reason) == (500, Outcome.REFUSED, reason)
    assert faultcode(reply.body) == code
    assert handled == []
    _nothing_stored(kit)
    (refused,) = kit.log.query(reader="test", kinds=[RecordKind.NOTIFICATION_REFUSED])
    assert refused.error == reason and refused.status_value == "FAULT"
    assert refused.status_code == code and refused.http_status == 500
    assert refused.subjects == () and refused.request_sha256
    assert PERSON not in str(refused.to_json()) and PERSON.encode() not in reply.body


def _invalid(payload: _xml.Element) -> None:
    relation = payload.find(".//relationship")
    assert relation is not None
    relation.text = "head of household"


def _bad_check_digits(payload: _xml.Element) -> None:
    element = payload.find(".//ssin")
    assert element is not None and element.text is not None
    # Still 11 digits of the right shape, but mod 97 fails.
    last = (int(element.text[-1]) + 1) % 10
    element.text = element.text[:-1] + str(last)


def _year_12026(payload: _xml.Element) -> None:
    sent = payload.find("sender/timestampSent")
    assert sent is not None
    sent.text = "12026-03-02T10:00:00Z"  # a valid xs:dateTime, not a date anyone can use


def _backwards(payload: _xml.Element) -> None:
    period = payload.find(".//pension/period")
    assert period is not None
    for child in list(period):
        period.remove(child)
    _xml.sub(period, "beginDate", "2026-05-01")
    _xml.sub(period, "endDate", "2026-01-01")


NOKS: dict[str, tuple[str, dict[str, object], str]] = {
    "schema-invalid": ("notifyFamilyComposition", {"change": _invalid}, "SchemaInvalid"),
    "other receiver": ("notifyFamilyComposition", {"receiver": "0212344876"}, "OtherReceiver"),
    "bad check digits": ("notifyFamilyComposition", {"change": _bad_check_digits},
                         "Unreadable"),
    "unreadable header": ("notifyFamilyComposition", {"change": _year_12026}, "Unreadable"),
    "period ends before it begins": ("notifyPensionRegisterMutation", {"change": _backwards},
                                     "Unreadable"),
}


@pytest.mark.parametrize("case", sorted(NOKS))
def test_a_verified_message_that_is_not_acceptable_is_acknowledged_nok(
    kit: Kit, case: str,
) -> None:
    operation, options, reason = NOKS[case]
    reply = kit.receiver().receive(kit.message(operation, PERSON, **options))  # type: ignore[arg-type]
    assert (reply.status, reply.outcome, reply.reason) == (200, Outcome.REFUSED, reason)
    value, code, _ticket = ack(reply.body)
    assert (value, code) == ("NOK", "MSG00008")
    _nothing_stored(kit)
    (refused,) = kit.log.query(reader="test", kinds=[RecordKind.NOTIFICATION_REFUSED])
    assert (refused.error, refused.status_value) == (reason, "NOK")
    assert refused.operation == operation
    assert PERSON.encode() not in reply.body


def test_the_receiver_check_can_be_turned_off(kit: Kit) -> None:
    receiver = kit.receiver(organisation=None)
    reply = receiver.receive(kit.message("notifyPerson", PERSON, receiver="0212344876"))
    assert reply.outcome is Outcome.RECEIVED


def test_an_oversized_body_is_refused_before_it_is_read(kit: Kit) -> None:
    receiver = kit.receiver(max_body_bytes=2048)

    class Unreadable(io.BytesIO):
        def read(self, *args: object) -> bytes:
            raise AssertionError("the body was read")

    started: list[str] = []
    body = receiver({"REQUEST_METHOD": "POST", "CONTENT_LENGTH": "4096",
                     "wsgi.input": Unreadable()}, lambda status, headers: started.append(status))
    assert started == ["413 Payload Too Large"] and b"too large" in b"".join(body)
    # The same through receive(), for frameworks that hand over the bytes.
    assert receiver.receive(b"x" * 4096).status == 413
    _nothing_stored(kit)
    refusals = kit.log.query(reader="test", kinds=[RecordKind.NOTIFICATION_REFUSED])
    assert [(r.error, r.http_status) for r in refusals] == [("TooLarge", 413)] * 2


def test_a_post_without_length_is_refused(kit: Kit) -> None:
    started: list[str] = []
    kit.receiver()({"REQUEST_METHOD": "POST", "wsgi.input": io.BytesIO(b"<x/>")},
                   lambda status, headers: started.append(status))
    assert started == ["411 Length Required"]


def test_a_replayed_message_is_acknowledged_but_handed_over_once(kit: Kit) -> None:
    handled: list[NotificationEvent] = []
    handlers = Handlers()
    handlers.on(NotificationEvent)(handled.append)
    receiver = kit.receiver(handlers)
    message = kit.message("notifyDeduction", PERSON)
    first, again = receiver.receive(message), receiver.receive(message)
    assert (first.outcome, again.outcome) == (Outcome.RECEIVED, Outcome.DUPLICATE)
    assert ack(first.body)[:2] == ack(again.body)[:2] == ("OK", "MSG00000")
    assert again.entries == () and len(handled) == 1
    assert kit.scalar("SELECT COUNT(*) FROM notification_inbox") == 1
    records = kit.log.query(reader="test", kinds=[RecordKind.NOTIFICATION_RECEIVED])
    assert [r.detail["duplicate"] for r in records] == [False, True]
    assert records[0].call_id == records[1].call_id  # the redelivery names the receipt


def test_a_redelivery_signed_anew_is_recognised_as_the_same(
    kit: Kit, caplog: pytest.LogCaptureFixture,
) -> None:
    receiver = kit.receiver()
    first = kit.message("notifyJobSeekerStatus", PERSON)
    root = _xml.parse(first)
    security = root.find(".//{*}Security")
    assert security is not None
    security.getparent().remove(security)  # type: ignore[union-attr]
    body = root.find("{*}Body")
    assert body is not None
    for name in list(body.attrib):
        del body.attrib[name]
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    kit.signer.sign(root, now=later)
    resent = _xml.to_bytes(root)
    assert resent != first
    receiver.receive(first)
    with caplog.at_level(logging.WARNING, logger="ksz_client.notifications"):
        assert receiver.receive(resent).outcome is Outcome.DUPLICATE
    assert "another content" not in caplog.text
    records = kit.log.query(reader="test", kinds=[RecordKind.NOTIFICATION_RECEIVED])
    assert "same_content" not in records[1].detail


def test_a_redelivery_with_other_content_keeps_the_first(kit: Kit,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    receiver = kit.receiver()
    first = kit.message("notifyJobSeekerStatus", PERSON)
    ticket = _xml.parse(first).findtext(".//sender/ticket")

    def same_ticket_other_date(payload: _xml.Element) -> None:
        sender_ticket = payload.find("sender/ticket")
        date = payload.find(".//event/date")
        assert sender_ticket is not None and date is not None
        sender_ticket.text = ticket
        date.text = "2020-01-01"

    receiver.receive(first)
    with caplog.at_level(logging.WARNING, logger="ksz_client.notifications"):
        again = receiver.receive(kit.message("notifyJobSeekerStatus", PERSON,
                                             change=same_ticket_other_date))
    assert again.outcome is Outcome.DUPLICATE
    assert "another content" in caplog.text and PERSON not in caplog.text
    (entry,) = receiver.inbox.entries()
    assert str(entry.event().date) != "2020-01-01"  # type: ignore[attr-defined]
    records = kit.log.query(reader="test", kinds=[RecordKind.NOTIFICATION_RECEIVED])
    assert records[1].detail["same_content"] is False


def test_a_message_without_ticket_is_recognised_by_its_content(kit: Kit) -> None:
    def no_ticket(payload: _xml.Element) -> None:
        ticket = payload.find("sender/ticket")
        assert ticket is not None
        ticket.getparent().remove(ticket)  # type: ignore[union-attr]

    receiver = kit.receiver()
    message = kit.message("notifyPensionHolidayPay", PERSON, change=no_ticket)
    first, again = receiver.receive(message), receiver.receive(message)
    assert (first.outcome, again.outcome) == (Outcome.RECEIVED, Outcome.DUPLICATE)
    (entry,) = receiver.inbox.entries()
    assert entry.key.startswith("notifyPensionHolidayPay:sha256:")
    assert ack(first.body)[2] is None


def test_the_organisation_may_be_named_by_sector_and_institution(kit: Kit) -> None:
    def by_sector(payload: _xml.Element) -> None:
        ident = payload.find("receiver/organizationIdentification")
        assert ident is not None
        for child in list(ident):
            ident.remove(child)
        _xml.sub(ident, "sector", "17")
        _xml.sub(ident, "institution", "1")

    receiver = kit.receiver(organisation=Organisation(sector=17, institution=1))
    assert receiver.receive(kit.message("notifyPerson", PERSON, change=by_sector)).outcome \
        is Outcome.RECEIVED
    assert receiver.receive(kit.message("notifyPerson", PERSON)).reason == "OtherReceiver"
