"""Change detection end to end on the synthetic world (perfect attribution)."""

import json
from datetime import date

import numpy as np
import pytest

from spamintel.analyze.synthetic import truth_daily


def _events(tables, kind=None, botnet=None):
    return [e for e in tables["botnet_events"] if (kind is None or e["type"] == kind)
            and (botnet is None or e["botnet"] == botnet)]


def test_the_takedown_is_dated_named_measured_and_displaced(tables, world):
    takedowns = _events(tables, "takedown")
    assert len(takedowns) == 1
    e = takedowns[0]
    assert (e["botnet"], e["date"]) == ("Rustock", date(2011, 3, 16))
    truth = truth_daily(world)
    before = np.mean([truth[(date(2011, 3, d), "Rustock")] for d in range(9, 16)])
    assert -e["magnitude"] == pytest.approx(before, rel=0.05)
    displaced = json.loads(e["displaced_to"])
    assert displaced[0]["botnet"] == "Bagle"
    assert displaced[0]["ratio"] == pytest.approx(1.3, abs=0.1)
    assert e["global_change"] < -0.2


def test_christmas_pause_and_january_resume(tables):
    assert [e["date"] for e in _events(tables, "pause", "Rustock")] == [date(2010, 12, 25)]
    assert [e["date"] for e in _events(tables, "resume", "Rustock")] == [date(2011, 1, 10)]


def test_new_botnet_within_a_day_and_content_switch(tables):
    (new,) = _events(tables, "new_botnet")
    assert new["botnet"] == "Newbot" and new["date"] == date(2011, 2, 7)
    (switch,) = _events(tables, "content_switch")
    assert switch["botnet"] == "Lethic" and abs((switch["date"] - date(2011, 2, 14)).days) <= 1
    assert 0 < switch["magnitude"] <= 1 and switch["unit"] == "share of the category mix"
    assert new["unit"] == "messages"


def test_no_events_for_steady_botnets(tables):
    assert _events(tables, botnet="Cutwail") == []
    assert [e["type"] for e in _events(tables, botnet="Bagle")] == []


def test_a_stray_early_message_does_not_hide_a_new_botnet():
    from datetime import timedelta

    from spamintel.analyze.changes import SeriesSet, detect
    from spamintel.config import AnalyzeConfig

    days = [date(2011, 1, 1) + timedelta(days=i) for i in range(60)]
    steady = np.full(60, 400.0)
    new = np.zeros(60)
    new[5] = 30.0
    new[30:] = 300.0
    series = SeriesSet(days, {"Steady": steady, "New": new}, steady + new, {}, {}, "messages")
    found = [e for e in detect(series, AnalyzeConfig()) if e["type"] == "new_botnet"]
    assert [(e["botnet"], e["date"]) for e in found] == [("New", date(2011, 1, 31))]


def test_displacement_needs_the_messages_to_show_growth():
    from datetime import timedelta

    from spamintel.analyze.changes import SeriesSet, displacement
    from spamintel.config import AnalyzeConfig

    days = [date(2011, 3, 1) + timedelta(days=i) for i in range(30)]
    gone = np.r_[np.full(15, 1000.0), np.zeros(15)]
    noisy = np.r_[np.full(15, 40.0) + np.tile([1.0, -1.0], 8)[:15], np.full(15, 48.0)]
    taker = np.r_[np.full(15, 500.0), np.full(15, 900.0)]
    daily = {"Gone": gone * 1e6, "Noisy": noisy * 1e6, "Taker": taker * 1e6}
    observed = {"Gone": gone, "Noisy": noisy / 10, "Taker": taker}
    series = SeriesSet(days, daily, sum(daily.values()), {}, {}, "messages",
                       observed=observed)
    event = {"botnet": "Gone", "date": days[15], "level_before": 1e9, "level_after": 0.0}
    cfg = AnalyzeConfig(displacement_min_share_points=1.0)
    assert [d["botnet"] for d in displacement(series, event, cfg)] == ["Taker"]
    series.observed = {}
    assert {d["botnet"] for d in displacement(series, event, cfg)} == {"Noisy", "Taker"}


