"""The examples run against a real sandbox, as `make run` runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.e2e
def test_make_run_path_prints_a_person(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "examples/run_with_sandbox.py", "--dir", str(tmp_path), "--",
         "examples/quickstart.py"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "listening on http://127.0.0.1:" in out.stdout
    assert "register)" in out.stdout and "status    DATA_FOUND MSG00000" in out.stdout
    assert "tickets   ours " in out.stdout


def test_quickstart_without_an_ssin_prints_its_usage() -> None:
    out = subprocess.run([sys.executable, "examples/quickstart.py"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 2 and "python examples/quickstart.py SSIN" in out.stdout


@pytest.mark.e2e
def test_new_case_identifies_integrates_reads_the_household_and_shows_the_audit(
    tmp_path: Path,
) -> None:
    out = subprocess.run(
        [sys.executable, "examples/run_with_sandbox.py", "--dir", str(tmp_path), "--",
         "examples/new_case.py"],
        cwd=ROOT, capture_output=True, text=True, timeout=180, check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1. identified " in out.stdout
    assert "2. integrated for quality code 2" in out.stdout
    assert "3. household of " in out.stdout or "3. no household known" in out.stdout
    assert "4. the audit log holds" in out.stdout
    for call in ("PersonService.searchPersonBySsin", "OCMWCPASManageAccess.REGISTER",
                 "FamilyComposition.consultFamilyComposition"):
        assert call in out.stdout, call
    assert "INTENT" in out.stdout and "OUTCOME" in out.stdout


@pytest.mark.e2e
def test_social_inquiry_gathers_five_sources_concurrently(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "examples/run_with_sandbox.py", "--dir", str(tmp_path), "--",
         "examples/social_inquiry.py"],
        cwd=ROOT, capture_output=True, text=True, timeout=180, check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Social inquiry for " in out.stdout
    for source in ("employment", "unemployment", "insurability", "taxes", "disability"):
        line = next(x for x in out.stdout.splitlines() if x.strip().startswith(source))
        assert "not available" not in line, line
