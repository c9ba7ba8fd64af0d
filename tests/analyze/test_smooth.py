import math

import numpy as np

from spamintel.analyze.estimate import poisson_interval, widen
from spamintel.analyze.smooth import breaks, dispersion, fit, pattern_levels, segment


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


def test_a_small_part_follows_a_change_of_the_whole():
    # 20 messages a day, +15% from day 30: BIC alone mostly misses it (one biased level);
    # offered as a shared break (the whole changed there), the part takes it
    level = np.r_[np.full(30, 20.0), np.full(30, 23.0)]
    e, shared = np.ones(60), np.arange(60) == 30
    missed, err_alone, err_joint = 0, [], []
    for seed in range(20):
        n = np.random.default_rng(seed).poisson(level).astype(float)
        missed += len(segment(n, e)) == 1
        err_alone.append(np.abs(fit(n, e).rate / level - 1).mean())
        err_joint.append(np.abs(fit(n, e, shared=shared).rate / level - 1).mean())
    assert missed >= 8
    assert np.mean(err_joint) < 0.8 * np.mean(err_alone)


def test_breaks_marks_piece_starts():
    assert breaks([(0, 10, 1), (10, 25, 3), (25, 40, 1)]).nonzero()[0].tolist() == [10, 25]


def test_a_burst_cycle_that_grows_keeps_its_pattern_and_takes_a_new_level():
    # a 3-day cycle, 5% higher from day 60: mostly too small a change to pay for three
    # new levels (a second periodic piece), enough for one
    cycle = np.tile([600.0, 350.0, 110.0], 40)
    level = cycle * np.r_[np.ones(60), np.full(60, 1.05)]
    e = np.ones(len(level))
    err_levels, err_one, ratios = [], [], []
    for seed in range(20):
        n = np.random.default_rng(seed).poisson(level).astype(float)
        f = fit(n, e)
        err_levels.append(np.abs(f.rate / level - 1).mean())
        one = np.tile([n[k::3].mean() for k in range(3)], 40)  # the piece as one level
        err_one.append(np.abs(one / level - 1).mean())
        ratios.append(f.rate[60:].mean() / f.rate[:60].mean())
    assert np.mean(err_levels) < 0.6 * np.mean(err_one)
    assert abs(np.mean(ratios) - 1.05) < 0.015


def test_a_steady_cycle_is_one_level_pooled_by_residue_class():
    level = np.tile([600.0, 350.0, 110.0], 40)
    n = np.random.default_rng(5).poisson(level).astype(float)
    e = np.ones(len(level))
    piece = segment(n, e)[0]
    assert pattern_levels(n, e, piece, np.log(len(n))) == [(0, 120)]
    f = fit(n, e)
    assert f.rate[0] == n[0::3].mean() and f.pooled_count[0] == n[0::3].sum()


def test_dispersion_is_near_zero_for_poisson_counts_around_the_pieces():
    rng = np.random.default_rng(3)
    e = np.full(150, 2.0)
    n = rng.poisson(np.r_[np.full(70, 200.0), np.full(80, 120.0)]).astype(float)
    assert dispersion(n, e, fit(n, e)) < 0.001


def _coverage(truth: np.ndarray, f, rel: float) -> float:
    hits = []
    for d, t in enumerate(truth):
        lo, hi = poisson_interval(f.pooled_count[d])
        per_count = f.rate[d] / f.pooled_count[d]
        low, high = widen(f.rate[d], lo * per_count, hi * per_count, rel)
        hits.append(low <= t <= high)
    return float(np.mean(hits))


def test_dispersion_widens_intervals_to_hold_a_noisy_true_level():
    rng = np.random.default_rng(4)
    e = np.ones(150)
    truth = 100.0 * np.exp(rng.normal(0.0, 0.1, 150))
    n = rng.poisson(truth).astype(float)
    f = fit(n, e)
    tau2 = dispersion(n, e, f)
    assert 0.004 < tau2 < 0.02
    assert _coverage(truth, f, 0.0) < 0.5, "Poisson error of the pooled count alone"
    assert _coverage(truth, f, math.sqrt(tau2)) > 0.88


def test_dispersion_of_a_series_the_pieces_hold_exactly_is_zero():
    n, e = np.array([5.0, 0.0, 7.0]), np.ones(3)
    assert dispersion(n, e, fit(n, e, penalty=0.0)) == 0.0


def test_a_cycle_that_runs_on_through_level_changes_keeps_one_pattern():
    # a 3-day burst cycle whose level rises 13% on day 21 and 8.4% more on day 49; fitted
    # as two periodic pieces, each estimates the cycle's days again from a few weeks
    cycle = np.tile([330.0, 190.0, 60.0], 22)[:65]
    level = cycle * np.r_[np.ones(21), np.full(28, 1.13), np.full(16, 1.13 * 1.084)]
    e = np.ones(len(level))
    err, one_piece = [], 0
    for seed in range(20):
        n = np.random.default_rng(seed).poisson(level).astype(float)
        f = fit(n, e)
        err.append(np.abs(f.rate / level - 1).mean())
        one_piece += len(set(f.pattern.tolist())) == 1
    assert one_piece >= 15
    assert np.mean(err) < 0.025


def test_a_cycle_that_restarts_out_of_phase_keeps_two_patterns():
    first, second = np.tile([500.0, 250.0, 60.0], 10), np.tile([60.0, 500.0, 250.0], 10)
    level = np.r_[first, second]
    n = np.random.default_rng(3).poisson(level).astype(float)
    f = fit(n, np.ones(len(n)))
    assert len(set(f.pattern.tolist())) == 2
    assert np.mean(np.abs(f.rate / level - 1) < 0.15) > 0.9
