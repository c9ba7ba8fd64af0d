"""The body an Outlook RTF property holds: encapsulated HTML, or the text of native RTF.

Outlook keeps many bodies only as compressed RTF (``PR_RTF_COMPRESSED``, MS-OXRTFCP:
LZ77 over a 4096-byte ring, ``decompress``, bounded since a stream can claim far more
than it holds). When the mail arrived as HTML, the RTF encapsulates it (MS-OXRTFEX,
``\\fromhtml1``): the original markup sits in ``{\\*\\htmltag ...}`` groups and in plain
text, while the pieces between ``\\htmlrtf`` and ``\\htmlrtf0`` are RTF's own rendering,
to be dropped. Otherwise (native RTF, or ``\\fromtext``) the body is the document's
text; a link is a ``HYPERLINK`` field, whose address is kept beside its text as ``<url>``.
Bytes are read in the code page of their font (``\\fcharset``), else the document's.

The reader is a single pass over tokens with a stack of group states (no recursion, so
deep nesting costs memory, not the call stack); anything it does not know is text or is
skipped, never an error.
"""

from __future__ import annotations

import codecs
import re
import struct
import zlib
from dataclasses import dataclass, replace

_TOKEN = re.compile(rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])"
                    rb"|[\r\n]+|[^\\{}\r\n]+", re.DOTALL)
# destinations that hold no body text (a ``\*`` destination is skipped as well)
_NOT_TEXT = frozenset({"fonttbl", "colortbl", "stylesheet", "info", "pict", "object",
                       "header", "footer", "headerl", "headerr", "footerl", "footerr",
                       "listtable", "listoverridetable", "revtbl", "rsidtbl", "themedata",
                       "datastore", "xmlnstbl", "latentstyles"})
_SYMBOLS = {b"~": "\xa0", b"_": "-", b"{": "{", b"}": "}", b"\\": "\\", b"\n": "\r\n",
            b"\r": "\r\n", b"\t": "\t"}
_WORDS = {"par": "\r\n", "line": "\r\n", "tab": "\t", "emdash": "\u2014", "endash": "\u2013",
          "bullet": "\u2022", "lquote": "\u2018", "rquote": "\u2019", "ldblquote": "\u201c",
          "rdblquote": "\u201d", "sect": "\r\n", "row": "\r\n", "cell": "\t"}
# a font's \fcharset → its code page (0 and 1, "ANSI" and "default": the document's own)
_CHARSETS = {77: 10000, 128: 932, 129: 949, 130: 1361, 134: 936, 136: 950, 161: 1253,
             162: 1254, 163: 1258, 177: 1255, 178: 1256, 186: 1257, 204: 1251, 222: 874,
             238: 1250, 254: 437, 255: 850}
# MS-OXRTFCP: the dictionary's first bytes, and the two kinds of stream
_PREFIX = (rb"{\rtf1\ansi\mac\deff0\deftab720{\fonttbl;}{\f0\fnil \froman \fswiss "
           rb"\fmodern \fscript \fdecor MS Sans SerifSymbolArialTimes New RomanCourier"
           b"{\\colortbl\\red0\\green0\\blue0\r\n"
           rb"\par \pard\plain\f0\fs20\b\i\u\tab\tx")
_LZFU, _MELA = b"LZFu", b"MELA"
RING_START = len(_PREFIX)  # the first write position in the ring
# An RTF body is text: a stream that claims more (LZFu expands at most 8.5 times, so a
# 64 MB file could claim half a gigabyte) is read up to here (about 1 s of decoding).
MAX_RTF_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class RtfBody:
    """What an RTF body holds: ``html`` when it encapsulates HTML, else plain ``text``."""

    subtype: str  # "html" | "plain"
    content: str


@dataclass(frozen=True)
class _Group:
    skip: bool = False  # inside a destination with no body text
    htmltag: bool = False  # inside an HTML fragment of encapsulated HTML
    htmlrtf: bool = False  # inside RTF's own rendering of encapsulated HTML
    fldinst: bool = False  # inside a field's instruction (HYPERLINK "url")
    uc: int = 1  # characters that stand in for each \\u character
    fonttbl: bool = False  # inside the font table
    font: int = -1  # the font in use (\\fN; -1: the document's default, \\deffN)


