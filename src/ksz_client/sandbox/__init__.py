"""A local KSZ for integration tests and demos: signed both ways, on 127.0.0.1.

>>> with Sandbox(seed=1, persons=1000) as sandbox:
...     config = sandbox.write_config("build/sandbox/ksz.toml")
...     client = KszClient(KszConfig.load(config))

The sandbox generates its own response-signing key and a client key pair,
and trusts only that client certificate (or the ones you pass).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from ksz_client._pki import Credentials, generate_self_signed
from ksz_client.sandbox.app import SandboxApp
from ksz_client.sandbox.population import Population, Profile
from ksz_client.sandbox.server import WsgiServer

__all__ = ["SANDBOX_CBE_NUMBER", "Population", "Profile", "Sandbox", "SandboxApp", "WsgiServer"]

# A KBO number with valid check digits that no real organisation uses here.
SANDBOX_CBE_NUMBER: Final = "0123456749"


class Sandbox:
    """The sandbox: population + WSGI app + server + generated credentials."""

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
    ) -> None:
        self.population = Population(seed=seed, size=persons)
        self.signing = signing or generate_self_signed("ksz-sandbox response signing")
        self.client = client or generate_self_signed("ksz-sandbox client")
        self.app = SandboxApp(
            population=self.population,
            signing=self.signing,
            client_certificates=[self.client.cert_pem, *extra_client_certificates],
        )
        self.server = WsgiServer(self.app, host=host, port=port, verbose=verbose)

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> Sandbox:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()

    def serve_forever(self) -> None:
        self.server.serve_forever()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def persons(self, limit: int | None = None) -> list[Profile]:
        count = self.population.size if limit is None else min(limit, self.population.size)
        return [self.population.profile(i) for i in range(count)]

    def write_config(self, path: str | os.PathLike[str]) -> Path:
        """Write a client ``ksz.toml`` for this sandbox, with its key files beside it."""
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
        target.write_text(
            "# ksz-client configuration for the local sandbox (generated).\n"
            "# See README 'Configuration' for every key.\n"
            'environment = "sandbox"\n'
            f'endpoint = "{self.url}"\n'
            "\n[organisation]\n"
            f'cbe_number = "{SANDBOX_CBE_NUMBER}"\n'
            "\n[auth]\n"
            'mode = "x509"\n'
            'key_file = "client-key.pem"\n'
            'cert_file = "client-cert.pem"\n'
            "\n[trust]\n"
            'ksz_certificates = ["sandbox-signing-cert.pem"]\n'
            "\n# [context]\n"
            '# user = "social-worker-42"\n'
            '# legal_context = "PCSA:SOCIAL_INQUIRY"\n',
            encoding="utf-8",
        )
        return target
