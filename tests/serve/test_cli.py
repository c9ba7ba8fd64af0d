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


def _first_answer(proc: subprocess.Popen, url: str, **kwargs) -> httpx.Response:
    """The first answer of the server ``proc`` starts, retried while it is starting."""
    deadline = time.monotonic() + 60
    while True:
        try:
            return httpx.get(url, timeout=5, **kwargs)
        except httpx.TransportError:
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)


def _serve(store, port: int, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "spamintel.cli", "serve", "--store",
                             str(store.path), "--listen", f"127.0.0.1:{port}", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_serves_the_store(store):
    port = _free_port()
    proc = _serve(store, port)
    try:
        got = _first_answer(proc, f"http://127.0.0.1:{port}/api/months")
        assert got.json()["latest"] == "2011-03"
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_token_file_guards_the_server(store, tmp_path):
    tokens = tmp_path / "tokens"
    tokens.write_text("# site token\nserve-test-token-0123456789\n")
    tokens.chmod(0o644)
    port = _free_port()
    proc = _serve(store, port, "--token-file", str(tokens))
    url = f"http://127.0.0.1:{port}/api/months"
    try:
        assert _first_answer(proc, url).status_code == 401
        got = httpx.get(url, auth=("analyst", "serve-test-token-0123456789"), timeout=5)
        assert got.json()["latest"] == "2011-03"
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=10)
    assert "readable by other users" in output


@pytest.mark.parametrize(("text", "words"), [("", "no token in"),
                                            ("tooshort\n", "shorter than 16")])
def test_a_token_file_that_cannot_guard_is_a_usage_error(store, tmp_path, text, words):
    tokens = tmp_path / "tokens"
    tokens.write_text(text)
    result = CliRunner().invoke(app, ["serve", "--store", str(store.path),
                                      "--token-file", str(tokens)])
    assert result.exit_code == 2
    assert words in result.output


@pytest.mark.parametrize(("host", "warned"), [("0.0.0.0", True), ("192.0.2.1", True),
                                              ("intel.example.org", True), ("127.0.0.1", False),
                                              ("::1", False), ("localhost", False)])
def test_serving_off_loopback_without_tokens_warns(capsys, host, warned):
    from spamintel.cli.serve import _tokens

    assert _tokens(None, host) == ()
    assert ("anyone who reaches" in capsys.readouterr().err) == warned
