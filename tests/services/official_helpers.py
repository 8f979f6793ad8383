"""Helpers for the services with an official set-b contract (SelfEmployed, Handi, JobSeeker,
HdiIndemnityAllowance): compile the official schemas, capture what travels, integrate."""

from __future__ import annotations

import copy
import datetime as dt
from functools import cache
from pathlib import Path

from lxml import etree

from ksz_client import _xml
from ksz_client._client import KszClient
from ksz_client.audit import Integration
from ksz_client.audit._guard import belgian_today
from ksz_client.hooks import Exchange, Outcome
from ksz_client.sandbox import SANDBOX_CBE_NUMBER, Sandbox

XS = "{http://www.w3.org/2001/XMLSchema}"
WSDL = "{http://schemas.xmlsoap.org/wsdl/}"
SET_B = "set-b/be/fgov/kszbcss"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(no_network=True, resolve_entities=False)


@cache
def official_wsdl_schema(contracts: Path, relative: str) -> etree.XMLSchema:
    """The schema embedded in an official WSDL (its wrapper elements), imports resolved
    beside the WSDL, never over the network."""
    path = contracts / relative
    root = etree.parse(str(path), _parser()).getroot()
    embedded = root.find(f"{WSDL}types/{XS}schema")
    assert embedded is not None, relative
    # Type references in attribute values use prefixes declared on wsdl:definitions.
    nsmap = {**{k: v for k, v in root.nsmap.items() if k}, **embedded.nsmap}
    schema = etree.Element(embedded.tag, attrib=dict(embedded.attrib), nsmap=nsmap)
    for child in embedded:
        schema.append(copy.deepcopy(child))
    data = etree.tostring(schema)
    return etree.XMLSchema(etree.fromstring(data, _parser(), base_url=str(path)))


@cache
def official_xsd_schema(contracts: Path, relative: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(contracts / relative), _parser()))


class Capture:
    """An observer keeping the bytes of every request sent and response received."""

    def __init__(self) -> None:
        self.requests: list[bytes] = []
        self.responses: list[bytes] = []

    def before_send(self, exchange: Exchange) -> None:
        self.requests.append(exchange.request)

    def after_receive(self, exchange: Exchange, outcome: Outcome) -> None:
        if outcome.response is not None:
            self.responses.append(outcome.response)


def payloads(messages: list[bytes]) -> list[_xml.Element]:
    """The SOAP Body payload of each message (detached copies)."""
    out = []
    for data in messages:
        body = _xml.parse(data).find("{http://schemas.xmlsoap.org/soap/envelope/}Body")
        assert body is not None
        out.append(copy.deepcopy(body[0]))
    return out


def assert_valid(schema: etree.XMLSchema, payload: _xml.Element) -> None:
    assert schema.validate(payload), (schema.error_log, etree.tostring(payload)[:3000])


def integrate(sandbox: Sandbox, client: KszClient, ssin: str) -> None:
    """Integrate `ssin` on both sides: the sandbox's repertory and the client's register."""
    today = belgian_today(dt.datetime.now(dt.UTC))
    sandbox.integrate(ssin, period=(today - dt.timedelta(days=2), None))
    client.integrations.add(Integration(organisation=SANDBOX_CBE_NUMBER, ssin=ssin,
                                        quality_code=2, start=today - dt.timedelta(days=2)))


def type_shapes(path: Path) -> dict[str, list[tuple[str, str, str]]]:
    """Each named type of a schema file: its elements (name, minOccurs, maxOccurs), in order."""
    tree = etree.parse(str(path), _parser())
    shapes: dict[str, list[tuple[str, str, str]]] = {}
    for kind in ("complexType", "simpleType"):
        for item in tree.getroot().iterfind(f"{XS}{kind}"):
            shapes[item.get("name") or ""] = [
                (el.get("name") or el.get("ref") or "", el.get("minOccurs", "1"),
                 el.get("maxOccurs", "1"))
                for el in item.iter(f"{XS}element")
            ]
    return shapes


def compare_types(ours: Path, official: Path, *,
                  restated: frozenset[str] = frozenset()) -> None:
    """Our file declares exactly the official file's types, element by element (name,
    minOccurs, maxOccurs), plus the CommonV3 restatements named in `restated`."""
    mine, theirs = type_shapes(ours), type_shapes(official)
    assert etree.parse(str(ours)).getroot().get("targetNamespace") == \
        etree.parse(str(official)).getroot().get("targetNamespace")
    for name, shape in mine.items():
        if name in restated:
            continue
        assert name in theirs, f"{name} is not an official type of {official.name}"
        assert shape == theirs[name], name
    missing = set(theirs) - set(mine)
    assert not missing, f"official types not restated: {sorted(missing)}"


def cli_config(sandbox: Sandbox, folder: Path, *ssins: str) -> Path:
    """A configuration for `sandbox` whose audit log (SQLite) holds integrations of `ssins`:
    what ``ksz ...`` commands need to pass the finality guard."""
    from ksz_client._config import KszConfig

    path = sandbox.write_config(folder / "ksz.toml")
    with path.open("a", encoding="utf-8") as fh:
        fh.write('\n[audit]\npath = "audit.sqlite3"\n')
    with KszClient(KszConfig.load(path, env={})) as client:
        for ssin in ssins:
            integrate(sandbox, client, ssin)
    return path


class OfficialCommonV3(etree.Resolver):
    """Resolves every import of CommonV3.xsd to the official file given: our contracts
    compiled this way check our messages against the official common types."""

    def __init__(self, official: Path) -> None:
        super().__init__()
        self.official = official

    def resolve(self, system_url, public_id, context):  # type: ignore[no-untyped-def]
        if system_url.endswith("CommonV3.xsd"):
            return self.resolve_filename(str(self.official), context)
        return None
