"""Chart configurations: one dataset per botnet, intervals as bands, JSON-ready data."""

from __future__ import annotations

import json
from datetime import date

from spamintel.serve import charts


def _row(day, botnet, observed, estimated=None, low=None, high=None):
    return {"day": day, "botnet": botnet, "observed": observed, "estimated": estimated,
            "low": low, "high": high, "unit": "messages"}


def test_stacked_daily_one_dataset_per_botnet_in_order():
    rows = [_row("2011-03-02", "A", 1, 10), _row("2011-03-01", "A", 2, 20),
            _row("2011-03-01", "B", 3), _row("2011-03-01", "C", 9, 90)]
    cfg = charts.stacked_daily(rows, ["B", "A"], "messages")
    assert cfg["data"]["labels"] == ["2011-03-01", "2011-03-02"]
    assert [(d["label"], d["data"]) for d in cfg["data"]["datasets"]] == [
        ("B", [3, None]), ("A", [20, 10])]
    assert cfg["options"]["scales"]["y"]["stacked"] is True
    json.dumps(cfg)


def test_botnet_series_with_interval():
    rows = [_row(date(2011, 3, 1), "A", 5, 100, 90, 110), _row(date(2011, 3, 2), "A", 6, 120,
                                                              100, 140)]
    cfg = charts.botnet_series(rows)
    labels = [d["label"] for d in cfg["data"]["datasets"]]
    assert labels == ["estimated messages / day", "95% interval (low)", "95% interval",
                      "observed"]
    assert cfg["data"]["datasets"][2]["fill"] == "-1"
    assert cfg["data"]["datasets"][1]["hiddenInLegend"] is True
    assert cfg["data"]["datasets"][3]["yAxisID"] == "y1"
    assert cfg["data"]["labels"] == ["2011-03-01", "2011-03-02"]


def test_botnet_series_observed_only():
    cfg = charts.botnet_series([_row("2011-03-01", "A", 5)])
    assert [d["label"] for d in cfg["data"]["datasets"]] == ["observed"]
    assert "y1" not in cfg["options"]["scales"]


def test_bots_series():
    rows = [{"day": date(2011, 3, 1), "ips_observed": 10, "estimate": 30, "low": None,
             "high": None}]
    cfg = charts.bots_series(rows)
    assert [d["label"] for d in cfg["data"]["datasets"]] == ["bots (estimate)", "IPs observed"]
    assert cfg["data"]["datasets"][1]["yAxisID"] == "y1"


def test_colours_repeat():
    assert charts.color(0) == charts.color(len(charts.PALETTE))
