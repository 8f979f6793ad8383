"""Benchmarks of ksz-client: ``make bench`` (``python -m benchmarks``).

Every module ``benchmarks/bench_<name>.py`` is one benchmark: its docstring's
first line is its title and it defines ``run(quick: bool) -> None``, which
prints its results as plain text. ``python -m benchmarks`` runs them all;
``python -m benchmarks audit`` runs ``bench_audit`` only; ``--quick`` asks
for a short run (smoke test). Results are reported in BENCHMARKS.md.
"""
