"""Client CPU per signed, verified call and throughput: ksz-client beside plain zeep.

Both clients call the same sandbox (same WSDLs, same answers). The baseline is
what a software house would write with zeep alone: ``zeep.Client`` built once
on the WSDL, ``BinarySignature`` with RSA-SHA256/SHA-256 (plus the Timestamp
the KSZ requires), zeep's own deserialisation of the whole answer, and
verification of the answer's signature with the KSZ's certificate, as zeep
does it (the key read from the certificate on each call). ksz-client runs with
its audit log on (SQLite, WAL, ``synchronous=FULL``), so its figure includes
auditing, the Timestamp check and the typed result.

The sandbox runs in a process of its own (`benchmarks._sandbox`), so
``time.process_time()`` of this process is the clients' CPU: every thread
(the caller, an audit commit led by another thread, ...) and nothing of the
server. Each client is warmed up first (WSDL, keys, connections, caches).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import _zeep
from benchmarks._sandbox import External, external_sandbox
from ksz_client import KszClient, KszConfig
from ksz_client._contracts import WSDL_DIR
from ksz_client.sandbox import SANDBOX_CBE_NUMBER
from ksz_client.sandbox.handlers.family import is_mobile

LEGAL_CONTEXT = _zeep.LEGAL_CONTEXT
# The official KSZ contracts (as the tests find them): zeep reads RetrieveTIGroups from there.
OFFICIAL_DIR = Path(os.environ.get(
    "KSZ_CONTRACTS_DIR", Path(__file__).resolve().parents[2] / "shared" / "ksz-contracts"))
BIG_PERSON = 129  # a mobile person of the seed-1 population: RetrieveTIGroups with history ~100 KB


@dataclass(frozen=True)
class _Target:
    """One operation as both clients call it."""

    title: str
    wsdl: Path
    binding: str
    path: str
    zeep_call: Callable[[Any, str], Any]
    ours_call: Callable[[KszClient, str], Any]


def _customer() -> dict[str, Any]:
    return _zeep.customer(SANDBOX_CBE_NUMBER)


PERSON = _Target(
    title="PersonService searchPersonBySsin",
    wsdl=WSDL_DIR / "intf" / "PersonService" / "PersonServiceV4.wsdl",
    binding="{http://kszbcss.fgov.be/intf/PersonService/v4}PersonServiceSOAPBinding",
    path="PersonService/v4/consult",
    zeep_call=lambda service, ssin: service.searchPersonBySsin(
        informationCustomer=_customer(), legalContext=LEGAL_CONTEXT, criteria={"ssin": ssin}),
    ours_call=lambda client, ssin: client.person.get(ssin),
)
TI_GROUPS = _Target(
    title="RetrieveTIGroups retrieveTI (history)",
    # The official contract, read from the local copy: zeep never goes to the network.
    wsdl=OFFICIAL_DIR / "set-a" / "XSD" / "be" / "fgov" / "kszbcss" / "intf"
    / "RetrieveTIGroupsService" / "RetrieveTIGroupsV2.wsdl",
    binding="{http://kszbcss.fgov.be/intf/RetrieveTIGroupsService/v2}"
            "RetrieveTIGroupsServiceHTTPBinding",
    path="RetrieveTIGroupsService/v2/retrieveTI",
    zeep_call=lambda service, ssin: service.retrieveTI(
        informationCustomer=_customer(), legalContext=LEGAL_CONTEXT,
        searchInformation={"ssin": ssin, "language": "fr", "history": True}),
    ours_call=lambda client, ssin: client.ti_groups.get(ssin, history=True),
)


# --- the baseline ----------------------------------------------------------------------


def zeep_service(sandbox: External, target: _Target) -> Any:
    """The baseline's service proxy for `target` on `sandbox`."""
    return _zeep.zeep_service(target.wsdl, target.binding, f"{sandbox.url}/{target.path}",
                              key=sandbox.client_key, cert=sandbox.client_cert,
                              ksz_cert=sandbox.signing_cert.read_bytes())


# --- ours ----------------------------------------------------------------------------


