"""CLI wall time: a one-off ``ksz person get`` against a running sandbox, and ``ksz ssin check``.

Whole processes, interpreter start included, as a user or a script runs them:
``ksz person get SSIN --json`` (configuration read, key loaded, request signed,
answer verified, JSON printed; the audit log is off, as in the sandbox's
generated configuration) and ``ksz ssin check SSIN`` (no network). The baseline
beside the first is the same consultation as a one-off zeep script
(``python -m benchmarks._zeep``: import zeep, build the Client on the WSDL, sign,
call, verify, print JSON). Median wall time of several runs; the sandbox runs
in its own process and is started once.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._sandbox import external_sandbox
from benchmarks.bench_client import LEGAL_CONTEXT, PERSON
from ksz_client.sandbox import SANDBOX_CBE_NUMBER
from ksz_client.ssin import make

PERSON_TARGET_S = 0.6
SSIN_TARGET_S = 0.25


def _ksz() -> list[str]:
    # The installed console script, as a user runs it; else the module.
    script = Path(sys.executable).parent / "ksz"
    if script.exists():
        return [str(script)]
    found = shutil.which("ksz")
    return [found] if found else [sys.executable, "-m", "ksz_client.cli"]


def _wall(command: list[str], runs: int, env: dict[str, str]) -> float:
    """Median wall seconds of `runs` runs of `command` (which must succeed), after one
    unmeasured run that leaves the bytecode cache written."""
    samples = []
    for n in range(runs + 1):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, check=False, env=env)  # noqa: S603
        if n == 0:
            continue
        samples.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command[:4])}... failed: {done.stderr.decode()[-500:]}")
    return statistics.median(samples)


def run(quick: bool) -> None:
    runs = 3 if quick else 9
    with tempfile.TemporaryDirectory(prefix="ksz-bench-",
                                     dir=os.environ.get("KSZ_BENCH_DIR")) as tmp, \
            external_sandbox(Path(tmp) / "sandbox") as sandbox:
        population = sandbox.population
        ssin = str(population.ssin_of(next(i for i in range(population.size)
                                           if population.replaced_by(i) is None)))
        ksz = _ksz()
        # As installed: pip writes the bytecode of site-packages (zeep's) at install
        # time; this editable checkout gets its own in a cache folder outside the tree
        # (PYTHONDONTWRITEBYTECODE, if set, would make every run compile every module).
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        person = _wall([*ksz, "--config", str(sandbox.config), "--user", "bench",
                        "--legal-context", LEGAL_CONTEXT, "person", "get", ssin, "--json"],
                       runs, env)
        zeep_once = _wall([sys.executable, "-m", "benchmarks._zeep", str(PERSON.wsdl),
                           PERSON.binding, f"{sandbox.url}/{PERSON.path}",
                           str(sandbox.client_key), str(sandbox.client_cert),
                           str(sandbox.signing_cert), SANDBOX_CBE_NUMBER, ssin], runs, env)
        # The sandbox's persons have test numbers, which `ssin check` refuses by default.
        check = _wall([*ksz, "ssin", "check", str(make(dt.date(1985, 7, 30), 33))], runs, env)
        python = _wall([sys.executable, "-c", "pass"], runs, env)
    print(f"whole-process wall time, median of {runs} runs, bytecode cached as in an "
          f"installation (bare `python -c pass`: {python:.3f} s):")
    print("| command | wall s | baseline | baseline s | target | met? |")
    print("|---|---:|---|---:|---:|---|")
    print(f"| `ksz person get SSIN --json` | {person:.3f} | one-off zeep script | "
          f"{zeep_once:.3f} | {PERSON_TARGET_S} s | "
          f"{'met' if person <= PERSON_TARGET_S else 'NOT met'} |")
    print(f"| `ksz ssin check SSIN` | {check:.3f} | - | - | {SSIN_TARGET_S} s | "
          f"{'met' if check <= SSIN_TARGET_S else 'NOT met'} |")
