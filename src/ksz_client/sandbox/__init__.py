"""A local KSZ for integration tests and demos: signed both ways, on 127.0.0.1.

>>> with Sandbox(seed=1, persons=1000) as sandbox:
...     config = sandbox.write_config("build/sandbox/ksz.toml")
...     client = KszClient(KszConfig.load(config))

The sandbox generates its own response-signing key and a client key pair,
and trusts only that client certificate (or the ones you pass). With a
`state` file (`SqliteState`) it keeps its keys, integrations and everything
mutations created across restarts; with ``tls=True`` it serves HTTPS with a
certificate from its own throw-away CA.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from ksz_client._pki import Credentials, generate_self_signed
from ksz_client.sandbox.app import SandboxApp
from ksz_client.sandbox.faults import FAULT_HEADER, Fault, FaultKind, FaultSwitch
from ksz_client.sandbox.notify import NotificationResult
from ksz_client.sandbox.organisations import (
    DEFAULT_ORGANISATIONS,
    SANDBOX_CBE_NUMBER,
    SECOND_OCMW_CBE_NUMBER,
    SandboxOrganisation,
)
from ksz_client.sandbox.population import Population, Profile
from ksz_client.sandbox.server import WsgiServer
from ksz_client.sandbox.state import Integration, MemoryState, SandboxState, SqliteState
from ksz_client.ssin import Ssin
from ksz_client.types import Period

__all__ = [
    "FAULT_HEADER",
    "SANDBOX_CBE_NUMBER",
    "SECOND_OCMW_CBE_NUMBER",
    "Fault",
    "FaultKind",
    "Integration",
    "MemoryState",
    "NotificationResult",
    "Population",
    "Profile",
    "Sandbox",
    "SandboxApp",
    "SandboxOrganisation",
    "SandboxState",
    "SqliteState",
    "WsgiServer",
    "push",
    "sandbox_credentials",
    "select",
]

PeriodLike = Period | tuple[_dt.date, _dt.date | None] | None


def sandbox_credentials(state: SandboxState) -> tuple[Credentials, Credentials]:
    """The sandbox's (response-signing, client) key pairs, kept in `state`."""
    signing = state.credentials("signing",
                                lambda: generate_self_signed("ksz-sandbox response signing"))
    client = state.credentials("client", lambda: generate_self_signed("ksz-sandbox client"))
    return signing, client


