"""Joint test: a simulated world replayed into the project's own trap (with XCLIENT) is
stored byte for byte as the simulator wrote it, with the same dialect fingerprints."""

import asyncio
import hashlib
import json
import threading
from datetime import date

import pytest

from spamintel.fingerprint.dialect import dialect_fingerprint
from spamintel.simulate.replay import ReplayConfig, iter_sessions, replay_sessions
from spamintel.sources.trap import Trap, TrapConfig


@pytest.fixture
def trap(tmp_path):
    cfg = TrapConfig(listen_host="127.0.0.1", listen_port=0, spool=str(tmp_path / "spool"),
                     sensor="trap-a", hostname="mx1.trap-a.example.net",
                     xclient_from=("127.0.0.1",), sync="none", use_uvloop=False,
                     max_per_ip=1000)
    loop = asyncio.new_event_loop()
    server = Trap(cfg)
    _, port = loop.run_until_complete(server.start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield port, tmp_path / "spool"
    asyncio.run_coroutine_threadsafe(server.stop(grace=2), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


def test_replay_through_the_trap_keeps_bytes_and_dialects(tmp_path, trap, make_world):
    port, spool = trap
    world = make_world(tmp_path / "w", end=date(2011, 3, 16), scale=0.05)
    sessions = list(iter_sessions(world, ("trap-a",)))[:25]
    stats = replay_sessions(ReplayConfig(world=world, port=port, timeout=5, xclient=True),
                            sessions)
    assert stats.errors == 0
    sent = {rec["msg_sha256"]: rec for s in sessions for rec, _ in s}
    stored = {p.stem: p.read_bytes() for p in spool.rglob("*.eml")}
    assert all(hashlib.sha256(b).hexdigest() == sha for sha, b in stored.items())
    assert set(stored) == set(sent)
    compared = 0
    for side in spool.rglob("*.json"):
        rec = json.loads(side.read_text())
        if rec.get("msg_sha256") in sent:
            assert dialect_fingerprint(rec)[0] == dialect_fingerprint(sent[rec["msg_sha256"]])[0]
            assert (rec["client_ip"], rec["helo"]) == (sent[rec["msg_sha256"]]["client_ip"],
                                                       sent[rec["msg_sha256"]]["helo"])
            compared += 1
    assert len(sent) > 20 and compared == len(sent)
