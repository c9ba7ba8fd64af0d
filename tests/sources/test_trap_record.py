"""Stamped bytes and session records of accepted messages."""

from datetime import UTC, datetime

from spamintel.simulate.received import trap_received_line
from spamintel.sources.trap.record import (
    Delivery,
    clean_token,
    queue_id,
    session_record,
    stamped_bytes,
)

WHEN = datetime(2011, 3, 16, 14, 45, tzinfo=UTC)


def _delivery(**kw) -> Delivery:
    base = dict(data=b"Subject: x\r\n\r\nhi\r\n", sensor="s", trap_host="mx.trap.test",
                session_id="abc", client_ip="192.0.2.1", client_port=1234, helo="bot.example",
                esmtp=True, tls=False, connected_at=WHEN, received_at=WHEN,
                mail_from="a@b.example", rcpt_to=("x@trap.test", "y@trap.test"),
                index_in_session=0)
    return Delivery(**{**base, **kw})


def test_stamped_bytes_use_the_shared_received_line():
    d = _delivery()
    data, qid = stamped_bytes(d)
    assert qid == queue_id(d.data, WHEN) and len(qid) == 12
    line = trap_received_line("bot.example", None, "192.0.2.1", "mx.trap.test", True, qid,
                              "x@trap.test", WHEN)
    assert data == line.encode() + d.data


def test_queue_id_depends_on_data_and_time():
    assert queue_id(b"a", WHEN) != queue_id(b"b", WHEN)
    assert queue_id(b"a", WHEN) != queue_id(b"a", WHEN.replace(second=1))


def test_hostile_helo_cannot_break_the_header():
    data, _ = stamped_bytes(_delivery(helo="evil\r\nX-Injected: 1 \x00"))
    assert data.split(b"\r\n")[0] == b"Received: from evil??X-Injected:?1?? (unknown [192.0.2.1])"
    assert clean_token("") == "unknown"


def test_session_record_fields():
    rec = session_record(_delivery(), "f" * 64, "Q1")
    assert rec["msg_sha256"] == "f" * 64 and rec["rcpt_to"] == ["x@trap.test", "y@trap.test"]
    assert rec["received_at"] == "2011-03-16T14:45:00+00:00" and rec["queue_id"] == "Q1"