def our_client(sandbox: External, folder: Path, *, audit: bool = True) -> KszClient:
    """ksz-client from the sandbox's configuration, with its SQLite audit log on."""
    config = sandbox.config.read_text(encoding="utf-8")
    if audit:
        config += f'\n[audit]\npath = "{folder / f"audit-{uuid.uuid4().hex[:8]}.sqlite3"}"\n'
    path = sandbox.folder / f"ksz-{uuid.uuid4().hex[:8]}.toml"
    path.write_text(config, encoding="utf-8")
    client = KszClient(KszConfig.load(path, env={}))
    return client.acting_for(user="bench", legal_context=LEGAL_CONTEXT, dossier="BENCH")


# --- measuring -------------------------------------------------------------------------


def cpu_per_call(call: Callable[[str], Any], ssins: list[str], rounds: int) -> list[float]:
    """Process CPU milliseconds per call, one sample per round."""
    samples = []
    for _ in range(rounds):
        started = time.process_time()
        for ssin in ssins:
            call(ssin)
        samples.append((time.process_time() - started) / len(ssins) * 1000)
    return samples


class _Stages:
    """Thread-CPU timers wrapped around named callables (a profile without the profiler)."""

    def __init__(self) -> None:
        self.spent: Counter[str] = Counter()
        self.calls = 0

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)
        spent = self.spent

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time_ns()
            try:
                return original(*args, **kwargs)
            finally:
                spent[label] += time.thread_time_ns() - started

        setattr(owner, name, timed)

    def run(self, call: Callable[[str], Any], ssins: list[str]) -> float:
        self.spent.clear()
        started = time.thread_time_ns()
        for ssin in ssins:
            call(ssin)
        total = time.thread_time_ns() - started
        self.calls = len(ssins)
        return total / len(ssins) / 1e6

    def lines(self, total: float) -> list[str]:
        rows = [(label, ns / self.calls / 1e6) for label, ns in self.spent.most_common()]
        rows.append(("rest (pipeline, models, Python)", total - sum(ms for _, ms in rows)))
        return [f"    {label:<34} {ms:6.2f} ms  {ms / total:4.0%}" for label, ms in rows]


def _stages_ours(client: KszClient, target: _Target, ssins: list[str]) -> list[str]:
    from ksz_client import _xml

    core = client._core
    stages = _Stages()
    plain_parse = _xml.parse
    assert core.signer is not None and core.verifier is not None
    stages.wrap(core.signer, "sign", "sign (RSA key loaded once)")
    stages.wrap(core.verifier, "verify", "verify signature + timestamp")
    stages.wrap(core.transport, "handle", "HTTP exchange")
    stages.wrap(_xml, "parse", "parse (lxml, hardened)")
    for observer in core.observers:
        stages.wrap(observer, "before_send", "audit INTENT (commit)")
        stages.wrap(observer, "after_receive", "audit OUTCOME (commit)")
    try:
        total = stages.run(lambda s: target.ours_call(client, s), ssins)
    finally:
        _xml.parse = plain_parse
        for owner, names in ((core.signer, ("sign",)), (core.verifier, ("verify",)),
                             (core.transport, ("handle",))):
            for name in names:
                vars(owner).pop(name, None)
        for observer in core.observers:
            vars(observer).pop("before_send", None)
            vars(observer).pop("after_receive", None)
    return [f"  ksz-client: {total:.2f} ms thread CPU per call", *stages.lines(total)]


