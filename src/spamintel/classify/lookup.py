"""``TokenIndex``: the rows of the tokens of a message that a model knows.

One dict from token to row, read with ``map(dict.get, tokens, repeat(missing))``: the
whole look-up of a message's hundred or so tokens runs in C, with no Python step per
token and no NumPy call (for so few items a NumPy call's fixed cost is larger than the
work). Unknown tokens get the row ``missing`` (one past the last row, where a model's
weight lists hold a zero), so they sort to the end.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from itertools import repeat


class TokenIndex:
    """Row numbers (positions in ``vocab``) of the vocabulary tokens in a token set."""

    def __init__(self, vocab: list[str]) -> None:
        self.vocab = list(vocab)
        self.missing = len(self.vocab)
        # Reversed: a token listed twice keeps its first row.
        self._row = {tok: i for i, tok in reversed(list(enumerate(self.vocab)))}

    def padded_rows(self, tokens: Iterable[str]) -> list[int]:
        """The row of every token, in the order given; ``missing`` for unknown ones."""
        return list(map(self._row.get, tokens, repeat(self.missing)))

    def known(self, padded: list[int]) -> list[int]:
        """``padded_rows`` sorted, without the unknown tokens (sorted in place)."""
        padded.sort()
        del padded[bisect_left(padded, self.missing):]
        return padded

    def rows(self, tokens: Iterable[str]) -> list[int]:
        """Sorted rows of the tokens that are in the vocabulary."""
        return self.known(self.padded_rows(tokens))
