from datetime import date

import numpy as np
import pytest

from spamintel.analyze.daily import (
    daily_estimates,
    rescale_outliers,
    select_sensors,
    sensor_spread,
    steady_ratio,
)
from spamintel.analyze.estimate import Scaler
from spamintel.analyze.series import DailyCounts
from spamintel.config import CalibrationConfig


def test_a_sensor_with_a_biased_view_of_a_family_is_left_out():
    e = np.array([[1.8], [1.2], [0.7]]) * np.ones((3, 30))
    n = np.vstack([np.full(30, 180.0), np.full(30, 36.0), np.full(30, 70.0)])
    assert select_sensors(n, e).tolist() == [True, False, True]


def test_agreeing_sensors_are_all_kept_and_two_are_never_judged():
    e = np.array([[1.8], [1.2], [0.7]]) * np.ones((3, 30))
    n = e * 100
    assert select_sensors(n, e).all()
    assert select_sensors(np.array([[100.0], [10.0]]), np.ones((2, 1))).all()


def test_a_sensor_that_never_sees_a_series_is_the_one_left_out():
    e = np.array([[1.0], [1.0], [1.0], [0.5]]) * np.ones((4, 30))
    n = np.vstack([np.full(30, 100.0), np.zeros(30), np.full(30, 100.0), np.full(30, 50.0)])
    assert select_sensors(n, e).tolist() == [True, False, True, True]
    n[0] *= 2
    assert select_sensors(n, e).tolist() == [False, False, True, True]


