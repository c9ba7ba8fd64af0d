"""Pooling days that share a level: Poisson segmentation with optional periodic segments.

A sensor's daily count of one botnet is Poisson around ``exposure × rate``; a day's own
count is often too small for a tight estimate. The rate is modelled as piecewise
constant, where a piece may instead repeat a pattern of ``p`` days (2 ≤ p ≤ 7: burst
cycles, weekday cycles). Optimal partitioning picks the pieces that minimise the Poisson
deviance plus ``penalty`` per level (a BIC-style cost, ``log(T)`` per parameter times
``PENALTY_FACTOR``). Each day's estimate is then the pooled rate of its piece (or of its
residue class in a periodic piece), with the pooled count behind it for the interval.
Where data support no pooling, pieces shrink to single days and the raw estimate remains.

A periodic piece may then change level while its pattern stays (a burst cycle that grows
by a tenth): splitting it into two periodic pieces would pay for ``p`` new levels, so
within each periodic piece the pattern is estimated once, as each residue class's rate
relative to the piece's, and the piece is segmented again with exposures multiplied by
that pattern: a level change costs one parameter (``pattern_levels``).

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
    """Per day: pooled rate (amount per unit exposure), pooled count and exposure, the
    piece of one level it belongs to, the period of its pattern and the pattern (one
    periodic pattern may run through several levels, see ``regions``)."""

    rate: np.ndarray
    pooled_count: np.ndarray
    pooled_exposure: np.ndarray
    piece: np.ndarray
    period: np.ndarray
    pattern: np.ndarray


def piece_cost(n: np.ndarray, e: np.ndarray | float) -> np.ndarray:
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


def break_costs(t: int, beta: float, shared: np.ndarray | None) -> np.ndarray:
    """Cost of a piece starting on each day: ``beta``, less on ``shared`` days, none on the
    first (it follows no other)."""
    brk = np.full(t + 1, beta)
    if shared is not None:
        brk[:t][np.asarray(shared, dtype=bool)] = min(SHARED_BREAK_PENALTY, beta)
    brk[0] = 0.0
    return brk


def segment(n: np.ndarray, e: np.ndarray, penalty: float | None = None,
            shared: np.ndarray | None = None, max_period: int = MAX_PERIOD) -> list[tuple]:
    """Optimal pieces ``(start, stop, period)`` of a count series with exposures.

    ``shared`` marks days where a piece may start for ``SHARED_BREAK_PENALTY`` (see the
    module docstring); every other break, and every extra level of a periodic piece,
    costs ``penalty`` (default BIC's ``log(T)``).
    """
    t = len(n)
    beta = PENALTY_FACTOR * math.log(max(t, 2)) if penalty is None else penalty
    brk = break_costs(t, beta, shared)
    pre = {p: (_prefix(n, p), _prefix(e, p)) for p in range(1, max_period + 1)}
    best = np.full(t + 1, np.inf)
    best[0] = 0.0
    back: list[tuple[int, int]] = [(0, 1)] * (t + 1)
    for j in range(1, t + 1):
        for p in range(1, max_period + 1):
            hi = j - (1 if p == 1 else 2 * p)
            if hi < 0:
                continue
            i = np.arange(0, hi + 1)
            cn, ce = pre[p]
            cost = sum(piece_cost(cn[k, j] - cn[k, i], ce[k, j] - ce[k, i]) for k in range(p))
            total = best[i] + cost + brk[i] + beta * (p - 1)
            m = int(np.argmin(total))
            if total[m] < best[j]:
                best[j], back[j] = total[m], (int(i[m]), p)
    pieces, j = [], t
    while j > 0:
        start, period = back[j]
        pieces.append((start, j, period))
        j = start
    return pieces[::-1]


def breaks(pieces: list[tuple]) -> np.ndarray:
    """Days on which a piece starts (after the first), as a mask of the series' days."""
    t = pieces[-1][1] if pieces else 0
    mask = np.zeros(t, dtype=bool)
    for start, _stop, _period in pieces[1:]:
        mask[start] = True
    return mask


def _pattern(x: np.ndarray, e: np.ndarray, p: int) -> np.ndarray:
    """Per day of one piece: its residue class's rate of ``x`` relative to the piece's."""
    k = np.arange(len(x)) % p
    cx, ce = np.bincount(k, x, p), np.bincount(k, e, p)
    whole = x.sum() / e.sum() if e.sum() > 0 else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where((ce > 0) & (whole > 0), cx / ce / whole, 1.0)
    return rel[k]


def pattern_levels(n: np.ndarray, e: np.ndarray, piece: tuple, penalty: float,
                   shared: np.ndarray | None = None) -> list[tuple[int, int]]:
    """Days ``(start, stop)`` of one level each within a periodic ``piece`` whose pattern
    is kept (module docstring); the whole piece when its level does not change."""
    i, j, p = piece
    if p == 1:
        return [(i, j)]
    exposure = e[i:j] * _pattern(n[i:j], e[i:j], p)
    part = None if shared is None else np.asarray(shared, dtype=bool)[i:j]
    return [(i + a, i + b) for a, b, _ in segment(n[i:j], exposure, penalty, part, 1)]


def _levels_cost(n: np.ndarray, e: np.ndarray, piece: tuple, levels: list[tuple[int, int]],
                 beta: float, brk: np.ndarray) -> float:
    """Penalised cost of a periodic ``piece`` fitted as ``levels`` times one pattern: the
    Poisson part (as ``piece_cost``), the pattern's ``p − 1`` parameters and each level's
    start but the first."""
    i, j, p = piece
    pattern = _pattern(n[i:j], e[i:j], p)
    cost = beta * (p - 1) + sum(brk[a] for a, _ in levels[1:])
    for a, b in levels:
        adjusted = e[a:b] * pattern[a - i:b - i]
        level = n[a:b].sum() / adjusted.sum() if adjusted.sum() > 0 else 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = level * pattern[a - i:b - i]
            cost += float(np.where(n[a:b] > 0, adjusted * level - n[a:b] * np.log(rate),
                                   adjusted * level).sum())
    return cost


def regions(n: np.ndarray, e: np.ndarray, pieces: list[tuple], beta: float,
            shared: np.ndarray | None = None) -> list[tuple[tuple, list[tuple[int, int]]]]:
    """Each piece with its levels (``pattern_levels``), where adjacent periodic pieces of one
    period become one piece with one pattern when that costs less than their own patterns:
    a burst cycle that runs on through level changes gets its pattern from all its days."""
    brk = break_costs(len(n), beta, shared)
    out: list[tuple[tuple, list[tuple[int, int]]]] = []
    for piece in pieces:
        levels = pattern_levels(n, e, piece, beta, shared)
        if out and piece[2] > 1 and out[-1][0][2] == piece[2] and out[-1][0][1] == piece[0]:
            before, before_levels = out[-1]
            union = (before[0], piece[1], piece[2])
            joined = pattern_levels(n, e, union, beta, shared)
            apart = (_levels_cost(n, e, before, before_levels, beta, brk) + brk[piece[0]]
                     + _levels_cost(n, e, piece, levels, beta, brk))
            if _levels_cost(n, e, union, joined, beta, brk) < apart:
                out[-1] = (union, joined)
                continue
        out.append((piece, levels))
    return out


def fit(n: np.ndarray, e: np.ndarray, amount: np.ndarray | None = None,
        penalty: float | None = None, shared: np.ndarray | None = None) -> Fit:
    """Pooled rate per day from the optimal pieces (``amount`` defaults to ``n``;
    ``shared``: see ``segment``)."""
    amount = n if amount is None else amount
    beta = PENALTY_FACTOR * math.log(max(len(n), 2)) if penalty is None else penalty
    t = len(n)
    out = Fit(np.zeros(t), np.zeros(t), np.zeros(t), np.zeros(t, dtype=np.int64),
              np.ones(t, dtype=np.int64), np.zeros(t, dtype=np.int64))
    level_id = 0
    for idx, (piece, levels) in enumerate(regions(n, e, segment(n, e, beta, shared), beta,
                                                  shared)):
        if len(levels) == 1:
            _pool_classes(out, n, e, amount, piece)
        else:
            _pool_levels(out, n, e, amount, piece, levels)
        for a, b in levels:
            out.piece[a:b], level_id = level_id, level_id + 1
        out.pattern[piece[0]:piece[1]] = idx
        out.period[piece[0]:piece[1]] = piece[2]
    return out


def _pool_classes(out: Fit, n, e, amount, piece: tuple) -> None:
    """Each residue class of a piece pooled over the piece."""
    i, j, p = piece
    days = np.arange(i, j)
    for k in range(p):
        sel = days[(days - i) % p == k]
        ee, aa = e[sel].sum(), amount[sel].sum()
        out.rate[sel] = aa / ee if ee > 0 else 0.0
        out.pooled_count[sel] = n[sel].sum()
        out.pooled_exposure[sel] = ee


def _pool_levels(out: Fit, n, e, amount, piece: tuple, levels: list[tuple[int, int]]) -> None:
    """A periodic piece of several levels: each day's rate is its level times its residue
    class's share of the pattern; the count behind it combines both (1/N = 1/N_level +
    1/N_class), as does its interval."""
    i, j, p = piece
    pattern = _pattern(amount[i:j], e[i:j], p)
    class_n = np.bincount(np.arange(j - i) % p, n[i:j], p)[np.arange(j - i) % p]
    for a, b in levels:
        adjusted = (e[a:b] * pattern[a - i:b - i]).sum()
        level = amount[a:b].sum() / adjusted if adjusted > 0 else 0.0
        out.rate[a:b] = level * pattern[a - i:b - i]
        level_n = n[a:b].sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            counts = np.where((level_n > 0) & (class_n[a - i:b - i] > 0),
                              1.0 / (1.0 / level_n + 1.0 / class_n[a - i:b - i]), 0.0)
            out.pooled_count[a:b] = counts
            out.pooled_exposure[a:b] = np.where(out.rate[a:b] > 0, counts / out.rate[a:b],
                                                e[a:b])


def dispersion(n: np.ndarray, e: np.ndarray, f: Fit) -> float:
    """Relative variance of the true daily level around the fitted one (τ², ≥ 0).

    A day's count is Poisson around its fitted mean ``μ`` only when the pieces hold the
    true level; changes too small to pay for a break, and day-to-day noise in the sender
    itself, add a variance ``τ² μ²``. It is found by moments over all days: the squared
    residuals less the Poisson part (each day's weight in its pooled count ``w = μ / N``
    leaves ``μ (1 − w)`` under Poisson), over ``Σ μ² (1 − w)``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mu = np.where(f.pooled_exposure > 0, e * f.pooled_count / f.pooled_exposure, 0.0)
        w = np.where(f.pooled_count > 0, np.minimum(mu / f.pooled_count, 1.0), 1.0)
    keep = (mu > 0) & (w < 1)
    if not keep.any():
        return 0.0
    mu, w, r2 = mu[keep], w[keep], (n[keep] - mu[keep]) ** 2
    denominator = float((mu ** 2 * (1 - w)).sum())
    return max(0.0, float((r2 - mu * (1 - w)).sum()) / denominator) if denominator else 0.0
