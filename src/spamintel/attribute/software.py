"""Pieces of a class that run other software: a second botnet sharing the class's content.

Discovery groups mail by its traits, the content group among them, so two botnets that
send one template family can share a class although their bots speak other dialects and
forge other headers (a chance band collision can also join two content groups). Inside a
class, messages are linked when they come from the same IP on the same day (one bot) or
belong to the same campaign; a piece then shares no bot and no campaign with the rest of
its class. The latent class model assumes a botnet's software independent of what its
bots send: every campaign of a botnet comes with the same mix of dialects and header
templates. A piece of at least ``min_messages`` messages from ``min_ips`` IPs, holding
less than half of its class's mail, whose mix of (dialect, header template) differs
from the rest of its class sent on the same days (at least ``min_messages`` of it) by a
total variation distance of at least ``min_shift`` and twice what a sample of its size
drawn from that rest would show by chance, is another population and becomes a class of
its own (it is not joined to a class it resembles: it came from one class and may
resemble two; mail of its botnet in other classes is gathered by ``borrowed`` first, when
its networks tell). Only mail sent alongside counts: a botnet that updates its software
sends one mix before and another after, and a piece of its mail from the last days before
the update differs from the class as a whole but not from what the class sent on those
days. A botnet that updated only some of its bots, or switched software and campaigns at
once while old bots still ran, also shows up as such a piece; the continuation test of
``onset``, against the class it came from alone, gives it back to its botnet.

Work: one sort per link key and one connected-components pass, then one comparison per
candidate piece.
"""

from __future__ import annotations

import numpy as np

from spamintel.attribute._graph import components, link_equal, pair_ids
from spamintel.attribute._shift import departs


def class_pieces(labels: np.ndarray, ip: np.ndarray, has_ip: np.ndarray, day: np.ndarray,
                 campaign: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Piece id per row of ``rows``: messages of one class linked by a shared IP on the same
    day or a shared campaign."""
    local = np.arange(len(rows))
    by_ip = has_ip[rows]
    key, _ = pair_ids(labels[rows][by_ip], pair_ids(ip[rows][by_ip], day[rows][by_ip])[0])
    a1, b1 = link_equal(local[by_ip], key)
    by_camp = campaign[rows] >= 0
    key, _ = pair_ids(labels[rows][by_camp], campaign[rows][by_camp])
    a2, b2 = link_equal(local[by_camp], key)
    return components(len(rows), np.concatenate([a1, a2]), np.concatenate([b1, b2]))


def split_software(labels: np.ndarray, software: np.ndarray, ip: np.ndarray,
                   has_ip: np.ndarray, day: np.ndarray, campaign: np.ndarray,
                   min_messages: int, min_ips: int, min_shift: float = 0.5
                   ) -> tuple[np.ndarray, dict[int, int]]:
    """Class label per row, each piece that runs other software (see module doc) under a
    fresh label, and the class each fresh label was split from. ``software`` is a
    non-negative (dialect, header template) id per row, ``campaign`` a campaign label
    per row (-1 none)."""
    out = labels.copy()
    origin: dict[int, int] = {}
    rows = np.flatnonzero(labels >= 0)
    if len(rows) == 0:
        return out, origin
    nxt = int(labels.max()) + 1
    piece = class_pieces(labels, ip, has_ip, day, campaign, rows)
    size = np.bincount(labels[rows])
    messages = np.bincount(piece)
    owner = np.zeros(len(messages), dtype=np.int64)
    owner[piece] = labels[rows]
    k = int(software.max()) + 1
    for p in np.flatnonzero((messages >= min_messages) & (2 * messages < size[owner])):
        mine = rows[piece == p]
        if len(np.unique(ip[mine][has_ip[mine]])) < min_ips:
            continue
        rest = _alongside(rows[(labels[rows] == owner[p]) & (piece != p)], day, mine)
        if len(rest) >= min_messages and departs(software[mine], software[rest], k, min_shift):
            out[mine] = nxt
            origin[nxt] = int(owner[p])
            nxt += 1
    return out, origin


def _alongside(rest: np.ndarray, day: np.ndarray, mine: np.ndarray) -> np.ndarray:
    """The rows of ``rest`` sent on the days ``mine`` was sent."""
    return rest[np.isin(day[rest], np.unique(day[mine]))]
