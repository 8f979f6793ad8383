"""Client CPU per signed, verified consultation: ksz-client beside plain zeep.

Both clients call the same local sandbox (PersonService V4, same WSDL, same
answers). The baseline is what a software house would write with zeep alone:
``zeep.Client`` on the WSDL, ``BinarySignature`` with RSA-SHA256/SHA-256 (plus
the Timestamp the KSZ requires), zeep's own deserialisation, and verification of
the answer's signature with the KSZ's certificate. ksz-client runs with its
audit log on (SQLite, ``synchronous=FULL``), so its figure includes auditing.

CPU is measured with ``time.thread_time()`` in the calling thread: the
sandbox answers from other threads of the same process and is not counted.
"""

from __future__ import annotations

import datetime as _dt
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lxml import etree

from ksz_client import KszClient, KszConfig
from ksz_client._contracts import WSDL_DIR
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, Sandbox

LEGAL_CONTEXT = "PCSA:SOCIAL_INQUIRY"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"


def _baseline(sandbox: Sandbox, folder: Path) -> Callable[[str], Any]:
    """A plain zeep client, as the issue describes the naive baseline."""
    import xmlsec
    import zeep
    from zeep.wsse import signature

    key = folder / "client-key.pem"
    cert = folder / "client-cert.pem"
    key.write_bytes(sandbox.client.key_pem)
    cert.write_bytes(sandbox.client.cert_pem)
    ksz_cert = sandbox.signing.cert_pem

    def add_timestamp(envelope: Any) -> None:
        # The KSZ requires a signed wsu:Timestamp; zeep signs one if present.
        header = envelope.find("{http://schemas.xmlsoap.org/soap/envelope/}Header")
        if header is None:
            header = etree.SubElement(envelope,
                                      "{http://schemas.xmlsoap.org/soap/envelope/}Header")
            envelope.insert(0, header)
        security = header.find(f"{{{WSSE}}}Security")
        if security is None:
            security = etree.SubElement(header, f"{{{WSSE}}}Security")
        now = _dt.datetime.now(_dt.UTC)
        stamp = etree.SubElement(security, f"{{{WSU}}}Timestamp")
        etree.SubElement(stamp, f"{{{WSU}}}Created").text = now.strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        etree.SubElement(stamp, f"{{{WSU}}}Expires").text = (
            now + _dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")

    class KszSignature(signature.BinarySignature):  # type: ignore[misc]
        # zeep's wsse list is not verified on answers, so one plugin adds the
        # Timestamp and signs; zeep verifies with the client's own certificate,
        # the KSZ signs with its own.
        def apply(self, envelope: Any, headers: Any) -> Any:
            add_timestamp(envelope)
            return super().apply(envelope, headers)

        def verify(self, envelope: Any) -> Any:
            key = xmlsec.Key.from_memory(ksz_cert, xmlsec.KeyFormat.CERT_PEM, None)
            signature._verify_envelope_with_key(envelope, key)
            return envelope

    client = zeep.Client(
        str(WSDL_DIR / "intf" / "PersonService" / "PersonServiceV4.wsdl"),
        wsse=KszSignature(str(key), str(cert),
                          signature_method=xmlsec.Transform.RSA_SHA256,
                          digest_method=xmlsec.Transform.SHA256),
    )
    service = client.create_service(
        "{http://kszbcss.fgov.be/intf/PersonService/v4}PersonServiceSOAPBinding",
        f"{sandbox.url}/PersonService/v4/consult",
    )

    def call(ssin: str) -> Any:
        return service.searchPersonBySsin(
            informationCustomer={
                "ticket": str(uuid.uuid4()),
                "timestampSent": _dt.datetime.now(_dt.UTC),
                "customerIdentification": {"cbeNumber": SANDBOX_CBE_NUMBER},
            },
            legalContext=LEGAL_CONTEXT,
            criteria={"ssin": ssin},
        )

    return call


def _ours(sandbox: Sandbox, folder: Path) -> tuple[KszClient, Callable[[str], Any]]:
    config_path = sandbox.write_config(folder / "ksz.toml")
    with config_path.open("a", encoding="utf-8") as fh:
        fh.write(f'\n[audit]\npath = "{folder / "audit.sqlite3"}"\n')
    client = KszClient(KszConfig.load(config_path, env={}))
    bound = client.acting_for(user="bench", legal_context=LEGAL_CONTEXT, dossier="BENCH")
    return client, bound.person.get


def _cpu_per_call(call: Callable[[str], Any], ssins: list[str], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.thread_time()
        for ssin in ssins:
            call(ssin)
        samples.append((time.thread_time() - started) / len(ssins) * 1000)
    return samples


def _response_size(sandbox: Sandbox, ssin: str) -> int:
    from ksz_client.hooks import Exchange, Outcome

    sizes: list[int] = []

    class Size:
        def before_send(self, exchange: Exchange) -> None:
            pass

        def after_receive(self, exchange: Exchange, outcome: Outcome) -> None:
            sizes.append(len(outcome.response or b""))

    with tempfile.TemporaryDirectory() as tmp:
        config = KszConfig.load(sandbox.write_config(Path(tmp) / "ksz.toml"), env={})
        with KszClient(config, observers=[Size()]) as client:
            client.acting_for(user="b", legal_context=LEGAL_CONTEXT).person.get(ssin)
    return sizes[0]


def run(quick: bool) -> None:
    calls, rounds = (40, 3) if quick else (300, 5)
    with Sandbox(seed=1, persons=1000) as sandbox, tempfile.TemporaryDirectory() as tmp:
        population = sandbox.population
        ssins = [str(population.ssin_of(i)) for i in range(population.size)
                 if population.replaced_by(i) is None][:calls]
        size = _response_size(sandbox, ssins[0])
        baseline = _baseline(sandbox, Path(tmp))
        client, ours = _ours(sandbox, Path(tmp))
        with client:
            for fn in (baseline, ours):  # warm up: WSDL, keys, connections, caches
                _cpu_per_call(fn, ssins[:20], 1)
            base = _cpu_per_call(baseline, ssins, rounds)
            mine = _cpu_per_call(ours, ssins, rounds)
    b, m = statistics.median(base), statistics.median(mine)
    print(f"PersonService searchPersonBySsin, {size / 1024:.1f} KiB signed answer, "
          f"{calls} calls x {rounds} rounds, client CPU per call (median of rounds):")
    print("| client | CPU ms/call | ratio to baseline |")
    print("|---|---:|---:|")
    print(f"| zeep + BinarySignature (baseline) | {b:.2f} | 1.00 |")
    print(f"| ksz-client (signed, verified, audited) | {m:.2f} | {m / b:.2f} |")
    print(f"target: at most 1/3 of the baseline -> {'met' if m <= b / 3 else 'NOT met'}")
