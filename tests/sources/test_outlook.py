"""Outlook .msg files are read as the message they hold (MS-OXMSG), rebuilt as mail."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import random
import tarfile
import zipfile
from dataclasses import replace

import pytest

from spamintel.config import ParseConfig, SourcesConfig
from spamintel.model import RawMessage, SourceFailure
from spamintel.parse import parse_message
from spamintel.sources import iter_sources, outlook
from spamintel.sources.outlook import OLE_MAGIC, OutlookError, read_outlook


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


def test_damaged_msg_files_give_a_message_or_a_failure_never_a_crash(saved):
    rng = random.Random(2011)
    for _ in range(60):
        damaged = bytearray(saved)
        for _ in range(rng.randint(1, 20)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        with contextlib.suppress(OutlookError):
            assert read_outlook(bytes(damaged)).count(b"\r\n\r\n") >= 1


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
