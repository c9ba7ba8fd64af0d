"""Test helpers shipped with the package: build messages and hostile corpora in code,
so tests and the demo need no third-party mail."""

from __future__ import annotations

import base64
import io
import zipfile
from datetime import UTC, datetime, timedelta

from spamintel.model import RawMessage

RECEIVER = "mx1.example.edu"


def make_message(
    *,
    subject: str = "Hello",
    body: str = "Hello there, see http://www.example.com/page for details.",
    client_ip: str = "203.0.113.7",
    helo: str = "client.example.net",
    when: datetime | None = None,
    sender: str = "alice@example.net",
    extra_headers: str = "",
    message_id: str = "<20070408.12345@example.net>",
) -> bytes:
    """A well-formed message as the receiving MX would store it (Received line on top)."""
    when = when or datetime(2007, 4, 8, 17, 7, 21, tzinfo=UTC)
    stamp = when.strftime("%a, %d %b %Y %H:%M:%S +0000")
    return (
        f"Received: from {helo} (host.example.net [{client_ip}])\r\n"
        f"\tby {RECEIVER} (8.12.8/8.12.5) with ESMTP id l38H7L0I000001\r\n"
        f"\tfor <bob@example.edu>; {stamp}\r\n"
        f"From: Alice <{sender}>\r\nTo: bob@example.edu\r\nSubject: {subject}\r\n"
        f"Date: {stamp}\r\nMessage-ID: {message_id}\r\n{extra_headers}"
        f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


def make_raw_message(**kwargs) -> RawMessage:
    """A RawMessage around ``make_message(**kwargs)``."""
    return RawMessage(data=make_message(**kwargs), source="test.eml")


def sample_corpus(n: int = 200, start: datetime | None = None) -> list[tuple[str, bytes]]:
    """``n`` varied messages over a few days: ``(file_name, bytes)`` pairs."""
    start = start or datetime(2007, 4, 8, 12, tzinfo=UTC)
    out = []
    for i in range(n):
        spam = i % 3 != 0
        out.append((f"msg{i:05d}.eml", make_message(
            subject=f"Cheap meds {i}" if spam else f"Meeting notes {i}",
            body=(f"Buy now at http://pharm{i % 7}.example.com/?id={i}" if spam
                  else f"Notes for week {i}, see you soon."),
            client_ip=f"198.51.100.{i % 250 + 1}",
            when=start + timedelta(hours=i * 0.5),
            message_id=f"<{i:08d}.{i * 7}@mail{i % 5}.example.net>",
        )))
    return out


def _nested_multipart(depth: int) -> bytes:
    head = b"From: x@example.com\r\nSubject: deep\r\nMIME-Version: 1.0\r\n"
    body = b"innermost\r\n"
    ctype = b"text/plain"
    for level in range(depth):
        b = f"b{level}".encode()
        body = (b"--" + b + b"\r\nContent-Type: " + ctype + b"\r\n\r\n" + body +
                b"\r\n--" + b + b"--\r\n")
        ctype = b"multipart/mixed; boundary=" + b
    return head + b"Content-Type: " + ctype + b"\r\n\r\n" + body


def zip_bomb(expanded_bytes: int = 200 * 1024 * 1024) -> bytes:
    """A .zip whose single member expands to ``expanded_bytes`` of zeros."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf, \
            zf.open("bomb.eml", "w", force_zip64=True) as fh:
        chunk = b"\0" * (1 << 20)
        for _ in range(expanded_bytes // len(chunk)):
            fh.write(chunk)
    return buf.getvalue()


def hostile_messages(big_bytes: int = 50 * 1024 * 1024) -> dict[str, bytes]:
    """Named hostile messages: each must end as an event with defects or a quarantine row."""
    ok = make_message()
    return {
        "truncated_mime": ok.replace(b"text/plain; charset=utf-8",
                                     b"multipart/mixed; boundary=zz") + b"--zz\r\nContent-Ty",
        "wrong_boundary": make_message(extra_headers="").replace(
            b"text/plain; charset=utf-8", b'multipart/alternative; boundary="AAA"'),
        "garbage_8bit_headers": b"Subject: \xff\xfe\x80 caf\xe9\r\nFrom: \xc3\x28@x\r\n\r\nbody",
        "unknown_charset": ok.replace(b"charset=utf-8", b"charset=x-klingon-42"),
        "bad_encoded_word": ok.replace(b"Subject: Hello", b"Subject: =?x-unknown?B?////?="),
        "nul_bytes": ok.replace(b"Subject: Hello", b"Subject: He\0llo\0") + b"\0\0\0",
        "ten_thousand_headers": b"".join(b"X-H%d: v\r\n" % i for i in range(10_000)) + b"\r\nbody",
        "deep_multipart_500": _nested_multipart(500),
        "broken_base64": ok.replace(b"charset=utf-8\r\n", b"charset=utf-8\r\n"
                                    b"Content-Transfer-Encoding: base64\r\n").replace(
            b"Hello there", b"!!!*** not base64 ***"),
        "no_headers": b"just some text without any header at all",
        "empty": b"",
        "huge_50mb": ok + b"A" * big_bytes,
    }


def make_report(message: bytes, kind: str = "message/rfc822", fields: str | None = None,
                encoding: str = "", close: bool = True) -> bytes:
    """An abuse report (ARF) of ``message`` in the shape of RFC 5965's example (section
    B.2); ``fields`` replaces its feedback-report fields."""
    fields = fields if fields is not None else (
        "Feedback-Type: abuse\r\nUser-Agent: SomeGenerator/1.0\r\nVersion: 1\r\n"
        "Original-Mail-From: <Somespammer@example.net>\r\n"
        "Original-Rcpt-To: <user@example.com>\r\nOriginal-Rcpt-To: <user2@example.com>\r\n"
        "Arrival-Date: Thu, 8 Mar 2005 14:00:00 -0500\r\n"
        "Reporting-MTA: dns; mail.example.com\r\nSource-IP: ::ffff:192.0.2.1\r\n")
    cte = f"Content-Transfer-Encoding: {encoding}\r\n" if encoding else ""
    body = base64.encodebytes(message) if encoding == "base64" else message
    return (b"From: <abusedesk@example.com>\r\nTo: <abuse@example.net>\r\n"
            b"Subject: FW: Earn money\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/report; report-type=feedback-report;\r\n"
            b'     boundary="part1_13d.2e68ed54_boundary"\r\n\r\n'
            b"--part1_13d.2e68ed54_boundary\r\nContent-Type: text/plain; charset=\"US-ASCII\"\r\n"
            b"\r\nThis is an email abuse report for an email message received from IP\r\n"
            b"192.0.2.1 on Thu, 8 Mar 2005 14:00:00 EDT.\r\n"
            b"--part1_13d.2e68ed54_boundary\r\nContent-Type: message/feedback-report\r\n\r\n"
            + fields.encode() + b"\r\n"
            + b"--part1_13d.2e68ed54_boundary\r\nContent-Type: " + kind.encode() + b"\r\n"
            + cte.encode() + b"\r\n" + body
            + (b"\r\n--part1_13d.2e68ed54_boundary--\r\n" if close else b""))
