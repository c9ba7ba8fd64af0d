"""Reading a trap spool: deliveries as trap RawMessages, follow with a checkpoint, ingest once."""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import time

from spamintel.model import RawMessage, SourceFailure
from spamintel.sources.spool import (
    INDEX_DIR,
    SpoolFollower,
    checkpoint_path,
    content_path,
    is_spool,
    iter_spool,
)
from spamintel.sources.trap.feeder import feed_store
from spamintel.sources.trap.spool_writer import SpoolItem, SpoolWriter


def _msg(n: int) -> bytes:
    return (f"Received: from h (unknown [192.0.2.{n % 250}])\r\n\tby mx with ESMTP id X{n}\r\n"
            f"\tfor <a@trap.test>; Tue, 01 Mar 2011 10:00:{n % 60:02d} +0000\r\n"
            f"From: a@b.example\r\nSubject: spool {n}\r\nMessage-ID: <{n}@b.example>\r\n\r\n"
            f"body {n}\r\n").encode()


def _item(data: bytes, sid: str, when: str) -> SpoolItem:
    sha = hashlib.sha256(data).hexdigest()
    rec = {"msg_sha256": sha, "sensor": "t1", "client_ip": "192.0.2.1", "helo": "h",
           "received_at": when, "mail_from": "a@b.example", "rcpt_to": ["a@trap.test"],
           "tls": False, "index_in_session": 0, "transcript": []}
    return SpoolItem(sha, data, json.dumps(rec).encode(), sid)


def _write(spool, items, sync="none") -> None:
    async def go() -> None:
        writer = SpoolWriter(spool, sync)
        await asyncio.gather(*(writer.put(i) for i in items))
        await writer.close()
    asyncio.run(go())


def test_deliveries_become_trap_messages(tmp_path):
    spool = tmp_path / "spool"
    _write(spool, [_item(_msg(1), "s1-0", "2011-03-01T10:00:01+00:00")], sync="group")
    assert is_spool(spool) and not is_spool(tmp_path)
    (raw,) = list(iter_spool(spool))
    assert isinstance(raw, RawMessage)
    assert raw.source_kind == "trap" and raw.sensor == "t1" and raw.client_ip == "192.0.2.1"
    assert raw.envelope_rcpts == ("a@trap.test",) and raw.data == _msg(1)
    assert raw.received_at.isoformat() == "2011-03-01T10:00:01+00:00"


def test_same_bytes_twice_is_one_file_and_two_events(tmp_path):
    spool = tmp_path / "spool"
    _write(spool, [_item(_msg(2), "a-0", "2011-03-01T10:00:01+00:00"),
                   _item(_msg(2), "b-0", "2011-03-01T11:00:01+00:00")])
    assert len(list(spool.glob("*/*.eml"))) == 1
    raws = list(iter_spool(spool))
    assert len(raws) == 2 and raws[0].sha256 == raws[1].sha256
    assert raws[0].event_id != raws[1].event_id


def test_corrupt_content_is_a_source_failure(tmp_path):
    spool = tmp_path / "spool"
    item = _item(_msg(3), "c-0", "2011-03-01T10:00:01+00:00")
    _write(spool, [item])
    content_path(spool, item.sha).write_bytes(b"tampered")
    (fail,) = list(iter_spool(spool))
    assert isinstance(fail, SourceFailure) and "sha256" in fail.reason


def test_follower_resumes_from_its_checkpoint_and_waits_for_whole_lines(tmp_path):
    spool = tmp_path / "spool"
    state = checkpoint_path(tmp_path / "store", spool)
    _write(spool, [_item(_msg(n), f"s{n}-0", f"2011-03-01T10:00:{n:02d}+00:00")
                   for n in range(5)])
    first = SpoolFollower(spool, state)
    assert len(first.poll(limit=3)) == 3
    first.commit()
    assert len(first.poll()) == 2
    again = SpoolFollower(spool, state)
    assert len(again.poll()) == 2
    again.commit()
    index = next((spool / INDEX_DIR).iterdir())
    extra = _item(_msg(9), "s9-0", "2011-03-01T10:00:09+00:00")
    _write(spool, [extra])
    with open(index, "ab") as fh:
        fh.write(extra.sha.encode())
    assert len(again.poll()) == 1
    with open(index, "ab") as fh:
        fh.write(b" s9-0\n")
    assert [r.sha256 for r in again.poll()] == [extra.sha]
    assert again.lag_bytes() > 0
    again.commit()
    assert again.lag_bytes() == 0


def test_feed_store_ingests_exactly_once(tmp_path):
    from spamintel.store import Store

    spool, store_dir = tmp_path / "spool", tmp_path / "store"
    _write(spool, [_item(_msg(n), f"s{n}-0", f"2011-03-01T10:00:{n:02d}+00:00")
                   for n in range(4)])

    def run_until(count: int) -> None:
        stop = threading.Event()
        thread = threading.Thread(target=feed_store, args=(spool, store_dir),
                                  kwargs={"stop": stop, "interval": 0.1,
                                                                 "max_wait": 0.3})
        thread.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _count(store_dir) < count:
            time.sleep(0.1)
        stop.set()
        thread.join(60)

    run_until(4)
    _write(spool, [_item(_msg(7), "s7-0", "2011-03-01T10:00:07+00:00")])
    state = checkpoint_path(store_dir, spool)
    state.unlink()
    run_until(5)
    con = Store(store_dir).connect()
    assert con.execute("select count(*), count(distinct event_id) from events").fetchone() == (5, 5)
    assert con.execute("select count(*) from events where source_kind = 'trap'").fetchone() == (5,)


def _count(store_dir) -> int:
    from spamintel.store import Store

    if not store_dir.exists():
        return 0
    return Store(store_dir).connect().execute("select count(*) from events").fetchone()[0]


def test_plain_ingest_of_a_spool_reads_sessions_not_files(tmp_path):
    from spamintel.sources import iter_sources

    spool = tmp_path / "spool"
    _write(spool, [_item(_msg(n), f"s{n}-0", f"2011-03-01T10:00:0{n}+00:00") for n in range(3)])
    items = list(iter_sources([spool]))
    assert len(items) == 3
    assert all(isinstance(i, RawMessage) and i.session for i in items)
