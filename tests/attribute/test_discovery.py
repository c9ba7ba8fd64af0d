"""Discovery: the latent class model separates senders, merges split families, and splits
off a small botnet no seed landed on."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score

from spamintel.attribute.discovery import (
    SplitRules,
    botnet_like,
    cluster_stats,
    discover,
    merge_groups,
    split_class,
)
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


def _shared_dialect(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A large botnet (0), a small one (1) that speaks the same dialects and sends the
    same content but uses its own header templates and networks, and diverse senders (2)
    whose every tuple differs: the seeds go to the large botnet and the diverse senders."""
    fam = np.repeat([0, 1, 2], [6000, 400, 3000])
    n = len(fam)
    dialect = np.where(fam == 2, rng.integers(20, 60, n), rng.integers(0, 2, n))
    header = np.select([fam == 0, fam == 1], [rng.integers(0, 3, n), rng.integers(10, 12, n)],
                       rng.integers(20, 200, n))
    network = np.select([fam == 0, fam == 1], [rng.integers(0, 6, n), rng.integers(10, 13, n)],
                        rng.integers(20, 200, n))
    content = np.where(fam == 2, rng.integers(20, 200, n), rng.integers(0, 2, n))
    return np.stack([dialect, header, rng.integers(0, 3, n), network, content], axis=1), fam


def _discover(x: np.ndarray, max_classes: int) -> np.ndarray:
    u, w, inv = unique_rows(x)
    cards = [int(x[:, j].max()) + 1 for j in range(x.shape[1])]
    return discover(u, w, cards, max_classes=max_classes, seed_cols=[0, 1, 4], tau=0.6)[inv]


def test_a_small_botnet_without_a_seed_is_split_off():
    for seed in range(3):
        x, fam = _shared_dialect(np.random.default_rng(seed))
        labels = _discover(x, max_classes=2)
        bots = fam < 2
        assert adjusted_rand_score(fam[bots], labels[bots]) == 1.0


def test_a_botnet_with_two_dialects_is_not_split():
    rng = np.random.default_rng(4)
    n = 3000
    x = np.stack([rng.integers(0, 2, n), rng.integers(0, 3, n), rng.integers(0, 3, n),
                  rng.integers(0, 6, n), rng.integers(0, 2, n)], axis=1)
    assert len(np.unique(_discover(x, max_classes=1))) == 1


def _two_populations(rng: np.random.Generator, dialect: bool, header: bool, network: bool,
                     n: int = 3000) -> tuple[np.ndarray, list[int]]:
    """A class of two sender populations that differ in the groups asked for; in content
    the second sends a campaign of its own now and then."""
    pop = rng.integers(0, 2, n)
    x = np.stack([rng.integers(0, 2, n) + 2 * dialect * pop,
                  rng.integers(0, 3, n) + 3 * header * pop,
                  rng.integers(0, 3, n),
                  rng.integers(0, 6, n) + 6 * network * pop,
                  np.where((pop == 1) & (rng.random(n) < 0.3), 4, rng.integers(0, 4, n))],
                 axis=1)
    return x, [int(x[:, j].max()) + 1 for j in range(x.shape[1])]


def test_halves_that_differ_in_one_group_are_not_kept():
    """Other networks and now and then another campaign: two halves fit better, but they
    differ much in one group only, so the merge rule would join them again."""
    x, cards = _two_populations(np.random.default_rng(8), False, False, True)
    u, w, _ = unique_rows(x)
    assert split_class(u, w, cards, SplitRules(tau=0.6)) is None
    assert split_class(u, w, cards, SplitRules(tau=0.0)) is not None


def test_other_software_from_the_same_networks_is_not_split():
    """Two populations that differ in dialect, header template and content but send from
    the same networks are one botnet's two software versions (or another's mail from the
    same bots): no split (one is, when the dialect is taken for the network)."""
    x, cards = _two_populations(np.random.default_rng(9), True, True, False)
    u, w, _ = unique_rows(x)
    assert split_class(u, w, cards, SplitRules(tau=0.6)) is None
    assert split_class(u, w, cards, SplitRules(tau=0.6, network_col=0)) is not None


def test_two_sender_populations_are_split():
    x, cards = _two_populations(np.random.default_rng(10), False, True, True)
    u, w, inv = unique_rows(x)
    halves = split_class(u, w, cards, SplitRules(tau=0.6))
    assert halves is not None
    pop = (x[:, 3] >= 6).astype(int)
    assert adjusted_rand_score(pop, halves.argmax(axis=1)[inv]) == 1.0


def test_a_class_of_independent_traits_is_not_split():
    rng = np.random.default_rng(6)
    x = np.stack([rng.integers(0, 3, 2000) for _ in range(5)], axis=1)
    u, w, _ = unique_rows(x)
    assert split_class(u, w, [3] * 5, SplitRules(tau=0.0, min_shift=0.0)) is None


def test_unique_rows_weights_add_up():
    x = np.array([[1, 2], [1, 2], [3, 4]])
    u, w, inv = unique_rows(x)
    assert w.sum() == 3 and (u[inv] == x).all()


def test_botnet_like_needs_spread_and_a_non_server_dialect():
    labels = np.array([0] * 30 + [1] * 30 + [2] * 30)
    ip = np.concatenate([np.arange(30), np.zeros(30, dtype=int), np.arange(100, 130)])
    asn = np.concatenate([np.arange(30) % 10, np.zeros(30, dtype=int), np.arange(30) % 10])
    server = np.concatenate([np.zeros(60, dtype=bool), np.ones(30, dtype=bool)])
    like = botnet_like(cluster_stats(labels, ip, asn, server), 20, 5, 0.5)
    assert like.tolist() == [True, False, False]
