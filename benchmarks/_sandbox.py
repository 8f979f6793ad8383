"""The sandbox in a process of its own, so that a benchmark counts its client's CPU only.

``python -m benchmarks._sandbox FOLDER [--latency-ms MS]`` starts a seed-1
sandbox of 1000 persons on a free port (answers delayed by MS milliseconds, a
sleep per request in the request's own thread), writes ``FOLDER/ksz.toml``
(with its key files) and prints ``ready URL``; it serves until its standard
input closes.

`external_sandbox` runs it from a benchmark: the benchmark's process then holds
only the clients measured, and ``time.process_time()`` is their CPU, every
thread included (an audit commit led by another thread, a pool's thread...).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ksz_client.sandbox.population import Population

SEED = 1
PERSONS = 1000


@dataclass(frozen=True)
class External:
    """A running sandbox process: its URL, the client config it wrote, its key files."""

    url: str
    folder: Path
    config: Path
    population: Population

    @property
    def client_key(self) -> Path:
        return self.folder / "client-key.pem"

    @property
    def client_cert(self) -> Path:
        return self.folder / "client-cert.pem"

    @property
    def signing_cert(self) -> Path:
        return self.folder / "sandbox-signing-cert.pem"


@contextmanager
def external_sandbox(folder: Path, *, latency_ms: int = 0) -> Iterator[External]:
    """Start the sandbox process, yield it once it listens, stop it afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "benchmarks._sandbox", str(folder),
               "--latency-ms", str(latency_ms)]
    process = subprocess.Popen(command, stdin=subprocess.PIPE,  # noqa: S603 - our own module
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.startswith("ready "):
            raise SystemExit(f"the sandbox process did not start ({line!r})")
        yield External(url=line.removeprefix("ready "), folder=folder,
                       config=folder / "ksz.toml",
                       population=Population(seed=SEED, size=PERSONS))
    finally:
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv: Sequence[str] | None = None) -> int:
    from ksz_client.sandbox import Sandbox

    parser = argparse.ArgumentParser(prog="python -m benchmarks._sandbox")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--latency-ms", type=int, default=0)
    args = parser.parse_args(argv)
    sandbox = Sandbox(seed=SEED, persons=PERSONS, latency_ms=args.latency_ms)
    sandbox.write_config(args.folder / "ksz.toml")
    sandbox.start()
    sys.stdout.write(f"ready {sandbox.url}\n")
    sys.stdout.flush()
    # Served until the parent closes our standard input (or dies).
    done = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait()
    sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
