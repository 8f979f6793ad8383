"""The ``ksz`` consultation UX: --raw, --json rules, the call context from the command
line / environment / file, helpful errors, ``ksz --help`` by group, shell completion.

This module integrates persons (for the family composition): it has its own sandbox.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree
from tests.services.sandbox_world import cli_setup, own_sandbox, own_sandbox_config_path

from ksz_client import ssin as ssin_module
from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import ConfigError
from ksz_client._pki import generate_self_signed
from ksz_client.cli import EXIT_BUSINESS, EXIT_OK, EXIT_TRANSPORT, EXIT_USAGE, build_parser, main
from ksz_client.cli._completion import candidates
from ksz_client.cli._context import client_from_args
from ksz_client.cli._raw import mask_other_ssins, render_raw
from ksz_client.cli._render import code_text, render
from ksz_client.sandbox import Sandbox
from ksz_client.services._registry import operations_of
from ksz_client.ssin import SsinKind, make

__all__ = ["own_sandbox", "own_sandbox_config_path"]  # the module's own sandbox fixtures

CONTEXT = ("--user", "test-social-worker", "--legal-context", "PCSA:SOCIAL_INQUIRY")
BIN = Path(sys.executable).parent


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("KSZ_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def _valid_ssins(text: str) -> set[str]:
    """Every valid SSIN written anywhere in `text`, compacted."""
    from ksz_client._redact import _WRITTEN

    return {ssin_module.compact(m) for m in _WRITTEN.findall(text)
            if ssin_module.is_valid(m, allow_test=True)}


def _household_head(sandbox: Sandbox) -> str:
    for profile in sandbox.persons(deceased=False, replaced=False, fault=None, register="NR"):
        if profile.household_size >= 3:
            return str(profile.ssin)
    raise LookupError("no household of three in the sandbox")


# --- --raw -----------------------------------------------------------------------------


def test_masking_keeps_the_subject_and_numbers_that_are_no_ssin() -> None:
    subject = make(dt.date(1985, 7, 30), 33)
    other = make(dt.date(1990, 1, 2), 45)
    not_an_ssin = subject[:-2] + f"{(int(subject[-2:]) + 1) % 100:02d}"
    text = (f'<a ref="{other}"><ssin>{subject}</ssin><b>{other.formatted}</b>'
            f"<amount>{not_an_ssin}</amount><!-- {other} --></a>")
    masked = mask_other_ssins(text, [subject.formatted])
    assert str(subject) in masked and not_an_ssin in masked
    assert str(other) not in masked and other.formatted not in masked
    assert f'ref="{other[:6]}*****"' in masked
    assert f"<b>{other.formatted[:9]}***.**</b>" in masked
    assert f"<!-- {other[:6]}***** -->" in masked
    assert _valid_ssins(masked) == {str(subject)}


def test_raw_of_text_that_is_no_xml_is_shown_as_received_but_masked() -> None:
    other = make(dt.date(1990, 1, 2), 45)
    shown = render_raw(f"<html>Gateway error for {other}</html".encode())
    assert shown.startswith("<html>Gateway error for ") and str(other) not in shown


@pytest.mark.e2e
def test_raw_shows_the_answer_with_household_members_masked(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, sandbox_config_path: Path,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    head = _household_head(sandbox)
    config = cli_setup(sandbox, sandbox_config_path, tmp_path, monkeypatch, head)
    code, out, err = run(capsys, "--config", str(config), *CONTEXT, "family", "get",
                         ssin_module.format(head), "--raw")
    assert (code, err) == (EXIT_OK, "")
    root = etree.fromstring(out.encode())  # still well-formed XML
    assert root.tag.endswith("Envelope")
    assert "\n    <" in out  # pretty-printed
    assert _valid_ssins(out) == {head}  # the members' numbers are all masked
    assert re.search(r">\d{6}\*{5}<", out)
    # The human form of the same answer does show the members: --raw masks them.
    code, human, _ = run(capsys, "--config", str(config), *CONTEXT, "family", "get", head)
    assert code == EXIT_OK and len(_valid_ssins(human)) >= 3


@pytest.mark.e2e
def test_raw_of_an_ssdn_service_shows_the_document_inside_the_envelope(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, sandbox_config_path: Path,
) -> None:
    subject = str(sandbox.persons(deceased=False, replaced=False, fault=None)[0].ssin)
    code, out, err = run(capsys, "--config", str(sandbox_config_path), *CONTEXT,
                         "access", "list", subject, "--raw")
    assert (code, err) == (EXIT_OK, "")
    root = etree.fromstring(out.encode())
    holder = root.find(".//{http://ksz-bcss.fgov.be/connectors/WebServiceConnector}xmlString")
    assert holder is not None
    reply = holder.find("{http://www.ksz-bcss.fgov.be/XSD/SSDN/Service}SSDNReply")
    assert reply is not None  # an element, not escaped text
    assert "&lt;" not in out
    assert "ManageAccessReply" in out or "ManageAccessResponse" in out


@pytest.mark.e2e
def test_raw_of_a_refusal_shows_the_answer_and_the_error(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, sandbox_config_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KSZ_FINALITY_MODE", "off")  # let the sandbox answer MSG00012
    subject = _household_head(sandbox)
    other = next(str(p.ssin) for p in sandbox.persons(deceased=False, replaced=False,
                                                       fault=None) if str(p.ssin) != subject)
    # TaxAssessment's own legal context (no --legal-context: it would win, and the
    # sandbox would refuse it with MSG00013 before looking at the integration).
    code, out, err = run(capsys, "--config", str(sandbox_config_path),
                         "--user", "test-social-worker", "tax", "assessment", other, "--raw")
    assert code == EXIT_BUSINESS
    assert "MSG00012" in out and "NotIntegrated" in err
    # The KSZ itself refused: the hint says how to integrate, not how to sync a local register.
    assert f"ksz --config {sandbox_config_path}" in err
    assert f"access register {ssin_module.format(other)} --quality-code CODE" in err
    assert "access sync" not in err


def test_json_and_raw_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "person", "get", "85073003328", "--json", "--raw")
    assert code == EXIT_USAGE and "not allowed with" in err


def test_json_help_states_the_key_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "person", "get", "--help")
    assert code == EXIT_OK
    flat = " ".join(out.split())
    assert "field names" in flat and '"cents"' in flat and "--raw" in flat


# --- the call context ------------------------------------------------------------------


def _context_of(config: Path, *argv: str) -> object:
    args = build_parser([*argv, "person"]).parse_args(
        ["--config", str(config), *argv, "person", "get", "85073003328"])
    with client_from_args(args) as client:
        return client.context


def test_context_precedence_command_line_then_environment_then_file(
    sandbox_config_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = tmp_path / "ksz.toml"
    for pem in sandbox_config_path.parent.glob("*.pem"):
        shutil.copy(pem, tmp_path / pem.name)
    config.write_text(sandbox_config_path.read_text(encoding="utf-8")
                      + '\n[context]\nuser = "from-file"\nquality_code = 7\n'
                        'dossier = "D-file"\n', encoding="utf-8")
    context = _context_of(config)
    assert (context.user, context.quality_code, context.dossier) == ("from-file", 7, "D-file")
    monkeypatch.setenv("KSZ_CONTEXT_USER", "from-env")
    monkeypatch.setenv("KSZ_CONTEXT_QUALITY_CODE", "3")
    context = _context_of(config)
    assert (context.user, context.quality_code, context.dossier) == ("from-env", 3, "D-file")
    context = _context_of(config, "--user", "from-cli", "--quality-code", "2",
                          "--dossier", "D-cli")
    assert (context.user, context.quality_code, context.dossier) == ("from-cli", 2, "D-cli")


def test_a_quality_code_that_is_no_number_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    sandbox_config_path: Path,
) -> None:
    code, _, err = run(capsys, "--quality-code", "two", "person", "get", "85073003328")
    assert code == EXIT_USAGE and "--quality-code" in err
    monkeypatch.setenv("KSZ_CONTEXT_QUALITY_CODE", "two")
    code, _, err = run(capsys, "--config", str(sandbox_config_path), *CONTEXT,
                       "person", "get", "85073003328")
    assert code == EXIT_USAGE and "context.quality_code" in err


def test_the_global_quality_code_does_not_clash_with_an_operation_option() -> None:
    args = build_parser(["access"]).parse_args(
        ["--quality-code", "2", "access", "register", "85073003328", "--quality-code", "4"])
    assert (args.context_quality_code, args.quality_code) == (2, 4)


# --- helpful errors --------------------------------------------------------------------


@pytest.mark.e2e
def test_not_integrated_prints_the_command_that_integrates(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, sandbox_config_path: Path,
) -> None:
    subject = ssin_module.validate(_household_head(sandbox), allow_test=True)
    code, out, err = run(capsys, "--config", str(sandbox_config_path), *CONTEXT,
                         "--quality-code", "2", "family", "get", subject)
    assert code == EXIT_BUSINESS and out == ""
    first, *rest = err.splitlines()
    assert "NotIntegrated" in first and str(subject) not in first  # not in the exception
    hint = "\n".join(rest)
    expected = (f"ksz --config {sandbox_config_path} --user test-social-worker --legal-context "
                f"PCSA:SOCIAL_INQUIRY access register {subject.formatted} --quality-code 2 "
                f"--last-name LAST_NAME --birth-date {subject.birth_date}")
    assert expected in hint
    assert f"access sync {subject.formatted}" in hint
    assert "audit.path" in hint  # the sandbox configuration keeps its register in memory


def test_an_unknown_legal_context_says_what_to_set(
    capsys: pytest.CaptureFixture[str], sandbox_config_path: Path,
) -> None:
    code, _, err = run(capsys, "--config", str(sandbox_config_path), "--user", "u",
                       "--legal-context", "SOMETHING_ELSE", "person", "get", "85073003328")
    assert code == EXIT_USAGE and "InvalidLegalContext" in err
    assert "PersonService has no legal context of its own: give --legal-context" in err
    assert "finality.allowed_legal_contexts" in err and "'PCSA:SOCIAL_INQUIRY'" in err


def test_a_missing_user_says_where_to_set_it(
    capsys: pytest.CaptureFixture[str], sandbox_config_path: Path,
) -> None:
    code, _, err = run(capsys, "--config", str(sandbox_config_path), "--legal-context",
                       "PCSA:SOCIAL_INQUIRY", "person", "get", "85073003328")
    assert code == EXIT_USAGE and "KSZ_CONTEXT_USER" in err and "context.user" in err


@pytest.mark.e2e
def test_a_refused_legal_context_names_the_service_setting(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, sandbox_config_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A known legal context, but not the one the KSZ granted for Dolsis: MSG00013.
    monkeypatch.setenv("KSZ_FINALITY_MODE", "off")
    monkeypatch.setenv("KSZ_LEGAL_CONTEXTS_DOLSIS", "PCSA:SOCIAL_INQUIRY")
    subject = str(sandbox.persons(deceased=False, replaced=False, fault=None)[0].ssin)
    code, _, err = run(capsys, "--config", str(sandbox_config_path), *CONTEXT,
                       "dolsis", "find-employers", subject)
    assert code == EXIT_BUSINESS and "NotAuthorized" in err
    assert "[legal_contexts] Dolsis" in err and "KSZ_LEGAL_CONTEXTS_DOLSIS" in err
    assert "sent with the legal context 'PCSA:SOCIAL_INQUIRY'" in err


def test_the_command_lines_legal_context_wins_over_the_services_own(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, sandbox_config_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Typed for one command, it is sent as given (a per-call context), and the KSZ judges it.
    monkeypatch.setenv("KSZ_FINALITY_MODE", "off")
    monkeypatch.setenv("KSZ_CONTEXT_LEGAL_CONTEXT", "PCSA:SOCIAL_INQUIRY")  # a default only
    subject = str(sandbox.persons(deceased=False, replaced=False, fault=None)[0].ssin)
    code, _, err = run(capsys, "--config", str(sandbox_config_path), "--user", "u",
                       "--legal-context", "Social Rate Investigation",
                       "dolsis", "find-employers", subject)
    assert code == EXIT_BUSINESS and "NotAuthorized" in err
    assert "sent with the legal context 'Social Rate Investigation'" in err
    assert "--legal-context gives one for this command" in err
    # Without it, the service's own legal context goes, not the environment's default.
    code, _, err = run(capsys, "--config", str(sandbox_config_path), "--user", "u",
                       "dolsis", "find-employers", subject)
    assert "NotAuthorized" not in err and "MSG00013" not in err


def _config_with_certificate(source: Path, folder: Path, *, not_before: dt.datetime,
                             days: int) -> Path:
    for pem in source.parent.glob("*.pem"):
        shutil.copy(pem, folder / pem.name)
    (folder / "old-cert.pem").write_bytes(
        generate_self_signed("old", days=days, not_before=not_before, key_size=1024).cert_pem)
    target = folder / "cert.toml"
    target.write_text(source.read_text(encoding="utf-8").replace(
        'cert_file = "client-cert.pem"', 'cert_file = "old-cert.pem"'), encoding="utf-8")
    return target


def test_an_expired_certificate_names_the_file_and_the_date(
    capsys: pytest.CaptureFixture[str], sandbox_config_path: Path, tmp_path: Path,
) -> None:
    config = _config_with_certificate(sandbox_config_path, tmp_path,
                                      not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
                                      days=30)
    code, out, err = run(capsys, "--config", str(config), *CONTEXT,
                         "person", "get", "85073003328")
    assert code == EXIT_USAGE and out == ""
    assert "auth.cert_file" in err and str(tmp_path / "old-cert.pem") in err
    assert "expired on 2020-01-31" in err


def test_a_certificate_not_yet_valid_names_the_file_and_the_date(
    capsys: pytest.CaptureFixture[str], sandbox_config_path: Path, tmp_path: Path,
) -> None:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)
    config = _config_with_certificate(sandbox_config_path, tmp_path, not_before=later, days=30)
    code, _, err = run(capsys, "--config", str(config), *CONTEXT,
                       "person", "get", "85073003328")
    assert code == EXIT_USAGE
    assert f"not valid before {later:%Y-%m-%d}" in err and "old-cert.pem" in err


def test_an_unreadable_or_expired_tls_client_certificate_is_a_config_error(
    sandbox_config_path: Path, tmp_path: Path,
) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"not a certificate")
    base = KszConfig.load(sandbox_config_path, env={})
    for path, message in (
        (junk, r"junk\.pem holds no readable certificate"),
        (tmp_path / "absent.pem", "cannot read"),
    ):
        config = dataclasses.replace(base, tls_client_cert=path, tls_client_key=path)
        with pytest.raises(ConfigError, match=message) as refused:
            KszClient(config)
        assert refused.value.key == "tls.client_cert"
    old = tmp_path / "old-tls.pem"
    old.write_bytes(generate_self_signed(
        "old", days=30, not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), key_size=1024).cert_pem)
    config = dataclasses.replace(base, tls_client_cert=old, tls_client_key=old)
    with pytest.raises(ConfigError, match=r"old-tls\.pem expired on 2020-01-31"):
        KszClient(config)


def test_a_refused_connection_names_the_url_and_the_sandbox(
    capsys: pytest.CaptureFixture[str], sandbox_config_path: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import socket

    from ksz_client import _transport

    monkeypatch.setattr(_transport, "sleep", lambda seconds: None)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    for pem in sandbox_config_path.parent.glob("*.pem"):
        shutil.copy(pem, tmp_path / pem.name)
    config = tmp_path / "closed.toml"
    config.write_text(re.sub(r'(?m)^endpoint = ".*"$', f'endpoint = "http://127.0.0.1:{port}"',
                             sandbox_config_path.read_text(encoding="utf-8")), encoding="utf-8")
    code, _, err = run(capsys, "--config", str(config), *CONTEXT, "person", "get",
                       make(dt.date(1980, 1, 1), 1, kind=SsinKind.TEST))
    assert code == EXIT_TRANSPORT and "ConnectError" in err
    assert f"no answer from http://127.0.0.1:{port}/" in err
    assert "ksz sandbox serve" in err


# --- human output ----------------------------------------------------------------------


def test_codes_show_their_meaning() -> None:
    from ksz_client.services.dolsis.models import DolsisCode, WorkerType
    from ksz_client.ssin import Gender
    from ksz_client.types import StatusValue

    assert code_text(Gender.MALE) == "M (male)"
    assert code_text(WorkerType.STU) == "stu (student (solidarity contribution))"
    assert code_text(DolsisCode.PARTIAL_NO_CBSS_DATA) == "DOLS0005 (partial no cbss data)"
    assert code_text(StatusValue.DATA_FOUND) == "DATA_FOUND"

    class Plain(enum.Enum):
        CODE_07 = "07"

    assert code_text(Plain.CODE_07) == "07"


def test_lists_of_records_render_as_aligned_tables() -> None:
    from dataclasses import dataclass

    from ksz_client.types import Money, Period

    @dataclass(frozen=True)
    class Line:
        period: Period
        amount: Money
        note: str | None = None

    @dataclass(frozen=True)
    class Result:
        at: dt.datetime
        lines: tuple[Line, ...]

    text = render(Result(dt.datetime(2026, 1, 5, 14, 3, 22),
                         (Line(Period(dt.date(2026, 1, 1)), Money(12345)),
                          Line(Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31)), Money(5)))))
    assert "at     2026-01-05 14:03:22" in text or "at  2026-01-05 14:03:22" in text
    lines = text.splitlines()
    header = lines.index("lines") + 1
    assert lines[header].split() == ["period", "amount"]  # the empty note column is left out
    assert lines[header + 2].split() == ["2026-01-01", "-", "(open)", "123.45"]
    assert lines[header + 3].index("0.05") == lines[header + 2].index("123.45")


# --- ksz --help ------------------------------------------------------------------------


def test_help_lists_the_services_by_catalogue_group(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == EXIT_OK
    lines = out.splitlines()
    at = {line.strip().split()[0]: i for i, line in enumerate(lines) if line.strip()}
    assert at["registers"] < at["person"] < at["social"] < at["dolsis"] < at["other"]
    assert at["other"] < at["ssin"] and at["other"] < at["completion"]
    assert "PersonService V4:" in lines[at["person"]]
    assert "child_benefits" not in out  # one name per command, no alias noise
    assert "--quality-code CODE" in out and "Exit codes" in out


def _heavy_after(*argv: str) -> list[str]:
    code = ("import sys\nfrom ksz_client.cli import main\n"
            f"try:\n    main({list(argv)!r})\nexcept SystemExit:\n    pass\n"
            "print('heavy:' + ','.join(m for m in ('lxml', 'requests', 'xmlsec')"
            " if m in sys.modules), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False,
                          env={k: v for k, v in os.environ.items() if not k.startswith("KSZ_")})
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("heavy:"), done.stderr
    return [m for m in last.removeprefix("heavy:").split(",") if m]


def test_help_and_ssin_check_load_no_heavy_dependency() -> None:
    assert _heavy_after("--help") == []
    assert _heavy_after("ssin", "check", "85073003328") == []
    assert _heavy_after("completion", "bash") == []
    assert _heavy_after("__complete", "0", "per") == []


# --- completion ------------------------------------------------------------------------


def test_completion_candidates() -> None:
    from ksz_client.services.person import PersonService

    assert candidates(["per"], 0) == ["person"]
    assert candidates(["person", ""], 1) == sorted(operations_of(PersonService))
    assert candidates(["person", "g"], 1) == ["get"]
    assert candidates(["person", "search-person-by-s"], 1) == ["search-person-by-ssin"]
    assert "--raw" in candidates(["person", "get", "--"], 2)
    assert candidates(["--config", "ksz.toml", "--quality-code", "2", "fam"], 4) == ["family"]
    assert candidates(["--"], 0) == ["--config", "--dossier", "--help", "--legal-context",
                                     "--quality-code", "--user"]
    assert candidates(["completion", ""], 1) == ["bash", "zsh"]
    assert candidates(["person", "get", ""], 2) == []  # an SSIN: the shell's default


def test_complete_command_prints_one_candidate_a_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "__complete", "1", "sandbox", "")
    assert code == EXIT_OK and out.split() == ["notify", "persons", "serve"]
    code, out, _ = run(capsys, "__complete", "9", "sandbox")
    assert code == EXIT_USAGE and out == ""


def test_completion_scripts(capsys: pytest.CaptureFixture[str]) -> None:
    code, bash, _ = run(capsys, "completion", "bash")
    assert code == EXIT_OK and "complete -o default -F _ksz_complete ksz" in bash
    code, zsh, _ = run(capsys, "completion", "zsh")
    assert code == EXIT_OK and zsh.startswith("#compdef ksz") and "compdef _ksz ksz" in zsh
    code, _, err = run(capsys, "completion", "fish")
    assert code == EXIT_USAGE and "invalid choice" in err


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_the_bash_script_completes_in_bash() -> None:
    script = ('source <(ksz completion bash)\n'
              'COMP_WORDS=(ksz per); COMP_CWORD=1; _ksz_complete; echo "${COMPREPLY[*]}"\n'
              'COMP_WORDS=(ksz person ""); COMP_CWORD=2; _ksz_complete; echo "${COMPREPLY[*]}"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("KSZ_")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120,
                          env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["person", "get search"]
