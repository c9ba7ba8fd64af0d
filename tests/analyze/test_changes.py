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
