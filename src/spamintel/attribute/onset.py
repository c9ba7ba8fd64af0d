"""New populations: a botnet that appears mid-period inside a class discovery found.

Discovery groups mail by how it was sent. A new botnet that reuses another's SMTP
software or header template lands in that botnet's class, yet it is visible as a
population of its own: sender IPs never seen before, sending campaigns the class had not
sent, appearing abruptly weeks after the class began. Inside each class, messages are
linked when they come from the same IP (the same bot) or belong to the same campaign;
the bots of one botnet share campaigns, so an established botnet stays one connected
piece when it starts a new campaign (its bots send old and new alike). Pieces of at
least ``min_piece`` messages whose first message comes at least ``lead_days`` after
their class's first message, and that start within ``lead_days`` of each other, form a
new population when together they hold ``min_messages`` messages from ``min_ips`` IPs
(in a sparse sample a new botnet's campaigns need not share a bot), and when their
senders sit in other countries than the class's mail before (total variation distance
at least ``min_country_shift`` and twice what chance gives a sample of that size): a
known botnet's new campaign comes from the same kind of networks.

A known botnet that switches software or templates also shows up as a late piece in
another class. It is told apart by what it leaves behind: another class falls silent
at the piece's onset (its daily mail over the following days, up to ``2 * lead_days``,
drops below ``drop_ratio`` of its level over the ``2 * lead_days`` before), and the
piece's senders sit in the same countries (total variation distance at most
``max_country_tv``). Such a piece joins the class it continues; any other new
population becomes a class of its own, so it is reported, and its onset dated, as a new
botnet. The same test is applied to whole classes that begin after the data does. Two
new populations (or late classes) that start together and mostly send the same campaigns
are one botnet, as is a smaller one that mostly sends a larger one's main campaigns
(a few of a new botnet's bots that another class held send only some); for this test
a class is dated by its messages beyond the first ``stray_share`` of them, so a few
strays (another botnet's mail the class took in) do not date it. (The continuation test
keeps a class's first message: on real mail, dating classes past their strays let a few
servers' class take in a late class's bots.)

Work is linear in messages: one sort per link key and one connected-components pass;
the continuation test runs once per new population.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from spamintel.attribute._graph import components, link_equal, pair_ids
from spamintel.attribute._shift import departs, value_shift


@dataclass(frozen=True)
class OnsetRules:
    """When a late, separate piece of a class counts as a new population."""

    lead_days: int = 7
    min_messages: int = 50
    min_ips: int = 20
    min_piece: int = 10
    min_country_shift: float = 0.4
    drop_ratio: float = 0.3
    max_country_tv: float = 0.25
    stray_share: float = 0.02
    main_campaign: float = 0.05


@dataclass(frozen=True)
class Senders:
    """Per row: an integer IP key (valid where ``has_ip``) and a country id."""

    ip: np.ndarray
    has_ip: np.ndarray
    country: np.ndarray


@dataclass(frozen=True)
class _Pieces:
    """Connected pieces of the classes: row → piece, and per piece its class, first and
    last day, messages and distinct IPs."""

    of_row: np.ndarray
    cls: np.ndarray
    first: np.ndarray
    messages: np.ndarray
    ips: np.ndarray


def _pieces(labels: np.ndarray, senders: Senders, campaign: np.ndarray, day: np.ndarray,
            rows: np.ndarray) -> _Pieces:
    local = np.arange(len(rows))
    by_ip = senders.has_ip[rows]
    key_ip, _ = pair_ids(labels[rows][by_ip], senders.ip[rows][by_ip])
    a1, b1 = link_equal(local[by_ip], key_ip)
    by_camp = campaign[rows] >= 0
    key_camp, _ = pair_ids(labels[rows][by_camp], campaign[rows][by_camp])
    a2, b2 = link_equal(local[by_camp], key_camp)
    piece = components(len(rows), np.concatenate([a1, a2]), np.concatenate([b1, b2]))
    n = int(piece.max()) + 1
    cls = np.zeros(n, dtype=np.int64)
    cls[piece] = labels[rows]
    first = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first, piece, day[rows])
    pairs, _ = pair_ids(piece[by_ip], senders.ip[rows][by_ip])
    ips = np.bincount(piece[by_ip][np.unique(pairs, return_index=True)[1]], minlength=n)
    return _Pieces(piece, cls, first, np.bincount(piece, minlength=n), ips)


def _continued_class(mine_rows: np.ndarray, own: int, rows: np.ndarray, labels: np.ndarray,
                     senders: Senders, day: np.ndarray, rules: OnsetRules,
                     allowed: np.ndarray | None = None) -> int:
    """The class other than ``own`` (and among the classes ``allowed``, a mask, when
    given) that the population ``mine_rows`` continues (see module doc), or -1; the
    population's onset is its first day."""
    onset, w = int(day[mine_rows].min()), rules.lead_days
    lab, d = labels[rows], day[rows]
    n_cls, k = int(lab.max()) + 1, int(senders.country.max()) + 1
    end = min(onset + 2 * w, int(d.max()))
    if end - onset < 3:
        return -1
    before = np.bincount(lab[(d >= onset - 2 * w) & (d < onset)], minlength=n_cls) / (2 * w)
    after = np.bincount(lab[(d > onset) & (d <= end)], minlength=n_cls) / (end - onset)
    dropped = (before * 2 * w >= rules.min_messages / 2) & (after <= rules.drop_ratio * before)
    if allowed is not None:
        dropped &= allowed[:n_cls]
    dropped[own] = False
    mine = senders.country[mine_rows]
    best, best_tv = -1, rules.max_country_tv
    for c in np.flatnonzero(dropped):
        sel = (lab == c) & (d < onset) & (d >= onset - 2 * w)
        tv, _ = value_shift(senders.country[rows[sel]], mine, k)
        if tv <= best_tv:
            best, best_tv = int(c), tv
    return best


