"""Benchmark: the default world (``spamintel simulate --scenario march-2011``) on one core.

Generates the whole default scenario (Dec 2010 - Apr 2011) into a temporary directory,
pinned to one CPU when the machine has several, and reports wall time, CPU time,
messages, messages per second and output size. Writes ``bench/results/simulate.json``.
Figures are for simulated mail.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path

from spamintel.simulate.generate import SimConfig, simulate

RESULTS = Path(__file__).parent / "results" / "simulate.json"


def _size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def main() -> None:
    """Run the benchmark and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(0, {0})
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "world"
        cpu0, wall0 = time.process_time(), time.perf_counter()
        stats = simulate(SimConfig(out=out, scale=args.scale, seed=args.seed))
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        size = _size(out)
        resolved = json.loads((out / "truth" / "scenario.json").read_text())
    worst = max(c["rel_error"] for c in resolved["calibration"] if c["rel_error"] is not None)
    result = {
        "scenario": "march-2011", "scale": args.scale, "seed": resolved["seed"],
        "messages": stats.messages, "by_sensor": stats.by_sensor, "days": stats.days,
        "wall_seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
        "messages_per_cpu_second": round(stats.messages / cpu, 1),
        "output_bytes": size, "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "calibration_targets": len(resolved["calibration"]),
        "calibration_worst_rel_error": round(worst, 4),
        "cpus_used": 1, "load_average_1min_at_end": round(os.getloadavg()[0], 2),
        "note": "simulated mail; CPU time rises when other jobs share the machine",
    }
    print(json.dumps(result, indent=1))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
