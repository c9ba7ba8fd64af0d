"""Sender clusters from discovery through the splits and joins to their names."""

from __future__ import annotations

import numpy as np
import pytest

from spamintel.attribute.naming import RowInputs, _split_piece_populations, build_clusters
from spamintel.attribute.resolve import FamilyMatches
from spamintel.config import AttributeConfig

# per row: dialect, header template, recipients, network, content group, campaign domain,
# IP, day, country
_COLUMNS = 9


def _population(rng: np.random.Generator, first_ip: int, days: range, dialect: int,
                header: int, networks: range, contents: list[int], countries: list[int],
                domains: int, per_day: int = 30) -> np.ndarray:
    """Rows of one botnet's software: each bot (IP) sends two messages on one day."""
    rows = []
    for d in days:
        for i in range(per_day):
            k = int(rng.integers(len(contents)))
            rows.append((dialect, header, 0, rng.choice(networks), contents[k],
                         domains + contents[k], first_ip + d * per_day + i // 2, d,
                         rng.choice(countries)))
    return np.array(rows, dtype=np.int64).reshape(-1, _COLUMNS)


def _clusters(*populations: np.ndarray, signed: dict[int, str] | None = None):
    """Labels per population (and the clusters); ``signed`` maps a population number to
    the family whose signature matches its mail."""
    rows = np.vstack(populations)
    n = len(rows)
    x = np.stack([np.unique(rows[:, j], return_inverse=True)[1] for j in range(6)], axis=1)
    inputs = RowInputs(x, np.ones(n, dtype=bool), rows[:, 6], rows[:, 3],
                       np.zeros(n, dtype=bool), np.array([f"{i:064x}" for i in range(n)]),
                       np.ones(n, dtype=bool), rows[:, 7], rows[:, 8], x[:, 1], rows[:, 3])
    bounds = np.cumsum([0] + [len(p) for p in populations])
    families = sorted(set((signed or {}).values()))
    mask = np.zeros((n, len(families)), dtype=bool)
    for population, family in (signed or {}).items():
        mask[bounds[population]:bounds[population + 1], families.index(family)] = True
    matches = FamilyMatches(families, mask, mask.any(axis=1) * 0.95,
                            [f"{f.lower()}-1" for f in families])
    clusters = build_clusters(inputs, matches, AttributeConfig(use_signatures=bool(families)),
                              lambda labels: x[:, 5].copy())
    return [clusters.labels[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)], clusters


@pytest.mark.parametrize("seed", [0, 1])
def test_a_botnet_switching_templates_joins_the_software_piece_it_left(seed):
    # one botnet runs two header templates on one content; the second falls silent on day
    # 30 as the same bots' countries start new campaigns on a third template
    rng = np.random.default_rng(seed)
    first = _population(rng, 0, range(0, 45), 1, 1, range(10, 20), [0, 1, 2, 3], [0, 1, 2], 100)
    second = _population(rng, 100_000, range(0, 30), 1, 2, range(10, 20), [0, 1, 2, 3],
                         [0, 1, 2], 300)
    switched = _population(rng, 200_000, range(30, 45), 1, 3, range(10, 20), [8, 9],
                           [0, 1, 2], 400)
    other = _population(rng, 300_000, range(0, 45), 5, 5, range(30, 40), [5, 6],
                        [20, 21, 22], 200)
    (first_l, second_l, switched_l, other_l), _ = _clusters(first, second, switched, other)
    assert len(set(second_l)) == 1 and set(switched_l) == set(second_l)
    assert not set(second_l) & set(other_l)
    # the first template's class sends on the same days from the same networks: the
    # same botnet, joined as a sibling (``siblings``)
    assert set(first_l) == set(second_l)


@pytest.mark.parametrize("seed", [0, 1])
def test_a_new_botnet_s_bots_on_software_no_signature_describes_take_its_name(seed):
    # from day 20 a new botnet sends two campaigns in two dialects; its signature
    # describes only the first, whose class also holds another sender's mail from day 0
    # (so that class does not look new)
    rng = np.random.default_rng(seed)
    described = _population(rng, 100_000, range(20, 45), 2, 2, range(30, 40), [5, 6],
                            [10, 11, 12], 200)
    strays = _population(rng, 400_000, range(0, 45), 2, 2, range(30, 40), [5], [13, 14], 200,
                         per_day=4)
    other_dialect = _population(rng, 200_000, range(21, 45), 3, 3, range(30, 40), [5, 6],
                                [10, 11, 12], 200)
    late_stranger = _population(rng, 300_000, range(21, 45), 4, 4, range(50, 60), [7, 8],
                                [20, 21, 22], 500)
    old = _population(rng, 0, range(0, 45), 1, 1, range(10, 20), [0, 1, 2, 3], [0, 1, 2], 100)
    (described_l, _, twin_l, stranger_l, _), clusters = _clusters(
        described, strays, other_dialect, late_stranger, old, signed={0: "Newbot"})
    assert set(twin_l) != set(described_l), "discovery keeps the two dialects apart"
    assert {clusters.names[c] for c in set(described_l) | set(twin_l)} == {"Newbot"}
    assert clusters.names[stranger_l[0]] != "Newbot", "other campaigns: not the same botnet"


