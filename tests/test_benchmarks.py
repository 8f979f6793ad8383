"""The client and CLI benchmarks stay runnable (`make bench`); they assert no timing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_client_benchmarks_run_both_clients_side_by_side() -> None:
    done = subprocess.run([sys.executable, "-m", "benchmarks", "client", "cli", "--quick"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    # Each figure is printed with the baseline beside it and its target's verdict.
    assert out.count("| zeep + BinarySignature (baseline) |") == 3, out
    assert out.count("| ksz-client (signed, verified, audited) |") == 3, out
    assert "PersonService searchPersonBySsin" in out
    assert "RetrieveTIGroups retrieveTI (history)" in out
    assert "Throughput: PersonService, sandbox latency 200 ms, 16 workers" in out
    assert "| `ksz person get SSIN --json` |" in out
    assert "| `ksz ssin check SSIN` |" in out
    assert out.count("target") >= 3