def decompress(data: bytes, limit: int = MAX_RTF_BYTES) -> bytes:
    """The RTF of a ``PR_RTF_COMPRESSED`` property (LZFu, or stored as is), at most
    ``limit`` bytes; ``ValueError`` when it is damaged (short, unknown kind, bad CRC)."""
    if len(data) < 16:
        raise ValueError("damaged compressed RTF: shorter than its header")
    size, raw_size, kind, crc = struct.unpack_from("<II4sI", data)
    body = data[16:4 + size]
    if kind == _MELA:
        return body[:min(raw_size, limit)]
    if kind != _LZFU:
        raise ValueError(f"damaged compressed RTF: unknown kind {kind!r}")
    if stream_crc(body) != crc:
        raise ValueError("damaged compressed RTF: CRC mismatch")
    return _lzfu(body, min(raw_size, limit))


def stream_crc(body: bytes) -> int:
    """MS-OXRTFCP's CRC of a stream's body: CRC-32's table, no inversion in or out."""
    return zlib.crc32(body, 0xFFFFFFFF) ^ 0xFFFFFFFF


def _lzfu(body: bytes, limit: int) -> bytes:
    """LZ77 over a 4096-byte ring: each flag byte governs eight tokens, a literal byte
    or a 12-bit offset and 4-bit length (+2) into the ring; a reference to the write
    position ends the stream."""
    ring = bytearray(_PREFIX.ljust(4096, b" "))
    write, out, at, end = len(_PREFIX), bytearray(), 0, len(body)
    while at < end and len(out) < limit:
        flags, at = body[at], at + 1
        for bit in range(8):
            if at >= end:
                break
            if not flags >> bit & 1:
                ring[write] = body[at]
                out.append(body[at])
                write, at = (write + 1) & 0xFFF, at + 1
                continue
            if at + 1 >= end:
                return bytes(out[:limit])
            token, at = body[at] << 8 | body[at + 1], at + 2
            offset = token >> 4
            if offset == write:
                return bytes(out[:limit])
            for step in range(2 + (token & 0xF)):
                ring[write] = ring[(offset + step) & 0xFFF]
                out.append(ring[write])
                write = (write + 1) & 0xFFF
    return bytes(out[:limit])


def rtf_body(rtf: bytes) -> RtfBody:
    """The body of an RTF document: its encapsulated HTML, or its text."""
    head = rtf[:1024]
    html = b"\\fromhtml" in head
    cp = re.search(rb"\\ansicpg(\d{1,5})", head)
    reader = _Reader(codepage(int(cp.group(1)) if cp else 1252), html)
    at = 0
    while (match := _TOKEN.match(rtf, at)) is not None:
        at = match.end()
        if match.group(1) == b"bin" and match.group(2):  # raw binary data: not text
            at += max(0, int(match.group(2)))
        else:
            reader.token(match)
    return RtfBody("html" if html else "plain", reader.text())


def codepage(cpid: int, fallback: str = "cp1252") -> str:
    """The Python codec of Windows code page ``cpid`` (``fallback`` for one Python lacks)."""
    try:
        return codecs.lookup(f"cp{cpid}" if cpid != 10000 else "mac_roman").name
    except LookupError:
        return fallback


