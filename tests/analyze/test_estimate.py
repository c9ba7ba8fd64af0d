import math
from datetime import date

import numpy as np
import pytest

from spamintel.analyze import compute, series
from spamintel.analyze.daily import daily_estimates
from spamintel.analyze.estimate import (
    Scaler,
    count_ratio_z,
    make_scaler,
    monthly_estimates,
    poisson_interval,
    widen,
)
from spamintel.analyze.synthetic import truth_daily
from spamintel.config import AnalyzeConfig, CalibrationConfig


def test_poisson_interval_matches_known_values():
    assert poisson_interval(0) == (0.0, pytest.approx(3.689, abs=1e-3))
    lo, hi = poisson_interval(10)
    assert lo == pytest.approx(4.795, abs=1e-3) and hi == pytest.approx(18.390, abs=1e-3)


def test_count_ratio_z_is_signed_and_grows_with_the_counts():
    assert count_ratio_z(99.5, 99.5) == 0.0
    assert count_ratio_z(199.5, 99.5) == pytest.approx(math.log(2) / math.sqrt(3 / 200))
    assert count_ratio_z(9.5, 19.5) < 0
    assert np.allclose(count_ratio_z(np.array([20.0, 2000.0]), np.array([10.0, 1000.0])),
                       [count_ratio_z(20.0, 10.0), count_ratio_z(2000.0, 1000.0)])


def test_widen_adds_relative_error_and_keeps_order():
    lo, hi = widen(100.0, 90.0, 110.0, 0.1)
    assert lo < 90.0 and hi > 110.0
    assert widen(100.0, 90.0, 110.0, 0.0) == (90.0, 110.0)


def _errors(tables, truth, name):
    rows = [r for r in tables["series_daily"]
            if (r["scope"] == "global" and name == "*") or r["botnet"] == name]
    pairs = [(r, truth[(r["day"], name)]) for r in rows if truth[(r["day"], name)] > 0]
    err = np.array([r["estimated"] / t - 1 for r, t in pairs])
    covered = np.mean([r["low"] <= t <= r["high"] for r, t in pairs])
    return err, covered


@pytest.mark.parametrize("name", ["*", "Rustock", "Bagle", "Cutwail"])
def test_daily_estimates_are_unbiased_and_intervals_cover(tables, world, name):
    err, covered = _errors(tables, truth_daily(world), name)
    assert abs(err.mean()) < 0.01
    assert covered >= 0.7, "intervals are conditional on the pooling, so a little narrow"


@pytest.mark.parametrize("name", ["Bagle", "Cutwail"])
def test_pooling_days_beats_one_day_estimates_on_steady_botnets(tables, world, name):
    truth = truth_daily(world)
    rows = [r for r in tables["series_daily"] if r["botnet"] == name]
    t = np.array([truth[(r["day"], name)] for r in rows])
    pooled = np.abs(np.array([r["estimated"] for r in rows]) / t - 1)
    raw = np.abs(np.array([r["raw_estimated"] for r in rows]) / t - 1)
    assert np.mean(pooled < 0.05) > np.mean(raw < 0.05)
    assert np.mean(pooled < 0.05) >= 0.9


def test_global_daily_estimate_within_5_percent_on_95_percent_of_days(tables, world):
    err, _ = _errors(tables, truth_daily(world), "*")
    assert np.mean(np.abs(err) < 0.05) >= 0.95


def _estimates_with_sensors_down(store, acfg, day: date, down: set[str] | None) -> list[dict]:
    """Daily estimates of ``store`` as if the ``down`` sensors (all when None) had stored
    nothing on ``day``."""
    con = store.connect()
    series.spam_view(con, "messages")
    counts = series.daily_counts(con)
    active = series.active_sensors(con)
    down = set(counts.sensors) if down is None else down
    for key in [k for k in counts.messages if k[0] == day and k[1] in down]:
        del counts.messages[key], counts.amount[key]
    active[day] -= down
    return daily_estimates(counts, active, make_scaler(acfg.calibration, counts))


