"""Dialect capture over real loopback SMTP: each client behaviour is recorded exactly."""

from __future__ import annotations

import smtplib
import time
from pathlib import Path

import pytest

from spamintel.fingerprint.dialect import dialect_fingerprint

MSG = b"Subject: t\r\n\r\nbody\r\n"


def _client_lines(rec: dict) -> list[str]:
    return [text for _, who, text in rec["transcript"] if who == "C"]


def _wait_log(session_log, spool: Path, n: int = 1) -> list[dict]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        sessions = [r for r in session_log(spool) if r.get("kind") == "session"]
        if len(sessions) >= n:
            return sessions
        time.sleep(0.02)
    raise AssertionError("session not logged")


def _deliver(c, lines: list[bytes], data: bytes = MSG) -> str:
    for line in lines:
        assert c.say(line)[:1] in "2345"
    c.send(data + b".\r\n")
    return c.reply()


def test_smtplib_session_is_recorded_exactly(start_trap, spool_records, tmp_path):
    trap = start_trap(domains=("trap.test",))
    with smtplib.SMTP(*trap.address) as s:
        s.ehlo("bot.example.com")
        s.sendmail("x@y.example", ["a@trap.test"], MSG)
    rec = spool_records(tmp_path / "spool")[0]
    assert _client_lines(rec) == ["ehlo bot.example.com\r\n",
                                  f"mail FROM:<x@y.example> size={len(MSG)}\r\n",
                                  "rcpt TO:<a@trap.test>\r\n", "data\r\n", ".\r\n"]
    assert rec["helo"] == "bot.example.com" and rec["esmtp"] is True
    assert rec["mail_from"] == "x@y.example" and rec["rcpt_to"] == ["a@trap.test"]
    data = (tmp_path / "spool" / rec["msg_sha256"][:2] / f"{rec['msg_sha256']}.eml").read_bytes()
    assert data.startswith(b"Received: from bot.example.com (unknown [127.0.0.1])\r\n\tby "
                           b"mx.trap.test with ESMTP id " + rec["queue_id"].encode())
    assert data.endswith(b"\r\n" + MSG)


@pytest.mark.parametrize("greeting,verb,form", [
    (b"HELO bot\r\n", "HELO", "word"),
    (b"EHLO 203.0.113.9\r\n", "EHLO", "ip"),
    (b"EHLO [127.0.0.1]\r\n", "EHLO", "literal"),
    (b"Helo mail.example.net\r\n", "Helo", "fqdn"),
])
def test_greeting_verb_and_argument_form(start_trap, raw, spool_records, tmp_path,
                                         greeting, verb, form):
    c = raw(start_trap().address)
    c.reply()
    reply = _deliver(c, [greeting, b"MAIL FROM:<a@b.example>\r\n", b"RCPT TO:<x@trap.test>\r\n",
                         b"DATA\r\n"])
    assert reply.startswith("250")
    rec = spool_records(tmp_path / "spool")[0]
    assert _client_lines(rec)[0] == greeting.decode()
    feats = dialect_fingerprint(rec)[1]
    assert (feats["helo_verb"], feats["helo_form"]) == (verb, form)
    assert feats["helo_matches_ip"] is (form == "literal")


def test_case_and_spacing_of_envelope_commands(start_trap, raw, spool_records, tmp_path):
    c = raw(start_trap().address)
    c.reply()
    lines = [b"EHLO h.example\r\n", b"mail from: <a@b.example>\r\n", b"RCPT  TO:x@trap.test\r\n",
             b"Data\r\n"]
    assert _deliver(c, lines).startswith("250")
    rec = spool_records(tmp_path / "spool")[0]
    assert _client_lines(rec)[:4] == [x.decode() for x in lines]
    feats = dialect_fingerprint(rec)[1]
    assert feats["mail_shape"] == "mail from: <a>"
    assert feats["rcpt_shape"] == "RCPT  TO:a"
    assert rec["rcpt_to"] == ["x@trap.test"]


def test_bare_lf_commands_and_data_terminator(start_trap, raw, spool_records, tmp_path):
    c = raw(start_trap().address)
    c.reply()
    for line in (b"HELO lf.example\n", b"MAIL FROM:<a@b.example>\n", b"RCPT TO:<x@trap.test>\n",
                 b"DATA\n"):
        c.say(line)
    c.send(b"Subject: lf\n\nbody\n.\n")
    assert c.reply().startswith("250")
    rec = spool_records(tmp_path / "spool")[0]
    assert _client_lines(rec)[-1] == ".\n"
    assert dialect_fingerprint(rec)[1]["line_ending"] == "lf"
    data = next((tmp_path / "spool").glob("*/*.eml")).read_bytes()
    assert data.endswith(b"\r\nSubject: lf\n\nbody\n")


