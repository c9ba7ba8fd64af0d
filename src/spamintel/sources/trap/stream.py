"""Reading the client's stream: command lines as they were sent, and the end of DATA.

``TapReader`` hands every command line it returns to a ``tap`` (the transcript). A line
over the reader's limit reaches aiosmtpd in pieces (it skips the excess with ``read`` and
answers 500); the tap gets it once, whole in meaning: its first ``limit`` bytes, a
``[truncated: N bytes]`` mark and the line's own ending (CRLF or bare LF).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from asyncio.streams import _ReaduntilBuffer

_DOT_LINE = re.compile(rb"(^|\n)\.")


class TapReader(asyncio.StreamReader):
    """A StreamReader that hands every command line it returns to ``tap``; at the end of
    the client's stream it ends the session quietly (as a cancellation)."""

    tap: Callable[[bytes], None] | None = None

    if TYPE_CHECKING:  # private StreamReader members, absent from typeshed, read by TrapSMTP
        _buffer: bytearray
        _eof: bool
        _limit: int

        async def _wait_for_data(self, func_name: str) -> None: ...

        def _maybe_resume_transport(self) -> None: ...

    def __init__(self, limit: int, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(limit=limit, loop=loop)
        self._long: bytearray | None = None  # head of an over-long line being skipped
        self._long_size = 0
        self._long_cr = False  # the skipped part ended in CR (the line's LF follows)

    async def readuntil(self, separator: _ReaduntilBuffer = b"\n") -> bytes:
        try:
            line = await super().readuntil(separator)
        except asyncio.IncompleteReadError:
            raise asyncio.CancelledError("client closed its side") from None
        except asyncio.LimitOverrunError:
            if self._long is None:
                self._long, self._long_size, self._long_cr = bytearray(), 0, False
            raise
        recorded = self._whole_long_line(line) if self._long is not None else line
        if self.tap is not None:
            self.tap(recorded)
        return line

    async def read(self, n: int = -1) -> bytes:
        """Read up to ``n`` bytes; while an over-long line is skipped, note its head."""
        data = await super().read(n)
        if self._long is not None and data:
            self._long += data[:max(0, self._limit - len(self._long))]
            self._long_size += len(data)
            self._long_cr = data.endswith(b"\r")
        return data

    def _whole_long_line(self, tail: bytes) -> bytes:
        """The over-long line ending in ``tail`` as recorded: head, mark, real ending."""
        assert self._long is not None
        crlf = tail.endswith(b"\r\n") or (tail == b"\n" and self._long_cr)
        size = self._long_size + len(tail)
        head, self._long = bytes(self._long), None
        return head + f"[truncated: {size} bytes]".encode() + (b"\r\n" if crlf else b"\n")


def find_data_end(buf: bytearray, pos: int, at_line_start: bool) -> tuple[int, int, int]:
    """Find the terminating dot line in ``buf`` from ``pos``.

    Returns ``(end, term_len, resume)``: ``end`` is the length of the message data (the
    dot line starts there) or -1, ``term_len`` the dot line's length (3 for CRLF, 2 for
    bare LF), ``resume`` where to scan next when not found yet.
    """
    if at_line_start and pos == 0 and buf[:1] == b".":
        if buf[1:3] == b"\r\n":
            return 0, 3, 0
        if buf[1:2] == b"\n":
            return 0, 2, 0
        if len(buf) < 3:
            return -1, 0, 0
    while True:
        i = buf.find(b"\n.", pos)
        if i < 0:
            return -1, 0, max(0, len(buf) - 1)
        nxt = buf[i + 2:i + 4]
        if nxt[:2] == b"\r\n":
            return i + 1, 3, 0
        if nxt[:1] == b"\n":
            return i + 1, 2, 0
        if len(nxt) < 2 and (not nxt or nxt == b"\r"):
            return -1, 0, i
        pos = i + 1


def unstuff(data: bytes) -> bytes:
    """Remove the leading dot a sender added to lines starting with one (RFC 5321 §4.5.2)."""
    if data.startswith(b".") or b"\n." in data:
        return _DOT_LINE.sub(rb"\1", data)
    return data
