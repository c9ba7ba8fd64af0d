"""``TokenIndex``: which tokens of a message a model knows, found by their string hashes.

Python caches each string's hash, and a message's tokens were already hashed when they
went into its token set. Finding the known ones is then one NumPy binary search of about
a hundred integers in a sorted array of the vocabulary's hashes (160 KB for 20,000
tokens) instead of a hundred look-ups in a dict whose entries, key strings and values lie
scattered over megabytes: timed in the pipeline, where parsing has just filled the CPU
caches with mail, the dict's memory reads cost more than the NumPy calls. A chunk of
messages is looked up at once (``found_many``): the hashes' top bits pick a bucket of a
few vocabulary hashes, which takes fewer NumPy calls and memory reads in all.

String hashes differ between processes (hash randomisation), so the array is built in
the process that uses it and rebuilt after unpickling. Two different strings with the
same 64-bit hash would be taken for each other; for a 20,000-token vocabulary and 100
tokens a message that is about one message in 10^13.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np


def _exact_terms(values: np.ndarray | None) -> int:
    """How many of these values can be summed exactly in doubles, so in any order: float16
    values are multiples of 2**-24, and so is any sum of them below 2**29 (0 for other
    values)."""
    if values is None or values.dtype != np.float16:
        return 0
    largest = float(np.abs(values.astype(np.float64)).max(initial=0.0))
    return int(2**29 // largest) if largest else 2**62


def token_hashes(tokens: Collection[str]) -> np.ndarray:
    """The string hashes of a message's tokens (see ``TokenIndex.found_many``)."""
    return np.fromiter(map(hash, tokens), np.int64, len(tokens))


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
        self.exact_terms = _exact_terms(self.values)  # see ``sums_by_owner``
        # Buckets by the top bits of the hash (about three buckets per token): a token's
        # candidates are the few hashes between two bucket starts.
        bits = len(self.vocab).bit_length() + 1
        self._shift, self._half = 64 - bits, 1 << (bits - 1)
        buckets = (self._hashes >> self._shift) + self._half
        self._starts = buckets.searchsorted(np.arange((1 << bits) + 1)).astype(np.int32)

    def found(self, tokens: Collection[str]) -> np.ndarray:
        """Hash-order positions of the tokens that are in the vocabulary."""
        if not len(self._hashes) or not tokens:
            return np.zeros(0, np.intp)
        wanted = np.fromiter(map(hash, tokens), np.int64, len(tokens))
        pos = self._hashes.searchsorted(wanted)  # may be one past the end: clipped
        return pos[self._hashes.take(pos, mode="clip") == wanted]

    def found_many(self, wanted: np.ndarray) -> np.ndarray:
        """Hash-order position of each hash in ``wanted`` (``token_hashes`` of one or more
        messages, one after the other), -1 when
        not in the vocabulary. For many messages at once: a few NumPy calls in all, and
        two reads of small arrays per token instead of a binary search's many."""
        out = np.full(len(wanted), -1, np.intp)
        bucket = (wanted >> self._shift) + self._half
        lo, hi = self._starts.take(bucket), self._starts.take(bucket + 1)
        idx = np.flatnonzero(lo < hi)
        lo, hi = lo[idx], hi[idx]
        while len(idx):  # one round per candidate: as many rounds as the fullest bucket
            key, candidate = wanted.take(idx), self._hashes.take(lo)
            hit = candidate == key
            out[idx[hit]] = lo[hit]
            more = (candidate < key) & (lo + 1 < hi)  # hashes are sorted within a bucket
            idx, lo, hi = idx[more], lo[more] + 1, hi[more]
        return out

    def gather(self, found: np.ndarray) -> np.ndarray:
        """The ``values`` rows of ``found`` positions."""
        assert self._values is not None, "TokenIndex built without values"
        return self._values.take(found, axis=0)

    def sorted_rows(self, found: np.ndarray) -> np.ndarray:
        """Rows of ``found`` positions, sorted, as an array."""
        rows = self._order.take(found)
        rows.sort()
        return rows

    def sums_by_owner(self, found: np.ndarray, owner: np.ndarray, owners: int
                      ) -> list[list[float]] | None:
        """Per owner (0 to ``owners`` - 1), the sums of the ``values`` columns of its
        ``found`` positions, in doubles; None unless every owner's sum is exact (at most
        ``exact_terms`` terms), so the same in any order."""
        if self._values is None or len(found) and \
                np.bincount(owner, minlength=owners).max() > self.exact_terms:
            return None
        gathered = self._values.take(found, axis=0)
        return [np.bincount(owner, weights=col, minlength=owners).tolist()
                for col in gathered.T]

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
