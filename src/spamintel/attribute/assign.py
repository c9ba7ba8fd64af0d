"""Per-message attribution: signature first, then the sender cluster's name, then
propagation over shared IPs and partial templates; everything else is not a botnet."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from spamintel.attribute.naming import ClusterNames
from spamintel.attribute.propagate import propagate
from spamintel.attribute.signatures import Signature


@dataclass(frozen=True)
class Assignment:
    """Row-aligned botnet name (None = none), confidence (NaN = none) and method."""

    botnet: np.ndarray
    confidence: np.ndarray
    method: np.ndarray


def assign(labels: np.ndarray, sig_idx: np.ndarray, sigs: list[Signature],
           names: ClusterNames, key_sets: list[np.ndarray], eligible: np.ndarray, *,
           cluster_confidence: float, purity: float = 0.9, min_support: int = 5
           ) -> Assignment:
    """Combine signature matches, cluster names and propagation into one answer per row."""
    n = len(labels)
    vocab = sorted({s.family for s in sigs} | {v for v in names.names if v is not None})
    index = {name: i for i, name in enumerate(vocab)}
    by_name = np.full(n, -1, dtype=np.int64)
    conf = np.full(n, np.nan, dtype=np.float32)
    cl = np.flatnonzero(labels >= 0)
    cl_idx = np.array([index.get(v, -1) if v is not None else -1 for v in names.names]
                      + [-1], dtype=np.int64)
    by_name[cl] = cl_idx[labels[cl]]
    share = np.where(names.shares > 0, names.shares, 1.0)
    conf[cl] = cluster_confidence * share[labels[cl]]
    method = np.where(by_name >= 0, "cluster", "none").astype(object)
    hit = sig_idx >= 0
    if hit.any():
        sig_name = np.array([index[s.family] for s in sigs], dtype=np.int64)
        sig_conf = np.array([s.confidence for s in sigs], dtype=np.float32)
        by_name[hit], conf[hit], method[hit] = sig_name[sig_idx[hit]], sig_conf[sig_idx[hit]], \
            "signature"
    filled, rounds = propagate(key_sets, by_name, eligible, purity, min_support)
    moved = rounds > 0
    conf[moved] = cluster_confidence * purity
    method[moved] = "cluster"
    conf[filled < 0] = np.nan
    method[filled < 0] = "none"
    botnet = np.array(vocab + [None], dtype=object)[np.where(filled >= 0, filled, len(vocab))]
    return Assignment(botnet, conf, method)
