"""MinHash of normalised body shingles, the input of near-duplicate campaign clustering."""

from __future__ import annotations

import re

from rensa import RMinHash

_URL = re.compile(r"(?:https?://|www\.)\S+")
# A byte table (ASCII punctuation → space, digits → 0) applied to UTF-8 bytes: multi-byte
# characters pass untouched, and bytes.translate is ten times faster than str.translate.
_PUNCT = bytes.maketrans(b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~123456789",
                         b" " * 32 + b"0" * 9)
SEED = 1371


def normalise(text: str, limit: int = 2500) -> list[str]:
    """Lower-case word tokens of the first ``limit`` characters; URLs become ``urltoken``
    and every digit ``0``, so per-message numbers do not split a campaign."""
    text = text[:limit].lower()
    if "http" in text or "www." in text:
        text = _URL.sub(" urltoken ", text)
    # str.split() also splits on Unicode spaces such as U+00A0.
    return (text.encode("utf-8", "surrogatepass").translate(_PUNCT)
            .decode("utf-8", "surrogatepass").split())


def shingles(words: list[str]) -> list[str]:
    """Word 3-shingles (a single shingle of all words when there are fewer than 3)."""
    if len(words) < 3:
        return [" ".join(words)] if words else []
    return [f"{a} {b} {c}" for a, b, c in zip(words, words[1:], words[2:], strict=False)]


def body_minhash(words: list[str], extra: list[str], perms: int) -> list[int]:
    """MinHash digest over body shingles plus extra features (e.g. URL domains)."""
    tokens = shingles(words) + [f"dom:{d}" for d in extra]
    if not tokens:
        return []
    mh = RMinHash(num_perm=perms, seed=SEED)
    mh.update(tokens)
    return list(mh.digest())
