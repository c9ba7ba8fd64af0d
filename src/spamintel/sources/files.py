"""File sources: .eml files, folders, mbox/mboxrd, Maildir, and these inside
.gz / .bz2 / .tar(.gz|.bz2) / .zip archives, read as streams without extracting.

``iter_sources(paths, ...)`` yields ``RawMessage`` for every message and
``SourceFailure`` for every piece of input that could not become one (a corrupt
archive or member, an over-size or over-compressed member, a named pipe or device). It
reads the paths' units (``spamintel.sources.units``) in order; ``read_unit`` reads one,
wherever it runs.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import re
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

from spamintel.config import SourcesConfig
from spamintel.model import RawMessage, SourceFailure
from spamintel.sources._mbox import iter_mbox, looks_like_mbox
from spamintel.sources._tar import MAX_NAME, BoundedTarInfo, open_stream
from spamintel.sources.forwards import attached_messages
from spamintel.sources.outlook import OLE_MAGIC, OutlookError, read_outlook
from spamintel.sources.reports import Report, read_report
from spamintel.sources.sessions import iter_session_records, sidecar_for, with_session
from spamintel.sources.spool import iter_spool
from spamintel.sources.units import (
    MISSING,
    SKIP_NAMES,
    SPOOL,
    ZIP_PART,
    NotAFile,
    Unit,
    list_units,
    open_regular,
    safe_name,
)

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

Item = RawMessage | SourceFailure
Labeler = Callable[[str], str | None]
# What a failure keeps of the bytes it was read from (but see ``_Reader.failure``).
KEPT_BYTES = 65536
# Forwards inside forwards unwrapped (a desk forwarding a user's forwarded report).
MAX_UNWRAP = 3
# What a broken container raises while read (zlib.error: a corrupt deflate stream).
_CONTAINER_ERRORS = (OSError, EOFError, tarfile.TarError, zipfile.BadZipFile, ValueError,
                     zlib.error)
# What reading one zip member raises besides: an encrypted member (RuntimeError), an unknown
# compression method (NotImplementedError, a RuntimeError), corrupt LZMA data.
_MEMBER_ERRORS = (*_CONTAINER_ERRORS, RuntimeError, lzma.LZMAError)


class _Readable(Protocol):
    """A binary stream as far as reading goes (a file, an archive member, a decompressor)."""

    def read(self, size: int = -1, /) -> bytes: ...


class _Reader:
    """Recursive reader sharing sensor, limits and labeler across nested containers."""

    def __init__(self, sensor: str, cfg: SourcesConfig, labeler: Labeler | None) -> None:
        self.sensor, self.cfg, self.labeler = sensor, cfg, labeler

    def message(self, data: bytes, source: str) -> RawMessage:
        label = self.labeler(source) if self.labeler else None
        return RawMessage(data=data, source=source, sensor=self.sensor, label=label)

    def failure(self, source: str, reason: str, data: bytes = b"", whole: bool = False
                ) -> SourceFailure:
        """A failure of ``source`` with the first 64 KiB of what was read, or all of it
        (``whole``: a message read within the size limit that is kept for a person to
        read). The reason may quote an exception's text, so it is made safe to store."""
        return SourceFailure(source=source, reason=safe_name(reason), sensor=self.sensor,
                             data=data if whole else data[:KEPT_BYTES])

    def read_limited(self, stream: IO[bytes], source: str, declared: int | None
                     ) -> Iterator[Item]:
        """Read a whole member, refusing what exceeds the size or compression limits."""
        data = self.read_bytes(stream, source, declared)
        if isinstance(data, SourceFailure):
            yield data
        else:
            yield from self.items(data, source)

    def read_bytes(self, stream: IO[bytes], source: str, declared: int | None
                   ) -> bytes | SourceFailure:
        """A whole member's bytes, or a failure when over the size or compression limits."""
        limit = self.cfg.max_message_bytes
        data = stream.read(limit + 1)
        if len(data) > limit:
            return self.failure(source, f"too_large: over {limit} bytes", data)
        if declared and declared > 0 and len(data) / declared > self.cfg.max_compression_ratio:
            return self.failure(source, "compression_bomb: expands beyond ratio limit", data)
        return data

    def checked(self, data: bytes, source: str) -> Item:
        """The message, or a failure when the bytes are no mail at all (``not_mail``).
        An abuse report (ARF) gives the message it reports (``spamintel.sources.reports``)."""
        problem = not_mail(data)
        if problem:
            return self.failure(source, problem, data)
        report = read_report(data)
        return self.message(data, source) if report is None else self.reported(report, data,
                                                                                source)

    def items(self, data: bytes, source: str, depth: int = 0) -> Iterator[Item]:
        """What the bytes of one message hold (``item``); with ``unwrap_attached``, a
        forward stands for the messages it carries (``spamintel.sources.forwards``),
        named ``source#attached-N``, and a carried forward for those it carries in turn
        (``MAX_UNWRAP`` levels)."""
        first = self.item(data, source)
        attached = (attached_messages(first.data) if self.cfg.unwrap_attached
                    and depth < MAX_UNWRAP and isinstance(first, RawMessage)
                    and first.source_kind != "report" else [])
        if not attached:
            yield first
        for index, inner in enumerate(attached, 1):
            yield from self.items(inner, f"{source}#attached-{index}", depth + 1)

    def item(self, data: bytes, source: str) -> Item:
        """What the bytes of one file or archive member hold: the message of an Outlook
        ``.msg`` file (``spamintel.sources.outlook``), else mail (``checked``). A file with
        the OLE signature that holds no readable message is a failure, kept whole."""
        if data.startswith(OLE_MAGIC):
            try:
                data = read_outlook(data)
            except OutlookError as exc:
                return self.failure(source, f"unreadable_outlook_msg: {exc}", data, whole=True)
        return self.checked(data, source)

    def reported(self, report: Report, data: bytes, source: str) -> Item:
        """The message a report holds, with the reporter's witness of its arrival; the
        report itself, kept whole, as a failure when it holds none."""
        if report.message is None or not_mail(report.message):
            return self.failure(source, "report_without_message: a feedback report that "
                                "holds no reported message", data, whole=True)
        label = self.labeler(source) if self.labeler else None
        return RawMessage(data=report.message, source=source, sensor=self.sensor,
                          source_kind="report", received_at=report.arrival,
                          envelope_from=report.mail_from, envelope_rcpts=report.rcpt_to,
                          client_ip=report.source_ip, label=label or report.label)

    def stream(self, stream: _Readable, source: str, depth: int) -> Iterator[Item]:
        """Sniff a binary stream and yield what it contains."""
        buffered: IO[bytes]
        if isinstance(stream, io.BytesIO):  # already in memory (an archive member)
            buffered = stream
            with stream.getbuffer() as view:
                head = bytes(view[stream.tell():stream.tell() + 512])
        else:
            buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(
                _RawAdapter(stream), buffer_size=1 << 16)
            head = buffered.peek(512)[:512]
        if depth > self.cfg.max_archive_depth and _is_container(head):
            yield self.failure(source, "archive_too_deep")
            return
        yield from self._guarded(self._dispatch(buffered, head, source, depth), source)

    def _guarded(self, items: Iterator[Item], source: str) -> Iterator[Item]:
        """``items``, ended by a failure of ``source`` when its container breaks."""
        try:
            yield from items
        except _CONTAINER_ERRORS as exc:
            yield self.failure(source, f"unreadable_container: {type(exc).__name__}: {exc}")

    def unit(self, unit: Unit) -> Iterator[Item]:
        """Everything one unit holds (see ``spamintel.sources.units``)."""
        source = safe_name(unit.path)  # the path stays as it is, to be opened
        if unit.kind == MISSING:
            yield self.failure(source, "not_found")
            return
        if unit.kind == SPOOL:  # a trap spool: messages with their recorded SMTP sessions
            yield from iter_spool(unit.path)
            return
        try:
            fh = open_regular(unit.path)  # closed below, streams nest
        except NotAFile as exc:
            yield self.failure(source, f"not_a_file: {exc}")
            return
        except OSError as exc:
            yield self.failure(source, f"unreadable_file: {exc}")
            return
        with fh:
            items = (self._guarded(self._zip(fh, source, 0, slice(unit.first, unit.last)),
                                   source) if unit.kind == ZIP_PART
                     else self.stream(fh, source, 0))
            yield from _with_sidecar(items, Path(unit.path))

    def _dispatch(self, buf: IO[bytes], head: bytes, source: str, depth: int
                  ) -> Iterator[Item]:
        if head.startswith(b"\x1f\x8b"):
            yield from self.stream(gzip.GzipFile(fileobj=buf), source, depth + 1)
        elif head.startswith(b"BZh"):
            yield from self.stream(bz2.BZ2File(buf), source, depth + 1)
        elif head.startswith(b"PK\x03\x04"):
            yield from self._zip(buf, source, depth)
        elif len(head) >= 262 and head[257:262] == b"ustar":
            yield from self._tar(buf, source, depth)
        elif looks_like_mbox(head):
            yield from self._mbox(buf, source)
        else:
            yield from self.read_limited(buf, source, None)

    def _mbox(self, buf: IO[bytes], source: str) -> Iterator[Item]:
        for index, data, truncated in iter_mbox(buf, self.cfg.max_message_bytes):
            member = f"{source}#{index}"
            if truncated:
                yield self.failure(member, "too_large: mbox message over size limit", data)
            else:
                yield from self.items(data, member)

    def _tar(self, buf: IO[bytes], source: str, depth: int) -> Iterator[Item]:
        with open_stream(buf) as tar:
            while (member := tar.next()) is not None:
                if not member.isfile() or Path(member.name).name in SKIP_NAMES:
                    continue
                name = f"{source}!{safe_name(member.name[:MAX_NAME])}"
                problem = _tar_problem(member, self.cfg.max_message_bytes)
                if problem:
                    yield self.failure(name, problem)
                    continue
                fh = tar.extractfile(member)
                if fh is not None:
                    yield from self.stream(io.BytesIO(fh.read()), name, depth + 1)
            if tar.damaged is not None:
                yield self.failure(source, f"unreadable_container: a damaged tar header at "
                                   f"byte {tar.damaged}; what follows it is not read")

    def _zip(self, buf: IO[bytes], source: str, depth: int, members: slice = slice(None)
             ) -> Iterator[Item]:
        # A zip's directory sits at its end: it needs a seekable file, so it is read whole
        # (within the size limit) when the stream is not one.
        fileobj: IO[bytes] = buf
        if not buf.seekable():
            data = self.read_bytes(buf, source, None)
            if isinstance(data, SourceFailure):
                yield data
                return
            fileobj = io.BytesIO(data)
        with zipfile.ZipFile(fileobj) as zf:
            for info in zf.infolist()[members]:
                if not info.is_dir():
                    yield from self._zip_member(zf, info, f"{source}!{info.filename}", depth)

    def _zip_member(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, depth: int
                    ) -> Iterator[Item]:
        """One member of a zip; a member that cannot be read (encrypted, an unknown
        method, damaged data) is its own failure, and the zip's next members are read."""
        try:
            with zf.open(info) as fh:
                data = self.read_bytes(fh, name, info.compress_size)
        except _MEMBER_ERRORS as exc:
            yield self.failure(name, f"unreadable_container: {type(exc).__name__}: {exc}")
            return
        if isinstance(data, SourceFailure):
            yield data
        elif _is_container(data[:512]):
            yield from self.stream(io.BytesIO(data), name, depth + 1)
        else:
            yield from self.items(data, name)


