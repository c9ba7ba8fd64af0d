"""Streaming mbox / mboxrd splitter over a binary stream (no temp files, no seeking)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO

_FROM_LINE = re.compile(rb"^From \S*.*\d\d:\d\d", re.ASCII)
_QUOTED_FROM = re.compile(rb"^>+From ")


def looks_like_mbox(head: bytes) -> bool:
    """True when a file starts like an mbox (a ``From `` separator line)."""
    first = head.split(b"\n", 1)[0]
    return bool(_FROM_LINE.match(first))


def iter_mbox(stream: IO[bytes], max_bytes: int) -> Iterator[tuple[int, bytes, bool]]:
    """Yield ``(index, message_bytes, truncated)`` for each message of an mbox stream.

    The ``From `` separator line is dropped; mboxrd quoting (``>From``) is undone. A
    message over ``max_bytes`` is cut there and flagged ``truncated``.
    """
    index, parts, size, truncated, started = 0, [], 0, False, False
    for line in stream:
        if line.startswith(b"From ") and _FROM_LINE.match(line):
            if started:
                yield index, _strip_separator(b"".join(parts)), truncated
                index += 1
            parts, size, truncated, started = [], 0, False, True
            continue
        if not started:
            started = True
        if line.startswith(b">") and _QUOTED_FROM.match(line):
            line = line[1:]
        if size + len(line) > max_bytes:
            truncated = True
            continue
        parts.append(line)
        size += len(line)
    if started and (parts or truncated):
        yield index, _strip_separator(b"".join(parts)), truncated


def _strip_separator(data: bytes) -> bytes:
    """Drop the blank line mbox writers put between messages."""
    return data[:-1] if data.endswith(b"\n") and data[:-1].endswith(b"\n") else data
