"""Services count "today" in Belgium by the client's clock, not by the machine's local day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.services.official_helpers import NoSend

from ksz_client._client import KszClient
from ksz_client._config import KszConfig
from ksz_client._exceptions import NotIntegrated, ValidationError
from ksz_client.ssin import SsinKind, make

# 23:30 UTC on New Year's Eve is already 00:30 on 1 January in Brussels.
NEW_YEARS_EVE_UTC = dt.datetime(2030, 12, 31, 23, 30, tzinfo=dt.UTC)
SSIN = make(dt.date(1985, 7, 30), 33, kind=SsinKind.TEST)


def _client(config_path: Path) -> tuple[KszClient, NoSend]:
    transport = NoSend()
    plain = KszClient(KszConfig.load(config_path, env={}), transport=transport,  # type: ignore[arg-type]
                      clock=lambda: NEW_YEARS_EVE_UTC)
    return plain.acting_for(user="u", legal_context="PCSA:SOCIAL_INQUIRY"), transport


def test_today_is_the_belgian_day_of_the_clients_clock(sandbox_config_path: Path) -> None:
    client, _ = _client(sandbox_config_path)
    assert client._today() == dt.date(2031, 1, 1)


def test_not_in_the_future_is_judged_by_that_day(sandbox_config_path: Path) -> None:
    client, transport = _client(sandbox_config_path)
    # Belgian today passes the date check and reaches the finality guard (nothing sent) ...
    with pytest.raises(NotIntegrated):
        client.handi.files_by_date(SSIN, date="2031-01-01")
    # ... the day after is refused as in the future, by the same clock.
    with pytest.raises(ValidationError, match="in the future"):
        client.handi.files_by_date(SSIN, date="2031-01-02")
    assert transport.sent == []
