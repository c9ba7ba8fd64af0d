"""RFC 5322 dates (Date: headers, Received timestamps) to UTC, leniently."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_TRAILING_COMMENT = re.compile(r"\s*\([^)]*\)\s*$")


def to_utc(text: str | None) -> datetime | None:
    """Parse an RFC 5322 date (trailing comment allowed) as UTC; None when unreadable.

    A date without a zone is taken as UTC; out-of-range values give None, never an error.
    """
    text = _TRAILING_COMMENT.sub("", (text or "").strip())
    if not text:
        return None
    try:
        when = parsedate_to_datetime(text)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return when.astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
