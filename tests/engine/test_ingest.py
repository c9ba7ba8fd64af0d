import pytest

from spamintel.config import Config, StoreConfig
from spamintel.engine import ingest
from spamintel.model import RawMessage, SourceFailure
from spamintel.sources import iter_sources
from spamintel.store import Store
from spamintel.testing import hostile_messages, sample_corpus


def _corpus(tmp_path, n=120):
    folder = tmp_path / "mail"
    folder.mkdir()
    for name, data in sample_corpus(n):
        (folder / name).write_bytes(data)
    return folder


def test_second_run_adds_nothing(tmp_path):
    folder = _corpus(tmp_path)
    store = Store(tmp_path / "s")
    first = ingest(iter_sources([folder]), store)
    second = ingest(iter_sources([folder]), store)
    assert (first.stored, second.stored, second.skipped) == (120, 0, 120)
    assert store.connect().execute("SELECT count(*) FROM events").fetchone()[0] == 120


def test_interrupted_run_resumes_exactly_once(tmp_path):
    folder = _corpus(tmp_path)
    store = Store(tmp_path / "s")
    cfg = Config(store=StoreConfig(batch_size=25))

    def dies_midway():
        for i, item in enumerate(iter_sources([folder])):
            if i == 60:
                raise KeyboardInterrupt
            yield item

    with pytest.raises(KeyboardInterrupt):
        ingest(dies_midway(), store, cfg)
    partial = store.connect().execute("SELECT count(*) FROM events").fetchone()[0]
    assert 0 < partial < 120
    ingest(iter_sources([folder]), store, cfg)
    con = store.connect()
    assert con.execute("SELECT count(*), count(DISTINCT event_id) FROM events").fetchone() == (
        120, 120)


def test_parallel_workers_store_the_same(tmp_path):
    folder = _corpus(tmp_path, 80)
    a, b = Store(tmp_path / "a"), Store(tmp_path / "b")
    ingest(iter_sources([folder]), a, Config(store=StoreConfig(batch_size=10)))
    ingest(iter_sources([folder]), b, Config(store=StoreConfig(batch_size=10)), workers=2)
    q = "SELECT event_id, client_ip, subject FROM events ORDER BY event_id"
    assert a.connect().execute(q).fetchall() == b.connect().execute(q).fetchall()


def test_hostile_input_ends_as_events_or_quarantine(tmp_path):
    items = [RawMessage(data=d, source=name) for name, d in
             hostile_messages().items()]
    items.append(SourceFailure(source="bomb.zip!x", reason="compression_bomb: test"))
    store = Store(tmp_path / "s")
    stats = ingest(iter(items), store)
    assert stats.stored + stats.quarantined == len(items)
    con = store.connect()
    stored = {r[0] for r in con.execute("SELECT source FROM events").fetchall()}
    quarantined = {r[0] for r in con.execute("SELECT source FROM quarantine").fetchall()}
    assert stored | quarantined == {i.source for i in items}
    defects = dict(con.execute("SELECT source, parse_defects FROM events").fetchall())
    assert "nul_in_headers" in defects["nul_bytes"]
    assert "too_many_headers" in defects["ten_thousand_headers"] or \
        "malformed_header_line" not in defects["ten_thousand_headers"]
