"""Header-order fingerprint: which fields a sender writes, in which order."""

from __future__ import annotations

from functools import lru_cache
from operator import itemgetter

from spamintel.fingerprint.shapes import short_hash
from spamintel.memo import Memo

# Fields added in transit by receiving MTAs and filters, not by the sender.
_TRANSIT = frozenset({
    "received", "return-path", "delivered-to", "x-original-to", "envelope-to",
    "x-spam-status", "x-spam-checker-version", "x-spam-level", "x-spam-flag",
    "x-virus-scanned", "x-virus-status", "status", "x-status", "x-keywords", "x-uid",
    "content-length", "lines", "x-uidl", "x-mailman-version", "x-beenthere", "x-spam",
})
_TRANSIT_PREFIXES = ("x-spam", "x-virus", "from ")
_NAME = itemgetter(0)


def header_order(headers: list[tuple[str, str]]) -> str:
    """Sender-written header names in order (transit fields dropped), ':'-joined; a name
    repeated on the next line counts once: a duplicated line (malformed mail) or a field
    a server writes several times in a row does not make another template."""
    return _ORDERS[tuple(map(_NAME, headers))]


def _order(names: tuple[str, ...]) -> str:
    kept = [name[:40] for name in names
            if name not in _TRANSIT and not name.startswith(_TRANSIT_PREFIXES)]
    kept = [name for i, name in enumerate(kept) if i == 0 or name != kept[i - 1]]
    return ":".join(kept[:60])


def _small(names: tuple[str, ...]) -> bool:
    return len(names) <= 100 and max(map(len, names), default=0) <= 64


# One sender writes the same fields message after message: orders (and their hashes,
# below) are remembered; building the tuple of names costs half of filtering them again.
# Made-up names may be any length or number: only small keys are kept.
_ORDERS = Memo(_order, 4096, keep=_small)


@lru_cache(maxsize=1 << 12)
def header_order_fp(order: str) -> str:
    """Short hash of a header order string."""
    return short_hash(order)
