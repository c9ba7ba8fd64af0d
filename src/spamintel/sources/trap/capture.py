"""Transcript capture: the client's exact lines and the server's replies, in wire order.

A client line that arrived before the server sent its reply to the previous command
(pipelining, or an early talker before the banner) is placed *before* that reply, so the
transcript shows what the client sent without waiting. Placement uses byte offsets: the
capture counts bytes received, each reply remembers how many had arrived when it was
sent, and each client line knows the offset where it ended.

Memory is bounded: after each message the part of the transcript since the prelude is
dropped (a message's record keeps the prelude and its own transaction, which is all the
dialect fingerprint reads), and a window never holds more than ``cap`` entries.
"""

from __future__ import annotations

import time


class Capture:
    """Chronological transcript of one connection (see the module docstring)."""

    def __init__(self, cap: int = 400) -> None:
        self.t0 = time.monotonic()
        self.cap = max(cap, 8)
        self.entries: list[list] = []
        self._marks: list[int] = []
        self.rx = 0
        self.prelude_end: int | None = None
        self.dropped = 0
        self.client_lines = 0

    def ms(self) -> int:
        """Milliseconds since the connection was accepted."""
        return int((time.monotonic() - self.t0) * 1000)

    def received(self, nbytes: int) -> None:
        """Count bytes the client sent (before any of them is read)."""
        self.rx += nbytes

    def server(self, text: str) -> None:
        """Record a reply line as it is sent."""
        self._append(["S", text], self.rx)

    def client(self, raw: bytes, end_offset: int) -> None:
        """Record one client line (exact bytes) that ended at byte ``end_offset``."""
        self.client_lines += 1
        if self._full():
            return
        text = raw.decode("latin-1")
        pos = len(self.entries)
        while pos > self._floor() and self._marks[pos - 1] >= end_offset:
            pos -= 1
        if self.prelude_end is None and _is_mail(text):
            self.prelude_end = pos
        stamp = self.entries[pos][0] if pos < len(self.entries) else self.ms()
        self.entries.insert(pos, [stamp, "C", text])
        self._marks.insert(pos, -1)

    def window(self) -> list[list]:
        """Transcript entries for a message record: prelude plus the current part."""
        return [list(e) for e in self.entries]

    def message_done(self) -> None:
        """Forget the current part, keeping the prelude, after a message is recorded."""
        keep = self.prelude_end if self.prelude_end is not None else len(self.entries)
        del self.entries[keep:], self._marks[keep:]

    def _floor(self) -> int:
        return self.prelude_end if self.prelude_end is not None else 0

    def _full(self) -> bool:
        if len(self.entries) < self.cap:
            return False
        keep = self.prelude_end
        if keep is None or keep >= len(self.entries) - 1:
            self.dropped += 1
            return True
        del self.entries[keep], self._marks[keep]
        self.dropped += 1
        return False

    def _append(self, entry: list, mark: int) -> None:
        if self._full():
            return
        self.entries.append([self.ms(), *entry])
        self._marks.append(mark)


def _is_mail(text: str) -> bool:
    return text[:4].upper() == "MAIL"
