"""examples/notification_receiver.py keeps a household record up to date from the sandbox's
family-composition notifications."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import requests

from ksz_client._pki import Credentials
from ksz_client.sandbox import MemoryState, push
from ksz_client.sandbox import notify as sandbox_notify
from ksz_client.ssin import mask
from ksz_client.wsse import Signer

from ._support import POP
from .test_cli import write_config

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_example_receiver_updates_the_household(
    tmp_path: Path, ksz_keys: tuple[Credentials, Credentials],
) -> None:
    config = write_config(tmp_path, ksz_keys[0].cert_pem)
    households = tmp_path / "households.json"
    env = {**os.environ, "KSZ_CONFIG": str(config), "KSZ_TEST_PASSWORD": "x"}
    process = subprocess.Popen(
        [sys.executable, "examples/notification_receiver.py", "--port", "0",
         "--households", str(households)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    lines: list[str] = []
    try:
        assert process.stdout is not None
        url = ""
        for line in process.stdout:
            lines.append(line)
            if line.startswith("listening on "):
                url = line.split()[2]
                break
        assert url.startswith("http://127.0.0.1:")
        # A person living with others: the household record lists them all.
        person = next(p for p in POP.select({}) if p.household_size >= 3).ssin
        household = POP.household(POP.index_of(person) or 0)
        (result,) = push(url, "notifyFamilyComposition", str(person), population=POP,
                         state=MemoryState(), signing=ksz_keys[0])
        # Handled before the acknowledgement: the record is there when the answer is.
        assert result.http_status == 200
        record = json.loads(households.read_text(encoding="utf-8"))[str(person)]
        assert [m["ssin"] for m in record["members"]] == [str(m.ssin) for m in household.members]
        assert record["head"] == str(household.head.ssin)
        # The same message again (the KSZ retrying): recognised, the record untouched.
        built = sandbox_notify.build("notifyFamilyComposition", POP, str(person),
                                     sequence_number=2)
        message = sandbox_notify.envelope(built, Signer(ksz_keys[0].key_pem,
                                                        ksz_keys[0].cert_pem))
        for _ in range(2):
            answer = requests.post(url, data=message, timeout=10,
                                   headers={"Content-Type": "text/xml; charset=utf-8"})
            assert answer.status_code == 200 and b"<value>OK</value>" in answer.content
        again = json.loads(households.read_text(encoding="utf-8"))[str(person)]
        assert again["event"].endswith(f"{built.ticket}#0")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            out, err = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
            raise AssertionError(f"the example did not stop: {err[-2000:]}") from None
    lines.append(out)
    assert process.returncode == 0, err
    printed = "".join(lines)
    assert printed.count("updated") == 2  # two distinct messages, the retry not applied twice
    assert f"household of {mask(str(person))} updated: {len(household.members)} member" \
        in printed
    assert str(person) not in printed
