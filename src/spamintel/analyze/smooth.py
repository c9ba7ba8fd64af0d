"""Pooling days that share a level: Poisson segmentation with optional periodic segments.

A sensor's daily count of one botnet is Poisson around ``exposure × rate``; a day's own
count is often too small for a tight estimate. The rate is modelled as piecewise
constant, where a piece may instead repeat a pattern of ``p`` days (2 ≤ p ≤ 7: burst
cycles, weekday cycles). Optimal partitioning picks the pieces that minimise the Poisson
deviance plus ``penalty`` per level (a BIC-style cost, ``log(T)`` per parameter times
``PENALTY_FACTOR``). Each day's estimate is then the pooled rate of its piece (or of its
residue class in a periodic piece), with the pooled count behind it for the interval.
Where data support no pooling, pieces shrink to single days and the raw estimate remains.

Series that are parts of one whole (the botnets of all spam) may be given shared change
points: days where the whole, whose counts are far larger, changes level. A part may break
there for the cost of one parameter (``SHARED_BREAK_PENALTY``, AIC's) instead of BIC's
``log(T)``: the search over positions, which BIC pays for, was done on the whole. A small
part then follows a level change that its own counts could not justify alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MAX_PERIOD = 7
PENALTY_FACTOR = 1.0
SHARED_BREAK_PENALTY = 1.0


@dataclass(frozen=True)
class Fit:
    """Per day: pooled rate (amount per unit exposure), pooled count and exposure, piece."""

    rate: np.ndarray
    pooled_count: np.ndarray
    pooled_exposure: np.ndarray
    piece: np.ndarray
    period: np.ndarray


def _cost(n: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Poisson deviance part of pieces with totals ``n`` (counts) and ``e`` (exposure)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(n > 0, -n * np.log(np.where(e > 0, n / e, 1.0)) + n, 0.0)
        return np.where((e <= 0) & (n > 0), np.inf, c)


def _prefix(x: np.ndarray, p: int) -> np.ndarray:
    """``out[k, t]`` = sum of x[d] for d < t with d % p == k."""
    out = np.zeros((p, len(x) + 1))
    for k in range(p):
        masked = np.where(np.arange(len(x)) % p == k, x, 0.0)
        out[k, 1:] = np.cumsum(masked)
    return out


def segment(n: np.ndarray, e: np.ndarray, penalty: float | None = None,
            shared: np.ndarray | None = None) -> list[tuple]:
    """Optimal pieces ``(start, stop, period)`` of a count series with exposures.

    ``shared`` marks days where a piece may start for ``SHARED_BREAK_PENALTY`` (see the
    module docstring); every other break, and every extra level of a periodic piece,
    costs ``penalty`` (default BIC's ``log(T)``).
    """
    t = len(n)
    beta = PENALTY_FACTOR * math.log(max(t, 2)) if penalty is None else penalty
    brk = np.full(t + 1, beta)
    if shared is not None:
        brk[:t][np.asarray(shared, dtype=bool)] = min(SHARED_BREAK_PENALTY, beta)
    brk[0] = 0.0  # the first piece follows no other
    pre = {p: (_prefix(n, p), _prefix(e, p)) for p in range(1, MAX_PERIOD + 1)}
    best = np.full(t + 1, np.inf)
    best[0] = 0.0
    back: list[tuple[int, int]] = [(0, 1)] * (t + 1)
    for j in range(1, t + 1):
        for p in range(1, MAX_PERIOD + 1):
            hi = j - (1 if p == 1 else 2 * p)
            if hi < 0:
                continue
            i = np.arange(0, hi + 1)
            cn, ce = pre[p]
            cost = sum(_cost(cn[k, j] - cn[k, i], ce[k, j] - ce[k, i]) for k in range(p))
            total = best[i] + cost + brk[i] + beta * (p - 1)
            m = int(np.argmin(total))
            if total[m] < best[j]:
                best[j], back[j] = total[m], (int(i[m]), p)
    pieces, j = [], t
    while j > 0:
        i, p = back[j]
        pieces.append((i, j, p))
        j = i
    return pieces[::-1]


def breaks(pieces: list[tuple]) -> np.ndarray:
    """Days on which a piece starts (after the first), as a mask of the series' days."""
    t = pieces[-1][1] if pieces else 0
    mask = np.zeros(t, dtype=bool)
    for start, _stop, _period in pieces[1:]:
        mask[start] = True
    return mask


def fit(n: np.ndarray, e: np.ndarray, amount: np.ndarray | None = None,
        penalty: float | None = None, shared: np.ndarray | None = None) -> Fit:
    """Pooled rate per day from the optimal pieces (``amount`` defaults to ``n``;
    ``shared``: see ``segment``)."""
    amount = n if amount is None else amount
    rate = np.zeros(len(n))
    pooled = np.zeros(len(n))
    pooled_e = np.zeros(len(n))
    piece = np.zeros(len(n), dtype=np.int64)
    period = np.ones(len(n), dtype=np.int64)
    for idx, (i, j, p) in enumerate(segment(n, e, penalty, shared)):
        days = np.arange(i, j)
        for k in range(p):
            sel = days[(days - i) % p == k] if p > 1 else days
            ee, aa = e[sel].sum(), amount[sel].sum()
            rate[sel] = aa / ee if ee > 0 else 0.0
            pooled[sel] = n[sel].sum()
            pooled_e[sel] = ee
            piece[sel] = idx
            period[sel] = p
    return Fit(rate, pooled, pooled_e, piece, period)
