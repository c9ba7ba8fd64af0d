"""A small synthetic world, analysed once, for the report tests (perfect attribution)."""

from __future__ import annotations

import pytest

from spamintel.analyze import analyze
from spamintel.analyze.synthetic import SynthWorld, build_store
from spamintel.config import AnalyzeConfig, CalibrationConfig, Config
from spamintel.report import collect


@pytest.fixture(scope="session")
def analysed(tmp_path_factory):
    w = SynthWorld(shares={"trap-a": 6e-8, "trap-b": 3e-8, "mx-feed": 1.5e-8})
    store, _ = build_store(tmp_path_factory.mktemp("rep") / "store", w)
    cfg = Config(analyze=AnalyzeConfig(run_attribution=False,
                                       calibration=CalibrationConfig(sensor_shares=w.shares)))
    analyze(store, cfg)
    return store


@pytest.fixture(scope="session")
def march(analysed):
    return collect(analysed, "2011-03")
