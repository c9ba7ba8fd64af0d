"""MinHash of normalised body shingles, the input of near-duplicate campaign clustering."""

from __future__ import annotations

import re

from rensa import RMinHash

_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_WORD = re.compile(r"\w+", re.U)
SEED = 1371


def normalise(text: str, limit: int = 4000) -> list[str]:
    """Lower-case word tokens with URLs and numbers replaced by placeholders."""
    text = _URL.sub(" urltoken ", text[:limit].lower())
    return ["#" if w.isdigit() else w for w in _WORD.findall(text)]


def shingles(words: list[str], k: int = 3) -> list[str]:
    """Word k-shingles (a single shingle of all words when there are fewer than k)."""
    if len(words) < k:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + k]) for i in range(len(words) - k + 1)]


def body_minhash(words: list[str], extra: list[str], perms: int) -> list[int]:
    """MinHash digest over body shingles plus extra features (e.g. URL domains)."""
    tokens = shingles(words) + [f"dom:{d}" for d in extra]
    if not tokens:
        return []
    mh = RMinHash(num_perm=perms, seed=SEED)
    mh.update(tokens)
    return list(mh.digest())
