"""Address headers, read leniently and fast (spam's From lines are rarely RFC 5322)."""

from __future__ import annotations

import re

from spamintel.memo import Memo

# Possessive, and the first part stops at the first "@": the same matches as
# "<\s*([^<>\s]*@[^<>\s]*)\s*>", without trying each "@" of a long run in turn.
_ANGLE = re.compile(r"<\s*+([^<>\s@]*+@[^<>\s]*+)\s*+>")
# A run of local-part characters, taken whole, with "@domain" when one follows: the
# matches that have the group are those of "[...]+@[\w.-]+" (which starts only where
# such a run starts, or where the last match ended). A pattern that must end in an
# address would read a run without "@" again from each of its characters: quadratic.
_WORD = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]++(@[\w.-]+)?")
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
    m = _bare(value)
    if m:
        rest = (value[: m.start()] + value[m.end():]).strip(" \t\"'()") or None
        return rest, m.group(0).lower()
    return value.strip(_QUOTES + "<>") or None, None


def _bare(value: str) -> re.Match[str] | None:
    """The first bare address (``local@domain``) in ``value``, or None."""
    for m in _WORD.finditer(value):
        if m.group(1):
            return m
    return None


# A campaign's sender lines recur word for word: values up to this many characters have
# their split remembered.
_SPLIT = Memo(_split, 1 << 13, keep=lambda value: len(value) <= 256)


def count_addresses(value: str) -> int:
    """Number of addresses in a To/Cc value (counted by their ``@``-forms)."""
    return sum(map(bool, _WORD.findall(value))) if "@" in value else 0
