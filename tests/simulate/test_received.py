from datetime import UTC, datetime

from spamintel.parse.received import parse_hop
from spamintel.simulate import trap_received_line


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
