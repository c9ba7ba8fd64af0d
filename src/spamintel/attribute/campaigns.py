"""Campaigns: near-duplicate spam (MinHash-LSH) split by the domain pools it advertises.

Every message's MinHash (``body_minhash``: rensa, word 3-shingles + URL domains) is cut
into ``bands`` bands of ``rows`` values; messages sharing any band bucket are linked, and
a content group is a connected component of that graph. Work is linear in messages: one
hash per band and one sort, never an all-pairs comparison. For campaigns, a link must
also be confirmed by the whole digests: a band bucket shared by chance (12 bands of 5
rows link a pair at Jaccard 0.3 with probability 0.03, and a store holds millions of such
pairs) would otherwise chain unrelated templates into one group, so the two messages a
link joins must agree on at least ``min_jaccard`` of their values. Each message is
compared with up to ``_REACH`` earlier messages of each of its buckets, each pair once.
Sender features keep the unconfirmed groups: there a broad template family is the point.
Messages without body shingles fall back to one key made of their subject shape and URL
domains. Content groups are formed over all mail, so spam the classifier let through
joins the group of its near-duplicates; a message takes part in campaigns when it was
classified spam, or when at least ``min_spam_share`` of its content group was.

Near-duplicate text alone over-merges: spammers reuse one content template for several
campaigns, each advertising its own rotating pool of domains. A campaign is therefore
content AND infrastructure: the messages of one content group whose domains fall in one
pool (``domain_pools``; a pool may span the alternative letters of one template,
``families``). A message without a pool domain (no URL, or only a shortener)
joins the pool most common among the mail of its content group sent by the same sender
population on the same day; failing that, the rest of its content group, cut where the
group falls silent for more than ``max_gap_days`` days.

A campaign's id is derived from its earliest member (by observed time, then sha256), so
re-running on a store that grew by more days keeps every existing id; when new mail
bridges two campaigns, the merged one keeps the older id.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from spamintel.attribute._graph import components, link_equal, pair_ids
from spamintel.attribute.domain_pools import (
    PoolRules,
    domain_entries,
    persistent_domains,
    pool_labels,
)
from spamintel.attribute.families import FamilyRules, template_families

_MIX = np.uint64(0x9E3779B97F4A7C15)
_PAIRS_PER_STEP = 1 << 16  # bounds the memory of the pairwise digest comparison
_REACH = 3  # earlier members of a band bucket a message is compared with


def digest_rows(minhash: pa.ChunkedArray | pa.Array, width: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """Row indices of the messages whose MinHash holds at least ``width`` values, and
    those first ``width`` values (one row each)."""
    arr = minhash.combine_chunks() if isinstance(minhash, pa.ChunkedArray) else minhash
    lengths = pc.fill_null(pc.list_value_length(arr), 0).to_numpy(zero_copy_only=False)
    full = np.flatnonzero(lengths >= width)
    if len(full) == 0:
        return full.astype(np.int64), np.empty((0, width), np.uint64)
    if len(full) < len(arr) or np.any(lengths[full] != lengths[full[0]]):
        arr = arr.take(pa.array(full))
        lengths = lengths[full]
    flat = pc.list_flatten(arr).to_numpy(zero_copy_only=False)
    mat = flat.reshape(len(full), int(lengths[0]))[:, :width]
    return full.astype(np.int64), np.ascontiguousarray(mat)


def _keys(mat: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One 64-bit key per band of each digest row."""
    cube = mat.astype(np.uint64).reshape(len(mat), bands, rows)
    keys = np.zeros((len(mat), bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(rows):
            keys = keys * _MIX + cube[:, :, r] + np.uint64(1)
    return keys


def _agreement(mat: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Share of equal digest values of each pair (a[i], b[i]): their estimated Jaccard."""
    out = np.empty(len(a))
    for start in range(0, len(a), _PAIRS_PER_STEP):
        stop = start + _PAIRS_PER_STEP
        out[start:stop] = (mat[a[start:stop]] == mat[b[start:stop]]).mean(axis=1)
    return out


def _bucket_pairs(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of rows sharing ``key``: each row with the ``_REACH`` rows before it in its
    bucket (a stray member of a bucket then does not cut the chain of the others)."""
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    a_parts, b_parts = [], []
    for step in range(1, _REACH + 1):
        same = np.flatnonzero(sorted_key[step:] == sorted_key[:-step])
        a_parts.append(order[same])
        b_parts.append(order[same + step])
    return np.concatenate(a_parts), np.concatenate(b_parts)


def _confirmed_links(mat: np.ndarray, keys: np.ndarray, min_jaccard: float
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of rows sharing a band key (``_bucket_pairs``) whose digests agree on at least
    ``min_jaccard`` of their values; a pair found in several bands is compared once."""
    pairs = [_bucket_pairs(keys[:, band]) for band in range(keys.shape[1])]
    a = np.concatenate([p[0] for p in pairs])
    b = np.concatenate([p[1] for p in pairs])
    n = np.int64(len(mat))
    code = np.sort(np.minimum(a, b) * n + np.maximum(a, b))
    first = np.ones(len(code), dtype=bool)
    first[1:] = code[1:] != code[:-1]
    code = code[first]
    a, b = code // n, code % n
    ok = _agreement(mat, a, b) >= min_jaccard
    return a[ok], b[ok]


def content_groups(table: pa.Table, eligible: np.ndarray, bands: int, rows: int,
                   min_jaccard: float = 0.0) -> np.ndarray:
    """Component label per row of ``table`` (rows not ``eligible`` get -1).

    ``table`` needs ``body_minhash``, ``subject_shape`` and ``url_domains``. With
    ``min_jaccard`` above 0, a band collision links two messages only when their whole
    digests agree on at least that share of values.
    """
    n = table.num_rows
    full, mat = digest_rows(table.column("body_minhash"), bands * rows)
    keep = eligible[full]
    full, mat = full[keep], mat[keep]
    keys = _keys(mat, bands, rows)
    if min_jaccard > 0:
        a, b = _confirmed_links(mat, keys, min_jaccard)
        edges = [(full[a], full[b])]
    else:
        edges = [link_equal(full, keys[:, band]) for band in range(bands)]
    rest = np.setdiff1d(np.flatnonzero(eligible), full, assume_unique=True)
    if len(rest):
        sub = table.select(["subject_shape", "url_domains"]).take(pa.array(rest))
        edges.append(link_equal(rest, _fallback_keys(sub)))
    a = np.concatenate([e[0] for e in edges]) if edges else np.empty(0, np.int64)
    b = np.concatenate([e[1] for e in edges]) if edges else np.empty(0, np.int64)
    labels = components(n, a, b)
    labels[~eligible] = -1
    return labels


def campaign_content(table: pa.Table, spam: np.ndarray, bands: int, rows: int,
                     min_spam_share: float, min_jaccard: float = 0.0) -> np.ndarray:
    """Content group per row for campaigns (-1: not campaign mail, see the module doc)."""
    groups = content_groups(table, np.ones(table.num_rows, dtype=bool), bands, rows,
                            min_jaccard)
    if len(groups) == 0:
        return groups
    share = np.bincount(groups, weights=spam.astype(float)) / np.bincount(groups)
    return np.where(spam | (share[groups] >= min_spam_share), groups, -1)


def _majority(cell: np.ndarray, label: np.ndarray, n_cells: int) -> np.ndarray:
    """Per cell, its most common label (ties: the smaller label); -1 for empty cells."""
    best = np.full(n_cells, -1, dtype=np.int64)
    if len(cell) == 0:
        return best
    pairs, counts = np.unique(np.stack([cell, label], axis=1), axis=0, return_counts=True)
    order = np.lexsort((pairs[:, 1], -counts, pairs[:, 0]))
    pairs = pairs[order]
    first = np.unique(pairs[:, 0], return_index=True)[1]
    best[pairs[first, 0]] = pairs[first, 1]
    return best


def _sessions(group: np.ndarray, day: np.ndarray, max_gap: int) -> np.ndarray:
    """Per row, (group, session) id: a group's rows cut where it is silent > ``max_gap`` days."""
    order = np.lexsort((day, group))
    g, d = group[order], day[order]
    new = np.ones(len(g), dtype=bool)
    new[1:] = (g[1:] != g[:-1]) | (d[1:] - d[:-1] > max_gap)
    out = np.empty(len(g), dtype=np.int64)
    out[order] = np.cumsum(new) - 1
    return out


def split_campaigns(content: np.ndarray, domains: pa.ChunkedArray | pa.Array,
                    day: np.ndarray, sender: np.ndarray, rules: PoolRules | None = None,
                    max_gap_days: int = 7,
                    subjects: pa.ChunkedArray | pa.Array | None = None) -> np.ndarray:
    """Campaign label per row: content groups (-1 = none), gathered into template
    families (``families``, from the domains and the ``subjects``), split as the module
    doc says.

    ``day`` is an integer day per row; ``sender`` an integer sender population per row
    (-1 = unknown), such as the botnet and sender cluster of the message.
    """
    rules = rules or PoolRules()
    content = _families(content, domains, subjects, day, rules)
    labels = pool_labels(content, domains, day, sender, rules)
    ok = np.flatnonzero(content >= 0)
    cell, n_cells = pair_ids(content[ok], pair_ids(day[ok], sender[ok] + 1)[0])
    pooled = labels[ok] >= 0
    best = _majority(cell[pooled], labels[ok][pooled], n_cells)
    rest = ok[~pooled]
    labels[rest] = best[cell[~pooled]]
    left = rest[labels[rest] < 0]
    base = int(labels.max()) + 1 if len(labels) else 0
    labels[left] = base + _sessions(content[left], day[left], max_gap_days)
    return labels


def _families(content: np.ndarray, domains: pa.ChunkedArray | pa.Array,
              subjects: pa.ChunkedArray | pa.Array | None, day: np.ndarray,
              rules: PoolRules) -> np.ndarray:
    """``content`` with each content group replaced by its template family; the marks
    are the advertised domains (those live on most days of their span left out) and the
    subject lines (case and spacing ignored). Unchanged when ``family_links`` is 0."""
    ok = content >= 0
    if rules.family_links <= 0 or not ok.any():
        return content
    rows, dom = domain_entries(content, domains)
    excluded = persistent_domains(rows, dom, day, rules) if len(dom) else np.zeros(0, bool)
    if subjects is not None:
        s_rows, s_ids = _subject_entries(subjects, ok)
        rows = np.concatenate([rows, s_rows])
        dom = np.concatenate([dom, s_ids + len(excluded)])
        excluded = np.concatenate([excluded, np.zeros(int(s_ids.max(initial=-1)) + 1, bool)])
    if len(dom) == 0:
        return content
    family = template_families(content[rows], dom, day[rows], excluded, int(content.max()) + 1,
                               FamilyRules(share=rules.group_share, min_links=rules.family_links))
    return np.where(ok, family[np.maximum(content, 0)], -1)


def _subject_entries(subjects: pa.ChunkedArray | pa.Array, ok: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    """(row, subject id) for the rows in ``ok`` with a non-empty subject line, the lines
    lower-cased with runs of white space made one space."""
    norm = pc.utf8_trim_whitespace(pc.replace_substring_regex(
        pc.utf8_lower(subjects), r"\s+", " "))
    valid = pc.fill_null(pc.not_equal(norm, ""), False).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(valid & ok)
    taken = norm.take(pa.array(rows, pa.int64()))
    if isinstance(taken, pa.ChunkedArray):
        taken = taken.combine_chunks()
    return rows, taken.dictionary_encode().indices.to_numpy().astype(np.int64)


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
