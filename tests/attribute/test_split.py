"""A second sender population left in a class is split off by the networks of its dialect
or header template."""

from __future__ import annotations

import numpy as np

from spamintel.attribute.split import join_pieces, split_populations


def _class_of_two(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                      np.ndarray]:
    """One class (label 0): a botnet whose bots speak dialect 0 or 1 from networks 0-19,
    and another botnet (dialect 2, networks 30-34) sharing its header template.
    Returns labels, dialect, ip, network; bots send about three messages each."""
    parts = [(0, 600, 0), (1, 300, 0), (2, 240, 30)]
    dialect, ip, network = [], [], []
    for d, n, base in parts:
        bots = rng.integers(0, n // 3, n) + 1000 * (d + 1)
        dialect.append(np.full(n, d))
        ip.append(bots)
        network.append(base + bots % (20 if base == 0 else 5))
    dialect_a = np.concatenate(dialect)
    return (np.zeros(len(dialect_a), dtype=np.int64), dialect_a, np.concatenate(ip),
            np.concatenate(network))


def test_a_dialect_from_other_networks_is_split_off():
    labels, dialect, ip, network = _class_of_two(np.random.default_rng(1))
    out, new = split_populations(labels, dialect, ip, network, min_messages=50)
    assert new.tolist() == [1]
    assert (out[dialect == 2] == 1).all()
    assert (out[dialect < 2] == 0).all()   # a botnet's second dialect, same networks: stays


def test_small_pieces_and_unclustered_rows_stay():
    labels, dialect, ip, network = _class_of_two(np.random.default_rng(2))
    labels[:10] = -1
    out, new = split_populations(labels, dialect, ip, network, min_messages=500)
    assert len(new) == 0 and (out == labels).all()


def test_a_split_piece_joins_the_class_of_its_own_botnet():
    # columns: dialect, header, recipients, network, content
    rng = np.random.default_rng(3)
    n = 300
    own = np.stack([np.full(n, 5), np.full(n, 7), rng.integers(0, 2, n), 30 + rng.integers(
        0, 5, n), 40 + rng.integers(0, 3, n)], axis=1)      # class 1: the botnet's other dialect
    piece = own.copy()
    piece[:, 0] = 2                                          # class 2: split off, dialect 2
    other = np.stack([rng.integers(0, 2, n), np.full(n, 7), rng.integers(0, 2, n),
                      rng.integers(0, 20, n), rng.integers(0, 3, n)], axis=1)   # class 0
    x = np.concatenate([other, own, piece])
    labels = np.repeat([0, 1, 2], n)
    out = join_pieces(labels, x, np.array([2]), tau=0.6)
    assert (out[n:] == out[n]).all() and out[n] != out[0]
    assert len(np.unique(out)) == 2


def test_a_header_template_from_other_networks_is_split_off():
    # two botnets speaking the same dialects in one class; the smaller one's header
    # template (2) comes from networks the other hardly uses
    labels, template, ip, network = _class_of_two(np.random.default_rng(4))
    out, new = split_populations(labels, template, ip, network, min_messages=50)
    assert new.tolist() == [1]
    assert (out[template == 2] == 1).all() and (out[template < 2] == 0).all()


def test_a_population_of_two_dialects_is_split_off_whole():
    # a botnet (dialect 0, networks 0-19) and another (dialects 1 and 2, networks 10-39)
    # in one class: each of the second's dialects is compared with the first's senders,
    # not with the rest of the class, which the other half of the second one dilutes
    rng = np.random.default_rng(5)
    parts = [(0, 1200, 0, 20), (1, 900, 10, 30), (2, 1050, 10, 30)]
    dialect, ip, network = [], [], []
    for d, n, base, width in parts:
        bots = rng.integers(0, n // 3, n) + 10_000 * (d + 1)
        dialect.append(np.full(n, d))
        ip.append(bots)
        network.append(base + bots % width)
    dialect_a = np.concatenate(dialect)
    labels = np.zeros(len(dialect_a), dtype=np.int64)
    out, new = split_populations(labels, dialect_a, np.concatenate(ip),
                                 np.concatenate(network), min_messages=50)
    assert len(new) == 2
    assert (out[dialect_a == 0] == 0).all()
    assert (out[dialect_a > 0] > 0).all()
