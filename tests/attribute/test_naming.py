"""Sender clusters from discovery through the splits and joins to their names."""

from __future__ import annotations

import numpy as np
import pytest

from spamintel.attribute.naming import RowInputs, build_clusters
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


def _clusters(*populations: np.ndarray):
    rows = np.vstack(populations)
    n = len(rows)
    x = np.stack([np.unique(rows[:, j], return_inverse=True)[1] for j in range(6)], axis=1)
    inputs = RowInputs(x, np.ones(n, dtype=bool), rows[:, 6], rows[:, 3],
                       np.zeros(n, dtype=bool), np.array([f"{i:064x}" for i in range(n)]),
                       np.ones(n, dtype=bool), rows[:, 7], rows[:, 8])
    no_signatures = FamilyMatches([], np.zeros((n, 0), dtype=bool), np.zeros(n), [])
    clusters = build_clusters(inputs, no_signatures, AttributeConfig(use_signatures=False),
                              lambda labels: x[:, 5].copy())
    bounds = np.cumsum([0] + [len(p) for p in populations])
    return [clusters.labels[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


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
    first_l, second_l, switched_l, other_l = _clusters(first, second, switched, other)
    assert len(set(second_l)) == 1 and set(switched_l) == set(second_l)
    assert not set(second_l) & (set(first_l) | set(other_l))