class _RawAdapter(io.RawIOBase):
    """Wrap any readable binary object so ``io.BufferedReader`` can peek on it."""

    def __init__(self, inner: _Readable) -> None:
        self.inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, b: WriteableBuffer, /) -> int:
        with memoryview(b) as view, view.cast("B") as target:
            data = self.inner.read(len(target))
            n = len(data)
            target[:n] = data
        return n


_HEADER_LINE = re.compile(rb"^[\x21-\x39\x3b-\x7e]+[ \t]*:")


def not_mail(data: bytes) -> str | None:
    """Why ``data`` is no message: ``empty``, or ``not_a_message`` when no header field
    (``Name: value``) comes before the first blank line, as in a README or a CSV. None for
    anything that starts like mail, however broken."""
    head = data[:65536].lstrip(b"\r\n\t ")
    if not head:
        return "empty: no bytes" if not data else "empty: only white space"
    start = 0
    for _ in range(100):  # line by line: every message pays for this, so no split
        end = head.find(b"\n", start)
        line = head[start:] if end < 0 else head[start:end]
        if not line.strip():
            break
        if _HEADER_LINE.match(line):
            return None
        if end < 0:
            break
        start = end + 1
    return "not_a_message: no header field before the body"


def _tar_problem(member: tarfile.TarInfo, limit: int) -> str | None:
    """Why a tar member is not read (its name or size over the limits, or its header
    records refused, see ``spamintel.sources._tar``), or None."""
    if isinstance(member, BoundedTarInfo) and member.refused:
        return member.refused
    if len(member.name) > MAX_NAME:
        return (f"name_too_long: a member name of {len(member.name)} characters (limit "
                f"{MAX_NAME}) at offset {member.offset}")
    if member.size > limit:
        return f"too_large: {member.size} bytes"
    return None


