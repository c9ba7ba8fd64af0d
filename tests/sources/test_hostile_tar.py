"""Hostile tars: header records (GNU long names, pax records) are measured before they
are read, so a record that claims megabytes, a name over 4,096 characters, a chain of
records or a sparse member is a quarantine row of that member, in bounded memory, and
the members after it are read."""

from __future__ import annotations

import gzip
import io
import tarfile
import tracemalloc

import pytest

from spamintel.model import SourceFailure
from spamintel.sources import iter_sources
from spamintel.sources._tar import MAX_RECORD, open_stream
from spamintel.testing import make_message

MSG = make_message()


def _block(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % tarfile.BLOCKSIZE)


def _member(name: str = "m.eml", fmt: int = tarfile.GNU_FORMAT) -> bytes:
    info = tarfile.TarInfo(name)
    info.size = len(MSG)
    return info.tobuf(format=fmt) + _block(MSG)


def _record(kind: bytes, size: int) -> bytes:
    """A header record of ``kind`` claiming ``size`` bytes, its data included."""
    info = tarfile.TarInfo("././@LongLink")
    info.type, info.size = kind, size
    return info.tobuf(format=tarfile.GNU_FORMAT)


def _items(tmp_path, data: bytes, name: str = "t.tar.gz") -> list:
    (tmp_path / name).write_bytes(gzip.compress(data, compresslevel=1))
    return list(iter_sources([tmp_path / name]))


def _reasons(items) -> list[str]:
    return [i.reason.split(":")[0] if isinstance(i, SourceFailure) else "message"
            for i in items]


def test_a_long_name_record_of_megabytes_is_skipped_unread(tmp_path):
    size = 16 * MAX_RECORD
    data = _record(tarfile.GNUTYPE_LONGNAME, size) + b"a" * size + _member("x") + _member()
    (tmp_path / "t.tar.gz").write_bytes(gzip.compress(data + b"\0" * 1024, compresslevel=1))
    del data
    tracemalloc.start()
    try:
        items = list(iter_sources([tmp_path / "t.tar.gz"]))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert _reasons(items) == ["header_too_large", "message"]
    assert items[0].source.endswith("t.tar.gz!x") and "at offset 0" in items[0].reason
    assert peak < 4 * MAX_RECORD  # reading the record whole held it twice over


@pytest.mark.parametrize("fmt", [tarfile.GNU_FORMAT, tarfile.PAX_FORMAT])
def test_a_name_over_the_limit_is_quarantined_cut_short(tmp_path, fmt):
    data = _member("d/" + "n" * 5000, fmt) + _member("ok.eml", fmt) + b"\0" * 1024
    items = _items(tmp_path, data)
    assert _reasons(items) == ["name_too_long", "message"]
    assert len(items[0].source) < 4096 + len(str(tmp_path)) + 20


def test_a_chain_of_records_is_refused_without_recursing(tmp_path):
    name = _block(b"n" * 200)
    chain = (_record(tarfile.GNUTYPE_LONGNAME, 200) + name) * 3000
    items = _items(tmp_path, chain + _member("x") + _member() + b"\0" * 1024)
    assert _reasons(items) == ["header_too_large", "message"]
    assert "more than 8 header records" in items[0].reason


def test_global_pax_records_cannot_pile_up(tmp_path):
    records = b"".join(_record(tarfile.XGLTYPE, MAX_RECORD // 4) + _block(
        b"%d k%d=%s\n" % (MAX_RECORD // 4, i, b"v" * (MAX_RECORD // 4 - 16)))
        for i in range(8))
    items = _items(tmp_path, records + _member("x") + _member() + b"\0" * 1024)
    assert _reasons(items) == ["header_too_large", "message"]


def _sparse_header(extended: bool) -> bytes:
    info = tarfile.TarInfo("s.eml")
    info.type, info.size = tarfile.GNUTYPE_SPARSE, 0
    buf = bytearray(info.tobuf(format=tarfile.GNU_FORMAT))
    buf[482] = int(extended)
    buf[148:156] = b" " * 8
    buf[148:156] = b"%06o\0 " % sum(buf[:512])
    return bytes(buf)


def test_a_sparse_member_is_refused_and_a_cut_one_ends_the_tar(tmp_path):
    ext = bytearray(512)
    ext[504] = 1
    items = _items(tmp_path, _sparse_header(True) + bytes(ext) * 3 + bytes(512)
                   + _member() + b"\0" * 1024)
    assert _reasons(items) == ["unsupported_member", "message"]
    cut = _items(tmp_path, _sparse_header(True) + bytes(ext) * 2, "cut.tar.gz")
    assert _reasons(cut) == ["unreadable_container"]


def test_members_read_are_not_kept():
    data = b"".join(_member(f"{i}.eml") for i in range(5)) + b"\0" * 1024
    with open_stream(io.BytesIO(data)) as tar:
        names = [m.name for m in iter(tar.next, None)]
        assert names == [f"{i}.eml" for i in range(5)] and tar.members == []


@pytest.mark.parametrize("cut", [False, True])
def test_a_damaged_header_after_the_first_is_recorded_not_passed_over(tmp_path, cut):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for i in range(3):
            data = make_message(subject=f"m{i}")
            info = tarfile.TarInfo(f"m{i}.eml")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    data = bytearray(buf.getvalue())
    second = 512 + -(-len(make_message(subject="m0")) // 512) * 512
    if cut:
        data = data[:second + 100]  # the archive ends inside the second header
    else:
        data[second + 148:second + 156] = b"garbage!"  # its checksum field
    (tmp_path / "box.tar").write_bytes(bytes(data))
    items = list(iter_sources([tmp_path / "box.tar"]))
    assert [type(i).__name__ for i in items] == ["RawMessage", "SourceFailure"]
    assert items[1].reason == (f"unreadable_container: a damaged tar header at byte {second}; "
                               "what follows it is not read")
