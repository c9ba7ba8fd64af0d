"""How sessions end: every connection frees its slot and leaves a summary saying how it
ended, whether the client closes, stalls, stops reading or is closed by the trap."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time

import pytest

MSG = b"Subject: t\r\n\r\nbody\r\n"


def _ended(session_log, spool, n: int = 1, timeout: float = 10.0) -> list[dict]:
    """The first ``n`` end-of-session records, waiting up to ``timeout`` s for them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sessions = [r for r in session_log(spool) if r.get("kind") == "session"]
        if len(sessions) >= n:
            return sessions
        time.sleep(0.02)
    raise AssertionError(f"fewer than {n} sessions ended")


def _read_to_end(sock: socket.socket) -> bytes:
    got = b""
    while chunk := sock.recv(65536):
        got += chunk
    return got


def _banner_for_a_new_client(address) -> str:
    with socket.create_connection(address, timeout=10) as sock:
        return sock.recv(200).decode("latin-1")


def test_stalled_starttls_handshake_is_timed_out_and_recorded(start_trap, raw, session_log,
                                                              tmp_path):
    trap = start_trap(starttls=True, idle_timeout=0.5, max_per_ip=1)
    if trap.trap.tls is None:
        pytest.skip("no openssl to make a certificate")
    c = raw(trap.address)
    c.reply()
    c.say(b"EHLO stall.example\r\n")
    assert c.say(b"STARTTLS\r\n").startswith("220")  # and never a TLS client hello
    [ended] = _ended(session_log, tmp_path / "spool")
    assert ended["ending"] == "idle_timeout"
    assert _banner_for_a_new_client(trap.address).startswith("220")


def _flood_without_reading(address) -> tuple[socket.socket, threading.Thread]:
    """A client that pipelines EHLOs and never reads a reply (its window stays small)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(30)
    sock.connect(address)

    def flood() -> None:
        with contextlib.suppress(OSError):  # the trap cuts it
            sock.sendall(b"EHLO flood.example\r\n" * 500_000)

    sender = threading.Thread(target=flood, daemon=True)
    sender.start()
    return sock, sender


def test_client_that_never_reads_is_cut_at_the_idle_timeout(start_trap, session_log, tmp_path):
    trap = start_trap(idle_timeout=0.5, max_per_ip=1)
    sock, sender = _flood_without_reading(trap.address)
    [ended] = _ended(session_log, tmp_path / "spool", timeout=20)
    assert ended["ending"] == "idle_timeout"
    sender.join(30)
    sock.close()
    assert _banner_for_a_new_client(trap.address).startswith("220")


def test_client_that_never_reads_is_cut_at_shutdown(start_trap, session_log, tmp_path):
    trap = start_trap(idle_timeout=60, max_per_ip=1)
    sock, sender = _flood_without_reading(trap.address)
    time.sleep(1.0)  # long enough for its replies to fill the socket buffers
    asyncio.run_coroutine_threadsafe(trap.trap.stop(10), trap.loop).result(60)
    ended = [r for r in session_log(tmp_path / "spool") if r.get("kind") == "session"]
    assert [r["ending"] for r in ended] == ["shutdown"]
    sender.join(30)
    sock.close()


def test_half_close_after_the_dot_line_still_gets_250(start_trap, raw, session_log, tmp_path):
    trap = start_trap()
    for k in range(3):
        c = raw(trap.address)
        c.reply()
        for line in (b"EHLO half.example\r\n", b"MAIL FROM:<a@b.example>\r\n",
                     b"RCPT TO:<x@trap.test>\r\n", b"DATA\r\n"):
            c.say(line)
        c.send(MSG)
        time.sleep(0.1)
        c.send(b".\r\n")
        c.sock.shutdown(socket.SHUT_WR)  # done sending, still reading
        assert _read_to_end(c.sock).startswith(b"250 2.0.0 Ok: queued as"), k
    ended = _ended(session_log, tmp_path / "spool", 3)
    assert [(r["ending"], r["messages"]) for r in ended] == [("drop", 1)] * 3


@pytest.mark.parametrize("delay", [0.0, 1.0])
def test_client_leaving_before_the_banner_frees_its_slot(start_trap, session_log, tmp_path,
                                                         delay):
    trap = start_trap(greeting_delay=delay, idle_timeout=60, max_per_ip=1)
    socket.create_connection(trap.address, timeout=10).close()
    [ended] = _ended(session_log, tmp_path / "spool")
    assert ended["ending"] == "drop"
    assert _banner_for_a_new_client(trap.address).startswith("220")


@pytest.mark.parametrize("pipelined", [False, True])
def test_close_after_unknown_commands_is_the_trap_s(start_trap, raw, session_log, tmp_path,
                                                    pipelined):
    c = raw(start_trap().address)
    c.reply()
    c.say(b"EHLO bogus.example\r\n")
    commands = [f"FOO{k}\r\n".encode() for k in range(5)]
    if pipelined:
        c.send(b"".join(commands))
        replies = [c.reply() for _ in commands]
    else:
        replies = [c.say(line) for line in commands]
    assert [r[:3] for r in replies] == ["500"] * 4 + ["502"]
    assert _read_to_end(c.sock) == b""
    [ended] = _ended(session_log, tmp_path / "spool")
    assert ended["ending"] == "trap_closed" and ended["rejects"] == ["unknown_commands"]
