"""A simulated world replayed into the trap gives the same events as its files ingested
directly: same ids, times, clients, envelopes and dialect fields (only ``source`` differs)."""

from __future__ import annotations

from datetime import date

import pytest

from spamintel.engine import ingest
from spamintel.model import EVENT_FIELDS
from spamintel.simulate.generate import SimConfig, simulate
from spamintel.simulate.replay import ReplayConfig, iter_sessions, replay_sessions
from spamintel.sources import iter_sources
from spamintel.sources.spool import iter_spool
from spamintel.store import Store

SENSOR, HOST = "trap-a", "mx1.trap-a.example.net"
COLUMNS = tuple(name for name in EVENT_FIELDS if name != "source")


def _rows(store: Store) -> list[tuple]:
    sql = f"select {', '.join(COLUMNS)} from events order by event_id"
    return store.connect().execute(sql).fetchall()


def test_replay_into_the_trap_matches_direct_ingest(tmp_path, start_trap):
    world = tmp_path / "world"
    simulate(SimConfig(out=world, seed=11, scale=0.05, start=date(2011, 3, 15),
                       end=date(2011, 3, 16)))
    sessions = list(iter_sessions(world, (SENSOR,)))[:30]
    wanted = {rec["msg_sha256"] for s in sessions for rec, _ in s}
    if len(wanted) < 10:
        pytest.skip("the simulated sample is too small")

    direct = Store(tmp_path / "direct")
    files = sorted((world / "mail" / SENSOR).glob("*.mbox"))
    items = (m for m in iter_sources(files, sensor=SENSOR) if getattr(m, "sha256", "") in wanted)
    ingest(items, direct)

    trap = start_trap(sensor=SENSOR, hostname=HOST, xclient_from=("127.0.0.1",),
                      max_per_ip=1000, spool=str(tmp_path / "spool"))
    stats = replay_sessions(ReplayConfig(world=world, port=trap.address[1], timeout=10,
                                         xclient=True), sessions)
    assert stats.errors == 0
    replayed = Store(tmp_path / "replayed")
    ingest(iter_spool(tmp_path / "spool"), replayed)

    want, got = _rows(direct), _rows(replayed)
    assert len(want) == len(wanted)
    assert got == want
    assert all(row[COLUMNS.index("smtp_dialect_fp")] for row in got)
