"""The latent class model: EM finds two planted classes, and respects ``allowed``."""

from __future__ import annotations

import numpy as np

from spamintel.attribute.mixture import em, farthest_seeds, hard_init, unique_rows


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
