"""The Spark engine stores what the local engine stores: the same events (every column),
quarantine rows and spool, exactly once, with the input read on the executors (files, an
mbox, zips in parts, broken zips), and the messages of a big .tar.gz or mbox processed in
several tasks. One local[2] session serves the module."""

from __future__ import annotations

import io
import os
import random
import tarfile
import zipfile
from datetime import datetime, timedelta, timezone
from itertools import chain
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from spamintel.config import Config, StoreConfig
from spamintel.engine import ingest
from spamintel.engine.spark import ingest_spark, spark_session
from spamintel.model import RawMessage
from spamintel.sources import iter_sources
from spamintel.sources.files import _Reader
from spamintel.store import Store
from spamintel.testing import hostile_messages, make_message, sample_corpus

CFG = Config(store=StoreConfig(batch_size=40))
# Columns that record the ingest run itself, not the message.
RUN_COLUMNS = ("quarantined_at",)


@pytest.fixture(scope="module")
def spark():
    with spark_session("local[2]") as session:
        yield session


def _zip(members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


def _corrupt_member(data: bytes, index: int) -> bytes:
    """A stored zip whose member ``index`` fails its CRC check when read."""
    info = zipfile.ZipFile(io.BytesIO(data)).infolist()[index]
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    at = start + info.file_size // 2
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]