def split_new_populations(labels: np.ndarray, senders: Senders, campaign: np.ndarray,
                          day: np.ndarray, rules: OnsetRules | None = None) -> np.ndarray:
    """Class label per row, each new population (see module doc) moved to the class it
    continues or to a class of its own.

    ``labels`` is -1 for rows outside any class; ``campaign`` a campaign label per row
    (-1 = none); ``day`` an integer day per row.
    """
    rules = rules or OnsetRules()
    rows = np.flatnonzero(labels >= 0)
    out = labels.copy()
    if len(rows) == 0:
        return out
    pieces = _pieces(labels, senders, campaign, day, rows)
    class_first = np.full(int(labels.max()) + 1, np.iinfo(np.int64).max)
    np.minimum.at(class_first, labels[rows], day[rows])
    next_label = int(labels.max()) + 1
    born: list[int] = []
    for group in _late_groups(pieces, class_first, rules):
        mine = rows[np.isin(pieces.of_row, group)]
        if len(mine) < rules.min_messages or \
                len(np.unique(senders.ip[mine][senders.has_ip[mine]])) < rules.min_ips:
            continue
        own = int(pieces.cls[group[0]])
        if not _new_countries(mine, rows[(labels[rows] == own) & (day[rows] < day[mine].min())],
                              senders.country, rules):
            continue
        target = _continued_class(mine, own, rows, labels, senders, day, rules)
        if target < 0:
            target, next_label = next_label, next_label + 1
            born.append(target)
        out[mine] = target
    out = join_twins(out, born, campaign, day, rules)
    return merge_continuations(out, senders, day, rules)


def _new_countries(mine: np.ndarray, before: np.ndarray, country: np.ndarray,
                   rules: OnsetRules) -> bool:
    """Whether ``mine`` sends from other countries than its class did before: total
    variation distance at least ``min_country_shift`` and twice what a sample of its size
    drawn from the class would show by chance."""
    if len(before) == 0:
        return True
    return departs(country[mine], country[before], int(country.max()) + 1,
                   rules.min_country_shift)


def _late_groups(pieces: _Pieces, class_first: np.ndarray, rules: OnsetRules
                 ) -> list[np.ndarray]:
    """Late pieces (at least ``min_piece`` messages, first day ``lead_days`` after their
    class's) grouped per class when they start within ``lead_days`` of the group's first:
    a new botnet's campaigns need not share bots in a sparse sample."""
    late = np.flatnonzero((pieces.first >= class_first[pieces.cls] + rules.lead_days)
                          & (pieces.messages >= rules.min_piece))
    late = late[np.lexsort((pieces.first[late], pieces.cls[late]))]
    groups: list[list[int]] = []
    for p in late:
        head = groups[-1][0] if groups else -1
        if head >= 0 and pieces.cls[head] == pieces.cls[p] and \
                pieces.first[p] - pieces.first[head] <= rules.lead_days:
            groups[-1].append(int(p))
        else:
            groups.append([int(p)])
    return [np.array(g, dtype=np.int64) for g in groups]


def join_twins(labels: np.ndarray, classes: list[int] | np.ndarray, campaign: np.ndarray,
               day: np.ndarray, rules: OnsetRules) -> np.ndarray:
    """Labels after classes among ``classes`` that start (``class_starts``) within
    ``lead_days`` of each other and mostly send the same campaigns are joined (one botnet
    whose bots speak two dialects, so discovery put them in two classes); each takes the
    earliest one's label. The smaller of two classes may also send only some of the
    larger one's main campaigns (``on_main_campaigns``): the few of a new botnet's bots
    that discovery grouped with an older botnet by their networks send one of its
    campaigns."""
    out = labels.copy()
    start = class_starts(labels, day, rules.stray_share)
    order = sorted((int(c) for c in classes), key=lambda c: start[c])
    rows = {c: np.flatnonzero(labels == c) for c in order}
    for i, a in enumerate(order):
        for b in order[i + 1:]:
            if start[b] - start[a] <= rules.lead_days and \
                    same_campaigns(campaign[rows[a]], campaign[rows[b]]):
                out[rows[b]] = out[rows[a][0]]
    return _join_parts(out, rows, start, campaign, rules)


