"""A forward stands for the messages it carries, when the desk asks for it."""

from __future__ import annotations

import base64
from dataclasses import replace

from spamintel.config import SourcesConfig
from spamintel.model import RawMessage
from spamintel.sources import iter_sources
from spamintel.sources.forwards import attached_messages
from spamintel.testing import hostile_messages, make_message

PHISH = make_message(subject="Your mailbox is full", client_ip="203.0.113.9",
                     helo="bot.example.net", sender="it-desk@lure.example")
OTHER = make_message(subject="Invoice 4471", client_ip="198.51.100.20", helo="x.example")


def forward(*parts: bytes, nested: bool = False) -> bytes:
    """A report forwarded from Outlook: a note, then each part as given (whole MIME parts,
    headers and body); ``nested`` puts the parts inside a second multipart."""
    inner = b"".join(b"--in\r\n" + p + b"\r\n" for p in parts) + b"--in--\r\n"
    if nested:
        inner = (b"--in\r\nContent-Type: multipart/mixed; boundary=deep\r\n\r\n"
                 + inner.replace(b"--in", b"--deep") + b"--in--\r\n")
    return (b"Received: from mx.desk.example (mx.desk.example [192.0.2.10])\r\n"
            b"\tby mail.desk.example with ESMTP; Tue, 10 May 2011 09:00:00 +0000\r\n"
            b"From: Ann Employee <ann@desk.example>\r\nTo: phishing@desk.example\r\n"
            b"Subject: FW: Your mailbox is full\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=in\r\n\r\n"
            b"--in\r\nContent-Type: text/plain\r\n\r\nLooks like phishing to me.\r\n" + inner)


def rfc822(message: bytes) -> bytes:
    return b"Content-Type: message/rfc822\r\n\r\n" + message


def eml_file(message: bytes) -> bytes:
    return (b'Content-Type: application/octet-stream; name="mail.eml"\r\n'
            b'Content-Disposition: attachment; filename="Your mailbox is full.eml"\r\n'
            b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(message))


def test_the_attached_messages_are_found_with_their_exact_bytes():
    assert attached_messages(forward(rfc822(PHISH))) == [PHISH]
    assert attached_messages(forward(eml_file(PHISH), rfc822(OTHER))) == [PHISH, OTHER]
    assert attached_messages(forward(rfc822(PHISH), nested=True)) == [PHISH]
    assert attached_messages(PHISH) == [] and attached_messages(forward()) == []


def test_with_unwrap_a_forward_is_read_as_the_messages_it_carries(tmp_path):
    (tmp_path / "report.eml").write_bytes(forward(rfc822(PHISH), eml_file(OTHER)))
    (tmp_path / "plain.eml").write_bytes(PHISH)
    cfg = replace(SourcesConfig(), unwrap_attached=True)
    items = {i.source.rsplit("/", 1)[1]: i for i in iter_sources([tmp_path], cfg=cfg)}
    assert set(items) == {"plain.eml", "report.eml#attached-1", "report.eml#attached-2"}
    assert items["report.eml#attached-1"].data == PHISH
    assert items["report.eml#attached-2"].data == OTHER
    assert all(isinstance(i, RawMessage) for i in items.values())
    # off (the default), the forward is the message
    items = [i.source.rsplit("/", 1)[1] for i in iter_sources([tmp_path])]
    assert sorted(items) == ["plain.eml", "report.eml"]


def test_hostile_mail_carried_or_carrying_never_raises():
    for name, data in hostile_messages(big_bytes=100_000).items():
        attached_messages(data)
        assert attached_messages(forward(rfc822(data))) == [
            data if b"\r\n\r\n" in data or b"\n\n" in data else data + b"\r\n\r\n"], name


def _boundary(message: bytes, name: bytes) -> bytes:
    """``message`` (a ``forward``) with its own boundary renamed, to be carried by another."""
    return message.replace(b"boundary=in", b"boundary=" + name).replace(b"--in", b"--" + name)


def test_a_forward_carried_by_a_forward_is_unwrapped_in_turn(tmp_path):
    relayed = forward(rfc822(_boundary(forward(rfc822(PHISH), eml_file(OTHER)), b"user")))
    (tmp_path / "cert.eml").write_bytes(relayed)
    cfg = replace(SourcesConfig(), unwrap_attached=True)
    items = {i.source.rsplit("/", 1)[1]: i.data for i in iter_sources([tmp_path], cfg=cfg)}
    assert items == {"cert.eml#attached-1#attached-1": PHISH,
                     "cert.eml#attached-1#attached-2": OTHER}
    # five levels: the fourth is read as it is
    deep = PHISH
    for level in range(5):
        deep = _boundary(forward(rfc822(deep)), b"level%d" % level)
    (tmp_path / "cert.eml").write_bytes(deep)
    [(name, data)] = [(i.source.rsplit("/", 1)[1], i.data)
                      for i in iter_sources([tmp_path], cfg=cfg)]
    assert name == "cert.eml" + "#attached-1" * 3 and b"FW: Your mailbox" in data
    assert attached_messages(data) != []
