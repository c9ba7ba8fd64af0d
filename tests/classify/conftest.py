"""Helpers for classify tests: real parsing of messages built in code."""

from __future__ import annotations

import pytest

from spamintel.config import ParseConfig
from spamintel.fingerprint import fingerprint
from spamintel.model import ParsedMessage, RawMessage
from spamintel.parse import parse_message


def parse_bytes(data: bytes, source: str = "test.eml") -> ParsedMessage:
    """Parse and fingerprint raw bytes the way the pipeline does."""
    cfg = ParseConfig()
    parsed = parse_message(RawMessage(data=data, source=source), cfg)
    fingerprint(parsed, cfg)
    return parsed


def mime_message(subject: str, html: str = "", text: str = "", sender: str = "a@example.net",
                 display: str = "Alice", attachments: tuple[tuple[str, bytes], ...] = ()) -> bytes:
    """A multipart message with optional text, HTML and base64 attachments."""
    import base64

    parts = []
    if text:
        parts.append(f"Content-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n")
    if html:
        parts.append(f"Content-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n")
    for name, data in attachments:
        body = base64.b64encode(data).decode()
        parts.append(f"Content-Type: application/octet-stream; name=\"{name}\"\r\n"
                     f"Content-Disposition: attachment; filename=\"{name}\"\r\n"
                     f"Content-Transfer-Encoding: base64\r\n\r\n{body}\r\n")
    body = "".join(f"--BOUND\r\n{p}" for p in parts) + "--BOUND--\r\n"
    return (
        "Received: from client.example.net (client.example.net [203.0.113.9])\r\n"
        "\tby mx.example.edu with SMTP id x1; Mon, 16 Apr 2007 04:03:13 -0400\r\n"
        f"From: {display} <{sender}>\r\nTo: bob@example.edu\r\nSubject: {subject}\r\n"
        "Date: Mon, 16 Apr 2007 04:03:12 -0400\r\nMessage-ID: <1234.5678@example.net>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"BOUND\"\r\n\r\n" + body
    ).encode()


@pytest.fixture
def parse():
    """The ``parse_bytes`` helper as a fixture."""
    return parse_bytes
