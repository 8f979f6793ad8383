"""Peak memory of ``ksz batch``, flat in the number of rows (target: under 200 MB at 10,000).

The batch runs as its own process (``python -m ksz_client.cli batch``, SSINInformationService
consultCurrentSsin, concurrency 8) against a local sandbox served by this one, so its
peak resident set size (``ru_maxrss`` of the child) counts the client only. Runs of
growing size should show the same peak: rows are streamed, results written as they
come, and only a bounded window of rows is in memory.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ksz_client.sandbox import Sandbox

TARGET_MB = 200


def _peak_of_child(args: list[str]) -> tuple[float, float]:
    """Run a child process; its peak RSS in MB and its wall time in s."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - our own command
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest of any child so far: grow the runs.
    return max(after, before) / 1024, wall


def run(quick: bool) -> None:
    sizes = (500, 2_000) if quick else (1_000, 5_000, 10_000)
    with Sandbox(seed=1, persons=500) as sandbox, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = sandbox.write_config(folder / "ksz.toml")
        ssins = [str(p.ssin) for p in sandbox.persons(deceased=False, replaced=False,
                                                       fault=None)]
        print("| rows | peak RSS of the batch process (MB) | wall s | rows/s |")
        print("|---:|---:|---:|---:|")
        peaks = []
        for size in sizes:
            source = folder / f"in-{size}.csv"
            source.write_text("ssin\n" + "".join(f"{ssins[i % len(ssins)]}\n"
                                                 for i in range(size)), encoding="utf-8")
            peak, wall = _peak_of_child([
                sys.executable, "-m", "ksz_client.cli", "--config", str(config),
                "--user", "bench", "--legal-context", "PCSA:SOCIAL_INQUIRY", "batch",
                "--service", "ssin-info", "--operation", "current", "--input", str(source),
                "--output", str(folder / f"out-{size}.jsonl"), "--progress", "none",
                "--concurrency", "8"])
            peaks.append(peak)
            print(f"| {size} | {peak:.1f} | {wall:.1f} | {size / wall:.0f} |")
    growth = peaks[-1] - peaks[0]
    print(f"growth from {sizes[0]} to {sizes[-1]} rows: {growth:+.1f} MB; target under "
          f"{TARGET_MB} MB and flat -> "
          f"{'met' if peaks[-1] < TARGET_MB and growth < 10 else 'NOT met'}")
