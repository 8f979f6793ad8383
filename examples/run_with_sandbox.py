"""Start a local KSZ sandbox, run an example against it, stop the sandbox.

    python examples/run_with_sandbox.py [--port P] -- examples/quickstart.py

Used by `make run`. The sandbox writes a client configuration under
.sandbox/ and the example reads it through $KSZ_CONFIG; the example gets
the SSIN of the sandbox's first person as its argument.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="sandbox port (0: a free one)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=ROOT / ".sandbox",
                        help="folder for the sandbox's client configuration and audit log")
    parser.add_argument("example", nargs="+", help="the example script and its arguments")
    args = parser.parse_args()

    state = args.dir
    config = state / "ksz.toml"
    config.unlink(missing_ok=True)
    for stale in state.glob("audit*"):
        # A fresh sandbox has a fresh repertory: start the example's audit log afresh too.
        if stale.is_file():
            stale.unlink()
    ksz = [sys.executable, "-m", "ksz_client.cli"]
    server = subprocess.Popen(
        [*ksz, "sandbox", "serve", "--port", str(args.port), "--seed", str(args.seed),
         "--write-config", str(config)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert server.stdout is not None
        deadline = time.monotonic() + 30
        for line in server.stdout:
            print(line.rstrip())
            if "listening on" in line:
                break
            if time.monotonic() > deadline:
                raise SystemExit("the sandbox did not start")
        else:
            raise SystemExit("the sandbox stopped before it was ready")
        persons = json.loads(subprocess.run(
            [*ksz, "sandbox", "persons", "--seed", str(args.seed), "--limit", "1", "--json"],
            check=True, capture_output=True, text=True,
        ).stdout)
        # The examples' audit log lives beside the sandbox configuration.
        env = {**os.environ, "KSZ_CONFIG": str(config),
               "KSZ_AUDIT_PATH": str(state / "audit.sqlite3")}
        print(f"$ python {' '.join(args.example)} {persons[0]['ssin']}\n")
        return subprocess.run([sys.executable, *args.example, persons[0]["ssin"]],
                              env=env, check=False).returncode
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