def test_pipelined_commands_are_placed_before_replies(start_trap, raw, spool_records, tmp_path):
    c = raw(start_trap().address)
    c.reply()
    c.say(b"EHLO p.example\r\n")
    c.send(b"MAIL FROM:<a@b.example>\r\nRCPT TO:<x@trap.test>\r\nRCPT TO:<y@trap.test>\r\n"
           b"DATA\r\n")
    assert [c.reply()[:3] for _ in range(4)] == ["250", "250", "250", "354"]
    c.send(MSG + b".\r\n")
    assert c.reply().startswith("250")
    rec = spool_records(tmp_path / "spool")[0]
    whos = [who for _, who, _ in rec["transcript"]]
    start = next(i for i, e in enumerate(rec["transcript"]) if e[2].startswith("MAIL"))
    assert whos[start:start + 4] == ["C", "C", "C", "C"]
    feats = dialect_fingerprint(rec)[1]
    assert feats["pipelining"] and feats["rcpt_count"] == 2
    assert feats["transaction"] == "MAIL RCPT+ DATA ."


def test_data_sent_without_waiting_for_354(start_trap, raw, spool_records, tmp_path):
    c = raw(start_trap().address)
    c.reply()
    c.say(b"HELO eager.example\r\n")
    c.send(b"MAIL FROM:<a@b.example>\r\nRCPT TO:<x@trap.test>\r\nDATA\r\n" + MSG + b".\r\n")
    assert [c.reply()[:3] for _ in range(4)] == ["250", "250", "354", "250"]
    feats = dialect_fingerprint(spool_records(tmp_path / "spool")[0])[1]
    assert feats["data_before_354"] and feats["pipelining"]


def test_rset_noop_vrfy_and_no_helo(start_trap, raw, spool_records, tmp_path):
    c = raw(start_trap().address)
    c.reply()
    assert c.say(b"NOOP\r\n").startswith("250")
    assert c.say(b"VRFY postmaster\r\n").startswith("252")
    assert c.say(b"RSET\r\n").startswith("250")
    assert _deliver(c, [b"MAIL FROM:<>\r\n", b"RCPT TO:<x@trap.test>\r\n",
                        b"DATA\r\n"]).startswith("250")
    rec = spool_records(tmp_path / "spool")[0]
    feats = dialect_fingerprint(rec)[1]
    assert feats["helo_verb"] == "none" and feats["prelude"] == "NOOP VRFY RSET"
    assert feats["extra_verbs"] == ["NOOP", "RSET", "VRFY"]
    assert rec["mail_from"] == "" and rec["helo"] == ""


def test_behaviour_after_errors(start_trap, raw, spool_records, tmp_path):
    c = raw(start_trap(domains=("trap.test",)).address)
    c.reply()
    assert c.say(b"EHLO\r\n").startswith("501")
    assert c.say(b"EHLO h.example\r\n").startswith("250")
    assert c.say(b"MAIL FROM:<a@b.example>\r\n").startswith("250")
    assert c.say(b"RCPT TO:<victim@elsewhere.example>\r\n").startswith("550")
    assert _deliver(c, [b"RCPT TO:<x@trap.test>\r\n", b"DATA\r\n"]).startswith("250")
    rec = spool_records(tmp_path / "spool")[0]
    feats = dialect_fingerprint(rec)[1]
    assert feats["after_error"] == ["EHLO", "RCPT"]
    assert rec["rcpt_to"] == ["x@trap.test"]


def test_quit_or_drop_and_messages_per_connection(start_trap, raw, spool_records, session_log,
                                                  tmp_path):
    trap = start_trap()
    c = raw(trap.address)
    c.reply()
    c.say(b"EHLO two.example\r\n")
    for k in range(2):
        assert _deliver(c, [b"MAIL FROM:<a@b.example>\r\n", f"RCPT TO:<{k}@trap.test>\r\n".encode(),
                            b"DATA\r\n"], MSG + str(k).encode() + b"\r\n").startswith("250")
    assert c.say(b"QUIT\r\n").startswith("221")
    d = raw(trap.address)
    d.reply()
    d.say(b"HELO drop.example\r\n")
    d.close()
    logged = {r["messages"]: r for r in _wait_log(session_log, tmp_path / "spool", 2)}
    assert logged[2]["ending"] == "quit" and logged[2]["client_lines"] == 10
    assert logged[0]["ending"] == "drop" and logged[0]["client_lines"] == 1
    recs = spool_records(tmp_path / "spool")
    assert [r["index_in_session"] for r in recs] == [0, 1]
    assert dialect_fingerprint(recs[0])[0] == dialect_fingerprint(recs[1])[0]


def test_one_file_for_many_recipients(start_trap, tmp_path, spool_records):
    trap = start_trap()
    with smtplib.SMTP(*trap.address) as s:
        s.sendmail("x@y.example", ["a@trap.test", "b@trap.test", "c@trap.test"], MSG)
    assert len(list((tmp_path / "spool").glob("*/*.eml"))) == 1
    assert spool_records(tmp_path / "spool")[0]["rcpt_to"] == ["a@trap.test", "b@trap.test",
                                                               "c@trap.test"]


def test_starttls_is_recorded(start_trap, spool_records, tmp_path):
    trap = start_trap(starttls=True)
    if trap.trap.tls is None:
        pytest.skip("no openssl to make a certificate")
    with smtplib.SMTP(*trap.address) as s:
        s.starttls()
        s.ehlo("tls.example")
        s.sendmail("x@y.example", ["a@trap.test"], MSG)
    rec = spool_records(tmp_path / "spool")[0]
    assert rec["tls"] is True
    assert "STARTTLS\r\n" in [t.upper() for t in _client_lines(rec)]


