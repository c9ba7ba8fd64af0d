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
    # A name's first 41 characters decide all it adds (transit names are shorter, kept
    # names are cut to 40), so no remembered key holds more than 41 per field.
    names = tuple([name[:41] for name, _ in headers])
    return _remembered_order(names) if len(names) <= _MEMO_FIELDS else _order(names)


def _order(names: tuple[str, ...]) -> str:
    kept = [name[:40] for name in names
            if name not in _TRANSIT and not name.startswith(_TRANSIT_PREFIXES)]
    return ":".join(kept[:60])


# One sender writes the same fields message after message: orders and their hashes are
# remembered (the tuple of names costs half of filtering them again).
_MEMO_FIELDS = 100
_remembered_order = lru_cache(maxsize=1 << 12)(_order)


@lru_cache(maxsize=1 << 12)
def header_order_fp(order: str) -> str:
    """Short hash of a header order string."""
    return short_hash(order)
