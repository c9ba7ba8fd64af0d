"""Header block splitting that keeps field order (the fingerprint needs it).

A small byte-level splitter: faster than ``email`` and tolerant of the damage spam
carries (bare LF, NUL bytes, 8-bit bytes, missing header/body separator, header floods).
"""

from __future__ import annotations

import binascii
import quopri
import re
from email.errors import MessageError
from email.header import decode_header, make_header

from spamintel.memo import Memo
from spamintel.parse.text import without_surrogates

_ENCODED_WORD = re.compile(r"=\?[^?]+\?[bBqQ]\?")
_WHOLE_WORD = re.compile(r"=\?([^?*]+)(?:\*[^?]*)?\?([bBqQ])\?([^?]*)\?=")
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/]")


def split_message(data: bytes) -> tuple[bytes, int, list[str]]:
    """Return ``(header_block, body_offset, defects)`` for raw message bytes."""
    defects: list[str] = []
    lf = data.find(b"\n\n")
    # A CRLF separator can only come before the first bare one: search no further.
    crlf = data.find(b"\r\n\r\n", 0, lf + 2 if lf >= 0 else len(data))
    if crlf >= 0 and (lf < 0 or crlf < lf):
        return data[:crlf], crlf + 4, defects
    if lf >= 0:
        return data[:lf], lf + 2, defects
    defects.append("no_header_body_separator")
    return data, len(data), defects


# The value starts after the blanks that follow the colon, so that its strip() below
# usually has nothing to remove and returns the string itself.
_FIELD_RE = re.compile(r"^([\x21-\x39\x3b-\x7e]+)[ \t]*:[ \t]*(.*)", re.M)
# A fold (RFC 5322 §2.2.3): a line break and the blanks after it. CRLF becomes LF first
# (a pattern that starts with a literal is searched for, not tried at every position).
_FOLD = re.compile(r"\n[ \t]+")


# Field name as written → its lower case: a few hundred names cover most mail, and a dict
# hit costs less than building the lower-case string again. A made-up name may be any
# length: only short ones are kept.
_LOWER_NAMES = Memo(str.lower, 4096, keep=lambda name: len(name) <= 64)


def _decode_block(block: bytes, defects: list[str]) -> str:
    if block.isascii():
        return block.decode("ascii")
    defects.append("8bit_header")
    try:
        return block.decode("utf-8")
    except UnicodeDecodeError:
        return block.decode("latin-1")


def parse_fields(block: bytes, max_headers: int) -> tuple[list[tuple[str, str]], list[str]]:
    """Unfold a header block into ``(name, value)`` pairs, in order, with defects.

    The block is decoded once: ASCII, else UTF-8 where valid, else Latin-1 (every byte
    maps); encoded words are left for ``decode_value``. Non-field lines become defects.
    """
    defects: list[str] = []
    if b"\x00" in block:
        defects.append("nul_in_headers")
        block = block.replace(b"\x00", b"")
    text = _decode_block(block, defects)
    if "\r" in text:  # a search for one character is several times faster than replace's
        text = text.replace("\r\n", "\n")
    text = _FOLD.sub(" ", text)  # unfolded: one field a line
    fields = _FIELD_RE.findall(text)
    if text.count("\n") + 1 > len(fields) and text.strip():
        defects.append("malformed_header_line")
    if len(fields) > max_headers:
        defects.append("too_many_headers")
        fields = fields[:max_headers]
    return [(_LOWER_NAMES[n], v.strip()) for n, v in fields], defects


# Encoded words are decoded in a value's first this many characters, and the rest is kept
# as written (defect "long_encoded_header"): the standard library's decoder takes time
# quadratic in the number of words, and in the length of a line of unfinished ones.
_MAX_DECODED = 4096


def decode_value(value: str, defects: list[str]) -> str:
    """Decode RFC 2047 encoded words; a broken one (unknown charset, bad base64) becomes a
    defect, not an error, and is decoded as a lenient mail reader would
    (``_lenient_words``). Past the first ``_MAX_DECODED`` characters the value is kept
    as written, with a defect."""
    if not _ENCODED_WORD.search(value):
        return value
    head, tail = value[:_MAX_DECODED], value[_MAX_DECODED:]
    if tail:
        defects.append("long_encoded_header")
    try:
        text = str(make_header(decode_header(head)))
    except (LookupError, UnicodeError, ValueError, AssertionError, MessageError) as exc:
        defects.append(f"bad_encoded_word:{type(exc).__name__}")
        text = _lenient_words(head)
    return without_surrogates(text + tail, defects)


def _lenient_word(match: re.Match) -> str:
    charset, kind, payload = match.group(1), match.group(2).upper(), match.group(3)
    if kind == "B":
        payload = _NOT_BASE64.sub("", payload)
        payload += "=" * (-len(payload) % 4)
        if len(payload) % 4 == 1:  # one stray character cannot be a byte
            payload = payload[:-1]
        data = binascii.a2b_base64(payload) if payload else b""
    else:
        data = quopri.decodestring(payload.replace("_", " ").encode("latin-1", "replace"),
                                   header=True)
    try:
        return data.decode(charset, errors="replace")
    except LookupError:
        return data.decode("latin-1")


def _lenient_words(value: str) -> str:
    """Each encoded word decoded on its own: base64 with its padding mended and stray
    characters dropped, an unknown charset read as Latin-1, bytes a charset cannot map
    replaced; words that will not decode even so stay as they came."""
    def word(match: re.Match) -> str:
        try:
            return _lenient_word(match)
        except (ValueError, binascii.Error):
            return match.group(0)
    return _WHOLE_WORD.sub(word, value)


def all_values(headers: list[tuple[str, str]], name: str) -> list[str]:
    """Values of every header called ``name`` (lower-case), in order."""
    return [value for key, value in headers if key == name]
