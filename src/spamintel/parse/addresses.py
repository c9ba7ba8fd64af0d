"""Address headers, read leniently and fast (spam's From lines are rarely RFC 5322)."""

from __future__ import annotations

import re

from spamintel.memo import Memo

_ANGLE = re.compile(r"<\s*([^<>\s]*@[^<>\s]*)\s*>")
_BARE = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w.-]+", re.U)
_QUOTES = " \t\"'"


def split_address(value: str) -> tuple[str | None, str | None]:
    """``'"Ann" <ann@x.org>'`` → ``('Ann', 'ann@x.org')``; missing parts are None."""
    return _SPLIT[value]


def _split(value: str) -> tuple[str | None, str | None]:
    value = value.strip()
    if not value:
        return None, None
    m = _ANGLE.search(value)
    if m:
        display = value[: m.start()].strip(_QUOTES) or None
        return display, m.group(1).lower() or None
    m = _BARE.search(value)
    if m:
        rest = (value[: m.start()] + value[m.end():]).strip(" \t\"'()") or None
        return rest, m.group(0).lower()
    return value.strip(_QUOTES + "<>") or None, None


# A campaign's sender lines recur word for word: values up to this many characters have
# their split remembered.
_SPLIT = Memo(_split, 1 << 13, keep=lambda value: len(value) <= 256)


def count_addresses(value: str) -> int:
    """Number of addresses in a To/Cc value (counted by their ``@``-forms)."""
    return len(_BARE.findall(value)) if "@" in value else 0
