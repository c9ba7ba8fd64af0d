"""Discovery: sender clusters found without labels (after BotMagnifier, Stringhini et al.
2011), the layer that names botnets no signature knows.

Each message has a *template*: the hash of what the sending software writes the same way
every time (SMTP dialect, header order, Message-ID and Date shapes, ...; the columns are
chosen by the caller). Templates are the nodes; two templates are linked when at least
``min_shared_ips`` client IPs sent both, i.e. the same bots speak both. A cluster is a
connected component of that graph. Guards against giant components: an IP that sent more
than ``max_templates_per_ip`` templates (a NAT, a relay, a webmail pool) links nothing,
and one accidental IP shared by two families is not enough to join them.

A cluster is *botnet-like* when it holds at least ``min_botnet_ips`` distinct client IPs
and each IP sends few messages a day (bots), unlike a relay or webmail pool (a handful of
IPs sending thousands) or a single misconfigured server.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from spamintel.attribute._graph import components


@dataclass(frozen=True)
class ClusterStats:
    """Per-cluster figures, indexed by cluster label (0..n-1)."""

    messages: np.ndarray
    ips: np.ndarray
    ip_days: np.ndarray
    first_row: np.ndarray

    @property
    def msgs_per_ip_day(self) -> np.ndarray:
        """Average messages per (IP, active day) in each cluster."""
        return self.messages / np.maximum(self.ip_days, 1)


def template_links(ip: np.ndarray, tmpl: np.ndarray, max_templates_per_ip: int,
                   min_shared_ips: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of templates (as indices into ``np.unique(tmpl)``) that enough IPs share."""
    pairs = np.unique(np.stack([ip, tmpl], axis=1), axis=0)
    ips, start, count = np.unique(pairs[:, 0], return_index=True, return_counts=True)
    multi = (count >= 2) & (count <= max_templates_per_ip)
    tkeys = np.unique(tmpl)
    left: list[np.ndarray] = []
    right: list[np.ndarray] = []
    for k in range(2, max_templates_per_ip + 1):
        sel = multi & (count == k)
        if not sel.any():
            continue
        block = np.searchsorted(tkeys, pairs[start[sel, None] + np.arange(k)[None, :], 1])
        a, b = np.triu_indices(k, 1)
        left.append(block[:, a].reshape(-1))
        right.append(block[:, b].reshape(-1))
    if not left:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    edges = np.stack([np.concatenate(left), np.concatenate(right)], axis=1)
    uniq, support = np.unique(edges, axis=0, return_counts=True)
    strong = uniq[support >= min_shared_ips]
    return strong[:, 0], strong[:, 1]


def sender_clusters(ip: np.ndarray, tmpl: np.ndarray, eligible: np.ndarray, *,
                    max_templates_per_ip: int, min_shared_ips: int) -> np.ndarray:
    """Cluster label per row (-1 where not ``eligible``); labels are dense from 0."""
    labels = np.full(len(tmpl), -1, dtype=np.int64)
    rows = np.flatnonzero(eligible)
    if len(rows) == 0:
        return labels
    tkeys, tidx = np.unique(tmpl[rows], return_inverse=True)
    a, b = template_links(ip[rows], tmpl[rows], max_templates_per_ip, min_shared_ips)
    comp = components(len(tkeys), np.concatenate([a, b]),
                      np.concatenate([np.arange(len(a)), np.arange(len(a))]))
    _, dense = np.unique(comp, return_inverse=True)
    labels[rows] = dense[tidx]
    return labels


def cluster_stats(labels: np.ndarray, ip: np.ndarray, day: np.ndarray) -> ClusterStats:
    """Messages, distinct IPs, distinct (IP, day) pairs and first row of each cluster."""
    ok = np.flatnonzero(labels >= 0)
    n = int(labels.max()) + 1 if len(ok) else 0
    lab = labels[ok]
    messages = np.bincount(lab, minlength=n)
    ip_pairs = np.unique(np.stack([lab, ip[ok]], axis=1), axis=0)
    ips = np.bincount(ip_pairs[:, 0], minlength=n)
    day_pairs = np.unique(np.stack([lab, ip[ok], day[ok]], axis=1), axis=0)
    ip_days = np.bincount(day_pairs[:, 0], minlength=n)
    first_row = np.full(n, -1, dtype=np.int64)
    _, first = np.unique(lab, return_index=True)
    first_row[np.unique(lab)] = ok[first]
    return ClusterStats(messages, ips, ip_days, first_row)


def botnet_like(stats: ClusterStats, min_ips: int, max_msgs_per_ip_day: float) -> np.ndarray:
    """Which clusters look like botnets: many IPs, each sending little."""
    return (stats.ips >= min_ips) & (stats.msgs_per_ip_day <= max_msgs_per_ip_day)
