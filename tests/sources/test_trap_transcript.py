"""What the transcript keeps when it is bounded, and lines aiosmtpd reads on its own paths
(over-long lines, XCLIENT from untrusted clients): the dialect stays the client's."""

from __future__ import annotations

import pytest

from spamintel.fingerprint.dialect import dialect_fingerprint

MSG = b"Subject: t\r\n\r\nbody\r\n"
_RCPT = "RCPT TO:<u{}@trap.test>\r\n"


def _session(c, prelude: list[bytes], rcpts: int, pipelined: bool = False) -> None:
    """One message: the prelude lines, MAIL, ``rcpts`` RCPTs and DATA, then QUIT."""
    c.reply()
    for line in prelude:
        assert c.say(line)[:1] == "2"
    envelope = [b"MAIL FROM:<a@b.example>\r\n",
                *(_RCPT.format(k).encode() for k in range(rcpts)), b"DATA\r\n"]
    if pipelined:
        c.send(b"".join(envelope))
        assert [c.reply()[:1] for _ in envelope] == ["2"] * (rcpts + 1) + ["3"]
    else:
        assert [c.say(line)[:1] for line in envelope] == ["2"] * (rcpts + 1) + ["3"]
    assert c.say(MSG + b".\r\n").startswith("250")
    c.say(b"QUIT\r\n")


@pytest.mark.parametrize("pipelined", [False, True])
def test_a_bounded_transcript_keeps_the_dialect(start_trap, raw, spool_records, tmp_path,
                                                pipelined):
    trap = start_trap(max_transcript=30)
    ehlo, noop = b"EHLO many.example\r\n", b"NOOP\r\n"
    for prelude, rcpts in (([ehlo], 3), ([ehlo], 60), ([ehlo, noop, noop], 3),
                           ([ehlo] + [noop] * 60, 3)):
        _session(raw(trap.address), prelude, rcpts, pipelined)
    recs = spool_records(tmp_path / "spool")
    assert [len(r["rcpt_to"]) for r in recs] == [3, 60, 3, 3]
    assert recs[1]["transcript_dropped"] > 0 and recs[3]["transcript_dropped"] > 0
    assert all(len(r["transcript"]) <= 30 for r in recs)
    fps = [dialect_fingerprint(r) for r in recs]
    assert fps[0][0] == fps[1][0] and fps[2][0] == fps[3][0] != fps[0][0]
    assert fps[1][1]["transaction"] == fps[3][1]["transaction"] == "MAIL RCPT+ DATA ."
    assert fps[1][1]["mail_shape"] == "MAIL FROM:<a>"
    assert fps[3][1]["prelude"] == "EHLO NOOP+"
    assert fps[1][1]["pipelining"] is pipelined


def test_untrusted_xclient_is_recorded_with_its_reply(start_trap, raw, spool_records,
                                                      tmp_path):
    c = raw(start_trap().address)
    c.reply()
    c.say(b"EHLO x.example\r\n")
    assert c.say(b"XCLIENT ADDR=1.2.3.4\r\n").startswith("550")
    for line in (b"MAIL FROM:<a@b.example>\r\n", b"RCPT TO:<x@trap.test>\r\n", b"DATA\r\n"):
        c.say(line)
    assert c.say(MSG + b".\r\n").startswith("250")
    rec = spool_records(tmp_path / "spool")[0]
    entries = [(who, text[:7]) for _, who, text in rec["transcript"]]
    at = entries.index(("C", "XCLIENT"))
    assert entries[at + 1] == ("S", "550 5.7")
    feats = dialect_fingerprint(rec)[1]
    assert feats["pipelining"] is False and feats["after_error"] == ["MAIL"]
    assert rec["client_ip"] == "127.0.0.1"


@pytest.mark.parametrize("ending", [b"\r\n", b"\n"])
def test_over_long_line_is_recorded_truncated_with_its_ending(start_trap, raw, spool_records,
                                                              tmp_path, ending):
    c = raw(start_trap(max_command_line=512).address)
    c.reply()
    c.say(b"EHLO x.example" + ending)
    long_line = b"MAIL FROM:<" + b"a" * 3000 + b"@b.example>" + ending
    assert c.say(long_line).startswith("500")
    for line in (b"MAIL FROM:<a@b.example>", b"RCPT TO:<x@trap.test>", b"DATA"):
        c.say(line + ending)
    assert c.say(MSG + b"." + ending).startswith("250")
    rec = spool_records(tmp_path / "spool")[0]
    entries = [(who, text) for _, who, text in rec["transcript"]]
    assert [who for who, _ in entries] == ["S"] + ["C", "S"] * 5 + ["C"]
    mark = f"[truncated: {len(long_line)} bytes]".encode() + ending
    assert entries[3][1].encode("latin-1") == long_line[:512] + mark
    assert entries[4][1] == "500 Command line too long"
    assert dialect_fingerprint(rec)[1]["line_ending"] == ("crlf" if ending == b"\r\n" else "lf")
