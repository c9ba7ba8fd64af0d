"""Header-order fingerprint: which fields a sender writes, in which order."""

from __future__ import annotations

from functools import lru_cache

from spamintel.fingerprint.shapes import short_hash

# Fields added in transit by receiving MTAs and filters, not by the sender.
_TRANSIT = frozenset({
    "received", "return-path", "delivered-to", "x-original-to", "envelope-to",
    "x-spam-status", "x-spam-checker-version", "x-spam-level", "x-spam-flag",
    "x-virus-scanned", "x-virus-status", "status", "x-status", "x-keywords", "x-uid",
    "content-length", "lines", "x-uidl", "x-mailman-version", "x-beenthere", "x-spam",
})
_TRANSIT_PREFIXES = ("x-spam", "x-virus", "from ")


def header_order(headers: list[tuple[str, str]]) -> str:
    """Sender-written header names in order (transit fields dropped), ':'-joined."""
    names = tuple([name for name, _ in headers])
    order = _ORDERS.get(names)
    if order is None:
        order = _order(names)
        if len(names) <= 100 and max(map(len, names), default=0) <= 64:  # small keys only
            if len(_ORDERS) >= 4096:
                _ORDERS.clear()
            _ORDERS[names] = order
    return order


# One sender writes the same fields message after message: orders (and their hashes,
# below) are remembered; building the tuple of names costs half of filtering them again.
_ORDERS: dict[tuple[str, ...], str] = {}


def _order(names: tuple[str, ...]) -> str:
    kept = [name[:40] for name in names
            if name not in _TRANSIT and not name.startswith(_TRANSIT_PREFIXES)]
    return ":".join(kept[:60])


@lru_cache(maxsize=1 << 12)
def header_order_fp(order: str) -> str:
    """Short hash of a header order string."""
    return short_hash(order)
