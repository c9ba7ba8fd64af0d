"""Outlook .msg files are read as the message they hold (MS-OXMSG), rebuilt as mail."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import random
import tarfile
import zipfile
from dataclasses import replace
from email import message_from_bytes, policy

import pytest

from spamintel.config import ParseConfig, SourcesConfig
from spamintel.model import RawMessage, SourceFailure
from spamintel.parse import parse_message
from spamintel.sources import iter_sources, outlook
from spamintel.sources._rtf import MAX_RTF_BYTES
from spamintel.sources.outlook import OLE_MAGIC, OutlookError, read_outlook
from spamintel.testing.outlook import (
    ENCAPSULATED,
    NATIVE,
    MsgPart,
    expanding_rtf,
    make_msg,
    rtf_property,
)


@pytest.fixture(scope="module")
def saved(corpora) -> bytes:
    """A newsletter saved from Outlook 2016 (the mail-parser project's fixture)."""
    return (corpora / "mailparser_fixtures" / "mail_outlook_1").read_bytes()


def _event(data: bytes):
    return parse_message(RawMessage(data=data, source="t"), ParseConfig()).event


def test_the_message_is_rebuilt_with_its_transport_headers_bodies_and_attachments(saved):
    data = read_outlook(saved)
    head = data.split(b"\r\n\r\n", 1)[0]
    # the header block as it arrived, in its order, with one Content-Type: the new body's
    assert head.startswith(b"Received: from EX-01.auenland.lkt")
    assert head.count(b"\r\nContent-Type: multipart/mixed") == 1
    assert head.index(b"Reply-To:") < head.index(b"Content-Type:") < head.index(b"X-Mailer:")
    ev = _event(data)
    assert ev.subject == "Newsletter Prüfung Personalwesen / Prüfung Eröffnungsbilanz"
    assert (ev.client_ip, ev.client_helo) == ("195.189.93.103", "i1rrzsmailin04v.rz-kiru.de")
    assert ev.x_mailer.startswith("LibHTMLMail")
    assert [a["filename"] for a in ev.attachments][:2] == ["newsletter.png", "spacer.gif"]
    assert ev.n_attachments == 5 and ev.parse_defects == []
    assert "w-vwa.de" in ev.url_domains and ev.text_chars > 1000


def test_the_same_file_always_gives_the_same_message(saved):
    assert hashlib.sha256(read_outlook(saved)).digest() == hashlib.sha256(
        read_outlook(saved)).digest()


def test_a_message_saved_before_transport_gets_headers_from_its_properties(saved, monkeypatch):
    monkeypatch.setattr(outlook, "_HEADERS", 0x7FFF)  # as if it had no transport headers
    ev = _event(read_outlook(saved))
    assert ev.from_addr == "nueblingv@w-vwa.de"
    assert ev.subject.startswith("Newsletter Prüfung")
    assert ev.time_source == "date" and ev.observed_at.year == 2017
    assert ev.n_attachments == 5


def test_broken_and_foreign_ole_files_are_failures(saved):
    for data in (saved[:4096], OLE_MAGIC + b"\0" * 600, OLE_MAGIC):
        with pytest.raises(OutlookError):
            read_outlook(data)


def test_a_folder_of_msg_files_is_read_as_mail(tmp_path, saved):
    (tmp_path / "report.msg").write_bytes(saved)
    (tmp_path / "broken.msg").write_bytes(saved[:4096])
    items = {i.source.rsplit("/", 1)[1]: i for i in iter_sources([tmp_path])}
    assert isinstance(items["report.msg"], RawMessage)
    assert items["report.msg"].data.startswith(b"Received: from EX-01")
    broken = items["broken.msg"]
    assert isinstance(broken, SourceFailure)
    assert broken.reason.startswith("unreadable_outlook_msg") and broken.data == saved[:4096]


def _damaged(data: bytes, seed: int, copies: int, most: int):
    """``copies`` copies of ``data``, each with 1 to ``most`` random bytes changed."""
    rng = random.Random(seed)
    for _ in range(copies):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, most)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        yield bytes(damaged)


def test_damaged_msg_files_give_a_message_or_a_failure_never_a_crash(saved):
    for damaged in _damaged(saved, 2011, copies=60, most=20):
        with contextlib.suppress(OutlookError):
            assert read_outlook(damaged).count(b"\r\n\r\n") >= 1


def test_msg_files_inside_archives_are_read_as_mail(tmp_path, saved):
    with zipfile.ZipFile(tmp_path / "reports.zip", "w") as zf:
        zf.writestr("a/report.msg", saved)
    with tarfile.open(tmp_path / "reports.tar.gz", "w:gz") as tar:
        tar.add(tmp_path / "reports.zip", arcname="inner.zip")
    items = list(iter_sources([tmp_path]))
    assert len(items) == 2 and all(isinstance(i, RawMessage) for i in items)
    assert {i.data for i in items} == {read_outlook(saved)}


