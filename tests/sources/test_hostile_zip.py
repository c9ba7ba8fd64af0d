"""Hostile zips: a member that cannot be read (encrypted, an unknown compression method,
corrupt LZMA data, a bad CRC) is that member's failure row, and the zip's other members
and the rest of the run are read on; a zip in a compressed stream is read whole only
within the size limit."""

from __future__ import annotations

import gzip
import io
import struct
import zipfile

import pytest

from spamintel.config import SourcesConfig
from spamintel.model import RawMessage, SourceFailure
from spamintel.sources import iter_sources
from spamintel.testing import make_message


def _zip(method: int = zipfile.ZIP_DEFLATED, n: int = 3) -> bytearray:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for i in range(n):
            zf.writestr(f"m{i}.eml", make_message(subject=f"m{i}"))
    return bytearray(buf.getvalue())


def _central(data: bytearray, index: int) -> int:
    """Offset of member ``index``'s central directory entry."""
    at = data.find(b"PK\x01\x02")
    for _ in range(index):
        name, extra, comment = struct.unpack_from("<HHH", data, at + 28)
        at += 46 + name + extra + comment
    return at


def _damaged(kind: str) -> bytes:
    """A zip of three messages whose middle member is damaged as ``kind`` says."""
    data = _zip(zipfile.ZIP_LZMA if kind == "lzma" else zipfile.ZIP_DEFLATED)
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()[1]
    local, central = info.header_offset, _central(data, 1)
    if kind == "encrypted":
        data[local + 6] |= 1
        data[central + 8] |= 1
    elif kind == "method":
        struct.pack_into("<H", data, local + 8, 99)
        struct.pack_into("<H", data, central + 10, 99)
    elif kind == "crc":
        struct.pack_into("<I", data, local + 14, 0xDEADBEEF)
        struct.pack_into("<I", data, central + 16, 0xDEADBEEF)
    else:  # LZMA properties smashed: lzma.LZMAError when read
        start = local + 30 + len(info.filename)
        data[start + 4:start + 9] = b"\xff" * 5
    return bytes(data)


@pytest.mark.parametrize("kind", ["encrypted", "method", "lzma", "crc"])
def test_an_unreadable_member_is_its_own_failure_and_the_zip_goes_on(tmp_path, kind):
    (tmp_path / "a.eml").write_bytes(make_message(subject="before"))
    (tmp_path / "b.zip").write_bytes(_damaged(kind))
    (tmp_path / "c.eml").write_bytes(make_message(subject="after"))
    items = list(iter_sources([tmp_path]))
    names = [(i.source.rsplit("/", 1)[-1], type(i).__name__) for i in items]
    assert names == [("a.eml", "RawMessage"), ("b.zip!m0.eml", "RawMessage"),
                     ("b.zip!m1.eml", "SourceFailure"), ("b.zip!m2.eml", "RawMessage"),
                     ("c.eml", "RawMessage")]
    assert items[2].reason.startswith("unreadable_container: ")


def test_a_zip_in_a_compressed_stream_is_read_only_within_the_size_limit(tmp_path):
    zipped = bytes(_zip(zipfile.ZIP_STORED, n=40))
    (tmp_path / "z.gz").write_bytes(gzip.compress(zipped))
    small = SourcesConfig(max_message_bytes=len(zipped) - 1)
    items = list(iter_sources([tmp_path / "z.gz"], cfg=small))
    assert len(items) == 1 and isinstance(items[0], SourceFailure)
    assert items[0].reason.startswith("too_large")
    whole = list(iter_sources([tmp_path / "z.gz"], cfg=SourcesConfig(len(zipped))))
    assert len(whole) == 40 and all(isinstance(i, RawMessage) for i in whole)
