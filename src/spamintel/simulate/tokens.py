"""Random tokens for message fields, drawn from a seeded ``random.Random``."""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
LOWER = "abcdefghijklmnopqrstuvwxyz"
LOWER_DIGITS = "abcdefghijklmnopqrstuvwxyz0123456789"


def hexs(rng: random.Random, n: int) -> str:
    """``n`` lower-case hex digits."""
    return f"{rng.getrandbits(4 * n):0{n}x}"


def upper_hex(rng: random.Random, n: int) -> str:
    """``n`` upper-case hex digits."""
    return f"{rng.getrandbits(4 * n):0{n}X}"


def digits(rng: random.Random, n: int) -> str:
    """``n`` decimal digits, no leading zero."""
    return str(rng.randrange(10 ** (n - 1), 10**n))


# Random tokens never spell a botnet family: the truth must not leak, even by chance.
RESERVED = frozenset(
    {
        "rustock",
        "bagle",
        "cutwail",
        "pushdo",
        "lethic",
        "grum",
        "festi",
        "maazben",
        "xarvester",
        "donbot",
        "bobax",
        "gheg",
        "kelihos",
        "megad",
        "storm",
        "waledac",
        "srizbi",
        "tofsee",
        "ozdok",
        "hlux",
    }
)


def alnum(rng: random.Random, n: int) -> str:
    """``n`` letters and digits."""
    while True:
        x = rng.getrandbits(6 * n)
        token = "".join([ALNUM[((x >> (6 * i)) & 63) % 62] for i in range(n)])
        if n > 9 or token.lower() not in RESERVED:
            return token


def lower(rng: random.Random, n: int) -> str:
    """``n`` lower-case letters."""
    while True:
        x = rng.getrandbits(5 * n)
        token = "".join([LOWER[((x >> (5 * i)) & 31) % 26] for i in range(n)])
        if n > 9 or token not in RESERVED:
            return token


def lower_digits(rng: random.Random, n: int) -> str:
    """``n`` lower-case letters and digits."""
    return "".join(rng.choices(LOWER_DIGITS, k=n))


def weighted(rng: random.Random, table: tuple[tuple[str, ...], tuple[float, ...]]) -> str:
    """One key of a ``(keys, cumulative weights)`` table."""
    keys, cum = table
    if len(keys) == 1:
        return keys[0]
    return keys[bisect_right(cum, rng.random() * cum[-1])]


def between(rng: random.Random, lo: int, hi: int) -> int:
    """An integer in ``[lo, hi]`` (faster than ``Random.randint``)."""
    return lo + int(rng.random() * (hi - lo + 1))


def pick(rng: random.Random, seq: Sequence[T]) -> T:
    """One element of ``seq`` (faster than ``Random.choice``; same stream on every run)."""
    return seq[int(rng.random() * len(seq))]


def cum_table(weights: dict[str, float]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Turn ``{key: weight}`` into a ``(keys, cumulative weights)`` table for ``weighted``."""
    keys = tuple(weights)
    total, cum = 0.0, []
    for k in keys:
        total += max(float(weights[k]), 0.0)
        cum.append(total)
    if total <= 0:
        raise ValueError(f"weights are all zero: {weights}")
    return keys, tuple(cum)
