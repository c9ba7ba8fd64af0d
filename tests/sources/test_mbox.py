import io
import random

import pytest

from spamintel.sources._mbox import iter_mbox

SEP = b"From bot@example.com Sun Apr  8 12:00:00 2007\n"


class _Stream:
    """A file-like stream that is not in memory: iter_mbox reads it line by line."""

    def __init__(self, data: bytes) -> None:
        self._buf = io.BytesIO(data)

    def __iter__(self):
        return iter(self._buf)


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


def test_random_mboxes_split_alike_including_the_size_limit():
    rng = random.Random(5)
    lines = [SEP, b"From nobody\n", b">From q\n", b"text\n", b"\n", b"x" * 70 + b"\n"]
    for _ in range(500):
        data = b"".join(rng.choice(lines) for _ in range(rng.randint(0, 15)))
        streamed, in_memory = _both(data, 60)
        assert [(i, t) for i, _, t in streamed] == [(i, t) for i, _, t in in_memory]
        assert [d for _, d, t in streamed if not t] == [d for _, d, t in in_memory if not t]
