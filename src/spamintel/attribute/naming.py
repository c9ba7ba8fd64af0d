"""Sender clusters and their names: one cluster per signature family (the messages its
signatures won), then the classes discovery finds in the rest (a new population inside a
class, see ``onset``, is a class of its own; mail a class sends for another class's
campaigns from that class's networks moves there, see ``borrowed``; a piece of a class
that runs other software is a class of its own, see ``software``). A discovered class is
named after the family whose signatures match most of its mail, else ``unknown-<n>`` when
it looks like a botnet (its signed mail, if any, split between families whose software it
runs), else nothing (not a botnet)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from spamintel.attribute._graph import pair_ids
from spamintel.attribute._shift import within
from spamintel.attribute.borrowed import BorrowRules, move_borrowed
from spamintel.attribute.discovery import (
    ClusterStats,
    botnet_like,
    cluster_stats,
    discover,
    profile_distance,
    profiles,
)
from spamintel.attribute.mixture import unique_rows
from spamintel.attribute.onset import (
    OnsetRules,
    Senders,
    class_starts,
    first_day,
    join_twins,
    late_classes,
    merge_continuations,
    same_campaigns,
    split_new_populations,
)
from spamintel.attribute.resolve import FamilyMatches
from spamintel.attribute.siblings import join_siblings
from spamintel.attribute.software import split_software
from spamintel.attribute.split import join_pieces, network_shift, split_populations
from spamintel.config import AttributeConfig

DISCOVERY_COLUMNS = [0, 1, 2, 3, 4]


@dataclass(frozen=True)
class Clusters:
    """Row → cluster label (-1 = not clustered) and, per cluster: id, name, the signature
    that named it (None when none did) and its figures."""

    labels: np.ndarray
    ids: np.ndarray
    names: np.ndarray
    signatures: np.ndarray
    ips: np.ndarray
    messages: np.ndarray
    first_row: np.ndarray

    @property
    def reported(self) -> int:
        """Number of clusters reported as botnets."""
        return int(sum(n is not None and m > 0 for n, m in zip(self.names, self.messages,
                                                                strict=True)))


@dataclass(frozen=True)
class RowInputs:
    """Per-row arrays the clustering needs (``has_ip``: the client IP is known; ``day``:
    integer day; ``country``: integer id of the client's country; ``template``: the
    header template, rare ones kept apart, unlike in ``x``; ``prefix``: the client's
    IPv4 /16 or IPv6 /32)."""

    x: np.ndarray
    spam: np.ndarray
    ip: np.ndarray
    asn: np.ndarray
    server: np.ndarray
    sha: np.ndarray
    has_ip: np.ndarray
    day: np.ndarray
    country: np.ndarray
    template: np.ndarray
    prefix: np.ndarray


def discover_classes(rows: RowInputs, cfg: AttributeConfig) -> np.ndarray:
    """Discovery class per row (-1 = not spam); a second population the model left in a
    class is split off (see ``split``)."""
    labels = np.full(len(rows.spam), -1, dtype=np.int64)
    spam = np.flatnonzero(rows.spam)
    if len(spam):
        u, w, inv = unique_rows(rows.x[spam][:, DISCOVERY_COLUMNS])
        classes = discover(u, w, _cards(rows.x)[:len(DISCOVERY_COLUMNS)],
                           max_classes=cfg.max_classes, seed_cols=[0, 1, 4], tau=cfg.merge_tau)
        labels[spam] = np.unique(classes, return_inverse=True)[1][inv]
        labels, by_dialect = split_populations(labels, rows.x[:, 0], rows.ip, rows.x[:, 3],
                                               cfg.min_new_messages)
        labels, by_header = split_populations(labels, rows.x[:, 1], rows.ip, rows.x[:, 3],
                                              cfg.min_new_messages)
        labels = join_pieces(labels, rows.x[:, DISCOVERY_COLUMNS],
                             np.concatenate([by_dialect, by_header]), cfg.merge_tau)
    return labels


def _split_software(labels: np.ndarray, rows: RowInputs, campaign: np.ndarray,
                    cfg: AttributeConfig, rules: OnsetRules) -> np.ndarray:
    """Labels after pieces that run other software are split off (``software``) and the
    late ones that continue the class they came from are given back to it (``onset``)."""
    software = pair_ids(rows.x[:, 0], rows.x[:, 1])[0]
    labels, origin = split_software(labels, software, rows.ip, rows.has_ip, rows.day,
                                    campaign, cfg.min_new_messages, cfg.min_botnet_ips)
    if not origin:
        return labels
    labels, origin = _split_piece_populations(labels, rows, origin, cfg)
    return merge_continuations(labels, Senders(rows.ip, rows.has_ip, rows.country), rows.day,
                               rules, origin)


def _split_piece_populations(labels: np.ndarray, rows: RowInputs, origin: dict[int, int],
                             cfg: AttributeConfig) -> tuple[np.ndarray, dict[int, int]]:
    """A split-off piece hangs together by a campaign, which two botnets may both send:
    a dialect of it whose senders sit in other networks is split off again (``split``),
    under a fresh label from the same class of origin."""
    pieces = np.where(np.isin(labels, list(origin)), labels, -1)
    split, new = split_populations(pieces, rows.x[:, 0], rows.ip, rows.x[:, 3],
                                   cfg.min_new_messages)
    out, origin = labels.copy(), dict(origin)
    shift = int(labels.max()) - int(pieces.max())
    for label in new:
        mine = split == label
        out[mine] = label + shift
        origin[int(label + shift)] = origin[int(pieces[mine][0])]
    return out, origin


def _cards(x: np.ndarray) -> list[int]:
    return [int(x[:, j].max()) + 1 if len(x) else 1 for j in range(x.shape[1])]


def build_clusters(rows: RowInputs, matches: FamilyMatches, cfg: AttributeConfig,
                   campaigns: Callable[[np.ndarray], np.ndarray] | None = None) -> Clusters:
    """Cluster every spam row by discovery, split off new populations, move borrowed mail
    and split off pieces running other software (``campaigns`` gives a campaign or
    domain-pool label per row, -1 none, from the class labels; without it none of these),
    then name the clusters. Once the pieces are split, late classes are tested for
    continuation again (a piece that fell silent when a late class began may only have
    become a class of its own in the software split: its botnet switched templates), and
    late classes that began together on the same campaigns are joined (``join_twins``),
    as are classes that send on the same days from the same networks (``siblings``)."""
    labels = discover_classes(rows, cfg)
    if campaigns is not None:
        rules = OnsetRules(cfg.new_botnet_lead_days, cfg.min_new_messages, cfg.min_botnet_ips)
        campaign = campaigns(labels)
        senders = Senders(rows.ip, rows.has_ip, rows.country)
        labels = split_new_populations(labels, senders, campaign, rows.day, rules)
        labels = move_borrowed(labels, rows.ip, rows.has_ip, rows.x[:, 3], campaign,
                               BorrowRules(cfg.min_new_messages, cfg.min_botnet_ips))
        labels = _split_software(labels, rows, campaign, cfg, rules)
        labels = merge_continuations(labels, senders, rows.day, rules,
                                     targets=_botnet_like(labels, rows, cfg))
        late = late_classes(labels, rows.day, rules, rules.stray_share)
        labels = join_twins(labels, late, campaign, rows.day, rules)
        labels = join_siblings(labels, _botnet_like(labels, rows, cfg),
                               _class_families(labels, matches, cfg.min_signature_share),
                               rows.ip, rows.has_ip, rows.x[:, 3], rows.day, campaign)
        return name_clusters(labels, rows, matches, cfg,
                             _twin_families(labels, rows, matches, campaign, rules))
    return name_clusters(labels, rows, matches, cfg)


def _botnet_like(labels: np.ndarray, rows: RowInputs, cfg: AttributeConfig) -> np.ndarray:
    """Per class, whether it looks like a botnet (``discovery.botnet_like``)."""
    return _like(cluster_stats(labels, rows.ip, rows.asn, rows.prefix, rows.server,
                               rows.template), cfg)


def _like(stats: ClusterStats, cfg: AttributeConfig) -> np.ndarray:
    return botnet_like(stats, cfg.min_botnet_ips, cfg.min_botnet_asns, cfg.min_botnet_prefixes,
                       cfg.max_server_share, cfg.max_rare_template_share)


def _family_shares(labels: np.ndarray, matches: FamilyMatches, n: int) -> np.ndarray:
    """Per class (rows) and family (columns), the share of the class's mail the family's
    signatures match."""
    ok = labels >= 0
    hits = np.zeros((n, len(matches.families)))
    np.add.at(hits, labels[ok], matches.mask[ok].astype(float))
    return hits / np.maximum(np.bincount(labels[ok], minlength=n), 1)[:, None]


def _class_families(labels: np.ndarray, matches: FamilyMatches, min_share: float
                    ) -> np.ndarray:
    """Per class, the family whose signatures match at least ``min_share`` of its mail
    and more of it than any other's, else -1."""
    n = int(labels.max()) + 1 if len(labels) else 0
    out = np.full(n, -1, dtype=np.int64)
    if n == 0 or len(matches.families) == 0:
        return out
    share = _family_shares(labels, matches, n)
    best = share.argmax(axis=1)
    named = share[np.arange(n), best] >= min_share
    out[named] = best[named]
    return out