def test_a_sensor_that_was_down_does_not_bias_the_estimate(synth_store, acfg, world):
    day = date(2011, 3, 3)
    rows = _estimates_with_sensors_down(synth_store, acfg, day, {"trap-a"})
    est = next(r for r in rows if r["day"] == day and r["scope"] == "global")["estimated"]
    assert est == pytest.approx(truth_daily(world)[(day, "*")], rel=0.06)
    # every row says what part of the usual mail its day's sensors were up to receive
    assert all(0 < r["coverage"] < 1 for r in rows if r["day"] == day)
    assert all(r["coverage"] == pytest.approx(1.0) for r in rows if r["day"] != day)


def test_a_day_every_sensor_was_down_has_no_estimate_and_no_interval(synth_store, acfg):
    day = date(2011, 3, 3)
    rows = _estimates_with_sensors_down(synth_store, acfg, day, None)
    blind = [r for r in rows if r["day"] == day]
    assert blind and all(r["estimated"] is None and r["low"] is None and r["high"] is None
                         for r in blind)
    assert all(r["estimated"] is not None for r in rows if r["day"] == date(2011, 3, 4))


def test_reference_calibration_reproduces_the_reference_total(synth_store):
    cal = CalibrationConfig(reference_start="2011-03-07", reference_end="2011-03-13",
                            reference_per_day=52e9)
    out = compute(synth_store, AnalyzeConfig(run_attribution=False, calibration=cal))
    week = [r for r in out["series_daily"] if r["scope"] == "global"
            and date(2011, 3, 7) <= r["day"] <= date(2011, 3, 13)]
    assert sum(r["raw_estimated"] for r in week) / 7 == pytest.approx(52e9, rel=1e-9)
    assert sum(r["estimated"] for r in week) / 7 == pytest.approx(52e9, rel=0.02)


def test_without_calibration_there_are_no_world_figures(synth_store):
    out = compute(synth_store, AnalyzeConfig(run_attribution=False))
    assert all(r["estimated"] is None for r in out["series_daily"])
    assert all(r["value"] is None for r in out["estimates"])


def test_monthly_estimate_matches_truth(tables, world):
    truth = truth_daily(world)
    march = [truth[(d, "*")] for d in world.days() if d.month == 3]
    row = next(r for r in tables["estimates"] if r["month"] == "2011-03"
               and r["scope"] == "global")
    assert row["value"] == pytest.approx(np.mean(march), rel=0.02)
    assert row["low"] < row["value"] < row["high"] and row["unit"] == "messages"


def test_a_month_with_days_no_sensor_saw_is_the_mean_of_the_days_seen():
    scaler = Scaler(CalibrationConfig(sensor_shares={"trap": 1e-8}))
    days = [date(2011, 6, d) for d in range(1, 11)]
    down = (4, 5)  # every sensor was down on 5 and 6 June
    daily = [{"day": d, "scope": "global", "botnet": None,
              "observed": 0.0 if i in down else 300.0, "messages": 0 if i in down else 300,
              "calibrated_messages": 0 if i in down else 300,
              "estimated": None if i in down else 3e10 + i * 1e8,
              "high": None if i in down else 3.3e10} for i, d in enumerate(days)]
    (row,) = monthly_estimates(daily, scaler)
    seen = [3e10 + i * 1e8 for i in range(10) if i not in down]
    assert (row["days"], row["days_estimated"]) == (10, 8)
    assert row["value"] == pytest.approx(np.mean(seen))
    assert row["low"] < row["value"] < row["high"]
    assert row["observed_per_day"] == pytest.approx(240.0)  # what the sensors saw, all days
    # a month no sensor saw at all has no estimate
    blind = [dict(r, estimated=None, high=None) for r in daily]
    assert monthly_estimates(blind, scaler)[0]["value"] is None
