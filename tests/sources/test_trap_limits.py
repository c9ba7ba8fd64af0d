"""Limits and hostility: oversize, slow and idle clients, floods, garbage, greylisting, drain."""

from __future__ import annotations

import asyncio
import os
import smtplib
import socket
import threading
import time

import pytest

MSG = b"Subject: t\r\n\r\nbody\r\n"


def _files(spool):
    return sorted(p.name for p in spool.rglob("*") if p.is_file() and p.parent.name not in
                  ("index", "sessions", "tls") and not p.name.startswith(".spamintel"))


def _begin(c, helo=b"EHLO abuse.example\r\n") -> None:
    c.reply()
    c.say(helo)
    assert c.say(b"MAIL FROM:<a@b.example>\r\n").startswith("250")
    assert c.say(b"RCPT TO:<x@trap.test>\r\n").startswith("250")


def _send_ok(address, n: int = 1) -> None:
    for k in range(n):
        with smtplib.SMTP(*address, timeout=10) as s:
            s.sendmail("x@y.example", ["a@trap.test"], MSG + str(k).encode())


def test_oversize_message_gets_552_and_leaves_no_file(start_trap, raw, session_log, tmp_path):
    trap = start_trap(max_message_bytes=20_000)
    c = raw(trap.address)
    _begin(c)
    assert c.say(b"DATA\r\n").startswith("354")
    c.send(b"Subject: big\r\n\r\n" + (b"y" * 998 + b"\r\n") * 60 + b".\r\n")
    assert c.reply().startswith("552")
    assert _files(tmp_path / "spool") == []
    assert c.say(b"MAIL FROM:<a@b.example> SIZE=99999999\r\n").startswith("552")
    c.say(b"QUIT\r\n")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not session_log(tmp_path / "spool"):
        time.sleep(0.02)
    assert session_log(tmp_path / "spool")[0]["rejects"] == ["oversize", "size_declared"]
    _send_ok(trap.address)
    assert len(_files(tmp_path / "spool")) == 2


def test_idle_crowd_and_slow_loris_do_not_stop_delivery(start_trap, tmp_path):
    trap = start_trap(max_per_ip=500, idle_timeout=60, session_timeout=4)
    idle = [socket.create_connection(trap.address, timeout=10) for _ in range(200)]
    for s in idle:
        assert s.recv(100).startswith(b"220")
    slow = socket.create_connection(trap.address, timeout=10)
    slow.recv(100)
    for line in (b"HELO slow.example\r\n", b"MAIL FROM:<s@b.example>\r\n",
                 b"RCPT TO:<x@trap.test>\r\n", b"DATA\r\n"):
        slow.sendall(line)
        slow.recv(200)
    cut = threading.Event()

    def drip() -> None:
        for _ in range(12):
            try:
                slow.sendall(b"z")
            except OSError:
                cut.set()
                return
            time.sleep(1)

    dripper = threading.Thread(target=drip, daemon=True)
    dripper.start()
    t0 = time.monotonic()
    _send_ok(trap.address, 5)
    assert time.monotonic() - t0 < 5
    slow.settimeout(10)
    assert slow.recv(200).startswith(b"421")
    assert idle[0].getpeername()
    dripper.join(15)
    for s in idle + [slow]:
        s.close()
    assert len([f for f in _files(tmp_path / "spool") if f.endswith(".eml")]) == 5


def test_connection_limits_per_ip(start_trap, raw):
    trap = start_trap(max_per_ip=3)
    held = [raw(trap.address) for _ in range(3)]
    for c in held:
        assert c.reply().startswith("220")
    extra = raw(trap.address)
    assert extra.reply().startswith("421")


def test_recipient_limit(start_trap, raw):
    c = raw(start_trap(max_recipients=2).address)
    _begin(c)
    assert c.say(b"RCPT TO:<y@trap.test>\r\n").startswith("250")
    assert c.say(b"RCPT TO:<z@trap.test>\r\n").startswith("452")


