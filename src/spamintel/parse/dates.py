"""RFC 5322 dates (Date: headers, Received timestamps) to UTC, leniently."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache

from spamintel.memo import Memo

# The form nearly every MTA and mail program writes; anything else goes to the stdlib.
_COMMON = re.compile(
    r"\s*(?:[A-Za-z]{3},?\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{1,2}):(\d{2})"
    r"(?::(\d{2}))?\s+([+-])(\d{2})(\d{2})\s*(?:\([^)]*\)\s*)?")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


def to_utc(text: str | None) -> datetime | None:
    """Parse an RFC 5322 date (trailing comment allowed) as UTC; None when unreadable.

    A date without a zone is taken as UTC; out-of-range values give None, never an error.
    """
    if not text:
        return None
    m = _COMMON.fullmatch(text)
    if m is not None and m.group(2).lower() in _MONTHS:
        return _from_common(m)
    text = _without_trailing_comment(text.strip())
    if not text:
        return None
    try:
        when = parsedate_to_datetime(text)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return when.astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _without_trailing_comment(text: str) -> str:
    r"""``text`` (stripped) without a final "(comment)" and the blanks before it: what
    ``re.sub(r"\s*\([^)]*\)\s*$", "", text)`` leaves, found from the end (that search
    would read on from every "(" and every blank in turn: quadratic)."""
    if not text.endswith(")"):
        return text
    # the first "(" after the ")" before the last one: the comment has no ")" inside
    opening = text.find("(", text.rfind(")", 0, -1) + 1, -1)
    return text if opening < 0 else text[:opening].rstrip()


# Digit runs (at most four digits in the pattern above) → their value: the same few
# hundred recur, and a dict hit costs a fraction of int().
_INT: Memo[str, int] = Memo(int, 4096)


def _from_common(m: re.Match[str]) -> datetime | None:
    day, mon, year, hour, minute, second, sign, zh, zm = m.groups()
    n = _INT
    try:
        local = datetime(n[year], _MONTHS[mon.lower()], n[day], n[hour], n[minute],
                         n[second] if second else 0, tzinfo=UTC)
        return local - _offset(sign, zh, zm)
    except (ValueError, OverflowError):
        return None


@lru_cache(maxsize=4096)
def _offset(sign: str, hours: str, minutes: str) -> timedelta:
    """A zone offset (``+``/``-``, ``HH``, ``MM``) as a signed timedelta; a few recur."""
    offset = timedelta(hours=int(hours), minutes=int(minutes))
    return offset if sign == "+" else -offset
