"""Crash safety: kill -9 under load loses no acknowledged message; SIGTERM drains cleanly."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from spamintel.engine import ingest
from spamintel.sources.spool import content_path, iter_spool
from spamintel.sources.trap.loadgen import LoadResult, run_load_async
from spamintel.store import Store

CONNS = 16


def _start(spool: Path, log: Path) -> tuple[subprocess.Popen, int]:
    code = ("import sys; from spamintel.sources.trap import load_trap_config, run_trap; "
            "run_trap(load_trap_config(None, listen_port=0, spool=sys.argv[1], sensor='kill', "
            "max_per_ip=1000, use_uvloop=False))")
    proc = subprocess.Popen([sys.executable, "-c", code, str(spool)],
                            stderr=open(log, "w"))  # noqa: SIM115 (the child owns it)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        for line in log.read_text().splitlines():
            doc = json.loads(line) if line.startswith("{") else {}
            if doc.get("msg") == "listening":
                return proc, int(doc["address"][1])
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("trap did not start: " + log.read_text()[-2000:])


def _load_in_thread(port: int, count: int, first: int, deadline: float):
    result: list[LoadResult] = []

    def go() -> None:
        result.append(asyncio.run(run_load_async("127.0.0.1", port, count, conns=CONNS,
                                                 per_conn=50, size=2048, first=first,
                                                 deadline_s=deadline)))

    thread = threading.Thread(target=go, daemon=True)
    thread.start()
    return thread, result


def _numbers_in_spool(spool: Path) -> dict[int, int]:
    seen: dict[int, int] = {}
    for side in spool.glob("*/*.json"):
        if side.name.startswith(".tmp-"):
            continue  # a batch the kill interrupted: never acknowledged, never read
        rec = json.loads(side.read_text())
        data = content_path(spool, rec["msg_sha256"]).read_bytes()
        n = int(data.split(b"Subject: load ", 1)[1].split(b"\r\n", 1)[0])
        seen[n] = seen.get(n, 0) + 1
    return seen


def test_kill_9_under_load_loses_nothing_acknowledged(tmp_path):
    spool = tmp_path / "spool"
    proc, port = _start(spool, tmp_path / "trap1.log")
    thread, result = _load_in_thread(port, 200_000, 0, 30)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(list(spool.glob("*/*.json"))) < 400:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    thread.join(40)
    first = result[0]
    assert len(first.acked) >= 100
    in_spool = _numbers_in_spool(spool)
    assert set(first.acked) <= set(in_spool)
    assert max(in_spool.values()) == 1
    assert len(set(in_spool) - set(first.acked)) <= CONNS

    proc, port = _start(spool, tmp_path / "trap2.log")
    try:
        thread, result = _load_in_thread(port, 300, 1_000_000, 30)
        thread.join(40)
    finally:
        proc.terminate()
        proc.wait(30)
    second = result[0]
    assert sorted(second.acked) == list(range(1_000_000, 1_000_300))

    store = Store(tmp_path / "store")
    stats = ingest(iter_spool(spool), store)
    assert stats.quarantined == 0
    con = store.connect()
    subjects = [r[0] for r in con.execute("select subject from events").fetchall()]
    numbers = [int(s.split()[1]) for s in subjects]
    assert len(numbers) == len(set(numbers)) == len(in_spool) + 300
    assert set(first.acked) | set(second.acked) <= set(numbers)
    assert ingest(iter_spool(spool), store).stored == 0


def test_sigterm_finishes_data_in_flight_then_exits(tmp_path):
    spool = tmp_path / "spool"
    proc, port = _start(spool, tmp_path / "trap.log")
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    buf = sock.makefile("rb")
    buf.readline()
    for line in (b"HELO t.example\r\n", b"MAIL FROM:<a@b.example>\r\n",
                 b"RCPT TO:<x@trap.test>\r\n", b"DATA\r\n"):
        sock.sendall(line)
        buf.readline()
    sock.sendall(b"Subject: load 7\r\n\r\nhalf")
    time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    sock.sendall(b" and the rest\r\n.\r\n")
    assert buf.readline().startswith(b"250")
    assert buf.readline().startswith(b"421")
    assert proc.wait(30) == 0
    assert _numbers_in_spool(spool) == {7: 1}
