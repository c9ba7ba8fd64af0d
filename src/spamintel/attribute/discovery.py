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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse.csgraph import connected_components

from spamintel.attribute._graph import dense
from spamintel.attribute.mixture import em, farthest_seeds, hard_init

RARE_TEMPLATE = 0.02


@dataclass(frozen=True)
class ClusterStats:
    """Per-cluster figures, indexed by cluster label (0..n-1)."""

    messages: np.ndarray
    ips: np.ndarray
    asns: np.ndarray
    prefixes: np.ndarray
    server_share: np.ndarray
    first_row: np.ndarray
    rare_template_share: np.ndarray


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


def discover(x: np.ndarray, w: np.ndarray, cards: list[int], *, max_classes: int,
             seed_cols: list[int], tau: float, rounds: int = 4) -> np.ndarray:
    """Class label per distinct tuple (rows of ``x``, weights ``w``)."""
    if len(x) == 0:
        return np.empty(0, dtype=np.int64)
    seeds = farthest_seeds(x[:, seed_cols], w, max_classes)
    fit = em(x, w, hard_init(x[:, seed_cols], seeds), cards)
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
    return fit.resp.argmax(axis=1)


def cluster_stats(labels: np.ndarray, ip: np.ndarray, asn: np.ndarray, prefix: np.ndarray,
                  server: np.ndarray, template: np.ndarray) -> ClusterStats:
    """Messages, distinct IPs, ASNs and address prefixes, share of mail from mail servers,
    first row, and share of mail on header templates that each carry under
    ``RARE_TEMPLATE`` of the cluster's mail."""
    ok = np.flatnonzero(labels >= 0)
    n = int(labels.max()) + 1 if len(ok) else 0
    lab = labels[ok]
    messages = np.bincount(lab, minlength=n)
    counts = []
    for values in (ip[ok], asn[ok], prefix[ok]):
        vid, nv = dense(values)
        pairs = np.unique(lab * max(nv, 1) + vid)
        counts.append(np.bincount(pairs // max(nv, 1), minlength=n))
    server_share = np.bincount(lab, weights=server[ok].astype(float), minlength=n) / \
        np.maximum(messages, 1)
    first_row = np.full(n, -1, dtype=np.int64)
    present, first = np.unique(lab, return_index=True)
    first_row[present] = ok[first]
    return ClusterStats(messages, counts[0], counts[1], counts[2], server_share, first_row,
                        _rare_share(lab, template[ok], messages))


def _rare_share(lab: np.ndarray, template: np.ndarray, messages: np.ndarray) -> np.ndarray:
    """Per cluster, the share of its mail on templates each under ``RARE_TEMPLATE`` of it."""
    vid, nv = dense(template)
    pairs, per_pair = np.unique(lab * max(nv, 1) + vid, return_counts=True)
    owner = pairs // max(nv, 1)
    rare = per_pair < RARE_TEMPLATE * messages[owner]
    share = np.bincount(owner[rare], weights=per_pair[rare], minlength=len(messages))
    return share / np.maximum(messages, 1)


def botnet_like(stats: ClusterStats, min_ips: int, min_asns: int, min_prefixes: int,
                max_server_share: float, max_rare_template_share: float) -> np.ndarray:
    """Which clusters look like botnets: many IPs spread over many networks (at least
    ``min_asns`` ASNs, or at least ``min_prefixes`` address prefixes: the bots of a country
    whose home lines are mostly one or two incumbents' sit in few ASNs but all over their
    address space, where a hosting range or a provider's mail pool fills a few), not speaking
    SMTP like a mail server named as one (a webmail pool, a hosting range or hijacked
    servers fail; ``server`` per row comes from ``hostnames``), and not a catch-all: a
    botnet's spamming program writes its mail from a few header templates, so a cluster
    with more than ``max_rare_template_share`` of its mail on templates that each carry
    under ``RARE_TEMPLATE`` of it gathers many senders' leftovers."""
    spread = (stats.asns >= min_asns) | (stats.prefixes >= min_prefixes)
    return ((stats.ips >= min_ips) & spread
            & (stats.server_share <= max_server_share)
            & (stats.rare_template_share <= max_rare_template_share))
