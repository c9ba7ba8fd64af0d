"""``TokenIndex``: which tokens of a message a model knows, found by their string hashes.

Python caches each string's hash, and a message's tokens were already hashed when they
went into its token set. Finding the known ones is then one NumPy binary search of about
a hundred integers in a sorted array of the vocabulary's hashes (160 KB for 20,000
tokens) instead of a hundred look-ups in a dict whose entries and key strings lie
scattered in memory: timed in the pipeline, right after parsing has pushed the model out
of the CPU caches, the dict version was the slower one.

String hashes differ between processes (hash randomisation), so the array is built in
the process that uses it and rebuilt after unpickling. Two different strings with the
same 64-bit hash would be taken for each other; for a 20,000-token vocabulary and 100
tokens a message that is about one message in 10^13.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np


class TokenIndex:
    """Row numbers (positions in ``vocab``) of the vocabulary tokens in a token set."""

    def __init__(self, vocab: list[str]) -> None:
        self.vocab = list(vocab)
        self._build()

    def _build(self) -> None:
        hashes = np.fromiter(map(hash, self.vocab), np.int64, len(self.vocab))
        order = np.argsort(hashes, kind="stable")
        self._hashes = hashes[order]
        self._rows = order.astype(np.intp)

    def rows(self, tokens: Collection[str]) -> list[int]:
        """Sorted rows of the tokens that are in the vocabulary."""
        if not len(self._hashes) or not tokens:
            return []
        wanted = np.fromiter(map(hash, tokens), np.int64, len(tokens))
        pos = self._hashes.searchsorted(wanted)  # may be one past the end: clipped
        found = pos[self._hashes.take(pos, mode="clip") == wanted]
        rows = self._rows.take(found, mode="clip").tolist()
        rows.sort()
        return rows

    def __getstate__(self) -> dict[str, list[str]]:
        return {"vocab": self.vocab}

    def __setstate__(self, state: dict[str, list[str]]) -> None:
        self.vocab = state["vocab"]
        self._build()
