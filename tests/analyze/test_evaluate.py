"""Scoring the analysis against a simulated world's truth."""

from datetime import UTC, date, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from spamintel.analyze.evaluate import (
    daily_accuracy,
    discovered_names,
    interval_coverage,
    observed_accuracy,
)
from spamintel.model import EVENT_SCHEMA
from spamintel.store import Store

DAY = date(2011, 3, 1)


def _stored(tmp_path, found: list, truth: list, sensors: list[str] | None = None,
            verdicts: list | None = None) -> tuple[Store, object]:
    """A store of one message per entry of ``found`` (the analysis's botnet), and its
    truth (``truth``), all on ``DAY``."""
    n = len(found)
    events = {name: [None] * n for name in EVENT_SCHEMA.names}
    events.update(event_id=[f"e{i}" for i in range(n)], msg_sha256=[f"m{i}" for i in range(n)],
                  sensor=sensors or ["trap-a"] * n, day=[DAY] * n, verdict=verdicts or [None] * n,
                  source_kind=["trap"] * n,
                  observed_at=[datetime(2011, 3, 1, 12, tzinfo=UTC)] * n)
    store = Store(tmp_path / "store")
    store.write_events(pa.table(events).cast(EVENT_SCHEMA))
    store.write_table("attribution", pa.table({
        "event_id": events["event_id"], "botnet": found, "botnet_confidence": [0.8] * n,
        "botnet_method": ["cluster"] * n, "campaign_id": [None] * n}))
    truth_dir = tmp_path / "truth"
    truth_dir.mkdir()
    pq.write_table(pa.table({"msg_sha256": events["msg_sha256"], "sensor": events["sensor"],
                             "botnet": truth}), truth_dir / "messages.parquet")
    return store, truth_dir


@pytest.fixture()
def scored(tmp_path):
    """A store where discovery found one true botnet as two classes, and another under a
    known family's name (its software), and its truth (which also holds Bagle)."""
    found = ["unknown-1"] * 3 + ["unknown-2"] * 2 + ["unknown-3"] * 3 + ["Cutwail"] * 2 \
        + ["Bagle"] * 2
    truth = ["unnamed-4"] * 5 + ["unnamed-2", "unnamed-4", "unnamed-2"] + ["Tesk"] * 2 \
        + ["Bagle"] * 2
    store, truth_dir = _stored(tmp_path, found, truth)
    pq.write_table(pa.table({"day": [DAY, DAY], "botnet": ["unnamed-4", "unnamed-2"],
                             "kind": ["botnet", "botnet"], "category": ["pharma"] * 2,
                             "messages": [100.0, 40.0]}), truth_dir / "daily.parquet")
    store.write_table("series_daily", pa.table({
        "day": [DAY] * 3, "scope": ["botnet"] * 3,
        "botnet": ["unknown-1", "unknown-2", "unknown-3"], "estimated": [60.0, 38.0, 41.0],
        "raw_estimated": [60.0, 38.0, 41.0], "low": [57.0, 34.0, 39.0],
        "high": [63.0, 42.0, 43.0]}))
    return store, truth_dir


def test_discovered_names_take_the_majority_true_botnet(scored):
    store, truth_dir = scored
    assert discovered_names(store, truth_dir) == {
        "unknown-1": "unnamed-4", "unknown-2": "unnamed-4", "unknown-3": "unnamed-2",
        "Cutwail": "Tesk"}


def test_classes_of_one_botnet_are_summed_before_scoring(scored):
    store, truth_dir = scored
    acc = daily_accuracy(store, truth_dir, names=discovered_names(store, truth_dir))
    assert acc["unnamed-4"]["within_5pct"] == 1.0
    assert acc["unnamed-4"]["median_abs_error"] == pytest.approx(0.02)
    assert acc["unnamed-2"]["median_abs_error"] == pytest.approx(0.025)
    assert "unknown-1" not in acc
    assert "unnamed-4" not in daily_accuracy(store, truth_dir)


def test_interval_coverage_sums_the_classes_of_one_botnet_in_quadrature(scored):
    store, truth_dir = scored
    cov = interval_coverage(store, truth_dir, names=discovered_names(store, truth_dir))
    # unnamed-4: 98 ± 5 (3 and 4 in quadrature) holds 100; unnamed-2: 41 in 39..43, truth 40
    assert cov["unnamed-4"]["coverage"] == 1.0
    assert cov["unnamed-4"]["median_half_width"] == pytest.approx(5 / 98)
    assert cov["unnamed-2"]["coverage"] == 1.0
    # without the names, no class has a true series to be scored against
    assert interval_coverage(store, truth_dir) == {}


def test_observed_accuracy_scores_each_true_botnet_day_by_day(scored):
    store, truth_dir = scored
    acc = observed_accuracy(store, truth_dir, discovered_names(store, truth_dir))
    # unnamed-4 sent 6 and 5 were found as it; unknown-3 (unnamed-2) holds 3 of its 2
    assert acc["unnamed-4"] == {"within_5pct": 0.0, "median_abs_error": pytest.approx(1 / 6),
                                "days": 1}
    assert acc["unnamed-2"]["median_abs_error"] == pytest.approx(0.5)
    assert acc["Tesk"]["within_5pct"] == acc["Bagle"]["within_5pct"] == 1.0
    # without the names the classes count for no true botnet
    assert observed_accuracy(store, truth_dir)["unnamed-4"]["median_abs_error"] == 1.0


def test_observed_accuracy_leaves_out_what_attribution_does_not_read(tmp_path):
    """A mixed feed's ham verdicts (the classifier's misses there are the series' recall
    correction's) and mail of no botnet are not scored; a trap's ham verdict is."""
    sensors = ["trap-a"] * 40 + ["feed-1"] * 22
    verdicts = ["spam"] * 39 + ["ham"] + ["ham"] * 19 + ["spam"] * 3
    found = ["Bagle"] * 40 + [None] * 19 + ["Bagle"] + [None] * 2
    truth = ["Bagle"] * 40 + ["legit"] * 15 + ["Bagle"] * 5 + ["nonbotnet:webmail"] * 2
    store, truth_dir = _stored(tmp_path, found, truth, sensors, verdicts)
    # the feed's four missed Bagle messages would put Bagle 4 of 45 low
    assert observed_accuracy(store, truth_dir) == {
        "Bagle": {"within_5pct": 1.0, "median_abs_error": 0.0, "days": 1}}
