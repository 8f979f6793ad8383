"""``--raw``: the answer's XML as the KSZ sent it, pretty-printed, other persons' SSINs masked.

The bytes are taken from the pipeline's `CallObserver` seam (`CallRecorder`),
the same place the audit log reads them: what is shown is what was received,
not something rebuilt from the typed result. For SSDN services the answer
sits as escaped text in the WebServiceConnector's ``xmlString``; it is parsed
(with the same hardened parser) and shown in place as XML, after a comment
saying so.

Masking. Every valid SSIN (check digits right, test numbers included), in
any written form, in element text, attribute values or comments, is masked
unless it is a subject of the call (the SSIN the user typed): the six
birth-date digits stay, the counter and check digits become ``*``
(``85073003328`` -> ``850730*****``, ``85.07.30-033.28`` -> ``85.07.30-***.**``).
So an answer can be shown or pasted into a support ticket without the
household members' numbers; an 11-digit number that fails the check digits
(an amount, an enterprise number) stays readable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ksz_client import ssin as _ssin
from ksz_client.hooks import Exchange, Outcome

__all__ = ["CallRecorder", "mask_other_ssins", "render_raw"]


class CallRecorder:
    """A `CallObserver` that keeps the last attempt of the call and its outcome."""

    def __init__(self) -> None:
        self.exchange: Exchange | None = None
        self.outcome: Outcome | None = None

    def before_send(self, exchange: Exchange) -> None:
        self.exchange = exchange
        self.outcome = None

    def after_receive(self, exchange: Exchange, outcome: Outcome) -> None:
        self.exchange = exchange
        self.outcome = outcome

    @property
    def response(self) -> bytes | None:
        """The bytes of the last answer, or None when none came."""
        return self.outcome.response if self.outcome is not None else None

    def raw(self) -> str | None:
        """The last answer as `render_raw` shows it, or None when none came."""
        response = self.response
        if response is None or self.exchange is None:
            return None
        return render_raw(response, self.exchange.subjects)


def mask_other_ssins(text: str, keep: Iterable[str] = ()) -> str:
    """`text` with every valid SSIN masked except those in `keep` (any written form)."""
    from ksz_client._redact import _WRITTEN

    kept = {_ssin.compact(s) for s in keep}

    def replace(match: re.Match[str]) -> str:
        written = match.group(0)
        if not _ssin.is_valid(written, allow_test=True) or _ssin.compact(written) in kept:
            return written
        seen = 0
        out = []
        for char in written:
            if char.isdigit():
                seen += 1
                out.append(char if seen <= 6 else "*")
            else:
                out.append(char)
        return "".join(out)

    return _WRITTEN.sub(replace, text)


def render_raw(response: bytes, subjects: Iterable[str] = ()) -> str:
    """The answer pretty-printed (SSDN documents unwrapped), other SSINs masked."""
    return mask_other_ssins(_pretty(response), subjects)


def _pretty(response: bytes) -> str:
    from lxml import etree

    from ksz_client import _ssdn, _xml
    from ksz_client._exceptions import KszError

    try:
        root = _xml.parse(response)
    except KszError:
        # Not XML (an HTML error page, a truncated answer): shown as received.
        return response.decode("utf-8", errors="replace")
    for holder in root.iter(f"{{{_ssdn.CONNECTOR_NS}}}xmlString"):
        if not (holder.text or "").lstrip().startswith("<"):
            continue
        try:
            document = _ssdn.unwrap(holder)
        except KszError:
            continue  # left as the escaped text it is
        holder.text = None
        holder.append(etree.Comment(" the SSDN document below travels as escaped text "))
        holder.append(document)
    etree.indent(root, space="  ")
    text: str = etree.tostring(root, encoding="unicode")
    return text
