"""Connection limits and greylisting: small stateful guards shared by all connections."""

from __future__ import annotations

from collections import Counter


class ConnectionLimiter:
    """Caps concurrent connections overall and per client IP."""

    def __init__(self, max_total: int, max_per_ip: int) -> None:
        self.max_total = max_total
        self.max_per_ip = max_per_ip
        self.per_ip: Counter[str] = Counter()
        self.total = 0

    def acquire(self, ip: str) -> str | None:
        """Take a slot for ``ip``; return None, or the reason it is refused."""
        if self.total >= self.max_total:
            return "max_connections"
        if self.per_ip[ip] >= self.max_per_ip:
            return "max_per_ip"
        self.total += 1
        self.per_ip[ip] += 1
        return None

    def release(self, ip: str) -> None:
        """Give back the slot of a closed connection."""
        self.total = max(0, self.total - 1)
        self.per_ip[ip] -= 1
        if self.per_ip[ip] <= 0:
            del self.per_ip[ip]


class Greylist:
    """First contact from an IP gets a 4xx; a retry after ``delay`` seconds passes.

    Remembers at most ``max_ips`` addresses (oldest first out), so a flood of sources
    cannot grow it without bound.
    """

    def __init__(self, delay: float, max_ips: int) -> None:
        self.delay = delay
        self.max_ips = max(1, max_ips)
        self.first_seen: dict[str, float] = {}

    def passes(self, ip: str, now: float) -> bool:
        """True when ``ip`` was first seen at least ``delay`` seconds before ``now``."""
        first = self.first_seen.get(ip)
        if first is None:
            if len(self.first_seen) >= self.max_ips:
                self.first_seen.pop(next(iter(self.first_seen)))
            self.first_seen[ip] = now
            return False
        return now - first >= self.delay