@pytest.mark.parametrize("seed", [0, 1])
def test_a_new_botnet_s_bots_that_send_one_of_its_campaigns_on_other_software(seed):
    # from day 20 a new botnet sends three campaigns; from its own networks, some of its
    # bots run other software and send only one of them; a stranger that starts the same
    # day on another of them sends from other networks
    rng = np.random.default_rng(seed)
    described = _population(rng, 100_000, range(20, 45), 2, 2, range(30, 40), [5, 6, 7],
                            [10, 11, 12], 200)
    twin = _population(rng, 200_000, range(20, 45), 3, 3, range(30, 40), [5],
                       [10, 11, 12], 200)
    stranger = _population(rng, 300_000, range(20, 45), 4, 4, range(50, 60), [6],
                           [20, 21, 22], 200)
    old = _population(rng, 0, range(0, 45), 1, 1, range(10, 20), [0, 1, 2, 3], [0, 1, 2], 100)
    (described_l, twin_l, stranger_l, _), clusters = _clusters(
        described, twin, stranger, old, signed={0: "Newbot"})
    assert set(twin_l) != set(described_l), "discovery keeps the two programs apart"
    assert {clusters.names[c] for c in set(twin_l)} == {"Newbot"}
    assert {clusters.names[c] for c in set(stranger_l)} != {"Newbot"}


@pytest.mark.parametrize("seed", [0, 1])
def test_a_botnet_whose_signed_mail_is_split_between_two_families_is_reported(seed):
    # one botnet's bots run one of two known programs (Alpha's or Beta's dialect) and send
    # on their family's header template or on a third; each family's signatures match
    # only its own template, under a third of the mail: a botnet of its own
    rng = np.random.default_rng(seed)
    parts = [_population(rng, 100_000 * (d - 1), range(0, 40), d, h, range(10, 20),
                         [0, 1, 2], [0, 1, 2], 100, per_day=n)
             for d, h, n in [(1, 1, 30), (2, 2, 30), (1, 3, 20), (2, 3, 20)]]
    other = _population(rng, 300_000, range(0, 40), 5, 5, range(30, 40), [5, 6],
                        [20, 21, 22], 200)
    labels, clusters = _clusters(*parts, other, signed={0: "Alpha", 1: "Beta"})
    names = {clusters.names[c] for part in labels[:4] for c in set(part)}
    assert len(names) == 1 and names.pop().startswith("unknown-")


def test_a_software_piece_holding_two_botnets_on_one_campaign_is_split_again():
    # class 1 was split off class 0 as one piece because a new botnet (dialect 2) and an
    # old one's strays (dialect 3, other networks) send one campaign; class 0 itself also
    # holds a dialect from other networks, which this step leaves to discovery's split
    rng = np.random.default_rng(7)
    parts = [(0, 0, 900, 0), (0, 4, 200, 70), (1, 2, 600, 30), (1, 3, 150, 50)]
    dialect, ip, network = [], [], []
    labels = np.concatenate([np.full(n, c) for c, _, n, _ in parts])
    for _, d, n, base in parts:
        bots = rng.integers(0, n // 2, n) + 10_000 * (d + 1)
        dialect.append(np.full(n, d))
        ip.append(bots)
        network.append(base + bots % 10)
    x = np.zeros((len(labels), 6), dtype=np.int64)
    x[:, 0], x[:, 3] = np.concatenate(dialect), np.concatenate(network)
    n = len(labels)
    rows = RowInputs(x, np.ones(n, dtype=bool), np.concatenate(ip), x[:, 3],
                     np.zeros(n, dtype=bool), np.array([f"{i:064x}" for i in range(n)]),
                     np.ones(n, dtype=bool), np.zeros(n, dtype=np.int64),
                     np.zeros(n, dtype=np.int64), x[:, 1], x[:, 3])
    out, origin = _split_piece_populations(labels, rows, {1: 0}, AttributeConfig())
    assert (out[x[:, 0] == 2] == 1).all()
    strays = out[x[:, 0] == 3]
    assert len(set(strays)) == 1 and strays[0] not in (0, 1) and origin[int(strays[0])] == 0
    assert (out[labels == 0] == 0).all()