def _is_container(head: bytes) -> bool:
    return (
        head.startswith((b"\x1f\x8b", b"BZh", b"PK\x03\x04"))
        or (len(head) >= 262 and head[257:262] == b"ustar")
    )


def _with_sidecar(items: Iterator[Item], path: Path) -> Iterator[Item]:
    """Attach the SMTP session recorded beside an mbox to each of its messages."""
    side = sidecar_for(path)
    if side is None:
        yield from items
        return
    sessions = {rec["msg_sha256"]: rec for rec in iter_session_records(side)}
    for item in items:
        if isinstance(item, RawMessage) and (rec := sessions.get(item.sha256)) is not None:
            yield with_session(item, rec)
        else:
            yield item


def iter_sources(
    paths: Iterable[str | Path],
    sensor: str = "default",
    cfg: SourcesConfig | None = None,
    labeler: Labeler | None = None,
) -> Iterator[Item]:
    """Yield every message (or failure) found under ``paths``, in a stable order."""
    reader = _Reader(sensor, cfg or SourcesConfig(), labeler)
    for unit in list_units(paths):
        yield from reader.unit(unit)


def read_unit(unit: Unit, sensor: str = "default", cfg: SourcesConfig | None = None,
              labeler: Labeler | None = None) -> Iterator[Item]:
    """Yield what one unit holds: the items ``iter_sources`` yields for it."""
    return _Reader(sensor, cfg or SourcesConfig(), labeler).unit(unit)
