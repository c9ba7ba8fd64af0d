"""A client that greets like a mail server counts as one only when its HELO name and its
reverse DNS name the same domain (or no reverse DNS was recorded)."""

from __future__ import annotations

import pyarrow as pa

from spamintel.attribute.hostnames import named_like_server, server_named


def test_a_mail_server_names_its_own_domain():
    assert named_like_server("mail.example.com", "mail.example.com")
    assert named_like_server("out3.example.co.uk", "mx1.example.co.uk.")
    assert named_like_server("MAIL.Example.COM", "smtp.example.com")


def test_a_bot_on_a_home_line_does_not():
    assert not named_like_server("mx3.sunpine.com", "host-188-27-196-62.rdsnet.ro")
    assert not named_like_server("out1.northcoral.de", "unknown")       # no reverse DNS
    assert not named_like_server(None, "mail.example.com")


def test_without_recorded_reverse_dns_the_greeting_stands():
    assert named_like_server("mail.example.com", None)


def test_per_row_verdicts_follow_the_pairs():
    helo = pa.chunked_array([["mail.x.com", "mx.y.de", None], ["a.b.co.uk", "mx.y.de"]])
    rdns = pa.chunked_array([["out1.x.com", "unknown", None], [None, "dsl-1.isp.net"]])
    assert server_named(helo, rdns).tolist() == [True, False, True, True, False]
