"""Outlook ``.msg`` files built in code (MS-OXMSG in a compound file, MS-CFB version 3),
for tests of what the sources read from them: bodies kept only as compressed RTF,
messages embedded as attachments, damaged properties.

``make_msg`` lays out the properties of one message as Outlook does; ``compound_file``
writes any tree of streams as a compound file that ``olefile`` (and Outlook) open.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from spamintel.sources._rtf import RING_START, stream_crc

SECTOR, MINI_SECTOR, MINI_CUTOFF = 512, 64, 4096
FREE, END, FAT_MARK, NONE = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PROPS = "__properties_version1.0"
_EMPTY_ENTRY = bytes(64) + struct.pack("<HBBIII", 0, 0, 0, NONE, NONE, NONE) + bytes(48)


# An RTF body in the shape of MS-OXRTFEX's example: HTML fragments in \*\htmltag groups, RTF's own
# rendering between \htmlrtf and \htmlrtf0
ENCAPSULATED = (
    rb"{\rtf1\ansi\ansicpg1251\fromhtml1 \deff0{\fonttbl{\f0\fswiss Arial;}}"
    rb"{\colortbl\red0\green0\blue0;}{\*\generator Microsoft Exchange Server;}"
    rb"{\*\htmltag64}\uc1\pard\plain"
    rb"{\*\htmltag <html><head><style>p \{margin:0\}</style></head><body>}\htmlrtf \par"
    rb"\htmlrtf0 {\*\htmltag84 <p>}\htmlrtf {\htmlrtf0 Dear customer, your account "
    rb'{\*\htmltag84 <a href="http://secure-login.example/verify?id=1&amp;x=2">}\htmlrtf '
    rb'{\field{\*\fldinst HYPERLINK "http://secure-login.example/verify"}{\fldrslt \htmlrtf0 '
    rb"must be verified{\*\htmltag92 </a>}\htmlrtf }}\htmlrtf0  today. "
    rb"\'cf\'f0\'e8\'e2\'e5\'f2 \u8364?{\*\htmltag92 </p>}\htmlrtf }\htmlrtf0 "
    rb"{\*\htmltag0 </body></html>}}")

NATIVE = (rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Calibri;}}{\info{\author Mallory}}"
          rb"\pard Your parcel is waiting.\par Pay the fee at "
          rb'{\field{\*\fldinst{HYPERLINK "http://parcel-fee.example/pay"}}'
          rb"{\fldrslt{\ul this page}}}.\par Caf\'e9\tab ok\par{\*\pict\pngblip 89504e47}}")


@dataclass
class MsgPart:
    """One message's properties: string properties by id (stored UTF-16), binary ones by
    id, and attachments (bytes with a name, another ``MsgPart`` embedded as a message, or
    an OLE object: the streams of its storage by name), with MIME types by attachment
    name."""

    strings: dict[int, str] = field(default_factory=dict)
    binary: dict[int, bytes] = field(default_factory=dict)
    attachments: list[tuple[str, bytes | MsgPart | dict[str, bytes]]] = field(
        default_factory=list)
    types: dict[str, str] = field(default_factory=dict)


def rtf_property(rtf: bytes, compressed: bool = True) -> bytes:
    """``PR_RTF_COMPRESSED``'s value for an RTF document: LZFu-compressed (literals only,
    then the end reference: valid, if no smaller) or stored as is (``MELA``)."""
    if not compressed:
        return _stream(b"MELA", len(rtf), rtf)
    body = bytearray()
    for start in range(0, len(rtf) + 1, 8):
        chunk = rtf[start:start + 8]
        end = len(chunk) < 8  # the end reference is the token after the last literal
        body.append(1 << len(chunk) if end else 0)
        body += chunk
        if end:
            body += struct.pack(">H", ((RING_START + len(rtf)) & 0xFFF) << 4)
    return _stream(b"LZFu", len(rtf), bytes(body))


def expanding_rtf(references: int) -> bytes:
    """A ``PR_RTF_COMPRESSED`` value of ``references`` 17-byte copies from the ring and no
    end: 2 bytes in, 17 out (a decompression bomb when long), with a valid CRC."""
    write, body = RING_START, bytearray()
    for i in range(references):
        if i % 8 == 0:
            body.append(0xFF)
        body += struct.pack(">H", ((write + 100) & 0xFFF) << 4 | 15)
        write = (write + 17) & 0xFFF
    return _stream(b"LZFu", 0xFFFFFFFF, bytes(body))


def _stream(kind: bytes, raw_size: int, body: bytes) -> bytes:
    """A ``PR_RTF_COMPRESSED`` value: MS-OXRTFCP's header, then ``body`` (a stored one
    has no CRC)."""
    crc = stream_crc(body) if kind == b"LZFu" else 0
    return struct.pack("<II4sI", len(body) + 12, raw_size, kind, crc) + body


def make_msg(message: MsgPart) -> bytes:
    """The ``.msg`` file of ``message``."""
    return compound_file(_streams(message, "", header=32))


def _streams(part: MsgPart, prefix: str, header: int) -> dict[str, bytes]:
    out = {f"{prefix}{_PROPS}": bytes(header)}
    for prop, text in part.strings.items():
        out[f"{prefix}__substg1.0_{prop:04X}001F"] = text.encode("utf-16-le")
    for prop, data in part.binary.items():
        out[f"{prefix}__substg1.0_{prop:04X}0102"] = data
    for index, (name, content) in enumerate(part.attachments):
        at = f"{prefix}__attach_version1.0_#{index:08X}/"
        out[f"{at}{_PROPS}"] = bytes(8)
        out[f"{at}__substg1.0_3707001F"] = name.encode("utf-16-le")
        if name in part.types:
            out[f"{at}__substg1.0_370E001F"] = part.types[name].encode("utf-16-le")
        if isinstance(content, MsgPart):
            out.update(_streams(content, f"{at}__substg1.0_3701000D/", header=24))
        elif isinstance(content, dict):
            out.update({f"{at}__substg1.0_3701000D/{k}": v for k, v in content.items()})
        else:
            out[f"{at}__substg1.0_37010102"] = content
    return out


@dataclass
class _Entry:
    name: str
    data: bytes | None  # None: a storage
    children: list[int] = field(default_factory=list)
    start: int = END


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A compound file holding ``streams`` (path with ``/`` → bytes); storages are made
    for every folder of a path."""
    entries = _tree(streams)
    mini, minifat = _mini_stream(entries)
    big = [e for e in entries[1:] if e.data is not None and len(e.data) >= MINI_CUTOFF]
    chains = [mini] + [e.data for e in big if e.data is not None]
    minifat_bytes = _pad(b"".join(struct.pack("<I", x) for x in minifat), SECTOR)
    directory = len(entries) * 128
    counts = [_sectors(len(c)) for c in chains] + [_sectors(len(minifat_bytes)),
                                                    _sectors(directory)]
    n_fat = 1
    while n_fat * (SECTOR // 4) < n_fat + sum(counts):
        n_fat += 1
    fat: list[int] = [FAT_MARK] * n_fat
    starts = [_chain(fat, n) for n in counts]
    entries[0].start = starts[0] if mini else END
    for entry, start in zip(big, starts[1:], strict=False):
        entry.start = start
    # each storage's children as a chain of right siblings (a valid, unbalanced tree)
    right = {c: nxt for e in entries
             for c, nxt in zip(e.children, [*e.children[1:], NONE], strict=False)}
    body = b"".join(_pad(c, SECTOR) for c in chains) + minifat_bytes
    listing = b"".join(_dir_entry(e, i, right.get(i, NONE), len(mini))
                       for i, e in enumerate(entries))
    body += listing + _EMPTY_ENTRY * (-len(entries) % (SECTOR // 128))
    fat += [FREE] * (n_fat * SECTOR // 4 - len(fat))
    header = _header(n_fat, dir_start=starts[-1],
                     minifat_start=starts[-2] if minifat else END, n_minifat=counts[-2])
    return header + b"".join(struct.pack("<I", x) for x in fat) + body


def _tree(streams: dict[str, bytes]) -> list[_Entry]:
    entries = [_Entry("Root Entry", None)]
    index: dict[str, int] = {"": 0}
    for path in sorted(streams):
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            key = "/".join(parts[:depth])
            if key not in index:
                leaf = depth == len(parts)
                entries.append(_Entry(parts[depth - 1], streams[path] if leaf else None))
                index[key] = len(entries) - 1
                entries[index["/".join(parts[:depth - 1])]].children.append(index[key])
    return entries


def _mini_stream(entries: list[_Entry]) -> tuple[bytes, list[int]]:
    mini, minifat = b"", list[int]()
    for e in entries:
        if e.data and len(e.data) < MINI_CUTOFF:
            n = -(-len(e.data) // MINI_SECTOR)
            e.start = len(minifat)
            minifat += [len(minifat) + i + 1 for i in range(n - 1)] + [END]
            mini += _pad(e.data, MINI_SECTOR)
    return mini, minifat


def _chain(fat: list[int], n: int) -> int:
    """Append a chain of ``n`` sectors to ``fat``; its first sector (END when empty)."""
    if n == 0:
        return END
    first = len(fat)
    fat += [first + i + 1 for i in range(n - 1)] + [END]
    return first


def _dir_entry(e: _Entry, i: int, right: int, mini_size: int) -> bytes:
    name = e.name.encode("utf-16-le")[:62] + b"\0\0"
    kind = 5 if i == 0 else (1 if e.data is None else 2)
    child = e.children[0] if e.children else NONE
    size = mini_size if i == 0 else len(e.data or b"")
    return (name.ljust(64, b"\0") + struct.pack("<HBBIII", len(name), kind, 1, NONE, right,
                                                child)
            + bytes(36) + struct.pack("<IQ", e.start, size))


def _header(n_fat: int, dir_start: int, minifat_start: int, n_minifat: int) -> bytes:
    difat = list(range(n_fat)) + [FREE] * (109 - n_fat)
    return (MAGIC + bytes(16) + struct.pack("<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0,
                                            n_fat, dir_start, 0, MINI_CUTOFF, minifat_start,
                                            n_minifat, END, 0)
            + b"".join(struct.pack("<I", x) for x in difat))


def _sectors(size: int) -> int:
    return -(-size // SECTOR)


def _pad(data: bytes, unit: int) -> bytes:
    return data + bytes(-len(data) % unit)
