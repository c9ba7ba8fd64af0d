import hashlib
import io
import mailbox
from datetime import UTC, datetime

from spamintel.simulate.daygen import Message
from spamintel.simulate.writer import mboxrd_escape, write_day
from spamintel.sources._mbox import iter_mbox


def _msg(body: bytes) -> Message:
    data = b"Received: from x (unknown [1.2.3.4])\r\nSubject: t\r\n\r\n" + body
    when = datetime(2011, 3, 16, 9, 0, tzinfo=UTC)
    return Message(when, data, {"msg_sha256": hashlib.sha256(data).hexdigest(),
                                "mail_from": "a@b.example"}, ())


def test_mboxrd_round_trip_keeps_bytes(tmp_path):
    bodies = [b"From the desk of X\r\n>From quoted\r\n", b"plain\r\n", b">>From deep\r\nend\r\n"]
    msgs = [_msg(b) for b in bodies]
    write_day(tmp_path, "s", "2011-03-16", msgs, "mbox")
    path = tmp_path / "mail" / "s" / "2011-03-16.mbox"
    raw = path.read_bytes()
    assert b"\n>From the desk" in raw and b"\n>>From quoted" in raw and b"\n>>>From deep" in raw
    with open(path, "rb") as fh:
        back = [data for _, data, _ in iter_mbox(fh, 1 << 20)]
    assert back == [m.data for m in msgs]
    # the standard library's mbox reader sees the same message boundaries
    stdlib = [m.as_bytes() for m in mailbox.mbox(str(path))]
    assert len(stdlib) == 3


def test_escape_only_touches_from_lines():
    assert mboxrd_escape(b"a\r\nFrom x\r\n") == b"a\r\n>From x\r\n"
    assert mboxrd_escape(b"Xfrom y\r\n") == b"Xfrom y\r\n"
    assert io.BytesIO(mboxrd_escape(b"")).read() == b""
