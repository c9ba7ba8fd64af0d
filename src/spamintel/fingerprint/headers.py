"""Header-order fingerprint: which fields a sender writes, in which order."""

from __future__ import annotations

from spamintel.fingerprint.shapes import short_hash

# Fields added in transit by receiving MTAs and filters, not by the sender.
_TRANSIT = frozenset({
    "received", "return-path", "delivered-to", "x-original-to", "envelope-to",
    "x-spam-status", "x-spam-checker-version", "x-spam-level", "x-spam-flag",
    "x-virus-scanned", "x-virus-status", "status", "x-status", "x-keywords", "x-uid",
    "content-length", "lines", "x-uidl", "x-mailman-version", "x-beenthere", "x-spam",
})


def header_order(headers: list[tuple[str, str]]) -> str:
    """Sender-written header names in order (transit fields dropped), ':'-joined."""
    names: list[str] = []
    for name, _ in headers:
        if name in _TRANSIT or name.startswith(("x-spam", "x-virus", "from ")):
            continue
        names.append(name[:40])
        if len(names) >= 60:
            break
    return ":".join(names)


def header_order_fp(order: str) -> str:
    """Short hash of a header order string."""
    return short_hash(order)
