"""MinHash of normalised body shingles, the input of near-duplicate campaign clustering."""

from __future__ import annotations

import re

from rensa import RMinHash

_URL = re.compile(r"(?:https?://|www\.)\S+")
_PUNCT = str.maketrans({**{c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\u00a0"},
                        **{d: "0" for d in "123456789"}})
SEED = 1371


def normalise(text: str, limit: int = 2500) -> list[str]:
    """Lower-case word tokens of the first ``limit`` characters; URLs become ``urltoken``
    and every digit ``0``, so per-message numbers do not split a campaign."""
    text = text[:limit].lower()
    if "http" in text or "www." in text:
        text = _URL.sub(" urltoken ", text)
    return text.translate(_PUNCT).split()


def shingles(words: list[str], k: int = 3) -> list[str]:
    """Word k-shingles (a single shingle of all words when there are fewer than k)."""
    if len(words) < k:
        return [" ".join(words)] if words else []
    return [" ".join(gram) for gram in zip(*(words[i:] for i in range(k)), strict=False)]


def body_minhash(words: list[str], extra: list[str], perms: int) -> list[int]:
    """MinHash digest over body shingles plus extra features (e.g. URL domains)."""
    tokens = shingles(words) + [f"dom:{d}" for d in extra]
    if not tokens:
        return []
    mh = RMinHash(num_perm=perms, seed=SEED)
    mh.update(tokens)
    return list(mh.digest())
