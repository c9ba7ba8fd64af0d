"""Speed of the outputs on about one million synthetic events: the feeds
(``spamintel export``, every format) and the dashboard (``spamintel serve``).

The store is the synthetic world of ``bench_analyze.py`` (five botnets, two traps and a
mixed feed, a perfect attribution table), analysed once without the attribute stage.
Timed: the export of the data's last week and of the whole period, each format; the
dashboard's first overview (figures computed), the same page again (cached), and the
API's report and daily series, median of ``REPEAT`` requests each. Targets: the week's
feeds in under 30 s, a cached page in under 0.2 s.

Writes ``bench/results/outputs.json``. Run: ``.venv/bin/python bench/bench_outputs.py``.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench_analyze import TARGET_EVENTS, world_for
from fastapi.testclient import TestClient

from spamintel.analyze import analyze
from spamintel.analyze.synthetic import build_store
from spamintel.config import AnalyzeConfig, CalibrationConfig, Config
from spamintel.export import FORMATS, export, export_window
from spamintel.serve import create_app
from spamintel.store import Store

OUT = Path(__file__).parent / "results" / "outputs.json"
REPEAT = 20
TARGETS = {"export_week_seconds": 30.0, "cached_page_seconds": 0.2}


def timed_export(store: Store, out: Path, days: int) -> dict:
    """Seconds per step, indicator counts and file sizes of one export of ``days`` days."""
    t = time.perf_counter()
    result = export(store, out, tuple(FORMATS), export_window(store, days),
                    now=datetime.now(UTC))
    found = result.indicators
    return {"seconds": round(time.perf_counter() - t, 2),
            "steps": {k: round(v, 2) for k, v in result.seconds.items()},
            "ips": len(found.ips), "domains": len(found.domains), "hashes": len(found.hashes),
            "bytes": {p.name: p.stat().st_size for p in result.paths}}


def _median(client: TestClient, path: str) -> float:
    times = []
    for _ in range(REPEAT):
        t = time.perf_counter()
        assert client.get(path).status_code == 200, path
        times.append(time.perf_counter() - t)
    return round(statistics.median(times), 4)


def timed_dashboard(store: Store) -> dict:
    """First and cached overview, and the API's month report and daily series."""
    with TestClient(create_app(store, warm=False)) as client:
        month = client.get("/api/months").json()["latest"]
        t = time.perf_counter()
        assert client.get("/").status_code == 200
        first = round(time.perf_counter() - t, 2)
        return {"month": month, "first_overview_seconds": first,
                "cached_overview_seconds": _median(client, "/"),
                "api_report_seconds": _median(client, f"/api/report/{month}"),
                "api_daily_seconds": _median(client, "/api/daily"),
                "events_page_seconds": _median(client, "/events")}


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-outputs-"))
    try:
        world = world_for(TARGET_EVENTS)
        store, _ = build_store(root / "store", world)
        analyze(store, Config(analyze=AnalyzeConfig(
            run_attribution=False,
            calibration=CalibrationConfig(sensor_shares=dict(world.shares)))))
        n = store.connect().execute("SELECT count(*) FROM events").fetchone()[0]
        result = {"events": n, "cpus": os.cpu_count(),
                  "export_week": timed_export(store, root / "week", 7),
                  "export_all": timed_export(store, root / "all", 3650),
                  "dashboard": timed_dashboard(store),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                                       / 1024),
                  "targets": TARGETS}
        result["meets_targets"] = (
            result["export_week"]["seconds"] <= TARGETS["export_week_seconds"]
            and result["dashboard"]["cached_overview_seconds"]
            <= TARGETS["cached_page_seconds"])
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps(result, indent=2) + "\n")
        print(json.dumps(result, indent=2))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
