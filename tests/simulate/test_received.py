from datetime import UTC, datetime

from spamintel.parse.received import parse_hop
from spamintel.simulate import trap_received_line
from spamintel.simulate.received import stamped


def test_received_line_round_trips_through_the_parser():
    when = datetime(2011, 3, 16, 14, 45, 7, tzinfo=UTC)
    line = trap_received_line("pc-4f2a", "host-1-2-3-4.rt.ru", "1.2.3.4", "mx1.trap-a.example.net",
                              True, "Q1ABC", "bob@widgets.example.com", when)
    assert line.startswith("Received: from pc-4f2a (host-1-2-3-4.rt.ru [1.2.3.4])\r\n\tby ")
    assert "with ESMTP id Q1ABC" in line and line.endswith("+0000\r\n")
    hop = parse_hop(line.split(":", 1)[1].replace("\r\n", ""))
    assert (hop.helo, hop.rdns, hop.ip, hop.by) == ("pc-4f2a", "host-1-2-3-4.rt.ru", "1.2.3.4",
                                                    "mx1.trap-a.example.net")
    assert hop.when == when


def test_unknown_rdns_and_plain_smtp():
    when = datetime(2011, 1, 1, tzinfo=UTC)
    line = trap_received_line("x", None, "5.6.7.8", "t", False, "Q", "a@b", when, eol="\n")
    assert "(unknown [5.6.7.8])\n" in line and "with SMTP id" in line


def test_a_filter_appends_its_stamps_after_the_senders_last_field():
    when = datetime(2011, 3, 16, 14, 45, 7, tzinfo=UTC)
    crlf = b"From: a@b\r\nSubject: hi\r\n\r\nbody\r\n\r\nmore\r\n"
    out = stamped(crlf, ("X-Miltered", "X-UUID"), "mx.t", when, "Q1")
    head, body = out.split(b"\r\n\r\n", 1)
    assert head.split(b"\r\n")[2:] == [b"X-Miltered: mx.t Q1 Wed, 16 Mar 2011 14:45:07 +0000",
                                       b"X-UUID: mx.t Q1 Wed, 16 Mar 2011 14:45:07 +0000"]
    assert body == b"body\r\n\r\nmore\r\n"
    lf = stamped(b"From: a@b\n\nbody\n", ("X-A",), "h", when, "q")
    assert lf.startswith(b"From: a@b\nX-A: h q ") and lf.endswith(b"\n\nbody\n")
    # a message that is all header gets its stamp at the end
    assert stamped(b"From: a@b", ("X-A",), "h", when, "q").startswith(b"From: a@b\r\nX-A: ")
