"""Template families: content groups that are the alternative letters of one template.

A spam template often has whole alternative letters (a seminar, a mailing service, a
sale of address lists; three advance-fee stories), each far enough from the others in
words that its messages form a content group of their own. The campaign behind them still
sends every letter with one rotating pool of domains and one list of subject lines: the
same marks, on the same days. Two content groups are put in one family when at least
``min_links`` marks (advertised domains, exact subject lines) each carry a real share of
both groups' mail (``share`` of the mark's mail in each), on mostly the same days (at
least ``overlap`` of the days of the smaller side). Unrelated campaigns that use one big
site, image host or stock subject do not meet that: they use it on their own days, and
share little besides. Marks the caller excludes (domains live on most days of their span:
shorteners, big sites) are left out, and so is a mark with a real share in more than
``max_groups`` groups (a subject such as "Re:").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from spamintel.attribute._graph import components, pair_ids


@dataclass(frozen=True)
class FamilyRules:
    """Thresholds of the family test (see the module docstring)."""

    share: float = 0.05
    overlap: float = 0.5
    min_links: int = 3
    max_groups: int = 8


def _real_nodes(content: np.ndarray, mark: np.ndarray, share: float
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per entry, its (group, mark) node id, or -1 when the node holds less than
    ``share`` of its mark's mail; and per node, its group and mark."""
    node, n_nodes = pair_ids(content, mark)
    mail = np.bincount(node, minlength=n_nodes)
    first = np.unique(node, return_index=True)[1]
    n_group, n_mark = content[first], mark[first]
    real = mail >= share * np.bincount(mark, minlength=int(mark.max()) + 1)[n_mark]
    return np.where(real[node], node, -1), n_group, n_mark


def _co_days(node: np.ndarray, mark: np.ndarray, day: np.ndarray, n_nodes: int,
             max_groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pairs of real nodes of one mark (a, b), the days both were live, and each node's
    live days; marks with more than ``max_groups`` real nodes are left out."""
    day = day - day.min()
    cell = np.unique(np.stack([mark, day, node], axis=1), axis=0)
    days = np.bincount(cell[:, 2], minlength=n_nodes)
    per_mark = np.bincount(np.unique(cell[:, [0, 2]], axis=0)[:, 0])
    cell = cell[per_mark[cell[:, 0]] <= max_groups]
    key = cell[:, 0] * (int(day.max()) + 1) + cell[:, 1]
    a_parts, b_parts = [], []
    for step in range(1, max_groups):
        same = np.flatnonzero(key[step:] == key[:-step])
        a_parts.append(cell[same, 2])
        b_parts.append(cell[same + step, 2])
    a, b = np.concatenate(a_parts), np.concatenate(b_parts)
    pair, n_pairs = pair_ids(a, b)
    first = np.unique(pair, return_index=True)[1]
    return a[first], b[first], np.bincount(pair, minlength=n_pairs), days


def template_families(content: np.ndarray, mark: np.ndarray, day: np.ndarray,
                      excluded: np.ndarray, n_groups: int,
                      rules: FamilyRules | None = None) -> np.ndarray:
    """Family label per content group (``n_groups`` of them), from one entry per mark of
    a message (an advertised domain, its subject line): its ``content`` group, the
    ``mark`` id and the ``day``; ``excluded`` flags the mark ids that link nothing."""
    rules = rules or FamilyRules()
    family = np.arange(n_groups, dtype=np.int64)
    keep = ~excluded[mark]
    content, mark, day = content[keep], mark[keep], day[keep]
    if len(mark) == 0:
        return family
    node, n_group, n_mark = _real_nodes(content, mark, rules.share)
    real = node >= 0
    if not real.any():
        return family
    a, b, both, days = _co_days(node[real], mark[real], day[real], len(n_group),
                                rules.max_groups)
    agree = both >= rules.overlap * np.minimum(days[a], days[b])
    ga, gb = n_group[a[agree]], n_group[b[agree]]
    lo, hi = np.minimum(ga, gb), np.maximum(ga, gb)
    pair, n_pairs = pair_ids(lo, hi)
    per_pair = np.unique(np.stack([pair, n_mark[a[agree]]], axis=1), axis=0)[:, 0]
    strong = np.bincount(per_pair, minlength=n_pairs) >= rules.min_links
    first = np.unique(pair, return_index=True)[1]
    return components(n_groups, lo[first][strong], hi[first][strong])
