import hashlib
from datetime import UTC, datetime

import pytest

from spamintel.config import Config
from spamintel.engine.pipeline import STAGE_CHUNK, Pipeline
from spamintel.model import RawMessage
from spamintel.testing import sample_corpus


def _raws(n: int) -> list[RawMessage]:
    return [RawMessage(data=d, source=name) for name, d in sample_corpus(n)]


def test_batch_gives_the_same_events_as_one_message_at_a_time():
    pipe = Pipeline(Config())
    raws = _raws(STAGE_CHUNK + 7)  # more than one chunk
    batch, quarantine = pipe.process_batch(raws)
    assert quarantine == [] and batch.num_rows == len(raws)
    single = [pipe.process(r) for r in raws]
    assert batch.column("event_id").to_pylist() == [e.event_id for e in single]
    for column in ("client_ip", "subject_shape", "body_minhash", "verdict", "category"):
        assert batch.column(column).to_pylist() == [getattr(e, column) for e in single]
    assert batch.column("spam_score").to_pylist() == pytest.approx(
        [e.spam_score for e in single], abs=1e-6)  # stored as float32
    assert set(pipe.stage_seconds) == {"parse", "fingerprint", "classify", "arrow"}


def test_a_message_failing_in_a_later_stage_is_quarantined_alone():
    pipe = Pipeline(Config())
    raws = _raws(5)
    victim = raws[2].sha256
    real = pipe.classifier.extractor.extract  # classify's per-message work, chunk or not

    def flaky(parsed):
        if parsed.raw.sha256 == victim:
            raise RuntimeError("model exploded")
        return real(parsed)

    pipe.classifier.extractor.extract = flaky
    batch, quarantine = pipe.process_batch(raws)
    assert batch.num_rows == 4 and victim not in batch.column("msg_sha256").to_pylist()
    assert [q["msg_sha256"] for q in quarantine] == [victim]
    assert quarantine[0]["reason"].startswith("pipeline_error: RuntimeError: model exploded")


def test_a_message_breaking_the_fingerprint_batch_is_quarantined_alone(monkeypatch):
    from spamintel.fingerprint import stage

    real = stage.header_order

    def flaky(headers):
        if ("message-id", "<boom@example.org>") in headers:
            raise ValueError("hostile header")
        return real(headers)

    monkeypatch.setattr(stage, "header_order", flaky)
    raws = _raws(6)
    raws[4] = RawMessage(data=b"Message-ID: <boom@example.org>\n\nhi there", source="x")
    batch, quarantine = Pipeline(Config()).process_batch(raws)
    assert batch.num_rows == 5
    assert all(len(m) == 64 for m in batch.column("body_minhash").to_pylist())
    assert [q["msg_sha256"] for q in quarantine] == [raws[4].sha256]
    assert "hostile header" in quarantine[0]["reason"]


def test_a_message_breaking_the_parse_is_quarantined_alone(monkeypatch):
    from spamintel.parse import mime

    real = mime.fmp.parse_email_tree

    def flaky(data):  # not a refusal the stdlib parser takes over: the message fails
        if b"boom" in data:
            raise MemoryError("tree too big")
        return real(data)

    monkeypatch.setattr(mime.fmp, "parse_email_tree", flaky)
    raws = _raws(6)
    raws[3] = RawMessage(data=b"Subject: x\nContent-Type: multipart/mixed; boundary=B\n\n"
                              b"--B\nContent-Type: text/plain\n\nboom\n--B--\n", source="x")
    batch, quarantine = Pipeline(Config()).process_batch(raws)
    assert batch.num_rows == 5 and raws[3].sha256 not in batch.column("msg_sha256").to_pylist()
    assert [q["msg_sha256"] for q in quarantine] == [raws[3].sha256]
    assert quarantine[0]["reason"] == "pipeline_error: MemoryError: tree too big"


def test_event_id_is_the_same_whether_read_before_or_after_the_hash():
    # The id is remembered on the message (ingest reads it, then the parser): reading it
    # first, or the content hash first, gives one id, and the event carries it.
    when = datetime(2007, 4, 8, 17, 7, 21, tzinfo=UTC)
    a, b = (RawMessage(data=b"Subject: x\r\n\r\nhi\r\n", source="s", sensor="trap-a",
                       received_at=when) for _ in range(2))
    first = a.event_id
    assert b.sha256 and b.event_id == first == a.event_id
    expected = hashlib.sha256(f"{a.sha256}|trap-a|{when.isoformat()}".encode()).hexdigest()[:32]
    assert first == expected
    assert Pipeline(Config()).process(a).event_id == first


def test_a_value_arrow_cannot_store_quarantines_its_message_alone():
    pipe = Pipeline(Config())
    raws = _raws(4)
    events = [pipe.process(r) for r in raws]
    events[1].subject = "bad \udc80 text"  # no UTF-8 store can hold a lone surrogate
    quarantine: list[dict] = []
    batch = Pipeline._to_batch(events, quarantine)
    assert batch.num_rows == 3
    assert events[1].msg_sha256 not in batch.column("msg_sha256").to_pylist()
    assert [q["msg_sha256"] for q in quarantine] == [events[1].msg_sha256]
    assert quarantine[0]["reason"].startswith("pipeline_error: UnicodeEncodeError")


def test_utf7_text_that_decodes_to_lone_surrogates_is_stored():
    # UTF-7 can name a lone surrogate; the text keeps a replacement character instead
    data = (b"From: a@example.com\r\nSubject: =?utf-7?Q?+3g8-?=\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: text/plain; charset=utf-7\r\n\r\nhello +3g8- there\r\n")
    batch, quarantine = Pipeline(Config()).process_batch([RawMessage(data=data, source="u7")])
    assert quarantine == [] and batch.num_rows == 1
    assert "\ufffd" in batch.column("subject").to_pylist()[0]
