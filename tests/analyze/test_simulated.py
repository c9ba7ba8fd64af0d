"""End to end on a simulated March 2011 (small sample): simulate → ingest → analyze.

Attribution here is taken from the simulator's truth (labelled ``truth``), so the test
measures the estimators and the event detection; attribution quality has its own tests.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import numpy as np
import pytest

from spamintel.analyze import analyze
from spamintel.analyze.calibration import load_calibration, with_calibration
from spamintel.analyze.evaluate import daily_accuracy, truth_attribution, truth_daily
from spamintel.config import Config
from spamintel.engine import ingest
from spamintel.sources import iter_sources
from spamintel.store import Store


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    generate = pytest.importorskip("spamintel.simulate.generate")
    root = tmp_path_factory.mktemp("sim")
    world = root / "world"
    generate.simulate(generate.SimConfig(out=world, scale=0.3, start=date(2011, 3, 1),
                                         end=date(2011, 3, 31)))
    store = Store(root / "store")
    ingest(iter_sources(sorted((world / "mail").iterdir())), store, Config(), workers=1)
    store.write_table("attribution", truth_attribution(store, world / "truth"))
    cfg = with_calibration(Config(), load_calibration(world / "truth" / "scenario.json"))
    cfg = dataclasses.replace(cfg, analyze=dataclasses.replace(cfg.analyze,
                                                               run_attribution=False))
    analyze(store, cfg)
    return store, world / "truth"


def _events(store):
    con = store.connect()
    cur = con.execute("SELECT * FROM botnet_events WHERE scope = 'botnet'")
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def test_rustock_takedown_on_16_march_with_its_size_and_takers(simulated):
    store, truth_dir = simulated
    takedowns = [e for e in _events(store) if e["type"] == "takedown"]
    assert [(e["botnet"], e["date"]) for e in takedowns] == [("Rustock", date(2011, 3, 16))]
    truth = truth_daily(truth_dir)
    before = np.mean([truth[(date(2011, 3, d), "Rustock")] for d in range(1, 16)])
    assert -takedowns[0]["magnitude"] == pytest.approx(before, rel=0.1)
    takers = [d["botnet"] for d in json.loads(takedowns[0]["displaced_to"])]
    assert "Bagle" in takers[:2]


def test_global_daily_spam_estimate_tracks_the_truth(simulated):
    store, truth_dir = simulated
    acc = daily_accuracy(store, truth_dir)
    assert acc["*"]["within_5pct"] >= 0.8
    assert acc["*"]["median_abs_error"] < 0.04
