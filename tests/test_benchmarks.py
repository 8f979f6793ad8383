"""The client benchmark stays runnable (`make bench`); it asserts no timing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_client_benchmark_runs_both_clients_side_by_side() -> None:
    done = subprocess.run([sys.executable, "-m", "benchmarks", "client", "--quick"], cwd=ROOT,
                          capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    assert "| zeep + BinarySignature (baseline) |" in done.stdout
    assert "| ksz-client (signed, verified, audited) |" in done.stdout
