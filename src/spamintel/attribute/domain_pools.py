"""Domain pools: which advertised domains belong to one campaign.

A campaign rotates its own pool of registered domains: a few are live each day, and new
ones replace them as they get blocked. Spam usually carries a single URL, so two domains
of one pool rarely meet in one message; they meet in time instead. Two domains are put in
one pool when, inside one content group and sent by the same sender population on the
same day, or on consecutive days at the introduction of one of them (a pool may hand
over from one domain to the next at midnight, so that two of its domains never share a
day):

- they carry the same volume (a campaign spreads its mail evenly over its live domains;
  an equal-rate Poisson test, or daily volumes within ``rate_ratio`` of each other, over
  all cells of the first ``first_days`` days where the two meet, so later mail does not
  undo a link),
- they were introduced together: their first days lie at most ``gap_days`` active days
  of that content group and sender apart (a second campaign on the same template that
  starts later brings domains of its own, which never link to the older rotation), and
- the same senders push them (a chi-square test of their sender mix, or a total
  variation distance of at most ``sender_tv``).

Two domains also join when one message carries both. Candidate pairs come from sorting
the domains of each (content group, day, sender) cell by daily volume and pairing each
with its next ``neighbours``; for the handover, the same is done on each domain's first
two days in cells of two days, cut at both offsets so that any two consecutive days
share one, and a domain's volume there is its mail per day it was live. Only at the
introduction: two campaigns of one sender and template whose domains take turns day by
day would otherwise pass the volume test on mail far from their start. The work grows
with the number of (domain, day, sender) cells, never with pairs of messages. Generic
domains (URL shorteners, big sites) link nothing: a domain is generic when it holds a
real share of its mail in several content groups, or spreads it thinly over many on a
week or more of days (a page-layout host such as w3.org, named in the markup of
thousands of unrelated messages; a campaign's domain spreads that way too when its text
varies too much for content groups, but only for the few days before it is burned), or
when it is live on most days of its span (campaign domains are burned within days).
For campaigns the content groups are template families (``families``): a template's
alternative letters, each a content group of its own, advertise one pool, so their
domains are neither generic nor split among the letters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import csr_matrix
from scipy.stats import chi2

from spamintel.attribute._graph import components, dense, link_equal, pair_ids

_DAY_BITS = 1 << 24


@dataclass(frozen=True)
class PoolRules:
    """Thresholds of the pool tests (see the module docstring)."""

    max_shared_groups: int = 2
    group_share: float = 0.05
    persistent_days: int = 7
    persistent_share: float = 0.5
    gap_days: int = 5
    z: float = 3.0
    rate_ratio: float = 0.75
    min_evidence: int = 10
    sender_p: float = 1e-3
    sender_tv: float = 0.2
    fragment_share: float = 0.05
    neighbours: int = 2
    first_days: int = 3
    family_links: int = 3


def domain_entries(content: np.ndarray, domains: pa.ChunkedArray | pa.Array
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(row, domain id) for every advertised domain of a row with a content group."""
    arr = domains.combine_chunks() if isinstance(domains, pa.ChunkedArray) else domains
    rows = pc.list_parent_indices(arr).to_numpy(zero_copy_only=False).astype(np.int64)
    flat = pc.list_flatten(arr)
    ok = pc.is_valid(flat).to_numpy(zero_copy_only=False) & (content[rows] >= 0)
    if not ok.any():
        return np.empty(0, np.int64), np.empty(0, np.int64)
    values = np.asarray(flat.to_pylist(), dtype=object)[ok]
    return rows[ok], dense(values)[0]


def generic_domains(rows: np.ndarray, dom: np.ndarray, content: np.ndarray,
                    day: np.ndarray, rules: PoolRules) -> np.ndarray:
    """Per domain id: shared by several content groups (a real share of its mail in
    each; or, on at least ``persistent_days`` days, its mail spread so thin that the
    effective number of groups, the inverse Simpson index, is above
    ``max_shared_groups``), or live on most days of its span."""
    nd = int(dom.max()) + 1 if len(dom) else 0
    pair, _ = pair_ids(content[rows], dom)
    _, first, per_group = np.unique(pair, return_index=True, return_counts=True)
    mail = np.bincount(dom, minlength=nd)
    share = per_group / mail[dom[first]]
    real = share >= rules.group_share
    groups = np.bincount(dom[first], weights=real.astype(float), minlength=nd)
    concentration = np.bincount(dom[first], weights=share * share, minlength=nd)
    days = _live_days(rows, dom, day, nd)
    spread = (concentration * rules.max_shared_groups < 1.0) & (days >= rules.persistent_days)
    return (groups > rules.max_shared_groups) | spread | _persistent(days, rows, dom, day, rules)


