"""SSINs never reach application logs: every written form masked, other numbers kept."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ksz_client import ssin as ssin_module
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._redact import (
    SsinRedactingFilter,
    install_log_redaction,
    redact_ssins,
    ssin_token,
)
from ksz_client.sandbox import Sandbox

from ._support import SSIN_A, SSIN_B, basic_config

NATIONAL = "85073003328"  # the SPEC's example, valid mod 97
INVALID = "85073003329"  # same shape, wrong check digits
TOKEN = re.compile(r"SSIN#[0-9a-f]{8}")


def forms(digits: str) -> list[str]:
    """The written forms the SPEC lists: plain, dotted, spaced."""
    return [
        digits,
        f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}-{digits[6:9]}.{digits[9:11]}",
        f"{digits[0:6]} {digits[6:9]}-{digits[9:11]}",
    ]


def leaks(text: str, digits: str) -> list[str]:
    """Every form of `digits` still readable in `text` (separators ignored)."""
    found = [f for f in forms(digits) if f in text]
    if digits in re.sub(r"[ .\-]", "", text):
        found.append("digits")
    return found


@pytest.mark.parametrize("digits", [NATIONAL, SSIN_A, SSIN_B])
def test_every_written_form_becomes_the_same_keyed_token(digits: str) -> None:
    assert ssin_module.is_valid(digits, allow_test=True)
    masked = [redact_ssins(f"seen {form} today") for form in forms(digits)]
    tokens = {TOKEN.search(m).group(0) for m in masked}  # type: ignore[union-attr]
    assert len(tokens) == 1
    assert all(leaks(m, digits) == [] for m in masked)
    assert tokens == {ssin_token(digits)}


def test_numbers_that_fail_mod_97_and_other_lengths_are_left_alone() -> None:
    assert not ssin_module.is_valid(INVALID, allow_test=True)
    text = f"invoice {INVALID}, phone 0470123456, account 850730033281, {INVALID[:6]} 033-29"
    assert redact_ssins(text) == text


def test_tokens_differ_between_persons_and_between_keys() -> None:
    assert ssin_token(SSIN_A) != ssin_token(SSIN_B)
    assert ssin_token(SSIN_A, b"k1") != ssin_token(SSIN_A, b"k2")
    assert ssin_token(SSIN_A, b"k1") == ssin_token(SSIN_A, b"k1")


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Everything the ksz_client and zeep loggers write, formatted with tracebacks."""
    install_log_redaction()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    loggers = [logging.getLogger(n) for n in ("ksz_client", "zeep")]
    saved = [(lg.level, lg.propagate) for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    yield stream
    for lg, (level, propagate) in zip(loggers, saved, strict=True):
        lg.removeHandler(handler)
        lg.setLevel(level)
        lg.propagate = propagate


@pytest.mark.parametrize("form", forms(NATIONAL))
def test_log_messages_arguments_and_traces_are_masked(captured: io.StringIO, form: str) -> None:
    log = logging.getLogger("ksz_client.services.example")
    log.info("looked up " + form)
    log.info("looked up %s for %s", form, "sw-1")
    log.warning("as a number: %d", int(NATIONAL))
    log.info("in a structure: %r", {"ssin": form, "other": INVALID})
    try:
        raise ValueError(f"bad answer about {form}")
    except ValueError:
        log.exception("call failed for %s", form)
    log.info("with a stack", stack_info=True, extra={"note": "x"})
    text = captured.getvalue()
    assert leaks(text, NATIONAL) == []
    assert text.count(ssin_token(NATIONAL)) == 6
    assert INVALID in text  # an 11-digit number that is not an SSIN stays readable
    assert "Traceback" in text and "ValueError: bad answer about SSIN#" in text


def test_zeep_soap_bodies_at_debug_are_masked(captured: io.StringIO) -> None:
    body = (f"<soapenv:Envelope><soapenv:Body><ssin>{SSIN_A}</ssin>"
            f"<ref>{INVALID}</ref></soapenv:Body></soapenv:Envelope>")
    logging.getLogger("zeep.transports").debug("HTTP Post to %s:\n%s", "https://ksz", body)
    text = captured.getvalue()
    assert leaks(text, SSIN_A) == [] and ssin_token(SSIN_A) in text and INVALID in text


def test_loggers_created_after_installation_are_masked_too(captured: io.StringIO) -> None:
    late = logging.getLogger("ksz_client.created_later.deep")
    assert not any(isinstance(f, SsinRedactingFilter) for f in late.filters)
    late.error("about %s", SSIN_B)
    assert leaks(captured.getvalue(), SSIN_B) == []


def test_other_loggers_are_left_alone() -> None:
    install_log_redaction()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    other = logging.getLogger("someone.else")
    other.addHandler(handler)
    other.setLevel(logging.INFO)
    try:
        other.info("number %s", NATIONAL)
    finally:
        other.removeHandler(handler)
    assert NATIONAL in stream.getvalue()


def test_the_client_installs_the_filter_once(tmp_path: Path) -> None:
    with KszClient(basic_config(tmp_path)), KszClient(basic_config(tmp_path)):
        pass
    for name in ("ksz_client", "zeep", "zeep.transports"):
        filters = [f for f in logging.getLogger(name).filters
                   if isinstance(f, SsinRedactingFilter)]
        assert len(filters) == 1, name


@pytest.mark.e2e
def test_a_real_call_logs_no_soap_body_above_debug_and_no_ssin_at_all(
    sandbox_config: KszConfig, sandbox: Sandbox, captured: io.StringIO,
    caplog: pytest.LogCaptureFixture,
) -> None:
    target = str(sandbox.population.ssin_of(1))
    with caplog.at_level(logging.DEBUG), KszClient(sandbox_config) as plain:
        client = plain.acting_for(user="sw-1", legal_context="PCSA:SOCIAL_INQUIRY")
        client.person.get(target)
    above_debug = [r.getMessage() for r in caplog.records if r.levelno > logging.DEBUG]
    assert not any("Envelope" in m or "<soap" in m for m in above_debug)
    assert leaks(caplog.text, target) == [] and leaks(captured.getvalue(), target) == []
