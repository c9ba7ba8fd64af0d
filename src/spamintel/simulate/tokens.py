"""Random tokens for message fields, drawn from a seeded ``random.Random``."""

from __future__ import annotations

import random

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


def alnum(rng: random.Random, n: int) -> str:
    """``n`` letters and digits."""
    return "".join(rng.choices(ALNUM, k=n))


def lower(rng: random.Random, n: int) -> str:
    """``n`` lower-case letters."""
    return "".join(rng.choices(LOWER, k=n))


def lower_digits(rng: random.Random, n: int) -> str:
    """``n`` lower-case letters and digits."""
    return "".join(rng.choices(LOWER_DIGITS, k=n))


def weighted(rng: random.Random, table: tuple[tuple[str, ...], tuple[float, ...]]) -> str:
    """One key of a ``(keys, cumulative weights)`` table."""
    keys, cum = table
    return rng.choices(keys, cum_weights=cum, k=1)[0]


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
