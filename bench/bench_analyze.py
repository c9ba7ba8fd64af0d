"""Speed of ``spamintel analyze`` on about one million synthetic events.

The synthetic world (``spamintel.analyze.synthetic``: five botnets with a pause, a
takedown, a new botnet and a content switch; two traps and a mixed feed) is written
straight into a store with a perfect attribution table. Two runs are timed: the analysis
alone (series, estimates, populations, rates, events; attribution kept) and, when the
attribute stage is importable, analysis with attribution first. The target is the
analysis of 1M events in at most 60 s on this machine.

Writes ``bench/results/analyze.json``. Run: ``.venv/bin/python bench/bench_analyze.py``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from spamintel.analyze import analyze
from spamintel.analyze.synthetic import SynthWorld, build_store
from spamintel.config import AnalyzeConfig, CalibrationConfig, Config

OUT = Path(__file__).parent / "results" / "analyze.json"
TARGET_EVENTS = 1_000_000
TARGET_SECONDS = 60.0


def world_for(events: int) -> SynthWorld:
    """The default synthetic world with sensor shares scaled to about ``events`` events."""
    base = SynthWorld()
    factor = events / 1_715_000
    return dataclasses.replace(base, shares={k: v * factor for k, v in base.shares.items()})


def timed_run(store, world: SynthWorld, attribution: bool) -> dict:
    """Seconds of one analysis run, by step."""
    cfg = Config(analyze=AnalyzeConfig(
        run_attribution=attribution,
        calibration=CalibrationConfig(sensor_shares=dict(world.shares))))
    t = time.perf_counter()
    summary = analyze(store, cfg)
    total = time.perf_counter() - t
    return {"seconds": round(total, 2), "steps": {k: round(v, 2) for k, v in
                                                   summary.seconds.items()},
            "events_found": summary.events, "botnets": len(summary.botnets)}


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-analyze-"))
    try:
        world = world_for(TARGET_EVENTS)
        t = time.perf_counter()
        store, _ = build_store(root / "store", world)
        build = time.perf_counter() - t
        n = store.connect().execute("SELECT count(*) FROM events").fetchone()[0]
        result = {"events": n, "cpus": os.cpu_count(), "build_seconds": round(build, 1),
                  "target_seconds": TARGET_SECONDS,
                  "analysis": timed_run(store, world, attribution=False)}
        try:
            import spamintel.attribute  # noqa: F401
            result["with_attribution"] = timed_run(store, world, attribution=True)
        except ImportError:
            result["with_attribution"] = None
        result["analysis_within_target"] = result["analysis"]["seconds"] <= TARGET_SECONDS
        OUT.parent.mkdir(exist_ok=True)
        OUT.write_text(json.dumps(result, indent=2) + "\n")
        print(json.dumps(result, indent=2))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
