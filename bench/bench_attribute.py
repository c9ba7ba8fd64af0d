"""Benchmark: attribution (campaigns, signatures, discovery, tables) over synthetic events.

Builds a store of N synthetic events (default 1,000,000; ``--events``), runs
``spamintel.attribute.attribute`` with the shipped signatures and prints its wall and CPU
time (the CPU time is the better guide on a busy machine; the load average is recorded);
figures go to ``bench/results/attribute.json``. The events are drawn at the event level (no mail
parsing), so only the attribution stage is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from spamintel.attribute import AttributeConfig, attribute
from spamintel.attribute._synthetic import synthetic_events
from spamintel.store import Store

RESULTS = Path(__file__).parent / "results" / "attribute.json"


def run(n: int) -> dict:
    """Generate, store and attribute ``n`` events; return the figures."""
    t0 = time.perf_counter()
    table, _ = synthetic_events(n, bots=max(2000, n // 50), campaigns=200, days=30)
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(tmp)
        for day_table in _by_day(table):
            store.write_events(day_table)
        t2 = time.perf_counter()
        cpu = time.process_time()
        summary = attribute(store, AttributeConfig())
        t3 = time.perf_counter()
        cpu = time.process_time() - cpu
    return {"events": n, "generate_s": round(t1 - t0, 2), "write_s": round(t2 - t1, 2),
            "attribute_s": round(t3 - t2, 2), "attribute_cpu_s": round(cpu, 2),
            "events_per_s": round(n / (t3 - t2)), "load_average": round(os.getloadavg()[0], 1),
            "spam": summary.spam, "campaigns": summary.campaigns,
            "clusters": summary.clusters, "botnet_share": round(summary.botnet_share, 4)}


def _by_day(table):
    step = 100_000
    for start in range(0, table.num_rows, step):
        yield table.slice(start, step)


def main() -> None:
    """Run the benchmark and write its JSON."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=1_000_000)
    args = ap.parse_args()
    figures = run(args.events)
    print(json.dumps(figures, indent=2))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
