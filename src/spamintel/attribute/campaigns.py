"""Campaigns: near-duplicate spam grouped by MinHash-LSH over the body MinHash.

Every message's MinHash (``body_minhash``: rensa, word 3-shingles + URL domains) is cut
into ``bands`` bands of ``rows`` values; messages sharing any band bucket are linked, and
a campaign is a connected component of that graph. Work is linear in messages: one hash
per band and one sort, never a pairwise comparison. Messages without body shingles fall
back to one key made of their subject shape and URL domains.

Near-duplicate text alone over-merges: spammers reuse one content template for several
campaigns, each advertising its own rotating set of domains and pushed by its own
botnet. A content group is therefore split into campaigns: messages stay together when
they share a registered domain, or when the same botnet sent them on the same day
(mail attributed to no botnet is linked by domains only)
(domains that appear in more than ``max_groups_per_domain`` content groups, such as URL
shorteners or big sites, link nothing).

A campaign's id is derived from its earliest member (by observed time, then sha256), so
re-running on a store that grew by more days keeps every existing id; when new mail
bridges two campaigns, the merged one keeps the older id.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from spamintel.attribute._graph import components, dense, link_equal, pair_ids

_MIX = np.uint64(0x9E3779B97F4A7C15)


def band_keys(minhash: pa.ChunkedArray | pa.Array, bands: int, rows: int
              ) -> tuple[np.ndarray, np.ndarray]:
    """Row indices of the messages with a full MinHash and their (rows, bands) band keys."""
    arr = minhash.combine_chunks() if isinstance(minhash, pa.ChunkedArray) else minhash
    lengths = pc.fill_null(pc.list_value_length(arr), 0).to_numpy(zero_copy_only=False)
    width = bands * rows
    full = np.flatnonzero(lengths >= width)
    if len(full) == 0:
        return full.astype(np.int64), np.empty((0, bands), np.uint64)
    if len(full) < len(arr) or np.any(lengths[full] != lengths[full[0]]):
        arr = arr.take(pa.array(full))
        lengths = lengths[full]
    flat = pc.list_flatten(arr).to_numpy(zero_copy_only=False)
    mat = flat.reshape(len(full), int(lengths[0]))[:, :width].astype(np.uint64)
    mat = mat.reshape(len(full), bands, rows)
    keys = np.zeros((len(full), bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(rows):
            keys = keys * _MIX + mat[:, :, r] + np.uint64(1)
    return full.astype(np.int64), keys


def content_groups(table: pa.Table, eligible: np.ndarray, bands: int, rows: int
                   ) -> np.ndarray:
    """Component label per row of ``table`` (rows not ``eligible`` get -1).

    ``table`` needs ``body_minhash``, ``subject_shape`` and ``url_domains``.
    """
    n = table.num_rows
    full, keys = band_keys(table.column("body_minhash"), bands, rows)
    keep = eligible[full]
    full, keys = full[keep], keys[keep]
    edges = [link_equal(full, keys[:, b]) for b in range(keys.shape[1])]
    rest = np.setdiff1d(np.flatnonzero(eligible), full, assume_unique=True)
    if len(rest):
        sub = table.select(["subject_shape", "url_domains"]).take(pa.array(rest))
        edges.append(link_equal(rest, _fallback_keys(sub)))
    a = np.concatenate([e[0] for e in edges]) if edges else np.empty(0, np.int64)
    b = np.concatenate([e[1] for e in edges]) if edges else np.empty(0, np.int64)
    labels = components(n, a, b)
    labels[~eligible] = -1
    return labels


def _domain_pairs(domains: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    arr = domains.combine_chunks() if isinstance(domains, pa.ChunkedArray) else domains
    rows = pc.list_parent_indices(arr).to_numpy(zero_copy_only=False).astype(np.int64)
    flat = pc.list_flatten(arr)
    ok = pc.is_valid(flat).to_numpy(zero_copy_only=False)
    ids, _ = dense(np.asarray(flat.to_pylist(), dtype=object)[ok]) if ok.any() else (
        np.empty(0, np.int64), 0)
    return rows[ok], ids


def split_campaigns(content: np.ndarray, domains: pa.ChunkedArray | pa.Array,
                    day: np.ndarray, sender: np.ndarray, max_groups_per_domain: int = 3
                    ) -> np.ndarray:
    """Campaign label per row: content groups (-1 = none) split as the module doc says.

    ``sender`` is an integer per row naming who sent it (botnet index, -1 = none).
    """
    rows, dom = _domain_pairs(domains)
    keep = content[rows] >= 0
    rows, dom = rows[keep], dom[keep]
    pair, _ = pair_ids(content[rows], dom)
    first = np.unique(pair, return_index=True)[1]
    groups_per_dom = np.bincount(dom[first], minlength=int(dom.max()) + 1 if len(dom) else 0)
    generic = groups_per_dom[dom] > max_groups_per_domain
    a1, b1 = link_equal(rows[~generic], pair[~generic])
    ok = np.flatnonzero((content >= 0) & (sender >= 0))
    day_sender, _ = pair_ids(day[ok], sender[ok])
    a2, b2 = link_equal(ok, pair_ids(content[ok], day_sender)[0])
    labels = components(len(content), np.concatenate([a1, a2]), np.concatenate([b1, b2]))
    labels[content < 0] = -1
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