def test_xclient_sets_client_and_time_and_stays_out_of_transcript(start_trap, raw,
                                                                   spool_records, tmp_path):
    c = raw(start_trap(xclient_from=("127.0.0.1",)).address)
    c.reply()
    c.say(b"EHLO 198.51.100.4\r\n")
    assert c.say(b"XCLIENT ADDR=198.51.100.4 PORT=4000 NAME=[UNAVAILABLE] "
                 b"TIME=2011-03-01T10:00:00+00:00\r\n").startswith("250")
    assert _deliver(c, [b"MAIL FROM:<a@b.example>\r\n", b"RCPT TO:<x@trap.test>\r\n",
                        b"DATA\r\n"]).startswith("250")
    rec = spool_records(tmp_path / "spool")[0]
    assert rec["client_ip"] == "198.51.100.4" and rec["client_port"] == 4000
    assert rec["received_at"] == "2011-03-01T10:00:00+00:00"
    assert not any("XCLIENT" in t for t in _client_lines(rec))
    assert dialect_fingerprint(rec)[1]["helo_matches_ip"] is True


def _client_after_xclient(start_trap, raw, spool_records, tmp_path, xclient: bytes) -> str:
    """The client IP the trap stores for one message sent after the XCLIENT line."""
    c = raw(start_trap(xclient_from=("127.0.0.1",)).address)
    c.reply()
    c.say(b"EHLO client.example\r\n")
    assert c.say(xclient + b"\r\n").startswith("250")
    assert _deliver(c, [b"MAIL FROM:<a@b.example>\r\n", b"RCPT TO:<x@trap.test>\r\n",
                        b"DATA\r\n"]).startswith("250")
    return spool_records(tmp_path / "spool")[0]["client_ip"]


def test_xclient_ipv6_address_is_stored_in_its_one_spelling(start_trap, raw, spool_records,
                                                             tmp_path):
    assert _client_after_xclient(start_trap, raw, spool_records, tmp_path,
                                 b"XCLIENT ADDR=IPV6:2001:DB8:0:0::4 PORT=4000") == "2001:db8::4"


def test_xclient_without_an_address_keeps_the_peer(start_trap, raw, spool_records, tmp_path):
    assert _client_after_xclient(start_trap, raw, spool_records, tmp_path,
                                 b"XCLIENT ADDR=[UNAVAILABLE] NAME=[UNAVAILABLE]") == "127.0.0.1"


def test_xclient_refused_from_untrusted_clients(start_trap, raw):
    c = raw(start_trap().address)
    c.reply()
    assert c.say(b"XCLIENT ADDR=10.9.9.9\r\n").startswith("550")


def test_pregreeting_client_is_an_early_talker(start_trap, raw, spool_records, tmp_path):
    c = raw(start_trap(greeting_delay=0.5).address)
    c.send(b"EHLO eager.example\r\n")
    assert c.reply().startswith("220")
    assert c.reply().startswith("250")
    assert _deliver(c, [b"MAIL FROM:<a@b.example>\r\n", b"RCPT TO:<x@trap.test>\r\n",
                        b"DATA\r\n"]).startswith("250")
    rec = spool_records(tmp_path / "spool")[0]
    assert rec["transcript"][0][1:] == ["C", "EHLO eager.example\r\n"]
    assert dialect_fingerprint(rec)[1]["early_talker"] is True


def test_data_end_search_and_dot_unstuffing():
    from spamintel.sources.trap.stream import find_data_end, unstuff

    assert find_data_end(bytearray(b".\r\n"), 0, True) == (0, 3, 0)
    assert find_data_end(bytearray(b"a\r\n..b\r\n.\r\nMAIL"), 0, True)[:2] == (8, 3)
    assert find_data_end(bytearray(b"a\n.\nQUIT"), 0, True)[:2] == (2, 2)
    assert find_data_end(bytearray(b"a\r\n.\r"), 0, True)[0] == -1
    assert unstuff(b"..x\r\nb\r\n..\r\n") == b".x\r\nb\r\n.\r\n"


def test_fire_and_forget_client_that_closes_at_once_is_still_recorded(start_trap, session_log,
                                                                      spool_records, tmp_path):
    import socket

    trap = start_trap()
    sock = socket.create_connection(trap.address, timeout=10)
    sock.sendall(b"HELO fire.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<x@trap.test>\r\n"
                 b"DATA\r\n" + MSG + b".\r\nQUIT\r\n")
    sock.shutdown(socket.SHUT_WR)
    got = b""
    while chunk := sock.recv(65536):
        got += chunk
    sock.close()
    assert b"\r\n250 2.0.0 Ok: queued as" in got and got.rstrip().endswith(b"221 Bye")
    rec = spool_records(tmp_path / "spool")[0]
    assert _client_lines(rec)[0] == "HELO fire.example\r\n"
    assert _wait_log(session_log, tmp_path / "spool")[0]["ending"] == "quit"
