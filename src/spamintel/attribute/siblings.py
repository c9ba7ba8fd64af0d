"""Classes of one botnet that discovery kept apart.

Discovery joins classes that differ in one trait group. A botnet whose bots speak two
SMTP dialects, and whose Message-ID host follows the HELO, differs between its two
dialects in two groups (dialect and header), so it is found as two classes; yet the two
send on the same days from the same bots' networks. The bots of different botnets sit
in different networks: between any two botnets of the simulated worlds the networks of
their senders are at least 0.19 apart in total variation distance, ten times what
chance gives, while the two classes of one botnet are within twice what chance gives.

Two botnet-like classes are joined when the networks of their senders (counted once per
sender IP) are within twice what chance gives two samples of their sizes from one mix
(``_shift.within``, widened for the larger sample's own noise) and within ``max_tv``,
and the smaller class sends at least ``min_overlap`` of its mail on days the larger one
sends too (a botnet that replaces
another is a continuation or a new botnet, see ``onset``, not a sibling). Classes that
different families' signatures name are never joined, nor a named class to an unnamed
one (a name must not be diluted). Work: one pass per class, then a test per pair of
classes over their networks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from spamintel.attribute._shift import value_shift, within


@dataclass(frozen=True)
class SiblingRules:
    """When two classes are one botnet's (see module doc)."""

    max_tv: float = 0.15
    min_overlap: float = 0.8


@dataclass(frozen=True)
class _Class:
    """One class's rows, its senders' networks (one per IP) and its mail per day."""

    rows: np.ndarray
    networks: np.ndarray
    per_day: np.ndarray


def _describe(rows: np.ndarray, ip: np.ndarray, has_ip: np.ndarray, network: np.ndarray,
              day: np.ndarray, span: int) -> _Class:
    sent = rows[has_ip[rows]]
    first = sent[np.unique(ip[sent], return_index=True)[1]]
    return _Class(rows, network[first], np.bincount(day[rows], minlength=span))


def _siblings(a: _Class, b: _Class, k: int, rules: SiblingRules) -> bool:
    small, big = (a, b) if len(a.rows) <= len(b.rows) else (b, a)
    if len(small.networks) == 0 or len(big.networks) == 0:
        return False
    if small.per_day[big.per_day > 0].sum() < rules.min_overlap * len(small.rows):
        return False
    tv, chance = value_shift(small.networks, big.networks, k)
    both = chance * np.sqrt(1.0 + len(small.networks) / len(big.networks))
    return within((tv, both)) and tv <= rules.max_tv


def join_siblings(labels: np.ndarray, candidates: np.ndarray, family: np.ndarray,
                  ip: np.ndarray, has_ip: np.ndarray, network: np.ndarray, day: np.ndarray,
                  rules: SiblingRules | None = None) -> np.ndarray:
    """Labels after sibling classes (see module doc) are joined, each group taking its
    largest class's label. ``candidates``: mask over classes that may be joined (the
    botnet-like ones); ``family``: per class the family whose signatures name it, -1
    for none; ``network``: a non-negative network id per row."""
    rules = rules or SiblingRules()
    classes = np.flatnonzero(candidates)
    if len(classes) < 2:
        return labels
    k = int(network.max()) + 1
    day = day - int(day.min())
    info = {int(c): _describe(np.flatnonzero(labels == c), ip, has_ip, network, day,
                              int(day.max()) + 1) for c in classes}
    a_idx, b_idx = [], []
    for i, a in enumerate(classes):
        for j in range(i + 1, len(classes)):
            b = classes[j]
            if family[a] == family[b] and _siblings(info[int(a)], info[int(b)], k, rules):
                a_idx.append(i)
                b_idx.append(j)
    if not a_idx:
        return labels
    graph = coo_matrix((np.ones(len(a_idx)), (a_idx, b_idx)), shape=(len(classes),) * 2)
    group = connected_components(graph, directed=False)[1]
    out = labels.copy()
    for g in np.unique(group):
        members = classes[group == g]
        keep = members[np.argmax([len(info[int(c)].rows) for c in members])]
        out[np.isin(labels, members)] = keep
    return out
