"""Discovery: sender groups found without labels (after BotMagnifier, Stringhini et al.
2011, with a latent class model in place of its graph step), the layer that names
botnets no signature knows.

Messages are reduced to distinct tuples of sender features (SMTP dialect, header
template, recipients, network, content group). A latent class model is fitted from
``max_classes`` deterministic seeds; classes that agree on every feature group but one
are then merged (a botnet's bots speak two dialects, or its messages use two header
templates, but its other traits stay the same), and the model is refitted until no such
pair is left. Different botnets differ in two or more groups: dialect and header mix,
campaigns, networks.

Seeds follow the variety of the tuples, not the volume of the mail: when many seeds land
on diverse senders (webmail, snowshoe ranges), a small botnet may get none and join a
large one that shares its dialect. So each class is then tried in two (the split step of
split-and-merge EM, Ueda et al. 2000): seeded by the tuple the class explains worst
(``mixture.misfit_tuple``) and by the heaviest tuple or the one most unlike it, refitted
on the class's tuples, and kept when the two halves raise the likelihood by more than
BIC's price for the parameters they add, differ in two or more feature groups (else the
merge rule would join them again) and are two sender populations: their mail comes from
other networks, by the test ``split`` applies to a class's dialects (total variation of
at least 0.5 and twice chance, here counted over messages, since a tuple has no IP). A
botnet's two software versions, or a second botnet's mail sent from the same networks
with the same software (``borrowed`` moves it), stay for the later steps. The whole
model is then refitted and merged, and the classes tried again, up to ``rounds`` times.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse.csgraph import connected_components

from spamintel.attribute._graph import dense
from spamintel.attribute._shift import beyond, value_shift
from spamintel.attribute.mixture import (
    Fit,
    em,
    extra_parameters,
    farthest_seeds,
    hard_init,
    misfit_tuple,
)


@dataclass(frozen=True)
class ClusterStats:
    """Per-cluster figures, indexed by cluster label (0..n-1)."""

    messages: np.ndarray
    ips: np.ndarray
    asns: np.ndarray
    server_share: np.ndarray
    first_row: np.ndarray


def _js(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Jensen-Shannon divergence (bits) between the columns of p and q, pairwise."""
    m = 0.5 * (p[:, :, None] + q[:, None, :])
    with np.errstate(divide="ignore", invalid="ignore"):
        kp = np.where(p[:, :, None] > 0, p[:, :, None] * np.log2(p[:, :, None] / m), 0.0)
        kq = np.where(q[:, None, :] > 0, q[:, None, :] * np.log2(q[:, None, :] / m), 0.0)
    return 0.5 * (kp.sum(axis=0) + kq.sum(axis=0))


def profiles(x: np.ndarray, labels: np.ndarray, w: np.ndarray, n_classes: int,
             cards: list[int], alpha: float = 0.1) -> list[np.ndarray]:
    """Per feature, the value distribution of each class (values × classes)."""
    out = []
    ok = labels >= 0
    for j, card in enumerate(cards):
        counts = np.zeros((card, n_classes))
        np.add.at(counts, (x[ok, j], labels[ok]), w[ok])
        out.append((counts + alpha / card) / (counts.sum(axis=0, keepdims=True) + alpha))
    return out


def profile_distance(a: list[np.ndarray], b: list[np.ndarray]) -> np.ndarray:
    """Pairwise distance between the classes of ``a`` and ``b``: Jensen-Shannon
    divergence summed over feature groups, leaving out the most different group."""
    div = np.stack([_js(p, q) for p, q in zip(a, b, strict=True)])
    return div.sum(axis=0) - div.max(axis=0)


def merge_groups(thetas: list[np.ndarray], tau: float) -> np.ndarray:
    """Class → merged group: classes closer than ``tau`` (see ``profile_distance``)."""
    score = profile_distance(thetas, thetas)
    close = (score < tau) & ~np.eye(score.shape[0], dtype=bool)
    return connected_components(close, directed=False)[1]


def _merge(x: np.ndarray, w: np.ndarray, fit: Fit, cards: list[int], tau: float,
           rounds: int) -> Fit:
    """The fit after classes closer than ``tau`` are merged and the model refitted,
    until none are left or ``rounds`` refits were made."""
    for _ in range(rounds):
        alive = (fit.resp * w[:, None]).sum(axis=0) > 0.5
        groups = merge_groups([np.exp(t) for t in fit.log_theta], tau)
        n_groups = len(np.unique(groups[alive]))
        if n_groups == int(alive.sum()):
            break
        resp = np.zeros((len(x), groups.max() + 1))
        np.add.at(resp.T, groups, fit.resp.T)
        resp = resp[:, np.unique(groups[alive])]
        fit = em(x, w, resp, cards)
    return fit


@dataclass(frozen=True)
class SplitRules:
    """When a class is split in two: the halves must be farther apart than ``tau`` (see
    ``profile_distance``) and the networks (column ``network_col``) of their mail must
    differ by a total variation distance of at least ``min_shift`` and twice chance."""

    tau: float
    network_col: int = 3
    min_shift: float = 0.5


