"""The reference share of days within ±5% that a simulated world's sample allows."""

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from spamintel.analyze.attainable import (
    attainable_accuracy,
    pieces,
    scale_needed,
    within_probability,
)

DAYS = [date(2011, 1, 20) + timedelta(d) for d in range(20)]


def _world(tmp_path: Path, per_day: dict[str, float], share: float = 1e-6,
           visibility: dict | None = None, segments: tuple[str, ...] = (),
           feed_share: float = 0.0) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    rows = [{"day": d, "botnet": b, "kind": "botnet", "category": "pharma", "messages": v}
            for b, v in per_day.items() for d in DAYS]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "daily.parquet")
    sensors = [{"name": "trap-a", "kind": "trap", "share": share / 10,
                "effective_share": share, "visibility": visibility or {}},
               {"name": "feed-1", "kind": "feed", "share": feed_share, "visibility": {}}]
    scenario = {"sensors": sensors, "events": [],
                "scenario": {"segments": [{"from": f} for f in ("2011-01-01", *segments)]}}
    (tmp_path / "scenario.json").write_text(json.dumps(scenario))
    return tmp_path


def test_within_probability_grows_with_the_count():
    assert within_probability(0) == 0.0
    assert within_probability(100) < 0.5
    assert within_probability(1540) == pytest.approx(0.95, abs=0.01)
    assert within_probability(20000) > 0.999


def test_pieces_start_at_month_starts_and_changes():
    changes = [datetime(2011, 1, 25), datetime(2011, 1, 28, 14, 45)]
    got = pieces(DAYS, changes).tolist()
    by_day = dict(zip(DAYS, got, strict=True))
    assert by_day[date(2011, 1, 24)] != by_day[date(2011, 1, 25)]
    assert by_day[date(2011, 1, 25)] == by_day[date(2011, 1, 27)]
    assert len({by_day[date(2011, 1, 27)], by_day[date(2011, 1, 28)],
                by_day[date(2011, 1, 29)]}) == 3
    assert by_day[date(2011, 1, 31)] != by_day[date(2011, 2, 1)]
    assert got == sorted(got)


def test_large_botnets_reach_the_target_and_small_ones_do_not(tmp_path):
    world = _world(tmp_path, {"Big": 1e10, "Small": 1e6})
    got = attainable_accuracy(world)
    assert got["Big"] > 0.99
    assert got["Small"] < 0.5


def test_a_mixed_feed_adds_its_sample_to_the_traps(tmp_path):
    traps = attainable_accuracy(_world(tmp_path / "a", {"B": 1e8}))["B"]
    both = attainable_accuracy(_world(tmp_path / "b", {"B": 1e8}, feed_share=1e-6))["B"]
    doubled = attainable_accuracy(_world(tmp_path / "c", {"B": 1e8}), multiplier=2.0)["B"]
    assert traps < both == pytest.approx(doubled)


def test_a_trap_with_a_biased_view_of_a_botnet_adds_nothing(tmp_path):
    plain = attainable_accuracy(_world(tmp_path / "a", {"B": 1e7}))["B"]
    near = attainable_accuracy(_world(tmp_path / "b", {"B": 1e7}, visibility={"B": 1.1}))
    assert near["B"] == plain
    for i, seen in enumerate((0.3, 2.5)):
        biased = _world(tmp_path / f"c{i}", {"B": 1e7}, visibility={"B": seen})
        assert attainable_accuracy(biased)["B"] == 0.0


def test_more_change_times_need_more_sample(tmp_path):
    one = scale_needed(_world(tmp_path / "a", {"B": 1e7}))["B"]
    many = scale_needed(_world(tmp_path / "b", {"B": 1e7},
                               segments=("2011-01-24", "2011-01-28", "2011-02-03")))["B"]
    assert one is not None and many is not None
    assert many > one > 1.0


def test_scale_needed_is_one_when_the_sample_suffices(tmp_path):
    assert scale_needed(_world(tmp_path, {"Big": 1e10}))["Big"] == 1.0
