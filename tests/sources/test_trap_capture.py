"""Transcript capture: wire order from byte offsets, bounded memory."""

from spamintel.sources.trap.capture import Capture


def test_lines_that_arrived_before_a_reply_go_before_it():
    cap = Capture()
    cap.server("220 hi")
    cap.received(len(b"MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n"))
    cap.client(b"MAIL FROM:<a@b>\r\n", 17)
    cap.server("250 ok")
    cap.client(b"RCPT TO:<c@d>\r\n", 32)
    cap.server("250 ok")
    assert [(who, text[:4]) for _, who, text in cap.window()] == [
        ("S", "220 "), ("C", "MAIL"), ("C", "RCPT"), ("S", "250 "), ("S", "250 ")]


def test_message_done_keeps_the_prelude_only():
    cap = Capture()
    cap.server("220 hi")
    for line in (b"EHLO x\r\n", b"MAIL FROM:<a@b>\r\n", b"RCPT TO:<c@d>\r\n"):
        cap.received(len(line))
        cap.client(line, cap.rx)
        cap.server("250 ok")
    cap.message_done()
    assert [text for _, _, text in cap.window()] == ["220 hi", "EHLO x\r\n", "250 ok"]


def test_transcript_is_bounded():
    cap = Capture(cap=20)
    for _ in range(100):
        cap.received(6)
        cap.client(b"NOOP\r\n", cap.rx)
        cap.server("250 ok")
    assert len(cap.window()) <= 20 and cap.dropped > 0 and cap.client_lines == 100
