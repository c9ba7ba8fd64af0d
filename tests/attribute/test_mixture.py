"""The latent class model: EM finds two planted classes, respects ``allowed``, and the
tuple a class explains worst belongs to a population it absorbed."""

from __future__ import annotations

import numpy as np

from spamintel.attribute.mixture import (
    em,
    extra_parameters,
    farthest_seeds,
    hard_init,
    misfit_tuple,
    unique_rows,
)


def _two_classes(n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    cls = rng.integers(0, 2, size=n)
    a = np.where(cls == 0, rng.integers(0, 3, size=n), rng.integers(3, 6, size=n))
    b = np.where(cls == 0, rng.integers(0, 2, size=n), rng.integers(2, 4, size=n))
    return np.stack([a, b], axis=1), cls


def test_em_recovers_planted_classes():
    x, cls = _two_classes()
    u, w, inv = unique_rows(x)
    seeds = farthest_seeds(u, w, 2)
    fit = em(u, w, hard_init(u, seeds), [6, 4])
    labels = fit.resp.argmax(axis=1)[inv]
    agree = (labels == cls).mean()
    assert max(agree, 1 - agree) == 1.0


def test_allowed_mask_is_respected():
    x, _ = _two_classes()
    u, w, _ = unique_rows(x)
    allowed = np.zeros((len(u), 2), dtype=bool)
    allowed[:, 1] = True
    fit = em(u, w, np.full((len(u), 2), 0.5), [6, 4], allowed=allowed)
    assert (fit.resp[:, 0] == 0).all()


def test_misfit_tuple_points_at_an_absorbed_population():
    """A class fitted to a large population with independent traits and a small one whose
    traits always come together: the small one's tuple is the worst explained, although
    the large one's tuples are heavier."""
    rng = np.random.default_rng(3)
    big = np.stack([rng.integers(0, 4, 2000), rng.integers(0, 4, 2000)], axis=1)
    small = np.tile([[4, 4]], (100, 1))
    u, w, _ = unique_rows(np.concatenate([big, small]))
    one = em(u, w, np.ones((len(u), 1)), [5, 5], iters=1)
    assert w[misfit_tuple(u, w, one.log_theta)] < w.max()
    assert u[misfit_tuple(u, w, one.log_theta)].tolist() == [4, 4]


def test_extra_parameters_count_the_values_seen():
    x = np.array([[0, 5], [1, 5], [2, 5]])
    assert extra_parameters(x) == 1 + 2 + 0
