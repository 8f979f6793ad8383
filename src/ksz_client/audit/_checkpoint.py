"""Signed checkpoints: the log's size and head hash, signed with an Ed25519 key.

The key lives in a file outside the database (created readable by its owner
only on first use), so whoever can rewrite the database cannot re-sign a
rewritten chain. Each checkpoint is also written as a small JSON file to a
folder (or handed to a callback) that should live elsewhere (another
machine, a WORM share): comparing the log with the latest exported
checkpoint detects a truncated tail.

``cryptography`` is imported only here, when a key is used.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as _dt
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ksz_client._exceptions import AuditError
from ksz_client.audit._records import canonical, format_time, parse_time

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

__all__ = ["Checkpoint", "CheckpointKey", "load_public_keys"]

_DOMAIN: Final = b"ksz-client audit checkpoint v1\n"


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement: log `log_id` had `size` records, the last one hashing to `head_hash`."""

    log_id: str
    size: int
    head_hash: str
    at: _dt.datetime
    key_id: str
    signature: str

    def statement(self) -> bytes:
        """The exact bytes that are signed."""
        return _DOMAIN + canonical(
            {"log_id": self.log_id, "size": self.size, "head_hash": self.head_hash,
             "at": format_time(self.at)}
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "log_id": self.log_id,
            "size": self.size,
            "head_hash": self.head_hash,
            "at": format_time(self.at),
            "key_id": self.key_id,
            "signature": self.signature,
        }

    @classmethod
    def from_json(cls, data: Any) -> Checkpoint:
        """Read an exported checkpoint (or a CHECKPOINT record's detail)."""
        try:
            return cls(
                log_id=str(data["log_id"]),
                size=int(data["size"]),
                head_hash=str(data["head_hash"]),
                at=parse_time(str(data["at"])),
                key_id=str(data["key_id"]),
                signature=str(data["signature"]),
            )
        except (KeyError, TypeError, ValueError):
            raise AuditError("not an audit checkpoint") from None

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Checkpoint:
        """Read an exported checkpoint file."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise AuditError(f"cannot read the checkpoint file: {exc.strerror}") from None
        except ValueError:
            raise AuditError("the checkpoint file is not JSON") from None
        return cls.from_json(data)

    def signed_by(self, keys: Iterable[Ed25519PublicKey]) -> bool:
        """True when one of `keys` made the signature."""
        from cryptography.exceptions import InvalidSignature

        try:
            signature = base64.b64decode(self.signature, validate=True)
        except ValueError:
            return False
        for key in keys:
            try:
                key.verify(signature, self.statement())
            except InvalidSignature:
                continue
            return True
        return False

    def export(self, folder: Path, *, prefix: str | None = None) -> Path:
        """Write ``checkpoint-<log id>-<size>.json`` into `folder` (atomically)."""
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"checkpoint-{prefix or self.log_id}-{self.size:012d}.json"
        tmp = folder / f".{target.name}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, target)
        return target


def key_id(public: Ed25519PublicKey) -> str:
    """The first 16 hex digits of the SHA-256 of the raw public key."""
    from cryptography.hazmat.primitives import serialization

    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


class CheckpointKey:
    """The Ed25519 key that signs checkpoints, read from (or created in) a file."""

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        self.public = private.public_key()
        self.key_id = key_id(self.public)

    def __repr__(self) -> str:
        return f"CheckpointKey(key_id={self.key_id!r})"

    @classmethod
    def load_or_create(cls, path: Path) -> CheckpointKey:
        """Read the PEM key at `path`; create it (mode 0600, and ``.pub`` beside) if absent."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return cls._create(path)
        except OSError as exc:
            raise AuditError(f"cannot read the checkpoint key: {exc.strerror}") from None
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError):
            raise AuditError("the checkpoint key file is not an unencrypted PEM key") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise AuditError("the checkpoint key must be an Ed25519 key")
        return cls(key)

    @classmethod
    def _create(cls, path: Path) -> CheckpointKey:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            # Another process created it between our read and our create.
            return cls.load_or_create(path)
        except OSError as exc:
            raise AuditError(f"cannot create the checkpoint key: {exc.strerror}") from None
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        public = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        # The public key can always be derived again from the private one.
        with contextlib.suppress(OSError):
            path.with_name(path.name + ".pub").write_bytes(public)
        return cls(key)

    def sign(self, log_id: str, size: int, head_hash: str, at: _dt.datetime) -> Checkpoint:
        unsigned = Checkpoint(log_id, size, head_hash, at, self.key_id, "")
        signature = self._private.sign(unsigned.statement())
        return Checkpoint(
            log_id, size, head_hash, at, self.key_id, base64.b64encode(signature).decode("ascii")
        )


def load_public_keys(paths: Iterable[str | os.PathLike[str]]) -> list[Ed25519PublicKey]:
    """Public keys from PEM files holding a public or a private Ed25519 key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

    keys: list[Ed25519PublicKey] = []
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise AuditError(f"cannot read the key file: {exc.strerror}") from None
        key: object
        try:
            key = serialization.load_pem_public_key(data)
        except ValueError:
            try:
                key = serialization.load_pem_private_key(data, password=None)
            except (ValueError, TypeError):
                raise AuditError("not a PEM Ed25519 key file") from None
        if isinstance(key, Ed25519PrivateKey):
            key = key.public_key()
        if not isinstance(key, Ed25519PublicKey):
            raise AuditError("checkpoint keys are Ed25519 keys")
        keys.append(key)
    return keys
