"""Dense ids and connected components over shared keys: the linear-time grouping behind
campaigns and sender clusters (no pairwise comparison anywhere)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def dense(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Hash-encode ``values`` to ids 0..k-1 (first-seen order) and return (ids, k)."""
    if len(values) == 0:
        return np.empty(0, np.int64), 0
    enc = pa.array(values).dictionary_encode()
    return enc.indices.to_numpy().astype(np.int64), len(enc.dictionary)


def pair_ids(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, int]:
    """Dense ids of the (a, b) pairs, for non-negative integer arrays ``a`` and ``b``."""
    b_ids, nb = dense(b)
    return dense(a.astype(np.int64) * max(nb, 1) + b_ids)


def link_equal(rows: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edges chaining the rows that share a key (one sort; k rows give k-1 edges)."""
    order = np.argsort(keys, kind="stable")
    same = keys[order[1:]] == keys[order[:-1]]
    return rows[order[:-1][same]], rows[order[1:][same]]


def components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected-component label of each of ``n`` nodes given edges ``a[i]``–``b[i]``."""
    if len(a) == 0:
        return np.arange(n, dtype=np.int64)
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a.astype(np.int64),
                                                         b.astype(np.int64))), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels.astype(np.int64)