class _Reader:
    """The token-by-token state: the group stack, pending bytes, the output."""

    def __init__(self, codec: str, html: bool) -> None:
        self.codec, self.html = codec, html
        self.stack = [_Group()]
        self.out: list[str] = []
        self.pending = bytearray()  # \\'hh bytes, decoded together (multi-byte code pages)
        self.fallback = 0  # characters still to drop after a \\u character
        self.first_in_group = False
        self.field: list[str] = []  # a field instruction's text, read when its group ends
        self.fonts: dict[int, str] = {}  # font number → codec, from the font table
        self.default_font, self.defining = -1, -1
        self.pending_codec = codec

    @property
    def top(self) -> _Group:
        return self.stack[-1]

    def text(self) -> str:
        """Everything emitted so far; ``\\u`` surrogate pairs joined, a lone one replaced."""
        self._flush()
        return ("".join(self.out).encode("utf-16-le", "surrogatepass")
                .decode("utf-16-le", "replace"))

    def token(self, m: re.Match[bytes]) -> None:
        """Take one token."""
        word, arg, hexbyte, symbol, brace = m.groups()
        first, self.first_in_group = self.first_in_group, False
        if brace is not None:
            self._brace(brace)
        elif word is not None:
            self._word(word.decode("ascii"), int(arg) if arg else None, first)
        elif hexbyte is not None:
            self._byte(int(hexbyte, 16))
        elif symbol is not None:
            self._symbol(symbol, first)
        elif m.group(0)[:1] not in (b"\r", b"\n"):
            self._literal(m.group(0))

    def _brace(self, brace: bytes) -> None:
        self.fallback = 0
        if brace == b"{":
            self.stack.append(self.top)
            self.first_in_group = True
        elif len(self.stack) > 1:
            closed = self.stack.pop()
            if closed.fldinst and not self.top.fldinst:
                self._link("".join(self.field))

    def _word(self, word: str, arg: int | None, first: bool) -> None:
        if self.top.fonttbl:
            self._font_definition(word, arg)
        elif word == "fonttbl" and first:
            self.stack[-1] = replace(self.top, skip=True, fonttbl=True)
        elif word == "f" and arg is not None:
            self.stack[-1] = replace(self.top, font=arg)
        elif word == "deff" and arg is not None:
            self.default_font = arg
        elif word == "htmltag":
            self.stack[-1] = replace(self.top, htmltag=True, skip=False)
        elif word == "htmlrtf":
            self.stack[-1] = replace(self.top, htmlrtf=arg != 0)
        elif word == "fldinst" and not self.html:
            self.stack[-1] = replace(self.top, fldinst=True, skip=False)
            self.field.clear()
        elif word == "uc" and arg is not None:
            self.stack[-1] = replace(self.top, uc=max(0, min(arg, 8)))
        elif word == "u" and arg is not None:
            self._emit(chr(arg % 0x10000 if arg < 0 else min(arg, 0x10FFFF)))
            self.fallback = self.top.uc
        elif first and word in _NOT_TEXT:
            self.stack[-1] = replace(self.top, skip=True)
        elif word in _WORDS:
            self._emit(_WORDS[word])

    def _font_definition(self, word: str, arg: int | None) -> None:
        """``\\fN`` starts a font's definition; its ``\\fcharsetN`` or ``\\cpgN`` names
        the code page of text in it."""
        if arg is None:
            return
        if word == "f":
            self.defining = arg
        elif word == "fcharset" and arg in _CHARSETS:
            self.fonts[self.defining] = codepage(_CHARSETS[arg], self.codec)
        elif word == "cpg":
            self.fonts[self.defining] = codepage(arg, self.codec)

    @property
    def _font_codec(self) -> str:
        font = self.top.font if self.top.font >= 0 else self.default_font
        return self.fonts.get(font, self.codec)

    def _symbol(self, symbol: bytes, first: bool) -> None:
        if symbol == b"*":
            if first:  # an ignorable destination, unless \\htmltag or \\fldinst follows
                self.stack[-1] = replace(self.top, skip=True)
        elif symbol in _SYMBOLS:
            self._emit(_SYMBOLS[symbol])

    def _byte(self, value: int) -> None:
        if self.fallback:
            self.fallback -= 1
        elif self.top.fldinst:
            self.field.append(bytes([value]).decode(self._font_codec, "replace"))
        elif self._visible():
            if self.pending and self.pending_codec != self._font_codec:
                self._flush()
            self.pending_codec = self._font_codec
            self.pending.append(value)

    def _literal(self, data: bytes) -> None:
        if self.fallback:
            dropped = min(self.fallback, len(data))
            data, self.fallback = data[dropped:], self.fallback - dropped
        if data:
            self._emit(data.decode(self._font_codec, "replace"))

    def _visible(self) -> bool:
        g = self.top
        if g.skip:
            return False
        return g.htmltag or not (self.html and g.htmlrtf)

    def _emit(self, text: str) -> None:
        if self.top.fldinst:
            self.field.append(text)
        elif self._visible():
            self._flush()
            self.out.append(text)

    def _link(self, instruction: str) -> None:
        """A HYPERLINK field's address, written as ``<url>`` where the field stands."""
        link = re.search(r'HYPERLINK\s+"([^"]+)"', instruction)
        if link and self._visible():
            self._flush()
            self.out.append(f" <{link.group(1)}> ")

    def _flush(self) -> None:
        if self.pending:
            self.out.append(bytes(self.pending).decode(self.pending_codec, "replace"))
            self.pending.clear()