class Sandbox:
    """The sandbox: population + state + WSGI app + server + generated credentials.

    The server is bound (its port chosen) on construction; `start` serves in a
    background thread, `serve_forever` in the calling one.
    """

    def __init__(
        self,
        *,
        seed: int = 1,
        persons: int = 1000,
        host: str = "127.0.0.1",
        port: int = 0,
        signing: Credentials | None = None,
        client: Credentials | None = None,
        extra_client_certificates: Sequence[bytes] = (),
        verbose: bool = False,
        state: SandboxState | str | os.PathLike[str] | None = None,
        tls: bool = False,
        latency_ms: int = 0,
        organisations: Iterable[SandboxOrganisation] = DEFAULT_ORGANISATIONS,
        legal_contexts: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self.population = Population(seed=seed, size=persons)
        # A state the sandbox opened from a path is the sandbox's to close; one passed in
        # stays open for its owner.
        self._owns_state = not isinstance(state, SandboxState)
        if state is None:
            state = MemoryState()
        elif not isinstance(state, SandboxState):
            state = SqliteState(Path(state))
        self.state: SandboxState = state
        try:
            self._build(signing, client, extra_client_certificates, organisations,
                        legal_contexts, latency_ms, tls, host, port, verbose)
        except BaseException:
            self._close_state()
            raise

    def _build(  # noqa: PLR0917 - the constructor's arguments, passed on once
        self,
        signing: Credentials | None,
        client: Credentials | None,
        extra_client_certificates: Sequence[bytes],
        organisations: Iterable[SandboxOrganisation],
        legal_contexts: Mapping[str, Iterable[str]] | None,
        latency_ms: int,
        tls: bool,
        host: str,
        port: int,
        verbose: bool,
    ) -> None:
        state = self.state
        kept_signing, kept_client = sandbox_credentials(state)
        self.signing = signing or kept_signing
        self.client = client or kept_client
        self.faults = FaultSwitch()
        self.app = SandboxApp(
            population=self.population,
            signing=self.signing,
            client_certificates=[self.client.cert_pem, *extra_client_certificates],
            state=state,
            organisations=organisations,
            legal_contexts=legal_contexts,
            latency_ms=latency_ms,
            faults=self.faults,
        )
        self.tls_ca: Credentials | None = None
        context = None
        if tls:
            from ksz_client.sandbox import tls as _tls

            ca = state.credentials("tls-ca", _tls.generate_ca)
            server = state.credentials(f"tls-server:{host}",
                                       lambda: _tls.generate_server(ca, [host]))
            self.tls_ca = ca
            context = _tls.server_context(server, ca)
        self.server = WsgiServer(self.app, host=host, port=port, verbose=verbose, tls=context)

    def _close_state(self) -> None:
        if self._owns_state:
            self.state.close()

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> Sandbox:
        self.server.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (and the state file the sandbox opened)."""
        self.server.shutdown()
        self._close_state()

    def serve_forever(self) -> None:
        self.server.serve_forever()

    def close(self) -> None:
        """Release the port and the state after `serve_forever` returned."""
        self.server.close()
        self._close_state()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- persons ----------------------------------------------------------------------

    def persons(self, limit: int | None = None, **where: object) -> list[Profile]:
        """Profiles of persons matching every ``field=value`` (see `Profile`), at most `limit`.

        >>> sandbox.persons(limit=3, has_employment=True, deceased=False)
        >>> sandbox.persons(fault="reset")
        """
        return select(self.population, self.state, {k: _text(v) for k, v in where.items()},
                      limit=limit)

    def profile(self, ssin: str) -> Profile:
        """The profile of one sandbox person (KeyError when the SSIN is not one of ours)."""
        index = self.population.index_of(ssin)
        if index is None:
            raise KeyError("not a person of this sandbox")
        return self._with_integration(self.population.profile(index))

    def _with_integration(self, profile: Profile) -> Profile:
        return _integrated(profile, self.state, _dt.datetime.now(_dt.UTC).date())

    def fault_ssin(self, kind: FaultKind | str) -> Ssin:
        """The reserved SSIN whose every request gets fault `kind`."""
        return self.population.fault_person(kind)

    # --- the repertory -------------------------------------------------------------------

    def integrate(
        self,
        ssin: str,
        *,
        quality_code: int = 2,
        period: PeriodLike = None,
        organisation: str = SANDBOX_CBE_NUMBER,
    ) -> Integration:
        """Integrate `ssin` for `organisation` as a ManageAccess REGISTER would (default: from
        today on, quality code 2 leefloon, the sandbox's own OCMW); returns the integration."""
        now = _dt.datetime.now(_dt.UTC)
        outcome = self.state.register(organisation, str(Ssin(ssin, allow_test=True)),
                                      quality_code, _period(period, now.date()),
                                      ticket=f"sandbox-{now.isoformat()}", at=now)
        return outcome.integrations[0]

    def unintegrate(
        self,
        ssin: str,
        *,
        quality_code: int = 2,
        period: PeriodLike = None,
        organisation: str = SANDBOX_CBE_NUMBER,
    ) -> bool:
        """End the integration over `period` (default: from today); True when one was cut."""
        now = _dt.datetime.now(_dt.UTC)
        outcome = self.state.unregister(organisation, str(Ssin(ssin, allow_test=True)),
                                        quality_code, _period(period, now.date()),
                                        ticket=f"sandbox-{now.isoformat()}", at=now)
        return outcome.changed

    def integrations(self, ssin: str | None = None, *,
                     organisation: str | None = None) -> list[Integration]:
        return self.state.integrations(
            ssin=str(Ssin(ssin, allow_test=True)) if ssin else None, organisation=organisation)

    def reset(self) -> None:
        """Forget every integration and record (the keys stay)."""
        self.state.clear()

    # --- faults ------------------------------------------------------------------------

    @contextlib.contextmanager
    def fault(self, kind: FaultKind | str, *, times: int | None = None,
              millis: int | None = None) -> Iterator[Fault]:
        """Within the block, requests get fault `kind` (the next `times` only, if given).

        >>> with sandbox.fault("http503", times=1):
        ...     client.person.get(ssin)   # the first attempt gets 503, the retry succeeds
        """
        fault = Fault(FaultKind(kind), millis)
        token = self.faults.push(fault, times)
        try:
            yield fault
        finally:
            self.faults.remove(token)

    # --- notifications -------------------------------------------------------------------

    def notify(self, to: str, type: str, ssin: str, *, burst: int = 1,
               receiver: str = SANDBOX_CBE_NUMBER, verify: bool | str = True,
               timeout: float = 10.0) -> list[NotificationResult]:
        """Push `burst` signed notifications of `type` about `ssin` to the receiver at `to`."""
        return push(to, type, ssin, population=self.population, state=self.state,
                    signing=self.signing, burst=burst, receiver=receiver, verify=verify,
                    timeout=timeout)

    # --- client configuration --------------------------------------------------------------

    def write_config(self, path: str | os.PathLike[str], *, audit_log: bool = False) -> Path:
        """Write a client ``ksz.toml`` for this sandbox, with its key files beside it.

        With ``audit_log`` the configuration also keeps an audit log
        (``ksz-audit.sqlite3`` beside it): the register of integrations then
        outlives one process, as ``ksz`` commands run one after the other need.
        """
        target = Path(path)
        folder = target.parent
        folder.mkdir(parents=True, exist_ok=True)
        key = folder / "client-key.pem"
        # The private key is written readable by its owner only.
        fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        # os.open's mode only applies to a new file: tighten one that already existed.
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(self.client.key_pem)
        (folder / "client-cert.pem").write_bytes(self.client.cert_pem)
        (folder / "sandbox-signing-cert.pem").write_bytes(self.signing.cert_pem)
        ca_bundle = ""
        if self.tls_ca is not None:
            (folder / "sandbox-tls-ca.pem").write_bytes(self.tls_ca.cert_pem)
            ca_bundle = 'ca_bundle = "sandbox-tls-ca.pem"\n'
        target.write_text(
            "# ksz-client configuration for the local sandbox (generated).\n"
            "# See README 'Configuration' for every key.\n"
            'environment = "sandbox"\n'
            f'endpoint = "{self.url}"\n'
            "\n[organisation]\n"
            f'cbe_number = "{SANDBOX_CBE_NUMBER}"\n'
            "# The SSDN AuthorizedUser: a program id in SSIN form and a contact address.\n"
            'user_id = "00000000097"\n'
            'email = "it@ocmw.example"\n'
            "\n[auth]\n"
            'mode = "x509"\n'
            'key_file = "client-key.pem"\n'
            'cert_file = "client-cert.pem"\n'
            "\n[trust]\n"
            'ksz_certificates = ["sandbox-signing-cert.pem"]\n'
            f"{ca_bundle}"
            + ('\n[audit]\npath = "ksz-audit.sqlite3"\n' if audit_log else "")
            + "\n# [context]\n"
            '# user = "social-worker-42"\n'
            '# legal_context = "PCSA:SOCIAL_INQUIRY"\n',
            encoding="utf-8",
        )
        return target


def push(
    to: str,
    type: str,
    ssin: str,
    *,
    population: Population,
    state: SandboxState,
    signing: Credentials,
    burst: int = 1,
    receiver: str = SANDBOX_CBE_NUMBER,
    verify: bool | str = True,
    timeout: float = 10.0,
) -> list[NotificationResult]:
    """Build, sign and POST `burst` notifications; the sequence numbers continue in `state`."""
    import requests

    from ksz_client.sandbox import notify as _notify
    from ksz_client.wsse import Signer

    if burst < 1:
        raise ValueError("burst is at least 1")
    _service, operation = _notify.resolve(type)
    signer = Signer(signing.key_pem, signing.cert_pem)
    results = []
    with requests.Session() as session:
        session.trust_env = False
        for _ in range(burst):
            number = state.next_sequence(f"notify:{operation.name}:{receiver}")
            notification = _notify.build(operation.name, population, ssin,
                                         sequence_number=number, receiver=receiver)
            response = session.post(
                to, data=_notify.envelope(notification, signer), timeout=timeout, verify=verify,
                headers={"Content-Type": "text/xml; charset=utf-8",
                         "SOAPAction": f'"{operation.soap_action}"'},
            )
            results.append(_notify.NotificationResult(operation.name, number, notification.ticket,
                                                      response.status_code))
    return results


def select(
    population: Population,
    state: SandboxState | None,
    where: Mapping[str, str],
    *,
    limit: int | None = None,
    organisation: str = SANDBOX_CBE_NUMBER,
) -> list[Profile]:
    """Profiles matching `where` (`Profile` fields as text), ``integrated`` read from `state`
    for `organisation`."""
    wanted = dict(where)
    integrated = wanted.pop("integrated", None)
    today = _dt.datetime.now(_dt.UTC).date()
    out: list[Profile] = []
    if limit is not None and limit <= 0:
        return out
    for found in population.select(wanted):
        profile = _integrated(found, state, today, organisation)
        if integrated is not None and not profile.matches({"integrated": integrated}):
            continue
        out.append(profile)
        if limit is not None and len(out) >= limit:
            break
    return out


def _integrated(profile: Profile, state: SandboxState | None, today: _dt.date,
                organisation: str = SANDBOX_CBE_NUMBER) -> Profile:
    if state is None:
        return profile
    return replace(profile, integrated=state.is_integrated(organisation, str(profile.ssin),
                                                           today))


def _period(period: PeriodLike, today: _dt.date) -> Period:
    if period is None:
        return Period(today)
    if isinstance(period, Period):
        return period
    return Period(*period)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "none" if value is None else str(value)

