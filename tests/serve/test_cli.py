"""``spamintel serve``: usage errors for a missing store or a bad address, and a real
server answering the API when started."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx
import pytest
from typer.testing import CliRunner

from spamintel.cli import app


@pytest.mark.parametrize(("args", "words"), [
    (["--store", "/nonexistent/store"], "no store at"),
    (["--listen", "localhost"], "HOST:PORT"),
    (["--listen", "127.0.0.1:99999"], "HOST:PORT"),
])
def test_usage_errors(store, args, words):
    result = CliRunner().invoke(app, ["serve", "--store", str(store.path), *args])
    assert result.exit_code == 2
    assert words in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serves_the_store(store):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "spamintel.cli", "serve", "--store",
                             str(store.path), "--listen", f"127.0.0.1:{port}"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                got = httpx.get(f"http://127.0.0.1:{port}/api/months", timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        assert got.json()["latest"] == "2011-03"
    finally:
        proc.terminate()
        proc.wait(10)
