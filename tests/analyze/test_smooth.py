import numpy as np

from spamintel.analyze.smooth import fit, segment


def test_constant_series_is_one_piece_and_pools_all_days():
    rng = np.random.default_rng(0)
    n = rng.poisson(50, 100).astype(float)
    e = np.ones(100)
    assert segment(n, e) == [(0, 100, 1)]
    f = fit(n, e)
    assert np.allclose(f.rate, n.mean()) and f.pooled_count[0] == n.sum()


def test_step_and_burst_cycle_are_found():
    rng = np.random.default_rng(1)
    level = np.r_[np.full(40, 100.0), np.tile([100.0, 170.0, 30.0], 20)]
    n = rng.poisson(level).astype(float)
    pieces = segment(n, np.ones(len(n)))
    assert pieces[-1][2] == 3, "the burst cycle is a periodic piece"
    f = fit(n, np.ones(len(n)))
    assert np.mean(np.abs(f.rate / level - 1) < 0.15) > 0.9


def test_exposure_zero_days_get_no_rate_mass():
    n = np.array([10.0, 0.0, 12.0, 11.0])
    e = np.array([1.0, 0.0, 1.0, 1.0])
    f = fit(n, e)
    assert np.isfinite(f.rate).all()