def _twin_families(labels: np.ndarray, rows: RowInputs, matches: FamilyMatches,
                   campaign: np.ndarray, rules: OnsetRules) -> dict[int, int]:
    """Late classes (class → family index) that begin within ``lead_days`` of the mail
    only a family's signatures match, itself begun after the data, on mostly the same
    campaigns: the new family's bots that run software its signatures do not describe
    (twins, as in ``onset.join_twins``)."""
    out: dict[int, int] = {}
    if not rows.spam.any():
        return out
    data_first = int(rows.day[rows.spam].min())
    late = late_classes(labels, rows.day, rules, rules.stray_share)
    start = class_starts(labels, rows.day, rules.stray_share)
    unique = matches.mask.sum(axis=1) == 1
    for f in range(len(matches.families)):
        signed = np.flatnonzero(matches.mask[:, f] & unique & rows.spam)
        if len(signed) < rules.min_messages:
            continue
        f_start = first_day(rows.day[signed], rules.stray_share)
        if f_start < data_first + rules.lead_days:
            continue
        for c in late:
            if abs(int(start[c]) - f_start) <= rules.lead_days and \
                    _same_botnet(np.flatnonzero(labels == c), signed, rows, campaign):
                out.setdefault(int(c), f)
    return out


def _same_botnet(mine: np.ndarray, signed: np.ndarray, rows: RowInputs,
                 campaign: np.ndarray) -> bool:
    """Whether rows ``mine`` (a late class) are more of the family whose signatures match
    rows ``signed``: the two mostly send the same campaigns, or the class mostly sends the
    family's campaigns from the family's networks (the family's bots that run another
    program send only some of its campaigns)."""
    if same_campaigns(campaign[mine], campaign[signed]):
        return True
    theirs = campaign[signed]
    if np.isin(campaign[mine], theirs[theirs >= 0]).mean() < 0.5:
        return False
    a, b = mine[rows.has_ip[mine]], signed[rows.has_ip[signed]]
    if len(a) == 0 or len(b) == 0:
        return False
    return within(network_shift(a, b, rows.ip, rows.x[:, 3]))


