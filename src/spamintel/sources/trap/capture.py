"""Transcript capture: the client's exact lines and the server's replies, in wire order.

A client line that arrived before the server sent its reply to the previous command
(pipelining, or an early talker before the banner) is placed *before* that reply, so the
transcript shows what the client sent without waiting. Placement uses byte offsets: the
capture counts bytes received, each reply remembers how many had arrived when it was
sent, and each client line knows the offset where it ended.

Memory is bounded: after each message the part of the transcript since the prelude is
dropped (a message's record keeps the prelude and its own transaction, which is all the
dialect fingerprint reads), and a window never holds more than ``cap`` entries. When it is
full, repeats go first, chosen so that the dialect fingerprint does not change: a reply
inside a run of replies whose class (first digit) repeats the one before, and a command
(with the replies that follow it) that repeats the two before it in verb, line ending and
reply classes, like the 3rd to 999th RCPT or NOOP; the newest command always stays. If that
frees less than an eighth of the window (a client alternating distinct commands), a block
from the middle of the longer part goes: the prelude keeps its head and its end, the
transaction its MAIL and first commands and its latest lines.
"""

from __future__ import annotations

import bisect
import re
import time

_VERB = re.compile(r"[A-Za-z]+")
_KEEP_RUN = 2  # commands of a run of alike ones kept before repeats are dropped


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
        self._make_room()
        self.entries.append([self.ms(), "S", text])
        self._marks.append(self.rx)

    def client(self, raw: bytes, end_offset: int) -> None:
        """Record one client line (exact bytes) that ended at byte ``end_offset``."""
        self.client_lines += 1
        self._make_room()
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

    def _make_room(self) -> None:
        """Below ``cap`` entries again, repeats first (see the module docstring)."""
        if len(self.entries) < self.cap:
            return
        self._drop(_repeats(self.entries))
        excess = len(self.entries) - (self.cap - self.cap // 8)
        if excess > 0:
            self._drop(self._middle(excess))

    def _middle(self, n: int) -> list[int]:
        """Indices of ``n`` entries from the middle of the longer part."""
        split = self.prelude_end if self.prelude_end is not None else len(self.entries)
        lo, hi = (0, split) if split >= len(self.entries) - split else (split, len(self.entries))
        start = lo + (hi - lo - n) // 2
        return list(range(start, start + n))

    def _drop(self, doomed: list[int]) -> None:
        """Remove the entries at ``doomed`` (ascending indices)."""
        if not doomed:
            return
        gone = set(doomed)
        self.entries = [e for i, e in enumerate(self.entries) if i not in gone]
        self._marks = [m for i, m in enumerate(self._marks) if i not in gone]
        if self.prelude_end is not None:
            self.prelude_end -= bisect.bisect_left(doomed, self.prelude_end)
        self.dropped += len(doomed)


def _repeats(entries: list[list]) -> list[int]:
    """Indices of the entries whose removal leaves the dialect fingerprint unchanged."""
    doomed: set[int] = set()
    units: list[tuple[list[str], int]] = []  # per command: kind and reply classes, index
    last_reply = ""  # class of the last reply kept in the current run of replies
    for i, (_, who, text) in enumerate(entries):
        if who == "C":
            units.append(([*_kind(text)], i))
            last_reply = ""
        elif last_reply == text[:1] != "" and i + 1 < len(entries) and entries[i + 1][1] == "S":
            doomed.add(i)
        else:
            last_reply = text[:1]
            if units:
                units[-1][0].append(last_reply)
    run = 0
    for k in range(len(units) - 1):  # the newest command may still get its replies
        run = run + 1 if k and units[k][0] == units[k - 1][0] else 1
        if run > _KEEP_RUN:
            doomed.update(range(units[k][1], units[k + 1][1]))
    return sorted(doomed)


def _kind(text: str) -> tuple[str, str]:
    """A client line's verb (as the fingerprint reads it) and its line ending."""
    line = text.rstrip("\r\n")
    match = _VERB.match(line)
    verb = match.group().upper() if match else "." if line == "." else "?"
    return verb, text[len(line):]


def _is_mail(text: str) -> bool:
    return text[:4].upper() == "MAIL"
