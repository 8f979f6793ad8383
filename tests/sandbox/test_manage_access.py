"""The SSDN connector and OCMWCPASManageAccess: a repertory that really changes."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from lxml import etree

from ksz_client import _soap, _ssdn, _xml, catalogue
from ksz_client._config import Organisation
from ksz_client._pki import generate_self_signed
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, SECOND_OCMW_CBE_NUMBER, Sandbox
from ksz_client.sandbox.handlers.manage_access import ALREADY_INTEGRATED, NOTHING_TO_UNREGISTER
from ksz_client.sandbox.organisations import kbo_number
from ksz_client.wsse import Verifier

from .helpers import (
    ENV,
    FAMILY,
    FAMILY_OP,
    MA_NS,
    SsdnRaw,
    ask,
    consult,
    consult_payload,
    manage_access,
    official_schema,
    post,
    send_ssdn,
    signed,
    ssdn_document,
    status_of,
)

TODAY = dt.datetime.now(dt.UTC).date()
DAY = dt.timedelta(days=1)
M = f"{{{MA_NS}}}"
C = f"{{{_ssdn.SSDN_COMMON_NS}}}"
SECOND = Organisation(cbe_number=SECOND_OCMW_CBE_NUMBER, user_id="00000000097",
                      email="it@second.example")


def _people(sandbox: Sandbox, n: int) -> list[str]:
    return [str(p.ssin) for p in sandbox.persons(limit=n, deceased=False, replaced=False,
                                                  fault=None)]


def _proof(sandbox: Sandbox, ssin: str) -> dict[str, str]:
    person = sandbox.population.person(sandbox.population.index_of(ssin))  # type: ignore[arg-type]
    assert person.birth is not None
    return {"last_name": person.name.last_name, "birth_date": person.birth.date.isoformat()}


def _registrations(answer: SsdnRaw) -> list[tuple[str, str, str | None, str, str]]:
    return [
        (r.findtext(f"{M}Purpose") or "", r.findtext(f"{M}Period/{C}StartDate") or "",
         r.findtext(f"{M}Period/{C}EndDate"), r.findtext(f"{M}OrgUnit") or "",
         r.findtext(f"{M}Register") or "")
        for r in answer.payload.iterfind(f"{M}Registrations")
    ]


def _error(answer: SsdnRaw) -> str:
    summary = answer.service_reply.summary if answer.reply.service_replies \
        else answer.reply.summary
    assert summary.ok == "NO" and summary.return_code == 10000
    assert answer.reply.summary.is_error
    return summary.details[0].reason_code


# --- the repertory changes ------------------------------------------------------------------


def test_register_then_finality_then_unregister(fresh_sandbox: Sandbox,
                                                family_handler: list[str]) -> None:
    sandbox = fresh_sandbox
    (ssin,) = _people(sandbox, 1)
    assert status_of(consult(sandbox, FAMILY, FAMILY_OP,
                             consult_payload(FAMILY, FAMILY_OP, ssin))) == ("NO_RESULT",
                                                                          "MSG00012")
    registered = ask(sandbox, manage_access(ssin, "REGISTER", purpose=2, start=TODAY - DAY,
                                            **_proof(sandbox, ssin)))
    assert registered.reply.summary.ok == "YES" and registered.service_reply.summary.ok == "YES"
    assert _registrations(registered) == [("2", (TODAY - DAY).isoformat(), None,
                                           SANDBOX_CBE_NUMBER, "SECONDARY")]
    # The mutation has a KSZ ticket, and the repertory remembers it.
    ticket = registered.reply.ticket
    assert ticket and uuid.UUID(ticket)
    (integration,) = sandbox.integrations(ssin)
    assert integration.ticket == ticket and integration.quality_code == 2
    assert sandbox.profile(ssin).integrated
    # A later consultation sees it: finality passes.
    assert status_of(consult(sandbox, FAMILY, FAMILY_OP,
                             consult_payload(FAMILY, FAMILY_OP, ssin))) == ("DATA_FOUND",
                                                                          "MSG00000")
    unregistered = ask(sandbox, manage_access(ssin, "UNREGISTER", purpose=2, start=TODAY,
                                              **_proof(sandbox, ssin)))
    assert unregistered.reply.summary.ok == "YES"
    assert unregistered.reply.ticket not in (None, ticket)
    assert [(i.period.start, i.period.end) for i in sandbox.integrations(ssin)] == [
        (TODAY - DAY, TODAY - DAY)]
    assert status_of(consult(sandbox, FAMILY, FAMILY_OP,
                             consult_payload(FAMILY, FAMILY_OP, ssin))) == ("NO_RESULT",
                                                                          "MSG00012")
    assert family_handler == [ssin]


def test_list_reads_the_repertory_per_register(fresh_sandbox: Sandbox) -> None:
    sandbox = fresh_sandbox
    (ssin,) = _people(sandbox, 1)
    proof = _proof(sandbox, ssin)
    ask(sandbox, manage_access(ssin, "REGISTER", purpose=2, start=TODAY, **proof))
    ask(sandbox, manage_access(ssin, "REGISTER", purpose=5, start=TODAY - 10 * DAY,
                               end=TODAY + 10 * DAY, **proof))
    ask(sandbox, manage_access(ssin, "REGISTER", purpose=4, start=TODAY, **proof),
        organisation=SECOND)
    listed = ask(sandbox, manage_access(ssin, "LIST", purpose=None, start=TODAY, **proof))
    assert listed.payload.findtext(f"{M}OriginalRequest/{M}Register") == "ALL"
    assert listed.payload.findtext(f"{M}OriginalRequest/{M}Purpose") == "0"
    rows = _registrations(listed)
    assert sorted((p, org, reg) for p, _s, _e, org, reg in rows) == sorted([
        ("2", "17", "PRIMARY"), ("2", SANDBOX_CBE_NUMBER, "SECONDARY"),
        ("4", "17", "PRIMARY"), ("5", "17", "PRIMARY"), ("5", SANDBOX_CBE_NUMBER, "SECONDARY"),
    ])
    secondary = ask(sandbox, manage_access(ssin, "LIST", purpose=None, start=TODAY,
                                           query="SECONDARY", **proof))
    assert {r[0] for r in _registrations(secondary)} == {"2", "5"}
    primary_5 = ask(sandbox, manage_access(ssin, "LIST", purpose=5, start=TODAY,
                                           query="PRIMARY", **proof))
    assert _registrations(primary_5) == [("5", (TODAY - 10 * DAY).isoformat(),
                                          (TODAY + 10 * DAY).isoformat(), "17", "PRIMARY")]
    later = ask(sandbox, manage_access(ssin, "LIST", purpose=5, start=TODAY + 20 * DAY,
                                       **proof))
    assert _registrations(later) == []
    other_sector = ask(sandbox, manage_access(ssin, "LIST", purpose=None, start=TODAY,
                                              query="PRIMARY", sector=25, **proof))
    assert _registrations(other_sector) == []
    # The second OCMW sees its own integration as SECONDARY.
    seen_by_second = ask(sandbox, manage_access(ssin, "LIST", purpose=None, start=TODAY,
                                                query="SECONDARY", **proof), organisation=SECOND)
    assert [(r[0], r[3]) for r in _registrations(seen_by_second)] == [
        ("4", SECOND_OCMW_CBE_NUMBER)]


def test_repeats_are_warnings_that_change_nothing(fresh_sandbox: Sandbox) -> None:
    sandbox = fresh_sandbox
    (ssin,) = _people(sandbox, 1)
    proof = _proof(sandbox, ssin)
    ask(sandbox, manage_access(ssin, "REGISTER", start=TODAY, **proof))
    again = ask(sandbox, manage_access(ssin, "REGISTER", start=TODAY + DAY,
                                       end=TODAY + 5 * DAY, **proof))
    assert again.reply.summary.ok == "WARNING" and again.reply.summary.return_code == 1
    (warning,) = again.service_reply.summary.details
    assert (warning.severity, warning.reason_code) == ("WARNING", ALREADY_INTEGRATED)
    assert len(sandbox.integrations(ssin)) == 1
    nothing = ask(sandbox, manage_access(ssin, "UNREGISTER", purpose=7, start=TODAY, **proof))
    assert nothing.service_reply.summary.details[0].reason_code == NOTHING_TO_UNREGISTER
    assert _registrations(nothing) == []


def test_state_and_keys_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with Sandbox(seed=5, persons=300, state=path) as first:
        (ssin,) = _people(first, 1)
        ask(first, manage_access(ssin, "REGISTER", purpose=3, start=TODAY,
                                 **_proof(first, ssin)))
        certificate = first.signing.cert_pem
        client = first.client
    with Sandbox(seed=5, persons=300, state=path) as second:
        assert second.signing.cert_pem == certificate and second.client == client
        listed = ask(second, manage_access(ssin, "LIST", purpose=None, start=TODAY,
                                           query="SECONDARY", **_proof(second, ssin)))
        assert [r[0] for r in _registrations(listed)] == ["3"]


# --- official contracts ---------------------------------------------------------------------


@pytest.mark.contracts
def test_requests_and_replies_validate_against_the_official_schemas(
    fresh_sandbox: Sandbox, official_contracts: Path
) -> None:
    sandbox = fresh_sandbox
    base = "set-a/XSD/SSDN/"
    request_xsd = official_schema(official_contracts, base + "OCMW_CPAS/ManageAccess/"
                                  "ManageAccessRequest.xsd")
    reply_xsd = official_schema(official_contracts, base + "OCMW_CPAS/ManageAccess/"
                                "ManageAccessReply.xsd")
    ssdn_request_xsd = official_schema(official_contracts, base + "Service/SSDNRequest.xsd")
    # SSDNReply's xs:any is strict: the reply's payload schema is compiled with it.
    ssdn_reply_xsd = official_schema(official_contracts, base + "Service/SSDNReply.xsd",
                                     base + "OCMW_CPAS/ManageAccess/NamespaceRoot.xsd")
    (ssin,) = _people(sandbox, 1)
    proof = _proof(sandbox, ssin)
    payloads = [
        manage_access(ssin, "REGISTER", start=TODAY, **proof),
        manage_access(ssin, "REGISTER", start=TODAY, **proof),  # a warning
        manage_access(ssin, "LIST", purpose=None, start=TODAY, query="ALL", **proof),
        manage_access(ssin, "UNREGISTER", start=TODAY, end=TODAY + DAY, **proof),
        manage_access(ssin, "REGISTER", purpose=999, start=TODAY, **proof),  # an error
        manage_access(ssin, "LIST", purpose=None, start=TODAY),  # card number proof
    ]
    for payload in payloads:
        assert request_xsd.validate(payload), request_xsd.error_log
        document = ssdn_document(payload)
        assert ssdn_request_xsd.validate(etree.fromstring(document)), ssdn_request_xsd.error_log
        answer = send_ssdn(sandbox, document)
        assert ssdn_reply_xsd.validate(answer.document), ssdn_reply_xsd.error_log
        reply = answer.service_reply.payload
        if reply is not None:
            assert reply_xsd.validate(reply), reply_xsd.error_log
    # An envelope-level refusal (unknown organisation) is a valid SSDNReply too.
    stranger = Organisation(cbe_number=kbo_number(9_876_543), user_id="00000000097",
                            email="x@y.example")
    refused = send_ssdn(sandbox, ssdn_document(payloads[0], organisation=stranger))
    assert ssdn_reply_xsd.validate(refused.document), ssdn_reply_xsd.error_log


# --- refusals ------------------------------------------------------------------------------------


def test_business_refusals(fresh_sandbox: Sandbox) -> None:
    sandbox = fresh_sandbox
    population = sandbox.population
    (ssin,) = _people(sandbox, 1)
    proof = _proof(sandbox, ssin)
    assert _error(ask(sandbox, manage_access(ssin, "REGISTER", purpose=None, **proof))) \
        == "31000007"
    assert _error(ask(sandbox, manage_access(ssin, "REGISTER", purpose=99, **proof))) \
        == "MSG00008"
    wrong = ask(sandbox, manage_access(ssin, "REGISTER", last_name="Zzyzx",
                                       birth_date=proof["birth_date"]))
    assert _error(wrong) == "MSG00008"
    wrong_year = ask(sandbox, manage_access(ssin, "REGISTER", last_name=proof["last_name"],
                                            birth_date="1901-00-00"))
    assert _error(wrong_year) == "MSG00008"
    partial = ask(sandbox, manage_access(ssin, "REGISTER", last_name=proof["last_name"].upper(),
                                         birth_date=proof["birth_date"][:4] + "-00-00"))
    assert partial.reply.summary.ok == "YES"  # case and an incomplete birth date are fine
    outsider = _outsider(sandbox)
    assert _error(ask(sandbox, manage_access(outsider, "REGISTER", **proof))) == "MSG00005"
    assert _error(ask(sandbox, manage_access("12345678901", "REGISTER", **proof))) == "MSG00011"
    old = next(i for i in range(population.size) if population.replaced_by(i) is not None)
    replaced = ask(sandbox, manage_access(str(population.ssin_of(old)), "REGISTER", **proof))
    assert _error(replaced) == "MSG00006"
    (detail,) = replaced.service_reply.summary.details
    assert detail.information == (("newSSIN", str(population.ssin_of(old + 1))),)
    backwards = ask(sandbox, manage_access(ssin, "REGISTER", start=TODAY, end=TODAY - DAY,
                                           **proof))
    assert _error(backwards) == "30000001"
    assert [i.quality_code for i in sandbox.integrations(ssin)] == [2]  # only the valid one


def _outsider(sandbox: Sandbox) -> str:
    """A valid test number that is not in this sandbox's population."""
    from ksz_client.sandbox import Population

    bigger = Population(seed=sandbox.population.seed, size=sandbox.population.size + 10)
    return str(bigger.ssin_of(sandbox.population.size + 5))


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda d: d.replace(b"<ssdn:Version>20050930", b"<ssdn:Version>20990101"), "30000001"),
        (lambda d: d.replace(b"OCMWCPASManageAccess<", b"OCMWCPASNoSuchService<"), "30000001"),
        (lambda d: d.replace(b"OCMWCPASManageAccess<", b"ReferenceManager<"), "30000001"),
        (lambda d: d.replace(b"<ssdn:MatrixID>17", b"<ssdn:MatrixID>25"), "MSG00013"),
        (lambda d: d.replace(b"<ssdn:Email>it@ocmw.example</ssdn:Email>", b""), "31000007"),
        (lambda d: d.replace(b"SSDNRequest", b"SSDNRequestX"), "30000001"),
        (lambda d: d[: len(d) // 2], "30000001"),
    ],
    ids=["version", "service-id", "not-served", "matrix", "email", "not-ssdn", "malformed"],
)
def test_envelope_refusals_come_as_ssdn_replies(
    sandbox: Sandbox, change: object, code: str
) -> None:
    (ssin,) = _people(sandbox, 1)
    document = change(ssdn_document(manage_access(ssin, "LIST", purpose=None)))  # type: ignore[operator]
    answer = send_ssdn(sandbox, document)
    assert _error(answer) == code
    assert answer.reply.ticket  # even a refusal has a KSZ ticket