def _stages_zeep(service: Any, target: _Target, ssins: list[str]) -> list[str]:
    import zeep.wsdl.bindings.soap as soap_binding

    client = service._client
    stages = _Stages()
    stages.wrap(client.wsse, "apply", "sign (zeep BinarySignature)")
    stages.wrap(client.wsse, "verify", "verify signature (xmlsec)")
    stages.wrap(client.transport, "post_xml", "HTTP exchange + serialise")
    plain = soap_binding.SoapBinding.process_reply
    stages.wrap(soap_binding.SoapBinding, "process_reply", "parse + verify + deserialise")
    try:
        total = stages.run(lambda s: target.zeep_call(service, s), ssins)
    finally:
        soap_binding.SoapBinding.process_reply = plain  # type: ignore[method-assign]
        for name in ("apply", "verify"):
            vars(client.wsse).pop(name, None)
        vars(client.transport).pop("post_xml", None)
    # process_reply includes verify: show the deserialisation on its own line.
    both = stages.spent.pop("parse + verify + deserialise")
    stages.spent["parse + deserialise (zeep)"] = both - stages.spent["verify signature (xmlsec)"]
    return [f"  zeep: {total:.2f} ms thread CPU per call", *stages.lines(total)]


def _response_size(client: KszClient, target: _Target, ssin: str) -> int:
    from ksz_client.hooks import Exchange, Outcome

    sizes: list[int] = []

    class Size:
        def before_send(self, exchange: Exchange) -> None:
            pass

        def after_receive(self, exchange: Exchange, outcome: Outcome) -> None:
            sizes.append(len(outcome.response or b""))

    core = client._core
    core.observers = (*core.observers, Size())
    try:
        target.ours_call(client, ssin)
    finally:
        core.observers = core.observers[:-1]
    return sizes[0]


def _ratio_line(label: str, base: float, mine: float, target: float, unit: str, *,
                plain: float | None) -> list[str]:
    met = "met" if mine <= base * target else "NOT met"
    lines = [
        "| client | CPU ms/call | ratio to baseline |",
        "|---|---:|---:|",
        f"| zeep + BinarySignature (baseline) | {base:.2f} | 1.00 |",
        f"| ksz-client (signed, verified, audited) | {mine:.2f} | {mine / base:.2f} |",
    ]
    if plain is not None:
        lines.append(f"| ksz-client, audit log off (for the split) | {plain:.2f} | "
                     f"{plain / base:.2f} |")
    return [*lines, f"target ({label}): at most {unit} of the baseline -> {met}"]


