from datetime import date
from pathlib import Path

import pytest

from spamintel.simulate.generate import SimConfig, simulate


def _make_world(out: Path, seed: int = 7, start: date = date(2011, 3, 16),
               end: date = date(2011, 3, 17), scale: float = 0.25, fmt: str = "mbox") -> Path:
    simulate(SimConfig(out=out, seed=seed, scale=scale, start=start, end=end, fmt=fmt))
    return out


@pytest.fixture(scope="session")
def small_world(tmp_path_factory) -> Path:
    """Two days around the Rustock takedown at a quarter of the default scale."""
    return _make_world(tmp_path_factory.mktemp("world"))


@pytest.fixture(scope="session")
def make_world():
    """``make_world(out, seed=7, start=..., end=..., scale=0.25, fmt="mbox") -> out``."""
    return _make_world
