"""Discovery: the latent class model separates senders and merges split families."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score

from spamintel.attribute.discovery import botnet_like, cluster_stats, discover, merge_groups
from spamintel.attribute.mixture import em, unique_rows


def _families(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Three senders; each picks a dialect (two for family 0), a header and a content
    value from its own small vocabulary, independently."""
    fam = rng.integers(0, 3, size=n)
    dialect = np.where(fam == 0, rng.integers(0, 2, size=n), fam + 1)
    header = fam * 3 + rng.integers(0, 3, size=n)
    content = fam * 4 + rng.integers(0, 4, size=n)
    rcpt, network = rng.integers(0, 5, size=n), rng.integers(0, 5, size=n)
    return np.stack([dialect, header, rcpt, network, content], axis=1), fam


def test_discover_recovers_the_families():
    x, fam = _families(np.random.default_rng(1), 3000)
    u, w, inv = unique_rows(x)
    cards = [int(x[:, j].max()) + 1 for j in range(x.shape[1])]
    labels = discover(u, w, cards, max_classes=10, seed_cols=[0, 1, 4], tau=0.6)[inv]
    assert adjusted_rand_score(fam, labels) > 0.95


def test_classes_differing_in_one_group_merge():
    x, fam = _families(np.random.default_rng(2), 2000)
    dialect_split = np.where(fam == 0, x[:, 0], 1 + fam)   # family 0 as two classes
    u, w, inv = unique_rows(x)
    resp = np.zeros((len(u), 4))
    first = np.zeros(len(u), dtype=np.int64)
    first[inv] = dialect_split
    resp[np.arange(len(u)), first] = 1
    cards = [int(x[:, j].max()) + 1 for j in range(x.shape[1])]
    fit = em(u, w, resp, cards, iters=1)
    groups = merge_groups([np.exp(t) for t in fit.log_theta], 0.6)
    assert groups[0] == groups[1] and len(set(groups.tolist())) == 3


def test_unique_rows_weights_add_up():
    x = np.array([[1, 2], [1, 2], [3, 4]])
    u, w, inv = unique_rows(x)
    assert w.sum() == 3 and (u[inv] == x).all()


def test_botnet_like_needs_spread_and_a_non_server_dialect():
    labels = np.array([0] * 30 + [1] * 30 + [2] * 30)
    ip = np.concatenate([np.arange(30), np.zeros(30, dtype=int), np.arange(100, 130)])
    asn = np.concatenate([np.arange(30) % 10, np.zeros(30, dtype=int), np.arange(30) % 10])
    server = np.concatenate([np.zeros(60, dtype=bool), np.ones(30, dtype=bool)])
    like = botnet_like(cluster_stats(labels, ip, asn, asn, server, np.zeros(90, dtype=int)),
                       20, 5, 20, 0.5, 1 / 3)
    assert like.tolist() == [True, False, False]


def test_a_catch_all_of_many_header_templates_is_not_a_botnet():
    # two clusters of 300 messages from 300 IPs in 30 networks: one botnet writing from
    # three templates, one cluster whose mail is spread over 150 templates
    labels = np.repeat([0, 1], 300)
    ip, asn = np.arange(600), np.arange(600) % 30
    template = np.concatenate([np.arange(300) % 3, 100 + np.arange(300) // 2])
    stats = cluster_stats(labels, ip, asn, asn, np.zeros(600, dtype=bool), template)
    assert stats.rare_template_share.tolist() == [0.0, 1.0]
    assert botnet_like(stats, 20, 5, 20, 0.5, 1 / 3).tolist() == [True, False]


def test_bots_of_one_incumbent_are_spread_over_its_prefixes():
    # 200 bots in two ASNs but 100 /16 prefixes (home lines of two national incumbents),
    # against 200 hosts in two ASNs and four prefixes (a hosting range)
    labels = np.repeat([0, 1], 200)
    ip, asn = np.arange(400), np.arange(400) % 2
    prefix = np.concatenate([np.arange(200) % 100, 1000 + np.arange(200) % 4])
    stats = cluster_stats(labels, ip, asn, prefix, np.zeros(400, dtype=bool),
                          np.zeros(400, dtype=int))
    assert stats.prefixes.tolist() == [100, 4]
    assert botnet_like(stats, 20, 5, 20, 0.5, 1 / 3).tolist() == [True, False]
