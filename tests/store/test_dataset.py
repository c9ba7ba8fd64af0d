import pyarrow as pa
import pyarrow.parquet as pq

from spamintel.engine import Pipeline
from spamintel.model import RawMessage, events_to_batch
from spamintel.store import Store
from spamintel.store.dataset import _TMP
from spamintel.testing import sample_corpus


def _events(n=30):
    pipe = Pipeline()
    return [pipe.process(RawMessage(data=d, source=name)) for name, d in sample_corpus(n)]


def test_events_partitioned_by_day_and_queryable(tmp_path):
    store = Store(tmp_path)
    events = _events()
    assert store.write_events(events_to_batch(events)) == 30
    days = {e.day for e in events}
    assert {p.parent.name for p in store.event_files()} == {f"day={d}" for d in days}
    con = store.connect()
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 30
    assert store.existing_ids() == {e.event_id for e in events}


def test_empty_store_has_views(tmp_path):
    con = Store(tmp_path).connect()
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 0
    cols = [r[0] for r in con.execute("DESCRIBE events").fetchall()]
    assert "botnet" in cols and "campaign_id" in cols


def test_attribution_table_joins_into_events(tmp_path):
    store = Store(tmp_path)
    events = _events(5)
    store.write_events(events_to_batch(events))
    store.write_table("attribution", pa.table({
        "event_id": [events[0].event_id], "botnet": ["rustock"], "botnet_confidence": [0.9],
        "botnet_method": ["signature"], "campaign_id": ["c1"]}))
    con = store.connect()
    got = con.execute("SELECT botnet, count(*) FROM events GROUP BY 1 ORDER BY 1").fetchall()
    assert got == [("rustock", 1), (None, 4)]
    assert con.execute("SELECT count(*) FROM attribution").fetchone()[0] == 1


def test_spool_round_trip_and_temp_cleanup(tmp_path):
    store = Store(tmp_path)
    store.spool_put([("ab" * 32, b"raw bytes")])
    assert store.raw("ab" * 32) == b"raw bytes"
    (tmp_path / "events" / "day=2007-04-08").mkdir(parents=True)
    leftover = tmp_path / "events" / "day=2007-04-08" / ".tmp-part-x.parquet"
    leftover.write_bytes(b"partial")
    Store(tmp_path)
    assert leftover.exists()  # a reader never touches a writer's file in progress
    Store(tmp_path, recover=True)
    assert not leftover.exists()


def test_spool_skips_duplicates_within_and_across_batches(tmp_path):
    store = Store(tmp_path)
    assert store.spool_put([("a" * 64, b"one"), ("a" * 64, b"one"), ("b" * 64, b"two")]) == 2
    assert Store(tmp_path).spool_put([("a" * 64, b"one"), ("c" * 64, b"three")]) == 1
    reopened = Store(tmp_path)
    assert [reopened.raw(h * 64) for h in "abc"] == [b"one", b"two", b"three"]


def test_small_and_large_tables_read_back_the_same(tmp_path):
    # Files under a thousand rows are written with a cheaper codec; every file reads back
    # as written, and a large one keeps the denser zstd.
    store = Store(tmp_path)
    for rows in (3, 2500):
        table = pa.table({"event_id": [f"e{i}" for i in range(rows)],
                          "body_excerpt": ["spam " * (i % 7) for i in range(rows)],
                          "n": list(range(rows))})
        store.write_table(f"t{rows}", table)
        path = store.table_path(f"t{rows}")
        assert pq.read_table(path).equals(table)
        codec = pq.ParquetFile(path).metadata.row_group(0).column(0).compression
        assert (codec == "ZSTD") == (rows >= 1000)


def test_drop_table_removes_an_analysis_table_and_tolerates_a_missing_one(tmp_path):
    store = Store(tmp_path)
    store.write_table("populations", pa.table({"n": [1]}))
    store.drop_table("populations")
    store.drop_table("populations")
    assert "populations" not in store.table_names()


def test_day_span_reads_the_partitions_and_leaves_out_undated_mail(tmp_path):
    store = Store(tmp_path)
    assert store.day_span() is None
    events = _events(5)
    events[0].day = None
    store.write_events(events_to_batch(events))
    days = sorted(e.day for e in events[1:])
    assert store.day_span() == (days[0], days[-1])
    assert any(p.parent.name == "day=unknown" for p in store.event_files())
    left = store.events_dir / "day=1999-01-01"  # a writer killed before it committed
    left.mkdir()
    (left / f"{_TMP}part-x.parquet").write_bytes(b"partial")
    assert store.day_span() == (days[0], days[-1])
