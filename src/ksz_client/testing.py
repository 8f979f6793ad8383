"""pytest plugin: test your own code against a local KSZ, or against canned answers.

Installed with ksz-client (entry point ``pytest11``), so the fixtures are
there in any project that has the package:

``ksz_sandbox`` (session)
    A live sandbox on 127.0.0.1 and an ephemeral port: ``.url``, ``.config``
    (a `KszConfig` for it), ``.persons(**where)``, ``.integrate(ssin, ...)``,
    ``.fault(kind, ...)``, ``.fault_ssin(kind)``, ``.client(...)``.
``ksz_client``
    A `KszClient` bound to the sandbox, acting for user ``pytest`` with the
    legal context ``PCSA:SOCIAL_INQUIRY`` (ini options ``ksz_test_user`` and
    ``ksz_test_legal_context``).
``ksz_mock``
    No server: queue canned, correctly signed answers per operation with
    ``ksz_mock.add("PersonService", "searchPersonBySsin", person=...)`` and call
    ``ksz_mock.client``. Each queued answer serves one call, in order; a call
    with nothing queued fails the test, and so does a queued answer that no
    call used (at teardown).

Ini options: ``ksz_sandbox_seed`` (default 1), ``ksz_sandbox_persons``
(default 1000). Importing this module is cheap: nothing heavy is imported
and nothing starts until a fixture is used.
"""

from __future__ import annotations

import collections
import contextlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pytest

if TYPE_CHECKING:
    import datetime as _dt

    from lxml import etree

    from ksz_client._client import KszClient
    from ksz_client._config import KszConfig
    from ksz_client._pki import Credentials
    from ksz_client.sandbox import Fault, Integration, Profile, Sandbox
    from ksz_client.services.person.models import Person
    from ksz_client.ssin import Ssin
    from ksz_client.types import Period

__all__ = [
    "KszMock",
    "KszMockError",
    "MockCall",
    "SandboxFixture",
    "ksz_client",
    "ksz_mock",
    "ksz_sandbox",
]

MOCK_ENDPOINT: Final = "https://ksz-mock.invalid"
"""Where the ``ksz_mock`` client sends its requests (never resolved: ``responses`` answers)."""

