"""What the two DNS formats share: the zone serial."""

from __future__ import annotations

from datetime import datetime


def serial(now: datetime) -> int:
    """SOA serial (RFC 1982, 32 bits): the export time in Unix seconds, so that each
    export is newer than the last and secondaries transfer it."""
    return int(now.timestamp()) & 0xFFFFFFFF
