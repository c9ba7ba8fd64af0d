import base64

from spamintel.config import ParseConfig
from spamintel.model import RawMessage
from spamintel.parse import parse_message
from spamintel.testing import hostile_messages, make_message


def _parse(data: bytes, **raw):
    return parse_message(RawMessage(data=data, source="t", **raw), ParseConfig())


def test_clean_message_fields():
    p = _parse(make_message(subject="=?utf-8?B?" + base64.b64encode("Café €".encode()).decode()
                            + "?="))
    ev = p.event
    assert ev.subject == "Café €"
    assert ev.client_ip == "203.0.113.7" and ev.client_helo == "client.example.net"
    assert ev.observed_at.isoformat() == "2007-04-08T17:07:21+00:00"
    assert ev.time_source == "received" and ev.day.isoformat() == "2007-04-08"
    assert ev.urls == ["http://www.example.com/page"] and ev.url_domains == ["example.com"]
    assert ev.from_addr == "alice@example.net" and ev.parse_path == "single"
    assert ev.parse_defects == []


def test_attachments_are_described_and_sniffed():
    exe = base64.b64encode(b"MZ\x90\x00" + b"\0" * 60).decode()
    data = (b"From: a@b.example\r\nSubject: invoice\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\n"
            b"Content-Type: text/html\r\n\r\n<p>See <a href='http://evil.example.co.uk/x'>"
            b"here</a></p>\r\n--XX\r\nContent-Type: application/pdf; name=\"inv.pdf.exe\"\r\n"
            b"Content-Disposition: attachment; filename=\"inv.pdf.exe\"\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n" + exe.encode() + b"\r\n--XX--\r\n")
    ev = _parse(data).event
    assert ev.n_attachments == 1
    att = ev.attachments[0]
    assert (att["ext"], att["declared_type"], att["sniffed_type"]) == (
        "exe", "application/pdf", "application/x-dosexec")
    assert ev.url_domains == ["example.co.uk"]
    assert ev.mime_parts == 2 and ev.mime_depth == 1


def test_session_beats_headers():
    from datetime import UTC, datetime

    when = datetime(2011, 3, 16, 14, 0, tzinfo=UTC)
    ev = _parse(make_message(), client_ip="192.0.2.55", client_helo="bot", received_at=when,
                source_kind="trap").event
    assert (ev.client_ip, ev.client_helo, ev.time_source) == ("192.0.2.55", "bot", "session")
    assert ev.observed_at == when


def test_hostile_messages_never_raise():
    for name, data in hostile_messages(big_bytes=2_000_000).items():
        ev = _parse(data).event
        assert ev.msg_sha256, name
        if name not in ("empty",):
            assert ev.parse_defects or ev.parse_path in ("single", "fast"), name
    ev = _parse(hostile_messages(big_bytes=10)["deep_multipart_500"]).event
    assert "mime_too_deep" in ev.parse_defects or ev.parse_path == "none"
    ev = _parse(hostile_messages(big_bytes=10)["broken_base64"]).event
    assert ev.parse_path == "stdlib"
    assert any(d.startswith("fast_parser_refused") for d in ev.parse_defects)


def test_a_repeated_body_gives_the_same_text_and_links_in_lists_of_its_own():
    # Bulk mail repeats bodies: the second message's text and links may come from a memo,
    # but its lists belong to it alone, and a body too long for the memo reads the same.
    short = "Buy at http://shop.example.co.uk/a and www.example.org now"
    for body in (short, short + " more" * 4000):
        first, second = (_parse(make_message(body=body, subject=s)).event for s in "ab")
        assert first.urls == second.urls == ["http://shop.example.co.uk/a", "www.example.org"]
        assert first.url_domains == second.url_domains == ["example.co.uk", "example.org"]
        assert first.text_chars == second.text_chars and first.n_urls == second.n_urls == 2
        first.urls.append("x")
        first.url_domains.clear()
        assert second.urls[-1] == "www.example.org" and second.url_domains


