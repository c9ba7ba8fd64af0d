"""The ledger's batches: cut by bytes as well as by messages, source failures stored as
they pile up, and the bytes a failure kept stored in the spool under its row's sha256
(a report that holds no reported message is kept whole)."""

from __future__ import annotations

import hashlib

import pytest

from spamintel.engine import ingest
from spamintel.engine._ledger import new_batches
from spamintel.engine.stats import IngestStats
from spamintel.model import RawMessage, SourceFailure
from spamintel.sources import iter_sources
from spamintel.store import Store
from spamintel.testing import make_message


def _raws(n: int, size: int) -> list[RawMessage]:
    return [RawMessage(data=make_message(subject=f"m{i}", body="x" * size), source=f"m{i}")
            for i in range(n)]


def test_a_batch_is_cut_by_its_bytes_as_well_as_by_its_messages(tmp_path):
    raws = _raws(10, 1000)
    one = len(raws[0].data)
    batches = list(new_batches(iter(raws), Store(tmp_path), 100, IngestStats(),
                               max_bytes=3 * one))
    assert [len(b) for b in batches] == [3, 3, 3, 1]
    batches = list(new_batches(iter(raws), Store(tmp_path / "b"), 4, IngestStats(),
                               max_bytes=100 * one))
    assert [len(b) for b in batches] == [4, 4, 2]


def test_failures_are_stored_as_they_pile_up_not_held_to_the_end(tmp_path):
    store = Store(tmp_path)
    fails = [SourceFailure(source=f"f{i}", reason="empty: no bytes") for i in range(5)]
    stats = IngestStats()
    assert list(new_batches(iter(fails), store, 2, stats)) == []
    assert stats.quarantined == 5 and len(store.quarantine_files()) == 3


def test_a_report_without_message_is_kept_whole_in_the_spool(tmp_path):
    body = b"Buy cheap pills http://pills.example/ " * 5000
    report = (b"From: spammer@pills.example\nSubject: pills\nMIME-Version: 1.0\n"
              b'Content-Type: multipart/report; report-type=feedback-report; boundary="r"\n'
              b"\n--r\nContent-Type: text/html\n\n" + body + b"\n--r--\n")
    (tmp_path / "arf.eml").write_bytes(report)
    store = Store(tmp_path / "s")
    stats = ingest(iter_sources([tmp_path / "arf.eml"]), store)
    assert (stats.stored, stats.quarantined) == (0, 1)
    sha, size, reason = store.connect().execute(
        "SELECT msg_sha256, size_bytes, reason FROM quarantine").fetchone()
    assert reason.startswith("report_without_message")
    assert (sha, size) == (hashlib.sha256(report).hexdigest(), len(report))
    assert store.raw(sha) == report


def test_what_a_failure_kept_is_in_the_spool_unless_the_spool_is_off(tmp_path):
    fail = SourceFailure(source="README.txt", reason="not_a_message: no header field",
                         data=b"This corpus holds spam.\n")
    store = Store(tmp_path / "on")
    list(new_batches(iter([fail]), store, 10, IngestStats()))
    assert store.raw(hashlib.sha256(fail.data).hexdigest()) == fail.data
    off = Store(tmp_path / "off")
    list(new_batches(iter([fail]), off, 10, IngestStats(), spool=False))
    with pytest.raises(KeyError):
        off.raw(hashlib.sha256(fail.data).hexdigest())