def test_a_botnet_that_trickles_along_is_never_new():
    from datetime import timedelta

    from spamintel.analyze.changes import SeriesSet, detect
    from spamintel.config import AnalyzeConfig

    days = [date(2011, 5, 1) + timedelta(days=i) for i in range(180)]
    steady = np.full(180, 400.0)
    for seed in range(10):
        sparse = np.random.default_rng(seed).poisson(0.3, 180).astype(float)
        series = SeriesSet(days, {"Steady": steady, "Sparse": sparse * 1e6}, steady + sparse,
                           {}, {}, "messages", observed={"Sparse": sparse, "Steady": steady})
        found = [e for e in detect(series, AnalyzeConfig()) if e["botnet"] == "Sparse"]
        assert found == [], seed


def test_a_botnet_that_slowed_down_took_nothing_over_whatever_its_share():
    from datetime import timedelta

    from spamintel.analyze.changes import SeriesSet, displacement
    from spamintel.config import AnalyzeConfig

    # a holiday: the largest sender stops and the other slows by a quarter; its share of
    # what is left still rises from a third to all of it
    days = [date(2010, 12, 10) + timedelta(days=i) for i in range(30)]
    gone = np.r_[np.full(15, 1000.0), np.zeros(15)]
    slower = np.r_[np.full(15, 500.0), np.full(15, 375.0)]
    daily = {"Gone": gone * 1e6, "Slower": slower * 1e6}
    series = SeriesSet(days, daily, sum(daily.values()), {}, {}, "messages",
                       observed={"Gone": gone, "Slower": slower})
    event = {"botnet": "Gone", "date": days[15], "level_before": 1e9, "level_after": 0.0}
    assert displacement(series, event, AnalyzeConfig()) == []
    steady = np.full(30, 500.0)
    series.daily["Slower"], series.observed["Slower"] = steady * 1e6, steady
    series.global_daily = gone * 1e6 + steady * 1e6
    assert [d["botnet"] for d in displacement(series, event, AnalyzeConfig())] == ["Slower"]


def test_botnets_stopping_together_share_one_loss_and_take_nothing_from_each_other():
    from datetime import timedelta

    from spamintel.analyze.changes import SeriesSet, detect
    from spamintel.config import AnalyzeConfig

    # two botnets stop on the same day (3,000 and 1,000 a day); a third grows by 1,000
    days = [date(2011, 4, 1) + timedelta(days=i) for i in range(40)]
    big = np.r_[np.full(20, 3000.0), np.zeros(20)]
    small = np.r_[np.full(20, 1000.0), np.zeros(20)]
    taker = np.r_[np.full(20, 2000.0), np.full(20, 3000.0)]
    daily = {"Big": big, "Small": small, "Taker": taker}
    series = SeriesSet(days, daily, big + small + taker, {}, {}, "messages",
                       observed=dict(daily))
    stops = [e for e in detect(series, AnalyzeConfig()) if e["type"] == "takedown"]
    assert sorted(e["botnet"] for e in stops) == ["Big", "Small"]
    for e in stops:
        assert [d["botnet"] for d in e["displaced_to"]] == ["Taker"]
        assert e["displaced_to"][0]["share_of_loss"] == pytest.approx(0.25, abs=0.01)


def test_a_sender_is_new_only_where_the_sensors_were_watching_before_it():
    from datetime import timedelta

    from spamintel.analyze.changes import SeriesSet, detect
    from spamintel.config import AnalyzeConfig

    # an archive: three weeks of a stray message a day, then the feed proper, in which a
    # botnet sends a fifth of the spam from its first day (the rest is no botnet's)
    days = [date(2009, 2, 1) + timedelta(days=i) for i in range(120)]
    sender = np.r_[np.zeros(21), np.full(99, 10.0)]

    def new_botnets(rest: np.ndarray) -> list[tuple[str, date]]:
        series = SeriesSet(days, {"Sender": sender * 1e6}, (rest + sender) * 1e6, {}, {},
                           "messages", observed={"Sender": sender},
                           observed_global=rest + sender)
        return [(e["botnet"], e["date"]) for e in detect(series, AnalyzeConfig())
                if e["type"] == "new_botnet"]

    assert new_botnets(np.r_[np.ones(21), np.full(99, 40.0)]) == []
    # the same botnet after three weeks in which the sensors saw the rest of the spam
    assert new_botnets(np.full(120, 40.0)) == [("Sender", date(2009, 2, 22))]


