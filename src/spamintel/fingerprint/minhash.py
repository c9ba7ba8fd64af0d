"""MinHash of normalised body shingles, the input of near-duplicate campaign clustering.

Text is normalised per message (lower case, URLs → ``urltoken``, punctuation → space,
digits → ``0``); everything after that runs over a whole batch at once in numpy. Each
word gets a 64-bit polynomial hash read off prefix sums of the batch's bytes, three
neighbouring word hashes combine into a shingle hash, and rensa turns every message's
shingle and URL-domain hashes into its digest in one call. No per-shingle string is built.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from rensa import RMinHash

_URL = re.compile(r"(?:https?://|www\.)\S+")
# A byte table (ASCII punctuation and whitespace → space, digits → 0) applied to UTF-8
# bytes: multi-byte characters pass untouched, and bytes.translate is ten times faster
# than str.translate. Afterwards a space is the only byte that separates words.
_PUNCT = bytes.maketrans(b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
                         b"123456789", b" " * 41 + b"0" * 9)
_SPACE = ord(" ")
SEED = 1371
_BASE = 0x100000001B3  # odd, so it has an inverse modulo 2**64
_BASE_INV = pow(_BASE, -1, 1 << 64)
_K1, _K2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F)
_GROUP_BYTES = 1 << 18  # bytes hashed per prefix-sum pass; bounds the power tables


def normalise(text: str, limit: int = 2500) -> bytes:
    """The first ``limit`` characters as UTF-8, lower case, URLs as ``urltoken``, ASCII
    punctuation and every kind of white space as spaces, every digit ``0``, so
    per-message numbers and link targets do not split a campaign."""
    text = text[:limit].lower()
    if "http" in text or "www." in text:
        text = _mask_urls(text)
    if not text.isascii():
        text = " ".join(text.split())  # U+00A0, U+3000 and the other Unicode spaces
    return text.encode("utf-8", "surrogatepass").translate(_PUNCT)


def _mask_urls(text: str) -> str:
    """``_URL.sub(" urltoken ", text)``, with the pattern tried only where "http" or
    "www." starts (its own scan tries every character)."""
    out: list[str] = []
    done = 0  # text before this index is in out
    http, www = text.find("http"), text.find("www.")
    while http >= 0 or www >= 0:
        at = http if www < 0 or 0 <= http < www else www
        m = _URL.match(text, at)
        if m is not None:
            out += (text[done:at], " urltoken ")
            done = m.end()
        after = max(done, at + 1)
        if 0 <= http < after:
            http = text.find("http", after)
        if 0 <= www < after:
            www = text.find("www.", after)
    out.append(text[done:])
    return "".join(out)


def body_minhash(text: bytes, extra: Sequence[str], perms: int) -> list[int]:
    """MinHash digest of one normalised text's word 3-shingles plus extra features
    (e.g. URL domains); ``[]`` when there is nothing to hash."""
    return body_minhashes([text], [extra], perms)[0]


def body_minhashes(texts: Sequence[bytes], extras: Sequence[Sequence[str]],
                   perms: int) -> list[list[int]]:
    """``body_minhash`` for many messages at once (the same digests, far cheaper)."""
    owners, hashes = [], []
    start = 0
    for stop in _groups(texts):
        owner, shingle = _shingle_hashes(texts[start:stop])
        owners.append(owner + start)
        hashes.append(shingle)
        start = stop
    owner, extra = _extra_hashes(extras)
    owners.append(owner)
    hashes.append(extra)
    flat = np.concatenate(hashes)
    if len(texts) == 1:  # one row: nothing to group by owner
        offsets = np.array([0, len(flat)], dtype=np.uint64)
    else:
        owner_all = np.concatenate(owners)
        order = np.argsort(owner_all, kind="stable")
        flat = flat[order]
        offsets = np.searchsorted(owner_all[order], np.arange(len(texts) + 1)).astype(np.uint64)
    rows = RMinHash.digest_matrix_from_flat_token_hashes(flat, offsets, perms, SEED).to_rows()
    hashed = (offsets[1:] > offsets[:-1]).tolist()  # one comparison, not two per row
    return [row if any_hash else [] for row, any_hash in zip(rows, hashed, strict=True)]


def _groups(texts: Sequence[bytes]) -> list[int]:
    """End indices of consecutive runs of texts holding at most ``_GROUP_BYTES`` bytes."""
    ends, size = [], 0
    for i, text in enumerate(texts):
        if size and size + len(text) + 1 > _GROUP_BYTES:
            ends.append(i)
            size = 0
        size += len(text) + 1
    return [*ends, len(texts)]


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``_BASE**i`` and ``_BASE**-i`` modulo 2**64 for i < n."""
    up = np.full(n, _BASE, dtype=np.uint64)
    down = np.full(n, _BASE_INV, dtype=np.uint64)
    up[0] = down[0] = 1
    return np.cumprod(up, dtype=np.uint64), np.cumprod(down, dtype=np.uint64)


