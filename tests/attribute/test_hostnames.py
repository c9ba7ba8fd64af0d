"""A client that greets like a mail server counts as one only when its HELO name and its
reverse DNS name the same domain (or no reverse DNS was recorded)."""

from __future__ import annotations

import pyarrow as pa

from spamintel.attribute.hostnames import (
    archive_server,
    archive_servers,
    dynamic_line,
    named_like_server,
    server_named,
)


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


def test_a_home_line_is_told_by_its_address_or_its_words():
    assert dynamic_line("dialpool-210-214-29-220.maa.sify.net", "210.214.29.220")
    assert dynamic_line("host-217-170-216-26.arctel.ru.", "217.170.216.26")
    assert dynamic_line("acgj164.neoplus.adsl.tpnet.pl", "83.1.2.3")
    assert not dynamic_line("mail-sor-f41.google.com", "209.85.220.41")
    assert not dynamic_line("host9.rangeinternet.com", "64.1.2.3")


def test_in_an_archive_a_client_is_a_mail_server_only_when_named_and_not_a_home_line():
    assert archive_server("mail-sor-f41.google.com", "mail-sor-f41.google.com.",
                          "209.85.220.41")
    # a bot greeting with its own dial-up name agrees with itself, yet is no server
    assert not archive_server("dialpool-210-214-29-220.maa.sify.net",
                              "dialpool-210-214-29-220.maa.sify.net", "210.214.29.220")
    assert not archive_server("mail.example.com", None, "192.0.2.1")   # nothing recorded
    assert not archive_server("mx3.sunpine.com", "host-188-27-196-62.rdsnet.ro",
                              "188.27.196.62")
    helo = pa.array(["mail-sor-f41.google.com", "bot.example", None])
    rdns = pa.array(["mail-sor-f41.google.com", "c-1.isp.net", None])
    ip = pa.array(["209.85.220.41", "198.51.100.7", None])
    assert archive_servers(helo, rdns, ip).tolist() == [True, False, False]
