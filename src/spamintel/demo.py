"""``spamintel demo``: the main job on built-in defaults, end to end.

Simulate the default scenario (February and March 2011, so March has a previous month to
compare with) → ingest with two workers → analyze (attribution, series, estimates calibrated
from the scenario's declared sensor shares, events) → the March 2011 report → the feeds of
the data's last week (blocklists and threat intelligence). The figures are simulated.
Without the simulator the demo falls back to real mail (a slice of TREC 2007) or a
built-in sample corpus.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from spamintel.analyze import analyze
from spamintel.analyze.calibration import load_calibration, with_calibration
from spamintel.config import Config, default_corpora_dir
from spamintel.engine import ingest
from spamintel.export import FORMATS as FEED_FORMATS
from spamintel.export import export, export_window
from spamintel.report import collect, write_report
from spamintel.sources import iter_sources, load_labels
from spamintel.store import Store
from spamintel.testing import sample_corpus

TREC_LIMIT = 5_000
DEMO_MONTH = "2011-03"
DEMO_START, DEMO_END = date(2011, 2, 1), date(2011, 3, 31)
DEMO_SCALE = 0.8
FORMATS = ("html", "pdf", "md", "json")
FEED_DAYS = 7


DEMO_PARTS = frozenset({"world", "corpus", "store", "report", "feeds"})


class NotDemoOutput(ValueError):
    """The output folder holds something a demo did not write (it is never deleted)."""


def _fresh(out: Path) -> None:
    """Make ``out`` an empty folder: an earlier demo's output (nothing but the folders a
    demo writes) is replaced, anything else refused."""
    if out.exists():
        if not out.is_dir() or any(p.name not in DEMO_PARTS for p in out.iterdir()):
            raise NotDemoOutput(f"{out} holds more than a demo's output; choose another "
                                "--out or empty it")
        shutil.rmtree(out)
    out.mkdir(parents=True)


@dataclass
class DemoResult:
    """What the demo wrote and how long each step took."""

    paths: list[Path]
    figures: dict[str, Any]
    source: str
    feeds: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def _trec_items(limit: int):
    trec = default_corpora_dir() / "trec07p"
    archive, index = trec / "trec07p_dev.tar.gz", trec / "index"
    if not archive.exists():
        return None
    items = iter_sources([archive], sensor="trec07p",
                         labeler=load_labels(index) if index.exists() else None)
    return (item for _, item in zip(range(limit), items, strict=False))


def _simulate(world: Path, scale: float) -> Path | None:
    """Simulate the default scenario into ``world``; None when the simulator is missing."""
    try:
        from spamintel.simulate.generate import SimConfig, simulate
    except ImportError:
        return None
    simulate(SimConfig(out=world, scale=scale, start=DEMO_START, end=DEMO_END))
    return world


def _fallback_items(out: Path):
    items = _trec_items(TREC_LIMIT)
    if items is not None:
        return items, "trec07p"
    corpus = out / "corpus"
    corpus.mkdir(parents=True)
    for name, data in sample_corpus(2_000):
        (corpus / name).write_bytes(data)
    return iter_sources([corpus], sensor="sample"), "sample"


def _main_month(store: Store) -> str:
    months = Counter(dict(store.connect().execute(
        "SELECT strftime(day, '%Y-%m'), count(*) FROM events WHERE day IS NOT NULL GROUP BY 1"
    ).fetchall()))
    return months.most_common(1)[0][0]


def run_demo(out: Path, scale: float = DEMO_SCALE, formats: tuple[str, ...] = FORMATS
             ) -> DemoResult:
    """Run the whole demo into ``out`` (an earlier demo's output there is replaced; any other
    content is refused with ``NotDemoOutput``) and return the report's paths and figures."""
    _fresh(out)
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    world = _simulate(out / "world", scale)
    seconds["simulate"] = time.perf_counter() - t
    cfg = Config()
    if world is not None:
        items, source = iter_sources(sorted((world / "mail").iterdir())), "simulated"
        cfg = with_calibration(cfg, load_calibration(world / "truth" / "scenario.json"))
    else:
        items, source = _fallback_items(out)
    store = Store(out / "store")
    t = time.perf_counter()
    ingest(items, store, cfg, workers=2)
    seconds["ingest"] = time.perf_counter() - t
    t = time.perf_counter()
    analyze(store, cfg)
    seconds["analyze"] = time.perf_counter() - t
    t = time.perf_counter()
    month = DEMO_MONTH if world is not None else _main_month(store)
    figures = collect(store, month, cfg.analyze)
    paths = write_report(figures, out / "report", formats)
    seconds["report"] = time.perf_counter() - t
    t = time.perf_counter()
    feeds = export(store, out / "feeds", tuple(FEED_FORMATS),
                   export_window(store, FEED_DAYS, None, None), now=datetime.now(UTC)).paths
    seconds["export"] = time.perf_counter() - t
    return DemoResult(paths, figures, source, feeds, seconds)