def name_clusters(labels: np.ndarray, rows: RowInputs, matches: FamilyMatches,
                  cfg: AttributeConfig, twins: dict[int, int] | None = None) -> Clusters:
    """Figures and names of the clusters ``labels`` defines; a botnet-like class in
    ``twins`` (class → family index) that no signature names takes its family's name."""
    cards = _cards(rows.x)
    stats = cluster_stats(labels, rows.ip, rows.asn, rows.prefix, rows.server, rows.template)
    n = len(stats.messages)
    prof = profiles(rows.x, labels, np.ones(len(labels)), n, cards)
    names = np.full(n, None, dtype=object)
    sigs = np.full(n, None, dtype=object)
    _name_families(names, sigs, labels, matches, prof, stats, cfg)
    like = _like(stats, cfg)
    like &= _top_family_share(labels, matches, n) < cfg.min_signature_share
    for c, f in (twins or {}).items():
        if names[c] is None and like[c]:
            names[c] = matches.families[f]
    unknown = 0
    for c in np.argsort(stats.first_row, kind="stable"):
        if names[c] is None and like[c] and stats.messages[c] > 0:
            unknown += 1
            names[c] = f"unknown-{unknown}"
    ids = np.array([f"k-{str(rows.sha[r])[:12]}" if r >= 0 else None for r in stats.first_row],
                   dtype=object)
    return Clusters(labels, ids, names, sigs, stats.ips, stats.messages, stats.first_row)


def _top_family_share(labels: np.ndarray, matches: FamilyMatches, n: int) -> np.ndarray:
    """Per class, the largest share of its mail one family's signatures match (a class
    that one family's signatures mostly match is that family, no new botnet; a class
    whose signed mail is split between families runs their software, see ``contest``)."""
    if len(matches.families) == 0:
        return np.zeros(n)
    return _family_shares(labels, matches, n).max(axis=1)


def _name_families(names: np.ndarray, sigs: np.ndarray, labels: np.ndarray,
                   matches: FamilyMatches, prof: list[np.ndarray], stats, cfg) -> None:
    """Name classes after the family whose signatures match most of their mail; a
    family's smaller classes must also resemble its largest one."""
    n, n_fam = len(names), len(matches.families)
    if n_fam == 0 or n == 0:
        return
    share = _family_shares(labels, matches, n)
    best = share.argmax(axis=1)
    dist = profile_distance(prof, prof)
    for f in range(n_fam):
        own = np.flatnonzero((best == f) & (share[np.arange(n), best] >= cfg.min_signature_share))
        if len(own) == 0:
            continue
        anchor = own[np.argmax(stats.messages[own])]
        for c in own:
            if c == anchor or dist[c, anchor] < cfg.family_tau:
                names[c], sigs[c] = matches.families[f], matches.top_signature[f]