def test_a_botnet_ramping_up_is_one_arrival_at_the_level_it_reaches():
    from datetime import timedelta

    from spamintel.analyze.changes import SeriesSet, detect
    from spamintel.config import AnalyzeConfig

    days = [date(2011, 8, 1) + timedelta(days=i) for i in range(60)]
    steady = np.full(60, 400.0)
    # a steep ramp (its end reads as a surge) and a gentle one (no surge)
    for low in (10.0, 60.0):
        ramp = np.r_[np.zeros(15), np.linspace(low, 130.0, 7), np.full(38, 140.0)]
        daily = {"Steady": steady * 1e6, "Ramp": ramp * 1e6}
        series = SeriesSet(days, daily, sum(daily.values()), {}, {}, "messages",
                           observed={"Steady": steady, "Ramp": ramp},
                           observed_global=steady + ramp)
        found = [e for e in detect(series, AnalyzeConfig()) if e["botnet"] == "Ramp"]
        assert [(e["type"], e["date"]) for e in found] == [("new_botnet", date(2011, 8, 16))]
        assert found[0]["magnitude"] == pytest.approx(140e6, rel=0.05), low


def test_a_change_two_weeks_after_a_botnet_arrived_is_its_own():
    from datetime import timedelta

    from spamintel.analyze.changes import SeriesSet, detect
    from spamintel.config import AnalyzeConfig

    # a three-day ramp, a week and a half at its level, then half as much again
    days = [date(2011, 8, 1) + timedelta(days=i) for i in range(60)]
    steady = np.full(60, 400.0)
    x = np.r_[np.zeros(15), 40.0, 90.0, 130.0, np.full(11, 140.0), np.full(31, 210.0)]
    daily = {"Steady": steady * 1e6, "New": x * 1e6}
    series = SeriesSet(days, daily, sum(daily.values()), {}, {}, "messages",
                       observed={"Steady": steady, "New": x}, observed_global=steady + x)
    found = [e for e in detect(series, AnalyzeConfig()) if e["botnet"] == "New"]
    assert [(e["type"], e["date"]) for e in found] == [("new_botnet", date(2011, 8, 16)),
                                                        ("surge", date(2011, 8, 30))]
    assert found[0]["magnitude"] == pytest.approx(140e6, rel=0.1)


def test_a_ramp_the_pooled_series_steps_through_gives_the_level_reached():
    from datetime import timedelta

    from spamintel.analyze.changes import SeriesSet, detect
    from spamintel.config import AnalyzeConfig

    # a week-long ramp seen through few messages: its second week is not clearly above
    # its first, but the pooled series steps up inside the first
    days = [date(2011, 8, 1) + timedelta(days=i) for i in range(60)]
    steady = np.full(60, 400.0)
    x = np.r_[np.zeros(15), np.linspace(20.0, 140.0, 7), np.full(38, 140.0)]
    pooled = np.r_[np.zeros(15), np.full(4, 50.0), np.full(41, 140.0)]
    daily = {"Steady": steady * 1e6, "New": x * 1e6}

    def arrival(**extra) -> dict:
        series = SeriesSet(days, daily, sum(daily.values()), {}, {}, "messages",
                           observed={"Steady": steady, "New": x / 10},
                           observed_global=steady + x / 10, **extra)
        (e,) = [e for e in detect(series, AnalyzeConfig()) if e["botnet"] == "New"]
        return e

    assert arrival()["magnitude"] < 0.8 * 140e6, "the first week alone is mid-ramp"
    e = arrival(pooled={"Steady": steady * 1e6, "New": pooled * 1e6})
    assert e["type"] == "new_botnet" and e["magnitude"] == pytest.approx(140e6, rel=0.02)
    assert e["detail"].count("at its level from") == 1