_POWERS = _powers(_GROUP_BYTES + 64)


def _word_hashes(texts: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """``(owner, hash)`` of every word of the texts, in order: the index of the text the
    word belongs to, and the word's polynomial hash (independent of its position)."""
    blob = np.frombuffer(b" ".join([b"", *texts, b""]), dtype=np.uint8)  # spaced ends
    word = blob != _SPACE
    # Spaces at both ends: the changes alternate, a word's start then its end.
    edges = (word[1:] != word[:-1]).nonzero()[0] + 1
    starts, ends = edges[0::2], edges[1::2]
    up, down = _POWERS if len(blob) <= len(_POWERS[0]) else _powers(len(blob))
    prefix = np.empty(len(blob) + 1, dtype=np.uint64)  # no zero fill: all but [0] written
    prefix[0] = 0
    np.cumsum(blob * up[: len(blob)], dtype=np.uint64, out=prefix[1:])
    hashes = (prefix[ends] - prefix[starts]) * down[starts]
    if len(texts) == 1:
        return np.zeros(len(starts), dtype=np.int64), hashes
    # Text i spans blob[begins[i]:begins[i + 1] - 1]: its words are the starts in between.
    begins = np.cumsum([1] + [len(t) + 1 for t in texts])
    counts = np.diff(np.searchsorted(starts, begins))
    return np.repeat(np.arange(len(texts)), counts), hashes


def _shingle_hashes(texts: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """``(owner, hash)`` of every word 3-shingle; a text of one or two words gives one
    shingle of all its words."""
    owner, words = _word_hashes(texts)
    with np.errstate(over="ignore"):
        full = owner[:-2] == owner[2:]
        shingle = words[:-2] * _K1 + words[1:-1] * _K2 + words[2:]
        owners, hashes = [owner[:-2][full]], [shingle[full]]
        counts = np.bincount(owner, minlength=len(texts))
        for text in np.flatnonzero((counts > 0) & (counts < 3)):
            first = np.searchsorted(owner, text)
            pad = [*words[first:first + counts[text]], np.uint64(0), np.uint64(0)]
            owners.append(np.array([text]))
            hashes.append(np.array([pad[0] * _K1 + pad[1] * _K2 + pad[2]], dtype=np.uint64))
        return np.concatenate(owners), _mix(np.concatenate(hashes))


def _extra_hashes(extras: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
    """``(owner, hash)`` of every extra feature, hashed as the token ``dom:<value>``."""
    tokens = RMinHash.hash_token_sets([[f"dom:{d}" for d in extra] for extra in extras])
    owner = np.repeat(np.arange(len(extras)), [len(t) for t in tokens])
    return owner, np.array([h for t in tokens for h in t], dtype=np.uint64)


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: spreads the combined word hashes over all 64 bits."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))