def test_an_unknown_organisation_is_msg00013_without_a_service_reply(sandbox: Sandbox) -> None:
    (ssin,) = _people(sandbox, 1)
    stranger = Organisation(cbe_number=kbo_number(9_876_543), user_id="00000000097",
                            email="x@y.example")
    answer = ask(sandbox, manage_access(ssin, "LIST", purpose=None), organisation=stranger)
    assert answer.reply.service_replies == ()
    assert _error(answer) == "MSG00013"
    # The reply echoes the request's reference and user.
    assert answer.reply.reference is not None
    assert answer.document.findtext(f".//{{{_ssdn.SSDN_NS}}}AuthorizedUser/"
                                    f"{{{_ssdn.SSDN_NS}}}OrgUnit") == stranger.cbe_number


def test_connector_soap_errors(sandbox: Sandbox) -> None:
    (ssin,) = _people(sandbox, 1)
    document = ssdn_document(manage_access(ssin, "LIST", purpose=None))
    path = catalogue.SSDN_CONNECTOR_PATH
    # Unsigned, or signed by a stranger: the gateway's security fault, unsigned.
    for data in (_xml.to_bytes(_soap.envelope(_ssdn.wrap(document))),
                 signed(_ssdn.wrap(document), generate_self_signed("mallory"))):
        response = post(sandbox, path, data, catalogue.SSDN_SOAP_ACTION)
        assert response.status_code == 500
        assert b"wsse:InvalidSecurity" in response.content
    # A wrong SOAPAction, or a body that is not xmlString: signed client faults.
    wrong_action = post(sandbox, path, signed(_ssdn.wrap(document), sandbox.client),
                        "http://example/other")
    not_xml_string = post(sandbox, path, signed(etree.Element("{urn:x}other"), sandbox.client),
                          catalogue.SSDN_SOAP_ACTION)
    for response in (wrong_action, not_xml_string):
        assert response.status_code == 500
        root = _xml.parse(response.content)
        assert root.findtext(f"{ENV}Body/{ENV}Fault/faultcode") == "soapenv:Client"
        Verifier([sandbox.signing.cert_pem]).verify(root)


def test_a_crashing_ssdn_handler_is_an_msg00003_reply(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ksz_client.sandbox.handlers import SSDN_HANDLERS

    def crash(ctx: object, request: object) -> object:
        raise RuntimeError("bug")

    monkeypatch.setitem(SSDN_HANDLERS, "OCMWCPASManageAccess", crash)
    (ssin,) = _people(sandbox, 1)
    answer = ask(sandbox, manage_access(ssin, "LIST", purpose=None))
    assert _error(answer) == "MSG00003"
    assert b"bug" not in answer.raw.response.content


def test_a_second_client_certificate_is_refused_unless_known() -> None:
    extra = generate_self_signed("second application")
    with Sandbox(seed=5, persons=300, extra_client_certificates=[extra.cert_pem]) as sandbox:
        (ssin,) = _people(sandbox, 1)
        document = ssdn_document(manage_access(ssin, "LIST", purpose=None))
        assert send_ssdn(sandbox, document, credentials=extra).reply.summary.ok == "YES"