def test_garbage_and_long_lines_get_codes_not_crashes(start_trap, raw):
    trap = start_trap(max_command_line=512)
    c = raw(trap.address)
    c.reply()
    assert c.say(os.urandom(64).replace(b"\n", b"") + b"\r\n")[:1] == "5"
    assert c.say(b"A" * 5000 + b"\r\n").startswith("500")
    assert c.say(b"\x00\xff\xfe\r\n")[:1] == "5"
    assert c.say(b"MAIL\r\n").startswith("501")
    assert c.say(b"DATA\r\n").startswith("503")
    assert c.say(b"EHLO ok.example\r\n").startswith("250")
    _send_ok(trap.address)


def test_tls_misuse_does_not_take_the_trap_down(start_trap, raw):
    trap = start_trap(starttls=True)
    if trap.trap.tls is None:
        pytest.skip("no openssl to make a certificate")
    c = raw(trap.address)
    c.reply()
    c.say(b"EHLO tls.example\r\n")
    assert c.say(b"STARTTLS\r\n").startswith("220")
    c.send(b"this is not a TLS client hello\r\n" * 20)
    _send_ok(trap.address)


def test_greylisting_defers_first_contact(start_trap, raw):
    trap = start_trap(greylist=True, greylist_delay=0.3)
    c = raw(trap.address)
    c.reply()
    c.say(b"HELO grey.example\r\n")
    c.say(b"MAIL FROM:<a@b.example>\r\n")
    assert c.say(b"RCPT TO:<x@trap.test>\r\n").startswith("451")
    time.sleep(0.4)
    assert c.say(b"RCPT TO:<x@trap.test>\r\n").startswith("250")


def test_shutdown_finishes_data_in_flight(start_trap, raw, tmp_path):
    trap = start_trap()
    c = raw(trap.address)
    _begin(c)
    assert c.say(b"DATA\r\n").startswith("354")
    c.send(b"Subject: in flight\r\n\r\nfirst half\r\n")
    idle = raw(trap.address)
    idle.reply()
    stopping = asyncio.run_coroutine_threadsafe(trap.trap.stop(10), trap.loop)
    assert idle.reply().startswith("421")
    time.sleep(0.2)
    c.send(b"second half\r\n.\r\n")
    assert c.reply().startswith("250")
    assert c.reply().startswith("421")
    stopping.result(15)
    assert len([f for f in _files(tmp_path / "spool") if f.endswith(".eml")]) == 1
    with pytest.raises(OSError):
        socket.create_connection(trap.address, timeout=2).recv(10)


def test_random_hostile_streams_never_raise_inside_the_trap(start_trap):
    import random

    trap = start_trap(max_message_bytes=50_000)
    rng = random.Random(5)
    words = [b"HELO", b"EHLO", b"MAIL FROM:", b"RCPT TO:", b"DATA", b".", b"RSET", b"<>",
             b"<a@b>", b"\x00", b"\xff", b"\r", b"\n", b"\r\n", b" ", b"STARTTLS", b"QUIT",
             b"AUTH PLAIN", b"XCLIENT ADDR=1.2.3.4", b"VRFY", b"BDAT 10", b"SIZE=99"]
    socks = []
    for _ in range(40):
        stream = b"".join(rng.choice(words) if rng.random() < 0.7 else
                          bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
                          for _ in range(rng.randrange(5, 120)))
        sock = socket.create_connection(trap.address, timeout=5)
        sock.sendall(stream)
        socks.append(sock)
    time.sleep(1.5)
    for sock in socks:
        sock.settimeout(0.05)
        got = b""
        try:
            while chunk := sock.recv(65536):
                got += chunk
        except OSError:
            pass
        sock.close()
        assert got.startswith(b"220")
        assert b"500 Error: (" not in got, got[-300:]
    _send_ok(trap.address)


def test_idle_timeout_closes_silent_clients_only(start_trap, raw, session_log, tmp_path):
    trap = start_trap(idle_timeout=1.0)
    silent, chatty = raw(trap.address), raw(trap.address)
    silent.reply()
    chatty.reply()
    for _ in range(5):
        time.sleep(0.4)
        assert chatty.say(b"NOOP\r\n").startswith("250")
    with pytest.raises(ConnectionError):
        silent.reply()
    endings = [r["ending"] for r in session_log(tmp_path / "spool") if r.get("kind") == "session"]
    assert endings == ["idle_timeout"]