def test_parse_messages_matches_parse_message_and_hands_over_each_failure(monkeypatch):
    from spamintel.domains import registered_domain
    from spamintel.parse import mime
    from spamintel.parse.message import parse_messages
    from spamintel.parse.received import Boundary

    multipart = (b"From: a@b.example\nSubject: two\nMIME-Version: 1.0\n"
                 b"Content-Type: multipart/alternative; boundary=B\n\n--B\n"
                 b"Content-Type: text/plain\n\nplain http://one.example.org/\n--B\n"
                 b"Content-Type: text/html\n\n<a href='http://two.example.net/'>x</a>\n--B--\n")
    datas = [make_message(), multipart, *hostile_messages(big_bytes=1 << 20).values()]
    raws = [RawMessage(data=d, source=f"m{i}") for i, d in enumerate(datas)]
    cfg = ParseConfig()
    boundary = Boundary(cfg.trusted_relays, registered_domain)
    out = parse_messages(raws, cfg, boundary)
    single = [parse_message(r, cfg) for r in raws]
    assert [p.event for p in out] == [p.event for p in single]
    assert [p.text for p in out] == [p.text for p in single]

    real = mime.fmp.parse_email_tree
    calls = []

    def failing(data):  # an error of a kind the stdlib fallback does not take over
        calls.append(data)
        if len(calls) == 2:
            raise MemoryError("tree too big")
        return real(data)

    monkeypatch.setattr(mime.fmp, "parse_email_tree", failing)
    out = parse_messages([raws[1], raws[1], raws[1]], cfg, boundary)
    assert isinstance(out[1], MemoryError) and str(out[1]) == "tree too big"
    assert out[0].event == out[2].event == single[1].event
    assert single[1].event.url_domains == ["example.net", "example.org"]


def test_a_received_time_in_the_future_is_passed_over():
    data = (b"Received: from a.example (a.example [198.51.100.9]) by mx.example.org;"
            b" Fri, 31 Jan 2099 22:45:13 +0000\r\n"
            b"Received: from b.example (b.example [198.51.100.10]) by a.example;"
            b" Thu, 30 Jan 2020 10:00:00 +0000\r\n"
            b"Date: Fri, 31 Jan 2099 22:40:00 +0000\r\nFrom: x@y.example\r\n"
            b"Subject: hi\r\n\r\nbody\r\n")
    ev = _parse(data).event
    assert ev.observed_at.isoformat() == "2020-01-30T10:00:00+00:00"
    assert ev.time_source == "received" and "time_in_future" in ev.parse_defects
    only_future = data.split(b"Received: from b.example")[0] + b"Date: Fri, 31 Jan 2099" \
        b" 22:40:00 +0000\r\nFrom: x@y.example\r\n\r\nbody\r\n"
    ev = _parse(only_future).event
    assert (ev.observed_at, ev.time_source, ev.day) == (None, "none", None)
    assert "time_in_future" in ev.parse_defects


def test_a_time_from_before_email_is_passed_over():
    data = (b"Received: from a.example (a.example [198.51.100.9]) by mx.example.org;"
            b" Mon, 01 Jan 1900 00:00:00 +0000\r\n"
            b"Date: Thu, 01 Jan 1970 00:00:00 +0000\r\nFrom: x@y.example\r\n"
            b"Subject: hi\r\n\r\nbody\r\n")
    ev = _parse(data).event
    assert (ev.observed_at, ev.time_source, ev.day) == (None, "none", None)
    assert "time_in_past" in ev.parse_defects
    ev = _parse(data.replace(b"01 Jan 1970", b"02 Mar 1998")).event
    assert ev.observed_at.isoformat() == "1998-03-02T00:00:00+00:00" and ev.time_source == "date"


def test_the_client_address_has_one_spelling_from_a_header_or_a_session():
    ev = _parse(make_message(client_ip="IPv6:2001:0DB8:0:0::7")).event
    assert ev.client_ip == "2001:db8::7"
    # a dual-stack trap reports an IPv4 peer as IPv4-mapped IPv6; Postfix's XCLIENT
    # writes IPv6 with a prefix
    sessions = [("::ffff:192.0.2.55", "192.0.2.55"), ("IPV6:2001:DB8::9", "2001:db8::9")]
    for session, stored in sessions:
        ev = _parse(make_message(), client_ip=session, client_helo="bot", source_kind="trap").event
        assert ev.client_ip == stored
    # the header hop that names the session's address keeps its PTR name
    ev = _parse(make_message(client_ip="203.0.113.7"), client_ip="::ffff:203.0.113.7",
                client_helo="bot", source_kind="trap").event
    assert (ev.client_ip, ev.client_rdns) == ("203.0.113.7", "host.example.net")