@pytest.fixture(scope="module")
def mail(tmp_path_factory) -> Path:
    """.eml files, an mbox, zips (one with a copy of an .eml, one broken in a member, one
    cut short), and hostile messages; the zips split into parts on Spark."""
    root = tmp_path_factory.mktemp("mail")
    corpus = sample_corpus(170)
    for name, data in corpus[:70]:
        (root / name).write_bytes(data)
    (root / "box.mbox").write_bytes(b"".join(
        b"From sender@example.net Sat Apr  7 10:00:00 2007\n" + data + b"\n"
        for _, data in corpus[70:110]))
    whole = _zip([*corpus[110:150], ("copy.eml", corpus[3][1])])  # read before msg00003.eml
    (root / "more.zip").write_bytes(whole)
    (root / "broken.zip").write_bytes(whole[: len(whole) // 2])
    (root / "partly.zip").write_bytes(_corrupt_member(_zip(corpus[150:], zipfile.ZIP_STORED), 12))
    hostile = hostile_messages(big_bytes=1024)
    for name in ("nul_bytes", "broken_base64", "garbage_8bit_headers", "empty"):
        (root / f"hostile_{name}.eml").write_bytes(hostile[name])
    # a name that is no UTF-8, and a report kept whole in the spool (it holds no message)
    (root / os.fsdecode(b"caf\xe9.eml")).write_bytes(make_message(subject="cafe"))
    (root / "report.eml").write_bytes(
        b"From: spammer@pills.example\nSubject: pills\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/report; report-type=feedback-report; boundary="r"\n\n'
        b"--r\nContent-Type: text/plain\n\n" + b"buy pills " * 9000 + b"\n--r--\n")
    return root


def _trap_message() -> RawMessage:
    """A trap delivery: envelope, session, and a receive time off UTC (part of its id)."""
    when = datetime(2007, 4, 9, 8, 30, 1, 250, tzinfo=timezone(timedelta(hours=2)))
    session = {"client_ip": "192.0.2.9", "helo": "bot", "mail_from": "a@b.example",
               "rcpt_to": ["x@trap.example", "y@trap.example"], "received_at": when.isoformat(),
               "transcript": ["EHLO bot", "MAIL FROM:<a@b.example>"], "index_in_session": 1}
    return RawMessage(data=make_message(subject="trap"), source="trap/1", sensor="trap1",
                      source_kind="trap", received_at=when, envelope_from="a@b.example",
                      envelope_rcpts=("x@trap.example", "y@trap.example"),
                      client_ip="192.0.2.9", client_helo="bot", session=session)


def _items(mail: Path):
    """The local engine's input: the messages read here."""
    return chain(iter_sources([mail]), [_trap_message()])


def _inputs(mail: Path) -> list:
    """The Spark engine's input: the folder, read on the executors, and a trap delivery."""
    return [mail, _trap_message()]


def _events(store: Store) -> pa.Table:
    return pa.concat_tables(pq.read_table(f) for f in store.event_files()).sort_by("event_id")


def _quarantine(store: Store) -> pa.Table:
    table = pa.concat_tables(pq.read_table(f) for f in store.quarantine_files())
    return table.drop_columns(list(RUN_COLUMNS)).sort_by("event_id")


def _spool(store: Store) -> dict[str, bytes]:
    shas = pa.concat_tables(pq.read_table(f) for f in (store.path / "spool" / "index").glob(
        "*.parquet")).column("msg_sha256").to_pylist()
    return {sha: store.raw(sha) for sha in shas}


@pytest.fixture(scope="module")
def local_store(mail, tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("local"))
    ingest(_items(mail), store, CFG, workers=2)
    return store


def _assert_same_store(spark_store: Store, local_store: Store, layout: bool = True) -> None:
    events = _events(spark_store)
    assert events.num_rows > 150
    assert events.schema == _events(local_store).schema
    for name in events.column_names:  # column by column, for a readable failure
        assert events.column(name).equals(_events(local_store).column(name)), name
    quarantine = _quarantine(spark_store)
    assert quarantine.num_rows >= 1 and quarantine.equals(_quarantine(local_store))
    assert _spool(spark_store) == _spool(local_store)
    if layout:  # one file per batch and day, as the local engine writes them
        assert sorted(p.parent.name for p in spark_store.event_files()) == sorted(
            p.parent.name for p in local_store.event_files())


def test_spark_stores_what_the_local_engine_stores(spark, mail, local_store, tmp_path,
                                                   monkeypatch):
    def read_here(*args):
        raise AssertionError("the driver read a source")

    monkeypatch.setattr(_Reader, "unit", read_here)  # executors run their own Python
    store = Store(tmp_path / "spark")
    stats = ingest_spark(_inputs(mail), store, CFG, spark=spark)
    assert stats.stored == _events(local_store).num_rows
    assert pc.any(pc.equal(_events(store).column("source_kind"), "trap")).as_py()
    reasons = _quarantine(store).column("reason").to_pylist()
    assert any(r.startswith("unreadable_container: BadZipFile: Bad CRC-32") for r in reasons)
    assert stats.skipped == 1  # the zip's copy of msg00003.eml came first
    _assert_same_store(store, local_store)
    files = sorted(store.path.rglob("*.parquet"))
    again = ingest_spark(_inputs(mail), store, CFG, spark=spark)
    assert (again.stored, again.quarantined, again.skipped) == (0, 0, stats.stored + 1)
    assert sorted(store.path.rglob("*.parquet")) == files


def test_a_stopped_spark_run_resumes_exactly_once(spark, mail, local_store, tmp_path,
                                                  monkeypatch):
    store = Store(tmp_path / "spark")
    write_events = store.write_events
    calls = []

    def stops_at_the_third_batch(batch):
        calls.append(batch)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return write_events(batch)

    monkeypatch.setattr(store, "write_events", stops_at_the_third_batch)
    with pytest.raises(KeyboardInterrupt):
        ingest_spark(_inputs(mail), store, CFG, spark=spark)
    assert 0 < len(store.existing_ids()) < _events(local_store).num_rows
    ingest_spark(_inputs(mail), Store(store.path), CFG, spark=spark)
    _assert_same_store(Store(store.path), local_store, layout=False)


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> list[Path]:
    """A .tar.gz and an mbox big enough to be redistributed (each with a message twice),
    and a .tar.gz cut short: each is one unit, read by one task."""
    root = tmp_path_factory.mktemp("big")
    rng = random.Random(7)
    messages = [make_message(subject=f"big {i}", body=rng.randbytes(600).hex(),
                             message_id=f"<{i}@big.example>") for i in range(500)]
    tgz = io.BytesIO()
    with tarfile.open(fileobj=tgz, mode="w:gz") as tar:
        for i, data in enumerate([*messages[:250], messages[7]]):
            info = tarfile.TarInfo(f"big/{i:04d}.eml")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    (root / "big.tar.gz").write_bytes(tgz.getvalue())
    (root / "big.mbox").write_bytes(b"".join(
        b"From sender@example.net Sat Apr  7 10:00:00 2007\n" + data + b"\n"
        for data in [*messages[250:], messages[300]]))
    (root / "cut.tar.gz").write_bytes(tgz.getvalue()[: len(tgz.getvalue()) // 2])
    return [root / "big.tar.gz", root / "big.mbox", root / "cut.tar.gz"]


def test_a_big_tar_gz_and_mbox_are_processed_in_several_tasks(spark, big, tmp_path,
                                                              monkeypatch):
    local = Store(tmp_path / "local")
    local_runs = [ingest(iter_sources([path]), local, CFG) for path in big]

    def read_here(*args):
        raise AssertionError("the driver read a source")

    monkeypatch.setattr(_Reader, "unit", read_here)
    store = Store(tmp_path / "spark")
    runs = [ingest_spark([path], store, CFG, spark=spark) for path in big]
    assert [r.skipped for r in runs] == [r.skipped for r in local_runs]
    assert runs[0].skipped == runs[1].skipped == 1 < runs[2].skipped  # a copy; the cut tar's
    assert runs[0].tasks > 1 and runs[1].tasks > 1
    reasons = _quarantine(store).column("reason").to_pylist()
    assert any(r.startswith("unreadable_container") for r in reasons)
    _assert_same_store(store, local)
