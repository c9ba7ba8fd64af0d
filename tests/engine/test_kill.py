"""A real ``kill -9`` in the middle of an ingest leaves a consistent store, and the next
run stores exactly the missing messages."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from spamintel.store import Store
from spamintel.testing import sample_corpus

N = 3_000


def test_kill_9_then_resume_is_exactly_once(tmp_path):
    mail = tmp_path / "mail"
    mail.mkdir()
    for name, data in sample_corpus(N):
        (mail / name).write_bytes(data)
    config = tmp_path / "c.toml"
    config.write_text("[store]\nbatch_size = 100\n")
    store_dir = tmp_path / "store"
    cmd = [sys.executable, "-m", "spamintel.cli", "ingest", str(mail), "--store", str(store_dir),
           "--config", str(config), "--no-progress"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list((store_dir / "events").glob("day=*/*.parquet"))) >= 5:
            break
        time.sleep(0.05)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    partial = Store(store_dir).connect().execute("SELECT count(*) FROM events").fetchone()[0]
    assert partial < N
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=300)
    con = Store(store_dir).connect()
    assert con.execute("SELECT count(*), count(DISTINCT event_id) FROM events").fetchone() == (
        N, N)
    assert not list(store_dir.rglob(".tmp-*"))
