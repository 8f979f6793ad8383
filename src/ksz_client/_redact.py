"""Masking SSINs in free text that leaves the SDK (exception messages, logs)."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["mask_ssins"]

# Any written form of an SSIN: 85073003328, 85.07.30-033.28, 850730 033-28.
_SSIN_LIKE: Final = re.compile(r"(?<!\d)\d{2}\.?\d{2}\.?\d{2}[-. ]?\d{3}[-. ]?\d{2}(?!\d)")


def mask_ssins(text: str) -> str:
    """Replace everything shaped like an SSIN by ``<SSIN>``."""
    return _SSIN_LIKE.sub("<SSIN>", text)
