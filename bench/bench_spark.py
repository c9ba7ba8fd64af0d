"""Ingest throughput of the two engines on the same messages: the local process pool
(2 workers) and Spark ``local[2]``, in messages per second of wall time.

Real TREC 2007 mail (the first N messages of the archive) when the corpora are present,
the built-in sample corpus otherwise. Each engine runs in a fresh child process into an
empty store; both read the sources the same way, so reading counts in both figures.
Spark's figure is its steady rate: the session start and a warm-up ingest of
``WARMUP`` messages into another store (starting the Python workers and their pipelines)
come first and are reported apart (a long ingest pays them once); its all-in figure
includes them. The local pool's figure includes starting its workers. Prints a table
and writes bench/results/spark.json.
Usage: python bench/bench_spark.py [--messages 20000] [--master local[2]]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
WARMUP = 2_000


def _items(n: int, folder: Path):
    """The first ``n`` messages of TREC 2007, or of a sample corpus written to ``folder``."""
    from spamintel.config import default_corpora_dir
    from spamintel.sources import iter_sources

    archive = default_corpora_dir() / "trec07p" / "trec07p_dev.tar.gz"
    if archive.exists():
        return "trec07p_dev", islice(iter_sources([archive]), n)
    return "sample_corpus", _sample(n, folder)


def _sample(n: int, folder: Path):
    """``n`` messages of the sample corpus, as one mbox in ``folder``."""
    from spamintel.sources import iter_sources
    from spamintel.testing import sample_corpus

    folder.mkdir(exist_ok=True)
    box = folder / "sample.mbox"
    box.write_bytes(b"".join(b"From x@example.net Sat Apr  7 10:00:00 2007\n" + data + b"\n"
                             for _, data in sample_corpus(n)))
    return iter_sources([box])


def child(engine: str, n: int, master: str) -> dict:
    """One measured ingest of ``n`` messages with ``engine``; its figures."""
    from spamintel.config import Config
    from spamintel.engine import ingest
    from spamintel.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        corpus, items = _items(n, Path(tmp))
        store = Store(Path(tmp) / "store")
        start = 0.0
        if engine == "spark":
            from spamintel.engine.spark import ingest_spark, spark_session

            t0 = time.perf_counter()
            with spark_session(master) as spark:
                warm = _sample(WARMUP, Path(tmp) / "warm-up-mail")
                ingest_spark(warm, Store(Path(tmp) / "warm-up"), Config(), spark=spark)
                start = time.perf_counter() - t0
                t1 = time.perf_counter()
                stats = ingest_spark(items, store, Config(), spark=spark)
                wall = time.perf_counter() - t1
        else:
            t1 = time.perf_counter()
            stats = ingest(items, store, Config(), workers=2)
            wall = time.perf_counter() - t1
    return {"engine": engine, "corpus": corpus, "messages": stats.stored,
            "quarantined": stats.quarantined, "wall_seconds": round(wall, 2),
            "msgs_per_s": round(stats.stored / wall),
            "start_and_warmup_seconds": round(start, 2),
            "all_in_msgs_per_s": round(stats.stored / (wall + start))}


def main() -> None:
    """Run both engines in child processes; print and store their figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--child", choices=("local", "spark"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.messages, args.master)))
        return
    runs = []
    for engine in ("local", "spark"):
        out = subprocess.run([sys.executable, __file__, "--child", engine, "--messages",
                              str(args.messages), "--master", args.master],
                             capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    for r in runs:
        label = "local pool, 2 workers" if r["engine"] == "local" else f"spark {args.master}"
        print(f"{label:<24} {r['messages']:>6} msgs  {r['msgs_per_s']:>6} msg/s  "
              f"({r['wall_seconds']} s; start and warm-up {r['start_and_warmup_seconds']} s, "
              f"all-in {r['all_in_msgs_per_s']} msg/s)")
    RESULTS.mkdir(exist_ok=True)
    result = {"runs": runs, "cpus": os.cpu_count(),
              "load_average_1min_at_end": round(os.getloadavg()[0], 2)}
    (RESULTS / "spark.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
