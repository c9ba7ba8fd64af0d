"""``TokenIndex``: the rows of the tokens of a message that a model knows.

One dict from token to row, read with ``map(dict.get, tokens, repeat(missing))`` and
sorted: the whole look-up of a message's hundred or so tokens runs in C, with no Python
step per token and no NumPy call (for so few items a NumPy call's fixed cost is larger
than the work). Unknown tokens get the row ``missing`` (one past the last row), so they
sort to the end, where a model's weight arrays hold a zero.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection
from itertools import repeat


class TokenIndex:
    """Row numbers (positions in ``vocab``) of the vocabulary tokens in a token set."""

    def __init__(self, vocab: list[str]) -> None:
        self.vocab = list(vocab)
        self.missing = len(self.vocab)
        # Reversed: a token listed twice keeps its first row.
        self._row = {tok: i for i, tok in reversed(list(enumerate(self.vocab)))}

    def padded_rows(self, tokens: Collection[str]) -> list[int]:
        """Sorted rows of every token, ``missing`` for each unknown one (so those come
        last)."""
        return sorted(map(self._row.get, tokens, repeat(self.missing)))

    def known(self, padded: list[int]) -> list[int]:
        """``padded_rows`` without the unknown tokens (the list is cut in place)."""
        del padded[bisect_left(padded, self.missing):]
        return padded

    def rows(self, tokens: Collection[str]) -> list[int]:
        """Sorted rows of the tokens that are in the vocabulary."""
        return self.known(self.padded_rows(tokens))
