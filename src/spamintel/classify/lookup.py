"""``TokenIndex``: which tokens of a message a model knows, found by their string hashes.

Python caches each string's hash, and a message's tokens were already hashed when they
went into its token set. Finding the known ones is then one NumPy binary search of about
a hundred integers in a sorted array of the vocabulary's hashes (160 KB for 20,000
tokens) instead of a hundred look-ups in a dict whose entries, key strings and values lie
scattered over megabytes: timed in the pipeline, where parsing has just filled the CPU
caches with mail, the dict's memory reads cost more than the NumPy calls.

String hashes differ between processes (hash randomisation), so the array is built in
the process that uses it and rebuilt after unpickling. Two different strings with the
same 64-bit hash would be taken for each other; for a 20,000-token vocabulary and 100
tokens a message that is about one message in 10^13.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np


class TokenIndex:
    """Positions of a message's known tokens in the vocabulary, sorted by hash
    (``found``), their rows (positions in ``vocab``) and per-row ``values`` (optional,
    one row of numbers per token) in the same hash order, gathered in one call."""

    def __init__(self, vocab: list[str], values: np.ndarray | None = None) -> None:
        self.vocab = list(vocab)
        self.values = values
        self._build()

    def _build(self) -> None:
        hashes = np.fromiter(map(hash, self.vocab), np.int64, len(self.vocab))
        order = np.argsort(hashes, kind="stable")  # hash order -> row
        self._hashes = hashes[order]
        self._order = order.astype(np.int32)
        self._values = None if self.values is None else self.values[order]

    def found(self, tokens: Collection[str]) -> np.ndarray:
        """Hash-order positions of the tokens that are in the vocabulary."""
        if not len(self._hashes) or not tokens:
            return np.zeros(0, np.intp)
        wanted = np.fromiter(map(hash, tokens), np.int64, len(tokens))
        pos = self._hashes.searchsorted(wanted)  # may be one past the end: clipped
        return pos[self._hashes.take(pos, mode="clip") == wanted]

    def gather(self, found: np.ndarray) -> np.ndarray:
        """The ``values`` rows of ``found`` positions."""
        assert self._values is not None, "TokenIndex built without values"
        return self._values.take(found, axis=0)

    def sorted_rows(self, found: np.ndarray) -> np.ndarray:
        """Rows of ``found`` positions, sorted, as an array."""
        rows = self._order.take(found)
        rows.sort()
        return rows

    def rows_of(self, found: np.ndarray) -> list[int]:
        """Sorted rows of ``found`` positions."""
        return self.sorted_rows(found).tolist()

    def rows(self, tokens: Collection[str]) -> list[int]:
        """Sorted rows of the tokens that are in the vocabulary."""
        return self.rows_of(self.found(tokens))

    def __getstate__(self) -> dict:
        return {"vocab": self.vocab, "values": self.values}

    def __setstate__(self, state: dict) -> None:
        self.vocab, self.values = state["vocab"], state["values"]
        self._build()
