"""Benchmark: messages per second the trap accepts and durably spools, on one core.

Starts the trap (``run_trap``, as ``spamintel trap`` does, with uvloop) as its own process
pinned to CPU 0 when the machine has two, and a load client as another process pinned to
CPU 1, over loopback. The client sends a bounded number of 10 KB messages (``--count``,
default 10,000; 64 connections, 20 messages each) and stops by itself; every 250 follows
the sync of its message (group commit with syncfs). The main configuration runs
``--repeat`` times because a shared machine is noisy; each run records the 1-minute load
average, the event loop's CPU per message and the spool thread's (file creation and
syncfs, which also flushes what other processes left dirty). Then: the same with a
pipelining client, one message per connection, and per-file fsync. Prints the figures and
writes ``bench/results/trap.json``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "trap.json"


def _start_trap(spool: Path, sync: str, uvloop: bool) -> tuple[subprocess.Popen, int]:
    conf = spool.parent / "trap.toml"
    conf.write_text(f'[trap]\nsync = "{sync}"\nuse_uvloop = {str(uvloop).lower()}\n'
                    'max_per_ip = 1000\n')
    code = ("import sys; from spamintel.sources.trap import load_trap_config, run_trap; "
            "run_trap(load_trap_config(sys.argv[1], listen_port=0, spool=sys.argv[2], "
            "sensor='bench'))")
    cmd = [sys.executable, "-c", code, str(conf), str(spool)]
    if os.cpu_count() and os.cpu_count() >= 2:
        cmd = ["taskset", "-c", "0", *cmd]
    log = spool.parent / "trap.log"
    proc = subprocess.Popen(cmd, stderr=open(log, "w"))  # noqa: SIM115 (the child owns it)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        for line in log.read_text().splitlines():
            try:
                doc = json.loads(line)
            except ValueError:
                continue
            if doc.get("msg") == "listening":
                return proc, int(doc["address"][1])
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("trap did not start")


def _client(port: int, count: int, conns: int, per_conn: int, pipelining: bool, out) -> None:
    if os.cpu_count() and os.cpu_count() >= 2:
        os.sched_setaffinity(0, {1})
    from spamintel.sources.trap.loadgen import run_load

    res = run_load("127.0.0.1", port, count, conns=conns, per_conn=per_conn,
                   pipelining=pipelining, deadline_s=300)
    out.put({"acked": len(res.acked), "errors": res.errors, "seconds": res.seconds})


def _trap_cpu(pid: int) -> tuple[float, float]:
    """CPU seconds of the trap's event-loop thread and of all its other threads (the spool
    writer's file creation and syncfs, which also flushes whatever else is dirty)."""
    tick = os.sysconf("SC_CLK_TCK")
    main = other = 0.0
    for task in Path(f"/proc/{pid}/task").iterdir():
        fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / tick
        if task.name == str(pid):
            main += cpu
        else:
            other += cpu
    return main, other


def run(workdir: Path, count: int, conns: int, per_conn: int, pipelining: bool, sync: str,
        uvloop: bool = True) -> dict:
    """One measured run in a fresh folder of ``workdir``; returns its figures."""
    tmp = Path(tempfile.mkdtemp(dir=workdir))
    spool = tmp / "spool"
    proc, port = _start_trap(spool, sync, uvloop)
    try:
        main0, other0 = _trap_cpu(proc.pid)
        ctx = multiprocessing.get_context("spawn")
        out = ctx.Queue()
        client = ctx.Process(target=_client, args=(port, count, conns, per_conn,
                                                   pipelining, out))
        client.start()
        res = out.get(timeout=400)
        client.join(30)
        main1, other1 = _trap_cpu(proc.pid)
        loop_cpu, spool_cpu = main1 - main0, other1 - other0
    finally:
        proc.terminate()
        proc.wait(60)
    stored = sum(1 for _ in spool.glob("*/*.json"))
    return {"load_avg_1m": round(os.getloadavg()[0], 2), "messages": count,
            "acked": res["acked"], "spooled": stored,
            "seconds": round(res["seconds"], 2), "msg_per_s": round(res["acked"] / res["seconds"]),
            "loop_cpu_ms_per_msg": round(1000 * loop_cpu / max(1, res["acked"]), 3),
            "spool_thread_cpu_ms_per_msg": round(1000 * spool_cpu / max(1, res["acked"]), 3),
            "connections": conns, "per_connection": per_conn, "pipelining": pipelining,
            "sync": sync, "uvloop": uvloop, "message_bytes": 10_240,
            "client_errors": res["errors"]}


def main() -> None:
    """Run the benchmark configurations and write their JSON."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--conns", type=int, default=64)
    ap.add_argument("--per-conn", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3, help="Runs of the main configuration.")
    args = ap.parse_args()
    # Spools are removed only at the end: deleting tens of thousands of files between runs
    # slows the next run's file creation on some file systems (online discard).
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as work:
        w = Path(work)
        runs = [run(w, args.count, args.conns, args.per_conn, False, "group")
                for _ in range(args.repeat)]
        runs += [run(w, args.count, args.conns, args.per_conn, True, "group"),
                 run(w, args.count // 4, args.conns, 1, False, "group"),
                 run(w, args.count // 10, args.conns, args.per_conn, False, "fsync")]
    for r in runs:
        print(json.dumps(r))
    RESULTS.parent.mkdir(exist_ok=True)
    best = max(r["msg_per_s"] for r in runs if r["sync"] == "group")
    print(f"best group-commit rate: {best} msg/s (10 KB, fsynced before 250)")
    RESULTS.write_text(json.dumps({"benchmark": "trap", "cpus": os.cpu_count(),
                                   "best_msg_per_s": best, "runs": runs}, indent=2) + "\n")


if __name__ == "__main__":
    main()
