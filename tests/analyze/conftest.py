"""A synthetic world with known truth, analysed once per test session.

Attribution in this world is perfect (written from the generator's truth) so these
tests measure the estimators and the change detection alone.
"""

from __future__ import annotations

import dataclasses

import pytest

from spamintel.analyze import compute
from spamintel.analyze.synthetic import SynthWorld, build_store
from spamintel.config import AnalyzeConfig, CalibrationConfig

SCALE = 0.3


@pytest.fixture(scope="session")
def world() -> SynthWorld:
    base = SynthWorld()
    return dataclasses.replace(base, shares={k: v * SCALE for k, v in base.shares.items()})


@pytest.fixture(scope="session")
def synth_store(tmp_path_factory, world):
    store, _ = build_store(tmp_path_factory.mktemp("synth") / "store", world)
    return store


@pytest.fixture(scope="session")
def acfg(world) -> AnalyzeConfig:
    return AnalyzeConfig(run_attribution=False,
                         calibration=CalibrationConfig(sensor_shares=dict(world.shares)))


@pytest.fixture(scope="session")
def tables(synth_store, acfg) -> dict:
    return compute(synth_store, acfg)
