import io
import random
import tracemalloc

import pytest

from spamintel.sources import _mbox
from spamintel.sources._mbox import iter_mbox

SEP = b"From bot@example.com Sun Apr  8 12:00:00 2007\n"


def _Stream(data: bytes) -> io.BufferedReader:  # noqa: N802 - stands for a file class
    """A file-like stream that is not in memory: iter_mbox reads it line by line."""
    return io.BufferedReader(io.BytesIO(data))


class _Endless(io.RawIOBase):
    """An mbox stream made as it is read: a message whose body is one line of ``n``
    bytes, then a small message."""

    def __init__(self, n: int) -> None:
        self.head, self.left = SEP + b"A: 1\n\n", n
        self.tail = b"\n" + SEP + b"A: 2\n\nsmall\n"

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if self.head:
            chunk, self.head = self.head[:len(b)], self.head[len(b):]
        elif self.left:
            chunk = b"x" * min(len(b), self.left)
            self.left -= len(chunk)
        else:
            chunk, self.tail = self.tail[:len(b)], self.tail[len(b):]
        b[:len(chunk)] = chunk
        return len(chunk)


def _both(data: bytes, limit: int = 10**9):
    return list(iter_mbox(_Stream(data), limit)), list(iter_mbox(io.BytesIO(data), limit))


@pytest.mark.parametrize("data", [
    b"", SEP, b"headers only\n", b"preamble\n" + SEP + b"A: b\n\nbody\n",
    SEP + b"A: 1\n\n>From quoted\n>>From twice\n\n" + SEP + b"A: 2\r\n\r\nx\r\n",
    SEP + SEP + b"A: b\n", SEP + b"A: b\n\nFrom no date here\n",
])
def test_in_memory_and_streamed_mboxes_split_alike(data):
    streamed, in_memory = _both(data)
    assert streamed == in_memory


def test_mboxrd_quoting_is_undone_and_separators_dropped():
    _, got = _both(SEP + b"A: 1\n\n>From me\n>>From you\n\n" + SEP + b"A: 2\n\nx\n")
    assert [d for _, d, _ in got] == [b"A: 1\n\nFrom me\n>From you\n", b"A: 2\n\nx\n"]


@pytest.mark.parametrize("chunk", [1, 7, 1 << 20])
def test_random_mboxes_split_alike_including_the_size_limit(monkeypatch, chunk):
    # read a byte, seven bytes or a megabyte at a time: lines longer than the limit are
    # then cut, or not, and the messages are the same
    monkeypatch.setattr(_mbox, "_CHUNK", chunk)
    rng = random.Random(5)
    lines = [SEP, b"From nobody\n", b">From q\n", b"text\n", b"\n", b"x" * 70 + b"\n"]
    for _ in range(500):
        data = b"".join(rng.choice(lines) for _ in range(rng.randint(0, 15)))
        streamed, in_memory = _both(data, 60)
        assert [(i, t) for i, _, t in streamed] == [(i, t) for i, _, t in in_memory]
        assert [d for _, d, t in streamed if not t] == [d for _, d, t in in_memory if not t]


def test_a_line_longer_than_the_limit_is_never_held_whole():
    # 32 MB in one line, a 64 KiB limit: the message is flagged, the next one read, and
    # memory stays near the limit and the chunk read (reading the line whole took twice
    # the line's size)
    stream = io.BufferedReader(_Endless(32 << 20), buffer_size=1 << 16)
    tracemalloc.start()
    try:
        got = list(iter_mbox(stream, 1 << 16))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [(i, t) for i, _, t in got] == [(0, True), (1, False)]
    assert got[1][1] == b"A: 2\n\nsmall\n" and len(got[0][1]) <= 1 << 16
    assert peak < 12 << 20


def test_the_rest_of_a_cut_line_is_no_separator_even_if_it_reads_like_one(monkeypatch):
    monkeypatch.setattr(_mbox, "_CHUNK", 16)
    for pad in range(16):  # wherever the chunks fall
        data = (SEP + b"A: %s\n\n" % (b"p" * pad) + b"y" * 101
                + b"From x Sun Apr  8 12:00:00 2007\n" + b"end\n")
        streamed = list(iter_mbox(_Stream(data), 100))
        assert [(i, t) for i, _, t in streamed] == [(0, True)], pad
