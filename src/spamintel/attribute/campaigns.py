"""Campaigns: near-duplicate spam grouped by MinHash-LSH over the body MinHash.

Every message's MinHash (``body_minhash``: rensa, word 3-shingles + URL domains) is cut
into ``bands`` bands of ``rows`` values; messages sharing any band bucket are linked, and
a campaign is a connected component of that graph. Work is linear in messages: one hash
per band and one sort, never a pairwise comparison. Messages without body shingles fall
back to one key made of their subject shape and URL domains.

A campaign's id is derived from its earliest member (by observed time, then sha256), so
re-running on a store that grew by more days keeps every existing id; when new mail
bridges two campaigns, the merged one keeps the older id.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from spamintel.attribute._graph import components

_MIX = np.uint64(0x9E3779B97F4A7C15)


def band_keys(minhash: pa.ChunkedArray | pa.Array, bands: int, rows: int
              ) -> tuple[np.ndarray, np.ndarray]:
    """(row index, band key) pairs for every message with a full MinHash."""
    arr = minhash.combine_chunks() if isinstance(minhash, pa.ChunkedArray) else minhash
    lengths = pc.fill_null(pc.list_value_length(arr), 0).to_numpy(zero_copy_only=False)
    width = bands * rows
    full = np.flatnonzero(lengths >= width)
    if len(full) == 0:
        return np.empty(0, np.int64), np.empty(0, np.uint64)
    taken = arr.take(pa.array(full))
    flat = pc.list_flatten(taken).to_numpy(zero_copy_only=False).astype(np.uint64)
    mat = flat.reshape(len(full), -1)[:, :width].reshape(len(full), bands, rows)
    keys = np.zeros((len(full), bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(rows):
            keys = keys * _MIX + mat[:, :, r] + np.uint64(1)
        keys = keys * _MIX + np.arange(bands, dtype=np.uint64)
    return np.repeat(full, bands).astype(np.int64), keys.reshape(-1)


def campaign_labels(table: pa.Table, eligible: np.ndarray, bands: int, rows: int
                    ) -> np.ndarray:
    """Component label per row of ``table`` (rows not ``eligible`` get -1).

    ``table`` needs ``body_minhash``, ``subject_shape`` and ``url_domains``.
    """
    n = table.num_rows
    rows_idx, keys = band_keys(table.column("body_minhash"), bands, rows)
    keep = eligible[rows_idx]
    rows_idx, keys = rows_idx[keep], keys[keep]
    has_bands = np.zeros(n, dtype=bool)
    has_bands[rows_idx] = True
    rest = np.flatnonzero(eligible & ~has_bands)
    if len(rest):
        sub = table.select(["subject_shape", "url_domains"]).take(pa.array(rest))
        fallback = _fallback_keys(sub)
        rows_idx = np.concatenate([rows_idx, rest])
        keys = np.concatenate([keys, fallback])
    labels = components(n, rows_idx, keys)
    labels[~eligible] = -1
    return labels


def _fallback_keys(sub: pa.Table) -> np.ndarray:
    subjects = sub.column("subject_shape").to_pylist()
    domains = sub.column("url_domains").to_pylist()
    out = np.empty(len(subjects), dtype=np.uint64)
    for i, (subj, doms) in enumerate(zip(subjects, domains, strict=True)):
        text = f"{subj or ''}|{','.join(sorted(doms or []))}"
        out[i] = int.from_bytes(hashlib.blake2b(text.encode("utf-8", "replace"),
                                                digest_size=8).digest(), "little")
    return out


def campaign_ids(labels: np.ndarray, sha256: np.ndarray) -> np.ndarray:
    """Stable ids (``c-`` + 12 hex of the earliest member's sha256); -1 labels → None.

    Rows must already be in time order (earliest first).
    """
    out = np.full(len(labels), None, dtype=object)
    ok = np.flatnonzero(labels >= 0)
    if len(ok) == 0:
        return out
    _, first, inverse = np.unique(labels[ok], return_index=True, return_inverse=True)
    shas = sha256[ok[first]]
    ids = np.array(["c-" + str(s)[:12] for s in shas], dtype=object)
    out[ok] = ids[inverse]
    return out