def _poisson_sensors(rates: list[np.ndarray], days: int = 120, seed: int = 5
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Counts of sensors of exposure 1 whose daily rates are ``rates`` (one a sensor)."""
    rng = np.random.default_rng(seed)
    n = np.vstack([rng.poisson(np.broadcast_to(r, days)) for r in rates]).astype(float)
    return n, np.ones_like(n)


def test_a_sensor_at_a_steady_rate_of_its_own_comes_back_with_that_rate():
    level = np.where(np.arange(120) < 60, 100.0, 60.0)  # the series halves on day 60
    n, e = _poisson_sensors([level, level, 2 * level])
    used = select_sensors(n, e)
    assert used.tolist() == [True, True, False]
    k = steady_ratio(n[2], e[2], n[:2].sum(0), e[:2].sum(0))
    assert k == pytest.approx(2.0, rel=0.03)
    e2, used2 = rescale_outliers(n, e, used, np.ones(3, dtype=bool))
    assert used2.all() and e2[2] == pytest.approx(np.full(120, k)) and (e2[:2] == 1).all()
    pooled = n[used2].sum(0) / e2[used2].sum(0)
    assert pooled[:60].mean() == pytest.approx(100, rel=0.02)
    assert pooled[60:].mean() == pytest.approx(60, rel=0.02)


def test_a_sensor_whose_rate_wanders_or_that_may_not_come_back_stays_out():
    level = np.full(120, 100.0)
    wandering = np.where(np.arange(120) < 60, 100.0, 200.0)
    n, e = _poisson_sensors([level, level, wandering])
    used = select_sensors(n, e)
    assert used.tolist() == [True, True, False]
    assert steady_ratio(n[2], e[2], n[:2].sum(0), e[:2].sum(0)) is None
    assert rescale_outliers(n, e, used, np.ones(3, dtype=bool))[1].tolist() == [True, True,
                                                                               False]
    n, e = _poisson_sensors([level, level, 2 * level])
    assert rescale_outliers(n, e, used, np.array([True, True, False]))[1].tolist() == [
        True, True, False]  # not a candidate (a mixed feed)
    assert steady_ratio(n[2, :20], e[2, :20], n[0, :20], e[0, :20]) is None  # one block


def _counts(days, per_sensor: dict[str, float], clumping: float = 1.0) -> DailyCounts:
    messages = {(d, s, "B"): int(k) for s, k in per_sensor.items() for d in days}
    return DailyCounts(days, list(per_sensor), ["B"], messages,
                       {k: float(v) for k, v in messages.items()}, {"B": clumping})


def test_a_mixed_feed_adds_a_botnets_mail_scaled_by_the_classifiers_recall():
    # the trap sees 1e-6 of the world, the feed 5e-7 but counts only the 60% flagged
    days = [date(2011, 3, d) for d in range(1, 29)] + [date(2011, 4, d) for d in range(1, 4)]
    counts = _counts(days, {"trap-a": 1000, "feed-1": 300})
    scaler = Scaler(CalibrationConfig(sensor_shares={"trap-a": 1e-6, "feed-1": 5e-7}))
    active = {d: {"trap-a", "feed-1"} for d in days}
    rows = daily_estimates(counts, active, scaler, mixed=["feed-1"],
                           recall={"B": {"2011-03": 0.6}})
    by_day = {r["day"]: r for r in rows if r["scope"] == "botnet"}
    march, april = by_day[date(2011, 3, 10)], by_day[date(2011, 4, 2)]
    assert march["calibrated_messages"] == 1300
    assert march["raw_estimated"] == pytest.approx(1e9)
    # no measured recall in April: the feed is left out, not counted at full share
    assert april["calibrated_messages"] == 1000
    assert april["raw_estimated"] == pytest.approx(1e9)
    # without a measured recall the feed is not used at all
    alone = daily_estimates(counts, active, scaler, mixed=["feed-1"])
    assert {r["calibrated_messages"] for r in alone if r["scope"] == "botnet"} == {1000}


def test_messages_that_come_in_sessions_widen_the_interval_not_the_estimate():
    # four messages per connection: a day's count varies four times as much as Poisson's
    days = [date(2011, 3, d) for d in range(1, 29)]
    scaler = Scaler(CalibrationConfig(sensor_shares={"trap-a": 1e-6}))
    active = {d: {"trap-a"} for d in days}

    def row(clumping: float) -> dict:
        rows = daily_estimates(_counts(days, {"trap-a": 100}, clumping), active, scaler)
        return next(r for r in rows if r["scope"] == "botnet" and r["day"] == days[10])

    alone, sessions = row(1.0), row(4.0)
    assert sessions["estimated"] == alone["estimated"]
    width = (sessions["high"] - sessions["low"]) / (alone["high"] - alone["low"])
    assert width == pytest.approx(2.0, rel=0.1)


def test_two_sensors_that_disagree_widen_the_interval_to_cover_either():
    # the world sends 1e9 a day; trap-b's lists draw this botnet at 0.3 of its share, and
    # with two sensors nothing says which one is right
    days = [date(2011, 3, d) for d in range(1, 29)]
    scaler = Scaler(CalibrationConfig(sensor_shares={"trap-a": 2e-7, "trap-b": 1e-7}))
    active = {d: {"trap-a", "trap-b"} for d in days}

    def day(per_sensor: dict[str, float]) -> dict:
        rows = daily_estimates(_counts(days, per_sensor), active, scaler)
        return next(r for r in rows if r["scope"] == "botnet" and r["day"] == days[10])

    agree, disagree = day({"trap-a": 200, "trap-b": 100}), day({"trap-a": 200, "trap-b": 30})
    assert agree["low"] < 1e9 < agree["high"]
    assert disagree["estimated"] == pytest.approx(0.767e9, rel=0.01)
    assert disagree["low"] < 0.3e9 * 1.1 and disagree["high"] > 1e9
    assert agree["high"] - agree["low"] < 0.1e9


def test_the_sensor_spread_is_nothing_for_one_sensor_or_for_sensors_that_agree():
    e = np.array([[2.0], [1.0]]) * np.ones((2, 30))
    assert sensor_spread(e[:1] * 100, e[:1]) == 0.0
    assert sensor_spread(e * 100, e) == 0.0
    biased = e * 100 * np.array([[1.0], [0.3]])
    assert sensor_spread(biased, e) > 0.1
    # counted as sessions of ten messages, less of the same gap is beyond chance
    assert sensor_spread(biased, e, clump=10.0) < sensor_spread(biased, e)


def test_without_traps_a_feed_counts_at_its_share_times_the_recall_measured_there():
    # the feed sees 1e-6 of the world and flags 80% of the botnet's mail in March; no
    # recall is known for April, so April's count is taken as it is
    days = [date(2011, 3, d) for d in range(1, 29)] + [date(2011, 4, d) for d in range(1, 4)]
    counts = _counts(days, {"feed-1": 800})
    scaler = Scaler(CalibrationConfig(sensor_shares={"feed-1": 1e-6}))
    active = {d: {"feed-1"} for d in days}
    rows = daily_estimates(counts, active, scaler, mixed=["feed-1"],
                           recall={"B": {"2011-03": 0.8}})
    by_day = {r["day"]: r for r in rows if r["scope"] == "botnet"}
    assert by_day[date(2011, 3, 10)]["raw_estimated"] == pytest.approx(1e9)
    assert by_day[date(2011, 4, 2)]["raw_estimated"] == pytest.approx(8e8)
