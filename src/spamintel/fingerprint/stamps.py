"""Route stamps: header fields that receiving servers and filters add to some of the mail
on its way, learned from a whole archive's header orders.

The header order (``fingerprint.headers``) drops the transit fields whose names are known,
but real archives carry many more: a filter that appends ``X-Miltered`` and ``X-UUID`` to
the mail of one route, a desktop antivirus that stamps what it scanned, an Exchange server
that adds ``X-OriginalArrivalTime``. One sender's template then splits by the route its
mail took. Such a block of fields gives itself away: the same sender order is seen both
with it and without it, for many different senders. A block of one to ``MAX_BLOCK`` names
at the end (or at the start) of the order is a route stamp when at least
``MIN_TEMPLATES`` distinct orders are each seen ``MIN_MESSAGES`` times alone and
``MIN_MESSAGES`` times with the block. A sender's own optional field does not pass: it
varies within its own few templates only. The message's own fields (RFC 5322 and MIME)
never count, however often they come and go: the presence of MIME fields follows the body
(one template writes ``Content-Transfer-Encoding`` only for some bodies), and a ``Date`` or
``Message-ID`` that one relay adds when the sender left it out, or that malformed mail
lacks, is still the sender's field to write.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

MIN_TEMPLATES = 5
MIN_MESSAGES = 3
MAX_BLOCK = 6
# The message's own fields (RFC 5322 section 3.6, MIME): never a route stamp.
_MESSAGE_FIELDS = frozenset({
    "date", "from", "sender", "reply-to", "to", "cc", "bcc", "message-id", "in-reply-to",
    "references", "subject", "comments", "keywords", "mime-version"})
_MESSAGE_PREFIXES = ("content-", "resent-")


@dataclass(frozen=True)
class RouteStamps:
    """The learned stamp blocks (each ':'-joined), appended at the end or put at the start."""

    suffixes: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()

    def own(self, order: str) -> str:
        """The sender's own order: ``order`` without its stamp blocks, however stacked."""
        if not (self.suffixes or self.prefixes):
            return order
        return _strip(_strip(order, self.suffixes, end=True), self.prefixes, end=False)

    def sql(self, column: str) -> str:
        """SQL expression of :meth:`own` on a column (the column itself when none)."""
        expr = column
        for blocks, end in ((self.suffixes, True), (self.prefixes, False)):
            if blocks:
                pattern = _pattern(blocks, end).replace("'", "''")
                expr = f"regexp_replace({expr}, '{pattern}', '')"
        return expr


def _pattern(blocks: tuple[str, ...], end: bool) -> str:
    alternatives = "|".join(map(re.escape, blocks))
    return f"(:({alternatives}))+$" if end else f"^(({alternatives}):)+"


def _strip(order: str, blocks: tuple[str, ...], end: bool) -> str:
    return re.sub(_pattern(blocks, end), "", order)


def _own_field(name: str) -> bool:
    return name in _MESSAGE_FIELDS or name.startswith(_MESSAGE_PREFIXES)


def route_stamps(counts: Mapping[str, int]) -> RouteStamps:
    """The route stamps of an archive whose header orders occur ``counts`` times each."""
    return RouteStamps(_blocks(counts, end=True), _blocks(counts, end=False))


# The header orders of a store's events and how often each occurs.
ORDER_COUNTS_SQL = ("SELECT header_order, count(*) FROM events WHERE header_order IS NOT NULL "
                    "GROUP BY 1")


def _blocks(counts: Mapping[str, int], end: bool) -> tuple[str, ...]:
    """Blocks found at one end of the orders with and without them (see module doc)."""
    pairs: Counter[str] = Counter()
    for order, n in counts.items():
        if n < MIN_MESSAGES:
            continue
        names = order.split(":")
        for k in range(1, min(MAX_BLOCK, len(names) - 1) + 1):
            block, rest = (names[-k:], names[:-k]) if end else (names[:k], names[k:])
            if any(_own_field(name) for name in block):
                break
            if counts.get(":".join(rest), 0) >= MIN_MESSAGES:
                pairs[":".join(block)] += 1
    kept: list[str] = []
    for joined in sorted((b for b, n in pairs.items() if n >= MIN_TEMPLATES),
                         key=lambda b: (b.count(":"), b)):
        whole = ":" + joined if end else joined + ":"
        if not kept or _strip(whole, tuple(kept), end):  # not just shorter ones stacked
            kept.append(joined)
    return tuple(kept)
