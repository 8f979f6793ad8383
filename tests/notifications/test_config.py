"""The ``[notifications]`` configuration keys, and what Receiver.from_config needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from ksz_client._config import KszConfig, Notifications, config_keys
from ksz_client._exceptions import ConfigError
from ksz_client._pki import Credentials
from ksz_client.notifications import Backoff, Receiver

from .test_cli import write_config

KEYS = ("notifications.trusted_certificates", "notifications.max_body_bytes",
        "notifications.retry_initial_seconds", "notifications.retry_max_seconds",
        "notifications.lease_seconds", "notifications.check_receiver")


def test_the_keys_are_known_with_their_environment_variables() -> None:
    for key in KEYS:
        assert config_keys()[key] == "KSZ_" + key.replace(".", "_").upper()


def test_defaults() -> None:
    settings = Notifications()
    assert settings.trusted_certificates == ()
    assert settings.max_body_bytes == 10 * 1024 * 1024
    assert (settings.retry_initial_seconds, settings.retry_max_seconds) == (30.0, 3600.0)
    assert settings.lease_seconds == 300.0 and settings.check_receiver is True


def test_file_and_environment(tmp_path: Path, ksz_keys: tuple[Credentials, Credentials]) -> None:
    config_file = write_config(tmp_path, ksz_keys[0].cert_pem)
    config = KszConfig.load(config_file, env={
        "KSZ_TEST_PASSWORD": "x", "KSZ_NOTIFICATIONS_MAX_BODY_BYTES": "4096",
        "KSZ_NOTIFICATIONS_CHECK_RECEIVER": "false", "KSZ_NOTIFICATIONS_LEASE_SECONDS": "90",
    })
    settings = config.notifications
    assert settings.trusted_certificates == (tmp_path / "ksz.pem",)
    assert settings.retry_initial_seconds == 60.0  # from the file
    assert (settings.max_body_bytes, settings.lease_seconds) == (4096, 90.0)
    assert settings.check_receiver is False
    with Receiver.from_config(config) as receiver:
        assert receiver.max_body_bytes == 4096 and receiver.organisation is None
        assert receiver.inbox.backoff == Backoff(
            Backoff().initial * 2, Backoff().maximum)
        assert receiver.inbox.lease.total_seconds() == 90


@pytest.mark.parametrize(("key", "value"), [
    ("max_body_bytes", 0), ("retry_initial_seconds", -1), ("lease_seconds", 0),
    ("retry_max_seconds", True),
])
def test_invalid_values_name_their_key(key: str, value: object) -> None:
    with pytest.raises(ConfigError) as caught:
        Notifications(**{key: value})  # type: ignore[arg-type]
    assert caught.value.key == f"notifications.{key}"


def test_the_maximum_backoff_is_not_below_the_first() -> None:
    with pytest.raises(ConfigError, match="retry_initial_seconds"):
        Notifications(retry_initial_seconds=60, retry_max_seconds=30)


def test_an_unknown_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        KszConfig.from_mapping({"notifications": {"port": 8766}}, env={})
    assert caught.value.key == "notifications.port"


def test_the_receiver_needs_a_trusted_certificate_it_can_read(
    tmp_path: Path, ksz_keys: tuple[Credentials, Credentials],
) -> None:
    config_file = write_config(tmp_path, ksz_keys[0].cert_pem)
    config = KszConfig.load(config_file, env={"KSZ_TEST_PASSWORD": "x"})
    without = config.with_overrides(notifications=Notifications())
    with pytest.raises(ConfigError) as caught:
        Receiver.from_config(without)
    assert caught.value.key == "notifications.trusted_certificates"
    missing = config.with_overrides(
        notifications=Notifications(trusted_certificates=(tmp_path / "nowhere.pem",)))
    with pytest.raises(ConfigError, match=r"nowhere\.pem"):
        Receiver.from_config(missing)
    # trust.ksz_certificates is the default.
    from ksz_client._config import Trust

    pinned = without.with_overrides(trust=Trust(ksz_certificates=(tmp_path / "ksz.pem",)))
    with Receiver.from_config(pinned) as receiver:
        assert receiver.verifier.trusted[0].subject.rfc4514_string().endswith(
            "ksz-sandbox response signing")
