"""``python -m benchmarks [NAME ...] [--quick]``: run the ``bench_*`` modules of this package."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import platform
import sys
import time
from collections.abc import Sequence

import benchmarks


def discover() -> list[str]:
    """The benchmark names (``bench_audit`` -> ``audit``), sorted."""
    return sorted(
        info.name.removeprefix("bench_")
        for info in pkgutil.iter_modules(benchmarks.__path__)
        if info.name.startswith("bench_")
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all of "
                        f"{', '.join(discover())})")
    parser.add_argument("--quick", action="store_true", help="short runs (smoke test)")
    args = parser.parse_args(argv)
    available = discover()
    unknown = [n for n in args.names if n not in available]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(available)}")
    print(f"python {platform.python_version()} on {platform.system()} {platform.machine()}, "
          f"{platform.node()}")
    for name in args.names or available:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        title = (module.__doc__ or name).strip().splitlines()[0]
        print(f"\n== {name}: {title}")
        started = time.perf_counter()
        module.run(quick=args.quick)
        print(f"-- {name} done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