def test_a_msg_file_attached_to_a_forward_is_read_when_forwards_are_unwrapped(tmp_path, saved):
    forward = (b"From: ann@desk.example\r\nSubject: FW: suspicious\r\nMIME-Version: 1.0\r\n"
               b"Content-Type: multipart/mixed; boundary=b1\r\n\r\n--b1\r\n"
               b"Content-Type: text/plain\r\n\r\nsee attached\r\n--b1\r\n"
               b"Content-Type: application/vnd.ms-outlook; name=\"x.msg\"\r\n"
               b"Content-Transfer-Encoding: base64\r\n\r\n"
               + base64.encodebytes(saved) + b"--b1--\r\n")
    (tmp_path / "fw.eml").write_bytes(forward)
    items = list(iter_sources([tmp_path], cfg=replace(SourcesConfig(), unwrap_attached=True)))
    assert [i.source.rsplit("/", 1)[1] for i in items] == ["fw.eml#attached-1"]
    assert items[0].data == read_outlook(saved)


def _headers(client: str, subject: str) -> str:
    return (f"Received: from bot.example.net (bot.example.net [{client}])\r\n"
            f"\tby mx.desk.example with ESMTP; Tue, 10 May 2011 09:00:00 +0000\r\n"
            f"From: Service <service@lure.example>\r\nTo: ann@desk.example\r\n"
            f"Subject: {subject}\r\nMessage-ID: <{client}@lure.example>\r\n"
            f"Date: Tue, 10 May 2011 08:59:58 +0000\r\n")


def _kept_as_rtf(rtf: bytes, plain: str | None = None) -> bytes:
    strings = {0x007D: _headers("203.0.113.9", "Verify your account")}
    if plain is not None:
        strings[0x1000] = plain
    return make_msg(MsgPart(strings=strings, binary={0x1009: rtf}))


def test_a_body_kept_only_as_rtf_gives_its_html_and_links():
    parsed = parse_message(RawMessage(data=read_outlook(_kept_as_rtf(rtf_property(
        ENCAPSULATED))), source="t"), ParseConfig())
    ev = parsed.event
    assert ev.subject == "Verify your account" and ev.client_ip == "203.0.113.9"
    assert ev.url_domains == ["secure-login.example"]
    assert '<a href="http://secure-login.example/verify?id=1&amp;x=2">' in parsed.html
    assert "must be verified today. Привет €" in parsed.text


def test_rtf_adds_the_html_a_plain_body_has_lost():
    data = read_outlook(_kept_as_rtf(rtf_property(ENCAPSULATED), plain="Dear customer"))
    assert b"multipart/alternative" in data
    assert _event(data).url_domains == ["secure-login.example"]


def test_native_rtf_gives_text_with_its_links():
    parsed = parse_message(RawMessage(data=read_outlook(_kept_as_rtf(rtf_property(NATIVE))),
                                      source="t"), ParseConfig())
    assert parsed.event.url_domains == ["parcel-fee.example"] and parsed.html == ""


def test_damaged_rtf_leaves_the_plain_body():
    broken = rtf_property(ENCAPSULATED)[:40] + b"\xff" * 40
    ev = _event(read_outlook(_kept_as_rtf(broken, plain="Dear customer, see http://a.example/")))
    assert ev.url_domains == ["a.example"]


def _forward(inner: MsgPart, depth: int = 1) -> MsgPart:
    """``inner`` forwarded as an attachment ``depth`` times over."""
    for level in range(depth):
        inner = MsgPart(strings={0x007D: _headers("192.0.2.10", f"FW: report {level}"),
                                 0x1000: "Looks like phishing to me."},
                        attachments=[("Verify your account", inner)])
    return inner


PHISH = MsgPart(strings={0x007D: _headers("203.0.113.9", "Verify your account"),
                         0x1000: "Log in at http://secure-login.example/verify"},
                attachments=[("invoice.pdf", b"%PDF-1.4 fake")])


def test_a_message_embedded_as_an_attachment_is_rebuilt_and_unwrapped(tmp_path):
    data = read_outlook(make_msg(_forward(PHISH)))
    forwarded = message_from_bytes(data, policy=policy.default)
    inner = next(p for p in forwarded.walk() if p.get_content_type() == "message/rfc822")
    carried = inner.get_content()
    assert carried["Subject"] == "Verify your account"
    assert [p.get_filename() for p in carried.iter_attachments()] == ["invoice.pdf"]
    (tmp_path / "fw.msg").write_bytes(make_msg(_forward(PHISH)))
    plain = list(iter_sources([tmp_path]))
    assert _event(plain[0].data).subject == "FW: report 0"
    items = list(iter_sources([tmp_path], cfg=replace(SourcesConfig(), unwrap_attached=True)))
    assert [i.source.rsplit("/", 1)[1] for i in items] == ["fw.msg#attached-1"]
    ev = _event(items[0].data)
    assert (ev.subject, ev.client_ip) == ("Verify your account", "203.0.113.9")
    assert ev.url_domains == ["secure-login.example"] and ev.n_attachments == 1