_DEFAULT_CODES: Final = {"DATA_FOUND": "MSG00000", "NO_DATA_FOUND": "MSG00100",
                         "INCOMPLETE_DATA": "HAN20200"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("ksz_sandbox_seed", "population seed of the ksz_sandbox fixture", default="1")
    parser.addini("ksz_sandbox_persons", "population size of the ksz_sandbox fixture",
                  default="1000")
    parser.addini("ksz_test_user", "user the ksz_client and ksz_mock clients act for",
                  default="pytest")
    parser.addini("ksz_test_legal_context", "legal context of the ksz_client and ksz_mock "
                  "clients", default="PCSA:SOCIAL_INQUIRY")


@dataclass(frozen=True)
class _Context:
    user: str
    legal_context: str


def _context(config: pytest.Config) -> _Context:
    return _Context(str(config.getini("ksz_test_user")),
                    str(config.getini("ksz_test_legal_context")))


# --- ksz_sandbox ----------------------------------------------------------------------------


class SandboxFixture:
    """The running sandbox of a test session (the ``ksz_sandbox`` fixture)."""

    def __init__(self, sandbox: Sandbox, config_path: Path, context: _Context) -> None:
        self.sandbox = sandbox
        self.config_path = config_path
        self._context = context

    @property
    def url(self) -> str:
        """Base URL of the sandbox, e.g. ``http://127.0.0.1:43121``."""
        return self.sandbox.url

    @property
    def config(self) -> KszConfig:
        """A client configuration for the sandbox (its ``ksz.toml`` is `config_path`)."""
        from ksz_client._config import KszConfig

        return KszConfig.load(self.config_path, env={})

    def client(self, *, user: str | None = None, legal_context: str | None = None,
               dossier: str | None = None, quality_code: int | None = None) -> KszClient:
        """A new client for the sandbox acting for the test user (close it when done)."""
        from ksz_client._client import KszClient

        return KszClient(self.config).acting_for(
            user=user or self._context.user,
            legal_context=legal_context or self._context.legal_context,
            dossier=dossier, quality_code=quality_code,
        )

    def persons(self, limit: int | None = None, **where: object) -> list[Profile]:
        """Profiles matching ``field=value`` filters, e.g. ``persons(has_employment=True)``."""
        return self.sandbox.persons(limit, **where)

    def person(self, ssin: str) -> Person:
        """The sandbox's full data of a person (what PersonService answers)."""
        index = self.sandbox.population.index_of(ssin)
        if index is None:
            raise KeyError("not a person of this sandbox")
        return self.sandbox.population.person(index)

    def profile(self, ssin: str) -> Profile:
        return self.sandbox.profile(ssin)

    def integrate(self, ssin: str, *, quality_code: int = 2,
                  period: Period | tuple[_dt.date, _dt.date | None] | None = None,
                  organisation: str | None = None) -> Integration:
        """Integrate `ssin` for the sandbox OCMW (or `organisation`) from today on."""
        from ksz_client.sandbox import SANDBOX_CBE_NUMBER

        return self.sandbox.integrate(ssin, quality_code=quality_code, period=period,
                                      organisation=organisation or SANDBOX_CBE_NUMBER)

    def unintegrate(self, ssin: str, *, quality_code: int = 2,
                    period: Period | tuple[_dt.date, _dt.date | None] | None = None) -> bool:
        return self.sandbox.unintegrate(ssin, quality_code=quality_code, period=period)

    def integrations(self, ssin: str | None = None) -> list[Integration]:
        return self.sandbox.integrations(ssin)

    def fault(self, kind: str, *, times: int | None = None,
              millis: int | None = None) -> contextlib.AbstractContextManager[Fault]:
        """``with ksz_sandbox.fault("http503", times=1): ...`` spoils the next answers."""
        return self.sandbox.fault(kind, times=times, millis=millis)

    def fault_ssin(self, kind: str) -> Ssin:
        """The reserved SSIN whose every request gets fault `kind`."""
        return self.sandbox.fault_ssin(kind)

    def reset(self) -> None:
        """Forget every integration and record made during the session."""
        self.sandbox.reset()


@pytest.fixture(scope="session")
def ksz_sandbox(pytestconfig: pytest.Config,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxFixture]:
    """A live local KSZ sandbox for the whole test session."""
    from ksz_client.sandbox import Sandbox

    seed = int(pytestconfig.getini("ksz_sandbox_seed"))
    persons = int(pytestconfig.getini("ksz_sandbox_persons"))
    with Sandbox(seed=seed, persons=persons) as sandbox:
        path = sandbox.write_config(tmp_path_factory.mktemp("ksz-sandbox") / "ksz.toml")
        yield SandboxFixture(sandbox, path, _context(pytestconfig))


@pytest.fixture
def ksz_client(ksz_sandbox: SandboxFixture) -> Iterator[KszClient]:
    """A client bound to the session's sandbox, acting for the test user."""
    client = ksz_sandbox.client()
    try:
        yield client
    finally:
        client.close()


# --- ksz_mock -------------------------------------------------------------------------------


class KszMockError(AssertionError):
    """A request the mock was not prepared for, or a prepared answer nobody asked for."""


@dataclass(frozen=True)
class MockCall:
    """One request the mock answered: which operation, and the request as sent."""

    service: str
    operation: str
    request: bytes


@dataclass(frozen=True)
class _Canned:
    status: str
    code: str
    description: str | None
    information: tuple[tuple[str, str], ...]
    fill: Callable[[etree._Element], None] | None
    fault: str | None
    http_status: int | None
    signed: bool


class KszMock:
    """Canned, signed KSZ answers served through ``responses`` (the ``ksz_mock`` fixture)."""

    def __init__(self, signing: Credentials, client: Credentials, folder: Path,
                 context: _Context) -> None:
        from ksz_client.wsse import Signer

        self._signer = Signer(signing.key_pem, signing.cert_pem)
        self._context = context
        self._queues: dict[tuple[str, str], collections.deque[_Canned]] = {}
        self.calls: list[MockCall] = []
        """Every request answered so far, in order."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "client-key.pem").write_bytes(client.key_pem)
        (folder / "client-key.pem").chmod(0o600)
        (folder / "client-cert.pem").write_bytes(client.cert_pem)
        (folder / "mock-signing-cert.pem").write_bytes(signing.cert_pem)
        self.config_path = folder / "ksz.toml"
        self.config_path.write_text(
            'environment = "sandbox"\n'
            f'endpoint = "{MOCK_ENDPOINT}"\n'
            '[organisation]\ncbe_number = "0123456749"\n'
            '[auth]\nmode = "x509"\nkey_file = "client-key.pem"\ncert_file = "client-cert.pem"\n'
            '[trust]\nksz_certificates = ["mock-signing-cert.pem"]\n',
            encoding="utf-8",
        )
        import responses

        self._mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        # Every request to the mock endpoint is answered here, queued or not; anything else
        # (a live sandbox) goes through untouched.
        endpoint = re.escape(MOCK_ENDPOINT)
        self._mock.add_callback("POST", re.compile(rf"^{endpoint}/"), callback=self._answer)
        self._mock.add_passthru(re.compile(rf"^(?!{endpoint}/)"))
        self._client: KszClient | None = None

    @property
    def config(self) -> KszConfig:
        from ksz_client._config import KszConfig

        return KszConfig.load(self.config_path, env={})

    @property
    def client(self) -> KszClient:
        """A client whose requests the mock answers, acting for the test user."""
        if self._client is None:
            from ksz_client._client import KszClient

            self._client = KszClient(self.config).acting_for(
                user=self._context.user, legal_context=self._context.legal_context)
        return self._client

    def add(
        self,
        service: str,
        operation: str,
        *,
        status: str = "DATA_FOUND",
        code: str | None = None,
        description: str | None = None,
        information: Mapping[str, str] | None = None,
        person: Person | None = None,
        persons: Iterable[Person] = (),
        result: Callable[[etree._Element], None] | None = None,
        fault: str | None = None,
        http_status: int | None = None,
        signed: bool = True,
    ) -> None:
        """Queue one answer for the next call of ``service.operation``.

        `status` / `code` / `information` make the KSZ status (the code
        defaults to MSG00000, MSG00100 or HAN20200 by status; NO_RESULT needs
        one); `person` / `persons` fill a PersonService result; `result`
        fills the ``result`` element of any service; `fault` (a reason code
        such as ``MSG00003``) answers a SOAP fault instead; `http_status`
        answers a bare HTTP error; ``signed=False`` leaves the answer unsigned.
        """
        from ksz_client import catalogue

        svc = catalogue.get(service)
        op = svc.operation(operation)
        if svc.wire is not catalogue.WireStyle.WS_CONSULT:
            raise ValueError("ksz_mock answers WS-Consult services only")
        if code is None:
            if status not in _DEFAULT_CODES:
                raise ValueError(f"status {status} needs an explicit code")
            code = _DEFAULT_CODES[status]
        people = [*([person] if person is not None else []), *persons]
        fill = result
        if people:
            if svc.name != "PersonService":
                raise TypeError("person= and persons= fill PersonService answers only")
            if result is not None:
                raise TypeError("give person(s) or result, not both")
            fill = _person_filler(people)
        canned = _Canned(status, code, description, tuple((information or {}).items()), fill,
                         fault, http_status, signed)
        self._queues.setdefault((svc.name, op.name), collections.deque()).append(canned)

    def pending(self) -> list[str]:
        """``Service.operation`` of every queued answer not used yet."""
        return [f"{service}.{operation}" for (service, operation), queue in self._queues.items()
                for _ in queue]

    def start(self) -> None:
        self._mock.start()

    def stop(self) -> None:
        self._mock.stop()
        self._mock.reset()
        if self._client is not None:
            self._client.close()

    def _answer(self, request: Any) -> Exception | tuple[int, dict[str, str], bytes]:
        import datetime as dt
        import uuid

        from ksz_client import _soap, _xml, catalogue
        from ksz_client.sandbox.app import build_fault, build_response
        from ksz_client.sandbox.handlers import Answer, describe
        from ksz_client.types import Information, Status

        path = re.sub(r"^https?://[^/]+/", "", str(request.url))
        action = (request.headers.get("SOAPAction") or "").strip('"')
        try:
            service, operation = catalogue.by_endpoint(path, action)
        except KeyError:
            return KszMockError("ksz_mock: a request for an operation the mock does not know")
        queue = self._queues.get((service.name, operation.name))
        if not queue:
            return KszMockError(f"ksz_mock: no answer queued for {service.name}."
                                f"{operation.name} (queue one with ksz_mock.add)")
        canned = queue.popleft()
        body = request.body if isinstance(request.body, bytes) else str(request.body).encode()
        self.calls.append(MockCall(service.name, operation.name, body))
        if canned.http_status is not None:
            return canned.http_status, {"Content-Type": "text/plain"}, b"ksz_mock: HTTP error"
        payload = _soap.split(_xml.parse(body, what="request")).payload
        now = dt.datetime.now(dt.UTC)
        if canned.fault is not None:
            envelope = build_fault("soapenv:Server", canned.fault,
                                   describe(canned.fault) or "fault", request=payload,
                                   fault_element=(service.namespace, operation.fault_element),
                                   now=now)
            code = 500
        else:
            answer = Answer(
                Status(canned.status, canned.code, canned.description or describe(canned.code),
                       tuple(Information(k, v) for k, v in canned.information)),
                canned.fill,
            )
            response = build_response(service, operation, payload, answer,
                                      ticket=str(uuid.uuid4()), received=now, replied=now)
            envelope = _soap.envelope(response)
            code = 200
        if canned.signed:
            self._signer.sign(envelope, now=now)
        return code, {"Content-Type": "text/xml; charset=utf-8"}, _xml.to_bytes(envelope)


def _person_filler(people: list[Person]) -> Callable[[etree._Element], None]:
    def fill(result: etree._Element) -> None:
        from ksz_client.services.person import _wire

        for person in people:
            _wire.write_person(result, person)

    return fill


@pytest.fixture(scope="session")
def _ksz_mock_keys() -> tuple[Credentials, Credentials]:
    from ksz_client._pki import generate_self_signed

    return generate_self_signed("ksz_mock response signing"), generate_self_signed("ksz_mock "
                                                                                  "client")


@pytest.fixture
def ksz_mock(_ksz_mock_keys: tuple[Credentials, Credentials], tmp_path: Path,
             pytestconfig: pytest.Config) -> Iterator[KszMock]:
    """Canned KSZ answers for ``ksz_mock.client``; unused answers fail the test."""
    signing, client = _ksz_mock_keys
    mock = KszMock(signing, client, tmp_path / "ksz-mock", _context(pytestconfig))
    mock.start()
    try:
        yield mock
    finally:
        mock.stop()
    unused = mock.pending()
    if unused:
        pytest.fail(f"ksz_mock: {len(unused)} queued answer(s) never used: "
                    f"{', '.join(unused)}", pytrace=False)