def test_a_two_week_ramp_without_a_surge_of_its_own_reads_at_its_end():
    from datetime import timedelta

    from spamintel.analyze.changes import SeriesSet, detect
    from spamintel.config import AnalyzeConfig

    # recruiting over two weeks, seen through a few messages a day: the pooled series
    # steps up twice, the second time after the first week
    days = [date(2011, 1, 1) + timedelta(days=i) for i in range(60)]
    steady = np.full(60, 400.0)
    x = np.r_[np.zeros(15), np.linspace(10.0, 140.0, 14), np.full(31, 140.0)]
    pooled = np.r_[np.zeros(15), np.full(5, 30.0), np.full(5, 80.0), np.full(35, 140.0)]
    daily = {"Steady": steady * 1e6, "New": x * 1e6}
    series = SeriesSet(days, daily, sum(daily.values()), {}, {}, "messages",
                       pooled={"Steady": steady * 1e6, "New": pooled * 1e6},
                       observed={"Steady": steady, "New": x / 20},
                       observed_global=steady + x / 20)
    (e,) = [e for e in detect(series, AnalyzeConfig()) if e["botnet"] == "New"]
    assert e["type"] == "new_botnet" and e["magnitude"] == pytest.approx(140e6, rel=0.02)
    assert e["detail"].endswith("at its level from 2011-01-30")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_burst_cycle_that_surges_is_dated_and_measured_on_its_pieces(seed):
    from datetime import timedelta

    from spamintel.analyze.changes import SeriesSet, detect
    from spamintel.analyze.smooth import fit
    from spamintel.config import AnalyzeConfig

    # a four-day burst cycle grows by half on day 43, a quiet day of the cycle: two
    # windows of seven days hold the cycle unevenly and peak on the next burst
    days = [date(2011, 6, 1) + timedelta(days=i) for i in range(90)]
    cycle = np.tile([1.5, 1.2, 0.8, 0.5], 23)[:90]
    level = np.r_[np.full(43, 300.0), np.full(47, 450.0)] * cycle
    n = np.random.default_rng(seed).poisson(level).astype(float)
    steady = np.full(90, 400.0)
    f = fit(n, np.ones(90))
    daily = {"Steady": steady * 1e6, "Burst": f.rate * 1e6}
    series = SeriesSet(days, daily, sum(daily.values()), {}, {}, "messages",
                       pooled=dict(daily), pieces={"Burst": (f.piece, f.period)},
                       observed={"Steady": steady, "Burst": n},
                       observed_global=steady + n)
    (e,) = [e for e in detect(series, AnalyzeConfig()) if e["botnet"] == "Burst"]
    assert (e["type"], e["date"]) == ("surge", days[43])
    assert e["magnitude"] == pytest.approx(150e6, rel=0.1)


def test_a_surge_the_pieces_find_in_steps_is_measured_through_them():
    from datetime import timedelta

    from spamintel.analyze.changes import SeriesSet, detect
    from spamintel.config import AnalyzeConfig

    # the segmentation put the first week after the change a little low, as its own piece
    days = [date(2011, 6, 1) + timedelta(days=i) for i in range(90)]
    cycle = np.tile([1.5, 1.2, 0.8, 0.5], 23)[:90]
    level = np.r_[np.full(43, 300.0), np.full(7, 420.0), np.full(40, 450.0)] * cycle
    piece = np.r_[np.zeros(43), np.ones(7), np.full(40, 2)].astype(np.int64)
    steady = np.full(90, 400.0)
    daily = {"Steady": steady * 1e6, "Burst": level * 1e6}
    series = SeriesSet(days, daily, sum(daily.values()), {}, {}, "messages",
                       pooled=dict(daily), pieces={"Burst": (piece, np.full(90, 4))},
                       observed={"Steady": steady, "Burst": level},
                       observed_global=steady + level)
    (e,) = [e for e in detect(series, AnalyzeConfig()) if e["botnet"] == "Burst"]
    assert (e["type"], e["date"]) == ("surge", days[43])
    assert e["magnitude"] == pytest.approx(150e6, rel=0.06)
