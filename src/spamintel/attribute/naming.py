"""Naming sender clusters: after the signature family most of their messages match, else
``unknown-<n>`` when they look like a botnet, else nothing (not a botnet)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from spamintel.attribute.discovery import ClusterStats
from spamintel.attribute.signatures import Signature


@dataclass(frozen=True)
class ClusterNames:
    """Per cluster label: id, botnet name (or None), signature, signature share."""

    ids: np.ndarray
    names: np.ndarray
    signatures: np.ndarray
    shares: np.ndarray

    @property
    def reported(self) -> int:
        """Number of clusters reported as botnets."""
        return int(sum(n is not None for n in self.names))


def _top_signature(labels: np.ndarray, sig_idx: np.ndarray, n: int
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Most frequent signature index per cluster (-1 if none) and its message count."""
    top = np.full(n, -1, dtype=np.int64)
    count = np.zeros(n, dtype=np.int64)
    hit = (labels >= 0) & (sig_idx >= 0)
    if not hit.any():
        return top, count
    pairs, counts = np.unique(np.stack([labels[hit], sig_idx[hit]], axis=1), axis=0,
                              return_counts=True)
    order = np.lexsort((-counts, pairs[:, 0]))
    pairs, counts = pairs[order], counts[order]
    first = np.unique(pairs[:, 0], return_index=True)[1]
    top[pairs[first, 0]] = pairs[first, 1]
    count[pairs[first, 0]] = counts[first]
    return top, count


def name_clusters(labels: np.ndarray, sig_idx: np.ndarray, sigs: list[Signature],
                  stats: ClusterStats, sha: np.ndarray, botlike: np.ndarray,
                  min_share: float) -> ClusterNames:
    """Name every cluster; ``unknown-<n>`` numbers follow first appearance in time."""
    n = len(stats.messages)
    family_idx = _family_index(sig_idx, sigs)
    fam_top, fam_count = _top_signature(labels, family_idx, n)
    own = (labels >= 0) & (family_idx >= 0) & (family_idx == fam_top[np.maximum(labels, 0)])
    sig_top, _ = _top_signature(labels, np.where(own, sig_idx, -1), n)
    share = fam_count / np.maximum(stats.messages, 1)
    families = sorted({s.family for s in sigs})
    names = np.full(n, None, dtype=object)
    signatures = np.full(n, None, dtype=object)
    named = (fam_top >= 0) & (share >= min_share)
    for c in np.flatnonzero(named):
        names[c] = families[fam_top[c]]
        signatures[c] = sigs[sig_top[c]].name if sig_top[c] >= 0 else None
    unknown = np.flatnonzero(botlike & ~named)
    for k, c in enumerate(unknown[np.argsort(stats.first_row[unknown], kind="stable")], 1):
        names[c] = f"unknown-{k}"
    ids = np.array([f"k-{str(sha[r])[:12]}" if r >= 0 else None for r in stats.first_row],
                   dtype=object)
    return ClusterNames(ids, names, signatures, np.where(named, share, 0.0))


def _family_index(sig_idx: np.ndarray, sigs: list[Signature]) -> np.ndarray:
    families = sorted({s.family for s in sigs})
    lookup = np.array([families.index(s.family) for s in sigs] + [-1], dtype=np.int64)
    return lookup[np.where(sig_idx >= 0, sig_idx, len(sigs))]
