"""The examples run against a real sandbox, as `make run` runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.e2e
def test_make_run_path_prints_a_person() -> None:
    out = subprocess.run(
        [sys.executable, "examples/run_with_sandbox.py", "--", "examples/quickstart.py"],
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
