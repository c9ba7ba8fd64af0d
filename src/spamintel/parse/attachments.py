"""Attachments: name, extension, declared and sniffed type, size and hash."""

from __future__ import annotations

import hashlib
from typing import Any

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "application/x-dosexec"),
    (b"\x7fELF", "application/x-executable"),
    (b"PK\x03\x04", "application/zip"),
    (b"Rar!\x1a\x07", "application/x-rar"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"\x1f\x8b", "application/gzip"),
    (b"%PDF-", "application/pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF8", "image/gif"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"BM", "image/bmp"),
    (b"{\\rtf", "application/rtf"),
    (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR", "application/x-eicar-test"),
)

_TEXT_BYTES = bytes(range(32, 127)) + b"\t\n\r"


def sniff_type(content: bytes) -> str:
    """MIME type from the content's leading bytes (a small, safe magic table)."""
    for magic, mime in _MAGIC:
        if content.startswith(magic):
            return mime
    head = content[:512].lstrip().lower()
    if head.startswith((b"<html", b"<!doctype html")):
        return "text/html"
    if head and not head.translate(None, _TEXT_BYTES):  # nothing left once text is deleted
        return "text/plain"
    return "application/octet-stream" if content else "application/x-empty"


def describe(filename: str | None, declared: str, content: bytes) -> dict[str, Any]:
    """One attachment record as stored in ``Event.attachments``."""
    name = (filename or "").strip()
    ext = name.rsplit(".", 1)[-1].lower()[:16] if "." in name else ""
    return {
        "filename": name[:255] or None,
        "ext": ext or None,
        "declared_type": declared,
        "sniffed_type": sniff_type(content),
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
    }
