"""Snapshots: figures read once per state of the store, a new state when files change."""

from __future__ import annotations

import pyarrow as pa

from spamintel.serve.snapshot import SnapshotCache, fingerprint
from spamintel.store import Store


def test_same_files_same_snapshot(store):
    cache = SnapshotCache(store)
    snap = cache.current()
    assert cache.current() is snap
    assert snap.figures("2011-03") is snap.figures("2011-03")
    assert snap.report_json("2011-03").lstrip().startswith("{")
    calls = []
    assert snap.memo("k", lambda: calls.append(1) or 7) == 7
    assert snap.memo("k", lambda: calls.append(1) or 8) == 7 and calls == [1]


def test_changed_files_new_snapshot(tmp_path):
    st = Store(tmp_path / "s")
    cache = SnapshotCache(st)
    first = cache.current()
    assert first.tables == frozenset()
    st.write_table("rates", pa.table({"month": ["2011-03"]}))
    second = cache.current()
    assert second is not first and second.tables == {"rates"}
    assert fingerprint(st) == second.key


def test_reads_see_the_views(store):
    snap = SnapshotCache(store).current()
    count = snap.read(lambda con, t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0],
                      "series_daily")
    assert count > 0


def test_a_slow_memo_holds_up_no_other_key_and_the_memo_stays_bounded(store):
    import threading

    from spamintel.serve.snapshot import MAX_MEMO

    snap = SnapshotCache(store).current()
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait(30)
        return "built"

    worker = threading.Thread(target=lambda: snap.memo("feed:slow", slow))
    worker.start()
    assert started.wait(30)
    assert snap.memo("months", lambda: ["2011-03"]) == ["2011-03"]  # not waiting for the feed
    release.set()
    worker.join(30)
    assert snap.memo("feed:slow", lambda: "again") == "built"
    for i in range(3 * MAX_MEMO):
        snap.memo(f"feed:{i}", lambda i=i: i)
    assert len(snap._memo) == MAX_MEMO and snap.memo("feed:0", lambda: "new") == "new"
