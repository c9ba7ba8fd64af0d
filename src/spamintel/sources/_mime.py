"""MIME body parts read from the raw bytes, as written (no re-serialisation): what a
feedback report or a forward carries must keep its exact bytes, for its hash and its
fingerprints."""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from email.message import Message
from email.parser import BytesHeaderParser

BLANK = re.compile(rb"\r?\n\r?\n")
HEADERS = BytesHeaderParser()
HEAD_MAX = 1 << 16  # a header block longer than this is no container's
MAX_PARTS = 20


def split_message(data: bytes) -> tuple[bytes, bytes]:
    """A message's header block and body (the body empty when there is no blank line)."""
    m = BLANK.search(data, 0, HEAD_MAX)
    return (data[:m.start()], data[m.end():]) if m else (data[:HEAD_MAX], b"")


def body_parts(body: bytes, boundary: bytes) -> list[tuple[bytes, bytes]]:
    """Each body part's header block and body, between ``--boundary`` lines (a
    body cut off before its closing line keeps its last part)."""
    delimiter = re.compile(rb"(?:^|\r?\n)--" + re.escape(boundary) + rb"(--)?[ \t]*(?:\r?\n|$)")
    parts: list[tuple[bytes, bytes]] = []
    start = None
    for m in delimiter.finditer(body):
        if start is not None:
            parts.append(_split_part(body[start:m.start()]))
        start = None if m.group(1) or len(parts) >= MAX_PARTS else m.end()
        if start is None:
            break
    if start is not None:
        parts.append(_split_part(body[start:]))
    return parts


def _split_part(chunk: bytes) -> tuple[bytes, bytes]:
    """A body part's header block and body; a part that opens with a blank line has none."""
    if chunk.startswith((b"\r\n", b"\n")):
        return b"", chunk[2 if chunk.startswith(b"\r\n") else 1:]
    m = BLANK.search(chunk)
    return (chunk[:m.start()], chunk[m.end():]) if m else (chunk, b"")


def decoded(part: Message, body: bytes) -> bytes:
    """A part's body with its transfer encoding undone (as written if that fails)."""
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    try:
        if encoding == "base64":
            return base64.b64decode(body, validate=False)
        if encoding == "quoted-printable":
            return quopri.decodestring(body)
    except (binascii.Error, ValueError):
        pass
    return body
