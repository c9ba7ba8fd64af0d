"""Connected components over shared keys: the linear-time grouping behind campaigns and
sender clusters (no pairwise comparison anywhere)."""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def components(n_rows: int, rows: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Label ``n_rows`` items so that items sharing any key end in one component.

    ``rows[i]`` and ``keys[i]`` form one (item, key) link; keys are arbitrary integers.
    Returns a component label per item (items without links are alone).
    """
    if len(rows) == 0:
        return np.arange(n_rows, dtype=np.int64)
    _, key_ids = np.unique(keys, return_inverse=True)
    n_keys = int(key_ids.max()) + 1
    size = n_rows + n_keys
    graph = coo_matrix((np.ones(len(rows), dtype=np.int8),
                        (rows.astype(np.int64), key_ids.astype(np.int64) + n_rows)),
                       shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    return labels[:n_rows].astype(np.int64)

