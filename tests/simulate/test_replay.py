"""Replay a small simulated world into a real aiosmtpd server on an ephemeral port."""

import asyncio
import threading
from datetime import date

import pytest
from aiosmtpd.smtp import SMTP

from spamintel.simulate.replay import (
    ReplayConfig,
    dot_stuff,
    iter_sessions,
    replay,
    replay_sessions,
    strip_trap_received,
)


class Recorder:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((session.host_name, envelope.mail_from, list(envelope.rcpt_tos),
                               envelope.original_content))
        return "250 OK"


class RawSMTP(SMTP):
    raw = []

    def data_received(self, data):
        RawSMTP.raw.append(data)
        super().data_received(data)


@pytest.fixture
def server():
    loop = asyncio.new_event_loop()
    handler = Recorder()
    srv = loop.run_until_complete(loop.create_server(
        lambda: RawSMTP(handler, hostname="sink.test"), "127.0.0.1", 0))
    port = srv.sockets[0].getsockname()[1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield handler, port
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    srv.close()


def test_replay_delivers_recorded_sessions(tmp_path, server, make_world):
    handler, port = server
    world = make_world(tmp_path / "w", end=date(2011, 3, 16), scale=0.05)
    sessions = list(iter_sessions(world, ("trap-a",)))
    expected = sum(len(s) for s in sessions[:40])
    RawSMTP.raw.clear()
    stats = replay(ReplayConfig(world=world, port=port, max_sessions=40, timeout=5,
                                sensors=("trap-a",)))
    assert stats.sessions == min(40, len(sessions)) and stats.errors == 0
    assert stats.messages == len(handler.envelopes) >= 0.9 * expected
    sent = {strip_trap_received(data) for s in sessions[:40] for _, data in s}
    got = {content for *_, content in handler.envelopes}
    assert got <= sent  # byte-exact message data (after the server un-stuffs dots)
    wire = b"".join(RawSMTP.raw)
    helos = {rec["helo"] for s in sessions[:40] for rec, _ in s}
    assert {h for h, *_ in handler.envelopes} <= helos
    # exact client lines: every recorded greeting reached the wire byte for byte
    greets = {s[0][0]["transcript"][1][2].encode("latin-1") for s in sessions[:40]}
    assert all(g in wire for g in greets)


def test_dot_stuffing_and_received_strip():
    data = (b"Received: from a (b [1.2.3.4])\r\n\tby t with SMTP id X\r\n\tfor <x@y>; d\r\n"
            b"Subject: s\r\n\r\n.hidden\r\n")
    body = strip_trap_received(data)
    assert body.startswith(b"Subject: s")
    assert dot_stuff(body).endswith(b"\r\n..hidden\r\n")


def test_bare_lf_and_pipelining_reach_the_wire(tmp_path, server, make_world):
    handler, port = server
    world = make_world(tmp_path / "w", start=date(2011, 3, 1), end=date(2011, 3, 1), scale=0.05)
    sessions = [s for s in iter_sessions(world, ("trap-a",))
                if s[0][0]["transcript"][1][2].endswith(("\n",)) and
                not s[0][0]["transcript"][1][2].endswith("\r\n")]
    assert sessions, "the scenario has bare-LF dialects"
    RawSMTP.raw.clear()
    stats = replay_sessions(ReplayConfig(world=world, port=port, timeout=5), sessions[:5])
    assert stats.errors == 0 and stats.messages == len(handler.envelopes) > 0
    wire = b"".join(RawSMTP.raw)
    assert b"\r\n" in wire and any(line and not line.endswith(b"\r")
                                   for line in wire.split(b"\n")[:-1])
    assert len(RawSMTP.raw) < wire.count(b"\n")  # some lines arrived together (pipelined)


def test_eml_worlds_replay_too(tmp_path, make_world):
    world = make_world(tmp_path / "e", end=date(2011, 3, 16), scale=0.05, fmt="eml")
    sessions = list(iter_sessions(world, ("trap-b",)))
    side = list((world / "mail" / "trap-b").rglob("*.sessions.jsonl"))
    assert sessions and sum(len(s) for s in sessions) == len(side)