def test_embedded_messages_are_read_three_levels_deep():
    data = read_outlook(make_msg(_forward(PHISH, depth=6)))
    kinds = [p.get_content_type() for p in message_from_bytes(data, policy=policy.default)
             .walk()]
    assert kinds.count("message/rfc822") == 2  # the file's message and two embedded in it
    assert b"FW: report 3" in data and b"FW: report 2" not in data


def test_the_rtf_of_a_saved_file_gives_the_links_of_its_html(saved, monkeypatch):
    with_html = _event(read_outlook(saved))
    monkeypatch.setattr(outlook, "_HTML", 0x7FFF)  # as if it kept no HTML body
    from_rtf = _event(read_outlook(saved))
    assert from_rtf.url_domains == with_html.url_domains and "w-vwa.de" in from_rtf.url_domains


def test_damaged_files_with_rtf_bodies_and_embedded_messages_never_crash():
    rtf_only = MsgPart(strings=dict(PHISH.strings), binary={0x1009: rtf_property(ENCAPSULATED)})
    del rtf_only.strings[0x1000]
    clean = make_msg(_forward(rtf_only, depth=2))
    assert b"secure-login.example" in read_outlook(clean)
    for damaged in _damaged(clean, 2026, copies=150, most=12):
        with contextlib.suppress(OutlookError):
            assert _event(read_outlook(damaged)) is not None


def test_one_file_decodes_at_most_its_budget_of_rtf():
    bomb = MsgPart(strings={0x007D: _headers("198.51.100.6", "Bomb")},
                   binary={0x1009: expanding_rtf(MAX_RTF_BYTES // 17 + 100)})
    after = MsgPart(strings={0x007D: _headers("198.51.100.7", "Second")},
                    binary={0x1009: rtf_property(NATIVE)})
    first = MsgPart(strings={0x007D: _headers("203.0.113.9", "First")},
                    binary={0x1009: rtf_property(ENCAPSULATED)},
                    attachments=[("bomb", bomb), ("after", after)])
    data = read_outlook(make_msg(first))
    assert b"secure-login.example" in data  # read before the budget was spent
    assert b"Subject: Second" in data and b"parcel-fee.example" not in data
    assert len(data) < 2 * MAX_RTF_BYTES


def test_an_attached_ole_object_is_no_message():
    word = {"\x01CompObj": b"\x01\xfe\x00\x00" + bytes(24), "WordDocument": bytes(600)}
    data = read_outlook(make_msg(MsgPart(strings=dict(PHISH.strings),
                                         attachments=[("Document", word), *PHISH.attachments])))
    kinds = [p.get_content_type() for p in message_from_bytes(data, policy=policy.default)
             .walk()]
    assert "message/rfc822" not in kinds and kinds.count("application/octet-stream") == 1


def test_hostile_attachment_names_and_types_do_not_fail_the_file():
    part = MsgPart(strings={0x1000: "see attached"},
                   attachments=[("evil\r\nX-Injected: 1.pdf", b"%PDF"), ("\x00", b"x"),
                                ("a.htm", b"<p>")],
                   types={"\x00": "text/html\r\nX-Injected: 2", "a.htm": "text/html"})
    data = read_outlook(make_msg(part))
    parts = list(message_from_bytes(data, policy=policy.default).iter_attachments())
    assert [p.get_filename() for p in parts] == ["evil X-Injected: 1.pdf", "attachment",
                                                  "a.htm"]
    assert [p.get_content_type() for p in parts] == ["application/octet-stream",
                                                     "application/octet-stream", "text/html"]
    assert b"\r\nX-Injected" not in data


def _overlapping(n: int) -> bytes:
    """A .msg whose ``n`` small attachments are made to start at different sectors of one
    64 KiB attachment's chain, each reading on to its end."""
    import io
    import struct

    import olefile

    big = b"A" * 65536
    data = bytearray(make_msg(MsgPart(
        strings={0x0037: "overlap", 0x1000: "body"},
        attachments=[("big.bin", big)] + [(f"a{i}.bin", b"B" * 4096) for i in range(n)])))
    with olefile.OleFileIO(io.BytesIO(bytes(data))) as ole:
        ids = {"/".join(p): ole._find(p) for p in ole.listdir()}
        start = ole.direntries[ids["__attach_version1.0_#00000000/__substg1.0_37010102"]
                               ].isectStart
        directory = 512 * (1 + ole.first_dir_sector)
    sectors = len(big) // 512
    for i in range(n):
        sid = ids[f"__attach_version1.0_#{i + 1:08X}/__substg1.0_37010102"]
        skip = 1 + (i * 37) % (sectors - 16)
        struct.pack_into("<IQ", data, directory + 128 * sid + 116, start + skip,
                         (sectors - skip) * 512)
    return bytes(data)


def test_streams_that_overlap_cannot_make_a_file_give_more_than_it_holds():
    with pytest.raises(OutlookError, match="more bytes than the file"):
        read_outlook(_overlapping(30))
    assert len(read_outlook(_overlapping(0))) < 2 * len(_overlapping(0))
