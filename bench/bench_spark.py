"""Ingest throughput of the two engines on the same messages: the local process pool
(2 workers) and Spark ``local[2]``, in messages per second of wall time, the driver's CPU
time per message (the figure that says how many executor cores one driver can keep busy:
the stages' CPU time per message divided by the driver's), and on Spark how many executor
tasks ran the stages.

The input is the first N messages of TREC 2007 (or the built-in sample corpus when the
corpora are absent) twice: as a ``.tar.gz``, the form TREC ships (one unit: Spark reads it
on one core, then spreads its messages over all cores), and as a zip (Spark reads it on
its executors in parts of the zip's members). Each engine runs in a fresh child process
into empty stores. Spark's figures are its steady rate: the session start and a warm-up
ingest of ``WARMUP`` messages into another store (starting the Python workers and their
pipelines) come first and are reported apart (a long ingest pays them once); the all-in
figure includes them. Spark also ingests the tar.gz without redistribution (``one task``:
read and processed by the task that reads it) and the zip with every unit redistributed,
to price the shuffle in the same session and conditions.
The driver's CPU time is ``time.process_time()`` of the child around the ingest: on Spark
the driver's Python (the JVM and the executors' Python workers are other processes); on
the local pool the main process, which reads the sources. Prints a table and writes
bench/results/spark.json. Usage: python bench/bench_spark.py [--messages 20000]
[--master local[2]]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from itertools import islice
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
WARMUP = 2_000
STAGES = ("parse", "fingerprint", "classify", "arrow")
# Spark runs that override when a job is redistributed: never (each unit's messages in
# the task that reads it, as before redistribution existed) or always.
REDISTRIBUTE = {"tar.gz, one task": float("inf"), "zip, redistributed": 0.0}


def _write_inputs(n: int, folder: Path) -> tuple[str, Path, Path]:
    """The first ``n`` messages of TREC 2007 (or of a sample corpus) as a .tar.gz and a
    zip in ``folder``: the corpus name and the two paths."""
    from spamintel.config import default_corpora_dir
    from spamintel.sources import iter_sources
    from spamintel.testing import sample_corpus

    archive = default_corpora_dir() / "trec07p" / "trec07p_dev.tar.gz"
    if archive.exists():
        corpus = "trec07p_dev"
        members = [(i.source.rsplit("!", 1)[-1], i.data)
                   for i in islice(iter_sources([archive]), n)]
    else:
        corpus, members = "sample_corpus", sample_corpus(n)
    folder.mkdir(parents=True, exist_ok=True)
    tgz, zpath = folder / f"{corpus}-{n}.tar.gz", folder / f"{corpus}-{n}.zip"
    with tarfile.open(tgz, "w:gz", compresslevel=6) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return corpus, tgz, zpath


def _measure(run) -> tuple[object, float, float]:
    """``run()``, its wall seconds and this process's CPU seconds."""
    c0, t0 = time.process_time(), time.perf_counter()
    stats = run()
    return stats, time.perf_counter() - t0, time.process_time() - c0


def _figures(engine: str, form: str, stats, wall: float, cpu: float, start: float) -> dict:
    stages = sum(stats.seconds.get(k, 0.0) for k in STAGES)
    return {"engine": engine, "input": form, "messages": stats.stored,
            "quarantined": stats.quarantined, "wall_seconds": round(wall, 2),
            "msgs_per_s": round(stats.stored / wall),
            "driver_cpu_us_per_msg": round(cpu / stats.stored * 1e6, 1),
            "stages_cpu_us_per_msg": round(stages / stats.stored * 1e6, 1) if stages else None,
            "tasks": stats.tasks if engine == "spark" else None,
            "start_and_warmup_seconds": round(start, 2),
            "all_in_msgs_per_s": round(stats.stored / (wall + start))}


def _spark_runs(inputs: dict[str, Path], master: str, tmp: Path) -> list[dict]:
    """Spark's runs: a warm-up, then each input into an empty store."""
    from spamintel.config import Config
    from spamintel.engine import spark as engine
    from spamintel.store import Store

    t0 = time.perf_counter()
    runs = []
    with engine.spark_session(master) as spark:
        _, warm, _ = _write_inputs(WARMUP, tmp / "warm-up-mail")
        engine.ingest_spark([warm], Store(tmp / "warm-up"), Config(), spark=spark)
        start = time.perf_counter() - t0
        default = engine.REDISTRIBUTE_ABOVE
        for form, path in inputs.items():
            engine.REDISTRIBUTE_ABOVE = REDISTRIBUTE.get(form, default)
            stats, wall, cpu = _measure(lambda p=path, f=form: engine.ingest_spark(
                [p], Store(tmp / f"store-{f}"), Config(), spark=spark))
            runs.append(_figures("spark", form, stats, wall, cpu, start))
    return runs


def child(engine: str, folder: Path, master: str) -> list[dict]:
    """The measured ingests of the inputs in ``folder`` with ``engine``; their figures."""
    from spamintel.config import Config
    from spamintel.engine import ingest
    from spamintel.sources import iter_sources
    from spamintel.store import Store

    tgz, zpath = sorted(folder.glob("*.tar.gz"))[0], sorted(folder.glob("*.zip"))[0]
    with tempfile.TemporaryDirectory() as tmp:
        if engine == "spark":
            return _spark_runs({"tar.gz, one task": tgz, "tar.gz": tgz, "zip": zpath,
                                "zip, redistributed": zpath}, master, Path(tmp))
        runs = []
        for form, path in (("tar.gz", tgz), ("zip", zpath)):
            stats, wall, cpu = _measure(lambda p=path, f=form: ingest(
                iter_sources([p]), Store(Path(tmp) / f), Config(), workers=2))
            runs.append(_figures("local", form, stats, wall, cpu, 0.0))
        return runs


def _print(runs: list[dict], master: str) -> None:
    for r in runs:
        label = "local pool, 2 workers" if r["engine"] == "local" else f"spark {master}"
        tasks = f", {r['tasks']} tasks" if r["tasks"] is not None else ""
        print(f"{label:<22} {r['input']:<19} {r['messages']:>6} msgs {r['msgs_per_s']:>6} "
              f"msg/s ({r['wall_seconds']} s; start and warm-up "
              f"{r['start_and_warmup_seconds']} s); driver {r['driver_cpu_us_per_msg']} "
              f"us/msg{tasks}")


def main() -> None:
    """Write the inputs, run both engines in child processes; print and store figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--child", choices=("local", "spark"))
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.folder, args.master)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        corpus, _, _ = _write_inputs(args.messages, Path(tmp))
        runs = []
        for engine in ("local", "spark"):
            out = subprocess.run([sys.executable, __file__, "--child", engine, "--folder",
                                  tmp, "--master", args.master],
                                 capture_output=True, text=True, check=True)
            runs += json.loads(out.stdout.strip().splitlines()[-1])
    _print(runs, args.master)
    stages_us = runs[1]["stages_cpu_us_per_msg"]
    spark_zip = next(r for r in runs if r["engine"] == "spark" and r["input"] == "zip")
    cores = round(stages_us / spark_zip["driver_cpu_us_per_msg"], 1)
    print(f"stages {stages_us} us/msg: one Spark driver keeps about {cores} executor cores busy")
    RESULTS.mkdir(exist_ok=True)
    result = {"corpus": corpus, "runs": runs, "executor_cores_one_driver_keeps_busy": cores,
              "cpus": os.cpu_count(),
              "load_average_1min_at_end": round(os.getloadavg()[0], 2)}
    (RESULTS / "spark.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