def _live_days(rows: np.ndarray, dom: np.ndarray, day: np.ndarray, nd: int) -> np.ndarray:
    """Per domain id, the number of days it carried mail."""
    dday, _ = pair_ids(dom, day[rows])
    return np.bincount(dom[np.unique(dday, return_index=True)[1]], minlength=nd)


def persistent_domains(rows: np.ndarray, dom: np.ndarray, day: np.ndarray, rules: PoolRules
                       ) -> np.ndarray:
    """Per domain id: live on at least ``persistent_days`` days and on at least
    ``persistent_share`` of the days of its span (campaign domains are burned within
    days; shorteners and big sites are not)."""
    nd = int(dom.max()) + 1 if len(dom) else 0
    return _persistent(_live_days(rows, dom, day, nd), rows, dom, day, rules)


def _persistent(days: np.ndarray, rows: np.ndarray, dom: np.ndarray, day: np.ndarray,
                rules: PoolRules) -> np.ndarray:
    """``persistent_domains`` from each domain's number of live ``days``."""
    nd = len(days)
    lo = np.full(nd, np.iinfo(np.int64).max)
    hi = np.full(nd, np.iinfo(np.int64).min)
    np.minimum.at(lo, dom, day[rows])
    np.maximum.at(hi, dom, day[rows])
    return (days >= rules.persistent_days) & (days >= rules.persistent_share * (hi - lo + 1))