def _join_parts(labels: np.ndarray, rows: dict[int, np.ndarray], start: np.ndarray,
                campaign: np.ndarray, rules: OnsetRules) -> np.ndarray:
    """Each of the classes ``rows`` that mostly sends main campaigns of larger ones that
    started within ``lead_days`` of it joins the largest of them; larger classes first,
    so a class joins where its host ended up, and never carries another with it."""
    out = labels.copy()
    by_size = sorted(rows, key=lambda c: -len(rows[c]))
    for i, c in enumerate(by_size):
        hosts = [h for h in by_size[:i] if len(rows[h]) > len(rows[c])
                 and abs(int(start[h]) - int(start[c])) <= rules.lead_days
                 and on_main_campaigns(campaign[rows[c]], campaign[rows[h]],
                                       rules.main_campaign)]
        if hosts:
            out[rows[c]] = out[rows[hosts[0]][0]]
    return out


def same_campaigns(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two samples' campaign labels (-1 = none) mostly agree: at least half of
    each sample's mail is on campaigns that both send."""
    shared = np.intersect1d(a[a >= 0], b[b >= 0])
    return bool(min(np.isin(a, shared).mean(), np.isin(b, shared).mean()) >= 0.5)


def on_main_campaigns(small: np.ndarray, big: np.ndarray, main_share: float) -> bool:
    """Whether at least half of sample ``small``'s campaign labels (-1 = none) are
    campaigns that each carry at least ``main_share`` of sample ``big``'s mail."""
    values, counts = np.unique(big[big >= 0], return_counts=True)
    main = values[counts >= main_share * len(big)]
    return bool(np.isin(small, main).mean() >= 0.5)


def first_day(days: np.ndarray, stray_share: float) -> int:
    """The day of message number ``ceil(stray_share × n)`` of ``days`` in time order
    (the start of one sample, as ``class_starts`` dates classes)."""
    return int(class_starts(np.zeros(len(days), dtype=np.int64), days, stray_share)[0])


def class_starts(labels: np.ndarray, day: np.ndarray, stray_share: float) -> np.ndarray:
    """Per class, the day of its message number ``ceil(stray_share × size)`` in time
    order: a few stray messages (another botnet's mail the class took in) do not date
    it. Classes without messages get the largest integer."""
    rows = np.flatnonzero(labels >= 0)
    n = int(labels.max()) + 1 if len(rows) else 0
    out = np.full(n, np.iinfo(np.int64).max)
    if n == 0:
        return out
    order = rows[np.lexsort((day[rows], labels[rows]))]
    size = np.bincount(labels[rows], minlength=n)
    offset = np.concatenate([[0], np.cumsum(size)[:-1]])
    k = np.maximum(np.ceil(stray_share * size).astype(np.int64), 1) - 1
    has = size > 0
    out[has] = day[order[offset[has] + k[has]]]
    return out


def late_classes(labels: np.ndarray, day: np.ndarray, rules: OnsetRules,
                 stray_share: float = 0.0) -> np.ndarray:
    """Classes of at least ``min_messages`` messages that start (``class_starts`` with
    ``stray_share``; by default their first message) at least ``lead_days`` after the
    data's first message."""
    rows = np.flatnonzero(labels >= 0)
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64)
    size = np.bincount(labels[rows], minlength=int(labels.max()) + 1)
    start = class_starts(labels, day, stray_share)
    return np.flatnonzero((start >= day[rows].min() + rules.lead_days)
                          & (size >= rules.min_messages))


def merge_continuations(labels: np.ndarray, senders: Senders, day: np.ndarray,
                        rules: OnsetRules, origin: dict[int, int] | None = None,
                        targets: np.ndarray | None = None) -> np.ndarray:
    """Classes that start ``lead_days`` after the data and continue another class (a
    known botnet that changed software or templates) join that class. With ``origin``
    (class → the class it was split from) only those classes are tested, each against
    its origin alone; with ``targets`` (a mask over classes) only those classes are
    continued (a few servers falling silent must not take in a late class's bots), and
    a class is dated past its strays (``class_starts``): the few messages of the old
    content a class took in do not hide that it began when its botnet switched."""
    rows = np.flatnonzero(labels >= 0)
    out = labels.copy()
    strays = rules.stray_share if targets is not None else 0.0
    late = late_classes(labels, day, rules, strays)
    start = class_starts(labels, day, strays)
    if origin is not None:
        late = late[np.isin(late, list(origin))]
    n = int(labels.max()) + 1 if len(rows) else 0
    may = np.ones(n, dtype=bool) if targets is None else np.asarray(targets, dtype=bool)
    for c in late:
        mine = rows[labels[rows] == c]
        allowed = may & (np.arange(n) == origin[int(c)]) if origin is not None else may
        target = _continued_class(mine[day[mine] >= start[c]], int(c), rows, labels,
                                  senders, day, rules, allowed)
        if target >= 0:
            out[mine] = target
    return out
