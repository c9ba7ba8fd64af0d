"""Ingest throughput on the TREC 2007 dev corpus: messages/second/core per stage (read,
parse, fingerprint, classify, arrow = building the batch, store) and in total, and peak
memory at two input sizes. "store" in the headline figure is arrow + store.

Each size runs in a fresh child process with one worker, so the figures are per core and
the peak RSS is that run's own. Prints a table and writes bench/results/ingest.json.
Usage: python bench/bench_ingest.py [--sizes 10000,37691]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def child(size: int) -> dict:
    """Run one measured ingest of the first ``size`` messages; return its figures."""
    from spamintel.config import Config, default_corpora_dir
    from spamintel.engine import ingest
    from spamintel.sources import iter_sources
    from spamintel.store import Store

    archive = default_corpora_dir() / "trec07p" / "trec07p_dev.tar.gz"
    t0 = time.process_time()
    n_read = sum(1 for _ in islice(iter_sources([archive]), size))
    read_s = time.process_time() - t0
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.process_time()
        stats = ingest(islice(iter_sources([archive]), size), Store(tmp), Config(), workers=1)
        total_cpu = time.process_time() - t0
    s = stats.seconds
    core = s["parse"] + s["fingerprint"] + s.get("classify", 0.0) + s["arrow"] + s["store"]
    no_classify = core - s.get("classify", 0.0)
    return {
        "messages": stats.stored, "read_msgs": n_read,
        "per_stage_msgs_per_s": {k: round(stats.stored / s[k]) if s.get(k) else None
                                 for k in ("parse", "fingerprint", "classify", "arrow", "store")},
        "read_msgs_per_s": round(n_read / read_s),
        "parse_fingerprint_store_msgs_per_s": round(stats.stored / no_classify),
        "parse_fingerprint_classify_store_msgs_per_s": round(stats.stored / core),
        "total_cpu_msgs_per_s": round(stats.stored / total_cpu),
        "us_per_msg": {k: round(s[k] / stats.stored * 1e6, 1) for k in s if k != "total"},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "parse_paths": stats.parse_paths,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,37691")
    parser.add_argument("--child", type=int)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    runs = []
    for size in (int(x) for x in args.sizes.split(",")):
        out = subprocess.run([sys.executable, __file__, "--child", str(size)],
                             capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    for r in runs:
        print(f"{r['messages']:>6} msgs  parse+fp+store "
              f"{r['parse_fingerprint_store_msgs_per_s']:>6} msg/s/core  with classify "
              f"{r['parse_fingerprint_classify_store_msgs_per_s']:>6}  "
              f"all-in {r['total_cpu_msgs_per_s']:>5} msg/s/core  read {r['read_msgs_per_s']:>6} "
              f"msg/s  peak RSS {r['peak_rss_mb']} MB  us/msg {r['us_per_msg']}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ingest.json").write_text(json.dumps({"corpus": "trec07p_dev", "runs": runs},
                                                    indent=2))


if __name__ == "__main__":
    main()
