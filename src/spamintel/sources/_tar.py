"""A tar read as a stream with bounded memory, whatever its headers claim.

``tarfile`` reads a GNU long-name or long-link record (``L``, ``K``) and a pax record
(``x``, ``g``) whole before the member they describe, and an old GNU sparse member's
extension headers (``S``) one after another into a list: a record that claims a gigabyte
is a gigabyte in memory. Here such records are measured first. A record over
``MAX_RECORD`` bytes, global pax records adding up to more, or more than ``MAX_CHAIN``
records before one member, are streamed past unread, and the member they describe is
marked ``refused`` with the quarantine reason (``header_too_large``); so is a sparse
member (``unsupported_member``), whose map is never read. The reader quarantines a
refused member and reads on. Members are not kept once read, so an archive of many
members costs no memory either.
"""

from __future__ import annotations

import tarfile
from collections.abc import Mapping
from typing import IO, Protocol

MAX_RECORD = 1 << 20  # pax records may carry extended attributes (a resource fork)
MAX_NAME = 4096
MAX_CHAIN = 8
_RECORDS = frozenset({tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK, tarfile.XHDTYPE,
                      tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE})
_SKIP_CHUNK = 1 << 16
# the header errors after which tarfile ends a stream without a word (absent from typeshed)
_DAMAGED = (tarfile.InvalidHeaderError,  # type: ignore[attr-defined]
            tarfile.TruncatedHeaderError)  # type: ignore[attr-defined]


class _Stream(Protocol):
    """What ``tarfile`` reads a stream through, as far as this module uses it."""

    def read(self, size: int, /) -> bytes: ...

    def tell(self) -> int: ...


class BoundedTarInfo(tarfile.TarInfo):
    """A member whose header records were measured before being read; ``refused`` is the
    quarantine reason when it is not to be read, else None.

    The ``_proc_*`` methods are ``tarfile``'s documented hook for subclasses (see
    ``TarInfo._proc_member``), which typeshed does not list."""

    refused: str | None = None

    @classmethod
    def fromtarfile(cls, tar: BoundedTarFile) -> BoundedTarInfo:  # type: ignore[override]
        """The next header; a damaged or cut one is noted on the archive (``tarfile``
        ends a stream there without a word when it is not the first)."""
        try:
            return super().fromtarfile(tar)
        except _DAMAGED:
            tar.damaged = tar.offset
            raise

    def _proc_member(self, tar: BoundedTarFile) -> BoundedTarInfo:
        if self.type not in _RECORDS:
            return super()._proc_member(tar)  # type: ignore[misc]
        held = _size(tar.pax_headers) if self.type == tarfile.XGLTYPE else 0
        if self.size + held > MAX_RECORD:
            return self._refuse(tar, f"a header record of {self.size} bytes (limit "
                                     f"{MAX_RECORD - held})")
        if tar.chain >= MAX_CHAIN:
            return self._refuse(tar, f"more than {MAX_CHAIN} header records")
        tar.chain += 1
        try:
            return super()._proc_member(tar)  # type: ignore[misc]
        finally:
            tar.chain -= 1

    def _refuse(self, tar: BoundedTarFile, why: str) -> BoundedTarInfo:
        """The member after this record and any records that follow it, marked refused;
        the records are streamed past, never held (and never recursed into)."""
        stream: _Stream = tar.fileobj
        record: BoundedTarInfo = self
        while record.type in _RECORDS:
            _skip(stream, _blocks(record.size))
            try:
                record = self.frombuf(stream.read(tarfile.BLOCKSIZE), tar.encoding,
                                      tar.errors)
            except tarfile.HeaderError as exc:
                raise tarfile.ReadError(str(exc)) from None
            record.offset = stream.tell() - tarfile.BLOCKSIZE
        member = record._proc_member(tar)
        member.offset = self.offset
        member.refused = f"header_too_large: {why} at offset {self.offset}"
        return member

    def _proc_sparse(self, tar: BoundedTarFile) -> BoundedTarInfo:
        """An old GNU sparse member, its extension headers streamed past, refused."""
        stream: _Stream = tar.fileobj
        _, extended, size = self._sparse_structs  # type: ignore[attr-defined]
        del self._sparse_structs  # type: ignore[attr-defined]
        while extended:
            buf = stream.read(tarfile.BLOCKSIZE)
            if len(buf) < tarfile.BLOCKSIZE:
                raise tarfile.ReadError("unexpected end of data")
            extended = bool(buf[504])
        self.offset_data = stream.tell()
        tar.offset = self.offset_data + _blocks(self.size)
        self.size = size
        self.refused = _sparse(self)
        return self

    def _proc_gnusparse_10(self, next: BoundedTarInfo, pax_headers: dict[str, str],  # noqa: A002
                           tar: BoundedTarFile) -> None:
        """A pax sparse member (format 1.0), its map of any length left unread: refused."""
        next.refused = _sparse(self)


class BoundedTarFile(tarfile.TarFile):
    """A tar read once as a stream, with ``BoundedTarInfo`` members; the members read are
    not kept (``tarfile`` lists them all)."""

    tarinfo = BoundedTarInfo
    chain = 0  # header records being read before the next member
    damaged: int | None = None  # where a damaged header ended the archive

    def next(self) -> tarfile.TarInfo | None:
        """The next member, or None at the end."""
        member = super().next()
        self.members.clear()  # type: ignore[attr-defined]
        return member


def open_stream(fileobj: IO[bytes]) -> BoundedTarFile:
    """A tar stream (``r|``: read once, forward) opened for bounded reading."""
    return BoundedTarFile.open(fileobj=fileobj, mode="r|")


def _sparse(record: tarfile.TarInfo) -> str:
    return f"unsupported_member: a sparse file (GNU format) at offset {record.offset}"


def _blocks(size: int) -> int:
    """``size`` rounded up to whole tar blocks."""
    return -(-size // tarfile.BLOCKSIZE) * tarfile.BLOCKSIZE


def _size(headers: Mapping[str, str]) -> int:
    """Characters the pax headers hold."""
    return sum(len(key) + len(value) for key, value in headers.items())


def _skip(stream: _Stream, count: int) -> None:
    """Read ``count`` bytes of ``stream`` and drop them, a chunk at a time."""
    while count > 0:
        chunk = stream.read(min(count, _SKIP_CHUNK))
        if not chunk:
            raise tarfile.ReadError("unexpected end of data")
        count -= len(chunk)
