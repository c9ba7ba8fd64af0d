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


def test_a_full_window_of_distinct_commands_keeps_its_ends():
    cap = Capture(cap=20)
    for line in (b"EHLO x\r\n", b"MAIL FROM:<a@b>\r\n"):
        cap.received(len(line))
        cap.client(line, cap.rx)
        cap.server("250 ok")
    for k in range(100):
        line = b"RCPT TO:<c@d>\r\n" if k % 2 else b"NOOP\r\n"
        cap.received(len(line))
        cap.client(line, cap.rx)
        cap.server("250 ok")
    texts = [text for _, _, text in cap.window()]
    assert len(texts) <= 20 and cap.dropped == 204 - len(texts)
    assert texts[:4] == ["EHLO x\r\n", "250 ok", "MAIL FROM:<a@b>\r\n", "250 ok"]
    assert texts[cap.prelude_end] == "MAIL FROM:<a@b>\r\n"
    assert texts[-2:] == ["RCPT TO:<c@d>\r\n", "250 ok"]
