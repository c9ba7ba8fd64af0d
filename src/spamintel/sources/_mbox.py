"""Streaming mbox / mboxrd splitter over a binary stream (no temp files, no seeking)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from typing import IO

_FROM_LINE = re.compile(rb"^From \S*.*\d\d:\d\d", re.ASCII)
_QUOTED_FROM = re.compile(rb"^>+From ")
_SEPARATOR_LINE = re.compile(rb"^From \S*[^\n]*\d\d:\d\d[^\n]*(?:\n|$)", re.M)
_QUOTED_FROM_LINES = re.compile(rb"^>(>*From )", re.M)
_CHUNK = 1 << 20  # a streamed mbox is read this much at a time


def looks_like_mbox(head: bytes) -> bool:
    """True when a file starts like an mbox (a ``From `` separator line)."""
    first = head.split(b"\n", 1)[0]
    return bool(_FROM_LINE.match(first))


def iter_mbox(stream: IO[bytes], max_bytes: int) -> Iterator[tuple[int, bytes, bool]]:
    """Yield ``(index, message_bytes, truncated)`` for each message of an mbox stream.

    The ``From `` separator line is dropped; mboxrd quoting (``>From``) is undone. A
    message over ``max_bytes`` is cut there and flagged ``truncated``; of a longer line,
    at most ``max_bytes`` and a chunk are held at once (``_runs``). An mbox already in
    memory (an archive member) is split with one pattern scan instead of line by line.
    """
    if isinstance(stream, io.BytesIO):
        yield from _split_buffer(stream.getvalue(), max_bytes)
        return
    parts: list[bytes] = []
    index, size, truncated, started = 0, 0, False, False
    for lines, cut in _runs(stream, max_bytes):
        for line in lines:
            if cut:  # the rest of a line cut short: no separator, no quoting
                cut = False
            elif line.startswith(b"From ") and _FROM_LINE.match(line):
                if started:
                    yield index, _strip_separator(b"".join(parts)), truncated
                    index += 1
                parts, size, truncated, started = [], 0, False, True
                continue
            elif line.startswith(b">") and _QUOTED_FROM.match(line):
                line = line[1:]
            started = True
            if size + len(line) > max_bytes:
                truncated = True
                continue
            parts.append(line)
            size += len(line)
    if started and (parts or truncated):
        yield index, _strip_separator(b"".join(parts)), truncated


def _runs(stream: IO[bytes], limit: int) -> Iterator[tuple[Iterable[bytes], bool]]:
    """The stream's lines, read a chunk at a time, in runs: each run with whether its
    first line continues a line cut short. A line is cut once more than ``limit`` bytes
    of it are held, so no line is held whole however long it is."""
    pending: list[bytes] = []  # the start of a line whose end is not read yet
    held, cut = 0, False
    while chunk := stream.read(_CHUNK):
        end = chunk.rfind(b"\n") + 1
        if not end:
            pending.append(chunk)
            held += len(chunk)
            if held > limit:
                yield [b"".join(pending)], cut
                pending, held, cut = [], 0, True
            continue
        yield io.BytesIO(b"".join([*pending, chunk[:end]])), cut
        rest = chunk[end:]
        pending, held, cut = [rest] if rest else [], len(rest), False
    if pending:
        yield [b"".join(pending)], cut


def _split_buffer(data: bytes, max_bytes: int) -> Iterator[tuple[int, bytes, bool]]:
    """``iter_mbox`` over bytes in memory, with the same messages and indexes."""
    seps = _separators(data)
    segments = [data[: seps[0][0]] if seps else data]  # text before any separator
    segments += [data[end: seps[i + 1][0] if i + 1 < len(seps) else len(data)]
                 for i, (_, end) in enumerate(seps)]
    if not segments[0]:
        segments.pop(0)
    if seps and not segments[-1]:
        segments.pop()  # a separator with nothing after it ends the file
    for index, message in enumerate(segments):
        if b">From " in message:
            message = _QUOTED_FROM_LINES.sub(rb"\1", message)
        yield index, _strip_separator(message[:max_bytes]), len(message) > max_bytes


def _separators(data: bytes) -> list[tuple[int, int]]:
    """``(start, end)`` of every separator line; candidates found by a plain search."""
    starts = [0] if data.startswith(b"From ") else []
    i = data.find(b"\nFrom ")
    while i >= 0:
        starts.append(i + 1)
        i = data.find(b"\nFrom ", i + 1)
    matches = (_SEPARATOR_LINE.match(data, start) for start in starts)
    return [(m.start(), m.end()) for m in matches if m]


def _strip_separator(data: bytes) -> bytes:
    """Drop the blank line mbox writers put between messages."""
    return data[:-1] if data.endswith(b"\n") and data[:-1].endswith(b"\n") else data