def fragment_links(node: np.ndarray, dom: np.ndarray, share: float
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Edges from each (content group, domain) node holding less than ``share`` of its
    domain's mail to the domain's largest node (stray near-duplicates that missed the
    main content group)."""
    nodes, first, count = np.unique(node, return_index=True, return_counts=True)
    ndom = dom[first]
    mail = np.bincount(dom)
    order = np.lexsort((-count, ndom))
    top = np.unique(ndom[order], return_index=True)[1]
    largest = np.full(len(mail), -1, dtype=np.int64)
    largest[ndom[order][top]] = nodes[order][top]
    small = count < share * mail[ndom]
    return nodes[small], largest[ndom[small]]


@dataclass(frozen=True)
class _Candidates:
    """Candidate node pairs with their mail (``x``, ``y``) and live days (``tx``, ``ty``)
    summed over the cells where both appear, and the (content, sender) key of the first
    such cell."""

    p: np.ndarray
    q: np.ndarray
    x: np.ndarray
    y: np.ndarray
    tx: np.ndarray
    ty: np.ndarray
    key: np.ndarray


def _candidates(node: np.ndarray, cell: np.ndarray, cell_key: np.ndarray,
                cell_day: np.ndarray, day: np.ndarray, rules: PoolRules) -> _Candidates:
    """Each node of a cell paired with its next ``neighbours`` nodes by daily volume
    (its mail in the cell per day it was live there: in a cell of two days, a domain
    live on one of them is compared by that day's mail), with the two nodes' mail and
    live days summed over every cell where both appear on the first ``first_days`` days
    they meet (so later mail does not undo an earlier link, and a few coincident
    messages in a small cell do not outweigh the large cells of the same days)."""
    pair_cell, n_pairs = pair_ids(cell, node)
    _, first, mail = np.unique(pair_cell, return_index=True, return_counts=True)
    live_day = np.unique(pair_ids(pair_cell, day)[0], return_index=True)[1]
    live = np.bincount(pair_cell[live_day], minlength=n_pairs)
    c_cell, c_node, c_key = cell[first], node[first], cell_key[first]
    order = np.lexsort((mail / live, c_cell))
    s_cell, s_node, s_key = c_cell[order], c_node[order], c_key[order]
    parts = []
    for k in range(1, rules.neighbours + 1):
        same = np.flatnonzero(s_cell[k:] == s_cell[:-k])
        parts.append((same, same + k))
    i = np.concatenate([p[0] for p in parts])
    j = np.concatenate([p[1] for p in parts])
    a, b, keys = s_node[i], s_node[j], s_key[i]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    one = np.unique(pair_ids(lo, hi)[0], return_index=True)[1]
    lo, hi = lo[one], hi[one]
    met = _met_sums(lo, hi, _Cells(c_node, c_cell, cell_day[first], mail, live),
                    rules.first_days)
    return _Candidates(lo, hi, *met, keys[one])


@dataclass(frozen=True)
class _Cells:
    """One entry per (cell, node): the node's mail and live days in the cell, and the
    cell's day."""

    node: np.ndarray
    cell: np.ndarray
    day: np.ndarray
    mail: np.ndarray
    live: np.ndarray


def _met_sums(lo: np.ndarray, hi: np.ndarray, cells: _Cells, first_days: int
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per pair (lo[i], hi[i]), the mail of each and the live days of each, summed over
    the cells where both appear on the first ``first_days`` days they meet."""
    n_cells = int(cells.cell.max()) + 1
    key = cells.node.astype(np.int64) * n_cells + cells.cell
    by_key = np.argsort(key)
    sorted_key = key[by_key]
    by_node = np.lexsort((cells.day, cells.node))
    start = np.searchsorted(cells.node[by_node], lo, "left")
    size = np.searchsorted(cells.node[by_node], lo, "right") - start
    pair = np.repeat(np.arange(len(lo)), size)
    offset = np.arange(len(pair)) - np.repeat(np.cumsum(size) - size, size)
    mine = by_node[np.repeat(start, size) + offset]
    want = hi[pair].astype(np.int64) * n_cells + cells.cell[mine]
    at = np.minimum(np.searchsorted(sorted_key, want), len(sorted_key) - 1)
    met = sorted_key[at] == want
    pair, mine, other = pair[met], mine[met], by_key[at[met]]
    if len(pair) == 0:
        zeros = np.zeros(len(lo))
        return zeros, zeros, zeros, zeros
    d = cells.day[mine]
    first = np.r_[True, pair[1:] != pair[:-1]]
    rank = np.cumsum(first | np.r_[True, d[1:] != d[:-1]])
    early = rank - np.maximum.accumulate(np.where(first, rank, 0)) < first_days
    pair, mine, other = pair[early], mine[early], other[early]
    return (np.bincount(pair, cells.mail[mine], minlength=len(lo)),
            np.bincount(pair, cells.mail[other], minlength=len(lo)),
            np.bincount(pair, cells.live[mine], minlength=len(lo)),
            np.bincount(pair, cells.live[other], minlength=len(lo)))


def _rates_agree(c: _Candidates, rules: PoolRules) -> np.ndarray:
    """Equal daily rates: an equal-rate Poisson test on the two counts over their live
    days, or rates within ``rate_ratio``; and at least ``min_evidence`` messages."""
    tx, ty = np.maximum(c.tx, 1.0), np.maximum(c.ty, 1.0)
    rx, ry = c.x / tx, c.y / ty
    poisson = np.abs(rx - ry) <= rules.z * np.sqrt(rx / tx + ry / ty)
    close = np.minimum(rx, ry) >= rules.rate_ratio * np.maximum(rx, ry)
    return (poisson | close) & (c.x + c.y >= rules.min_evidence)


def _introduced_together(c: _Candidates, first: np.ndarray, active: np.ndarray,
                         rules: PoolRules) -> np.ndarray:
    """At most ``gap_days`` active days of the pair's (content, sender) between the two
    domains' first days (``active`` holds the sorted key * _DAY_BITS + day values)."""
    lo = np.minimum(first[c.p], first[c.q])
    hi = np.maximum(first[c.p], first[c.q])
    base = c.key.astype(np.int64) * _DAY_BITS
    between = np.searchsorted(active, base + hi, "right") - np.searchsorted(active, base + lo,
                                                                             "right")
    return between <= rules.gap_days


def _sender_mix(node: np.ndarray, sender: np.ndarray) -> csr_matrix:
    """Messages per (node, sender population)."""
    sid, ns = dense(sender)
    return csr_matrix((np.ones(len(node)), (node, sid)),
                      shape=(int(node.max()) + 1, max(ns, 1)))


def _same_senders(m: csr_matrix, c: _Candidates, rules: PoolRules) -> np.ndarray:
    """Per candidate pair, whether the same senders push both (``_sender_mix`` rows)."""
    mx, my = m[c.p], m[c.q]
    nx, ny = np.asarray(mx.sum(axis=1)).ravel(), np.asarray(my.sum(axis=1)).ravel()
    total = mx + my
    inv = total.copy()
    inv.data = 1.0 / inv.data
    sq = (np.asarray(mx.multiply(mx).multiply(inv).sum(axis=1)).ravel() / np.maximum(nx, 1)
          + np.asarray(my.multiply(my).multiply(inv).sum(axis=1)).ravel() / np.maximum(ny, 1))
    stat = (nx + ny) * (sq - 1.0)
    dof = np.maximum(np.diff(total.indptr) - 1, 1)
    px = mx.multiply(1.0 / np.maximum(nx, 1)[:, None])
    py = my.multiply(1.0 / np.maximum(ny, 1)[:, None])
    tv = 0.5 * np.asarray(abs(px - py).sum(axis=1)).ravel()
    return (chi2.sf(stat, dof) >= rules.sender_p) | (tv <= rules.sender_tv)


def rotation_links(node: np.ndarray, rows: np.ndarray, content: np.ndarray, day: np.ndarray,
                   sender: np.ndarray, rules: PoolRules) -> tuple[np.ndarray, np.ndarray]:
    """Edges between nodes of one rotating pool (the three tests of the module doc), met
    in cells of one day, and at their introduction in cells of two days (both offsets,
    so any two consecutive days share a cell): a pool that hands over from one domain to
    the next at midnight."""
    n_nodes = int(node.max()) + 1
    d = day[rows]
    key, _ = pair_ids(content[rows], sender[rows] + 1)
    first = np.full(n_nodes, np.iinfo(np.int64).max)
    np.minimum.at(first, node, d)
    active = np.unique(key.astype(np.int64) * _DAY_BITS + d)
    intro = d <= first[node] + 1
    mix = _sender_mix(node, sender[rows])
    edges = [(np.empty(0, np.int64), np.empty(0, np.int64))]
    for use, span in ((np.ones_like(intro), d), (intro, d // 2), (intro, (d + 1) // 2)):
        c = _candidates(node[use], pair_ids(key[use], span[use])[0], key[use], span[use],
                        d[use], rules)
        if len(c.p) == 0:
            continue
        ok = _rates_agree(c, rules) & _introduced_together(c, first, active, rules)
        ok &= _same_senders(mix, c, rules)
        edges.append((c.p[ok], c.q[ok]))
    return np.concatenate([e[0] for e in edges]), np.concatenate([e[1] for e in edges])


def pool_labels(content: np.ndarray, domains: pa.ChunkedArray | pa.Array, day: np.ndarray,
                sender: np.ndarray, rules: PoolRules) -> np.ndarray:
    """Per row, the pool (component label) of its advertised domains; -1 for rows with no
    non-generic domain or no content group. ``day`` is an integer day per row and
    ``sender`` an integer sender population per row (-1 = unknown)."""
    labels = np.full(len(content), -1, dtype=np.int64)
    rows, dom = domain_entries(content, domains)
    if len(dom):
        keep = ~generic_domains(rows, dom, content, day, rules)[dom]
        rows, dom = rows[keep], dom[keep]
    if len(dom) == 0:
        return labels
    node, n_nodes = pair_ids(content[rows], dom)
    edges = [link_equal(node, rows), fragment_links(node, dom, rules.fragment_share),
             rotation_links(node, rows, content, day, sender, rules)]
    pool = components(n_nodes, np.concatenate([e[0] for e in edges]),
                      np.concatenate([e[1] for e in edges]))
    labels[rows] = pool[node]
    return labels
