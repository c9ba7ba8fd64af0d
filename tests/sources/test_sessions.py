from datetime import UTC, datetime

from spamintel.model import RawMessage
from spamintel.sources.sessions import with_session


def test_a_record_is_read_as_found_wrong_types_left_out():
    raw = RawMessage(data=b"Subject: x\r\n\r\nbody", source="m.eml", sensor="s0")
    got = with_session(raw, {"sensor": 3, "client_ip": ["1.2.3.4"], "helo": None,
                             "mail_from": 7, "rcpt_to": -5,
                             "received_at": "2011-03-01T10:00:01", "transcript": 5})
    assert got.source_kind == "trap" and got.sensor == "s0"
    assert got.client_ip is None and got.envelope_from is None and got.envelope_rcpts == ()
    assert got.received_at == datetime(2011, 3, 1, 10, 0, 1, tzinfo=UTC)  # no zone: UTC
    one = with_session(raw, {"rcpt_to": "a@trap.test", "client_ip": "192.0.2.1"})
    assert one.envelope_rcpts == ("a@trap.test",) and one.client_ip == "192.0.2.1"