def _other_networks(x: np.ndarray, w: np.ndarray, half: np.ndarray, col: int,
                    min_shift: float) -> bool:
    """Whether the mail of the smaller half (``half`` per tuple, 0 or 1) comes from other
    networks than the larger half's, counted over messages (weights ``w``)."""
    small = int(w[half == 1].sum() < w[half == 0].sum())
    counts = np.rint(w).astype(np.int64)
    mine = np.repeat(x[half == small, col], counts[half == small])
    rest = np.repeat(x[half != small, col], counts[half != small])
    return beyond(value_shift(mine, rest, int(x[:, col].max()) + 1), min_shift)


def _halves(x: np.ndarray, w: np.ndarray, cards: list[int], one: Fit, seeds: np.ndarray,
            rules: SplitRules) -> tuple[np.ndarray | None, float]:
    """Responsibilities of a two-class fit from ``seeds`` and its BIC gain over ``one``;
    None when the gain is not positive or the halves fail ``rules``."""
    two = em(x, w, hard_init(x, seeds), cards)
    gain = 2 * (two.loglik - one.loglik) - extra_parameters(x) * np.log(w.sum())
    half = two.resp.argmax(axis=1)
    if gain <= 0 or len(np.unique(half)) < 2:
        return None, gain
    thetas = [np.exp(t) for t in two.log_theta]
    apart = profile_distance([t[:, :1] for t in thetas], [t[:, 1:] for t in thetas])[0, 0]
    if apart < rules.tau or not _other_networks(x, w, half, rules.network_col,
                                                rules.min_shift):
        return None, gain
    return two.resp, gain


def split_class(x: np.ndarray, w: np.ndarray, cards: list[int], rules: SplitRules
                ) -> np.ndarray | None:
    """Two-class responsibilities for the tuples of one class, or None when no split
    pays: the tuple the class explains worst seeds one half, the heaviest tuple or the
    one most unlike it (weight × Hamming distance) the other; the better split is kept."""
    if len(x) < 2:
        return None
    one = em(x, w, np.ones((len(x), 1)), cards, iters=1)
    worst = misfit_tuple(x, w, one.log_theta)
    others = {int(np.argmax(w)), int(np.argmax(np.sqrt(w) * (x != x[worst]).sum(axis=1)))}
    best, best_gain = None, -np.inf
    for other in sorted(others - {worst}):
        resp, gain = _halves(x, w, cards, one, np.array([other, worst]), rules)
        if resp is not None and gain > best_gain:
            best, best_gain = resp, gain
    return best


def split_classes(x: np.ndarray, w: np.ndarray, labels: np.ndarray, cards: list[int],
                  rules: SplitRules) -> np.ndarray | None:
    """Responsibilities after every class (``labels`` per tuple) that pays for a split
    is split in two (``split_class``); None when none does."""
    cols, split = [], False
    for c in np.unique(labels):
        rows = np.flatnonzero(labels == c)
        halves = split_class(x[rows], w[rows], cards, rules)
        parts = np.ones((len(rows), 1)) if halves is None else halves
        split |= halves is not None
        for k in range(parts.shape[1]):
            col = np.zeros(len(x))
            col[rows] = parts[:, k]
            cols.append(col)
    return np.stack(cols, axis=1) if split else None


def discover(x: np.ndarray, w: np.ndarray, cards: list[int], *, max_classes: int,
             seed_cols: list[int], tau: float, rounds: int = 4, network_col: int = 3
             ) -> np.ndarray:
    """Class label per distinct tuple (rows of ``x``, weights ``w``: message counts);
    ``network_col`` is the column of the sender's network."""
    if len(x) == 0:
        return np.empty(0, dtype=np.int64)
    seeds = farthest_seeds(x[:, seed_cols], w, max_classes)
    fit = _merge(x, w, em(x, w, hard_init(x[:, seed_cols], seeds), cards), cards, tau, rounds)
    rules = SplitRules(tau, network_col)
    for _ in range(rounds):
        resp = split_classes(x, w, fit.resp.argmax(axis=1), cards, rules)
        if resp is None:
            break
        fit = _merge(x, w, em(x, w, resp, cards), cards, tau, rounds)
    return fit.resp.argmax(axis=1)


def cluster_stats(labels: np.ndarray, ip: np.ndarray, asn: np.ndarray,
                  server: np.ndarray) -> ClusterStats:
    """Messages, distinct IPs and ASNs, share of mail from mail servers, first row."""
    ok = np.flatnonzero(labels >= 0)
    n = int(labels.max()) + 1 if len(ok) else 0
    lab = labels[ok]
    messages = np.bincount(lab, minlength=n)
    counts = []
    for values in (ip[ok], asn[ok]):
        vid, nv = dense(values)
        pairs = np.unique(lab * max(nv, 1) + vid)
        counts.append(np.bincount(pairs // max(nv, 1), minlength=n))
    server_share = np.bincount(lab, weights=server[ok].astype(float), minlength=n) / \
        np.maximum(messages, 1)
    first_row = np.full(n, -1, dtype=np.int64)
    present, first = np.unique(lab, return_index=True)
    first_row[present] = ok[first]
    return ClusterStats(messages, counts[0], counts[1], server_share, first_row)


def botnet_like(stats: ClusterStats, min_ips: int, min_asns: int,
                max_server_share: float) -> np.ndarray:
    """Which clusters look like botnets: many IPs spread over many networks, not speaking
    SMTP like a mail server named as one (a webmail pool, a hosting range or hijacked
    servers fail; ``server`` per row comes from ``hostnames``)."""
    return ((stats.ips >= min_ips) & (stats.asns >= min_asns)
            & (stats.server_share <= max_server_share))
