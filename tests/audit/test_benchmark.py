"""The audit benchmark stays runnable (``make bench``); its numbers go to BENCHMARKS.md."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_audit_benchmark_runs_and_reports_both_loads() -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("KSZ_BENCH_POSTGRES_DSN", "KSZ_TEST_POSTGRES_DSN")}
    done = subprocess.run([sys.executable, "-m", "benchmarks", "audit", "--quick"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "saturated" in out and "exchange 20 ms" in out
    assert out.count("\nsqlite ") == 10 and "postgres  skipped" in out
    unknown = subprocess.run([sys.executable, "-m", "benchmarks", "nonesuch"], cwd=ROOT,
                             capture_output=True, text=True, timeout=60, check=False)
    assert unknown.returncode != 0 and "known: audit" in unknown.stderr
