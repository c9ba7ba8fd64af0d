"""Ingest throughput of the two engines on the same messages: the local process pool
(2 workers) and Spark ``local[2]``, in messages per second of wall time, and the driver's
CPU time per message: the figure that says how many executor cores one driver can keep
busy (the stages' CPU time per message divided by the driver's).

The input is the first N messages of TREC 2007, written as one zip (Spark reads it on its
executors, in parts of the zip's members), or the built-in sample corpus when the corpora
are absent. Each engine runs in a fresh child process into an empty store. Spark's figure
is its steady rate: the session start and a warm-up ingest of ``WARMUP`` messages into
another store (starting the Python workers and their pipelines) come first and are
reported apart (a long ingest pays them once); its all-in figure includes them. The local
pool's figure includes starting its workers. The driver's CPU time is
``time.process_time()`` of the child around the ingest: on Spark the driver's Python (the
JVM and the executors' Python workers are other processes); on the local pool the main
process, which reads the sources. Prints a table and writes bench/results/spark.json.
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
import zipfile
from itertools import islice
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
WARMUP = 2_000
STAGES = ("parse", "fingerprint", "classify", "arrow")


def _write_zip(n: int, folder: Path) -> tuple[str, Path]:
    """The first ``n`` messages of TREC 2007 (or of a sample corpus) as one zip."""
    from spamintel.config import default_corpora_dir
    from spamintel.sources import iter_sources
    from spamintel.testing import sample_corpus

    archive = default_corpora_dir() / "trec07p" / "trec07p_dev.tar.gz"
    if archive.exists():
        corpus = "trec07p_dev"
        members = ((i.source.rsplit("!", 1)[-1], i.data)
                   for i in islice(iter_sources([archive]), n))
    else:
        corpus, members = "sample_corpus", iter(sample_corpus(n))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{corpus}-{n}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return corpus, path


def _measure(run) -> tuple[object, float, float]:
    """``run()``, its wall seconds and this process's CPU seconds."""
    c0, t0 = time.process_time(), time.perf_counter()
    stats = run()
    return stats, time.perf_counter() - t0, time.process_time() - c0


def child(engine: str, n: int, master: str) -> dict:
    """One measured ingest of ``n`` messages with ``engine``; its figures."""
    from spamintel.config import Config
    from spamintel.engine import ingest
    from spamintel.sources import iter_sources
    from spamintel.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        corpus, mail = _write_zip(n, Path(tmp) / "mail")
        store = Store(Path(tmp) / "store")
        start = 0.0
        if engine == "spark":
            from spamintel.engine.spark import ingest_spark, spark_session

            t0 = time.perf_counter()
            with spark_session(master) as spark:
                _, warm = _write_zip(WARMUP, Path(tmp) / "warm-up-mail")
                ingest_spark([warm], Store(Path(tmp) / "warm-up"), Config(), spark=spark)
                start = time.perf_counter() - t0
                stats, wall, cpu = _measure(
                    lambda: ingest_spark([mail], store, Config(), spark=spark))
        else:
            stats, wall, cpu = _measure(
                lambda: ingest(iter_sources([mail]), store, Config(), workers=2))
    stages = sum(stats.seconds.get(k, 0.0) for k in STAGES)
    return {"engine": engine, "corpus": corpus, "messages": stats.stored,
            "quarantined": stats.quarantined, "wall_seconds": round(wall, 2),
            "msgs_per_s": round(stats.stored / wall),
            "driver_cpu_us_per_msg": round(cpu / stats.stored * 1e6, 1),
            "stages_cpu_us_per_msg": round(stages / stats.stored * 1e6, 1) if stages else None,
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
    stages_us = runs[0]["stages_cpu_us_per_msg"]
    for r in runs:
        label = "local pool, 2 workers" if r["engine"] == "local" else f"spark {args.master}"
        print(f"{label:<24} {r['messages']:>6} msgs  {r['msgs_per_s']:>6} msg/s  "
              f"({r['wall_seconds']} s; start and warm-up {r['start_and_warmup_seconds']} s, "
              f"all-in {r['all_in_msgs_per_s']} msg/s); driver "
              f"{r['driver_cpu_us_per_msg']} us/msg")
    cores = round(stages_us / runs[1]["driver_cpu_us_per_msg"], 1)
    print(f"stages {stages_us} us/msg: one Spark driver keeps about {cores} executor cores busy")
    RESULTS.mkdir(exist_ok=True)
    result = {"runs": runs, "executor_cores_one_driver_keeps_busy": cores,
              "cpus": os.cpu_count(),
              "load_average_1min_at_end": round(os.getloadavg()[0], 2)}
    (RESULTS / "spark.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