def _compare(sandbox: External, folder: Path, target: _Target, ssins: list[str],
             rounds: int, *, ratio: float, unit: str, stages: bool) -> None:
    baseline = zeep_service(sandbox, target)
    client = our_client(sandbox, folder)
    with client:
        if target is TI_GROUPS:
            # The SDK refuses, before sending, a person no integration covers: register it
            # through ManageAccess, as an OCMW would (the sandbox then serves zeep too).
            population = sandbox.population
            client.access.register(ssins[0], quality_code=2,
                                   last_name=population.last_name(BIG_PERSON),
                                   birth_date=population.birth_date(BIG_PERSON))
        ours = lambda s: target.ours_call(client, s)  # noqa: E731
        zeep_ = lambda s: target.zeep_call(baseline, s)  # noqa: E731
        warm = ssins[: max(5, len(ssins) // 10)]
        for fn in (zeep_, ours):
            cpu_per_call(fn, warm, 1)
        size = _response_size(client, target, ssins[0])
        # Without the audit log (what the two fsync'd commits per call cost): only
        # where no integration is needed, as the guard reads it from the audit log.
        unaudited = our_client(sandbox, folder, audit=False) if target is PERSON else None
        plain = (lambda s: target.ours_call(unaudited, s)) if unaudited else None
        if plain is not None:
            cpu_per_call(plain, warm, 1)
        # Interleaved rounds: a slow moment of the machine hits both clients alike.
        base: list[float] = []
        mine: list[float] = []
        bare: list[float] = []
        for _ in range(rounds):
            base += cpu_per_call(zeep_, ssins, 1)
            mine += cpu_per_call(ours, ssins, 1)
            if plain is not None:
                bare += cpu_per_call(plain, ssins, 1)
        if unaudited is not None:
            unaudited.close()
        b, m = statistics.median(base), statistics.median(mine)
        print(f"\n{target.title}, {size / 1024:.1f} KiB signed answer, {len(ssins)} calls x "
              f"{rounds} rounds, client process CPU per call (median of rounds):")
        for line in _ratio_line(target.title, b, m, ratio, unit, plain=
                                statistics.median(bare) if bare else None):
            print(line)
        if stages:
            print("where the time goes (thread CPU per call, one more round each):")
            for line in _stages_zeep(baseline, target, ssins):
                print(line)
            for line in _stages_ours(client, target, ssins):
                print(line)


# --- throughput ------------------------------------------------------------------------


def _throughput(call: Callable[[str], Any], ssins: list[str], calls: int,
                workers: int) -> tuple[float, float]:
    """(calls per second, process CPU ms per call) of `calls` calls by `workers` threads."""
    todo = iter(range(calls))
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker() -> None:
        while True:
            with lock:
                n = next(todo, None)
            if n is None:
                return
            try:
                call(ssins[n % len(ssins)])
            except BaseException as exc:
                errors.append(exc)
                return

    cpu = time.process_time()
    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        for _ in range(workers):
            pool.submit(worker)
    seconds = time.perf_counter() - started
    if errors:
        raise SystemExit(f"throughput run failed: {errors[0]!r}")
    return calls / seconds, (time.process_time() - cpu) / calls * 1000


def _throughput_run(folder: Path, calls: int, workers: int, latency_ms: int,
                    ssins: list[str]) -> None:
    ceiling = workers / (latency_ms / 1000)
    with external_sandbox(folder / "slow", latency_ms=latency_ms) as sandbox:
        baseline = zeep_service(sandbox, PERSON)
        client = our_client(sandbox, folder)
        rows = []
        with client:
            for label, fn in (("zeep + BinarySignature (baseline)",
                               lambda s: PERSON.zeep_call(baseline, s)),
                              ("ksz-client (signed, verified, audited)",
                               lambda s: PERSON.ours_call(client, s))):
                _throughput(fn, ssins, workers, workers)  # connections opened, caches warm
                rate, cpu = _throughput(fn, ssins, calls, workers)
                rows.append((label, rate, cpu))
    print(f"\nThroughput: PersonService, sandbox latency {latency_ms} ms, {workers} workers, "
          f"{calls} calls (ceiling {ceiling:.0f} calls/s):")
    print("| client | calls/s | % of ceiling | CPU ms/call |")
    print("|---|---:|---:|---:|")
    for label, rate, cpu in rows:
        print(f"| {label} | {rate:.1f} | {rate / ceiling:.0%} | {cpu:.2f} |")
    ours = rows[-1][1]
    print(f"target: at least 90% of {ceiling:.0f} calls/s -> "
          f"{'met' if ours >= 0.9 * ceiling else 'NOT met'}")


@contextmanager
def _folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="ksz-bench-",
                                     dir=os.environ.get("KSZ_BENCH_DIR")) as tmp:
        yield Path(tmp)


def run(quick: bool) -> None:
    calls, rounds, big_calls = (20, 2, 3) if quick else (300, 5, 40)
    throughput_calls, workers, latency = (32, 16, 200) if quick else (2000, 16, 200)
    with _folder() as folder:
        population = external_population()
        ssins = [str(population.ssin_of(i)) for i in range(population.size)
                 if population.replaced_by(i) is None][:calls]
        big = str(population.ssin_of(BIG_PERSON))
        assert is_mobile(population, BIG_PERSON)
        with external_sandbox(folder / "sandbox") as sandbox:
            _compare(sandbox, folder, PERSON, ssins, rounds, ratio=1 / 3, unit="1/3",
                     stages=True)
            if TI_GROUPS.wsdl.is_file():
                _compare(sandbox, folder, TI_GROUPS, [big] * big_calls, rounds, ratio=1 / 5,
                         unit="1/5", stages=True)
            else:
                print(f"\nRetrieveTIGroups skipped: no official WSDL at {TI_GROUPS.wsdl} "
                      "(set KSZ_CONTRACTS_DIR to ksz-contracts/)")
        _throughput_run(folder, throughput_calls, workers, latency, ssins)


def external_population() -> Any:
    from benchmarks._sandbox import PERSONS, SEED
    from ksz_client.sandbox.population import Population

    return Population(seed=SEED, size=PERSONS)
