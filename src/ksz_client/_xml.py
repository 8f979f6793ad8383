"""Hardened XML parsing and small typed readers over lxml elements.

Every byte that comes from the network is parsed here: no DTD, no entity
expansion, no network or file access, bounded size. Readers turn a missing
required element into `ResponseError` and ignore unknown elements, so that
a newer KSZ answer with extra data still parses.
"""

from __future__ import annotations

import datetime as _dt
import re
import threading
from collections.abc import Iterator
from typing import Final, TypeAlias

from lxml import etree

from ksz_client._exceptions import ResponseError

__all__ = [
    "Element",
    "children",
    "find",
    "opt_bool",
    "opt_date",
    "opt_datetime",
    "opt_int",
    "opt_text",
    "parse",
    "req",
    "req_text",
    "sub",
    "texts",
    "to_bytes",
]

Element: TypeAlias = etree._Element

_LOCAL = threading.local()
DEFAULT_MAX_BYTES: Final = 20 * 1024 * 1024


def _parser() -> etree.XMLParser:
    # lxml parsers keep per-parse state: one per thread is the safe and cheap choice.
    parser: etree.XMLParser | None = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
            collect_ids=False,
        )
        _LOCAL.parser = parser
    return parser


def parse(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, what: str = "response") -> Element:
    """Parse untrusted bytes into an element tree, refusing anything dangerous."""
    if len(data) > max_bytes:
        raise ResponseError(f"{what} is larger than the {max_bytes}-byte limit")
    if not data.strip():
        raise ResponseError(f"{what} is empty")
    # A DTD is never legitimate in SOAP (SOAP 1.1 §3); refusing it up front
    # closes entity expansion and external entity attacks whatever the parser does.
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ResponseError(f"{what} carries a DTD, which SOAP forbids")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", None)
        where = f" (line {line})" if line else ""
        raise ResponseError(
            f"{what} is not well-formed XML{where}: truncated or malformed"
        ) from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise ResponseError(f"{what} carries a DTD, which SOAP forbids")
    return root


def to_bytes(element: Element) -> bytes:
    """Serialise an element as UTF-8 with an XML declaration."""
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8")


def sub(parent: Element, tag: str, text: str | None = None) -> Element:
    """Append a child element (unqualified unless ``tag`` is ``{ns}name``)."""
    child = etree.SubElement(parent, tag)
    if text is not None:
        child.text = text
    return child


# Readers look up some sixty paths per answer of a few KB: ElementPath's find()
# costs microseconds per call on its own, a walk over the children a third of that.
# Paths of plain names (the readers' own, never from the network) are walked;
# anything else goes to find().
_PLAIN: Final = re.compile(r"[A-Za-z_][\w.-]*(?:/[A-Za-z_][\w.-]*)*")
_STEPS: dict[str, tuple[str, ...] | None] = {}


def _steps(path: str) -> tuple[str, ...] | None:
    steps = _STEPS.get(path, ())
    if steps == ():
        steps = tuple(path.split("/")) if _PLAIN.fullmatch(path) else None
        if len(_STEPS) < 4096:  # the readers use a few hundred paths
            _STEPS[path] = steps
    return steps


def _walk(element: Element, steps: tuple[str, ...], depth: int) -> Element | None:
    # As ElementPath: the first match in document order, over every branch.
    tag = steps[depth]
    last = depth == len(steps) - 1
    for child in element:
        if child.tag == tag:
            if last:
                return child
            found = _walk(child, steps, depth + 1)
            if found is not None:
                return found
    return None


def find(element: Element, path: str) -> Element | None:
    """The first child at ``path`` (slash-separated unqualified names), or None."""
    steps = _steps(path)
    if steps is None:
        return element.find(path)
    return _walk(element, steps, 0)


def children(element: Element | None, name: str) -> Iterator[Element]:
    """The children of ``element`` named ``name`` (none when element is None)."""
    if element is None:
        return iter(())
    return element.iterfind(name)


def texts(element: Element) -> dict[str, str | None]:
    """What `opt_text` gives for each child tag: the first child's stripped text or None.

    One pass over the children, for readers that take most fields of an item:
    cheaper than a lookup per field. ``.get(tag)`` of an absent tag is None too.
    """
    found: dict[str, str | None] = {}
    for child in element:
        tag = child.tag
        if isinstance(tag, str) and tag not in found:
            text = child.text
            found[tag] = (text.strip() or None) if text is not None else None
    return found


def date_value(value: str | None, what: str) -> _dt.date | None:
    """An xs:date text (as `opt_date` reads it); `what` names it in the error."""
    if value is None:
        return None
    try:
        return _dt.date.fromisoformat(value[:10])
    except ValueError:
        raise ResponseError(f"{what} is not a date") from None


def req(element: Element, path: str) -> Element:
    """The child at ``path``; a missing one is a `ResponseError`."""
    found = find(element, path)
    if found is None:
        raise ResponseError(f"the answer lacks the required element {_describe(element, path)}")
    return found


def opt_text(element: Element | None, path: str) -> str | None:
    """The stripped text at ``path``, or None when absent or empty."""
    if element is None:
        return None
    found = find(element, path) if path else element
    if found is None or found.text is None:
        return None
    value = found.text.strip()
    return value or None


def req_text(element: Element, path: str) -> str:
    """The text at ``path``; missing or empty is a `ResponseError`."""
    value = opt_text(element, path)
    if value is None:
        raise ResponseError(f"the answer lacks the required element {_describe(element, path)}")
    return value


def opt_date(element: Element | None, path: str) -> _dt.date | None:
    value = opt_text(element, path)
    if value is None:
        return None
    try:
        # xs:date may carry a time-zone suffix; the calendar day is what counts.
        return _dt.date.fromisoformat(value[:10])
    except ValueError:
        raise ResponseError(f"{_describe(element, path)} is not a date") from None


def opt_datetime(element: Element | None, path: str) -> _dt.datetime | None:
    value = opt_text(element, path)
    if value is None:
        return None
    try:
        parsed = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ResponseError(f"{_describe(element, path)} is not a date-time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=_dt.UTC)


def opt_int(element: Element | None, path: str) -> int | None:
    value = opt_text(element, path)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise ResponseError(f"{_describe(element, path)} is not a whole number") from None


def opt_bool(value: str | None) -> bool | None:
    if value is None:
        return None
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise ResponseError("a boolean attribute is neither true nor false")


def _describe(element: Element | None, path: str) -> str:
    if element is None:
        return path
    name = etree.QName(element).localname if isinstance(element.tag, str) else "?"
    return f"{name}/{path}" if path else name
