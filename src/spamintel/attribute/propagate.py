"""Propagation: give a botnet name to spam whose own template was too rare to cluster
(a bot's occasional slip of dialect, a one-message sender), by majority vote over keys
it shares with attributed messages: first its client IP, then partial templates.

A vote counts only when it is clear: among all spam carrying the key, at least
``purity`` must already carry one and the same name, and at least ``min_support``
messages must back it. Mail from senders that are not bots (webmail, hijacked servers)
mixes with nothing named, so it stays unattributed.
"""

from __future__ import annotations

import numpy as np


def vote(keys: np.ndarray, names: np.ndarray, open_rows: np.ndarray, purity: float,
         min_support: int) -> np.ndarray:
    """Name index proposed for each row in ``open_rows`` by its key (-1: no clear vote).

    ``names`` holds a name index per row (-1 = unnamed); ``keys`` is an int64 key per row.
    """
    named = names >= 0
    kuniq, kidx = np.unique(keys, return_inverse=True)
    total = np.bincount(kidx, minlength=len(kuniq))
    if not named.any():
        return np.full(len(open_rows), -1, dtype=np.int64)
    pairs, counts = np.unique(np.stack([kidx[named], names[named]], axis=1), axis=0,
                              return_counts=True)
    order = np.lexsort((-counts, pairs[:, 0]))
    pairs, counts = pairs[order], counts[order]
    first = np.unique(pairs[:, 0], return_index=True)[1]
    best = np.full(len(kuniq), -1, dtype=np.int64)
    ok = (counts[first] >= min_support) & (counts[first] >= purity * total[pairs[first, 0]])
    best[pairs[first[ok], 0]] = pairs[first[ok], 1]
    return best[kidx[open_rows]]


def propagate(key_sets: list[np.ndarray], names: np.ndarray, eligible: np.ndarray,
              purity: float, min_support: int) -> tuple[np.ndarray, np.ndarray]:
    """Fill unnamed ``eligible`` rows by successive key votes among eligible rows.

    Returns the new name indices and, per row, the 1-based round that named it (0 = not
    propagated). Each round votes with the names known before it.
    """
    names = names.copy()
    rounds = np.zeros(len(names), dtype=np.int8)
    rows = np.flatnonzero(eligible)
    for r, keys in enumerate(key_sets, 1):
        sub = names[rows]
        open_rows = np.flatnonzero(sub < 0)
        if len(open_rows) == 0:
            break
        proposed = vote(keys[rows], sub, open_rows, purity, min_support)
        hit = proposed >= 0
        names[rows[open_rows[hit]]] = proposed[hit]
        rounds[rows[open_rows[hit]]] = r
    return names, rounds
